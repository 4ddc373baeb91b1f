//! The Slack panel, the message dialog and the doctor overlay in the real binary (demo mode),
//! in a real terminal (tmux).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step should stop the test

mod support;

use std::path::Path;

use support::tmux::{self, Tmux};

const BIN: &str = env!("CARGO_BIN_EXE_baseline-panel");

fn env_for(scratch: &Path) -> Vec<(String, String)> {
    let home = scratch.join("home");
    std::fs::create_dir_all(&home).unwrap();
    let h = |p: &str| home.join(p).to_string_lossy().into_owned();
    vec![
        ("HOME".into(), h("")),
        ("XDG_CONFIG_HOME".into(), h(".config")),
        ("XDG_STATE_HOME".into(), h(".state")),
        ("USER".into(), "labuser".into()),
    ]
}

#[test]
fn demo_test_message_and_doctor() {
    if !tmux::available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let t = Tmux::start(BIN, &["--demo"], &env_for(dir.path()), 120, 32);
    t.wait_for("Slack C0DEMO0001 · demo", 20);
    t.wait_for("the demo channel is empty", 5);

    t.keys(&["m"]);
    t.wait_for("Post a test message", 5);
    t.wait_for("test message from labuser@", 5);
    // Clear the text and write another; y, n and q are letters here, not answers.
    t.keys(&["-N", "150", "BSpace"]);
    t.keys(&["-l", "hello from tmux y n q"]);
    t.wait_for("hello from tmux y n q", 5);
    t.keys(&["Enter"]);
    t.wait_for("✓ posted at", 10);
    t.wait_for("test message posted to C0DEMO0001", 5);
    let screen = t.wait_gone("Post a test message", 5);
    assert!(screen.contains("hello from tmux y n q"), "the simulated channel shows the message:\n{screen}");

    t.keys(&["D"]);
    t.wait_for("Doctor", 5);
    t.wait_for("every required check passed", 30);
    t.wait_for("✓ AWS identity", 5);
    t.keys(&["Escape"]);
    t.wait_gone("every required check passed", 5);

    t.keys(&["q"]);
    t.wait_for("PANEL-EXITED 0", 10);
}
