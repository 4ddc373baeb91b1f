//! The doctor's questions about services outside EC2's instance calls: does a log group
//! exist, what does the schedule rule say (its state and targets), and what may the box itself
//! do? may `CloudTrail`'s event history be read, and what does the box cost an hour? Answered by
//! the same log store, schedule rule, activity feed and price source the panel uses
//! (`CloudWatch` Logs, `EventBridge`, `CloudTrail`, the Price List, or the demo's simulated
//! account), and by the box's roles (EC2 and IAM).

use std::sync::Arc;

use async_trait::async_trait;

use super::roles::{BoxRoles, ProfileRoles, RoleDocs};
use crate::activity::ActivityLog;
use crate::cloud::CloudError;
use crate::cost::{PriceFrom, PriceSource, Quote};
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
    /// The role named `name`: its trust policy and its policy documents.
    async fn role(&self, name: &str) -> Result<RoleDocs, CloudError>;
    /// One `LookupEvents` asking for a single event: may the event history be read?
    async fn trail(&self) -> Result<(), CloudError>;
    /// The on-demand hourly price of `instance_type` in `region`, asked of the Price List.
    async fn hourly_price(&self, region: &str, instance_type: &str) -> Result<Quote, CloudError>;
    /// Where [`DoctorProbes::hourly_price`]'s answers come from (the Price List, or the demo's).
    fn prices_from(&self) -> PriceFrom;
}

/// The probes answered by `logs`, `rules`, `box_roles`, `activity` and `prices`.
pub fn probes_for(
    logs: Arc<dyn LogStore>,
    rules: Arc<dyn Rules>,
    box_roles: Arc<dyn BoxRoles>,
    (activity, prices): (Arc<dyn ActivityLog>, Arc<dyn PriceSource>),
) -> Arc<dyn DoctorProbes> {
    Arc::new(StoreProbes { logs, rules, box_roles, activity, prices })
}

/// Probes answered by a log store, a schedule rule and the box's roles.
pub struct StoreProbes {
    /// `CloudWatch` Logs or the demo's.
    pub logs: Arc<dyn LogStore>,
    /// `EventBridge` or the demo's.
    pub rules: Arc<dyn Rules>,
    /// EC2 and IAM, or the demo's.
    pub box_roles: Arc<dyn BoxRoles>,
    /// `CloudTrail`'s event history, or the demo's.
    pub activity: Arc<dyn ActivityLog>,
    /// The Price List, or the demo's prices.
    pub prices: Arc<dyn PriceSource>,
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

    async fn role(&self, name: &str) -> Result<RoleDocs, CloudError> {
        self.box_roles.role(name).await
    }

    async fn trail(&self) -> Result<(), CloudError> {
        self.activity.probe().await
    }

    async fn hourly_price(&self, region: &str, instance_type: &str) -> Result<Quote, CloudError> {
        self.prices.hourly(region, instance_type).await
    }

    fn prices_from(&self) -> PriceFrom {
        self.prices.answers_from()
    }
}
