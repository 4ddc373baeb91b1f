//! The user-data write path and error classification through a fault-injecting proxy in front
//! of moto, driven through the binary, with the AWS CLI (straight to moto) as the witness of
//! what the instance really holds.
//!
//! What each fault proves: a write without a clear answer is never "nothing was written"
//! (exit 8, "may still be applied"), a real refusal is (exit per class), someone else's version
//! is kept and saved, and an answer that cannot be read is not an SSO problem.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step should stop the test

#[path = "support/aws_stub.rs"]
mod aws_stub;
#[path = "support/fault_proxy.rs"]
mod fault_proxy;
#[path = "support/http_stub.rs"]
mod http_stub;
mod support;

use std::process::Output;
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use fault_proxy::{Fault, FaultProxy, Rule};
use support::moto::{Moto, SEED_USER_DATA, panel_command};

const SCRIPT: &str = r#"su -c "~ec2-user/run-baseline.sh" ec2-user >> /tmp/startup-out.txt"#;
const WRITE: &str = "ModifyInstanceAttribute";

fn dev_bytes() -> Vec<u8> {
    SEED_USER_DATA.replace(SCRIPT, &format!("# {SCRIPT}")).into_bytes()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// moto with the seed instance stopped, and the proxy in front of it.
async fn setup() -> Option<(Moto, FaultProxy, String)> {
    let moto = Moto::start()?;
    let id = moto.launch("baseline model", SEED_USER_DATA).await;
    moto.stop(&id).await;
    let proxy = FaultProxy::start(&moto.url).await;
    Some((moto, proxy, id))
}

/// Runs the binary through the proxy (on a blocking thread: the proxy runs on this runtime).
async fn run(moto: &Moto, proxy: &FaultProxy, args: &[&str]) -> Output {
    let mut cmd = panel_command(&proxy.url(), moto.dir.path());
    cmd.args(args);
    tokio::task::spawn_blocking(move || cmd.output().expect("run baseline-panel")).await.unwrap()
}

fn backups(moto: &Moto) -> Vec<Vec<u8>> {
    let store =
        baseline_panel::backup::BackupStore::new(moto.dir.path().join("home/.state/baseline-panel/backups"));
    store.list(None).unwrap_or_default().iter().map(|e| std::fs::read(&e.path).unwrap()).collect()
}

/// The real (not dry-run) writes the proxy saw.
fn real_writes(proxy: &FaultProxy) -> usize {
    proxy.seen().iter().filter(|s| s.action == WRITE && !s.dry_run).count()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_write_whose_answer_is_lost_but_landed_reads_back_as_written() {
    let Some((moto, proxy, id)) = setup().await else { return };
    proxy.rule(Rule::new(WRITE, Fault::Drop));
    let out = run(&moto, &proxy, &["dev", "on", "--yes"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains(&format!("{id} is now in dev mode")));
    assert_eq!(real_writes(&proxy), 1, "one attempt: no retry hides what the first one did");
    if let Some(now) = moto.witness_user_data(&id) {
        assert_eq!(now, dev_bytes());
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unanswered_write_is_exit_8_may_still_be_applied_and_it_does_land_later() {
    let Some((moto, proxy, id)) = setup().await else { return };
    // The connection closes at once; the write reaches moto 12 s later, after the CLI's wait.
    proxy.rule(Rule::new(WRITE, Fault::DropLanding(Duration::from_secs(12))));
    let started = Instant::now();
    let out = run(&moto, &proxy, &["dev", "on", "--yes"]).await;
    let msg = stderr(&out);
    assert_eq!(out.status.code(), Some(8), "{msg}");
    assert!(msg.contains("no answer from"), "{msg}");
    assert!(msg.contains("so it may still be applied"), "{msg}");
    assert!(msg.contains("7s later the user data still read as the previous version"), "{msg}");
    assert!(!msg.contains("nothing was written"), "{msg}");
    assert!(started.elapsed() >= Duration::from_secs(7), "it waited before saying so");
    assert_eq!(backups(&moto), vec![SEED_USER_DATA.as_bytes().to_vec()], "the previous version is saved");
    let Some(before) = moto.witness_user_data(&id) else { return };
    assert_eq!(before, SEED_USER_DATA.as_bytes(), "not applied yet when the CLI answered");
    // ... and then it is: "may still be applied" was the truth.
    let deadline = Instant::now() + Duration::from_secs(20);
    while moto.witness_user_data(&id).unwrap() != dev_bytes() {
        assert!(Instant::now() < deadline, "the late write never landed");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_error_on_the_write_is_no_refusal() {
    let Some((moto, proxy, id)) = setup().await else { return };
    proxy.rule(Rule::new(WRITE, Fault::Status500));
    let out = run(&moto, &proxy, &["dev", "on", "--yes"]).await;
    let msg = stderr(&out);
    assert_eq!(out.status.code(), Some(8), "{msg}");
    assert!(msg.contains("InternalError") && msg.contains("so it may still be applied"), "{msg}");
    assert!(!msg.contains("nothing was written"), "{msg}");
    assert_eq!(real_writes(&proxy), 1);
    if let Some(now) = moto.witness_user_data(&id) {
        assert_eq!(now, SEED_USER_DATA.as_bytes());
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_throttled_write_is_a_refusal_and_nothing_was_written() {
    let Some((moto, proxy, id)) = setup().await else { return };
    proxy.rule(Rule::new(WRITE, Fault::Throttle));
    let started = Instant::now();
    let out = run(&moto, &proxy, &["dev", "on", "--yes"]).await;
    let msg = stderr(&out);
    assert_eq!(out.status.code(), Some(5), "{msg}");
    assert!(msg.contains("AWS throttled the write (RequestLimitExceeded)"), "{msg}");
    assert!(msg.ends_with("nothing was written\n"), "{msg}");
    assert!(started.elapsed() < Duration::from_secs(7), "a refusal needs no wait");
    assert_eq!(real_writes(&proxy), 1);
    if let Some(now) = moto.witness_user_data(&id) {
        assert_eq!(now, SEED_USER_DATA.as_bytes());
    }
}

/// The form body of another writer's `ModifyInstanceAttribute` setting `bytes`.
fn other_writer(id: &str, bytes: &[u8]) -> Vec<u8> {
    // The attribute holds the base64 text, encoded once more on the wire (as the SDK does).
    let wire = BASE64.encode(BASE64.encode(bytes));
    let wire: String = wire
        .chars()
        .map(|c| match c {
            '+' => "%2B".to_string(),
            '/' => "%2F".to_string(),
            '=' => "%3D".to_string(),
            c => c.to_string(),
        })
        .collect();
    format!("Action=ModifyInstanceAttribute&Version=2016-11-15&InstanceId={id}&UserData.Value={wire}")
        .into_bytes()
}

#[tokio::test(flavor = "multi_thread")]
async fn someone_elses_change_right_after_the_write_is_kept_and_saved() {
    let Some((moto, proxy, id)) = setup().await else { return };
    let theirs = SEED_USER_DATA.replace("#!/bin/bash", "#!/bin/bash\necho maintenance").into_bytes();
    proxy.rule(Rule::new(WRITE, Fault::AndThen(other_writer(&id, &theirs))));
    let out = run(&moto, &proxy, &["dev", "on", "--yes"]).await;
    let msg = stderr(&out);
    assert_eq!(out.status.code(), Some(8), "{msg}");
    assert!(msg.contains("someone else changed the user data"), "{msg}");
    assert!(msg.contains("it was left as it is"), "{msg}");
    assert_eq!(real_writes(&proxy), 1, "nothing written over their change");
    let saved = backups(&moto);
    assert!(saved.contains(&SEED_USER_DATA.as_bytes().to_vec()), "the previous version is saved");
    assert!(saved.contains(&theirs), "their version is saved too");
    if let Some(now) = moto.witness_user_data(&id) {
        assert_eq!(now, theirs, "their change stands");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unreadable_answer_is_not_an_expired_sso_session() {
    let Some((moto, proxy, _id)) = setup().await else { return };
    // A data field holding an element: the parser's error quotes `association`, and the body
    // names a clientToken, an expired token and credentials. None of it is about SSO.
    let garbage = b"<DescribeInstancesResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">\
        <requestId>r-1</requestId><reservationSet><item><reservationId>r-1</reservationId>\
        <instancesSet><item><instanceId><association><ipOwnerId>amazon</ipOwnerId></association>\
        </instanceId><clientToken>sso token expired credentials</clientToken></item></instancesSet>\
        </item></reservationSet></DescribeInstancesResponse>"
        .to_vec();
    proxy.rule(Rule::new("DescribeInstances", Fault::Garbage(garbage)));
    let out = run(&moto, &proxy, &["--profile", "lab", "status"]).await;
    let msg = stderr(&out);
    assert_eq!(out.status.code(), Some(5), "{msg}");
    assert!(msg.contains("the answer from http://127.0.0.1:"), "{msg}");
    assert!(msg.contains("to ec2:DescribeInstances could not be read (HTTP 200)"), "{msg}");
    assert!(!msg.contains("sso login") && !msg.contains("credentials"), "{msg}");

    // Half of moto's real answer (it names an association and a clientToken): the SDK reads
    // it without complaint, but an instance without an id gives it away.
    proxy.clear();
    proxy.rule(Rule::new("DescribeInstances", Fault::Truncate));
    let out = run(&moto, &proxy, &["status"]).await;
    let msg = stderr(&out);
    assert_eq!(out.status.code(), Some(5), "{msg}\n{}", String::from_utf8_lossy(&out.stdout));
    assert!(msg.contains("could not be read: it lists an instance without an id"), "{msg}");
    assert!(!msg.to_lowercase().contains("sso"), "{msg}");

    // An attribute answer that names no instance is not "no user data".
    proxy.clear();
    let empty = b"<DescribeInstanceAttributeResponse><requestId>r-1</requestId>".to_vec();
    proxy.rule(Rule::new("DescribeInstanceAttribute", Fault::Garbage(empty)));
    let out = run(&moto, &proxy, &["dev", "status"]).await;
    let msg = stderr(&out);
    assert_eq!(out.status.code(), Some(5), "{msg}");
    assert!(
        msg.contains("ec2:DescribeInstanceAttribute could not be read: it does not name instance"),
        "{msg}"
    );
}
