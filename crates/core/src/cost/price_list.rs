//! Reading the Price List Query API's `GetProducts` answers: `PriceList` is a list of JSON
//! *strings*, one product each, whose on-demand price sits at
//! `terms.OnDemand.<offer>.priceDimensions.<rate>.pricePerUnit.USD` (a decimal string) with its
//! `unit` (`Hrs` for an instance, `GB-Mo` for storage).

use serde_json::Value;

use super::Quote;

/// One product's on-demand price.
#[derive(Debug, Clone, PartialEq)]
pub struct Offer {
    /// The product's SKU.
    pub sku: String,
    /// US dollars per unit.
    pub usd: f64,
    /// The price's description as AWS writes it.
    pub description: String,
}

/// The on-demand prices in `unit` of the products in one page of `PriceList`. A product that
/// cannot be read, or lists no on-demand price in that unit, is skipped and counted.
pub fn offers(price_list: &[String], unit: &str) -> (Vec<Offer>, usize) {
    let mut out = Vec::new();
    let mut skipped = 0;
    for doc in price_list {
        match serde_json::from_str::<Value>(doc).ok().and_then(|v| offer(&v, unit)) {
            Some(o) => out.push(o),
            None => skipped += 1,
        }
    }
    (out, skipped)
}

fn offer(v: &Value, unit: &str) -> Option<Offer> {
    let sku = v.pointer("/product/sku").and_then(Value::as_str).unwrap_or("?").to_owned();
    let terms = v.pointer("/terms/OnDemand")?.as_object()?;
    let mut found = None;
    for term in terms.values() {
        for dim in term.get("priceDimensions")?.as_object()?.values() {
            if dim.get("unit").and_then(Value::as_str) != Some(unit) {
                continue;
            }
            let usd: f64 = dim.pointer("/pricePerUnit/USD")?.as_str()?.trim().parse().ok()?;
            if !usd.is_finite() || usd < 0.0 {
                return None;
            }
            let description = dim.get("description").and_then(Value::as_str).unwrap_or("").to_owned();
            // Tiered prices (several dimensions) are not one price: refuse the product.
            if found.is_some() {
                return None;
            }
            found = Some(Offer { sku: sku.clone(), usd, description });
        }
    }
    found
}

/// The price the matching products agree on. Several products may match the filters (AWS
/// lists a product per usage type); when their prices differ, no price is chosen.
pub fn choose(offers: &[Offer], what: &str) -> Result<Quote, String> {
    let Some(first) = offers.first() else {
        return Err(format!("the AWS Price List has no on-demand price for {what}"));
    };
    if offers.iter().all(|o| (o.usd - first.usd).abs() < 1e-9) {
        let note = (offers.len() > 1).then(|| format!("{} matching products agree", offers.len()));
        return Ok(Quote { usd: first.usd, note });
    }
    let mut prices: Vec<String> = offers.iter().map(|o| format!("{} ({})", o.usd, o.sku)).collect();
    prices.dedup();
    Err(format!(
        "the AWS Price List lists {} different on-demand prices for {what}: {}; set the price in the configuration",
        offers.len(),
        prices.join(", ")
    ))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A product as the Price List API writes it (trimmed from a real answer for t3.large in
    /// us-east-1): the on-demand term and, beside it, a reserved term that must be ignored.
    pub fn product(sku: &str, instance_type: &str, usd: &str, unit: &str) -> String {
        serde_json::json!({
            "product": {
                "productFamily": "Compute Instance",
                "attributes": {
                    "instanceType": instance_type, "regionCode": "us-east-1", "operatingSystem": "Linux",
                    "tenancy": "Shared", "preInstalledSw": "NA", "capacitystatus": "Used",
                    "usagetype": format!("BoxUsage:{instance_type}"), "servicecode": "AmazonEC2"
                },
                "sku": sku
            },
            "serviceCode": "AmazonEC2",
            "terms": {
                "OnDemand": { format!("{sku}.JRTCKXETXF"): {
                    "priceDimensions": { format!("{sku}.JRTCKXETXF.6YS6EN2CT7"): {
                        "unit": unit, "endRange": "Inf", "beginRange": "0", "appliesTo": [],
                        "description": format!("${usd} per On Demand Linux {instance_type} Instance Hour"),
                        "rateCode": format!("{sku}.JRTCKXETXF.6YS6EN2CT7"),
                        "pricePerUnit": { "USD": usd }
                    }},
                    "sku": sku, "effectiveDate": "2026-11-01T00:00:00Z", "offerTermCode": "JRTCKXETXF",
                    "termAttributes": {}
                }},
                "Reserved": { format!("{sku}.4NA7Y494T4"): {
                    "priceDimensions": { format!("{sku}.4NA7Y494T4.6YS6EN2CT7"): {
                        "unit": "Hrs", "pricePerUnit": { "USD": "0.0520000000" }
                    }}
                }}
            },
            "version": "20261120000000",
            "publicationDate": "2026-11-20T00:00:00Z"
        })
        .to_string()
    }

    #[test]
    fn the_on_demand_price_is_read_from_the_json_strings() {
        let page = vec![product("ABC", "t3.large", "0.0832000000", "Hrs")];
        let (found, skipped) = offers(&page, "Hrs");
        assert_eq!(skipped, 0);
        assert_eq!(found.len(), 1);
        assert!((found[0].usd - 0.0832).abs() < 1e-12, "not the reserved price");
        assert_eq!(found[0].sku, "ABC");
        assert_eq!(choose(&found, "t3.large").unwrap(), Quote { usd: 0.0832, note: None });
    }

    #[test]
    fn other_units_and_unreadable_products_are_skipped() {
        let page = vec![
            product("A", "t3.large", "0.0832", "GB-Mo"),
            "not json".to_owned(),
            serde_json::json!({"product": {"sku": "X"}}).to_string(),
            product("B", "t3.large", "abc", "Hrs"),
        ];
        let (found, skipped) = offers(&page, "Hrs");
        assert!(found.is_empty());
        assert_eq!(skipped, 4);
        assert!(choose(&found, "t3.large").unwrap_err().contains("no on-demand price for t3.large"));
    }

    #[test]
    fn several_matches_agree_or_are_refused() {
        let agree = offers(
            &[product("A", "t3.large", "0.0832", "Hrs"), product("B", "t3.large", "0.08320", "Hrs")],
            "Hrs",
        )
        .0;
        let q = choose(&agree, "t3.large").unwrap();
        assert_eq!(q.note.as_deref(), Some("2 matching products agree"));
        let differ = offers(
            &[product("A", "t3.large", "0.0832", "Hrs"), product("B", "t3.large", "0.1000", "Hrs")],
            "Hrs",
        )
        .0;
        let e = choose(&differ, "t3.large").unwrap_err();
        assert!(e.contains("2 different on-demand prices") && e.contains("0.1 (B)"), "{e}");
    }
}
