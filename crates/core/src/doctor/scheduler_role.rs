//! May the `EventBridge` Scheduler use its role? The role named by `schedule.role` (else the
//! Scheduler schedule's own role) must trust `scheduler.amazonaws.com` (`sts:AssumeRole`) and
//! allow `lambda:InvokeFunction` on the configured Lambda. Read from IAM (`GetRole`, the role's
//! attached and inline policies) and evaluated here.
//!
//! Required when the box's schedule is the Scheduler's (`schedule.kind = "scheduler"`); with
//! only `schedule.role` set (ready for `schedule move`) a problem is a warning; without either,
//! a skip. Never a pass without evidence: refused IAM reads make it "unknown" with the reason.

use std::time::Duration;

use super::advice::cloud_advice;
use super::policy::{Verdict, evaluate};
use super::roles::{DEMO_SCHEDULER_ROLE, RoleDocs, partition_and_account, role_name};
use super::trust::{trusted, trusts};
use super::{AWS_ENDPOINT, Check, DoctorProbes, Item, Status, within};
use crate::cloud::CloudError;
use crate::config::{Config, ScheduleKind};
use crate::schedule::rules::{Other, RuleInfo};

pub(super) const SCHEDULER_ROLE: Item = Item::new("schedule.scheduler_role", "Scheduler role", true);

/// The service that assumes the role.
const SERVICE: &str = "scheduler.amazonaws.com";
/// What the role must allow on the Lambda.
const INVOKE: &str = "lambda:InvokeFunction";
/// The IAM reads this check needs, for the hint when one is refused.
const IAM_READS: &str = "iam:GetRole, iam:ListAttachedRolePolicies, iam:GetPolicy, iam:GetPolicyVersion, \
                         iam:ListRolePolicies and iam:GetRolePolicy";

/// The role to check, where its name came from, and how much a problem counts.
struct Subject {
    arn: String,
    from: &'static str,
    required: bool,
    /// The role the Scheduler schedule itself names, when it differs from `arn`.
    schedule_uses: Option<String>,
}

impl Subject {
    fn item(&self) -> Item {
        SCHEDULER_ROLE.required(self.required)
    }

    /// A failure when the check is required, else a warning.
    fn problem(&self, detail: String, hint: String) -> Check {
        let status = if self.required { Status::Fail } else { Status::Warn };
        self.item().check(status, detail, Some(hint))
    }
}

/// The Scheduler schedule's own role: the box's schedule's, or the one beside the rule.
fn schedule_role(info: Option<&RuleInfo>) -> Option<&str> {
    let info = info?;
    let facts = match (&info.scheduler, &info.other) {
        (Some(facts), _) => facts,
        (None, Other::Found(other)) => other.scheduler.as_ref()?,
        _ => return None,
    };
    facts.role.as_deref()
}

/// Which role to check, or the skip (or failure) saying why there is none.
fn subject(cfg: &Config, info: Option<&RuleInfo>) -> Result<Subject, Check> {
    let required = cfg.scheduler.kind == ScheduleKind::Scheduler;
    let in_use = schedule_role(info);
    let (arn, from) = match (&cfg.scheduler.role, in_use) {
        (Some(arn), _) => (arn.clone(), "schedule.role"),
        (None, Some(arn)) => (arn.to_owned(), "the Scheduler schedule's role"),
        (None, None) if cfg.demo => (DEMO_SCHEDULER_ROLE.to_owned(), "the demo's Scheduler role"),
        (None, None) => {
            let set = "set schedule.role under [schedule] to the role the Scheduler assumes to invoke the Lambda \
                       (it must trust scheduler.amazonaws.com and allow lambda:InvokeFunction)";
            let item = SCHEDULER_ROLE.required(required);
            return Err(match (required, info.is_some()) {
                (false, _) => item.skip("no Scheduler in use and schedule.role is not set", None),
                (true, false) => {
                    item.skip("the schedule could not be read and schedule.role is not set", None)
                }
                (true, true) => item.fail((
                    "schedule.role is not set and the Scheduler schedule names no role".into(),
                    Some(set.into()),
                )),
            });
        }
    };
    let schedule_uses = in_use.filter(|used| *used != arn).map(str::to_owned);
    Ok(Subject { arn, from, required, schedule_uses })
}

/// Checks the Scheduler's role after the schedule was read (`info`, `None` when it could not
/// be), within `limit`.
pub(super) async fn scheduler_role_check(
    probes: &dyn DoctorProbes,
    cfg: &Config,
    info: Option<&RuleInfo>,
    limit: Duration,
) -> Check {
    let who = match subject(cfg, info) {
        Ok(who) => who,
        Err(check) => return check,
    };
    let name = role_name(&who.arn);
    let Some(found) = within(limit, probes.role(name)).await else {
        return who.item().timed_out(limit, AWS_ENDPOINT);
    };
    let check = match found {
        Ok(role) => judge(cfg, &who, &role),
        Err(e) => read_failed(cfg, &who, &e),
    };
    match (&who.schedule_uses, check.status) {
        (Some(used), Status::Pass) => Check {
            status: Status::Warn,
            detail: format!("{}; but the Scheduler schedule uses {used}", check.detail),
            hint: Some(format!(
                "set schedule.role to {used}, or give the schedule {} (`schedule move --undo`, then `schedule move`)",
                who.arn
            )),
            ..check
        },
        _ => check,
    }
}

/// The function ARN the role must be allowed to invoke, in the role's partition and account.
fn function_arn(cfg: &Config, role_arn: &str) -> String {
    let (partition, account) = partition_and_account(role_arn).unwrap_or(("aws", "ACCOUNT"));
    format!("arn:{partition}:lambda:{}:{account}:function:{}", cfg.region, cfg.lambda_name)
}

/// The trust policy the role needs, with the condition AWS documents.
fn trust_document(account: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Service":"{SERVICE}"}},"Action":"sts:AssumeRole","Condition":{{"StringEquals":{{"aws:SourceAccount":"{account}"}}}}}}]}}"#
    )
}

/// `aws iam put-role-policy …` allowing the invoke.
fn put_invoke(cfg: &Config, name: &str, function: &str) -> String {
    format!(
        r#"`aws iam put-role-policy --role-name {name} --policy-name invoke-{lambda} --policy-document '{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"{INVOKE}","Resource":["{function}","{function}:*"]}}]}}'`"#,
        lambda = cfg.lambda_name
    )
}

fn account_of(arn: &str) -> &str {
    partition_and_account(arn).map_or("ACCOUNT", |(_, account)| account)
}

/// A failed read: a missing role is a problem with the commands that create it; a refused IAM
/// call is "unknown".
fn read_failed(cfg: &Config, who: &Subject, e: &CloudError) -> Check {
    let name = role_name(&who.arn);
    match e {
        CloudError::AccessDenied { action, .. } if action.starts_with("iam:") => who.item().check(
            Status::Warn,
            format!(
                "unknown: no {action} permission, so whether role {name} lets the Scheduler invoke {} is not known",
                cfg.lambda_name
            ),
            Some(format!("allow {IAM_READS} (statement DoctorReadsTheBoxRole in assets/iam-policy.json)")),
        ),
        CloudError::Missing(_) => who.problem(
            format!("IAM has no role {name} ({}): the Scheduler cannot invoke {}", who.from, cfg.lambda_name),
            format!(
                "create it: `aws iam create-role --role-name {name} --assume-role-policy-document '{}'`, then {}",
                trust_document(account_of(&who.arn)),
                put_invoke(cfg, name, &function_arn(cfg, &who.arn))
            ),
        ),
        e => {
            let (detail, hint) = cloud_advice(e);
            who.item().check(if who.required { Status::Fail } else { Status::Warn }, detail, hint)
        }
    }
}

/// What the role's trust policy and policies say.
fn judge(cfg: &Config, who: &Subject, role: &RoleDocs) -> Check {
    let name = role_name(&who.arn);
    let account = account_of(&role.arn);
    let function = function_arn(cfg, &role.arn);
    let lambda = &cfg.lambda_name;
    let (mut problems, mut fixes, mut doubts) = (Vec::new(), Vec::new(), Vec::new());
    let retrust = format!(
        "`aws iam update-assume-role-policy --role-name {name} --policy-document '{}'`",
        trust_document(account)
    );
    match trusts(&role.trust, SERVICE, account) {
        Verdict::Allowed { .. } => {}
        Verdict::Denied { .. } => {
            problems.push(format!("its trust policy denies {SERVICE} sts:AssumeRole"));
            fixes.push(retrust);
        }
        Verdict::NotCovered => {
            let others = trusted(&role.trust);
            let instead =
                if others.is_empty() { String::new() } else { format!(" (it trusts {})", others.join(", ")) };
            problems.push(format!("it does not trust {SERVICE}{instead}"));
            fixes.push(retrust);
        }
        Verdict::Uncertain { why } => doubts.push(why),
    }
    let allowed_by = match evaluate(&role.permissions.policies, INVOKE, &function) {
        Verdict::Allowed { by } => Some(by),
        Verdict::Denied { by } => {
            problems.push(format!("{INVOKE} on {lambda} is denied by {by}"));
            fixes.push(format!("an explicit Deny wins over any Allow: narrow the Deny in {by}"));
            None
        }
        Verdict::NotCovered => {
            problems.push(format!("no policy allows {INVOKE} on {function}"));
            fixes.push(put_invoke(cfg, name, &function));
            None
        }
        Verdict::Uncertain { why } => {
            doubts.push(why);
            None
        }
    };
    let role_label = format!("role {name}");
    if !problems.is_empty() {
        return who.problem(format!("{role_label}: {}", problems.join("; ")), fixes.join("; then "));
    }
    if !doubts.is_empty() {
        return who.item().check(
            Status::Warn,
            format!("{role_label}: unknown whether the Scheduler may use it: {}", doubts.join("; ")),
            Some(format!("check the role by hand: it needs {SERVICE} trusted and {INVOKE} on {function}")),
        );
    }
    let by = allowed_by.unwrap_or_default();
    if let Some(boundary) = &role.permissions.boundary {
        return who.item().check(
            Status::Warn,
            format!("{role_label} trusts {SERVICE} and allows {INVOKE} ({by}), but a permissions boundary also applies"),
            Some(format!("check that the boundary {boundary} allows {INVOKE} on {function} too")),
        );
    }
    who.item().pass(format!(
        "{role_label} trusts {SERVICE} and may invoke {lambda}: {INVOKE} allowed by {by} (organization SCPs not seen)"
    ))
}

#[cfg(test)]
#[path = "scheduler_role_tests.rs"]
mod tests;
