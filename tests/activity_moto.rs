//! `baseline-panel activity` with the real `CloudTrail` client against a `LookupEvents` stand-in
//! on the fault proxy in front of moto (moto has no `CloudTrail` event history): the stand-in
//! checks the JSON 1.1 protocol and the request's shape, filters by the lookup attribute and the
//! time range, and pages with `NextToken`, as the service documents.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step should stop the test

#[path = "support/aws_stub.rs"]
mod aws_stub;
#[path = "support/fault_proxy.rs"]
mod fault_proxy;
#[path = "support/http_stub.rs"]
mod http_stub;
mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use fault_proxy::{Fault, FaultProxy, Rule};
use http_stub::{Recorded, Reply};
use serde_json::{Value, json};
use support::moto::{Moto, SEED_USER_DATA, panel_command};

/// The target as the API reference writes it, and as the SDK sends it (the service's short
/// name; `CloudTrail` accepts both).
const TARGETS: [&str; 2] = [
    "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents",
    "CloudTrail_20131101.LookupEvents",
];
const RULE: &str = "MondayMorning9aEST";

/// One stored event: its time (epoch seconds), the resource it names, and its record.
#[derive(Clone)]
struct Stored {
    at: i64,
    resource: String,
    id: String,
    record: String,
}

fn now_s() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs().try_into().unwrap()
}

fn rfc3339(at: i64) -> String {
    jiff::Timestamp::from_second(at).unwrap().to_string()
}

/// A `StartInstances` or `StopInstances` record, by a person through Identity Center from the CLI.
fn power(n: usize, at: i64, instance: &str, name: &str) -> Stored {
    let id = format!("ev-{n:04}");
    let record = json!({
        "eventVersion": "1.09",
        "userIdentity": {"type": "AssumedRole",
            "arn": "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Dev_0a1b/alice@lab.example",
            "sessionContext": {"sessionIssuer": {"type": "Role", "userName": "AWSReservedSSO_Dev_0a1b"}}},
        "eventTime": rfc3339(at), "eventSource": "ec2.amazonaws.com", "eventName": name,
        "sourceIPAddress": "203.0.113.9", "userAgent": "aws-cli/2.15.0 Python/3.11.6 Linux/6.1",
        "requestParameters": {"instancesSet": {"items": [{"instanceId": instance}]}},
        "eventID": id.clone(), "eventType": "AwsApiCall"
    });
    Stored { at, resource: instance.into(), id, record: record.to_string() }
}

/// The scheduler Lambda's `StartInstances`.
fn scheduled(at: i64, instance: &str) -> Stored {
    let record = json!({
        "userIdentity": {"type": "AssumedRole",
            "arn": "arn:aws:sts::123456789012:assumed-role/start-baseline-instance-role-x1/start-baseline-instance",
            "sessionContext": {"sessionIssuer": {"userName": "start-baseline-instance-role-x1"}}},
        "eventTime": rfc3339(at), "eventName": "StartInstances", "sourceIPAddress": "3.80.1.2",
        "userAgent": "Boto3/1.34.34 md/Botocore#1.34.34 exec-env/AWS_Lambda_python3.12",
        "requestParameters": {"instancesSet": {"items": [{"instanceId": instance}]}},
        "eventID": "ev-lambda"
    });
    Stored { at, resource: instance.into(), id: "ev-lambda".into(), record: record.to_string() }
}

/// Root disabling the rule in the console.
fn disable_rule(at: i64) -> Stored {
    let record = json!({
        "userIdentity": {"type": "Root", "arn": "arn:aws:iam::123456789012:root"},
        "eventTime": rfc3339(at), "eventName": "DisableRule", "sourceIPAddress": "AWS Internal",
        "userAgent": "AWS Internal", "requestParameters": {"name": RULE}, "eventID": "ev-rule"
    });
    Stored { at, resource: RULE.into(), id: "ev-rule".into(), record: record.to_string() }
}

/// What is wrong with a request, as `CloudTrail` would refuse it (or the test's own check).
fn refuse(why: &str) -> Reply {
    aws_stub::json_error(400, "InvalidLookupAttributesException", why)
}

/// The `LookupEvents` stand-in over `events`.
fn lookup_events(events: Vec<Stored>) -> Fault {
    Fault::Answer(Arc::new(move |req: &Recorded| answer(&events, req)))
}

#[allow(clippy::cast_precision_loss, reason = "epoch seconds of today fit an f64 exactly")]
fn answer(events: &[Stored], req: &Recorded) -> Reply {
    if req.method != "POST" || req.path != "/" {
        return refuse("not POST /");
    }
    if !req.header("x-amz-target").is_some_and(|t| TARGETS.contains(&t)) {
        return refuse("wrong X-Amz-Target");
    }
    if req.header("content-type") != Some("application/x-amz-json-1.1") {
        return refuse("wrong content type");
    }
    if !req.header("x-amz-user-agent").unwrap_or_default().contains("app/baseline-panel") {
        return refuse("the panel's calls carry its app name");
    }
    let body = req.json();
    let attrs = body["LookupAttributes"].as_array().cloned().unwrap_or_default();
    let [attr] = attrs.as_slice() else { return refuse("exactly one lookup attribute per call") };
    if attr["AttributeKey"] != "ResourceName" {
        return refuse("filter by ResourceName");
    }
    let name = attr["AttributeValue"].as_str().unwrap_or_default();
    let max = body["MaxResults"].as_i64().unwrap_or(50);
    if !(1..=50).contains(&max) {
        return refuse("MaxResults must be 1..=50");
    }
    let (Some(start), Some(end)) = (body["StartTime"].as_f64(), body["EndTime"].as_f64()) else {
        return refuse("StartTime and EndTime as epoch seconds");
    };
    let mut hits: Vec<&Stored> = events
        .iter()
        .filter(|e| e.resource == name && (e.at as f64) >= start && (e.at as f64) <= end)
        .collect();
    hits.sort_by_key(|e| std::cmp::Reverse(e.at));
    let from: usize = body["NextToken"].as_str().map_or(0, |t| t.parse().unwrap());
    let to = (from + usize::try_from(max).unwrap()).min(hits.len());
    let page: Vec<Value> = hits[from.min(to)..to]
        .iter()
        .map(|e| {
            json!({"EventId": e.id, "EventName": "x", "EventTime": e.at, "Username": "ignored",
                   "Resources": [{"ResourceType": "AWS::EC2::Instance", "ResourceName": e.resource}],
                   "CloudTrailEvent": e.record})
        })
        .collect();
    let mut doc = json!({"Events": page});
    if to < hits.len() {
        doc["NextToken"] = json!(to.to_string());
    }
    Reply {
        status: 200,
        headers: vec![("Content-Type".into(), "application/x-amz-json-1.1".into())],
        body: doc.to_string().into_bytes(),
        delay: None,
    }
}

/// 60 starts and stops of `id` over the last three days, the Lambda's start, the rule disabled,
/// and one start ten days ago (outside `--since 7d`).
fn week(id: &str) -> Vec<Stored> {
    let now = now_s();
    let mut v: Vec<Stored> = (0..60)
        .map(|n| {
            let name = if n % 2 == 0 { "StopInstances" } else { "StartInstances" };
            power(n, now - 3600 - i64::try_from(n).unwrap() * 3600, id, name)
        })
        .collect();
    v.push(scheduled(now - 70 * 3600, id));
    v.push(disable_rule(now - 80 * 3600));
    v.push(power(99, now - 10 * 24 * 3600, id, "StartInstances"));
    v
}

async fn activity(proxy: &FaultProxy, moto: &Moto, args: &[&str]) -> std::process::Output {
    let mut cmd = panel_command(&proxy.url(), moto.dir.path());
    cmd.arg("activity").args(args);
    tokio::task::spawn_blocking(move || cmd.output().unwrap()).await.unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_feed_pages_through_cloudtrail_newest_first_at_two_requests_a_second() {
    let Some(moto) = Moto::start() else { return };
    let id = moto.launch("baseline model", SEED_USER_DATA).await;
    let proxy = FaultProxy::start(&moto.url).await;
    proxy.rule(Rule::new("LookupEvents", lookup_events(week(&id))));
    let began = Instant::now();
    let out = activity(&proxy, &moto, &["--json", "--since", "7d"]).await;
    let took = began.elapsed();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["schema"], 1);
    let events = doc["events"].as_array().unwrap();
    assert_eq!(events.len(), 62, "60 + the Lambda's start + the rule; not the one 10 days ago: {doc}");
    let times: Vec<&str> = events.iter().map(|e| e["time"].as_str().unwrap()).collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "newest first");
    assert_eq!(events[0]["what"], "stop");
    assert_eq!(events[0]["who"], "alice@lab.example");
    assert_eq!(events[0]["who_kind"], "person");
    assert_eq!(events[0]["via"], "cli");
    assert_eq!(events[0]["target"], id.as_str());
    let lambda = events.iter().find(|e| e["event_id"] == "ev-lambda").unwrap();
    assert_eq!(lambda["who"], "the schedule (start-baseline-instance)");
    assert_eq!(lambda["who_kind"], "schedule");
    let rule = events.iter().find(|e| e["event_id"] == "ev-rule").unwrap();
    assert_eq!(
        (rule["what"].as_str(), rule["who"].as_str(), rule["target"].as_str()),
        (Some("disable_rule"), Some("root"), Some(RULE))
    );
    // Two pages for the instance (50 + 11), one for the rule; none refused by the stand-in.
    assert_eq!(proxy.count("LookupEvents", "answer"), 3);
    assert!(took >= Duration::from_secs(1), "three calls at most two a second: {took:?}");
    let bodies: Vec<Value> = proxy
        .seen()
        .iter()
        .filter(|s| s.action == "LookupEvents")
        .map(|s| serde_json::from_str(&s.body).unwrap())
        .collect();
    assert_eq!(bodies[1]["NextToken"], "50", "the second page asks with the first's token");
    assert!(bodies.iter().all(|b| b["MaxResults"] == 50));

    let text = activity(&proxy, &moto, &["--since", "7d"]).await;
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.starts_with("as of "), "{text}");
    assert!(text.lines().next().unwrap().ends_with("(CloudTrail is up to 15 min late)"), "{text}");
    assert!(text.contains("the schedule (start-baseline-instance)"), "{text}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_throttled_lookup_is_waited_out_and_then_answered() {
    let Some(moto) = Moto::start() else { return };
    let id = moto.launch("baseline model", SEED_USER_DATA).await;
    let proxy = FaultProxy::start(&moto.url).await;
    proxy.rule(Rule::new("LookupEvents", Fault::Throttle).times(1));
    proxy.rule(Rule::new("LookupEvents", lookup_events(vec![scheduled(now_s() - 600, &id)])));
    let out = activity(&proxy, &moto, &["--json"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["events"].as_array().unwrap().len(), 1, "{doc}");
    assert_eq!(proxy.count("LookupEvents", "throttle"), 1);
    assert_eq!(proxy.count("LookupEvents", "answer"), 2, "the instance again, then the rule");
}

#[tokio::test(flavor = "multi_thread")]
async fn without_the_permission_the_command_says_so_and_exits_4() {
    let Some(moto) = Moto::start() else { return };
    moto.launch("baseline model", SEED_USER_DATA).await;
    let proxy = FaultProxy::start(&moto.url).await;
    proxy.rule(Rule::new("LookupEvents", Fault::Deny));
    let out = activity(&proxy, &moto, &[]).await;
    assert_eq!(out.status.code(), Some(4));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cloudtrail:LookupEvents"), "{err}");
    let out = activity(&proxy, &moto, &["--json"]).await;
    assert_eq!(out.status.code(), Some(4));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["ok"], false);
    assert_eq!(doc["error"]["kind"], "access_denied");
}
