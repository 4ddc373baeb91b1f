//! `CloudWatch` Logs on moto: groups, streams and events put with the SDK, and the store under test.

use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStdout};
use std::sync::mpsc;
use std::time::Duration;

use aws_sdk_cloudwatchlogs::types::InputLogEvent;
use baseline_panel::config::Config;
use baseline_panel::logs::aws::AwsLogStore;

use super::moto::Moto;

/// The run group's default name.
pub const RUN_GROUP: &str = "/baseline-model/run";
/// The scheduler Lambda's group for the default Lambda name.
pub const LAMBDA_GROUP: &str = "/aws/lambda/start-baseline-instance";

/// Milliseconds since the epoch, now.
pub fn now_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

/// A `CloudWatch` Logs client pointed at moto.
pub async fn client(moto: &Moto) -> aws_sdk_cloudwatchlogs::Client {
    aws_sdk_cloudwatchlogs::Client::new(&moto.sdk().await)
}

/// Creates a group and a stream in it.
pub async fn create(c: &aws_sdk_cloudwatchlogs::Client, group: &str, stream: &str) {
    // The group may exist already (a second stream).
    let _ = c.create_log_group().log_group_name(group).send().await;
    c.create_log_stream()
        .log_group_name(group)
        .log_stream_name(stream)
        .send()
        .await
        .expect("create_log_stream on moto");
}

/// Puts events `(timestamp ms, message)` in one `PutLogEvents` call.
pub async fn put(c: &aws_sdk_cloudwatchlogs::Client, group: &str, stream: &str, ev: &[(i64, String)]) {
    let events = ev
        .iter()
        .map(|(ts, m)| InputLogEvent::builder().timestamp(*ts).message(m).build().unwrap())
        .collect();
    c.put_log_events()
        .log_group_name(group)
        .log_stream_name(stream)
        .set_log_events(Some(events))
        .send()
        .await
        .expect("put_log_events on moto");
}

/// The configuration the binary would build against moto.
pub fn config(moto: &Moto) -> Config {
    let mut cfg = Config::builtin();
    cfg.endpoint_url = Some(moto.url.clone());
    cfg
}

/// The store under test, on moto.
pub async fn store(moto: &Moto) -> AwsLogStore {
    AwsLogStore::new(&moto.sdk().await, &config(moto))
}

/// The lines a child prints, read on a thread so that tests can wait with a deadline.
pub struct Lines {
    rx: mpsc::Receiver<String>,
    /// Every line received so far.
    pub seen: Vec<String>,
}

impl Lines {
    /// Reads `out` line by line in the background.
    pub fn of(out: ChildStdout) -> Lines {
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines() {
                let Ok(line) = line else { return };
                if tx.send(line).is_err() {
                    return;
                }
            }
        });
        Lines { rx, seen: Vec::new() }
    }

    /// Waits until `n` lines in all have arrived; panics after `secs` with what came.
    pub fn until(&mut self, n: usize, secs: u64) {
        let deadline = std::time::Instant::now() + Duration::from_secs(secs);
        while self.seen.len() < n {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(l) => self.seen.push(l),
                Err(e) => panic!("{} of {n} lines after {secs} s ({e}): {:?}", self.seen.len(), self.seen),
            }
        }
    }

    /// Collects whatever else arrives within `ms`.
    pub fn settle(&mut self, ms: u64) {
        while let Ok(l) = self.rx.recv_timeout(Duration::from_millis(ms)) {
            self.seen.push(l);
        }
    }
}

/// Sends SIGINT (Ctrl-C) to a child.
pub fn interrupt(child: &Child) {
    // SAFETY: kill(2) on a child we started; no memory is involved.
    unsafe {
        libc::kill(libc::pid_t::try_from(child.id()).unwrap(), libc::SIGINT);
    }
}

/// The message part of `timestamp  message` lines; panics on a line of another shape.
pub fn messages(lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .map(|l| {
            let (ts, msg) = l.split_once("  ").unwrap_or_else(|| panic!("no two spaces: {l:?}"));
            assert!(
                ts.len() == 24 && ts.ends_with('Z') && ts.as_bytes()[19] == b'.',
                "RFC 3339 UTC with millis: {ts:?}"
            );
            ts.parse::<jiff::Timestamp>().expect("a timestamp");
            msg.to_string()
        })
        .collect()
}
