//! `userdata restore PATH` writes only user data with exactly one script line unless `--force`,
//! never reads a device or a pipe, and restores a valid file byte for byte — on moto, with the
//! AWS CLI as witness of what the instance holds.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step should stop the test

mod support;

use std::path::PathBuf;
use std::process::{Command, Output};
use std::time::Duration;

use support::moto::{Moto, SEED_USER_DATA};

const SCRIPT: &str = r#"su -c "~ec2-user/run-baseline.sh" ec2-user >> /tmp/startup-out.txt"#;

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn backups_dir(moto: &Moto) -> PathBuf {
    moto.dir.path().join("home/.state/baseline-panel/backups")
}

/// The backup files' contents, in any order.
fn backups(moto: &Moto) -> Vec<Vec<u8>> {
    match std::fs::read_dir(backups_dir(moto)) {
        Ok(d) => d.map(|e| std::fs::read(e.unwrap().path()).unwrap()).collect(),
        Err(_) => Vec::new(),
    }
}

/// Launches the seed instance and stops it.
async fn stopped_seed(moto: &Moto) -> String {
    let id = moto.launch("baseline model", SEED_USER_DATA).await;
    moto.stop(&id).await;
    id
}

/// Runs the binary; kills it and fails when it runs past `limit` (a read that never ends).
fn run_within(moto: &Moto, args: &[&str], limit: Duration) -> Output {
    support::output_within(moto.panel(), args, limit)
}

/// The user data is still the seed's and no backup was taken: nothing was written.
fn assert_nothing_written(moto: &Moto, id: &str) {
    if let Some(now) = moto.witness_user_data(id) {
        assert_eq!(now, SEED_USER_DATA.as_bytes(), "the user data is unchanged");
    }
    assert!(backups(moto).is_empty(), "no backup: nothing was about to be written");
}

#[tokio::test]
async fn a_file_that_is_not_user_data_is_refused_and_nothing_is_written() {
    let Some(moto) = Moto::start() else { return };
    let id = stopped_seed(&moto).await;
    let random = moto.dir.path().join("notes.txt");
    std::fs::write(&random, "qz7 lorem 81 ipsum\nnothing to run here\n").unwrap();
    let two_lines = moto.dir.path().join("twice.sh");
    std::fs::write(&two_lines, format!("#!/bin/bash\n{SCRIPT}\n{SCRIPT}\n")).unwrap();
    for path in ["/etc/passwd", random.to_str().unwrap(), two_lines.to_str().unwrap()] {
        let out = moto.run(&["userdata", "restore", path, "--yes"]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(7), "{path}: {err}");
        assert!(err.contains(&format!("{path} is not user data with exactly one script line (")), "{err}");
        assert!(err.contains("nothing was written") && err.contains("pass --force"), "{err}");
        assert!(!err.contains("root:x:0:0") && !err.contains("lorem"), "no content shown: {err}");
        assert_nothing_written(&moto, &id);
    }
}

#[tokio::test]
async fn force_writes_any_regular_file_after_the_usual_backup() {
    let Some(moto) = Moto::start() else { return };
    let id = stopped_seed(&moto).await;
    let random = moto.dir.path().join("notes.txt");
    let bytes = b"qz7 lorem 81 ipsum\r\nno script line, no final newline";
    std::fs::write(&random, bytes).unwrap();
    let out = moto.run(&["userdata", "restore", random.to_str().unwrap(), "--yes", "--force"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("after the restore, dev on/off will refuse the user data"),
        "{}",
        stderr(&out)
    );
    if let Some(now) = moto.witness_user_data(&id) {
        assert_eq!(now, bytes, "written byte for byte");
    }
    assert_eq!(backups(&moto), [SEED_USER_DATA.as_bytes().to_vec()], "the seed was backed up first");
}

#[tokio::test]
async fn a_valid_file_restores_byte_exact_without_force() {
    let Some(moto) = Moto::start() else { return };
    let id = stopped_seed(&moto).await;
    // The seed in dev mode, kept outside the backup folder, with CRLF line ends.
    let dev = SEED_USER_DATA.replace(SCRIPT, &format!("# {SCRIPT}")).replace('\n', "\r\n");
    let path = moto.dir.path().join("dev.userdata");
    std::fs::write(&path, &dev).unwrap();
    let out = moto.run(&["userdata", "restore", path.to_str().unwrap(), "--yes"]);
    assert!(out.status.success(), "{}", stderr(&out));
    if let Some(now) = moto.witness_user_data(&id) {
        assert_eq!(now, dev.as_bytes());
    }
    assert_eq!(backups(&moto), [SEED_USER_DATA.as_bytes().to_vec()]);
}

#[cfg(unix)]
#[tokio::test]
async fn devices_pipes_and_oversized_files_are_refused_at_once_even_with_force() {
    let Some(moto) = Moto::start() else { return };
    let id = stopped_seed(&moto).await;
    let fifo = moto.dir.path().join("pipe");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let big = moto.dir.path().join("big.userdata");
    let big_text = format!("#!/bin/bash\n{SCRIPT}\n{}", "#\n".repeat(9000));
    std::fs::write(&big, &big_text).unwrap();
    let too_big = format!("holds {} bytes, over AWS's limit of 16384", big_text.len());
    let cases = [
        ("/dev/zero".to_owned(), "is a character device, not a regular file"),
        (fifo.display().to_string(), "is a pipe, not a regular file"),
        (big.display().to_string(), too_big.as_str()),
    ];
    for (path, says) in cases {
        let out =
            run_within(&moto, &["userdata", "restore", &path, "--yes", "--force"], Duration::from_secs(20));
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{path}: {err}");
        assert!(err.contains(&format!("the backup {path} {says}")), "{err}");
        assert_nothing_written(&moto, &id);
    }
}
