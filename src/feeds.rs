//! The panel's log feeds: one follower per source for the selected instance, restarted when
//! the instance or its launch changes, told whether the box is active (fast or slow polling).

use std::sync::Arc;

use jiff::Timestamp;
use tokio::sync::{mpsc, watch};

use crate::action::Action;
use crate::config::{Config, SettingKeys};
use crate::logs::follow::{FollowHandle, FollowRequest, Pace, spawn_follow};
use crate::logs::{LogBatch, LogStore, SourceStatus};
use crate::state::Health;

/// The running followers and the channel their batches arrive on.
pub struct Feeds {
    store: Arc<dyn LogStore>,
    log_group: String,
    lambda_name: String,
    keys: SettingKeys,
    handles: Vec<FollowHandle>,
    active: watch::Sender<bool>,
    tx: mpsc::UnboundedSender<LogBatch>,
    /// Batches from every follower.
    pub rx: mpsc::UnboundedReceiver<LogBatch>,
}

impl Feeds {
    /// No followers yet, for the log group and Lambda of `cfg`.
    pub fn new(store: Arc<dyn LogStore>, cfg: &Config) -> Self {
        let (tx, rx) = mpsc::unbounded_channel();
        Feeds {
            store,
            log_group: cfg.log_group.clone(),
            lambda_name: cfg.lambda_name.clone(),
            keys: cfg.setting_keys.clone(),
            handles: Vec::new(),
            active: watch::channel(false).0,
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
            let h = spawn_follow(
                self.store.clone(),
                req.with_group_key(&self.keys),
                self.tx.clone(),
                self.active.subscribe(),
                Pace::default(),
            );
            self.handles.push(h);
        }
    }

    /// Polls fast while the box is pending, running or stopping.
    pub fn set_active(&self, active: bool) {
        self.active.send_if_modified(|a| std::mem::replace(a, active) != active);
    }
}

/// A batch as the action `update` takes.
pub fn to_action(batch: LogBatch) -> Action {
    let health = match &batch.status {
        SourceStatus::Live => Health::Live,
        SourceStatus::Polling { .. } | SourceStatus::Idle => Health::Normal,
        SourceStatus::Stale { .. } => Health::Warning,
        SourceStatus::Error(_) => Health::Error,
    };
    let lines = batch.events.into_iter().map(|e| (e.ts_ms, e.message)).collect();
    Action::LogLines { source: batch.source, lines, status: Some((batch.status.to_string(), health)) }
}
