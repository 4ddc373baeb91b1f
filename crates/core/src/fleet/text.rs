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

/// `on`, `off`, or `unknown`; with the owner when known: `on · alice · 2h` (`alice?` when
/// `CloudTrail` hid the value of her user-data change).
pub fn dev_mode(row: &Row, now: Timestamp) -> String {
    dev_mode_forms(row, now).swap_remove(0)
}

/// The dev-mode cell, longest first: `on · alice · 2h`, `on · alice`, `on`. A narrow view
/// takes the first that fits.
pub fn dev_mode_forms(row: &Row, now: Timestamp) -> Vec<String> {
    let word = match &row.dev_mode {
        Ok(Mode::Dev) => "on",
        Ok(Mode::Run) => "off",
        Err(_) => "unknown",
    };
    match &row.owner {
        Some(o) => {
            let who = format!("{}{}", field(&o.who), if o.recorded { "" } else { "?" });
            vec![
                format!("{word} · {who} · {}", short_age(now.duration_since(o.since))),
                format!("{word} · {who}"),
                word.to_owned(),
            ]
        }
        None => vec![word.to_owned()],
    }
}

/// An age in its largest unit: `now`, `12m`, `2h`, `3d`.
pub fn short_age(d: jiff::SignedDuration) -> String {
    match d.as_secs() / 60 {
        ..1 => "now".into(),
        m @ 1..60 => format!("{m}m"),
        m @ 60..2880 => format!("{}h", m / 60),
        m => format!("{}d", m / 1440),
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
    if let Some(e) = &row.owner_unknown {
        v.push(format!("dev mode owner unknown: {e}"));
    }
    if let Err(e) = &row.last_run {
        v.push(format!("last run unknown: {e}"));
    }
    if let Err(e) = &row.next_fire {
        v.push(format!("next fire: {e}"));
    }
    v
}
