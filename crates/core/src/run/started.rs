//! Who started each boot: the scheduler or a person, from `CloudTrail`'s `StartInstances`
//! events (the scheduler Lambda's role tells a scheduled start from a person's), else from the
//! scheduler Lambda's log line; unknown, with the reason, when neither says.

use jiff::{SignedDuration, Timestamp};

use super::Timeline;
use super::entry::Boundary;
use crate::activity::{Event, What, Who};

/// How long before a boot's start its `StartInstances` call may lie (EC2 boots within a minute
/// or two of the call; a cloud-init boot time is an estimate).
const BEFORE_BOOT: SignedDuration = SignedDuration::from_mins(5);
/// ... and after it (the two clocks).
const AFTER_BOOT: SignedDuration = SignedDuration::from_mins(1);

/// Who started a boot, and on what evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartedBy {
    /// The schedule: its Lambda's `StartInstances` in `CloudTrail` (`cloudtrail: true`), or its
    /// log line saying it started the box.
    Schedule {
        /// True when `CloudTrail` says so; false when only the scheduler's log does.
        cloudtrail: bool,
    },
    /// Someone else, from `CloudTrail`: who (short: `alice`, `root`, a role's session) and from
    /// where (`console`, `AWS CLI`, `this panel`).
    Person {
        /// Who.
        who: String,
        /// From where.
        via: String,
    },
    /// Not known: why.
    Unknown(String),
}

impl StartedBy {
    /// In a few words: `the schedule`, `alice (console)`, `unknown (no cloudtrail:… permission)`.
    pub fn text(&self) -> String {
        match self {
            StartedBy::Schedule { .. } => "the schedule".into(),
            StartedBy::Person { who, via } => format!("{who} ({via})"),
            StartedBy::Unknown(why) => format!("unknown ({why})"),
        }
    }

    /// One word for a narrow column: `schedule`, `alice`, `?`.
    pub fn short(&self) -> &str {
        match self {
            StartedBy::Schedule { .. } => "schedule",
            StartedBy::Person { who, .. } => who,
            StartedBy::Unknown(_) => "?",
        }
    }
}

/// What `CloudTrail` was read for: its events (newest first, the panel's own merged in), from
/// when, and when.
#[derive(Debug, Clone, Copy)]
pub struct StartEvents<'a> {
    /// The events.
    pub events: &'a [Event],
    /// From when they were asked for.
    pub since: Timestamp,
    /// When they were read.
    pub as_of: Timestamp,
}

/// Sets each boot's [`StartedBy`] from `read` (or, when `CloudTrail` could not be read, why
/// not): the carried-out `StartInstances` of the boot's instance closest to its start, from
/// [`BEFORE_BOOT`] before to [`AFTER_BOOT`] after; a boot the scheduler's log claims stays the
/// schedule's when `CloudTrail` has nothing.
pub fn attribute(timeline: &mut Timeline, read: Result<StartEvents<'_>, &str>) {
    for e in &mut timeline.entries {
        let found = read.as_ref().ok().and_then(|r| {
            r.events
                .iter()
                .filter(|ev| {
                    ev.what == What::Start
                        && ev.done()
                        && ev.target == e.instance_id
                        && ev.at >= e.started - BEFORE_BOOT
                        && ev.at <= e.started + AFTER_BOOT
                })
                .min_by_key(|ev| ev.at.duration_since(e.started).abs())
        });
        e.started_by = match (found, &read) {
            (Some(ev), _) => match &ev.who {
                Who::Schedule { .. } => StartedBy::Schedule { cloudtrail: true },
                who => StartedBy::Person { who: who.short(), via: ev.via.label() },
            },
            (None, _) if e.scheduled => StartedBy::Schedule { cloudtrail: false },
            (None, Err(why)) => StartedBy::Unknown((*why).to_owned()),
            (None, Ok(r)) if e.started < r.since + BEFORE_BOOT => StartedBy::Unknown(format!(
                "before the CloudTrail read, from {}",
                r.since.strftime("%Y-%m-%d")
            )),
            (None, Ok(r)) if r.as_of.duration_since(e.started) < crate::activity::CLOUDTRAIL_DELAY => {
                StartedBy::Unknown("CloudTrail has no start yet (it is up to 15 min late)".into())
            }
            (None, Ok(_)) if matches!(e.boundary, Boundary::SilenceGap | Boundary::FirstLine) => {
                StartedBy::Unknown("no StartInstances event; this boot's start is a guess".into())
            }
            (None, Ok(_)) => {
                StartedBy::Unknown("no StartInstances event in CloudTrail near this boot".into())
            }
        };
    }
}

#[cfg(test)]
#[path = "started_tests.rs"]
mod tests;
