//! The real binary in a real terminal when things go wrong: the endpoint dies and comes back,
//! AWS answers late or throttles, the panel is signalled, panics, or is suspended. Input keeps
//! answering, and the terminal is always given back as it was.
//!
//! Deadlines here are "it eventually happens" bounds, generous for a loaded two-core machine.
//! The one comparison of times is deliberate: with an endpoint that answers after 20 s, a help
//! overlay that shows within 5 s shows that input does not wait for the network.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step should stop the test

#[path = "support/aws_stub.rs"]
mod aws_stub;
#[path = "support/http_stub.rs"]
mod http_stub;
mod support;

use std::time::Duration;

use support::moto::{Moto, SEED_USER_DATA};
use support::tmux::{self, Tmux, panel_env as env_for, signal_pid};

const BIN: &str = env!("CARGO_BIN_EXE_baseline-panel");

/// A line of the help overlay (and nowhere else on screen).
const HELP: &str = "show / hide this help";

/// `?` opens the help within `secs`, Esc closes it.
fn help_answers(t: &Tmux, secs: u64) {
    t.keys(&["?"]);
    t.wait_for(HELP, secs);
    t.keys(&["Escape"]);
    t.wait_gone(HELP, secs);
}

/// The pane shows the main screen again, without a trace of the panel.
fn assert_main_screen(t: &Tmux) -> String {
    let screen = t.screen();
    assert!(!t.alternate_on(), "the alternate screen is still on:\n{screen}");
    assert!(!screen.contains('╭') && !screen.contains("Instance"), "panel borders remain:\n{screen}");
    screen
}

// --- a: the endpoint dies and comes back -------------------------------------------------

/// The instance panel's box (the other panels have errors and freshness marks of their own).
fn instance_panel(screen: &str) -> String {
    let lines: Vec<&str> = screen.lines().collect();
    let Some(top) = lines.iter().position(|l| l.contains("╭ Instance")) else { return String::new() };
    let width = lines[top].chars().position(|c| c == '╮').map_or(usize::MAX, |i| i + 1);
    let mut out = String::new();
    for l in &lines[top..] {
        out.extend(l.chars().take(width));
        out.push('\n');
        if l.starts_with('╰') {
            break;
        }
    }
    out
}

/// Waits until the instance panel satisfies `ok`; panics with the screen after `secs`.
fn wait_instance(t: &Tmux, secs: u64, what: &str, ok: impl Fn(&str) -> bool) -> String {
    let deadline = std::time::Instant::now() + Duration::from_secs(secs);
    loop {
        let panel = instance_panel(&t.screen());
        if ok(&panel) {
            return panel;
        }
        assert!(std::time::Instant::now() < deadline, "waited {secs}s for {what}; screen:\n{}", t.screen());
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn endpoint_restart_goes_stale_keeps_input_and_recovers_by_itself() {
    if !tmux::available() {
        return;
    }
    let Some(mut moto) = Moto::start() else { return };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let first = rt.block_on(moto.launch("baseline model", SEED_USER_DATA));
    let t = Tmux::start(BIN, &[], &env_for(moto.dir.path(), &moto.url), 120, 32);
    let panel = wait_instance(&t, 30, "the instance", |p| p.contains(&first));
    assert!(panel.contains("● running"), "{panel}");

    moto.kill();
    // No key: the poller notices by itself, at its next poll (a running box: within a minute).
    let stale = regex::Regex::new(r"✗ stale since \d{2}:\d{2}:\d{2} UTC").unwrap();
    let panel = wait_instance(&t, 90, "the stale marker and the error", |p| {
        stale.is_match(p) && p.contains("connection refused")
    });
    assert!(panel.contains(&first), "the last good data stays on screen:\n{panel}");
    help_answers(&t, 5);

    moto.restart();
    let second = rt.block_on(moto.launch("baseline model", SEED_USER_DATA));
    assert_ne!(first, second, "moto gives the new instance a new id");
    // Backoff is 2 s, 4 s, ... up to 60 s between tries: it comes back within about a minute,
    // the error and the stale marker gone (the dev-mode line re-reads the new instance too).
    let panel = wait_instance(&t, 90, "the relaunched instance, all errors cleared", |p| {
        p.contains(&second) && !p.contains("stale since") && !p.contains("connection refused")
    });
    assert!(!panel.contains(&first), "the instance moto forgot is gone:\n{panel}");
    assert!(panel.contains("● running"), "{panel}");

    t.keys(&["q"]);
    t.wait_for("PANEL-EXITED 0", 10);
}

// --- b: slow and throttling endpoints never freeze input ---------------------------------

#[test]
fn slow_endpoint_never_freezes_input() {
    if !tmux::available() {
        return;
    }
    let rt = tokio::runtime::Runtime::new().unwrap();
    let stub = rt.block_on(aws_stub::slow(Duration::from_secs(20)));
    let dir = tempfile::tempdir().unwrap();
    let t = Tmux::start(BIN, &[], &env_for(dir.path(), &aws_stub::endpoint(&stub)), 120, 32);
    t.wait_for("asking EC2", 20);
    // The panel's first request is out and will not be answered for 20 s.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while stub.requests().is_empty() {
        assert!(std::time::Instant::now() < deadline, "the panel never asked the endpoint");
        std::thread::sleep(Duration::from_millis(100));
    }
    help_answers(&t, 5);
    help_answers(&t, 5);
    t.keys(&["q"]);
    let screen = t.wait_for("PANEL-EXITED 0", 10);
    assert!(!screen.contains('╭'), "{screen}");
}

#[test]
fn throttling_endpoint_keeps_input_and_says_so() {
    if !tmux::available() {
        return;
    }
    let rt = tokio::runtime::Runtime::new().unwrap();
    let stub = rt.block_on(aws_stub::throttling());
    let dir = tempfile::tempdir().unwrap();
    let t = Tmux::start(BIN, &[], &env_for(dir.path(), &aws_stub::endpoint(&stub)), 120, 32);
    t.wait_for("baseline model", 20);
    help_answers(&t, 5);
    let screen = t.wait_for("RequestLimitExceeded", 60);
    assert!(screen.contains("throttled by AWS"), "{screen}");
    assert!(
        stub.requests().iter().any(|r| aws_stub::action(r) == "DescribeInstances"),
        "the panel asked EC2: {:?}",
        stub.requests().iter().map(aws_stub::action).collect::<Vec<_>>()
    );
    help_answers(&t, 5);
    t.keys(&["q"]);
    t.wait_for("PANEL-EXITED 0", 10);
}

// --- c: the terminal is given back --------------------------------------------------------

/// An interactive shell in tmux running the demo panel as a person would start it.
fn panel_in_shell(extra_env: &[(&str, &str)]) -> (Tmux, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut env = env_for(dir.path(), "http://127.0.0.1:9");
    env.extend(extra_env.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    let t = Tmux::shell(&env, 110, 32);
    t.line(&format!("'{BIN}' --demo"));
    (t, dir)
}

/// Waits until the shell prompts for a new command (its prompt is the last line shown).
fn wait_prompt(t: &Tmux, secs: u64) -> String {
    let deadline = std::time::Instant::now() + Duration::from_secs(secs);
    loop {
        let screen = t.screen();
        if screen.trim_end().lines().last().is_some_and(|l| l.trim_end() == "SHELL-PROMPT$") {
            return screen;
        }
        assert!(std::time::Instant::now() < deadline, "waited {secs}s for the prompt; screen:\n{screen}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// After the panel has exited: the exit code, and the terminal as the shell had it (main
/// screen; line editing, echo and Ctrl-C/Ctrl-Z signals on), with no panel left on screen.
fn assert_given_back(t: &Tmux, code: i32) {
    wait_prompt(t, 10);
    t.line("echo PANEL-EXITED $?");
    t.wait_for(&format!("PANEL-EXITED {code}"), 10);
    // The marker is split in the command line so that only the output holds it whole.
    t.line(r#"echo "TTY""-MODES $(stty -a | tr ' ;' '\n\n' | grep -E '^-?(icanon|echo|isig)$' | sort | paste -sd' ')""#);
    let screen = t.wait_for("TTY-MODES ", 10);
    let modes = screen.lines().find_map(|l| l.strip_prefix("TTY-MODES ")).unwrap().trim();
    assert_eq!(modes, "echo icanon isig", "the terminal is not as the shell left it:\n{screen}");
    assert_main_screen(t);
}

fn signal_quits_and_gives_the_terminal_back(signal: &str) {
    if !tmux::available() {
        return;
    }
    let (t, _dir) = panel_in_shell(&[]);
    t.wait_for("baseline model", 20);
    assert!(t.alternate_on());
    signal_pid(t.pid_of(BIN), signal);
    wait_prompt(&t, 10);
    assert_given_back(&t, 0);
}

#[test]
fn sigterm_quits_and_gives_the_terminal_back() {
    signal_quits_and_gives_the_terminal_back("TERM");
}

#[test]
fn sighup_quits_and_gives_the_terminal_back() {
    signal_quits_and_gives_the_terminal_back("HUP");
}

/// `kill -INT` (Ctrl-C itself is a key while the panel runs).
#[test]
fn sigint_quits_and_gives_the_terminal_back() {
    signal_quits_and_gives_the_terminal_back("INT");
}

#[test]
fn panic_gives_the_terminal_back_and_says_why() {
    if !tmux::available() {
        return;
    }
    let (t, _dir) = panel_in_shell(&[("BASELINE_PANEL_PANIC_AFTER_FIRST_FRAME", "1")]);
    let screen = t.wait_for("panic requested by BASELINE_PANEL_PANIC_AFTER_FIRST_FRAME", 20);
    assert!(screen.contains("panicked"), "{screen}");
    assert_given_back(&t, 101);
}

#[test]
fn ctrl_z_suspends_to_the_shell_and_fg_resumes() {
    if !tmux::available() {
        return;
    }
    let (t, _dir) = panel_in_shell(&[]);
    t.wait_for("baseline model", 20);
    t.keys(&["C-z"]);
    let screen = wait_prompt(&t, 10);
    assert!(screen.contains("Stopped"), "the shell says the panel is stopped:\n{screen}");
    assert_main_screen(&t);

    t.line("fg");
    t.wait_for("baseline model", 10);
    assert!(t.alternate_on(), "the panel is drawn again:\n{}", t.screen());
    help_answers(&t, 5);
    t.keys(&["q"]);
    wait_prompt(&t, 10);
    assert_given_back(&t, 0);
}

#[test]
fn ctrl_z_under_a_wrapper_script_stops_the_script_too() {
    if !tmux::available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let t = Tmux::shell(&env_for(dir.path(), "http://127.0.0.1:9"), 110, 32);
    // A launcher script that runs the panel as a child (no `exec`), as wrappers often do.
    t.line(&format!("sh -c \"'{BIN}' --demo; echo WRAPPER-DONE\""));
    t.wait_for("baseline model", 20);
    t.keys(&["C-z"]);
    let screen = wait_prompt(&t, 10);
    assert!(screen.contains("Stopped"), "the shell says the job is stopped:\n{screen}");
    t.line("fg");
    t.wait_for("baseline model", 10);
    t.keys(&["q"]);
    t.wait_for("WRAPPER-DONE", 10);
    assert_main_screen(&t);
}
