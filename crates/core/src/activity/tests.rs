//! Attribution and parsing, on records shaped as the `CloudTrail` user guide shows them.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use jiff::Timestamp;

use super::*;
use crate::userdata::ScriptLine;

fn ctx() -> Context {
    Context { lambda_name: "start-baseline-instance".into(), script: ScriptLine::new("run-baseline.sh").ok() }
}

fn t(s: &str) -> Timestamp {
    s.parse().unwrap()
}

/// `StartInstances` by an IAM user from the AWS CLI (the user guide's example, trimmed).
const CLI_START: &str = r#"{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"EX_PRINCIPAL_ID","arn":"arn:aws:iam::123456789012:user/Mary_Major","accountId":"123456789012","accessKeyId":"AKIAIOSFODNN7EXAMPLE","userName":"Mary_Major"},"eventTime":"2026-11-23T21:14:39Z","eventSource":"ec2.amazonaws.com","eventName":"StartInstances","awsRegion":"us-east-1","sourceIPAddress":"192.0.2.0","userAgent":"aws-cli/2.7.26 Python/3.9.11 Linux/5.4.228 exe/x86_64.amzn.2 prompt/off command/ec2.start-instances","requestParameters":{"instancesSet":{"items":[{"instanceId":"i-0aaa"},{"instanceId":"i-0bbb"}]}},"responseElements":{"requestId":"e4336db0","instancesSet":{"items":[{"instanceId":"i-0aaa","currentState":{"code":0,"name":"pending"},"previousState":{"code":80,"name":"stopped"}}]}},"requestID":"e4336db0","eventID":"e755e09c-42f9-4c5c-9064-EXAMPLE228c7","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"123456789012","eventCategory":"Management"}"#;

/// The scheduler Lambda's `StartInstances` (its role session is the function name; Boto3).
const LAMBDA_START: &str = r#"{"eventVersion":"1.09","userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLE:start-baseline-instance","arn":"arn:aws:sts::123456789012:assumed-role/start-baseline-instance-role-x1y2/start-baseline-instance","accountId":"123456789012","accessKeyId":"ASIAEXAMPLE","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROAEXAMPLE","arn":"arn:aws:iam::123456789012:role/service-role/start-baseline-instance-role-x1y2","accountId":"123456789012","userName":"start-baseline-instance-role-x1y2"},"attributes":{"creationDate":"2026-11-23T09:00:01Z","mfaAuthenticated":"false"}}},"eventTime":"2026-11-23T09:00:02Z","eventSource":"ec2.amazonaws.com","eventName":"StartInstances","awsRegion":"us-east-1","sourceIPAddress":"3.80.1.2","userAgent":"Boto3/1.34.34 md/Botocore#1.34.34 ua/2.0 os/linux#5.10 md/arch#x86_64 lang/python#3.12.1 exec-env/AWS_Lambda_python3.12 cfg/retry-mode#legacy Botocore/1.34.34","requestParameters":{"instancesSet":{"items":[{"instanceId":"i-0aaa"}]}},"eventID":"11111111-2222-3333-4444-555555555555","eventType":"AwsApiCall"}"#;

/// A person through IAM Identity Center, in the console, stopping the box.
const SSO_CONSOLE_STOP: &str = r#"{"eventVersion":"1.09","userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLE:alice@lab.example","arn":"arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_PowerUserAccess_0123456789abcdef/alice@lab.example","accountId":"123456789012","sessionContext":{"sessionIssuer":{"type":"Role","arn":"arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_PowerUserAccess_0123456789abcdef","userName":"AWSReservedSSO_PowerUserAccess_0123456789abcdef"},"attributes":{"creationDate":"2026-11-30T08:00:00Z","mfaAuthenticated":"false"}}},"eventTime":"2026-11-30T10:12:00Z","eventSource":"ec2.amazonaws.com","eventName":"StopInstances","sourceIPAddress":"198.51.100.7","userAgent":"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36","requestParameters":{"instancesSet":{"items":[{"instanceId":"i-0aaa"}]},"force":false},"eventID":"ev-sso","sessionCredentialFromConsole":"true"}"#;

/// Root disabling the rule from the console.
const ROOT_DISABLE: &str = r#"{"userIdentity":{"type":"Root","principalId":"123456789012","arn":"arn:aws:iam::123456789012:root","accountId":"123456789012"},"eventTime":"2026-11-29T18:00:00Z","eventSource":"events.amazonaws.com","eventName":"DisableRule","sourceIPAddress":"AWS Internal","userAgent":"AWS Internal","requestParameters":{"name":"MondayMorning9aEST"},"eventID":"ev-root"}"#;

fn modify(user_data: &str, agent: &str) -> String {
    format!(
        r#"{{"userIdentity":{{"type":"AssumedRole","arn":"arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Dev_abc/bob","sessionContext":{{"sessionIssuer":{{"userName":"AWSReservedSSO_Dev_abc"}}}}}},"eventTime":"2026-11-30T08:00:00Z","eventName":"ModifyInstanceAttribute","sourceIPAddress":"203.0.113.9","userAgent":"{agent}","requestParameters":{{"instanceId":"i-0aaa","userData":{user_data}}},"eventID":"ev-mod"}}"#
    )
}

const PANEL_AGENT: &str =
    "aws-sdk-rust/1.3.9 ua/2.1 api/ec2#1.145.0 os/linux lang/rust#1.88.0 app/baseline-panel";

#[test]
fn an_iam_user_from_the_cli_starting_two_boxes_reads_as_a_start_of_the_box_looked_up() {
    let e = parse_event(CLI_START, Some("i-0bbb"), "lookup-id", None, &ctx()).unwrap();
    assert_eq!(e.what, What::Start);
    assert_eq!(e.who, Who::User("Mary_Major".into()));
    assert_eq!(e.via, Via::Cli);
    assert_eq!(e.target, "i-0bbb");
    assert_eq!(e.at, t("2026-11-23T21:14:39Z"));
    assert_eq!(e.id, "e755e09c-42f9-4c5c-9064-EXAMPLE228c7");
    assert!(e.done());
    let first = parse_event(CLI_START, Some("MondayMorning9aEST"), "x", None, &ctx()).unwrap();
    assert_eq!(first.target, "i-0aaa");
}

#[test]
fn the_lambdas_session_is_the_schedule() {
    let e = parse_event(LAMBDA_START, None, "x", None, &ctx()).unwrap();
    assert_eq!(e.who, Who::Schedule { function: "start-baseline-instance".into() });
    assert_eq!(e.who.label(), "the schedule (start-baseline-instance)");
    assert_eq!(e.via, Via::Sdk("Boto3".into()));
    let other = Context { lambda_name: "another-function".into(), script: None };
    let e = parse_event(LAMBDA_START, None, "x", None, &other).unwrap();
    assert_eq!(
        e.who,
        Who::Role {
            role: "start-baseline-instance-role-x1y2".into(),
            session: "start-baseline-instance".into()
        }
    );
}

#[test]
fn an_sso_session_is_the_person_and_the_console_is_where() {
    let e = parse_event(SSO_CONSOLE_STOP, None, "x", None, &ctx()).unwrap();
    assert_eq!(e.what, What::Stop);
    assert_eq!(e.who, Who::Person("alice@lab.example".into()));
    assert_eq!(e.who.short(), "alice");
    assert_eq!(e.via, Via::Console);
}

#[test]
fn root_and_rules() {
    let e = parse_event(ROOT_DISABLE, None, "x", None, &ctx()).unwrap();
    assert_eq!((e.what, e.who.clone(), e.via.clone()), (What::DisableRule, Who::Root, Via::Console));
    assert_eq!(e.target, "MondayMorning9aEST");
}

#[test]
fn other_calls_and_broken_records_are_not_events() {
    let other = CLI_START.replace("\"StartInstances\"", "\"DescribeInstances\"");
    assert_eq!(parse_event(&other, None, "x", None, &ctx()), None);
    assert_eq!(parse_event("not json", None, "x", None, &ctx()), None);
    let instance_type = r#"{"eventName":"ModifyInstanceAttribute","eventTime":"2026-11-30T08:00:00Z","requestParameters":{"instanceId":"i-0aaa","instanceType":{"value":"t3.large"}}}"#;
    assert_eq!(parse_event(instance_type, None, "x", None, &ctx()), None);
}

#[test]
fn recorded_user_data_says_dev_on_or_off_and_hidden_user_data_says_neither() {
    let dev = "#!/bin/bash\n# /home/ubuntu/run-baseline.sh\n";
    let run = "#!/bin/bash\n/home/ubuntu/run-baseline.sh\n";
    let once = |s: &str| BASE64.encode(s);
    let twice = |s: &str| BASE64.encode(BASE64.encode(s));
    let on = parse_event(
        &modify(&format!(r#"{{"value":"{}"}}"#, once(dev)), PANEL_AGENT),
        None,
        "x",
        None,
        &ctx(),
    );
    assert_eq!(on.as_ref().map(|e| (e.what, e.via.clone())), Some((What::DevOn, Via::Panel)));
    let off = parse_event(
        &modify(&format!(r#"{{"value":"{}"}}"#, twice(run)), "aws-cli/2.15.0"),
        None,
        "x",
        None,
        &ctx(),
    );
    assert_eq!(off.map(|e| e.what), Some(What::DevOff));
    let hidden =
        parse_event(&modify(r#""<sensitiveDataRemoved>""#, "aws-cli/2.15.0"), None, "x", None, &ctx())
            .unwrap();
    assert_eq!(hidden.what, What::UserData);
    assert_eq!(hidden.who, Who::Person("bob".into()));
    assert_eq!(hidden.target, "i-0aaa");
}

#[test]
fn a_refused_call_keeps_its_error_code() {
    let refused =
        SSO_CONSOLE_STOP.replace(r#""eventID""#, r#""errorCode":"Client.UnauthorizedOperation","eventID""#);
    let e = parse_event(&refused, None, "x", None, &ctx()).unwrap();
    assert_eq!(e.error.as_deref(), Some("Client.UnauthorizedOperation"));
    assert!(!e.done());
}

#[test]
fn where_from() {
    assert_eq!(attribute::via(PANEL_AGENT, "203.0.113.9", false), Via::Panel);
    assert_eq!(attribute::via("aws-cli/2.15.0 Python/3.11", "203.0.113.9", false), Via::Cli);
    assert_eq!(attribute::via("signin.amazonaws.com", "203.0.113.9", false), Via::Console);
    assert_eq!(attribute::via("console.ec2.amazonaws.com", "203.0.113.9", false), Via::Console);
    assert_eq!(attribute::via("Mozilla/5.0", "203.0.113.9", true), Via::Console);
    assert_eq!(
        attribute::via("events.amazonaws.com", "events.amazonaws.com", false),
        Via::Service("events.amazonaws.com".into())
    );
    assert_eq!(
        attribute::via("aws-sdk-java/2.20 Linux", "203.0.113.9", false),
        Via::Sdk("aws-sdk-java".into())
    );
    assert_eq!(attribute::via("curl/8", "203.0.113.9", false), Via::Unknown);
}

#[test]
fn who_without_a_name_is_unknown_with_the_reason() {
    let w = attribute::who(&serde_json::json!({}), "f");
    assert!(matches!(&w, Who::Unknown(why) if why.contains("no userIdentity")), "{w:?}");
    let w = attribute::who(
        &serde_json::json!({"type": "AssumedRole", "arn": "arn:aws:sts::1:assumed-role/"}),
        "f",
    );
    assert!(matches!(w, Who::Unknown(_)));
    assert_eq!(
        attribute::who(&serde_json::json!({"type": "AWSService", "invokedBy": "events.amazonaws.com"}), "f")
            .label(),
        "events.amazonaws.com"
    );
}

fn ct(at: &str, what: What, via: Via) -> Event {
    Event {
        id: format!("ct-{at}"),
        at: t(at),
        what,
        who: Who::Person("alice".into()),
        via,
        target: "i-0aaa".into(),
        error: None,
        pending: false,
    }
}

#[test]
fn the_panels_own_action_stays_until_cloudtrails_copy_arrives() {
    let own = Event::own(t("2026-11-30T10:00:30Z"), What::DevOn, "i-0aaa", Who::Unknown("this panel".into()));
    let before = merge(vec![ct("2026-11-30T09:00:00Z", What::Start, Via::Cli)], std::slice::from_ref(&own));
    assert_eq!(before.len(), 2);
    assert!(before[0].pending, "newest first, and the own action is marked");
    // CloudTrail's copy: a user-data change (value hidden) from this panel, stamped just before.
    let copy = ct("2026-11-30T10:00:29Z", What::UserData, Via::Panel);
    let after = merge(
        vec![copy.clone(), ct("2026-11-30T09:00:00Z", What::Start, Via::Cli)],
        std::slice::from_ref(&own),
    );
    assert_eq!(after.len(), 2);
    assert!(after.iter().all(|e| !e.pending));
    // A copy from elsewhere (the CLI) is another call: both stay.
    let cli = ct("2026-11-30T10:00:29Z", What::UserData, Via::Cli);
    assert_eq!(merge(vec![cli], std::slice::from_ref(&own)).len(), 2);
}

#[test]
fn the_dev_owner_is_the_newest_user_data_change() {
    let mut refused = ct("2026-11-30T11:00:00Z", What::DevOff, Via::Console);
    refused.error = Some("Client.UnauthorizedOperation".into());
    let events = vec![
        refused,
        ct("2026-11-30T10:00:00Z", What::DevOn, Via::Panel),
        ct("2026-11-30T09:00:00Z", What::Start, Via::Cli),
    ];
    let o = dev_owner(&events, "i-0aaa").unwrap();
    assert_eq!((o.who.as_str(), o.since, o.recorded), ("alice", t("2026-11-30T10:00:00Z"), true));
    assert_eq!(dev_owner(&events, "i-0other"), None);
    let hidden = vec![ct("2026-11-30T10:00:00Z", What::UserData, Via::Cli)];
    assert!(!dev_owner(&hidden, "i-0aaa").unwrap().recorded);
    let off = vec![ct("2026-11-30T10:00:00Z", What::DevOff, Via::Cli)];
    assert_eq!(dev_owner(&off, "i-0aaa"), None);
}

#[tokio::test]
async fn the_demo_history_tells_the_story_of_the_demo_box() {
    let names = vec!["i-0demo".to_owned(), "MondayMorning9aEST".to_owned()];
    let now = t("2026-12-02T12:00:00Z");
    // A box in run mode: alice's dev session ended before Monday's scheduled run.
    let d = DemoActivity::new("MondayMorning9aEST", "start-baseline-instance");
    let f = read(&d, &names, now - DEFAULT_SPAN, now).await.unwrap();
    assert!(f.events.windows(2).all(|w| w[0].at >= w[1].at));
    assert!(f.events.iter().any(|e| matches!(e.who, Who::Schedule { .. }) && e.what == What::Start));
    assert_eq!(f.events[0].what, What::Start, "the newest is Monday's scheduled start");
    assert_eq!(dev_owner(&f.events, "i-0demo"), None, "dev mode was switched back");
    // A box left in dev mode: alice switched it on this morning, started it and stopped it.
    let d = d.with_dev_left_on(true);
    let f = read(&d, &names, now - DEFAULT_SPAN, now).await.unwrap();
    assert_eq!(dev_owner(&f.events, "i-0demo").map(|o| o.who), Some("alice".into()));
    let doc = serde_json::to_value(json::FeedJson::from(&f)).unwrap();
    assert_eq!(doc["schema"], 1);
    let whats: Vec<&str> = (0..3).map(|i| doc["events"][i]["what"].as_str().unwrap()).collect();
    assert_eq!(whats, ["stop", "start", "dev_on"]);
}

#[test]
fn as_of_says_the_delay() {
    let note = as_of_note(t("2026-11-30T14:05:00Z"), &jiff::tz::TimeZone::UTC);
    assert_eq!(note, "as of 14:05 (CloudTrail is up to 15 min late)");
}
