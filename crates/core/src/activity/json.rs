//! The feed as `activity --json` prints it (documented in the README).

use serde::Serialize;

use super::{Event, Feed};

/// Version of the `activity --json` document.
pub const SCHEMA: u32 = 1;

/// `{"schema": 1, "as_of", "since", "delay_note", "events": [...]}`.
#[derive(Debug, Serialize)]
pub struct FeedJson {
    /// [`SCHEMA`].
    pub schema: u32,
    /// When `CloudTrail` was read (RFC 3339, UTC).
    pub as_of: String,
    /// From when (RFC 3339, UTC).
    pub since: String,
    /// Why the newest minutes may be missing.
    pub delay_note: &'static str,
    /// Newest first.
    pub events: Vec<EventJson>,
}

/// One event.
#[derive(Debug, Serialize)]
pub struct EventJson {
    /// When AWS received the call (RFC 3339, UTC).
    pub time: String,
    /// `start`, `stop`, `dev_on`, `dev_off`, `user_data`, `enable_rule`, `disable_rule`,
    /// `put_rule`.
    pub what: &'static str,
    /// Who, in full (`the schedule (start-baseline-instance)`, `alice@lab.org`, `root`).
    pub who: String,
    /// `schedule`, `person`, `iam_user`, `root`, `role`, `service`, `unknown`.
    pub who_kind: &'static str,
    /// `console`, `cli`, `panel`, `sdk`, `service`, `unknown`.
    pub via: &'static str,
    /// The instance id or rule name.
    pub target: String,
    /// The error code when AWS refused the call (nothing was done), else null.
    pub error: Option<String>,
    /// `CloudTrail`'s event id.
    pub event_id: String,
}

impl From<&Event> for EventJson {
    fn from(e: &Event) -> Self {
        EventJson {
            time: e.at.to_string(),
            what: e.what.key(),
            who: e.who.label(),
            who_kind: e.who.key(),
            via: e.via.key(),
            target: e.target.clone(),
            error: e.error.clone(),
            event_id: e.id.clone(),
        }
    }
}

impl From<&Feed> for FeedJson {
    fn from(f: &Feed) -> Self {
        FeedJson {
            schema: SCHEMA,
            as_of: f.as_of.to_string(),
            since: f.since.to_string(),
            delay_note: "CloudTrail delivers events up to about 15 minutes late",
            events: f.events.iter().map(EventJson::from).collect(),
        }
    }
}
