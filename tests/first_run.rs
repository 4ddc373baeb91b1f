//! A newcomer's first minute: no credentials, no instance with the tag, no log group. The panel
//! says what is wrong and what to do; the `--json` commands answer with an error document; and
//! every command ends quietly when the reader of its output goes away.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step should stop the test

mod support;

use std::os::fd::{FromRawFd, OwnedFd};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value;
use support::moto::{Moto, SEED_USER_DATA, dead_url};
use support::tmux::{self, Tmux, panel_env};

const BIN: &str = env!("CARGO_BIN_EXE_baseline-panel");

/// A newcomer's environment: an empty HOME, no AWS variable, no config, no instance metadata
/// service, and an endpoint nothing listens on (should a request leave at all).
fn newcomer_env(scratch: &Path) -> Vec<(String, String)> {
    let home = scratch.join("home");
    std::fs::create_dir_all(&home).unwrap();
    vec![
        ("HOME".into(), home.to_string_lossy().into_owned()),
        ("AWS_EC2_METADATA_DISABLED".into(), "true".into()),
        ("AWS_ENDPOINT_URL".into(), dead_url()),
    ]
}

/// The binary with exactly `env` (and PATH), run in `scratch`.
fn command(scratch: &Path, env: &[(String, String)]) -> Command {
    let mut c = Command::new(BIN);
    c.env_clear().env("PATH", std::env::var_os("PATH").unwrap_or_default()).current_dir(scratch);
    for (k, v) in env {
        c.env(k, v);
    }
    c
}

fn error_document(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("stdout is no JSON document ({e}): {:?}", String::from_utf8_lossy(&out.stdout))
    })
}

#[test]
fn without_credentials_the_json_commands_print_an_error_document() {
    let dir = tempfile::tempdir().unwrap();
    let env = newcomer_env(dir.path());
    for args in [
        &["status", "--json"][..],
        &["runs", "--json"],
        &["schedule", "show", "--json"],
        &["dev", "status", "--json"],
    ] {
        let out = support::output_within(command(dir.path(), &env), args, Duration::from_secs(60));
        assert_eq!(out.status.code(), Some(4), "{args:?}");
        let doc = error_document(&out);
        assert_eq!(doc["schema"], 1, "{doc}");
        assert_eq!(doc["ok"], false);
        assert_eq!(doc["exit_code"], 4);
        assert_eq!(doc["error"]["kind"], "no_credentials", "{args:?}: {doc}");
        assert_eq!(doc["error"]["message"], "no AWS credentials found");
        let hint = doc["error"]["hint"].as_str().unwrap();
        for needle in ["AWS_PROFILE", "--profile", "aws configure", "aws sso login", "--demo"] {
            assert!(hint.contains(needle), "{needle}: {hint}");
        }
        // The one line on stderr says the same.
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.trim(), format!("baseline-panel: no AWS credentials found; {hint}"), "{args:?}");
    }
    // The text commands print nothing on stdout.
    let out = support::output_within(command(dir.path(), &env), &["status"], Duration::from_secs(60));
    assert_eq!(out.status.code(), Some(4));
    assert!(out.stdout.is_empty());
    // A broken config file: the error document too, before any AWS call.
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "[panel]\npoll_fast_secs = \"often\"\n").unwrap();
    for args in [&["status", "--json"][..], &["doctor", "--json"]] {
        let mut all = vec!["--config", bad.to_str().unwrap()];
        all.extend_from_slice(args);
        let out = support::output_within(command(dir.path(), &env), &all, Duration::from_secs(60));
        assert_eq!(out.status.code(), Some(6), "{args:?}");
        let doc = error_document(&out);
        assert_eq!(doc["error"]["kind"], "config", "{doc}");
        assert_eq!(doc["exit_code"], 6);
    }
}

#[test]
fn an_sso_profile_never_logged_in_and_an_undefined_profile_say_what_to_run() {
    let dir = tempfile::tempdir().unwrap();
    let mut env = newcomer_env(dir.path());
    let aws = dir.path().join("home/.aws");
    std::fs::create_dir_all(&aws).unwrap();
    std::fs::write(
        aws.join("config"),
        "[profile lab]\nsso_session = lab\nsso_account_id = 123456789012\nsso_role_name = Dev\n\n\
         [sso-session lab]\nsso_start_url = https://example.awsapps.com/start\nsso_region = us-east-1\n",
    )
    .unwrap();
    env.push(("AWS_PROFILE".into(), "lab".into()));
    let out =
        support::output_within(command(dir.path(), &env), &["status", "--json"], Duration::from_secs(60));
    assert_eq!(out.status.code(), Some(4));
    let doc = error_document(&out);
    assert_eq!(doc["error"]["kind"], "sso_expired", "{doc}");
    assert_eq!(doc["error"]["hint"], "run `aws sso login --profile lab`");

    env.pop();
    let out = support::output_within(
        command(dir.path(), &env),
        &["--profile", "nosuch", "status", "--json"],
        Duration::from_secs(60),
    );
    assert_eq!(out.status.code(), Some(4));
    let doc = error_document(&out);
    assert_eq!(doc["error"]["kind"], "no_credentials", "{doc}");
    assert_eq!(
        doc["error"]["message"],
        "no AWS credentials found for the profile `nosuch` (it is not defined in ~/.aws/config or ~/.aws/credentials)"
    );
    assert!(doc["error"]["hint"].as_str().unwrap().contains("aws configure --profile nosuch"), "{doc}");
}

#[test]
fn no_instance_with_the_tag_is_an_error_document_naming_the_region() {
    let Some(moto) = Moto::start() else { return };
    let out = moto.run(&["status", "--json"]);
    assert_eq!(out.status.code(), Some(3), "{}", String::from_utf8_lossy(&out.stderr));
    let doc = error_document(&out);
    assert_eq!(doc["schema"], 1);
    assert_eq!(doc["exit_code"], 3);
    assert_eq!(doc["error"]["kind"], "no_instance", "{doc}");
    assert_eq!(doc["error"]["message"], "no instance found for Name=baseline model in us-east-1");
    let hint = doc["error"]["hint"].as_str().unwrap();
    assert!(hint.contains("--instance-id") && hint.contains("--region"), "{hint}");
    // Found in another region than the one searched: the region is the one asked for.
    let out = moto.run(&["--region", "eu-west-1", "status", "--json"]);
    assert_eq!(
        error_document(&out)["error"]["message"],
        "no instance found for Name=baseline model in eu-west-1"
    );
}

/// Runs `args` with stdout a pipe whose reader is already closed: its first write fails.
fn with_closed_stdout(scratch: &Path, args: &[&str]) -> std::process::Output {
    let mut fds = [0; 2];
    // SAFETY: `pipe` fills two new descriptors, owned here from now on.
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
    let (reader, writer) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
    drop(reader);
    let mut c = command(scratch, &newcomer_env(scratch));
    c.args(args).stdin(Stdio::null()).stdout(Stdio::from(writer)).stderr(Stdio::piped());
    let child = c.spawn().unwrap();
    drop(c); // the parent's copy of the writer
    child.wait_with_output().unwrap()
}

#[test]
fn a_closed_stdout_ends_every_command_quietly_with_0() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["--demo", "doctor", "--json"][..],
        &["--demo", "doctor"],
        &["--demo", "status"],
        &["--demo", "status", "--json"],
        &["--demo", "runs", "--json"],
        &["--demo", "schedule", "show"],
        &["--demo", "logs"],
        &["--demo", "dev", "status"],
        &["--demo", "userdata", "show"],
        &["--demo", "schedule", "disable", "--yes"],
        &["completions", "bash"],
        &["man"],
    ] {
        let out = with_closed_stdout(dir.path(), args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {err}");
        assert!(!err.contains("Broken pipe") && !err.contains("panicked"), "{args:?}: {err}");
    }
    // A failure stays a failure: without credentials, status exits 4 even into a closed pipe.
    let out = with_closed_stdout(dir.path(), &["status", "--json"]);
    assert_eq!(out.status.code(), Some(4), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn the_newcomer_screen_says_what_is_wrong_and_what_to_do() {
    if !tmux::available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let t = Tmux::start(BIN, &[], &newcomer_env(dir.path()), 120, 40);
    let screen = t.wait_for("✗ no AWS credentials found", 30);
    for needle in ["--profile NAME", "aws sso login", "baseline-panel --demo", "r asks now"] {
        assert!(screen.contains(needle), "{needle}:\n{screen}");
    }
    // The log pane names the cause instead of waiting for lines that cannot come.
    let screen = t.wait_for("nothing to read: no AWS credentials found", 10);
    assert!(screen.contains("no AWS credentials ┐"), "the pane's title says it:\n{screen}");
    assert!(!screen.contains("waiting for log lines"), "{screen}");
    // The footer says it once, with the fix.
    assert!(screen.contains("no AWS credentials found: set a profile"), "{screen}");
    t.keys(&["Escape"]);
    t.wait_gone("no AWS credentials found: set a profile", 5);
    // s, x and d give the same cause, not a wait.
    for (key, what) in
        [("s", "nothing to start"), ("x", "nothing to stop"), ("d", "dev mode cannot be switched")]
    {
        t.keys(&[key]);
        t.wait_for(&format!("{what}: no AWS credentials found"), 5);
        t.keys(&["Escape"]);
        t.wait_gone(what, 5);
    }
    // The scheduler log and the console too.
    t.keys(&["2"]);
    let screen = t.wait_for("Scheduler", 5);
    assert!(screen.contains("nothing to read: no AWS credentials found"), "{screen}");
    t.keys(&["q"]);
    t.wait_for("PANEL-EXITED 0", 10);
}

#[test]
fn no_instance_then_no_log_group_then_the_box_on_moto() {
    if !tmux::available() {
        return;
    }
    let Some(moto) = Moto::start() else { return };
    let t = Tmux::start(BIN, &[], &panel_env(moto.dir.path(), &moto.url), 120, 40);
    let screen = t.wait_for("✗ no instance found for Name=baseline model in us-east-1", 30);
    for needle in ["only us-east-1 was searched", "--region REGION", "--instance-id", "baseline-panel doctor"]
    {
        assert!(screen.contains(needle), "{needle}:\n{screen}");
    }
    t.keys(&["Escape", "s"]);
    t.wait_for("nothing to start: no instance found for Name=baseline model", 5);
    // The box appears (launched now): r finds it, and the run log says its group is missing
    // and how to ship the run's output.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let id = rt.block_on(moto.launch("baseline model", SEED_USER_DATA));
    t.keys(&["Escape", "r"]);
    t.wait_for(&id, 20);
    let screen = t.wait_for("assets/cloudwatch-agent.json", 20);
    assert!(screen.contains("log group `/baseline-model/run` does not exist"), "{screen}");
    assert!(!screen.contains("no instance found"), "the guide is gone once the box shows:\n{screen}");
    t.keys(&["q"]);
    t.wait_for("PANEL-EXITED 0", 10);
}
