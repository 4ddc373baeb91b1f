//! The follower's pace against what the panel wishes, counted on the fake store: which reads
//! happen, and how many. The panel's intervals run a hundred times faster here (a simulated
//! second is 10 ms); counts allow for a loaded machine, which only ever makes them lower.

use tokio::time::{Instant, sleep};

use super::*;

/// A simulated second.
const SEC: Duration = Duration::from_millis(10);
/// A simulated minute.
const MINUTE: Duration = Duration::from_millis(600);

/// The panel's intervals, a hundred times faster.
fn panel() -> Pace {
    Pace {
        fast: 5 * SEC,
        slow: 120 * SEC,
        hidden_active: 30 * SEC,
        hidden: 300 * SEC,
        overlap: Duration::from_secs(10),
        live_retry: Duration::from_secs(600),
        console_fast: 10 * SEC,
        console_slow: 60 * SEC,
        max_backoff: 60 * SEC,
    }
}

struct Paced {
    store: Arc<Fake>,
    wish: watch::Sender<PaceWish>,
    rx: mpsc::UnboundedReceiver<LogBatch>,
    _handle: FollowHandle,
}

impl Paced {
    fn start(req: FollowRequest, wish: PaceWish) -> Paced {
        Paced::start_with(req, wish, panel())
    }

    fn start_with(req: FollowRequest, wish: PaceWish, pace: Pace) -> Paced {
        let store = Arc::new(Fake::default());
        let (tx, rx) = mpsc::unbounded_channel();
        let (wish_tx, wish_rx) = watch::channel(wish);
        let handle = spawn_follow_paced(store.clone(), req, tx, wish_rx, pace);
        Paced { store, wish: wish_tx, rx, _handle: handle }
    }

    fn set(&self, f: impl FnOnce(&mut PaceWish)) {
        self.wish.send_modify(f);
    }

    fn console_calls(&self) -> u32 {
        *self.store.console_calls.lock().unwrap()
    }

    fn filter_calls(&self) -> u32 {
        *self.store.filter_calls.lock().unwrap()
    }

    /// Filter calls made while `d` of simulated time passes.
    async fn filter_calls_over(&self, d: Duration) -> u32 {
        let before = self.filter_calls();
        sleep(d).await;
        self.filter_calls() - before
    }

    /// Waits (5 s at most) until the console was read `n` times in all.
    async fn until_console_calls(&self, n: u32) {
        let deadline = Instant::now() + Duration::from_secs(5);
        while self.console_calls() < n {
            assert!(Instant::now() < deadline, "{} console reads, not {n}", self.console_calls());
            sleep(Duration::from_millis(1)).await;
        }
    }

    fn last_status(&mut self) -> Option<SourceStatus> {
        let mut last = None;
        while let Ok(b) = self.rx.try_recv() {
            last = Some(b.status);
        }
        last
    }
}

#[tokio::test]
async fn a_hidden_console_is_read_only_when_shown_or_when_the_box_changes_state() {
    let wish = PaceWish { active: false, shown: Some(Source::Run), phase: 0 };
    let p = Paced::start(FollowRequest::console("i-1"), wish);
    sleep(2 * MINUTE).await;
    assert_eq!(p.console_calls(), 0, "not shown, no state change: not read");

    p.set(|w| {
        w.phase = 1;
        w.active = true;
    });
    p.until_console_calls(1).await;
    sleep(2 * MINUTE).await;
    assert_eq!(p.console_calls(), 1, "read once after the box changed state, and not again while hidden");

    let asked = Instant::now();
    p.set(|w| w.shown = Some(Source::Console));
    p.until_console_calls(2).await;
    assert!(asked.elapsed() < 5 * SEC, "switching to the console reads it at once: {:?}", asked.elapsed());
    let before = p.console_calls();
    sleep(MINUTE).await;
    // Shown while the box is active: every 10 s, six a minute.
    let n = p.console_calls() - before;
    assert!((3..=7).contains(&n), "{n} reads in a minute");

    p.set(|w| w.shown = None);
    sleep(5 * SEC).await;
    let before = p.console_calls();
    sleep(2 * MINUTE).await;
    assert_eq!(p.console_calls(), before, "hidden again: no reads");
}

#[tokio::test]
async fn the_run_log_polls_fast_only_while_the_box_is_active_and_it_is_shown() {
    let wish = PaceWish::showing(Source::Run, true);
    let mut p = Paced::start(req(), wish);
    // The fake has no live tail: polling every 5 s, twelve a minute (and the first reads).
    let n = p.filter_calls_over(MINUTE).await;
    assert!((6..=15).contains(&n), "active and shown: {n} reads a minute");
    // 5 s is 50 ms here; the status also says why there is no live tail.
    assert!(
        matches!(p.last_status(), Some(SourceStatus::Polling { every_secs: 1, live_off: Some(_) })),
        "{:?}",
        p.last_status()
    );

    p.set(|w| w.shown = Some(Source::Scheduler));
    sleep(SEC).await;
    let n = p.filter_calls_over(2 * MINUTE).await;
    assert!((2..=5).contains(&n), "active, not shown: every 30 s; {n} reads in 2 minutes");

    // The box stops: read once at the change, then every 5 minutes.
    p.set(|w| {
        w.active = false;
        w.phase += 1;
    });
    sleep(SEC).await;
    let n = p.filter_calls_over(4 * MINUTE).await;
    assert!(n <= 1, "stopped, not shown: {n} reads in 4 minutes");

    p.set(|w| w.shown = Some(Source::Run));
    sleep(SEC).await;
    let n = p.filter_calls_over(5 * MINUTE).await;
    assert!((1..=3).contains(&n), "stopped, shown: every 2 min; {n} reads in 5 minutes");
}

#[tokio::test]
async fn the_scheduler_log_is_slow_unless_shown_even_while_the_box_is_active() {
    let wish = PaceWish { active: true, shown: Some(Source::Run), phase: 0 };
    let p = Paced::start(FollowRequest::scheduler("start-baseline-instance", Timestamp::UNIX_EPOCH), wish);
    sleep(SEC).await;
    let n = p.filter_calls_over(4 * MINUTE).await;
    assert!(n <= 1, "{n} reads in 4 minutes");
    assert_eq!(*p.store.live_calls.lock().unwrap(), 0, "no live tail for a source not shown");
}

#[tokio::test]
async fn live_tail_ends_when_the_run_log_is_hidden_and_comes_back_when_shown() {
    let store = Arc::new(Fake::default());
    let live_tx = super::session(&store);
    let (tx, mut rx) = mpsc::unbounded_channel();
    let (wish, wish_rx) = watch::channel(PaceWish::showing(Source::Run, true));
    let _h = spawn_follow_paced(store.clone(), req(), tx, wish_rx, panel());
    let status = |rx: &mut mpsc::UnboundedReceiver<LogBatch>| {
        let mut last = None;
        while let Ok(b) = rx.try_recv() {
            last = Some(b.status);
        }
        last
    };
    sleep(5 * SEC).await;
    assert_eq!(status(&mut rx), Some(SourceStatus::Live { sampled: false }));
    let before = *store.filter_calls.lock().unwrap();
    sleep(MINUTE).await;
    assert_eq!(*store.filter_calls.lock().unwrap(), before, "a live session needs no polls");

    wish.send_modify(|w| w.shown = Some(Source::Console));
    tokio::time::timeout(Duration::from_secs(1), live_tx.closed()).await.expect("the session is closed");
    sleep(5 * SEC).await;
    assert_eq!(status(&mut rx), Some(SourceStatus::polling(1)));

    let _live_tx = super::session(&store);
    wish.send_modify(|w| w.shown = Some(Source::Run));
    sleep(5 * SEC).await;
    assert_eq!(*store.live_calls.lock().unwrap(), 2, "a new session once shown again");
    assert_eq!(status(&mut rx), Some(SourceStatus::Live { sampled: false }));
}

#[tokio::test]
async fn switching_panes_does_not_cut_a_throttling_backoff_short() {
    let wish = PaceWish::showing(Source::Run, true);
    // Backoff as in the panel, unscaled: 2 s, then 4 s.
    let pace = Pace { max_backoff: Duration::from_secs(60), ..panel() };
    let mut p = Paced::start_with(req(), wish, pace);
    sleep(5 * SEC).await;
    let throttled = || LogError::Cloud(CloudError::Throttled("ThrottlingException".into()));
    p.store.fail_next.lock().unwrap().extend((0..20).map(|_| throttled()));
    let before = p.filter_calls();
    // Three real seconds of pane switches every 50 ms. A throttled read waits 2 s before the next.
    for i in 0..60 {
        let shown = if i % 2 == 0 { Source::Scheduler } else { Source::Run };
        p.set(|w| w.shown = Some(shown));
        sleep(Duration::from_millis(50)).await;
    }
    let n = p.filter_calls() - before;
    assert!(n <= 3, "{n} reads in three throttled seconds");
    assert!(
        matches!(p.last_status(), Some(SourceStatus::Stale { why, .. }) if why.contains("throttled")),
        "the pane says so"
    );
    // The stream carries on once AWS lets it.
    p.store.fail_next.lock().unwrap().clear();
    p.store.put(5, "after the storm");
    p.set(|w| w.shown = Some(Source::Run));
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut lines = Vec::new();
    while lines.is_empty() {
        let b = tokio::time::timeout_at(deadline, p.rx.recv()).await.expect("lines after the storm").unwrap();
        lines.extend(b.events.into_iter().map(|e| e.message));
    }
    assert_eq!(lines, ["after the storm"]);
}

#[tokio::test]
async fn a_bool_activity_still_paces_a_source_that_is_always_shown() {
    let store = Arc::new(Fake::default());
    let (tx, _rx) = mpsc::unbounded_channel();
    let (active_tx, active_rx) = watch::channel(false);
    let _h = spawn_follow(store.clone(), req(), tx, active_rx, panel());
    sleep(SEC).await;
    let calls = || *store.filter_calls.lock().unwrap();
    let before = calls();
    sleep(3 * MINUTE).await;
    let stopped = calls() - before;
    assert!((1..=2).contains(&stopped), "stopped and shown: every 2 min; {stopped}");
    active_tx.send(true).unwrap();
    sleep(SEC).await;
    let before = calls();
    sleep(MINUTE).await;
    let active = calls() - before;
    assert!((6..=14).contains(&active), "active: every 5 s; {active}");
}
