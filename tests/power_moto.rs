//! `start` and `stop` against moto, with the AWS CLI as witness of the instance's state.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step should stop the test

mod support;

use support::moto::{Moto, SEED_USER_DATA};

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[tokio::test]
async fn start_refuses_a_running_box_and_changes_nothing() {
    let Some(moto) = Moto::start() else { return };
    let id = moto.launch("baseline model", SEED_USER_DATA).await;
    let out = moto.run(&["start", "--yes"]);
    assert_eq!(out.status.code(), Some(7), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains(&format!("{id} is running: start it only when it is stopped")));
    assert_eq!(moto.witness_instance(&id, "State.Name").as_deref().unwrap_or("running"), "running");
}

#[tokio::test]
async fn stop_without_a_terminal_or_yes_is_refused() {
    let Some(moto) = Moto::start() else { return };
    let id = moto.launch("baseline model", SEED_USER_DATA).await;
    let out = moto.run(&["stop"]);
    assert_eq!(out.status.code(), Some(7));
    let err = text(&out.stderr);
    assert!(err.contains(&format!("warning: {id}: A run is in progress (started ")), "{err}");
    assert!(err.contains("pass --yes"), "{err}");
    assert_eq!(moto.witness_instance(&id, "State.Name").as_deref().unwrap_or("running"), "running");
}

#[tokio::test]
async fn stop_then_start_with_wait() {
    let Some(moto) = Moto::start() else { return };
    let id = moto.launch("baseline model", SEED_USER_DATA).await;
    let out = moto.run(&["stop", "--yes", "--wait"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains(&format!("stopped: {id}")));
    if let Some(w) = moto.witness_instance(&id, "State.Name") {
        assert_eq!(w, "stopped");
    }

    let out = moto.run(&["start", "--yes", "--wait"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(err.contains("Dev mode is off: the box runs run-baseline.sh"), "{err}");
    assert!(text(&out.stdout).contains(&format!("{id} running: ec2-")), "{}", text(&out.stdout));
    if let Some(w) = moto.witness_instance(&id, "State.Name") {
        assert_eq!(w, "running");
    }
}

/// The AWS CLI's reading of an instance's state, or `fallback` when the CLI is not installed.
fn state(moto: &Moto, id: &str, fallback: &str) -> String {
    moto.witness_instance(id, "State.Name").unwrap_or_else(|| fallback.to_owned())
}

#[tokio::test]
async fn start_of_several_tagged_instances_needs_all() {
    let Some(moto) = Moto::start() else { return };
    let a = moto.launch("baseline model", SEED_USER_DATA).await;
    let b = moto.launch("baseline model", SEED_USER_DATA).await;
    moto.stop(&a).await;
    moto.stop(&b).await;

    let out = moto.run(&["start", "--yes"]);
    assert_eq!(out.status.code(), Some(7), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(err.contains("2 instances match Name=baseline model and would start:"), "{err}");
    for id in [&a, &b] {
        assert!(err.contains(&format!("  {id} (baseline model) — stopped")), "{err}");
        assert_eq!(state(&moto, id, "stopped"), "stopped", "{id} was not started");
    }
    assert!(err.contains("pick one with --instance-id ID, or pass --all"), "{err}");
    assert!(err.contains("nothing was started"), "{err}");

    let out = moto.run(&["start", "--yes", "--all"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("2 instances match Name=baseline model: all of them start"));
    for id in [&a, &b] {
        let w = state(&moto, id, "running");
        assert!(w == "running" || w == "pending", "{id}: {w}");
    }
}

#[tokio::test]
async fn stop_of_several_running_instances_needs_all_or_one_id() {
    let Some(moto) = Moto::start() else { return };
    let a = moto.launch("baseline model", SEED_USER_DATA).await;
    let b = moto.launch("baseline model", SEED_USER_DATA).await;

    let out = moto.run(&["stop", "--yes"]);
    assert_eq!(out.status.code(), Some(7), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(err.contains("2 instances match Name=baseline model and would stop:"), "{err}");
    for id in [&a, &b] {
        assert!(err.contains(&format!("  {id} (baseline model) — running")), "{err}");
        assert_eq!(state(&moto, id, "running"), "running", "{id} was not stopped");
    }
    assert!(
        err.ends_with(
            "baseline-panel: not going to stop 2 instances without --all: pick one with --instance-id \
             ID, or pass --all to stop every one listed; nothing was stopped\n"
        ),
        "{err}"
    );

    // One picked by id: only that one stops.
    let out = moto.run(&["--instance-id", &a, "stop", "--yes"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(["stopped", "stopping"].contains(&state(&moto, &a, "stopped").as_str()));
    assert_eq!(state(&moto, &b, "running"), "running");

    // Both running again, then --all stops both.
    moto.ec2().await.start_instances().instance_ids(&a).send().await.unwrap();
    let out = moto.run(&["stop", "--yes", "--all"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    assert!(said.starts_with("stop requested: ") && said.contains(&a) && said.contains(&b), "{said}");
    for id in [&a, &b] {
        let w = state(&moto, id, "stopped");
        assert!(w == "stopped" || w == "stopping", "{id}: {w}");
    }
}

#[tokio::test]
async fn read_only_refuses_every_write() {
    let Some(moto) = Moto::start() else { return };
    let id = moto.launch("baseline model", SEED_USER_DATA).await;
    let out = moto.run(&["--read-only", "stop", "--yes"]);
    assert_eq!(out.status.code(), Some(7));
    assert!(text(&out.stderr).contains("read-only mode: stopping is disabled"));
    assert_eq!(moto.witness_instance(&id, "State.Name").as_deref().unwrap_or("running"), "running");
}
