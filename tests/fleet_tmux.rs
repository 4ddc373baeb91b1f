//! Several boxes in the panel, in a real terminal (tmux): `b` switches boxes on one screen.

mod support;

use std::path::Path;

use support::tmux::{self, Tmux};

const BIN: &str = env!("CARGO_BIN_EXE_baseline-panel");

fn env_for(scratch: &Path, endpoint: &str) -> Vec<(String, String)> {
    let home = scratch.join("home");
    std::fs::create_dir_all(&home).unwrap();
    let h = |p: &str| home.join(p).to_string_lossy().into_owned();
    vec![
        ("HOME".into(), h("")),
        ("XDG_CONFIG_HOME".into(), h(".config")),
        ("XDG_STATE_HOME".into(), h(".state")),
        ("AWS_CONFIG_FILE".into(), h("aws-config")),
        ("AWS_SHARED_CREDENTIALS_FILE".into(), h("aws-credentials")),
        ("AWS_EC2_METADATA_DISABLED".into(), "true".into()),
        ("AWS_ACCESS_KEY_ID".into(), "testing".into()),
        ("AWS_SECRET_ACCESS_KEY".into(), "testing".into()),
        ("AWS_ENDPOINT_URL".into(), endpoint.into()),
    ]
}

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
