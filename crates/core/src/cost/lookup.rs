//! Putting the prices together: the configuration's overrides first, then a price the Price
//! List API gave less than a week ago (the cache), then the API itself; failing all three, the
//! reason.

use std::collections::BTreeMap;
use std::path::PathBuf;

use jiff::Timestamp;

use super::cache::{self, PriceCache};
use super::{Hourly, PriceFrom, PriceSource, Prices, Quote, Storage, Unknown};
use crate::cloud::Instance;

/// The cost settings of the configuration.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CostConfig {
    /// `cost.hourly_usd`: the instance's hourly price, instead of the Price List's.
    pub hourly_usd: Option<f64>,
    /// `cost.storage_usd_per_gb_month`: every volume's GB-month price, instead of the Price List's.
    pub storage_usd_per_gb_month: Option<f64>,
    /// Where the price cache lives (`None`: no cache, as in demo mode).
    pub cache_path: Option<PathBuf>,
}

/// The prices of `instance` (in `region`) at `now`.
pub async fn lookup(
    src: &dyn PriceSource,
    cfg: &CostConfig,
    region: &str,
    instance: &Instance,
    now: Timestamp,
) -> Prices {
    let mut cache = cfg.cache_path.as_deref().map(PriceCache::load).unwrap_or_default();
    let before = cache.clone();
    let hourly = hourly(src, cfg, &mut cache, region, instance, now).await;
    // The Price List just failed: its storage prices are not asked for again (the same reason).
    let api_failed =
        hourly.as_ref().err().filter(|_| cfg.hourly_usd.is_none() && instance.instance_type.is_some());
    let storage = match api_failed {
        Some(why) if cfg.storage_usd_per_gb_month.is_none() => Err(format!("no storage price: {why}")),
        _ => storage(src, cfg, &mut cache, region, &instance.id, now).await,
    };
    if let Some(path) = &cfg.cache_path
        && cache != before
        && let Err(e) = cache.save(path)
    {
        tracing::warn!(path = %path.display(), error = %e, "price cache not saved");
    }
    Prices { instance_id: instance.id.clone(), region: region.to_owned(), hourly, storage, at: now }
}

/// A price from the cache when fresh, else from the API (and then kept): the price and where
/// it came from.
async fn price<F>(
    src: &dyn PriceSource,
    cache: &mut PriceCache,
    key: &str,
    now: Timestamp,
    ask: F,
) -> Result<(cache::Cached, PriceFrom), Unknown>
where
    F: std::future::Future<Output = Result<Quote, crate::cloud::CloudError>>,
{
    if let Some(c) = cache.fresh(key, now) {
        return Ok((c.clone(), PriceFrom::Cache));
    }
    let quote = ask.await.map_err(|e| e.to_string())?;
    Ok((cache.record(key, &quote, now).clone(), src.answers_from()))
}

async fn hourly(
    src: &dyn PriceSource,
    cfg: &CostConfig,
    cache: &mut PriceCache,
    region: &str,
    instance: &Instance,
    now: Timestamp,
) -> Result<Hourly, Unknown> {
    let Some(ty) = instance.instance_type.as_deref() else {
        return match cfg.hourly_usd {
            Some(usd) => Ok(Hourly::flat("?", usd, PriceFrom::Config)),
            None => Err("no price: EC2 did not say the instance type".into()),
        };
    };
    if let Some(usd) = cfg.hourly_usd {
        return Ok(Hourly::flat(ty, usd, PriceFrom::Config));
    }
    let key = cache::instance_key(region, ty);
    let (c, from) = price(src, cache, &key, now, src.hourly(region, ty))
        .await
        .map_err(|e| format!("no price for {ty}: {e}"))?;
    Ok(Hourly { instance_type: ty.to_owned(), history: c.history, from, note: c.note })
}

async fn storage(
    src: &dyn PriceSource,
    cfg: &CostConfig,
    cache: &mut PriceCache,
    region: &str,
    instance_id: &str,
    now: Timestamp,
) -> Result<Storage, Unknown> {
    let volumes = src.volumes(instance_id).await.map_err(|e| format!("volumes unknown: {e}"))?;
    let mut per_gb_month = BTreeMap::new();
    let mut from = cfg.storage_usd_per_gb_month.map_or(src.answers_from(), |_| PriceFrom::Config);
    for ty in volumes.iter().map(|v| v.volume_type.clone()) {
        if per_gb_month.contains_key(&ty) {
            continue;
        }
        let usd = if let Some(usd) = cfg.storage_usd_per_gb_month {
            usd
        } else {
            let key = cache::storage_key(region, &ty);
            let (c, f) = price(src, cache, &key, now, src.storage(region, &ty))
                .await
                .map_err(|e| format!("no price for {ty} storage: {e}"))?;
            if f == PriceFrom::Cache {
                from = f;
            }
            c.usd()
        };
        per_gb_month.insert(ty, usd);
    }
    Ok(Storage { volumes, per_gb_month, from })
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use async_trait::async_trait;

    use super::*;
    use crate::cloud::{CloudError, InstanceState};
    use crate::cost::Volume;

    /// A price source that counts its calls and answers from a table (or refuses).
    #[derive(Default)]
    struct Table {
        hourly: Mutex<Vec<Result<f64, CloudError>>>,
        calls: Mutex<Vec<String>>,
    }

    #[async_trait]
    impl PriceSource for Table {
        async fn hourly(&self, region: &str, ty: &str) -> Result<Quote, CloudError> {
            self.calls.lock().unwrap().push(format!("hourly {region} {ty}"));
            let usd = self.hourly.lock().unwrap().remove(0)?;
            Ok(Quote { usd, note: None })
        }
        async fn storage(&self, region: &str, ty: &str) -> Result<Quote, CloudError> {
            self.calls.lock().unwrap().push(format!("storage {region} {ty}"));
            Ok(Quote { usd: 0.08, note: None })
        }
        async fn volumes(&self, _id: &str) -> Result<Vec<Volume>, CloudError> {
            Ok(vec![Volume { id: "vol-1".into(), size_gb: 100, volume_type: "gp3".into(), created: None }])
        }
    }

    fn box_of(ty: &str) -> Instance {
        Instance {
            id: "i-0abc".into(),
            name: None,
            state: InstanceState::Stopped,
            instance_type: Some(ty.into()),
            launch_time: None,
            public_dns: None,
            public_ip: None,
            availability_zone: None,
            state_transition_reason: None,
            state_reason_code: None,
            state_reason_message: None,
            status_checks: None,
        }
    }

    fn t(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[tokio::test]
    async fn the_api_is_asked_once_a_week_and_its_answer_kept() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = CostConfig { cache_path: Some(dir.path().join("prices.json")), ..CostConfig::default() };
        let src = Table { hourly: Mutex::new(vec![Ok(0.0832), Ok(0.09)]), ..Table::default() };
        let day0 = t("2026-11-01T00:00:00Z");
        let p = lookup(&src, &cfg, "eu-west-1", &box_of("t3.large"), day0).await;
        assert_eq!(p.hourly.as_ref().unwrap().from, PriceFrom::PriceList);
        assert!((p.hourly.as_ref().unwrap().now() - 0.0832).abs() < 1e-12);
        assert!((p.storage.as_ref().unwrap().usd_per_month() - 8.0).abs() < 1e-9);
        let p = lookup(&src, &cfg, "eu-west-1", &box_of("t3.large"), t("2026-11-07T23:00:00Z")).await;
        assert_eq!(p.hourly.as_ref().unwrap().from, PriceFrom::Cache);
        assert_eq!(p.storage.as_ref().unwrap().from, PriceFrom::Cache);
        assert_eq!(src.calls.lock().unwrap().len(), 2, "one GetProducts per price a week");
        // A week later the API is asked again; its new price joins the history.
        let p = lookup(&src, &cfg, "eu-west-1", &box_of("t3.large"), t("2026-11-08T00:00:00Z")).await;
        let h = p.hourly.unwrap();
        assert_eq!(h.from, PriceFrom::PriceList);
        assert_eq!(h.history.len(), 2);
        assert!((h.at(day0) - 0.0832).abs() < 1e-12 && (h.now() - 0.09).abs() < 1e-12);
        assert_eq!(src.calls.lock().unwrap()[0], "hourly eu-west-1 t3.large");
    }

    #[tokio::test]
    async fn the_configured_prices_win_over_the_api_and_the_cache() {
        let cfg = CostConfig { hourly_usd: Some(0.5), storage_usd_per_gb_month: Some(0.1), cache_path: None };
        let src = Table::default();
        let p = lookup(&src, &cfg, "us-east-1", &box_of("t3.large"), t("2026-11-01T00:00:00Z")).await;
        let h = p.hourly.unwrap();
        assert!((h.now() - 0.5).abs() < 1e-12 && h.from == PriceFrom::Config);
        let s = p.storage.unwrap();
        assert_eq!(s.from, PriceFrom::Config);
        assert!((s.usd_per_month() - 10.0).abs() < 1e-9);
        assert!(src.calls.lock().unwrap().is_empty(), "nothing asked");
    }

    #[tokio::test]
    async fn a_refusal_leaves_the_price_absent_with_the_reason_and_nothing_cached() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("prices.json");
        let cfg = CostConfig { cache_path: Some(path.clone()), ..CostConfig::default() };
        let denied = CloudError::AccessDenied { action: "pricing:GetProducts".into(), detail: String::new() };
        let src = Table { hourly: Mutex::new(vec![Err(denied)]), ..Table::default() };
        let p = lookup(&src, &cfg, "us-east-1", &box_of("t3.large"), t("2026-11-01T00:00:00Z")).await;
        assert_eq!(p.hourly.unwrap_err(), "no price for t3.large: not permitted: pricing:GetProducts");
        assert!(PriceCache::load(&path).get(&cache::instance_key("us-east-1", "t3.large")).is_none());
    }
}
