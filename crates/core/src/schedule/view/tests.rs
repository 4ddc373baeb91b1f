use super::*;
use crate::schedule::zone_for;

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn ny() -> TimeZone {
    zone_for("ET").unwrap()
}

fn rule(expression: &str, state: RuleState) -> RuleInfo {
    RuleInfo {
        name: "MondayMorning9aEST".into(),
        arn: None,
        state,
        expression: expression.into(),
        schedule: RuleInfo::parse_expression(expression),
        description: None,
        targets: vec!["arn:aws:lambda:us-east-1:1:function:start-baseline-instance".into()],
        created_by: None,
        scheduler: None,
        other: crate::schedule::rules::Other::NotRead,
    }
}

fn lab() -> RuleInfo {
    rule("cron(0 9 ? * MON *)", RuleState::Enabled)
}

fn view(info: &RuleInfo, now: &str, dev: bool) -> ScheduleView {
    ScheduleView::build(info, ts(now), &ny(), dev, DEFAULT_ALARM_WINDOW)
}

#[test]
fn lab_rule_next_fires_in_utc_local_and_countdown() {
    let v = view(&lab(), "2026-11-20T12:00:00Z", false);
    let next = v.next.as_ref().unwrap();
    assert_eq!(next.at, ts("2026-11-23T09:00:00Z"));
    assert_eq!(next.utc, "Mon 2026-11-23 09:00 UTC");
    assert_eq!(next.local, "Mon 2026-11-23 04:00 EST");
    assert_eq!(next.countdown, "in 2d 21h 00m");
    let at: Vec<Timestamp> = v.upcoming.iter().map(|f| f.at).collect();
    let want = [
        "2026-11-23T09:00:00Z",
        "2026-11-30T09:00:00Z",
        "2026-12-07T09:00:00Z",
        "2026-12-14T09:00:00Z",
        "2026-12-21T09:00:00Z",
    ];
    assert_eq!(at, want.map(ts));
    assert!(v.exact);
    assert_eq!(v.state, RuleState::Enabled);
    assert_eq!(v.expression, "cron(0 9 ? * MON *)");
    let note = v.name_note.as_deref().unwrap();
    assert!(note.contains("EventBridge cron runs in UTC"), "{note}");
    assert!(note.contains("04:00 EST"), "{note}");
    assert!(
        note.ends_with(
            "Fix the clock: baseline-panel schedule move --to-scheduler --at \"09:00 America/New_York\""
        ),
        "{note}"
    );
    assert_eq!(v.disabled_note, None);
    assert_eq!(v.dev_mode_alarm, None, "dev mode off: no alarm");
    assert_eq!(v.notes(), vec![note]);
}

#[test]
fn dev_mode_alarm_when_the_fire_is_near() {
    let v = view(&lab(), "2026-11-23T03:48:00Z", true);
    assert_eq!(
        v.dev_mode_alarm.as_deref(),
        Some(
            "Dev mode is on and the schedule fires in 5h 12m (Mon 09:00 UTC): that run will boot WITHOUT running the script."
        )
    );
    assert_eq!(v.notes()[0], v.dev_mode_alarm.as_deref().unwrap());
    // Dev mode on but the fire is days away: no alarm.
    assert_eq!(view(&lab(), "2026-11-20T12:00:00Z", true).dev_mode_alarm, None);
}

#[test]
fn alarm_window_edges_are_inclusive() {
    // Exactly 24 h before the fire.
    let v = view(&lab(), "2026-11-22T09:00:00Z", true);
    let alarm = v.dev_mode_alarm.expect("24 h away is inside the window");
    assert!(alarm.contains("fires in 1d 00h 00m (Mon 09:00 UTC)"), "{alarm}");
    // One second more.
    assert_eq!(view(&lab(), "2026-11-22T08:59:59Z", true).dev_mode_alarm, None);
    // A custom window.
    let short = SignedDuration::from_hours(1);
    let near = ScheduleView::build(&lab(), ts("2026-11-23T08:00:00Z"), &ny(), true, short);
    assert!(near.dev_mode_alarm.is_some());
    let far = ScheduleView::build(&lab(), ts("2026-11-23T07:59:00Z"), &ny(), true, short);
    assert_eq!(far.dev_mode_alarm, None);
}

#[test]
fn disabled_rule_has_no_next_fire_and_no_alarm() {
    let info = rule("cron(0 9 ? * MON *)", RuleState::Disabled);
    let v = view(&info, "2026-11-23T03:48:00Z", true);
    assert_eq!(v.next, None);
    assert_eq!(v.upcoming.len(), 5, "what it would do once enabled");
    assert_eq!(
        v.disabled_note.as_deref(),
        Some("The rule is DISABLED: no Monday run until it is enabled again.")
    );
    assert_eq!(v.dev_mode_alarm, None, "a disabled rule starts nothing");
    assert_eq!(v.notes()[0], v.disabled_note.as_deref().unwrap());
}

#[test]
fn disabled_rule_on_several_days_names_no_day() {
    let info = rule("cron(0 9 ? * MON,THU *)", RuleState::Disabled);
    let v = view(&info, "2026-11-20T12:00:00Z", false);
    assert_eq!(
        v.disabled_note.as_deref(),
        Some("The rule is DISABLED: no scheduled run until it is enabled again.")
    );
}

#[test]
fn rate_rule_gives_estimates_and_a_within_alarm() {
    let info = rule("rate(1 hour)", RuleState::Enabled);
    let v = view(&info, "2026-11-20T12:00:00Z", true);
    assert!(!v.exact);
    assert_eq!(v.next.as_ref().unwrap().at, ts("2026-11-20T13:00:00Z"));
    assert_eq!(v.upcoming.len(), 5);
    assert_eq!(v.name_note, None, "a rate has no time of day to check");
    assert_eq!(
        v.dev_mode_alarm.as_deref(),
        Some(
            "Dev mode is on and the schedule fires within 1h 00m: that run will boot WITHOUT running the script."
        )
    );
    let weekly = rule("rate(7 days)", RuleState::Enabled);
    assert_eq!(view(&weekly, "2026-11-20T12:00:00Z", true).dev_mode_alarm, None);
    let off = rule("rate(1 hour)", RuleState::Disabled);
    assert_eq!(
        view(&off, "2026-11-20T12:00:00Z", true).disabled_note.as_deref(),
        Some("The rule is DISABLED: no scheduled run until it is enabled again.")
    );
}

#[test]
fn unreadable_schedule_is_a_problem_not_a_panic() {
    for expr in ["", "cron(0 9 * * ?)"] {
        let v = view(&rule(expr, RuleState::Enabled), "2026-11-20T12:00:00Z", true);
        assert_eq!(v.next, None);
        assert!(v.upcoming.is_empty());
        assert_eq!(v.dev_mode_alarm, None);
        let p = v.problem.as_deref().unwrap();
        assert!(p.starts_with("The rule's schedule cannot be read: "), "{p}");
        assert_eq!(v.notes(), vec![p]);
    }
}

#[test]
fn other_states() {
    let cloudtrail =
        rule("cron(0 9 ? * MON *)", RuleState::from_aws("ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"));
    let v = view(&cloudtrail, "2026-11-23T03:48:00Z", true);
    assert!(v.next.is_some());
    assert!(v.dev_mode_alarm.is_some());
    let odd = rule("cron(0 9 ? * MON *)", RuleState::from_aws("PAUSED"));
    let v = view(&odd, "2026-11-23T03:48:00Z", true);
    assert_eq!(v.next, None);
    assert_eq!(
        v.disabled_note.as_deref(),
        Some("The rule's state is PAUSED, not ENABLED: no Monday run while it stays so.")
    );
}

/// The lab's schedule moved to `EventBridge` Scheduler: 09:00 in New York.
fn moved(state: RuleState) -> RuleInfo {
    let mut info = rule("cron(0 9 ? * MON *)", state);
    info.schedule =
        info.schedule.map(|s| s.in_zone(crate::schedule::named_zone("America/New_York").unwrap()));
    info.scheduler = Some(crate::schedule::rules::SchedulerFacts {
        group: "default".into(),
        time_zone: Some("America/New_York".into()),
        role: None,
    });
    info
}

#[test]
fn two_enabled_schedules_are_warned_of() {
    let mut info = lab();
    info.other = crate::schedule::rules::Other::Found(Box::new(moved(RuleState::Enabled)));
    let v = view(&info, "2026-11-20T12:00:00Z", false);
    let warning = v.two_enabled.as_deref().unwrap();
    assert!(
        warning.contains(
            "EventBridge rule `MondayMorning9aEST` and Scheduler schedule `default/MondayMorning9aEST`"
        ),
        "{warning}"
    );
    assert_eq!(v.notes()[0], warning);
    // One of them disabled: no warning.
    info.other = crate::schedule::rules::Other::Found(Box::new(moved(RuleState::Disabled)));
    assert_eq!(view(&info, "2026-11-20T12:00:00Z", false).two_enabled, None);
}

#[test]
fn a_disabled_rule_beside_an_enabled_schedule_shows_the_schedule() {
    let mut info = rule("cron(0 9 ? * MON *)", RuleState::Disabled);
    info.name = "MondayMorning9aEST".into();
    info.other = crate::schedule::rules::Other::Found(Box::new(moved(RuleState::Enabled)));
    let v = view(&info, "2026-11-20T12:00:00Z", false);
    assert_eq!(v.noun, "schedule");
    assert_eq!(v.zone, "America/New_York");
    assert_eq!(v.disabled_note, None, "the box still starts on schedule");
    assert_eq!(v.next.as_ref().unwrap().at, ts("2026-11-23T14:00:00Z"), "09:00 EST");
    assert!(
        v.shown_instead.as_deref().unwrap().contains("EventBridge rule `MondayMorning9aEST` is DISABLED")
    );
    // The name now means what it says.
    assert_eq!(v.name_note, None);
}

#[test]
fn an_unread_other_schedule_is_unknown_not_absent() {
    let mut info = lab();
    info.other = crate::schedule::rules::Other::Unknown("not permitted: scheduler:GetSchedule".into());
    let v = view(&info, "2026-11-20T12:00:00Z", false);
    assert!(v.other_unknown.as_deref().unwrap().contains("unknown: not permitted"));
    assert_eq!(v.two_enabled, None);
}
