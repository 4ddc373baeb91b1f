//! The doctor's questions about services outside EC2's instance calls: does a log group
//! exist, what does the schedule rule say (its state and targets), and what may the box itself
//! do? Answered by the same log store and schedule rule the panel uses (`CloudWatch` Logs and
//! `EventBridge`, or the demo's simulated account), and by the box's roles (EC2 and IAM).

use std::sync::Arc;

use async_trait::async_trait;

use super::roles::{BoxRoles, ProfileRoles};
use crate::cloud::CloudError;
use crate::logs::{LogError, LogStore};
use crate::schedule::Rules;
use crate::schedule::rules::RuleInfo;

/// The doctor's questions to `CloudWatch` Logs, `EventBridge` and IAM.
#[async_trait]
pub trait DoctorProbes: Send + Sync {
    /// True when the log group named exactly `group` exists.
    async fn log_group_exists(&self, group: &str) -> Result<bool, CloudError>;
    /// The schedule rule: its state and targets; a missing rule is an error that names it.
    async fn rule(&self) -> Result<RuleInfo, CloudError>;
    /// The ARN of the instance profile instance `id` runs with; `None` when it has none.
    async fn instance_profile(&self, id: &str) -> Result<Option<String>, CloudError>;
    /// The profile named by `arn`, its role and the role's policy documents.
    async fn profile_roles(&self, arn: &str) -> Result<ProfileRoles, CloudError>;
}

/// The probes answered by `logs`, `rules` and `box_roles`.
pub fn probes_for(
    logs: Arc<dyn LogStore>,
    rules: Arc<dyn Rules>,
    box_roles: Arc<dyn BoxRoles>,
) -> Arc<dyn DoctorProbes> {
    Arc::new(StoreProbes { logs, rules, box_roles })
}

/// Probes answered by a log store, a schedule rule and the box's roles.
pub struct StoreProbes {
    /// `CloudWatch` Logs or the demo's.
    pub logs: Arc<dyn LogStore>,
    /// `EventBridge` or the demo's.
    pub rules: Arc<dyn Rules>,
    /// EC2 and IAM, or the demo's.
    pub box_roles: Arc<dyn BoxRoles>,
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

    async fn rule(&self) -> Result<RuleInfo, CloudError> {
        self.rules.describe().await
    }

    async fn instance_profile(&self, id: &str) -> Result<Option<String>, CloudError> {
        self.box_roles.instance_profile(id).await
    }

    async fn profile_roles(&self, arn: &str) -> Result<ProfileRoles, CloudError> {
        self.box_roles.profile_roles(arn).await
    }
}
