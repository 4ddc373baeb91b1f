//! An `EventBridge` Scheduler schedule as AWS answers it (`GetSchedule`), switched on and off
//! (`UpdateSchedule` with everything else as read), created and deleted for `schedule move`.
//!
//! `UpdateSchedule` replaces the whole schedule: every field not sent is reset. Enabling or
//! disabling therefore reads the schedule first and sends it back with only the state changed.

use async_trait::async_trait;
use aws_config::SdkConfig;
use aws_sdk_scheduler::config::http::HttpResponse;
use aws_sdk_scheduler::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_scheduler::operation::get_schedule::GetScheduleOutput;
use aws_sdk_scheduler::types::{FlexibleTimeWindow, FlexibleTimeWindowMode, ScheduleState, Target};

use super::{AwsRules, LastFired, Other, RuleInfo, RuleState, Rules, SchedulerFacts};
use crate::cloud::CloudError;
use crate::cloud::aws::{endpoint_label, sdk_config, sdk_failure};
use crate::config::Config;
use crate::schedule::named_zone;

/// The box's `EventBridge` Scheduler schedule with the writes `schedule move` needs.
#[async_trait]
pub trait SchedulerStore: Rules {
    /// Whether the schedule exists: `Ok(false)` only when the Scheduler says it does not.
    async fn exists(&self) -> Result<bool, CloudError>;
    /// Creates the schedule, enabled. `client_token` makes a retry the same request.
    async fn create(&self, new: &NewSchedule, client_token: &str) -> Result<(), CloudError>;
    /// Deletes the schedule.
    async fn delete(&self) -> Result<(), CloudError>;
    /// The schedule group.
    fn group(&self) -> &str;
    /// The same schedule as a [`Rules`] (read, enable, disable).
    fn as_rules(self: std::sync::Arc<Self>) -> std::sync::Arc<dyn Rules>;
}

/// A new Scheduler schedule, as `schedule move` creates it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSchedule {
    /// `cron(0 9 ? * MON *)`, read in `time_zone`.
    pub expression: String,
    /// IANA zone name, e.g. `America/New_York`.
    pub time_zone: String,
    /// The Lambda's ARN.
    pub target: String,
    /// The role the Scheduler assumes to invoke it.
    pub role: String,
    /// A description naming where it came from.
    pub description: String,
}

/// The box's `EventBridge` Scheduler schedule on AWS; the scheduler Lambda's log (for "last
/// fired") is read as for a rule.
pub struct AwsScheduler {
    client: aws_sdk_scheduler::Client,
    lambda_log: AwsRules,
    name: String,
    group: String,
    region: String,
    profile: Option<String>,
    endpoint: String,
}

impl AwsScheduler {
    /// A client on an existing SDK configuration for the schedule `cfg.scheduler.name` in
    /// `cfg.scheduler.group`. No call is made yet.
    pub fn new(sdk: &SdkConfig, cfg: &Config) -> Self {
        AwsScheduler {
            client: aws_sdk_scheduler::Client::new(sdk),
            lambda_log: AwsRules::new(sdk, cfg),
            name: cfg.scheduler.name.clone(),
            group: cfg.scheduler.group.clone(),
            region: cfg.region.clone(),
            profile: cfg.profile.clone(),
            endpoint: endpoint_label(cfg, "scheduler"),
        }
    }

    /// Builds its own SDK configuration from `cfg` (for one-shot CLI commands).
    pub async fn connect(cfg: &Config) -> Self {
        Self::new(&sdk_config(cfg).await, cfg)
    }

    #[allow(clippy::needless_pass_by_value, reason = "takes the error as `map_err` hands it over")]
    fn fail<E>(&self, action: &str, err: SdkError<E, HttpResponse>) -> CloudError
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        if err.code() == Some("ResourceNotFoundException") {
            return CloudError::Missing(format!(
                "EventBridge Scheduler schedule `{}` does not exist in group `{}` in {}; set its name as `name` and `group` under [schedule]",
                self.name, self.group, self.region
            ));
        }
        sdk_failure(action, &err, self.profile.as_deref(), &self.endpoint)
    }

    async fn get(&self) -> Result<GetScheduleOutput, CloudError> {
        self.client
            .get_schedule()
            .name(&self.name)
            .group_name(&self.group)
            .send()
            .await
            .map_err(|e| self.fail("scheduler:GetSchedule", e))
    }
}

/// The schedule as a [`RuleInfo`]: the expression read in its zone.
fn info_of(out: &GetScheduleOutput, name: &str, group: &str) -> RuleInfo {
    let expression = out.schedule_expression().unwrap_or_default().to_string();
    let zone = out.schedule_expression_timezone().filter(|z| !z.is_empty());
    let schedule = RuleInfo::parse_expression(&expression).and_then(|s| match zone {
        None => Ok(s),
        Some(z) => named_zone(z).map(|tz| s.in_zone(tz)),
    });
    let target = out.target();
    RuleInfo {
        name: out.name().unwrap_or(name).to_string(),
        arn: out.arn().map(str::to_owned),
        state: RuleState::from_aws(out.state().map_or("UNKNOWN", ScheduleState::as_str)),
        expression,
        schedule,
        description: out.description().filter(|d| !d.is_empty()).map(str::to_owned),
        targets: target.map(|t| t.arn().to_string()).into_iter().collect(),
        created_by: None,
        scheduler: Some(SchedulerFacts {
            group: out.group_name().unwrap_or(group).to_string(),
            time_zone: zone.map(str::to_owned),
            role: target.map(|t| t.role_arn().to_string()).filter(|r| !r.is_empty()),
        }),
        other: Other::NotRead,
    }
}

#[async_trait]
impl SchedulerStore for AwsScheduler {
    /// Whether the schedule exists: `Ok(false)` only when Scheduler says it does not.
    async fn exists(&self) -> Result<bool, CloudError> {
        match self.get().await {
            Ok(_) => Ok(true),
            Err(CloudError::Missing(_)) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Creates the schedule, enabled, with no flexible window. A client token makes a retry of
    /// an unanswered create the same request.
    async fn create(&self, new: &NewSchedule, client_token: &str) -> Result<(), CloudError> {
        let window = FlexibleTimeWindow::builder()
            .mode(FlexibleTimeWindowMode::Off)
            .build()
            .map_err(|e| CloudError::Other(e.to_string()))?;
        let target = Target::builder()
            .arn(&new.target)
            .role_arn(&new.role)
            .build()
            .map_err(|e| CloudError::Other(e.to_string()))?;
        self.client
            .create_schedule()
            .name(&self.name)
            .group_name(&self.group)
            .schedule_expression(&new.expression)
            .schedule_expression_timezone(&new.time_zone)
            .description(&new.description)
            .flexible_time_window(window)
            .target(target)
            .state(ScheduleState::Enabled)
            .client_token(client_token)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| sdk_failure("scheduler:CreateSchedule", &e, self.profile.as_deref(), &self.endpoint))
    }

    /// Deletes the schedule.
    async fn delete(&self) -> Result<(), CloudError> {
        self.client
            .delete_schedule()
            .name(&self.name)
            .group_name(&self.group)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| self.fail("scheduler:DeleteSchedule", e))
    }

    fn group(&self) -> &str {
        &self.group
    }

    fn as_rules(self: std::sync::Arc<Self>) -> std::sync::Arc<dyn Rules> {
        self
    }
}

#[async_trait]
impl Rules for AwsScheduler {
    async fn describe(&self) -> Result<RuleInfo, CloudError> {
        Ok(info_of(&self.get().await?, &self.name, &self.group))
    }

    async fn set_enabled(&self, enabled: bool, dry_run: bool) -> Result<(), CloudError> {
        if dry_run {
            // Scheduler has no DryRun parameter: nothing to ask.
            return Ok(());
        }
        let now = self.get().await?;
        let state = if enabled { ScheduleState::Enabled } else { ScheduleState::Disabled };
        self.client
            .update_schedule()
            .name(&self.name)
            .group_name(&self.group)
            .set_schedule_expression(now.schedule_expression().map(str::to_owned))
            .set_schedule_expression_timezone(now.schedule_expression_timezone().map(str::to_owned))
            .set_description(now.description().map(str::to_owned))
            .set_start_date(now.start_date().copied())
            .set_end_date(now.end_date().copied())
            .set_kms_key_arn(now.kms_key_arn().map(str::to_owned))
            .set_flexible_time_window(now.flexible_time_window().cloned())
            .set_target(now.target().cloned())
            .set_action_after_completion(now.action_after_completion().cloned())
            .state(state)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| self.fail("scheduler:UpdateSchedule", e))
    }

    async fn last_fired(&self) -> Result<Option<LastFired>, CloudError> {
        self.lambda_log.last_fired().await
    }

    fn rule_name(&self) -> &str {
        &self.name
    }

    fn noun(&self) -> &'static str {
        "schedule"
    }

    fn kind(&self) -> &'static str {
        "aws"
    }
}
