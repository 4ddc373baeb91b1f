//! `baseline-panel doctor` on the box's own permission to write the run log, against moto: no
//! instance profile, a role whose policies allow, deny, miss or condition the writes, and IAM
//! reads refused (through the fault proxy).

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

use doctor_lab::{
    FULL, Lab, RUN_GROUP, WRITE_RUN_LOG, check, doctor_cmd, doctor_on, doctor_with_box_policies, fake_github,
    report, run, seed,
};
use fault_proxy::{Fault, FaultProxy, Rule};
use http_stub::HttpStub;
use slack_fake::fake_slack;
use support::moto::Moto;

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
