//! `baseline-panel dev on` against moto on MIME user data the engine must read by its structure,
//! with the AWS CLI as the witness of what the instance holds.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step should stop the test

mod support;

use std::process::Output;

use base64::Engine;
use baseline_panel::userdata::{TransferEncoding, UserDataError};
use support::moto::Moto;

const SCRIPT: &str = r#"su -c "~ec2-user/run-baseline.sh" ec2-user >> /tmp/startup-out.txt"#;

/// The seed's two parts, the shell part with `headers` and `body`; the shell part starts on line 12.
fn user_data(headers: &str, body: &str) -> String {
    format!(
        "Content-Type: multipart/mixed; boundary=\"//\"\nMIME-Version: 1.0\n\n--//\n\
         Content-Type: text/cloud-config; charset=\"us-ascii\"\n\n#cloud-config\ncloud_final_modules:\n- [scripts-user, always]\n\n\
         --//\nContent-Type: text/x-shellscript; charset=\"us-ascii\"\nMIME-Version: 1.0\n{headers}\
         Content-Disposition: attachment; filename=\"run-baseline.sh\"\n\n{body}--//--\n"
    )
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn backups(moto: &Moto) -> usize {
    let dir = moto.dir.path().join("home/.state/baseline-panel/backups");
    std::fs::read_dir(dir).map_or(0, std::iter::Iterator::count)
}

fn report(out: &Output) -> String {
    format!("exit {:?}\nstdout: {}\nstderr: {}", out.status.code(), text(&out.stdout), text(&out.stderr))
}

#[tokio::test]
async fn a_base64_shell_part_is_refused_and_the_user_data_stays_as_it_was() {
    let Some(moto) = Moto::start() else { return };
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("#!/bin/bash\n{SCRIPT}\n"));
    let original = user_data("Content-Transfer-Encoding: base64\n", &format!("{encoded}\n"));
    assert_eq!(original.matches("run-baseline.sh").count(), 1, "only the header names the script");
    let id = moto.launch("baseline model", &original).await;
    moto.stop(&id).await;

    let out = moto.run(&["dev", "on", "--yes"]);
    assert!(!out.status.success() && out.status.code().is_some(), "{}", report(&out));
    let expected = UserDataError::EncodedScript { line: 12, encoding: TransferEncoding::Base64 };
    assert_eq!(text(&out.stderr).trim(), format!("baseline-panel: {expected}"), "{}", report(&out));
    for words in ["base64", "EC2 console", "Content-Transfer-Encoding: 7bit"] {
        assert!(text(&out.stderr).contains(words), "{}", report(&out));
    }
    assert!(!text(&out.stdout).contains("dev mode"), "{}", report(&out));
    assert_eq!(backups(&moto), 0, "no write, no backup");
    if let Some(now) = moto.witness_user_data(&id) {
        assert_eq!(now, original.as_bytes(), "the exact original bytes");
    }
}

#[tokio::test]
async fn a_plain_shell_part_named_after_the_script_switches_its_script_line_only() {
    let Some(moto) = Moto::start() else { return };
    let original = user_data("Content-Transfer-Encoding: 7bit\n", &format!("#!/bin/bash\n{SCRIPT}\n"));
    let id = moto.launch("baseline model", &original).await;
    moto.stop(&id).await;

    let out = moto.run(&["dev", "on", "--yes"]);
    assert!(out.status.success(), "{}", report(&out));
    assert!(text(&out.stdout).contains(&format!("line 18:\n-{SCRIPT}\n+# {SCRIPT}\n")), "{}", report(&out));
    if let Some(now) = moto.witness_user_data(&id) {
        assert_eq!(text(&now), original.replace(SCRIPT, &format!("# {SCRIPT}")), "the header is untouched");
    }
    let out = moto.run(&["dev", "off", "--yes"]);
    assert!(out.status.success(), "{}", report(&out));
    if let Some(now) = moto.witness_user_data(&id) {
        assert_eq!(now, original.as_bytes());
    }
}
