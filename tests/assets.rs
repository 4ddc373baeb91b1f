//! The shipped IAM policies allow exactly the AWS calls the program makes, scoped where AWS
//! allows it; the read-only one allows no write.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step should stop the test

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;

/// Every AWS action the code calls, as it names them in its error messages.
const CALLED: &[&str] = &[
    "ec2:DescribeInstances",
    "ec2:DescribeInstanceStatus",
    "ec2:DescribeInstanceAttribute",
    "ec2:ModifyInstanceAttribute",
    "ec2:StartInstances",
    "ec2:StopInstances",
    "ec2:GetConsoleOutput",
    "logs:FilterLogEvents",
    "logs:DescribeLogStreams",
    "logs:DescribeLogGroups",
    "logs:StartLiveTail",
    "events:DescribeRule",
    "events:ListTargetsByRule",
    "events:EnableRule",
    "events:DisableRule",
    "scheduler:GetSchedule",
    "scheduler:CreateSchedule",
    "scheduler:UpdateSchedule",
    "scheduler:DeleteSchedule",
    "iam:PassRole",
    "sts:GetCallerIdentity",
    "ec2-instance-connect:SendSSHPublicKey",
    "iam:GetInstanceProfile",
    "iam:GetRole",
    "iam:ListAttachedRolePolicies",
    "iam:GetPolicy",
    "iam:GetPolicyVersion",
    "iam:ListRolePolicies",
    "iam:GetRolePolicy",
    "cloudtrail:LookupEvents",
    "pricing:GetProducts",
    "ec2:DescribeVolumes",
];

/// Actions the code names but never calls: the doctor looks for them in the box's own role
/// (what the `CloudWatch` agent on the box needs), so no policy here allows them.
const NAMED_FOR_THE_BOX: &[&str] = &["logs:CreateLogStream", "logs:PutLogEvents"];

/// Named but never called: the doctor looks for it in the Scheduler role's trust policy (the
/// Scheduler calls it to take on the role).
const NAMED_FOR_THE_SCHEDULER: &[&str] = &["sts:AssumeRole"];

/// Calls only `doctor` makes, and whose refusal it reports as "not checked" (a skip, never a
/// failure of anything else): the statement that holds them can be left out.
const OPTIONAL: &[&str] = &[
    "iam:GetInstanceProfile",
    "iam:GetRole",
    "iam:ListAttachedRolePolicies",
    "iam:GetPolicy",
    "iam:GetPolicyVersion",
    "iam:ListRolePolicies",
    "iam:GetRolePolicy",
    "cloudtrail:LookupEvents",
    // The cost figures: without them they are absent with the reason, nothing else changes.
    "pricing:GetProducts",
    "ec2:DescribeVolumes",
];

/// The calls that change something (a pushed key opens the box to a shell: not for watchers).
const WRITES: &[&str] = &[
    "ec2-instance-connect:SendSSHPublicKey",
    "ec2:ModifyInstanceAttribute",
    "ec2:StartInstances",
    "ec2:StopInstances",
    "events:EnableRule",
    "events:DisableRule",
    "scheduler:CreateSchedule",
    "scheduler:UpdateSchedule",
    "scheduler:DeleteSchedule",
    "iam:PassRole",
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn policy(name: &str) -> Value {
    let path = root().join("assets").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

fn one_or_many(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Array(a) => a.iter().map(|x| x.as_str().expect("a string").to_owned()).collect(),
        other => panic!("expected a string or a list: {other}"),
    }
}

fn statements(p: &Value) -> &Vec<Value> {
    assert_eq!(p["Version"], "2012-10-17");
    p["Statement"].as_array().expect("Statement is a list")
}

fn actions(p: &Value) -> BTreeSet<String> {
    statements(p).iter().flat_map(|s| one_or_many(&s["Action"])).collect()
}

/// Action names quoted in the source (`"ec2:StartInstances"`): every SDK call is classified
/// with its action's name, so a new call shows up here.
fn actions_in_source() -> BTreeSet<String> {
    let re = regex::Regex::new(
        r#""((?:ec2|ec2-instance-connect|logs|events|scheduler|sts|iam|cloudtrail|pricing):[A-Z][A-Za-z]+)""#,
    )
    .unwrap();
    let mut found = BTreeSet::new();
    let mut dirs = vec![root().join("src"), root().join("crates")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") && !is_test_file(&path) {
                let text = std::fs::read_to_string(&path).unwrap();
                found.extend(re.captures_iter(&text).map(|c| c[1].to_owned()));
            }
        }
    }
    found
}

fn is_test_file(path: &Path) -> bool {
    let name = path.file_name().unwrap().to_string_lossy();
    name == "tests.rs" || name.ends_with("_tests.rs") || name == "fake.rs"
}

#[test]
fn the_list_of_calls_matches_the_code() {
    let listed: BTreeSet<String> = CALLED.iter().map(std::string::ToString::to_string).collect();
    let mut in_source = actions_in_source();
    for a in NAMED_FOR_THE_BOX.iter().chain(NAMED_FOR_THE_SCHEDULER) {
        assert!(in_source.remove(*a), "the code no longer names {a}");
    }
    let unlisted: Vec<_> = in_source.difference(&listed).collect();
    assert!(unlisted.is_empty(), "the code calls actions this test does not know: {unlisted:?}");
    let gone: Vec<_> = listed.difference(&in_source).collect();
    assert!(gone.is_empty(), "the code no longer names these actions: {gone:?}");
}

#[test]
fn the_operator_policy_allows_exactly_the_calls() {
    let p = policy("iam-policy.json");
    let allowed = actions(&p);
    let called: BTreeSet<String> = CALLED.iter().map(std::string::ToString::to_string).collect();
    assert_eq!(allowed, called, "the policy and the code disagree");
}

#[test]
fn the_read_only_policy_allows_the_reads_and_no_write() {
    let p = policy("iam-policy-readonly.json");
    let allowed = actions(&p);
    for w in WRITES {
        assert!(!allowed.contains(*w), "the read-only policy allows {w}");
    }
    let reads: BTreeSet<String> =
        CALLED.iter().filter(|a| !WRITES.contains(a)).map(std::string::ToString::to_string).collect();
    assert_eq!(allowed, reads, "the read-only policy and the reads the code makes disagree");
    // Anything that reads as a write by its verb, whatever the list above says.
    let write_verbs = ["Start", "Stop", "Modify", "Enable", "Disable", "Put", "Create", "Delete", "Update"];
    for a in &allowed {
        let verb_is_write = write_verbs.iter().any(|v| a.split(':').nth(1).unwrap().starts_with(v));
        assert!(!verb_is_write || a == "logs:StartLiveTail", "{a} looks like a write");
    }
}

#[test]
fn every_statement_allows_named_actions_on_the_narrowest_resource() {
    for name in ["iam-policy.json", "iam-policy-readonly.json"] {
        let p = policy(name);
        for s in statements(&p) {
            let sid = s["Sid"].as_str().unwrap_or("?");
            assert_eq!(s["Effect"], "Allow", "{name} {sid}");
            let acts = one_or_many(&s["Action"]);
            assert!(acts.iter().all(|a| !a.contains('*')), "{name} {sid}: no wildcard actions");
            let resources = one_or_many(&s["Resource"]);
            let instance_scoped = acts.iter().any(|a| {
                [
                    "ec2:DescribeInstanceAttribute",
                    "ec2:GetConsoleOutput",
                    "ec2:StartInstances",
                    "ec2:StopInstances",
                    "ec2:ModifyInstanceAttribute",
                    "ec2-instance-connect:SendSSHPublicKey",
                ]
                .contains(&a.as_str())
            });
            if instance_scoped {
                assert!(resources.iter().all(|r| r.contains(":instance/")), "{name} {sid}: {resources:?}");
                assert_eq!(
                    s["Condition"]["StringEquals"]["ec2:ResourceTag/Name"], "baseline model",
                    "{name} {sid}: instance actions need the Name tag condition"
                );
            }
            if resources.iter().any(|r| r == "*") {
                // LookupEvents has no resource type in the service authorization reference.
                let may_be_unscoped = [
                    "ec2:DescribeInstances",
                    "ec2:DescribeInstanceStatus",
                    "sts:GetCallerIdentity",
                    "cloudtrail:LookupEvents",
                    "pricing:GetProducts",
                    "ec2:DescribeVolumes",
                ];
                assert!(
                    acts.iter().all(|a| may_be_unscoped.contains(&a.as_str())),
                    "{name} {sid}: only calls AWS cannot scope may use Resource \"*\": {acts:?}"
                );
            }
            for a in acts.iter().filter(|a| a.starts_with("events:")) {
                assert!(
                    resources.iter().all(|r| r.ends_with(":rule/MondayMorning9aEST")),
                    "{name} {sid}: {a} on {resources:?}"
                );
            }
            for a in acts.iter().filter(|a| a.starts_with("scheduler:")) {
                assert!(
                    resources.iter().all(|r| r.ends_with(":schedule/default/MondayMorning9aEST")),
                    "{name} {sid}: {a} on {resources:?}"
                );
            }
            if acts.iter().any(|a| a == "iam:PassRole") {
                assert_eq!(acts, ["iam:PassRole"], "{name} {sid}: PassRole stands alone");
                assert_eq!(resources, ["arn:aws:iam::*:role/baseline-scheduler"], "{name} {sid}");
                assert_eq!(
                    s["Condition"]["StringEquals"]["iam:PassedToService"], "scheduler.amazonaws.com",
                    "{name} {sid}: the role is passed to the Scheduler only"
                );
                continue;
            }
            for a in acts.iter().filter(|a| a.starts_with("iam:")) {
                assert!(
                    resources.iter().all(|r| ["instance-profile/*", "role/*", "policy/*"]
                        .iter()
                        .any(|kind| *r == format!("arn:aws:iam::*:{kind}"))),
                    "{name} {sid}: {a} on {resources:?}"
                );
            }
            for a in acts.iter().filter(|a| a.starts_with("logs:") && *a != "logs:DescribeLogGroups") {
                assert!(
                    resources.iter().all(|r| r.contains(":log-group:/baseline-model/run")
                        || r.contains(":log-group:/aws/lambda/start-baseline-instance")),
                    "{name} {sid}: {a} on {resources:?}"
                );
            }
        }
    }
}

#[test]
fn optional_calls_sit_in_their_own_statement_marked_optional_in_the_notes() {
    let notes = std::fs::read_to_string(root().join("assets/iam-policy.md")).unwrap();
    for name in ["iam-policy.json", "iam-policy-readonly.json"] {
        let p = policy(name);
        for s in statements(&p) {
            let acts = one_or_many(&s["Action"]);
            let optional = acts.iter().filter(|a| OPTIONAL.contains(&a.as_str())).count();
            let sid = s["Sid"].as_str().unwrap();
            assert!(optional == 0 || optional == acts.len(), "{name} {sid} mixes optional and needed calls");
            if optional > 0 {
                let row = notes
                    .lines()
                    .find(|l| l.starts_with(&format!("| `{sid}`")))
                    .unwrap_or_else(|| panic!("iam-policy.md has no row for {sid}"));
                assert!(row.contains("**optional**"), "{row}");
                for a in &acts {
                    assert!(row.contains(&format!("`{a}`")), "{sid}'s row does not name {a}");
                }
            }
        }
        let allowed = actions(&p);
        for a in OPTIONAL {
            assert!(allowed.contains(*a), "{name} leaves out {a}: the doctor would skip a check");
        }
    }
}
