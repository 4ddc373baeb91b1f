//! `EventBridge` Scheduler on moto: reading a schedule with a time zone, enabling and disabling
//! it, and `schedule move` to the Scheduler and back, each write witnessed by the AWS CLI.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step should stop the test

mod support;

use std::process::Output;

use aws_sdk_eventbridge::types::Target;
use serde_json::Value;
use support::moto::{Moto, SEED_USER_DATA};

const RULE: &str = "MondayMorning9aEST";
const LAMBDA_ARN: &str = "arn:aws:lambda:us-east-1:123456789012:function:start-baseline-instance";
const ROLE: &str = "arn:aws:iam::123456789012:role/baseline-scheduler";

async fn put_rule(moto: &Moto) {
    let events = aws_sdk_eventbridge::Client::new(&moto.sdk().await);
    events.put_rule().name(RULE).schedule_expression("cron(0 9 ? * MON *)").send().await.unwrap();
    events
        .put_targets()
        .rule(RULE)
        .targets(Target::builder().id("1").arn(LAMBDA_ARN).build().unwrap())
        .send()
        .await
        .unwrap();
}

/// A config file with the Scheduler's role (and `extra` lines under [schedule]).
fn config(dir: &tempfile::TempDir, extra: &str) -> String {
    let path = dir.path().join("config.toml");
    std::fs::write(&path, format!("[schedule]\nrole = \"{ROLE}\"\n{extra}")).unwrap();
    path.to_string_lossy().into_owned()
}

fn run(moto: &Moto, cfg: &str, args: &[&str]) -> Output {
    moto.panel().env("TZ", "America/New_York").arg("--config").arg(cfg).args(args).output().unwrap()
}

fn text(out: &Output) -> String {
    format!(
        "stdout: {}\nstderr: {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The rule's state as the AWS CLI sees it.
fn rule_state(moto: &Moto) -> Option<String> {
    Some(
        moto.aws(&["events", "describe-rule", "--name", RULE, "--query", "State"])?
            .trim()
            .trim_matches('"')
            .into(),
    )
}

/// The Scheduler schedules as the AWS CLI lists them: (name, state).
fn schedules(moto: &Moto) -> Option<Vec<(String, String)>> {
    let out = moto.aws(&["scheduler", "list-schedules"])?;
    let doc: Value = serde_json::from_str(&out).unwrap();
    Some(
        doc["Schedules"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| (s["Name"].as_str().unwrap().to_string(), s["State"].as_str().unwrap().to_string()))
            .collect(),
    )
}

/// How many of the box's two schedules are enabled, by the witness.
fn enabled_count(moto: &Moto) -> Option<usize> {
    let rule = usize::from(rule_state(moto)? == "ENABLED");
    let sched = schedules(moto)?.iter().filter(|(n, s)| n == RULE && s == "ENABLED").count();
    Some(rule + sched)
}

#[tokio::test]
async fn move_then_undo_leaves_exactly_one_enabled_schedule_each_time() {
    let Some(moto) = Moto::start() else { return };
    moto.launch("baseline model", SEED_USER_DATA).await;
    put_rule(&moto).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(&dir, "");

    let out =
        run(&moto, &cfg, &["schedule", "move", "--to-scheduler", "--at", "09:00 America/New_York", "--yes"]);
    assert!(out.status.success(), "{}", text(&out));
    let said = text(&out);
    assert!(said.contains("cron(0 9 ? * MON *) in America/New_York"), "{said}");
    assert!(said.contains("= 09:00 E"), "the new side in New York time: {said}");
    if let Some(n) = enabled_count(&moto) {
        assert_eq!(n, 1, "after the move");
        assert_eq!(rule_state(&moto).as_deref(), Some("DISABLED"));
        let got = moto.aws(&["scheduler", "get-schedule", "--name", RULE]).unwrap();
        let doc: Value = serde_json::from_str(&got).unwrap();
        assert_eq!(doc["ScheduleExpression"], "cron(0 9 ? * MON *)");
        assert_eq!(doc["ScheduleExpressionTimezone"], "America/New_York");
        assert_eq!(doc["Target"]["Arn"], LAMBDA_ARN);
        assert_eq!(doc["Target"]["RoleArn"], ROLE);
        assert_eq!(doc["State"], "ENABLED");
    }

    // The panel's reading: the disabled rule's place is taken by the schedule, in its zone.
    let out = run(&moto, &cfg, &["schedule", "show", "--json"]);
    assert!(out.status.success(), "{}", text(&out));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["rule"]["kind"], "scheduler");
    assert_eq!(doc["rule"]["time_zone"], "America/New_York");
    assert_eq!(doc["upcoming"].as_array().unwrap().len(), 5);
    let local = doc["next_fire"]["local"].as_str().unwrap();
    assert!(local.ends_with("09:00 EST") || local.ends_with("09:00 EDT"), "{local}");
    assert!(doc["shown_instead"].as_str().unwrap().contains("is DISABLED"));
    assert_eq!(doc["two_enabled"], Value::Null);

    // A second move is refused: the schedule exists.
    let again =
        run(&moto, &cfg, &["schedule", "move", "--to-scheduler", "--at", "10:00 America/New_York", "--yes"]);
    assert_eq!(again.status.code(), Some(7), "{}", text(&again));

    let out = run(&moto, &cfg, &["schedule", "move", "--undo", "--yes"]);
    assert!(out.status.success(), "{}", text(&out));
    if let Some(n) = enabled_count(&moto) {
        assert_eq!(n, 1, "after the undo");
        assert_eq!(rule_state(&moto).as_deref(), Some("ENABLED"));
        assert!(schedules(&moto).unwrap().is_empty(), "the schedule is deleted");
    }
}

#[tokio::test]
async fn a_scheduler_schedule_is_read_and_switched_in_its_zone() {
    let Some(moto) = Moto::start() else { return };
    moto.launch("baseline model", SEED_USER_DATA).await;
    // The rule is gone; the box's schedule is a Scheduler one in Berlin.
    let Some(_) = moto.aws(&[
        "scheduler",
        "create-schedule",
        "--name",
        "weekly",
        "--schedule-expression",
        "cron(30 2 ? * SUN *)",
        "--schedule-expression-timezone",
        "Europe/Berlin",
        "--flexible-time-window",
        "Mode=OFF",
        "--target",
        &format!("Arn={LAMBDA_ARN},RoleArn={ROLE}"),
    ]) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(&dir, "kind = \"scheduler\"\nname = \"weekly\"\n");
    let out = run(&moto, &cfg, &["schedule", "show", "--json"]);
    assert!(out.status.success(), "{}", text(&out));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["rule"]["kind"], "scheduler");
    assert_eq!(doc["rule"]["group"], "default");
    assert_eq!(doc["rule"]["role"], ROLE);
    for f in doc["upcoming"].as_array().unwrap() {
        let at: jiff::Timestamp = f["at"].as_str().unwrap().parse().unwrap();
        let berlin = at.to_zoned(jiff::tz::TimeZone::get("Europe/Berlin").unwrap());
        assert_eq!((berlin.weekday(), berlin.hour(), berlin.minute()), (jiff::civil::Weekday::Sunday, 2, 30));
    }

    let out = run(&moto, &cfg, &["schedule", "disable", "--yes"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("Schedule `weekly` is now DISABLED"), "{}", text(&out));
    let got: Value =
        serde_json::from_str(&moto.aws(&["scheduler", "get-schedule", "--name", "weekly"]).unwrap()).unwrap();
    assert_eq!(got["State"], "DISABLED");
    assert_eq!(got["ScheduleExpressionTimezone"], "Europe/Berlin", "the rest is kept");
    assert_eq!(got["Target"]["RoleArn"], ROLE);
    let out = run(&moto, &cfg, &["schedule", "enable", "--yes"]);
    assert!(out.status.success(), "{}", text(&out));
    let got: Value =
        serde_json::from_str(&moto.aws(&["scheduler", "get-schedule", "--name", "weekly"]).unwrap()).unwrap();
    assert_eq!(got["State"], "ENABLED");
}

#[tokio::test]
async fn read_only_refuses_the_move_and_changes_nothing() {
    let Some(moto) = Moto::start() else { return };
    moto.launch("baseline model", SEED_USER_DATA).await;
    put_rule(&moto).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(&dir, "");
    for args in [
        &["--read-only", "schedule", "move", "--to-scheduler", "--at", "09:00 America/New_York", "--yes"][..],
        &["--read-only", "schedule", "move", "--undo", "--yes"][..],
    ] {
        let out = run(&moto, &cfg, args);
        assert_eq!(out.status.code(), Some(7), "{}", text(&out));
        assert!(text(&out).contains("read-only mode"), "{}", text(&out));
    }
    if let Some(list) = schedules(&moto) {
        assert!(list.is_empty());
        assert_eq!(rule_state(&moto).as_deref(), Some("ENABLED"));
    }
}

#[tokio::test]
async fn without_a_role_the_move_says_what_to_set() {
    let Some(moto) = Moto::start() else { return };
    moto.launch("baseline model", SEED_USER_DATA).await;
    put_rule(&moto).await;
    let out = moto.run(&["schedule", "move", "--to-scheduler", "--at", "09:00 America/New_York", "--yes"]);
    assert_eq!(out.status.code(), Some(7), "{}", text(&out));
    assert!(text(&out).contains("`role` under [schedule]"), "{}", text(&out));
    if let Some(list) = schedules(&moto) {
        assert!(list.is_empty());
    }
}

#[tokio::test]
async fn two_enabled_schedules_are_a_status_warning() {
    let Some(moto) = Moto::start() else { return };
    moto.launch("baseline model", SEED_USER_DATA).await;
    put_rule(&moto).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(&dir, "");
    let out =
        run(&moto, &cfg, &["schedule", "move", "--to-scheduler", "--at", "09:00 America/New_York", "--yes"]);
    assert!(out.status.success(), "{}", text(&out));
    // Someone enables the rule again by hand: both start the box now.
    if moto.aws(&["events", "enable-rule", "--name", RULE]).is_none() {
        return;
    }
    assert_eq!(enabled_count(&moto), Some(2));
    let out = run(&moto, &cfg, &["status", "--json"]);
    assert!(out.status.success(), "{}", text(&out));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let warnings: Vec<&str> = doc["warnings"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    assert!(warnings.iter().any(|w| w.starts_with("Two enabled schedules start this box")), "{warnings:?}");
    let out = run(&moto, &cfg, &["schedule", "show"]);
    assert!(text(&out).contains("! Two enabled schedules start this box"), "{}", text(&out));
}
