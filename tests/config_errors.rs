//! A token pasted in the wrong place of the config file or `.env` is never repeated: not on
//! stderr, not in the log file. The message names the file, the line, the key when it can,
//! and the kind of problem.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step should stop the test

mod support;

use std::path::Path;
use std::process::Output;

use support::moto::{dead_url, panel_command};

const TOKEN: &str = "xoxb-5150-2112-ZyXwVuTsRqPoNmLk";

fn run(scratch: &Path, args: &[&str]) -> Output {
    panel_command(&dead_url(), scratch).env("BASELINE_PANEL_LOG", "trace").args(args).output().unwrap()
}

/// Panics when `text` holds six or more consecutive characters of the token.
fn assert_no_fragment(label: &str, text: &str) {
    let chars: Vec<char> = TOKEN.chars().collect();
    for w in chars.windows(6) {
        let piece: String = w.iter().collect();
        assert!(!text.contains(&piece), "{label} repeats {piece:?} of the token:\n{text}");
    }
}

fn check(scratch: &Path, out: &Output, expected: &str) {
    assert_eq!(out.status.code(), Some(6), "a configuration error: {out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.trim_end(), expected);
    let log = std::fs::read_to_string(scratch.join("home/.state/baseline-panel/baseline-panel.log")).unwrap();
    assert!(log.contains("exit"), "the failure is logged: {log}");
    assert_no_fragment("stderr", &stderr);
    assert_no_fragment("the log file", &log);
}

#[test]
fn a_token_in_a_typed_setting_is_named_by_its_key() {
    let scratch = tempfile::tempdir().unwrap();
    let config = scratch.path().join("bp.toml");
    std::fs::write(&config, format!("[panel]\npoll_fast_secs = \"{TOKEN}\"\n")).unwrap();
    let out = run(scratch.path(), &["--config", config.to_str().unwrap(), "status"]);
    check(
        scratch.path(),
        &out,
        &format!("baseline-panel: {}:2: poll_fast_secs: wrong type, expected u64", config.display()),
    );
}

#[test]
fn a_token_alone_on_a_config_line_is_not_repeated() {
    let scratch = tempfile::tempdir().unwrap();
    let config = scratch.path().join("bp.toml");
    std::fs::write(&config, format!("[slack]\n{TOKEN}\n")).unwrap();
    let out = run(scratch.path(), &["--config", config.to_str().unwrap(), "status"]);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(stderr.starts_with(&format!("baseline-panel: {}:2: -: ", config.display())), "{stderr}");
    check(scratch.path(), &out, stderr.trim_end());
}

#[test]
fn a_token_alone_on_a_dotenv_line_is_not_repeated() {
    let scratch = tempfile::tempdir().unwrap();
    std::fs::write(scratch.path().join(".env"), format!("CHANNEL_ID=C01DTCAL49X\n{TOKEN}\n")).unwrap();
    let out = run(scratch.path(), &["slack", "test"]);
    let env = scratch.path().join(".env");
    check(
        scratch.path(),
        &out,
        &format!(
            "baseline-panel: {}:2: -: expected KEY=VALUE (quote values that contain spaces or #)",
            env.display()
        ),
    );
}
