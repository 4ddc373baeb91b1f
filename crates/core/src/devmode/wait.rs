//! Waiting for the instance to reach a state: EC2 takes a minute to stop or start a box.

use std::time::{Duration, Instant};

use super::{DevError, find};
use crate::cloud::{Cloud, Instance, InstanceState};

/// How often to look and how long to wait at most.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wait {
    /// Time between two looks at the instance.
    pub every: Duration,
    /// Give up after this long.
    pub timeout: Duration,
}

impl Default for Wait {
    /// Every 2 seconds, for at most 10 minutes.
    fn default() -> Self {
        Wait { every: Duration::from_secs(2), timeout: Duration::from_secs(600) }
    }
}

/// Polls `cloud.instances()` until instance `id` is in `target`, and returns it as last seen.
///
/// `progress` is called after every look with the instance and the time waited so far. Fails
/// with [`DevError::WaitTimedOut`] after `wait.timeout`, and with [`DevError::WaitInterrupted`]
/// when the instance settles elsewhere: terminated, or back in a stable state after it was seen
/// moving (a start that ended stopped, a stop that ended running).
pub async fn wait_for_state(
    cloud: &dyn Cloud,
    id: &str,
    target: InstanceState,
    wait: Wait,
    progress: &mut (dyn FnMut(&Instance, Duration) + Send),
) -> Result<Instance, DevError> {
    let started = Instant::now();
    let mut seen_moving = false;
    loop {
        let instance = find(&cloud.instances().await?, id)?.clone();
        let waited = started.elapsed();
        progress(&instance, waited);
        let state = instance.state;
        if state == target {
            return Ok(instance);
        }
        let stable = matches!(state, InstanceState::Running | InstanceState::Stopped);
        if state == InstanceState::Terminated
            || state == InstanceState::ShuttingDown
            || (stable && seen_moving)
        {
            return Err(DevError::WaitInterrupted { id: id.to_owned(), target, state });
        }
        seen_moving |= !stable;
        if waited >= wait.timeout {
            return Err(DevError::WaitTimedOut { id: id.to_owned(), target, state, waited });
        }
        tokio::time::sleep(wait.every.min(wait.timeout.saturating_sub(waited))).await;
    }
}
