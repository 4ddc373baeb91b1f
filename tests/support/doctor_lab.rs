//! The lab's account on moto for the doctor's tests: what it holds ([`Lab`]), seeding it, and
//! running `doctor` against it with the local Slack fake and a GitHub stub. Include it with
//! `#[path]` next to `http_stub`, `slack_fake` and `support`.

#![allow(dead_code)] // Each test file uses a different part of it.

use std::process::{Command, Output};

use serde_json::{Value, json};

use crate::http_stub::{HttpStub, Recorded, Reply};
use crate::slack_fake::{CHANNEL, TOKEN, fake_slack};
use crate::support::moto::{Moto, SEED_USER_DATA};

pub const GH_TOKEN: &str = "ghp_doctorTestTokenCCCCCCCCCCCCCCCCCCCC";
pub const RUN_GROUP: &str = "/baseline-model/run";
pub const RULE: &str = "MondayMorning9aEST";

/// A GitHub that knows the sandbox repository and answers `push` as told.
pub fn fake_github(push: bool) -> impl Fn(&Recorded) -> Reply + Send + Sync + 'static {
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

pub const LAMBDA: &str = "start-baseline-instance";
pub const ACCOUNT: &str = "123456789012";

/// A policy letting the box's `CloudWatch` agent write the run log (as the README shows).
pub const WRITE_RUN_LOG: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
  "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents",
             "logs:DescribeLogGroups", "logs:DescribeLogStreams"],
  "Resource": "arn:aws:logs:*:*:log-group:/baseline-model/run*"}]}"#;

/// What the lab's account on moto holds.
#[derive(Clone, Copy)]
pub struct Lab {
    /// The tagged box.
    pub instance: bool,
    /// The run log group and the rule.
    pub group_and_rule: bool,
    /// The function the rule invokes (none: a rule without target).
    pub target: Option<&'static str>,
    /// The scheduler Lambda's log group.
    pub lambda_log: bool,
    /// The box's instance profile, its role holding this managed policy (none: no profile).
    pub box_policy: Option<&'static str>,
}

/// Everything in place.
pub const FULL: Lab = Lab {
    instance: true,
    group_and_rule: true,
    target: Some(LAMBDA),
    lambda_log: true,
    box_policy: Some(WRITE_RUN_LOG),
};

/// An empty account.
pub const EMPTY: Lab =
    Lab { instance: false, group_and_rule: false, target: None, lambda_log: false, box_policy: None };

/// Seeds the lab's account on moto; returns the box's instance id when it has one.
pub async fn seed(moto: &Moto, lab: Lab) -> Option<String> {
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
pub async fn give_profile(moto: &Moto, id: &str, policies: &[(&str, &str)]) {
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
pub fn doctor_cmd(moto: &Moto, slack: &HttpStub, github: &HttpStub) -> Command {
    let mut c = moto.panel();
    c.env("SLACK_API_URL", format!("{}api/", slack.url()))
        .env("SLACK_API_TOKEN", TOKEN)
        .env("CHANNEL_ID", CHANNEL)
        .env("GITHUB_API_URL", github.url())
        .env("GITHUB_TOKEN", GH_TOKEN);
    c
}

/// Runs the binary off the async threads, so the stubs keep answering.
pub use crate::support::output_off_thread as run;

pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

pub fn report(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", text(&out.stdout), text(&out.stderr)))
}

pub fn check<'a>(doc: &'a Value, id: &str) -> &'a Value {
    doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no check {id} in {doc}"))
}

pub fn statuses(doc: &Value) -> Vec<(String, String)> {
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

/// `doctor --json` on `lab` (Slack and GitHub in order): the box's id, the output, the report.
pub async fn doctor_on(lab: Lab) -> Option<(String, Output, Value)> {
    let moto = Moto::start()?;
    let id = seed(&moto, lab).await.unwrap_or_default();
    let slack = HttpStub::start(fake_slack()).await;
    let github = HttpStub::start(fake_github(true)).await;
    let out = run(doctor_cmd(&moto, &slack, &github), &["doctor", "--json"]).await;
    let doc = report(&out);
    Some((id, out, doc))
}

/// The doctor on a box whose role holds exactly `policies`.
pub async fn doctor_with_box_policies(policies: &[(&str, &str)]) -> Option<(Output, Value)> {
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
