//! The cost figures against moto, with the real SDK clients: `ec2:DescribeVolumes` from moto
//! itself, and `pricing:GetProducts` (which moto lacks) from a stand-in on the fault proxy that
//! follows the Price List Query API's JSON 1.1 protocol: the `X-Amz-Target` header, the
//! `ServiceCode` and `TERM_MATCH` filters, `NextToken` pages, and a `PriceList` of JSON strings
//! modeled on real AWS answers.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step should stop the test

#[path = "support/aws_stub.rs"]
mod aws_stub;
#[path = "support/fault_proxy.rs"]
mod fault_proxy;
#[path = "support/http_stub.rs"]
mod http_stub;
mod support;

use std::collections::HashMap;
use std::path::Path;
use std::process::Output;
use std::sync::Arc;

use aws_sdk_ec2::types::{InstanceType, ResourceType, Tag, TagSpecification, VolumeType};
use fault_proxy::{Fault, FaultProxy, Rule};
use http_stub::{Recorded, Reply};
use serde_json::{Value, json};
use support::moto::{Moto, SEED_USER_DATA, panel_command};

/// The box's region: not the Price List's own (us-east-1), to see that each goes where it must.
const REGION: &str = "eu-west-1";
/// What AWS lists for an r5.2xlarge in eu-west-1, Linux, on demand.
const HOURLY: &str = "0.5640000000";
/// A GB-month in eu-west-1, by volume type (moto's root volumes may be `standard` or `gp2`).
const STORAGE: [(&str, &str); 3] =
    [("gp3", "0.0880000000"), ("gp2", "0.1100000000"), ("standard", "0.0550000000")];

/// One product of the Price List, as AWS writes it: the on-demand term beside a reserved one.
fn product(sku: &str, family: &str, attributes: &Value, unit: &str, usd: &str) -> String {
    json!({
        "product": { "productFamily": family, "attributes": attributes, "sku": sku },
        "serviceCode": "AmazonEC2",
        "terms": {
            "OnDemand": { format!("{sku}.JRTCKXETXF"): {
                "priceDimensions": { format!("{sku}.JRTCKXETXF.6YS6EN2CT7"): {
                    "unit": unit, "endRange": "Inf", "beginRange": "0", "appliesTo": [],
                    "description": format!("${usd} per {unit}"),
                    "rateCode": format!("{sku}.JRTCKXETXF.6YS6EN2CT7"),
                    "pricePerUnit": { "USD": usd }
                }},
                "sku": sku, "effectiveDate": "2026-11-01T00:00:00Z", "offerTermCode": "JRTCKXETXF",
                "termAttributes": {}
            }},
            "Reserved": { format!("{sku}.4NA7Y494T4"): {
                "priceDimensions": { format!("{sku}.4NA7Y494T4.6YS6EN2CT7"): {
                    "unit": "Hrs", "pricePerUnit": { "USD": "0.3330000000" }
                }},
                "sku": sku, "offerTermCode": "4NA7Y494T4"
            }}
        },
        "version": "20261120000000",
        "publicationDate": "2026-11-20T00:00:00Z"
    })
    .to_string()
}

fn refuse(message: &str) -> Reply {
    aws_stub::json_error(400, "ValidationException", message)
}

/// The stand-in for `GetProducts`: checks the request as AWS would, then answers the instance
/// price over two pages (two products that agree) and the storage price in one.
fn get_products(req: &Recorded) -> Reply {
    if req.header("x-amz-target") != Some("AWSPriceListService.GetProducts") {
        return refuse("unknown target");
    }
    if !req.header("content-type").is_some_and(|c| c.starts_with("application/x-amz-json-1.1")) {
        return refuse("not JSON 1.1");
    }
    // The Query API answers from its own regions only: the request is signed for us-east-1.
    if !req.header("authorization").is_some_and(|a| a.contains("/us-east-1/pricing/aws4_request")) {
        return refuse("the Price List Query API is not in this region");
    }
    let body = req.json();
    if body["ServiceCode"] != "AmazonEC2" {
        return refuse("ServiceCode must be AmazonEC2");
    }
    let mut filters = HashMap::new();
    for f in body["Filters"].as_array().cloned().unwrap_or_default() {
        if f["Type"] != "TERM_MATCH" {
            return refuse("filter type");
        }
        filters.insert(f["Field"].as_str().unwrap().to_owned(), f["Value"].as_str().unwrap().to_owned());
    }
    let want = |pairs: &[(&str, &str)]| {
        pairs.len() == filters.len()
            && pairs.iter().all(|(k, v)| filters.get(*k).map(String::as_str) == Some(*v))
    };
    let page = body["NextToken"].as_str();
    let answer = |list: Vec<String>, next: Option<&str>| {
        let mut doc = json!({ "FormatVersion": "aws_v1", "PriceList": list });
        if let Some(n) = next {
            doc["NextToken"] = json!(n);
        }
        Reply::text(200, "application/x-amz-json-1.1", &doc.to_string())
    };
    let compute = json!({
        "instanceType": "r5.2xlarge", "regionCode": REGION, "operatingSystem": "Linux",
        "tenancy": "Shared", "preInstalledSw": "NA", "capacitystatus": "Used"
    });
    if want(&[
        ("instanceType", "r5.2xlarge"),
        ("regionCode", REGION),
        ("operatingSystem", "Linux"),
        ("tenancy", "Shared"),
        ("preInstalledSw", "NA"),
        ("capacitystatus", "Used"),
    ]) {
        return match page {
            None => {
                answer(vec![product("SKU1", "Compute Instance", &compute, "Hrs", HOURLY)], Some("page-2"))
            }
            Some("page-2") => {
                answer(vec![product("SKU2", "Compute Instance", &compute, "Hrs", "0.564")], None)
            }
            Some(_) => refuse("bad NextToken"),
        };
    }
    for (ty, usd) in STORAGE {
        if want(&[("productFamily", "Storage"), ("volumeApiName", ty), ("regionCode", REGION)]) {
            let attrs = json!({ "volumeApiName": ty, "regionCode": REGION, "storageMedia": "SSD-backed" });
            return answer(vec![product(&format!("SKU-{ty}"), "Storage", &attrs, "GB-Mo", usd)], None);
        }
    }
    refuse(&format!("unexpected filters {filters:?}"))
}

/// moto with a box in [`REGION`] and a 100 GiB gp3 volume attached, the proxy in front of it.
async fn setup() -> Option<(Moto, FaultProxy, String)> {
    let moto = Moto::start()?;
    let sdk = moto.sdk().await.into_builder().region(aws_config::Region::new(REGION)).build();
    let ec2 = aws_sdk_ec2::Client::new(&sdk);
    let out = ec2
        .run_instances()
        .image_id("ami-12c6146b")
        .instance_type(InstanceType::R52xlarge)
        .min_count(1)
        .max_count(1)
        .placement(aws_sdk_ec2::types::Placement::builder().availability_zone(format!("{REGION}a")).build())
        .user_data(base64_text(SEED_USER_DATA))
        .tag_specifications(
            TagSpecification::builder()
                .resource_type(ResourceType::Instance)
                .tags(Tag::builder().key("Name").value("baseline model").build())
                .build(),
        )
        .send()
        .await
        .unwrap();
    let id = out.instances()[0].instance_id().unwrap().to_owned();
    let vol = ec2
        .create_volume()
        .availability_zone(format!("{REGION}a"))
        .size(100)
        .volume_type(VolumeType::Gp3)
        .send()
        .await
        .unwrap();
    ec2.attach_volume()
        .volume_id(vol.volume_id().unwrap())
        .instance_id(&id)
        .device("/dev/sdf")
        .send()
        .await
        .unwrap();
    // The run log, with one line of this boot.
    let logs = aws_sdk_cloudwatchlogs::Client::new(&sdk);
    let group = "/baseline-model/run";
    logs.create_log_group().log_group_name(group).send().await.unwrap();
    logs.create_log_stream().log_group_name(group).log_stream_name(&id).send().await.unwrap();
    let now = i64::try_from(
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis(),
    )
    .unwrap();
    let line = aws_sdk_cloudwatchlogs::types::InputLogEvent::builder()
        .timestamp(now)
        .message("fitting (1/58)")
        .build()
        .unwrap();
    logs.put_log_events().log_group_name(group).log_stream_name(&id).log_events(line).send().await.unwrap();
    let proxy = FaultProxy::start(&moto.url).await;
    Some((moto, proxy, id))
}

fn base64_text(s: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(s)
}

/// The binary through the proxy, in [`REGION`], its cache under `cache` (off the async
/// threads: the proxy runs on this runtime).
async fn panel(moto: &Moto, proxy: &FaultProxy, cache: &Path, args: &[&str]) -> Output {
    let mut cmd = panel_command(&proxy.url(), moto.dir.path());
    cmd.env("AWS_REGION", REGION).env("XDG_CACHE_HOME", cache).args(args);
    tokio::task::spawn_blocking(move || cmd.output().expect("run baseline-panel")).await.unwrap()
}

fn json_of(out: &Output) -> Value {
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

/// GiB of the volumes moto attached to `id` (its root volume too, when moto makes one), the
/// `GetProducts` calls their types need, and what they cost a month at [`STORAGE`]'s prices.
async fn attached(moto: &Moto, id: &str) -> (u64, usize, f64) {
    let sdk = moto.sdk().await.into_builder().region(aws_config::Region::new(REGION)).build();
    let f = aws_sdk_ec2::types::Filter::builder().name("attachment.instance-id").values(id).build();
    let out = aws_sdk_ec2::Client::new(&sdk).describe_volumes().filters(f).send().await.unwrap();
    let mut types: Vec<&str> = out.volumes().iter().map(|v| v.volume_type().unwrap().as_str()).collect();
    let month = out
        .volumes()
        .iter()
        .map(|v| {
            let ty = v.volume_type().unwrap().as_str();
            let usd: f64 = STORAGE.iter().find(|(t, _)| *t == ty).unwrap().1.parse().unwrap();
            f64::from(v.size().unwrap()) * usd
        })
        .sum();
    types.sort_unstable();
    types.dedup();
    let gb = out.volumes().iter().map(|v| u64::try_from(v.size().unwrap()).unwrap()).sum();
    (gb, types.len(), month)
}

#[tokio::test]
async fn status_and_runs_carry_the_cost_priced_by_the_price_list_and_cached() {
    let Some((moto, proxy, id)) = setup().await else { return };
    proxy.rule(Rule::new("GetProducts", Fault::Answer(Arc::new(get_products))));
    let cache = moto.dir.path().join("cache");

    let status = json_of(&panel(&moto, &proxy, &cache, &["status", "--json"]).await);
    let inst = &status["instances"][0];
    assert_eq!(inst["id"], id.as_str());
    let cost = &inst["cost"];
    assert_eq!(cost["instance_type"], "r5.2xlarge");
    assert_eq!(cost["hourly_usd"], 0.564, "{cost}");
    assert_eq!(cost["hourly_from"], "price_list");
    assert_eq!(cost["hourly_reason"], "2 matching products agree", "both pages read");
    let (gb, types, month_usd) = attached(&moto, &id).await;
    assert!(gb >= 100, "the attached volume: {gb}");
    assert_eq!(cost["storage_gb"], gb, "{cost}");
    let per_month = cost["storage_usd_per_month"].as_f64().unwrap();
    assert!((per_month - month_usd).abs() < 0.006, "{cost} vs {month_usd}");
    // The box is up: its boot costs what it ran so far (at least the 60-second minimum).
    let run = &inst["current_boot"];
    assert_eq!(run["cost_reason"], Value::Null, "{run}");
    assert!(run["cost_usd"].as_f64().unwrap() >= 0.01, "60 s at $0.564/h: {run}");
    let month = &cost["last_30_days"];
    assert_eq!(month["reason"], Value::Null, "{month}");
    assert!(month["total_usd"].as_f64().unwrap() > 0.0, "{month}");

    // Every request: the Price List with its filters, the volumes from moto itself.
    let asked = proxy.seen().iter().filter(|s| s.action == "GetProducts").count();
    assert_eq!(asked, 2 + types, "two pages for the instance, one per volume type");
    assert!(proxy.count("DescribeVolumes", "pass") >= 1);
    let file = std::fs::read_to_string(cache.join("baseline-panel/prices.json")).expect("the price cache");
    assert!(file.contains("eu-west-1/ec2/r5.2xlarge") && file.contains("eu-west-1/ebs/gp3\""), "{file}");

    // runs --json: the same cost per entry, priced from the cache (no new GetProducts).
    let runs = json_of(&panel(&moto, &proxy, &cache, &["runs", "--json"]).await);
    let first = &runs.as_array().unwrap()[0];
    assert!(first["cost_usd"].as_f64().is_some(), "{first}");
    assert_eq!(proxy.seen().iter().filter(|s| s.action == "GetProducts").count(), asked, "cached a week");

    // The human status says it in words.
    let out = panel(&moto, &proxy, &cache, &["status"]).await;
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("$0.564/h r5.2xlarge (AWS Price List, cached"), "{text}");
    // The volumes were created a moment ago: their storage so far is below a cent.
    assert!(text.contains("this run so far $0.01"), "{text}");
    assert!(text.contains("30 days") && text.contains(" · storage <$0.01 = $0.01"), "{text}");
}

#[tokio::test]
async fn a_throttled_price_list_is_asked_again() {
    let Some((moto, proxy, _id)) = setup().await else { return };
    proxy.rule(Rule::new("GetProducts", Fault::Throttle).times(1));
    proxy.rule(Rule::new("GetProducts", Fault::Answer(Arc::new(get_products))));
    let cache = moto.dir.path().join("cache");
    let status = json_of(&panel(&moto, &proxy, &cache, &["status", "--json"]).await);
    assert_eq!(proxy.count("GetProducts", "throttle"), 1);
    assert_eq!(status["instances"][0]["cost"]["hourly_usd"], 0.564, "{status}");
}

#[tokio::test]
async fn without_permission_the_figures_are_absent_with_the_reason() {
    let Some((moto, proxy, _id)) = setup().await else { return };
    proxy.rule(Rule::new("GetProducts", Fault::Deny));
    let cache = moto.dir.path().join("cache");
    let out = panel(&moto, &proxy, &cache, &["status", "--json"]).await;
    let status = json_of(&out); // exit 0: cost is optional
    let inst = &status["instances"][0];
    let cost = &inst["cost"];
    assert_eq!(cost["hourly_usd"], Value::Null);
    let why = cost["hourly_reason"].as_str().unwrap();
    assert!(why.contains("not permitted") && why.contains("pricing:GetProducts"), "{why}");
    assert_eq!(cost["storage_usd_per_month"], Value::Null, "gp3's price is refused too");
    assert!(cost["storage_reason"].as_str().unwrap().contains("pricing:GetProducts"), "{cost}");
    assert_eq!(proxy.count("GetProducts", "deny"), 1, "the refused API is asked once");
    assert_eq!(inst["current_boot"]["cost_usd"], Value::Null);
    assert!(inst["current_boot"]["cost_reason"].as_str().unwrap().contains("pricing:GetProducts"));
    assert_eq!(cost["last_30_days"]["total_usd"], Value::Null);
    assert!(!cache.join("baseline-panel/prices.json").exists(), "a refusal is not cached");
    // The configured price needs no permission.
    let cfg = moto.dir.path().join("cost.toml");
    std::fs::write(&cfg, "[cost]\nhourly_usd = 1.25\nstorage_usd_per_gb_month = 0.1\n").unwrap();
    let cfg = cfg.to_string_lossy().into_owned();
    let status = json_of(&panel(&moto, &proxy, &cache, &["--config", &cfg, "status", "--json"]).await);
    let cost = &status["instances"][0]["cost"];
    assert_eq!((cost["hourly_usd"].as_f64(), &cost["hourly_from"]), (Some(1.25), &json!("config")));
    assert_eq!(proxy.count("GetProducts", "deny"), 1, "nothing more asked");
}
