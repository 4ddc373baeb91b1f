//! The job box in the cloud: what the panel can ask of it, behind one small trait with a real
//! (AWS SDK) and a simulated (demo) implementation.

pub mod aws;
pub mod demo;
pub mod error;
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

    /// Who the credentials belong to (STS GetCallerIdentity).
    async fn identity(&self) -> Result<Identity, CloudError>;

    /// `aws` or `demo`, for the header.
    fn kind(&self) -> &'static str;
}
