//! One box of `status --all --json`: the row's fields, or the error that kept the box from
//! answering.

use jiff::Timestamp;
use serde::Serialize;

use super::{Place, Row};

/// The last run in JSON.
#[derive(Debug, Clone, Serialize)]
pub struct LastRunJson {
    /// `succeeded`, `failed`, `failing`, `stopped_by_hand`, `in_progress`, `stuck`, `unknown`.
    pub outcome: &'static str,
    /// RFC 3339.
    pub started: String,
    /// RFC 3339, when known.
    pub ended: Option<String>,
    /// Whole seconds (so far, while it goes).
    pub duration_seconds: Option<i64>,
    /// True while it is going.
    pub live: bool,
}

/// An alarm in JSON.
#[derive(Debug, Clone, Serialize)]
pub struct AlarmJson {
    /// `dev_mode_before_fire`, `failing`, `failed`, `stuck`, `overdue`.
    pub kind: &'static str,
    /// A few words.
    pub text: &'static str,
    /// The time it refers to (the fire time, the ETA), when it has one.
    pub at: Option<String>,
}

/// One box of `status --all --json`.
#[derive(Debug, Clone, Serialize)]
pub struct BoxJson {
    /// The box's name.
    pub name: String,
    /// Its region.
    pub region: String,
    /// Its profile label.
    pub profile: String,
    /// Its custom endpoint, if any.
    pub endpoint: Option<String>,
    /// Whether the box answered (its instances could be listed).
    pub answered: bool,
    /// Why it did not answer.
    pub error: Option<String>,
    /// The exit code this box's error alone would give (see the README's exit codes).
    pub error_code: Option<i32>,
    /// The first instance's state; `null` when none matches or the box did not answer.
    pub state: Option<String>,
    /// How many instances match.
    pub instances: usize,
    /// `run` or `dev`; `null` when unknown.
    pub dev_mode: Option<String>,
    /// Why dev mode is unknown.
    pub dev_mode_unknown: Option<String>,
    /// Who put the box in dev mode (`alice`), from `CloudTrail`; `null` when dev mode is not on
    /// or nobody can be named (`owner_unknown` says why).
    pub owner: Option<String>,
    /// RFC 3339: when the owner switched it (the user-data change).
    pub owner_since: Option<String>,
    /// True when the change recorded dev mode on; false when `CloudTrail` hid the value and the
    /// owner made the latest user-data change while the box is in dev mode.
    pub owner_recorded: Option<bool>,
    /// Why the owner is unknown while dev mode is on (e.g. no `cloudtrail:LookupEvents`).
    pub owner_unknown: Option<String>,
    /// The newest run.
    pub last_run: Option<LastRunJson>,
    /// Why there is no last run to show.
    pub last_run_unknown: Option<String>,
    /// RFC 3339.
    pub next_fire: Option<String>,
    /// Why there is no next fire (disabled, unreadable).
    pub next_fire_unknown: Option<String>,
    /// What needs a person.
    pub alarms: Vec<AlarmJson>,
}

impl BoxJson {
    /// A box that answered.
    pub fn answered(row: &Row) -> BoxJson {
        let ts = |t: Timestamp| t.to_string();
        BoxJson {
            name: row.name.clone(),
            region: row.place.region.clone(),
            profile: row.place.profile.clone(),
            endpoint: row.place.endpoint.clone(),
            answered: true,
            error: None,
            error_code: None,
            state: row.state.map(|s| s.name().to_owned()),
            instances: row.instances,
            dev_mode: row.dev_mode.as_ref().ok().map(ToString::to_string),
            dev_mode_unknown: row.dev_mode.as_ref().err().cloned(),
            owner: row.owner.as_ref().map(|o| o.who.clone()),
            owner_since: row.owner.as_ref().map(|o| ts(o.since)),
            owner_recorded: row.owner.as_ref().map(|o| o.recorded),
            owner_unknown: row.owner_unknown.clone(),
            last_run: row.last_run.as_ref().ok().map(|r| LastRunJson {
                outcome: r.outcome.kind(),
                started: ts(r.started),
                ended: r.ended.map(ts),
                duration_seconds: r.duration.map(|d| d.as_secs()),
                live: r.live,
            }),
            last_run_unknown: row.last_run.as_ref().err().cloned(),
            next_fire: row.next_fire.as_ref().ok().map(|t| ts(*t)),
            next_fire_unknown: row.next_fire.as_ref().err().cloned(),
            alarms: row
                .alarms
                .iter()
                .map(|a| AlarmJson {
                    kind: a.kind(),
                    text: a.short(),
                    at: match a {
                        super::Alarm::DevModeBeforeFire { at } => Some(ts(*at)),
                        super::Alarm::Overdue { eta } => Some(ts(*eta)),
                        _ => None,
                    },
                })
                .collect(),
        }
    }

    /// A box that did not answer: `error` says why, `code` is its exit code.
    pub fn failed(name: &str, place: &Place, error: &str, code: i32) -> BoxJson {
        BoxJson {
            name: name.to_owned(),
            region: place.region.clone(),
            profile: place.profile.clone(),
            endpoint: place.endpoint.clone(),
            answered: false,
            error: Some(error.to_owned()),
            error_code: Some(code),
            state: None,
            instances: 0,
            dev_mode: None,
            dev_mode_unknown: Some("the box did not answer".into()),
            owner: None,
            owner_since: None,
            owner_recorded: None,
            owner_unknown: None,
            last_run: None,
            last_run_unknown: Some("the box did not answer".into()),
            next_fire: None,
            next_fire_unknown: Some("the box did not answer".into()),
            alarms: Vec::new(),
        }
    }
}
