//! The tokens never leave their HTTP headers: `slack test` and `doctor`, on success and on
//! every failure path, with the most verbose logging, print and log neither the Slack nor the
//! GitHub token.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step should stop the test

#[path = "support/http_stub.rs"]
mod http_stub;
#[path = "support/slack_fake.rs"]
mod slack_fake;
mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use http_stub::{HttpStub, Recorded, Reply};
use serde_json::json;
use slack_fake::{CHANNEL, TOKEN, fake_slack, slack_error};
use support::moto::{Moto, SEED_USER_DATA, dead_url, panel_command};
use support::output_off_thread as run;

/// A token the fake does not accept: Slack answers `invalid_auth`.
const WRONG_TOKEN: &str = "xoxb-9999-8888-CanaryWr0ngT0ken7777";
const GH_TOKEN: &str = "ghp_CanaryGithubSecretDDDDDDDDDDDDDDDD";

/// Every distinctive piece of every token in play.
fn secrets() -> Vec<&'static str> {
    vec![TOKEN, "S3cr3tT0kenValue0123456789", WRONG_TOKEN, "CanaryWr0ngT0ken", GH_TOKEN, "CanaryGithubSecret"]
}

/// The Slack answers each run faces.
fn slack_modes() -> Vec<(&'static str, &'static str, Reply)> {
    vec![
        ("ok", TOKEN, Reply::json(200, json!({}))),
        ("invalid_auth", WRONG_TOKEN, Reply::json(200, json!({}))),
        (
            "429",
            TOKEN,
            Reply::json(429, json!({ "ok": false, "error": "ratelimited" })).with_header("Retry-After", "0"),
        ),
        ("500", TOKEN, Reply::text(500, "text/html", "<html>oops</html>")),
        ("token_revoked", TOKEN, slack_error("token_revoked")),
    ]
}

/// A Slack that follows the contract (`ok` and `invalid_auth`) or always answers `canned`.
async fn slack_for(mode: &str, canned: Reply) -> HttpStub {
    match mode {
        "ok" | "invalid_auth" => HttpStub::start(fake_slack()).await,
        _ => HttpStub::start(move |_: &Recorded| canned.clone()).await,
    }
}

/// A GitHub that accepts [`GH_TOKEN`] only when `accept`.
async fn github(accept: bool) -> HttpStub {
    HttpStub::start(move |_: &Recorded| {
        if accept {
            Reply::json(
                200,
                json!({ "full_name": "reichlabmachine/sandbox", "permissions": { "push": true } }),
            )
        } else {
            Reply::json(401, json!({ "message": "Bad credentials" }))
        }
    })
    .await
}

fn log_file(scratch: &Path) -> PathBuf {
    scratch.join("home/.state/baseline-panel/baseline-panel.log")
}

/// Asserts no secret appears in the output or the log, and that the log was written.
fn assert_clean(label: &str, out: &Output, scratch: &Path) {
    let log = std::fs::read_to_string(log_file(scratch)).unwrap_or_default();
    assert!(log.contains("TRACE") || log.contains("DEBUG"), "{label}: the log was written verbosely: {log}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    for secret in secrets() {
        for (what, text) in [("stdout", &*stdout), ("stderr", &*stderr), ("log", &*log)] {
            assert!(!text.contains(secret), "{label}: {what} contains a secret ({secret}):\n{text}");
        }
    }
}

fn with_tokens(mut c: Command, slack: &HttpStub, token: &str, gh: &HttpStub) -> Command {
    c.env("BASELINE_PANEL_LOG", "trace")
        .env("SLACK_API_URL", format!("{}api/", slack.url()))
        .env("SLACK_API_TOKEN", token)
        .env("CHANNEL_ID", CHANNEL)
        .env("GITHUB_API_URL", gh.url())
        .env("GITHUB_TOKEN", GH_TOKEN);
    c
}

#[tokio::test]
async fn slack_test_never_shows_the_token() {
    for (mode, token, canned) in slack_modes() {
        let slack = slack_for(mode, canned).await;
        let gh = github(true).await;
        let dir = tempfile::tempdir().unwrap();
        let cmd = with_tokens(panel_command(&dead_url(), dir.path()), &slack, token, &gh);
        let out = run(cmd, &["slack", "test", "--message", "leak check"]).await;
        assert_eq!(out.status.success(), mode == "ok", "{mode}: {out:?}");
        assert!(!slack.requests().is_empty(), "{mode}: Slack was called");
        assert_clean(&format!("slack test, {mode}"), &out, dir.path());
    }
}

#[tokio::test]
async fn doctor_never_shows_the_tokens() {
    let Some(moto) = Moto::start() else { return };
    moto.launch("baseline model", SEED_USER_DATA).await;
    for (mode, token, canned) in slack_modes() {
        let slack = slack_for(mode, canned).await;
        let gh = github(mode == "ok").await;
        let dir = tempfile::tempdir().unwrap();
        let cmd = with_tokens(panel_command(&moto.url, dir.path()), &slack, token, &gh);
        let out = run(cmd, &["doctor", "--post", "--json", "--timeout", "10"]).await;
        assert!(!slack.requests().is_empty(), "{mode}: Slack was called");
        assert!(!gh.requests().is_empty(), "{mode}: GitHub was called");
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let token = doc["checks"].as_array().unwrap().iter().find(|c| c["id"] == "slack.token").unwrap();
        let slack_status = token["status"].as_str().unwrap().to_owned();
        assert_eq!(slack_status == "pass", mode == "ok", "{mode}: {token}");
        assert_clean(&format!("doctor, {mode}"), &out, dir.path());
    }
}
