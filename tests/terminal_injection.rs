//! Outside text carrying terminal escape sequences (OSC 52 writes the clipboard, OSC 0 the
//! window title, CSI 2J clears the screen) is shown escaped by every command and in the log
//! file, never sent to the terminal as it is. Set on moto with the AWS CLI and the SDK, and by
//! a Slack stand-in.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step should stop the test

#[path = "support/http_stub.rs"]
mod http_stub;
mod support;

use std::process::Output;

use http_stub::{HttpStub, Recorded, Reply};
use serde_json::json;
use support::logs::{RUN_GROUP, client, create, now_ms, put};
use support::moto::{Moto, SEED_USER_DATA, dead_url, panel_command};

/// Clipboard write, window title, clear screen, C1 CSI, and a line break that would forge a
/// line of output.
const EVIL: &str = "\u{1b}]52;c;ZXZpbA==\u{7}\u{1b}]0;pwned\u{7}\u{1b}[2J\u{9b}31m\nforged: line";
/// The same attacks in the C1 forms only (valid in XML, where ESC is not).
const EVIL_C1: &str = "\u{9d}52;c;ZXZpbA==\u{9c}\u{9d}0;pwned\u{9c}\u{9b}2J\nforged: line";

/// Panics when `text` holds a byte or character that a terminal would act on.
fn assert_inert(label: &str, text: &str) {
    let bad = text.chars().find(|&c| (c.is_control() && c != '\n' && c != '\t') || c == '\u{202e}');
    assert!(bad.is_none(), "{label}: a control character {bad:?} reaches the terminal:\n{text:?}");
}

/// [`assert_inert`], and no line starts with the forged text: a newline inside a one-line
/// value is shown, not obeyed. (A log event's own newlines are kept: multi-line messages.)
fn assert_one_line_values(label: &str, text: &str) {
    assert_inert(label, text);
    assert!(!text.lines().any(|l| l.starts_with("forged")), "{label}: a forged line:\n{text}");
}

fn out_text(o: &Output) -> (String, String) {
    (String::from_utf8_lossy(&o.stdout).into_owned(), String::from_utf8_lossy(&o.stderr).into_owned())
}

fn log_text(moto: &Moto) -> String {
    std::fs::read_to_string(moto.dir.path().join("home/.state/baseline-panel/baseline-panel.log")).unwrap()
}

#[tokio::test]
async fn outside_text_from_aws_is_shown_escaped() {
    let Some(moto) = Moto::start() else { return };
    // The script line itself carries a title change after the command.
    let user_data = SEED_USER_DATA.replace("startup-out.txt", "startup-out.txt # \u{1b}]0;pwned\u{7}");
    let id = moto.launch("baseline model", &user_data).await;
    moto.stop(&id).await;
    // The Name tag, set by the AWS CLI (JSON escapes carry the control characters).
    let tags = json!([{ "Key": "Name", "Value": format!("baseline model {EVIL_C1}") }]).to_string();
    moto.aws(&["ec2", "create-tags", "--resources", &id, "--tags", &tags]).expect("aws cli");
    let name = moto.witness_instance(&id, "Tags[0].Value").unwrap();
    assert!(name.contains('\u{9d}'), "the AWS CLI reads the tag back with its control characters: {name:?}");
    // The run log and the schedule rule's description.
    let logs = client(&moto).await;
    create(&logs, RUN_GROUP, &id).await;
    let now = now_ms();
    put(&logs, RUN_GROUP, &id, &[(now, format!("Error in fit(): {EVIL}")), (now + 1, "col\tumn".into())])
        .await;
    moto.aws(&[
        "events",
        "put-rule",
        "--name",
        "MondayMorning9aEST",
        "--schedule-expression",
        "cron(0 9 ? * MON *)",
        "--description",
        &format!("starts the box {EVIL}"),
    ])
    .expect("aws cli");

    let by_id = ["--instance-id", id.as_str()];
    let mut shown_escaped = 0;
    for args in [
        &["status"][..],
        &["status", "--json"],
        &["dev", "status"],
        &["dev", "status", "--json"],
        &["dev", "on"],
        &["dev", "on", "--yes"],
        &["dev", "off", "--yes"],
        &["userdata", "diff"],
        &["start"],
        &["logs", "--since", "1h"],
        &["logs", "--run", "last"],
        &["runs"],
        &["runs", "--json"],
        &["schedule", "show"],
        &["schedule", "show", "--json"],
        &["schedule", "disable"],
        &["doctor", "--timeout", "10"],
    ] {
        let out = moto.panel().args(by_id).args(args).output().unwrap();
        let (stdout, stderr) = out_text(&out);
        let label = args.join(" ");
        if args[0] == "logs" {
            assert_inert(&format!("{label}: stdout"), &stdout);
        } else {
            assert_one_line_values(&format!("{label}: stdout"), &stdout);
        }
        assert_one_line_values(&format!("{label}: stderr"), &stderr);
        if stdout.contains("\\u{9d}") || stdout.contains("\\u{1b}") || stdout.contains("\\u009d") {
            shown_escaped += 1;
        }
    }
    assert!(shown_escaped >= 8, "the attacks are visible, escaped, in most outputs ({shown_escaped})");
    let status = moto.panel().args(by_id).arg("status").output().unwrap();
    let stdout = out_text(&status).0;
    assert!(stdout.contains("baseline model \\u{9d}52;c;ZXZpbA==\\u{9c}"), "{stdout}");
    assert!(stdout.contains("\\nforged: line"), "the newline is shown, not obeyed: {stdout}");
    // JSON decodes back to the exact tag.
    let doc: serde_json::Value =
        serde_json::from_slice(&moto.panel().args(by_id).args(["status", "--json"]).output().unwrap().stdout)
            .unwrap();
    assert_eq!(doc["instances"][0]["name"], name.as_str());
    // A log line keeps its tab.
    let logs_out = out_text(&moto.panel().args(by_id).arg("logs").output().unwrap()).0;
    assert!(logs_out.contains("col\tumn"), "{logs_out}");
    assert_one_line_values("log file", &log_text(&moto));
}

#[tokio::test]
async fn raw_output_keeps_the_bytes_for_pipes() {
    let Some(moto) = Moto::start() else { return };
    let user_data = format!("{SEED_USER_DATA}# {EVIL}\n");
    let id = moto.launch("baseline model", &user_data).await;
    let logs = client(&moto).await;
    create(&logs, RUN_GROUP, &id).await;
    put(&logs, RUN_GROUP, &id, &[(now_ms(), format!("progress {EVIL}"))]).await;

    let escaped = moto.run(&["logs"]);
    assert_inert("logs", &out_text(&escaped).0);
    let raw = moto.run(&["logs", "--raw"]);
    assert!(raw.status.success(), "{raw:?}");
    assert!(out_text(&raw).0.contains(&format!("progress {EVIL}\n")), "--raw keeps the bytes: {raw:?}");
    // Into a pipe, `userdata show` is byte for byte.
    let shown = moto.run(&["userdata", "show"]);
    assert_eq!(shown.stdout, user_data.as_bytes());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_slack_error_with_escape_sequences_is_shown_escaped() {
    let slack = HttpStub::start(|_: &Recorded| {
        Reply::json(200, json!({ "ok": false, "error": format!("weird{EVIL}"), "needed": EVIL }))
    })
    .await;
    let scratch = tempfile::tempdir().unwrap();
    let out = panel_command(&dead_url(), scratch.path())
        .env("SLACK_API_URL", format!("{}api/", slack.url()))
        .env("SLACK_API_TOKEN", "xoxb-1-2-abc")
        .env("CHANNEL_ID", "C01DTCAL49X")
        .args(["slack", "test", "--message", "hi"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let (stdout, stderr) = out_text(&out);
    assert!(stderr.contains("weird\\u{1b}]52;c;ZXZpbA=="), "{stderr}");
    assert_one_line_values("stdout", &stdout);
    assert_one_line_values("stderr", &stderr);
    let log = std::fs::read_to_string(scratch.path().join("home/.state/baseline-panel/baseline-panel.log"))
        .unwrap();
    assert!(log.contains("weird"), "the failure is logged: {log}");
    assert_one_line_values("log file", &log);
}
