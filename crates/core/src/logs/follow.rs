//! Following one log source in the background: a live tail session while the box is active
//! and the source is shown (where the service offers one), polling otherwise, and batches of new
//! lines on a channel. How often a source is polled follows a [`PaceWish`]: whether the box is
//! active and which source the panel shows (see [`Pace`] for the intervals).
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
use super::pace::PaceWish;
use super::pattern::Pattern;
use super::{
    LiveOff, LogError, LogEvent, LogStore, Source, SourceStatus, default_group_key, fetch_all,
    missing_group_message, scheduler_group,
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

/// How often to read. A source that is shown polls at `fast` / `slow` (`console_fast` /
/// `console_slow` for the console); one that is not shown polls at `hidden_active` (the run
/// log while the box is active: its lines feed the run's progress) or `hidden`, and the console
/// not at all. Every source is read once more at each change of the box's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pace {
    /// Poll interval of a shown source while the box is active (and live tail is unavailable).
    pub fast: Duration,
    /// Poll interval of a shown source while the box is stopped, and the retry interval after
    /// errors that need the operator.
    pub slow: Duration,
    /// Poll interval of the run log while the box is active and the run log is not shown.
    pub hidden_active: Duration,
    /// Poll interval of a log that is not shown otherwise (the console is then not polled).
    pub hidden: Duration,
    /// How far before the newest line seen each poll re-reads (events become visible late).
    pub overlap: Duration,
    /// How long to wait before trying live tail again once it was unavailable (session limit
    /// reached, not permitted, not offered, or a session that failed soon after it opened). A
    /// session that reached the service's time limit is reopened at once.
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
            hidden_active: Duration::from_secs(15),
            hidden: Duration::from_secs(15),
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
/// (and live tail is tried), slow otherwise; the source counts as shown. A dropped `active`
/// sender keeps its last value. Call it inside a Tokio runtime.
pub fn spawn_follow(
    store: Arc<dyn LogStore>,
    req: FollowRequest,
    tx: mpsc::UnboundedSender<LogBatch>,
    active: watch::Receiver<bool>,
    pace: Pace,
) -> FollowHandle {
    let wish = PaceWish::following(req.source, active);
    spawn_follow_paced(store, req, tx, wish, pace)
}

/// As [`spawn_follow`], paced by what the panel wishes: the box's activity, the source shown
/// and the box's state changes (see [`Pace`]). A dropped `wish` sender keeps its last value.
pub fn spawn_follow_paced(
    store: Arc<dyn LogStore>,
    req: FollowRequest,
    tx: mpsc::UnboundedSender<LogBatch>,
    wish: watch::Receiver<PaceWish>,
    pace: Pace,
) -> FollowHandle {
    let (cancel_tx, cancel_rx) = watch::channel(false);
    let f = Follower {
        store,
        cursor: Cursor::new(req.since_ms, i64::try_from(pace.overlap.as_millis()).unwrap_or(i64::MAX)),
        req,
        tx,
        active: wish,
        active_open: true,
        cancel: cancel_rx,
        pace,
        last_status: None,
        last_ok: None,
        last_read: None,
        failures: 0,
        live_after: None,
        live_off: None,
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

/// How long a pause lasts.
#[derive(Debug, Clone, Copy)]
enum Wait {
    /// Until the next read the wish asks for, counted from the last read.
    Interval,
    /// A fixed retry wait after a failure.
    Retry(Duration),
}

struct Follower {
    store: Arc<dyn LogStore>,
    req: FollowRequest,
    tx: mpsc::UnboundedSender<LogBatch>,
    /// The box's activity and what the panel shows.
    active: watch::Receiver<PaceWish>,
    active_open: bool,
    cancel: watch::Receiver<bool>,
    pace: Pace,
    cursor: Cursor,
    last_status: Option<SourceStatus>,
    last_ok: Option<Timestamp>,
    /// When the last read was asked for.
    last_read: Option<tokio::time::Instant>,
    failures: u32,
    live_after: Option<Instant>,
    /// Why live tail is not used now, while `live_after` holds it off.
    live_off: Option<LiveOff>,
}

/// Resolves once cancellation is asked for (or the handle is gone).
async fn cancelled(rx: &mut watch::Receiver<bool>) {
    loop {
        if *rx.borrow_and_update() || rx.changed().await.is_err() {
            return;
        }
    }
}

/// Resolves when the box's activity (or what is shown) changes; never once its sender is gone.
async fn activity_changed<T>(rx: &mut watch::Receiver<T>, open: &mut bool) {
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
                Read::Ok => Wait::Interval,
                Read::Failed(e) => Wait::Retry(self.retry_wait(&e)),
            };
            if let Step::Stop = self.pause(wait).await {
                return;
            }
        }
    }

    fn is_active(&self) -> bool {
        self.active.borrow().active
    }

    /// The interval while the source is shown, whatever is shown now: the status says it.
    fn shown_interval(&self) -> Duration {
        self.pace.shown_interval(self.req.source, self.is_active())
    }

    /// The wait between reads now; `None`: read only when the box's state changes.
    fn interval(&self) -> Option<Duration> {
        self.pace.interval(self.req.source, &self.active.borrow())
    }

    fn polling(&self) -> SourceStatus {
        // Rounded to the nearest second, halves up.
        let every_secs = self.shown_interval().saturating_add(Duration::from_millis(500)).as_secs();
        // While the box is stopped live tail is not wanted, so there is nothing to explain.
        let live_off = if self.is_active() { self.live_off.clone() } else { None };
        SourceStatus::Polling { every_secs: every_secs.max(1), live_off }
    }

    fn wants_live(&self) -> bool {
        self.active.borrow().wants_live(self.req.source)
    }

    fn live_allowed(&self) -> bool {
        self.wants_live() && self.live_after.is_none_or(|t| Instant::now() >= t)
    }

    fn retry_wait(&self, e: &LogError) -> Duration {
        let every = self.interval().unwrap_or_else(|| self.shown_interval());
        let base = if e.is_throttled() {
            Duration::from_secs(2)
        } else if e.is_transient() {
            every
        } else {
            return self.pace.slow.max(every);
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
        self.last_read = Some(tokio::time::Instant::now());
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

    /// Waits until the next read is due: `wait` after a failure, else the interval the wish
    /// asks for, counted from the last read (a source never read is due at once). A change of
    /// the box's activity or state ends the wait at once; a change of what is shown moves the
    /// end of an interval.
    async fn pause(&mut self, wait: Wait) -> Step {
        let from = tokio::time::Instant::now();
        loop {
            let seen = *self.active.borrow_and_update();
            let until = match wait {
                Wait::Retry(d) => Some(from + d),
                Wait::Interval => self.interval().map(|d| self.last_read.map_or(from, |t| t + d)),
            };
            let due = async move {
                match until {
                    Some(t) => tokio::time::sleep_until(t).await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                () = cancelled(&mut self.cancel) => return Step::Stop,
                () = self.tx.closed() => return Step::Stop,
                () = activity_changed(&mut self.active, &mut self.active_open) => {
                    let now = *self.active.borrow();
                    if now.active != seen.active || now.phase != seen.phase {
                        return Step::Go;
                    }
                }
                () = due => return Step::Go,
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
        // Not shown: the first read waits for the pane or for a change of the box's state.
        let mut wait = self.interval().is_none().then_some(Wait::Interval);
        loop {
            if let Some(w) = wait
                && let Step::Stop = self.pause(w).await
            {
                return;
            }
            self.last_read = Some(tokio::time::Instant::now());
            let r = or_stop(&mut self.cancel, &self.tx, self.store.console_output(&instance)).await;
            wait = Some(match r {
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
                    Wait::Interval
                }
                Some(Err(e)) => match self.failed(e.clone()) {
                    Read::Stop => return,
                    _ => Wait::Retry(self.retry_wait(&e)),
                },
            });
        }
    }
}

#[path = "follow_live.rs"]
mod live;

#[cfg(test)]
#[path = "follow_tests.rs"]
mod tests;
