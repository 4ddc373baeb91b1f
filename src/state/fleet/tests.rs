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
    fx.iter()
        .filter_map(|f| match f {
            FleetEffect::Look { index, with_runs, .. } => Some((*index, *with_runs)),
            FleetEffect::Owner { .. } => None,
        })
        .collect()
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

fn owner_asks(fx: &[FleetEffect]) -> Vec<(usize, u64, String)> {
    fx.iter()
        .filter_map(|f| match f {
            FleetEffect::Owner { index, seq, instance } => Some((*index, *seq, instance.clone())),
            FleetEffect::Look { .. } => None,
        })
        .collect()
}

fn in_mode(mut r: Reading, mode: crate::userdata::Mode) -> Reading {
    r.dev_mode = Ok(mode);
    r
}

fn alice(at: Timestamp) -> crate::activity::DevOwner {
    crate::activity::DevOwner {
        who: "alice".into(),
        since: at - SignedDuration::from_hours(2),
        recorded: true,
    }
}

/// Box `b` (index 1) answered in dev mode, run log read.
fn b_in_dev_mode() -> (FleetState, Vec<FleetEffect>) {
    let mut s = fleet();
    update(&mut s, FleetAction::Tick(t0()));
    let r = in_mode(reading(InstanceState::Stopped, true), crate::userdata::Mode::Dev);
    let fx = answer(&mut s, 1, Ok(r));
    (s, fx)
}

#[test]
fn a_box_in_dev_mode_asks_who_once_and_its_row_names_the_owner() {
    let (mut s, fx) = b_in_dev_mode();
    let asks = owner_asks(&fx);
    let id = s.boxes[1].reading.as_ref().unwrap().instances[0].id.clone();
    assert_eq!(asks.len(), 1, "{fx:?}");
    assert_eq!((asks[0].0, asks[0].2.as_str()), (1, id.as_str()));
    assert_eq!(s.boxes[1].row.as_ref().unwrap().owner_unknown.as_deref(), Some("CloudTrail not read yet"));
    // Not asked again while out, nor on the next look.
    let later = t0() + SignedDuration::from_secs(30);
    assert!(owner_asks(&update(&mut s, FleetAction::Tick(later))).is_empty());
    update(&mut s, FleetAction::Owned { index: 1, seq: asks[0].1, result: Ok(Some(alice(later))) });
    let row = s.boxes[1].row.clone().unwrap();
    assert_eq!(row.owner.map(|o| o.who), Some("alice".into()));
    assert_eq!(crate::fleet::text::dev_mode(s.boxes[1].row.as_ref().unwrap(), later), "on · alice · 2h");
    // The look after that (60 s or more later) asks nothing of CloudTrail: the slow pace.
    let look = later + SignedDuration::from_mins(6);
    let fx = update(&mut s, FleetAction::Tick(look - OWNER_EVERY + SignedDuration::from_mins(1)));
    assert!(owner_asks(&fx).is_empty(), "{fx:?}");
    let fx = update(&mut s, FleetAction::Tick(look));
    assert_eq!(owner_asks(&fx).len(), 1, "asked again after {OWNER_EVERY:?}: {fx:?}");
}

#[test]
fn boxes_in_run_mode_never_ask_cloudtrail() {
    let mut s = fleet();
    let mut fx = update(&mut s, FleetAction::Tick(t0()));
    for i in 0..4 {
        fx.extend(answer(&mut s, i, Ok(reading(InstanceState::Stopped, true))));
    }
    for m in 1..30 {
        fx.extend(update(&mut s, FleetAction::Tick(t0() + SignedDuration::from_mins(m))));
    }
    assert!(owner_asks(&fx).is_empty(), "{fx:?}");
    assert!(s.boxes.iter().all(|b| b.row.as_ref().is_some_and(|r| r.owner_unknown.is_none())));
}

#[test]
fn a_denied_lookup_says_why_and_backs_off_without_touching_the_look() {
    let (mut s, fx) = b_in_dev_mode();
    let seq = owner_asks(&fx)[0].1;
    let next_look = s.boxes[1].next_look;
    let why = "access denied: cloudtrail:LookupEvents (not in the policy)";
    update(&mut s, FleetAction::Owned { index: 1, seq, result: Err(why.into()) });
    let b = &s.boxes[1];
    assert_eq!(b.next_look, next_look, "the box's looks go on as before");
    assert_eq!(b.error, None);
    let row = b.row.as_ref().unwrap();
    assert_eq!(row.owner, None);
    assert!(row.owner_unknown.as_deref().unwrap().contains("cloudtrail:LookupEvents"), "{row:?}");
    // Its own backoff: not before 15 s, then again.
    let fx = update(&mut s, FleetAction::Tick(t0() + SignedDuration::from_secs(10)));
    assert!(owner_asks(&fx).is_empty());
    let fx = update(&mut s, FleetAction::Tick(t0() + BACKOFF_FIRST));
    let again = owner_asks(&fx);
    assert_eq!(again.len(), 1, "{fx:?}");
    // A second failure doubles the wait.
    update(&mut s, FleetAction::Owned { index: 1, seq: again[0].1, result: Err(why.into()) });
    let fx = update(&mut s, FleetAction::Tick(t0() + BACKOFF_FIRST * 2));
    assert!(owner_asks(&fx).is_empty());
    let fx = update(&mut s, FleetAction::Tick(t0() + BACKOFF_FIRST * 3));
    assert_eq!(owner_asks(&fx).len(), 1);
}

#[test]
fn dev_mode_off_forgets_the_owner_and_a_stale_answer_is_dropped() {
    let (mut s, fx) = b_in_dev_mode();
    let seq = owner_asks(&fx)[0].1;
    update(&mut s, FleetAction::Owned { index: 1, seq, result: Ok(Some(alice(t0()))) });
    assert!(s.boxes[1].owner.is_some());
    // Switched back to run mode: the next look says so and the owner goes.
    let t = t0() + SignedDuration::from_mins(5);
    update(&mut s, FleetAction::Tick(t));
    answer(&mut s, 1, Ok(reading(InstanceState::Stopped, false)));
    assert_eq!(s.boxes[1].owner, None);
    let row = s.boxes[1].row.as_ref().unwrap();
    assert_eq!((row.owner.as_ref(), row.owner_unknown.as_ref()), (None, None));
    assert_eq!(crate::fleet::text::dev_mode(row, t), "off");
    // An answer to an old lookup changes nothing.
    update(&mut s, FleetAction::Owned { index: 1, seq, result: Ok(Some(alice(t))) });
    assert_eq!(s.boxes[1].owner, None);
}
