//! `baseline-panel ssh` against moto, with stand-in `ssh`/`aws` programs on `PATH` that record
//! how they were called. EC2 Instance Connect's `SendSSHPublicKey` is witnessed by a proxy in
//! front of moto (moto accepts the call and keeps nothing of it).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step should stop the test

#[path = "support/aws_stub.rs"]
mod aws_stub;
#[path = "support/fault_proxy.rs"]
mod fault_proxy;
#[path = "support/http_stub.rs"]
mod http_stub;
mod support;

use std::process::Output;

use fault_proxy::FaultProxy;
use support::fake_ssh::FakeTools;
use support::moto::{Moto, SEED_USER_DATA, panel_command};

const PUSH: &str = "SendSSHPublicKey";

/// moto with the seed instance running, and the proxy in front of it.
async fn setup() -> Option<(Moto, FaultProxy, String)> {
    let moto = Moto::start()?;
    let id = moto.launch("baseline model", SEED_USER_DATA).await;
    let proxy = FaultProxy::start(&moto.url).await;
    Some((moto, proxy, id))
}

/// Runs `baseline-panel ssh` through the proxy with `PATH` = `path` (on a blocking thread: the
/// proxy runs on this runtime).
async fn ssh(moto: &Moto, proxy: &FaultProxy, path: &str, extra: &[&str]) -> Output {
    let mut cmd = panel_command(&proxy.url(), moto.dir.path());
    cmd.env("PATH", path).arg("ssh").args(extra);
    tokio::task::spawn_blocking(move || cmd.output().expect("run baseline-panel")).await.unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn public_dns(moto: &Moto, id: &str) -> String {
    let dns = moto.witness_instance(id, "PublicDnsName").expect("the AWS CLI is installed");
    assert!(dns.contains('.'), "moto gives the instance a public name: {dns:?}");
    dns
}

#[tokio::test]
async fn without_a_key_a_one_off_key_is_pushed_with_instance_connect_then_ssh_runs() {
    let Some((moto, proxy, id)) = setup().await else { return };
    let fake = FakeTools::install(&["ssh"]);
    let out = ssh(&moto, &proxy, &fake.path_before_system(), &[]).await;
    assert!(out.status.success(), "{out:?}");
    assert!(
        stderr(&out).contains(&format!("opening a shell on {id} with EC2 Instance Connect")),
        "{}",
        stderr(&out)
    );

    // ssh ran with the one-off key, and only that key, as ec2-user on the public name.
    let args = fake.args("ssh").expect("ssh ran");
    let key = fake.key_path("ssh").unwrap();
    let key_text = key.to_string_lossy().into_owned();
    assert_eq!(
        args,
        ["-i", &key_text, "-o", "IdentitiesOnly=yes", &format!("ec2-user@{}", public_dns(&moto, &id))]
    );
    assert_eq!(fake.key_mode("ssh").as_deref(), Some("600"), "the private key is the user's alone");
    assert_eq!(fake.key_dir_mode("ssh").as_deref(), Some("700"), "in a private directory");
    assert!(!key.exists() && !key.parent().unwrap().exists(), "the key and its directory are gone after");

    // The key pushed is the one ssh used, for the instance and the configured user.
    let pushes: Vec<_> = proxy.seen().into_iter().filter(|s| s.action == PUSH).collect();
    assert_eq!(pushes.len(), 1, "{:?}", proxy.seen());
    let body: serde_json::Value = serde_json::from_str(&pushes[0].body).unwrap();
    assert_eq!(body["InstanceId"], id.as_str());
    assert_eq!(body["InstanceOSUser"], "ec2-user");
    let public = fake.public_key("ssh").unwrap();
    assert!(public.starts_with("ssh-ed25519 "), "{public}");
    assert!(body["SSHPublicKey"].as_str().unwrap().starts_with(&public), "{body}");
}

#[tokio::test]
async fn with_a_configured_key_plain_ssh_runs_and_nothing_is_pushed() {
    let Some((moto, proxy, id)) = setup().await else { return };
    let config = moto.dir.path().join("home/.config/baseline-panel");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(
        config.join("config.toml"),
        "[dev]\nssh_user = \"ubuntu\"\nssh_key = \"~/.ssh/lab.pem\"\n",
    )
    .unwrap();
    let fake = FakeTools::install(&["ssh"]);
    let out = ssh(&moto, &proxy, &fake.path_before_system(), &[]).await;
    assert!(out.status.success(), "{out:?}");
    let dns = public_dns(&moto, &id);
    assert_eq!(fake.args("ssh").unwrap(), ["-i", "~/.ssh/lab.pem", &format!("ubuntu@{dns}")]);
    assert!(stderr(&out).contains(&format!("ssh -i ~/.ssh/lab.pem ubuntu@{dns}")), "{}", stderr(&out));
    assert_eq!(proxy.count(PUSH, "pass"), 0);
}

#[tokio::test]
async fn a_failed_ssh_is_a_failure_that_says_so() {
    let Some((moto, proxy, _)) = setup().await else { return };
    let fake = FakeTools::install(&["ssh"]);
    let mut cmd = panel_command(&proxy.url(), moto.dir.path());
    cmd.env("PATH", fake.path_before_system()).env("FAKE_SSH_EXIT", "255").arg("ssh");
    let out = tokio::task::spawn_blocking(move || cmd.output().unwrap()).await.unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(stderr(&out).contains("the connection or the login failed"), "{}", stderr(&out));
}

#[tokio::test]
async fn a_stopped_box_is_refused_and_nothing_runs() {
    let Some((moto, proxy, id)) = setup().await else { return };
    moto.stop(&id).await;
    let fake = FakeTools::install(&["ssh"]);
    let out = ssh(&moto, &proxy, &fake.path_before_system(), &[]).await;
    assert_eq!(out.status.code(), Some(7), "{out:?}");
    assert!(stderr(&out).contains(&format!("the box {id} is stopped")), "{}", stderr(&out));
    assert!(fake.args("ssh").is_none(), "ssh did not run");
    assert_eq!(proxy.count(PUSH, "pass"), 0);
}

#[tokio::test]
async fn session_manager_when_ssh_cannot_be_used() {
    let Some((moto, proxy, id)) = setup().await else { return };
    // No ssh on PATH: the AWS CLI with the Session Manager plugin.
    let fake = FakeTools::install(&["aws", "session-manager-plugin"]);
    let out = ssh(&moto, &proxy, &fake.path_alone(), &[]).await;
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        fake.args("aws").unwrap(),
        ["ssm", "start-session", "--target", &id, "--region", "us-east-1", "--endpoint-url", &proxy.url()]
    );
}

#[tokio::test]
async fn nothing_installed_says_what_to_configure() {
    let Some((moto, proxy, id)) = setup().await else { return };
    let empty = FakeTools::install(&[]);
    let out = ssh(&moto, &proxy, &empty.path_alone(), &[]).await;
    assert_eq!(out.status.code(), Some(6), "{out:?}");
    let text = stderr(&out);
    let first = format!("no way to open a shell on {id}");
    for words in [first.as_str(), "ssh is not installed", "dev.ssh_key", "session-manager-plugin"] {
        assert!(text.contains(words), "{words}: {text}");
    }
}
