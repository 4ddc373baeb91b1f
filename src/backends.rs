//! The services the panel and the CLI talk to, chosen once from the configuration: the AWS
//! account (EC2, `CloudWatch` Logs, `EventBridge` on one SDK configuration) and the Slack channel,
//! or the demo's simulated box, rule and channel.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use crate::activity::{ActivityLog, AwsActivity, DemoActivity};
use crate::backup::BackupStore;
use crate::chat::{self, Chat, ChatError, DemoChat};
use crate::cloud::Cloud;
use crate::cloud::aws::AwsCloud;
use crate::cloud::demo::{DemoCloud, DemoTimings};
use crate::config::ScheduleKind;
use crate::config::{Config, Target};
use crate::cost::PriceSource;
use crate::cost::aws::AwsPrices;
use crate::cost::demo::DemoPrices;
use crate::doctor::{AwsBoxRoles, BoxRoles, DemoBoxRoles, Subjects, probes_for};
use crate::logs::LogStore;
use crate::logs::aws::AwsLogStore;
use crate::logs::demo::DemoLogStore;
use crate::schedule::Rules;
use crate::schedule::rules::{AwsRules, AwsScheduler, BoxSchedule, DemoRules, DemoScheduler, SchedulerStore};

/// Which account the backends belong to, for the header and the CLI's JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Account {
    /// The real AWS account.
    Aws {
        /// The profile label (`default` when none is set).
        profile: String,
        /// The custom endpoint (`AWS_ENDPOINT_URL`), if any.
        endpoint: Option<String>,
    },
    /// The simulated box: nothing leaves the machine.
    Demo,
}

impl Account {
    /// The account the configuration points at: the demo, or AWS with its profile and endpoint.
    pub fn of(cfg: &Config) -> Account {
        if cfg.demo {
            Account::Demo
        } else {
            Account::Aws { profile: cfg.profile_label().to_string(), endpoint: cfg.endpoint_url.clone() }
        }
    }

    /// `aws` or `demo`, as the CLI's JSON documents say.
    pub fn name(&self) -> &'static str {
        match self {
            Account::Aws { .. } => "aws",
            Account::Demo => "demo",
        }
    }
}

/// Which chat the panel posts to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChatKind {
    /// The Slack Web API.
    Slack,
    /// The simulated channel of demo mode.
    Demo,
}

impl fmt::Display for ChatKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ChatKind::Slack => "slack",
            ChatKind::Demo => "demo",
        })
    }
}

/// The chat the panel talks to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatInfo {
    /// Slack or the demo's channel.
    pub kind: ChatKind,
    /// The channel id.
    pub channel: String,
}

/// The chat the panel and the CLI post to, and in demo mode the simulated channel the panel
/// reads back.
#[derive(Clone)]
pub struct ChatLink {
    /// The chat, or why the configuration sets none up.
    pub chat: Result<Arc<dyn Chat>, ChatError>,
    /// The simulated channel (demo mode), whose newest entries go back to the panel.
    pub demo: Option<DemoChat>,
}

impl ChatLink {
    /// The chat the configuration asks for (see [`chat::from_config`]).
    pub fn from_config(cfg: &Config) -> ChatLink {
        if cfg.demo {
            // Built here rather than by `from_config` so that its channel can be read back.
            let demo = DemoChat::new();
            return ChatLink { chat: Ok(Arc::new(demo.clone())), demo: Some(demo) };
        }
        ChatLink { chat: chat::from_config(cfg), demo: None }
    }

    /// What the Slack panel shows about the chat: kind and channel, or why there is none.
    pub fn info(&self) -> Result<ChatInfo, ChatError> {
        let kind = if self.demo.is_some() { ChatKind::Demo } else { ChatKind::Slack };
        match &self.chat {
            Ok(c) => Ok(ChatInfo { kind, channel: c.channel().to_owned() }),
            Err(e) => Err(e.clone()),
        }
    }

    /// No chat, for tests of what happens without one.
    #[cfg(test)]
    pub fn none() -> ChatLink {
        ChatLink {
            chat: Err(ChatError::NotSet { key: "SLACK_API_TOKEN", dotenv: ".env".into() }),
            demo: None,
        }
    }
}

/// Everything the panel and the CLI ask of the outside world, for one configured box.
#[derive(Clone)]
pub struct Backends {
    /// Which account these are.
    pub account: Account,
    /// EC2 (or the simulated box).
    pub cloud: Arc<dyn Cloud>,
    /// `CloudWatch` Logs (or the simulated box's log).
    pub logs: Arc<dyn LogStore>,
    /// The box's schedule: the `EventBridge` rule or Scheduler schedule `schedule.kind` names,
    /// read with the other kind beside it (or the demo's).
    pub rules: Arc<dyn Rules>,
    /// The rule and the Scheduler schedule one by one, for `schedule move`.
    pub pair: SchedulePair,
    /// Where user-data backups go (a separate directory in demo mode).
    pub backups: BackupStore,
    /// The Slack channel (or the demo's).
    pub chat: ChatLink,
    /// The box's instance profile and its role's policies (EC2 and IAM, or the demo's), for
    /// the doctor.
    pub box_roles: Arc<dyn BoxRoles>,
    /// Who did what: `CloudTrail`'s event history (or the demo's simulated week).
    pub activity: Arc<dyn ActivityLog>,
    /// The Price List API and the box's volumes (or the demo's prices), for the cost figures.
    pub prices: Arc<dyn PriceSource>,
}

impl Backends {
    /// The backends the configuration asks for: the AWS account, or a fresh simulated box.
    pub async fn connect(cfg: &Config) -> Backends {
        if cfg.demo {
            Backends::demo(cfg, Arc::new(demo_cloud(cfg)))
        } else {
            Backends::aws(cfg, AwsCloud::connect(cfg).await)
        }
    }

    /// EC2, `CloudWatch` Logs, `EventBridge` and `EventBridge` Scheduler on `cloud`'s SDK
    /// configuration.
    pub fn aws(cfg: &Config, cloud: AwsCloud) -> Backends {
        let logs: Arc<dyn LogStore> = Arc::new(AwsLogStore::new(cloud.sdk(), cfg));
        let pair = SchedulePair {
            rule: Arc::new(AwsRules::new(cloud.sdk(), cfg)),
            scheduler: Arc::new(AwsScheduler::new(cloud.sdk(), cfg)),
        };
        let box_roles: Arc<dyn BoxRoles> = Arc::new(AwsBoxRoles::new(cloud.sdk(), cfg));
        let activity: Arc<dyn ActivityLog> = Arc::new(AwsActivity::new(cloud.sdk(), cfg));
        let prices: Arc<dyn PriceSource> = Arc::new(AwsPrices::new(cloud.sdk(), cfg));
        let mut b = Backends::with(cfg, Account::of(cfg), Arc::new(cloud), (logs, pair, box_roles), activity);
        b.prices = prices;
        b
    }

    /// The simulated box `cloud`, its log, and the demo's rule (and Scheduler schedule, absent
    /// until `schedule move` creates it).
    pub fn demo(cfg: &Config, cloud: Arc<DemoCloud>) -> Backends {
        let logs: Arc<dyn LogStore> = Arc::new(DemoLogStore::new(cloud.as_ref().clone(), cfg));
        let pair = SchedulePair {
            rule: Arc::new(DemoRules::new(&cfg.rule_name, &cfg.lambda_name)),
            scheduler: Arc::new(DemoScheduler::new(&cfg.scheduler.name, &cfg.scheduler.group)),
        };
        let box_roles: Arc<dyn BoxRoles> = Arc::new(DemoBoxRoles::new(&cfg.log_group, &cfg.lambda_name));
        let activity =
            DemoActivity::new(&cfg.rule_name, &cfg.lambda_name).with_dev_left_on(demo_dev_left_on(cfg));
        let activity: Arc<dyn ActivityLog> = Arc::new(activity);
        Backends::with(cfg, Account::Demo, cloud, (logs, pair, box_roles), activity)
    }

    fn with(
        cfg: &Config,
        account: Account,
        cloud: Arc<dyn Cloud>,
        (logs, pair, box_roles): (Arc<dyn LogStore>, SchedulePair, Arc<dyn BoxRoles>),
        activity: Arc<dyn ActivityLog>,
    ) -> Backends {
        let chat = ChatLink::from_config(cfg);
        let rules = pair.box_schedule(cfg.scheduler.kind);
        let backups = crate::devmode::backup_store(cfg);
        let prices = Arc::new(DemoPrices);
        Backends { account, cloud, logs, rules, pair, backups, chat, box_roles, activity, prices }
    }

    /// What the doctor examines: these backends, with chat and GitHub as the configuration
    /// sets them up.
    pub fn doctor_subjects(&self, cfg: &Config) -> Subjects {
        let probes = probes_for(
            self.logs.clone(),
            self.rules.clone(),
            self.box_roles.clone(),
            (self.activity.clone(), self.prices.clone()),
        );
        Subjects::from_config(cfg, self.cloud.clone(), probes)
    }
}

/// A box's `EventBridge` rule and its `EventBridge` Scheduler schedule, one by one.
#[derive(Clone)]
pub struct SchedulePair {
    /// The rule (`schedule.rule`).
    pub rule: Arc<dyn Rules>,
    /// The Scheduler schedule (`schedule.name` in `schedule.group`).
    pub scheduler: Arc<dyn SchedulerStore>,
}

impl SchedulePair {
    /// The box's schedule of `kind`, read with the other kind beside it.
    pub fn box_schedule(&self, kind: ScheduleKind) -> Arc<dyn Rules> {
        let scheduler = self.scheduler.clone().as_rules();
        let (main, other) = match kind {
            ScheduleKind::Rule => (self.rule.clone(), scheduler),
            ScheduleKind::Scheduler => (scheduler, self.rule.clone()),
        };
        Arc::new(BoxSchedule::new(main, Some(other)))
    }
}

/// The `Name` tag of a box's simulated instance.
fn demo_box_name(cfg: &Config) -> String {
    match &cfg.target {
        Target::Name(n) => n.clone(),
        Target::Id(_) => format!("{} model", cfg.box_name),
    }
}

/// Backends for every box the session visits. In demo mode each box is its own simulated box,
/// kept for the whole session so switching back finds it where it was.
#[derive(Default)]
pub struct Connector {
    demos: HashMap<String, Arc<DemoCloud>>,
}

impl Connector {
    /// The backends for `cfg`'s box.
    pub async fn connect(&mut self, cfg: &Config) -> Backends {
        if !cfg.demo {
            return Backends::connect(cfg).await;
        }
        let cloud =
            self.demos.entry(cfg.box_name.clone()).or_insert_with(|| Arc::new(demo_cloud(cfg))).clone();
        Backends::demo(cfg, cloud)
    }
}

/// Whether the demo's box starts with dev mode left on (the second of several boxes).
fn demo_dev_left_on(cfg: &Config) -> bool {
    cfg.boxes.iter().position(|b| *b == cfg.box_name) == Some(1)
}

/// A box's simulated cloud. With several boxes they differ, so the fleet view has something to
/// show: the second box has dev mode left on, the third is running a run.
fn demo_cloud(cfg: &Config) -> DemoCloud {
    let cloud = DemoCloud::named(DemoTimings::default(), &demo_box_name(cfg));
    let at = cfg.boxes.iter().position(|b| *b == cfg.box_name);
    let now = jiff::Timestamp::now();
    match at {
        Some(1) if demo_dev_left_on(cfg) => cloud.with_box(|b| {
            let dev = crate::userdata::ScriptLine::new(cfg.script_pattern.clone())
                .ok()
                .and_then(|p| crate::userdata::set_dev_mode(b.user_data(), &p, true).ok());
            if let Some(rewrite) = dev {
                let _ = b.set_user_data(now, &rewrite.bytes);
            }
        }),
        Some(2) => cloud.with_box(|b| {
            let _ = b.start(now);
        }),
        _ => {}
    }
    cloud
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn demo_mode_builds_the_simulated_account() {
        let mut cfg = Config::builtin();
        cfg.demo = true;
        let b = Backends::connect(&cfg).await;
        assert_eq!(b.account, Account::Demo);
        assert_eq!(b.account.name(), "demo");
        assert_eq!(b.chat.info().map(|i| i.kind), Ok(ChatKind::Demo));
        assert!(b.chat.demo.is_some());
    }

    #[tokio::test]
    async fn switching_back_to_a_demo_box_finds_the_same_box() {
        let mut cfg = Config::builtin();
        cfg.demo = true;
        let mut c = Connector::default();
        let first = c.connect(&cfg).await;
        let again = c.connect(&cfg).await;
        first.cloud.start(&["i-0demo".to_owned()], false).await.ok();
        assert_eq!(first.cloud.instances().await, again.cloud.instances().await);
        assert!(Arc::ptr_eq(&first.cloud, &again.cloud));
    }

    #[tokio::test]
    async fn the_aws_account_names_its_profile_and_endpoint() {
        let mut cfg = Config::builtin();
        cfg.endpoint_url = Some("http://127.0.0.1:1".into());
        let b = Backends::connect(&cfg).await;
        assert_eq!(
            b.account,
            Account::Aws { profile: cfg.profile_label().to_string(), endpoint: cfg.endpoint_url.clone() }
        );
        assert_eq!(b.account.name(), "aws");
    }
}
