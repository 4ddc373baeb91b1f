//! Snapshots of the panel's main states over ratatui's `TestBackend`.

use crate::backends::Account;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::action::Action;
use crate::cloud::{CloudError, Instance, InstanceState};
use crate::config::Config;
use crate::fixtures::{instance, now};
use crate::state::{State, update};

/// Renders `state` at `w`x`h` with the default look and returns the screen as text.
pub fn render(state: &State, w: u16, h: u16) -> String {
    render_with(state, &super::Look::default(), w, h)
}

/// Renders `state` at `w`x`h` with `look` and returns the screen as text.
pub fn render_with(state: &State, look: &super::Look, w: u16, h: u16) -> String {
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| super::draw(f, &super::View::new(state, look))).unwrap();
    term.backend().to_string()
}

/// A state that has received `result` for its first fetch.
pub fn with_result(result: Result<Vec<Instance>, CloudError>) -> State {
    let mut s = State::new(&Config::builtin(), &Account::of(&Config::builtin()), now());
    let fx = update(&mut s, Action::Tick(now()));
    let Some(crate::action::Effect::FetchInstances { seq }) = fx.first().cloned() else { panic!() };
    for fx in update(&mut s, Action::InstancesLoaded { seq, result }) {
        if let crate::action::Effect::FetchPast { instance_id, until } = fx {
            let result = Ok(crate::logs::history::PastLog::default());
            update(&mut s, Action::PastLoaded { id: instance_id, until, result });
        }
    }
    s
}

#[test]
fn loading() {
    let s = State::new(&Config::builtin(), &Account::of(&Config::builtin()), now());
    insta::assert_snapshot!(render(&s, 100, 24));
}

#[test]
fn running() {
    let s = with_result(Ok(vec![instance(InstanceState::Running)]));
    insta::assert_snapshot!(render(&s, 100, 24));
}

#[test]
fn stopped_by_the_script() {
    let s = with_result(Ok(vec![instance(InstanceState::Stopped)]));
    insta::assert_snapshot!(render(&s, 100, 24));
}

#[test]
fn no_credentials_before_any_data() {
    let s = with_result(Err(crate::cloud::error::Credentials::error(
        crate::cloud::error::CredentialsKind::Missing,
        "no AWS credentials found; set AWS_PROFILE (or --profile), run `aws configure` or `aws sso login`, or try the panel on a simulated box with --demo",
    )));
    insta::assert_snapshot!(render(&s, 100, 24));
}

#[test]
fn stale_after_the_endpoint_died() {
    let mut s = with_result(Ok(vec![instance(InstanceState::Running)]));
    let seq = match update(&mut s, Action::Refresh).as_slice() {
        [crate::action::Effect::FetchInstances { seq }, ..] => *seq,
        _ => panic!(),
    };
    s.now += jiff::SignedDuration::from_secs(30);
    let err = CloudError::Unreachable {
        endpoint: "http://127.0.0.1:5000".into(),
        detail: "connection refused".into(),
    };
    update(&mut s, Action::InstancesLoaded { seq, result: Err(err) });
    let screen = render(&s, 120, 24);
    assert!(screen.contains("stale since 10:12:00 UTC"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn several_instances_match_the_tag() {
    let mut second = instance(InstanceState::Stopped);
    second.id = "i-0aaaaaaaaaaaaaaaa".into();
    let s = with_result(Ok(vec![instance(InstanceState::Running), second]));
    insta::assert_snapshot!(render(&s, 100, 24));
}

#[test]
fn help_overlay() {
    let mut s = with_result(Ok(vec![instance(InstanceState::Stopped)]));
    update(&mut s, Action::ToggleHelp);
    insta::assert_snapshot!(render(&s, 100, 24));
}

#[test]
fn help_fits_80_by_24_whole() {
    let mut s = with_result(Ok(vec![instance(InstanceState::Stopped)]));
    update(&mut s, Action::ToggleHelp);
    let screen = render(&s, 80, 24);
    for (_, _, what) in crate::keymap::COMMANDS {
        assert!(screen.contains(what), "{what:?} cut:\n{screen}");
    }
    for (_, what) in crate::keymap::FIXED_KEYS {
        assert!(screen.contains(what), "{what:?} cut:\n{screen}");
    }
    assert!(screen.contains("Esc or ? to close"), "{screen}");
}

#[test]
fn terminal_too_small() {
    let s = with_result(Ok(vec![instance(InstanceState::Stopped)]));
    let screen = render(&s, 40, 10);
    assert!(screen.contains("Terminal too small"));
    insta::assert_snapshot!(screen);
}

#[test]
fn read_only_demo_header() {
    let mut cfg = Config::builtin();
    cfg.read_only = true;
    cfg.demo = true;
    let s = State::new(&cfg, &Account::of(&cfg), now());
    let screen = render(&s, 100, 24);
    assert!(screen.lines().next().unwrap().contains("READ-ONLY"));
    assert!(screen.lines().next().unwrap().contains("DEMO"));
}

fn dev(s: &mut State, mode: crate::userdata::Mode) {
    let info = crate::state::DevInfo { mode, line_number: 21, line: String::new(), warnings: vec![] };
    let seq = s.dev_seq;
    update(s, Action::DevInfoLoaded { id: "i-0db5237193478dd8d".into(), seq, result: Ok(info) });
}

#[test]
fn start_dialog() {
    let mut s = with_result(Ok(vec![instance(InstanceState::Stopped)]));
    dev(&mut s, crate::userdata::Mode::Run);
    let ids = s.instance_ids();
    update(&mut s, Action::Prechecked { power: crate::action::Power::Start(ids), result: Ok(()) });
    insta::assert_snapshot!(render(&s, 100, 24));
}

#[test]
fn stop_dialog_with_a_run_in_progress_in_dev_mode_header() {
    let mut s = with_result(Ok(vec![instance(InstanceState::Running)]));
    dev(&mut s, crate::userdata::Mode::Dev);
    let ids = s.instance_ids();
    update(&mut s, Action::Prechecked { power: crate::action::Power::Stop(ids), result: Ok(()) });
    let screen = render(&s, 100, 24);
    assert!(screen.lines().next().unwrap().contains("DEV MODE"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn run_ended_banner() {
    let mut s = with_result(Ok(vec![instance(InstanceState::Running)]));
    dev(&mut s, crate::userdata::Mode::Run);
    s.now += jiff::SignedDuration::from_mins(50);
    let seq = s.instance_poll.issue();
    update(&mut s, Action::InstancesLoaded { seq, result: Ok(vec![instance(InstanceState::Stopped)]) });
    insta::assert_snapshot!(render(&s, 110, 24));
}

#[test]
fn run_log_with_a_failure_and_a_search() {
    use crate::state::{LogKey, LogSource};
    let mut s = with_result(Ok(vec![instance(InstanceState::Running)]));
    update(&mut s, crate::keymap::resize(100, 30));
    let base = instance(InstanceState::Running).launch_time.unwrap().as_millisecond() + 60_000;
    let lines: Vec<(i64, String)> = [
        "Cloning into 'covid19-forecast-hub'...",
        "Loading required package: covidHubUtils",
        "fitting baseline for location 01",
        "fitting baseline for location 02",
        "Error in quantile(x): missing values",
        "posting to Slack",
    ]
    .iter()
    .enumerate()
    .map(|(n, l)| (base + i64::try_from(n).unwrap() * 1000, l.to_string()))
    .collect();
    update(
        &mut s,
        Action::LogLines {
            source: LogSource::Run,
            lines,
            status: Some(("polling every 1 s".into(), crate::state::Health::Warning)),
        },
    );
    for c in "baseline".chars().map(LogKey::Type).chain([LogKey::Submit]).collect::<Vec<_>>() {
        if matches!(c, LogKey::Type('b')) {
            update(&mut s, Action::Log(LogKey::Search));
        }
        update(&mut s, Action::Log(c));
    }
    let screen = render(&s, 100, 30);
    assert!(screen.contains("polling every 1 s"), "{screen}");
    insta::assert_snapshot!(screen);
}

fn with_schedule(s: &mut State) {
    let seq = s.schedule_poll.issue();
    let fired =
        crate::schedule::LastFired { at: "2026-11-23T09:00:02Z".parse().unwrap(), detail: String::new() };
    let info = crate::schedule::rules::DemoRules::lab().info();
    update(s, Action::ScheduleLoaded { seq, result: Ok((info, Some(fired))) });
}

#[test]
fn dev_mode_box_running_with_ssh_and_schedule_alarm() {
    let mut s = with_result(Ok(vec![instance(InstanceState::Running)]));
    dev(&mut s, crate::userdata::Mode::Dev);
    s.now = "2026-11-29T12:00:00Z".parse().unwrap();
    with_schedule(&mut s);
    let screen = render(&s, 120, 34);
    assert!(screen.contains("ssh ec2-user@ec2-54-210-17-3.compute-1.amazonaws.com"), "{screen}");
    assert!(screen.contains("WITHOUT running the script"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn schedule_panel_enabled_with_the_name_note() {
    let mut s = with_result(Ok(vec![instance(InstanceState::Stopped)]));
    dev(&mut s, crate::userdata::Mode::Run);
    with_schedule(&mut s);
    let screen = render(&s, 120, 34);
    assert!(screen.contains("Rule name says 9 AM EST"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn dev_mode_dialog_for_a_running_box() {
    let mut s = with_result(Ok(vec![instance(InstanceState::Running)]));
    dev(&mut s, crate::userdata::Mode::Run);
    let rw = crate::userdata::set_dev_mode(
        crate::userdata::SEED_USER_DATA.as_bytes(),
        &crate::userdata::ScriptLine::default(),
        true,
    )
    .unwrap();
    let plan = crate::devmode::Plan {
        instance: instance(InstanceState::Running),
        current: crate::userdata::SEED_USER_DATA.as_bytes().to_vec(),
        proposed: rw.bytes.clone(),
        current_mode: Some(crate::userdata::Mode::Run),
        new_mode: Some(crate::userdata::Mode::Dev),
        change: crate::devmode::Change::Switch(rw),
        warnings: vec![],
    };
    update(&mut s, Action::DevPlanned(Ok(plan)));
    insta::assert_snapshot!(render(&s, 110, 34));
}

#[test]
fn header_names_the_box_among_several() {
    let mut cfg = Config::builtin();
    cfg.box_name = "flu".into();
    cfg.boxes = vec!["baseline".into(), "flu".into()];
    let s = State::new(&cfg, &Account::of(&cfg), now());
    let screen = render(&s, 120, 24);
    let header = screen.lines().next().unwrap();
    assert!(header.contains("box flu (b: 2/2)"), "{header}");
    insta::assert_snapshot!(screen);
}

#[test]
fn header_with_one_box_does_not_mention_it() {
    let s = State::new(&Config::builtin(), &Account::of(&Config::builtin()), now());
    assert!(!render(&s, 120, 24).lines().next().unwrap().contains("box "));
}

#[test]
fn remapped_keys_show_in_the_footer_and_help() {
    let mut cfg = Config::builtin();
    let keys = [("start".to_string(), "R".to_string())].into_iter().collect();
    cfg.keys = crate::config::keys::KeyBindings::with_overrides(&keys).unwrap();
    let look = super::Look { keys: cfg.keys.clone(), ..super::Look::default() };
    let mut s = State::new(&cfg, &Account::of(&cfg), now());
    let screen = render_with(&s, &look, 100, 24);
    assert!(screen.lines().last().unwrap().starts_with("\" R start"), "{screen}");
    update(&mut s, Action::ToggleHelp);
    let help = render_with(&s, &look, 110, 30);
    assert!(help.contains(&format!(" R{}start a run", " ".repeat(15))), "{help}");
}

#[test]
fn dev_mode_unknown_after_an_uncertain_write() {
    let mut s = with_result(Ok(vec![instance(InstanceState::Stopped)]));
    dev(&mut s, crate::userdata::Mode::Run);
    let why = "the write got no clear answer (no answer from http://127.0.0.1:5000: timed out), so it may still be applied";
    let fx = update(
        &mut s,
        Action::DevApplied { id: "i-0db5237193478dd8d".into(), result: Err(crate::fixtures::dev_error(why)) },
    );
    let seq = fx.iter().find_map(|e| match e {
        crate::action::Effect::FetchDevInfo { seq, .. } => Some(*seq),
        _ => None,
    });
    let result = Err(crate::fixtures::dev_error("ec2:DescribeInstanceAttribute failed: HTTP 500"));
    update(&mut s, Action::DevInfoLoaded { id: "i-0db5237193478dd8d".into(), seq: seq.unwrap(), result });
    let screen = render(&s, 120, 24);
    assert!(screen.lines().next().unwrap().contains("DEV MODE ?"), "{screen}");
    assert!(!screen.contains("Dev mode off"), "{screen}");
    insta::assert_snapshot!(screen);
}
