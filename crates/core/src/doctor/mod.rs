//! The doctor: is everything the panel and the weekly run rely on in place?
//!
//! Besides the operator's own permissions, the doctor follows what the weekly run needs: the
//! schedule rule invokes the configured Lambda, the Lambda's log group exists, the box's
//! instance profile may write the run log, and the Scheduler's role may invoke the Lambda.
//!
//! Each check asks one service one question, independent checks run at the same time, and each
//! has its own time limit, so one dead endpoint cannot hold up the others. Nothing is changed:
//! EC2 permissions are asked with `DryRun`, and Slack gets a message only when asked to (`post`).
//!
//! Which checks count: the AWS checks are required, except `CloudTrail`'s history and the price
//! (optional: the panel works without them, with less to show) and the Scheduler's role
//! (required only when the box's schedule is the Scheduler's); the Slack checks are required
//! when a Slack token is configured (or in demo mode); GitHub and the `.env` check never change
//! the verdict.

mod advice;
mod box_role;
mod extras;
pub mod policy;
pub mod probes;
pub mod roles;
mod schedule;
mod scheduler_role;
mod trust;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;

use crate::chat::{self, Chat, ChatError};
use crate::cloud::{Cloud, CloudError, Instance};
use crate::config::Config;
use crate::github::{GithubClient, GithubError};

use advice::{chat_advice, cloud_advice, github_advice};
pub use probes::{DoctorProbes, StoreProbes, probes_for};
pub use roles::{AwsBoxRoles, BoxRoles, DEMO_SCHEDULER_ROLE, DemoBoxRoles, RoleDocs};

/// The text `post` sends to the channel.
pub const POST_TEXT: &str = "baseline-panel doctor: can post";

/// How a check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// All good.
    Pass,
    /// Broken: see the hint.
    Fail,
    /// Works, but worth a look.
    Warn,
    /// Not tried (not configured, not asked for, or nothing to test against).
    Skip,
}

impl Status {
    /// `✓`, `✗`, `!` or `-`.
    pub fn symbol(self) -> char {
        match self {
            Status::Pass => '✓',
            Status::Fail => '✗',
            Status::Warn => '!',
            Status::Skip => '-',
        }
    }
}

/// One check's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    /// Stable key for scripts and the panel, like `ec2.start` or `slack.token`.
    pub id: &'static str,
    /// Short human name, like `Start permission`.
    pub name: &'static str,
    /// The outcome.
    pub status: Status,
    /// What was found, one line.
    pub detail: String,
    /// What to do about it, when there is something to do.
    pub hint: Option<String>,
    /// True when a failure of this check makes the doctor fail.
    pub required: bool,
}

impl Check {
    /// True for a failed required check.
    pub fn is_blocking(&self) -> bool {
        self.required && self.status == Status::Fail
    }
}

/// The required checks that failed.
pub fn blocking(checks: &[Check]) -> Vec<&Check> {
    checks.iter().filter(|c| c.is_blocking()).collect()
}

/// How the doctor runs.
#[derive(Debug, Clone)]
pub struct Options {
    /// Post [`POST_TEXT`] to the channel to prove the bot can post.
    pub post: bool,
    /// Time limit of each single check.
    pub timeout: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options { post: false, timeout: Duration::from_secs(15) }
    }
}

/// What the doctor examines.
pub struct Subjects {
    /// The cloud (AWS or demo).
    pub cloud: Arc<dyn Cloud>,
    /// Log group, schedule rule and box permission questions.
    pub probes: Arc<dyn DoctorProbes>,
    /// The chat, or why it cannot be set up; `None` when no Slack token is configured.
    pub chat: Option<Result<Arc<dyn Chat>, ChatError>>,
    /// The GitHub client, or why it cannot be set up; `None` without `GITHUB_TOKEN` (and in
    /// demo mode, which never leaves the machine).
    pub github: Option<Result<GithubClient, GithubError>>,
}

impl Subjects {
    /// Chat and GitHub as the configuration sets them up, with the given cloud and probes.
    pub fn from_config(cfg: &Config, cloud: Arc<dyn Cloud>, probes: Arc<dyn DoctorProbes>) -> Subjects {
        let chat = (cfg.demo || cfg.slack.token.is_some()).then(|| chat::from_config(cfg));
        let github = match (&cfg.github.token, cfg.demo) {
            (Some(token), false) => Some(GithubClient::new(&cfg.github.api_url, Some(token.clone()))),
            _ => None,
        };
        Subjects { cloud, probes, chat, github }
    }
}

/// Who a check is about, before it has a result.
#[derive(Clone, Copy)]
struct Item {
    id: &'static str,
    name: &'static str,
    required: bool,
}

impl Item {
    const fn new(id: &'static str, name: &'static str, required: bool) -> Item {
        Item { id, name, required }
    }

    fn required(self, required: bool) -> Item {
        Item { required, ..self }
    }

    fn check(self, status: Status, detail: impl Into<String>, hint: Option<String>) -> Check {
        Check { id: self.id, name: self.name, status, detail: detail.into(), hint, required: self.required }
    }

    fn pass(self, detail: impl Into<String>) -> Check {
        self.check(Status::Pass, detail, None)
    }

    fn fail(self, (detail, hint): (String, Option<String>)) -> Check {
        self.check(Status::Fail, detail, hint)
    }

    fn skip(self, detail: impl Into<String>, hint: Option<String>) -> Check {
        self.check(Status::Skip, detail, hint)
    }

    fn timed_out(self, limit: Duration, what: &str) -> Check {
        self.check(
            Status::Fail,
            format!("no answer within {} s", limit.as_secs_f64()),
            Some(format!("check the network connection and {what}; the other checks went on")),
        )
    }
}

const IDENTITY: Item = Item::new("aws.identity", "AWS identity", true);
const INSTANCE: Item = Item::new("ec2.instance", "Instance", true);
const START: Item = Item::new("ec2.start", "Start permission", true);
const STOP: Item = Item::new("ec2.stop", "Stop permission", true);
const USER_DATA: Item = Item::new("ec2.user_data", "User data permission", true);
const LOG_GROUP: Item = Item::new("logs.group", "Run log group", true);
const SLACK_TOKEN: Item = Item::new("slack.token", "Slack token", false);
const SLACK_POST: Item = Item::new("slack.post", "Slack post", false);
const GITHUB: Item = Item::new("github.push", "GitHub push", false);
const DOTENV: Item = Item::new("env.file", ".env file", false);

/// Where to look when AWS does not answer.
const AWS_ENDPOINT: &str = "--region / --endpoint-url";

/// Runs `fut` for at most `limit`.
async fn within<T>(limit: Duration, fut: impl Future<Output = T>) -> Option<T> {
    tokio::time::timeout(limit, fut).await.ok()
}

/// Runs every check and returns them in a fixed order (not the order they finished in).
pub async fn run_all(cfg: &Config, subjects: &Subjects, opts: &Options) -> Vec<Check> {
    let limit = opts.timeout;
    let cloud = subjects.cloud.as_ref();
    let probes = subjects.probes.as_ref();
    let (identity, (ec2, price), group, schedule, trail, slack, github) = tokio::join!(
        identity_check(cloud, limit),
        instance_checks(cloud, probes, cfg, limit),
        log_group_check(probes, &cfg.log_group, limit),
        schedule::schedule_checks(probes, cfg, limit),
        extras::trail_check(probes, limit),
        slack_checks(subjects.chat.as_ref(), cfg, opts),
        github_check(subjects.github.as_ref(), cfg, limit),
    );
    let mut all = vec![identity];
    all.extend(ec2);
    all.push(group);
    all.extend(schedule);
    all.extend([trail, price]);
    all.extend(slack);
    all.extend([github, dotenv_check(cfg)]);
    for c in &all {
        tracing::info!(check = c.id, status = ?c.status, detail = %c.detail, "doctor");
    }
    all
}

async fn identity_check(cloud: &dyn Cloud, limit: Duration) -> Check {
    match within(limit, cloud.identity()).await {
        None => IDENTITY.timed_out(limit, AWS_ENDPOINT),
        Some(Ok(me)) => IDENTITY.pass(format!("account {} as {}", me.account, me.arn)),
        Some(Err(e)) => IDENTITY.fail(cloud_advice(&e)),
    }
}

/// The instance, then (concurrently) the three permissions asked against it, the box's own
/// permission to write the run log, and (apart, being optional) the box's hourly price.
async fn instance_checks(
    cloud: &dyn Cloud,
    probes: &dyn DoctorProbes,
    cfg: &Config,
    limit: Duration,
) -> (Vec<Check>, Check) {
    let found = match within(limit, cloud.instances()).await {
        None => Err(INSTANCE.timed_out(limit, AWS_ENDPOINT)),
        Some(Err(e)) => Err(INSTANCE.fail(cloud_advice(&e))),
        Some(Ok(list)) if list.is_empty() => Err(INSTANCE.fail((
            "no instance matches".into(),
            Some("check --instance-name/--instance-id and --region".into()),
        ))),
        Some(Ok(list)) => Ok(list),
    };
    let list = match found {
        Ok(list) => list,
        Err(failed) => {
            let skip = |i: Item| i.skip("no instance to test against", None);
            let price = extras::price_check(probes, cfg, None, limit).await;
            return (vec![failed, skip(START), skip(STOP), skip(USER_DATA), skip(box_role::LOG_ROLE)], price);
        }
    };
    let ids: Vec<String> = list.iter().map(|i| i.id.clone()).collect();
    let (start, stop, user_data, log_role, price) = tokio::join!(
        dry_run_check(START, "ec2:StartInstances", limit, cloud.start(&ids, true)),
        dry_run_check(STOP, "ec2:StopInstances", limit, cloud.stop(&ids, true)),
        user_data_check(cloud, &ids[0], limit),
        box_role::log_role_check(probes, cfg, &ids[0], limit),
        extras::price_check(probes, cfg, list.first(), limit),
    );
    (vec![instance_result(&list), start, stop, user_data, log_role], price)
}

/// Pass for one instance, a warning for several (the Lambda starts every one of them).
fn instance_result(list: &[Instance]) -> Check {
    let describe =
        |i: &Instance| format!("{} ({}), {}", i.id, i.name.as_deref().unwrap_or("no Name tag"), i.state);
    match list {
        [one] => INSTANCE.pass(describe(one)),
        many => {
            let ids: Vec<&str> = many.iter().map(|i| i.id.as_str()).collect();
            INSTANCE.check(
                Status::Warn,
                format!("{} instances match: {}", many.len(), ids.join(", ")),
                Some(
                    "the Monday Lambda starts all of them: give only the job box its Name tag, \
                     or use --instance-id"
                        .into(),
                ),
            )
        }
    }
}

async fn dry_run_check(
    item: Item,
    action: &str,
    limit: Duration,
    call: impl Future<Output = Result<(), CloudError>>,
) -> Check {
    match within(limit, call).await {
        None => item.timed_out(limit, AWS_ENDPOINT),
        Some(Ok(())) => item.pass(format!("{action} allowed (dry run)")),
        Some(Err(e)) => item.fail(cloud_advice(&e)),
    }
}

/// Reads the current user data and asks, with `DryRun`, to write the same bytes back.
async fn user_data_check(cloud: &dyn Cloud, id: &str, limit: Duration) -> Check {
    let both = async {
        let bytes = cloud.user_data(id).await?;
        cloud.set_user_data(id, &bytes, true).await?;
        Ok::<usize, CloudError>(bytes.len())
    };
    match within(limit, both).await {
        None => USER_DATA.timed_out(limit, AWS_ENDPOINT),
        Some(Ok(n)) => {
            USER_DATA.pass(format!("read {n} bytes from {id}; ec2:ModifyInstanceAttribute allowed (dry run)"))
        }
        Some(Err(e)) => USER_DATA.fail(cloud_advice(&e)),
    }
}

async fn log_group_check(probes: &dyn DoctorProbes, group: &str, limit: Duration) -> Check {
    match within(limit, probes.log_group_exists(group)).await {
        None => LOG_GROUP.timed_out(limit, AWS_ENDPOINT),
        Some(Ok(true)) => LOG_GROUP.pass(format!("{group} exists")),
        Some(Ok(false)) => LOG_GROUP.fail((
            format!("{group} does not exist"),
            Some(format!(
                "create it (`aws logs create-log-group --log-group-name {group}`) and point the \
                 box's CloudWatch agent at it, or set `run_group` under [logs]"
            )),
        )),
        Some(Err(e)) => LOG_GROUP.fail(cloud_advice(&e)),
    }
}

/// The token (auth.test), then, when asked for, a real post.
async fn slack_checks(
    chat: Option<&Result<Arc<dyn Chat>, ChatError>>,
    cfg: &Config,
    opts: &Options,
) -> Vec<Check> {
    let limit = opts.timeout;
    let chat = match chat {
        None => {
            let file = cfg.dotenv_label();
            return vec![
                SLACK_TOKEN.skip(
                    "SLACK_API_TOKEN is not set",
                    Some(format!("add SLACK_API_TOKEN and CHANNEL_ID to {file} to check Slack")),
                ),
                SLACK_POST.skip("Slack is not configured", None),
            ];
        }
        Some(Err(e)) => {
            return vec![
                SLACK_TOKEN.required(true).fail(chat_advice(e)),
                SLACK_POST.required(true).skip("needs a working Slack setup", None),
            ];
        }
        Some(Ok(chat)) => chat.as_ref(),
    };
    let (token, post) = (SLACK_TOKEN.required(true), SLACK_POST.required(true));
    let token_check = match within(limit, chat.check()).await {
        None => token.timed_out(limit, "SLACK_API_URL"),
        Some(Ok(me)) => token.pass(format!("{} in {} ({})", me.user, me.team, chat.kind())),
        Some(Err(e)) => token.fail(chat_advice(&e)),
    };
    let post_check = if !opts.post {
        post.skip("not tried", Some("run doctor --post to send a test message".into()))
    } else if token_check.status != Status::Pass {
        post.skip("the token check failed", None)
    } else {
        match within(limit, chat.post(POST_TEXT)).await {
            None => post.timed_out(limit, "SLACK_API_URL"),
            Some(Ok(p)) => post.pass(format!("posted to {} (ts {})", p.channel, p.ts)),
            Some(Err(e)) => post.fail(chat_advice(&e)),
        }
    };
    vec![token_check, post_check]
}

async fn github_check(
    client: Option<&Result<GithubClient, GithubError>>,
    cfg: &Config,
    limit: Duration,
) -> Check {
    let repo = cfg.github.sandbox_repo.as_str();
    let client = match client {
        None if cfg.demo => return GITHUB.skip("demo mode: GitHub is not contacted", None),
        None => {
            return GITHUB.skip(
                "GITHUB_TOKEN is not set",
                Some(format!("set GITHUB_TOKEN to check push access to {repo}")),
            );
        }
        Some(Err(e)) => return GITHUB.fail(github_advice(e)),
        Some(Ok(c)) => c,
    };
    match within(limit, client.push_permission(repo)).await {
        None => GITHUB.timed_out(limit, "GITHUB_API_URL"),
        Some(Ok(access)) => match access.push {
            Some(true) => GITHUB.pass(format!("the token can push to {}", access.full_name)),
            Some(false) => GITHUB.fail((
                format!("the token can read {} but not push to it", access.full_name),
                Some(format!(
                    "give the token's account write access to {repo} (a fine-grained token \
                     needs Contents: read and write)"
                )),
            )),
            None => GITHUB.check(
                Status::Warn,
                format!("GitHub did not report the token's permissions on {repo}"),
                Some("check that GITHUB_TOKEN is a token GitHub accepts for this API".into()),
            ),
        },
        Some(Err(e)) => GITHUB.fail(github_advice(&e)),
    }
}

/// The `.env` file holds the tokens: it should be readable only by its owner.
fn dotenv_check(cfg: &Config) -> Check {
    match (&cfg.dotenv_file, cfg.dotenv_warning()) {
        (None, _) => DOTENV.skip("no .env file in the working directory", None),
        (Some(_), Some(w)) => DOTENV.check(Status::Warn, w, None),
        (Some(p), None) => DOTENV.pass(format!("{} is readable only by its owner", p.display())),
    }
}

#[cfg(test)]
mod tests;
