//! `baseline-panel doctor` against moto (EC2, STS, `CloudWatch` Logs, `EventBridge`), the local
//! Slack fake and a GitHub stub.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step should stop the test

#[path = "support/http_stub.rs"]
mod http_stub;
#[path = "support/slack_fake.rs"]
mod slack_fake;
mod support;

use std::process::{Command, Output};
use std::time::{Duration, Instant};

use http_stub::{HttpStub, Recorded, Reply};
use serde_json::{Value, json};
use slack_fake::{CHANNEL, TOKEN, fake_slack, slack_error};
use support::moto::{Moto, SEED_USER_DATA};

const GH_TOKEN: &str = "ghp_doctorTestTokenCCCCCCCCCCCCCCCCCCCC";
const RUN_GROUP: &str = "/baseline-model/run";
const RULE: &str = "MondayMorning9aEST";

/// A GitHub that knows the sandbox repository and answers `push` as told.
fn fake_github(push: bool) -> impl Fn(&Recorded) -> Reply + Send + Sync + 'static {
    move |req| {
        if req.header("authorization") != Some(format!("Bearer {GH_TOKEN}").as_str()) {
            return Reply::json(401, json!({ "message": "Bad credentials" }));
        }
        match req.path.as_str() {
            "/repos/reichlabmachine/sandbox" => Reply::json(
                200,
                json!({ "full_name": "reichlabmachine/sandbox", "private": false,
                        "default_branch": "main",
                        "permissions": { "admin": false, "push": push, "pull": true } }),
            ),
            _ => Reply::json(404, json!({ "message": "Not Found" })),
        }
    }
}

/// The lab's account on moto: optionally the tagged box, and the run log group and the rule.
async fn seed(moto: &Moto, instance: bool, group_and_rule: bool) {
    if instance {
        moto.launch("baseline model", SEED_USER_DATA).await;
    }
    if group_and_rule {
        let sdk = moto.sdk().await;
        aws_sdk_cloudwatchlogs::Client::new(&sdk)
            .create_log_group()
            .log_group_name(RUN_GROUP)
            .send()
            .await
            .expect("create log group on moto");
        aws_sdk_eventbridge::Client::new(&sdk)
            .put_rule()
            .name(RULE)
            .schedule_expression("cron(0 9 ? * MON *)")
            .state(aws_sdk_eventbridge::types::RuleState::Enabled)
            .send()
            .await
            .expect("put rule on moto");
    }
}

/// The binary pointed at moto, the Slack fake and the GitHub stub, with every token set.
fn doctor_cmd(moto: &Moto, slack: &HttpStub, github: &HttpStub) -> Command {
    let mut c = moto.panel();
    c.env("SLACK_API_URL", format!("{}api/", slack.url()))
        .env("SLACK_API_TOKEN", TOKEN)
        .env("CHANNEL_ID", CHANNEL)
        .env("GITHUB_API_URL", github.url())
        .env("GITHUB_TOKEN", GH_TOKEN);
    c
}

/// Runs the binary off the async threads, so the stubs keep answering.
async fn run(mut cmd: Command, args: &[&str]) -> Output {
    cmd.args(args);
    tokio::task::spawn_blocking(move || cmd.output().expect("run baseline-panel")).await.unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn report(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", text(&out.stdout), text(&out.stderr)))
}

fn check<'a>(doc: &'a Value, id: &str) -> &'a Value {
    doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no check {id} in {doc}"))
}

fn statuses(doc: &Value) -> Vec<(String, String)> {
    doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let s = |k: &str| c[k].as_str().unwrap().to_owned();
            (s("id"), s("status"))
        })
        .collect()
}

#[tokio::test]
async fn everything_in_place_passes_with_exit_zero() {
    let Some(moto) = Moto::start() else { return };
    seed(&moto, true, true).await;
    let slack = HttpStub::start(fake_slack()).await;
    let github = HttpStub::start(fake_github(true)).await;
    let out = run(doctor_cmd(&moto, &slack, &github), &["doctor", "--post", "--json"]).await;
    let doc = report(&out);
    assert!(out.status.success(), "{doc:#}\n{}", text(&out.stderr));
    assert_eq!(doc["ok"], true);
    let expect: Vec<(String, String)> = [
        ("aws.identity", "pass"),
        ("ec2.instance", "pass"),
        ("ec2.start", "pass"),
        ("ec2.stop", "pass"),
        ("ec2.user_data", "pass"),
        ("logs.group", "pass"),
        ("schedule.rule", "pass"),
        ("slack.token", "pass"),
        ("slack.post", "pass"),
        ("github.push", "pass"),
        ("env.file", "skip"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(statuses(&doc), expect, "{doc:#}");
    assert_eq!(check(&doc, "slack.token")["detail"], "baseline_script_app in Reich Lab (slack)");
    let posts = slack.requests_to("/api/chat.postMessage");
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0].json(), json!({ "channel": CHANNEL, "text": "baseline-panel doctor: can post" }));
    // The dry runs changed nothing: the box is still running with its user data.
    if let Some(w) = moto.aws(&["ec2", "describe-instances"]) {
        let w: Value = serde_json::from_str(&w).unwrap();
        assert_eq!(w["Reservations"][0]["Instances"][0]["State"]["Name"], "running");
    }
}

#[tokio::test]
async fn human_report_has_a_line_per_check_and_no_post_without_asking() {
    let Some(moto) = Moto::start() else { return };
    seed(&moto, true, true).await;
    let slack = HttpStub::start(fake_slack()).await;
    let github = HttpStub::start(fake_github(true)).await;
    let out = run(doctor_cmd(&moto, &slack, &github), &["doctor"]).await;
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", text(&out.stderr));
    assert!(stdout.starts_with("✓ AWS identity "), "{stdout}");
    assert!(
        stdout.contains(
            "- Slack post            not tried\n                        → run doctor --post to send a test message\n"
        ),
        "{stdout}"
    );
    assert!(stdout.ends_with("\n9 passed, 0 failed, 0 warnings, 2 skipped\n"), "{stdout}");
    assert!(slack.requests_to("/api/chat.postMessage").is_empty());
    assert_eq!(slack.requests_to("/api/auth.test").len(), 1);
}

#[tokio::test]
async fn revoked_slack_token_fails_with_a_hint_and_exit_one() {
    let Some(moto) = Moto::start() else { return };
    seed(&moto, true, true).await;
    let slack = HttpStub::start(|_: &Recorded| slack_error("token_revoked")).await;
    let github = HttpStub::start(fake_github(true)).await;
    let out = run(doctor_cmd(&moto, &slack, &github), &["doctor", "--post", "--json"]).await;
    assert_eq!(out.status.code(), Some(1));
    let doc = report(&out);
    assert_eq!(doc["ok"], false);
    let token = check(&doc, "slack.token");
    assert_eq!(token["status"], "fail");
    assert_eq!(token["required"], true);
    assert_eq!(token["detail"], "The Slack token was revoked");
    assert!(token["hint"].as_str().unwrap().starts_with("reinstall the app to the workspace"), "{token}");
    assert_eq!(check(&doc, "slack.post")["status"], "skip");
    assert!(slack.requests_to("/api/chat.postMessage").is_empty());
    assert_eq!(text(&out.stderr), "baseline-panel: 1 required check failed: Slack token\n");
    assert_eq!(check(&doc, "ec2.instance")["status"], "pass");
}

#[tokio::test]
async fn an_empty_account_fails_instance_log_group_and_rule() {
    let Some(moto) = Moto::start() else { return };
    seed(&moto, false, false).await;
    let slack = HttpStub::start(fake_slack()).await;
    let github = HttpStub::start(fake_github(true)).await;
    let out = run(doctor_cmd(&moto, &slack, &github), &["doctor", "--json"]).await;
    assert_eq!(out.status.code(), Some(1));
    let doc = report(&out);
    let inst = check(&doc, "ec2.instance");
    assert_eq!(inst["status"], "fail");
    assert_eq!(inst["detail"], "no instance found for Name=baseline model in us-east-1");
    for id in ["ec2.start", "ec2.stop", "ec2.user_data"] {
        assert_eq!(check(&doc, id)["status"], "skip", "{id}");
    }
    let group = check(&doc, "logs.group");
    assert_eq!(group["status"], "fail");
    assert_eq!(group["detail"], "/baseline-model/run does not exist");
    let rule = check(&doc, "schedule.rule");
    assert_eq!(rule["status"], "fail");
    assert_eq!(rule["detail"], "EventBridge rule `MondayMorning9aEST` does not exist in us-east-1");
    assert!(rule["hint"].as_str().unwrap().contains("[schedule]"));
    assert_eq!(check(&doc, "aws.identity")["status"], "pass");
    assert!(
        text(&out.stderr).starts_with("baseline-panel: 3 required checks failed: Instance, "),
        "{}",
        text(&out.stderr)
    );
}

#[tokio::test]
async fn github_without_push_fails_with_a_hint_but_is_optional() {
    let Some(moto) = Moto::start() else { return };
    seed(&moto, true, true).await;
    let slack = HttpStub::start(fake_slack()).await;
    let github = HttpStub::start(fake_github(false)).await;
    let out = run(doctor_cmd(&moto, &slack, &github), &["doctor", "--json"]).await;
    let doc = report(&out);
    let gh = check(&doc, "github.push");
    assert_eq!(gh["status"], "fail");
    assert_eq!(gh["required"], false);
    assert_eq!(gh["detail"], "the token can read reichlabmachine/sandbox but not push to it");
    assert!(gh["hint"].as_str().unwrap().contains("write access"));
    assert!(out.status.success(), "GitHub is optional: {doc:#}");
    assert_eq!(doc["ok"], true);
}

#[tokio::test]
async fn no_github_token_skips_github() {
    let Some(moto) = Moto::start() else { return };
    seed(&moto, true, true).await;
    let slack = HttpStub::start(fake_slack()).await;
    let github = HttpStub::start(fake_github(true)).await;
    let mut cmd = doctor_cmd(&moto, &slack, &github);
    cmd.env_remove("GITHUB_TOKEN");
    let out = run(cmd, &["doctor", "--json"]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let gh = check(&report(&out), "github.push").clone();
    assert_eq!(gh["status"], "skip");
    assert_eq!(gh["detail"], "GITHUB_TOKEN is not set");
    assert!(github.requests().is_empty(), "GitHub was not called");
}

#[tokio::test]
async fn a_dead_slack_endpoint_times_out_without_holding_up_the_rest() {
    let Some(moto) = Moto::start() else { return };
    seed(&moto, true, true).await;
    let slack =
        HttpStub::start(|_: &Recorded| slack_error("never_seen").delayed(Duration::from_secs(30))).await;
    let github = HttpStub::start(fake_github(true)).await;
    let began = Instant::now();
    let out = run(doctor_cmd(&moto, &slack, &github), &["doctor", "--json", "--timeout", "2"]).await;
    let took = began.elapsed();
    assert!(took < Duration::from_secs(10), "took {took:?}");
    assert_eq!(out.status.code(), Some(1));
    let doc = report(&out);
    let token = check(&doc, "slack.token");
    assert_eq!(token["status"], "fail");
    assert_eq!(token["detail"], "no answer within 2 s");
    for id in ["aws.identity", "ec2.instance", "ec2.start", "github.push"] {
        assert_eq!(check(&doc, id)["status"], "pass", "{id}");
    }
}
