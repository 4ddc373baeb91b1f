//! `baseline-panel slack test|upload` against a local server that follows Slack's contract.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step should stop the test

#[path = "support/http_stub.rs"]
mod http_stub;
#[path = "support/slack_fake.rs"]
mod slack_fake;
mod support;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use http_stub::HttpStub;
use serde_json::json;
use slack_fake::{CHANNEL, TOKEN, fake_slack, slack_error};
use support::moto::{dead_url, panel_command};
use support::output_off_thread as run;

/// The binary with Slack pointed at `stub` (no AWS needed: these commands never call it).
fn slack_cmd(stub: &HttpStub, scratch: &Path) -> Command {
    let mut c = panel_command(&dead_url(), scratch);
    c.env("SLACK_API_URL", format!("{}api/", stub.url()))
        .env("SLACK_API_TOKEN", TOKEN)
        .env("CHANNEL_ID", CHANNEL)
        .env("USER", "labuser");
    c
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[tokio::test]
async fn slack_test_posts_exactly_the_message() {
    let stub = HttpStub::start(fake_slack()).await;
    let dir = tempfile::tempdir().unwrap();
    let message = "Run check ✓ — \"quoted\" & <tags>";
    let out = run(slack_cmd(&stub, dir.path()), &["slack", "test", "--message", message]).await;
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    assert_eq!(text(&out.stdout), format!("posted to {CHANNEL} (ts 1732540000.000100)\n"));
    let posts = stub.requests_to("/api/chat.postMessage");
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0].json(), json!({ "channel": CHANNEL, "text": message }));
    assert_eq!(stub.requests().len(), 1, "one call, no auth.test first");
}

#[tokio::test]
async fn slack_test_default_text_names_user_host_and_time() {
    let stub = HttpStub::start(fake_slack()).await;
    let dir = tempfile::tempdir().unwrap();
    let out = run(slack_cmd(&stub, dir.path()), &["slack", "test"]).await;
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    let body = stub.requests_to("/api/chat.postMessage")[0].json();
    let sent = body["text"].as_str().unwrap();
    let shape =
        regex::Regex::new(r"^baseline-panel test message from labuser@\S+ at \d{4}-\d\d-\d\d \d\d:\d\d UTC$")
            .unwrap();
    assert!(shape.is_match(sent), "{sent}");
}

#[tokio::test]
async fn slack_upload_sends_the_file_bytes_in_three_steps() {
    let stub = HttpStub::start(fake_slack()).await;
    let dir = tempfile::tempdir().unwrap();
    let bytes: Vec<u8> = (0..=255u8).cycle().take(3000).collect();
    let file = dir.path().join("forecast.csv");
    std::fs::write(&file, &bytes).unwrap();
    let out = run(
        slack_cmd(&stub, dir.path()),
        &["slack", "upload", file.to_str().unwrap(), "--comment", "weekly results"],
    )
    .await;
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    assert_eq!(text(&out.stdout), format!("uploaded forecast.csv to {CHANNEL} (file F0TEST0001)\n"));
    let paths: Vec<String> = stub.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(
        paths,
        ["/api/files.getUploadURLExternal", "/upload/v1/F0TEST0001", "/api/files.completeUploadExternal"]
    );
    let ticket = &stub.requests_to("/api/files.getUploadURLExternal")[0].form();
    assert_eq!(ticket["filename"], "forecast.csv");
    assert_eq!(ticket["length"], "3000");
    let sent = &stub.requests_to("/upload/v1/F0TEST0001")[0];
    assert_eq!(sent.body, bytes, "the file's exact bytes");
    assert_eq!(sent.header("authorization"), None, "no token to the upload URL");
    let done = stub.requests_to("/api/files.completeUploadExternal")[0].json();
    assert_eq!(done["channel_id"], CHANNEL);
    assert_eq!(done["initial_comment"], "weekly results");
    assert_eq!(done["files"], json!([{ "id": "F0TEST0001", "title": "forecast.csv" }]));
}

#[tokio::test]
async fn missing_channel_is_a_clear_configuration_error() {
    let stub = HttpStub::start(fake_slack()).await;
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = slack_cmd(&stub, dir.path());
    cmd.env_remove("CHANNEL_ID");
    let out = run(cmd, &["slack", "test"]).await;
    assert_eq!(out.status.code(), Some(6));
    let dotenv = dir.path().join(".env");
    assert_eq!(
        text(&out.stderr),
        format!(
            "baseline-panel: CHANNEL_ID is not set: add CHANNEL_ID=C… (the channel's id, not its \
             name) to {} or the environment.\n",
            dotenv.display()
        )
    );
    assert!(stub.requests().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn dotenv_open_to_others_gets_a_warning_and_private_one_does_not() {
    let stub = HttpStub::start(fake_slack()).await;
    let dir = tempfile::tempdir().unwrap();
    let dotenv = dir.path().join(".env");
    std::fs::write(&dotenv, format!("SLACK_API_TOKEN={TOKEN}\nCHANNEL_ID={CHANNEL}\n")).unwrap();
    let cmd = || {
        let mut c = slack_cmd(&stub, dir.path());
        // The token and channel come from the .env file alone.
        c.env_remove("SLACK_API_TOKEN").env_remove("CHANNEL_ID");
        c
    };
    std::fs::set_permissions(&dotenv, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = run(cmd(), &["slack", "test", "--message", "m"]).await;
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    let p = dotenv.display();
    assert_eq!(
        text(&out.stderr),
        format!("warning: {p} is readable by other users (mode 0644): run chmod 600 {p}\n")
    );
    std::fs::set_permissions(&dotenv, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = run(cmd(), &["slack", "test", "--message", "m"]).await;
    assert!(out.status.success());
    assert_eq!(text(&out.stderr), "");
    assert_eq!(stub.requests_to("/api/chat.postMessage").len(), 2);
}

#[tokio::test]
async fn slack_failures_exit_non_zero_with_one_line() {
    let stub = HttpStub::start(|_: &http_stub::Recorded| slack_error("token_revoked")).await;
    let dir = tempfile::tempdir().unwrap();
    let out = run(slack_cmd(&stub, dir.path()), &["slack", "test"]).await;
    assert_eq!(out.status.code(), Some(4));
    let err = text(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("baseline-panel: The Slack token was revoked: reinstall the app"), "{err}");
    assert_eq!(text(&out.stdout), "");
}

#[tokio::test]
async fn read_only_still_posts_because_it_protects_the_box_not_the_channel() {
    let stub = HttpStub::start(fake_slack()).await;
    let dir = tempfile::tempdir().unwrap();
    let out = run(slack_cmd(&stub, dir.path()), &["--read-only", "slack", "test", "--message", "hi"]).await;
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    assert_eq!(stub.requests_to("/api/chat.postMessage").len(), 1);
}

#[tokio::test]
async fn upload_of_a_missing_file_says_which() {
    let stub = HttpStub::start(fake_slack()).await;
    let dir = tempfile::tempdir().unwrap();
    let out = run(slack_cmd(&stub, dir.path()), &["slack", "upload", "no-such-file.txt"]).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).starts_with("baseline-panel: cannot read no-such-file.txt ("),
        "{}",
        text(&out.stderr)
    );
    assert!(stub.requests().is_empty());
}

#[tokio::test]
async fn oversized_dotenv_or_config_is_refused_naming_the_file_its_size_and_the_limit() {
    let stub = HttpStub::start(fake_slack()).await;
    let dir = tempfile::tempdir().unwrap();
    let dotenv = dir.path().join(".env");
    let canary = "xoxb-canary-in-a-huge-env";
    let huge = format!("# {canary}\n").repeat(100_000);
    std::fs::write(&dotenv, &huge).unwrap();
    let out = run(slack_cmd(&stub, dir.path()), &["slack", "test", "--message", "m"]).await;
    assert_eq!(out.status.code(), Some(6));
    assert_eq!(
        text(&out.stderr),
        format!(
            "baseline-panel: {} is {} bytes; a .env file holds at most 1048576 bytes (1 MiB): check \
             that this is the right file\n",
            dotenv.display(),
            huge.len()
        )
    );
    std::fs::remove_file(&dotenv).unwrap();

    // An endless "file": read no further than the limit.
    let out = run(slack_cmd(&stub, dir.path()), &["--config", "/dev/zero", "slack", "test"]).await;
    assert_eq!(out.status.code(), Some(6));
    assert_eq!(
        text(&out.stderr),
        "baseline-panel: /dev/zero holds more than 1048576 bytes; a config file holds at most 1048576 \
         bytes (1 MiB): check that this is the right file\n"
    );
    assert!(stub.requests().is_empty(), "nothing was sent");
    let log = dir.path().join("home/.state/baseline-panel/baseline-panel.log");
    assert!(!std::fs::read_to_string(log).unwrap_or_default().contains(canary));
}
