//! The test-message dialog, posts and their answers, and the optional notices.

use crate::backends::Account;
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use secrecy::SecretString;

use super::*;
use crate::action::Action;
use crate::cloud::{CloudError, InstanceState};
use crate::fixtures::{instance, now};
use crate::keymap::resolve;
use crate::state::update;

const DEFAULT: &str = "baseline-panel test message from ec2-user@lab-laptop at 2026-11-23 10:12 UTC";

fn cfg(notify: bool) -> Config {
    let mut c = Config::builtin();
    c.slack.token = Some(SecretString::from("xoxb-1-2-abc"));
    c.slack.channel = Some("C01DTCAL49X".into());
    c.slack.notify_actions = notify;
    c
}

fn panel(c: &Config) -> State {
    let mut s = State::new(c, &Account::of(c), now());
    let setup = s.slack.setup.clone();
    s.slack.attach(setup, Sender { user: "ec2-user".into(), host: "lab-laptop".into() });
    s
}

/// Resolves `code` through the keymap and applies the action.
fn press(s: &mut State, code: KeyCode) -> Vec<Effect> {
    let ev = Event::Key(KeyEvent::new(code, KeyModifiers::NONE));
    match resolve(&ev, s, &crate::keymap::Keymap::default()) {
        Some(a) => update(s, a),
        None => vec![],
    }
}

fn type_text(s: &mut State, text: &str) {
    for c in text.chars() {
        press(s, KeyCode::Char(c));
    }
}

fn input(s: &State) -> &str {
    s.dialog.as_ref().and_then(|d| d.input.as_deref()).expect("an open dialog with a text")
}

#[test]
fn m_opens_the_dialog_with_the_default_text_and_send_highlighted() {
    let mut s = panel(&cfg(false));
    assert!(press(&mut s, KeyCode::Char('m')).is_empty());
    let d = s.dialog.as_ref().expect("dialog");
    assert_eq!(input(&s), DEFAULT);
    assert_eq!(d.choices[d.selected].intent, Some(Intent::PostMessage));
    assert!(d.lines[0].1.contains("C01DTCAL49X (slack)"), "{:?}", d.lines);
}

#[test]
fn typed_letters_are_text_even_y_n_and_q() {
    let mut s = panel(&cfg(false));
    press(&mut s, KeyCode::Char('m'));
    for _ in 0..DEFAULT.chars().count() {
        press(&mut s, KeyCode::Backspace);
    }
    assert_eq!(input(&s), "");
    type_text(&mut s, "yes, no? quit");
    assert_eq!(input(&s), "yes, no? quit");
    assert!(!s.should_quit);
    press(&mut s, KeyCode::Backspace);
    assert_eq!(input(&s), "yes, no? qui");
}

#[test]
fn enter_posts_exactly_the_edited_text() {
    let mut s = panel(&cfg(false));
    press(&mut s, KeyCode::Char('m'));
    type_text(&mut s, " (y)");
    let fx = press(&mut s, KeyCode::Enter);
    assert_eq!(fx, vec![Effect::PostSlack { kind: PostKind::Test, text: format!("{DEFAULT} (y)") }]);
    assert!(s.dialog.is_none());
    assert_eq!(s.slack.sending, 1);
}

#[test]
fn an_empty_text_is_refused_and_the_dialog_stays() {
    let mut s = panel(&cfg(false));
    press(&mut s, KeyCode::Char('m'));
    for _ in 0..DEFAULT.chars().count() {
        press(&mut s, KeyCode::Backspace);
    }
    type_text(&mut s, "   ");
    assert!(press(&mut s, KeyCode::Enter).is_empty());
    assert!(s.dialog.is_some(), "the text can still be written");
    let n = s.notice.as_ref().unwrap();
    assert_eq!(n.level, Level::Warn);
    assert!(n.text.starts_with("the message is empty"), "{}", n.text);
    assert_eq!(s.slack.sending, 0);
}

#[test]
fn esc_and_the_cancel_button_post_nothing() {
    let mut s = panel(&cfg(false));
    press(&mut s, KeyCode::Char('m'));
    assert!(press(&mut s, KeyCode::Esc).is_empty());
    assert!(s.dialog.is_none());
    press(&mut s, KeyCode::Char('m'));
    press(&mut s, KeyCode::Tab);
    assert!(press(&mut s, KeyCode::Enter).is_empty(), "Enter on Cancel");
    assert!(s.dialog.is_none());
    press(&mut s, KeyCode::Char('m'));
    press(&mut s, KeyCode::Left);
    press(&mut s, KeyCode::Right);
    assert!(!press(&mut s, KeyCode::Enter).is_empty(), "back on Send");
}

#[test]
fn the_answer_is_shown_in_the_panel_and_the_footer() {
    let mut s = panel(&cfg(false));
    press(&mut s, KeyCode::Char('m'));
    press(&mut s, KeyCode::Enter);
    let ts = "1795442400.250000".to_string();
    update(&mut s, Action::SlackPosted { kind: PostKind::Test, result: Ok(ts.clone()), demo_channel: None });
    assert_eq!(s.slack.sending, 0);
    assert_eq!(s.slack.last, Some(PostResult { kind: PostKind::Test, at: now(), result: Ok(ts) }));
    assert_eq!(s.notice.as_ref().unwrap().text, "test message posted to C01DTCAL49X (ts 1795442400.250000)");
}

#[test]
fn a_failure_is_shown_in_the_panel_and_the_footer() {
    let mut s = panel(&cfg(false));
    press(&mut s, KeyCode::Char('m'));
    press(&mut s, KeyCode::Enter);
    let err = ChatError::NotInChannel { channel: "C01DTCAL49X".into() };
    let why = err.to_string();
    update(&mut s, Action::SlackPosted { kind: PostKind::Test, result: Err(err.into()), demo_channel: None });
    assert_eq!(s.slack.last.as_ref().unwrap().result, Err(why.clone()));
    let n = s.notice.as_ref().unwrap();
    assert_eq!((n.level, n.text.clone()), (Level::Error, format!("Slack: {why}")));
}

#[test]
fn without_slack_m_says_why_and_opens_nothing() {
    let mut s = panel(&Config::builtin());
    assert!(press(&mut s, KeyCode::Char('m')).is_empty());
    assert!(s.dialog.is_none());
    let n = s.notice.as_ref().unwrap();
    assert_eq!(n.level, Level::Warn);
    assert!(n.text.starts_with("Slack not configured: SLACK_API_TOKEN is not set"), "{}", n.text);
}

#[test]
fn read_only_does_not_block_slack_posts() {
    let mut c = cfg(false);
    c.read_only = true;
    let mut s = panel(&c);
    press(&mut s, KeyCode::Char('m'));
    assert_eq!(press(&mut s, KeyCode::Enter).len(), 1);
}

#[test]
fn the_demo_channel_keeps_its_newest_entries() {
    let mut c = Config::builtin();
    c.demo = true;
    let mut s = panel(&c);
    assert_eq!(s.slack.setup.as_ref().unwrap().kind, super::ChatKind::Demo);
    let entries: Vec<DemoEntry> = (0..5)
        .map(|n| DemoEntry::Message { ts: format!("1795442400.00000{n}"), text: format!("m{n}") })
        .collect();
    let result = Ok("1795442400.000004".to_string());
    update(&mut s, Action::SlackPosted { kind: PostKind::Test, result, demo_channel: Some(entries.clone()) });
    assert_eq!(s.slack.demo_channel, entries[2..].to_vec());
}

/// A stopped box whose start was just accepted (or refused).
fn started(c: &Config, result: Result<(), CloudError>) -> (State, Vec<Effect>) {
    let mut s = panel(c);
    s.instances.value = Some(vec![instance(InstanceState::Stopped)]);
    let ids = s.instance_ids();
    let fx = update(
        &mut s,
        Action::Done { write: crate::action::Write::Power(crate::action::Power::Start(ids)), result },
    );
    (s, fx)
}

fn notices(fx: &[Effect]) -> Vec<&str> {
    fx.iter()
        .filter_map(|f| match f {
            Effect::PostSlack { kind: PostKind::Notice, text } => Some(text.as_str()),
            _ => None,
        })
        .collect()
}

#[test]
fn a_successful_start_posts_a_notice_when_configured() {
    let (s, fx) = started(&cfg(true), Ok(()));
    assert_eq!(notices(&fx), ["baseline-panel: run started by ec2-user@lab-laptop for i-0db5237193478dd8d"]);
    assert!(fx.iter().any(|f| matches!(f, Effect::FetchInstances { .. })), "the start goes on: {fx:?}");
    assert_eq!(s.slack.sending, 1);
}

#[test]
fn no_notice_when_off_unconfigured_or_refused_and_one_for_a_stop() {
    assert!(notices(&started(&cfg(false), Ok(())).1).is_empty(), "notify_actions off");
    let mut unset = Config::builtin();
    unset.slack.notify_actions = true;
    assert!(notices(&started(&unset, Ok(())).1).is_empty(), "Slack not configured");
    let denied = CloudError::AccessDenied { action: "ec2:StartInstances".into(), detail: String::new() };
    assert!(notices(&started(&cfg(true), Err(denied)).1).is_empty(), "start refused");
    let mut s = panel(&cfg(true));
    let fx = update(
        &mut s,
        Action::Done {
            write: crate::action::Write::Power(crate::action::Power::Stop(vec![
                "i-0db5237193478dd8d".into(),
            ])),
            result: Ok(()),
        },
    );
    assert_eq!(
        notices(&fx),
        ["baseline-panel: box stopped by ec2-user@lab-laptop for i-0db5237193478dd8d"],
        "a stop is announced like a start"
    );
}

#[test]
fn a_failed_notice_shows_only_in_the_slack_panel() {
    let (mut s, _) = started(&cfg(true), Ok(()));
    let before = s.notice.clone();
    let why = ChatError::TokenRevoked.to_string();
    update(
        &mut s,
        Action::SlackPosted {
            kind: PostKind::Notice,
            result: Err(ChatError::TokenRevoked.into()),
            demo_channel: None,
        },
    );
    assert_eq!(s.notice, before, "the footer keeps the start's message");
    assert_eq!(s.slack.last.as_ref().unwrap().result, Err(why));
    assert_eq!(s.slack.sending, 0);
}

#[test]
fn notify_is_open_to_other_actions() {
    let mut s = panel(&cfg(true));
    let text = format!("baseline-panel: the run on i-0db5237193478dd8d is failing ({})", s.slack.sender);
    assert_eq!(notify(&mut s, text.clone()), Some(Effect::PostSlack { kind: PostKind::Notice, text }));
}

#[test]
fn a_startup_warning_shows_in_the_footer() {
    let mut s = panel(&cfg(false));
    update(&mut s, Action::Warning("/home/lab/.env is readable by other users (mode 0644)".into()));
    let n = s.notice.as_ref().unwrap();
    assert_eq!(n.level, Level::Warn);
    assert!(n.text.contains("mode 0644"));
}
