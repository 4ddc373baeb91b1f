//! Every box at a glance, at scale, on moto: 50 boxes in 5 regions on three moto servers standing
//! in for three accounts, and a fourth account whose endpoint is dead. `status --all` (JSON and
//! text) and the panel's fleet view (tmux) show every row; the dead account's boxes say why on
//! their own rows and do not hold the others back. The time to a full view and the calls each
//! look makes are printed (`--nocapture`) for docs/performance.md.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step should stop the test

#[path = "support/aws_stub.rs"]
mod aws_stub;
#[path = "support/fault_proxy.rs"]
mod fault_proxy;
#[path = "support/http_stub.rs"]
mod http_stub;
mod support;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::process::Command;
use std::time::{Duration, Instant};

use aws_sdk_ec2::types::InstanceType;
use serde_json::Value;
use support::moto::{Moto, SEED_USER_DATA, dead_url, run_tagged};
use support::tmux::{self, Tmux};

const REGIONS: [&str; 5] = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2"];
const BOXES: usize = 50;
/// Boxes 45..50 live in the account whose endpoint is dead.
const BROKEN_FROM: usize = 45;

async fn launch(endpoint: &str, region: &str, name: &str) {
    let creds = aws_sdk_ec2::config::Credentials::new("testing", "testing", None, None, "tests");
    let sdk = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new(region.to_owned()))
        .endpoint_url(endpoint)
        .credentials_provider(creds)
        .load()
        .await;
    run_tagged(&aws_sdk_ec2::Client::new(&sdk), name, SEED_USER_DATA, InstanceType::T3Micro).await;
}

/// The lab: three accounts (the first behind a counting proxy), a dead fourth, 50 boxes.
struct Lab {
    _motos: Vec<Moto>,
    proxy: fault_proxy::FaultProxy,
    config: std::path::PathBuf,
    dir: tempfile::TempDir,
}

async fn lab() -> Option<Lab> {
    let motos: Vec<Moto> = (0..3).map(|_| Moto::start()).collect::<Option<_>>()?;
    let proxy = fault_proxy::FaultProxy::start(&motos[0].url).await;
    let dead = dead_url();
    let endpoints = [proxy.url(), motos[1].url.clone(), motos[2].url.clone()];
    let mut toml = String::new();
    let mut launches = Vec::new();
    for i in 0..BOXES {
        let region = REGIONS[i % REGIONS.len()];
        let endpoint = if i >= BROKEN_FROM { dead.clone() } else { endpoints[i % 3].clone() };
        let name = format!("model {i:02}");
        let _ = write!(
            toml,
            "[boxes.m{i:02}]\ninstance_name = \"{name}\"\nregion = \"{region}\"\nendpoint_url = \"{endpoint}\"\n\n"
        );
        if i < BROKEN_FROM {
            // Straight to moto: the proxy counts only what the panel asks.
            let direct = motos[i % 3].url.clone();
            launches.push(async move { launch(&direct, region, &name).await });
        }
    }
    futures_util::future::join_all(launches).await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("fleet.toml");
    std::fs::write(&config, toml).unwrap();
    Some(Lab { _motos: motos, proxy, config, dir })
}

/// The binary with the per-box endpoints: no `AWS_ENDPOINT_URL`, which would win over them.
fn panel(lab: &Lab) -> Command {
    let mut c = support::moto::panel_command("http://127.0.0.1:9", lab.dir.path());
    c.env_remove("AWS_ENDPOINT_URL");
    c
}

fn calls_by_action(proxy: &fault_proxy::FaultProxy) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for s in proxy.seen() {
        *m.entry(s.action).or_insert(0) += 1;
    }
    m
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_all_answers_for_fifty_boxes_and_one_dead_account_fails_alone() {
    let Some(lab) = lab().await else { return };
    let config = lab.config.to_str().unwrap().to_owned();

    let started = Instant::now();
    let out =
        support::output_off_thread(panel(&lab), &["--config", &config, "status", "--all", "--json"]).await;
    let took = started.elapsed();
    eprintln!("status --all --json, {BOXES} boxes: {took:?}");
    eprintln!("calls through the first account (15 of the boxes): {:?}", calls_by_action(&lab.proxy));
    assert_eq!(
        out.status.code(),
        Some(5),
        "the dead account's code: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value =
        serde_json::from_slice(&out.stdout).expect("the document is printed even when boxes fail");
    assert_eq!(doc["schema"], 1);
    let boxes = doc["boxes"].as_array().unwrap();
    assert_eq!(boxes.len(), BOXES, "every row arrives");
    for (i, b) in boxes.iter().enumerate() {
        assert_eq!(b["name"], format!("m{i:02}"));
        assert_eq!(b["region"], REGIONS[i % REGIONS.len()]);
        if i >= BROKEN_FROM {
            assert_eq!(b["answered"], false, "{b}");
            assert_eq!(b["error_code"], 5, "{b}");
            assert!(b["state"].is_null() && b["dev_mode"].is_null(), "nothing claimed: {b}");
        } else {
            assert_eq!(b["answered"], true, "{b}");
            assert_eq!(b["state"], "running", "{b}");
            assert_eq!(b["dev_mode"], "run", "{b}");
            assert_eq!(b["instances"], 1);
            // moto has no run log group and no rule here: unknown, with the reason.
            assert!(
                b["last_run"].is_null() && b["last_run_unknown"].as_str().unwrap().contains("run log"),
                "{b}"
            );
            assert!(b["next_fire"].is_null() && !b["next_fire_unknown"].as_str().unwrap().is_empty(), "{b}");
        }
    }
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("5 of 50 boxes did not answer"), "{err}");
    assert!(took < Duration::from_secs(60), "50 boxes asked at once, not one after another: {took:?}");

    // The same rows as text.
    let out = support::output_off_thread(panel(&lab), &["--config", &config, "status", "--all"]).await;
    assert_eq!(out.status.code(), Some(5));
    let text = String::from_utf8_lossy(&out.stdout);
    let rows: Vec<&str> = text.lines().filter(|l| l.starts_with('m')).collect();
    assert_eq!(rows.len(), BOXES, "{text}");
    assert!(
        rows[0].contains("us-east-1") && rows[0].contains("running") && rows[0].contains("off"),
        "{text}"
    );
    assert!(rows[BROKEN_FROM].contains("did not answer"), "{text}");
    assert!(text.contains("m45: did not answer:"), "the reason under the table:\n{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_fleet_view_fills_every_row_and_a_dead_account_waits_alone() {
    if !tmux::available() {
        return;
    }
    let Some(lab) = lab().await else { return };
    let env: Vec<(String, String)> =
        tmux::panel_env(lab.dir.path(), "").into_iter().filter(|(k, _)| k != "AWS_ENDPOINT_URL").collect();
    let bin = env!("CARGO_BIN_EXE_baseline-panel");
    let started = Instant::now();
    let t = Tmux::start(bin, &["--config", lab.config.to_str().unwrap()], &env, 160, 70);
    t.wait_for("Fleet: 50 boxes", 30);
    let screen = t.wait_gone("/50 answered", 60);
    let took = started.elapsed();
    eprintln!("fleet view, {BOXES} boxes: every row in {took:?}");
    assert!(screen.contains("5 not answering"), "{screen}");
    assert_eq!(screen.matches("running").count(), BROKEN_FROM, "{screen}");
    let first_minute = calls_by_action(&lab.proxy);
    eprintln!("calls through the first account by then: {first_minute:?}");
    if std::env::var_os("FLEET_MEASURE_MINUTE").is_some() {
        // The steady state: one minute of the fleet view, counted at the first account.
        let before = lab.proxy.seen().len();
        std::thread::sleep(Duration::from_secs(60));
        let after = calls_by_action(&lab.proxy);
        eprintln!(
            "one minute later: {} calls at the first account; all so far {after:?}",
            lab.proxy.seen().len() - before
        );
    }
    // Open a box that answered and come back.
    t.keys(&["Enter"]);
    t.wait_for("box m00 (b: 1/50)", 20);
    t.keys(&["f"]);
    t.wait_for("Fleet: 50 boxes", 10);
    t.keys(&["q"]);
    t.wait_for("PANEL-EXITED 0", 10);
}
