//! The schedule's checks: the rule's state, that it invokes the configured Lambda, and that the
//! Lambda's log group (where "last fired" is read) exists. One `DescribeRule` +
//! `ListTargetsByRule` answers the first two; the Scheduler's role is checked once the schedule
//! (which may name it) is read.

use std::time::Duration;

use super::advice::cloud_advice;
use super::{AWS_ENDPOINT, Check, DoctorProbes, Item, Status, within};
use crate::config::Config;
use crate::logs::scheduler_group;
use crate::schedule::rules::RuleInfo;

pub(super) const RULE: Item = Item::new("schedule.rule", "Schedule rule", true);
pub(super) const TARGET: Item = Item::new("schedule.target", "Schedule target", true);
pub(super) const SCHEDULER_LOG: Item = Item::new("logs.scheduler", "Scheduler log group", false);

/// The Lambda function a target ARN names (`arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]`).
pub(super) fn function_name(target: &str) -> Option<&str> {
    let parts: Vec<&str> = target.split(':').collect();
    match parts.as_slice() {
        ["arn", _, "lambda", _, _, "function", name, ..] if !name.is_empty() => Some(name),
        _ => None,
    }
}

/// The config file's section that names the Lambda, for the hints.
fn lambda_section(cfg: &Config) -> String {
    if cfg.boxes.len() > 1 { format!("[boxes.{}]", cfg.box_name) } else { "[schedule]".into() }
}

/// The rule, its target, the Scheduler's role and the scheduler's log group, in that order.
pub(super) async fn schedule_checks(probes: &dyn DoctorProbes, cfg: &Config, limit: Duration) -> Vec<Check> {
    let group = scheduler_group(&cfg.lambda_name);
    let (rule, exists) =
        tokio::join!(within(limit, probes.rule()), within(limit, probes.log_group_exists(&group)));
    let (rule_check, target_check, info) = match rule {
        None => (RULE.timed_out(limit, AWS_ENDPOINT), TARGET.skip("the rule could not be read", None), None),
        Some(Err(e)) => (RULE.fail(cloud_advice(&e)), TARGET.skip("the rule could not be read", None), None),
        Some(Ok(info)) => (rule_state(&info), target(&info, cfg), Some(info)),
    };
    let log_check = match exists {
        None => SCHEDULER_LOG.timed_out(limit, AWS_ENDPOINT),
        Some(Ok(true)) => SCHEDULER_LOG.pass(format!("{group} exists")),
        Some(Ok(false)) => missing_log(cfg, &group, info.as_ref()),
        Some(Err(e)) => SCHEDULER_LOG.fail(cloud_advice(&e)),
    };
    let scheduler_role = super::scheduler_role::scheduler_role_check(probes, cfg, info.as_ref(), limit).await;
    vec![rule_check, target_check, scheduler_role, log_check]
}

fn rule_state(info: &RuleInfo) -> Check {
    let name = &info.name;
    if info.state.fires() {
        return RULE.pass(format!("{name} is {}", info.state));
    }
    RULE.check(
        Status::Warn,
        format!("{name} is {}: the weekly run will not start on its own", info.state),
        Some(format!("enable it when the weekly run should resume (`aws events enable-rule --name {name}`)")),
    )
}

/// `aws events put-targets …` for the configured Lambda, with the rule's region and account
/// when its ARN gives them.
fn put_targets(info: &RuleInfo, cfg: &Config) -> String {
    let parts: Vec<&str> = info.arn.as_deref().unwrap_or_default().split(':').collect();
    let (region, account) = match parts.as_slice() {
        ["arn", _, "events", region, account, ..] => ((*region).to_owned(), (*account).to_owned()),
        _ => (cfg.region.clone(), "ACCOUNT".to_owned()),
    };
    format!(
        "`aws events put-targets --rule {} --targets Id=1,Arn=arn:aws:lambda:{region}:{account}:function:{}`",
        info.name, cfg.lambda_name
    )
}

/// Does the rule invoke the configured Lambda?
fn target(info: &RuleInfo, cfg: &Config) -> Check {
    let (rule, lambda) = (&info.name, &cfg.lambda_name);
    let rule_arn = info.arn.as_deref().unwrap_or("RULE_ARN");
    let add = format!(
        "add the Lambda as its target: {} (EventBridge also needs permission to invoke it: \
         `aws lambda add-permission --function-name {lambda} --statement-id {rule}-invoke \
         --action lambda:InvokeFunction --principal events.amazonaws.com --source-arn {rule_arn}`)",
        put_targets(info, cfg)
    );
    if info.targets.is_empty() {
        return TARGET.fail((format!("{rule} has no target: it fires but starts nothing"), Some(add)));
    }
    let others = info.targets.iter().filter(|t| function_name(t) != Some(lambda.as_str())).count();
    if others < info.targets.len() {
        let more = match others {
            0 => String::new(),
            1 => " (and 1 other target)".into(),
            n => format!(" (and {n} other targets)"),
        };
        return TARGET.pass(format!("{rule} invokes the Lambda {lambda}{more}"));
    }
    let named: Vec<&str> = info.targets.iter().map(|t| function_name(t).unwrap_or(t)).collect();
    let hint = match info.targets.iter().find_map(|t| function_name(t)) {
        Some(first) => format!(
            "if {first} is the scheduler, set lambda = \"{first}\" under {} in the config file; otherwise {add}",
            lambda_section(cfg)
        ),
        None => add,
    };
    TARGET.fail((format!("{rule} invokes {}, not the Lambda {lambda}", named.join(", ")), Some(hint)))
}

/// The Lambda's log group is missing: it never ran, or it logs to another group.
fn missing_log(cfg: &Config, group: &str, info: Option<&RuleInfo>) -> Check {
    let lambda = &cfg.lambda_name;
    let invoked: Vec<&str> =
        info.map(|i| i.targets.iter().filter_map(|t| function_name(t)).collect()).unwrap_or_default();
    if let Some(other) = invoked.iter().find(|f| **f != lambda.as_str()) {
        return SCHEDULER_LOG.check(
            Status::Warn,
            format!("{group} does not exist: no Lambda named {lambda} has logged (the rule invokes {other})"),
            Some(format!(
                "the panel reads \"last fired\" from /aws/lambda/{lambda}: if {other} is the scheduler, set \
                 lambda = \"{other}\" under {} in the config file",
                lambda_section(cfg)
            )),
        );
    }
    SCHEDULER_LOG.check(
        Status::Warn,
        format!(
            "{group} does not exist: the Lambda {lambda} has never run, or it logs to another group, \
             so \"last fired\" is unknown"
        ),
        Some(format!(
            "to tell which: `aws lambda get-function-configuration --function-name {lambda} --query \
             LoggingConfig.LogGroup` names the group it logs to; if that is {group}, it has not run \
             yet (wait for the rule's next fire, or `aws lambda invoke --function-name {lambda} out.json` \
             starts the box now)"
        )),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::rules::RuleState;

    fn info(targets: &[&str]) -> RuleInfo {
        RuleInfo {
            name: "MondayMorning9aEST".into(),
            arn: Some("arn:aws:events:us-east-1:111122223333:rule/MondayMorning9aEST".into()),
            state: RuleState::Enabled,
            expression: "cron(0 9 ? * MON *)".into(),
            schedule: RuleInfo::parse_expression("cron(0 9 ? * MON *)"),
            description: None,
            targets: targets.iter().map(|t| (*t).to_owned()).collect(),
            created_by: None,
            scheduler: None,
            other: crate::schedule::rules::Other::NotRead,
        }
    }

    const OURS: &str = "arn:aws:lambda:us-east-1:111122223333:function:start-baseline-instance";

    #[test]
    fn function_names_come_from_lambda_arns_only() {
        assert_eq!(function_name(OURS), Some("start-baseline-instance"));
        assert_eq!(function_name(&format!("{OURS}:prod")), Some("start-baseline-instance"));
        assert_eq!(function_name("arn:aws:sns:us-east-1:1:topic"), None);
        assert_eq!(function_name("target-1"), None);
    }

    #[test]
    fn a_rule_without_target_fails_with_the_command_that_adds_it() {
        let cfg = Config::builtin();
        let c = target(&info(&[]), &cfg);
        assert_eq!(c.status, Status::Fail);
        assert_eq!(c.detail, "MondayMorning9aEST has no target: it fires but starts nothing");
        assert!(
            c.hint.as_deref().unwrap().contains(
                "aws events put-targets --rule MondayMorning9aEST --targets Id=1,Arn=arn:aws:lambda:us-east-1:111122223333:function:start-baseline-instance"
            ),
            "{c:?}"
        );
    }

    #[test]
    fn another_function_fails_and_offers_both_ways_out() {
        let cfg = Config::builtin();
        let c = target(&info(&["arn:aws:lambda:us-east-1:111122223333:function:start-other"]), &cfg);
        assert_eq!(c.status, Status::Fail);
        assert_eq!(
            c.detail,
            "MondayMorning9aEST invokes start-other, not the Lambda start-baseline-instance"
        );
        let hint = c.hint.unwrap();
        assert!(
            hint.starts_with(
                "if start-other is the scheduler, set lambda = \"start-other\" under [schedule] in the config file; otherwise add"
            ),
            "{hint}"
        );
        let sns = target(&info(&["arn:aws:sns:us-east-1:1:topic"]), &cfg);
        assert_eq!(sns.status, Status::Fail);
        assert!(sns.hint.unwrap().starts_with("add the Lambda as its target"));
    }

    #[test]
    fn the_configured_function_passes_even_among_others() {
        let cfg = Config::builtin();
        let c = target(&info(&[OURS]), &cfg);
        assert_eq!(
            (c.status, c.detail.as_str()),
            (Status::Pass, "MondayMorning9aEST invokes the Lambda start-baseline-instance")
        );
        let c = target(&info(&["arn:aws:sns:us-east-1:1:topic", &format!("{OURS}:live")]), &cfg);
        assert_eq!(c.status, Status::Pass);
        assert!(c.detail.ends_with("(and 1 other target)"), "{c:?}");
    }

    #[test]
    fn a_missing_lambda_log_says_never_ran_or_elsewhere_and_names_another_target() {
        let cfg = Config::builtin();
        let c = missing_log(&cfg, "/aws/lambda/start-baseline-instance", Some(&info(&[OURS])));
        assert_eq!(c.status, Status::Warn);
        assert!(c.detail.contains("has never run, or it logs to another group"), "{c:?}");
        assert!(c.hint.unwrap().contains("LoggingConfig.LogGroup"));
        let other = info(&["arn:aws:lambda:us-east-1:1:function:start-other"]);
        let c = missing_log(&cfg, "/aws/lambda/start-baseline-instance", Some(&other));
        assert!(c.detail.ends_with("(the rule invokes start-other)"), "{c:?}");
    }
}
