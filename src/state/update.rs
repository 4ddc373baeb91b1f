//! `update`: the only place the state changes. Pure: no I/O, no clock.

use super::{Level, Notice, Overlay, State};
use crate::action::{Action, Effect};

/// Applies one action to the state and returns the work to do next.
pub fn update(state: &mut State, action: Action) -> Vec<Effect> {
    let mut fx = Vec::new();
    match action {
        Action::Tick(now) => {
            state.now = now;
            if let Some(seq) = state.instance_poll.due(now) {
                fx.push(Effect::FetchInstances { seq });
            }
        }
        Action::Quit => state.should_quit = true,
        Action::Refresh => {
            let seq = state.instance_poll.issue();
            fx.push(Effect::FetchInstances { seq });
            state.notice = Some(Notice {
                level: Level::Info,
                text: "refreshing…".into(),
            });
        }
        Action::ToggleHelp => {
            state.overlay = match state.overlay {
                Some(Overlay::Help) => None,
                None => Some(Overlay::Help),
            };
        }
        Action::Dismiss => {
            if state.overlay.is_some() {
                state.overlay = None;
            } else {
                state.notice = None;
            }
        }
        Action::SelectNext | Action::SelectPrev => {
            let n = state.instances.value.as_ref().map_or(0, Vec::len);
            if n > 0 {
                let step = if matches!(action, Action::SelectNext) {
                    1
                } else {
                    n - 1
                };
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
            if state
                .notice
                .as_ref()
                .is_some_and(|n| n.text == "refreshing…")
            {
                state.notice = None;
            }
            match result {
                Ok(list) => {
                    state.selected = state.selected.min(list.len().saturating_sub(1));
                    state.instances.value = Some(list);
                    state.instances.ok_at = Some(state.now);
                    state.instances.error = None;
                }
                Err(e) => state.instances.error = Some(e.to_string()),
            }
        }
    }
    fx
}

#[cfg(test)]
mod tests;
