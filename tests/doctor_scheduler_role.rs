//! `baseline-panel doctor` on the role the `EventBridge` Scheduler assumes to invoke the Lambda,
//! against moto: the role and its policies made with the AWS CLI (a good role, one trusting
//! EC2 instead of the Scheduler, one without `lambda:InvokeFunction`), and `iam:GetRole`
//! refused (through the fault proxy).

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

use std::process::Output;

use doctor_lab::{ACCOUNT, FULL, LAMBDA, RULE, check, doctor_cmd, fake_github, report, run, seed};
use fault_proxy::{Fault, FaultProxy, Rule};
use http_stub::HttpStub;
use serde_json::Value;
use slack_fake::fake_slack;
use support::moto::Moto;

const ROLE: &str = "baseline-scheduler";

fn role_arn() -> String {
    format!("arn:aws:iam::{ACCOUNT}:role/{ROLE}")
}

fn trust(service: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Service":"{service}"}},"Action":"sts:AssumeRole","Condition":{{"StringEquals":{{"aws:SourceAccount":"{ACCOUNT}"}}}}}}]}}"#
    )
}

fn invoke(function: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:{ACCOUNT}:function:{function}*"}}]}}"#
    )
}

/// The lab on moto with the Scheduler's role trusting `service` and (inline) allowed to
/// invoke `function`, and the box's Scheduler schedule invoking the Lambda with it; made with
/// the AWS CLI. `None` without the CLI.
async fn lab(service: &str, function: Option<&str>) -> Option<Moto> {
    let moto = Moto::start()?;
    seed(&moto, FULL).await;
    moto.aws(&["iam", "create-role", "--role-name", ROLE, "--assume-role-policy-document", &trust(service)])?;
    if let Some(function) = function {
        moto.aws(&[
            "iam",
            "put-role-policy",
            "--role-name",
            ROLE,
            "--policy-name",
            "invoke-lambda",
            "--policy-document",
            &invoke(function),
        ])?;
    }
    let target = format!("Arn=arn:aws:lambda:us-east-1:{ACCOUNT}:function:{LAMBDA},RoleArn={}", role_arn());
    moto.aws(&[
        "scheduler",
        "create-schedule",
        "--name",
        RULE,
        "--schedule-expression",
        "cron(0 9 ? * MON *)",
        "--schedule-expression-timezone",
        "America/New_York",
        "--flexible-time-window",
        "Mode=OFF",
        "--target",
        &target,
    ])?;
    Some(moto)
}

/// `doctor --json` with the Scheduler schedule as the box's, its role named in the config.
async fn doctor(moto: &Moto, endpoint: Option<&str>) -> (Output, Value) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, format!("[schedule]\nkind = \"scheduler\"\nrole = \"{}\"\n", role_arn())).unwrap();
    let slack = HttpStub::start(fake_slack()).await;
    let github = HttpStub::start(fake_github(true)).await;
    let mut cmd = doctor_cmd(moto, &slack, &github);
    if let Some(url) = endpoint {
        cmd.env("AWS_ENDPOINT_URL", url);
    }
    cmd.arg("--config").arg(&path);
    let out = run(cmd, &["doctor", "--json"]).await;
    let doc = report(&out);
    (out, doc)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_role_trusting_the_scheduler_and_allowed_to_invoke_passes_and_unreadable_is_unknown() {
    let Some(moto) = lab("scheduler.amazonaws.com", Some(LAMBDA)).await else { return };
    let (out, doc) = doctor(&moto, None).await;
    assert!(out.status.success(), "{doc:#}");
    assert_eq!(
        check(&doc, "schedule.rule")["status"],
        "pass",
        "the Scheduler schedule is the box's: {doc:#}"
    );
    let role = check(&doc, "schedule.scheduler_role");
    assert_eq!((&role["status"], &role["required"]), (&"pass".into(), &true.into()), "{role}");
    assert_eq!(
        role["detail"],
        "role baseline-scheduler trusts scheduler.amazonaws.com and may invoke start-baseline-instance: \
         lambda:InvokeFunction allowed by inline policy invoke-lambda (organization SCPs not seen)"
    );

    let proxy = FaultProxy::start(&moto.url).await;
    proxy.rule(Rule::new("GetRole", Fault::Deny));
    let (out, doc) = doctor(&moto, Some(&proxy.url())).await;
    assert!(out.status.success(), "unknown is no failure: {doc:#}");
    let role = check(&doc, "schedule.scheduler_role");
    assert_eq!(role["status"], "warn", "never a pass without the role: {role}");
    assert!(role["detail"].as_str().unwrap().starts_with("unknown: no iam:GetRole permission"), "{role}");
    assert_eq!(proxy.count("GetRole", "deny"), 1);
}

#[tokio::test]
async fn a_role_trusting_ec2_fails_with_the_command_that_fixes_its_trust() {
    let Some(moto) = lab("ec2.amazonaws.com", Some(LAMBDA)).await else { return };
    let (out, doc) = doctor(&moto, None).await;
    assert_eq!(out.status.code(), Some(1), "{doc:#}");
    let role = check(&doc, "schedule.scheduler_role");
    assert_eq!(role["status"], "fail");
    assert_eq!(
        role["detail"],
        "role baseline-scheduler: it does not trust scheduler.amazonaws.com (it trusts ec2.amazonaws.com)"
    );
    let hint = role["hint"].as_str().unwrap();
    assert!(
        hint.starts_with(
            "`aws iam update-assume-role-policy --role-name baseline-scheduler --policy-document '"
        ),
        "{hint}"
    );
    assert!(hint.contains(r#""Principal":{"Service":"scheduler.amazonaws.com"}"#), "{hint}");
}

#[tokio::test]
async fn a_role_without_invoke_fails_with_put_role_policy() {
    let Some(moto) = lab("scheduler.amazonaws.com", Some("another-function")).await else { return };
    let (out, doc) = doctor(&moto, None).await;
    assert_eq!(out.status.code(), Some(1), "{doc:#}");
    let role = check(&doc, "schedule.scheduler_role");
    assert_eq!(role["status"], "fail");
    assert_eq!(
        role["detail"],
        format!(
            "role baseline-scheduler: no policy allows lambda:InvokeFunction on \
             arn:aws:lambda:us-east-1:{ACCOUNT}:function:{LAMBDA}"
        )
    );
    assert!(
        role["hint"].as_str().unwrap().starts_with(
            "`aws iam put-role-policy --role-name baseline-scheduler --policy-name invoke-start-baseline-instance"
        ),
        "{role}"
    );
}
