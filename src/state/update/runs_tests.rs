//! Starting and stopping from the panel, and the end of a watched run.

use crate::backends::Account;
use jiff::SignedDuration;

use super::*;
use crate::action::Effect;
use crate::cloud::{CloudError, InstanceState};
use crate::config::Config;
use crate::fixtures::{instance, now};
use crate::state::{DevInfo, State};
use crate::userdata::Mode;

fn with(states: &[InstanceState]) -> State {
    let mut s = State::new(&Config::builtin(), &Account::of(&Config::builtin()), now());
    let seq = match update(&mut s, Action::Tick(now())).as_slice() {
        [Effect::FetchInstances { seq }, ..] => *seq,
        other => panic!("{other:?}"),
    };
    let list = states
        .iter()
        .enumerate()
        .map(|(n, st)| {
            let mut i = instance(*st);
            if n > 0 {
                i.id = format!("i-0{n}aaaaaaaaaaaaaaa");
            }
            i
        })
        .collect();
    update(&mut s, Action::InstancesLoaded { seq, result: Ok(list) });
    s
}

fn set_dev(s: &mut State, mode: Mode) {
    let id = s.instance().unwrap().id.clone();
    let info = DevInfo { mode, line_number: 21, line: "su -c …".into(), warnings: vec![] };
    let seq = s.dev_seq;
    update(s, Action::DevInfoLoaded { id, seq, result: Ok(info) });
}

#[test]
fn start_on_a_stopped_box_prechecks_then_asks_with_no_as_default() {
    let mut s = with(&[InstanceState::Stopped]);
    set_dev(&mut s, Mode::Run);
    let fx = update(&mut s, Action::StartRequested);
    let [Effect::Precheck(crate::action::Power::Start(ids))] = fx.as_slice() else { panic!("{fx:?}") };
    assert_eq!(ids, &vec!["i-0db5237193478dd8d".to_string()]);
    assert!(s.dialog.is_none(), "no dialog before the permission is known");
    update(&mut s, Action::Prechecked { power: crate::action::Power::Start(ids.clone()), result: Ok(()) });
    let d = s.dialog.as_ref().expect("dialog opens");
    assert_eq!(d.selected, 0);
    assert_eq!(d.choices[0].intent, None, "the default choice does nothing");
    assert!(d.lines.iter().any(|(_, l)| l.contains("Dev mode is off: the box runs run-baseline.sh")));
    // Enter on the default answers No: nothing happens.
    assert!(update(&mut s, Action::DialogPick(None)).is_empty());
    assert!(s.dialog.is_none());
}

#[test]
fn yes_starts_every_tagged_instance() {
    let mut s = with(&[InstanceState::Stopped, InstanceState::Stopped]);
    update(&mut s, Action::StartRequested);
    let ids = s.instance_ids();
    update(&mut s, Action::Prechecked { power: crate::action::Power::Start(ids.clone()), result: Ok(()) });
    let d = s.dialog.as_ref().unwrap();
    assert!(d.lines[0].1.contains("2 instances match"), "{:?}", d.lines);
    let fx = update(&mut s, Action::DialogYes);
    assert_eq!(
        fx,
        vec![Effect::Execute(crate::action::Write::Power(crate::action::Power::Start(ids.clone())))]
    );
    let fx = update(
        &mut s,
        Action::Done { write: crate::action::Write::Power(crate::action::Power::Start(ids)), result: Ok(()) },
    );
    assert!(matches!(fx.as_slice(), [Effect::FetchInstances { .. }]), "looks again at once: {fx:?}");
}

#[test]
fn start_dialog_warns_when_dev_mode_is_on() {
    let mut s = with(&[InstanceState::Stopped]);
    set_dev(&mut s, Mode::Dev);
    let ids = s.instance_ids();
    update(&mut s, Action::Prechecked { power: crate::action::Power::Start(ids), result: Ok(()) });
    let d = s.dialog.as_ref().unwrap();
    assert!(d.lines.iter().any(|(l, t)| *l == Level::Warn && t.contains("WITHOUT running the script")));
    assert_eq!(d.title, "Start a dev session?", "a dev-mode boot is no run");
}

#[test]
fn the_start_dialog_title_names_what_starts() {
    let title = |mode: Option<Mode>| {
        let mut s = with(&[InstanceState::Stopped]);
        if let Some(m) = mode {
            set_dev(&mut s, m);
        }
        let ids = s.instance_ids();
        update(&mut s, Action::Prechecked { power: crate::action::Power::Start(ids), result: Ok(()) });
        s.dialog.as_ref().unwrap().title.clone()
    };
    assert_eq!(title(Some(Mode::Run)), "Start a run?");
    assert_eq!(title(Some(Mode::Dev)), "Start a dev session?");
    assert_eq!(title(None), "Start the box?", "dev mode unknown: the script may or may not run");
}

#[test]
fn starting_a_running_box_is_refused() {
    for st in [InstanceState::Running, InstanceState::Pending, InstanceState::Stopping] {
        let mut s = with(&[st]);
        assert!(update(&mut s, Action::StartRequested).is_empty());
        let n = s.notice.as_ref().unwrap();
        assert_eq!(n.level, Level::Warn);
        assert!(n.text.contains(&format!("is {st}")), "{}", n.text);
    }
}

#[test]
fn permission_refusal_is_shown_and_no_dialog_opens() {
    let mut s = with(&[InstanceState::Stopped]);
    let denied = CloudError::AccessDenied { action: "ec2:StartInstances".into(), detail: String::new() };
    let ids = s.instance_ids();
    update(&mut s, Action::Prechecked { power: crate::action::Power::Start(ids), result: Err(denied) });
    assert!(s.dialog.is_none());
    assert_eq!(s.notice.as_ref().unwrap().text, "not permitted: ec2:StartInstances");
}

#[test]
fn read_only_disables_start_and_stop() {
    let mut cfg = Config::builtin();
    cfg.read_only = true;
    let mut s = State::new(&cfg, &Account::of(&cfg), now());
    s.instances.value = Some(vec![instance(InstanceState::Running)]);
    assert!(update(&mut s, Action::StopRequested).is_empty());
    assert!(s.notice.as_ref().unwrap().text.starts_with("read-only mode"));
    s.instances.value = Some(vec![instance(InstanceState::Stopped)]);
    assert!(update(&mut s, Action::StartRequested).is_empty());
}

#[test]
fn stop_warns_about_the_run_in_progress() {
    let mut s = with(&[InstanceState::Running]);
    set_dev(&mut s, Mode::Run);
    let fx = update(&mut s, Action::StopRequested);
    let [Effect::Precheck(intent)] = fx.as_slice() else { panic!("{fx:?}") };
    update(&mut s, Action::Prechecked { power: intent.clone(), result: Ok(()) });
    let d = s.dialog.as_ref().unwrap();
    assert!(
        d.lines.iter().any(|(_, t)| t.contains("A run is in progress (started 1h11m ago)")),
        "{:?}",
        d.lines
    );
    update(&mut s, Action::DialogCancel);
    assert!(s.dialog.is_none());
    assert_eq!(s.notice.as_ref().unwrap().text, "cancelled: nothing changed");
}

#[test]
fn stopping_a_stopped_box_says_nothing_to_stop() {
    let mut s = with(&[InstanceState::Stopped]);
    assert!(update(&mut s, Action::StopRequested).is_empty());
    assert!(s.notice.as_ref().unwrap().text.starts_with("nothing to stop"));
}

#[test]
fn a_watched_run_that_ends_rings_the_bell_and_shows_the_outcome() {
    let mut s = with(&[InstanceState::Running]);
    set_dev(&mut s, Mode::Run);
    assert!(s.watch.is_some(), "an active box is watched");
    s.now += SignedDuration::from_mins(50);
    let seq = s.instance_poll.issue();
    let fx =
        update(&mut s, Action::InstancesLoaded { seq, result: Ok(vec![instance(InstanceState::Stopped)]) });
    assert!(fx.contains(&Effect::Bell), "{fx:?}");
    let b = s.banner.as_ref().expect("banner");
    assert!(b.text.starts_with("Run ended after 58m37s: succeeded"), "{}", b.text);
    assert!(s.watch.is_none());
    update(&mut s, Action::Dismiss);
    assert!(s.banner.is_none());
}

#[test]
fn a_box_already_stopped_at_start_rings_nothing() {
    let mut s = with(&[InstanceState::Stopped]);
    let seq = s.instance_poll.issue();
    let fx =
        update(&mut s, Action::InstancesLoaded { seq, result: Ok(vec![instance(InstanceState::Stopped)]) });
    assert!(!fx.contains(&Effect::Bell));
    assert!(s.banner.is_none());
}

#[test]
fn loading_instances_reads_the_dev_mode_once() {
    let mut s = State::new(&Config::builtin(), &Account::of(&Config::builtin()), now());
    let seq = match update(&mut s, Action::Tick(now())).as_slice() {
        [Effect::FetchInstances { seq }, ..] => *seq,
        _ => panic!(),
    };
    let fx =
        update(&mut s, Action::InstancesLoaded { seq, result: Ok(vec![instance(InstanceState::Stopped)]) });
    let since: jiff::Timestamp = "2026-11-23T08:59:04Z".parse().unwrap();
    assert_eq!(
        fx,
        vec![
            Effect::FollowLogs { instance_id: "i-0db5237193478dd8d".into(), since },
            Effect::FetchPast { instance_id: "i-0db5237193478dd8d".into(), until: since },
            Effect::FetchDevInfo { id: "i-0db5237193478dd8d".into(), seq: 1 },
            Effect::FetchPrices(Box::new(instance(InstanceState::Stopped))),
        ]
    );
    set_dev(&mut s, Mode::Dev);
    assert!(s.dev_mode_on());
    let seq = s.instance_poll.issue();
    let fx =
        update(&mut s, Action::InstancesLoaded { seq, result: Ok(vec![instance(InstanceState::Stopped)]) });
    assert!(fx.is_empty(), "fresh reading is kept: {fx:?}");
}

#[test]
fn run_log_lines_feed_the_outcome_and_the_pane() {
    use crate::state::LogSource;
    use std::str::FromStr;
    let mut s = with(&[InstanceState::Running]);
    let t = |m: &str| jiff::Timestamp::from_str(m).unwrap().as_millisecond();
    let lines = vec![
        (t("2026-11-23T09:01:00Z"), "cloning repos".to_string()),
        (t("2026-11-23T09:30:00Z"), "Error in fit_baseline(): no data\nExecution halted".to_string()),
    ];
    update(
        &mut s,
        Action::LogLines {
            source: LogSource::Run,
            lines,
            status: Some(("live".into(), crate::state::Health::Live)),
        },
    );
    assert_eq!(s.logs[0].buf.len(), 3, "multi-line message split into lines");
    assert_eq!(s.logs[0].status, "live");
    let run = s.timeline().last_run().unwrap();
    assert_eq!(run.outcome, crate::run::Outcome::Failing, "{run:?}");
    // Lines of other sources never judge the run.
    let mut s2 = with(&[InstanceState::Running]);
    let lines = vec![(t("2026-11-23T09:30:00Z"), "fatal error".to_string())];
    update(&mut s2, Action::LogLines { source: LogSource::Scheduler, lines, status: None });
    assert_eq!(s2.timeline().last_run().unwrap().outcome, crate::run::Outcome::InProgress);
}
