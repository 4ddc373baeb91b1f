//! The `EventBridge` rule that starts the box: what it says, switching it on and off, and when
//! it last fired, behind one small trait with a real (AWS SDK) and a simulated (demo)
//! implementation.
//!
//! "Last fired" is read from the scheduler Lambda's `CloudWatch` log group
//! (`/aws/lambda/<lambda_name>`): every invocation writes a `START RequestId: …` line, and the
//! lab's function prints `starting any instances`.

pub mod aws;
pub mod both;
pub mod demo;
pub mod scheduler;

use async_trait::async_trait;
use jiff::{SignedDuration, Timestamp};

use super::Schedule;
use crate::cloud::CloudError;

pub use aws::AwsRules;
pub use both::BoxSchedule;
pub use demo::{DemoRules, DemoScheduler};
pub use scheduler::{AwsScheduler, NewSchedule, SchedulerStore};

/// How far back [`Rules::last_fired`] looks: a weekly rule has fired at least once in 8 days.
pub const LAST_FIRED_LOOKBACK: SignedDuration = SignedDuration::from_hours(8 * 24);

/// Text every Lambda invocation writes first in its log stream.
pub const START_MARKER: &str = "START RequestId";

/// Text the lab's scheduler function prints before it starts the instances.
pub const STARTING_MARKER: &str = "starting any instances";

/// Whether the rule fires.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RuleState {
    /// `ENABLED`: the rule fires on its schedule.
    Enabled,
    /// `DISABLED`: the rule never fires until enabled again.
    Disabled,
    /// Another state `EventBridge` reports (e.g. `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS`).
    Other(String),
}

impl RuleState {
    /// Parses `EventBridge`'s state name.
    pub fn from_aws(name: &str) -> Self {
        match name {
            "ENABLED" => RuleState::Enabled,
            "DISABLED" => RuleState::Disabled,
            other => RuleState::Other(other.to_string()),
        }
    }

    /// `EventBridge`'s name for the state: `ENABLED`, `DISABLED`, or the other name as reported.
    pub fn as_str(&self) -> &str {
        match self {
            RuleState::Enabled => "ENABLED",
            RuleState::Disabled => "DISABLED",
            RuleState::Other(s) => s,
        }
    }

    /// True when the rule fires on its schedule: `ENABLED`, or any other state whose name
    /// starts with `ENABLED`.
    pub fn fires(&self) -> bool {
        match self {
            RuleState::Enabled => true,
            RuleState::Disabled => false,
            RuleState::Other(s) => s.starts_with("ENABLED"),
        }
    }
}

impl std::fmt::Display for RuleState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What `EventBridge` says about the rule (`DescribeRule` + `ListTargetsByRule`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleInfo {
    /// Rule name, e.g. `MondayMorning9aEST`.
    pub name: String,
    /// Rule ARN, when reported.
    pub arn: Option<String>,
    /// Enabled, disabled, or another state.
    pub state: RuleState,
    /// The schedule expression as `EventBridge` stores it; empty for an event-pattern rule.
    pub expression: String,
    /// The expression parsed, or one sentence on why it cannot be.
    pub schedule: Result<Schedule, String>,
    /// The rule's description, when set.
    pub description: Option<String>,
    /// The targets the rule invokes: each target's ARN (its id when it has none).
    pub targets: Vec<String>,
    /// The account or service that created the rule (`DescribeRule`'s `CreatedBy`). `EventBridge`
    /// does not report a creation time, so rate fire times stay estimates (see
    /// [`crate::schedule::Rate`]).
    pub created_by: Option<String>,
    /// What only an `EventBridge` Scheduler schedule has (group, time zone, role); `None` for
    /// an `EventBridge` rule.
    pub scheduler: Option<SchedulerFacts>,
    /// The box's schedule of the other kind: the Scheduler schedule beside a rule, or the rule
    /// beside a Scheduler schedule (after `schedule move`, both exist).
    pub other: Other,
}

/// What only an `EventBridge` Scheduler schedule has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchedulerFacts {
    /// The schedule group, e.g. `default`.
    pub group: String,
    /// `ScheduleExpressionTimezone`, e.g. `America/New_York`; `None` is UTC.
    pub time_zone: Option<String>,
    /// The role the Scheduler assumes to invoke the target.
    pub role: Option<String>,
}

/// The box's schedule of the other kind, as far as it was read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Other {
    /// Not looked for (the demo's single rule, tests).
    #[default]
    NotRead,
    /// Looked for: it does not exist.
    Absent,
    /// It exists.
    Found(Box<RuleInfo>),
    /// It could not be read: why (e.g. no permission).
    Unknown(String),
}

impl RuleInfo {
    /// ``EventBridge rule `MondayMorning9aEST` `` or ``Scheduler schedule `default/MondayMorning9aEST` ``.
    pub fn what(&self) -> String {
        match &self.scheduler {
            None => format!("EventBridge rule `{}`", self.name),
            Some(s) => format!("Scheduler schedule `{}/{}`", s.group, self.name),
        }
    }

    /// `rule` or `schedule`, for sentences like "The rule is DISABLED".
    pub fn noun(&self) -> &'static str {
        if self.scheduler.is_some() { "schedule" } else { "rule" }
    }

    /// Where the expression is evaluated: `UTC`, or the Scheduler schedule's zone name.
    pub fn zone_name(&self) -> &str {
        self.scheduler.as_ref().and_then(|s| s.time_zone.as_deref()).unwrap_or("UTC")
    }

    /// The schedule that starts the box: this one, unless it does not fire and the other kind
    /// does (after `schedule move`, the disabled rule and the enabled Scheduler schedule).
    pub fn shown(&self) -> &RuleInfo {
        match self.other_firing() {
            Some(o) if !self.state.fires() => o,
            _ => self,
        }
    }

    /// The other schedule when it exists and fires.
    pub fn other_firing(&self) -> Option<&RuleInfo> {
        match &self.other {
            Other::Found(o) if o.state.fires() && o.schedule.is_ok() => Some(o),
            _ => None,
        }
    }

    /// Parses a rule's schedule expression, or says why it cannot be used.
    pub fn parse_expression(expression: &str) -> Result<Schedule, String> {
        if expression.trim().is_empty() {
            return Err(
                "the rule has no schedule expression (it reacts to an event pattern), so it does not fire on a timetable"
                    .into(),
            );
        }
        Schedule::parse(expression).map_err(|e| e.to_string())
    }
}

/// The scheduler's last invocation, from its log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastFired {
    /// When the log line was written (within a second of the fire).
    pub at: Timestamp,
    /// The log line, trimmed, e.g. `START RequestId: 6f0c… Version: $LATEST`.
    pub detail: String,
}

/// The latest scheduler invocation among log events given as (milliseconds since the epoch,
/// message): the latest `START RequestId` line, or, when there is none, the latest
/// `starting any instances` line. Other lines are ignored.
pub fn pick_last_fired<'a>(events: impl IntoIterator<Item = (i64, &'a str)>) -> Option<LastFired> {
    let mut start: Option<(i64, &str)> = None;
    let mut starting: Option<(i64, &str)> = None;
    for (ms, message) in events {
        let slot = if message.contains(START_MARKER) {
            &mut start
        } else if message.contains(STARTING_MARKER) {
            &mut starting
        } else {
            continue;
        };
        if slot.is_none_or(|(t, _)| ms >= t) {
            *slot = Some((ms, message));
        }
    }
    let (ms, message) = start.or(starting)?;
    Some(LastFired {
        at: Timestamp::from_millisecond(ms).ok()?,
        detail: message.lines().next().unwrap_or("").trim().to_string(),
    })
}

/// The lab's `EventBridge` rule, as the panel and the CLI use it.
#[async_trait]
pub trait Rules: Send + Sync {
    /// The rule's state, expression, description and targets.
    ///
    /// A rule that does not exist is [`CloudError::Missing`], naming the rule and the config key.
    async fn describe(&self) -> Result<RuleInfo, CloudError>;

    /// Enables (`true`) or disables (`false`) the rule.
    ///
    /// `EventBridge` has no dry run: with `dry_run` this returns `Ok` without calling anything,
    /// so a dry run proves neither the permission nor that the rule exists.
    async fn set_enabled(&self, enabled: bool, dry_run: bool) -> Result<(), CloudError>;

    /// The scheduler Lambda's latest invocation within [`LAST_FIRED_LOOKBACK`], read from its
    /// log group `/aws/lambda/<lambda_name>`. `Ok(None)` when nothing was logged in that time;
    /// [`CloudError::Missing`] when the log group does not exist (the Lambda never ran, or
    /// another Lambda is configured).
    async fn last_fired(&self) -> Result<Option<LastFired>, CloudError>;

    /// The rule's name.
    fn rule_name(&self) -> &str;

    /// `rule` or `schedule` (an `EventBridge` Scheduler schedule), for messages.
    fn noun(&self) -> &'static str {
        "rule"
    }

    /// `aws` or `demo`.
    fn kind(&self) -> &'static str;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(s: &str) -> i64 {
        s.parse::<Timestamp>().unwrap().as_millisecond()
    }

    #[test]
    fn states_read_and_fire() {
        assert_eq!(RuleState::from_aws("ENABLED"), RuleState::Enabled);
        assert_eq!(RuleState::from_aws("DISABLED"), RuleState::Disabled);
        let odd = RuleState::from_aws("ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS");
        assert!(odd.fires());
        assert_eq!(odd.as_str(), "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS");
        assert!(!RuleState::Disabled.fires());
        assert!(!RuleState::from_aws("weird").fires());
    }

    #[test]
    fn expressions_parse_or_explain() {
        assert!(RuleInfo::parse_expression("cron(0 9 ? * MON *)").is_ok());
        let none = RuleInfo::parse_expression("").unwrap_err();
        assert!(none.contains("no schedule expression"), "{none}");
        let bad = RuleInfo::parse_expression("cron(0 9 * * ?)").unwrap_err();
        assert!(bad.contains("EventBridge needs 6"), "{bad}");
    }

    #[test]
    fn last_fired_prefers_the_latest_start_line() {
        let events = [
            (ms("2026-11-16T09:00:00.300Z"), "START RequestId: old Version: $LATEST"),
            (ms("2026-11-16T09:00:00.500Z"), "starting any instances\n"),
            (ms("2026-11-23T09:00:00.250Z"), "entered. event={}"),
            (ms("2026-11-23T09:00:00.200Z"), "START RequestId: new Version: $LATEST\n"),
            (ms("2026-11-23T09:00:00.400Z"), "starting any instances\n"),
            (ms("2026-11-23T09:00:01.000Z"), "END RequestId: new"),
        ];
        let got = pick_last_fired(events).unwrap();
        assert_eq!(got.at, "2026-11-23T09:00:00.200Z".parse().unwrap());
        assert_eq!(got.detail, "START RequestId: new Version: $LATEST");
    }

    #[test]
    fn last_fired_falls_back_to_the_function_print() {
        let events = [
            (ms("2026-11-23T09:00:00.400Z"), "  starting any instances\n"),
            (ms("2026-11-23T09:00:02Z"), "done"),
        ];
        let got = pick_last_fired(events).unwrap();
        assert_eq!(got.detail, "starting any instances");
        assert_eq!(got.at, "2026-11-23T09:00:00.400Z".parse().unwrap());
        assert_eq!(pick_last_fired([(0, "done"), (1, "END RequestId: x")]), None);
        assert_eq!(pick_last_fired([]), None);
    }
}
