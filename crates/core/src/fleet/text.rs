//! A row's cells in words, shared by the fleet view and `status --all` so both say the same.

use std::fmt::Write as _;

use jiff::Timestamp;

use super::{LastRun, Row};
use crate::sanitize::field;
use crate::timefmt::human_duration;
use crate::userdata::Mode;

/// `stopped`, `running`, `3 running` (several instances), `no instance`.
pub fn state(row: &Row) -> String {
    match row.state {
        None => "no instance".into(),
        Some(s) if row.instances > 1 => format!("{s} (+{})", row.instances - 1),
        Some(s) => s.to_string(),
    }
}

/// `on`, `off`, or `unknown`; with the owner when known: `on (ana)`.
pub fn dev_mode(row: &Row) -> String {
    let word = match &row.dev_mode {
        Ok(Mode::Dev) => "on",
        Ok(Mode::Run) => "off",
        Err(_) => "unknown",
    };
    match &row.owner {
        Some(o) => format!("{word} ({})", field(o)),
        None => word.to_owned(),
    }
}

/// `succeeded 1h38m`, `in progress 12m`, `unknown` (the reason is in the JSON and the panel's
/// message line).
pub fn last_run(row: &Row) -> String {
    match &row.last_run {
        Ok(r) => run_words(r),
        Err(_) => "unknown".to_owned(),
    }
}

fn run_words(r: &LastRun) -> String {
    let mut s = r.outcome.label().to_owned();
    if let Some(d) = r.duration {
        let _ = write!(s, " {}", human_duration(d));
    }
    s
}

/// `Mon 09:00 UTC (in 4d03h)`, or `none (rule disabled)` / `unknown`.
pub fn next_fire(row: &Row, now: Timestamp) -> String {
    match &row.next_fire {
        Ok(at) if *at > now => {
            format!("{} (in {})", at.strftime("%a %H:%M UTC"), human_duration(at.duration_since(now)))
        }
        Ok(at) => format!("{} (now)", at.strftime("%a %H:%M UTC")),
        Err(why) if why.contains("DISABLED") => "none (rule disabled)".to_owned(),
        Err(_) => "unknown".to_owned(),
    }
}

/// `dev mode before fire, stuck`, or empty.
pub fn alarms(row: &Row) -> String {
    row.alarms.iter().map(super::Alarm::short).collect::<Vec<_>>().join(", ")
}

/// Why a cell says `unknown`, one reason per cell, for the line under the table.
pub fn unknowns(row: &Row) -> Vec<String> {
    let mut v = Vec::new();
    if let Err(e) = &row.dev_mode {
        v.push(format!("dev mode unknown: {e}"));
    }
    if let Err(e) = &row.last_run {
        v.push(format!("last run unknown: {e}"));
    }
    if let Err(e) = &row.next_fire {
        v.push(format!("next fire: {e}"));
    }
    v
}
