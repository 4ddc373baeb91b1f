//! When the lab's `EventBridge` rule fires: schedule expressions, upcoming fire times, how to
//! show them, and whether the rule's name tells the truth about them.
//!
//! Everything here is pure (the current time comes in as a parameter) except [`rules`], which
//! reads and switches the rule on AWS or in the demo.
//!
//! `EventBridge` evaluates a rule's cron expression in UTC. The lab's rule
//! `MondayMorning9aEST` has `cron(0 9 ? * MON *)`, so it fires at 09:00 UTC, which is
//! 04:00 EST in winter and 05:00 EDT in summer, not 9 AM Eastern as its name says;
//! [`hint::check_name`] writes that note.

pub mod cron;
mod days;
pub mod display;
mod error;
mod field;
pub mod hint;
pub mod moving;
pub mod rate;
pub mod rules;
pub mod view;

use std::fmt;
use std::str::FromStr;

use jiff::Timestamp;
use jiff::tz::TimeZone;

pub use cron::Cron;
pub use display::{FireTime, countdown, fire_time, format_in_zone, format_utc, upcoming_fires};
pub use error::{CronField, ScheduleError};
pub use hint::{ClaimedTime, ClaimedZone, NameHint, check_name, name_hint, zone_for};
pub use rate::{Rate, RateUnit};
pub use rules::{LastFired, RuleInfo, RuleState, Rules};
pub use view::{DEFAULT_ALARM_WINDOW, ScheduleView};

/// An `EventBridge` schedule expression: `cron(...)` or `rate(...)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Schedule {
    /// `cron(minutes hours day-of-month month day-of-week year)`, evaluated in UTC.
    Cron(Cron),
    /// `rate(value unit)`, counted from an anchor (see [`Rate`]).
    Rate(Rate),
}

impl Schedule {
    /// Parses an `EventBridge` schedule expression such as `cron(0 9 ? * MON *)` or
    /// `rate(5 minutes)`. Surrounding white space is ignored; names and letters may be in
    /// any case.
    pub fn parse(expr: &str) -> Result<Schedule, ScheduleError> {
        let trimmed = expr.trim();
        let inner = |prefix: &str| -> Option<&str> {
            let head = trimmed.get(..prefix.len())?;
            let rest = trimmed.strip_suffix(')')?;
            head.eq_ignore_ascii_case(prefix).then(|| rest.get(prefix.len()..)).flatten()
        };
        if let Some(fields) = inner("cron(") {
            Cron::parse(fields).map(Schedule::Cron)
        } else if let Some(text) = inner("rate(") {
            Rate::parse(text).map(Schedule::Rate)
        } else {
            Err(ScheduleError::UnknownForm { expr: trimmed.to_string() })
        }
    }

    /// The first fire time strictly after `t`, or `None` if the schedule never fires again
    /// (e.g. a cron expression whose years are all past).
    ///
    /// For a rate without an anchor this is `t + period`: see [`Rate`].
    pub fn next_after(&self, t: Timestamp) -> Option<Timestamp> {
        match self {
            Schedule::Cron(c) => c.next_after(t),
            Schedule::Rate(r) => r.next_after(t),
        }
    }

    /// Up to `n` fire times after `t`, earliest first; fewer if the schedule ends.
    pub fn upcoming(&self, t: Timestamp, n: usize) -> Vec<Timestamp> {
        let mut out = Vec::with_capacity(n.min(64));
        let mut at = t;
        while out.len() < n {
            let Some(next) = self.next_after(at) else {
                break;
            };
            out.push(next);
            at = next;
        }
        out
    }

    /// The same schedule with rate fires counted from `anchor` (typically the rule's creation
    /// time); a cron schedule is returned unchanged.
    #[must_use]
    pub fn with_rate_anchor(self, anchor: Timestamp) -> Schedule {
        match self {
            Schedule::Rate(r) => Schedule::Rate(r.with_anchor(anchor)),
            cron @ Schedule::Cron(_) => cron,
        }
    }

    /// The same schedule read in `tz` (an `EventBridge` Scheduler schedule's
    /// `ScheduleExpressionTimezone`); a rate fires on elapsed time and is returned unchanged.
    #[must_use]
    pub fn in_zone(self, tz: TimeZone) -> Schedule {
        match self {
            Schedule::Cron(c) => Schedule::Cron(c.in_zone(tz)),
            rate @ Schedule::Rate(_) => rate,
        }
    }

    /// The zone a cron schedule is read in; `None` for UTC and for a rate.
    pub fn zone(&self) -> Option<&TimeZone> {
        match self {
            Schedule::Cron(c) => c.zone(),
            Schedule::Rate(_) => None,
        }
    }

    /// Whether the fire times are exact: true for cron, and for a rate with an anchor.
    /// A rate without an anchor gives estimates (see [`Rate`]).
    pub fn is_exact(&self) -> bool {
        match self {
            Schedule::Cron(_) => true,
            Schedule::Rate(r) => r.anchor().is_some(),
        }
    }
}

/// The time zone an IANA name stands for (`America/New_York`, `Europe/Berlin`, `UTC`), as
/// `EventBridge` Scheduler's `ScheduleExpressionTimezone` names it. Read from the system's time
/// zone database, or from the copy built into the program when the system has none.
pub fn named_zone(name: &str) -> Result<TimeZone, String> {
    if name.eq_ignore_ascii_case("UTC") || name == "Etc/UTC" {
        return Ok(TimeZone::UTC);
    }
    TimeZone::get(name)
        .or_else(|_| jiff::tz::TimeZoneDatabase::bundled().get(name))
        .map_err(|_| format!("`{name}` is not a time zone name (e.g. America/New_York, Europe/Berlin, UTC)"))
}

impl FromStr for Schedule {
    type Err = ScheduleError;

    /// Same as [`Schedule::parse`].
    fn from_str(s: &str) -> Result<Schedule, ScheduleError> {
        Schedule::parse(s)
    }
}

impl fmt::Display for Schedule {
    /// Writes the expression in `EventBridge`'s form, e.g. `cron(0 9 ? * MON *)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Schedule::Cron(c) => c.fmt(f),
            Schedule::Rate(r) => r.fmt(f),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn parses_both_forms() {
        let s = Schedule::parse("  cron(0  9 ? * MON *) ").unwrap();
        assert!(matches!(s, Schedule::Cron(_)));
        assert_eq!(s.to_string(), "cron(0 9 ? * MON *)");
        let s: Schedule = "rate(5 minutes)".parse().unwrap();
        assert!(matches!(s, Schedule::Rate(_)));
        assert_eq!(s.to_string(), "rate(5 minutes)");
        assert!(Schedule::parse("CRON(0 9 ? * mon *)").is_ok());
    }

    #[test]
    fn rejects_other_forms() {
        for bad in ["0 9 ? * MON *", "cron(0 9 ? * MON *", "at(2026-01-01T00:00:00)", "", "cron"] {
            let err = Schedule::parse(bad).unwrap_err();
            assert!(matches!(err, ScheduleError::UnknownForm { .. }), "{bad}: {err}");
        }
        let err = Schedule::parse("cron(0 9 * * ?)").unwrap_err();
        assert_eq!(err, ScheduleError::FieldCount { found: 5 });
        assert!(err.to_string().contains("has 5 field(s), but EventBridge needs 6"));
    }

    #[test]
    fn upcoming_lists_consecutive_fires() {
        let s = Schedule::parse("cron(0 9 ? * MON *)").unwrap();
        let got = s.upcoming(ts("2026-12-25T00:00:00Z"), 3);
        let want = ["2026-12-28T09:00:00Z", "2027-01-04T09:00:00Z", "2027-01-11T09:00:00Z"];
        assert_eq!(got, want.map(ts).to_vec());
    }

    #[test]
    fn upcoming_stops_when_the_schedule_ends() {
        let s = Schedule::parse("cron(30 6 1 1,7 ? 2027)").unwrap();
        let got = s.upcoming(ts("2026-01-01T00:00:00Z"), 5);
        assert_eq!(got, vec![ts("2027-01-01T06:30:00Z"), ts("2027-07-01T06:30:00Z")]);
    }

    #[test]
    fn rate_anchor_and_exactness() {
        let s = Schedule::parse("rate(1 day)").unwrap();
        assert!(!s.is_exact());
        let now = ts("2026-05-05T12:00:00Z");
        assert_eq!(s.next_after(now), Some(ts("2026-05-06T12:00:00Z")));
        let s = s.with_rate_anchor(ts("2026-05-01T08:15:00Z"));
        assert!(s.is_exact());
        assert_eq!(s.next_after(now), Some(ts("2026-05-06T08:15:00Z")));
        let cron = Schedule::parse("cron(0 9 ? * MON *)").unwrap();
        assert!(cron.is_exact());
        assert_eq!(cron.clone().with_rate_anchor(now), cron);
    }
}
