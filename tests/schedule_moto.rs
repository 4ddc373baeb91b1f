//! `baseline-panel schedule` against a real AWS-compatible server (moto): the `EventBridge` rule,
//! its targets, switching it, and the scheduler Lambda's log.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step should stop the test

mod support;

use std::process::Output;

use aws_sdk_cloudwatchlogs::types::InputLogEvent;
use aws_sdk_eventbridge::types::Target;
use baseline_panel::userdata::{ScriptLine, set_dev_mode};
use jiff::{SignedDuration, Timestamp};
use serde_json::Value;
use support::moto::{Moto, SEED_USER_DATA};

const RULE: &str = "MondayMorning9aEST";
const LAB_CRON: &str = "cron(0 9 ? * MON *)";
const LAMBDA_ARN: &str = "arn:aws:lambda:us-east-1:123456789012:function:start-baseline-instance";

/// Creates the rule with `expression`, targeting the scheduler Lambda, as the lab has it.
async fn put_rule(moto: &Moto, expression: &str) {
    let events = aws_sdk_eventbridge::Client::new(&moto.sdk().await);
    events
        .put_rule()
        .name(RULE)
        .schedule_expression(expression)
        .description("Starts the baseline model instance")
        .send()
        .await
        .expect("put_rule on moto");
    events
        .put_targets()
        .rule(RULE)
        .targets(Target::builder().id("1").arn(LAMBDA_ARN).build().unwrap())
        .send()
        .await
        .expect("put_targets on moto");
}

/// Creates the log group `/aws/lambda/<lambda>` with one stream holding `lines` (ms, text).
async fn lambda_log(moto: &Moto, lambda: &str, lines: &[(i64, &str)]) {
    let logs = aws_sdk_cloudwatchlogs::Client::new(&moto.sdk().await);
    let group = format!("/aws/lambda/{lambda}");
    let stream = "2026/11/23/[$LATEST]0123456789abcdef";
    logs.create_log_group().log_group_name(&group).send().await.expect("create_log_group");
    logs.create_log_stream()
        .log_group_name(&group)
        .log_stream_name(stream)
        .send()
        .await
        .expect("create_log_stream");
    let mut req = logs.put_log_events().log_group_name(&group).log_stream_name(stream);
    for (ms, text) in lines {
        req = req.log_events(InputLogEvent::builder().timestamp(*ms).message(*text).build().unwrap());
    }
    req.send().await.expect("put_log_events");
}

/// The rule's state as the AWS CLI sees it (None without the AWS CLI).
fn witness_state(moto: &Moto) -> Option<String> {
    let out = moto.aws(&["events", "describe-rule", "--name", RULE, "--query", "State"])?;
    Some(out.trim().trim_matches('"').to_string())
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn json(out: &Output) -> Value {
    assert!(out.status.success(), "stderr: {}", stderr(out));
    serde_json::from_slice(&out.stdout).expect("schedule show --json prints JSON")
}

fn show_json(moto: &Moto) -> Value {
    json(&moto.panel().env("TZ", "America/New_York").args(["schedule", "show", "--json"]).output().unwrap())
}

fn ts(v: &Value) -> Timestamp {
    v.as_str().expect("a timestamp string").parse().unwrap()
}

#[tokio::test]
async fn show_json_describes_the_lab_rule() {
    let Some(moto) = Moto::start() else { return };
    moto.launch("baseline model", SEED_USER_DATA).await;
    put_rule(&moto, LAB_CRON).await;

    let doc = show_json(&moto);
    assert_eq!(doc["schema"], 1);
    assert_eq!(doc["mode"], "aws");
    let rule = &doc["rule"];
    assert_eq!(rule["name"], RULE);
    assert_eq!(rule["state"], "ENABLED");
    assert_eq!(rule["expression"], LAB_CRON);
    assert_eq!(rule["description"], "Starts the baseline model instance");
    assert_eq!(rule["targets"], serde_json::json!([LAMBDA_ARN]));
    assert_eq!(doc["exact"], true);

    let checked = ts(&doc["checked_at"]);
    let next = &doc["next_fire"];
    let at = ts(&next["at"]);
    assert!(at > checked && at.duration_since(checked) <= SignedDuration::from_hours(7 * 24));
    let z = at.to_zoned(jiff::tz::TimeZone::UTC);
    assert_eq!((z.weekday(), z.hour(), z.minute()), (jiff::civil::Weekday::Monday, 9, 0));
    let local = next["local"].as_str().unwrap();
    assert!(local.ends_with("04:00 EST") || local.ends_with("05:00 EDT"), "09:00 UTC in New York: {local}");
    assert!(next["countdown"].as_str().unwrap().starts_with("in "));
    let upcoming: Vec<Timestamp> = doc["upcoming"].as_array().unwrap().iter().map(|f| ts(&f["at"])).collect();
    assert_eq!(upcoming.len(), 5);
    assert_eq!(upcoming[0], at);
    assert_eq!(upcoming[2].duration_since(upcoming[1]), SignedDuration::from_hours(7 * 24));

    let note = doc["name_note"].as_str().unwrap();
    assert!(note.contains("EventBridge cron runs in UTC"), "{note}");
    assert_eq!(doc["dev_mode"], false);
    assert_eq!(doc["dev_mode_alarm"], Value::Null);
    assert_eq!(doc["disabled_note"], Value::Null);
    assert_eq!(doc["last_fired"], Value::Null);
    // No Lambda log group: not "no fire in 8 days" but a missing group, and the key to set.
    assert_eq!(
        doc["warnings"],
        serde_json::json!([
            "last fired unknown: log group `/aws/lambda/start-baseline-instance` does not exist; set `lambda` under [schedule] in the config file to the Lambda that starts the box (its logs go to /aws/lambda/<name>)"
        ]),
        "{doc}"
    );
    let text = moto.run(&["schedule", "show"]);
    let said = stdout(&text);
    assert!(
        said.contains(
            "  last fired   unknown: log group `/aws/lambda/start-baseline-instance` does not exist\n"
        ),
        "{said}"
    );
    assert!(!said.contains("not in the last"), "{said}");

    // The AWS CLI, as an independent witness, agrees on the rule.
    if let Some(w) = moto.aws(&["events", "describe-rule", "--name", RULE]) {
        let w: Value = serde_json::from_str(&w).unwrap();
        assert_eq!(w["ScheduleExpression"], rule["expression"]);
        assert_eq!(w["State"], rule["state"]);
        assert_eq!(w["Arn"], rule["arn"]);
    }

    let human = moto.run(&["schedule", "show"]);
    assert!(human.status.success(), "{}", stderr(&human));
    let text = stdout(&human);
    assert!(text.contains("  state        ENABLED\n"), "{text}");
    assert!(text.contains(&format!("  targets      {LAMBDA_ARN}\n")), "{text}");
    assert!(text.contains("  next fire    Mon "), "{text}");
    assert!(text.contains("  ! Rule name says 9 AM EST"), "{text}");
}

#[tokio::test]
async fn disable_and_enable_with_yes() {
    let Some(moto) = Moto::start() else { return };
    put_rule(&moto, LAB_CRON).await;

    let out = moto.run(&["schedule", "disable", "--yes"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("Rule `MondayMorning9aEST` is now DISABLED."));
    if let Some(w) = witness_state(&moto) {
        assert_eq!(w, "DISABLED");
    }
    let doc = show_json(&moto);
    assert_eq!(doc["rule"]["state"], "DISABLED");
    assert_eq!(doc["next_fire"], Value::Null);
    assert_eq!(doc["upcoming"].as_array().unwrap().len(), 5);
    assert_eq!(doc["disabled_note"], "The rule is DISABLED: no Monday run until it is enabled again.");
    // No instance here: dev mode cannot be read, which is a warning, not a failure.
    let warnings = doc["warnings"].as_array().unwrap();
    assert!(warnings.iter().any(|w| w.as_str().unwrap().starts_with("dev mode unknown")), "{warnings:?}");

    let again = moto.run(&["schedule", "disable", "--yes"]);
    assert!(again.status.success());
    assert!(stdout(&again).contains("already DISABLED"), "{}", stdout(&again));

    let out = moto.run(&["schedule", "enable", "--yes"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("is now ENABLED."));
    if let Some(w) = witness_state(&moto) {
        assert_eq!(w, "ENABLED");
    }
}

#[tokio::test]
async fn read_only_refuses_and_leaves_the_rule_alone() {
    let Some(moto) = Moto::start() else { return };
    put_rule(&moto, LAB_CRON).await;

    let out = moto.run(&["--read-only", "schedule", "disable", "--yes"]);
    assert_eq!(out.status.code(), Some(7));
    assert!(stderr(&out).contains("read-only mode: changing rule `MondayMorning9aEST` is disabled"));
    assert!(out.stdout.is_empty());

    let config = moto.dir.path().join("ro.toml");
    std::fs::write(&config, "[panel]\nread_only = true\n").unwrap();
    let out = moto.run(&["--config", config.to_str().unwrap(), "schedule", "disable", "-y"]);
    assert_eq!(out.status.code(), Some(7), "{}", stderr(&out));
    assert!(stderr(&out).contains("read-only mode"));

    if let Some(w) = witness_state(&moto) {
        assert_eq!(w, "ENABLED", "read-only changed nothing");
    }
    // Reading is still allowed.
    assert_eq!(show_json(&moto)["rule"]["state"], "ENABLED");
}

#[tokio::test]
async fn no_terminal_without_yes_refuses() {
    let Some(moto) = Moto::start() else { return };
    put_rule(&moto, LAB_CRON).await;
    let out = moto.run(&["schedule", "disable"]);
    assert_eq!(out.status.code(), Some(7), "{}", stderr(&out));
    assert_eq!(
        stderr(&out).trim(),
        "baseline-panel: not going to disable rule `MondayMorning9aEST` without confirmation and there is no terminal to ask on; pass --yes"
    );
    if let Some(w) = witness_state(&moto) {
        assert_eq!(w, "ENABLED");
    }
}

#[tokio::test]
async fn missing_rule_exits_3_with_one_line() {
    let Some(moto) = Moto::start() else { return };
    let said = "EventBridge rule `MondayMorning9aEST` does not exist in us-east-1; set the right name as `rule` under [schedule] in the config file";
    for args in
        [&["schedule", "show"][..], &["schedule", "show", "--json"], &["schedule", "disable", "--yes"]]
    {
        let out = moto.run(args);
        assert_eq!(out.status.code(), Some(3), "{args:?}: {}", stderr(&out));
        assert_eq!(stderr(&out).trim(), format!("baseline-panel: {said}"));
        if args.contains(&"--json") {
            // The error document, on stdout, says the same.
            let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
            assert_eq!(doc["error"]["kind"], "no_rule", "{doc}");
            assert_eq!(doc["exit_code"], 3);
        } else {
            assert!(out.stdout.is_empty());
        }
    }
    // A box of its own table: the hint names that table, not [schedule].
    let config = moto.dir.path().join("boxes.toml");
    std::fs::write(&config, "[boxes.flu]\ninstance_name = \"flu model\"\nrule = \"FluWeekly\"\n").unwrap();
    let out = moto.run(&["--config", config.to_str().unwrap(), "schedule", "show"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("set the right name as `rule` under [boxes.flu] in the config file"),
        "{}",
        stderr(&out)
    );
}

#[tokio::test]
async fn last_fired_comes_from_the_lambda_log() {
    let Some(moto) = Moto::start() else { return };
    put_rule(&moto, LAB_CRON).await;
    let now = Timestamp::now();
    let ms = |d: SignedDuration| (now - d).as_millisecond();
    let fired = ms(SignedDuration::from_hours(2 * 24));
    lambda_log(
        &moto,
        "start-baseline-instance",
        &[
            (ms(SignedDuration::from_hours(9 * 24)), "START RequestId: too-old Version: $LATEST"),
            (fired - 5 * 86_400_000, "START RequestId: 1111-old Version: $LATEST"),
            (fired, "START RequestId: 2222-new Version: $LATEST\n"),
            (fired + 40, "entered. event={'source': 'aws.events'}\n"),
            (fired + 90, "starting any instances\n"),
            (fired + 900, "END RequestId: 2222-new\n"),
        ],
    )
    .await;
    let doc = show_json(&moto);
    let last = &doc["last_fired"];
    assert_eq!(ts(&last["at"]).as_millisecond(), fired, "{doc}");
    assert_eq!(last["detail"], "START RequestId: 2222-new Version: $LATEST");
    let ago = last["seconds_ago"].as_i64().unwrap();
    assert!((2 * 86_400..2 * 86_400 + 120).contains(&ago), "{ago}");

    // A Lambda that last ran 9 days ago: outside the 8-day look-back.
    lambda_log(
        &moto,
        "quiet-fn",
        &[(ms(SignedDuration::from_hours(9 * 24)), "START RequestId: x Version: 1")],
    )
    .await;
    let config = moto.dir.path().join("quiet.toml");
    std::fs::write(&config, "[schedule]\nlambda = \"quiet-fn\"\n").unwrap();
    let out = moto.run(&["--config", config.to_str().unwrap(), "schedule", "show"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("  last fired   not in the last 8d (/aws/lambda/quiet-fn)\n"),
        "{}",
        stdout(&out)
    );
}

#[tokio::test]
async fn dev_mode_alarm_when_the_rule_fires_soon() {
    let Some(moto) = Moto::start() else { return };
    let dev = set_dev_mode(SEED_USER_DATA.as_bytes(), &ScriptLine::default(), true).unwrap();
    moto.launch("baseline model", std::str::from_utf8(&dev.bytes).unwrap()).await;
    put_rule(&moto, "cron(0/10 * * * ? *)").await;

    let doc = show_json(&moto);
    assert_eq!(doc["dev_mode"], true);
    let alarm = doc["dev_mode_alarm"].as_str().expect("an alarm");
    assert!(alarm.starts_with("Dev mode is on and the schedule fires in "), "{alarm}");
    assert!(alarm.ends_with("that run will boot WITHOUT running the script."));

    let text = stdout(&moto.run(&["schedule", "show"]));
    assert!(text.contains("  dev mode     on: booting skips the script\n"), "{text}");
    assert!(text.contains("  ! Dev mode is on and the schedule fires in "), "{text}");

    // Disabled, the same rule raises no alarm.
    let out = moto.run(&["schedule", "disable", "--yes"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(show_json(&moto)["dev_mode_alarm"], Value::Null);
}
