//! Canaries: the AWS access key, secret key and session token, the Slack token and the GitHub
//! token each set to a unique string; every command and the panel run against moto (and local
//! Slack and GitHub stand-ins) at every log level, and no canary ever shows up on stdout,
//! stderr, the screen or in the log file.

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
use slack_fake::{CHANNEL, TOKEN as SLACK_TOKEN, fake_slack};
use support::logs::{LAMBDA_GROUP, RUN_GROUP, client, create, now_ms, put};
use support::moto::{Moto, SEED_USER_DATA, panel_command};
use support::tmux::{self, Tmux, panel_env};

const ACCESS_KEY: &str = "CanaryAccessKey7Q3ZW1";
const SECRET_KEY: &str = "CanarySecretKey/9xZq+Lm2Wb8TnRv4Kd0Ph6Js1Yc=";
const SESSION_TOKEN: &str = "FwoGZXIvCanarySessionToken/AbC+dEf9gHiJkLmNoPqRsTuV==";
const GITHUB_TOKEN: &str = "ghp_CanaryGithubTokenAAAABBBBCCCCDDDD0123";

const LEVELS: [&str; 5] = ["error", "warn", "info", "debug", "trace"];
const BIN: &str = env!("CARGO_BIN_EXE_baseline-panel");

/// Every canary, and for each a distinctive inner piece (a message may cut a value short) and
/// its percent-encoded form (as a signed URL would carry it).
fn canaries() -> Vec<String> {
    let mut all = Vec::new();
    for c in [ACCESS_KEY, SECRET_KEY, SESSION_TOKEN, SLACK_TOKEN, GITHUB_TOKEN] {
        all.push(c.to_owned());
        let chars: Vec<char> = c.chars().collect();
        all.push(chars[chars.len() / 2 - 6..chars.len() / 2 + 6].iter().collect());
        all.push(c.replace('/', "%2F").replace('+', "%2B").replace('=', "%3D"));
    }
    all
}

fn assert_no_canary(label: &str, what: &str, text: &str) {
    for c in canaries() {
        assert!(!text.contains(&c), "{label}: {what} holds the canary {c:?}:\n{text}");
    }
}

fn canary_env() -> Vec<(String, String)> {
    [
        ("AWS_ACCESS_KEY_ID", ACCESS_KEY),
        ("AWS_SECRET_ACCESS_KEY", SECRET_KEY),
        ("AWS_SESSION_TOKEN", SESSION_TOKEN),
        ("SLACK_API_TOKEN", SLACK_TOKEN),
        ("CHANNEL_ID", CHANNEL),
        ("GITHUB_TOKEN", GITHUB_TOKEN),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

/// A GitHub that answers the sandbox repository with push rights for the canary token.
async fn github() -> HttpStub {
    HttpStub::start(|r: &Recorded| {
        if r.header("authorization").is_some_and(|v| v.ends_with(GITHUB_TOKEN)) {
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

/// The commands a person or a script runs, reading and (refused or dry) writing.
fn commands(upload: &str) -> Vec<Vec<String>> {
    let c = |args: &[&str]| args.iter().map(std::string::ToString::to_string).collect::<Vec<_>>();
    vec![
        c(&["status"]),
        c(&["status", "--json"]),
        c(&["start"]),
        c(&["stop", "--yes"]),
        c(&["dev", "status"]),
        c(&["dev", "status", "--json"]),
        c(&["dev", "off"]),
        c(&["dev", "on", "--yes"]),
        c(&["userdata", "show"]),
        c(&["userdata", "diff"]),
        c(&["userdata", "backups"]),
        c(&["dev", "off", "--yes"]),
        c(&["logs"]),
        c(&["logs", "--source", "scheduler", "--since", "2h"]),
        c(&["logs", "--source", "console"]),
        c(&["logs", "--run", "last"]),
        c(&["runs"]),
        c(&["runs", "--json"]),
        c(&["schedule", "show"]),
        c(&["schedule", "show", "--json"]),
        c(&["schedule", "disable"]),
        c(&["slack", "test", "--message", "canary check"]),
        c(&["slack", "upload", upload, "--comment", "canary check"]),
        c(&["doctor", "--post", "--timeout", "10"]),
        c(&["doctor", "--json", "--timeout", "10"]),
        c(&["--read-only", "dev", "on", "--yes"]),
        c(&["status", "--instance-id", "i-0000000000000000f"]),
    ]
}

fn command_for(moto: &Moto, scratch: &Path, level: &str, slack: &HttpStub, gh: &HttpStub) -> Command {
    let mut cmd = panel_command(&moto.url, scratch);
    cmd.envs(canary_env())
        .env("BASELINE_PANEL_LOG", level)
        .env("SLACK_API_URL", format!("{}api/", slack.url()))
        .env("GITHUB_API_URL", gh.url());
    cmd
}

async fn run(mut cmd: Command, args: Vec<String>) -> Output {
    cmd.args(&args);
    tokio::task::spawn_blocking(move || cmd.output().expect("run baseline-panel")).await.unwrap()
}

/// The box (stopped, so the dev-mode switch really writes), its run and scheduler logs, and the
/// schedule rule.
async fn seed(moto: &Moto) -> String {
    let id = moto.launch("baseline model", SEED_USER_DATA).await;
    let logs = client(moto).await;
    create(&logs, RUN_GROUP, &id).await;
    let now = now_ms();
    let lines = ["loading truth data", "fitting baseline: US (1/58) ... ok", "done"];
    put(
        &logs,
        RUN_GROUP,
        &id,
        &lines
            .iter()
            .enumerate()
            .map(|(n, l)| (now + i64::try_from(n).unwrap(), l.to_string()))
            .collect::<Vec<_>>(),
    )
    .await;
    create(&logs, LAMBDA_GROUP, "2026/11/23/[$LATEST]abc").await;
    put(&logs, LAMBDA_GROUP, "2026/11/23/[$LATEST]abc", &[(now, "START RequestId: abc".into())]).await;
    moto.aws(&[
        "events",
        "put-rule",
        "--name",
        "MondayMorning9aEST",
        "--schedule-expression",
        "cron(0 9 ? * MON *)",
    ]);
    moto.stop(&id).await;
    id
}

/// A state directory, log file and backups directory left open by an older version.
fn loosen(scratch: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let state = scratch.join("home/.state/baseline-panel");
    std::fs::create_dir_all(state.join("backups")).unwrap();
    std::fs::write(log_file(scratch), "").unwrap();
    for (p, mode) in [(state.clone(), 0o755), (state.join("backups"), 0o755), (log_file(scratch), 0o644)] {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
    }
}

/// The log file is 0600, its directory and the backups directory 0700.
fn assert_private(scratch: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let state = scratch.join("home/.state/baseline-panel");
    assert_eq!(mode(&log_file(scratch)), 0o600, "the log file");
    assert_eq!(mode(&state), 0o700, "the state directory");
    assert_eq!(mode(&state.join("backups")), 0o700, "the backups directory");
}

#[tokio::test(flavor = "multi_thread")]
async fn no_command_at_any_log_level_shows_or_logs_a_credential() {
    let Some(moto) = Moto::start() else { return };
    let id = seed(&moto).await;
    let slack = HttpStub::start(fake_slack()).await;
    let gh = github().await;
    for level in LEVELS {
        let scratch = tempfile::tempdir().unwrap();
        if level == LEVELS[0] {
            loosen(scratch.path());
        }
        let upload = scratch.path().join("forecast.csv");
        std::fs::write(&upload, "location,value\nUS,1\n").unwrap();
        let mut wrote = false;
        for args in commands(upload.to_str().unwrap()) {
            let label = format!("{level}: {}", args.join(" "));
            let out = run(command_for(&moto, scratch.path(), level, &slack, &gh), args.clone()).await;
            assert_no_canary(&label, "stdout", &String::from_utf8_lossy(&out.stdout));
            assert_no_canary(&label, "stderr", &String::from_utf8_lossy(&out.stderr));
            wrote |= args == ["dev", "on", "--yes"] && out.status.success();
        }
        assert!(wrote, "{level}: dev on --yes went through the whole write path");
        assert_private(scratch.path());
        let log = std::fs::read_to_string(log_file(scratch.path())).unwrap();
        assert_no_canary(level, "the log file", &log);
        if level == "trace" {
            assert!(log.contains("TRACE") && log.contains("DEBUG"), "the log was written verbosely");
        }
    }
    // The calls really carried the canaries: AWS got the session token, Slack the token.
    let seen = slack.requests();
    assert!(seen.iter().any(|r| r.header("authorization") == Some(&format!("Bearer {SLACK_TOKEN}"))));
    assert!(!gh.requests().is_empty(), "GitHub was asked");
    assert!(moto.witness_instance(&id, "State.Name").is_some());
}

#[tokio::test(flavor = "multi_thread")]
async fn the_panel_at_trace_level_shows_and_logs_no_credential() {
    if !tmux::available() {
        return;
    }
    let Some(moto) = Moto::start() else { return };
    let id = seed(&moto).await;
    let slack = HttpStub::start(fake_slack()).await;
    let gh = github().await;
    let scratch = tempfile::tempdir().unwrap();
    let mut env = panel_env(scratch.path(), &moto.url);
    env.retain(|(k, _)| !k.starts_with("AWS_ACCESS") && !k.starts_with("AWS_SECRET"));
    env.extend(canary_env());
    env.push(("BASELINE_PANEL_LOG".into(), "trace".into()));
    env.push(("SLACK_API_URL".into(), format!("{}api/", slack.url())));
    env.push(("GITHUB_API_URL".into(), gh.url()));
    let screens = tokio::task::spawn_blocking(move || {
        let t = Tmux::start(BIN, &[], &env, 140, 40);
        let mut screens = vec![t.wait_for(&id, 30)];
        let pause = || std::thread::sleep(std::time::Duration::from_millis(800));
        // The dev-mode dialog (it reads the user data), then cancel.
        t.keys(&["d"]);
        screens.push(t.wait_for("Turn dev mode", 30));
        t.keys(&["Escape"]);
        t.wait_for("cancelled", 10);
        // The doctor: AWS identity, permissions (DryRun), Slack, GitHub.
        t.keys(&["D"]);
        // Every row arrives at once; the summary may be below the fold (the overlay scrolls).
        screens.push(t.wait_for("Slack token", 60));
        t.keys(&["Escape"]);
        // A Slack test message.
        t.keys(&["m"]);
        t.wait_for("Post a test message", 10);
        t.keys(&["Enter"]);
        screens.push(t.wait_for("posted", 20));
        // The other log sources, the run history, a refresh.
        for key in ["l", "l", "h", "r"] {
            t.keys(&[key]);
            pause();
            screens.push(t.screen());
        }
        t.keys(&["q"]);
        screens.push(t.wait_for("PANEL-EXITED", 15));
        screens
    })
    .await
    .unwrap();
    for (n, s) in screens.iter().enumerate() {
        assert_no_canary("panel", &format!("screen {n}"), s);
    }
    let log = std::fs::read_to_string(log_file(scratch.path())).unwrap();
    assert!(log.contains("TRACE"), "the panel logged at trace level");
    assert_no_canary("panel", "the log file", &log);
    assert!(
        slack.requests().iter().any(|r| r.path.contains("chat.postMessage")),
        "the panel posted to Slack: {:?}",
        slack.requests().iter().map(|r| r.path.clone()).collect::<Vec<_>>()
    );
}
