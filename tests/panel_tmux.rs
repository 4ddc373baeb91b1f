//! The real binary in a real terminal (tmux): what a person sees and types.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step should stop the test

mod support;

use support::moto::{Moto, SEED_USER_DATA};
use support::tmux::{self, Tmux, panel_env as env_for};

const BIN: &str = env!("CARGO_BIN_EXE_baseline-panel");

#[test]
fn demo_panel_shows_the_box_help_and_quits_cleanly() {
    if !tmux::available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let t = Tmux::start(BIN, &["--demo"], &env_for(dir.path(), "http://127.0.0.1:9"), 110, 32);
    // The header names the tag on the first frame; the instance line needs the first answer.
    let screen = t.wait_for("i-0db5237193478dd8d", 20);
    assert!(screen.contains("DEMO"), "{screen}");
    assert!(screen.contains("baseline model"), "{screen}");
    t.keys(&["?"]);
    t.wait_for("Keys", 5);
    t.keys(&["Escape"]);
    t.wait_gone("Keys", 5);
    t.keys(&["q"]);
    let after = t.wait_for("PANEL-EXITED 0", 10);
    assert!(!after.contains("Instance"), "the alternate screen is gone after quitting:\n{after}");
}

#[test]
fn too_small_terminal_says_so() {
    if !tmux::available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let t = Tmux::start(BIN, &["--demo"], &env_for(dir.path(), "http://127.0.0.1:9"), 50, 12);
    t.wait_for("Terminal too small", 20);
    t.keys(&["C-c"]);
    t.wait_for("PANEL-EXITED 0", 10);
}

#[test]
fn panel_on_moto_shows_the_instance_and_survives_a_dead_endpoint() {
    if !tmux::available() {
        return;
    }
    let Some(mut moto) = Moto::start() else {
        return;
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let id = rt.block_on(moto.launch("baseline model", SEED_USER_DATA));
    let t = Tmux::start(BIN, &[], &env_for(moto.dir.path(), &moto.url), 120, 32);
    let screen = t.wait_for(&id, 30);
    assert!(screen.contains("● running"), "{screen}");
    assert!(screen.contains("endpoint http://127.0.0.1"), "the header names the endpoint:\n{screen}");

    moto.kill();
    t.keys(&["r"]);
    let screen = t.wait_for("stale since", 30);
    assert!(screen.contains("connection refused"), "{screen}");
    assert!(screen.contains(&id), "the last good data stays on screen:\n{screen}");
    // Input still answers while the endpoint is dead.
    t.keys(&["?"]);
    t.wait_for("Keys", 5);
    t.keys(&["q"]);
    t.wait_for("PANEL-EXITED 0", 10);
}

#[test]
fn start_from_the_panel_asks_first_and_no_changes_nothing() {
    if !tmux::available() {
        return;
    }
    let Some(moto) = Moto::start() else { return };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let id = rt.block_on(async {
        let id = moto.launch("baseline model", SEED_USER_DATA).await;
        moto.stop(&id).await;
        id
    });
    let t = Tmux::start(BIN, &[], &env_for(moto.dir.path(), &moto.url), 120, 34);
    t.wait_for("● stopped", 30);
    t.keys(&["s"]);
    let screen = t.wait_for("Start a run?", 15);
    assert!(screen.contains("[ No ]") && screen.contains("Dev mode is off"), "{screen}");
    t.keys(&["n"]);
    t.wait_for("cancelled: nothing changed", 5);
    if let Some(s) = moto.witness_instance(&id, "State.Name") {
        assert_eq!(s, "stopped", "No changed nothing");
    }
    t.keys(&["s"]);
    t.wait_for("Start a run?", 15);
    t.keys(&["y"]);
    t.wait_for("start requested for", 15);
    t.wait_for("● running", 30);
    if let Some(s) = moto.witness_instance(&id, "State.Name") {
        assert_eq!(s, "running");
    }
    t.keys(&["q"]);
    t.wait_for("PANEL-EXITED 0", 10);
}

#[test]
fn dev_mode_from_the_panel_writes_one_line_and_shows_the_badge() {
    if !tmux::available() {
        return;
    }
    let Some(moto) = Moto::start() else { return };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let id = rt.block_on(async {
        let id = moto.launch("baseline model", SEED_USER_DATA).await;
        moto.stop(&id).await;
        id
    });
    let t = Tmux::start(BIN, &[], &env_for(moto.dir.path(), &moto.url), 120, 40);
    t.wait_for("Dev mode off", 30);
    t.keys(&["d"]);
    let screen = t.wait_for("Turn dev mode ON?", 15);
    assert!(
        screen.contains("+# su -c \"~ec2-user/run-baseline.sh\" ec2-user >> /tmp/startup-out.txt"),
        "{screen}"
    );
    t.keys(&["y"]);
    let screen = t.wait_for("DEV MODE", 20);
    assert!(screen.contains("dev mode is ON for"), "{screen}");
    t.wait_for("Dev mode ON", 20);
    // The AWS CLI witness: exactly the script line is commented, the rest is byte for byte.
    if let Some(bytes) = moto.witness_user_data(&id) {
        let expected = SEED_USER_DATA.replace("\nsu -c", "\n# su -c");
        assert_eq!(String::from_utf8(bytes).unwrap(), expected);
    }
    let backups = moto.dir.path().join("home/.state/baseline-panel/backups");
    assert_eq!(std::fs::read_dir(&backups).unwrap().count(), 1, "one backup before the write");
    t.keys(&["q"]);
    t.wait_for("PANEL-EXITED 0", 10);
}
