//! One log event the SDK cannot decode, through a proxy in front of moto: moto holds real
//! events, and the proxy corrupts two of them in the `FilterLogEvents` answer (a lone `\ud800`
//! escape, and bytes that are not UTF-8). Every other event still shows, and the broken ones
//! show as visible placeholders — in `logs` and in the follower the panel uses.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step should stop the test

#[path = "support/aws_stub.rs"]
mod aws_stub;
#[path = "support/fault_proxy.rs"]
mod fault_proxy;
#[path = "support/http_stub.rs"]
mod http_stub;
mod support;

use std::sync::Arc;
use std::time::Duration;

use baseline_panel::logs::aws::AwsLogStore;
use baseline_panel::logs::lenient::PLACEHOLDER;
use baseline_panel::logs::{FollowRequest, LogStore, Pace, spawn_follow};
use fault_proxy::{Fault, FaultProxy, Rule};
use support::logs::{RUN_GROUP, client, create, messages, now_ms, put};
use support::moto::{Moto, SEED_USER_DATA, panel_command};
use tokio::sync::{mpsc, watch};

/// Replaces every `from` in `body` with `to`.
fn replace(body: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0;
    while i < body.len() {
        if body[i..].starts_with(from) {
            out.extend_from_slice(to);
            i += from.len();
        } else {
            out.push(body[i]);
            i += 1;
        }
    }
    out
}

/// A proxy that corrupts the messages `line 003` (lone surrogate escape) and `line 007`
/// (invalid UTF-8) in every `FilterLogEvents` answer.
async fn corrupting(moto: &Moto) -> FaultProxy {
    let proxy = FaultProxy::start(&moto.url).await;
    let corrupt = Arc::new(|body: Vec<u8>| {
        let body = replace(&body, b"line 003", b"line \\ud800 003");
        replace(&body, b"line 007", b"line \xff\xfe 007")
    });
    proxy.rule(Rule::new("FilterLogEvents", Fault::Rewrite(corrupt)));
    proxy
}

/// Ten events `line 000` … `line 009` in the instance's stream.
async fn ten_lines(moto: &Moto, stream: &str) -> Vec<String> {
    let c = client(moto).await;
    create(&c, RUN_GROUP, stream).await;
    let start = now_ms() - 60_000;
    let ev: Vec<(i64, String)> = (0..10).map(|i| (start + i * 10, format!("line {i:03}"))).collect();
    put(&c, RUN_GROUP, stream, &ev).await;
    ev.into_iter().map(|(_, m)| m).collect()
}

/// What the lines should read: the two broken ones as placeholders with `�` for the bad parts.
fn expected(put: &[String]) -> Vec<String> {
    let mut want = put.to_vec();
    want[3] = format!("{PLACEHOLDER} line � 003");
    want[7] = format!("{PLACEHOLDER} line �� 007");
    want
}

#[tokio::test(flavor = "multi_thread")]
async fn logs_prints_every_event_and_a_placeholder_for_the_broken_ones() {
    let Some(moto) = Moto::start() else { return };
    let id = moto.launch("baseline model", SEED_USER_DATA).await;
    let put = ten_lines(&moto, &id).await;
    let proxy = corrupting(&moto).await;
    let mut cmd = panel_command(&proxy.url(), moto.dir.path());
    cmd.arg("logs");
    let out = tokio::task::spawn_blocking(move || cmd.output().unwrap()).await.unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let lines: Vec<String> = String::from_utf8(out.stdout).unwrap().lines().map(str::to_owned).collect();
    assert_eq!(messages(&lines), expected(&put));
    assert!(proxy.count("FilterLogEvents", "rewrite") >= 1, "the answers went through the proxy");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_panels_follower_keeps_every_event_and_shows_the_broken_ones() {
    let Some(moto) = Moto::start() else { return };
    let put = ten_lines(&moto, "i-1").await;
    let proxy = corrupting(&moto).await;
    let mut cfg = baseline_panel::config::Config::builtin();
    cfg.endpoint_url = Some(proxy.url());
    let sdk = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("us-east-1"))
        .endpoint_url(proxy.url())
        .credentials_provider(aws_sdk_ec2::config::Credentials::new(
            "testing", "testing", None, None, "tests",
        ))
        .load()
        .await;
    let store: Arc<dyn LogStore> = Arc::new(AwsLogStore::new(&sdk, &cfg));
    let (tx, mut rx) = mpsc::unbounded_channel();
    let pace = Pace { fast: Duration::from_millis(200), ..Pace::default() };
    let req = FollowRequest::run(RUN_GROUP, Some("i-1"), jiff::Timestamp::UNIX_EPOCH);
    let _h = spawn_follow(store, req, tx, watch::channel(true).1, pace);
    let mut got = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while got.len() < put.len() {
        let batch = tokio::time::timeout_at(deadline, rx.recv()).await.expect("all lines in time").unwrap();
        assert!(
            !matches!(
                batch.status,
                baseline_panel::logs::SourceStatus::Error(_)
                    | baseline_panel::logs::SourceStatus::Stale { .. }
            ),
            "{:?}",
            batch.status
        );
        got.extend(batch.events.into_iter().map(|e| e.message));
    }
    assert_eq!(got, expected(&put));
    // Later polls re-read the same answer: nothing is delivered twice.
    tokio::time::sleep(Duration::from_millis(800)).await;
    while let Ok(b) = rx.try_recv() {
        assert!(b.events.is_empty(), "delivered again: {:?}", b.events);
    }
}
