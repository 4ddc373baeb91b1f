//! Dev mode and the schedule from the panel.

use crate::backends::Account;
use jiff::SignedDuration;

use super::*;
use crate::action::Effect;
use crate::cloud::InstanceState;
use crate::config::Config;
use crate::devmode::{Change, Plan};
use crate::fixtures::{instance, now};
use crate::schedule::rules::DemoRules;
use crate::state::{DevInfo, State};
use crate::userdata::{Mode, SEED_USER_DATA, ScriptLine, set_dev_mode};

fn with(st: InstanceState, mode: Mode) -> State {
    let mut s = State::new(&Config::builtin(), &Account::of(&Config::builtin()), now());
    let seq = s.instance_poll.issue();
    update(&mut s, Action::InstancesLoaded { seq, result: Ok(vec![instance(st)]) });
    let info = DevInfo { mode, line_number: 21, line: String::new(), warnings: vec![] };
    let seq = s.dev_seq;
    update(&mut s, Action::DevInfoLoaded { id: "i-0db5237193478dd8d".into(), seq, result: Ok(info) });
    s
}

fn plan(st: InstanceState, on: bool) -> Plan {
    let rw = set_dev_mode(SEED_USER_DATA.as_bytes(), &ScriptLine::default(), on).unwrap();
    Plan {
        instance: instance(st),
        current: SEED_USER_DATA.as_bytes().to_vec(),
        proposed: rw.bytes.clone(),
        current_mode: Some(if on { Mode::Run } else { Mode::Dev }),
        new_mode: Some(if on { Mode::Dev } else { Mode::Run }),
        change: Change::Switch(rw),
        warnings: vec![],
    }
}

#[test]
fn d_plans_the_opposite_mode() {
    let mut s = with(InstanceState::Stopped, Mode::Run);
    assert_eq!(
        update(&mut s, Action::DevRequested),
        vec![Effect::PlanDev { id: "i-0db5237193478dd8d".into(), on: true }]
    );
    let mut s = with(InstanceState::Stopped, Mode::Dev);
    assert_eq!(
        update(&mut s, Action::DevRequested),
        vec![Effect::PlanDev { id: "i-0db5237193478dd8d".into(), on: false }]
    );
}

#[test]
fn stopped_box_dialog_shows_the_one_line_diff_and_switches_on_yes() {
    let mut s = with(InstanceState::Stopped, Mode::Run);
    update(&mut s, Action::DevPlanned(Ok(plan(InstanceState::Stopped, true))));
    let d = s.dialog.clone().expect("dialog");
    assert_eq!(d.title, "Turn dev mode ON?");
    let text: Vec<&str> = d.lines.iter().map(|(_, l)| l.as_str()).collect();
    assert!(text.contains(&"line 21:"), "{text:?}");
    assert!(
        text.contains(&"+# su -c \"~ec2-user/run-baseline.sh\" ec2-user >> /tmp/startup-out.txt"),
        "{text:?}"
    );
    assert_eq!(d.choices[1].label, "Yes, switch");
    let fx = update(&mut s, Action::DialogYes);
    let [Effect::SwitchDev(crate::action::DevSwitch { stop_first: false, .. })] = fx.as_slice() else {
        panic!("{fx:?}")
    };
}

#[test]
fn running_box_offers_stop_wait_then_switch() {
    let mut s = with(InstanceState::Running, Mode::Run);
    update(&mut s, Action::DevPlanned(Ok(plan(InstanceState::Running, true))));
    let d = s.dialog.clone().unwrap();
    assert_eq!(d.choices[1].label, "Stop, wait, then switch");
    assert!(d.lines.iter().any(|(_, l)| l.contains("Stopping ends the run in progress")));
    assert!(update(&mut s, Action::DialogPick(Some(0))).is_empty(), "No does nothing");
}

#[test]
fn already_in_mode_writes_nothing() {
    let mut s = with(InstanceState::Stopped, Mode::Dev);
    let mut p = plan(InstanceState::Stopped, true);
    p.proposed = p.current.clone();
    update(&mut s, Action::DevPlanned(Ok(p)));
    assert!(s.dialog.is_none());
    assert!(s.notice.as_ref().unwrap().text.starts_with("already in run mode"), "{:?}", s.notice);
}

#[test]
fn applied_reports_the_backup_and_reads_again() {
    let mut s = with(InstanceState::Stopped, Mode::Run);
    let applied = crate::devmode::Applied {
        instance_id: "i-0db5237193478dd8d".into(),
        mode: Some(Mode::Dev),
        backup: Some("/state/backups/i-0db5237193478dd8d-20261123T101200Z.userdata".into()),
    };
    let fx = update(&mut s, Action::DevApplied { id: "i-0db5237193478dd8d".into(), result: Ok(applied) });
    assert!(
        s.notice
            .as_ref()
            .unwrap()
            .text
            .starts_with("dev mode is ON for i-0db5237193478dd8d (backup: /state/")
    );
    assert!(fx.iter().any(|e| matches!(e, Effect::FetchDevInfo { id, .. } if id == "i-0db5237193478dd8d")));
    let fx = update(
        &mut s,
        Action::DevApplied {
            id: "i-0db5237193478dd8d".into(),
            result: Err(crate::fixtures::dev_error(
                "the user data changed since it was shown; nothing was written",
            )),
        },
    );
    assert_eq!(s.notice.as_ref().unwrap().level, Level::Error);
    assert!(!fx.is_empty(), "reads the truth again after a failure too");
}

#[test]
fn read_only_refuses_dev_mode_and_schedule_changes() {
    let mut cfg = Config::builtin();
    cfg.read_only = true;
    let mut s = State::new(&cfg, &Account::of(&cfg), now());
    s.instances.value = Some(vec![instance(InstanceState::Stopped)]);
    assert!(update(&mut s, Action::DevRequested).is_empty());
    assert!(s.notice.as_ref().unwrap().text.contains("switching dev mode is disabled"));
    assert!(update(&mut s, Action::ScheduleToggleRequested).is_empty());
    assert!(s.dialog.is_none());
}

#[test]
fn ssh_command_and_long_session_warning_only_in_dev_mode() {
    let mut s = with(InstanceState::Running, Mode::Dev);
    assert_eq!(
        crate::state::dev::ssh_hint(&s).as_deref(),
        Some("ssh ec2-user@ec2-54-210-17-3.compute-1.amazonaws.com")
    );
    assert_eq!(
        update(&mut s, Action::CopySsh),
        vec![Effect::Copy("ssh ec2-user@ec2-54-210-17-3.compute-1.amazonaws.com".into())]
    );
    assert!(crate::state::dev::long_dev_session(&s).is_none(), "up 1h12m, limit 4h");
    s.now += SignedDuration::from_hours(4);
    assert!(crate::state::dev::long_dev_session(&s).unwrap().starts_with("dev-mode box up 5h11m"));
    let s = with(InstanceState::Running, Mode::Run);
    assert!(crate::state::dev::ssh_hint(&s).is_none());
}

#[test]
fn schedule_toggle_asks_and_refetches() {
    let mut s = with(InstanceState::Stopped, Mode::Run);
    let seq = s.schedule_poll.issue();
    update(&mut s, Action::ScheduleLoaded { seq, result: Ok((DemoRules::lab().info(), None)) });
    update(&mut s, Action::ScheduleToggleRequested);
    let d = s.dialog.clone().unwrap();
    assert_eq!(d.title, "Disable the schedule?");
    let fx = update(&mut s, Action::DialogYes);
    assert_eq!(fx, vec![Effect::Execute(crate::action::Write::SetSchedule(false))]);
    let fx = update(&mut s, Action::Done { write: crate::action::Write::SetSchedule(false), result: Ok(()) });
    assert!(matches!(fx.as_slice(), [Effect::FetchSchedule { .. }]));
}

#[test]
fn dev_mode_alarm_when_the_schedule_fires_soon() {
    // Sunday 2026-11-22 12:00 UTC: the Monday 09:00 UTC run is 21 h away.
    let mut s = with(InstanceState::Stopped, Mode::Dev);
    s.now = "2026-11-22T12:00:00Z".parse().unwrap();
    let seq = s.schedule_poll.issue();
    update(&mut s, Action::ScheduleLoaded { seq, result: Ok((DemoRules::lab().info(), None)) });
    let v = crate::state::schedule::view(&s, &jiff::tz::TimeZone::UTC).unwrap();
    assert!(v.dev_mode_alarm.unwrap().contains("WITHOUT running the script"));
    let mut s = with(InstanceState::Stopped, Mode::Run);
    s.now = "2026-11-22T12:00:00Z".parse().unwrap();
    let seq = s.schedule_poll.issue();
    update(&mut s, Action::ScheduleLoaded { seq, result: Ok((DemoRules::lab().info(), None)) });
    assert!(crate::state::schedule::view(&s, &jiff::tz::TimeZone::UTC).unwrap().dev_mode_alarm.is_none());
}

/// The dev-mode reads among effects: their numbers.
fn reads(fx: &[Effect]) -> Vec<u64> {
    fx.iter()
        .filter_map(|e| if let Effect::FetchDevInfo { seq, .. } = e { Some(*seq) } else { None })
        .collect()
}

fn info(mode: Mode) -> DevInfo {
    DevInfo { mode, line_number: 21, line: String::new(), warnings: vec![] }
}

const ID: &str = "i-0db5237193478dd8d";
const UNANSWERED: &str =
    "the write got no clear answer (no answer from ec2: timed out), so it may still be applied";

#[test]
fn an_uncertain_write_makes_dev_mode_unknown_until_a_read_answers_with_backoff() {
    let mut s = with(InstanceState::Stopped, Mode::Run);
    let t0 = s.now;
    let fx = update(
        &mut s,
        Action::DevApplied { id: ID.into(), result: Err(crate::fixtures::dev_error(UNANSWERED)) },
    );
    let [first] = reads(&fx)[..] else { panic!("one read at once: {fx:?}") };
    assert_eq!(s.notice.as_ref().unwrap().text, UNANSWERED);
    assert_eq!(s.dev_info(), None, "the old reading is not shown as the mode");
    assert!(!s.dev_mode_on());
    assert_eq!(s.dev_unknown().unwrap().why, UNANSWERED);

    // An answer to a read asked for before the write ended says nothing about it.
    update(&mut s, Action::DevInfoLoaded { id: ID.into(), seq: first - 1, result: Ok(info(Mode::Run)) });
    assert!(s.dev_unknown().is_some());

    // The read fails: try again after 2 s, then 4 s, ...; a refresh asks at once too.
    update(
        &mut s,
        Action::DevInfoLoaded {
            id: ID.into(),
            seq: first,
            result: Err(crate::fixtures::dev_error("HTTP 500")),
        },
    );
    assert_eq!(s.dev_unknown().unwrap().last_read.as_deref(), Some("HTTP 500"));
    assert!(reads(&update(&mut s, Action::Tick(t0 + SignedDuration::from_secs(1)))).is_empty());
    let again = reads(&update(&mut s, Action::Tick(t0 + SignedDuration::from_secs(2))));
    assert_eq!(again, vec![first + 1]);
    assert!(reads(&update(&mut s, Action::Tick(t0 + SignedDuration::from_secs(3)))).is_empty(), "one out");
    update(
        &mut s,
        Action::DevInfoLoaded {
            id: ID.into(),
            seq: first + 1,
            result: Err(crate::fixtures::dev_error("HTTP 500")),
        },
    );
    assert_eq!(s.dev_unknown().unwrap().next_read, Some(t0 + SignedDuration::from_secs(7)));
    let refresh = reads(&update(&mut s, Action::Refresh));
    assert_eq!(refresh, vec![first + 2]);
    assert!(s.dev_unknown().is_some(), "a refresh alone does not make it known");

    // An answer: the mode is what the instance holds now (the write landed after all).
    update(&mut s, Action::DevInfoLoaded { id: ID.into(), seq: first + 2, result: Ok(info(Mode::Dev)) });
    assert!(s.dev_unknown.is_none());
    assert!(s.dev_mode_on());
    assert!(reads(&update(&mut s, Action::Tick(t0 + SignedDuration::from_secs(60)))).is_empty());
}

#[test]
fn the_wait_between_reads_stops_growing_at_a_minute() {
    let mut s = with(InstanceState::Stopped, Mode::Run);
    let fx = update(
        &mut s,
        Action::DevApplied { id: ID.into(), result: Err(crate::fixtures::dev_error(UNANSWERED)) },
    );
    let mut seq = reads(&fx)[0];
    for _ in 0..10 {
        update(
            &mut s,
            Action::DevInfoLoaded {
                id: ID.into(),
                seq,
                result: Err(crate::fixtures::dev_error("timed out")),
            },
        );
        let at = s.dev_unknown().unwrap().next_read.unwrap();
        seq = reads(&update(&mut s, Action::Tick(at)))[0];
    }
    assert_eq!(s.dev_unknown().unwrap().backoff, SignedDuration::from_secs(60));
}

#[test]
fn any_failed_switch_makes_dev_mode_unknown_and_d_waits_for_a_reading() {
    let mut s = with(InstanceState::Stopped, Mode::Dev);
    let refused =
        "AWS throttled the write (RequestLimitExceeded); try again in a minute; nothing was written";
    update(&mut s, Action::DevApplied { id: ID.into(), result: Err(crate::fixtures::dev_error(refused)) });
    assert!(s.dev_unknown().is_some());
    assert!(update(&mut s, Action::DevRequested).is_empty(), "no guessing the direction");
    assert!(
        s.notice.as_ref().unwrap().text.starts_with("dev mode is unknown until the user data is read again")
    );
    let start = crate::run::start_note(s.dev_info().map(|d| d.mode));
    assert!(start.1.starts_with("Dev mode unknown"), "the start dialog says so too: {start:?}");
    // A later successful switch makes it known again.
    let ok = crate::devmode::Applied { instance_id: ID.into(), mode: Some(Mode::Run), backup: None };
    update(&mut s, Action::DevApplied { id: ID.into(), result: Ok(ok) });
    assert!(s.dev_unknown.is_none());
}
