//! How a command ends: its exit code and one line on stderr; for `--json`, an error document
//! on stdout too; and quietly with 0 when the reader of its output has gone (`… | head`).

use std::io::Write;

use serde::Serialize;

use super::{Command, Failure, REFUSED};
use crate::cloud::error::{kind_of_text, split_hint};

/// Not a failure: stdout's reader has gone (a closed pipe, as `doctor --json | head` closes
/// it). The command stops writing and exits 0 without a word.
pub const READER_GONE: i32 = 0;

/// Version of the `--json` error document (the same field as in every success document).
pub const SCHEMA: u32 = 1;

/// True when `e` is the sign that stdout's reader has gone.
pub fn reader_gone(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::BrokenPipe
}

/// Ends the process quietly with 0 when a panic is a failed write to a closed stdout (the
/// standard `println!` and some generators panic on it); other panics go on as before. For
/// the commands only: the panel has its own hook, which restores the terminal.
pub fn exit_quietly_on_closed_pipe() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let text = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if ["Broken pipe", "BrokenPipe", "(os error 32)"].iter().any(|p| text.contains(p)) {
            std::process::exit(0);
        }
        previous(info);
    }));
}

/// The `--json` commands: on a failure they print an error document on stdout, as they print
/// their document on success. `doctor --json` prints its checks even when some fail: only a
/// failure before the checks (`before_run`, the configuration) gets the error document.
pub fn wants_error_document(cmd: Option<&Command>, before_run: bool) -> bool {
    use super::schedule::ScheduleCommand;
    match cmd {
        Some(
            Command::Status { json, all: false }
            | Command::Runs { json, .. }
            | Command::Activity { json, .. }
            | Command::Schedule { action: ScheduleCommand::Show { json } }
            | Command::Dev { command: super::DevCommand::Status { json } },
        ) => *json,
        // `doctor --json` and `status --all --json` print their document even when some
        // checks or boxes fail.
        Some(Command::Doctor { json, .. } | Command::Status { json, all: true }) => *json && before_run,
        _ => false,
    }
}

impl Failure {
    /// A stable word for what went wrong, for scripts: the cloud error's kind when the message
    /// is one (`no_credentials`, `sso_expired`, `no_instance`, `no_rule`, `no_log_group`,
    /// `access_denied`, `unreachable`, …), else one by exit code (`failed`, `usage`,
    /// `not_found`, `credentials`, `aws_unavailable`, `config`, `refused`, `uncertain_write`).
    pub fn kind(&self) -> &'static str {
        let by_code = match self.code {
            2 => return "usage",
            6 => return "config",
            REFUSED => return "refused",
            super::NEEDS_ATTENTION => return "uncertain_write",
            3 => "not_found",
            4 => "credentials",
            5 => "aws_unavailable",
            _ => "failed",
        };
        kind_of_text(&self.message).unwrap_or(by_code)
    }
}

#[derive(Serialize)]
struct ErrorJson<'a> {
    kind: &'static str,
    message: &'a str,
    hint: Option<&'a str>,
}

#[derive(Serialize)]
struct ErrorDocument<'a> {
    schema: u32,
    ok: bool,
    error: ErrorJson<'a>,
    exit_code: i32,
}

/// Writes the error document of `f` to `out`:
/// `{"schema": 1, "ok": false, "error": {"kind", "message", "hint"}, "exit_code": 4}`, where
/// `message` is what happened and `hint` what to do (`null` when the message has none).
pub fn write_error_document(out: &mut impl Write, f: &Failure) -> std::io::Result<()> {
    let (message, hint) = split_hint(&f.message);
    let doc = ErrorDocument {
        schema: SCHEMA,
        ok: false,
        error: ErrorJson { kind: f.kind(), message, hint },
        exit_code: f.code,
    };
    crate::sanitize::write_json(out, &doc)
}

/// Prints the error document of `f` on stdout; a closed stdout is not worth a word.
pub fn print_error_document(f: &Failure) {
    let _ = write_error_document(&mut std::io::stdout().lock(), f);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloud::CloudError;
    use clap::Parser;

    fn doc(f: &Failure) -> serde_json::Value {
        let mut out = Vec::new();
        write_error_document(&mut out, f).unwrap();
        serde_json::from_slice(&out).unwrap()
    }

    #[test]
    fn a_cloud_failure_keeps_its_kind_and_splits_its_hint() {
        let f = Failure::from(CloudError::NotFound {
            target: "Name=baseline model".into(),
            region: "us-east-1".into(),
        });
        let d = doc(&f);
        assert_eq!(d["schema"], 1);
        assert_eq!(d["ok"], false);
        assert_eq!(d["exit_code"], 3);
        assert_eq!(d["error"]["kind"], "no_instance");
        assert_eq!(d["error"]["message"], "no instance found for Name=baseline model in us-east-1");
        assert_eq!(d["error"]["hint"], "check --instance-name/--instance-id and --region");
    }

    #[test]
    fn other_failures_take_a_kind_from_their_exit_code() {
        let kind = |code: i32, message: &str| Failure { code, message: message.into() }.kind();
        assert_eq!(kind(6, "config.toml:3: poll_fast_secs: wrong type"), "config");
        assert_eq!(kind(7, "read-only mode: starting a run is disabled"), "refused");
        assert_eq!(kind(8, "may still be applied"), "uncertain_write");
        assert_eq!(kind(3, "no run in the last 120 days"), "not_found");
        assert_eq!(kind(1, "something odd"), "failed");
        let d = doc(&Failure { code: 1, message: "something odd".into() });
        assert_eq!(d["error"]["hint"], serde_json::Value::Null);
    }

    #[test]
    fn the_json_commands_want_the_document_and_doctor_only_before_its_checks() {
        let cmd = |args: &[&str]| {
            let mut all = vec!["baseline-panel"];
            all.extend_from_slice(args);
            super::super::Cli::parse_from(all).command
        };
        for args in [
            &["status", "--json"][..],
            &["runs", "--json"],
            &["schedule", "show", "--json"],
            &["dev", "status", "--json"],
        ] {
            assert!(wants_error_document(cmd(args).as_ref(), false), "{args:?}");
        }
        for args in [&["status"][..], &["schedule", "show"], &["start", "--yes"], &["logs"]] {
            assert!(!wants_error_document(cmd(args).as_ref(), true), "{args:?}");
        }
        let doctor = cmd(&["doctor", "--json"]);
        assert!(wants_error_document(doctor.as_ref(), true));
        assert!(!wants_error_document(doctor.as_ref(), false), "doctor prints its own document");
        assert!(!wants_error_document(None, true), "the panel");
    }
}
