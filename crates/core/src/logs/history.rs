//! What the run timeline is built from, read from the log groups: the run group's lines of one
//! instance (both its streams) and the scheduler Lambda's start lines. Shared by the panel,
//! `status`, `runs` and `stop`.

use jiff::{SignedDuration, Timestamp};

use super::{LogError, LogStore, fetch_all, scheduler_group};
use crate::cloud::Instance;
use crate::config::Config;
use crate::run::{Fact, Kind, RunRules, Timeline, TimelineInput, classify, scheduler_start, timeline};

/// How far back the history looks by default.
pub const HISTORY_SPAN: SignedDuration = SignedDuration::from_hours(24 * 120);

/// The `CloudWatch` filter that keeps the scheduler Lambda's start lines.
pub const LAMBDA_START_FILTER: &str = "\"starting: ec2.Instance\"";

/// The log of one instance, read into facts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PastLog {
    /// The run group's lines of the instance, read once, sorted by time.
    pub facts: Vec<Fact>,
    /// When the scheduler Lambda started the instance, sorted.
    pub starts: Vec<Timestamp>,
    /// What could not be read, when it only weakens the evidence (the scheduler's log).
    pub warnings: Vec<String>,
}

/// Reads the run group's lines of `instance_id` and the scheduler's starts of it logged in
/// `[from, until)` (`until` open when `None`). A missing run group is an error; an unreadable
/// scheduler group is a warning, a missing one is nothing (its lines only corroborate).
pub async fn read_past(
    store: &dyn LogStore,
    cfg: &Config,
    instance_id: &str,
    from: Timestamp,
    until: Option<Timestamp>,
) -> Result<PastLog, LogError> {
    let end = until.map(|u| u.as_millisecond() - 1);
    let group = scheduler_group(&cfg.lambda_name);
    // Both groups at once: the scheduler's lines are read even when the run group turns out
    // to be missing (one wasted call) so that the usual case takes one round trip, not two.
    let (events, scheduler) = tokio::join!(
        fetch_all(store, &cfg.log_group, Some(instance_id), from.as_millisecond(), end, None),
        fetch_all(store, &group, None, from.as_millisecond(), end, Some(LAMBDA_START_FILTER))
    );
    let facts = events?.iter().map(|e| classify(e.time(), &e.message, &cfg.run_rules)).collect();
    let (starts, warnings) = match scheduler {
        Ok(lines) => (
            lines
                .iter()
                .filter(|e| scheduler_start(&e.message, instance_id))
                .map(super::LogEvent::time)
                .collect(),
            vec![],
        ),
        // No scheduler (or another name): `doctor` says so; the runs need its lines only
        // as corroboration.
        Err(LogError::GroupMissing { .. }) => (vec![], vec![]),
        Err(e) => (vec![], vec![format!("scheduler log unreadable ({e}); runs are told apart without it")]),
    };
    let mut past = PastLog { facts, starts, warnings };
    past.facts.sort_by_key(|f| f.ts);
    past.starts.sort();
    Ok(past)
}

/// The timeline of `instance` from what was read; `current_kind` is the user data's kind, used
/// only while the box is up (then it is exactly what the current boot booted with).
pub fn timeline_of(
    instance: &Instance,
    past: &PastLog,
    current_kind: Option<Kind>,
    rules: &RunRules,
    now: Timestamp,
) -> Timeline {
    let up =
        matches!(instance.state, crate::cloud::InstanceState::Pending | crate::cloud::InstanceState::Running);
    timeline(&TimelineInput {
        instance_id: &instance.id,
        instance: Some(instance),
        facts: &past.facts,
        scheduler_starts: &past.starts,
        current_kind: current_kind.filter(|_| up),
        rules,
        now,
    })
}

/// The instance's timeline over `[from, now]`: what `status` and `runs` print.
pub async fn read_timeline(
    store: &dyn LogStore,
    cfg: &Config,
    instance: &Instance,
    current_kind: Option<Kind>,
    from: Timestamp,
    now: Timestamp,
) -> Result<(Timeline, Vec<String>), LogError> {
    let past = read_past(store, cfg, &instance.id, from, None).await?;
    Ok((timeline_of(instance, &past, current_kind, &cfg.run_rules, now), past.warnings))
}
