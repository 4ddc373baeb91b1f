//! An in-memory cloud for the failure branches moto cannot produce: refused permissions, a
//! write that reads back differently, an answer lost on the way, a user data changed by
//! someone else between two calls.

use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard};

use async_trait::async_trait;

use crate::cloud::{Cloud, CloudError, Identity, Instance, InstanceState};

/// What the fake does on the next real (not dry-run) user-data write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OnWrite {
    /// Stores the bytes.
    Store,
    /// Stores these bytes instead of the given ones.
    StoreOther(Vec<u8>),
    /// Stores nothing and fails.
    Refuse(CloudError),
    /// Stores the bytes, then fails as if the answer was lost.
    StoreThenFail(CloudError),
    /// Answers with `error` (or success), and stores the bytes only after `reads` more reads:
    /// a write that shows late, or (with a large count) not within the wait.
    Late {
        /// Reads that still see the previous bytes.
        reads: usize,
        /// The write's answer.
        error: Option<CloudError>,
    },
}

/// Mutable state of the fake, behind one lock.
#[derive(Debug)]
pub struct FakeState {
    /// The instances `instances()` answers.
    pub instances: Vec<Instance>,
    /// The one instance's user data.
    pub user_data: Vec<u8>,
    /// Refusal of every `ModifyInstanceAttribute`, dry run or not.
    pub deny_modify: Option<CloudError>,
    /// What each real write does, in order; `Store` once the queue is empty.
    pub on_write: VecDeque<OnWrite>,
    /// User data that replaces the current one on the next read (someone else's edit).
    pub edit_before_read: Option<Vec<u8>>,
    /// Fail every user-data read after this many successful ones.
    pub reads_left: Option<usize>,
    /// States the instance goes through, one per `instances()` call.
    pub states: VecDeque<InstanceState>,
    /// Every real write, in order.
    pub writes: Vec<Vec<u8>>,
    /// A late write: the reads left before it shows, and its bytes.
    pub landing: Option<(usize, Vec<u8>)>,
    /// Number of user-data reads.
    pub reads: usize,
    /// Number of dry-run writes.
    pub dry_runs: usize,
}

/// The in-memory cloud.
pub struct FakeCloud {
    state: Mutex<FakeState>,
}

/// An instance with only the fields the dev-mode code reads.
pub fn instance(id: &str, state: InstanceState) -> Instance {
    Instance {
        id: id.into(),
        name: Some("baseline model".into()),
        state,
        instance_type: None,
        launch_time: None,
        public_dns: None,
        public_ip: None,
        availability_zone: None,
        state_transition_reason: None,
        state_reason_code: None,
        state_reason_message: None,
        status_checks: None,
    }
}

impl FakeCloud {
    /// One instance `i-1` in `state` holding `user_data`.
    pub fn new(state: InstanceState, user_data: &[u8]) -> Self {
        FakeCloud {
            state: Mutex::new(FakeState {
                instances: vec![instance("i-1", state)],
                user_data: user_data.to_vec(),
                deny_modify: None,
                on_write: VecDeque::new(),
                edit_before_read: None,
                reads_left: None,
                states: VecDeque::new(),
                writes: Vec::new(),
                landing: None,
                reads: 0,
                dry_runs: 0,
            }),
        }
    }

    /// The state, to arrange or inspect.
    pub fn state(&self) -> MutexGuard<'_, FakeState> {
        self.state.lock().unwrap()
    }
}

#[async_trait]
impl Cloud for FakeCloud {
    async fn instances(&self) -> Result<Vec<Instance>, CloudError> {
        let mut s = self.state();
        if let Some(next) = s.states.pop_front() {
            s.instances[0].state = next;
        }
        Ok(s.instances.clone())
    }

    async fn identity(&self) -> Result<Identity, CloudError> {
        Ok(Identity { account: "123456789012".into(), arn: "arn:aws:iam::123456789012:user/test".into() })
    }

    async fn start(&self, _ids: &[String], _dry_run: bool) -> Result<(), CloudError> {
        Ok(())
    }

    async fn stop(&self, _ids: &[String], _dry_run: bool) -> Result<(), CloudError> {
        Ok(())
    }

    async fn user_data(&self, _id: &str) -> Result<Vec<u8>, CloudError> {
        let mut s = self.state();
        s.reads += 1;
        if let Some(edit) = s.edit_before_read.take() {
            s.user_data = edit;
        }
        match s.landing.take() {
            Some((0, bytes)) => s.user_data = bytes,
            Some((n, bytes)) => s.landing = Some((n - 1, bytes)),
            None => {}
        }
        match &mut s.reads_left {
            Some(0) => return Err(CloudError::Throttled("RequestLimitExceeded".into())),
            Some(n) => *n -= 1,
            None => {}
        }
        Ok(s.user_data.clone())
    }

    async fn set_user_data(&self, _id: &str, bytes: &[u8], dry_run: bool) -> Result<(), CloudError> {
        let mut s = self.state();
        if let Some(e) = &s.deny_modify {
            return Err(e.clone());
        }
        if dry_run {
            s.dry_runs += 1;
            return Ok(());
        }
        s.writes.push(bytes.to_vec());
        match s.on_write.pop_front().unwrap_or(OnWrite::Store) {
            OnWrite::Store => s.user_data = bytes.to_vec(),
            OnWrite::StoreOther(other) => s.user_data = other,
            OnWrite::Refuse(e) => return Err(e),
            OnWrite::StoreThenFail(e) => {
                s.user_data = bytes.to_vec();
                return Err(e);
            }
            OnWrite::Late { reads, error } => {
                s.landing = Some((reads, bytes.to_vec()));
                if let Some(e) = error {
                    return Err(e);
                }
            }
        }
        Ok(())
    }
}
