use crate::backends::Account;
use jiff::SignedDuration;

use super::*;
use crate::action::Effect;
use crate::cloud::{CloudError, InstanceState};
use crate::config::Config;
use crate::fixtures::{instance, now};
use crate::state::State;

fn fresh() -> State {
    State::new(&Config::builtin(), &Account::of(&Config::builtin()), now())
}

fn loaded(state: &mut State) -> u64 {
    let fx = update(state, Action::Tick(now()));
    let Some(Effect::FetchInstances { seq }) = fx.first().cloned() else {
        panic!("expected a fetch, got {fx:?}")
    };
    seq
}

#[test]
fn first_tick_fetches_and_answer_fills_the_instance_panel() {
    let mut s = fresh();
    let seq = loaded(&mut s);
    let fx =
        update(&mut s, Action::InstancesLoaded { seq, result: Ok(vec![instance(InstanceState::Running)]) });
    assert_eq!(
        fx,
        vec![
            Effect::FollowLogs {
                instance_id: "i-0db5237193478dd8d".into(),
                since: "2026-11-23T08:59:04Z".parse().unwrap()
            },
            Effect::FetchPast {
                instance_id: "i-0db5237193478dd8d".into(),
                until: "2026-11-23T08:59:04Z".parse().unwrap()
            },
            Effect::FetchDevInfo { id: "i-0db5237193478dd8d".into(), seq: 1 },
            Effect::FetchPrices(Box::new(instance(InstanceState::Running))),
        ],
        "follows the logs, reads back the past, then reads the dev mode and the prices"
    );
    assert_eq!(s.instance().unwrap().state, InstanceState::Running);
    assert_eq!(s.instances.ok_at, Some(now()));
    assert!(s.box_active());
}

#[test]
fn a_starting_box_is_polled_fast_and_a_running_or_stopped_one_slowly() {
    let mut s = fresh();
    let seq = loaded(&mut s);
    update(&mut s, Action::InstancesLoaded { seq, result: Ok(vec![instance(InstanceState::Pending)]) });
    // The first tick with the box known reads the activity feed too (its own, slow pace).
    let fx = update(&mut s, Action::Tick(now() + SignedDuration::from_secs(4)));
    assert!(fx.iter().all(|e| matches!(e, Effect::FetchActivity { .. })), "{fx:?}");
    let fx = update(&mut s, Action::Tick(now() + SignedDuration::from_secs(5)));
    let [Effect::FetchInstances { seq }] = fx.as_slice() else { panic!("{fx:?}") };
    update(&mut s, Action::InstancesLoaded { seq: *seq, result: Ok(vec![instance(InstanceState::Running)]) });
    assert!(update(&mut s, Action::Tick(now() + SignedDuration::from_secs(30))).is_empty());
    let fx = update(&mut s, Action::Tick(now() + SignedDuration::from_secs(65)));
    let [Effect::FetchInstances { seq }] = fx.as_slice() else { panic!("{fx:?}") };
    update(&mut s, Action::InstancesLoaded { seq: *seq, result: Ok(vec![instance(InstanceState::Stopped)]) });
    assert!(update(&mut s, Action::Tick(now() + SignedDuration::from_secs(100))).is_empty());
}

#[test]
fn an_error_keeps_the_last_good_value_and_marks_it_stale() {
    let mut s = fresh();
    let seq = loaded(&mut s);
    update(&mut s, Action::InstancesLoaded { seq, result: Ok(vec![instance(InstanceState::Stopped)]) });
    let seq = match update(&mut s, Action::Refresh).as_slice() {
        [Effect::FetchInstances { seq }, Effect::FetchDevInfo { .. }, ..] => *seq,
        other => panic!("{other:?}"),
    };
    let err = CloudError::Unreachable {
        endpoint: "http://127.0.0.1:9".into(),
        detail: "connection refused".into(),
    };
    update(&mut s, Action::InstancesLoaded { seq, result: Err(err) });
    assert!(s.instances.is_stale());
    assert_eq!(s.instance().unwrap().state, InstanceState::Stopped);
    assert_eq!(s.instances.error.as_deref(), Some("cannot reach http://127.0.0.1:9: connection refused"));
    assert!(!s.should_quit, "errors never end the panel");
}

#[test]
fn stale_answers_are_dropped() {
    let mut s = fresh();
    let old = loaded(&mut s);
    update(&mut s, Action::Refresh);
    update(&mut s, Action::InstancesLoaded { seq: old, result: Ok(vec![instance(InstanceState::Running)]) });
    assert!(s.instances.value.is_none(), "the answer to a superseded request is ignored");
}

#[test]
fn help_toggles_and_escape_closes_overlay_before_notice() {
    let mut s = fresh();
    update(&mut s, Action::ToggleHelp);
    assert!(s.overlay.is_some());
    s.notice = Some(crate::state::Notice { level: crate::state::Level::Warn, text: "x".into() });
    update(&mut s, Action::Dismiss);
    assert!(s.overlay.is_none());
    assert!(s.notice.is_some());
    update(&mut s, Action::Dismiss);
    assert!(s.notice.is_none());
}

#[test]
fn escape_clears_the_search_before_the_footer_message() {
    let mut s = fresh();
    let seq = loaded(&mut s);
    update(&mut s, Action::InstancesLoaded { seq, result: Ok(vec![instance(InstanceState::Running)]) });
    let lines = vec![(1, "fitting baseline".to_string()), (2, "Error in fit".to_string())];
    update(&mut s, Action::LogLines { source: crate::state::LogSource::Run, lines, status: None });
    update(&mut s, Action::Log(crate::state::LogKey::Search));
    for c in "error".chars() {
        update(&mut s, Action::Log(crate::state::LogKey::Type(c)));
    }
    update(&mut s, Action::Log(crate::state::LogKey::Submit));
    assert_eq!(s.log_pane().view.search_query(), Some("error"));
    s.notice = Some(crate::state::Notice { level: crate::state::Level::Info, text: "saved".into() });
    update(&mut s, Action::Dismiss);
    assert_eq!(s.log_pane().view.search_query(), None, "the first Esc clears the search");
    assert!(s.notice.is_some(), "the message stays for the next Esc");
    update(&mut s, Action::Dismiss);
    assert!(s.notice.is_none());
}

#[test]
fn enter_on_no_says_cancelled_as_n_and_escape_do() {
    let mut s = fresh();
    let seq = loaded(&mut s);
    update(&mut s, Action::InstancesLoaded { seq, result: Ok(vec![instance(InstanceState::Stopped)]) });
    let ids = s.instance_ids();
    update(&mut s, Action::Prechecked { power: crate::action::Power::Start(ids), result: Ok(()) });
    assert_eq!(s.dialog.as_ref().unwrap().selected, 0, "No is highlighted");
    assert_eq!(update(&mut s, Action::DialogPick(None)), vec![], "nothing is done");
    assert!(s.dialog.is_none());
    assert_eq!(s.notice.unwrap().text, "cancelled: nothing changed");
}

#[test]
fn selection_wraps_over_several_instances() {
    let mut s = fresh();
    let seq = loaded(&mut s);
    let mut second = instance(InstanceState::Stopped);
    second.id = "i-0aaaaaaaaaaaaaaaa".into();
    update(
        &mut s,
        Action::InstancesLoaded { seq, result: Ok(vec![instance(InstanceState::Running), second]) },
    );
    update(&mut s, Action::SelectNext);
    assert_eq!(s.instance().unwrap().id, "i-0aaaaaaaaaaaaaaaa");
    update(&mut s, Action::SelectNext);
    assert_eq!(s.selected, 0);
    update(&mut s, Action::SelectPrev);
    assert_eq!(s.selected, 1);
}

#[test]
fn quit_sets_the_flag() {
    let mut s = fresh();
    update(&mut s, Action::Quit);
    assert!(s.should_quit);
}

fn on_box(name: &str, boxes: &[&str]) -> State {
    let mut cfg = Config::builtin();
    cfg.box_name = name.into();
    cfg.boxes = boxes.iter().map(std::string::ToString::to_string).collect();
    State::new(&cfg, &Account::of(&cfg), now())
}

#[test]
fn next_box_asks_for_the_following_box_and_wraps() {
    let boxes = ["baseline", "flu", "rsv"];
    for (from, to) in [("baseline", "flu"), ("flu", "rsv"), ("rsv", "baseline")] {
        let mut s = on_box(from, &boxes);
        assert!(update(&mut s, Action::NextBox).is_empty());
        assert_eq!(s.switch_to.as_deref(), Some(to), "from {from}");
        assert!(s.should_quit, "the loop ends so the panel can come back on {to}");
    }
}

#[test]
fn f_and_esc_with_nothing_to_close_go_back_to_the_fleet_view() {
    let mut s = on_box("flu", &["baseline", "flu"]);
    update(&mut s, Action::ShowFleet);
    assert!(s.to_fleet && s.should_quit);
    let mut s = on_box("flu", &["baseline", "flu"]);
    s.notice = Some(Notice { level: Level::Info, text: "saved".into() });
    update(&mut s, Action::Dismiss);
    assert!(!s.should_quit, "Esc closes the message first");
    update(&mut s, Action::Dismiss);
    assert!(s.to_fleet && s.should_quit, "then goes back to the fleet");
    let mut s = fresh();
    update(&mut s, Action::Dismiss);
    assert!(!s.should_quit, "one box: Esc never leaves the panel");
}

#[test]
fn next_box_with_one_box_only_says_so() {
    let mut s = fresh();
    update(&mut s, Action::NextBox);
    assert_eq!((s.switch_to.as_deref(), s.should_quit), (None, false));
    assert!(s.notice.unwrap().text.contains("only one box"));
}

#[test]
fn enter_shows_the_messages_whole_and_esc_closes_the_popup_first() {
    let mut s = fresh();
    update(&mut s, Action::ShowMessage);
    assert_eq!(s.overlay, None, "nothing to show: no popup");
    s.notice = Some(Notice { level: Level::Info, text: "saved to /a/long/path.log".into() });
    s.banner = Some(Notice { level: Level::Error, text: "Run failing".into() });
    update(&mut s, Action::ShowMessage);
    assert_eq!(s.overlay, Some(Overlay::Message));
    let texts: Vec<String> = s.messages().into_iter().map(|n| n.text).collect();
    assert_eq!(texts, ["Run failing", "saved to /a/long/path.log"], "the banner first, as on screen");
    update(&mut s, Action::Dismiss);
    assert_eq!(s.overlay, None);
    assert!(s.banner.is_some() && s.notice.is_some(), "closing the popup dismisses nothing");
}

#[test]
fn the_shown_logs_error_is_a_message_too() {
    let mut s = fresh();
    update(
        &mut s,
        Action::LogLines {
            source: crate::state::LogSource::Scheduler,
            lines: vec![],
            status: Some((
                "error: log group `/aws/lambda/x` does not exist".into(),
                crate::state::Health::Error,
            )),
        },
    );
    assert!(s.messages().is_empty(), "the run log is shown, and it has no error");
    update(&mut s, Action::Log(crate::state::LogKey::Source(crate::state::LogSource::Scheduler)));
    let texts: Vec<String> = s.messages().into_iter().map(|n| n.text).collect();
    assert_eq!(texts, ["Scheduler log: error: log group `/aws/lambda/x` does not exist"]);
}
