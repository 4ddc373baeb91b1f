//! Streamed uploads against a local server that follows Slack's contract: the length announced
//! in files.getUploadURLExternal is the number of bytes sent, files are never read whole, and
//! anything but a regular file within Slack's limit is refused before any request.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step should stop the test

#[path = "support/http_stub.rs"]
mod http_stub;
#[path = "support/slack_fake.rs"]
mod slack_fake;
mod support;

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use baseline_panel::chat::{Chat, ChatError, SlackChat, SlackOptions, UploadBody};
use http_stub::{HttpStub, Recorded, Reply};
use secrecy::SecretString;
use slack_fake::{CHANNEL, TOKEN, fake_slack};
use support::moto::{dead_url, panel_command};

fn client(stub: &HttpStub) -> SlackChat {
    let options = SlackOptions { server_backoff: Duration::from_millis(10), ..SlackOptions::default() };
    SlackChat::with_options(
        &format!("{}api", stub.url()),
        SecretString::from(TOKEN),
        CHANNEL.into(),
        true,
        options,
    )
    .expect("client")
}

/// `len` bytes that are not all alike, so a misplaced chunk shows.
fn pattern_bytes(len: usize) -> Vec<u8> {
    (0..len).map(|i| u8::try_from(i % 251).unwrap() ^ u8::try_from(i / 251 % 256).unwrap()).collect()
}

/// Checks the three steps of one upload of `bytes` on `stub`: the declared length, the bytes,
/// and their framing (a Content-Length, not chunked).
fn assert_one_exact_upload(stub: &HttpStub, bytes: &[u8]) {
    let ticket = &stub.requests_to("/api/files.getUploadURLExternal")[0].form();
    assert_eq!(ticket["length"], bytes.len().to_string(), "declared length");
    let sent: Vec<Recorded> =
        stub.requests().into_iter().filter(|r| r.path.starts_with("/upload/")).collect();
    let last = sent.last().expect("bytes were sent");
    assert_eq!(last.body.len(), bytes.len());
    assert!(last.body == bytes, "the file's exact bytes");
    assert_eq!(last.header("content-length"), Some(bytes.len().to_string().as_str()));
    assert_eq!(last.header("transfer-encoding"), None, "a length Slack can check, not chunks");
    assert_eq!(stub.requests_to("/api/files.completeUploadExternal").len(), 1);
}

#[tokio::test]
async fn a_multi_megabyte_file_is_streamed_with_its_exact_length() {
    let stub = HttpStub::start(fake_slack()).await;
    let dir = tempfile::tempdir().unwrap();
    let bytes = pattern_bytes(6 * 1024 * 1024 + 12_345);
    let path = dir.path().join("forecasts.parquet");
    std::fs::write(&path, &bytes).unwrap();
    let up = client(&stub).upload("forecasts.parquet", UploadBody::open(&path).unwrap(), None).await.unwrap();
    assert_eq!(up.title, "forecasts.parquet");
    assert_one_exact_upload(&stub, &bytes);
}

#[tokio::test]
async fn a_retried_upload_sends_the_whole_file_again_from_its_start() {
    let attempts = Arc::new(AtomicUsize::new(0));
    let stub = HttpStub::start({
        let (slack, attempts) = (fake_slack(), Arc::clone(&attempts));
        move |req: &Recorded| {
            if req.path.starts_with("/upload/") && attempts.fetch_add(1, Ordering::SeqCst) == 0 {
                return Reply::text(503, "text/plain", "try again");
            }
            slack(req)
        }
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let bytes = pattern_bytes(700_001);
    let path = dir.path().join("log.txt");
    std::fs::write(&path, &bytes).unwrap();
    client(&stub).upload("log.txt", UploadBody::open(&path).unwrap(), None).await.unwrap();
    assert_eq!(attempts.load(Ordering::SeqCst), 2);
    let sent: Vec<Recorded> =
        stub.requests().into_iter().filter(|r| r.path.starts_with("/upload/")).collect();
    assert!(sent.iter().all(|r| r.body == bytes), "both attempts carry the whole file");
    assert_one_exact_upload(&stub, &bytes);
}

#[tokio::test]
async fn a_file_that_shrinks_after_the_check_is_never_completed() {
    let stub = HttpStub::start(fake_slack()).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("results.csv");
    std::fs::write(&path, pattern_bytes(2_000_000)).unwrap();
    let body = UploadBody::open(&path).unwrap();
    std::fs::OpenOptions::new().write(true).open(&path).unwrap().set_len(500_000).unwrap();
    let err = client(&stub).upload("results.csv", body, None).await.unwrap_err();
    assert!(matches!(&err, ChatError::FileRead { detail } if detail.contains("got shorter")), "{err:?}");
    assert!(stub.requests_to("/api/files.completeUploadExternal").is_empty(), "nothing shared");
}

/// The binary with Slack pointed at `stub`.
fn slack_cmd(stub: &HttpStub, scratch: &Path) -> Command {
    let mut c = panel_command(&dead_url(), scratch);
    c.env("SLACK_API_URL", format!("{}api/", stub.url()))
        .env("SLACK_API_TOKEN", TOKEN)
        .env("CHANNEL_ID", CHANNEL);
    c
}

/// Runs the binary off the async threads; kills it and fails if it runs past `limit`.
async fn run_within(cmd: Command, args: &[&str], limit: Duration) -> Output {
    let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        support::output_within(cmd, &args, limit)
    })
    .await
    .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[tokio::test]
async fn cli_uploads_a_multi_megabyte_file_with_the_right_length() {
    let stub = HttpStub::start(fake_slack()).await;
    let dir = tempfile::tempdir().unwrap();
    let bytes = pattern_bytes(5 * 1024 * 1024 + 1);
    let file = dir.path().join("weekly.tar");
    std::fs::write(&file, &bytes).unwrap();
    let out = run_within(
        slack_cmd(&stub, dir.path()),
        &["slack", "upload", file.to_str().unwrap()],
        Duration::from_secs(60),
    )
    .await;
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    assert_eq!(text(&out.stdout), format!("uploaded weekly.tar to {CHANNEL} (file F0TEST0001)\n"));
    assert_one_exact_upload(&stub, &bytes);
}

#[cfg(unix)]
#[tokio::test]
async fn cli_refuses_devices_pipes_directories_and_empty_files_at_once() {
    let stub = HttpStub::start(fake_slack()).await;
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let empty = dir.path().join("empty.txt");
    std::fs::write(&empty, b"").unwrap();
    let cases = [
        ("/dev/zero".to_owned(), "/dev/zero is a character device, not a regular file"),
        (fifo.display().to_string(), "pipe is a pipe, not a regular file"),
        (dir.path().display().to_string(), "is a directory, not a regular file"),
        (empty.display().to_string(), "empty.txt is empty and Slack refuses empty files"),
    ];
    for (path, says) in cases {
        // A read of /dev/zero or a pipe with no writer would never end: 10 s is generous.
        let out =
            run_within(slack_cmd(&stub, dir.path()), &["slack", "upload", &path], Duration::from_secs(10))
                .await;
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{path}: {err}");
        assert!(err.starts_with("baseline-panel: ") && err.contains(says), "{path}: {err}");
        assert!(err.contains("nothing was sent"), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
    assert!(stub.requests().is_empty(), "no request for any of them");
}

#[tokio::test]
async fn cli_refuses_a_file_over_slacks_limit_before_any_request() {
    let stub = HttpStub::start(fake_slack()).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("huge.bin");
    // Sparse: a size over 1 GB without writing it.
    std::fs::File::create(&file).unwrap().set_len(1_000_000_001).unwrap();
    let out = run_within(
        slack_cmd(&stub, dir.path()),
        &["slack", "upload", file.to_str().unwrap()],
        Duration::from_secs(10),
    )
    .await;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr)
            .contains("huge.bin is 1000000001 bytes, over Slack's limit of 1000000000 bytes (1 GB)"),
        "{}",
        text(&out.stderr)
    );
    assert!(stub.requests().is_empty());
}

/// Uploads a file of `len` bytes through the binary and returns the highest resident memory
/// (`VmHWM`, KiB) it reached, read from /proc while the stub holds back its answer to the bytes.
#[cfg(target_os = "linux")]
async fn peak_kib_uploading(len: usize) -> u64 {
    let stub = HttpStub::start({
        let slack = fake_slack();
        move |req: &Recorded| {
            let reply = slack(req);
            // Every byte has arrived: hold the answer so the peak can be read meanwhile.
            if req.path.starts_with("/upload/") { reply.delayed(Duration::from_millis(700)) } else { reply }
        }
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("big.bin");
    std::fs::File::create(&file).unwrap().set_len(len as u64).unwrap();
    let mut cmd = slack_cmd(&stub, dir.path());
    cmd.args(["slack", "upload", file.to_str().unwrap()]).stdout(Stdio::null()).stderr(Stdio::piped());
    tokio::task::spawn_blocking(move || {
        let mut child = cmd.spawn().unwrap();
        let status = format!("/proc/{}/status", child.id());
        let mut peak = 0;
        let start = Instant::now();
        while child.try_wait().unwrap().is_none() {
            assert!(start.elapsed() < Duration::from_secs(60), "upload still running");
            let hwm = std::fs::read_to_string(&status).unwrap_or_default();
            if let Some(kib) = hwm
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            {
                peak = peak.max(kib);
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
        peak
    })
    .await
    .unwrap()
}

#[cfg(target_os = "linux")]
#[tokio::test]
async fn cli_memory_does_not_grow_with_the_file() {
    let small = peak_kib_uploading(2 * 1024 * 1024).await;
    let large = peak_kib_uploading(64 * 1024 * 1024).await;
    eprintln!("peak resident memory: {small} KiB for 2 MiB, {large} KiB for 64 MiB");
    assert!(small > 0 && large > 0, "the peak was read");
    // Read whole, 62 MiB more would show (twice that with a copy per attempt).
    assert!(large < small + 16 * 1024, "{small} KiB for 2 MiB, {large} KiB for 64 MiB");
}
