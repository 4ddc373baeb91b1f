//! A shell on the box from the panel (key `o`).

use std::os::unix::process::ExitStatusExt as _;
use std::process::ExitStatus;
use std::sync::Arc;

use super::*;
use crate::action::Effect;
use crate::backends::Account;
use crate::cloud::InstanceState;
use crate::cloud::demo::{DemoCloud, DemoTimings};
use crate::config::Config;
use crate::fixtures::{instance, now};
use crate::shell::{self, Method, ShellError, Tools};
use crate::state::{Level, State};

fn with(st: InstanceState, mode: &Account) -> State {
    let mut s = State::new(&Config::builtin(), mode, now());
    let seq = s.instance_poll.issue();
    update(&mut s, Action::InstancesLoaded { seq, result: Ok(vec![instance(st)]) });
    s
}

fn aws() -> Account {
    Account::of(&Config::builtin())
}

fn notice(s: &State) -> (Level, String) {
    let n = s.notice.clone().expect("a notice");
    (n.level, n.text)
}

#[test]
fn o_prepares_a_shell_on_the_running_box_once() {
    let mut s = with(InstanceState::Running, &aws());
    let fx = update(&mut s, Action::ShellRequested);
    assert_eq!(fx, vec![Effect::PrepareShell(Box::new(instance(InstanceState::Running)))]);
    assert_eq!(s.shell_opening.as_deref(), Some("i-0db5237193478dd8d"));
    assert!(notice(&s).1.starts_with("opening a shell on i-0db5237193478dd8d"), "{:?}", s.notice);
    assert!(update(&mut s, Action::ShellRequested).is_empty(), "a second press while it is prepared");
}

#[test]
fn o_is_refused_when_the_box_is_not_running_or_in_demo_mode() {
    for st in [InstanceState::Stopped, InstanceState::Pending, InstanceState::Stopping] {
        let mut s = with(st, &aws());
        assert!(update(&mut s, Action::ShellRequested).is_empty(), "{st:?}");
        let (level, text) = notice(&s);
        assert_eq!(level, Level::Warn);
        assert_eq!(text, format!("the box is {}: a shell needs it running", st.name()));
        assert!(s.shell_opening.is_none());
    }
    let mut s = with(InstanceState::Running, &Account::Demo);
    assert!(update(&mut s, Action::ShellRequested).is_empty());
    assert!(notice(&s).1.starts_with("demo mode"), "{:?}", s.notice);
    let mut s = State::new(&Config::builtin(), &aws(), now());
    assert!(update(&mut s, Action::ShellRequested).is_empty(), "no instance known yet");
}

#[tokio::test]
async fn a_ready_shell_runs_and_a_refusal_is_said() {
    let mut cfg = Config::builtin();
    cfg.dev.ssh_key = Some("~/.ssh/lab.pem".into());
    let cloud = DemoCloud::new(DemoTimings::default());
    let mut running = instance(InstanceState::Running);
    running.public_dns = Some("ec2-54-1-2-3.compute-1.amazonaws.com".into());
    let plan = Arc::new(shell::prepare(&cloud, &cfg, &running, &Tools::all()).await.unwrap());
    assert_eq!(plan.method, Method::Ssh);

    let mut s = with(InstanceState::Running, &aws());
    update(&mut s, Action::ShellRequested);
    let fx = update(&mut s, Action::ShellPrepared(Ok(plan.clone())));
    assert_eq!(fx, vec![Effect::RunShell(plan)]);
    assert!(s.shell_opening.is_none());
    assert!(notice(&s).1.contains("ssh -i ~/.ssh/lab.pem ec2-user@ec2-54-1-2-3"), "{:?}", s.notice);

    update(&mut s, Action::ShellRequested);
    let refusal = ShellError::NoWay {
        id: "i-0db5237193478dd8d".into(),
        reasons: vec!["ssh is not installed".into()],
        refused: None,
    };
    assert!(update(&mut s, Action::ShellPrepared(Err(Arc::new(refusal.clone())))).is_empty());
    assert_eq!(notice(&s), (Level::Error, refusal.to_string()));
    assert!(s.shell_opening.is_none(), "o works again");
}

#[test]
fn back_from_the_shell_the_box_is_read_again_and_the_end_is_said() {
    let mut s = with(InstanceState::Running, &aws());
    let ended = |result| Action::ShellEnded {
        instance_id: "i-0db5237193478dd8d".into(),
        program: "ssh".into(),
        result,
    };
    let fx = update(&mut s, ended(Ok(ExitStatus::from_raw(0))));
    assert!(fx.iter().any(|f| matches!(f, Effect::FetchInstances { .. })), "{fx:?}");
    assert_eq!(notice(&s), (Level::Info, "back from the shell on i-0db5237193478dd8d".into()));
    update(&mut s, ended(Ok(ExitStatus::from_raw(255 << 8))));
    let (level, text) = notice(&s);
    assert_eq!(level, Level::Warn);
    assert!(text.contains("exit status 255: the connection or the login failed"), "{text}");
    update(&mut s, ended(Err("No such file or directory (os error 2)".into())));
    assert_eq!(notice(&s), (Level::Error, "cannot run ssh: No such file or directory (os error 2)".into()));
}
