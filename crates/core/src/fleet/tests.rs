#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step should stop the test

use jiff::SignedDuration;

use super::*;
use crate::run::scenarios::{self, Scenario};
use crate::schedule::rules::DemoRules;

fn scenario(name: &str) -> Scenario {
    scenarios::all().into_iter().find(|s| s.name == name).unwrap()
}

fn place() -> Place {
    Place { region: "us-east-1".into(), profile: "lab".into(), endpoint: None }
}

fn judging() -> Judging {
    Judging { rules: RunRules::default(), alarm_window: SignedDuration::from_hours(24) }
}

/// The box of scenario `s`, read with its run log, in `mode`.
fn reading(s: &Scenario, mode: Mode) -> (Reading, Result<PastLog, String>) {
    let past = PastLog { facts: s.facts(&RunRules::default()), starts: s.starts(), warnings: vec![] };
    let r = Reading {
        instances: vec![s.instance.clone()],
        dev_mode: Ok(mode),
        rule: Ok(DemoRules::lab().info()),
        past: None,
    };
    (r, Ok(past))
}

#[test]
fn a_good_run_shows_its_outcome_duration_and_the_next_monday() {
    let s = scenario("scheduled success");
    let (r, past) = reading(&s, Mode::Run);
    let row = row("baseline", &place(), &r, Some(&past), &judging(), s.now);
    assert_eq!(row.state, Some(InstanceState::Stopped));
    let run = row.last_run.as_ref().unwrap();
    assert_eq!(run.outcome, Outcome::Succeeded);
    assert!(!run.live);
    assert!(run.duration.unwrap() > SignedDuration::from_mins(90), "{run:?}");
    // Monday 2026-11-23 12:00: the next 09:00 Monday fire is a week later.
    assert_eq!(row.next_fire, Ok("2026-11-30T09:00:00Z".parse().unwrap()));
    assert!(row.alarms.is_empty(), "{:?}", row.alarms);
    assert_eq!(
        text::last_run(&row),
        format!("succeeded {}", crate::timefmt::human_duration(run.duration.unwrap()))
    );
    assert_eq!(text::dev_mode(&row, s.now), "off");
}

#[test]
fn dev_mode_close_to_the_fire_raises_the_alarm_but_not_a_week_before() {
    let s = scenario("scheduled success");
    let (r, past) = reading(&s, Mode::Dev);
    let far = row("baseline", &place(), &r, Some(&past), &judging(), s.now);
    assert!(far.alarms.is_empty(), "a week before the fire: {:?}", far.alarms);
    let eve = "2026-11-29T12:00:00Z".parse().unwrap();
    let near = row("baseline", &place(), &r, Some(&past), &judging(), eve);
    let at = "2026-11-30T09:00:00Z".parse().unwrap();
    assert_eq!(near.alarms, vec![Alarm::DevModeBeforeFire { at }]);
    assert_eq!(text::alarms(&near), "dev mode before fire");
}

#[test]
fn a_failing_run_and_a_stuck_one_are_alarms() {
    let s = scenario("failure while the box stays up");
    let (r, past) = reading(&s, Mode::Run);
    let row1 = row("flu", &place(), &r, Some(&past), &judging(), s.now);
    assert!(row1.alarms.contains(&Alarm::Failing), "{:?}", row1.alarms);
    assert!(row1.last_run.as_ref().unwrap().live);

    let s = scenario("a run over run.max_hours");
    let (r, past) = reading(&s, Mode::Run);
    let row2 = row("flu", &place(), &r, Some(&past), &judging(), s.now);
    assert!(row2.alarms.contains(&Alarm::Stuck), "{:?}", row2.alarms);
}

#[test]
fn what_was_not_read_is_unknown_with_the_reason() {
    let s = scenario("scheduled success");
    let (mut r, _) = reading(&s, Mode::Run);
    r.rule = Err("AccessDenied: events:DescribeRule".into());
    r.dev_mode = Err("access denied".into());
    let row = row("baseline", &place(), &r, None, &judging(), s.now);
    assert_eq!(row.last_run, Err("run log not read yet".into()));
    assert!(row.next_fire.as_ref().unwrap_err().contains("events:DescribeRule"));
    assert_eq!(text::dev_mode(&row, s.now), "unknown");
    assert_eq!(text::next_fire(&row, s.now), "unknown");
    assert_eq!(text::unknowns(&row).len(), 3, "{:?}", text::unknowns(&row));
    let unreadable = Err("the log group does not exist".to_owned());
    let row = super::row("baseline", &place(), &r, Some(&unreadable), &judging(), s.now);
    assert!(row.last_run.unwrap_err().contains("does not exist"));
}

#[test]
fn the_json_of_a_failed_box_says_why_and_claims_nothing() {
    let j = json::BoxJson::failed("flu", &place(), "credentials: no profile `gone`", 4);
    let v = serde_json::to_value(&j).unwrap();
    assert_eq!(v["answered"], false);
    assert_eq!(v["error_code"], 4);
    assert!(v["state"].is_null() && v["dev_mode"].is_null() && v["last_run"].is_null());
    assert_eq!(v["alarms"], serde_json::json!([]));
}

#[tokio::test]
async fn a_look_at_the_demo_box_reads_instances_dev_mode_rule_and_runs() {
    let mut cfg = Config::builtin();
    cfg.demo = true;
    let cloud =
        crate::cloud::demo::DemoCloud::named(crate::cloud::demo::DemoTimings::default(), "baseline model");
    let logs = crate::logs::demo::DemoLogStore::new(cloud.clone(), &cfg);
    let rules = DemoRules::new(&cfg.rule_name, &cfg.lambda_name);
    let now = Timestamp::now();
    let quick = look(&cfg, &cloud, &logs, &rules, false, now).await.unwrap();
    assert_eq!(quick.instances.len(), 1);
    assert_eq!(quick.dev_mode, Ok(Mode::Run));
    assert!(quick.rule.is_ok());
    assert!(quick.past.is_none(), "no log read without with_runs");
    let full = look(&cfg, &cloud, &logs, &rules, true, now).await.unwrap();
    assert!(matches!(full.past, Some(Ok(_))), "{:?}", full.past);
}

fn alice(since: Timestamp, recorded: bool) -> crate::activity::DevOwner {
    crate::activity::DevOwner { who: "alice".into(), since, recorded }
}

#[test]
fn the_owner_is_named_only_in_dev_mode_and_only_for_the_instance_asked_about() {
    let s = scenario("scheduled success");
    let id = s.instance.id.clone();
    let since = s.now - SignedDuration::from_hours(2);
    let lookup = OwnerLookup { instance: id.clone(), result: Ok(Some(alice(since, true))), at: s.now };
    let (r, past) = reading(&s, Mode::Dev);
    let dev = row("rsv", &place(), &r, Some(&past), &judging(), s.now).with_owner(Some(&lookup), Some(&id));
    assert_eq!(dev.owner.as_ref().map(|o| o.who.as_str()), Some("alice"));
    assert_eq!(dev.owner_unknown, None);
    assert_eq!(text::dev_mode(&dev, s.now), "on · alice · 2h");
    assert_eq!(text::dev_mode_forms(&dev, s.now), ["on · alice · 2h", "on · alice", "on"]);
    let v = serde_json::to_value(json::BoxJson::answered(&dev)).unwrap();
    assert_eq!(v["owner"], "alice");
    assert_eq!(v["owner_recorded"], true);
    assert_eq!(v["owner_since"], since.to_string());
    assert!(v["owner_unknown"].is_null());

    // A lookup of another instance (the box was replaced) names nobody.
    let other =
        row("rsv", &place(), &r, Some(&past), &judging(), s.now).with_owner(Some(&lookup), Some("i-0other"));
    assert_eq!(other.owner, None);
    assert_eq!(other.owner_unknown.as_deref(), Some("CloudTrail not read yet"));

    // Run mode: nobody to name, nothing unknown, even with an old lookup at hand.
    let (r, past) = reading(&s, Mode::Run);
    let run = row("rsv", &place(), &r, Some(&past), &judging(), s.now).with_owner(Some(&lookup), Some(&id));
    assert_eq!((run.owner.as_ref(), run.owner_unknown.as_ref()), (None, None));
    assert_eq!(text::dev_mode(&run, s.now), "off");
}

#[test]
fn a_hidden_switch_is_marked_and_a_failed_lookup_says_why_without_naming_anyone() {
    let s = scenario("scheduled success");
    let id = s.instance.id.clone();
    let (r, past) = reading(&s, Mode::Dev);
    let base = || row("rsv", &place(), &r, Some(&past), &judging(), s.now);
    let since = s.now - SignedDuration::from_mins(40);
    let hidden = OwnerLookup { instance: id.clone(), result: Ok(Some(alice(since, false))), at: s.now };
    assert_eq!(text::dev_mode(&base().with_owner(Some(&hidden), Some(&id)), s.now), "on · alice? · 40m");

    let denied = OwnerLookup {
        instance: id.clone(),
        result: Err("access denied: cloudtrail:LookupEvents".into()),
        at: s.now,
    };
    let row = base().with_owner(Some(&denied), Some(&id));
    assert_eq!(row.owner, None);
    assert_eq!(text::dev_mode(&row, s.now), "on");
    let why = row.owner_unknown.clone().unwrap();
    assert!(why.contains("cloudtrail:LookupEvents"), "{why}");
    assert!(text::unknowns(&row).iter().any(|u| u.contains("cloudtrail:LookupEvents")));
    let v = serde_json::to_value(json::BoxJson::answered(&row)).unwrap();
    assert!(v["owner"].is_null());
    assert!(v["owner_unknown"].as_str().unwrap().contains("cloudtrail:LookupEvents"));

    let silent = OwnerLookup { instance: id.clone(), result: Ok(None), at: s.now };
    assert_eq!(base().with_owner(Some(&silent), Some(&id)).owner_unknown.as_deref(), Some(NO_SWITCH));
}

#[tokio::test]
async fn the_demo_box_left_in_dev_mode_was_switched_by_alice_this_morning() {
    let log =
        crate::activity::DemoActivity::new("MondayMorning9aEST", "StartBaseline").with_dev_left_on(true);
    let now = Timestamp::now();
    let o = owner(&log, "i-0demo", now).await.unwrap().expect("an owner");
    assert_eq!(o.who, "alice");
    assert!(o.recorded);
    assert!(now.duration_since(o.since) < SignedDuration::from_hours(7 * 24), "{o:?}");
    let plain = crate::activity::DemoActivity::new("MondayMorning9aEST", "StartBaseline");
    assert_eq!(owner(&plain, "i-0demo", now).await, Ok(None), "its last switch was back to run mode");
}
