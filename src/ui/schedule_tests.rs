//! The Schedule panel with its next five fires and a daylight-saving change among them, at
//! 80×24, 120×40 and 200×60, seen from New York: the lab's UTC rule (its local hour moves), and
//! the schedule moved to `EventBridge` Scheduler at 09:00 New York time (its UTC hour moves).

use jiff::tz::TimeZone;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::action::Action;
use crate::cloud::InstanceState;
use crate::fixtures::instance;
use crate::schedule::rules::{DemoRules, Other, SchedulerFacts};
use crate::schedule::{RuleState, named_zone};
use crate::state::{State, update};
use crate::ui::tests::with_result;
use crate::ui::{Look, View};

const SIZES: [(u16, u16); 3] = [(80, 24), (120, 40), (200, 60)];

fn new_york() -> TimeZone {
    named_zone("America/New_York").unwrap()
}

/// A stopped box on `now`, its schedule read as `info`.
fn state(now: &str, info: crate::schedule::RuleInfo) -> State {
    let mut s = with_result(Ok(vec![instance(InstanceState::Stopped)]));
    s.now = now.parse().unwrap();
    let seq = s.schedule_poll.issue();
    update(&mut s, Action::ScheduleLoaded { seq, result: Ok((info, None)) });
    s
}

fn screens(s: &State) -> String {
    let look = Look { tz: new_york(), ..Look::default() };
    SIZES
        .iter()
        .map(|&(w, h)| {
            let mut s = s.clone();
            update(&mut s, crate::keymap::resize(w, h));
            let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
            term.draw(|f| super::draw(f, &View::new(&s, &look))).unwrap();
            let buf = term.backend().buffer().clone();
            let rows: Vec<String> = (0..h)
                .map(|y| {
                    (0..w)
                        .map(|x| buf[(x, y)].symbol().to_string())
                        .collect::<String>()
                        .trim_end()
                        .to_string()
                })
                .collect();
            format!("── {w}×{h} ──\n{}", rows.join("\n"))
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

#[test]
fn the_lab_rule_lists_five_fires_and_marks_the_march_change() {
    let s = state("2026-02-20T12:00:00Z", DemoRules::lab().info());
    let text = screens(&s);
    assert!(text.contains("~ from 8 Mar: 05:00 EDT"), "{text}");
    assert!(text.contains("Mon 23 Mar 09:00 UTC · 05:00 EDT"), "the fifth fire at 200×60: {text}");
    insta::assert_snapshot!(text);
}

#[test]
fn the_moved_schedule_shows_its_zone_and_the_november_change() {
    let mut rule = DemoRules::lab().info();
    rule.state = RuleState::Disabled;
    let mut moved = DemoRules::lab().info();
    moved.schedule = moved.schedule.map(|s| s.in_zone(new_york()));
    moved.scheduler = Some(SchedulerFacts {
        group: "default".into(),
        time_zone: Some("America/New_York".into()),
        role: None,
    });
    rule.other = Other::Found(Box::new(moved));
    let s = state("2026-10-20T12:00:00Z", rule);
    let text = screens(&s);
    assert!(text.contains("in America/New_York"), "{text}");
    assert!(text.contains("~ from 1 Nov: 09:00 EST = 14:00 UTC"), "{text}");
    assert!(!text.contains("DISABLED: no Monday run"), "the box still starts: {text}");
    insta::assert_snapshot!(text);
}

/// The lab's rule read with no Scheduler schedule beside it, on Monday 23 November 2026 at
/// 10:12 UTC, an hour after it fired (the role configured).
fn movable() -> State {
    let mut rule = DemoRules::lab().info();
    rule.other = Other::Absent;
    let mut s = state("2026-11-23T10:12:00Z", rule);
    s.moving.role = Some("arn:aws:iam::123456789012:role/baseline-scheduler".into());
    s
}

#[test]
fn the_move_dialog_asks_the_time_the_rules_name_says() {
    let mut s = movable();
    update(&mut s, Action::MoveRequested);
    let text = screens(&s);
    assert!(text.contains("09:00 America/New_York"), "{text}");
    assert!(text.contains("[ Compare ]"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn the_move_dialog_shows_both_schedules_side_by_side() {
    let mut s = movable();
    update(&mut s, Action::MoveRequested);
    update(&mut s, Action::DialogPick(None));
    let text = screens(&s);
    assert!(text.contains("2026-11-30 09:00 UTC = 04:00 EST   2026-11-23 14:00 UTC = 09:00 EST"), "{text}");
    assert!(text.contains("the box may start twice this week"), "{text}");
    assert!(text.contains("[ Yes, move ]"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn the_move_back_dialog_lists_its_steps_in_order() {
    let mut rule = DemoRules::lab().info();
    rule.state = RuleState::Disabled;
    let mut moved = DemoRules::lab().info();
    moved.schedule = moved.schedule.map(|s| s.in_zone(new_york()));
    moved.scheduler = Some(SchedulerFacts {
        group: "default".into(),
        time_zone: Some("America/New_York".into()),
        role: None,
    });
    rule.other = Other::Found(Box::new(moved));
    let mut s = state("2026-11-23T10:12:00Z", rule);
    update(&mut s, Action::MoveRequested);
    let text = screens(&s);
    assert!(text.contains("1. enable EventBridge rule"), "{text}");
    assert!(text.contains("[ Yes, move back ]"), "{text}");
    insta::assert_snapshot!(text);
}
