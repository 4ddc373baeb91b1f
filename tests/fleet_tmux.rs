//! Several boxes in the panel, in a real terminal (tmux): the fleet view first, Enter opens a
//! box, Esc and `f` come back, `b` switches boxes on one screen.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step should stop the test

mod support;

use support::tmux::{self, Tmux, panel_env as env_for};

const BIN: &str = env!("CARGO_BIN_EXE_baseline-panel");
const CONFIG: &str = "[boxes.baseline]\n[boxes.flu]\ninstance_name = \"flu model\"\nregion = \"eu-west-1\"\n";

#[test]
fn the_fleet_view_comes_first_and_opens_a_box_and_comes_back() {
    if !tmux::available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("fleet.toml");
    std::fs::write(&config, CONFIG).unwrap();
    let args = ["--demo", "--config", config.to_str().unwrap()];
    let t = Tmux::start(BIN, &args, &env_for(dir.path(), "http://127.0.0.1:9"), 130, 32);
    t.wait_for("every box at a glance", 20);
    // Both simulated boxes answer, each with its own region.
    let screen = t.wait_for("eu-west-1", 20);
    assert!(screen.contains("baseline") && screen.contains("flu"), "{screen}");
    t.wait_gone("asking…", 20);
    t.keys(&["Down", "Enter"]);
    let screen = t.wait_for("box flu (b: 2/2)", 20);
    assert!(screen.contains("flu model"), "the flu box's own simulated instance:\n{screen}");
    t.keys(&["Escape"]);
    t.wait_for("every box at a glance", 10);
    t.keys(&["Up", "Enter"]);
    t.wait_for("box baseline (b: 1/2)", 20);
    t.keys(&["f"]);
    let screen = t.wait_for("every box at a glance", 10);
    assert!(!screen.contains("asking…"), "the rows are kept while a box is open:\n{screen}");
    t.keys(&["q"]);
    let after = t.wait_for("PANEL-EXITED 0", 10);
    assert!(!after.contains("every box"), "the alternate screen is gone after quitting:\n{after}");
}

#[test]
fn b_switches_between_the_configured_boxes_in_one_screen() {
    if !tmux::available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("fleet.toml");
    std::fs::write(&config, CONFIG).unwrap();
    // A box asked for by name opens directly.
    let args = ["--demo", "--config", config.to_str().unwrap(), "--box", "flu"];
    let t = Tmux::start(BIN, &args, &env_for(dir.path(), "http://127.0.0.1:9"), 130, 32);
    t.wait_for("box flu (b: 2/2)", 20);
    t.keys(&["b"]);
    t.wait_for("box baseline (b: 1/2)", 10);
    t.keys(&["b"]);
    let screen = t.wait_for("box flu (b: 2/2)", 10);
    assert!(screen.contains("flu model"), "the flu box's own simulated instance:\n{screen}");
    t.keys(&["b"]);
    t.wait_for("box baseline (b: 1/2)", 10);
    // Three presses typed faster than a box switch: none is lost to the switch.
    t.keys(&["b", "b", "b"]);
    t.wait_for("box flu (b: 2/2)", 10);
    t.keys(&["q"]);
    let after = t.wait_for("PANEL-EXITED 0", 10);
    assert!(!after.contains("Instance"), "the alternate screen is gone after quitting:\n{after}");
}
