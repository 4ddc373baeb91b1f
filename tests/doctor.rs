//! `baseline-panel doctor` against moto (EC2, STS, `CloudWatch` Logs, `EventBridge`), the local
//! Slack fake and a GitHub stub.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step should stop the test

#[path = "support/aws_stub.rs"]
mod aws_stub;
#[path = "support/fault_proxy.rs"]
mod fault_proxy;
#[path = "support/http_stub.rs"]
mod http_stub;
#[path = "support/slack_fake.rs"]
mod slack_fake;
mod support;

use std::process::{Command, Output};
use std::time::{Duration, Instant};

use fault_proxy::{Fault, FaultProxy, Rule};
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

const LAMBDA: &str = "start-baseline-instance";
const ACCOUNT: &str = "123456789012";

/// A policy letting the box's `CloudWatch` agent write the run log (as the README shows).
const WRITE_RUN_LOG: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
  "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents",
             "logs:DescribeLogGroups", "logs:DescribeLogStreams"],
  "Resource": "arn:aws:logs:*:*:log-group:/baseline-model/run*"}]}"#;

/// What the lab's account on moto holds.
#[derive(Clone, Copy)]
struct Lab {
    /// The tagged box.
    instance: bool,
    /// The run log group and the rule.
    group_and_rule: bool,
    /// The function the rule invokes (none: a rule without target).
    target: Option<&'static str>,
    /// The scheduler Lambda's log group.
    lambda_log: bool,
    /// The box's instance profile, its role holding this managed policy (none: no profile).
    box_policy: Option<&'static str>,
}

/// Everything in place.
const FULL: Lab = Lab {
    instance: true,
    group_and_rule: true,
    target: Some(LAMBDA),
    lambda_log: true,
    box_policy: Some(WRITE_RUN_LOG),
};

/// An empty account.
const EMPTY: Lab =
    Lab { instance: false, group_and_rule: false, target: None, lambda_log: false, box_policy: None };

/// Seeds the lab's account on moto; returns the box's instance id when it has one.
async fn seed(moto: &Moto, lab: Lab) -> Option<String> {
    let sdk = moto.sdk().await;
    let logs = aws_sdk_cloudwatchlogs::Client::new(&sdk);
    let events = aws_sdk_eventbridge::Client::new(&sdk);
    let mut id = None;
    if lab.instance {
        let launched = moto.launch("baseline model", SEED_USER_DATA).await;
        if let Some(policy) = lab.box_policy {
            give_profile(moto, &launched, &[("BoxLogs", policy)]).await;
        }
        id = Some(launched);
    }
    if lab.group_and_rule {
        logs.create_log_group().log_group_name(RUN_GROUP).send().await.expect("create log group on moto");
        events
            .put_rule()
            .name(RULE)
            .schedule_expression("cron(0 9 ? * MON *)")
            .state(aws_sdk_eventbridge::types::RuleState::Enabled)
            .send()
            .await
            .expect("put rule on moto");
        if let Some(function) = lab.target {
            let arn = format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:{function}");
            let target = aws_sdk_eventbridge::types::Target::builder().id("1").arn(arn).build().unwrap();
            events.put_targets().rule(RULE).targets(target).send().await.expect("put targets on moto");
        }
    }
    if lab.lambda_log {
        let group = format!("/aws/lambda/{LAMBDA}");
        logs.create_log_group().log_group_name(group).send().await.expect("create the Lambda's log group");
    }
    id
}

/// Gives instance `id` the profile `BoxProfile` whose role `BoxRole` holds these managed
/// policies (name, document).
async fn give_profile(moto: &Moto, id: &str, policies: &[(&str, &str)]) {
    let iam = aws_sdk_iam::Client::new(&moto.sdk().await);
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    iam.create_role()
        .role_name("BoxRole")
        .assume_role_policy_document(trust)
        .send()
        .await
        .expect("create role");
    for (name, document) in policies {
        let made =
            iam.create_policy().policy_name(*name).policy_document(*document).send().await.expect("policy");
        let arn = made.policy().and_then(|p| p.arn()).unwrap().to_owned();
        iam.attach_role_policy().role_name("BoxRole").policy_arn(arn).send().await.expect("attach policy");
    }
    iam.create_instance_profile().instance_profile_name("BoxProfile").send().await.expect("create profile");
    iam.add_role_to_instance_profile()
        .instance_profile_name("BoxProfile")
        .role_name("BoxRole")
        .send()
        .await
        .expect("add role to profile");
    let profile = aws_sdk_ec2::types::IamInstanceProfileSpecification::builder().name("BoxProfile").build();
    moto.ec2()
        .await
        .associate_iam_instance_profile()
        .instance_id(id)
        .iam_instance_profile(profile)
        .send()
        .await
        .expect("associate the profile");
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
        ("logs.scheduler", "pass"),
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
    assert!(stdout.ends_with("\n12 passed, 0 failed, 0 warnings, 2 skipped\n"), "{stdout}");
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

/// `doctor --json` on `lab` (Slack and GitHub in order): the box's id, the output, the report.
async fn doctor_on(lab: Lab) -> Option<(String, Output, Value)> {
    let moto = Moto::start()?;
    let id = seed(&moto, lab).await.unwrap_or_default();
    let slack = HttpStub::start(fake_slack()).await;
    let github = HttpStub::start(fake_github(true)).await;
    let out = run(doctor_cmd(&moto, &slack, &github), &["doctor", "--json"]).await;
    let doc = report(&out);
    Some((id, out, doc))
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

#[tokio::test]
async fn a_box_without_instance_profile_fails() {
    let Some((id, out, doc)) = doctor_on(Lab { box_policy: None, ..FULL }).await else { return };
    assert_eq!(out.status.code(), Some(1));
    let role = check(&doc, "ec2.log_role");
    assert_eq!(role["status"], "fail");
    assert_eq!(
        role["detail"],
        format!("{id} has no instance profile: the CloudWatch agent on it cannot write {RUN_GROUP}")
    );
    assert!(role["hint"].as_str().unwrap().contains("aws ec2 associate-iam-instance-profile"), "{role}");
}

#[tokio::test]
async fn a_profile_allowing_the_group_passes() {
    let Some((_moto, out, doc)) = doctor_on(FULL).await else { return };
    assert!(out.status.success());
    assert_eq!(
        check(&doc, "ec2.log_role")["detail"],
        "role BoxRole (profile BoxProfile) may write /baseline-model/run: logs:CreateLogStream and \
         logs:PutLogEvents allowed by managed policy BoxLogs (organization SCPs not seen)"
    );
}

/// The doctor on a box whose role holds exactly `policies`.
async fn doctor_with_box_policies(policies: &[(&str, &str)]) -> Option<(Output, Value)> {
    let moto = Moto::start()?;
    seed(&moto, Lab { instance: false, ..FULL }).await;
    let id = moto.launch("baseline model", SEED_USER_DATA).await;
    give_profile(&moto, &id, policies).await;
    let slack = HttpStub::start(fake_slack()).await;
    let github = HttpStub::start(fake_github(true)).await;
    let out = run(doctor_cmd(&moto, &slack, &github), &["doctor", "--json"]).await;
    let doc = report(&out);
    Some((out, doc))
}

#[tokio::test]
async fn an_explicit_deny_on_the_group_fails_naming_the_policy() {
    let deny = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"logs:PutLogEvents",
      "Resource":"arn:aws:logs:*:*:log-group:/baseline-model/*"}]}"#;
    let Some((out, doc)) = doctor_with_box_policies(&[("BoxLogs", WRITE_RUN_LOG), ("NoLogs", deny)]).await
    else {
        return;
    };
    assert_eq!(out.status.code(), Some(1));
    let role = check(&doc, "ec2.log_role");
    assert_eq!(role["status"], "fail");
    assert_eq!(
        role["detail"],
        "role BoxRole (profile BoxProfile): logs:PutLogEvents on /baseline-model/run is denied by managed policy NoLogs"
    );
}

#[tokio::test]
async fn a_policy_for_another_group_or_with_conditions_is_not_a_pass() {
    let elsewhere = WRITE_RUN_LOG.replace("/baseline-model/run*", "/other-model/run*");
    let Some((out, doc)) = doctor_with_box_policies(&[("OtherLogs", &elsewhere)]).await else { return };
    assert_eq!(out.status.code(), Some(1));
    let role = check(&doc, "ec2.log_role");
    assert_eq!(role["status"], "fail");
    assert_eq!(
        role["detail"],
        "role BoxRole (profile BoxProfile) has no policy allowing logs:CreateLogStream or logs:PutLogEvents on /baseline-model/run"
    );
    let conditional = WRITE_RUN_LOG.replace(
        r#""Resource""#,
        r#""Condition": {"StringEquals": {"aws:RequestedRegion": "us-east-1"}}, "Resource""#,
    );
    let Some((out, doc)) = doctor_with_box_policies(&[("BoxLogs", &conditional)]).await else { return };
    assert!(out.status.success(), "a doubt is a warning: {doc:#}");
    let role = check(&doc, "ec2.log_role");
    assert_eq!(role["status"], "warn");
    assert!(
        role["detail"]
            .as_str()
            .unwrap()
            .ends_with("may not be allowed: the Allow in managed policy BoxLogs has conditions"),
        "{role}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn without_permission_to_read_iam_the_box_check_is_not_checked() {
    let Some(moto) = Moto::start() else { return };
    seed(&moto, FULL).await;
    let proxy = FaultProxy::start(&moto.url).await;
    proxy.rule(Rule::new("GetInstanceProfile", Fault::Deny));
    let slack = HttpStub::start(fake_slack()).await;
    let github = HttpStub::start(fake_github(true)).await;
    let mut cmd = doctor_cmd(&moto, &slack, &github);
    cmd.env("AWS_ENDPOINT_URL", proxy.url());
    let out = run(cmd, &["doctor", "--json"]).await;
    let doc = report(&out);
    assert!(out.status.success(), "not checked is no failure: {doc:#}");
    let role = check(&doc, "ec2.log_role");
    assert_eq!(role["status"], "skip");
    assert_eq!(role["detail"], "not checked: no iam:GetInstanceProfile permission");
    assert!(role["hint"].as_str().unwrap().contains("DoctorReadsTheBoxRole"), "{role}");
    assert_eq!(proxy.count("GetInstanceProfile", "deny"), 1);
}
