//! The job box in the cloud: what the panel can ask of it, behind one small trait with a real
//! (AWS SDK) and a simulated (demo) implementation.

pub mod aws;
pub mod demo;
pub mod error;
mod problem;
pub mod types;

use async_trait::async_trait;

pub use error::CloudError;
pub use types::{Instance, InstanceState, StatusChecks};

/// Who the credentials belong to.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Identity {
    /// AWS account id.
    pub account: String,
    /// ARN of the caller.
    pub arn: String,
}

/// Everything the panel and the CLI ask of the cloud.
#[async_trait]
pub trait Cloud: Send + Sync {
    /// The job box(es): by id, or every instance whose `Name` tag matches (the Lambda starts them all).
    /// Terminated instances are left out.
    async fn instances(&self) -> Result<Vec<Instance>, CloudError>;

    /// Who the credentials belong to (STS `GetCallerIdentity`).
    async fn identity(&self) -> Result<Identity, CloudError>;

    /// Starts the instances. With `dry_run`, only asks EC2 whether the credentials may
    /// (`Ok` means permitted; a refusal is [`CloudError::AccessDenied`] naming `ec2:StartInstances`).
    async fn start(&self, ids: &[String], dry_run: bool) -> Result<(), CloudError>;

    /// Stops the instances; `dry_run` as for [`Cloud::start`].
    async fn stop(&self, ids: &[String], dry_run: bool) -> Result<(), CloudError>;

    /// The instance's user data, decoded: the exact bytes cloud-init runs (empty when none).
    async fn user_data(&self, id: &str) -> Result<Vec<u8>, CloudError>;

    /// Replaces the instance's user data with `bytes` (EC2 accepts this only while it is stopped;
    /// callers check the state first). With `dry_run`, only checks the permission.
    async fn set_user_data(&self, id: &str, bytes: &[u8], dry_run: bool) -> Result<(), CloudError>;
}
