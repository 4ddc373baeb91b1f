//! Snapshots of the Slack panel, the message dialog and the doctor overlay.

use crate::backends::Account;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Modifier;
use secrecy::SecretString;

use crate::action::Action;
use crate::chat::sender::Sender;
use crate::chat::{ChatError, DemoEntry};
use crate::cloud::InstanceState;
use crate::config::Config;
use crate::doctor::{Check, Status};
use crate::fixtures::{instance, now};
use crate::state::slack::PostKind;
use crate::state::{State, update};
use crate::ui::layout::areas;
use crate::ui::tests::{render, with_result};

/// The Slack panel alone, at the size it gets in a `w`x`h` terminal.
fn panel(state: &State, w: u16, h: u16) -> String {
    let r = areas(w, h, false).slack;
    let mut term = Terminal::new(TestBackend::new(r.width, r.height)).unwrap();
    let look = crate::ui::Look::default();
    term.draw(|f| super::draw(f, f.area(), &crate::ui::View::new(state, &look))).unwrap();
    term.backend().to_string()
}

fn slack_cfg() -> Config {
    let mut c = Config::builtin();
    c.slack.token = Some(SecretString::from("xoxb-1-2-abc"));
    c.slack.channel = Some("C01DTCAL49X".into());
    c
}

fn state(cfg: &Config) -> State {
    let mut s = State::new(cfg, &Account::of(cfg), now());
    let setup = s.slack.setup.clone();
    s.slack.attach(setup, Sender { user: "ec2-user".into(), host: "lab-laptop".into() });
    s
}

fn answered(
    s: &mut State,
    kind: PostKind,
    result: Result<String, crate::action::PostError>,
    demo: Option<Vec<DemoEntry>>,
) {
    s.slack.sending += 1;
    s.now += jiff::SignedDuration::from_secs(5);
    update(s, Action::SlackPosted { kind, result, demo_channel: demo });
}

#[test]
fn message_dialog() {
    let mut s = with_result(Ok(vec![instance(InstanceState::Stopped)]));
    s.slack = state(&slack_cfg()).slack;
    update(&mut s, Action::SlackCompose);
    for c in " (ignore)".chars() {
        update(&mut s, Action::DialogType(c));
    }
    let screen = render(&s, 100, 24);
    assert!(screen.contains(" UTC (ignore)▏"), "{screen}");
    insta::assert_snapshot!(screen);
    // The text is a highlighted field, across the dialog's width.
    let mut term = Terminal::new(TestBackend::new(100, 24)).unwrap();
    let look = crate::ui::Look::default();
    term.draw(|f| crate::ui::draw(f, &crate::ui::View::new(&s, &look))).unwrap();
    let buf = term.backend().buffer();
    let row = (0..24).find(|&y| {
        (0..100).map(|x| buf[(x, y)].symbol()).collect::<String>().contains("baseline-panel test")
    });
    let row = row.expect("the text is drawn");
    let reversed = (0..100).filter(|&x| buf[(x, row)].modifier.contains(Modifier::REVERSED)).count();
    assert_eq!(reversed, 72, "the field is 72 columns wide");
}

#[test]
fn panel_posted() {
    let mut s = state(&slack_cfg());
    answered(&mut s, PostKind::Test, Ok("1795428725.250000".into()), None);
    let screen = panel(&s, 100, 24);
    assert!(screen.contains("✓ posted at 10:12:05 UTC"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn panel_sending_with_notices_on() {
    let mut cfg = slack_cfg();
    cfg.slack.notify_actions = true;
    let mut s = state(&cfg);
    s.slack.sending = 1;
    insta::assert_snapshot!(panel(&s, 100, 24));
}

#[test]
fn panel_error() {
    let mut s = state(&slack_cfg());
    let why = ChatError::NotInChannel { channel: "C01DTCAL49X".into() };
    answered(&mut s, PostKind::Notice, Err(why.into()), None);
    let screen = panel(&s, 120, 30);
    assert!(screen.contains("✗ notice failed: The Slack app is not a member"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn panel_not_configured() {
    let s = state(&Config::builtin());
    let screen = panel(&s, 100, 24);
    assert!(screen.contains("Slack not configured: SLACK_API_TOKEN is"), "{screen}");
    insta::assert_snapshot!(screen);
}

fn demo_entries() -> Vec<DemoEntry> {
    vec![
        DemoEntry::Message {
            ts: "1795424405.000001".into(),
            text: "baseline-panel: run started by ec2-user@lab-laptop for i-0demo000000000001".into(),
        },
        DemoEntry::File {
            ts: "1795427400.000002".into(),
            file_id: "F0DEMO0001".into(),
            filename: "baseline-2026-11-23.csv".into(),
            size: 20_481,
            comment: Some("results".into()),
        },
        DemoEntry::Message { ts: "1795427900.000003".into(), text: "run finished".into() },
        DemoEntry::Message {
            ts: "1795428725.000004".into(),
            text: "baseline-panel test message from ec2-user@lab-laptop at 2026-11-23 10:12 UTC".into(),
        },
    ]
}

#[test]
fn panel_demo_channel() {
    let mut cfg = Config::builtin();
    cfg.demo = true;
    let mut s = state(&cfg);
    let small = panel(&s, 100, 24);
    assert!(small.contains("the demo channel is empty"), "{small}");
    answered(&mut s, PostKind::Test, Ok("1795428725.000004".into()), Some(demo_entries()));
    let small = panel(&s, 100, 24);
    assert!(
        small.contains("10:12:05 baseline-panel test me…"),
        "the newest message, cut in its middle: {small}"
    );
    let tall = panel(&s, 120, 34);
    insta::assert_snapshot!(format!("{small}\n{tall}"));
}

fn check(name: &'static str, status: Status, detail: &str, hint: Option<&str>, required: bool) -> Check {
    Check { id: "x", name, status, detail: detail.into(), hint: hint.map(str::to_owned), required }
}

/// The doctor's checks with every status (the overlay's snapshots use them).
pub(crate) fn checks() -> Vec<Check> {
    vec![
        check(
            "AWS identity",
            Status::Pass,
            "account 123456789012 as arn:aws:iam::123456789012:user/lab",
            None,
            true,
        ),
        check("Instance", Status::Pass, "i-0db5237193478dd8d (baseline model), stopped", None, true),
        check("Start permission", Status::Pass, "ec2:StartInstances allowed (dry run)", None, true),
        check("Stop permission", Status::Pass, "ec2:StopInstances allowed (dry run)", None, true),
        check(
            "Schedule rule",
            Status::Warn,
            "MondayMorning9aEST is DISABLED: the weekly run will not start on its own",
            Some(
                "enable it when the weekly run should resume (`aws events enable-rule --name MondayMorning9aEST`)",
            ),
            true,
        ),
        check(
            "Slack token",
            Status::Fail,
            "Slack does not accept the token",
            Some("check that SLACK_API_TOKEN holds the app's current Bot User OAuth Token (xoxb-…)"),
            true,
        ),
        check(
            "CloudTrail history",
            Status::Warn,
            "no cloudtrail:LookupEvents permission: the activity pane, the dev-mode owner and who started a run are unknown",
            Some("allow cloudtrail:LookupEvents (statement WhoDidWhat in assets/iam-policy.json)"),
            false,
        ),
        check(
            "Hourly price",
            Status::Pass,
            "$0.504/h r5.2xlarge (AWS Price List, cached) in us-east-1",
            None,
            false,
        ),
        check("Slack post", Status::Skip, "the token check failed", None, true),
        check(
            "GitHub push",
            Status::Skip,
            "GITHUB_TOKEN is not set",
            Some("set GITHUB_TOKEN to check push access to reichlabmachine/sandbox"),
            false,
        ),
        check(
            ".env file",
            Status::Warn,
            "/home/lab/.env is readable by other users (mode 0644): run chmod 600 /home/lab/.env",
            None,
            false,
        ),
    ]
}

#[test]
fn doctor_running() {
    let mut s = with_result(Ok(vec![instance(InstanceState::Stopped)]));
    update(&mut s, Action::DoctorRequested);
    let screen = render(&s, 100, 24);
    assert!(screen.contains("running checks…"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn doctor_overlay_with_every_status() {
    let mut s = with_result(Ok(vec![instance(InstanceState::Stopped)]));
    update(&mut s, Action::DoctorRequested);
    update(&mut s, Action::DoctorChecked(checks()));
    let screen = render(&s, 120, 30);
    assert!(screen.contains("required checks failed: Slack token"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn doctor_overlay_scrolls_on_a_small_terminal() {
    let mut s = with_result(Ok(vec![instance(InstanceState::Stopped)]));
    update(&mut s, Action::DoctorRequested);
    update(&mut s, Action::DoctorChecked(checks()));
    update(&mut s, Action::DoctorScroll(100));
    let screen = render(&s, 80, 20);
    assert!(screen.contains("required checks failed"), "the last page stays in view: {screen}");
    insta::assert_snapshot!(screen);
}
