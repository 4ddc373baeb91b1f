//! Shared test support: a moto server per test, the seed instance, the binary under test, tmux.
#![allow(dead_code)]

pub mod fake_ssh;
pub mod logs;
pub mod moto;
pub mod tmux;

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Runs `cmd` with `args` (no stdin, output captured); kills it and fails when it runs past
/// `limit` (a read that never ends, a file that never stops). Blocking: call it from
/// `spawn_blocking` inside async tests.
pub fn output_within(mut cmd: Command, args: &[&str], limit: Duration) -> Output {
    cmd.args(args).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("run baseline-panel");
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{args:?} still running after {limit:?}: killed");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

/// Runs `cmd` with `args` on a blocking thread, so that stubs served by the test's own runtime
/// keep answering while the binary waits for them.
pub async fn output_off_thread(mut cmd: Command, args: &[&str]) -> Output {
    cmd.args(args);
    tokio::task::spawn_blocking(move || cmd.output().expect("run baseline-panel")).await.unwrap()
}
