//! `baseline-panel doctor`'s optional checks against moto, through the fault proxy: `CloudTrail`'s
//! event history (`LookupEvents`, which moto lacks, answered by a stand-in that insists on a
//! single event) and the hourly price (`pricing:GetProducts` refused). Neither fails the doctor.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step should stop the test

#[path = "support/aws_stub.rs"]
mod aws_stub;
#[path = "support/doctor_lab.rs"]
mod doctor_lab;
#[path = "support/fault_proxy.rs"]
mod fault_proxy;
#[path = "support/http_stub.rs"]
mod http_stub;
#[path = "support/slack_fake.rs"]
mod slack_fake;
mod support;

use std::sync::Arc;

use doctor_lab::{FULL, check, doctor_cmd, fake_github, report, run, seed};
use fault_proxy::{Fault, FaultProxy, Rule};
use http_stub::{HttpStub, Recorded, Reply};
use serde_json::{Value, json};
use slack_fake::fake_slack;
use support::moto::Moto;

/// `LookupEvents` as `CloudTrail` answers the doctor's question: JSON 1.1, one event at most.
fn one_event(req: &Recorded) -> Reply {
    let body = req.json();
    if !req.header("x-amz-target").is_some_and(|t| t.ends_with("LookupEvents")) || body["MaxResults"] != 1 {
        return aws_stub::json_error(400, "InvalidMaxResultsException", &format!("unexpected {body}"));
    }
    Reply::text(200, "application/x-amz-json-1.1", &json!({ "Events": [] }).to_string())
}

/// The doctor on the full lab with the proxy's rules; the report.
async fn doctor_through(rules: Vec<Rule>) -> Option<(Value, FaultProxy)> {
    let moto = Moto::start()?;
    seed(&moto, FULL).await;
    let proxy = FaultProxy::start(&moto.url).await;
    for r in rules {
        proxy.rule(r);
    }
    let slack = HttpStub::start(fake_slack()).await;
    let github = HttpStub::start(fake_github(true)).await;
    let mut cmd = doctor_cmd(&moto, &slack, &github);
    cmd.env("AWS_ENDPOINT_URL", proxy.url()).env("XDG_CACHE_HOME", moto.dir.path().join("cache"));
    let out = run(cmd, &["doctor", "--json"]).await;
    let doc = report(&out);
    assert!(out.status.success(), "optional checks never fail the doctor: {doc:#}");
    Some((doc, proxy))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_readable_history_passes_and_a_refused_price_list_warns_naming_the_statement() {
    let Some((doc, proxy)) = doctor_through(vec![
        Rule::new("LookupEvents", Fault::Answer(Arc::new(one_event))),
        Rule::new("GetProducts", Fault::Deny),
    ])
    .await
    else {
        return;
    };
    let trail = check(&doc, "cloudtrail.lookup");
    assert_eq!(
        (trail["status"].as_str(), trail["required"].as_bool()),
        (Some("pass"), Some(false)),
        "{trail}"
    );
    assert_eq!(proxy.count("LookupEvents", "answer"), 1, "one LookupEvents, no more");
    let price = check(&doc, "cost.price");
    assert_eq!(price["status"], "warn");
    assert_eq!(price["detail"], "no pricing:GetProducts permission: cost figures are absent");
    assert!(price["hint"].as_str().unwrap().contains("PriceTheBox"), "{price}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_history_warns_with_what_is_lost() {
    let Some((doc, _proxy)) = doctor_through(vec![Rule::new("LookupEvents", Fault::Deny)]).await else {
        return;
    };
    let trail = check(&doc, "cloudtrail.lookup");
    assert_eq!(trail["status"], "warn");
    assert_eq!(
        trail["detail"],
        "no cloudtrail:LookupEvents permission: the activity pane, the dev-mode owner and who started a run are unknown"
    );
    assert!(trail["hint"].as_str().unwrap().contains("WhoDidWhat in assets/iam-policy.json"), "{trail}");
}
