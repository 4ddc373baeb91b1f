//! `baseline-panel activity [--since 7d] [--json]`: who started, stopped and switched the box
//! and its schedule, from `CloudTrail`'s event history, newest first.

use std::fmt::Write as _;
use std::io::Write;

use jiff::Timestamp;

use super::Failure;
use crate::activity::json::FeedJson;
use crate::activity::{self, DEFAULT_SPAN, Event, Feed};
use crate::backends::Backends;
use crate::config::Config;
use crate::sanitize::field;
use crate::timefmt::{human_duration, utc};

/// The names `CloudTrail` is asked about: each matching instance's id, then the rule's name.
pub async fn names(cfg: &Config, b: &Backends) -> Result<Vec<String>, Failure> {
    let mut names: Vec<String> = b.cloud.instances().await?.into_iter().map(|i| i.id).collect();
    names.push(cfg.rule_name.clone());
    Ok(names)
}

/// Prints the feed.
pub async fn run(cfg: &Config, b: &Backends, json: bool, since: Option<&str>) -> Result<(), Failure> {
    let now = Timestamp::now();
    let from = match since {
        Some(s) => crate::logs::since::parse_since(s, now).map_err(|message| Failure { code: 2, message })?,
        None => now - DEFAULT_SPAN,
    };
    let names = names(cfg, b).await?;
    let feed = activity::read(b.activity.as_ref(), &names, from, now).await?;
    let mut out = std::io::stdout().lock();
    if json {
        crate::sanitize::write_json(&mut out, &FeedJson::from(&feed))?;
        return Ok(());
    }
    write!(out, "{}", table(&feed, now))?;
    Ok(())
}

/// The human table, one row per event, under the freshness note.
pub fn table(feed: &Feed, now: Timestamp) -> String {
    let mut s = format!("{}\n", activity::as_of_note(feed.as_of, &jiff::tz::TimeZone::system()));
    if feed.events.is_empty() {
        let span = human_duration(now.duration_since(feed.since));
        let _ = writeln!(s, "nothing done to the box or its schedule in the last {span}");
        return s;
    }
    let _ = writeln!(s, "{:<24} {:<26} {:<38} {:<14} target", "time (UTC)", "what", "who", "from");
    for e in &feed.events {
        let _ = writeln!(
            s,
            "{:<24} {:<26} {:<38} {:<14} {}{}",
            utc(e.at),
            e.what.label(),
            field(&e.who.label()),
            e.via.label(),
            field(&e.target),
            note(e)
        );
    }
    s
}

/// What a row adds: the refusal, or that the panel's own action is not in `CloudTrail` yet.
fn note(e: &Event) -> String {
    match (&e.error, e.pending) {
        (Some(code), _) => format!("  (refused: {}, nothing done)", field(code)),
        (None, true) => "  (done here; not in CloudTrail yet)".into(),
        (None, false) => String::new(),
    }
}
