//! A shell on the running box from the panel (key `o`): the way to reach it is chosen and made
//! ready in the background, then the panel gives the terminal to the shell and takes it back
//! when the shell ends.

use std::process::ExitStatus;
use std::sync::Arc;

use super::{Level, Notice, State, instances};
use crate::action::Effect;
use crate::backends::Account;
use crate::cloud::InstanceState;
use crate::shell::{Plan, ShellError};

fn notice(s: &mut State, level: Level, text: impl Into<String>) {
    s.notice = Some(Notice { level, text: text.into() });
}

/// Key `o`: open a shell on the selected instance, when it runs.
pub(super) fn request(s: &mut State) -> Vec<Effect> {
    if s.context.mode == Account::Demo {
        notice(s, Level::Warn, "demo mode: the simulated box has no shell to open");
        return vec![];
    }
    let Some(i) = s.instance() else {
        notice(s, Level::Warn, "no instance known yet: wait for EC2's answer or press r");
        return vec![];
    };
    if i.state != InstanceState::Running {
        let text = format!("the box is {}: a shell needs it running", i.state.name());
        notice(s, Level::Warn, text);
        return vec![];
    }
    if s.shell_opening.is_some() {
        notice(s, Level::Info, "a shell is being opened already…");
        return vec![];
    }
    let instance = Box::new(i.clone());
    s.shell_opening = Some(instance.id.clone());
    notice(s, Level::Info, format!("opening a shell on {}…", instance.id));
    vec![Effect::PrepareShell(instance)]
}

/// The way to the box is ready (the shell runs next), or why there is none.
pub(super) fn prepared(s: &mut State, result: Result<Arc<Plan>, Arc<ShellError>>) -> Vec<Effect> {
    s.shell_opening = None;
    match result {
        Ok(plan) => {
            notice(s, Level::Info, format!("opening a shell on {}", plan.summary()));
            vec![Effect::RunShell(plan)]
        }
        Err(e) => {
            notice(s, Level::Error, e.to_string());
            vec![]
        }
    }
}

/// The shell ended and the panel has the terminal back: say how, and look at the box again
/// (it may have been stopped from the shell).
pub(super) fn ended(
    s: &mut State,
    instance_id: &str,
    program: &str,
    result: Result<ExitStatus, String>,
) -> Vec<Effect> {
    let fx = instances::refresh(s);
    let (level, text) = match result {
        Ok(status) if status.success() => (Level::Info, format!("back from the shell on {instance_id}")),
        Ok(status) => (Level::Warn, crate::shell::ended(program, status)),
        Err(why) => (Level::Error, format!("cannot run {program}: {why}")),
    };
    notice(s, level, text);
    fx
}
