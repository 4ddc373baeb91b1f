//! The timeline in words, shared by the panel, the banner and the CLI so they say the same.

use std::fmt::Write as _;

use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::entry::Eta;
use super::entry::{Entry, Kind};
use super::human_duration;

/// `succeeded after 1h38m`, `failing`, `in progress`, `dev session`: what the entry is and how it
/// went, in a few words.
pub fn headline(e: &Entry) -> String {
    let took = e.duration.map(|d| format!(" after {}", human_duration(d))).unwrap_or_default();
    match e.kind {
        Kind::DevSession => format!("dev session{took}"),
        Kind::Run => format!("{}{took}", e.outcome.label()),
    }
}

/// `succeeded after 1h38m — shut down by the run script; …`: the headline and the evidence.
pub fn summary(e: &Entry) -> String {
    format!("{} — {}", headline(e), e.evidence)
}

/// `running for 1h12m, last line 3m ago` while the box is up; `None` once it ended.
pub fn running_for(e: &Entry, now: Timestamp) -> Option<String> {
    if !e.outcome.is_live() {
        return None;
    }
    let up = human_duration(now.duration_since(e.started).max(jiff::SignedDuration::ZERO));
    let verb = if e.kind == Kind::DevSession { "up" } else { "running for" };
    Some(match e.last_line {
        Some(t) => format!(
            "{verb} {up}, last line {} ago",
            human_duration(now.duration_since(t).max(jiff::SignedDuration::ZERO))
        ),
        None => format!("{verb} {up}, no log line yet"),
    })
}

/// `10:41 UTC (05:41 EST)`: a time of day in UTC and, when it differs, in `tz`.
pub fn clock_pair(t: Timestamp, tz: &TimeZone) -> String {
    let utc = t.strftime("%H:%M UTC").to_string();
    let local = t.to_zoned(tz.clone());
    if local.offset() == jiff::tz::Offset::UTC {
        return utc;
    }
    format!("{utc} ({})", local.strftime("%H:%M %Z"))
}

/// `ETA 10:41 UTC (05:41 EST)`, or `ETA 10:41 UTC, overdue by 12m` once passed.
pub fn eta_text(eta: &Eta, now: Timestamp, tz: &TimeZone) -> String {
    let mut s = format!("ETA {}", clock_pair(eta.at, tz));
    if eta.at < now {
        let _ = write!(s, ", overdue by {}", human_duration(now.duration_since(eta.at)));
    }
    s
}

/// `12/58 · usual 1h37m · ETA 10:41 UTC (05:41 EST)`: progress and ETA of a run while the box
/// is up, when there is any.
pub fn progress_text(e: &Entry, now: Timestamp, tz: &TimeZone) -> Option<String> {
    if !e.outcome.is_live() {
        return None;
    }
    let mut parts = Vec::new();
    if let Some(p) = e.progress {
        parts.push(format!("{}/{}", p.done, p.total));
    }
    if let Some(eta) = &e.eta {
        if let Some(u) = eta.usual {
            parts.push(format!("usual {}", human_duration(u)));
        }
        parts.push(eta_text(eta, now, tz));
    }
    (!parts.is_empty()).then(|| parts.join(" · "))
}

/// The question before a start, naming what starts: `Start a run?`, in dev mode `Start a dev
/// session?`, and `Start the box?` while the dev mode is unknown.
pub fn start_question(mode: Option<crate::userdata::Mode>) -> &'static str {
    match mode {
        Some(crate::userdata::Mode::Run) => "Start a run?",
        Some(crate::userdata::Mode::Dev) => "Start a dev session?",
        None => "Start the box?",
    }
}

/// What starting the box will do, given its dev mode (unknown when `None`): `(warn, sentence)`,
/// for the start dialog and `start`. `warn` is true unless the script is known to run.
pub fn start_note(mode: Option<crate::userdata::Mode>) -> (bool, String) {
    match mode {
        Some(crate::userdata::Mode::Run) => (
            false,
            "Dev mode is off: the box runs run-baseline.sh, posts to Slack and shuts itself down.".into(),
        ),
        Some(crate::userdata::Mode::Dev) => (
            true,
            "Dev mode is ON: the box boots WITHOUT running the script (for SSH work); stop it yourself."
                .into(),
        ),
        None => (true, "Dev mode unknown (no reading of the user data to go by): the script may run.".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_pair_adds_the_local_time_when_it_differs() {
        let t: Timestamp = "2026-11-23T10:41:00Z".parse().unwrap();
        assert_eq!(clock_pair(t, &TimeZone::UTC), "10:41 UTC");
        let ny = TimeZone::get("America/New_York").unwrap();
        assert_eq!(clock_pair(t, &ny), "10:41 UTC (05:41 EST)");
    }
}
