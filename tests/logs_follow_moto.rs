//! The log store and the follower (library) against moto.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step should stop the test

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use baseline_panel::logs::{
    FollowRequest, LogBatch, LogError, LogStore, Pace, SourceStatus, fetch_all, spawn_follow,
};
use support::logs::{RUN_GROUP, client, create, now_ms, put, store};
use support::moto::{Moto, SEED_USER_DATA};
use tokio::sync::{mpsc, watch};

#[tokio::test]
async fn fetch_all_reads_every_page_once() {
    let Some(moto) = Moto::start() else { return };
    let c = client(&moto).await;
    create(&c, RUN_GROUP, "i-1").await;
    let t = now_ms() - 60_000;
    let ev: Vec<(i64, String)> = (0..250).map(|i| (t + i / 3, format!("e{i}"))).collect();
    put(&c, RUN_GROUP, "i-1", &ev).await;
    let s = store(&moto).await.with_page_limit(50);

    let first = s.filter_events(RUN_GROUP, Some("i-1"), 0, None, None, None).await.unwrap();
    assert_eq!(first.events.len(), 50);
    assert!(first.next_token.is_some(), "more pages");

    let all = fetch_all(&s, RUN_GROUP, Some("i-1"), 0, None, None).await.unwrap();
    let got: Vec<&str> = all.iter().map(|e| e.message.as_str()).collect();
    let want: Vec<&str> = ev.iter().map(|(_, m)| m.as_str()).collect();
    assert_eq!(got, want);
    let mut ids: Vec<_> = all.iter().map(|e| e.id.clone().unwrap()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 250);

    let window = fetch_all(&s, RUN_GROUP, None, t + 10, Some(t + 20), Some("e3")).await.unwrap();
    assert!(window.iter().all(|e| e.ts_ms >= t + 10 && e.ts_ms <= t + 20 && e.message.contains("e3")));
    assert!(!window.is_empty());
}

#[tokio::test]
async fn streams_groups_and_console() {
    let Some(moto) = Moto::start() else { return };
    let id = moto.launch("baseline model", SEED_USER_DATA).await;
    let c = client(&moto).await;
    create(&c, RUN_GROUP, "i-old").await;
    create(&c, RUN_GROUP, &id).await;
    put(&c, RUN_GROUP, "i-old", &[(now_ms() - 86_400_000, "last week".into())]).await;
    put(&c, RUN_GROUP, &id, &[(now_ms() - 1_000, "today".into())]).await;
    let s = store(&moto).await;

    let streams = s.streams(RUN_GROUP).await.unwrap();
    let names: Vec<&str> = streams.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, [id.as_str(), "i-old"], "most recent first");
    assert!(streams[0].last_event_ms > streams[1].last_event_ms);

    assert!(s.group_exists(RUN_GROUP).await.unwrap());
    assert!(!s.group_exists("/baseline-model").await.unwrap(), "a prefix is not the group");
    assert!(matches!(s.streams("/nope").await, Err(LogError::GroupMissing { .. })));

    let text = s.console_output(&id).await.unwrap();
    assert!(text.lines().count() > 3, "decoded text: {text}");
    assert!(!text.contains('\0'));
    let missing = s.console_output("i-0123456789abcdef0").await.unwrap_err();
    assert!(missing.to_string().contains("i-0123456789abcdef0"), "{missing}");
}

#[tokio::test]
async fn live_tail_is_reported_unavailable_against_moto_quickly() {
    let Some(moto) = Moto::start() else { return };
    let c = client(&moto).await;
    create(&c, RUN_GROUP, "i-1").await;
    let s = store(&moto).await;
    let started = Instant::now();
    let r = s.live_tail(RUN_GROUP, Some("i-1"), None).await;
    let took = started.elapsed();
    assert!(matches!(r, Err(LogError::LiveTailUnavailable(_))), "{:?}", r.err());
    assert!(took < Duration::from_secs(5), "took {took:?}");
    assert!(matches!(s.live_tail("/nope", None, None).await, Err(LogError::GroupMissing { .. })));
}

async fn recv_until(
    rx: &mut mpsc::UnboundedReceiver<LogBatch>,
    got: &mut Vec<String>,
    n: usize,
) -> Vec<SourceStatus> {
    let mut statuses = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while got.len() < n {
        let b = tokio::time::timeout_at(deadline, rx.recv())
            .await
            .unwrap_or_else(|_| panic!("{} of {n}: {got:?}", got.len()))
            .expect("the follower keeps going");
        got.extend(b.events.into_iter().map(|e| e.message));
        statuses.push(b.status);
    }
    statuses
}

#[tokio::test]
async fn the_follower_polls_without_gaps_or_duplicates() {
    let Some(moto) = Moto::start() else { return };
    let c = client(&moto).await;
    create(&c, RUN_GROUP, "i-1").await;
    create(&c, RUN_GROUP, "i-1-cloud-init").await;
    let t0 = now_ms() - 3_000;
    let mut put_all: Vec<String> = Vec::new();
    let mut batch = |base: i64, tag: &str, n: i64| -> Vec<(i64, String)> {
        let v: Vec<(i64, String)> = (0..n).map(|i| (base + i, format!("{tag}{i}"))).collect();
        put_all.extend(v.iter().map(|(_, m)| m.clone()));
        v
    };
    let first = batch(t0, "a", 70);
    put(&c, RUN_GROUP, "i-1", &first).await;

    let s: Arc<dyn LogStore> = Arc::new(store(&moto).await.with_page_limit(25));
    let (tx, mut rx) = mpsc::unbounded_channel();
    let since = jiff::Timestamp::from_millisecond(t0 - 1_000).unwrap();
    let pace = Pace { fast: Duration::from_millis(200), ..Pace::default() };
    let handle =
        spawn_follow(s, FollowRequest::run(RUN_GROUP, Some("i-1"), since), tx, watch::channel(true).1, pace);
    let mut got = Vec::new();
    let mut statuses = recv_until(&mut rx, &mut got, 70).await;

    // Same timestamp as the last line seen; then the other stream, a little older; then later.
    let last = first.last().unwrap().0;
    let same = batch(last, "same", 3);
    put(&c, RUN_GROUP, "i-1", &same).await;
    tokio::time::sleep(Duration::from_millis(450)).await;
    let later = batch(last + 1, "b", 40);
    put(&c, RUN_GROUP, "i-1", &later).await;
    statuses.extend(recv_until(&mut rx, &mut got, 113).await);
    let late = batch(last - 500, "late", 2);
    put(&c, RUN_GROUP, "i-1-cloud-init", &late).await;
    statuses.extend(recv_until(&mut rx, &mut got, 115).await);
    tokio::time::sleep(Duration::from_millis(800)).await;
    while let Ok(b) = rx.try_recv() {
        got.extend(b.events.into_iter().map(|e| e.message));
    }
    assert_eq!(got, put_all, "every line once, in the order it became visible");
    assert_eq!(statuses[0], SourceStatus::polling(1), "the first read, before live tail is tried");
    assert!(
        statuses.iter().any(|s| matches!(s, SourceStatus::Polling { live_off: Some(_), .. })),
        "live tail fell back, saying so: {statuses:?}"
    );
    assert!(!statuses.iter().any(|s| matches!(s, SourceStatus::Live { .. })));
    handle.stop().await;
}

#[tokio::test]
async fn a_dead_endpoint_is_a_status_not_the_end() {
    let Some(mut moto) = Moto::start() else {
        return;
    };
    let c = client(&moto).await;
    create(&c, RUN_GROUP, "i-1").await;
    put(&c, RUN_GROUP, "i-1", &[(now_ms(), "before".into())]).await;
    let s: Arc<dyn LogStore> = Arc::new(store(&moto).await);
    let (tx, mut rx) = mpsc::unbounded_channel();
    let pace =
        Pace { fast: Duration::from_millis(100), max_backoff: Duration::from_millis(300), ..Pace::default() };
    let req = FollowRequest::run(RUN_GROUP, Some("i-1"), jiff::Timestamp::UNIX_EPOCH);
    let _h = spawn_follow(s, req, tx, watch::channel(true).1, pace);
    let mut got = Vec::new();
    recv_until(&mut rx, &mut got, 1).await;
    moto.kill();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let b = tokio::time::timeout_at(deadline, rx.recv()).await.unwrap().unwrap();
        if let SourceStatus::Stale { why, .. } = &b.status {
            assert!(why.contains("cannot reach"), "{why}");
            break;
        }
    }
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert!(!rx.is_closed(), "still retrying");
}
