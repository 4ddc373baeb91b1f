//! The whole screen in each state that matters, at 80×24, 120×40 and 200×60; the overlays at
//! two sizes; and the property that no panel's title is ever cut.

use proptest::prelude::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::action::{Action, Health, Power};
use crate::cloud::{CloudError, InstanceState};
use crate::config::Config;
use crate::fixtures::{instance, now, scenario_state};
use crate::run::scenarios::{self, Scenario};
use crate::state::{LogSource, State, update};
use crate::ui::tests::with_result;
use crate::ui::{Look, View, layout};

/// The sizes every state is drawn at.
const SIZES: [(u16, u16); 3] = [(80, 24), (120, 40), (200, 60)];

/// The demo's failing line: the banner and the evidence quote it.
const NAN_LINE: &str =
    "Error in quantile(x, probs): missing values and NaN's not allowed if 'na.rm' is FALSE";

/// Where the dev-mode switch saved the previous user data (the end is what tells backups apart).
const BACKUP: &str =
    "/home/ana/.local/state/baseline-panel/backups/i-0db5237193478dd8d-2026-11-23T101200Z.userdata";

/// The panel after a scenario of the run table, with the lab's schedule read.
fn scenario(name: &str) -> State {
    let s = scenarios::all().into_iter().find(|s| s.name == name).unwrap();
    from_scenario(&s)
}

fn from_scenario(s: &Scenario) -> State {
    let mut st = scenario_state(s);
    schedule(&mut st);
    st
}

/// The lab's schedule rule, fired last Monday 09:00.
fn schedule(s: &mut State) {
    let seq = s.schedule_poll.issue();
    let fired =
        crate::schedule::LastFired { at: "2026-11-23T09:00:02Z".parse().unwrap(), detail: String::new() };
    let info = crate::schedule::rules::DemoRules::lab().info();
    update(s, Action::ScheduleLoaded { seq, result: Ok((info, Some(fired))) });
}

/// Stopped by the script after a good run; the user data's backup path in the footer.
fn stopped() -> State {
    let mut s = scenario("scheduled success");
    let applied = crate::devmode::Applied {
        instance_id: scenarios::ID.into(),
        mode: Some(crate::userdata::Mode::Run),
        backup: Some(BACKUP.into()),
    };
    update(&mut s, Action::DevApplied { id: scenarios::ID.into(), result: Ok(applied) });
    s
}

/// A run going, with progress and an ETA.
fn running() -> State {
    scenario("the current run with progress lines")
}

/// A dev session up now: dev mode, the SSH command.
fn dev_mode() -> State {
    scenario("a dev session up now")
}

/// A run failing while the box is up, on the demo's long R error: the banner quotes it.
fn failing() -> State {
    let mut s = scenarios::all().into_iter().find(|s| s.name == "failure while the box stays up").unwrap();
    for (_, line) in &mut s.log {
        if line.starts_with("Error in quantile") {
            *line = NAN_LINE.into();
        }
    }
    from_scenario(&s)
}

/// Running, then the endpoint stopped answering: the last answer stays, marked stale.
fn stale() -> State {
    let mut cfg = Config::builtin();
    cfg.endpoint_url = Some("http://127.0.0.1:5000".into());
    let mut s = State::new(&cfg, &crate::backends::Account::of(&cfg), now());
    let seq = s.instance_poll.issue();
    update(&mut s, Action::InstancesLoaded { seq, result: Ok(vec![instance(InstanceState::Running)]) });
    schedule(&mut s);
    s.now += jiff::SignedDuration::from_secs(30);
    let seq = s.instance_poll.issue();
    let err = CloudError::Unreachable {
        endpoint: "http://127.0.0.1:5000".into(),
        detail: "connection refused".into(),
    };
    update(&mut s, Action::InstancesLoaded { seq, result: Err(err) });
    s
}

/// No credentials: nothing known yet.
fn no_credentials() -> State {
    with_result(Err(crate::cloud::error::Credentials::error(
        crate::cloud::error::CredentialsKind::Missing,
        "no AWS credentials found; set AWS_PROFILE (or --profile), run `aws configure`, or `aws sso login`",
    )))
}

/// Read-only, running, showing the scheduler log whose group does not exist.
fn read_only() -> State {
    let mut s = running();
    s.context.read_only = true;
    let group = crate::logs::scheduler_group("start-baseline-instance");
    let why = crate::logs::missing_group_message(
        LogSource::Scheduler,
        &group,
        &crate::logs::default_group_key(LogSource::Scheduler),
    );
    update(&mut s, Action::Log(crate::state::LogKey::Source(LogSource::Scheduler)));
    update(
        &mut s,
        Action::LogLines {
            source: LogSource::Scheduler,
            lines: vec![],
            status: Some((format!("error: {why}"), Health::Error)),
        },
    );
    s
}

/// A dev session on a box whose Name tag is thousands of characters long.
fn long_name() -> State {
    let mut s = dev_mode();
    if let Some(v) = s.instances.value.as_mut() {
        v[0].name = Some(format!("baseline model {} end-of-name", "x".repeat(5000)));
    }
    s
}

/// The Activity pane over a dev session: `CloudTrail`'s week, a refused stop, and the panel's
/// own schedule switch not in `CloudTrail` yet.
fn activity() -> State {
    use crate::activity::{Via, What, Who};
    use crate::state::activity::tests::{alice, answer, event};
    let mut s = dev_owner();
    let at = |m: i64| s.now - jiff::SignedDuration::from_mins(m);
    let bob = || Who::Person("bob@lab.example".into());
    let lambda = Who::Schedule { function: "start-baseline-instance".into() };
    let mut refused =
        event(4, at(60 * 28), What::Stop, Who::User("intern".into()), Via::Console, scenarios::ID);
    refused.error = Some("Client.UnauthorizedOperation".into());
    let events = vec![
        event(1, at(125), What::DevOn, alice(), Via::Panel, scenarios::ID),
        event(2, at(60 * 26), What::Stop, bob(), Via::Cli, scenarios::ID),
        event(3, at(60 * 27), What::Start, lambda, Via::Sdk("Boto3".into()), scenarios::ID),
        refused,
        event(5, at(60 * 30), What::DisableRule, bob(), Via::Cli, "MondayMorning9aEST"),
    ];
    answer(&mut s, events);
    update(&mut s, Action::ToggleActivity);
    let write = crate::action::Write::SetSchedule(true);
    update(&mut s, Action::Done { write, result: Ok(()) });
    s.notice = None;
    s
}

/// The Activity pane without `cloudtrail:LookupEvents`.
fn activity_denied() -> State {
    let mut s = running();
    update(&mut s, Action::ToggleActivity);
    let seq = s.activity.poll.issue();
    let err = CloudError::AccessDenied { action: "cloudtrail:LookupEvents".into(), detail: String::new() };
    update(&mut s, Action::ActivityLoaded { seq, result: Err(err) });
    s
}

/// A dev session whose owner `CloudTrail` names: the header's badge and the schedule's alarm.
fn dev_owner() -> State {
    use crate::activity::{Via, What};
    use crate::state::activity::tests::{alice, answer, event};
    let mut s = dev_mode();
    // An alarm window wide enough to reach next Monday's fire: the schedule's alarm shows.
    s.dev_config.alarm_window = jiff::SignedDuration::from_hours(8 * 24);
    let at = s.now - jiff::SignedDuration::from_mins(125);
    answer(&mut s, vec![event(1, at, What::DevOn, alice(), Via::Panel, scenarios::ID)]);
    s
}

/// Every state, by name.
fn states() -> Vec<(&'static str, State)> {
    vec![
        ("stopped", stopped()),
        ("running", running()),
        ("dev_mode", dev_mode()),
        ("failing", failing()),
        ("stale", stale()),
        ("no_credentials", no_credentials()),
        ("read_only", read_only()),
        ("long_name", long_name()),
        ("dev_owner", dev_owner()),
        ("activity", activity()),
        ("activity_denied", activity_denied()),
    ]
}

/// `state` resized to `w`x`h` and drawn: the buffer.
fn draw(state: &State, w: u16, h: u16) -> Buffer {
    let mut s = state.clone();
    update(&mut s, crate::keymap::resize(w, h));
    let look = Look::default();
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| super::draw(f, &View::new(&s, &look))).unwrap();
    term.backend().buffer().clone()
}

fn text(buf: &Buffer) -> String {
    let a = buf.area;
    (a.y..a.y + a.height)
        .map(|y| (a.x..a.x + a.width).map(|x| buf[(x, y)].symbol()).collect::<String>().trim_end().to_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The screen at every size, one after the other.
fn at_every_size(state: &State, sizes: &[(u16, u16)]) -> String {
    sizes
        .iter()
        .map(|&(w, h)| format!("── {w}×{h} ──\n{}", text(&draw(state, w, h))))
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// The text of row `y` from column `x`, `n` columns long (a wide character counts its columns).
fn row_text(buf: &Buffer, x: u16, y: u16, n: usize) -> String {
    let mut out = String::new();
    let mut cols = 0;
    let mut x = x;
    while cols < n && x < buf.area.width {
        let sym = buf[(x, y)].symbol();
        cols += super::fit::width(sym).max(1);
        out.push_str(sym);
        x += 1;
    }
    out
}

/// The panels' titles: each must start its block's top border, whole.
fn panel_titles(state: &State, w: u16, h: u16) -> Vec<(Rect, String)> {
    let a = layout::areas(w, h, state.banner.is_some());
    let lower = if state.activity.shown {
        "Activity".to_owned()
    } else if state.show_history {
        "Run history".to_owned()
    } else {
        state.log_source.title().to_owned()
    };
    vec![
        (a.instance, " Instance ".into()),
        (a.run, " Last run ".into()),
        (a.schedule, " Schedule ".into()),
        (a.slack, " Slack ".into()),
        (a.lower, format!(" {lower} ")),
    ]
}

/// The open overlay's title after its top-left corner (the panels under it may be hidden).
fn overlay_title(state: &State) -> Option<String> {
    use crate::state::Overlay;
    if let Some(d) = &state.dialog {
        return Some(format!("╔ {} ", d.title));
    }
    let title = match state.overlay? {
        Overlay::Help => "Keys",
        Overlay::Doctor => "Doctor",
        Overlay::Message => "Message",
    };
    Some(format!("╭ {title} "))
}

/// Every title is whole at `w`x`h`: the open overlay's, else every panel's.
fn titles_whole(state: &State, w: u16, h: u16) -> Result<(), String> {
    let buf = draw(state, w, h);
    if let Some(title) = overlay_title(state) {
        let screen = text(&buf);
        return if screen.contains(&title) {
            Ok(())
        } else {
            Err(format!("{title:?} cut at {w}x{h}:\n{screen}"))
        };
    }
    for (r, title) in panel_titles(state, w, h) {
        let n = super::fit::width(&title);
        let got = row_text(&buf, r.x + 1, r.y, n);
        if got != title {
            return Err(format!("{title:?} cut to {got:?} at {w}x{h}:\n{}", text(&buf)));
        }
    }
    Ok(())
}

#[test]
fn every_state_at_every_size() {
    for (name, s) in states() {
        insta::assert_snapshot!(name, at_every_size(&s, &SIZES));
    }
}

#[test]
fn no_panel_title_is_cut_in_any_state_at_the_three_sizes() {
    for (name, s) in states() {
        for (w, h) in SIZES {
            titles_whole(&s, w, h).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
    }
}

#[test]
fn no_panel_title_is_cut_at_any_size() {
    let states: Vec<_> = states().into_iter().chain(overlays()).collect();
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(64));
    let sizes = (60u16..=220, 18u16..=70, 0..states.len());
    runner
        .run(&sizes, |(w, h, which)| {
            let (name, s) = &states[which];
            titles_whole(s, w, h).map_err(|e| TestCaseError::fail(format!("{name}: {e}")))
        })
        .unwrap();
}

#[test]
fn what_matters_shows_at_80_by_24() {
    let screen = text(&draw(&dev_mode(), 80, 24));
    assert!(screen.contains("Dev mode ON"), "{screen}");
    assert!(screen.contains("SSH"), "{screen}");
    assert!(screen.contains("State    ● running"), "{screen}");
    let screen = text(&draw(&long_name(), 80, 24));
    assert!(screen.contains("State    ● running") && screen.contains("Dev mode ON"), "{screen}");
    assert!(screen.contains("…"), "the Name tag is cut: {screen}");
}

#[test]
fn messages_keep_their_first_words_and_their_end() {
    for (w, h) in SIZES {
        let screen = text(&draw(&stopped(), w, h));
        let footer = screen.lines().last().unwrap();
        assert!(footer.starts_with(" dev mode is off for i-0db5237193478dd8d"), "{footer}");
        assert!(footer.contains("T101200Z.userdata"), "the backup's name: {footer}");

        let screen = text(&draw(&failing(), w, h));
        let banner = screen.lines().nth(1).unwrap();
        assert!(banner.starts_with(" Run failing — x stops the box — \"Error in"), "{banner}");
        assert!(banner.contains("is FALSE\""), "{banner}");

        let screen = text(&draw(&stale(), w, h));
        assert!(screen.lines().next().unwrap().contains("http://127.0.0.1:5000"), "{screen}");

        let screen = text(&draw(&read_only(), w, h));
        assert!(screen.contains("┌ Scheduler log "), "{screen}");
        assert!(screen.contains("─ error: log group `/aws/lambda/start-base"), "{screen}");
    }
}

/// Switching the running box to dev mode: the plan the dialog shows.
fn dev_plan() -> crate::devmode::Plan {
    use crate::userdata::{Mode, SEED_USER_DATA, ScriptLine, set_dev_mode};
    let rw = set_dev_mode(SEED_USER_DATA.as_bytes(), &ScriptLine::default(), true).unwrap();
    crate::devmode::Plan {
        instance: scenarios::instance(InstanceState::Running, scenarios::mon("09:00")),
        current: SEED_USER_DATA.as_bytes().to_vec(),
        proposed: rw.bytes.clone(),
        current_mode: Some(Mode::Run),
        new_mode: Some(Mode::Dev),
        change: crate::devmode::Change::Switch(rw),
        warnings: vec![],
    }
}

/// Every overlay (and the history pane), by name, over the state it opens in.
fn overlays() -> Vec<(&'static str, State)> {
    let open = |mut s: State, actions: Vec<Action>| {
        for a in actions {
            update(&mut s, a);
        }
        s
    };
    let start = |s: &State| Action::Prechecked { power: Power::Start(s.instance_ids()), result: Ok(()) };
    let stop = |s: &State| Action::Prechecked { power: Power::Stop(s.instance_ids()), result: Ok(()) };
    let doctor = vec![Action::DoctorRequested, Action::DoctorChecked(super::slack::tests::checks())];
    vec![
        ("help", open(stopped(), vec![Action::ToggleHelp])),
        ("message", open(stopped(), vec![Action::ShowMessage])),
        ("message_with_the_banner", open(failing(), vec![Action::ShowMessage])),
        ("doctor", open(stopped(), doctor)),
        ("start_dialog", open(stopped(), vec![start(&stopped())])),
        ("stop_dialog", open(failing(), vec![stop(&failing())])),
        ("dev_dialog", open(running(), vec![Action::DevPlanned(Ok(dev_plan()))])),
        ("history", open(scenario("failure then a quick manual rerun"), vec![Action::ToggleHistory])),
    ]
}

#[test]
fn overlays_at_two_sizes() {
    for (name, s) in overlays() {
        insta::assert_snapshot!(name, at_every_size(&s, &SIZES[..2]));
    }
}

#[test]
fn no_overlay_title_is_cut() {
    for (name, s) in overlays() {
        assert!(s.show_history || overlay_title(&s).is_some(), "{name} opens nothing");
        for (w, h) in SIZES {
            titles_whole(&s, w, h).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
    }
}
