use jiff::{SignedDuration, Timestamp};

use super::*;
use crate::run::scenarios;
use crate::schedule::rules::DemoRules;

fn place(region: &str) -> Place {
    Place { region: region.into(), profile: "lab".into(), endpoint: None }
}

fn judging() -> Judging {
    Judging { rules: crate::run::RunRules::default(), alarm_window: SignedDuration::from_hours(24) }
}

fn t0() -> Timestamp {
    scenarios::mon("12:00")
}

/// Boxes `a`, `b`, `c` in one region, `d` in another.
fn fleet() -> FleetState {
    let boxes = [("a", "us-east-1"), ("b", "us-east-1"), ("c", "us-east-1"), ("d", "eu-west-1")]
        .iter()
        .map(|(n, r)| BoxSlot::new(n, place(r), judging()))
        .collect();
    FleetState::new(Account::Demo, boxes, "b", t0())
}

fn reading(state: InstanceState, with_runs: bool) -> Reading {
    let launch = scenarios::mon("09:00");
    let instance = if state == InstanceState::Stopped {
        scenarios::stopped(launch, launch + SignedDuration::from_mins(98), "Client.InstanceInitiatedShutdown")
    } else {
        scenarios::instance(state, launch)
    };
    Reading {
        instances: vec![instance],
        dev_mode: Ok(crate::userdata::Mode::Run),
        rule: Ok(DemoRules::lab().info()),
        past: with_runs.then(|| Ok(PastLog::default())),
    }
}

fn looks(fx: &[FleetEffect]) -> Vec<(usize, bool)> {
    fx.iter().map(|FleetEffect::Look { index, with_runs, .. }| (*index, *with_runs)).collect()
}

fn seq_of(s: &FleetState, i: usize) -> u64 {
    s.boxes[i].asked.unwrap().0
}

fn answer(s: &mut FleetState, i: usize, result: Result<Reading, String>) -> Vec<FleetEffect> {
    let seq = seq_of(s, i);
    update(s, FleetAction::Looked { index: i, seq, result: result.map(Box::new) })
}

#[test]
fn the_first_tick_asks_every_box_at_once_and_spares_each_regions_log_limit() {
    let mut s = fleet();
    let fx = update(&mut s, FleetAction::Tick(t0()));
    // Two run-log reads in us-east-1, the third box there looks without it; eu-west-1 has room.
    assert_eq!(looks(&fx), vec![(0, true), (1, true), (2, false), (3, true)]);
    assert!(update(&mut s, FleetAction::Tick(t0() + SignedDuration::from_secs(1))).is_empty(), "none twice");
    // The third box's row needs its run log: it goes as soon as a read ends in its region.
    let fx = answer(&mut s, 2, Ok(reading(InstanceState::Stopped, false)));
    assert!(fx.is_empty(), "the region still reads two logs: {fx:?}");
    let fx = answer(&mut s, 0, Ok(reading(InstanceState::Stopped, true)));
    assert_eq!(looks(&fx), vec![(2, true)]);
}

#[test]
fn arrows_move_the_selection_enter_opens_and_back_returns() {
    let mut s = fleet();
    assert_eq!(s.selected().unwrap().name, "b", "the default box is selected");
    update(&mut s, FleetAction::Step(1));
    update(&mut s, FleetAction::Step(10));
    assert_eq!(s.selected, 3, "clamped at the last box");
    update(&mut s, FleetAction::Step(-1));
    update(&mut s, FleetAction::Step(isize::MIN / 2));
    assert_eq!(s.selected, 0);
    update(&mut s, FleetAction::Step(2));
    update(&mut s, FleetAction::Open);
    assert_eq!((s.open.as_deref(), s.should_quit), (Some("c"), true));
    s.back(t0());
    assert_eq!((s.open.as_deref(), s.should_quit, s.selected), (None, false, 2));
}

#[test]
fn a_box_that_fails_backs_off_alone_and_recovers() {
    let mut s = fleet();
    update(&mut s, FleetAction::Tick(t0()));
    answer(&mut s, 1, Ok(reading(InstanceState::Stopped, true)));
    assert_eq!(s.boxes[1].next_look, Some(t0() + LOOK_STOPPED));
    let mut waits = Vec::new();
    for _ in 0..7 {
        answer(&mut s, 0, Err("credentials: the SSO session has expired".into()));
        let next = s.boxes[0].next_look.unwrap();
        waits.push(next.duration_since(s.now).as_secs());
        s.now = next;
        update(&mut s, FleetAction::Tick(next));
    }
    assert_eq!(waits, vec![15, 30, 60, 120, 240, 300, 300]);
    assert_eq!(s.boxes[0].problem(), Some("credentials: the SSO session has expired"));
    // The other box keeps its own pace and its row.
    assert!(s.boxes[1].error.is_none() && s.boxes[1].row.is_some());
    // One answer and the box is back to normal.
    answer(&mut s, 0, Ok(reading(InstanceState::Stopped, true)));
    assert_eq!((s.boxes[0].error.as_deref(), s.boxes[0].backoff), (None, SignedDuration::ZERO));
    assert_eq!(s.boxes[0].next_look, Some(s.now + LOOK_STOPPED));
}

#[test]
fn a_stale_answer_is_dropped() {
    let mut s = fleet();
    update(&mut s, FleetAction::Tick(t0()));
    let old = seq_of(&s, 0);
    update(&mut s, FleetAction::Looked { index: 0, seq: old + 7, result: Err("late".into()) });
    assert!(s.boxes[0].error.is_none(), "an answer to a look never asked is ignored");
    update(
        &mut s,
        FleetAction::Looked {
            index: 0,
            seq: old,
            result: Ok(Box::new(reading(InstanceState::Running, true))),
        },
    );
    assert!(s.boxes[0].row.is_some());
    assert_eq!(s.boxes[0].next_look, Some(t0() + LOOK_UP), "a box that is up is looked at every minute");
}

#[test]
fn a_state_change_reads_the_run_log_again() {
    let mut s = fleet();
    update(&mut s, FleetAction::Tick(t0()));
    answer(&mut s, 3, Ok(reading(InstanceState::Stopped, true)));
    let later = t0() + LOOK_STOPPED;
    s.now = later;
    let fx = update(&mut s, FleetAction::Tick(later));
    assert_eq!(looks(&fx), vec![(3, false)], "stopped and unchanged: the cheap look only");
    let fx = answer(&mut s, 3, Ok(reading(InstanceState::Running, false)));
    assert_eq!(looks(&fx), vec![(3, true)], "started since: its run log at once");
}

#[test]
fn a_box_whose_configuration_failed_is_never_asked_and_says_why() {
    let mut s = fleet();
    s.boxes.push(BoxSlot::broken("e", place("-"), "no profile `gone`".into()));
    let fx = update(&mut s, FleetAction::Tick(t0()));
    assert!(!looks(&fx).iter().any(|(i, _)| *i == 4));
    assert_eq!(s.boxes[4].problem(), Some("no profile `gone`"));
    assert_eq!(s.arrived(), 1);
    let fx = update(&mut s, FleetAction::Refresh);
    assert!(!looks(&fx).iter().any(|(i, _)| *i == 4));
    s.selected = 4;
    update(&mut s, FleetAction::Open);
    assert!(!s.should_quit, "a box without a configuration does not open");
    assert!(s.notice.as_ref().unwrap().text.contains("no profile `gone`"));
}

#[test]
fn looks_out_when_a_box_was_opened_are_asked_again_on_return() {
    let mut s = fleet();
    update(&mut s, FleetAction::Tick(t0()));
    answer(&mut s, 0, Ok(reading(InstanceState::Stopped, true)));
    update(&mut s, FleetAction::Open);
    let back = t0() + SignedDuration::from_mins(2);
    s.back(back);
    let fx = update(&mut s, FleetAction::Tick(back));
    assert_eq!(
        looks(&fx).iter().map(|(i, _)| *i).collect::<Vec<_>>(),
        vec![1, 2, 3],
        "box 0 answered: not yet"
    );
}
