//! The panel's log feeds: one follower per source for the selected instance, restarted when
//! the instance or its launch changes, paced by what the panel wishes (is the box active, which
//! source is on screen, did the box change state): see [`panel_pace`].

use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use tokio::sync::{mpsc, watch};

use crate::action::Action;
use crate::cloud::InstanceState;
use crate::config::{Config, SettingKeys};
use crate::logs::follow::{FollowHandle, FollowRequest, Pace, spawn_follow_paced};
use crate::logs::{LogBatch, LogStore, PaceWish, Source, SourceStatus};
use crate::state::Health;

/// The running followers and the channel their batches arrive on.
pub struct Feeds {
    store: Arc<dyn LogStore>,
    log_group: String,
    lambda_name: String,
    pace: Pace,
    keys: SettingKeys,
    handles: Vec<FollowHandle>,
    wish: watch::Sender<PaceWish>,
    box_state: Option<InstanceState>,
    tx: mpsc::UnboundedSender<LogBatch>,
    /// Batches from every follower.
    pub rx: mpsc::UnboundedReceiver<LogBatch>,
}

/// The panel's reading pace, from the two poll settings: `F` = `panel.poll_fast_secs` (5 s),
/// `S` = `panel.poll_slow_secs` (60 s).
///
/// | source | box active | box stopped |
/// |---|---|---|
/// | shown: run or scheduler log | live tail, else every `F` | every `2S` |
/// | shown: console | every `2F` | every `S` |
/// | run log, not shown | every `6F` (the run's progress) | every `5S` |
/// | scheduler log, not shown | every `5S` | every `5S` |
/// | console, not shown | never | never |
///
/// Every source is also read once at each change of the box's state.
pub fn panel_pace(cfg: &Config) -> Pace {
    let fast = Duration::from_secs(cfg.poll_fast_secs);
    let slow = Duration::from_secs(cfg.poll_slow_secs);
    Pace {
        fast,
        slow: 2 * slow,
        hidden_active: 6 * fast,
        hidden: 5 * slow,
        console_fast: 2 * fast,
        console_slow: slow,
        ..Pace::default()
    }
}

impl Feeds {
    /// No followers yet, for the log group and Lambda of `cfg`; they will read at `pace`.
    pub fn new(store: Arc<dyn LogStore>, cfg: &Config, pace: Pace) -> Self {
        let (tx, rx) = mpsc::unbounded_channel();
        Feeds {
            store,
            log_group: cfg.log_group.clone(),
            lambda_name: cfg.lambda_name.clone(),
            pace,
            keys: cfg.setting_keys.clone(),
            handles: Vec::new(),
            wish: watch::channel(PaceWish { active: false, shown: Some(Source::Run), phase: 0 }).0,
            box_state: None,
            tx,
            rx,
        }
    }

    /// Stops the current followers and follows `instance_id`'s run log from `since`, the
    /// scheduler log over the last week, and the console output.
    pub fn restart(&mut self, instance_id: &str, since: Timestamp) {
        self.handles.clear(); // dropping a handle cancels its follower
        let week_ago = Timestamp::now() - jiff::SignedDuration::from_hours(24 * 8);
        for req in [
            FollowRequest::run(&self.log_group, Some(instance_id), since),
            FollowRequest::scheduler(&self.lambda_name, week_ago),
            FollowRequest::console(instance_id),
        ] {
            let h = spawn_follow_paced(
                self.store.clone(),
                req.with_group_key(&self.keys),
                self.tx.clone(),
                self.wish.subscribe(),
                self.pace,
            );
            self.handles.push(h);
        }
    }

    /// Tells the followers whether the box is active (pending, running or stopping), which
    /// source is on screen, and the selected instance's state: a change of it has every source
    /// read once more.
    pub fn set_wish(&mut self, active: bool, shown: Option<Source>, box_state: Option<InstanceState>) {
        let changed = box_state != self.box_state;
        self.box_state = box_state;
        self.wish.send_if_modified(|w| {
            let next = PaceWish { active, shown, phase: w.phase + u64::from(changed) };
            std::mem::replace(w, next) != next
        });
    }

    /// What the followers are told now.
    pub fn wish(&self) -> PaceWish {
        *self.wish.borrow()
    }
}

/// A batch as the action `update` takes.
pub fn to_action(batch: LogBatch) -> Action {
    let health = match &batch.status {
        SourceStatus::Live { sampled: false } => Health::Live,
        SourceStatus::Polling { .. } | SourceStatus::Idle => Health::Normal,
        // Sampled: some lines were not sent.
        SourceStatus::Live { sampled: true } | SourceStatus::Stale { .. } => Health::Warning,
        SourceStatus::Error(_) => Health::Error,
    };
    let lines = batch.events.into_iter().map(|e| (e.ts_ms, e.message)).collect();
    Action::LogLines { source: batch.source, lines, status: Some((batch.status.to_string(), health)) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pace_follows_the_two_poll_settings() {
        let p = panel_pace(&Config::builtin());
        let secs = |d: Duration| d.as_secs();
        assert_eq!(
            [p.fast, p.slow, p.hidden_active, p.hidden, p.console_fast, p.console_slow].map(secs),
            [5, 120, 30, 300, 10, 60]
        );
    }

    #[tokio::test]
    async fn a_change_of_the_box_state_moves_the_phase_and_nothing_else_does() {
        let store: Arc<dyn LogStore> = Arc::new(crate::logs::demo::DemoLogStore::new(
            crate::cloud::demo::DemoCloud::new(crate::cloud::demo::DemoTimings::default()),
            &Config::builtin(),
        ));
        let mut f = Feeds::new(store, &Config::builtin(), Pace::default());
        f.set_wish(false, Some(Source::Run), Some(InstanceState::Stopped));
        let first = f.wish().phase;
        f.set_wish(false, Some(Source::Console), Some(InstanceState::Stopped));
        assert_eq!(f.wish(), PaceWish { active: false, shown: Some(Source::Console), phase: first });
        f.set_wish(true, Some(Source::Console), Some(InstanceState::Pending));
        f.set_wish(true, Some(Source::Console), Some(InstanceState::Running));
        assert_eq!(f.wish().phase, first + 2);
    }
}
