use async_trait::async_trait;

use super::*;
use crate::cost::{PriceFrom, Quote};
use crate::doctor::policy::PolicyDoc;
use crate::doctor::roles::{ProfileRoles, RolePolicies};
use crate::schedule::rules::{DemoRules, SchedulerFacts};

const ROLE_ARN: &str = "arn:aws:iam::111122223333:role/baseline-scheduler";
const FUNCTION: &str = "arn:aws:lambda:us-east-1:111122223333:function:start-baseline-instance";

fn trust(service: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Service":"{service}"}},"Action":"sts:AssumeRole"}}]}}"#
    )
}

fn invoke(resource: &str) -> String {
    format!(
        r#"{{"Statement":[{{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"{resource}"}}]}}"#
    )
}

fn role(trust: &str, policies: &[(&str, &str)]) -> RoleDocs {
    RoleDocs {
        arn: ROLE_ARN.into(),
        trust: trust.into(),
        permissions: RolePolicies {
            role: "baseline-scheduler".into(),
            policies: policies
                .iter()
                .map(|(n, d)| PolicyDoc { name: (*n).into(), document: (*d).into() })
                .collect(),
            boundary: None,
        },
    }
}

/// Probes answering only the role question, as told.
struct RoleProbes(Result<RoleDocs, CloudError>, std::sync::Mutex<Vec<String>>);

#[async_trait]
impl DoctorProbes for RoleProbes {
    async fn log_group_exists(&self, _group: &str) -> Result<bool, CloudError> {
        unreachable!("the role check asks only for the role")
    }
    async fn rule(&self) -> Result<RuleInfo, CloudError> {
        unreachable!("the role check is given the schedule")
    }
    async fn instance_profile(&self, _id: &str) -> Result<Option<String>, CloudError> {
        unreachable!()
    }
    async fn profile_roles(&self, _arn: &str) -> Result<ProfileRoles, CloudError> {
        unreachable!()
    }
    async fn role(&self, name: &str) -> Result<RoleDocs, CloudError> {
        self.1.lock().unwrap().push(name.to_owned());
        self.0.clone()
    }
    async fn trail(&self) -> Result<(), CloudError> {
        unreachable!()
    }
    async fn hourly_price(&self, _region: &str, _ty: &str) -> Result<Quote, CloudError> {
        unreachable!()
    }
    fn prices_from(&self) -> PriceFrom {
        PriceFrom::PriceList
    }
}

fn cfg(kind: ScheduleKind, role: Option<&str>) -> Config {
    let mut cfg = Config::builtin();
    cfg.scheduler.kind = kind;
    cfg.scheduler.role = role.map(str::to_owned);
    cfg
}

/// The demo's rule, or (with `role`) the Scheduler schedule naming that role.
fn schedule(role: Option<&str>) -> RuleInfo {
    let mut info = DemoRules::lab().info();
    if let Some(role) = role {
        info.scheduler =
            Some(SchedulerFacts { group: "default".into(), time_zone: None, role: Some(role.into()) });
    }
    info
}

async fn check(
    cfg: &Config,
    info: Option<&RuleInfo>,
    answer: Result<RoleDocs, CloudError>,
) -> (Check, Vec<String>) {
    let probes = RoleProbes(answer, std::sync::Mutex::default());
    let c = scheduler_role_check(&probes, cfg, info, Duration::from_millis(300)).await;
    let asked = probes.1.lock().unwrap().clone();
    (c, asked)
}

fn good() -> RoleDocs {
    role(&trust(SERVICE), &[("inline policy invoke", &invoke(&format!("{FUNCTION}*")))])
}

#[tokio::test]
async fn a_trusting_role_that_may_invoke_passes_naming_the_policy() {
    let cfg = cfg(ScheduleKind::Scheduler, Some(ROLE_ARN));
    let (c, asked) = check(&cfg, Some(&schedule(Some(ROLE_ARN))), Ok(good())).await;
    assert_eq!(asked, ["baseline-scheduler"]);
    assert_eq!((c.status, c.required), (Status::Pass, true), "{c:?}");
    assert_eq!(
        c.detail,
        "role baseline-scheduler trusts scheduler.amazonaws.com and may invoke start-baseline-instance: \
         lambda:InvokeFunction allowed by inline policy invoke (organization SCPs not seen)"
    );
}

#[tokio::test]
async fn without_schedule_role_the_schedules_own_role_is_checked() {
    let cfg = cfg(ScheduleKind::Scheduler, None);
    let (c, asked) =
        check(&cfg, Some(&schedule(Some("arn:aws:iam::111122223333:role/lab/from-schedule"))), Ok(good()))
            .await;
    assert_eq!(asked, ["from-schedule"]);
    assert_eq!(c.status, Status::Pass, "{c:?}");
}

#[tokio::test]
async fn a_role_trusting_another_service_fails_with_the_command_that_fixes_the_trust() {
    let cfg = cfg(ScheduleKind::Scheduler, Some(ROLE_ARN));
    let docs = role(&trust("ec2.amazonaws.com"), &[("p", &invoke("*"))]);
    let (c, _) = check(&cfg, None, Ok(docs)).await;
    assert_eq!(c.status, Status::Fail);
    assert!(c.is_blocking());
    assert_eq!(
        c.detail,
        "role baseline-scheduler: it does not trust scheduler.amazonaws.com (it trusts ec2.amazonaws.com)"
    );
    assert_eq!(
        c.hint.as_deref(),
        Some(
            r#"`aws iam update-assume-role-policy --role-name baseline-scheduler --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"scheduler.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}}]}'`"#
        )
    );
}

#[tokio::test]
async fn a_role_that_may_not_invoke_fails_with_put_role_policy_and_a_deny_names_its_policy() {
    let cfg = cfg(ScheduleKind::Scheduler, Some(ROLE_ARN));
    let other = role(&trust(SERVICE), &[("p", &invoke("arn:aws:lambda:*:*:function:other"))]);
    let (c, _) = check(&cfg, None, Ok(other)).await;
    assert_eq!(c.status, Status::Fail);
    assert_eq!(
        c.detail,
        format!("role baseline-scheduler: no policy allows lambda:InvokeFunction on {FUNCTION}")
    );
    let hint = c.hint.unwrap();
    assert!(
        hint.starts_with(
            "`aws iam put-role-policy --role-name baseline-scheduler --policy-name invoke-start-baseline-instance --policy-document '"
        ),
        "{hint}"
    );
    assert!(hint.contains(&format!(r#""Resource":["{FUNCTION}","{FUNCTION}:*"]"#)), "{hint}");
    let deny = r#"{"Statement":[{"Effect":"Deny","Action":"lambda:*","Resource":"*"}]}"#;
    let denied = role(&trust(SERVICE), &[("p", &invoke("*")), ("inline policy guard", deny)]);
    let (c, _) = check(&cfg, None, Ok(denied)).await;
    assert_eq!(c.status, Status::Fail);
    assert!(
        c.detail
            .ends_with("lambda:InvokeFunction on start-baseline-instance is denied by inline policy guard")
    );
}

#[tokio::test]
async fn a_missing_role_fails_with_create_role_and_put_role_policy() {
    let cfg = cfg(ScheduleKind::Scheduler, Some(ROLE_ARN));
    let (c, _) =
        check(&cfg, None, Err(CloudError::Missing("IAM has no role baseline-scheduler".into()))).await;
    assert_eq!(c.status, Status::Fail);
    assert_eq!(
        c.detail,
        "IAM has no role baseline-scheduler (schedule.role): the Scheduler cannot invoke start-baseline-instance"
    );
    let hint = c.hint.unwrap();
    assert!(
        hint.starts_with(
            "create it: `aws iam create-role --role-name baseline-scheduler --assume-role-policy-document '{"
        ),
        "{hint}"
    );
    assert!(hint.contains("`aws iam put-role-policy --role-name baseline-scheduler"), "{hint}");
}

#[tokio::test]
async fn refused_iam_reads_are_unknown_never_a_pass() {
    let cfg = cfg(ScheduleKind::Scheduler, Some(ROLE_ARN));
    let denied = CloudError::AccessDenied { action: "iam:GetRole".into(), detail: String::new() };
    let (c, _) = check(&cfg, None, Err(denied)).await;
    assert_eq!(c.status, Status::Warn);
    assert!(c.detail.starts_with("unknown: no iam:GetRole permission"), "{c:?}");
    assert!(c.hint.unwrap().contains("DoctorReadsTheBoxRole"));
}

#[tokio::test]
async fn conditions_other_than_the_source_account_are_doubts() {
    let cfg = cfg(ScheduleKind::Scheduler, Some(ROLE_ARN));
    let conditional = trust(SERVICE).replace(
        r#""Action":"sts:AssumeRole""#,
        r#""Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:SourceArn":"x"}}"#,
    );
    let (c, _) = check(&cfg, None, Ok(role(&conditional, &[("p", &invoke("*"))]))).await;
    assert_eq!(c.status, Status::Warn, "{c:?}");
    assert!(
        c.detail.contains("unknown whether the Scheduler may use it: the Allow for scheduler.amazonaws.com"),
        "{c:?}"
    );
}

#[tokio::test]
async fn with_only_schedule_role_set_problems_are_warnings_and_without_either_it_skips() {
    let rule_cfg = cfg(ScheduleKind::Rule, Some(ROLE_ARN));
    let (c, _) = check(&rule_cfg, Some(&schedule(None)), Ok(role(&trust("ec2.amazonaws.com"), &[]))).await;
    assert_eq!((c.status, c.required), (Status::Warn, false), "{c:?}");
    assert!(c.detail.contains("no policy allows lambda:InvokeFunction"), "{c:?}");
    let (c, _) = check(&rule_cfg, Some(&schedule(None)), Ok(good())).await;
    assert_eq!(c.status, Status::Pass);
    let (c, asked) = check(&cfg(ScheduleKind::Rule, None), Some(&schedule(None)), Ok(good())).await;
    assert_eq!(
        (c.status, c.detail.as_str()),
        (Status::Skip, "no Scheduler in use and schedule.role is not set")
    );
    assert!(asked.is_empty(), "nothing to ask");
}

#[tokio::test]
async fn the_scheduler_kind_without_any_role_fails_or_skips_when_the_schedule_was_unread() {
    let sched = cfg(ScheduleKind::Scheduler, None);
    let (c, _) = check(&sched, Some(&schedule(None)), Ok(good())).await;
    assert!(c.is_blocking(), "{c:?}");
    assert_eq!(c.detail, "schedule.role is not set and the Scheduler schedule names no role");
    let (c, _) = check(&sched, None, Ok(good())).await;
    assert_eq!(c.status, Status::Skip);
}

#[tokio::test]
async fn a_schedule_using_another_role_than_configured_is_a_warning() {
    let cfg = cfg(ScheduleKind::Scheduler, Some(ROLE_ARN));
    let elsewhere = "arn:aws:iam::111122223333:role/older";
    let (c, _) = check(&cfg, Some(&schedule(Some(elsewhere))), Ok(good())).await;
    assert_eq!(c.status, Status::Warn);
    assert!(c.detail.ends_with(&format!("; but the Scheduler schedule uses {elsewhere}")), "{c:?}");
}

#[tokio::test]
async fn the_demo_checks_its_own_role_and_passes() {
    let mut cfg = cfg(ScheduleKind::Rule, None);
    cfg.demo = true;
    let roles = crate::doctor::DemoBoxRoles::new(&cfg.log_group, &cfg.lambda_name);
    let docs = crate::doctor::BoxRoles::role(&roles, "baseline-scheduler").await;
    let (c, asked) = check(&cfg, Some(&schedule(None)), docs).await;
    assert_eq!(asked, ["baseline-scheduler"]);
    assert_eq!(c.status, Status::Pass, "{c:?}");
}
