//! The job box(es): the list and its polling, the selection, and switching to another box.

use super::{Level, Notice, State, dev, timeline};
use crate::action::Effect;
use crate::cloud::{CloudError, Instance};

/// Ends the panel's loop with a request to come back on the box after the current one.
pub(super) fn next_box(state: &mut State) {
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

/// Key `r`: fetch the instances, the user data and the schedule now.
pub(super) fn refresh(state: &mut State) -> Vec<Effect> {
    let mut fx = Vec::new();
    let seq = state.instance_poll.issue();
    fx.push(Effect::FetchInstances { seq });
    if let Some(id) = state.instance().map(|i| i.id.clone()) {
        fx.push(dev::fetch(state, id));
    }
    fx.push(Effect::FetchSchedule { seq: state.schedule_poll.issue() });
    state.notice = Some(Notice { level: Level::Info, text: "refreshing…".into() });
    fx
}

/// Tab / Shift-Tab: the next (`step` 1) or previous (-1) instance, wrapping around.
pub(super) fn select(state: &mut State, step: isize) {
    let n = state.instances.value.as_ref().map_or(0, Vec::len);
    if n > 0 {
        let step = if step > 0 { 1 } else { n - 1 };
        state.selected = (state.selected + step) % n;
    }
}

/// The answer to the instance poll numbered `seq`: stale answers are dropped.
pub(super) fn loaded(state: &mut State, seq: u64, result: Result<Vec<Instance>, CloudError>) -> Vec<Effect> {
    let mut fx = Vec::new();
    let ok = result.is_ok();
    let hurry = result.as_ref().is_ok_and(|list| super::pace::in_transition(list));
    if !state.instance_poll.answered(seq, ok, hurry, state.now) {
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
            state.instances_failure = None;
            if state.dev.value.as_ref().map(|(id, _)| id) != state.instance().map(|i| &i.id) {
                state.dev.error = None;
            }
            fx.extend(follow_due(state));
            fx.extend(dev::info_due(state).or_else(|| timeline::kind_due(state)));
            fx.extend(timeline::refresh(state));
            fx.extend(super::cost::due(state));
        }
        Err(e) => {
            let new_cause = state.instances_failure.as_ref().map(CloudError::kind) != Some(e.kind());
            state.instances.error = Some(e.to_string());
            state.instances_failure = Some(e);
            // A first screen that cannot show the box says why in the footer, once per cause.
            if new_cause && state.notice.is_none() {
                state.notice = super::guide::first_notice(state);
            }
        }
    }
    fx
}

/// (Re)starts the log followers when the selected instance or its launch changed: the run log
/// is followed from the launch on, so the pane holds exactly the current (or last) boot; what
/// came before is read back once for the run timeline.
pub(super) fn follow_due(state: &mut State) -> Vec<Effect> {
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
    fx.extend(timeline::past_due(state, true));
    fx
}
