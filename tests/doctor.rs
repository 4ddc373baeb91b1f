//! `baseline-panel doctor` against moto (EC2, STS, `CloudWatch` Logs, `EventBridge`, IAM), the
//! local Slack fake and a GitHub stub: the whole report, Slack, GitHub, and the schedule (the
//! rule, what it invokes, the Lambda's log group).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step should stop the test

#[path = "support/doctor_lab.rs"]
mod doctor_lab;
#[path = "support/http_stub.rs"]
mod http_stub;
#[path = "support/slack_fake.rs"]
mod slack_fake;
mod support;

use std::time::{Duration, Instant};

use doctor_lab::{
    ACCOUNT, EMPTY, FULL, LAMBDA, Lab, check, doctor_cmd, doctor_on, fake_github, report, run, seed,
    statuses, text,
};
use http_stub::{HttpStub, Recorded};
use serde_json::{Value, json};
use slack_fake::{CHANNEL, fake_slack, slack_error};
use support::moto::Moto;

#[tokio::test]
async fn everything_in_place_passes_with_exit_zero() {
    let Some(moto) = Moto::start() else { return };
    seed(&moto, FULL).await;
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
        ("ec2.log_role", "pass"),
        ("logs.group", "pass"),
        ("schedule.rule", "pass"),
        ("schedule.target", "pass"),
        // No Scheduler in use and no schedule.role: nothing to check.
        ("schedule.scheduler_role", "skip"),
        ("logs.scheduler", "pass"),
        // moto has neither CloudTrail's event history nor the Price List: optional, so warnings.
        ("cloudtrail.lookup", "warn"),
        ("cost.price", "warn"),
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
    seed(&moto, FULL).await;
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
    // moto has neither CloudTrail's event history nor the Price List: two optional warnings.
    assert!(stdout.contains("! Hourly price          cost figures are absent: no price for "), "{stdout}");
    assert!(stdout.ends_with("\n12 passed, 0 failed, 2 warnings, 3 skipped\n"), "{stdout}");
    assert!(slack.requests_to("/api/chat.postMessage").is_empty());
    assert_eq!(slack.requests_to("/api/auth.test").len(), 1);
}

#[tokio::test]
async fn revoked_slack_token_fails_with_a_hint_and_exit_one() {
    let Some(moto) = Moto::start() else { return };
    seed(&moto, FULL).await;
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
    seed(&moto, EMPTY).await;
    let slack = HttpStub::start(fake_slack()).await;
    let github = HttpStub::start(fake_github(true)).await;
    let out = run(doctor_cmd(&moto, &slack, &github), &["doctor", "--json"]).await;
    assert_eq!(out.status.code(), Some(1));
    let doc = report(&out);
    let inst = check(&doc, "ec2.instance");
    assert_eq!(inst["status"], "fail");
    assert_eq!(inst["detail"], "no instance found for Name=baseline model in us-east-1");
    for id in ["ec2.start", "ec2.stop", "ec2.user_data", "ec2.log_role", "schedule.target"] {
        assert_eq!(check(&doc, id)["status"], "skip", "{id}");
    }
    assert_eq!(check(&doc, "logs.scheduler")["status"], "warn");
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
    seed(&moto, FULL).await;
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
    seed(&moto, FULL).await;
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
    seed(&moto, FULL).await;
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

#[tokio::test]
async fn a_rule_without_target_fails_though_it_is_enabled() {
    let Some((_moto, out, doc)) = doctor_on(Lab { target: None, ..FULL }).await else { return };
    assert_eq!(out.status.code(), Some(1), "{doc:#}");
    assert_eq!(check(&doc, "schedule.rule")["status"], "pass");
    let target = check(&doc, "schedule.target");
    assert_eq!(target["status"], "fail");
    assert_eq!(target["required"], true);
    assert_eq!(target["detail"], "MondayMorning9aEST has no target: it fires but starts nothing");
    assert!(
        target["hint"].as_str().unwrap().contains(&format!(
            "aws events put-targets --rule MondayMorning9aEST --targets Id=1,Arn=arn:aws:lambda:us-east-1:{ACCOUNT}:function:{LAMBDA}"
        )),
        "{target}"
    );
    assert_eq!(text(&out.stderr), "baseline-panel: 1 required check failed: Schedule target\n");
}

#[tokio::test]
async fn a_rule_invoking_another_function_fails_and_the_right_one_passes() {
    let Some((_moto, out, doc)) = doctor_on(Lab { target: Some("start-other"), ..FULL }).await else {
        return;
    };
    assert_eq!(out.status.code(), Some(1));
    let target = check(&doc, "schedule.target");
    assert_eq!(target["status"], "fail");
    assert_eq!(target["detail"], format!("MondayMorning9aEST invokes start-other, not the Lambda {LAMBDA}"));
    assert!(
        target["hint"]
            .as_str()
            .unwrap()
            .starts_with("if start-other is the scheduler, set lambda = \"start-other\"")
    );
    let Some((_moto, out, doc)) = doctor_on(FULL).await else { return };
    assert!(out.status.success(), "{doc:#}");
    assert_eq!(
        check(&doc, "schedule.target")["detail"],
        format!("MondayMorning9aEST invokes the Lambda {LAMBDA}")
    );
}

#[tokio::test]
async fn the_lambdas_log_group_missing_warns_and_present_passes() {
    let Some((_moto, out, doc)) = doctor_on(Lab { lambda_log: false, ..FULL }).await else { return };
    assert!(out.status.success(), "a warning does not fail the doctor: {doc:#}");
    let log = check(&doc, "logs.scheduler");
    assert_eq!(log["status"], "warn");
    assert_eq!(log["required"], false);
    assert_eq!(
        log["detail"],
        format!(
            "/aws/lambda/{LAMBDA} does not exist: the Lambda {LAMBDA} has never run, or it logs to another \
             group, so \"last fired\" is unknown"
        )
    );
    assert!(log["hint"].as_str().unwrap().contains("LoggingConfig.LogGroup"), "{log}");
    let Some((_moto, _out, doc)) = doctor_on(FULL).await else { return };
    assert_eq!(check(&doc, "logs.scheduler")["detail"], format!("/aws/lambda/{LAMBDA} exists"));
}
