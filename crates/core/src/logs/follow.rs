//! Following one log source in the background: a live tail session while the box is active
//! (where the service offers one), polling otherwise, and batches of new lines on a channel.
//!
//! Polls re-read an overlap window and drop what was delivered (see [`super::dedup`]), so there
//! are no gaps at page or poll boundaries and no duplicates. Errors never end the stream: they
//! are reported as a status and retried, with backoff when AWS throttles.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use jiff::Timestamp;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

use super::console::ConsoleTracker;
use super::dedup::{Cursor, Window};
use super::pattern::Pattern;
use super::{
    LogError, LogEvent, LogStore, Source, SourceStatus, default_group_key, fetch_all, missing_group_message,
    scheduler_group,
};

/// What to follow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowRequest {
    /// Which source (the batches carry it back).
    pub source: Source,
    /// The log group (unused for the console).
    pub group: String,
    /// Only streams starting with this (the run group: the instance id). For
    /// [`Source::Console`], the instance id whose console is read.
    pub stream_prefix: Option<String>,
    /// Deliver lines from this time on, ms since the epoch.
    pub since_ms: i64,
    /// A `CloudWatch` filter pattern, if any.
    pub filter: Option<String>,
    /// Where the config file sets the group, for the message when it does not exist.
    pub group_key: String,
}

impl FollowRequest {
    /// The run's output in `group`, for one instance (its streams) or all.
    pub fn run(group: &str, instance_id: Option<&str>, since: Timestamp) -> Self {
        FollowRequest {
            source: Source::Run,
            group: group.into(),
            stream_prefix: instance_id.map(str::to_owned),
            since_ms: since.as_millisecond(),
            filter: None,
            group_key: default_group_key(Source::Run),
        }
    }

    /// The scheduler Lambda's log.
    pub fn scheduler(lambda_name: &str, since: Timestamp) -> Self {
        FollowRequest {
            source: Source::Scheduler,
            group: scheduler_group(lambda_name),
            stream_prefix: None,
            since_ms: since.as_millisecond(),
            filter: None,
            group_key: default_group_key(Source::Scheduler),
        }
    }

    /// The instance's console output.
    pub fn console(instance_id: &str) -> Self {
        FollowRequest {
            source: Source::Console,
            group: String::new(),
            stream_prefix: Some(instance_id.into()),
            since_ms: 0,
            filter: None,
            group_key: String::new(),
        }
    }

    /// The same request naming where the config file sets its group (a box's own table).
    #[must_use]
    pub fn with_group_key(mut self, keys: &crate::config::SettingKeys) -> Self {
        self.group_key = match self.source {
            Source::Run => keys.log_group.clone(),
            Source::Scheduler => keys.lambda.clone(),
            Source::Console => String::new(),
        };
        self
    }

    /// The same request with a filter pattern.
    #[must_use]
    pub fn with_filter(mut self, pattern: Option<&str>) -> Self {
        self.filter = pattern.filter(|p| !p.trim().is_empty()).map(str::to_owned);
        self
    }
}

/// New lines of one source, with how the source is being read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogBatch {
    /// Which source.
    pub source: Source,
    /// New events, oldest first. A late event may be older than the previous batch's last one
    /// (`CloudWatch` shows events some seconds after their time); sort on insertion.
    pub events: Vec<LogEvent>,
    /// How the source is read now.
    pub status: SourceStatus,
}

/// How often to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pace {
    /// Poll interval while the box is active.
    pub fast: Duration,
    /// Poll interval while it is stopped, and the retry interval after errors that need the operator.
    pub slow: Duration,
    /// How far before the newest line seen each poll re-reads (events become visible late).
    pub overlap: Duration,
    /// How long to wait before trying live tail again once it was unavailable.
    pub live_retry: Duration,
    /// Console poll interval while the box is active.
    pub console_fast: Duration,
    /// Console poll interval while it is stopped.
    pub console_slow: Duration,
    /// Longest wait between retries.
    pub max_backoff: Duration,
}

impl Default for Pace {
    fn default() -> Self {
        Pace {
            fast: Duration::from_secs(1),
            slow: Duration::from_secs(15),
            overlap: Duration::from_secs(10),
            live_retry: Duration::from_secs(600),
            console_fast: Duration::from_secs(10),
            console_slow: Duration::from_secs(60),
            max_backoff: Duration::from_secs(60),
        }
    }
}

/// A running follower. Dropping it (or [`FollowHandle::cancel`]) stops it; so does dropping the
/// batch receiver.
pub struct FollowHandle {
    cancel: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl FollowHandle {
    /// Stops the follower (it sends nothing more).
    pub fn cancel(&self) {
        let _ = self.cancel.send(true);
    }

    /// True once the follower has stopped.
    pub fn is_finished(&self) -> bool {
        self.task.is_finished()
    }

    /// Stops the follower and waits for it to end.
    pub async fn stop(self) {
        self.cancel();
        let FollowHandle { task, cancel } = self;
        let _ = task.await;
        drop(cancel);
    }
}

/// Starts following `req` on `store`, sending [`LogBatch`]es to `tx`: the history since
/// `req.since_ms` first (always one batch, even empty, with the status), then new lines as they
/// come. `active` says whether the box is pending/running/stopping: reads are fast then
/// (and live tail is tried), slow otherwise. A dropped `active` sender keeps its last value.
/// Call it inside a Tokio runtime.
pub fn spawn_follow(
    store: Arc<dyn LogStore>,
    req: FollowRequest,
    tx: mpsc::UnboundedSender<LogBatch>,
    active: watch::Receiver<bool>,
    pace: Pace,
) -> FollowHandle {
    let (cancel_tx, cancel_rx) = watch::channel(false);
    let f = Follower {
        store,
        cursor: Cursor::new(req.since_ms, i64::try_from(pace.overlap.as_millis()).unwrap_or(i64::MAX)),
        req,
        tx,
        active,
        active_open: true,
        cancel: cancel_rx,
        pace,
        last_status: None,
        last_ok: None,
        failures: 0,
        live_after: None,
    };
    FollowHandle { cancel: cancel_tx, task: tokio::spawn(f.run()) }
}

enum Step {
    Go,
    Stop,
}

enum Read {
    Ok,
    Failed(LogError),
    Stop,
}

struct Follower {
    store: Arc<dyn LogStore>,
    req: FollowRequest,
    tx: mpsc::UnboundedSender<LogBatch>,
    active: watch::Receiver<bool>,
    active_open: bool,
    cancel: watch::Receiver<bool>,
    pace: Pace,
    cursor: Cursor,
    last_status: Option<SourceStatus>,
    last_ok: Option<Timestamp>,
    failures: u32,
    live_after: Option<Instant>,
}

/// Resolves once cancellation is asked for (or the handle is gone).
async fn cancelled(rx: &mut watch::Receiver<bool>) {
    loop {
        if *rx.borrow_and_update() || rx.changed().await.is_err() {
            return;
        }
    }
}

/// Resolves when the box's activity changes; never once its sender is gone.
async fn activity_changed(rx: &mut watch::Receiver<bool>, open: &mut bool) {
    if *open && rx.changed().await.is_ok() {
        return;
    }
    *open = false;
    std::future::pending::<()>().await;
}

/// Runs `fut` unless the follower is cancelled or nobody listens any more.
async fn or_stop<T>(
    cancel: &mut watch::Receiver<bool>,
    tx: &mpsc::UnboundedSender<LogBatch>,
    fut: impl Future<Output = T>,
) -> Option<T> {
    tokio::select! {
        () = cancelled(cancel) => None,
        () = tx.closed() => None,
        v = fut => Some(v),
    }
}

impl Follower {
    async fn run(mut self) {
        if self.req.source == Source::Console {
            return self.run_console().await;
        }
        loop {
            let read = self.poll(None).await;
            let wait = match read {
                Read::Stop => return,
                Read::Ok if self.live_allowed() => match self.live().await {
                    Step::Stop => return,
                    Step::Go => continue,
                },
                Read::Ok => self.interval(),
                Read::Failed(e) => self.retry_wait(&e),
            };
            if let Step::Stop = self.pause(wait).await {
                return;
            }
        }
    }

    fn is_active(&self) -> bool {
        *self.active.borrow()
    }

    fn interval(&self) -> Duration {
        match (self.req.source, self.is_active()) {
            (Source::Console, true) => self.pace.console_fast,
            (Source::Console, false) => self.pace.console_slow,
            (_, true) => self.pace.fast,
            (_, false) => self.pace.slow,
        }
    }

    fn polling(&self) -> SourceStatus {
        // Rounded to the nearest second, halves up.
        let every_secs = self.interval().saturating_add(Duration::from_millis(500)).as_secs();
        SourceStatus::Polling { every_secs: every_secs.max(1) }
    }

    fn live_allowed(&self) -> bool {
        self.is_active() && self.live_after.is_none_or(|t| Instant::now() >= t)
    }

    fn retry_wait(&self, e: &LogError) -> Duration {
        let base = if e.is_throttled() {
            Duration::from_secs(2)
        } else if e.is_transient() {
            self.interval()
        } else {
            return self.pace.slow.max(self.interval());
        };
        let doublings = self.failures.saturating_sub(1).min(10);
        (base * 2u32.pow(doublings)).min(self.pace.max_backoff)
    }

    fn error_status(&self, e: &LogError) -> SourceStatus {
        match e {
            LogError::GroupMissing { group } => {
                SourceStatus::Error(missing_group_message(self.req.source, group, &self.req.group_key))
            }
            e if e.is_transient() => match self.last_ok {
                Some(since) => SourceStatus::Stale { since, why: e.to_string() },
                None => SourceStatus::Error(e.to_string()),
            },
            e => SourceStatus::Error(e.to_string()),
        }
    }

    /// Sends a batch when there is something new: lines, a changed status, or the first answer.
    fn emit(&mut self, events: Vec<LogEvent>, status: SourceStatus) -> bool {
        let changed = self.last_status.as_ref() != Some(&status);
        if events.is_empty() && !changed {
            return true;
        }
        self.last_status = Some(status.clone());
        self.tx.send(LogBatch { source: self.req.source, events, status }).is_ok()
    }

    fn succeeded(&mut self) {
        self.failures = 0;
        self.last_ok = Some(Timestamp::now());
    }

    fn failed(&mut self, e: LogError) -> Read {
        self.failures = self.failures.saturating_add(1);
        tracing::warn!(source = %self.req.source, error = %e, "log read failed; retrying");
        let status = self.error_status(&e);
        if self.emit(Vec::new(), status) { Read::Failed(e) } else { Read::Stop }
    }

    /// One complete read from the cursor on; `status` replaces "polling" on success.
    async fn poll(&mut self, status: Option<SourceStatus>) -> Read {
        let r = or_stop(
            &mut self.cancel,
            &self.tx,
            fetch_all(
                self.store.as_ref(),
                &self.req.group,
                self.req.stream_prefix.as_deref(),
                self.cursor.query_start(),
                None,
                self.req.filter.as_deref(),
            ),
        )
        .await;
        match r {
            None => Read::Stop,
            Some(Ok(events)) => {
                self.succeeded();
                let fresh = self.cursor.admit(&mut Window::default(), events);
                let status = status.unwrap_or_else(|| self.polling());
                if self.emit(fresh, status) { Read::Ok } else { Read::Stop }
            }
            Some(Err(e)) => self.failed(e),
        }
    }

    /// Waits `d`, or less when the box's activity changes.
    async fn pause(&mut self, d: Duration) -> Step {
        tokio::select! {
            () = cancelled(&mut self.cancel) => Step::Stop,
            () = self.tx.closed() => Step::Stop,
            () = activity_changed(&mut self.active, &mut self.active_open) => Step::Go,
            () = tokio::time::sleep(d) => Step::Go,
        }
    }

    /// A live tail session, until it ends, fails, or the box stops being active.
    async fn live(&mut self) -> Step {
        let started = or_stop(
            &mut self.cancel,
            &self.tx,
            self.store.live_tail(
                &self.req.group,
                self.req.stream_prefix.as_deref(),
                self.req.filter.as_deref(),
            ),
        )
        .await;
        let mut tail = match started {
            None => return Step::Stop,
            Some(Ok(t)) => t,
            Some(Err(e)) => {
                tracing::info!(source = %self.req.source, error = %e, "live tail unavailable; polling");
                self.live_after = Some(Instant::now() + self.pace.live_retry);
                return Step::Go;
            }
        };
        // Lines that arrived between the last poll and the session's start.
        match self.poll(Some(SourceStatus::Live)).await {
            Read::Stop => return Step::Stop,
            Read::Failed(_) => return Step::Go,
            Read::Ok => {}
        }
        let opened = Instant::now();
        let mut session = Window::default();
        loop {
            tokio::select! {
                () = cancelled(&mut self.cancel) => return Step::Stop,
                () = self.tx.closed() => return Step::Stop,
                () = activity_changed(&mut self.active, &mut self.active_open) => {
                    if !self.is_active() {
                        return Step::Go;
                    }
                }
                item = tail.next() => {
                    let events = match item {
                        Some(Ok(events)) => events,
                        ended => {
                            if let Some(Err(e)) = ended {
                                tracing::warn!(source = %self.req.source, error = %e, "live tail ended");
                            }
                            // A session that ends at once will again: poll for a while.
                            if opened.elapsed() < Duration::from_secs(60) {
                                self.live_after = Some(Instant::now() + self.pace.live_retry);
                            }
                            return Step::Go;
                        }
                    };
                    let fresh = self.cursor.admit(&mut session, events);
                    if !self.emit(fresh, SourceStatus::Live) {
                        return Step::Stop;
                    }
                }
            }
        }
    }

    async fn run_console(mut self) {
        let Some(instance) = self.req.stream_prefix.clone() else {
            self.emit(Vec::new(), SourceStatus::Idle);
            cancelled(&mut self.cancel).await;
            return;
        };
        let pattern = Pattern::parse(self.req.filter.as_deref().unwrap_or(""));
        let mut tracker = ConsoleTracker::default();
        loop {
            let r = or_stop(&mut self.cancel, &self.tx, self.store.console_output(&instance)).await;
            let wait = match r {
                None => return,
                Some(Ok(text)) => {
                    self.succeeded();
                    let now = Timestamp::now().as_millisecond();
                    let events = tracker
                        .feed(&text)
                        .into_iter()
                        .filter(|l| pattern.matches(l))
                        .map(|message| LogEvent {
                            ts_ms: now,
                            ingest_ms: None,
                            message,
                            id: None,
                            stream: Some(instance.clone()),
                        })
                        .collect();
                    let status = self.polling();
                    if !self.emit(events, status) {
                        return;
                    }
                    self.interval()
                }
                Some(Err(e)) => match self.failed(e.clone()) {
                    Read::Stop => return,
                    _ => self.retry_wait(&e),
                },
            };
            if let Step::Stop = self.pause(wait).await {
                return;
            }
        }
    }
}

#[cfg(test)]
#[path = "follow_tests.rs"]
mod tests;
