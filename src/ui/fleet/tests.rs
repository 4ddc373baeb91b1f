//! The fleet view at 80×24, 120×40 and 200×60: a good run, a run going, a dev-mode alarm, a
//! failing run, a box that does not answer and one whose answers stopped.

use jiff::{SignedDuration, Timestamp};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::action::fleet::FleetAction;
use crate::backends::Account;
use crate::fleet::{Judging, Place, Reading};
use crate::logs::history::PastLog;
use crate::run::RunRules;
use crate::run::scenarios::{self, Scenario};
use crate::schedule::rules::DemoRules;
use crate::state::fleet::{BoxSlot, FleetState, update};
use crate::ui::Look;
use crate::userdata::Mode;

const SIZES: [(u16, u16); 3] = [(80, 24), (120, 40), (200, 60)];

fn scenario(name: &str) -> Scenario {
    scenarios::all().into_iter().find(|s| s.name == name).unwrap()
}

fn reading(s: &Scenario, mode: Mode) -> Reading {
    let past = PastLog { facts: s.facts(&RunRules::default()), starts: s.starts(), warnings: vec![] };
    Reading {
        instances: vec![s.instance.clone()],
        dev_mode: Ok(mode),
        rule: Ok(DemoRules::lab().info()),
        past: Some(Ok(past)),
    }
}

fn place(region: &str, profile: &str) -> Place {
    Place { region: region.into(), profile: profile.into(), endpoint: None }
}

/// Answers box `i`'s outstanding look with `result`, at `at`.
fn answer(s: &mut FleetState, i: usize, at: Timestamp, result: Result<Reading, String>) {
    let (seq, _) = s.boxes[i].asked.unwrap_or_else(|| panic!("box {i} not asked"));
    s.now = at;
    update(s, FleetAction::Looked { index: i, seq, result: result.map(Box::new) });
}

/// Seven boxes in four regions and two profiles.
pub fn lab_fleet() -> FleetState {
    let judging = Judging { rules: RunRules::default(), alarm_window: SignedDuration::from_hours(24) };
    let boxes = [
        ("baseline", "us-east-1", "lab"),
        ("covid-hub", "us-east-2", "lab"),
        ("dengue", "sa-east-1", "partners"),
        ("flu", "us-east-1", "lab"),
        ("measles", "eu-west-1", "lab"),
        ("rsv", "us-west-2", "lab"),
        ("wastewater-ensemble-nowcast", "us-west-2", "partners"),
    ]
    .iter()
    .map(|(n, r, p)| BoxSlot::new(n, place(r, p), judging.clone()))
    .collect();
    let start = scenarios::mon("09:00");
    let mut s = FleetState::new(Account::Demo, boxes, "baseline", start);
    update(&mut s, FleetAction::Tick(start));
    let good = scenario("scheduled success");
    answer(&mut s, 0, good.now, Ok(reading(&good, Mode::Run)));
    answer(
        &mut s,
        1,
        good.now,
        Err("credentials: the SSO session of profile `lab` has expired; run `aws sso login --profile lab`"
            .into()),
    );
    answer(&mut s, 2, good.now, Ok(reading(&good, Mode::Run)));
    let going = scenario("the current run with progress lines");
    answer(&mut s, 3, going.now, Ok(reading(&going, Mode::Run)));
    let failing = scenario("failure while the box stays up");
    answer(&mut s, 4, failing.now, Ok(reading(&failing, Mode::Run)));
    // The Sunday before the next fire: dev mode left on.
    let sunday = scenarios::day(6, "12:00");
    answer(&mut s, 5, sunday, Ok(reading(&good, Mode::Dev)));
    answer(&mut s, 6, sunday, Ok(reading(&good, Mode::Run)));
    // dengue's account stops answering: the row keeps its last answer, marked.
    let later = sunday + SignedDuration::from_mins(10);
    s.now = later;
    update(&mut s, FleetAction::Tick(later));
    answer(&mut s, 2, later, Err("the endpoint did not answer within 25 s".into()));
    s
}

fn draw(s: &FleetState, w: u16, h: u16) -> String {
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| super::draw(f, s, &Look::default())).unwrap();
    let buf = term.backend().buffer().clone();
    (0..h)
        .map(|y| (0..w).map(|x| buf[(x, y)].symbol()).collect::<String>().trim_end().to_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

fn at_every_size(s: &FleetState) -> String {
    SIZES.iter().map(|&(w, h)| format!("── {w}×{h} ──\n{}", draw(s, w, h))).collect::<Vec<_>>().join("\n\n")
}

#[test]
fn fleet_with_an_error_row_and_alarms() {
    let mut s = lab_fleet();
    update(&mut s, FleetAction::Step(1));
    insta::assert_snapshot!(at_every_size(&s));
}

#[test]
fn fleet_with_a_stale_row_selected() {
    let mut s = lab_fleet();
    update(&mut s, FleetAction::Step(2));
    insta::assert_snapshot!(draw(&s, 120, 40));
}

#[test]
fn fleet_while_boxes_are_still_answering() {
    let judging = Judging { rules: RunRules::default(), alarm_window: SignedDuration::from_hours(24) };
    let boxes = (0..30)
        .map(|n| BoxSlot::new(&format!("box-{n:02}"), place("us-east-1", "lab"), judging.clone()))
        .collect();
    let now = scenarios::mon("12:00");
    let mut s = FleetState::new(Account::Aws { profile: "lab".into(), endpoint: None }, boxes, "box-25", now);
    update(&mut s, FleetAction::Tick(now));
    let good = scenario("scheduled success");
    answer(&mut s, 0, now, Ok(reading(&good, Mode::Run)));
    let screen = draw(&s, 80, 24);
    assert!(screen.contains("1/30 answered"), "{screen}");
    assert!(screen.contains("box-25"), "the selected row is scrolled into view:\n{screen}");
    assert!(!screen.contains("box-00"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn fleet_with_the_owner_of_a_box_in_dev_mode() {
    let mut s = lab_fleet();
    let (seq, instance) = s.boxes[5].owner_asked.clone().expect("rsv, in dev mode, asks who");
    assert_eq!(Some(&instance), s.boxes[5].reading.as_ref().map(|r| &r.instances[0].id));
    let who = crate::activity::DevOwner {
        who: "alice".into(),
        since: s.now - SignedDuration::from_mins(130),
        recorded: true,
    };
    update(&mut s, FleetAction::Owned { index: 5, seq, result: Ok(Some(who)) });
    update(&mut s, FleetAction::Step(5));
    let screens = at_every_size(&s);
    for (size, screen) in SIZES.iter().zip(screens.split("\n\n── ")) {
        let rsv = screen.lines().find(|l| l.contains("│ rsv")).unwrap_or_else(|| panic!("{screen}"));
        assert!(rsv.contains("on · alice"), "{size:?}: {rsv}");
        assert!(rsv.contains("dev mode before fire"), "{size:?}: the alarm stays: {rsv}");
    }
    insta::assert_snapshot!(screens);
}
