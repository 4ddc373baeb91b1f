//! `start` and `stop` against moto, with the AWS CLI as witness of the instance's state.

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

#[tokio::test]
async fn start_acts_on_every_tagged_instance_and_says_so() {
    let Some(moto) = Moto::start() else { return };
    let a = moto.launch("baseline model", SEED_USER_DATA).await;
    let b = moto.launch("baseline model", SEED_USER_DATA).await;
    moto.stop(&a).await;
    moto.stop(&b).await;
    let out = moto.run(&["start", "--yes"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("2 instances match Name=baseline model"));
    for id in [&a, &b] {
        if let Some(w) = moto.witness_instance(id, "State.Name") {
            assert!(w == "running" || w == "pending", "{id}: {w}");
        }
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
