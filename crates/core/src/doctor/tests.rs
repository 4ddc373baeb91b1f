use std::sync::Mutex;
use std::time::Instant;

use async_trait::async_trait;

use super::*;
use crate::chat::DemoChat;
use crate::cloud::demo::{DemoCloud, DemoTimings};
use crate::cloud::{Identity, InstanceState};
use crate::schedule::rules::{DemoRules, RuleInfo, RuleState};

/// How a fake call answers.
#[derive(Clone)]
enum Answer {
    Ok,
    Deny(&'static str),
    Hang,
}

impl Answer {
    async fn give(&self) -> Result<(), CloudError> {
        match self {
            Answer::Ok => Ok(()),
            Answer::Deny(action) => {
                Err(CloudError::AccessDenied { action: (*action).into(), detail: String::new() })
            }
            Answer::Hang => std::future::pending().await,
        }
    }
}

/// A cloud whose calls answer as told and which records the dry-run flags it was given.
struct FakeCloud {
    ids: Vec<&'static str>,
    identity: Answer,
    start: Answer,
    modify: Answer,
    dry_runs: Mutex<Vec<(&'static str, bool)>>,
}

impl FakeCloud {
    fn with(ids: &[&'static str]) -> FakeCloud {
        FakeCloud {
            ids: ids.to_vec(),
            identity: Answer::Ok,
            start: Answer::Ok,
            modify: Answer::Ok,
            dry_runs: Mutex::default(),
        }
    }
}

fn instance(id: &str) -> Instance {
    Instance {
        id: id.into(),
        name: Some("baseline model".into()),
        state: InstanceState::Stopped,
        instance_type: Some("t3.large".into()),
        launch_time: None,
        public_dns: None,
        public_ip: None,
        availability_zone: None,
        state_transition_reason: None,
        state_reason_code: None,
        state_reason_message: None,
        status_checks: None,
    }
}

#[async_trait]
impl Cloud for FakeCloud {
    async fn instances(&self) -> Result<Vec<Instance>, CloudError> {
        if self.ids.is_empty() {
            return Err(CloudError::NotFound {
                target: "Name=baseline model".into(),
                region: "us-east-1".into(),
            });
        }
        Ok(self.ids.iter().map(|id| instance(id)).collect())
    }
    async fn identity(&self) -> Result<Identity, CloudError> {
        self.identity.give().await?;
        Ok(Identity { account: "111122223333".into(), arn: "arn:aws:iam::111122223333:user/lab".into() })
    }
    async fn start(&self, _ids: &[String], dry_run: bool) -> Result<(), CloudError> {
        self.dry_runs.lock().unwrap().push(("start", dry_run));
        self.start.give().await
    }
    async fn stop(&self, _ids: &[String], dry_run: bool) -> Result<(), CloudError> {
        self.dry_runs.lock().unwrap().push(("stop", dry_run));
        Ok(())
    }
    async fn user_data(&self, _id: &str) -> Result<Vec<u8>, CloudError> {
        Ok(b"#!/bin/bash\n".to_vec())
    }
    async fn set_user_data(&self, _id: &str, bytes: &[u8], dry_run: bool) -> Result<(), CloudError> {
        assert_eq!(bytes, b"#!/bin/bash\n", "the same bytes are written back");
        self.dry_runs.lock().unwrap().push(("user data", dry_run));
        self.modify.give().await
    }
}

/// Probes answering from fixed values: the run group, the rule's state and targets, the
/// Lambda's group, and the demo's box role (or a refusal to read IAM).
struct FakeProbes {
    group: bool,
    rule: &'static str,
    targets: Vec<String>,
    lambda_group: bool,
    iam_denied: bool,
    trail: Answer,
    price: Answer,
}

impl FakeProbes {
    fn good() -> FakeProbes {
        FakeProbes {
            group: true,
            rule: "ENABLED",
            targets: vec!["arn:aws:lambda:us-east-1:111122223333:function:start-baseline-instance".into()],
            lambda_group: true,
            iam_denied: false,
            trail: Answer::Ok,
            price: Answer::Ok,
        }
    }
}

#[async_trait]
impl DoctorProbes for FakeProbes {
    async fn log_group_exists(&self, group: &str) -> Result<bool, CloudError> {
        Ok(if group.starts_with("/aws/lambda/") { self.lambda_group } else { self.group })
    }
    async fn rule(&self) -> Result<RuleInfo, CloudError> {
        let mut info = DemoRules::lab().info();
        info.state = RuleState::from_aws(self.rule);
        info.targets.clone_from(&self.targets);
        Ok(info)
    }
    async fn instance_profile(&self, id: &str) -> Result<Option<String>, CloudError> {
        DemoBoxRoles::new("/baseline-model/run", "start-baseline-instance").instance_profile(id).await
    }
    async fn profile_roles(&self, arn: &str) -> Result<roles::ProfileRoles, CloudError> {
        if self.iam_denied {
            return Err(CloudError::AccessDenied {
                action: "iam:GetInstanceProfile".into(),
                detail: String::new(),
            });
        }
        DemoBoxRoles::new("/baseline-model/run", "start-baseline-instance").profile_roles(arn).await
    }
    async fn role(&self, name: &str) -> Result<roles::RoleDocs, CloudError> {
        DemoBoxRoles::new("/baseline-model/run", "start-baseline-instance").role(name).await
    }
    async fn trail(&self) -> Result<(), CloudError> {
        self.trail.give().await
    }
    async fn hourly_price(&self, _region: &str, _ty: &str) -> Result<crate::cost::Quote, CloudError> {
        self.price.give().await.map(|()| crate::cost::Quote { usd: 0.0832, note: None })
    }
    fn prices_from(&self) -> crate::cost::PriceFrom {
        crate::cost::PriceFrom::PriceList
    }
}

fn good_probes() -> Arc<dyn DoctorProbes> {
    Arc::new(FakeProbes::good())
}

fn subjects(cloud: FakeCloud, chat: Option<DemoChat>) -> Subjects {
    Subjects {
        cloud: Arc::new(cloud),
        probes: good_probes(),
        chat: chat.map(|c| Ok(Arc::new(c) as Arc<dyn Chat>)),
        github: None,
    }
}

fn quick(post: bool) -> Options {
    Options { post, timeout: Duration::from_millis(300) }
}

fn by_id<'a>(checks: &'a [Check], id: &str) -> &'a Check {
    checks.iter().find(|c| c.id == id).expect(id)
}

fn statuses(checks: &[Check]) -> Vec<(&'static str, Status)> {
    checks.iter().map(|c| (c.id, c.status)).collect()
}

#[tokio::test]
async fn all_good_passes_in_a_fixed_order_and_only_dry_runs() {
    use Status::*;
    let cfg = Config::builtin();
    let cloud = FakeCloud::with(&["i-0abc"]);
    let s = subjects(cloud, Some(DemoChat::new()));
    let checks = run_all(&cfg, &s, &quick(false)).await;
    assert_eq!(
        statuses(&checks),
        vec![
            ("aws.identity", Pass),
            ("ec2.instance", Pass),
            ("ec2.start", Pass),
            ("ec2.stop", Pass),
            ("ec2.user_data", Pass),
            ("ec2.log_role", Pass),
            ("logs.group", Pass),
            ("schedule.rule", Pass),
            ("schedule.target", Pass),
            ("schedule.scheduler_role", Skip),
            ("logs.scheduler", Pass),
            ("cloudtrail.lookup", Pass),
            ("cost.price", Pass),
            ("slack.token", Pass),
            ("slack.post", Skip),
            ("github.push", Skip),
            ("env.file", Skip),
        ]
    );
    assert!(blocking(&checks).is_empty());
    assert_eq!(
        by_id(&checks, "slack.post").hint.as_deref(),
        Some("run doctor --post to send a test message")
    );
    assert_eq!(by_id(&checks, "ec2.instance").detail, "i-0abc (baseline model), stopped");
}

#[tokio::test]
async fn permissions_are_asked_with_dry_run_only() {
    let cfg = Config::builtin();
    let cloud = Arc::new(FakeCloud::with(&["i-0abc"]));
    let s = Subjects { cloud: cloud.clone(), probes: good_probes(), chat: None, github: None };
    run_all(&cfg, &s, &quick(false)).await;
    let mut calls = cloud.dry_runs.lock().unwrap().clone();
    calls.sort_unstable();
    assert_eq!(calls, vec![("start", true), ("stop", true), ("user data", true)]);
}

#[tokio::test]
async fn a_denied_permission_fails_with_the_action_in_the_hint() {
    let cfg = Config::builtin();
    let mut cloud = FakeCloud::with(&["i-0abc"]);
    cloud.modify = Answer::Deny("ec2:ModifyInstanceAttribute");
    let checks = run_all(&cfg, &subjects(cloud, None), &quick(false)).await;
    let c = by_id(&checks, "ec2.user_data");
    assert_eq!(c.status, Status::Fail);
    assert!(c.required);
    assert!(c.hint.as_deref().unwrap().contains("allow ec2:ModifyInstanceAttribute"), "{c:?}");
    assert_eq!(blocking(&checks), vec![c]);
}

#[tokio::test]
async fn one_hanging_call_times_out_without_holding_up_the_others() {
    let cfg = Config::builtin();
    let mut cloud = FakeCloud::with(&["i-0abc"]);
    cloud.identity = Answer::Hang;
    cloud.start = Answer::Hang;
    let began = Instant::now();
    let checks = run_all(&cfg, &subjects(cloud, None), &quick(false)).await;
    let took = began.elapsed();
    // Two hanging checks at 300 ms each: concurrent, so well under their sum.
    assert!(took < Duration::from_millis(550), "took {took:?}");
    let id = by_id(&checks, "aws.identity");
    assert_eq!(id.status, Status::Fail);
    assert_eq!(id.detail, "no answer within 0.3 s");
    assert_eq!(by_id(&checks, "ec2.start").status, Status::Fail);
    assert_eq!(by_id(&checks, "ec2.stop").status, Status::Pass);
    assert_eq!(by_id(&checks, "schedule.rule").status, Status::Pass);
}

#[tokio::test]
async fn no_instance_fails_and_skips_what_needs_one() {
    let cfg = Config::builtin();
    let checks = run_all(&cfg, &subjects(FakeCloud::with(&[]), None), &quick(false)).await;
    let c = by_id(&checks, "ec2.instance");
    assert_eq!(c.status, Status::Fail);
    assert_eq!(c.hint.as_deref(), Some("check --instance-name/--instance-id and --region"));
    for id in ["ec2.start", "ec2.stop", "ec2.user_data", "ec2.log_role"] {
        assert_eq!(by_id(&checks, id).status, Status::Skip, "{id}");
    }
    assert_eq!(blocking(&checks).len(), 1);
}

#[tokio::test]
async fn several_instances_warn() {
    let cfg = Config::builtin();
    let cloud = FakeCloud::with(&["i-0a", "i-0b"]);
    let checks = run_all(&cfg, &subjects(cloud, None), &quick(false)).await;
    let c = by_id(&checks, "ec2.instance");
    assert_eq!(c.status, Status::Warn);
    assert_eq!(c.detail, "2 instances match: i-0a, i-0b");
    assert!(blocking(&checks).is_empty());
}

#[tokio::test]
async fn missing_log_group_fails_and_disabled_rule_warns() {
    let cfg = Config::builtin();
    let mut s = subjects(FakeCloud::with(&["i-0abc"]), None);
    s.probes = Arc::new(FakeProbes { group: false, rule: "DISABLED", ..FakeProbes::good() });
    let checks = run_all(&cfg, &s, &quick(false)).await;
    let group = by_id(&checks, "logs.group");
    assert_eq!(group.status, Status::Fail);
    assert!(group.hint.as_deref().unwrap().contains("create-log-group"));
    assert_eq!(by_id(&checks, "schedule.rule").status, Status::Warn);
}

#[tokio::test]
async fn revoked_slack_token_fails_with_a_hint_and_the_post_is_not_tried() {
    let cfg = Config::builtin();
    let chat = DemoChat::new();
    chat.fail_next(ChatError::TokenRevoked);
    let checks =
        run_all(&cfg, &subjects(FakeCloud::with(&["i-0abc"]), Some(chat.clone())), &quick(true)).await;
    let token = by_id(&checks, "slack.token");
    assert_eq!(token.status, Status::Fail);
    assert!(token.required, "a configured token is required");
    assert!(token.hint.as_deref().unwrap().starts_with("reinstall the app"));
    assert_eq!(by_id(&checks, "slack.post").status, Status::Skip);
    assert!(chat.entries().is_empty(), "nothing was posted");
}

#[tokio::test]
async fn post_sends_the_doctor_message_only_when_asked() {
    let cfg = Config::builtin();
    let chat = DemoChat::new();
    let s = subjects(FakeCloud::with(&["i-0abc"]), Some(chat.clone()));
    run_all(&cfg, &s, &quick(false)).await;
    assert!(chat.entries().is_empty());
    let checks = run_all(&cfg, &s, &quick(true)).await;
    assert_eq!(by_id(&checks, "slack.post").status, Status::Pass);
    assert!(matches!(
        &chat.entries()[..],
        [crate::chat::DemoEntry::Message { text, .. }] if text == POST_TEXT
    ));
}

#[tokio::test]
async fn without_slack_or_github_tokens_those_checks_skip_and_do_not_count() {
    let cfg = Config::builtin();
    let s = Subjects::from_config(&cfg, Arc::new(FakeCloud::with(&["i-0abc"])), good_probes());
    let checks = run_all(&cfg, &s, &quick(true)).await;
    for id in ["slack.token", "slack.post", "github.push"] {
        let c = by_id(&checks, id);
        assert_eq!((c.status, c.required), (Status::Skip, false), "{id}");
    }
    assert_eq!(
        by_id(&checks, "github.push").hint.as_deref(),
        Some("set GITHUB_TOKEN to check push access to reichlabmachine/sandbox")
    );
}

#[tokio::test]
async fn slack_token_without_channel_fails_naming_channel_id() {
    let mut cfg = Config::builtin();
    cfg.slack.token = Some(secrecy::SecretString::from("xoxb-1"));
    let s = Subjects::from_config(&cfg, Arc::new(FakeCloud::with(&["i-0abc"])), good_probes());
    let checks = run_all(&cfg, &s, &quick(false)).await;
    let c = by_id(&checks, "slack.token");
    assert!(c.is_blocking());
    assert_eq!(c.detail, "CHANNEL_ID is not set");
}

#[tokio::test]
async fn the_demo_passes_everything_it_can() {
    let mut cfg = Config::builtin();
    cfg.demo = true;
    let cloud = DemoCloud::new(DemoTimings::default());
    let probes = probes_for(
        Arc::new(crate::logs::demo::DemoLogStore::new(cloud.clone(), &cfg)),
        Arc::new(DemoRules::new(&cfg.rule_name, &cfg.lambda_name)),
        Arc::new(DemoBoxRoles::new(&cfg.log_group, &cfg.lambda_name)),
        (
            Arc::new(crate::activity::DemoActivity::new(&cfg.rule_name, &cfg.lambda_name)),
            Arc::new(crate::cost::demo::DemoPrices),
        ),
    );
    let s = Subjects::from_config(&cfg, Arc::new(cloud), probes);
    let checks = run_all(&cfg, &s, &quick(true)).await;
    let failed: Vec<_> = checks.iter().filter(|c| !matches!(c.status, Status::Pass | Status::Skip)).collect();
    assert!(failed.is_empty(), "{failed:?}");
    assert_eq!(by_id(&checks, "slack.post").status, Status::Pass);
    assert_eq!(by_id(&checks, "github.push").detail, "demo mode: GitHub is not contacted");
    let role = by_id(&checks, "schedule.scheduler_role");
    assert_eq!(role.status, Status::Pass, "the demo's Scheduler role is checked: {role:?}");
    assert!(role.detail.starts_with("role baseline-scheduler trusts scheduler.amazonaws.com"), "{role:?}");
}

#[test]
fn the_doctor_can_run_on_a_spawned_task() {
    fn spawnable<T: Future + Send + 'static>(_: &T) {}
    let fut = async {
        let cfg = Config::builtin();
        let cloud: Arc<dyn Cloud> = Arc::new(FakeCloud::with(&["i-0abc"]));
        let s = Subjects::from_config(&cfg, cloud, good_probes());
        run_all(&cfg, &s, &Options::default()).await
    };
    spawnable(&fut);
}

#[tokio::test]
async fn a_rule_that_starts_nothing_fails_even_when_enabled() {
    let cfg = Config::builtin();
    let mut s = subjects(FakeCloud::with(&["i-0abc"]), None);
    s.probes = Arc::new(FakeProbes { targets: vec![], lambda_group: false, ..FakeProbes::good() });
    let checks = run_all(&cfg, &s, &quick(false)).await;
    assert_eq!(by_id(&checks, "schedule.rule").status, Status::Pass, "the rule itself is enabled");
    let target = by_id(&checks, "schedule.target");
    assert!(target.is_blocking(), "{target:?}");
    assert_eq!(target.detail, "MondayMorning9aEST has no target: it fires but starts nothing");
    let lambda_log = by_id(&checks, "logs.scheduler");
    assert_eq!((lambda_log.status, lambda_log.required), (Status::Warn, false));
    assert_eq!(blocking(&checks), vec![target]);
}

#[tokio::test]
async fn refused_iam_reads_leave_the_box_permission_unchecked() {
    let cfg = Config::builtin();
    let mut s = subjects(FakeCloud::with(&["i-0abc"]), None);
    s.probes = Arc::new(FakeProbes { iam_denied: true, ..FakeProbes::good() });
    let checks = run_all(&cfg, &s, &quick(false)).await;
    let c = by_id(&checks, "ec2.log_role");
    assert_eq!(c.status, Status::Skip);
    assert_eq!(c.detail, "not checked: no iam:GetInstanceProfile permission");
    assert!(blocking(&checks).is_empty());
}

#[tokio::test]
async fn without_cloudtrail_or_the_price_list_the_doctor_warns_and_still_passes() {
    let cfg = Config::builtin();
    let mut s = subjects(FakeCloud::with(&["i-0abc"]), None);
    s.probes = Arc::new(FakeProbes {
        trail: Answer::Deny("cloudtrail:LookupEvents"),
        price: Answer::Deny("pricing:GetProducts"),
        ..FakeProbes::good()
    });
    let checks = run_all(&cfg, &s, &quick(false)).await;
    let trail = by_id(&checks, "cloudtrail.lookup");
    assert_eq!((trail.status, trail.required), (Status::Warn, false));
    assert_eq!(
        trail.detail,
        "no cloudtrail:LookupEvents permission: the activity pane, the dev-mode owner and who \
         started a run are unknown"
    );
    assert!(trail.hint.as_deref().unwrap().contains("statement WhoDidWhat in assets/iam-policy.json"));
    let price = by_id(&checks, "cost.price");
    assert_eq!((price.status, price.required), (Status::Warn, false));
    assert_eq!(price.detail, "no pricing:GetProducts permission: cost figures are absent");
    assert!(price.hint.as_deref().unwrap().contains("statement PriceTheBox"));
    assert!(blocking(&checks).is_empty());
}

#[tokio::test]
async fn the_price_comes_from_the_config_the_cache_or_the_price_list_and_a_silent_trail_warns() {
    let mut cfg = Config::builtin();
    cfg.cost.cache_path = None;
    let mut s = subjects(FakeCloud::with(&["i-0abc"]), None);
    s.probes = Arc::new(FakeProbes { trail: Answer::Hang, ..FakeProbes::good() });
    let checks = run_all(&cfg, &s, &quick(false)).await;
    assert_eq!(by_id(&checks, "cost.price").detail, "$0.0832/h t3.large (AWS Price List) in us-east-1");
    let trail = by_id(&checks, "cloudtrail.lookup");
    assert_eq!(trail.status, Status::Warn);
    assert!(trail.detail.starts_with("no answer within 0.3 s"), "{trail:?}");
    cfg.cost.hourly_usd = Some(0.5);
    s.probes = Arc::new(FakeProbes { price: Answer::Hang, ..FakeProbes::good() });
    let checks = run_all(&cfg, &s, &quick(false)).await;
    let price = by_id(&checks, "cost.price");
    assert_eq!((price.status, price.detail.as_str()), (Status::Pass, "$0.50/h t3.large (from the config)"));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("prices.json");
    let mut cache = crate::cost::cache::PriceCache::default();
    let quote = crate::cost::Quote { usd: 0.09, note: None };
    cache.record(&crate::cost::cache::instance_key("us-east-1", "t3.large"), &quote, jiff::Timestamp::now());
    cache.save(&path).unwrap();
    cfg.cost = crate::cost::CostConfig { cache_path: Some(path), ..crate::cost::CostConfig::default() };
    let checks = run_all(&cfg, &s, &quick(false)).await;
    assert_eq!(
        by_id(&checks, "cost.price").detail,
        "$0.09/h t3.large (AWS Price List, cached) in us-east-1",
        "the cached price, without asking the hanging Price List"
    );
}
