//! The panel after an uncertain dev-mode write, in a real terminal, through a fault-injecting
//! proxy in front of moto: the write's answer is lost and the user data cannot be read for a
//! while. The panel must show dev mode as unknown (also after `r`), never the mode it had, and
//! show the real mode once a read answers.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step should stop the test

#[path = "support/aws_stub.rs"]
mod aws_stub;
#[path = "support/fault_proxy.rs"]
mod fault_proxy;
#[path = "support/http_stub.rs"]
mod http_stub;
mod support;

use std::time::{Duration, Instant};

use fault_proxy::{Fault, FaultProxy, Rule};
use support::moto::{Moto, SEED_USER_DATA};
use support::tmux::{self, Tmux, panel_env};

const BIN: &str = env!("CARGO_BIN_EXE_baseline-panel");

fn wait_until(what: &str, secs: u64, ok: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while !ok() {
        assert!(Instant::now() < deadline, "waited {secs}s for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn after_an_uncertain_write_the_panel_shows_dev_mode_unknown_until_a_read_answers() {
    if !tmux::available() {
        return;
    }
    let Some(moto) = Moto::start() else { return };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (id, proxy) = rt.block_on(async {
        let id = moto.launch("baseline model", SEED_USER_DATA).await;
        moto.stop(&id).await;
        (id, FaultProxy::start(&moto.url).await)
    });
    let t = Tmux::start(BIN, &[], &panel_env(moto.dir.path(), &proxy.url()), 120, 40);
    t.wait_for("Dev mode off", 30);

    // The write's connection closes unanswered; the write lands 4 s later. From the moment it
    // left, no read of the user data gets an answer.
    proxy.rule(Rule::new("ModifyInstanceAttribute", Fault::DropLanding(Duration::from_secs(4))));
    t.keys(&["d"]);
    t.wait_for("Turn dev mode ON?", 15);
    t.keys(&["y"]);
    wait_until("the write", 20, || proxy.count("ModifyInstanceAttribute", "drop-landing") == 1);
    proxy.rule(Rule::new("DescribeInstanceAttribute", Fault::Status500));

    let screen = t.wait_for("DEV MODE ?", 30);
    assert!(screen.contains("unknown — the last switch did not finish cleanly"), "{screen}");
    assert!(!screen.contains("Dev mode off") && !screen.contains("Dev mode ON"), "{screen}");
    assert!(screen.contains("the write got no clear answer"), "the notice says why: {screen}");
    // A refresh asks again; without an answer the mode stays unknown.
    t.keys(&["Escape", "r"]);
    // The failed re-read is shown once its answer (an error, after the SDK's retries) is in.
    let screen = t.wait_for("last read:", 30);
    assert!(screen.contains("DEV MODE ?") && screen.contains("unknown —"), "{screen}");
    assert!(!screen.contains("Dev mode off"), "{screen}");
    // `d` does not guess a direction while the mode is unknown.
    t.keys(&["d"]);
    t.wait_for("dev mode is unknown until the user data is read again", 5);

    // Reads answer again: the panel shows what the instance really holds (the late write).
    proxy.clear();
    let screen = t.wait_for("Dev mode ON", 40);
    assert!(!screen.contains("DEV MODE ?") && !screen.contains("unknown —"), "{screen}");
    if let Some(bytes) = moto.witness_user_data(&id) {
        assert_eq!(bytes, SEED_USER_DATA.replace("\nsu -c", "\n# su -c").into_bytes());
    }
    t.keys(&["q"]);
    t.wait_for("PANEL-EXITED 0", 10);
}
