//! Dev mode from the panel: key `d` plans the switch, a dialog shows the one-line diff, and
//! (when the box is up) offers to stop it, wait, then switch.

use std::sync::Arc;

use jiff::SignedDuration;

use super::{Choice, DevInfo, DevUnknown, Dialog, Intent, Level, Notice, State};
use crate::action::{DevSwitch, Effect};
use crate::chat::notice::{ActionNotice, mode_words};
use crate::cloud::InstanceState;
use crate::devmode::DevError;
use crate::devmode::{Applied, Plan};
use crate::timefmt::human_duration;
use crate::userdata::Mode;

fn notice(s: &mut State, level: Level, text: impl Into<String>) {
    s.notice = Some(Notice { level, text: text.into() });
}

/// Key `d`: plan the opposite of the current mode for the selected instance.
pub(super) fn request(s: &mut State) -> Vec<Effect> {
    if super::runs::read_only_refusal(s, "switching dev mode") {
        return vec![];
    }
    let Some(i) = s.instance() else {
        let why = super::guide::no_instance(s, "dev mode cannot be switched");
        notice(s, Level::Warn, why);
        return vec![];
    };
    let id = i.id.clone();
    if s.dev_unknown().is_some() {
        notice(
            s,
            Level::Warn,
            "dev mode is unknown until the user data is read again: wait for it, or press r",
        );
        return vec![];
    }
    let on = !s.dev_mode_on();
    notice(s, Level::Info, "reading the user data…");
    vec![Effect::PlanDev { id, on }]
}

/// The plan arrived: show the dialog, or why there is nothing to do.
pub(super) fn planned(s: &mut State, result: Result<Plan, Arc<DevError>>) {
    let result = result.map_err(|e| e.to_string());
    let plan = match result {
        Err(e) => return notice(s, Level::Error, e),
        Ok(p) => p,
    };
    if !plan.changed() {
        let mode = plan.current_mode.map(|m| m.to_string()).unwrap_or_default();
        return notice(s, Level::Info, format!("already in {mode} mode: nothing to change"));
    }
    s.notice = None;
    let turning_on = plan.new_mode == Some(Mode::Dev);
    let title = if turning_on { "Turn dev mode ON?" } else { "Turn dev mode OFF?" };
    let mut lines = vec![(Level::Info, format!("Instance {} ({})", plan.id(), plan.instance.state))];
    lines.push((Level::Info, String::new()));
    lines.extend(plan.diff().lines().map(|l| (Level::Info, l.to_string())));
    lines.push((Level::Info, String::new()));
    lines.push(if turning_on {
        (
            Level::Warn,
            "Boots will NOT run run-baseline.sh — including the Monday schedule — until dev mode is off."
                .into(),
        )
    } else {
        (Level::Info, "Boots run run-baseline.sh again (the box then builds, posts and shuts down).".into())
    });
    for w in &plan.warnings {
        lines.push((Level::Warn, w.to_string()));
    }
    lines.push((Level::Info, "The user data is backed up first and read back after the write.".into()));
    let mut choices = vec![Choice::cancel("No")];
    if plan.needs_stop() {
        let up =
            plan.instance.uptime(s.now).map(|d| format!(" (up {})", human_duration(d))).unwrap_or_default();
        lines.push((
            Level::Warn,
            format!(
                "The instance is {}{up}: EC2 changes user data only while it is stopped.",
                plan.instance.state
            ),
        ));
        if plan.instance.state == InstanceState::Running && !s.dev_mode_on() {
            lines.push((Level::Warn, "Stopping ends the run in progress.".into()));
        }
        choices.push(Choice::doing(
            "Stop, wait, then switch",
            Intent::DevSwitch(DevSwitch { plan: Box::new(plan), stop_first: true }),
        ));
    } else {
        choices.push(Choice::doing(
            "Yes, switch",
            Intent::DevSwitch(DevSwitch { plan: Box::new(plan), stop_first: false }),
        ));
    }
    s.dialog = Some(Dialog::new(title, lines, choices));
}

/// A confirmed dev-mode switch: say so and carry it out.
pub(super) fn execute(s: &mut State, switch: DevSwitch) -> Vec<Effect> {
    let what = if switch.stop_first {
        "stopping, waiting until stopped, then switching…"
    } else {
        "switching dev mode (backup, write, read back)…"
    };
    notice(s, Level::Info, what);
    vec![Effect::SwitchDev(switch)]
}

/// The first wait before reading the user data again after a failed read, while dev mode is
/// unknown; it doubles up to [`MAX_REREAD`].
const FIRST_REREAD: SignedDuration = SignedDuration::from_secs(2);
/// The longest wait between two reads while dev mode is unknown.
const MAX_REREAD: SignedDuration = SignedDuration::from_secs(60);

/// Asks for a read of the instance's user data, numbered.
pub(super) fn fetch(s: &mut State, id: String) -> Effect {
    s.dev_seq += 1;
    Effect::FetchDevInfo { id, seq: s.dev_seq }
}

/// The switch was carried out (or not): report and read the user data again. After any
/// failure dev mode is unknown (the write may have landed, or may still land) until a read
/// answers.
pub(super) fn applied(s: &mut State, id: String, result: Result<Applied, Arc<DevError>>) -> Vec<Effect> {
    let result = result.map_err(|e| e.to_string());
    let mut fx = Vec::new();
    let read = fetch(s, id.clone());
    match result {
        Err(e) => {
            notice(s, Level::Error, e.clone());
            s.dev_unknown = Some(DevUnknown {
                id,
                why: e,
                last_read: None,
                since_seq: s.dev_seq,
                next_read: None,
                backoff: FIRST_REREAD,
            });
        }
        Ok(a) => {
            if s.dev_unknown.as_ref().is_some_and(|u| u.id == a.instance_id) {
                s.dev_unknown = None;
            }
            let mode = mode_words(a.mode);
            let backup = a.backup.as_ref().map(|p| format!(" (backup: {})", p.display())).unwrap_or_default();
            notice(s, Level::Info, format!("{mode} for {}{backup}", a.instance_id));
            let done = ActionNotice::UserData { id: &a.instance_id, mode: a.mode };
            fx.extend(crate::state::slack::announce(s, done));
        }
    }
    fx.push(read);
    fx.push(Effect::FetchInstances { seq: s.instance_poll.issue() });
    fx
}

/// A read of the user data answered.
pub(super) fn loaded(s: &mut State, id: String, seq: u64, result: Result<DevInfo, Arc<DevError>>) {
    let result = result.map_err(|e| e.to_string());
    if let Some(u) = s.dev_unknown.as_mut().filter(|u| u.id == id) {
        if seq < u.since_seq {
            return; // asked for before the write ended: it says nothing about the write
        }
        match result {
            Ok(_) => s.dev_unknown = None,
            Err(e) => {
                u.last_read = Some(e);
                u.next_read = Some(s.now + u.backoff);
                u.backoff = (u.backoff * 2).min(MAX_REREAD);
                return;
            }
        }
    }
    match result {
        Ok(info) => {
            s.dev.value = Some((id, info));
            s.dev.ok_at = Some(s.now);
            s.dev.error = None;
        }
        // An answer about an instance no longer selected is old news.
        Err(e) if s.instance().is_some_and(|i| i.id == id) => s.dev.error = Some(e),
        Err(_) => {}
    }
}

/// Reads the user data again when dev mode is unknown and the wait is over.
pub(super) fn reread_due(s: &mut State) -> Option<Effect> {
    let u = s.dev_unknown.as_mut()?;
    if u.next_read.is_none_or(|t| t > s.now) {
        return None;
    }
    u.next_read = None;
    let id = u.id.clone();
    Some(fetch(s, id))
}

/// The SSH command for the selected box when it runs in dev mode.
pub fn ssh_hint(s: &State) -> Option<String> {
    let i = s.instance().filter(|i| i.state == InstanceState::Running)?;
    let host = i.public_dns.as_deref().or(i.public_ip.as_deref())?;
    s.dev_mode_on().then(|| crate::shell::ssh_command(&s.dev_config, host))
}

/// Key `c`: copy the SSH command to the clipboard (OSC 52).
pub(super) fn copy_ssh(s: &mut State) -> Vec<Effect> {
    if let Some(cmd) = ssh_hint(s) {
        notice(s, Level::Info, format!("copied: {cmd}"));
        vec![Effect::Copy(cmd)]
    } else {
        notice(s, Level::Warn, "nothing to copy: the SSH command shows when the box runs in dev mode");
        vec![]
    }
}

/// A warning when a dev-mode box has been up longer than the configured limit.
pub fn long_dev_session(s: &State) -> Option<String> {
    let i = s.instance()?;
    let up = i.uptime(s.now)?;
    (s.dev_mode_on() && up > s.dev_config.max_up).then(|| {
        format!(
            "dev-mode box up {} (more than {}): stop it when you are done (x)",
            human_duration(up),
            human_duration(s.dev_config.max_up)
        )
    })
}

/// Reads the user data again when the selected instance changed, or every few minutes (a
/// failed or uncertain write has its own reads: [`reread_due`]).
pub(super) fn info_due(state: &mut State) -> Option<Effect> {
    let id = state.instance()?.id.clone();
    if state.dev_unknown().is_some() {
        return None;
    }
    let known = state.dev.value.as_ref().is_some_and(|(i, _)| *i == id);
    let fresh = state.dev.ok_at.is_some_and(|t| state.now.duration_since(t).as_secs() < 300);
    (!known || !fresh).then(|| fetch(state, id))
}
