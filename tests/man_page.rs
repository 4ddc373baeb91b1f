//! The man page renders with `man -l` without a warning, and has the sections a reader looks
//! for: the commands, the panel's keys, exit status, files, environment, examples.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step should stop the test

use std::io::Write;
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_baseline-panel");

fn man_available() -> bool {
    let ok = Command::new("man").arg("--version").output().is_ok_and(|o| o.status.success());
    if !ok {
        assert!(std::env::var_os("CI").is_none(), "man is required on CI (scripts/test installs man-db)");
        eprintln!(
            "\n\n*** SKIPPED: man is not installed (scripts/test installs it: apt-get install man-db) ***\n"
        );
    }
    ok
}

/// The page as `man -l -` shows it at `width` columns, and what man (and groff under it) said
/// on stderr with every warning on.
fn rendered(width: u16) -> (String, String) {
    let page = Command::new(BIN).arg("man").env_clear().output().unwrap();
    assert!(page.status.success(), "{page:?}");
    let mut man = Command::new("man")
        .args(["--warnings=all", "-l", "-"])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("LANG", "C.UTF-8")
        .env("MANWIDTH", width.to_string())
        .env("MANPAGER", "cat")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    man.stdin.take().unwrap().write_all(&page.stdout).unwrap();
    let out = man.wait_with_output().unwrap();
    assert!(out.status.success(), "man -l: {out:?}");
    (String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

#[test]
fn the_man_page_renders_without_warnings_and_has_every_section() {
    if !man_available() {
        return;
    }
    for width in [80, 60, 120] {
        let (text, warnings) = rendered(width);
        assert_eq!(warnings, "", "man -l warned at {width} columns");
        let headings: Vec<&str> =
            text.lines().filter(|l| l.chars().next().is_some_and(char::is_alphabetic)).collect();
        for section in [
            "NAME",
            "SYNOPSIS",
            "DESCRIPTION",
            "OPTIONS",
            "COMMANDS",
            "KEYS",
            "EXIT STATUS",
            "FILES",
            "ENVIRONMENT",
            "EXAMPLES",
        ] {
            assert!(headings.contains(&section), "{section} missing at {width} columns: {headings:?}");
        }
        let widest = text.lines().map(|l| l.chars().count()).max().unwrap_or(0);
        assert!(widest <= usize::from(width), "a line of {widest} columns at {width}:\n{text}");
    }
}

/// The text of a section: the lines after its heading, up to the next heading (a line that
/// starts with a letter).
fn section(text: &str, name: &str) -> String {
    let mut lines = text.lines().skip_while(|l| *l != name);
    assert!(lines.next().is_some(), "{name} in:\n{text}");
    lines.take_while(|l| !l.chars().next().is_some_and(char::is_alphabetic)).collect::<Vec<_>>().join("\n")
}

#[test]
fn keys_exit_codes_files_and_environment_are_the_program_s_own() {
    if !man_available() {
        return;
    }
    let (text, _) = rendered(100);
    let keys = section(&text, "KEYS");
    for (name, key, what) in baseline_panel::keymap::COMMANDS {
        assert!(keys.contains(&format!("{key} ({name})")), "key {key} of {name}:\n{keys}");
        assert!(keys.contains(what), "{what}:\n{keys}");
    }
    for (key, _) in baseline_panel::keymap::FIXED_KEYS {
        assert!(keys.contains(key), "{key}:\n{keys}");
    }
    let codes = section(&text, "EXIT STATUS");
    for (code, _) in baseline_panel::cli::EXIT_CODES {
        assert!(
            codes.lines().any(|l| l.trim_start().starts_with(&format!("{code} "))),
            "code {code}:\n{codes}"
        );
    }
    let files = section(&text, "FILES");
    for path in [
        "$XDG_CONFIG_HOME/baseline-panel/config.toml",
        ".env",
        "$XDG_STATE_HOME/baseline-panel/baseline-panel.log",
        "$XDG_STATE_HOME/baseline-panel/backups/",
    ] {
        assert!(files.contains(path), "{path}:\n{files}");
    }
    let env = section(&text, "ENVIRONMENT");
    for var in [
        "AWS_ENDPOINT_URL",
        "AWS_PROFILE",
        "SLACK_API_URL",
        "GITHUB_API_URL",
        "SLACK_API_TOKEN",
        "CHANNEL_ID",
        "GITHUB_TOKEN",
        "BASELINE_PANEL_LOG",
        "XDG_CONFIG_HOME",
        "XDG_STATE_HOME",
    ] {
        assert!(env.contains(var), "{var}:\n{env}");
    }
    let examples = section(&text, "EXAMPLES");
    assert!(examples.contains("baseline-panel --demo"), "{examples}");
}

/// The files the man page names are where the program reads and writes them: the config file
/// under `$XDG_CONFIG_HOME`, the log file and the backups under `$XDG_STATE_HOME`.
#[test]
fn the_files_named_are_the_program_s_paths() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config/baseline-panel");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(config.join("config.toml"), "[boxes.flu]\n").unwrap();
    let run = |args: &[&str]| {
        Command::new(BIN)
            .args(args)
            .env_clear()
            .env("HOME", dir.path())
            .env("XDG_STATE_HOME", dir.path().join("state"))
            .env("XDG_CONFIG_HOME", dir.path().join("config"))
            .current_dir(dir.path())
            .output()
            .unwrap()
    };
    let out = run(&["--demo", "status", "--box", "nope"]);
    assert_eq!(out.status.code(), Some(6), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("the configured boxes are flu"), "{out:?}");
    let out = run(&["--demo", "dev", "on", "--yes"]);
    assert!(out.status.success(), "{out:?}");
    let state = dir.path().join("state/baseline-panel");
    assert!(state.join("baseline-panel.log").is_file(), "the log file");
    let backups: Vec<_> = std::fs::read_dir(state.join("demo-backups")).unwrap().collect();
    assert_eq!(backups.len(), 1, "one backup of the user data");
}
