//! Live tail on the SDK's real path: the product's `AwsLogStore` and follower, through the real
//! `aws-sdk-cloudwatchlogs` client (its `streaming-` host resolved to loopback by a test
//! resolver), against a local stand-in that speaks `StartLiveTail`'s event-stream protocol in
//! front of moto (see `support/live_tail_server.rs`). Lines are written with `PutLogEvents`
//! through the stand-in, which stores them in moto and pushes them to the open sessions.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step should stop the test

#[path = "support/http_stub.rs"]
mod http_stub;
#[path = "support/live_tail_server.rs"]
mod live_tail_server;
mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use aws_sdk_cloudwatchlogs::config::{Credentials, SharedCredentialsProvider};
use baseline_panel::action::Action;
use baseline_panel::cloud::aws::sdk_config;
use baseline_panel::config::Config;
use baseline_panel::logs::aws::AwsLogStore;
use baseline_panel::logs::{
    FollowHandle, FollowRequest, LiveOff, LogBatch, LogError, LogStore, Pace, SourceStatus, TailItem,
    spawn_follow,
};
use baseline_panel::state::Health;
use live_tail_server::{FILTER_LOG_EVENTS, LiveTailServer, Refusal, START_LIVE_TAIL, StreamingToLoopback};
use support::logs::{RUN_GROUP, create, now_ms, put};
use support::moto::Moto;
use tokio::sync::{mpsc, watch};

/// moto, the stand-in in front of it, and the product's store reaching both through the SDK.
struct Rig {
    _moto: Moto,
    server: LiveTailServer,
    resolver: StreamingToLoopback,
    /// Writes through the stand-in (so open sessions see what is written).
    writer: aws_sdk_cloudwatchlogs::Client,
    store: Arc<AwsLogStore>,
}

fn creds() -> SharedCredentialsProvider {
    SharedCredentialsProvider::new(Credentials::new("testing", "testing", None, None, "tests"))
}

async fn rig() -> Option<Rig> {
    let moto = Moto::start()?;
    let server = LiveTailServer::start(&moto.url).await;
    let mut cfg = Config::builtin();
    cfg.endpoint_url = Some(server.url());
    let resolver = StreamingToLoopback::default();
    // The product's own SDK configuration (timeouts, region, endpoint), with the test's HTTP
    // client and credentials.
    let sdk = sdk_config(&cfg)
        .await
        .to_builder()
        .http_client(resolver.http_client())
        .credentials_provider(creds())
        .build();
    let store = Arc::new(AwsLogStore::new(&sdk, &cfg));
    let writer_sdk = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("us-east-1"))
        .endpoint_url(server.url())
        .credentials_provider(creds())
        .load()
        .await;
    let writer = aws_sdk_cloudwatchlogs::Client::new(&writer_sdk);
    create(&writer, RUN_GROUP, "i-1").await;
    create(&writer, RUN_GROUP, "i-2").await;
    Some(Rig { _moto: moto, server, resolver, writer, store })
}

impl Rig {
    /// Writes `msgs` to stream `stream` with consecutive timestamps from now.
    async fn write(&self, stream: &str, msgs: &[&str]) {
        let t = now_ms();
        let ev: Vec<(i64, String)> =
            msgs.iter().enumerate().map(|(i, m)| (t + i64::try_from(i).unwrap(), (*m).to_string())).collect();
        put(&self.writer, RUN_GROUP, stream, &ev).await;
    }

    fn follow(&self, pace: Pace) -> Follow {
        let (tx, rx) = mpsc::unbounded_channel();
        let (active, active_rx) = watch::channel(true);
        let since = jiff::Timestamp::from_millisecond(now_ms() - 60_000).unwrap();
        let req = FollowRequest::run(RUN_GROUP, Some("i-1"), since);
        let handle = spawn_follow(self.store.clone(), req, tx, active_rx, pace);
        Follow { rx, _handle: handle, active, lines: Vec::new(), statuses: Vec::new(), texts: Vec::new() }
    }
}

/// Short intervals; `live_retry` as given.
fn pace(live_retry: Duration) -> Pace {
    Pace {
        fast: Duration::from_millis(100),
        slow: Duration::from_secs(2),
        live_retry,
        max_backoff: Duration::from_millis(500),
        ..Pace::default()
    }
}

/// One follower and everything it sent.
struct Follow {
    rx: mpsc::UnboundedReceiver<LogBatch>,
    _handle: FollowHandle,
    active: watch::Sender<bool>,
    lines: Vec<String>,
    statuses: Vec<SourceStatus>,
    /// The status text and tone the panel shows, as the panel turns batches into actions.
    texts: Vec<(String, Health)>,
}

impl Follow {
    fn take(&mut self, b: LogBatch) {
        self.statuses.push(b.status.clone());
        if let Action::LogLines { lines, status, .. } = baseline_panel::feeds::to_action(b) {
            self.lines.extend(lines.into_iter().map(|(_, m)| m));
            self.texts.extend(status);
        }
    }

    async fn next(&mut self, deadline: tokio::time::Instant, what: &str) {
        let b = tokio::time::timeout_at(deadline, self.rx.recv())
            .await
            .unwrap_or_else(|_| {
                panic!("waiting for {what}; lines {:?}, statuses {:?}", self.lines, self.statuses)
            })
            .expect("the follower keeps going");
        self.take(b);
    }

    /// Receives until `n` lines in all have arrived.
    async fn until_lines(&mut self, n: usize) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while self.lines.len() < n {
            self.next(deadline, &format!("{n} lines")).await;
        }
    }

    /// Receives until the latest status matches `f`.
    async fn until_status(&mut self, what: &str, f: impl Fn(&SourceStatus) -> bool) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while !self.statuses.last().is_some_and(&f) {
            self.next(deadline, what).await;
        }
    }

    /// Takes whatever else arrives within `ms`.
    async fn settle(&mut self, ms: u64) {
        let end = tokio::time::Instant::now() + Duration::from_millis(ms);
        while let Ok(Some(b)) = tokio::time::timeout_at(end, self.rx.recv()).await {
            self.take(b);
        }
    }

    fn last_text(&self) -> (String, Health) {
        self.texts.last().cloned().expect("a status was shown")
    }
}

fn live(s: &SourceStatus) -> bool {
    *s == SourceStatus::Live { sampled: false }
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| (*s).to_string()).collect()
}

#[tokio::test]
async fn lines_arrive_live_through_the_sdk_once_each() {
    let Some(rig) = rig().await else { return };
    rig.write("i-1", &["h0", "h1", "h2"]).await;
    let mut f = rig.follow(pace(Duration::from_secs(60)));
    f.until_status("live", live).await;
    f.until_lines(3).await;
    assert_eq!(f.last_text(), ("live".to_string(), Health::Live));

    // The session was asked for as the service expects it, on the streaming- host.
    let starts: Vec<_> = rig.server.seen().into_iter().filter(|s| s.target == START_LIVE_TAIL).collect();
    assert_eq!(starts.len(), 1);
    assert!(starts[0].host.starts_with("streaming-127.0.0.1:"), "{}", starts[0].host);
    let groups = starts[0].body["logGroupIdentifiers"].as_array().unwrap();
    assert!(groups[0].as_str().unwrap().ends_with(":log-group:/baseline-model/run"), "an ARN: {groups:?}");
    assert_eq!(starts[0].body["logStreamNamePrefixes"], serde_json::json!(["i-1"]));
    assert!(rig.resolver.asked().iter().all(|n| n.starts_with("streaming-")), "{:?}", rig.resolver.asked());
    assert_eq!(rig.server.violations(), Vec::<String>::new());

    // New lines come by the session; another instance's stream is not followed.
    rig.write("i-1", &["l0", "l1"]).await;
    rig.write("i-2", &["other box"]).await;
    rig.write("i-1", &["l2"]).await;
    f.until_lines(6).await;
    f.settle(600).await;
    assert_eq!(f.lines, strings(&["h0", "h1", "h2", "l0", "l1", "l2"]), "each line once, in order");
    assert_eq!(rig.server.sent(), strings(&["l0", "l1", "l2"]), "the new lines came live");

    // Live, the follower does not poll: the first read and the session's catch-up only.
    let filters = rig.server.calls(FILTER_LOG_EVENTS);
    assert_eq!(filters, 2, "{:?}", rig.server.seen().iter().map(|s| &s.target).collect::<Vec<_>>());
    assert!(f.statuses.iter().skip_while(|s| !live(s)).all(live), "stayed live: {:?}", f.statuses);

    // A stopped box needs no session: it is closed (sessions count against the account's limit).
    f.active.send(false).unwrap();
    rig.server.until("the session closed", 5, |s| s.open_sessions() == 0).await;
    f.until_status("polling slowly", |s| *s == SourceStatus::polling(2)).await;
}

#[tokio::test]
async fn a_sampled_update_says_so_in_the_status() {
    let Some(rig) = rig().await else { return };
    rig.server.sample_over(3);
    let mut f = rig.follow(pace(Duration::from_secs(60)));
    f.until_status("live", live).await;

    let burst: Vec<String> = (0..12).map(|i| format!("burst {i:02}")).collect();
    rig.write("i-1", &burst.iter().map(String::as_str).collect::<Vec<_>>()).await;
    f.until_status("sampled", |s| *s == SourceStatus::Live { sampled: true }).await;
    assert_eq!(f.last_text(), ("live (sampled by CloudWatch)".to_string(), Health::Warning));
    f.until_lines(3).await;
    assert_eq!(f.lines, rig.server.sent(), "what CloudWatch sent, once");
    assert_eq!(f.lines.len(), 3);

    rig.write("i-1", &["calm again"]).await;
    f.until_status("no longer sampled", live).await;
    f.until_lines(4).await;
    assert_eq!(f.last_text(), ("live".to_string(), Health::Live));
    assert_eq!(f.lines.last().unwrap(), "calm again");
}

#[tokio::test]
async fn a_timed_out_session_is_reopened_at_once_without_losing_or_repeating_lines() {
    let Some(rig) = rig().await else { return };
    rig.write("i-1", &["before"]).await;
    // A long retry: were the timeout taken for "live tail unavailable", no second session
    // would open within this test.
    let mut f = rig.follow(pace(Duration::from_secs(600)));
    f.until_status("live", live).await;
    rig.write("i-1", &["a0", "a1"]).await;
    f.until_lines(3).await;

    // The 3-hour end, early. The next session is held back while lines are written: they
    // land while no session is open, so only the catch-up read can bring them.
    rig.server.hold_starts(true);
    let ended = Instant::now();
    rig.server.time_out_open_sessions();
    rig.server.until("a new session asked for", 5, |s| s.calls(START_LIVE_TAIL) == 2).await;
    let reopened_after = ended.elapsed();
    rig.write("i-1", &["gap0", "gap1"]).await;
    rig.server.hold_starts(false);
    f.until_lines(5).await;
    rig.write("i-1", &["b0"]).await;
    f.until_lines(6).await;
    f.settle(600).await;

    assert!(reopened_after < Duration::from_secs(2), "reopened after {reopened_after:?}");
    assert_eq!(f.lines, strings(&["before", "a0", "a1", "gap0", "gap1", "b0"]));
    assert_eq!(rig.server.sessions_opened(), 2);
    assert!(f.statuses.iter().skip_while(|s| !live(s)).all(live), "live throughout: {:?}", f.statuses);

    // Sessions that keep ending while lines keep coming: every line still once.
    rig.server.time_out_after(Some(Duration::from_millis(250)));
    rig.server.time_out_open_sessions();
    let mut want = f.lines.clone();
    for i in 0..25 {
        let m = format!("steady {i:02}");
        rig.write("i-1", &[m.as_str()]).await;
        want.push(m);
        tokio::time::sleep(Duration::from_millis(40)).await;
    }
    f.until_lines(want.len()).await;
    f.settle(800).await;
    assert_eq!(f.lines, want, "no line lost or repeated across {} sessions", rig.server.sessions_opened());
    assert!(rig.server.sessions_opened() >= 5, "{} sessions", rig.server.sessions_opened());
    assert_eq!(rig.server.violations(), Vec::<String>::new());
}

#[tokio::test]
async fn the_session_limit_falls_back_to_polling_and_comes_back() {
    let Some(rig) = rig().await else { return };
    rig.server.refuse_next(1, Refusal::LimitExceeded);
    let mut f = rig.follow(pace(Duration::from_millis(1_500)));
    f.until_status("polling because of the limit", |s| {
        *s == SourceStatus::Polling { every_secs: 1, live_off: Some(LiveOff::SessionLimit) }
    })
    .await;
    assert_eq!(
        f.last_text(),
        ("polling every 1 s (live tail: session limit reached)".to_string(), Health::Normal)
    );
    rig.write("i-1", &["polled"]).await;
    f.until_lines(1).await;
    assert!(rig.server.sent().is_empty(), "no session brought it");

    f.until_status("live again", live).await;
    assert_eq!(rig.server.calls(START_LIVE_TAIL), 2, "one refusal, one retry after live_retry");
    rig.write("i-1", &["pushed"]).await;
    f.until_lines(2).await;
    f.settle(500).await;
    assert_eq!(f.lines, strings(&["polled", "pushed"]));
    assert_eq!(rig.server.sent(), strings(&["pushed"]));
}

#[tokio::test]
async fn a_missing_permission_polls_says_why_and_is_not_retried_in_a_loop() {
    let Some(rig) = rig().await else { return };
    rig.server.refuse_next(2, Refusal::AccessDenied);
    let started = Instant::now();
    let mut f = rig.follow(pace(Duration::from_millis(800)));
    f.until_status("polling, not permitted", |s| {
        matches!(s, SourceStatus::Polling { live_off: Some(LiveOff::NotPermitted), .. })
    })
    .await;
    assert_eq!(f.last_text().0, "polling every 1 s (live tail: not permitted)");
    rig.write("i-1", &["still read"]).await;
    f.until_lines(1).await;
    // The policy is fixed (the stand-in stops refusing after two): live within a retry or two.
    f.until_status("live once permitted", live).await;
    let took = started.elapsed();
    assert_eq!(rig.server.calls(START_LIVE_TAIL), 3);
    assert!(took >= Duration::from_millis(1_600), "two waits of live_retry: {took:?}");
    rig.write("i-1", &["live now"]).await;
    f.until_lines(2).await;
    assert_eq!(f.lines, strings(&["still read", "live now"]));
}

#[tokio::test]
async fn a_failed_session_polls_for_a_while_then_goes_live_again() {
    let Some(rig) = rig().await else { return };
    let mut f = rig.follow(pace(Duration::from_secs(1)));
    f.until_status("live", live).await;
    rig.server.fail_open_sessions();
    f.until_status("polling after the failure", |s| {
        matches!(s, SourceStatus::Polling { live_off: Some(LiveOff::Unavailable(why)), .. }
            if why.contains("SessionStreamingException"))
    })
    .await;
    assert_eq!(f.last_text().0, "polling every 1 s (live tail: unavailable)");
    rig.write("i-1", &["while polling"]).await;
    f.until_lines(1).await;
    f.until_status("live again", live).await;
    rig.write("i-1", &["live again"]).await;
    f.until_lines(2).await;
    f.settle(500).await;
    assert_eq!(f.lines, strings(&["while polling", "live again"]));
    assert_eq!(rig.server.sessions_opened(), 2);
}

#[tokio::test]
async fn the_store_maps_the_protocol_to_items_and_refusals() {
    let Some(rig) = rig().await else { return };
    let store: &dyn LogStore = rig.store.as_ref();
    let mut tail = store.live_tail(RUN_GROUP, Some("i-1"), None).await.unwrap();
    rig.write("i-1", &["one", "two"]).await;
    match tail.next().await {
        Some(TailItem::Events { events, sampled: false }) => {
            let got: Vec<(&str, Option<&str>)> =
                events.iter().map(|e| (e.message.as_str(), e.stream.as_deref())).collect();
            assert_eq!(got, [("one", Some("i-1")), ("two", Some("i-1"))]);
            assert!(events[0].ts_ms > 0 && events[0].ingest_ms.is_some() && events[0].id.is_none());
        }
        other => panic!("an update: {other:?}"),
    }
    // The 3-hour end is its own item, not a failure.
    rig.server.time_out_open_sessions();
    assert_eq!(tail.next().await, Some(TailItem::TimedOut));
    assert_eq!(tail.next().await, None);

    rig.server.refuse_next(1, Refusal::LimitExceeded);
    rig.server.refuse_next(1, Refusal::AccessDenied);
    let limit = store.live_tail(RUN_GROUP, None, None).await.err();
    assert_eq!(limit, Some(LogError::LiveTailUnavailable(LiveOff::SessionLimit)));
    let denied = store.live_tail(RUN_GROUP, None, None).await.err();
    assert_eq!(denied, Some(LogError::LiveTailUnavailable(LiveOff::NotPermitted)));
    assert!(matches!(store.live_tail("/nope", None, None).await, Err(LogError::GroupMissing { .. })));
    // Refusals are answers: the SDK did not retry them.
    assert_eq!(rig.server.calls(START_LIVE_TAIL), 3);
}
