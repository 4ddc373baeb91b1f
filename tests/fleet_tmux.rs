//! Several boxes in the panel, in a real terminal (tmux): `b` switches boxes on one screen.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step should stop the test

mod support;

use support::tmux::{self, Tmux, panel_env as env_for};

const BIN: &str = env!("CARGO_BIN_EXE_baseline-panel");

#[test]
fn b_switches_between_the_configured_boxes_in_one_screen() {
    if !tmux::available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("fleet.toml");
    std::fs::write(&config, "[boxes.baseline]\n[boxes.flu]\ninstance_name = \"flu model\"\n").unwrap();
    let args = ["--demo", "--config", config.to_str().unwrap()];
    let t = Tmux::start(BIN, &args, &env_for(dir.path(), "http://127.0.0.1:9"), 130, 32);
    t.wait_for("box baseline (b: 1/2)", 20);
    t.keys(&["b"]);
    let screen = t.wait_for("box flu (b: 2/2)", 10);
    assert!(screen.contains("flu model"), "the flu box's own simulated instance:\n{screen}");
    t.keys(&["b"]);
    t.wait_for("box baseline (b: 1/2)", 10);
    t.keys(&["q"]);
    let after = t.wait_for("PANEL-EXITED 0", 10);
    assert!(!after.contains("Instance"), "the alternate screen is gone after quitting:\n{after}");
}
