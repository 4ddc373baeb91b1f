//! Key `M`: the schedule move from the panel, and its undo.

use super::*;
use crate::action::{Effect, Move, MoveStep};
use crate::backends::Account;
use crate::cloud::CloudError;
use crate::config::Config;
use crate::fixtures::now;
use crate::schedule::RuleState;
use crate::schedule::rules::{DemoRules, NewSchedule, Other, RuleInfo, SchedulerFacts};
use crate::state::State;

const ROLE: &str = "arn:aws:iam::123456789012:role/baseline-scheduler";

/// A state whose last schedule read found the lab's rule (in `rule_state`) and, beside it, `other`.
fn with(rule_state: RuleState, other: Other) -> State {
    let cfg = Config::builtin();
    let mut s = State::new(&cfg, &Account::of(&cfg), now());
    s.moving.role = Some(ROLE.into());
    let mut info = DemoRules::lab().info();
    info.state = rule_state;
    info.other = other;
    let seq = s.schedule_poll.issue();
    update(&mut s, Action::ScheduleLoaded { seq, result: Ok((info, None)) });
    s
}

fn moved_schedule(state: RuleState) -> RuleInfo {
    let mut sched = DemoRules::lab().info();
    sched.state = state;
    sched.scheduler = Some(SchedulerFacts {
        group: "default".into(),
        time_zone: Some("America/New_York".into()),
        role: Some(ROLE.into()),
    });
    sched
}

fn lines(s: &State) -> Vec<String> {
    s.dialog.as_ref().expect("a dialog").lines.iter().map(|(_, l)| l.clone()).collect()
}

fn notice(s: &State) -> String {
    s.notice.as_ref().map(|n| n.text.clone()).unwrap_or_default()
}

#[test]
fn m_asks_the_names_time_compares_side_by_side_and_writes_only_after_yes() {
    let mut s = with(RuleState::Enabled, Other::Absent);
    assert!(update(&mut s, Action::MoveRequested).is_empty());
    let d = s.dialog.clone().unwrap();
    assert_eq!(d.input.as_deref(), Some("09:00 America/New_York"), "the name's time, prefilled");
    assert_eq!(d.choices[d.selected].intent, Some(Intent::MoveCompare), "Enter compares");
    assert!(update(&mut s, Action::DialogPick(None)).is_empty(), "comparing writes nothing");
    let d = s.dialog.clone().unwrap();
    assert_eq!(d.title, "Move the schedule?");
    assert_eq!(d.selected, 0, "No is the default");
    let text = lines(&s).join("\n");
    assert!(
        text.contains(
            "Create Scheduler schedule `default/MondayMorning9aEST`: cron(0 9 ? * MON *) in America/New_York"
        ),
        "{text}"
    );
    assert!(
        text.contains("2026-11-30 09:00 UTC = 04:00 EST   2026-11-23 14:00 UTC = 09:00 EST"),
        "both next fires on one row: {text}"
    );
    assert!(
        text.contains(
            "The new schedule first fires Mon 2026-11-23 14:00 UTC (in 3h 48m), before the rule's next"
        ),
        "moved on a Monday after the rule fired: {text}"
    );
    assert!(text.contains("Then disable EventBridge rule `MondayMorning9aEST`"), "{text}");
    let fx = update(&mut s, Action::DialogYes);
    let [Effect::MoveSchedule(Move::ToScheduler { new, disable_rule: true })] = fx.as_slice() else {
        panic!("{fx:?}")
    };
    assert_eq!(
        (new.expression.as_str(), new.time_zone.as_str()),
        ("cron(0 9 ? * MON *)", "America/New_York")
    );
    assert!(new.target.ends_with(":function:start-baseline-instance"), "{}", new.target);
    assert_eq!(new.role, ROLE);
    assert!(s.moving.busy);
    assert!(update(&mut s, Action::MoveRequested).is_empty());
    assert!(notice(&s).contains("under way"), "{}", notice(&s));
    let fx =
        update(&mut s, Action::MoveStepDone { step: MoveStep::CreateSchedule, result: Ok(()), last: false });
    assert!(fx.is_empty());
    assert_eq!(notice(&s), "created Scheduler schedule `default/MondayMorning9aEST` (ENABLED)");
    let fx = update(&mut s, Action::MoveStepDone { step: MoveStep::DisableRule, result: Ok(()), last: true });
    assert!(matches!(fx.as_slice(), [Effect::FetchSchedule { .. }]), "read again: {fx:?}");
    assert_eq!(
        notice(&s),
        "created Scheduler schedule `default/MondayMorning9aEST` (ENABLED); disabled the rule: the box now starts on the Scheduler schedule"
    );
    assert!(!s.moving.busy);
}

#[test]
fn the_time_is_editable_and_a_wrong_one_is_asked_again_with_the_reason() {
    let mut s = with(RuleState::Enabled, Other::Absent);
    update(&mut s, Action::MoveRequested);
    for _ in 0.."09:00 America/New_York".len() {
        update(&mut s, Action::DialogBackspace);
    }
    for c in "9am".chars() {
        update(&mut s, Action::DialogType(c));
    }
    assert!(update(&mut s, Action::DialogPick(None)).is_empty());
    let d = s.dialog.clone().unwrap();
    assert_eq!(d.input.as_deref(), Some("9am"), "the text is kept");
    assert!(
        d.lines.iter().any(|(l, t)| *l == Level::Error && t.contains("is not a time and a zone")),
        "{:?}",
        d.lines
    );
    for _ in 0..3 {
        update(&mut s, Action::DialogBackspace);
    }
    for c in "10:30 Europe/Berlin".chars() {
        update(&mut s, Action::DialogType(c));
    }
    update(&mut s, Action::DialogPick(None));
    let text = lines(&s).join("\n");
    assert!(text.contains("2026-11-30 09:30 UTC = 10:30 CET"), "{text}");
    let fx = update(&mut s, Action::DialogYes);
    let [Effect::MoveSchedule(Move::ToScheduler { new, .. })] = fx.as_slice() else { panic!("{fx:?}") };
    assert_eq!(
        **new,
        NewSchedule {
            expression: "cron(30 10 ? * MON *)".into(),
            time_zone: "Europe/Berlin".into(),
            ..(**new).clone()
        }
    );
}

#[test]
fn without_a_role_the_dialog_says_what_to_set_and_writes_nothing() {
    let mut s = with(RuleState::Enabled, Other::Absent);
    s.moving.role = None;
    update(&mut s, Action::MoveRequested);
    assert!(update(&mut s, Action::DialogPick(None)).is_empty());
    assert!(lines(&s).iter().any(|l| l.contains("`role` under [schedule]")), "{:?}", lines(&s));
    let demo = State::new(&Config::builtin(), &Account::Demo, now());
    assert!(demo.moving.role.is_some(), "demo mode simulates the role");
}

#[test]
fn read_only_and_unknown_refuse_without_a_dialog() {
    let mut s = with(RuleState::Enabled, Other::Absent);
    s.context.read_only = true;
    assert!(update(&mut s, Action::MoveRequested).is_empty());
    assert!(s.dialog.is_none());
    assert!(notice(&s).starts_with("read-only mode: moving the schedule is disabled"), "{}", notice(&s));
    let mut s = with(RuleState::Enabled, Other::Unknown("no scheduler:GetSchedule".into()));
    update(&mut s, Action::MoveRequested);
    assert!(s.dialog.is_none());
    assert!(notice(&s).contains("exists is unknown (no scheduler:GetSchedule)"), "{}", notice(&s));
}

#[test]
fn with_a_moved_schedule_m_offers_to_move_back_rule_first() {
    let mut s = with(RuleState::Disabled, Other::Found(Box::new(moved_schedule(RuleState::Enabled))));
    update(&mut s, Action::MoveRequested);
    let d = s.dialog.clone().unwrap();
    assert_eq!(d.title, "Move back to the rule?");
    let text = lines(&s);
    assert!(text.contains(&"1. enable EventBridge rule `MondayMorning9aEST`".to_string()), "{text:?}");
    assert!(
        text.contains(&"2. delete Scheduler schedule `default/MondayMorning9aEST`".to_string()),
        "{text:?}"
    );
    let fx = update(&mut s, Action::DialogYes);
    assert_eq!(fx, vec![Effect::MoveSchedule(Move::Back { enable_rule: true })]);
    update(&mut s, Action::MoveStepDone { step: MoveStep::EnableRule, result: Ok(()), last: false });
    let fx = update(
        &mut s,
        Action::MoveStepDone {
            step: MoveStep::DeleteSchedule,
            result: Err(CloudError::Other("timed out".into())),
            last: true,
        },
    );
    assert!(matches!(fx.as_slice(), [Effect::FetchSchedule { .. }]));
    let n = notice(&s);
    assert!(n.starts_with("enabled the rule; deleting the Scheduler schedule may be applied"), "{n}");
    assert!(n.contains("two enabled schedules may start this box now"), "{n}");
}

#[test]
fn a_refused_create_changes_nothing_and_ends_the_move() {
    let mut s = with(RuleState::Enabled, Other::Absent);
    update(&mut s, Action::MoveRequested);
    update(&mut s, Action::DialogPick(None));
    update(&mut s, Action::DialogYes);
    let denied =
        CloudError::AccessDenied { action: "scheduler:CreateSchedule".into(), detail: String::new() };
    let fx = update(
        &mut s,
        Action::MoveStepDone { step: MoveStep::CreateSchedule, result: Err(denied), last: true },
    );
    assert!(matches!(fx.as_slice(), [Effect::FetchSchedule { .. }]));
    let n = notice(&s);
    assert!(n.starts_with("creating the Scheduler schedule failed:"), "{n}");
    assert!(n.contains("iam:PassRole"), "{n}");
    assert!(!n.contains("may be applied"), "{n}");
    assert!(!s.moving.busy);
}

#[test]
fn an_unanswered_disable_says_may_be_applied_and_two_schedules() {
    let mut s = with(RuleState::Enabled, Other::Absent);
    update(&mut s, Action::MoveStepDone { step: MoveStep::CreateSchedule, result: Ok(()), last: false });
    update(
        &mut s,
        Action::MoveStepDone {
            step: MoveStep::DisableRule,
            result: Err(CloudError::Other("no answer".into())),
            last: true,
        },
    );
    let n = notice(&s);
    assert!(n.contains("(ENABLED); disabling the rule may be applied (no answer)"), "{n}");
    assert!(n.contains("two enabled schedules start this box now"), "{n}");
}
