//! The run's logs: where they are read (`CloudWatch` Logs and EC2 console output, or the demo's
//! simulation), a follower that streams them in batches, and the export of one run's log.
//!
//! Sources: the run's output, shipped by the `CloudWatch` agent to the run group (one stream per
//! instance, named after it); the scheduler Lambda's group `/aws/lambda/<name>`; the EC2 console.

pub mod aws;
pub mod console;
pub mod dedup;
pub mod demo;
mod demo_text;
pub mod export;
pub mod follow;
pub mod history;
pub mod lenient;
pub mod pace;
pub mod pattern;
pub mod since;

use std::fmt;
use std::str::FromStr;

use async_trait::async_trait;
use jiff::Timestamp;
use tokio::sync::mpsc;

use crate::cloud::CloudError;

pub use export::{
    ExportError, Exported, RunLog, export_run, last_run, render, run_log, write_atomic, write_new,
};
pub use follow::{FollowHandle, FollowRequest, LogBatch, Pace, spawn_follow, spawn_follow_paced};
pub use pace::PaceWish;

/// One log line (or multi-line message) as `CloudWatch` Logs stores it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEvent {
    /// Event time, milliseconds since the Unix epoch (the agent stamps each line when it reads it).
    pub ts_ms: i64,
    /// When `CloudWatch` ingested it, if known.
    pub ingest_ms: Option<i64>,
    /// The text, exactly as stored (may hold newlines).
    pub message: String,
    /// `CloudWatch`'s event id (live tail events have none).
    pub id: Option<String>,
    /// The log stream it belongs to.
    pub stream: Option<String>,
}

impl LogEvent {
    /// The event time as a timestamp (the epoch when out of range).
    pub fn time(&self) -> Timestamp {
        Timestamp::from_millisecond(self.ts_ms).unwrap_or(Timestamp::UNIX_EPOCH)
    }
}

/// Where log lines come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    /// The model run's output (the `CloudWatch` agent's group, one stream per instance).
    Run,
    /// The scheduler Lambda's log group.
    Scheduler,
    /// The instance's EC2 console output.
    Console,
}

impl Source {
    /// Every source, in display order.
    pub const ALL: [Source; 3] = [Source::Run, Source::Scheduler, Source::Console];

    /// `run`, `scheduler` or `console`.
    pub fn name(self) -> &'static str {
        match self {
            Source::Run => "run",
            Source::Scheduler => "scheduler",
            Source::Console => "console",
        }
    }

    /// Title of the source's pane in the panel.
    pub fn title(self) -> &'static str {
        match self {
            Source::Run => "Run log",
            Source::Scheduler => "Scheduler log",
            Source::Console => "Console output",
        }
    }

    /// Position in [`Source::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Source {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Source::ALL
            .into_iter()
            .find(|src| src.name() == s)
            .ok_or_else(|| format!("unknown log source `{s}`; use run, scheduler or console"))
    }
}

/// How a source is being read right now, for the panel's title bar and the CLI's stderr.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceStatus {
    /// A live tail session pushes lines as `CloudWatch` ingests them.
    Live {
        /// `CloudWatch` said its latest update was a sample: more than 500 lines matched in that
        /// second and only 500 of them were sent.
        sampled: bool,
    },
    /// Polled every `every_secs` seconds.
    Polling {
        /// Interval between polls.
        every_secs: u64,
        /// Why polling stands in for live tail while the box is active (`None` when live tail
        /// was not tried: the box is stopped, or the first read is still under way).
        live_off: Option<LiveOff>,
    },
    /// Reads have failed since the last good one at `since`; still retrying.
    Stale {
        /// Time of the last successful read.
        since: Timestamp,
        /// Why the latest read failed.
        why: String,
    },
    /// Reads fail for a reason the operator must fix (still retrying, slowly).
    Error(String),
    /// Not following anything.
    Idle,
}

impl SourceStatus {
    /// Polled every `every_secs` seconds, with nothing more to say.
    pub fn polling(every_secs: u64) -> Self {
        SourceStatus::Polling { every_secs, live_off: None }
    }
}

impl fmt::Display for SourceStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SourceStatus::Live { sampled: false } => f.write_str("live"),
            SourceStatus::Live { sampled: true } => f.write_str("live (sampled by CloudWatch)"),
            SourceStatus::Polling { every_secs, live_off: None } => write!(f, "polling every {every_secs} s"),
            SourceStatus::Polling { every_secs, live_off: Some(off) } => {
                write!(f, "polling every {every_secs} s (live tail: {})", off.short())
            }
            SourceStatus::Stale { since, why } => {
                write!(f, "stale since {}: {why}", since.strftime("%H:%M UTC"))
            }
            SourceStatus::Error(e) => write!(f, "error: {e}"),
            SourceStatus::Idle => f.write_str("idle"),
        }
    }
}

/// Why live tail is not used right now (the follower polls instead and tries again later).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LiveOff {
    /// `LimitExceededException`: every live tail session the account may hold at once is open
    /// (other panels, the console, other tools).
    SessionLimit,
    /// `AccessDeniedException`: the credentials may not call `logs:StartLiveTail`.
    NotPermitted,
    /// The endpoint does not offer live tail, cannot be reached, or the session failed.
    Unavailable(String),
}

impl LiveOff {
    /// A few words for a status line.
    pub fn short(&self) -> &'static str {
        match self {
            LiveOff::SessionLimit => "session limit reached",
            LiveOff::NotPermitted => "not permitted",
            LiveOff::Unavailable(_) => "unavailable",
        }
    }
}

impl fmt::Display for LiveOff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LiveOff::SessionLimit => f.write_str(
                "the account's concurrent live tail sessions are all in use (LimitExceededException)",
            ),
            LiveOff::NotPermitted => f.write_str(
                "the credentials may not call logs:StartLiveTail (AccessDeniedException); \
                 assets/iam-policy.json grants it",
            ),
            LiveOff::Unavailable(why) => f.write_str(why),
        }
    }
}

impl From<&str> for LiveOff {
    fn from(why: &str) -> Self {
        LiveOff::Unavailable(why.into())
    }
}

impl From<String> for LiveOff {
    fn from(why: String) -> Self {
        LiveOff::Unavailable(why)
    }
}

/// One log stream of a group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamInfo {
    /// Stream name (the instance id for the run group).
    pub name: String,
    /// Time of its first event, ms.
    pub first_event_ms: Option<i64>,
    /// Time of its last event, ms.
    pub last_event_ms: Option<i64>,
}

/// One page of `FilterLogEvents`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Page {
    /// The events of this page, oldest first.
    pub events: Vec<LogEvent>,
    /// Token of the next page; `None` on the last.
    pub next_token: Option<String>,
}

/// A failed log read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LogError {
    /// The log group does not exist (see [`missing_group_message`] for what to tell the operator).
    #[error("log group `{group}` does not exist")]
    GroupMissing {
        /// The group.
        group: String,
    },
    /// Live tail cannot be used now (session limit, not permitted, not offered, unreachable):
    /// poll instead.
    #[error("live tail unavailable: {0}")]
    LiveTailUnavailable(LiveOff),
    /// Any other cloud failure, classified as for EC2.
    #[error(transparent)]
    Cloud(#[from] CloudError),
}

impl LogError {
    /// True when AWS asked to slow down.
    pub fn is_throttled(&self) -> bool {
        matches!(self, LogError::Cloud(CloudError::Throttled(_)))
    }

    /// True when retrying later may help without the operator doing anything.
    pub fn is_transient(&self) -> bool {
        matches!(self, LogError::Cloud(e) if e.is_transient())
    }
}

/// What to tell the operator when `group` of `source` does not exist; `key` names where the
/// config file sets it (see [`crate::config::SettingKeys`]).
pub fn missing_group_message(source: Source, group: &str, key: &str) -> String {
    match source {
        Source::Scheduler => format!(
            "log group `{group}` does not exist; set {key} in the config file to the Lambda that \
             starts the box (its logs go to /aws/lambda/<name>)"
        ),
        _ => format!(
            "log group `{group}` does not exist; set {key} in the config file to the group the \
             CloudWatch agent writes to, or install the agent with assets/cloudwatch-agent.json \
             (see the README, section Logs)"
        ),
    }
}

/// The config key of `source`'s log group in a file without `[boxes]`.
pub fn default_group_key(source: Source) -> String {
    let keys = crate::config::SettingKeys::top_level();
    if source == Source::Scheduler { keys.lambda } else { keys.log_group }
}

/// The scheduler Lambda's log group.
pub fn scheduler_group(lambda_name: &str) -> String {
    format!("/aws/lambda/{lambda_name}")
}

/// What a live tail session delivers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TailItem {
    /// New events (one `SessionUpdate`, about one a second).
    Events {
        /// The events, in the order the service sent them.
        events: Vec<LogEvent>,
        /// `CloudWatch` sent only a sample of the matching events.
        sampled: bool,
    },
    /// The session reached the service's time limit (3 hours, `SessionTimeoutException`):
    /// start a new one now.
    TimedOut,
    /// The session failed (`SessionStreamingException`, a broken connection, ...); it is over.
    Failed(LogError),
}

/// A live tail session: events pushed as `CloudWatch` ingests them. It ends with
/// [`TailItem::TimedOut`] or [`TailItem::Failed`], or `None` when the connection closed without
/// a word; dropping it closes the connection.
pub struct LiveTail {
    rx: mpsc::Receiver<TailItem>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl LiveTail {
    /// A session fed through a channel; `task`, when given, is aborted when the session is dropped.
    pub fn from_channel(rx: mpsc::Receiver<TailItem>, task: Option<tokio::task::JoinHandle<()>>) -> Self {
        LiveTail { rx, task }
    }

    /// The next batch; `None` once the session has ended.
    pub async fn next(&mut self) -> Option<TailItem> {
        self.rx.recv().await
    }
}

impl Drop for LiveTail {
    fn drop(&mut self) {
        if let Some(t) = self.task.take() {
            t.abort();
        }
    }
}

/// Where log lines are read from: `CloudWatch` Logs and EC2 ([`aws::AwsLogStore`]) or the demo's
/// simulation ([`demo::DemoLogStore`]).
#[async_trait]
pub trait LogStore: Send + Sync {
    /// One page of the events of `group` (streams starting with `stream_prefix`) with
    /// `start_ms <= ts <= end_ms` matching the `CloudWatch` filter `pattern`. See [`fetch_all`].
    async fn filter_events(
        &self,
        group: &str,
        stream_prefix: Option<&str>,
        start_ms: i64,
        end_ms: Option<i64>,
        pattern: Option<&str>,
        next_token: Option<String>,
    ) -> Result<Page, LogError>;

    /// The group's streams, most recently written first (a bounded number of them).
    async fn streams(&self, group: &str) -> Result<Vec<StreamInfo>, LogError>;

    /// True when the log group exists.
    async fn group_exists(&self, group: &str) -> Result<bool, LogError>;

    /// The instance's console output, decoded (empty when EC2 has none yet).
    async fn console_output(&self, instance_id: &str) -> Result<String, LogError>;

    /// Starts a live tail session on `group` (a name or an ARN). Fails with
    /// [`LogError::LiveTailUnavailable`] when the service cannot do it; callers then poll.
    async fn live_tail(
        &self,
        group: &str,
        stream_prefix: Option<&str>,
        pattern: Option<&str>,
    ) -> Result<LiveTail, LogError>;

    /// `aws` or `demo`.
    fn kind(&self) -> &'static str;
}

/// Every event of the query, all pages, de-duplicated by event id, oldest first.
pub async fn fetch_all(
    store: &dyn LogStore,
    group: &str,
    stream_prefix: Option<&str>,
    start_ms: i64,
    end_ms: Option<i64>,
    pattern: Option<&str>,
) -> Result<Vec<LogEvent>, LogError> {
    let mut seen = std::collections::HashSet::new();
    let mut all = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page =
            store.filter_events(group, stream_prefix, start_ms, end_ms, pattern, token.clone()).await?;
        for e in page.events {
            let fresh = match &e.id {
                Some(id) => seen.insert(id.clone()),
                None => true,
            };
            if fresh {
                all.push(e);
            }
        }
        match page.next_token {
            // A token that does not move would loop forever.
            Some(t) if Some(&t) != token.as_ref() => token = Some(t),
            _ => break,
        }
    }
    all.sort_by_key(|e| e.ts_ms);
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_parse_and_print_their_names() {
        for s in Source::ALL {
            assert_eq!(s.name().parse::<Source>(), Ok(s));
        }
        let e = "logs".parse::<Source>().unwrap_err();
        assert_eq!(e, "unknown log source `logs`; use run, scheduler or console");
    }

    #[test]
    fn statuses_read_short() {
        assert_eq!(SourceStatus::Live { sampled: false }.to_string(), "live");
        assert_eq!(SourceStatus::Live { sampled: true }.to_string(), "live (sampled by CloudWatch)");
        assert_eq!(SourceStatus::polling(1).to_string(), "polling every 1 s");
        let limited = SourceStatus::Polling { every_secs: 1, live_off: Some(LiveOff::SessionLimit) };
        assert_eq!(limited.to_string(), "polling every 1 s (live tail: session limit reached)");
        let denied = SourceStatus::Polling { every_secs: 1, live_off: Some(LiveOff::NotPermitted) };
        assert_eq!(denied.to_string(), "polling every 1 s (live tail: not permitted)");
        let off = SourceStatus::Polling { every_secs: 15, live_off: Some("cannot reach it".into()) };
        assert_eq!(off.to_string(), "polling every 15 s (live tail: unavailable)");
        let e = LogError::LiveTailUnavailable(LiveOff::NotPermitted).to_string();
        assert!(e.contains("logs:StartLiveTail"), "{e}");
        let since: Timestamp = "2026-11-23T12:03:41Z".parse().unwrap();
        let s =
            SourceStatus::Stale { since, why: "cannot reach logs.us-east-1.amazonaws.com: timed out".into() };
        assert_eq!(
            s.to_string(),
            "stale since 12:03 UTC: cannot reach logs.us-east-1.amazonaws.com: timed out"
        );
    }

    #[test]
    fn the_agent_config_ships_to_the_default_group_one_stream_per_instance() {
        let doc: serde_json::Value =
            serde_json::from_str(include_str!("../../../../assets/cloudwatch-agent.json")).unwrap();
        let files = doc["logs"]["logs_collected"]["files"]["collect_list"].as_array().unwrap();
        let run = &files[0];
        assert_eq!(run["file_path"], "/tmp/startup-out.txt");
        assert_eq!(run["log_group_name"], crate::config::Config::builtin().log_group);
        assert_eq!(run["log_stream_name"], "{instance_id}");
        for f in files {
            assert!(f.get("timestamp_format").is_none(), "lines carry no time");
            let stream = f["log_stream_name"].as_str().unwrap();
            assert!(stream.starts_with("{instance_id}"), "the instance id is the prefix");
        }
    }

    #[test]
    fn missing_group_names_the_group_and_the_fix() {
        let m = missing_group_message(Source::Run, "/baseline-model/run", &default_group_key(Source::Run));
        assert!(m.contains("`/baseline-model/run`"), "{m}");
        assert!(m.contains("set `run_group` under [logs] in the config file"), "{m}");
        assert!(m.contains("assets/cloudwatch-agent.json"), "{m}");
        let key = default_group_key(Source::Scheduler);
        let m = missing_group_message(Source::Scheduler, "/aws/lambda/x", &key);
        assert!(m.contains("set `lambda` under [schedule]"), "{m}");
        let m = missing_group_message(Source::Scheduler, "/aws/lambda/x", "`lambda` under [boxes.flu]");
        assert!(m.contains("set `lambda` under [boxes.flu]"), "{m}");
    }
}
