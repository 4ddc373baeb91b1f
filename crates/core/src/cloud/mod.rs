//! The job box in the cloud: what the panel can ask of it, behind one small trait with a real
//! (AWS SDK) and a simulated (demo) implementation.

pub mod agent;
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

    /// The job box(es) as [`Cloud::instances`] finds them, without their status checks: one call
    /// where the cloud needs two, for callers that read the checks alongside other things
    /// (see [`with_status_checks`]). By default, the full answer.
    async fn listed(&self) -> Result<Vec<Instance>, CloudError> {
        self.instances().await
    }

    /// The EC2 status checks of `ids` (instance id, checks). By default none: the instances
    /// already carry theirs.
    async fn status_checks(&self, ids: &[String]) -> Result<Vec<(String, StatusChecks)>, CloudError> {
        let _ = ids;
        Ok(Vec::new())
    }

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

    /// EC2 Instance Connect: puts `public_key` (one OpenSSH line) on the instance for `os_user`,
    /// for the next 60 seconds (`SendSSHPublicKey`). A cloud without it refuses.
    async fn send_ssh_public_key(&self, id: &str, os_user: &str, public_key: &str) -> Result<(), CloudError> {
        let _ = (id, os_user, public_key);
        Err(CloudError::Rejected("EC2 Instance Connect is not available here".into()))
    }
}

/// Puts each instance's status checks on it. Checks that could not be read leave the column at
/// "-" (logged): the instance list is still worth showing.
pub fn with_status_checks(
    mut list: Vec<Instance>,
    checks: Result<Vec<(String, StatusChecks)>, CloudError>,
) -> Vec<Instance> {
    match checks {
        Ok(checks) => {
            for (id, c) in checks {
                if let Some(i) = list.iter_mut().find(|i| i.id == id) {
                    i.status_checks = Some(c);
                }
            }
        }
        Err(e) => tracing::warn!(error = %e, "status checks unavailable"),
    }
    list
}
