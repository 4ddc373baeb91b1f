//! `baseline-panel dev …` and `userdata …` through the binary against moto, with the AWS CLI as
//! the witness of what the instance really holds.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step should stop the test

mod support;

use std::path::PathBuf;
use std::process::Output;

use support::moto::{Moto, SEED_USER_DATA};

const SCRIPT: &str = r#"su -c "~ec2-user/run-baseline.sh" ec2-user >> /tmp/startup-out.txt"#;

fn dev_bytes() -> Vec<u8> {
    SEED_USER_DATA.replace(SCRIPT, &format!("# {SCRIPT}")).into_bytes()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn ok(out: Output) -> Output {
    assert!(
        out.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        stdout(&out),
        stderr(&out)
    );
    out
}

/// The user data as the AWS CLI sees it: the attribute's base64 text, decoded once.
fn backups_dir(moto: &Moto) -> PathBuf {
    moto.dir.path().join("home/.state/baseline-panel/backups")
}

/// The backup files, newest first (by time, then by the same-second sequence number).
fn backup_files(moto: &Moto) -> Vec<PathBuf> {
    let store = baseline_panel::backup::BackupStore::new(backups_dir(moto));
    let entries = store.list(None).unwrap();
    let all = std::fs::read_dir(backups_dir(moto)).map_or(0, std::iter::Iterator::count);
    assert_eq!(entries.len(), all, "every file in the backup directory is a backup");
    entries.into_iter().map(|e| e.path).collect()
}

#[cfg(unix)]
fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// Launches the seed instance and stops it.
async fn stopped_seed(moto: &Moto) -> String {
    let id = moto.launch("baseline model", SEED_USER_DATA).await;
    moto.stop(&id).await;
    id
}

#[tokio::test]
async fn dev_on_comments_one_line_and_dev_off_restores_the_exact_bytes() {
    let Some(moto) = Moto::start() else { return };
    let id = stopped_seed(&moto).await;

    let out = ok(moto.run(&["dev", "on", "--yes"]));
    assert!(stdout(&out).contains(&format!("line 21:\n-{SCRIPT}\n+# {SCRIPT}\n")), "{}", stdout(&out));
    assert!(stdout(&out).contains(&format!("{id} is now in dev mode")));
    if let Some(now) = moto.witness_user_data(&id) {
        assert!(now.starts_with(b"Content-Type: multipart/mixed"), "encoded once, not twice");
        let (before, after): (Vec<&[u8]>, Vec<&[u8]>) = (
            SEED_USER_DATA.as_bytes().split(|&b| b == b'\n').collect(),
            now.split(|&b| b == b'\n').collect(),
        );
        assert_eq!(before.len(), after.len());
        let differing: Vec<usize> = (0..before.len()).filter(|&n| before[n] != after[n]).collect();
        assert_eq!(differing, vec![20], "only line 21 changes");
        assert_eq!(after[20], format!("# {SCRIPT}").as_bytes());
        assert_eq!(now, dev_bytes());
    }
    let files = backup_files(&moto);
    assert_eq!(files.len(), 1, "{files:?}");
    assert_eq!(std::fs::read(&files[0]).unwrap(), SEED_USER_DATA.as_bytes());
    #[cfg(unix)]
    assert_eq!(mode(&files[0]), 0o600);
    assert!(stdout(&out).contains(&files[0].display().to_string()), "names the backup");

    let status: serde_json::Value =
        serde_json::from_slice(&ok(moto.run(&["dev", "status", "--json"])).stdout).unwrap();
    assert_eq!(status["instances"][0]["mode"], "dev");
    assert_eq!(status["instances"][0]["line_number"], 21);
    assert_eq!(status["instances"][0]["state"], "stopped");

    let out = ok(moto.run(&["dev", "off", "--yes"]));
    assert!(stdout(&out).contains(&format!("{id} is now in run mode")));
    if let Some(now) = moto.witness_user_data(&id) {
        assert_eq!(now, SEED_USER_DATA.as_bytes(), "the original bytes, exactly");
    }
    let files = backup_files(&moto);
    assert_eq!(files.len(), 2);
    assert_eq!(std::fs::read(&files[0]).unwrap(), dev_bytes(), "backup of the dev version");
    #[cfg(unix)]
    assert_eq!(mode(&files[0]), 0o600);
}

#[tokio::test]
async fn already_in_the_requested_mode_writes_nothing() {
    let Some(moto) = Moto::start() else { return };
    let id = stopped_seed(&moto).await;
    let out = ok(moto.run(&["dev", "off", "--yes"]));
    assert!(
        stdout(&out).contains(&format!("{id} is already in run mode; nothing to write")),
        "{}",
        stdout(&out)
    );
    assert!(backup_files(&moto).is_empty(), "no backup without a write");
    if let Some(now) = moto.witness_user_data(&id) {
        assert_eq!(now, SEED_USER_DATA.as_bytes());
    }
}

#[tokio::test]
async fn a_running_instance_is_refused_and_nothing_changes() {
    let Some(moto) = Moto::start() else { return };
    let id = moto.launch("baseline model", SEED_USER_DATA).await;
    let out = moto.run(&["dev", "on", "--yes"]);
    assert_eq!(out.status.code(), Some(7), "{}", stderr(&out));
    assert_eq!(
        stderr(&out).trim(),
        "baseline-panel: the instance is running: stop it first (`baseline-panel dev on --stop`)"
    );
    assert!(backup_files(&moto).is_empty());
    if let Some(now) = moto.witness_user_data(&id) {
        assert_eq!(now, SEED_USER_DATA.as_bytes());
    }
    if let Some(state) = moto.witness_instance(&id, "State.Name") {
        assert_eq!(state, "running", "not stopped without --stop");
    }
}

#[tokio::test]
async fn stop_flag_stops_the_instance_then_switches() {
    let Some(moto) = Moto::start() else { return };
    let id = moto.launch("baseline model", SEED_USER_DATA).await;
    let out = ok(moto.run(&["dev", "on", "--stop", "--yes"]));
    assert!(stderr(&out).contains(&format!("waiting for {id} to stop")), "{}", stderr(&out));
    assert!(stdout(&out).contains(&format!("{id} is now in dev mode")));
    if let Some(state) = moto.witness_instance(&id, "State.Name") {
        assert_eq!(state, "stopped");
    }
    if let Some(now) = moto.witness_user_data(&id) {
        assert_eq!(now, dev_bytes());
    }
    assert_eq!(backup_files(&moto).len(), 1);
}

#[tokio::test]
async fn start_flag_starts_the_box_and_prints_the_ssh_command() {
    let Some(moto) = Moto::start() else { return };
    let id = stopped_seed(&moto).await;
    let out = ok(moto.run(&["dev", "on", "--yes", "--start"]));
    if let Some(state) = moto.witness_instance(&id, "State.Name") {
        assert_eq!(state, "running");
    }
    if let Some(dns) = moto.witness_instance(&id, "PublicDnsName") {
        assert!(!dns.is_empty() && dns != "None", "moto gives a public DNS name");
        assert!(stdout(&out).contains(&format!("ssh ec2-user@{dns}\n")), "{}", stdout(&out));
    }
    if let Some(now) = moto.witness_user_data(&id) {
        assert_eq!(now, dev_bytes());
    }
}

#[tokio::test]
async fn userdata_restore_brings_back_a_backup() {
    let Some(moto) = Moto::start() else { return };
    let id = stopped_seed(&moto).await;
    ok(moto.run(&["dev", "on", "--yes"]));
    let first = backup_files(&moto).remove(0);
    let name = first.file_name().unwrap().to_str().unwrap().to_owned();

    let listed = stdout(&ok(moto.run(&["userdata", "backups"])));
    let line = listed.lines().next().unwrap();
    assert!(line.contains(&id), "{line}");
    assert!(line.ends_with(&first.display().to_string()), "{line}");
    assert!(line.contains(&format!("{} B", SEED_USER_DATA.len())), "{line}");

    let out = ok(moto.run(&["userdata", "restore", &name, "--yes"]));
    assert!(stdout(&out).contains(&format!("line 21:\n-# {SCRIPT}\n+{SCRIPT}\n")), "{}", stdout(&out));
    if let Some(now) = moto.witness_user_data(&id) {
        assert_eq!(now, SEED_USER_DATA.as_bytes());
    }
    let files = backup_files(&moto);
    assert_eq!(files.len(), 2, "the current bytes were backed up first");
    assert_eq!(std::fs::read(&files[0]).unwrap(), dev_bytes());

    // By path, back to the dev version.
    let dev_backup = files[0].display().to_string();
    ok(moto.run(&["userdata", "restore", &dev_backup, "--yes"]));
    if let Some(now) = moto.witness_user_data(&id) {
        assert_eq!(now, dev_bytes());
    }
}

#[tokio::test]
async fn read_only_refuses_every_write() {
    let Some(moto) = Moto::start() else { return };
    let id = stopped_seed(&moto).await;
    for args in [
        &["--read-only", "dev", "on", "--yes"][..],
        &["--read-only", "dev", "off", "--yes", "--stop"],
        &["--read-only", "userdata", "restore", "x.userdata", "--yes"],
    ] {
        let out = moto.run(args);
        assert_eq!(out.status.code(), Some(7), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("read-only mode: `"), "{}", stderr(&out));
    }
    let config = moto.dir.path().join("home/.config/baseline-panel");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(config.join("config.toml"), "[panel]\nread_only = true\n").unwrap();
    let out = moto.run(&["dev", "on", "--yes"]);
    assert_eq!(out.status.code(), Some(7), "{}", stderr(&out));
    assert!(stderr(&out).contains("panel.read_only"), "{}", stderr(&out));
    assert!(backup_files(&moto).is_empty());
    if let Some(now) = moto.witness_user_data(&id) {
        assert_eq!(now, SEED_USER_DATA.as_bytes());
    }
}

#[tokio::test]
async fn without_a_terminal_and_without_yes_nothing_is_written() {
    let Some(moto) = Moto::start() else { return };
    let id = stopped_seed(&moto).await;
    let out = moto.run(&["dev", "on"]);
    assert_eq!(out.status.code(), Some(7));
    assert_eq!(
        stderr(&out).trim(),
        "baseline-panel: not going to dev on without confirmation and there is no terminal to ask on; pass --yes"
    );
    assert!(stdout(&out).contains("line 21:"), "the diff is still shown");
    assert!(backup_files(&moto).is_empty());
    if let Some(now) = moto.witness_user_data(&id) {
        assert_eq!(now, SEED_USER_DATA.as_bytes());
    }
}

#[tokio::test]
async fn show_prints_the_exact_bytes_and_diff_the_next_switch() {
    let Some(moto) = Moto::start() else { return };
    let id = stopped_seed(&moto).await;
    let shown = ok(moto.run(&["userdata", "show"])).stdout;
    assert_eq!(shown, SEED_USER_DATA.as_bytes());
    let diff = stdout(&ok(moto.run(&["userdata", "diff"])));
    assert_eq!(
        diff,
        format!(
            "{id} is in run mode; `baseline-panel dev on` would change:\nline 21:\n-{SCRIPT}\n+# {SCRIPT}\n"
        )
    );
    ok(moto.run(&["dev", "on", "--yes"]));
    let diff = stdout(&ok(moto.run(&["userdata", "diff"])));
    assert!(diff.starts_with(&format!("{id} is in dev mode; `baseline-panel dev off`")), "{diff}");
    assert_eq!(ok(moto.run(&["userdata", "show"])).stdout, dev_bytes());
}

#[tokio::test]
async fn several_tagged_instances_need_an_instance_id() {
    let Some(moto) = Moto::start() else { return };
    let a = stopped_seed(&moto).await;
    let b = stopped_seed(&moto).await;
    let out = moto.run(&["dev", "on", "--yes"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let msg = stderr(&out);
    assert!(msg.contains("2 instances match Name=baseline model"), "{msg}");
    assert!(msg.contains(&a) && msg.contains(&b), "{msg}");
    assert!(msg.contains("pick one with --instance-id"), "{msg}");
    assert!(backup_files(&moto).is_empty());

    let status = stdout(&ok(moto.run(&["dev", "status"])));
    assert_eq!(status.matches("mode         run").count(), 2, "{status}");

    ok(moto.run(&["--instance-id", &a, "dev", "on", "--yes"]));
    if let (Some(ua), Some(ub)) = (moto.witness_user_data(&a), moto.witness_user_data(&b)) {
        assert_eq!(ua, dev_bytes());
        assert_eq!(ub, SEED_USER_DATA.as_bytes(), "the other instance is untouched");
    }
}
