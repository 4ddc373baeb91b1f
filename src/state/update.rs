//! `update`: the only place the state changes. Pure: no I/O, no clock.

use super::{
    Intent, Level, Notice, Overlay, State, activity, cost, dev, doctor, instances, logs, moving, pace, runs,
    schedule, shell, slack, timeline,
};
use crate::action::{Action, Effect, Power, Write};
use crate::chat::notice::ActionNotice;

/// Applies one action to the state and returns the work to do next.
// One arm per action, exhaustive by design; each arm hands off to its reducer.
#[allow(clippy::too_many_lines)]
pub fn update(state: &mut State, action: Action) -> Vec<Effect> {
    let mut fx = Vec::new();
    match action {
        Action::Tick(now) => {
            state.now = now;
            pace::hurry_due(state);
            if let Some(seq) = state.instance_poll.due(now) {
                fx.push(Effect::FetchInstances { seq });
            }
            if let Some(seq) = state.schedule_poll.due(now) {
                fx.push(Effect::FetchSchedule { seq });
            }
            fx.extend(timeline::refresh(state));
            fx.extend(dev::reread_due(state));
            fx.extend(activity::due(state));
        }
        Action::ToggleActivity => fx.extend(activity::toggle(state)),
        Action::ActivityLoaded { seq, result } => {
            activity::loaded(state, seq, result);
            fx.extend(timeline::refresh(state));
        }
        Action::DevRequested => fx.extend(dev::request(state)),
        Action::ExportRequested => fx.extend(timeline::export(state)),
        Action::Exported(result) => {
            state.notice = Some(match result {
                Ok(saved) => Notice {
                    level: Level::Info,
                    text: format!("saved {} lines of the run log to {}", saved.lines, saved.path.display()),
                },
                Err(e) => Notice { level: Level::Error, text: e.to_string() },
            });
        }
        Action::ToggleHistory => {
            state.show_history = !state.show_history;
            state.activity.shown &= !state.show_history;
            fx.extend(timeline::past_due(state, state.show_history));
        }
        Action::HistoryStep(delta) => timeline::step(state, delta),
        Action::HistoryOpen => fx.extend(timeline::open_selected(state)),
        Action::PastLoaded { id, until, result } => {
            fx.extend(timeline::past_loaded(state, &id, until, result));
        }
        Action::RunLogLoaded { from, result } => timeline::run_log_loaded(state, from, result),
        Action::DevPlanned(result) => dev::planned(state, result),
        Action::DevApplied { id, result } => {
            pace::after_action(state);
            if let Ok(applied) = &result {
                activity::own_dev(state, applied);
            }
            fx.extend(dev::applied(state, id, result));
        }
        Action::ScheduleToggleRequested => fx.extend(schedule::request_toggle(state)),
        Action::MoveRequested => fx.extend(moving::request(state)),
        Action::MoveStepDone { step, result, last } => {
            fx.extend(moving::step_done(state, step, result, last));
        }
        Action::CopySsh => fx.extend(dev::copy_ssh(state)),
        Action::ShellRequested => fx.extend(shell::request(state)),
        Action::ShellPrepared(result) => fx.extend(shell::prepared(state, result)),
        Action::ShellEnded { instance_id, program, result } => {
            fx.extend(shell::ended(state, &instance_id, &program, result));
        }
        Action::ScheduleLoaded { seq, result } => schedule::loaded(state, seq, result),
        Action::Quit => state.should_quit = true,
        Action::NextBox => instances::next_box(state),
        Action::ShowFleet => {
            state.to_fleet = true;
            state.should_quit = true;
        }
        Action::Refresh => fx.extend(instances::refresh(state)),
        Action::ToggleHelp => {
            state.overlay = if state.overlay == Some(Overlay::Help) { None } else { Some(Overlay::Help) };
        }
        Action::ShowMessage => {
            if !state.messages().is_empty() {
                state.overlay = Some(Overlay::Message);
            }
        }
        // Esc, from the inside out: an overlay; the search or filter the log pane shows; the
        // banner; the footer message; an opened past run (back to the followed log); last, with
        // several boxes, the fleet view.
        Action::Dismiss => {
            let view = &state.log_pane().view;
            let searching =
                !state.show_history && (view.search_query().is_some() || view.filter_query().is_some());
            if state.overlay.is_some() {
                state.overlay = None;
            } else if searching {
                let height = state.log_height();
                logs::apply(&mut state.logs, &mut state.log_source, crate::state::LogKey::Clear, height);
            } else if state.banner.is_some() {
                state.banner = None;
            } else if state.notice.is_some() {
                state.notice = None;
            } else if state.runs.opened.is_some() && state.log_source == crate::state::LogSource::Run {
                // Back to the followed lines: read them again from the launch.
                state.following = None;
                fx.extend(instances::follow_due(state));
            } else if state.context.boxes.len() > 1 {
                // Nothing left to close: back to the fleet view.
                state.to_fleet = true;
                state.should_quit = true;
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
            if let Some(dlg) = state.dialog.take() {
                let intent = dlg.pick(index);
                if matches!(intent, Some(Intent::Write(Write::Power(_)) | Intent::DevSwitch(_))) {
                    pace::after_action(state);
                }
                match intent {
                    Some(Intent::PostMessage) => fx.extend(slack::confirm(state, dlg)),
                    Some(Intent::MoveCompare) => moving::compare(state, &dlg),
                    Some(Intent::Move(mv)) => fx.extend(moving::execute(state, mv)),
                    Some(Intent::Write(write)) => fx.extend(runs::execute(state, write)),
                    Some(Intent::DevSwitch(switch)) => fx.extend(dev::execute(state, switch)),
                    // Enter on "No" says what n and Esc say.
                    None => state.notice = Some(cancelled()),
                }
            }
        }
        Action::DialogYes => {
            if let Some(i) = state.dialog.as_ref().and_then(super::dialog::Dialog::only_yes) {
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
                state.notice = Some(cancelled());
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
            if let Write::Power(_) = &write {
                pace::after_action(state);
            }
            if result.is_ok() {
                activity::own_write(state, &write);
            }
            match (&write, &result) {
                (Write::Power(Power::Start(ids)), Ok(())) => {
                    fx.extend(slack::announce(state, ActionNotice::RunStarted(ids)));
                }
                (Write::Power(Power::Stop(ids)), Ok(())) => {
                    fx.extend(slack::announce(state, ActionNotice::Stopped(ids)));
                }
                _ => {}
            }
            fx.extend(runs::done(state, &write, result));
        }
        Action::PricesLoaded(prices) => cost::loaded(state, *prices),
        Action::SlackCompose => slack::compose(state),
        Action::SlackPosted { kind, result, demo_channel } => {
            slack::posted(state, kind, result, demo_channel);
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
        Action::SelectNext => instances::select(state, 1),
        Action::SelectPrev => instances::select(state, -1),
        Action::Resize { size, log_rows } => {
            state.size = size;
            state.log_rows = log_rows;
        }
        Action::Suspend => fx.push(Effect::Suspend),
        Action::InstancesLoaded { seq, result } => fx.extend(instances::loaded(state, seq, result)),
    }
    fx
}

/// The notice of a dialog closed without doing anything.
fn cancelled() -> Notice {
    Notice { level: Level::Info, text: "cancelled: nothing changed".into() }
}

#[cfg(test)]
mod dev_tests;
#[cfg(test)]
mod move_tests;
#[cfg(test)]
mod runs_tests;
#[cfg(test)]
mod shell_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod timeline_tests;
