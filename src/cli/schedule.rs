//! `baseline-panel schedule show [--json] | enable [--yes] | disable [--yes]`.

use std::fmt::Write as _;
use std::io::Write;

use clap::Subcommand;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Serialize;

use super::Failure;
use super::confirm::{confirm, refuse_if_read_only};
use crate::backends::Backends;
use crate::cloud::error::split_hint;
use crate::cloud::{Cloud, CloudError};
use crate::config::Config;
use crate::sanitize::field;
use crate::schedule::rules::{LAST_FIRED_LOOKBACK, LastFired, RuleInfo};
use crate::schedule::{DEFAULT_ALARM_WINDOW, FireTime, RuleState, Rules, ScheduleView, fire_time};
use crate::timefmt::human_duration;
use crate::userdata::{Mode, ScriptLine, inspect};

/// Version of the `schedule show --json` document; bumped only on incompatible changes.
pub const SCHEMA: u32 = 1;

/// `schedule` subcommands.
#[derive(Debug, Subcommand)]
pub enum ScheduleCommand {
    /// Show the rule: state, expression, targets, next fires (UTC and local), last fired.
    Show {
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
    /// Enable the rule, so it starts the box on schedule again.
    Enable {
        /// Do not ask for confirmation (required without a terminal).
        #[arg(long, short = 'y')]
        yes: bool,
    },
    /// Disable the rule: no scheduled run until it is enabled again.
    Disable {
        /// Do not ask for confirmation (required without a terminal).
        #[arg(long, short = 'y')]
        yes: bool,
    },
    /// Move the rule to an `EventBridge` Scheduler schedule at the lab's own time and zone (the
    /// same weekdays and Lambda), then disable the rule; or, with --undo, go back.
    Move(super::schedule_move::MoveArgs),
}

/// Runs a `schedule` subcommand.
pub async fn run(cmd: &ScheduleCommand, cfg: &Config, b: &Backends) -> Result<(), Failure> {
    let (cloud, rules) = (b.cloud.as_ref(), b.rules.as_ref());
    match cmd {
        ScheduleCommand::Show { json } => show(cfg, b, *json).await,
        ScheduleCommand::Enable { yes } => switch(cfg, cloud, rules, true, *yes).await,
        ScheduleCommand::Disable { yes } => switch(cfg, cloud, rules, false, *yes).await,
        ScheduleCommand::Move(args) => super::schedule_move::run(args, cfg, b).await,
    }
}

/// Whether booting any of the instances skips the script (dev mode), from their user data.
async fn dev_mode(cfg: &Config, cloud: &dyn Cloud) -> Result<bool, String> {
    let pattern = ScriptLine::new(cfg.script_pattern.clone()).map_err(|e| e.to_string())?;
    let list = cloud.instances().await.map_err(|e| e.to_string())?;
    let mut dev = false;
    for i in &list {
        let bytes = cloud.user_data(&i.id).await.map_err(|e| e.to_string())?;
        let found = inspect(&bytes, &pattern).map_err(|e| format!("{}: {e}", i.id))?;
        dev |= found.mode == Mode::Dev;
    }
    Ok(dev)
}

#[derive(Serialize)]
struct FireJson {
    at: String,
    utc: String,
    local: String,
    countdown: String,
    seconds: i64,
    /// A daylight-saving change since the fire before, e.g. `from 8 Mar: 05:00 EDT`.
    change: Option<String>,
}

fn fire_json(f: &FireTime, now: Timestamp) -> FireJson {
    FireJson {
        at: f.at.to_string(),
        utc: f.utc.clone(),
        local: f.local.clone(),
        countdown: f.countdown.clone(),
        seconds: f.at.duration_since(now).as_secs(),
        change: f.change.clone(),
    }
}

#[derive(Serialize)]
struct RuleJson<'a> {
    name: &'a str,
    arn: Option<&'a str>,
    state: &'a str,
    expression: &'a str,
    description: Option<&'a str>,
    targets: &'a [String],
    created_by: Option<&'a str>,
    /// `rule` or `scheduler`.
    kind: &'a str,
    /// Where the expression is evaluated: `UTC` or the Scheduler schedule's zone.
    time_zone: &'a str,
    /// The Scheduler schedule's group; `null` for a rule.
    group: Option<&'a str>,
    /// The role the Scheduler assumes; `null` for a rule.
    role: Option<&'a str>,
}

#[derive(Serialize)]
struct LastJson<'a> {
    at: String,
    detail: &'a str,
    seconds_ago: i64,
}

#[derive(Serialize)]
struct ShowJson<'a> {
    schema: u32,
    mode: &'a str,
    region: &'a str,
    checked_at: String,
    rule: RuleJson<'a>,
    exact: bool,
    next_fire: Option<FireJson>,
    upcoming: Vec<FireJson>,
    last_fired: Option<LastJson<'a>>,
    dev_mode: Option<bool>,
    dev_mode_alarm: Option<&'a str>,
    disabled_note: Option<&'a str>,
    schedule_problem: Option<&'a str>,
    name_note: Option<&'a str>,
    two_enabled: Option<&'a str>,
    shown_instead: Option<&'a str>,
    other_unknown: Option<&'a str>,
    warnings: Vec<String>,
}

async fn show(cfg: &Config, b: &Backends, json: bool) -> Result<(), Failure> {
    let (cloud, rules, mode) = (b.cloud.as_ref(), b.rules.as_ref(), &b.account);
    let info = rules.describe().await?;
    let mut warnings = Vec::new();
    let last = rules.last_fired().await;
    if let Err(e) = &last {
        warnings.push(format!("last fired unknown: {e}"));
    }
    let dev = dev_mode(cfg, cloud).await.map_err(|e| {
        warnings.push(format!("dev mode unknown, no alarm checked: {e}"));
    });
    let now = Timestamp::now();
    let tz = TimeZone::system();
    let view = ScheduleView::build(&info, now, &tz, dev == Ok(true), DEFAULT_ALARM_WINDOW);
    let mut out = std::io::stdout().lock();
    if json {
        let doc = ShowJson {
            schema: SCHEMA,
            mode: mode.name(),
            region: &cfg.region,
            checked_at: now.to_string(),
            rule: rule_json(info.shown()),
            exact: view.exact,
            next_fire: view.next.as_ref().map(|f| fire_json(f, now)),
            upcoming: view.upcoming.iter().map(|f| fire_json(f, now)).collect(),
            last_fired: last.as_ref().ok().and_then(Option::as_ref).map(|l| LastJson {
                at: l.at.to_string(),
                detail: &l.detail,
                seconds_ago: now.duration_since(l.at).as_secs(),
            }),
            dev_mode: dev.ok(),
            dev_mode_alarm: view.dev_mode_alarm.as_deref(),
            disabled_note: view.disabled_note.as_deref(),
            schedule_problem: view.problem.as_deref(),
            name_note: view.name_note.as_deref(),
            two_enabled: view.two_enabled.as_deref(),
            shown_instead: view.shown_instead.as_deref(),
            other_unknown: view.other_unknown.as_deref(),
            warnings,
        };
        crate::sanitize::write_json(&mut out, &doc)?;
        return Ok(());
    }
    for w in &warnings {
        eprintln!("warning: {}", field(w));
    }
    let lambda_group = format!("/aws/lambda/{}", cfg.lambda_name);
    let text = table(&info, &view, last.as_ref().map(Option::as_ref), dev.ok(), now, &tz, &lambda_group);
    write!(out, "{text}")?;
    Ok(())
}

fn rule_json(info: &RuleInfo) -> RuleJson<'_> {
    RuleJson {
        name: &info.name,
        arn: info.arn.as_deref(),
        state: info.state.as_str(),
        expression: &info.expression,
        description: info.description.as_deref(),
        targets: &info.targets,
        created_by: info.created_by.as_deref(),
        kind: if info.scheduler.is_some() { "scheduler" } else { "rule" },
        time_zone: info.zone_name(),
        group: info.scheduler.as_ref().map(|s| s.group.as_str()),
        role: info.scheduler.as_ref().and_then(|s| s.role.as_deref()),
    }
}

/// `Mon 2026-11-30 09:00 UTC | Mon 2026-11-30 04:00 EST | in 4d 03h 12m`; without the local
/// time when it reads as UTC (`Mon 2026-11-30 09:00 UTC | in 4d 03h 12m`).
fn fire_line(f: &FireTime) -> String {
    if f.local_is_utc {
        format!("{} | {}", f.utc, f.countdown)
    } else {
        format!("{} | {} | {}", f.utc, f.local, f.countdown)
    }
}

/// The human text of `schedule show`.
pub fn table(
    info: &RuleInfo,
    view: &ScheduleView,
    last: Result<Option<&LastFired>, &CloudError>,
    dev_mode: Option<bool>,
    now: Timestamp,
    tz: &TimeZone,
    lambda_group: &str,
) -> String {
    let info = info.shown();
    let mut s = String::new();
    let mut row = |k: &str, v: &str| {
        let _ = writeln!(s, "  {k:<12} {}", field(v));
    };
    match &info.scheduler {
        None => row("rule", &info.name),
        Some(sc) => row("schedule", &format!("{}/{} (EventBridge Scheduler)", sc.group, info.name)),
    }
    row("state", info.state.as_str());
    let expression = if info.expression.is_empty() {
        "none".to_string()
    } else {
        format!("{} (evaluated in {})", info.expression, info.zone_name())
    };
    row("expression", &expression);
    if let Some(d) = &info.description {
        row("description", d);
    }
    if info.targets.is_empty() {
        row("targets", "none: the rule starts nothing");
    }
    for (n, t) in info.targets.iter().enumerate() {
        row(if n == 0 { "targets" } else { "" }, t);
    }
    let estimate = if view.exact { "" } else { " (estimate)" };
    match &view.next {
        Some(f) => row("next fire", &format!("{}{estimate}", fire_line(f))),
        None if view.problem.is_none() => {
            row("next fire", &format!("none: the {} is {}", info.noun(), info.state));
        }
        None => row("next fire", "unknown"),
    }
    let label = if view.next.is_some() { "upcoming" } else { "would fire" };
    for (n, f) in view.upcoming.iter().enumerate() {
        if let Some(change) = &f.change {
            row("", &format!("~ daylight saving: {change}"));
        }
        row(if n == 0 { label } else { "" }, &format!("{}{estimate}", fire_line(f)));
    }
    match last {
        Ok(Some(l)) => {
            row("last fired", &fire_line(&fire_time(l.at, now, tz)));
            row("", &l.detail);
        }
        Ok(None) => row(
            "last fired",
            &format!("not in the last {} ({lambda_group})", human_duration(LAST_FIRED_LOOKBACK)),
        ),
        // The warning above says what to do; here, what is known.
        Err(e) => row("last fired", &format!("unknown: {}", split_hint(&e.to_string()).0)),
    }
    let dev = match dev_mode {
        Some(true) => "on: booting skips the script",
        Some(false) => "off: booting runs the script",
        None => "unknown",
    };
    row("dev mode", dev);
    for note in view.notes() {
        let _ = writeln!(s, "  ! {note}");
    }
    s
}

async fn switch(
    cfg: &Config,
    cloud: &dyn Cloud,
    rules: &dyn Rules,
    enable: bool,
    yes: bool,
) -> Result<(), Failure> {
    let verb = if enable { "enable" } else { "disable" };
    let noun = rules.noun();
    let what = format!("{verb} {noun} `{}`", rules.rule_name());
    refuse_if_read_only(cfg.read_only, &format!("changing {noun} `{}`", rules.rule_name()))?;
    let info = rules.describe().await?;
    let title = if info.scheduler.is_some() { "Schedule" } else { "Rule" };
    let wanted = if enable { RuleState::Enabled } else { RuleState::Disabled };
    if info.state == wanted {
        println!("{title} `{}` is already {wanted}; nothing to do.", field(&info.name));
        return Ok(());
    }
    let question = if enable {
        let view =
            ScheduleView::build(&info, Timestamp::now(), &TimeZone::system(), false, DEFAULT_ALARM_WINDOW);
        let next = view.upcoming.first().map_or(String::new(), |f| {
            format!(" It next fires {} ({}) and starts the box.", f.utc, f.countdown)
        });
        let twice = info
            .other_firing()
            .map_or(String::new(), |o| format!(" {} is enabled too: the box would start twice.", o.what()));
        format!("Enable {} ({})?{next}{twice}", info.what(), info.expression)
    } else {
        format!(
            "Disable {} ({})? The box will not start on schedule until it is enabled again.",
            info.what(),
            info.expression
        )
    };
    confirm(&question, &what, yes)?;
    rules.set_enabled(enable, false).await?;
    let after = rules.describe().await?;
    println!("{title} `{}` is now {}.", field(&after.name), after.state);
    if enable {
        // The change that matters most right after enabling: a near run that would skip the script.
        if let Ok(dev) = dev_mode(cfg, cloud).await {
            let view =
                ScheduleView::build(&after, Timestamp::now(), &TimeZone::system(), dev, DEFAULT_ALARM_WINDOW);
            if let Some(alarm) = view.dev_mode_alarm {
                eprintln!("warning: {alarm}");
            }
        }
    } else {
        println!("No scheduled run until `baseline-panel schedule enable`.");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::rules::RuleInfo;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn info(expression: &str, state: RuleState) -> RuleInfo {
        RuleInfo {
            name: "MondayMorning9aEST".into(),
            arn: None,
            state,
            expression: expression.into(),
            schedule: RuleInfo::parse_expression(expression),
            description: None,
            targets: vec![],
            created_by: None,
            scheduler: None,
            other: crate::schedule::rules::Other::NotRead,
        }
    }

    fn text(info: &RuleInfo, last: Option<&LastFired>, dev: Option<bool>) -> String {
        let now = ts("2026-11-25T12:00:00Z");
        let tz = TimeZone::UTC;
        let view = ScheduleView::build(info, now, &tz, dev == Some(true), DEFAULT_ALARM_WINDOW);
        table(info, &view, Ok(last), dev, now, &tz, "/aws/lambda/f")
    }

    #[test]
    fn disabled_rule_lists_what_it_would_do() {
        let t = text(&info("cron(0 9 ? * MON *)", RuleState::Disabled), None, None);
        assert!(t.contains("  state        DISABLED\n"), "{t}");
        assert!(t.contains("  targets      none: the rule starts nothing\n"), "{t}");
        assert!(t.contains("  next fire    none: the rule is DISABLED\n"), "{t}");
        assert!(t.contains("  would fire   Mon 2026-11-30 09:00 UTC | in 4d 21h 00m\n"), "{t}");
        assert!(t.contains("  last fired   not in the last 8d (/aws/lambda/f)\n"), "{t}");
        assert!(t.contains("  dev mode     unknown\n"), "{t}");
        assert!(t.contains("  ! The rule is DISABLED: no Monday run until it is enabled again.\n"), "{t}");
    }

    #[test]
    fn the_local_time_shows_where_it_differs_from_utc() {
        let now = ts("2026-11-25T12:00:00Z");
        let ny = TimeZone::get("America/New_York").unwrap();
        let rule = info("cron(0 9 ? * MON *)", RuleState::Enabled);
        let view = ScheduleView::build(&rule, now, &ny, false, DEFAULT_ALARM_WINDOW);
        let t = table(&rule, &view, Ok(None), None, now, &ny, "/aws/lambda/f");
        assert!(
            t.contains(
                "  next fire    Mon 2026-11-30 09:00 UTC | Mon 2026-11-30 04:00 EST | in 4d 21h 00m\n"
            ),
            "{t}"
        );
    }

    #[test]
    fn a_missing_lambda_log_group_is_said_not_taken_for_no_fire() {
        let now = ts("2026-11-25T12:00:00Z");
        let tz = TimeZone::UTC;
        let rule = info("cron(0 9 ? * MON *)", RuleState::Enabled);
        let view = ScheduleView::build(&rule, now, &tz, false, DEFAULT_ALARM_WINDOW);
        let missing = crate::cloud::CloudError::Missing(crate::logs::missing_group_message(
            crate::logs::Source::Scheduler,
            "/aws/lambda/f",
            "`lambda` under [boxes.flu]",
        ));
        let t = table(&rule, &view, Err(&missing), None, now, &tz, "/aws/lambda/f");
        assert!(t.contains("  last fired   unknown: log group `/aws/lambda/f` does not exist\n"), "{t}");
        assert!(!t.contains("not in the last"), "{t}");
    }

    #[test]
    fn rate_rule_marks_estimates_and_shows_the_last_fire() {
        let last = LastFired {
            at: ts("2026-11-25T11:00:00Z"),
            detail: "START RequestId: abc Version: $LATEST".into(),
        };
        let t = text(&info("rate(1 hour)", RuleState::Enabled), Some(&last), Some(false));
        assert!(t.contains("  next fire    Wed 2026-11-25 13:00 UTC | in 1h 00m (estimate)\n"), "{t}");
        assert!(
            t.contains("  last fired   Wed 2026-11-25 11:00 UTC | 1h 00m ago\n               START RequestId: abc Version: $LATEST\n"),
            "{t}"
        );
        assert!(t.contains("  dev mode     off: booting runs the script\n"), "{t}");
        assert!(!t.contains("  !"), "no notes: {t}");
    }
}
