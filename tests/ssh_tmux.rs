//! `o` in a real terminal (tmux): the panel gives the terminal to the shell on the box (a
//! stand-in `ssh` on `PATH` that waits for a typed line), and takes it back when it ends.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step should stop the test

mod support;

use support::fake_ssh::FakeTools;
use support::moto::{Moto, SEED_USER_DATA};
use support::tmux::{self, Tmux, panel_env};

const BIN: &str = env!("CARGO_BIN_EXE_baseline-panel");

#[test]
fn o_suspends_the_panel_runs_ssh_and_the_panel_comes_back() {
    if !tmux::available() {
        return;
    }
    let Some(moto) = Moto::start() else { return };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let id = rt.block_on(moto.launch("baseline model", SEED_USER_DATA));
    let fake = FakeTools::install(&["ssh"]);
    let mut env = panel_env(moto.dir.path(), &moto.url);
    env.push(("PATH".into(), fake.path_before_system()));
    env.push(("FAKE_SSH_WAIT".into(), "1".into()));
    let t = Tmux::start(BIN, &[], &env, 120, 32);
    t.wait_for("● running", 30);
    assert!(t.alternate_on());

    t.keys(&["o"]);
    // The shell has the terminal: the panel's screen is gone, the shell's words are there.
    let screen = t.wait_for("FAKE-SSH-SESSION ec2-user@", 30);
    assert!(screen.contains(&format!("opening a shell on {id} with EC2 Instance Connect")), "{screen}");
    assert!(screen.contains("exit the shell to come back to the panel"), "{screen}");
    assert!(!t.alternate_on(), "the panel left the alternate screen:\n{screen}");
    // What is typed goes to the shell, not to the panel (`q` would quit it).
    t.line("quiet please");

    // The panel is back, redrawn, and says so.
    let screen = t.wait_for(&format!("back from the shell on {id}"), 30);
    assert!(screen.contains("● running"), "{screen}");
    assert!(t.alternate_on());
    assert_eq!(fake.typed("ssh").as_deref(), Some("quiet please"));
    let key = fake.key_path("ssh").expect("ssh was given the one-off key");
    assert_eq!(fake.key_mode("ssh").as_deref(), Some("600"));
    assert!(!key.exists(), "the one-off key is deleted once the shell ended");

    // And it still answers keys.
    t.keys(&["?"]);
    t.wait_for("Keys", 10);
    t.keys(&["Escape"]);
    t.wait_gone("Esc or ? to close", 10);
    t.keys(&["q"]);
    t.wait_for("PANEL-EXITED 0", 10);
}

#[test]
fn o_on_a_stopped_box_says_why_and_runs_nothing() {
    if !tmux::available() {
        return;
    }
    let Some(moto) = Moto::start() else { return };
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let id = moto.launch("baseline model", SEED_USER_DATA).await;
        moto.stop(&id).await;
    });
    let fake = FakeTools::install(&["ssh"]);
    let mut env = panel_env(moto.dir.path(), &moto.url);
    env.push(("PATH".into(), fake.path_before_system()));
    let t = Tmux::start(BIN, &[], &env, 120, 32);
    t.wait_for("● stopped", 30);
    t.keys(&["o"]);
    t.wait_for("the box is stopped: a shell needs it running", 10);
    assert!(t.alternate_on());
    assert!(fake.args("ssh").is_none(), "ssh did not run");
    t.keys(&["q"]);
    t.wait_for("PANEL-EXITED 0", 10);
}
