//! Past runs, cut out of the run log group: shared by the panel's history view and `runs`.

use jiff::{SignedDuration, Timestamp};

use super::{LogError, LogStore, fetch_all};
use crate::cloud::Instance;
use crate::run::{RunLogLine, RunRecord, RunRules, history};

/// How far back the history looks.
pub const HISTORY_SPAN: SignedDuration = SignedDuration::from_hours(24 * 120);

/// A silence this long separates two runs in one stream. Runs are weekly and the model step can
/// stay quiet for a long time, so anything shorter than a few hours is one run.
pub const HISTORY_GAP: SignedDuration = SignedDuration::from_hours(3);

/// The runs of `instance` (its stream, by instance id) over [`HISTORY_SPAN`], newest first.
pub async fn run_history(
    store: &dyn LogStore,
    group: &str,
    instance: &Instance,
    rules: &RunRules,
    now: Timestamp,
) -> Result<Vec<RunRecord>, LogError> {
    let start = (now - HISTORY_SPAN).as_millisecond();
    let events = fetch_all(store, group, Some(&instance.id), start, None, None).await?;
    let lines: Vec<RunLogLine> = events
        .into_iter()
        .flat_map(|e| Timestamp::from_millisecond(e.ts_ms).map(|t| RunLogLine::new(t, e.message)))
        .collect();
    let boots: Vec<Timestamp> = instance.launch_time.into_iter().collect();
    Ok(history(&lines, &boots, rules, HISTORY_GAP, now, Some(instance)))
}

/// The run log lines since `instance`'s launch (empty when it never launched).
pub async fn since_launch(
    store: &dyn LogStore,
    group: &str,
    instance: &Instance,
) -> Result<Vec<RunLogLine>, LogError> {
    let Some(launch) = instance.launch_time else { return Ok(Vec::new()) };
    let events = fetch_all(store, group, Some(&instance.id), launch.as_millisecond(), None, None).await?;
    Ok(events
        .into_iter()
        .flat_map(|e| Timestamp::from_millisecond(e.ts_ms).map(|t| RunLogLine::new(t, e.message)))
        .collect())
}
