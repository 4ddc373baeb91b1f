//! Starting and stopping the box from the panel.

use super::{Choice, Dialog, Intent, Level, Notice, State};
use crate::action::{Effect, Power, Write};
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
        let why = super::guide::no_instance(s, "nothing to start");
        notice(s, Level::Warn, why);
        return vec![];
    };
    if let Some(busy) = list.iter().find(|i| i.state != InstanceState::Stopped) {
        notice(s, Level::Warn, format!("{} is {}: start it only when it is stopped", busy.id, busy.state));
        return vec![];
    }
    notice(s, Level::Info, "checking permission (DryRun)…");
    vec![Effect::Precheck(Power::Start(list.iter().map(|i| i.id.clone()).collect()))]
}

/// Key `x`: stop whatever is pending or running, after a permission check and a dialog.
pub(super) fn request_stop(s: &mut State) -> Vec<Effect> {
    if read_only_refusal(s, "stopping") {
        return vec![];
    }
    if s.instances.value.is_none() {
        let why = super::guide::no_instance(s, "nothing to stop");
        notice(s, Level::Warn, why);
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
    vec![Effect::Precheck(Power::Stop(ids))]
}

/// A pre-check answered: open the dialog, or say what is not permitted.
pub(super) fn prechecked(s: &mut State, power: Power, result: Result<(), crate::cloud::CloudError>) {
    match (result, power) {
        (Err(e), _) => notice(s, Level::Error, e.to_string()),
        (Ok(()), Power::Start(ids)) => {
            s.notice = None;
            s.dialog = Some(start_dialog(s, ids));
        }
        (Ok(()), Power::Stop(ids)) => {
            s.notice = None;
            s.dialog = Some(stop_dialog(s, ids));
        }
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
    let title = crate::run::text::start_question(mode);
    Dialog::new(
        title,
        lines,
        vec![
            Choice::cancel("No"),
            Choice::doing("Yes, start", Intent::Write(Write::Power(Power::Start(ids)))),
        ],
    )
}

fn stop_dialog(s: &State, ids: Vec<String>) -> Dialog {
    let mut lines = describe(s, &ids);
    lines.push((Level::Info, String::new()));
    let (warn, text) = crate::run::stop_warning(s.timeline().current(), s.now);
    lines.push((if warn { Level::Warn } else { Level::Info }, text));
    Dialog::new(
        "Stop the box?",
        lines,
        vec![Choice::cancel("No"), Choice::doing("Yes, stop", Intent::Write(Write::Power(Power::Stop(ids))))],
    )
}

/// A confirmed write: say so and carry it out.
pub(super) fn execute(s: &mut State, write: Write) -> Vec<Effect> {
    let what = match &write {
        Write::Power(Power::Start(_)) => "starting…",
        Write::Power(Power::Stop(_)) => "stopping…",
        Write::SetSchedule(true) => "enabling the schedule…",
        Write::SetSchedule(false) => "disabling the schedule…",
    };
    notice(s, Level::Info, what);
    vec![Effect::Execute(write)]
}

/// An intent was carried out (or failed): report, and look again at once.
pub(super) fn done(
    s: &mut State,
    write: &Write,
    result: Result<(), crate::cloud::CloudError>,
) -> Vec<Effect> {
    if let Err(e) = result {
        notice(s, Level::Error, e.to_string());
        vec![]
    } else {
        let text = match write {
            Write::Power(Power::Start(ids)) => format!("start requested for {}", ids.join(", ")),
            Write::Power(Power::Stop(ids)) => format!("stop requested for {}", ids.join(", ")),
            Write::SetSchedule(true) => "schedule enabled".to_string(),
            Write::SetSchedule(false) => "schedule disabled: no Monday run until enabled".to_string(),
        };
        notice(s, Level::Info, text);
        match write {
            Write::SetSchedule(_) => vec![Effect::FetchSchedule { seq: s.schedule_poll.issue() }],
            Write::Power(_) => vec![Effect::FetchInstances { seq: s.instance_poll.issue() }],
        }
    }
}
