//! May the box write its run log? The instance's profile (EC2), its role and the role's
//! policies (IAM), read and evaluated here: `logs:CreateLogStream` and `logs:PutLogEvents` on
//! the run group's stream for this instance (the `CloudWatch` agent config in `assets/` names
//! the stream after the instance id).
//!
//! Never a pass without evidence: IAM reads that are refused make the check "not checked", a
//! condition or policy variable makes it a warning, and the pass says that organization SCPs
//! and permissions boundaries are not part of it.

use std::time::Duration;

use super::advice::cloud_advice;
use super::policy::{PolicyDoc, Verdict, evaluate};
use super::roles::{ProfileRoles, partition_and_account, profile_name};
use super::{AWS_ENDPOINT, Check, DoctorProbes, Item, Status, within};
use crate::cloud::CloudError;
use crate::config::Config;

pub(super) const LOG_ROLE: Item = Item::new("ec2.log_role", "Box log permission", true);

/// The two writes the `CloudWatch` agent makes.
const WRITES: [&str; 2] = ["logs:CreateLogStream", "logs:PutLogEvents"];

/// The IAM reads this check needs, for the hint when one is refused.
const IAM_READS: &str = "iam:GetInstanceProfile, iam:ListAttachedRolePolicies, iam:GetPolicy, \
                         iam:GetPolicyVersion, iam:ListRolePolicies and iam:GetRolePolicy";

/// Checks instance `id`'s permission to write `cfg.log_group`, within `limit`.
pub(super) async fn log_role_check(
    probes: &dyn DoctorProbes,
    cfg: &Config,
    id: &str,
    limit: Duration,
) -> Check {
    match within(limit, examine(probes, cfg, id)).await {
        None => LOG_ROLE.timed_out(limit, AWS_ENDPOINT),
        Some(c) => c,
    }
}

/// A failed read: a refused IAM call means "not checked", anything else fails as usual.
fn read_failed(e: &CloudError) -> Check {
    match e {
        CloudError::AccessDenied { action, .. } if action.starts_with("iam:") => LOG_ROLE.skip(
            format!("not checked: no {action} permission"),
            Some(format!(
                "allow {IAM_READS} (statement DoctorReadsTheBoxRole in assets/iam-policy.json) to check what the box may write"
            )),
        ),
        CloudError::Missing(what) => LOG_ROLE.fail((
            what.clone(),
            what.contains("instance profile").then(|| {
                "attach an existing instance profile to the box (`aws ec2 replace-iam-instance-profile-association`)"
                    .into()
            }),
        )),
        e => LOG_ROLE.fail(cloud_advice(e)),
    }
}

async fn examine(probes: &dyn DoctorProbes, cfg: &Config, id: &str) -> Check {
    let group = &cfg.log_group;
    let arn = match probes.instance_profile(id).await {
        Ok(Some(arn)) => arn,
        Ok(None) => {
            return LOG_ROLE.fail((
                format!("{id} has no instance profile: the CloudWatch agent on it cannot write {group}"),
                Some(format!(
                    "attach a profile whose role allows logs:CreateLogStream and logs:PutLogEvents on {group} \
                     (`aws ec2 associate-iam-instance-profile --instance-id {id} --iam-instance-profile Name=PROFILE`; \
                     the managed policy CloudWatchAgentServerPolicy covers it)"
                )),
            ));
        }
        Err(e) => return read_failed(&e),
    };
    match probes.profile_roles(&arn).await {
        Ok(found) => judge(cfg, id, &arn, &found),
        Err(e) => read_failed(&e),
    }
}

/// What the role's policies say about the two writes.
fn judge(cfg: &Config, id: &str, arn: &str, found: &ProfileRoles) -> Check {
    let (group, profile) = (&cfg.log_group, profile_name(arn));
    let Some(role) = found.roles.first() else {
        return LOG_ROLE.fail((
            format!("the instance profile {profile} has no role: the box has no AWS permissions"),
            Some(format!("add a role to it: `aws iam add-role-to-instance-profile --instance-profile-name {profile} --role-name ROLE`")),
        ));
    };
    let (partition, account) = partition_and_account(arn).unwrap_or(("aws", "*"));
    let group_arn = format!("arn:{partition}:logs:{}:{account}:log-group:{group}", cfg.region);
    let stream_arn = format!("{group_arn}:log-stream:{id}");
    let who = format!("role {} (profile {profile})", role.role);
    let verdicts: Vec<(&str, Verdict)> =
        WRITES.iter().map(|a| (*a, verdict(&role.policies, a, &group_arn, &stream_arn))).collect();
    let fix = format!(
        "allow {} on arn:{partition}:logs:{}:{account}:log-group:{group}:* in a policy of role {} \
         (the managed policy CloudWatchAgentServerPolicy covers it)",
        WRITES.join(" and "),
        cfg.region,
        role.role
    );
    if let Some((action, Verdict::Denied { by })) =
        verdicts.iter().find(|(_, v)| matches!(v, Verdict::Denied { .. }))
    {
        return LOG_ROLE.fail((
            format!("{who}: {action} on {group} is denied by {by}"),
            Some(format!("an explicit Deny wins over any Allow: narrow the Deny in {by}")),
        ));
    }
    let missing: Vec<&str> =
        verdicts.iter().filter(|(_, v)| *v == Verdict::NotCovered).map(|(a, _)| *a).collect();
    if !missing.is_empty() {
        return LOG_ROLE
            .fail((format!("{who} has no policy allowing {} on {group}", missing.join(" or ")), Some(fix)));
    }
    if let Some((action, Verdict::Uncertain { why })) =
        verdicts.iter().find(|(_, v)| matches!(v, Verdict::Uncertain { .. }))
    {
        return LOG_ROLE.check(
            Status::Warn,
            format!("{who}: {action} on {group} may not be allowed: {why}"),
            Some(format!("check the policy by hand, or {fix}")),
        );
    }
    let by: Vec<&str> = verdicts
        .iter()
        .filter_map(|(_, v)| if let Verdict::Allowed { by } = v { Some(by.as_str()) } else { None })
        .collect();
    let mut by = by;
    by.dedup();
    if let Some(boundary) = &role.boundary {
        return LOG_ROLE.check(
            Status::Warn,
            format!(
                "{who} allows writing {group} ({}), but a permissions boundary also applies",
                by.join(", ")
            ),
            Some(format!("check that the boundary {boundary} allows {} too", WRITES.join(" and "))),
        );
    }
    LOG_ROLE.pass(format!(
        "{who} may write {group}: {} allowed by {} (organization SCPs not seen)",
        WRITES.join(" and "),
        by.join(", ")
    ))
}

/// The verdict on the stream; a policy that names only the bare group ARN (without `:*`) is a
/// doubt rather than a "no": AWS checks writes against the group's streams.
fn verdict(policies: &[PolicyDoc], action: &str, group_arn: &str, stream_arn: &str) -> Verdict {
    match evaluate(policies, action, stream_arn) {
        Verdict::NotCovered => match evaluate(policies, action, group_arn) {
            Verdict::Allowed { by } => Verdict::Uncertain {
                why: format!(
                    "{by} names the log group without `:*`, and AWS checks writes against its streams"
                ),
            },
            _ => Verdict::NotCovered,
        },
        v => v,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doctor::roles::RolePolicies;

    const PROFILE: &str = "arn:aws:iam::111122223333:instance-profile/BoxProfile";

    fn profile(docs: &[(&str, &str)]) -> ProfileRoles {
        ProfileRoles {
            profile: "BoxProfile".into(),
            roles: vec![RolePolicies {
                role: "BoxRole".into(),
                policies: docs
                    .iter()
                    .map(|(n, d)| PolicyDoc { name: (*n).into(), document: (*d).into() })
                    .collect(),
                boundary: None,
            }],
        }
    }

    fn allow(resource: &str) -> String {
        format!(
            r#"{{"Statement":[{{"Effect":"Allow","Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":"{resource}"}}]}}"#
        )
    }

    fn check(docs: &[(&str, &str)]) -> Check {
        judge(&Config::builtin(), "i-0abc", PROFILE, &profile(docs))
    }

    #[test]
    fn a_covering_policy_passes_naming_it_and_what_is_not_seen() {
        let c =
            check(&[("managed policy BoxLogs", &allow("arn:aws:logs:*:*:log-group:/baseline-model/run*"))]);
        assert_eq!(c.status, Status::Pass, "{c:?}");
        assert_eq!(
            c.detail,
            "role BoxRole (profile BoxProfile) may write /baseline-model/run: logs:CreateLogStream and \
             logs:PutLogEvents allowed by managed policy BoxLogs (organization SCPs not seen)"
        );
    }

    #[test]
    fn a_bare_group_arn_is_a_doubt_and_another_group_a_failure() {
        let c = check(&[("p", &allow("arn:aws:logs:us-east-1:111122223333:log-group:/baseline-model/run"))]);
        assert_eq!(c.status, Status::Warn, "{c:?}");
        assert!(c.detail.contains("may not be allowed: p names the log group without `:*`"), "{c:?}");
        let c = check(&[("p", &allow("arn:aws:logs:*:*:log-group:/elsewhere:*"))]);
        assert_eq!(c.status, Status::Fail);
        assert!(c.detail.ends_with(
            "has no policy allowing logs:CreateLogStream or logs:PutLogEvents on /baseline-model/run"
        ));
        assert!(
            c.hint.unwrap().contains("arn:aws:logs:us-east-1:111122223333:log-group:/baseline-model/run:*")
        );
    }

    #[test]
    fn a_deny_fails_and_names_the_policy() {
        let deny = r#"{"Statement":[{"Effect":"Deny","Action":"logs:PutLogEvents","Resource":"*"}]}"#;
        let c = check(&[("allow", &allow("*")), ("inline policy guard", deny)]);
        assert_eq!(c.status, Status::Fail);
        assert_eq!(
            c.detail,
            "role BoxRole (profile BoxProfile): logs:PutLogEvents on /baseline-model/run is denied by inline policy guard"
        );
    }

    #[test]
    fn a_profile_without_role_or_with_a_boundary_is_not_a_pass() {
        let empty = ProfileRoles { profile: "BoxProfile".into(), roles: vec![] };
        assert_eq!(judge(&Config::builtin(), "i-0abc", PROFILE, &empty).status, Status::Fail);
        let mut bounded = profile(&[("p", &allow("*"))]);
        bounded.roles[0].boundary = Some("arn:aws:iam::111122223333:policy/Boundary".into());
        assert_eq!(judge(&Config::builtin(), "i-0abc", PROFILE, &bounded).status, Status::Warn);
    }

    #[test]
    fn refused_iam_reads_are_not_checked_never_passed() {
        let denied =
            CloudError::AccessDenied { action: "iam:GetInstanceProfile".into(), detail: String::new() };
        let c = read_failed(&denied);
        assert_eq!(c.status, Status::Skip);
        assert_eq!(c.detail, "not checked: no iam:GetInstanceProfile permission");
        let ec2 = CloudError::AccessDenied { action: "ec2:DescribeInstances".into(), detail: String::new() };
        assert_eq!(read_failed(&ec2).status, Status::Fail);
    }
}
