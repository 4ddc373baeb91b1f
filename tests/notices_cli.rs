//! Slack notices from the command line (`slack.notify_actions = true`): `start`, `stop`,
//! `dev on` and `dev off` against moto post exactly the notice the panel posts after the same
//! action, to the local Slack fake; with the setting off, nothing; a notice that fails is a
//! warning and the command still succeeds.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step should stop the test

#[path = "support/http_stub.rs"]
mod http_stub;
#[path = "support/slack_fake.rs"]
mod slack_fake;
mod support;

use std::process::Command;

use baseline_panel::action::{Action, Effect, PostKind, Power, Write};
use baseline_panel::backends::Account;
use baseline_panel::chat::sender::{Sender, account_name, host_name};
use baseline_panel::config::Config;
use baseline_panel::devmode::Applied;
use baseline_panel::state::{State, update};
use baseline_panel::userdata::Mode;
use http_stub::{HttpStub, Recorded};
use serde_json::json;
use slack_fake::{CHANNEL, TOKEN, fake_slack, slack_error};
use support::moto::{Moto, SEED_USER_DATA};
use support::output_off_thread as run;

/// The binary on moto with Slack pointed at `slack`, `notify_actions` as given in its config file.
fn cli(moto: &Moto, slack: &HttpStub, notify: bool) -> Command {
    let config = moto.dir.path().join("home/.config/baseline-panel");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(config.join("config.toml"), format!("[slack]\nnotify_actions = {notify}\n")).unwrap();
    let mut c = moto.panel();
    c.env("SLACK_API_URL", format!("{}api/", slack.url()))
        .env("SLACK_API_TOKEN", TOKEN)
        .env("CHANNEL_ID", CHANNEL)
        .env("USER", "labuser");
    c
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The texts posted to the channel, in order.
fn posted(slack: &HttpStub) -> Vec<String> {
    slack
        .requests_to("/api/chat.postMessage")
        .iter()
        .map(|r| {
            let body = r.json();
            assert_eq!(body["channel"], CHANNEL);
            body["text"].as_str().unwrap().to_owned()
        })
        .collect()
}

/// What the panel posts after `action`, with Slack set up, notices on, and `user` on this host.
fn panel_notice(action: Action, user: &str) -> String {
    let mut cfg = Config::builtin();
    cfg.slack.token = Some(secrecy::SecretString::from(TOKEN));
    cfg.slack.channel = Some(CHANNEL.into());
    cfg.slack.notify_actions = true;
    let mut s = State::new(&cfg, &Account::of(&cfg), jiff::Timestamp::now());
    let setup = s.slack.setup.clone();
    s.slack.attach(setup, Sender { user: user.into(), host: host_name() });
    let notices: Vec<String> = update(&mut s, action)
        .into_iter()
        .filter_map(|fx| match fx {
            Effect::PostSlack { kind: PostKind::Notice, text } => Some(text),
            _ => None,
        })
        .collect();
    assert_eq!(notices.len(), 1, "the panel posts one notice: {notices:?}");
    notices[0].clone()
}

fn power(p: Power) -> Action {
    Action::Done { write: Write::Power(p), result: Ok(()) }
}

#[tokio::test]
async fn start_and_stop_post_the_panels_notice_once_each() {
    let Some(moto) = Moto::start() else { return };
    let id = moto.launch("baseline model", SEED_USER_DATA).await;
    let slack = HttpStub::start(fake_slack()).await;
    let out = run(cli(&moto, &slack, true), &["stop", "--yes"]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stop_notice = panel_notice(power(Power::Stop(vec![id.clone()])), "labuser");
    assert_eq!(posted(&slack), std::slice::from_ref(&stop_notice));
    assert_eq!(stop_notice, format!("baseline-panel: box stopped by labuser@{} for {id}", host_name()));
    assert!(
        text(&out.stderr).contains("notice posted to C01DTCAL49X (ts 1732540000.000100)"),
        "{}",
        text(&out.stderr)
    );

    let out = run(cli(&moto, &slack, true), &["start", "--yes"]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let start_notice = panel_notice(power(Power::Start(vec![id.clone()])), "labuser");
    assert_eq!(posted(&slack), [stop_notice, start_notice.clone()], "exactly one notice per action");
    assert_eq!(start_notice, format!("baseline-panel: run started by labuser@{} for {id}", host_name()));
}

#[tokio::test]
async fn dev_on_and_off_post_the_panels_notice() {
    let Some(moto) = Moto::start() else { return };
    let id = moto.launch("baseline model", SEED_USER_DATA).await;
    moto.stop(&id).await;
    let slack = HttpStub::start(fake_slack()).await;
    for (args, mode) in [(["dev", "on", "--yes"], Mode::Dev), (["dev", "off", "--yes"], Mode::Run)] {
        let out = run(cli(&moto, &slack, true), &args).await;
        assert!(out.status.success(), "{}", text(&out.stderr));
        let applied = Applied { instance_id: id.clone(), mode: Some(mode), backup: None };
        let expected = panel_notice(Action::DevApplied { id: id.clone(), result: Ok(applied) }, "labuser");
        assert_eq!(posted(&slack).last(), Some(&expected), "{args:?}");
    }
    assert_eq!(
        posted(&slack),
        [
            format!("baseline-panel: dev mode is ON for {id} (labuser@{})", host_name()),
            format!("baseline-panel: dev mode is off for {id} (labuser@{})", host_name()),
        ]
    );
}

#[tokio::test]
async fn with_notices_off_nothing_is_posted() {
    let Some(moto) = Moto::start() else { return };
    let id = moto.launch("baseline model", SEED_USER_DATA).await;
    let slack = HttpStub::start(fake_slack()).await;
    let out = run(cli(&moto, &slack, false), &["stop", "--yes"]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = run(cli(&moto, &slack, false), &["dev", "on", "--yes"]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = run(cli(&moto, &slack, false), &["start", "--yes"]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(slack.requests().is_empty(), "Slack was not called: {:?}", posted(&slack));
    assert_eq!(moto.witness_instance(&id, "State.Name").as_deref().unwrap_or("pending"), "running");
}

#[tokio::test]
async fn without_user_the_sender_is_the_systems_account_name() {
    let Some(moto) = Moto::start() else { return };
    let id = moto.launch("baseline model", SEED_USER_DATA).await;
    let slack = HttpStub::start(fake_slack()).await;
    let mut cmd = cli(&moto, &slack, true);
    cmd.env_remove("USER").env_remove("LOGNAME");
    let out = run(cmd, &["stop", "--yes"]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    // `id -un` asks the system's user database, as the program does.
    let who = Command::new("id").arg("-un").output().unwrap();
    let system = text(&who.stdout).trim().to_owned();
    assert_eq!(account_name().as_deref(), Some(system.as_str()));
    assert_eq!(posted(&slack), [format!("baseline-panel: box stopped by {system}@{} for {id}", host_name())]);
    assert!(!posted(&slack)[0].contains("unknown"));
}

#[tokio::test]
async fn a_failed_notice_is_a_warning_and_the_command_still_succeeds() {
    let Some(moto) = Moto::start() else { return };
    let id = moto.launch("baseline model", SEED_USER_DATA).await;
    let slack = HttpStub::start(|_: &Recorded| slack_error("channel_not_found")).await;
    let out = run(cli(&moto, &slack, true), &["stop", "--yes"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), format!("stop requested: {id}\n"));
    let err = text(&out.stderr);
    assert!(err.contains("warning: the Slack notice was not posted: "), "{err}");
    assert_eq!(slack.requests_to("/api/chat.postMessage").len(), 1);
    assert_eq!(
        slack.requests_to("/api/chat.postMessage")[0].json()["text"],
        json!(format!("baseline-panel: box stopped by labuser@{} for {id}", host_name()))
    );
    if let Some(state) = moto.witness_instance(&id, "State.Name") {
        assert!(state == "stopping" || state == "stopped", "{state}");
    }
}

#[tokio::test]
async fn notices_on_without_slack_set_up_warn_and_do_not_fail() {
    let Some(moto) = Moto::start() else { return };
    moto.launch("baseline model", SEED_USER_DATA).await;
    let slack = HttpStub::start(fake_slack()).await;
    let mut cmd = cli(&moto, &slack, true);
    cmd.env_remove("SLACK_API_TOKEN");
    let out = run(cmd, &["stop", "--yes"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.contains(
            "warning: no Slack notice posted (slack.notify_actions is on): SLACK_API_TOKEN is not set"
        ),
        "{err}"
    );
    assert!(slack.requests().is_empty());
}
