//! The real cloud: the AWS SDK for Rust with aws-config's default credential chain
//! (environment, profiles, SSO cache, IMDS) and `AWS_ENDPOINT_URL` support.

use std::time::Duration;

use async_trait::async_trait;
use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig, timeout::TimeoutConfig};
use aws_sdk_ec2::config::SharedHttpClient;
use aws_sdk_ec2::config::http::HttpResponse;
use aws_sdk_ec2::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_ec2::primitives::Blob;
use aws_sdk_ec2::types::{BlobAttributeValue, Filter, InstanceAttributeName};
use aws_smithy_http_client::tls;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;

use super::error::{SdkFailure, classify};
use super::{Cloud, CloudError, Identity, Instance, InstanceState, StatusChecks};
use crate::config::{Config, Target};

/// The instance states the panel cares about (terminated boxes are history).
const LIVE_STATES: [&str; 5] = ["pending", "running", "stopping", "stopped", "shutting-down"];

/// The one HTTPS client every SDK client of the process shares (one connection pool): rustls
/// with the ring crypto provider and the system's root certificates. Built once; the clients
/// made from [`sdk_config`] (and the credential providers behind it) all use it.
pub fn http_client() -> SharedHttpClient {
    static CLIENT: std::sync::OnceLock<SharedHttpClient> = std::sync::OnceLock::new();
    CLIENT
        .get_or_init(|| {
            aws_smithy_http_client::Builder::new()
                .tls_provider(tls::Provider::Rustls(tls::rustls_provider::CryptoMode::Ring))
                .build_https()
        })
        .clone()
}

/// Builds the shared SDK configuration from the panel's configuration.
pub async fn sdk_config(cfg: &Config) -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .http_client(http_client())
        .region(Region::new(cfg.region.clone()))
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(3))
                .operation_attempt_timeout(Duration::from_secs(10))
                .operation_timeout(Duration::from_secs(25))
                .build(),
        );
    if let Ok(name) = aws_config::AppName::new(crate::activity::APP_NAME) {
        loader = loader.app_name(name);
    }
    if let Some(p) = &cfg.profile {
        loader = loader.profile_name(p);
    }
    if let Some(u) = &cfg.endpoint_url {
        loader = loader.endpoint_url(u);
    }
    loader.load().await
}

/// The endpoint named in error messages for `service` (`ec2`, `events`, `logs`, ...): the custom
/// endpoint when one is set, else the region's default host name.
pub fn endpoint_label(cfg: &Config, service: &str) -> String {
    cfg.endpoint_url
        .clone()
        .or_else(|| std::env::var("AWS_ENDPOINT_URL").ok())
        .unwrap_or_else(|| format!("{service}.{}.amazonaws.com", cfg.region))
}

/// Classifies a failed call of any AWS SDK client (EC2, `EventBridge`, `CloudWatch` Logs, STS, ...)
/// for `action` (e.g. `events:DisableRule`), with the profile and endpoint for the hints.
pub fn sdk_failure<E>(
    action: &str,
    err: &SdkError<E, HttpResponse>,
    profile: Option<&str>,
    endpoint: &str,
) -> CloudError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let f = SdkFailure::from_sdk(action, err, profile, endpoint);
    tracing::warn!(action, chain = %f.chain, "cloud call failed");
    classify(&f)
}

/// The cloud as AWS answers it.
pub struct AwsCloud {
    sdk: SdkConfig,
    ec2: aws_sdk_ec2::Client,
    /// Made on first use: only `doctor` and the panel's identity line ask STS, and building a
    /// client costs a few milliseconds of `status`'s start.
    sts: std::sync::OnceLock<aws_sdk_sts::Client>,
    instance_connect: aws_sdk_ec2instanceconnect::Client,
    /// The endpoint EC2 Instance Connect errors name.
    instance_connect_endpoint: String,
    target: Target,
    region: String,
    profile: Option<String>,
    endpoint: String,
}

impl AwsCloud {
    /// Connects (lazily: no call is made until the first request).
    pub async fn connect(cfg: &Config) -> Self {
        Self::with_sdk(cfg, sdk_config(cfg).await)
    }

    /// A cloud on an already built SDK configuration (tests use explicit credentials).
    pub fn with_sdk(cfg: &Config, sdk: SdkConfig) -> Self {
        let endpoint = endpoint_label(cfg, "ec2");
        AwsCloud {
            ec2: aws_sdk_ec2::Client::from_conf(
                aws_sdk_ec2::config::Builder::from(&sdk).interceptor(super::agent::PanelAgent).build(),
            ),
            sts: std::sync::OnceLock::new(),
            instance_connect: aws_sdk_ec2instanceconnect::Client::new(&sdk),
            instance_connect_endpoint: endpoint_label(cfg, "ec2-instance-connect"),
            sdk,
            target: cfg.target.clone(),
            region: cfg.region.clone(),
            profile: cfg.profile.clone(),
            endpoint,
        }
    }

    /// The SDK configuration, for clients of other services.
    pub fn sdk(&self) -> &SdkConfig {
        &self.sdk
    }

    /// Settles a call that may be a dry run: EC2 answers a permitted dry run with the error
    /// code `DryRunOperation`.
    fn settle<T, E>(
        &self,
        action: &str,
        dry_run: bool,
        r: Result<T, SdkError<E, HttpResponse>>,
    ) -> Result<(), CloudError>
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        match r {
            Ok(_) => Ok(()),
            Err(e) if dry_run && e.code() == Some("DryRunOperation") => Ok(()),
            Err(e) => Err(self.fail(action, e)),
        }
    }

    /// Classifies an SDK error for `action` (e.g. `ec2:StartInstances`).
    #[allow(clippy::needless_pass_by_value, reason = "takes the error as `map_err` hands it over")]
    pub fn fail<E>(&self, action: &str, err: SdkError<E, HttpResponse>) -> CloudError
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        match sdk_failure(action, &err, self.profile.as_deref(), &self.endpoint) {
            CloudError::NotFound { .. } => self.not_found(),
            e => e,
        }
    }

    fn not_found(&self) -> CloudError {
        CloudError::NotFound { target: self.target.to_string(), region: self.region.clone() }
    }
}

fn timestamp(t: &aws_smithy_types::DateTime) -> Option<jiff::Timestamp> {
    jiff::Timestamp::new(t.secs(), i32::try_from(t.subsec_nanos()).ok()?).ok()
}

fn non_empty(s: Option<&str>) -> Option<String> {
    s.filter(|s| !s.is_empty()).map(str::to_owned)
}

fn convert(i: &aws_sdk_ec2::types::Instance) -> Instance {
    Instance {
        id: i.instance_id().unwrap_or_default().to_string(),
        name: i.tags().iter().find(|t| t.key() == Some("Name")).and_then(|t| t.value()).map(str::to_owned),
        state: InstanceState::from_name(
            i.state().and_then(|s| s.name()).map_or("unknown", aws_sdk_ec2::types::InstanceStateName::as_str),
        ),
        instance_type: i.instance_type().map(|t| t.as_str().to_string()),
        launch_time: i.launch_time().and_then(timestamp),
        public_dns: non_empty(i.public_dns_name()),
        public_ip: non_empty(i.public_ip_address()),
        availability_zone: i.placement().and_then(|p| non_empty(p.availability_zone())),
        state_transition_reason: non_empty(i.state_transition_reason()),
        state_reason_code: i.state_reason().and_then(|r| non_empty(r.code())),
        state_reason_message: i.state_reason().and_then(|r| non_empty(r.message())),
        status_checks: None,
    }
}

#[async_trait]
impl Cloud for AwsCloud {
    async fn instances(&self) -> Result<Vec<Instance>, CloudError> {
        let list = self.listed().await?;
        let ids: Vec<String> = list.iter().map(|i| i.id.clone()).collect();
        Ok(super::with_status_checks(list, self.status_checks(&ids).await))
    }

    async fn listed(&self) -> Result<Vec<Instance>, CloudError> {
        let mut req = self.ec2.describe_instances();
        req = match &self.target {
            Target::Id(id) => req.instance_ids(id),
            Target::Name(name) => {
                req.filters(Filter::builder().name("tag:Name").values(name).build()).filters(
                    Filter::builder()
                        .name("instance-state-name")
                        .set_values(Some(LIVE_STATES.iter().map(std::string::ToString::to_string).collect()))
                        .build(),
                )
            }
        };
        let mut found = Vec::new();
        let mut pages = req.into_paginator().send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| self.fail("ec2:DescribeInstances", e))?;
            for r in page.reservations() {
                found.extend(r.instances().iter().map(convert));
            }
        }
        // The SDK reads a cut-off answer without complaint; an instance without an id is the sign.
        if found.iter().any(|i| i.id.is_empty()) {
            return Err(CloudError::Unreadable(format!(
                "the answer from {} to ec2:DescribeInstances could not be read: it lists an instance without an id (a cut-off answer?)",
                self.endpoint
            )));
        }
        found.retain(|i| i.state != InstanceState::Terminated);
        if found.is_empty() {
            return Err(self.not_found());
        }
        found.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(found)
    }

    async fn status_checks(&self, ids: &[String]) -> Result<Vec<(String, StatusChecks)>, CloudError> {
        let out = self
            .ec2
            .describe_instance_status()
            .set_instance_ids(Some(ids.to_vec()))
            .include_all_instances(true)
            .send()
            .await
            .map_err(|e| self.fail("ec2:DescribeInstanceStatus", e))?;
        let summary = |s: Option<&aws_sdk_ec2::types::InstanceStatusSummary>| {
            s.and_then(|s| s.status()).map_or_else(|| "-".into(), |s| s.as_str().to_string())
        };
        Ok(out
            .instance_statuses()
            .iter()
            .filter_map(|s| {
                let id = s.instance_id()?.to_string();
                Some((
                    id,
                    StatusChecks {
                        system: summary(s.system_status()),
                        instance: summary(s.instance_status()),
                    },
                ))
            })
            .collect())
    }

    async fn identity(&self) -> Result<Identity, CloudError> {
        let out = self
            .sts
            .get_or_init(|| aws_sdk_sts::Client::new(&self.sdk))
            .get_caller_identity()
            .send()
            .await
            .map_err(|e| self.fail("sts:GetCallerIdentity", e))?;
        Ok(Identity {
            account: out.account().unwrap_or_default().to_string(),
            arn: out.arn().unwrap_or_default().to_string(),
        })
    }

    async fn start(&self, ids: &[String], dry_run: bool) -> Result<(), CloudError> {
        let r = self.ec2.start_instances().set_instance_ids(Some(ids.to_vec())).dry_run(dry_run).send().await;
        self.settle("ec2:StartInstances", dry_run, r)
    }

    async fn stop(&self, ids: &[String], dry_run: bool) -> Result<(), CloudError> {
        let r = self.ec2.stop_instances().set_instance_ids(Some(ids.to_vec())).dry_run(dry_run).send().await;
        self.settle("ec2:StopInstances", dry_run, r)
    }

    async fn user_data(&self, id: &str) -> Result<Vec<u8>, CloudError> {
        let out = self
            .ec2
            .describe_instance_attribute()
            .instance_id(id)
            .attribute(InstanceAttributeName::UserData)
            .send()
            .await
            .map_err(|e| self.fail("ec2:DescribeInstanceAttribute", e))?;
        // The SDK reads a cut-off answer without complaint: one that does not even name the
        // instance would pass for "no user data".
        if out.instance_id() != Some(id) {
            return Err(CloudError::Unreadable(format!(
                "the answer from {} to ec2:DescribeInstanceAttribute could not be read: it does not name instance {id}",
                self.endpoint
            )));
        }
        // EC2 answers with the base64 text of the user data: decode it once.
        let text = out.user_data().and_then(|v| v.value()).unwrap_or_default();
        BASE64.decode(text.trim()).map_err(|e| {
            CloudError::Other(format!("EC2 returned user data for {id} that is not valid base64 ({e})"))
        })
    }

    async fn set_user_data(&self, id: &str, bytes: &[u8], dry_run: bool) -> Result<(), CloudError> {
        // The attribute's blob must hold the base64 *text*; the SDK encodes the blob once more
        // for the wire, and EC2 decodes it once. Raw bytes are refused as malformed.
        let value = BlobAttributeValue::builder().value(Blob::new(BASE64.encode(bytes))).build();
        let mut call = self
            .ec2
            .modify_instance_attribute()
            .instance_id(id)
            .user_data(value)
            .dry_run(dry_run)
            .customize();
        if !dry_run {
            // One attempt only: after a retry, the last attempt's error would hide whether an
            // earlier one landed. The caller reads the user data back instead.
            call = call.config_override(
                aws_sdk_ec2::config::Builder::default().retry_config(RetryConfig::disabled()),
            );
        }
        let r = call.send().await;
        self.settle("ec2:ModifyInstanceAttribute", dry_run, r)
    }

    async fn send_ssh_public_key(&self, id: &str, os_user: &str, public_key: &str) -> Result<(), CloudError> {
        const ACTION: &str = "ec2-instance-connect:SendSSHPublicKey";
        let r = self
            .instance_connect
            .send_ssh_public_key()
            .instance_id(id)
            .instance_os_user(os_user)
            .ssh_public_key(public_key)
            .send()
            .await;
        match r {
            Ok(out) if out.success() => Ok(()),
            Ok(_) => {
                Err(CloudError::Rejected(format!("EC2 Instance Connect did not accept the key for {id}")))
            }
            // EC2 Instance Connect says "not allowed" with a code of its own.
            Err(e) if e.code() == Some("AuthException") => {
                Err(CloudError::AccessDenied { action: ACTION.into(), detail: String::new() })
            }
            Err(e) => Err(sdk_failure(ACTION, &e, self.profile.as_deref(), &self.instance_connect_endpoint)),
        }
    }
}
