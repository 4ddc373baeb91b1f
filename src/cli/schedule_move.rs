//! `baseline-panel schedule move --to-scheduler --at "09:00 America/New_York" [--yes]` and
//! `schedule move --undo [--yes]`.
//!
//! The move creates an `EventBridge` Scheduler schedule with the rule's weekdays at the lab's
//! time and zone and the rule's Lambda, shows both schedules' next fires side by side, asks,
//! and only then creates the schedule and disables the rule. The undo enables the rule first
//! and then deletes the schedule (deleted rather than disabled: the rule is the box's schedule
//! again, and a second `move` can create the schedule afresh). Each step that is not answered
//! says it may have been applied and how to check.

use std::fmt::Write as _;

use clap::Args;
use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::Failure;
use super::confirm::{REFUSED, confirm, refuse_if_read_only};
use crate::backends::Backends;
use crate::cloud::CloudError;
use crate::config::Config;
use crate::sanitize::field;
use crate::schedule::moving::{self, At, plan};
use crate::schedule::rules::RuleInfo;
use crate::schedule::{RuleState, Schedule};

/// Exit code when a write got no answer: it may have been applied.
const MAY_BE_APPLIED: i32 = 8;

/// What creating a schedule needs beside `scheduler:CreateSchedule`: passing the role.
const PASS_ROLE: &str = "iam:PassRole";

/// `schedule move` arguments.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("direction").required(true).args(["to_scheduler", "undo"])))]
pub struct MoveArgs {
    /// Create an `EventBridge` Scheduler schedule (same weekdays, same Lambda) at --at, then
    /// disable the rule.
    #[arg(long, requires = "at")]
    pub to_scheduler: bool,
    /// The lab's time and zone, e.g. `09:00 America/New_York`.
    #[arg(long, value_name = "HH:MM ZONE")]
    pub at: Option<String>,
    /// Go back: enable the rule again and delete the Scheduler schedule.
    #[arg(long, conflicts_with_all = ["to_scheduler", "at"])]
    pub undo: bool,
    /// Do not ask for confirmation (required without a terminal).
    #[arg(long, short = 'y')]
    pub yes: bool,
}

/// Runs `schedule move`.
pub async fn run(args: &MoveArgs, cfg: &Config, b: &Backends) -> Result<(), Failure> {
    refuse_if_read_only(cfg.read_only, "moving the schedule")?;
    if args.undo {
        undo(cfg, b, args.yes).await
    } else {
        let at = args.at.as_deref().unwrap_or_default();
        let at = At::parse(at).map_err(|message| Failure { code: 2, message })?;
        move_to_scheduler(cfg, b, &at, args.yes).await
    }
}

/// The check to run when a write got no answer.
fn check_hint(cfg: &Config) -> String {
    format!(
        "check with `baseline-panel schedule show`, or `aws scheduler get-schedule --name {} --group-name {}` and `aws events describe-rule --name {}`",
        cfg.scheduler.name, cfg.scheduler.group, cfg.rule_name
    )
}

/// A failed write: when it may have been carried out, says so and how to check (exit 8).
fn write_failed(e: CloudError, step: &str, cfg: &Config) -> Failure {
    if e.nothing_done() {
        return Failure::from(e);
    }
    Failure { code: MAY_BE_APPLIED, message: format!("{step} may be applied ({e}); {}", check_hint(cfg)) }
}

/// Both schedules' next fires side by side, in UTC and in the new schedule's zone.
pub fn side_by_side(rule: &RuleInfo, new: &Schedule, zone: &TimeZone, now: Timestamp) -> String {
    let mut s = String::new();
    for line in moving::side_by_side(rule, new, zone, now, 40) {
        let _ = writeln!(s, "  {line}");
    }
    s
}

async fn move_to_scheduler(cfg: &Config, b: &Backends, at: &At, yes: bool) -> Result<(), Failure> {
    let (rules, scheduler) = (&b.pair.rule, &b.pair.scheduler);
    let rule = rules.describe().await?;
    if scheduler.exists().await? {
        return Err(Failure {
            code: REFUSED,
            message: format!(
                "Scheduler schedule `{}/{}` already exists; nothing changed (`baseline-panel schedule move --undo` goes back to the rule)",
                scheduler.group(),
                cfg.scheduler.name
            ),
        });
    }
    let p = plan(&rule, at, &cfg.lambda_name, cfg.scheduler.role.as_deref())
        .map_err(|message| Failure { code: REFUSED, message })?;
    let zone = at.tz().map_err(|message| Failure { code: 2, message })?;
    println!(
        "Scheduler schedule `{}/{}`: {} in {}, target {}, role {}",
        field(scheduler.group()),
        field(&cfg.scheduler.name),
        p.new.expression,
        p.new.time_zone,
        field(&p.new.target),
        field(&p.new.role)
    );
    print!("{}", side_by_side(&rule, &p.schedule, &zone, Timestamp::now()));
    let question = format!(
        "Create Scheduler schedule `{}` ({} {}) and then disable {}?",
        cfg.scheduler.name,
        p.new.expression,
        p.new.time_zone,
        rule.what()
    );
    confirm(&question, "move the schedule", yes)?;
    let token = format!("baseline-panel-move-{}", Timestamp::now().as_second());
    scheduler.create(&p.new, &token).await.map_err(|e| {
        let denied = matches!(e, CloudError::AccessDenied { .. });
        let mut f = write_failed(e, "creating the Scheduler schedule", cfg);
        if denied {
            let _ = write!(f.message, " (creating a schedule also needs {PASS_ROLE} on {})", p.new.role);
        }
        f
    })?;
    println!(
        "Created Scheduler schedule `{}/{}` (ENABLED).",
        field(scheduler.group()),
        field(&cfg.scheduler.name)
    );
    if rule.state.fires() {
        if let Err(e) = rules.set_enabled(false, false).await {
            eprintln!(
                "warning: two enabled schedules start this box now: {} and the new Scheduler schedule; disable one (`baseline-panel schedule move --undo`)",
                field(&rule.what())
            );
            return Err(write_failed(e, "disabling the rule", cfg));
        }
        println!("Disabled {}.", field(&rule.what()));
    }
    println!(
        "The box now starts on `{}` {}. Set `kind = \"scheduler\"` under [schedule] to make it the box's schedule for `S` and `schedule enable|disable`.",
        p.new.expression, p.new.time_zone
    );
    Ok(())
}

async fn undo(cfg: &Config, b: &Backends, yes: bool) -> Result<(), Failure> {
    let (rules, scheduler) = (&b.pair.rule, &b.pair.scheduler);
    let rule = rules.describe().await?;
    let exists = scheduler.exists().await?;
    if !exists && rule.state == RuleState::Enabled {
        println!(
            "{} is ENABLED and there is no Scheduler schedule `{}`; nothing to do.",
            field(&rule.what()),
            field(&cfg.scheduler.name)
        );
        return Ok(());
    }
    let mut steps = Vec::new();
    if rule.state != RuleState::Enabled {
        steps.push(format!("enable {}", rule.what()));
    }
    if exists {
        steps.push(format!("delete Scheduler schedule `{}/{}`", scheduler.group(), cfg.scheduler.name));
    }
    confirm(&format!("Undo the move: {}?", steps.join(", then ")), "undo the move", yes)?;
    if rule.state != RuleState::Enabled {
        rules.set_enabled(true, false).await.map_err(|e| write_failed(e, "enabling the rule", cfg))?;
        println!("Enabled {}.", field(&rule.what()));
    }
    if exists {
        if let Err(e) = scheduler.delete().await {
            eprintln!(
                "warning: two enabled schedules may start this box now: {} and Scheduler schedule `{}`; delete or disable the schedule",
                field(&rule.what()),
                field(&cfg.scheduler.name)
            );
            return Err(write_failed(e, "deleting the Scheduler schedule", cfg));
        }
        println!("Deleted Scheduler schedule `{}/{}`.", field(scheduler.group()), field(&cfg.scheduler.name));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::rules::DemoRules;

    #[test]
    fn side_by_side_lists_both_and_marks_the_change() {
        let rule = DemoRules::lab().info();
        let ny = crate::schedule::named_zone("America/New_York").unwrap();
        let new = Schedule::parse("cron(0 9 ? * MON *)").unwrap().in_zone(ny.clone());
        let text = side_by_side(&rule, &new, &ny, "2026-02-20T00:00:00Z".parse().unwrap());
        assert!(text.contains("2026-02-23 09:00 UTC = 04:00 EST"), "{text}");
        assert!(text.contains("2026-02-23 14:00 UTC = 09:00 EST"), "{text}");
        assert!(text.contains("2026-03-09 09:00 UTC = 05:00 EDT"), "{text}");
        assert!(text.contains("2026-03-09 13:00 UTC = 09:00 EDT"), "{text}");
        assert!(text.contains("~ from 8 Mar: 09:00 EDT = 13:00 UTC"), "{text}");
    }
}
