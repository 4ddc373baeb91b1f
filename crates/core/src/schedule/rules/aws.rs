//! The rule as AWS answers it: `EventBridge` for the rule, `CloudWatch` Logs for the scheduler
//! Lambda's invocations.

use async_trait::async_trait;
use aws_config::SdkConfig;
use aws_sdk_eventbridge::config::http::HttpResponse;
use aws_sdk_eventbridge::error::{ProvideErrorMetadata, SdkError};
use jiff::Timestamp;

use super::{LAST_FIRED_LOOKBACK, LastFired, RuleInfo, RuleState, Rules, pick_last_fired};
use crate::cloud::CloudError;
use crate::cloud::aws::{endpoint_label, sdk_config, sdk_failure};
use crate::config::{Config, SettingKeys};
use crate::logs::{Source, missing_group_message};

/// `CloudWatch` Logs filter pattern for the scheduler's invocation lines (either marker). The
/// lines are also checked on this side, as some AWS-compatible servers ignore `?` terms.
const LAST_FIRED_PATTERN: &str = "?\"START RequestId\" ?\"starting any instances\"";

/// Pages of `FilterLogEvents` read at most (a weekly scheduler logs a few lines per run).
const MAX_LOG_PAGES: usize = 50;

/// The lab's rule and its scheduler Lambda, on AWS.
pub struct AwsRules {
    events: aws_sdk_eventbridge::Client,
    logs: aws_sdk_cloudwatchlogs::Client,
    rule: String,
    lambda: String,
    keys: SettingKeys,
    region: String,
    profile: Option<String>,
    events_endpoint: String,
    logs_endpoint: String,
}

impl AwsRules {
    /// Clients on an existing SDK configuration (the panel passes `AwsCloud::sdk()`), for the
    /// rule `cfg.rule_name` and the Lambda `cfg.lambda_name`. No call is made yet.
    pub fn new(sdk: &SdkConfig, cfg: &Config) -> Self {
        AwsRules {
            events: aws_sdk_eventbridge::Client::from_conf(
                aws_sdk_eventbridge::config::Builder::from(sdk)
                    .interceptor(crate::cloud::agent::PanelAgent)
                    .build(),
            ),
            logs: aws_sdk_cloudwatchlogs::Client::new(sdk),
            rule: cfg.rule_name.clone(),
            lambda: cfg.lambda_name.clone(),
            keys: cfg.setting_keys.clone(),
            region: cfg.region.clone(),
            profile: cfg.profile.clone(),
            events_endpoint: endpoint_label(cfg, "events"),
            logs_endpoint: endpoint_label(cfg, "logs"),
        }
    }

    /// Builds its own SDK configuration from `cfg` (for one-shot CLI commands).
    pub async fn connect(cfg: &Config) -> Self {
        Self::new(&sdk_config(cfg).await, cfg)
    }

    /// The Lambda's log group, `/aws/lambda/<lambda_name>`.
    pub fn log_group(&self) -> String {
        format!("/aws/lambda/{}", self.lambda)
    }

    /// Classifies an `EventBridge` failure; a missing rule becomes [`CloudError::Missing`].
    #[allow(clippy::needless_pass_by_value, reason = "takes the error as `map_err` hands it over")]
    fn events_fail<E>(&self, action: &str, err: SdkError<E, HttpResponse>) -> CloudError
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        if err.code() == Some("ResourceNotFoundException") {
            return CloudError::Missing(format!(
                "EventBridge rule `{}` does not exist in {}; set the right name as {} in the config file",
                self.rule, self.region, self.keys.rule
            ));
        }
        sdk_failure(action, &err, self.profile.as_deref(), &self.events_endpoint)
    }

    async fn targets(&self) -> Result<Vec<String>, CloudError> {
        let mut targets = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let out = self
                .events
                .list_targets_by_rule()
                .rule(&self.rule)
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| self.events_fail("events:ListTargetsByRule", e))?;
            targets.extend(
                out.targets()
                    .iter()
                    .map(|t| if t.arn().is_empty() { t.id().to_string() } else { t.arn().to_string() }),
            );
            match out.next_token() {
                Some(next) if !next.is_empty() => token = Some(next.to_string()),
                _ => return Ok(targets),
            }
        }
    }
}

#[async_trait]
impl Rules for AwsRules {
    async fn describe(&self) -> Result<RuleInfo, CloudError> {
        // The rule and its targets at once; the rule's own error (missing, denied) comes first.
        let (out, targets) =
            tokio::join!(self.events.describe_rule().name(&self.rule).send(), self.targets());
        let out = out.map_err(|e| self.events_fail("events:DescribeRule", e))?;
        let expression = out.schedule_expression().unwrap_or_default().to_string();
        Ok(RuleInfo {
            name: out.name().unwrap_or(&self.rule).to_string(),
            arn: out.arn().map(str::to_owned),
            state: RuleState::from_aws(
                out.state().map_or("UNKNOWN", aws_sdk_eventbridge::types::RuleState::as_str),
            ),
            schedule: RuleInfo::parse_expression(&expression),
            expression,
            description: out.description().filter(|d| !d.is_empty()).map(str::to_owned),
            targets: targets?,
            created_by: out.created_by().map(str::to_owned),
            scheduler: None,
            other: super::Other::NotRead,
        })
    }

    async fn set_enabled(&self, enabled: bool, dry_run: bool) -> Result<(), CloudError> {
        if dry_run {
            // EventBridge has no DryRun parameter: nothing to ask.
            return Ok(());
        }
        if enabled {
            self.events
                .enable_rule()
                .name(&self.rule)
                .send()
                .await
                .map(|_| ())
                .map_err(|e| self.events_fail("events:EnableRule", e))
        } else {
            self.events
                .disable_rule()
                .name(&self.rule)
                .send()
                .await
                .map(|_| ())
                .map_err(|e| self.events_fail("events:DisableRule", e))
        }
    }

    async fn last_fired(&self) -> Result<Option<LastFired>, CloudError> {
        let since = Timestamp::now() - LAST_FIRED_LOOKBACK;
        let mut pages = self
            .logs
            .filter_log_events()
            .log_group_name(self.log_group())
            .start_time(since.as_millisecond())
            .filter_pattern(LAST_FIRED_PATTERN)
            .into_paginator()
            .send();
        let mut events: Vec<(i64, String)> = Vec::new();
        let mut read = 0;
        while let Some(page) = pages.next().await {
            let page = match page {
                Ok(p) => p,
                Err(e) if e.code() == Some("ResourceNotFoundException") => {
                    return Err(CloudError::Missing(missing_group_message(
                        Source::Scheduler,
                        &self.log_group(),
                        &self.keys.lambda,
                    )));
                }
                Err(e) => {
                    return Err(sdk_failure(
                        "logs:FilterLogEvents",
                        &e,
                        self.profile.as_deref(),
                        &self.logs_endpoint,
                    ));
                }
            };
            events.extend(
                page.events()
                    .iter()
                    .filter_map(|ev| Some((ev.timestamp()?, ev.message().unwrap_or_default().to_string()))),
            );
            read += 1;
            if read >= MAX_LOG_PAGES {
                tracing::warn!(
                    group = %self.log_group(),
                    "stopped reading the scheduler log after {MAX_LOG_PAGES} pages"
                );
                break;
            }
        }
        Ok(pick_last_fired(events.iter().map(|(t, m)| (*t, m.as_str()))))
    }

    fn rule_name(&self) -> &str {
        &self.rule
    }

    fn kind(&self) -> &'static str {
        "aws"
    }
}
