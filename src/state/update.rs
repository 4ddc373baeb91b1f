//! `update`: the only place the state changes. Pure: no I/O, no clock.

use super::{Intent, Level, Notice, Overlay, State, dev, doctor, logs, runs, schedule, slack, timeline};
use crate::action::{Action, Effect, Power, Write};

/// Ends the panel's loop with a request to come back on the box after the current one.
fn next_box(state: &mut State) {
    let boxes = &state.context.boxes;
    if boxes.len() < 2 {
        let text = "only one box is configured ([boxes.NAME] in the config file adds more)";
        state.notice = Some(Notice { level: Level::Info, text: text.into() });
        return;
    }
    let at = boxes.iter().position(|b| *b == state.context.box_name).unwrap_or(0);
    state.switch_to = Some(boxes[(at + 1) % boxes.len()].clone());
    state.should_quit = true;
}

/// Applies one action to the state and returns the work to do next.
pub fn update(state: &mut State, action: Action) -> Vec<Effect> {
    let mut fx = Vec::new();
    match action {
        Action::Tick(now) => {
            state.now = now;
            if let Some(seq) = state.instance_poll.due(now) {
                fx.push(Effect::FetchInstances { seq });
            }
            if let Some(seq) = state.schedule_poll.due(now) {
                fx.push(Effect::FetchSchedule { seq });
            }
            fx.extend(timeline::refresh(state));
            fx.extend(dev::reread_due(state));
        }
        Action::DevRequested => fx.extend(dev::request(state)),
        Action::ExportRequested => fx.extend(export(state)),
        Action::Exported(result) => {
            state.notice = Some(match result {
                Ok(saved) => Notice {
                    level: Level::Info,
                    text: format!("saved {} lines of the run log to {}", saved.lines, saved.path.display()),
                },
                Err(e) => Notice { level: Level::Error, text: e.to_string() },
            })
        }
        Action::ToggleHistory => {
            state.show_history = !state.show_history;
            fx.extend(past_due(state, state.show_history));
        }
        Action::HistoryStep(delta) => timeline::step(state, delta),
        Action::HistoryOpen => fx.extend(timeline::open_selected(state)),
        Action::PastLoaded { id, until, result } => {
            if state.runs.instance_id.as_deref() == Some(id.as_str()) && state.runs.live_from == Some(until) {
                match result {
                    Ok(past) => state.runs.past_loaded(until, past),
                    Err(e) => {
                        state.runs.reading = false;
                        state.runs.past_error = Some(e.to_string());
                    }
                }
                fx.extend(timeline::refresh(state));
            }
        }
        Action::RunLogLoaded { from, result } => timeline::run_log_loaded(state, from, result),
        Action::DevPlanned(result) => dev::planned(state, result),
        Action::DevApplied { id, result } => fx.extend(dev::applied(state, id, result)),
        Action::ScheduleToggleRequested => fx.extend(schedule::request_toggle(state)),
        Action::CopySsh => fx.extend(dev::copy_ssh(state)),
        Action::ScheduleLoaded { seq, result } => {
            if state.schedule_poll.answered(seq, result.is_ok(), false, state.now) {
                match result {
                    Ok(v) => {
                        state.schedule.value = Some(v);
                        state.schedule.ok_at = Some(state.now);
                        state.schedule.error = None;
                    }
                    Err(e) => state.schedule.error = Some(e.to_string()),
                }
            }
        }
        Action::Quit => state.should_quit = true,
        Action::NextBox => next_box(state),
        Action::Refresh => {
            let seq = state.instance_poll.issue();
            fx.push(Effect::FetchInstances { seq });
            if let Some(id) = state.instance().map(|i| i.id.clone()) {
                fx.push(dev::fetch(state, id));
            }
            fx.push(Effect::FetchSchedule { seq: state.schedule_poll.issue() });
            state.notice = Some(Notice { level: Level::Info, text: "refreshing…".into() });
        }
        Action::ToggleHelp => {
            state.overlay = if state.overlay == Some(Overlay::Help) { None } else { Some(Overlay::Help) };
        }
        Action::Dismiss => {
            if state.overlay.is_some() {
                state.overlay = None;
            } else if state.banner.is_some() {
                state.banner = None;
            } else if state.notice.is_some() {
                state.notice = None;
            } else if state.runs.opened.is_some()
                && state.log_source == crate::state::LogSource::Run
                && state.log_pane().view.search_query().is_none()
                && state.log_pane().view.filter_query().is_none()
            {
                // Back to the followed lines: read them again from the launch.
                state.following = None;
                fx.extend(follow_due(state));
            } else {
                let height = state.log_height();
                logs::apply(&mut state.logs, &mut state.log_source, crate::state::LogKey::Clear, height);
            }
        }
        Action::StartRequested => fx.extend(runs::request_start(state)),
        Action::StopRequested => fx.extend(runs::request_stop(state)),
        Action::DialogStep(d) => {
            if let Some(dlg) = state.dialog.as_mut() {
                dlg.step(d);
            }
        }
        Action::DialogPick(index) => {
            if let Some(dlg) = state.dialog.take()
                && let Some(intent) = dlg.pick(index)
            {
                fx.extend(match intent {
                    Intent::PostMessage => slack::confirm(state, dlg),
                    Intent::Write(write) => runs::execute(state, write),
                    Intent::DevSwitch(switch) => dev::execute(state, switch),
                });
            }
        }
        Action::DialogYes => {
            if let Some(i) = state.dialog.as_ref().and_then(|d| d.only_yes()) {
                return update(state, Action::DialogPick(Some(i)));
            }
        }
        Action::DialogType(c) => {
            if let Some(dlg) = state.dialog.as_mut() {
                dlg.type_char(c);
            }
        }
        Action::DialogBackspace => {
            if let Some(dlg) = state.dialog.as_mut() {
                dlg.backspace();
            }
        }
        Action::DialogCancel => {
            if state.dialog.take().is_some() {
                state.notice = Some(Notice { level: Level::Info, text: "cancelled: nothing changed".into() });
            }
        }
        Action::Log(key) => {
            let height = state.log_height();
            logs::apply(&mut state.logs, &mut state.log_source, key, height);
        }
        Action::LogLines { source, lines, status } => {
            state.ingest(source, &lines);
            let opened = source == crate::state::LogSource::Run && state.runs.opened.is_some();
            if let Some((text, health)) = status.filter(|_| !opened) {
                let pane = &mut state.logs[source.index()];
                pane.status = text;
                pane.health = health;
            }
            if source != crate::state::LogSource::Console && !lines.is_empty() {
                fx.extend(timeline::refresh(state));
            }
        }
        Action::Prechecked { power, result } => runs::prechecked(state, power, result),
        Action::Done { write, result } => {
            if let (Write::Power(Power::Start(ids)), Ok(())) = (&write, &result) {
                fx.extend(slack::run_started(state, ids));
            }
            fx.extend(runs::done(state, write, result));
        }
        Action::SlackCompose => slack::compose(state),
        Action::SlackPosted { kind, result, demo_channel } => {
            slack::posted(state, kind, result, demo_channel)
        }
        Action::DoctorRequested => fx.extend(doctor::request(state)),
        Action::DoctorChecked(checks) => doctor::checked(state, checks),
        Action::DoctorScroll(delta) => doctor::scroll(state, delta),
        Action::Warning(text) => state.notice = Some(Notice { level: Level::Warn, text }),
        Action::DevInfoLoaded { id, seq, result } => {
            if let Ok(info) = &result {
                timeline::remember_kind(state, &id, info.mode);
            }
            let ok = result.is_ok();
            dev::loaded(state, id, seq, result);
            if ok {
                fx.extend(timeline::refresh(state));
            }
        }
        Action::SelectNext | Action::SelectPrev => {
            let n = state.instances.value.as_ref().map_or(0, Vec::len);
            if n > 0 {
                let step = if matches!(action, Action::SelectNext) { 1 } else { n - 1 };
                state.selected = (state.selected + step) % n;
            }
        }
        Action::Resize(w, h) => state.size = (w, h),
        Action::Suspend => fx.push(Effect::Suspend),
        Action::InstancesLoaded { seq, result } => {
            let ok = result.is_ok();
            let active = match &result {
                Ok(list) => list.iter().any(|i| i.state.is_active()),
                Err(_) => state.box_active(),
            };
            if !state.instance_poll.answered(seq, ok, active, state.now) {
                return fx;
            }
            if state.notice.as_ref().is_some_and(|n| n.text == "refreshing…") {
                state.notice = None;
            }
            match result {
                Ok(list) => {
                    state.selected = state.selected.min(list.len().saturating_sub(1));
                    state.instances.value = Some(list);
                    state.instances.ok_at = Some(state.now);
                    state.instances.error = None;
                    if state.dev.value.as_ref().map(|(id, _)| id) != state.instance().map(|i| &i.id) {
                        state.dev.error = None;
                    }
                    fx.extend(follow_due(state));
                    fx.extend(dev_info_due(state).or_else(|| timeline::kind_due(state)));
                    fx.extend(timeline::refresh(state));
                }
                Err(e) => state.instances.error = Some(e.to_string()),
            }
        }
    }
    fx
}

/// (Re)starts the log followers when the selected instance or its launch changed: the run log
/// is followed from the launch on, so the pane holds exactly the current (or last) boot; what
/// came before is read back once for the run timeline.
fn follow_due(state: &mut State) -> Vec<Effect> {
    let Some(i) = state.instance() else { return vec![] };
    let key = (i.id.clone(), i.launch_time);
    if state.following.as_ref() == Some(&key) {
        return vec![];
    }
    let since = i.launch_time.unwrap_or(state.now - jiff::SignedDuration::from_hours(24))
        - jiff::SignedDuration::from_mins(1);
    let instance_id = i.id.clone();
    state.following = Some(key);
    for pane in &mut state.logs {
        pane.buf.clear();
        pane.view.sync(&pane.buf);
    }
    state.runs.restart(&instance_id, since);
    let mut fx = vec![Effect::FollowLogs { instance_id, since }];
    fx.extend(past_due(state, true));
    fx
}

/// Reads the run log back before the followed lines, unless it is read or being read; after a
/// failure only when `retry`.
fn past_due(state: &mut State, retry: bool) -> Option<Effect> {
    let r = &state.runs;
    let (Some(id), Some(until)) = (r.instance_id.clone(), r.live_from) else { return None };
    if r.reading || (r.past_read && r.past_error.is_none()) || (r.past_error.is_some() && !retry) {
        return None;
    }
    state.runs.reading = true;
    Some(Effect::FetchPast { instance_id: id, until })
}

/// Key `e`: save the run shown: the one selected in the history, the opened one, or the
/// current boot.
fn export(state: &mut State) -> Vec<Effect> {
    let Some(i) = state.instance().cloned() else {
        state.notice = Some(Notice { level: Level::Warn, text: "no instance known yet".into() });
        return vec![];
    };
    let window = if state.show_history {
        state.runs.selected_entry().map(|e| (e.started, state.runs.end_of(state.runs.selected)))
    } else {
        state.runs.opened.as_ref().map(|o| (o.started, o.to))
    };
    state.notice = Some(Notice { level: Level::Info, text: "saving the run log…".into() });
    vec![Effect::ExportRunLog { instance: Box::new(i), window }]
}

/// Reads the user data again when the selected instance changed, or every few minutes (a
/// failed or uncertain write has its own reads: [`dev::reread_due`]).
fn dev_info_due(state: &mut State) -> Option<Effect> {
    let id = state.instance()?.id.clone();
    if state.dev_unknown().is_some() {
        return None;
    }
    let known = state.dev.value.as_ref().is_some_and(|(i, _)| *i == id);
    let fresh = state.dev.ok_at.is_some_and(|t| state.now.duration_since(t).as_secs() < 300);
    (!known || !fresh).then(|| dev::fetch(state, id))
}

#[cfg(test)]
mod dev_tests;
#[cfg(test)]
mod runs_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod timeline_tests;
