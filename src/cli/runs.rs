//! `baseline-panel runs [--json]`: past runs cut out of the run log group, newest first.

use std::io::Write;
use std::sync::Arc;

use jiff::Timestamp;
use serde::Serialize;

use super::Failure;
use crate::cloud::Cloud;
use crate::config::Config;
use crate::logs::history::run_history;
use crate::logs::{LogError, missing_group_message};
use crate::timefmt::{human_duration, utc};

#[derive(Serialize)]
struct RunJson {
    instance_id: String,
    started: String,
    ended: Option<String>,
    duration_seconds: Option<i64>,
    outcome: &'static str,
    lines: usize,
    first_failure: Option<String>,
    evidence: String,
}

/// Prints the runs of every matching instance.
pub async fn run(cfg: &Config, cloud: Arc<dyn Cloud>, json: bool) -> Result<(), Failure> {
    let list = cloud.instances().await?;
    let store = crate::logs::store_for(cfg, cloud.as_ref());
    let now = Timestamp::now();
    let mut all = Vec::new();
    for i in &list {
        let runs = run_history(store.as_ref(), &cfg.log_group, i, &cfg.run_rules, now).await.map_err(
            |e| match e {
                LogError::GroupMissing { group } => {
                    Failure { code: 3, message: missing_group_message(crate::logs::Source::Run, &group) }
                }
                other => Failure::from(crate::cloud::CloudError::Other(other.to_string())),
            },
        )?;
        all.extend(runs.into_iter().map(|r| RunJson {
            instance_id: i.id.clone(),
            started: r.started.to_string(),
            ended: r.ended.map(|t| t.to_string()),
            duration_seconds: r.duration.map(|d| d.as_secs()),
            outcome: r.outcome.kind(),
            lines: r.lines,
            first_failure: r.first_failure,
            evidence: r.evidence,
        }));
    }
    all.sort_by(|a, b| b.started.cmp(&a.started));
    let mut out = std::io::stdout().lock();
    if json {
        crate::sanitize::write_json(&mut out, &all)?;
        return Ok(());
    }
    if all.is_empty() {
        writeln!(out, "no runs in {} over the last 120 days", cfg.log_group)?;
        return Ok(());
    }
    writeln!(
        out,
        "{:<24} {:<9} {:<7} {:<16} {:>6}  note",
        "started (UTC)", "ended", "took", "outcome", "lines"
    )?;
    for r in &all {
        let started: Timestamp = r.started.parse().unwrap_or(now);
        let ended = r.ended.as_deref().and_then(|e| e.parse::<Timestamp>().ok());
        let took = r.duration_seconds.map(|s| human_duration(jiff::SignedDuration::from_secs(s)));
        let note = r.first_failure.clone().unwrap_or_else(|| r.evidence.clone());
        writeln!(
            out,
            "{:<24} {:<9} {:<7} {:<16} {:>6}  {}",
            utc(started),
            ended.map(|e| e.strftime("%H:%M:%S").to_string()).unwrap_or_else(|| "-".into()),
            took.unwrap_or_else(|| "-".into()),
            r.outcome.replace('_', " "),
            r.lines,
            crate::sanitize::field(&note),
        )?;
    }
    Ok(())
}
