use jiff::{SignedDuration, Timestamp};

use super::*;
use crate::action::{Action, Effect, Power, Write};
use crate::activity::{Event, Feed, Via, What, Who};
use crate::cloud::{CloudError, InstanceState};
use crate::config::Config;
use crate::fixtures::{instance, now};
use crate::run::scenarios::{self, ID};
use crate::state::{State, update};

/// The panel with the lab's box known, nothing read from `CloudTrail` yet.
fn known() -> State {
    let cfg = Config::builtin();
    let mut s = State::new(&cfg, &crate::backends::Account::of(&cfg), now());
    let seq = s.instance_poll.issue();
    update(&mut s, Action::InstancesLoaded { seq, result: Ok(vec![instance(InstanceState::Running)]) });
    s
}

/// A dev session up now (the user data says dev mode).
pub(crate) fn dev_session() -> State {
    let sc = scenarios::all().into_iter().find(|s| s.name == "a dev session up now").unwrap();
    crate::fixtures::scenario_state(&sc)
}

fn fetches(fx: &[Effect]) -> Vec<&Effect> {
    fx.iter().filter(|e| matches!(e, Effect::FetchActivity { .. })).collect()
}

pub(crate) fn event(n: u32, at: Timestamp, what: What, who: Who, via: Via, target: &str) -> Event {
    Event { id: format!("ev-{n}"), at, what, who, via, target: target.into(), error: None, pending: false }
}

pub(crate) fn alice() -> Who {
    Who::Person("alice@lab.example".into())
}

/// `CloudTrail` answers the next read with `events`.
pub(crate) fn answer(s: &mut State, events: Vec<Event>) {
    let seq = s.activity.poll.issue();
    let feed = Feed { events, as_of: s.now, since: s.now - crate::activity::DEFAULT_SPAN };
    update(s, Action::ActivityLoaded { seq, result: Ok(feed) });
}

fn denied() -> CloudError {
    CloudError::AccessDenied { action: "cloudtrail:LookupEvents".into(), detail: String::new() }
}

#[test]
fn the_feed_is_read_once_the_box_is_known_for_its_ids_and_the_rule() {
    let cfg = Config::builtin();
    let mut s = State::new(&cfg, &crate::backends::Account::of(&cfg), now());
    assert!(fetches(&update(&mut s, Action::Tick(now()))).is_empty(), "no ids yet: nothing to ask");
    let seq = s.instance_poll.issue();
    update(&mut s, Action::InstancesLoaded { seq, result: Ok(vec![instance(InstanceState::Running)]) });
    let fx = update(&mut s, Action::Tick(now()));
    let Some(Effect::FetchActivity { names, since, .. }) = fetches(&fx).first().copied() else {
        panic!("a read is due: {fx:?}")
    };
    assert_eq!(names, &vec![ID.to_owned(), cfg.rule_name.clone()]);
    assert_eq!(*since, now() - SignedDuration::from_hours(7 * 24));
}

#[test]
fn hidden_the_feed_is_read_every_30_minutes_shown_every_5() {
    let mut s = known();
    update(&mut s, Action::Tick(now()));
    answer(&mut s, vec![]);
    for m in [5, 29] {
        let fx = update(&mut s, Action::Tick(now() + SignedDuration::from_mins(m)));
        assert!(fetches(&fx).is_empty(), "hidden, {m} min after a read: no read");
    }
    assert_eq!(fetches(&update(&mut s, Action::Tick(now() + SignedDuration::from_mins(30)))).len(), 1);

    let mut s = known();
    s.now = now();
    let fx = update(&mut s, Action::ToggleActivity);
    assert!(s.activity.shown);
    assert_eq!(fetches(&fx).len(), 1, "opening a never-read pane reads it");
    answer(&mut s, vec![]);
    assert!(fetches(&update(&mut s, Action::Tick(now() + SignedDuration::from_mins(4)))).is_empty());
    assert_eq!(fetches(&update(&mut s, Action::Tick(now() + SignedDuration::from_mins(5)))).len(), 1);
}

#[test]
fn opening_the_pane_reads_only_a_feed_older_than_5_minutes() {
    let mut s = known();
    answer(&mut s, vec![]);
    s.now += SignedDuration::from_mins(2);
    assert!(fetches(&update(&mut s, Action::ToggleActivity)).is_empty(), "2 min old: shown as is");
    update(&mut s, Action::ToggleActivity);
    assert!(!s.activity.shown);
    s.now += SignedDuration::from_mins(4);
    assert_eq!(fetches(&update(&mut s, Action::ToggleActivity)).len(), 1, "6 min old: read again");
}

#[test]
fn the_activity_and_the_history_share_the_lower_pane() {
    let mut s = known();
    update(&mut s, Action::ToggleHistory);
    update(&mut s, Action::ToggleActivity);
    assert!(s.activity.shown && !s.show_history);
    assert_eq!(s.log_shown(), None, "the logs are not on screen");
    update(&mut s, Action::ToggleHistory);
    assert!(s.show_history && !s.activity.shown);
    update(&mut s, Action::ToggleHistory);
    assert!(s.log_shown().is_some());
}

#[test]
fn without_permission_the_pane_says_so_once_and_the_feed_is_not_asked_again() {
    let mut s = known();
    update(&mut s, Action::ToggleActivity);
    let seq = s.activity.poll.issue();
    update(&mut s, Action::ActivityLoaded { seq, result: Err(denied()) });
    assert_eq!(s.activity.denied.as_deref(), Some("not permitted: cloudtrail:LookupEvents"));
    assert_eq!(s.notice, None, "no footer message");
    assert_eq!(s.banner, None, "no banner");
    for m in [1, 10, 60, 600] {
        let fx = update(&mut s, Action::Tick(now() + SignedDuration::from_mins(m)));
        assert!(fetches(&fx).is_empty(), "{m} min later: not asked again");
    }
    assert_eq!(unknown_reason(&s).as_deref(), Some("no cloudtrail:LookupEvents permission"));
    // Opening the pane anew tries once more: the policy may have been fixed.
    update(&mut s, Action::ToggleActivity);
    assert_eq!(fetches(&update(&mut s, Action::ToggleActivity)).len(), 1);
}

#[test]
fn a_failed_read_keeps_the_last_feed_and_a_stale_answer_is_dropped() {
    let mut s = known();
    let at = now() - SignedDuration::from_hours(1);
    answer(&mut s, vec![event(1, at, What::Stop, alice(), Via::Cli, ID)]);
    let old = s.activity.poll.issue();
    let new = s.activity.poll.issue();
    let err = CloudError::Other("ThrottlingException: Rate exceeded".into());
    update(&mut s, Action::ActivityLoaded { seq: new, result: Err(err) });
    assert_eq!(s.activity.events().len(), 1, "the last feed stays");
    assert!(s.activity.feed.error.as_deref().unwrap().contains("Rate exceeded"));
    update(
        &mut s,
        Action::ActivityLoaded { seq: old, result: Ok(Feed { events: vec![], as_of: now(), since: now() }) },
    );
    assert_eq!(s.activity.events().len(), 1, "a stale answer changes nothing");
}

#[test]
fn the_panels_own_start_shows_at_once_and_once_cloudtrail_has_it() {
    let mut s = known();
    answer(&mut s, vec![]);
    let start = Write::Power(Power::Start(vec![ID.into()]));
    update(&mut s, Action::Done { write: start, result: Ok(()) });
    let ev = s.activity.events();
    assert_eq!(ev.len(), 1);
    assert!(ev[0].pending && ev[0].what == What::Start && ev[0].via == Via::Panel);
    assert_eq!(ev[0].who.short(), "you");
    // CloudTrail's copy, stamped a few seconds before the panel heard back.
    let copy = event(7, now() - SignedDuration::from_secs(3), What::Start, alice(), Via::Panel, ID);
    answer(&mut s, vec![copy.clone()]);
    assert_eq!(s.activity.events(), vec![copy], "one start, CloudTrail's");
}

#[test]
fn a_refused_start_and_a_dev_switch_that_wrote_nothing_add_nothing() {
    let mut s = known();
    let start = Write::Power(Power::Start(vec![ID.into()]));
    update(&mut s, Action::Done { write: start, result: Err(denied()) });
    let applied = crate::devmode::Applied {
        instance_id: ID.into(),
        mode: Some(crate::userdata::Mode::Dev),
        backup: None,
    };
    update(&mut s, Action::DevApplied { id: ID.into(), result: Ok(applied) });
    assert!(s.activity.events().is_empty());
}

#[test]
fn dev_mode_switched_here_and_the_schedule_switch_join_the_feed() {
    let mut s = known();
    let applied = crate::devmode::Applied {
        instance_id: ID.into(),
        mode: Some(crate::userdata::Mode::Dev),
        backup: Some("/tmp/b.userdata".into()),
    };
    update(&mut s, Action::DevApplied { id: ID.into(), result: Ok(applied) });
    update(&mut s, Action::Done { write: Write::SetSchedule(false), result: Ok(()) });
    let what: Vec<(What, String)> = s.activity.events().into_iter().map(|e| (e.what, e.target)).collect();
    assert!(what.contains(&(What::DevOn, ID.into())), "{what:?}");
    assert!(what.contains(&(What::DisableRule, s.activity.rule_name.clone())), "{what:?}");
}

#[test]
fn the_dev_mode_owner_is_named_and_a_hidden_user_data_change_only_guessed() {
    let mut s = dev_session();
    assert_eq!(dev_owner(&s), None, "nothing read: no owner");
    let at = s.now - SignedDuration::from_mins(125);
    answer(&mut s, vec![event(1, at, What::DevOn, alice(), Via::Console, ID)]);
    let o = dev_owner(&s).unwrap();
    assert_eq!(owner_text(&o, s.now), "alice · 2h ago");
    answer(&mut s, vec![event(1, at, What::UserData, alice(), Via::Cli, ID)]);
    assert_eq!(owner_text(&dev_owner(&s).unwrap(), s.now), "alice? · 2h ago");
    answer(&mut s, vec![event(1, at, What::DevOff, alice(), Via::Cli, ID)]);
    assert_eq!(dev_owner(&s), None, "the feed's latest says run mode: it does not explain dev mode");
    let mut s = known();
    answer(&mut s, vec![event(1, at, What::DevOn, alice(), Via::Console, ID)]);
    assert_eq!(dev_owner(&s), None, "the user data is not in dev mode");
}

#[test]
fn ago_reads_short() {
    let m = SignedDuration::from_mins;
    assert_eq!(ago(m(0)), "just now");
    assert_eq!(ago(m(12)), "12 min ago");
    assert_eq!(ago(m(125)), "2h ago");
    assert_eq!(ago(m(60 * 50)), "2d ago");
}
