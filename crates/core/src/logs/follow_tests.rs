//! The follower against an in-memory store whose answers the tests control.

use std::collections::VecDeque;
use std::sync::Mutex;

use async_trait::async_trait;

use super::*;
use crate::cloud::CloudError;
use crate::logs::{LiveTail, Page, StreamInfo, TailItem};

/// A store like `CloudWatch`: pages of 3, events visible once added, scripted failures.
#[derive(Default)]
struct Fake {
    events: Mutex<Vec<LogEvent>>,
    fail_next: Mutex<Vec<LogError>>,
    group_missing: Mutex<bool>,
    /// Answers to the next `live_tail` calls, in order; "not here" once they run out.
    live: Mutex<VecDeque<Result<mpsc::Receiver<TailItem>, LogError>>>,
    live_calls: Mutex<u32>,
    console: Mutex<String>,
    filter_calls: Mutex<u32>,
    console_calls: Mutex<u32>,
}

impl Fake {
    fn put(&self, ts: i64, msg: &str) {
        let mut ev = self.events.lock().unwrap();
        let id = ev.len().to_string();
        ev.push(LogEvent {
            ts_ms: ts,
            ingest_ms: None,
            message: msg.into(),
            id: Some(id),
            stream: Some("i-1".into()),
        });
    }
}

#[async_trait]
impl LogStore for Fake {
    async fn filter_events(
        &self,
        group: &str,
        _prefix: Option<&str>,
        start_ms: i64,
        end_ms: Option<i64>,
        pattern: Option<&str>,
        next_token: Option<String>,
    ) -> Result<Page, LogError> {
        *self.filter_calls.lock().unwrap() += 1;
        if let Some(e) = self.fail_next.lock().unwrap().pop() {
            return Err(e);
        }
        if *self.group_missing.lock().unwrap() {
            return Err(LogError::GroupMissing { group: group.into() });
        }
        let p = Pattern::parse(pattern.unwrap_or(""));
        let mut all: Vec<LogEvent> = self
            .events
            .lock()
            .unwrap()
            .iter()
            .filter(|e| e.ts_ms >= start_ms && end_ms.is_none_or(|x| e.ts_ms <= x))
            .filter(|e| p.matches(&e.message))
            .cloned()
            .collect();
        all.sort_by_key(|e| e.ts_ms);
        let from: usize = next_token.map_or(0, |t| t.parse().unwrap());
        let to = (from + 3).min(all.len());
        Ok(Page { events: all[from..to].to_vec(), next_token: (to < all.len()).then(|| to.to_string()) })
    }

    async fn streams(&self, _group: &str) -> Result<Vec<StreamInfo>, LogError> {
        Ok(Vec::new())
    }

    async fn group_exists(&self, _group: &str) -> Result<bool, LogError> {
        Ok(true)
    }

    async fn console_output(&self, _id: &str) -> Result<String, LogError> {
        *self.console_calls.lock().unwrap() += 1;
        Ok(self.console.lock().unwrap().clone())
    }

    async fn live_tail(
        &self,
        _group: &str,
        _prefix: Option<&str>,
        _pattern: Option<&str>,
    ) -> Result<LiveTail, LogError> {
        *self.live_calls.lock().unwrap() += 1;
        match self.live.lock().unwrap().pop_front() {
            Some(answer) => answer.map(|rx| LiveTail::from_channel(rx, None)),
            None => Err(LogError::LiveTailUnavailable("not here".into())),
        }
    }

    fn kind(&self) -> &'static str {
        "fake"
    }
}

/// A session the test feeds.
fn session(store: &Fake) -> mpsc::Sender<TailItem> {
    let (tx, rx) = mpsc::channel(8);
    store.live.lock().unwrap().push_back(Ok(rx));
    tx
}

fn live_event(ts: i64, m: &str) -> LogEvent {
    LogEvent { ts_ms: ts, ingest_ms: None, message: m.into(), id: None, stream: Some("i-1".into()) }
}

fn update(events: Vec<LogEvent>) -> TailItem {
    TailItem::Events { events, sampled: false }
}

fn quick() -> Pace {
    Pace {
        fast: Duration::from_millis(20),
        slow: Duration::from_millis(400),
        hidden_active: Duration::from_millis(400),
        hidden: Duration::from_millis(400),
        overlap: Duration::from_secs(10),
        live_retry: Duration::from_secs(600),
        console_fast: Duration::from_millis(20),
        console_slow: Duration::from_millis(400),
        max_backoff: Duration::from_millis(200),
    }
}

struct Run {
    rx: mpsc::UnboundedReceiver<LogBatch>,
    handle: FollowHandle,
    lines: Vec<String>,
    statuses: Vec<SourceStatus>,
}

impl Run {
    fn start(store: Arc<Fake>, req: FollowRequest, active: bool) -> Run {
        Self::with_pace(store, req, active, quick())
    }

    fn with_pace(store: Arc<Fake>, req: FollowRequest, active: bool, pace: Pace) -> Run {
        let (tx, rx) = mpsc::unbounded_channel();
        let handle = spawn_follow(store, req, tx, watch::channel(active).1, pace);
        Run { rx, handle, lines: Vec::new(), statuses: Vec::new() }
    }

    /// Receives until `n` lines in all have arrived (or fails after 5 s).
    async fn until_lines(&mut self, n: usize) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        while self.lines.len() < n {
            let b = tokio::time::timeout_at(deadline, self.rx.recv())
                .await
                .unwrap_or_else(|_| panic!("only {:?} of {n} lines", self.lines))
                .expect("the follower never ends by itself");
            self.take(b);
        }
    }

    /// Receives until a batch with a status matching `f`.
    async fn until_status(&mut self, f: impl Fn(&SourceStatus) -> bool) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        loop {
            let b = tokio::time::timeout_at(deadline, self.rx.recv())
                .await
                .unwrap_or_else(|_| panic!("statuses so far: {:?}", self.statuses))
                .unwrap();
            let hit = f(&b.status);
            self.take(b);
            if hit {
                return;
            }
        }
    }

    fn take(&mut self, b: LogBatch) {
        self.lines.extend(b.events.into_iter().map(|e| e.message));
        self.statuses.push(b.status);
    }
}

fn req() -> FollowRequest {
    FollowRequest::run("/g", Some("i-1"), Timestamp::UNIX_EPOCH)
}

#[tokio::test]
async fn history_then_new_lines_without_gaps_or_duplicates() {
    let store = Arc::new(Fake::default());
    for i in 0..7 {
        store.put(1_000 + i, &format!("h{i}"));
    }
    let mut run = Run::start(store.clone(), req(), true);
    run.until_lines(7).await;
    assert_eq!(run.statuses[0], SourceStatus::polling(1), "the fake has no live tail");
    // New lines, two of them at the timestamp of the last line seen, one slightly older.
    store.put(1_006, "same-ts-1");
    store.put(1_006, "same-ts-2");
    store.put(1_003, "late");
    store.put(2_000, "newer");
    run.until_lines(11).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    while let Ok(b) = run.rx.try_recv() {
        run.take(b);
    }
    let expected: Vec<String> = (0..7)
        .map(|i| format!("h{i}"))
        .chain(["late", "same-ts-1", "same-ts-2", "newer"].map(String::from))
        .collect();
    let mut got = run.lines.clone();
    got.sort_by_key(|l| expected.iter().position(|e| e == l));
    assert_eq!(got, expected, "each line exactly once");
    assert_eq!(run.lines.len(), 11, "{:?}", run.lines);
}

#[tokio::test]
async fn throttling_backs_off_and_carries_on() {
    let store = Arc::new(Fake::default());
    store.put(1, "before");
    let mut run = Run::start(store.clone(), req(), true);
    run.until_lines(1).await;
    let throttled = || LogError::Cloud(CloudError::Throttled("ThrottlingException".into()));
    store.fail_next.lock().unwrap().extend([throttled(), throttled()]);
    run.until_status(|s| matches!(s, SourceStatus::Stale { why, .. } if why.contains("throttled"))).await;
    store.put(2, "after");
    run.until_lines(2).await;
    assert_eq!(run.lines, ["before", "after"]);
    assert!(matches!(run.statuses.last(), Some(SourceStatus::Polling { .. })));
}

#[tokio::test]
async fn a_missing_group_is_an_error_status_until_it_appears() {
    let store = Arc::new(Fake::default());
    *store.group_missing.lock().unwrap() = true;
    let keys = crate::config::SettingKeys {
        log_group: "`log_group` under [boxes.flu]".into(),
        ..crate::config::SettingKeys::top_level()
    };
    let mut run = Run::start(store.clone(), req().with_group_key(&keys), true);
    run.until_status(
        |s| matches!(s, SourceStatus::Error(m) if m.contains("set `log_group` under [boxes.flu] in the config file")),
    )
    .await;
    *store.group_missing.lock().unwrap() = false;
    store.put(5, "agent installed");
    run.until_lines(1).await;
    assert_eq!(run.lines, ["agent installed"]);
}

#[tokio::test]
async fn live_tail_is_used_while_active_and_overlaps_are_dropped() {
    let store = Arc::new(Fake::default());
    store.put(10, "boot");
    let (live_tx, live_rx) = mpsc::channel(8);
    store.live.lock().unwrap().push_back(Ok(live_rx));
    let mut run = Run::start(store.clone(), req(), true);
    run.until_status(|s| *s == SourceStatus::Live { sampled: false }).await;
    let live = |ts, m: &str| LogEvent {
        ts_ms: ts,
        ingest_ms: None,
        message: m.into(),
        id: None,
        stream: Some("i-1".into()),
    };
    // The session repeats what the catch-up poll already gave, then brings new lines.
    live_tx
        .send(TailItem::Events { events: vec![live(10, "boot"), live(20, "fit")], sampled: false })
        .await
        .unwrap();
    run.until_lines(2).await;
    assert_eq!(run.lines, ["boot", "fit"]);
    // The session ends (the 3-hour limit): the follower goes on polling, still without duplicates.
    store.put(20, "fit");
    store.put(30, "plot");
    drop(live_tx);
    run.until_lines(3).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    while let Ok(b) = run.rx.try_recv() {
        run.take(b);
    }
    assert_eq!(run.lines, ["boot", "fit", "plot"]);
}

#[tokio::test]
async fn an_unavailable_live_tail_falls_back_once_and_a_stopped_box_polls_slowly() {
    let store = Arc::new(Fake::default());
    let mut run = Run::start(store.clone(), req(), true);
    run.until_status(|s| matches!(s, SourceStatus::Polling { .. })).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(*store.live_calls.lock().unwrap(), 1, "not retried at once");
    run.handle.cancel();

    let store = Arc::new(Fake::default());
    let mut run = Run::start(store.clone(), req(), false);
    run.until_status(|s| matches!(s, SourceStatus::Polling { .. })).await;
    assert_eq!(*store.live_calls.lock().unwrap(), 0, "no live tail while stopped");
}

#[tokio::test]
async fn activity_switches_the_pace() {
    let store = Arc::new(Fake::default());
    let (tx, mut rx) = mpsc::unbounded_channel();
    let (active_tx, active_rx) = watch::channel(false);
    let mut pace = quick();
    pace.slow = Duration::from_secs(3);
    let _h = spawn_follow(store.clone(), req(), tx, active_rx, pace);
    assert_eq!(rx.recv().await.unwrap().status, SourceStatus::polling(3));
    active_tx.send(true).unwrap();
    store.put(1, "now running");
    let b = tokio::time::timeout(Duration::from_secs(1), rx.recv())
        .await
        .expect("woken by the change, not after the slow interval")
        .unwrap();
    assert_eq!(b.events.len(), 1);
    assert_eq!(b.status, SourceStatus::polling(1));
}

#[tokio::test]
async fn cancelling_or_dropping_the_receiver_ends_the_task() {
    let store = Arc::new(Fake::default());
    let run = Run::start(store.clone(), req(), true);
    run.handle.stop().await;

    let run = Run::start(store, req(), true);
    let Run { rx, handle, .. } = run;
    drop(rx);
    tokio::time::timeout(Duration::from_secs(2), async {
        while !handle.is_finished() {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .expect("the follower stops when nobody listens");
}

#[tokio::test]
async fn the_console_delivers_new_lines_only() {
    let store = Arc::new(Fake::default());
    *store.console.lock().unwrap() = "[ 0.0] Linux\nlogin: ".into();
    let req = FollowRequest::console("i-1").with_filter(Some("-Stopped"));
    let mut run = Run::start(store.clone(), req, true);
    run.until_lines(1).await;
    *store.console.lock().unwrap() =
        "[ 0.0] Linux\nlogin: \n[ OK ] Stopped agent\nreboot: Power down\n".into();
    run.until_lines(3).await;
    assert_eq!(run.lines, ["[ 0.0] Linux", "login: ", "reboot: Power down"]);
}

#[tokio::test]
async fn a_timed_out_session_is_reopened_at_once_and_the_status_stays_live() {
    let store = Arc::new(Fake::default());
    store.put(10, "boot");
    let first = session(&store);
    let second = session(&store);
    let mut run = Run::start(store.clone(), req(), true); // live_retry: 10 minutes
    run.until_status(|s| *s == SourceStatus::Live { sampled: false }).await;
    first.send(update(vec![live_event(20, "fit")])).await.unwrap();
    run.until_lines(2).await;
    // Written while no session was open: only the catch-up read of the next session brings it.
    store.put(20, "fit");
    store.put(25, "between");
    first.send(TailItem::TimedOut).await.unwrap();
    run.until_lines(3).await;
    second.send(update(vec![live_event(25, "between"), live_event(30, "plot")])).await.unwrap();
    run.until_lines(4).await;
    assert_eq!(run.lines, ["boot", "fit", "between", "plot"]);
    assert_eq!(*store.live_calls.lock().unwrap(), 2, "reopened without waiting for live_retry");
    let after_live = run.statuses.iter().skip_while(|s| !matches!(s, SourceStatus::Live { .. }));
    assert!(after_live.clone().all(|s| *s == SourceStatus::Live { sampled: false }), "{:?}", run.statuses);
}

#[tokio::test]
async fn a_refused_session_says_why_while_polling_and_live_tail_comes_back() {
    let store = Arc::new(Fake::default());
    store.live.lock().unwrap().push_back(Err(LogError::LiveTailUnavailable(LiveOff::SessionLimit)));
    let later = session(&store);
    let pace = Pace { live_retry: Duration::from_millis(300), ..quick() };
    let mut run = Run::with_pace(store.clone(), req(), true, pace);
    let limited = SourceStatus::Polling { every_secs: 1, live_off: Some(LiveOff::SessionLimit) };
    run.until_status(|s| *s == limited).await;
    store.put(5, "polled");
    run.until_lines(1).await;
    run.until_status(|s| *s == SourceStatus::Live { sampled: false }).await;
    later.send(update(vec![live_event(9, "pushed")])).await.unwrap();
    run.until_lines(2).await;
    assert_eq!(run.lines, ["polled", "pushed"]);
    assert_eq!(*store.live_calls.lock().unwrap(), 2);
}

#[tokio::test]
async fn sampling_shows_in_the_status_and_goes_away() {
    let store = Arc::new(Fake::default());
    let tx = session(&store);
    let mut run = Run::start(store.clone(), req(), true);
    run.until_status(|s| *s == SourceStatus::Live { sampled: false }).await;
    tx.send(TailItem::Events { events: vec![live_event(1, "one of many")], sampled: true }).await.unwrap();
    run.until_status(|s| *s == SourceStatus::Live { sampled: true }).await;
    tx.send(update(vec![live_event(2, "calm")])).await.unwrap();
    run.until_status(|s| *s == SourceStatus::Live { sampled: false }).await;
    assert_eq!(run.lines, ["one of many", "calm"]);
}

#[tokio::test]
async fn a_failed_session_polls_for_live_retry_and_says_so_only_while_active() {
    let store = Arc::new(Fake::default());
    let tx = session(&store);
    let (btx, mut rx) = mpsc::unbounded_channel();
    let (active_tx, active_rx) = watch::channel(true);
    let pace = Pace { slow: Duration::from_secs(2), ..quick() };
    let _h = spawn_follow(store.clone(), req(), btx, active_rx, pace);
    let mut statuses = Vec::new();
    let mut until = async |f: &dyn Fn(&SourceStatus) -> bool| loop {
        let b = tokio::time::timeout(Duration::from_secs(5), rx.recv()).await.unwrap().unwrap();
        statuses.push(b.status.clone());
        if f(&b.status) {
            return;
        }
    };
    until(&|s| matches!(s, SourceStatus::Live { .. })).await;
    let failure =
        LogError::LiveTailUnavailable("the live tail session ended: SessionStreamingException".into());
    tx.send(TailItem::Failed(failure)).await.unwrap();
    until(&|s| {
        matches!(s, SourceStatus::Polling { every_secs: 1, live_off: Some(LiveOff::Unavailable(w)) }
            if w.contains("SessionStreamingException"))
    })
    .await;
    active_tx.send(false).unwrap();
    until(&|s| *s == SourceStatus::polling(2)).await;
    assert_eq!(*store.live_calls.lock().unwrap(), 1, "not retried before live_retry");
}

#[path = "follow_pace_tests.rs"]
mod pace;
