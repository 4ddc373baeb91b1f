//! Logs as AWS keeps them: `CloudWatch` Logs (`FilterLogEvents`, `DescribeLogStreams`,
//! `DescribeLogGroups`, `StartLiveTail`) and EC2 `GetConsoleOutput`, on the panel's SDK configuration.

use std::collections::HashMap;
use std::sync::Mutex;

use async_trait::async_trait;
use aws_config::SdkConfig;
use aws_config::retry::RetryConfig;
use aws_sdk_cloudwatchlogs::config::http::HttpResponse;
use aws_sdk_cloudwatchlogs::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_cloudwatchlogs::operation::start_live_tail::StartLiveTailError;
use aws_sdk_cloudwatchlogs::types::error::StartLiveTailResponseStreamError;
use aws_sdk_cloudwatchlogs::types::{
    LiveTailSessionMetadata, LiveTailSessionUpdate, OrderBy, StartLiveTailResponseStream,
};
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::event_stream::RawMessage;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use tokio::sync::mpsc;

use super::{LiveOff, LiveTail, LogError, LogEvent, LogStore, Page, StreamInfo, TailItem, lenient};
use crate::cloud::CloudError;
use crate::cloud::aws::sdk_failure;
use crate::config::Config;

/// How many pages of `DescribeLogStreams` [`LogStore::streams`] reads at most (50 streams each).
const STREAM_PAGES: usize = 4;

/// `CloudWatch` Logs and EC2 through the AWS SDK.
pub struct AwsLogStore {
    logs: aws_sdk_cloudwatchlogs::Client,
    ec2: aws_sdk_ec2::Client,
    profile: Option<String>,
    endpoint: String,
    region: String,
    page_limit: Option<i32>,
    arns: Mutex<HashMap<String, String>>,
}

impl AwsLogStore {
    /// A store on the shared SDK configuration (`AwsCloud::sdk()`); no call is made yet.
    pub fn new(sdk: &SdkConfig, cfg: &Config) -> Self {
        let endpoint = cfg
            .endpoint_url
            .clone()
            .or_else(|| std::env::var("AWS_ENDPOINT_URL").ok())
            .unwrap_or_else(|| format!("logs.{}.amazonaws.com", cfg.region));
        AwsLogStore {
            logs: aws_sdk_cloudwatchlogs::Client::new(sdk),
            ec2: aws_sdk_ec2::Client::new(sdk),
            profile: cfg.profile.clone(),
            endpoint,
            region: cfg.region.clone(),
            page_limit: None,
            arns: Mutex::new(HashMap::new()),
        }
    }

    /// A store on its own SDK configuration built from `cfg` (the CLI's way in).
    pub async fn connect(cfg: &Config) -> Self {
        Self::new(&crate::cloud::aws::sdk_config(cfg).await, cfg)
    }

    /// Asks `FilterLogEvents` for pages of at most `n` events (the service's default is 10,000).
    #[must_use]
    pub fn with_page_limit(mut self, n: i32) -> Self {
        self.page_limit = Some(n);
        self
    }

    fn failure<E>(&self, action: &str, err: &SdkError<E, HttpResponse>) -> CloudError
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        sdk_failure(action, err, self.profile.as_deref(), &self.endpoint)
    }

    /// Classifies a failed call on `group`: a missing group is named as such.
    #[allow(clippy::needless_pass_by_value, reason = "takes the error as `map_err` hands it over")]
    fn fail<E>(&self, action: &str, group: &str, err: SdkError<E, HttpResponse>) -> LogError
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        if err.code() == Some("ResourceNotFoundException") {
            return LogError::GroupMissing { group: group.into() };
        }
        LogError::Cloud(self.failure(action, &err))
    }

    /// Why `StartLiveTail` was refused: the session limit and a missing permission by name,
    /// anything else (not offered, unreachable) as the failure's words.
    fn refused(&self, group: &str, err: &SdkError<StartLiveTailError, HttpResponse>) -> LogError {
        let off = match err.as_service_error() {
            Some(e) if e.is_limit_exceeded_exception() => LiveOff::SessionLimit,
            Some(e) if e.is_access_denied_exception() => LiveOff::NotPermitted,
            Some(e) if e.is_resource_not_found_exception() => {
                return LogError::GroupMissing { group: group.into() };
            }
            _ => LiveOff::Unavailable(self.failure("logs:StartLiveTail", err).to_string()),
        };
        tracing::info!(group, error = %DisplayErrorContext(err), "StartLiveTail refused");
        LogError::LiveTailUnavailable(off)
    }

    /// The group's ARN (without the trailing `:*`), which `StartLiveTail` needs; cached.
    async fn group_arn(&self, group: &str) -> Result<String, LogError> {
        if group.starts_with("arn:") {
            return Ok(group.to_string());
        }
        if let Some(a) = self.arns.lock().unwrap_or_else(std::sync::PoisonError::into_inner).get(group) {
            return Ok(a.clone());
        }
        let out = self
            .logs
            .describe_log_groups()
            .log_group_name_prefix(group)
            .send()
            .await
            .map_err(|e| self.fail("logs:DescribeLogGroups", group, e))?;
        let arn = out
            .log_groups()
            .iter()
            .find(|g| g.log_group_name() == Some(group))
            .and_then(|g| {
                g.log_group_arn()
                    .map(str::to_owned)
                    .or_else(|| g.arn().map(|a| a.trim_end_matches(":*").to_owned()))
            })
            .ok_or_else(|| LogError::GroupMissing { group: group.into() })?;
        self.arns.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(group.into(), arn.clone());
        Ok(arn)
    }
}

fn non_empty(s: Option<&str>) -> Option<String> {
    s.map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned)
}

/// The events of one `SessionUpdate`, and whether `CloudWatch` sampled them.
fn update(u: &LiveTailSessionUpdate) -> TailItem {
    TailItem::Events {
        events: u
            .session_results()
            .iter()
            .map(|e| LogEvent {
                ts_ms: e.timestamp().unwrap_or_default(),
                ingest_ms: e.ingestion_time(),
                message: e.message().unwrap_or_default().to_string(),
                id: None,
                stream: e.log_stream_name().map(str::to_owned),
            })
            .collect(),
        sampled: u.session_metadata().is_some_and(LiveTailSessionMetadata::sampled),
    }
}

/// How a session's stream ended. The 3-hour limit arrives as the modelled
/// `SessionTimeoutException` variant (its payload need not carry an error code, so the variant
/// is what is matched, not `code()`).
fn session_end(e: &SdkError<StartLiveTailResponseStreamError, RawMessage>) -> TailItem {
    if e.as_service_error().is_some_and(StartLiveTailResponseStreamError::is_session_timeout_exception) {
        return TailItem::TimedOut;
    }
    let why = match e.as_service_error() {
        Some(se) if se.is_session_streaming_exception() => {
            format!("SessionStreamingException: {}", se.message().unwrap_or("no details"))
        }
        _ => DisplayErrorContext(e).to_string(),
    };
    TailItem::Failed(LogError::LiveTailUnavailable(LiveOff::Unavailable(format!(
        "the live tail session ended: {why}"
    ))))
}

#[async_trait]
impl LogStore for AwsLogStore {
    async fn filter_events(
        &self,
        group: &str,
        stream_prefix: Option<&str>,
        start_ms: i64,
        end_ms: Option<i64>,
        pattern: Option<&str>,
        next_token: Option<String>,
    ) -> Result<Page, LogError> {
        let answer = self
            .logs
            .filter_log_events()
            .log_group_name(group)
            .set_log_stream_name_prefix(non_empty(stream_prefix))
            .start_time(start_ms)
            .set_end_time(end_ms)
            .set_filter_pattern(non_empty(pattern))
            .set_next_token(next_token)
            .set_limit(self.page_limit)
            .send()
            .await;
        let mut page = match answer {
            Ok(out) => Page {
                events: out
                    .events()
                    .iter()
                    .map(|e| LogEvent {
                        ts_ms: e.timestamp().unwrap_or_default(),
                        ingest_ms: e.ingestion_time(),
                        message: e.message().unwrap_or_default().to_string(),
                        id: e.event_id().map(str::to_owned),
                        stream: e.log_stream_name().map(str::to_owned),
                    })
                    .collect(),
                next_token: out.next_token().map(str::to_owned),
            },
            // One event the SDK cannot decode must not hide the others.
            Err(e) => match lenient::recover(&e) {
                Some((page, repaired)) => {
                    tracing::warn!(
                        group,
                        repaired,
                        "FilterLogEvents answer repaired: undecodable events shown as placeholders"
                    );
                    page
                }
                None => return Err(self.fail("logs:FilterLogEvents", group, e)),
            },
        };
        // CloudWatch applies the prefix; some compatible servers (moto) ignore it.
        if let Some(p) = non_empty(stream_prefix) {
            page.events.retain(|e| e.stream.as_deref().is_some_and(|s| s.starts_with(&p)));
        }
        Ok(page)
    }

    async fn streams(&self, group: &str) -> Result<Vec<StreamInfo>, LogError> {
        let mut found = Vec::new();
        let mut pages = self
            .logs
            .describe_log_streams()
            .log_group_name(group)
            .order_by(OrderBy::LastEventTime)
            .descending(true)
            .limit(50)
            .into_paginator()
            .send();
        for _ in 0..STREAM_PAGES {
            let Some(page) = pages.next().await else {
                break;
            };
            let page = page.map_err(|e| self.fail("logs:DescribeLogStreams", group, e))?;
            found.extend(page.log_streams().iter().map(|s| StreamInfo {
                name: s.log_stream_name().unwrap_or_default().to_string(),
                first_event_ms: s.first_event_timestamp(),
                last_event_ms: s.last_event_timestamp(),
            }));
        }
        Ok(found)
    }

    async fn group_exists(&self, group: &str) -> Result<bool, LogError> {
        match self.group_arn(group).await {
            Ok(_) => Ok(true),
            Err(LogError::GroupMissing { .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }

    async fn console_output(&self, instance_id: &str) -> Result<String, LogError> {
        let out =
            self.ec2.get_console_output().instance_id(instance_id).send().await.map_err(|e| {
                match self.failure("ec2:GetConsoleOutput", &e) {
                    CloudError::NotFound { .. } => {
                        CloudError::NotFound { target: instance_id.into(), region: self.region.clone() }
                    }
                    other => other,
                }
            })?;
        let raw = out.output().unwrap_or_default();
        // EC2 answers base64; keep the text as is if it is not.
        Ok(match BASE64.decode(raw.trim()) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(_) => raw.to_string(),
        })
    }

    async fn live_tail(
        &self,
        group: &str,
        stream_prefix: Option<&str>,
        pattern: Option<&str>,
    ) -> Result<LiveTail, LogError> {
        let arn = self.group_arn(group).await?;
        let out = self
            .logs
            .start_live_tail()
            .log_group_identifiers(arn)
            .set_log_stream_name_prefixes(non_empty(stream_prefix).map(|p| vec![p]))
            .set_log_event_filter_pattern(non_empty(pattern))
            .customize()
            // Unavailable is an answer, not a reason to retry: the caller polls instead.
            .config_override(
                aws_sdk_cloudwatchlogs::config::Builder::default().retry_config(RetryConfig::disabled()),
            )
            .send()
            .await
            .map_err(|e| self.refused(group, &e))?;
        let mut stream = out.response_stream;
        let (tx, rx) = mpsc::channel::<TailItem>(64);
        let task = tokio::spawn(async move {
            loop {
                let item = match stream.recv().await {
                    Ok(Some(StartLiveTailResponseStream::SessionUpdate(u))) => update(&u),
                    Ok(Some(_)) => continue,
                    Ok(None) => return,
                    Err(e) => session_end(&e),
                };
                let end = !matches!(item, TailItem::Events { .. });
                if tx.send(item).await.is_err() || end {
                    return;
                }
            }
        });
        Ok(LiveTail::from_channel(rx, Some(task)))
    }

    fn kind(&self) -> &'static str {
        "aws"
    }
}
