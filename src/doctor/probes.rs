//! The two doctor questions about services outside EC2: does the run's log group exist, and
//! can the schedule rule be read? Behind [`DoctorProbes`] so the log store and the schedule
//! code can answer them later; for now CloudWatch Logs `DescribeLogGroups` and EventBridge
//! `DescribeRule` answer directly, and the demo answers from its simulated account.

use std::sync::Arc;

use async_trait::async_trait;
use aws_sdk_eventbridge::error::ProvideErrorMetadata;

use crate::cloud::CloudError;
use crate::cloud::aws::AwsCloud;
use crate::config::Config;

/// The doctor's questions to CloudWatch Logs and EventBridge.
#[async_trait]
pub trait DoctorProbes: Send + Sync {
    /// True when the log group named exactly `group` exists.
    async fn log_group_exists(&self, group: &str) -> Result<bool, CloudError>;
    /// The state of the EventBridge rule `name` (`ENABLED`, `DISABLED`, ...); a missing rule
    /// is an error that names it.
    async fn rule_readable(&self, name: &str) -> Result<String, CloudError>;
}

/// The probes the configuration asks for: the demo's in demo mode, AWS otherwise.
pub async fn probes_for(cfg: &Config) -> Arc<dyn DoctorProbes> {
    if cfg.demo { Arc::new(DemoProbes) } else { Arc::new(AwsProbes::new(AwsCloud::connect(cfg).await)) }
}

/// The demo account: the log group exists and the rule is enabled.
pub struct DemoProbes;

#[async_trait]
impl DoctorProbes for DemoProbes {
    async fn log_group_exists(&self, _group: &str) -> Result<bool, CloudError> {
        Ok(true)
    }

    async fn rule_readable(&self, _name: &str) -> Result<String, CloudError> {
        Ok("ENABLED".into())
    }
}

/// The probes on AWS, sharing the SDK configuration and error wording of an [`AwsCloud`].
pub struct AwsProbes {
    cloud: AwsCloud,
    logs: aws_sdk_cloudwatchlogs::Client,
    events: aws_sdk_eventbridge::Client,
    region: String,
}

impl AwsProbes {
    /// Probes on the SDK configuration of `cloud` (no call is made until asked).
    pub fn new(cloud: AwsCloud) -> Self {
        let sdk = cloud.sdk();
        AwsProbes {
            logs: aws_sdk_cloudwatchlogs::Client::new(sdk),
            events: aws_sdk_eventbridge::Client::new(sdk),
            region: sdk.region().map(|r| r.to_string()).unwrap_or_else(|| "the region".into()),
            cloud,
        }
    }
}

#[async_trait]
impl DoctorProbes for AwsProbes {
    async fn log_group_exists(&self, group: &str) -> Result<bool, CloudError> {
        let mut pages = self.logs.describe_log_groups().log_group_name_prefix(group).into_paginator().send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| self.cloud.fail("logs:DescribeLogGroups", e))?;
            if page.log_groups().iter().any(|g| g.log_group_name() == Some(group)) {
                return Ok(true);
            }
        }
        Ok(false)
    }

    async fn rule_readable(&self, name: &str) -> Result<String, CloudError> {
        match self.events.describe_rule().name(name).send().await {
            Ok(out) => Ok(out.state().map(|s| s.as_str().to_owned()).unwrap_or_else(|| "UNKNOWN".into())),
            Err(e) if e.code() == Some("ResourceNotFoundException") => Err(CloudError::Other(format!(
                "no EventBridge rule named {name} in {}; check `rule` under [schedule] in the config file",
                self.region
            ))),
            Err(e) => Err(self.cloud.fail("events:DescribeRule", e)),
        }
    }
}
