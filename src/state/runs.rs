//! Starting and stopping the box from the panel.

use super::{Choice, Dialog, Intent, Level, Notice, State};
use crate::action::Effect;
use crate::cloud::InstanceState;

fn notice(s: &mut State, level: Level, text: impl Into<String>) {
    s.notice = Some(Notice { level, text: text.into() });
}

/// The refusal when writes are disabled, if they are.
pub(super) fn read_only_refusal(s: &mut State, what: &str) -> bool {
    if s.context.read_only {
        notice(
            s,
            Level::Warn,
            format!("read-only mode: {what} is disabled (--read-only or panel.read_only)"),
        );
    }
    s.context.read_only
}

/// Key `s`: refuse when a run is in progress, else check permission before asking.
pub(super) fn request_start(s: &mut State) -> Vec<Effect> {
    if read_only_refusal(s, "starting a run") {
        return vec![];
    }
    let Some(list) = s.instances.value.clone() else {
        notice(s, Level::Warn, "no instance known yet: wait for EC2's answer or press r");
        return vec![];
    };
    if let Some(busy) = list.iter().find(|i| i.state != InstanceState::Stopped) {
        notice(s, Level::Warn, format!("{} is {}: start it only when it is stopped", busy.id, busy.state));
        return vec![];
    }
    notice(s, Level::Info, "checking permission (DryRun)…");
    vec![Effect::Precheck(Intent::Start(list.iter().map(|i| i.id.clone()).collect()))]
}

/// Key `x`: stop whatever is pending or running, after a permission check and a dialog.
pub(super) fn request_stop(s: &mut State) -> Vec<Effect> {
    if read_only_refusal(s, "stopping") {
        return vec![];
    }
    let ids: Vec<String> = s
        .instances
        .value
        .iter()
        .flatten()
        .filter(|i| matches!(i.state, InstanceState::Pending | InstanceState::Running))
        .map(|i| i.id.clone())
        .collect();
    if ids.is_empty() {
        notice(s, Level::Warn, "nothing to stop: no instance is pending or running");
        return vec![];
    }
    notice(s, Level::Info, "checking permission (DryRun)…");
    vec![Effect::Precheck(Intent::Stop(ids))]
}

/// A pre-check answered: open the dialog, or say what is not permitted.
pub(super) fn prechecked(s: &mut State, intent: Intent, result: Result<(), crate::cloud::CloudError>) {
    match (result, intent) {
        (Err(e), _) => notice(s, Level::Error, e.to_string()),
        (Ok(()), Intent::Start(ids)) => {
            s.notice = None;
            s.dialog = Some(start_dialog(s, ids));
        }
        (Ok(()), Intent::Stop(ids)) => {
            s.notice = None;
            s.dialog = Some(stop_dialog(s, ids));
        }
        (Ok(()), _) => {}
    }
}

fn describe(s: &State, ids: &[String]) -> Vec<(Level, String)> {
    let mut lines: Vec<(Level, String)> = s
        .instances
        .value
        .iter()
        .flatten()
        .filter(|i| ids.contains(&i.id))
        .map(|i| {
            (Level::Info, format!("  {} ({}) — {}", i.id, i.name.as_deref().unwrap_or("no name"), i.state))
        })
        .collect();
    if ids.len() > 1 {
        lines.insert(
            0,
            (
                Level::Warn,
                format!(
                    "{} instances match {}: all of them, like the Monday Lambda.",
                    ids.len(),
                    s.context.target
                ),
            ),
        );
    }
    lines
}

fn start_dialog(s: &State, ids: Vec<String>) -> Dialog {
    let mut lines = describe(s, &ids);
    lines.push((Level::Info, String::new()));
    let mode = s.dev_info().map(|d| d.mode);
    let (warn, note) = crate::run::start_note(mode);
    lines.push((if warn { Level::Warn } else { Level::Info }, note));
    // In dev mode the boot is a dev session, not a run: the title says what starts.
    let title = match mode {
        Some(crate::userdata::Mode::Run) => "Start a run?",
        Some(crate::userdata::Mode::Dev) => "Start a dev session?",
        None => "Start the box?",
    };
    Dialog::new(title, lines, vec![Choice::cancel("No"), Choice::doing("Yes, start", Intent::Start(ids))])
}

fn stop_dialog(s: &State, ids: Vec<String>) -> Dialog {
    let mut lines = describe(s, &ids);
    lines.push((Level::Info, String::new()));
    let (warn, text) = crate::run::stop_warning(s.timeline().current(), s.now);
    lines.push((if warn { Level::Warn } else { Level::Info }, text));
    Dialog::new(
        "Stop the box?",
        lines,
        vec![Choice::cancel("No"), Choice::doing("Yes, stop", Intent::Stop(ids))],
    )
}

/// A confirmed intent: say so and carry it out.
pub(super) fn execute(s: &mut State, intent: Intent) -> Vec<Effect> {
    let what = match &intent {
        Intent::Start(_) => "starting…",
        Intent::Stop(_) => "stopping…",
        Intent::DevSwitch { stop_first: true, .. } => "stopping, waiting until stopped, then switching…",
        Intent::DevSwitch { .. } => "switching dev mode (backup, write, read back)…",
        Intent::SetSchedule(true) => "enabling the schedule…",
        Intent::SetSchedule(false) => "disabling the schedule…",
        // Posts are carried out by the Slack state (it holds the dialog's text).
        Intent::PostMessage => return vec![],
    };
    notice(s, Level::Info, what);
    vec![Effect::Execute(intent)]
}

/// An intent was carried out (or failed): report, and look again at once.
pub(super) fn done(
    s: &mut State,
    intent: Intent,
    result: Result<(), crate::cloud::CloudError>,
) -> Vec<Effect> {
    match result {
        Err(e) => {
            notice(s, Level::Error, e.to_string());
            vec![]
        }
        Ok(()) => {
            let text = match &intent {
                Intent::Start(ids) => format!("start requested for {}", ids.join(", ")),
                Intent::Stop(ids) => format!("stop requested for {}", ids.join(", ")),
                Intent::SetSchedule(true) => "schedule enabled".to_string(),
                Intent::SetSchedule(false) => "schedule disabled: no Monday run until enabled".to_string(),
                Intent::DevSwitch { .. } => "dev mode switched".to_string(),
                Intent::PostMessage => return vec![],
            };
            notice(s, Level::Info, text);
            match intent {
                Intent::SetSchedule(_) => vec![Effect::FetchSchedule { seq: s.schedule_poll.issue() }],
                _ => vec![Effect::FetchInstances { seq: s.instance_poll.issue() }],
            }
        }
    }
}
