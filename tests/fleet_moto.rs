//! Several job boxes in one config file: `--box` chooses which one a command acts on (moto).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step should stop the test

mod support;

use serde_json::Value;
use support::moto::{Moto, SEED_USER_DATA};

const CONFIG: &str = "[boxes.baseline]\n\n[boxes.flu]\ninstance_name = \"flu model\"\n";

fn ids(out: &std::process::Output) -> Vec<String> {
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("status --json prints JSON");
    doc["instances"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn box_flag_chooses_the_instance() {
    let Some(moto) = Moto::start() else { return };
    let baseline = moto.launch("baseline model", SEED_USER_DATA).await;
    let flu = moto.launch("flu model", SEED_USER_DATA).await;
    let config = moto.dir.path().join("fleet.toml");
    std::fs::write(&config, CONFIG).unwrap();
    let config = config.to_str().unwrap();

    let out = moto.run(&["--config", config, "status", "--json", "--box", "flu"]);
    assert_eq!(ids(&out), vec![flu.clone()]);
    let out = moto.run(&["--config", config, "status", "--json"]);
    assert_eq!(ids(&out), vec![baseline.clone()], "the first box by name is the default");
    let out = moto
        .panel()
        .args(["--config", config, "status", "--json"])
        .env("BASELINE_PANEL_BOX", "flu")
        .output()
        .unwrap();
    assert_eq!(ids(&out), vec![flu], "BASELINE_PANEL_BOX chooses too");

    let out = moto.run(&["--config", config, "status", "--box", "nope"]);
    assert_eq!(out.status.code(), Some(6));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no box named `nope`") && err.contains("baseline, flu"), "{err}");
}

#[tokio::test]
async fn status_all_lists_every_box_and_exits_0_when_all_answer() {
    let Some(moto) = Moto::start() else { return };
    let baseline = moto.launch("baseline model", SEED_USER_DATA).await;
    moto.stop(&baseline).await;
    moto.launch("flu model", SEED_USER_DATA).await;
    let config = moto.dir.path().join("fleet.toml");
    std::fs::write(&config, CONFIG).unwrap();
    let config = config.to_str().unwrap();

    let out = moto.run(&["--config", config, "status", "--all", "--json", "--box", "flu"]);
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let boxes = doc["boxes"].as_array().unwrap();
    let names: Vec<&str> = boxes.iter().map(|b| b["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["baseline", "flu"], "--box is ignored: every box");
    assert_eq!((boxes[0]["state"].as_str(), boxes[1]["state"].as_str()), (Some("stopped"), Some("running")));
    assert!(boxes.iter().all(|b| b["answered"] == true && b["error"].is_null()));

    let out = moto.run(&["--config", config, "status", "--all"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("BOX"), "{text}");
    let flu = text.lines().find(|l| l.starts_with("flu")).unwrap();
    assert!(flu.contains("running") && flu.contains("off"), "{text}");
}
