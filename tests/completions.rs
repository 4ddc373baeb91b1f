//! Shell completion, run by the shells themselves: bash through its completion function with
//! `COMP_WORDS`/`COMP_CWORD`, fish with `complete -C`, zsh typed into a real terminal (tmux).
//! Each shell loads the script `baseline-panel completions SHELL` prints, and finds the binary
//! under test on `PATH` as `baseline-panel`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step should stop the test

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use support::tmux::{self, Tmux};

const BIN: &str = env!("CARGO_BIN_EXE_baseline-panel");

/// A scratch home: `PATH` with the binary as `baseline-panel`, and a config file listing the
/// boxes `covid` and `flu` at the XDG place (and an `other.toml` listing `rsv`).
struct Scratch {
    dir: tempfile::TempDir,
}

impl Scratch {
    fn new() -> Scratch {
        let dir = tempfile::tempdir().unwrap();
        let bin = dir.path().join("bin");
        std::fs::create_dir_all(&bin).unwrap();
        std::os::unix::fs::symlink(BIN, bin.join("baseline-panel")).unwrap();
        let config = dir.path().join("config/baseline-panel");
        std::fs::create_dir_all(&config).unwrap();
        std::fs::write(config.join("config.toml"), "[boxes.flu]\n[boxes.covid]\nrule = \"CovidWeekly\"\n")
            .unwrap();
        std::fs::write(dir.path().join("other.toml"), "[boxes.rsv]\n").unwrap();
        Scratch { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn other_config(&self) -> PathBuf {
        self.path().join("other.toml")
    }

    /// `PATH` with the binary first, then the system's.
    fn search_path(&self) -> String {
        format!("{}:{}", self.path().join("bin").display(), std::env::var("PATH").unwrap_or_default())
    }

    fn env(&self) -> Vec<(String, String)> {
        vec![
            ("PATH".into(), self.search_path()),
            ("HOME".into(), self.path().to_string_lossy().into_owned()),
            ("XDG_CONFIG_HOME".into(), self.path().join("config").to_string_lossy().into_owned()),
            ("XDG_STATE_HOME".into(), self.path().join("state").to_string_lossy().into_owned()),
        ]
    }

    /// A shell command with exactly this scratch environment.
    fn command(&self, program: &str) -> Command {
        let mut c = Command::new(program);
        c.env_clear().envs(self.env()).current_dir(self.path());
        c
    }
}

fn installed(shell: &str) -> bool {
    let ok = Command::new(shell).arg("-c").arg("exit 0").output().is_ok_and(|o| o.status.success());
    if !ok {
        assert!(std::env::var_os("CI").is_none(), "{shell} is required on CI (scripts/test installs it)");
        eprintln!(
            "\n\n*** SKIPPED: {shell} is not installed (scripts/test installs it: apt-get install {shell}) ***\n"
        );
    }
    ok
}

/// What bash's completion function answers for the words `line` (split on spaces; a trailing
/// space starts an empty word), as bash calls it: `COMP_WORDS`, `COMP_CWORD`, and the function
/// with the command, the current word and the previous one.
fn bash(s: &Scratch, line: &str) -> Vec<String> {
    let words: Vec<&str> = line.split(' ').collect();
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let script = format!(
        "source <(baseline-panel completions bash) || exit 9\n\
         COMP_WORDS=({words})\n\
         COMP_CWORD={cword}\n\
         COMP_LINE='{line}'\n\
         COMP_POINT=${{#COMP_LINE}}\n\
         complete -p baseline-panel >/dev/null || exit 8\n\
         fn=$(complete -p baseline-panel | sed -n 's/.*-F \\([^ ]*\\) .*/\\1/p')\n\
         \"$fn\" baseline-panel \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"\n\
         printf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
        words = quoted.join(" "),
        cword = words.len() - 1,
    );
    let out = s.command("bash").args(["--norc", "--noprofile", "-c", &script]).output().unwrap();
    assert!(out.status.success(), "bash for {line:?}: {out:?}");
    String::from_utf8(out.stdout).unwrap().lines().filter(|l| !l.is_empty()).map(str::to_owned).collect()
}

/// The words fish offers for the command line `line` (`complete -C`), without descriptions.
fn fish(s: &Scratch, line: &str) -> Vec<String> {
    let script = format!("baseline-panel completions fish | source; complete -C '{line}'");
    let out = s.command("fish").args(["--no-config", "-c", &script]).output().unwrap();
    assert!(out.status.success(), "fish for {line:?}: {out:?}");
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| l.split('\t').next().unwrap_or_default().to_owned())
        .collect()
}

fn has_all(got: &[String], want: &[&str], label: &str) {
    for w in want {
        assert!(got.iter().any(|g| g == w), "{label}: {w:?} missing from {got:?}");
    }
}

fn has_none(got: &[String], unwanted: &[&str], label: &str) {
    for w in unwanted {
        assert!(!got.iter().any(|g| g == w), "{label}: {w:?} should not be offered: {got:?}");
    }
}

/// The checks every shell passes: `complete(line)` gives the words offered for `line`.
fn check_shell(label: &str, complete: &dyn Fn(&str) -> Vec<String>, other_config: &Path) {
    let got = complete("baseline-panel ");
    has_all(&got, &["status", "start", "stop", "schedule", "dev", "userdata", "logs", "ssh", "man"], label);
    // The words past the first: the bug of the generated static bash script lists files here.
    let got = complete("baseline-panel schedule ");
    has_all(&got, &["show", "enable", "disable"], label);
    has_none(&got, &["bin", "config", "other.toml"], label);
    has_all(&complete("baseline-panel dev "), &["status", "on", "off"], label);
    has_all(&complete("baseline-panel userdata "), &["show", "diff", "backups", "restore"], label);
    assert_eq!(complete("baseline-panel dev o"), ["on", "off"], "{label}");
    assert_eq!(complete("baseline-panel logs --source "), ["run", "scheduler", "console"], "{label}");
    assert_eq!(complete("baseline-panel logs --source s"), ["scheduler"], "{label}");
    // Flags of a subcommand, and the global ones after it.
    has_all(&complete("baseline-panel schedule enable --"), &["--yes", "--box", "--read-only"], label);
    has_all(&complete("baseline-panel logs --"), &["--follow", "--since", "--source", "--raw"], label);
    has_all(&complete("baseline-panel start --"), &["--wait", "--yes", "--all"], label);
    // `--box`: the boxes of the config file, wherever the flag stands.
    assert_eq!(complete("baseline-panel --box "), ["covid", "flu"], "{label}");
    assert_eq!(complete("baseline-panel status --box "), ["covid", "flu"], "{label}");
    assert_eq!(complete("baseline-panel status --box f"), ["flu"], "{label}");
    let other = format!("baseline-panel --config {} dev on --box ", other_config.display());
    assert_eq!(complete(&other), ["rsv"], "{label}: the boxes of the file --config names");
    assert_eq!(complete("baseline-panel completions f"), ["fish"], "{label}");
}

#[test]
fn bash_completes_subcommands_flags_and_values() {
    let s = Scratch::new();
    check_shell("bash", &|line| bash(&s, line), &s.other_config());
}

#[test]
fn fish_completes_subcommands_flags_and_values() {
    if !installed("fish") {
        return;
    }
    let s = Scratch::new();
    check_shell("fish", &|line| fish(&s, line), &s.other_config());
}

/// An interactive zsh (compinit, then the script) in tmux, in the scratch environment.
fn zsh_session(s: &Scratch) -> Tmux {
    std::fs::write(
        s.path().join(".zshrc"),
        "autoload -Uz compinit && compinit -u -d \"$HOME/.zcompdump\"\n\
         source <(baseline-panel completions zsh)\n\
         PS1='ZSH-PROMPT%% '\n",
    )
    .unwrap();
    let mut env = s.env();
    env.push(("ZDOTDIR".into(), s.path().to_string_lossy().into_owned()));
    let t = Tmux::start("zsh", &["-i"], &env, 140, 30);
    t.wait_for("ZSH-PROMPT%", 20);
    t
}

/// Types `text`, presses Tab, and waits for the screen to show `expected`; then clears the line.
fn zsh_tab(t: &Tmux, text: &str, expected: &[&str]) -> String {
    t.keys(&["-l", text]);
    t.keys(&["Tab"]);
    let mut screen = String::new();
    for e in expected {
        screen = t.wait_for(e, 15);
    }
    t.keys(&["C-u"]);
    t.keys(&["C-l"]);
    t.wait_gone(text.trim_end(), 10);
    screen
}

#[test]
fn zsh_completes_subcommands_flags_and_values() {
    if !tmux::available() || !installed("zsh") {
        return;
    }
    let s = Scratch::new();
    let t = zsh_session(&s);
    // The words past the first: a list of the schedule's actions, not of the files here.
    let screen = zsh_tab(&t, "baseline-panel schedule ", &["enable", "disable", "show"]);
    assert!(!screen.contains("other.toml"), "{screen}");
    zsh_tab(&t, "baseline-panel dev ", &["status", "on", "off"]);
    zsh_tab(&t, "baseline-panel userdata ", &["backups", "restore", "diff"]);
    zsh_tab(&t, "baseline-panel logs --source ", &["run", "scheduler", "console"]);
    zsh_tab(&t, "baseline-panel status --box ", &["covid", "flu"]);
    // One candidate: zsh writes it into the line, and a space after it (the `X` typed next).
    zsh_complete_line(&t, "baseline-panel logs --sou", "baseline-panel logs --source X");
    zsh_complete_line(&t, "baseline-panel schedule enable --y", "baseline-panel schedule enable --yes X");
    zsh_complete_line(&t, "baseline-panel --box c", "baseline-panel --box covid X");
}

/// Types `text`, Tab, then `X`, and waits for the line to read `expected`; then clears it.
fn zsh_complete_line(t: &Tmux, text: &str, expected: &str) {
    t.keys(&["-l", text]);
    t.keys(&["Tab"]);
    t.keys(&["-l", "X"]);
    t.wait_for(expected, 15);
    t.keys(&["C-u"]);
    t.keys(&["C-l"]);
    t.wait_gone(text, 10);
}
