//! `schedule move`: the plan that turns the box's `EventBridge` rule (cron in UTC) into an
//! `EventBridge` Scheduler schedule at the lab's own time and zone, with the same day fields and
//! the same Lambda. Pure: the reading and the writing are the caller's.

use std::fmt::Write as _;

use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::rules::RuleInfo;
use super::rules::scheduler::NewSchedule;
use super::{FireTime, Schedule, named_zone, upcoming_fires};

/// How many fires the side-by-side comparison lists.
pub const COMPARED_FIRES: usize = 5;

/// A time of day in a zone, as `--at "09:00 America/New_York"` writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct At {
    /// Hour, 0-23.
    pub hour: u8,
    /// Minute, 0-59.
    pub minute: u8,
    /// IANA zone name.
    pub zone: String,
}

impl At {
    /// Parses `HH:MM ZONE` (`9:00 Europe/Berlin`, `09:30 America/New_York`).
    pub fn parse(text: &str) -> Result<At, String> {
        let usage = || format!("`{text}` is not a time and a zone, like \"09:00 America/New_York\"");
        let (clock, zone) = text.trim().split_once(char::is_whitespace).ok_or_else(usage)?;
        let (h, m) = clock.split_once(':').ok_or_else(usage)?;
        let hour: u8 = h.parse().ok().filter(|h| *h < 24).ok_or_else(usage)?;
        let minute: u8 = m.parse().ok().filter(|v| *v < 60 && m.len() == 2).ok_or_else(usage)?;
        let zone = zone.trim().to_string();
        named_zone(&zone)?;
        Ok(At { hour, minute, zone })
    }

    /// The zone.
    pub fn tz(&self) -> Result<TimeZone, String> {
        named_zone(&self.zone)
    }
}

/// What `schedule move` will create: the new schedule, and the rule's expression it replaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MovePlan {
    /// The schedule to create.
    pub new: NewSchedule,
    /// The new schedule parsed, in its zone (for its next fires).
    pub schedule: Schedule,
}

/// The plan for moving `rule` to a Scheduler schedule at `at`: the rule's day-of-month, month,
/// day-of-week and year fields as written, the hour and minute of `at`, read in `at`'s zone;
/// the target is the rule's Lambda target (the one named `lambda_name` when there are several);
/// `role_arn` is the role the Scheduler assumes to invoke it.
pub fn plan(rule: &RuleInfo, at: &At, lambda_name: &str, role_arn: Option<&str>) -> Result<MovePlan, String> {
    let Ok(Schedule::Cron(cron)) = &rule.schedule else {
        return Err(format!(
            "{} has no cron expression ({}): there is no weekday to keep",
            rule.what(),
            if rule.expression.is_empty() { "none" } else { &rule.expression }
        ));
    };
    let text = cron.to_string();
    let fields: Vec<&str> = text.trim_start_matches("cron(").trim_end_matches(')').split(' ').collect();
    let [_, _, dom, month, dow, year] = fields[..] else {
        return Err(format!("{}'s expression has not 6 fields", rule.what()));
    };
    let expression = format!("cron({} {} {dom} {month} {dow} {year})", at.minute, at.hour);
    let schedule = Schedule::parse(&expression).map_err(|e| e.to_string())?.in_zone(at.tz()?);
    let lambdas: Vec<&String> =
        rule.targets.iter().filter(|t| t.contains(":lambda:") && t.contains(":function:")).collect();
    let target = lambdas
        .iter()
        .find(|t| t.split(":function:").nth(1).is_some_and(|n| n.split(':').next() == Some(lambda_name)))
        .or(if lambdas.len() == 1 { lambdas.first() } else { None })
        .ok_or_else(|| {
            format!(
                "{} has no Lambda target named `{lambda_name}` to carry over (targets: {})",
                rule.what(),
                if rule.targets.is_empty() { "none".to_string() } else { rule.targets.join(", ") }
            )
        })?;
    let invoker = role_arn.ok_or_else(|| {
        "the Scheduler needs a role allowed to invoke the Lambda: set its ARN as `role` under [schedule] (`baseline-panel doctor` checks it)".to_string()
    })?;
    Ok(MovePlan {
        new: NewSchedule {
            expression,
            time_zone: at.zone.clone(),
            target: (*target).clone(),
            role: invoker.to_string(),
            description: format!("Moved from EventBridge rule {} by baseline-panel schedule move", rule.name),
        },
        schedule,
    })
}

/// Both schedules' next fires side by side (the rule's now, the new schedule's after the
/// move), in UTC and in `zone`, the new schedule's; a daylight-saving change of the new one is
/// marked under its fire. The first column is `column` characters wide. The CLI and the
/// panel's dialog both show these lines.
pub fn side_by_side(
    rule: &RuleInfo,
    new: &Schedule,
    zone: &TimeZone,
    now: Timestamp,
    column: usize,
) -> Vec<String> {
    let old =
        rule.schedule.as_ref().map(|s| upcoming_fires(s, now, zone, COMPARED_FIRES)).unwrap_or_default();
    let new = upcoming_fires(new, now, zone, COMPARED_FIRES);
    let mut lines =
        vec![format!("{:<column$} after: Scheduler schedule", format!("now: rule {} (UTC)", rule.name))];
    let cell = |f: Option<&FireTime>| {
        f.map_or(String::new(), |f| {
            format!("{} = {}", f.utc.get(4..).unwrap_or(&f.utc), short_local(&f.local))
        })
    };
    for i in 0..old.len().max(new.len()) {
        lines.push(format!("{:<column$} {}", cell(old.get(i)), cell(new.get(i))));
        if let Some(change) = new.get(i).and_then(|f| f.change.as_ref()) {
            let mut l = String::new();
            let _ = write!(l, "{:<column$} ~ {change}", "");
            lines.push(l);
        }
    }
    lines
}

/// `Mon 2026-11-30 04:00 EST` → `04:00 EST`.
fn short_local(local: &str) -> &str {
    local.splitn(3, ' ').nth(2).unwrap_or(local)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::rules::demo::DemoRules;

    const ROLE: &str = "arn:aws:iam::123456789012:role/baseline-scheduler";

    #[test]
    fn at_reads_a_time_and_a_zone() {
        let at = At::parse("09:00 America/New_York").unwrap();
        assert_eq!((at.hour, at.minute, at.zone.as_str()), (9, 0, "America/New_York"));
        assert_eq!(At::parse(" 7:30  Europe/Berlin ").unwrap().minute, 30);
        for bad in ["09:00", "9am America/New_York", "25:00 UTC", "09:60 UTC", "09:00 Mars/Base"] {
            assert!(At::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_lab_rule_moves_to_nine_in_new_york_with_its_lambda() {
        let rule = DemoRules::lab().info();
        let p =
            plan(&rule, &At::parse("09:00 America/New_York").unwrap(), "start-baseline-instance", Some(ROLE))
                .unwrap();
        assert_eq!(p.new.expression, "cron(0 9 ? * MON *)");
        assert_eq!(p.new.time_zone, "America/New_York");
        assert!(p.new.target.ends_with(":function:start-baseline-instance"));
        assert_eq!(p.new.role, ROLE);
        let first = p.schedule.next_after("2026-11-24T00:00:00Z".parse().unwrap()).unwrap();
        assert_eq!(first.to_string(), "2026-11-30T14:00:00Z", "09:00 EST");
    }

    #[test]
    fn without_a_role_or_a_lambda_or_a_cron_it_refuses() {
        let rule = DemoRules::lab().info();
        let at = At::parse("09:00 America/New_York").unwrap();
        assert!(
            plan(&rule, &at, "start-baseline-instance", None)
                .unwrap_err()
                .contains("`role` under [schedule]")
        );
        let mut other = rule.clone();
        other.targets = vec!["arn:aws:sns:us-east-1:1:topic".into()];
        assert!(
            plan(&other, &at, "start-baseline-instance", Some(ROLE))
                .unwrap_err()
                .contains("no Lambda target")
        );
        let mut rate = rule;
        rate.expression = "rate(7 days)".into();
        rate.schedule = RuleInfo::parse_expression("rate(7 days)");
        assert!(plan(&rate, &at, "x", Some(ROLE)).unwrap_err().contains("no weekday to keep"));
    }
}
