//! The feed as `CloudTrail` answers it: `LookupEvents` with one `ResourceName` filter per call
//! (the API takes one attribute), paged with `NextToken` and `MaxResults` 50, at most two
//! requests a second (the API's limit per account and region, shared with everyone), and a
//! growing pause after a `ThrottlingException`.

use std::time::Duration;

use async_trait::async_trait;
use aws_config::SdkConfig;
use aws_config::retry::RetryConfig;
use aws_sdk_cloudtrail::error::ProvideErrorMetadata;
use aws_sdk_cloudtrail::primitives::DateTime;
use aws_sdk_cloudtrail::types::{LookupAttribute, LookupAttributeKey};
use jiff::Timestamp;
use tokio::sync::Mutex;
use tokio::time::Instant;

use super::{ActivityLog, Context, Event, parse_event};
use crate::cloud::CloudError;
use crate::cloud::aws::{endpoint_label, sdk_failure};
use crate::config::Config;

/// `LookupEvents`' largest page.
pub const PAGE_SIZE: i32 = 50;

/// Pages read at most per name (2,500 events: months of a weekly box's history).
pub const MAX_PAGES: usize = 50;

/// The gap kept between two `LookupEvents` calls (2 per second at most).
pub const MIN_GAP: Duration = Duration::from_millis(500);

/// Pauses after a `ThrottlingException`, one per retry; the call fails after the last.
pub const BACKOFF: [Duration; 3] = [Duration::from_secs(1), Duration::from_secs(2), Duration::from_secs(4)];

/// The IAM action, as errors name it.
pub const ACTION: &str = "cloudtrail:LookupEvents";

/// `CloudTrail`'s event history on AWS.
pub struct AwsActivity {
    client: aws_sdk_cloudtrail::Client,
    ctx: Context,
    profile: Option<String>,
    endpoint: String,
    /// When the last call was sent, to keep [`MIN_GAP`].
    last_call: Mutex<Option<Instant>>,
}

impl AwsActivity {
    /// A client on the shared SDK configuration (no call is made yet). Its own retries are off:
    /// throttling is waited out here, at the pace the API allows.
    pub fn new(sdk: &SdkConfig, cfg: &Config) -> Self {
        let conf =
            aws_sdk_cloudtrail::config::Builder::from(sdk).retry_config(RetryConfig::disabled()).build();
        AwsActivity {
            client: aws_sdk_cloudtrail::Client::from_conf(conf),
            ctx: Context::of(cfg),
            profile: cfg.profile.clone(),
            endpoint: endpoint_label(cfg, "cloudtrail"),
            last_call: Mutex::new(None),
        }
    }

    /// Waits until [`MIN_GAP`] has passed since the previous call, and books this one.
    async fn pace(&self) {
        let mut last = self.last_call.lock().await;
        if let Some(t) = *last {
            tokio::time::sleep_until(t + MIN_GAP).await;
        }
        *last = Some(Instant::now());
    }

    /// One page for `name`, waiting out throttling.
    async fn page(
        &self,
        name: &str,
        since: Timestamp,
        now: Timestamp,
        token: Option<String>,
    ) -> Result<aws_sdk_cloudtrail::operation::lookup_events::LookupEventsOutput, CloudError> {
        let filter = LookupAttribute::builder()
            .attribute_key(LookupAttributeKey::ResourceName)
            .attribute_value(name)
            .build()
            .map_err(|e| CloudError::Other(e.to_string()))?;
        let mut pauses = BACKOFF.iter();
        loop {
            self.pace().await;
            let r = self
                .client
                .lookup_events()
                .lookup_attributes(filter.clone())
                .start_time(DateTime::from_secs(since.as_second()))
                .end_time(DateTime::from_secs(now.as_second()))
                .max_results(PAGE_SIZE)
                .set_next_token(token.clone())
                .send()
                .await;
            match r {
                Ok(out) => return Ok(out),
                Err(e) if e.code() == Some("ThrottlingException") => {
                    let Some(pause) = pauses.next() else {
                        return Err(sdk_failure(ACTION, &e, self.profile.as_deref(), &self.endpoint));
                    };
                    tracing::info!(?pause, "CloudTrail asked to slow down");
                    tokio::time::sleep(*pause).await;
                }
                Err(e) => return Err(sdk_failure(ACTION, &e, self.profile.as_deref(), &self.endpoint)),
            }
        }
    }
}

/// An SDK `DateTime` as a timestamp.
fn timestamp(t: &DateTime) -> Option<Timestamp> {
    Timestamp::from_second(t.secs()).ok()
}

#[async_trait]
impl ActivityLog for AwsActivity {
    async fn lookup(
        &self,
        names: &[String],
        since: Timestamp,
        now: Timestamp,
    ) -> Result<Vec<Event>, CloudError> {
        let mut out: Vec<Event> = Vec::new();
        for name in names {
            let mut token = None;
            for _ in 0..MAX_PAGES {
                let page = self.page(name, since, now, token.take()).await?;
                for e in page.events() {
                    let (Some(record), Some(id)) = (e.cloud_trail_event(), e.event_id()) else { continue };
                    let at = e.event_time().and_then(timestamp);
                    if let Some(ev) = parse_event(record, Some(name), id, at, &self.ctx) {
                        if !out.iter().any(|o| o.id == ev.id) {
                            out.push(ev);
                        }
                    }
                }
                token = page.next_token().filter(|t| !t.is_empty()).map(str::to_owned);
                if token.is_none() {
                    break;
                }
            }
            if token.is_some() {
                tracing::warn!(name, "stopped reading CloudTrail after {MAX_PAGES} pages");
            }
        }
        out.sort_by_key(|e| std::cmp::Reverse(e.at));
        Ok(out)
    }

    fn kind(&self) -> &'static str {
        "aws"
    }

    async fn probe(&self) -> Result<(), CloudError> {
        self.pace().await;
        self.client
            .lookup_events()
            .max_results(1)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| sdk_failure(ACTION, &e, self.profile.as_deref(), &self.endpoint))
    }
}
