//! The box's profile and its role's policies as AWS answers: EC2 `DescribeInstances`, then IAM
//! `GetInstanceProfile`, `ListAttachedRolePolicies` + `GetPolicy` + `GetPolicyVersion`, and
//! `ListRolePolicies` + `GetRolePolicy`; for the Scheduler's role, `GetRole` and the same
//! policy reads. Read calls only.

use async_trait::async_trait;
use aws_config::SdkConfig;
use aws_sdk_iam::config::http::HttpResponse;
use aws_sdk_iam::error::{ProvideErrorMetadata, SdkError};

use super::{BoxRoles, ProfileRoles, RoleDocs, RolePolicies, profile_name};
use crate::cloud::CloudError;
use crate::cloud::aws::{endpoint_label, sdk_failure};
use crate::config::Config;
use crate::doctor::policy::PolicyDoc;

/// EC2 and IAM clients on the panel's SDK configuration.
pub struct AwsBoxRoles {
    ec2: aws_sdk_ec2::Client,
    iam: aws_sdk_iam::Client,
    profile: Option<String>,
    ec2_endpoint: String,
    iam_endpoint: String,
}

impl AwsBoxRoles {
    /// Clients on `sdk` (the panel passes `AwsCloud::sdk()`). No call is made yet.
    pub fn new(sdk: &SdkConfig, cfg: &Config) -> Self {
        AwsBoxRoles {
            ec2: aws_sdk_ec2::Client::new(sdk),
            iam: aws_sdk_iam::Client::new(sdk),
            profile: cfg.profile.clone(),
            ec2_endpoint: endpoint_label(cfg, "ec2"),
            iam_endpoint: cfg
                .endpoint_url
                .clone()
                .or_else(|| std::env::var("AWS_ENDPOINT_URL").ok())
                .unwrap_or_else(|| "iam.amazonaws.com".into()),
        }
    }

    /// Classifies a failed IAM call; a missing profile or policy names itself.
    fn iam_fail<E>(&self, action: &str, what: &str, err: &SdkError<E, HttpResponse>) -> CloudError
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        if err.code() == Some("NoSuchEntity") {
            return CloudError::Missing(format!("IAM has no {what}"));
        }
        sdk_failure(action, err, self.profile.as_deref(), &self.iam_endpoint)
    }

    /// The documents of the role's attached policies (their default versions).
    async fn attached(&self, role: &str) -> Result<Vec<PolicyDoc>, CloudError> {
        let action = "iam:ListAttachedRolePolicies";
        let mut arns = Vec::new();
        let mut pages = self.iam.list_attached_role_policies().role_name(role).into_paginator().send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| self.iam_fail(action, &format!("role {role}"), &e))?;
            arns.extend(page.attached_policies().iter().filter_map(|p| p.policy_arn()).map(str::to_owned));
        }
        let mut docs = Vec::new();
        for arn in arns {
            let name = format!("managed policy {}", arn.rsplit('/').next().unwrap_or(&arn));
            let what = format!("policy {arn}");
            let policy = self
                .iam
                .get_policy()
                .policy_arn(&arn)
                .send()
                .await
                .map_err(|e| self.iam_fail("iam:GetPolicy", &what, &e))?;
            let Some(version) = policy.policy().and_then(|p| p.default_version_id()) else {
                docs.push(PolicyDoc { name, document: String::new() });
                continue;
            };
            let out = self
                .iam
                .get_policy_version()
                .policy_arn(&arn)
                .version_id(version)
                .send()
                .await
                .map_err(|e| self.iam_fail("iam:GetPolicyVersion", &what, &e))?;
            let document = out.policy_version().and_then(|v| v.document()).unwrap_or_default().to_owned();
            docs.push(PolicyDoc { name, document });
        }
        Ok(docs)
    }

    /// The documents of the role's inline policies.
    async fn inline(&self, role: &str) -> Result<Vec<PolicyDoc>, CloudError> {
        let mut names = Vec::new();
        let mut pages = self.iam.list_role_policies().role_name(role).into_paginator().send();
        while let Some(page) = pages.next().await {
            let page =
                page.map_err(|e| self.iam_fail("iam:ListRolePolicies", &format!("role {role}"), &e))?;
            names.extend(page.policy_names().iter().cloned());
        }
        let mut docs = Vec::new();
        for name in names {
            let out =
                self.iam.get_role_policy().role_name(role).policy_name(&name).send().await.map_err(|e| {
                    self.iam_fail("iam:GetRolePolicy", &format!("inline policy {name} on role {role}"), &e)
                })?;
            docs.push(PolicyDoc {
                name: format!("inline policy {name}"),
                document: out.policy_document().to_owned(),
            });
        }
        Ok(docs)
    }
}

#[async_trait]
impl BoxRoles for AwsBoxRoles {
    async fn instance_profile(&self, id: &str) -> Result<Option<String>, CloudError> {
        let out = self.ec2.describe_instances().instance_ids(id).send().await.map_err(|e| {
            sdk_failure("ec2:DescribeInstances", &e, self.profile.as_deref(), &self.ec2_endpoint)
        })?;
        let instance = out
            .reservations()
            .iter()
            .flat_map(aws_sdk_ec2::types::Reservation::instances)
            .find(|i| i.instance_id() == Some(id));
        let Some(instance) = instance else {
            return Err(CloudError::Unreadable(format!(
                "the answer from {} to ec2:DescribeInstances does not list {id}",
                self.ec2_endpoint
            )));
        };
        Ok(instance.iam_instance_profile().and_then(|p| p.arn()).map(str::to_owned))
    }

    async fn profile_roles(&self, arn: &str) -> Result<ProfileRoles, CloudError> {
        let name = profile_name(arn);
        let out =
            self.iam.get_instance_profile().instance_profile_name(name).send().await.map_err(|e| {
                self.iam_fail("iam:GetInstanceProfile", &format!("instance profile {name}"), &e)
            })?;
        let roles =
            out.instance_profile().map(aws_sdk_iam::types::InstanceProfile::roles).unwrap_or_default();
        let mut found = Vec::new();
        for role in roles {
            let role_name = role.role_name();
            let mut policies = self.attached(role_name).await?;
            policies.extend(self.inline(role_name).await?);
            found.push(RolePolicies {
                role: role_name.to_owned(),
                policies,
                boundary: role
                    .permissions_boundary()
                    .and_then(|b| b.permissions_boundary_arn())
                    .map(str::to_owned),
            });
        }
        Ok(ProfileRoles { profile: name.to_owned(), roles: found })
    }

    async fn role(&self, name: &str) -> Result<RoleDocs, CloudError> {
        let out = self
            .iam
            .get_role()
            .role_name(name)
            .send()
            .await
            .map_err(|e| self.iam_fail("iam:GetRole", &format!("role {name}"), &e))?;
        let Some(role) = out.role() else {
            return Err(CloudError::Unreadable(format!(
                "the answer from {} to iam:GetRole names no role",
                self.iam_endpoint
            )));
        };
        let mut policies = self.attached(name).await?;
        policies.extend(self.inline(name).await?);
        Ok(RoleDocs {
            arn: role.arn().to_owned(),
            trust: role.assume_role_policy_document().unwrap_or_default().to_owned(),
            permissions: RolePolicies {
                role: name.to_owned(),
                policies,
                boundary: role
                    .permissions_boundary()
                    .and_then(|b| b.permissions_boundary_arn())
                    .map(str::to_owned),
            },
        })
    }
}
