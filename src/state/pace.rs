//! How often the panel asks AWS, decided from what the state knows: the instances fast while
//! the box starts or stops, for a while after each action and around the schedule's fire time,
//! slowly otherwise; the log sources by what is on screen (the feeds read [`State::log_shown`]).
//! The budget this makes is in `docs/performance.md`, section "API budget".

use jiff::{SignedDuration, Timestamp};

use super::{LogSource, State};
use crate::cloud::{Instance, InstanceState};
use crate::schedule::RuleInfo;

/// Fast instance polling starts this long before the scheduled fire time (clocks differ).
pub const FIRE_LEAD: SignedDuration = SignedDuration::from_mins(2);
/// ... and lasts this long after it: `EventBridge` may fire a minute late, and the Lambda's
/// own retries come one and two minutes after a failed first try.
pub const FIRE_TAIL: SignedDuration = SignedDuration::from_mins(10);
/// Fast instance polling after a start, a stop or a dev-mode switch.
pub const AFTER_ACTION: SignedDuration = SignedDuration::from_mins(2);
/// How often the schedule rule (and when it last fired) is read: it rarely changes.
pub const SCHEDULE_EVERY: SignedDuration = SignedDuration::from_mins(10);

/// The window around a fire time of `info`'s schedule that holds `now`, if any: from
/// [`FIRE_LEAD`] before to [`FIRE_TAIL`] after. None when the rule does not fire or its times
/// are estimates (a rate without an anchor).
pub fn fire_window(info: &RuleInfo, now: Timestamp) -> Option<(Timestamp, Timestamp)> {
    let schedule = info.schedule.as_ref().ok().filter(|s| s.is_exact() && info.state.fires())?;
    let fire = schedule.next_after(now - FIRE_TAIL)?;
    (fire - FIRE_LEAD <= now).then_some((fire - FIRE_LEAD, fire + FIRE_TAIL))
}

/// True when an instance is on its way up or down: its next state is seconds away.
pub fn in_transition(list: &[Instance]) -> bool {
    list.iter().any(|i| {
        matches!(i.state, InstanceState::Pending | InstanceState::Stopping | InstanceState::ShuttingDown)
    })
}

/// At each tick: inside the fire window, poll the instances fast until its end.
pub(super) fn hurry_due(state: &mut State) {
    let window = state.schedule.value.as_ref().and_then(|(info, _)| fire_window(info, state.now));
    if let Some((_, end)) = window {
        state.instance_poll.hurry_until(end);
    }
}

/// After a start, a stop or a dev-mode switch: poll the instances fast for [`AFTER_ACTION`].
pub(super) fn after_action(state: &mut State) {
    state.instance_poll.hurry_until(state.now + AFTER_ACTION);
}

impl State {
    /// The followed log source on screen: none while the run history or the activity is
    /// shown, or while the run log pane shows a past run.
    pub fn log_shown(&self) -> Option<LogSource> {
        let past = self.log_source == LogSource::Run && self.runs.opened.is_some();
        (!self.show_history && !self.activity.shown && !past).then_some(self.log_source)
    }
}

#[cfg(test)]
#[path = "pace_tests.rs"]
mod tests;
