//! The panel's timeline: alerts when a run starts failing, a dev session that rings nothing,
//! the banner going with the next boot, the boot's kind kept after the user data changes, the
//! history selection and the opened run.

use crate::backends::Account;
use jiff::{SignedDuration, Timestamp};
use secrecy::SecretString;

use super::*;
use crate::action::Effect;
use crate::cloud::{Instance, InstanceState};
use crate::config::Config;
use crate::logs::history::PastLog;
use crate::run::scenarios::{boot_line, day, finished_line, instance, mon, script, stopped};
use crate::run::{Kind, Outcome, REASON_INSTANCE_SHUTDOWN, REASON_USER_SHUTDOWN};
use crate::state::{DevInfo, LogSource, State};
use crate::userdata::Mode;

fn cfg() -> Config {
    let mut c = Config::builtin();
    c.slack.token = Some(SecretString::from("xoxb-1-2-abc"));
    c.slack.channel = Some("C01DTCAL49X".into());
    c.slack.notify_actions = true;
    c
}

/// The panel at `now`, having loaded `inst` and read back an empty past.
fn panel(inst: Instance, now: Timestamp) -> State {
    let mut s = State::new(&cfg(), &Account::of(&cfg()), now);
    show(&mut s, inst);
    s
}

/// A poll answers with `inst`; a read-back it asks for answers with nothing.
fn show(s: &mut State, inst: Instance) -> Vec<Effect> {
    let seq = s.instance_poll.issue();
    let mut out = Vec::new();
    for fx in update(s, Action::InstancesLoaded { seq, result: Ok(vec![inst]) }) {
        match fx {
            Effect::FetchPast { instance_id, until } => {
                out.extend(update(
                    s,
                    Action::PastLoaded { id: instance_id, until, result: Ok(PastLog::default()) },
                ));
            }
            other => out.push(other),
        }
    }
    out
}

fn user_data(s: &mut State, mode: Mode) -> Vec<Effect> {
    let info = DevInfo { mode, line_number: 21, line: String::new(), warnings: vec![] };
    let seq = s.dev_seq;
    update(s, Action::DevInfoLoaded { id: crate::run::scenarios::ID.into(), seq, result: Ok(info) })
}

fn run_lines(s: &mut State, lines: Vec<(Timestamp, String)>) -> Vec<Effect> {
    let lines = lines.into_iter().map(|(t, m)| (t.as_millisecond(), m)).collect();
    update(s, Action::LogLines { source: LogSource::Run, lines, status: None })
}

#[test]
fn a_failure_line_while_up_rings_once_shows_the_banner_and_tells_slack() {
    let l = mon("09:00");
    let mut s = panel(instance(InstanceState::Running, l), mon("09:45"));
    user_data(&mut s, Mode::Run);
    assert!(run_lines(&mut s, script(l, &[(1, "starting")])).iter().all(|f| *f != Effect::Bell));
    let fx = run_lines(&mut s, script(l, &[(40, "Execution halted")]));
    assert!(fx.contains(&Effect::Bell), "{fx:?}");
    let posted =
        fx.iter().any(|f| matches!(f, Effect::PostSlack { text, .. } if text.contains("is failing")));
    assert!(posted, "{fx:?}");
    let b = s.banner.as_ref().unwrap();
    assert_eq!(b.text, "Run failing — x stops the box — \"Execution halted\"");
    assert_eq!(s.timeline().last_run().unwrap().outcome, Outcome::Failing);
    // Once: the next lines and ticks ring nothing more.
    assert!(!run_lines(&mut s, script(l, &[(41, "Calls: fit")])).contains(&Effect::Bell));
    assert!(!update(&mut s, Action::Tick(mon("09:46"))).contains(&Effect::Bell));
    // The stop dialog says the same.
    let ids = s.instance_ids();
    update(&mut s, Action::Prechecked { power: crate::action::Power::Stop(ids), result: Ok(()) });
    let d = s.dialog.as_ref().unwrap();
    assert!(
        d.lines.iter().any(|(_, t)| t.starts_with("The run is failing (failure marker 40m30s")),
        "{:?}",
        d.lines
    );
}

#[test]
fn a_dev_session_ending_rings_nothing_and_keeps_the_failed_run_last() {
    // Monday's run failed; on Tuesday a dev session boots, is watched, and is stopped.
    let monday = mon("09:00") + SignedDuration::from_secs(20);
    let l = day(1, "14:00");
    let mut s = panel(instance(InstanceState::Running, l), l + SignedDuration::from_mins(5));
    let mut past = vec![boot_line(monday)];
    past.extend(script(monday, &[(1, "starting"), (39, "Execution halted")]));
    let rules = s.rules.clone();
    let facts = past.iter().map(|(t, m)| crate::run::classify(*t, m, &rules)).collect();
    let until = s.runs.live_from.unwrap();
    s.runs.past_read = false;
    update(
        &mut s,
        Action::PastLoaded {
            id: crate::run::scenarios::ID.into(),
            until,
            result: Ok(PastLog { facts, ..PastLog::default() }),
        },
    );
    user_data(&mut s, Mode::Dev);
    run_lines(
        &mut s,
        vec![boot_line(l + SignedDuration::from_secs(20)), finished_line(l + SignedDuration::from_secs(20))],
    );
    assert_eq!(s.timeline().current().unwrap().kind, Kind::DevSession);
    assert_eq!(s.timeline().last_run().unwrap().outcome, Outcome::Failed);
    // Stopped, then dev mode off again: the boot stays a dev session.
    s.now = l + SignedDuration::from_mins(30);
    let fx = show(&mut s, stopped(l, l + SignedDuration::from_mins(29), REASON_USER_SHUTDOWN));
    user_data(&mut s, Mode::Run);
    assert!(!fx.contains(&Effect::Bell), "{fx:?}");
    assert!(s.banner.is_none());
    let cur = s.timeline().current().unwrap();
    assert_eq!((cur.kind, cur.outcome), (Kind::DevSession, Outcome::StoppedByHand));
    assert_eq!(s.timeline().last_run().unwrap().outcome, Outcome::Failed);
}

#[test]
fn the_banner_goes_when_the_next_boot_starts() {
    let l = mon("09:00");
    let mut s = panel(instance(InstanceState::Running, l), mon("10:00"));
    user_data(&mut s, Mode::Run);
    s.now = mon("10:40");
    let fx = show(&mut s, stopped(l, mon("10:38"), REASON_INSTANCE_SHUTDOWN));
    assert!(fx.contains(&Effect::Bell));
    assert!(
        s.banner.as_ref().unwrap().text.starts_with("Run ended after 1h38m: succeeded"),
        "{:?}",
        s.banner
    );
    s.now = mon("11:00");
    show(&mut s, instance(InstanceState::Pending, mon("11:00")));
    assert!(s.banner.is_none(), "a new boot started");
}

#[test]
fn history_selection_opens_and_saves_the_selected_run() {
    let l = mon("09:00");
    let mut s = panel(instance(InstanceState::Running, l), mon("09:30"));
    user_data(&mut s, Mode::Run);
    let week = day(-7, "09:00");
    let mut past = vec![boot_line(week)];
    past.extend(script(week, &[(1, "starting"), (90, "done")]));
    let rules = s.rules.clone();
    let facts = past.iter().map(|(t, m)| crate::run::classify(*t, m, &rules)).collect();
    s.runs.past_read = false;
    let until = s.runs.live_from.unwrap();
    update(
        &mut s,
        Action::PastLoaded {
            id: crate::run::scenarios::ID.into(),
            until,
            result: Ok(PastLog { facts, ..PastLog::default() }),
        },
    );
    assert_eq!(s.timeline().entries.len(), 2);
    update(&mut s, Action::ToggleHistory);
    update(&mut s, Action::HistoryStep(1));
    update(&mut s, Action::HistoryStep(5));
    assert_eq!(s.runs.selected, 1, "clamped to the oldest");
    let fx = update(&mut s, Action::ExportRequested);
    assert!(
        matches!(fx.as_slice(), [Effect::ExportRunLog { window: Some((from, Some(to))), .. }] if *from == week && *to == l),
        "{fx:?}"
    );
    let fx = update(&mut s, Action::HistoryOpen);
    assert_eq!(
        fx,
        vec![Effect::FetchRunLog {
            instance_id: crate::run::scenarios::ID.into(),
            from: week,
            to: Some(l - SignedDuration::from_millis(1))
        }]
    );
    assert!(!s.show_history && s.log_source == LogSource::Run);
    update(
        &mut s,
        Action::RunLogLoaded { from: week, result: Ok(vec![(week.as_millisecond(), "starting".into())]) },
    );
    // Followed lines feed the timeline, not the opened pane.
    run_lines(&mut s, script(l, &[(20, "fitting (3/58)")]));
    assert_eq!(s.logs[0].buf.len(), 1);
    assert_eq!(s.timeline().current().unwrap().progress.map(|p| p.done), Some(3));
    // Esc (after the "saving…" message) goes back to the followed lines, read again.
    update(&mut s, Action::Dismiss);
    let fx = update(&mut s, Action::Dismiss);
    assert!(fx.iter().any(|f| matches!(f, Effect::FollowLogs { .. })), "{fx:?}");
    assert!(s.runs.opened.is_none());
}

/// A poll answers with `inst`; a read-back it asks for answers with `past`.
fn show_with_past(s: &mut State, inst: Instance, past: &[(Timestamp, String)]) {
    let seq = s.instance_poll.issue();
    for fx in update(s, Action::InstancesLoaded { seq, result: Ok(vec![inst]) }) {
        if let Effect::FetchPast { instance_id, until } = fx {
            let rules = s.rules.clone();
            let facts = past.iter().map(|(t, m)| crate::run::classify(*t, m, &rules)).collect();
            let result = Ok(PastLog { facts, ..PastLog::default() });
            update(s, Action::PastLoaded { id: instance_id, until, result });
        }
    }
}

#[test]
fn the_history_selection_stays_on_its_run_when_a_new_boot_arrives() {
    let l = mon("09:00");
    let week = day(-7, "09:00");
    let mut past = vec![boot_line(week)];
    past.extend(script(week, &[(1, "starting"), (30, "Execution halted")]));
    let mut s = State::new(&cfg(), &crate::backends::Account::of(&cfg()), mon("12:00"));
    show_with_past(&mut s, stopped(l, mon("10:32"), REASON_INSTANCE_SHUTDOWN), &past);
    let mut monday = vec![boot_line(l)];
    monday.extend(script(l, &[(1, "starting"), (90, "done")]));
    run_lines(&mut s, monday);
    assert_eq!(s.timeline().entries.len(), 2);
    update(&mut s, Action::ToggleHistory);
    update(&mut s, Action::HistoryStep(1));
    assert_eq!(s.runs.selected_entry().unwrap().outcome, Outcome::Failed);
    // The box boots again (a dev session): a row comes in at the top; the failed run stays
    // the one selected, so Enter and e still act on it.
    s.now = mon("14:00");
    show_with_past(&mut s, instance(InstanceState::Running, mon("14:00")), &past);
    run_lines(&mut s, vec![boot_line(mon("14:00")), finished_line(mon("14:00"))]);
    assert_eq!(s.timeline().entries.len(), 3);
    assert_eq!(s.runs.selected, 2);
    assert_eq!(s.runs.selected_entry().unwrap().started, week);
    // The newest row, when it was the one selected, stays the newest row.
    update(&mut s, Action::HistoryStep(-5));
    s.now = mon("16:00");
    show_with_past(&mut s, stopped(mon("14:00"), mon("15:00"), REASON_USER_SHUTDOWN), &past);
    show_with_past(&mut s, instance(InstanceState::Running, mon("16:00")), &past);
    assert_eq!(s.timeline().entries.len(), 4);
    assert_eq!(s.runs.selected, 0);
}
