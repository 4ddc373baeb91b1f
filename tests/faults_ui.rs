//! What the instance panel says while the endpoint keeps failing, drawn from the state the
//! way the app does (no terminal, no network): the retry countdown.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step should stop the test

use baseline_panel::action::{Action, Effect};
use baseline_panel::backends::Account;
use baseline_panel::cloud::CloudError;
use baseline_panel::config::Config;
use baseline_panel::state::{State, update};
use jiff::{SignedDuration, Timestamp};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn render(state: &State) -> String {
    let mut term = Terminal::new(TestBackend::new(120, 32)).unwrap();
    let look = baseline_panel::ui::Look::default();
    term.draw(|f| baseline_panel::ui::draw(f, &baseline_panel::ui::View::new(state, &look))).unwrap();
    term.backend().to_string()
}

fn t0() -> Timestamp {
    "2026-11-23T14:00:00Z".parse().unwrap()
}

fn at(secs: i64) -> Timestamp {
    t0() + SignedDuration::from_secs(secs)
}

fn unreachable() -> CloudError {
    CloudError::Unreachable { endpoint: "http://127.0.0.1:9".into(), detail: "timed out".into() }
}

/// The request number of the fetch `fx` asks for, if any.
fn fetch(fx: &[Effect]) -> Option<u64> {
    fx.iter().find_map(|e| match e {
        Effect::FetchInstances { seq } => Some(*seq),
        _ => None,
    })
}

/// An endpoint slower than the backoff: the first try fails at once, the retry is sent when
/// due and has not been answered 15 s later (the SDK waits up to 25 s).
#[test]
fn retry_countdown_never_goes_negative_while_the_retry_is_out() {
    let mut s = State::new(&Config::builtin(), &Account::of(&Config::builtin()), t0());
    let first = fetch(&update(&mut s, Action::Tick(t0()))).expect("the first tick fetches");
    update(&mut s, Action::InstancesLoaded { seq: first, result: Err(unreachable()) });
    let screen = render(&s);
    assert!(screen.contains("retrying in 2s"), "{screen}");

    let mut retry = None;
    for sec in 1..=3 {
        retry = retry.or(fetch(&update(&mut s, Action::Tick(at(sec)))));
    }
    assert!(retry.is_some(), "the retry is sent when the backoff is over");
    update(&mut s, Action::Tick(at(15)));
    let screen = render(&s);
    assert!(screen.contains("cannot reach"), "the last error stays: {screen}");
    assert!(!screen.contains("retrying in -"), "a countdown into the past:\n{screen}");
}
