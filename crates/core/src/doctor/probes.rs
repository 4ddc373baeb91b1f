//! The two doctor questions about services outside EC2: does the run's log group exist, and
//! can the schedule rule be read? Answered by the same log store and schedule rule the panel
//! uses (`CloudWatch` Logs and `EventBridge`, or the demo's simulated account).

use std::sync::Arc;

use async_trait::async_trait;

use crate::cloud::CloudError;
use crate::logs::{LogError, LogStore};
use crate::schedule::Rules;

/// The doctor's questions to `CloudWatch` Logs and `EventBridge`.
#[async_trait]
pub trait DoctorProbes: Send + Sync {
    /// True when the log group named exactly `group` exists.
    async fn log_group_exists(&self, group: &str) -> Result<bool, CloudError>;
    /// The state of the schedule rule (`ENABLED`, `DISABLED`, ...); a missing rule is an error
    /// that names it.
    async fn rule_readable(&self, name: &str) -> Result<String, CloudError>;
}

/// The probes answered by `logs` and `rules`.
pub fn probes_for(logs: Arc<dyn LogStore>, rules: Arc<dyn Rules>) -> Arc<dyn DoctorProbes> {
    Arc::new(StoreProbes { logs, rules })
}

/// Probes answered by a log store and a schedule rule.
pub struct StoreProbes {
    /// `CloudWatch` Logs or the demo's.
    pub logs: Arc<dyn LogStore>,
    /// `EventBridge` or the demo's.
    pub rules: Arc<dyn Rules>,
}

#[async_trait]
impl DoctorProbes for StoreProbes {
    async fn log_group_exists(&self, group: &str) -> Result<bool, CloudError> {
        match self.logs.group_exists(group).await {
            Ok(found) => Ok(found),
            Err(LogError::GroupMissing { .. }) => Ok(false),
            Err(LogError::Cloud(e)) => Err(e),
            Err(e) => Err(CloudError::Other(e.to_string())),
        }
    }

    async fn rule_readable(&self, _name: &str) -> Result<String, CloudError> {
        Ok(self.rules.describe().await?.state.as_str().to_string())
    }
}
