//! The box's own permissions: which instance profile it runs with, and what its role's
//! policies say; and the role the `EventBridge` Scheduler assumes to invoke the Lambda: whom it
//! trusts and what its policies allow. Asked of EC2 (`DescribeInstances`) and IAM
//! (`GetInstanceProfile`, `GetRole`, a role's attached and inline policies), or of the demo's
//! simulated account.

pub mod aws;

use async_trait::async_trait;

use super::policy::PolicyDoc;
use crate::cloud::CloudError;

pub use aws::AwsBoxRoles;

/// A role and the documents of every policy it has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RolePolicies {
    /// The role's name.
    pub role: String,
    /// Its attached (managed) policies' default versions, then its inline policies.
    pub policies: Vec<PolicyDoc>,
    /// The role's permissions boundary, when IAM reports one (it can only take away).
    pub boundary: Option<String>,
}

/// An instance profile and its role (IAM allows at most one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileRoles {
    /// The profile's name.
    pub profile: String,
    /// Its roles with their policies.
    pub roles: Vec<RolePolicies>,
}

/// One role as IAM describes it: its ARN, its trust policy and its permission policies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleDocs {
    /// The role's ARN.
    pub arn: String,
    /// The trust policy (`AssumeRolePolicyDocument`), plain or URL-encoded as AWS sends it.
    pub trust: String,
    /// The role's name, its policies' documents and its permissions boundary.
    pub permissions: RolePolicies,
}

/// Questions about the box's own permissions.
#[async_trait]
pub trait BoxRoles: Send + Sync {
    /// The ARN of the instance profile instance `id` runs with; `None` when it has none.
    async fn instance_profile(&self, id: &str) -> Result<Option<String>, CloudError>;

    /// The profile named by `arn`, its role and the role's policies. A refused IAM call is
    /// [`CloudError::AccessDenied`] naming the `iam:` action.
    async fn profile_roles(&self, arn: &str) -> Result<ProfileRoles, CloudError>;

    /// The role named `name` (not its ARN): trust policy, policies and boundary. A role IAM
    /// does not know is [`CloudError::Missing`]; a refused call is [`CloudError::AccessDenied`]
    /// naming the `iam:` action.
    async fn role(&self, name: &str) -> Result<RoleDocs, CloudError>;
}

/// The profile's name: the last part of its ARN (`arn:aws:iam::1:instance-profile/path/NAME`).
pub fn profile_name(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

/// The partition and account of an IAM ARN (`arn:PARTITION:iam::ACCOUNT:…`), when it has them.
pub fn partition_and_account(arn: &str) -> Option<(&str, &str)> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    match parts.as_slice() {
        ["arn", partition, _, _, account, _] if !partition.is_empty() && !account.is_empty() => {
            Some((partition, account))
        }
        _ => None,
    }
}

/// The role's name: the last part of its ARN (`arn:aws:iam::1:role/path/NAME`).
pub fn role_name(arn: &str) -> &str {
    profile_name(arn)
}

/// The demo's box: a profile whose role may write the run log group, and a Scheduler role
/// that trusts the Scheduler and may invoke the Lambda.
pub struct DemoBoxRoles {
    group: String,
    lambda: String,
}

impl DemoBoxRoles {
    /// The simulated box's profile, allowing writes to `group`, and the simulated Scheduler
    /// role, allowed to invoke the Lambda `lambda`.
    pub fn new(group: &str, lambda: &str) -> Self {
        DemoBoxRoles { group: group.to_owned(), lambda: lambda.to_owned() }
    }
}

/// The demo account's id.
const DEMO_ACCOUNT: &str = "123456789012";

/// The Scheduler role of the demo account, used when none is configured (as `schedule move`
/// does in demo mode).
pub const DEMO_SCHEDULER_ROLE: &str = "arn:aws:iam::123456789012:role/baseline-scheduler";

#[async_trait]
impl BoxRoles for DemoBoxRoles {
    async fn instance_profile(&self, _id: &str) -> Result<Option<String>, CloudError> {
        Ok(Some(format!("arn:aws:iam::{DEMO_ACCOUNT}:instance-profile/baseline-model-box")))
    }

    async fn profile_roles(&self, arn: &str) -> Result<ProfileRoles, CloudError> {
        let document = serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                "Resource": format!("arn:aws:logs:*:*:log-group:{}*", self.group),
            }],
        });
        Ok(ProfileRoles {
            profile: profile_name(arn).to_owned(),
            roles: vec![RolePolicies {
                role: "baseline-model-box".into(),
                policies: vec![PolicyDoc {
                    name: "inline policy run-log".into(),
                    document: document.to_string(),
                }],
                boundary: None,
            }],
        })
    }

    async fn role(&self, name: &str) -> Result<RoleDocs, CloudError> {
        let trust = serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Allow",
                "Principal": { "Service": "scheduler.amazonaws.com" },
                "Action": "sts:AssumeRole",
                "Condition": { "StringEquals": { "aws:SourceAccount": DEMO_ACCOUNT } },
            }],
        });
        let invoke = serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Allow",
                "Action": "lambda:InvokeFunction",
                "Resource": format!("arn:aws:lambda:*:{DEMO_ACCOUNT}:function:{}*", self.lambda),
            }],
        });
        Ok(RoleDocs {
            arn: format!("arn:aws:iam::{DEMO_ACCOUNT}:role/{name}"),
            trust: trust.to_string(),
            permissions: RolePolicies {
                role: name.to_owned(),
                policies: vec![PolicyDoc {
                    name: "inline policy invoke-lambda".into(),
                    document: invoke.to_string(),
                }],
                boundary: None,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_accounts_come_from_the_arn() {
        let arn = "arn:aws:iam::123456789012:instance-profile/lab/BoxProfile";
        assert_eq!(profile_name(arn), "BoxProfile");
        assert_eq!(partition_and_account(arn), Some(("aws", "123456789012")));
        assert_eq!(partition_and_account("BoxProfile"), None);
        assert_eq!(partition_and_account("arn:aws-cn:iam::9:role/x"), Some(("aws-cn", "9")));
    }
}
