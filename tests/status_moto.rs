//! `baseline-panel status` against a real AWS-compatible server (moto).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step should stop the test

mod support;

use serde_json::Value;
use support::moto::{Moto, SEED_USER_DATA, dead_url, panel_command};

fn json(out: &std::process::Output) -> Value {
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("status --json prints JSON")
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[tokio::test]
async fn status_json_describes_the_seed_instance() {
    let Some(moto) = Moto::start() else { return };
    let id = moto.launch("baseline model", SEED_USER_DATA).await;
    moto.launch("some other box", "#!/bin/bash\n").await;
    let rule = [
        "events",
        "put-rule",
        "--name",
        "MondayMorning9aEST",
        "--schedule-expression",
        "cron(0 9 ? * MON *)",
    ];
    let have_rule = moto.aws(&rule).is_some();
    // The run log: one failure line since launch makes the last run "failed".
    let now_ms = (std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis()
        + 1000)
        .to_string();
    let have_log =
        moto.aws(&["logs", "create-log-group", "--log-group-name", "/baseline-model/run"]).is_some()
            && moto
                .aws(&[
                    "logs",
                    "create-log-stream",
                    "--log-group-name",
                    "/baseline-model/run",
                    "--log-stream-name",
                    &id,
                ])
                .is_some()
            && moto
                .aws(&[
                    "logs",
                    "put-log-events",
                    "--log-group-name",
                    "/baseline-model/run",
                    "--log-stream-name",
                    &id,
                    "--log-events",
                    &format!("timestamp={now_ms},message=Error in fit_baseline(): no data"),
                ])
                .is_some();

    let doc = json(&moto.run(&["status", "--json"]));
    assert_eq!(doc["schema"], 1);
    assert_eq!(doc["mode"], "aws");
    assert_eq!(doc["region"], "us-east-1");
    assert_eq!(doc["target"]["by"], "name");
    assert_eq!(doc["target"]["value"], "baseline model");
    let list = doc["instances"].as_array().unwrap();
    assert_eq!(list.len(), 1, "only the tagged box: {doc}");
    let i = &list[0];
    assert_eq!(i["id"], id.as_str());
    assert_eq!(i["name"], "baseline model");
    assert_eq!(i["state"], "running");
    assert_eq!(i["instance_type"], "r5.2xlarge");
    assert!(i["launch_time"].as_str().unwrap().ends_with('Z'));
    assert!(i["uptime_seconds"].as_i64().unwrap() >= 0);
    assert_eq!(i["status_checks"]["system"], "ok");
    assert_eq!(i["dev_mode"], "run");
    if have_log {
        assert_eq!(i["last_run"]["outcome"], "failing", "a failure line while the box is up: {doc}");
        assert!(i["last_run"]["evidence"].as_str().unwrap().contains("Error in fit_baseline()"), "{doc}");
    } else {
        assert_eq!(i["last_run"]["outcome"], "in_progress");
    }
    if have_rule && have_log {
        assert!(doc["warnings"].as_array().unwrap().is_empty(), "{doc}");
        assert_eq!(doc["schedule"]["expression"], "cron(0 9 ? * MON *)");
        assert_eq!(doc["schedule"]["state"], "ENABLED");
        assert!(doc["schedule"]["next_fire"].as_str().unwrap().ends_with("09:00:00Z"), "{doc}");
        assert_eq!(doc["schedule"]["dev_mode_alarm"], serde_json::Value::Null);
    }

    // The AWS CLI, as an independent witness, agrees on id, state, zone and DNS.
    if let Some(w) = moto.aws(&["ec2", "describe-instances", "--instance-ids", &id]) {
        let w: Value = serde_json::from_str(&w).unwrap();
        let wi = &w["Reservations"][0]["Instances"][0];
        assert_eq!(wi["State"]["Name"], i["state"]);
        assert_eq!(wi["Placement"]["AvailabilityZone"], i["availability_zone"]);
        assert_eq!(wi["PublicDnsName"], i["public_dns"]);
    }
}

#[tokio::test]
async fn stopped_instance_reports_reason_and_no_uptime() {
    let Some(moto) = Moto::start() else { return };
    let id = moto.launch("baseline model", SEED_USER_DATA).await;
    moto.stop(&id).await;
    let doc = json(&moto.run(&["status", "--json", "--instance-id", &id]));
    let i = &doc["instances"][0];
    assert_eq!(doc["target"]["by"], "id");
    assert_eq!(i["state"], "stopped");
    assert_eq!(i["uptime_seconds"], Value::Null);
    assert_eq!(i["state_reason"]["code"], "Client.UserInitiatedShutdown");
    assert!(i["state_transition_reason"].as_str().unwrap().starts_with("User initiated ("));
    assert_eq!(i["status_checks"]["system"], "not-applicable");

    let human = moto.run(&["status", "--instance-id", &id]);
    let text = String::from_utf8(human.stdout).unwrap();
    assert!(text.contains(&format!("instance     {id} (baseline model)")), "{text}");
    assert!(text.contains("state        stopped"), "{text}");
}

#[tokio::test]
async fn several_tagged_instances_are_all_listed_with_a_warning() {
    let Some(moto) = Moto::start() else { return };
    moto.launch("baseline model", SEED_USER_DATA).await;
    moto.launch("baseline model", SEED_USER_DATA).await;
    let doc = json(&moto.run(&["status", "--json"]));
    assert_eq!(doc["instances"].as_array().unwrap().len(), 2);
    let w = doc["warnings"][0].as_str().unwrap();
    assert!(w.contains("2 instances match Name=baseline model"), "{w}");
    let human = moto.run(&["status"]);
    assert!(stderr(&human).contains("warning: 2 instances match"), "{}", stderr(&human));
}

#[tokio::test]
async fn no_match_exits_3_with_one_line() {
    let Some(moto) = Moto::start() else { return };
    moto.launch("baseline model", SEED_USER_DATA).await;
    let out = moto.run(&["status", "--instance-name", "no such box"]);
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(
        stderr(&out).trim(),
        "baseline-panel: no instance found for Name=no such box in us-east-1; check --instance-name/--instance-id and --region"
    );
    assert!(out.stdout.is_empty());
}

#[tokio::test]
async fn unknown_instance_id_exits_3() {
    let Some(moto) = Moto::start() else { return };
    let out = moto.run(&["status", "--instance-id", "i-0123456789abcdef0"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("no instance found for i-0123456789abcdef0"));
}

#[test]
fn dead_endpoint_exits_5() {
    let dir = tempfile::tempdir().unwrap();
    let url = dead_url();
    let out = panel_command(&url, dir.path()).args(["status"]).output().unwrap();
    assert_eq!(out.status.code(), Some(5));
    assert_eq!(stderr(&out).trim(), format!("baseline-panel: cannot reach {url}: connection refused"));
}

#[test]
fn missing_credentials_exit_4() {
    let dir = tempfile::tempdir().unwrap();
    let out = panel_command(&dead_url(), dir.path())
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .args(["status"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    assert!(stderr(&out).contains("no AWS credentials found"), "{}", stderr(&out));
}

#[test]
fn logs_without_credentials_say_so_once() {
    let dir = tempfile::tempdir().unwrap();
    for args in [&["logs"][..], &["logs", "--follow"]] {
        let out = panel_command(&dead_url(), dir.path())
            .env_remove("AWS_ACCESS_KEY_ID")
            .env_remove("AWS_SECRET_ACCESS_KEY")
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(4), "{args:?}");
        let err = stderr(&out);
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.contains("no AWS credentials found") && !err.contains("every stream"), "{err}");
    }
}

#[test]
fn expired_sso_session_says_how_to_log_in() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = panel_command(&dead_url(), dir.path());
    let home = dir.path().join("home");
    std::fs::write(
        home.join("aws-config"),
        "[profile lab]\nsso_start_url = https://example.awsapps.com/start\nsso_region = us-east-1\n\
         sso_account_id = 123456789012\nsso_role_name = Admin\nregion = us-east-1\n",
    )
    .unwrap();
    let out = cmd
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .args(["status", "--profile", "lab"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    assert!(stderr(&out).contains("aws sso login --profile lab"), "{}", stderr(&out));
}

#[test]
fn malformed_config_file_names_file_line_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    std::fs::write(&path, "[instance]\nname = \"baseline model\"\nid = 42\n").unwrap();
    let out = panel_command(&dead_url(), dir.path())
        .args(["status", "--config", path.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(6));
    let msg = stderr(&out);
    assert!(msg.contains("bad.toml:3: id:"), "{msg}");
}

#[test]
fn malformed_dotenv_names_line_and_key() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".env"), "CHANNEL_ID=C01\nSLACK_API_TOKEN=\"xoxb-unterminated\n").unwrap();
    let out = panel_command(&dead_url(), dir.path()).args(["status"]).output().unwrap();
    assert_eq!(out.status.code(), Some(6));
    let msg = stderr(&out);
    assert!(msg.contains(".env:2: SLACK_API_TOKEN:"), "{msg}");
    assert!(!msg.contains("xoxb-unterminated"), "{msg}");
}

#[tokio::test]
async fn demo_status_needs_no_aws() {
    let dir = tempfile::tempdir().unwrap();
    let out = panel_command(&dead_url(), dir.path())
        .env_remove("AWS_ACCESS_KEY_ID")
        .args(["--demo", "status", "--json"])
        .output()
        .unwrap();
    let doc = json(&out);
    assert_eq!(doc["mode"], "demo");
    assert_eq!(doc["instances"][0]["name"], "baseline model");
}

#[tokio::test]
async fn demo_status_all_names_who_left_the_second_box_in_dev_mode() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("fleet.toml");
    std::fs::write(&config, "[boxes.baseline]\n\n[boxes.flu]\n\n[boxes.rsv]\n").unwrap();
    let run = |json: bool| {
        let mut c = panel_command(&dead_url(), dir.path());
        c.env_remove("AWS_ACCESS_KEY_ID").args([
            "--demo",
            "--config",
            config.to_str().unwrap(),
            "status",
            "--all",
        ]);
        if json {
            c.arg("--json");
        }
        c.output().unwrap()
    };
    let out = run(true);
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let boxes = doc["boxes"].as_array().unwrap();
    let owners: Vec<_> = boxes.iter().map(|b| (b["dev_mode"].as_str(), b["owner"].as_str())).collect();
    assert_eq!(owners, [(Some("run"), None), (Some("dev"), Some("alice")), (Some("run"), None)], "{doc}");
    let flu = &boxes[1];
    assert_eq!(flu["owner_recorded"], true);
    let since: jiff::Timestamp = flu["owner_since"].as_str().unwrap().parse().unwrap();
    let checked: jiff::Timestamp = doc["checked_at"].as_str().unwrap().parse().unwrap();
    assert!(
        since < checked && checked.duration_since(since) < jiff::SignedDuration::from_hours(7 * 24),
        "{flu}"
    );
    assert!(boxes.iter().all(|b| b["owner_unknown"].is_null()), "{doc}");

    let out = run(false);
    let text = String::from_utf8_lossy(&out.stdout);
    let flu = text.lines().find(|l| l.starts_with("flu")).unwrap();
    assert!(flu.contains("on · alice · "), "{text}");
}
