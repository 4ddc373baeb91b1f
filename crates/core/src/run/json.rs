//! One timeline entry as `runs --json` and `status --json` print it: the same struct for both,
//! so `status --json`'s `last_run` is the first `kind: run` entry of `runs --json`, field for
//! field.

use serde::Serialize;

use super::StartedBy;
use super::entry::{Boundary, Entry, EtaBasis, Kind, KindFrom, Outcome};

/// A run or dev session in JSON. Times are RFC 3339 UTC; absent values are `null`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunJson {
    /// The instance.
    pub instance_id: String,
    /// `run` or `dev_session`.
    pub kind: Kind,
    /// How the kind is known: `user_data`, `log` or `assumed`.
    pub kind_from: KindFrom,
    /// `succeeded`, `failed`, `failing`, `stopped_by_hand`, `in_progress`, `stuck` or `unknown`.
    pub outcome: Outcome,
    /// When the boot started.
    pub started: String,
    /// When it ended (`null` while the box is up, or when nothing tells).
    pub ended: Option<String>,
    /// `ended − started` in seconds.
    pub duration_seconds: Option<i64>,
    /// Log lines of this boot.
    pub lines: usize,
    /// Time of its last log line.
    pub last_line: Option<String>,
    /// One line saying why.
    pub evidence: String,
    /// What the start was found from: `launch_time`, `cloud_init`, `scheduler`, or the guesses
    /// `silence_gap` and `first_line`.
    pub boundary: Boundary,
    /// Who started this boot: `schedule`, a person's short name (`alice`), a role's session,
    /// `root`; `null` when unknown (see `started_by_unknown`).
    pub started_by: Option<String>,
    /// What says so: `cloudtrail` (a `StartInstances` event) or `scheduler_log`; `null` when
    /// unknown.
    pub started_by_evidence: Option<&'static str>,
    /// Why `started_by` is `null` (no `cloudtrail:LookupEvents` permission, no event near the
    /// boot, older than the read); `null` when known.
    pub started_by_unknown: Option<String>,
    /// The first failure-marker line.
    pub first_failure: Option<String>,
    /// The last progress line's count: `{"done": 12, "total": 58, "at": "…"}`.
    pub progress: Option<ProgressJson>,
    /// When the run should end: `{"at": "…", "basis": "progress_rate", "usual_seconds": 5820}`.
    pub eta: Option<EtaJson>,
    /// What the boot cost (so far, while it is up), US dollars to the cent; `null` with
    /// `cost_reason` when the price or the boot's end is not known.
    pub cost_usd: Option<serde_json::Number>,
    /// Why `cost_usd` is `null`.
    pub cost_reason: Option<String>,
}

/// Progress in JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProgressJson {
    /// Items done.
    pub done: u32,
    /// Items in all.
    pub total: u32,
    /// When the line saying so was logged.
    pub at: String,
}

/// ETA in JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EtaJson {
    /// The expected end.
    pub at: String,
    /// `progress_rate` or `usual_duration`.
    pub basis: EtaBasis,
    /// Median duration of the latest successful runs, seconds.
    pub usual_seconds: Option<i64>,
}

impl From<&Entry> for RunJson {
    fn from(e: &Entry) -> Self {
        RunJson {
            instance_id: e.instance_id.clone(),
            kind: e.kind,
            kind_from: e.kind_from,
            outcome: e.outcome,
            started: e.started.to_string(),
            ended: e.ended.map(|t| t.to_string()),
            duration_seconds: e.duration.map(|d| d.as_secs()),
            lines: e.lines,
            last_line: e.last_line.map(|t| t.to_string()),
            evidence: e.evidence.clone(),
            boundary: e.boundary,
            started_by: match &e.started_by {
                StartedBy::Unknown(_) => None,
                by => Some(by.short().to_owned()),
            },
            started_by_evidence: match &e.started_by {
                StartedBy::Schedule { cloudtrail: false } => Some("scheduler_log"),
                StartedBy::Schedule { cloudtrail: true } | StartedBy::Person { .. } => Some("cloudtrail"),
                StartedBy::Unknown(_) => None,
            },
            started_by_unknown: match &e.started_by {
                StartedBy::Unknown(why) => Some(why.clone()),
                _ => None,
            },
            first_failure: e.first_failure.clone(),
            progress: e.progress.map(|p| ProgressJson { done: p.done, total: p.total, at: p.at.to_string() }),
            eta: e.eta.map(|x| EtaJson {
                at: x.at.to_string(),
                basis: x.basis,
                usual_seconds: x.usual.map(|u| u.as_secs()),
            }),
            cost_usd: None,
            cost_reason: Some("not priced".into()),
        }
    }
}

impl RunJson {
    /// This entry with its cost, or the reason it is not known.
    #[must_use]
    pub fn with_cost(mut self, cost: Result<f64, String>) -> Self {
        match cost {
            Ok(usd) => {
                self.cost_usd = crate::cost::json::amount(usd);
                self.cost_reason = None;
            }
            Err(why) => {
                self.cost_usd = None;
                self.cost_reason = Some(why);
            }
        }
        self
    }
}
