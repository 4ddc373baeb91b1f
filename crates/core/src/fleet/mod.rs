//! Every configured box at a glance: what one cheap look at a box reads, and the row the fleet
//! view and `status --all` show for it. The panel and the CLI both build their rows here, from
//! the run module's timeline and the schedule's view, so they say the same.
//!
//! A look is cheap on purpose: `DescribeInstances`, the first instance's user data and
//! `DescribeRule` (with its targets). The run log is read only when asked (`with_runs`): the
//! panel asks for it once, then again when the box's state changes, and rarely while it is up.

pub mod json;
#[cfg(test)]
mod tests;
pub mod text;

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use crate::activity::{ActivityLog, DEFAULT_SPAN, DevOwner};
use crate::cloud::{Cloud, CloudError, Instance, InstanceState};
use crate::config::Config;
use crate::logs::LogStore;
use crate::logs::history::{HISTORY_SPAN, PastLog, read_past, timeline_of};
use crate::run::{Kind, Outcome, RunRules};
use crate::schedule::{RuleInfo, Rules, ScheduleView};
use crate::userdata::{DevInfo, Mode, ScriptLine};

/// How long one look at a box may take before its row says it did not answer.
pub const LOOK_LIMIT: std::time::Duration = std::time::Duration::from_secs(60);

/// Where a box lives: region, profile and endpoint, as its configuration says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// The region.
    pub region: String,
    /// The profile label (`default chain` when none is set, `-` in demo mode).
    pub profile: String,
    /// The custom endpoint, if any.
    pub endpoint: Option<String>,
}

impl Place {
    /// The place `cfg` points at.
    pub fn of(cfg: &Config) -> Place {
        Place {
            region: cfg.region.clone(),
            profile: if cfg.demo { "-".into() } else { cfg.profile_label().to_owned() },
            endpoint: if cfg.demo { None } else { cfg.endpoint_url.clone() },
        }
    }

    /// Boxes with the same key share an account's per-region API limits (one profile and
    /// endpoint in one region).
    pub fn key(&self) -> (String, String, Option<String>) {
        (self.region.clone(), self.profile.clone(), self.endpoint.clone())
    }
}

/// What one look at a box read. Only the instance list is needed: the rest, when it could not
/// be read, says why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    /// The instances the box's target matches.
    pub instances: Vec<Instance>,
    /// The first instance's dev mode, or why it is unknown.
    pub dev_mode: Result<Mode, String>,
    /// The schedule rule, or why it is unknown.
    pub rule: Result<RuleInfo, String>,
    /// The run log of the first instance, when this look read it (else `None`), or why it
    /// could not be read.
    pub past: Option<Result<PastLog, String>>,
}

/// Looks at one box: its instances, then the first one's user data, the rule and (with
/// `with_runs`) its run log, at once. Fails only when the instances cannot be listed.
pub async fn look(
    cfg: &Config,
    cloud: &dyn Cloud,
    logs: &dyn LogStore,
    rules: &dyn Rules,
    with_runs: bool,
    now: Timestamp,
) -> Result<Reading, CloudError> {
    let (listed, rule) = tokio::join!(cloud.listed(), rules.describe());
    let instances = listed?;
    let rule = rule.map_err(|e| e.to_string());
    let Some(first) = instances.first() else {
        let why = format!("no instance matches {}", cfg.target);
        let past = with_runs.then(|| Err(why.clone()));
        return Ok(Reading { instances, dev_mode: Err(why), rule, past });
    };
    let runs = async {
        if with_runs {
            Some(read_past(logs, cfg, &first.id, now - HISTORY_SPAN, None).await.map_err(|e| e.to_string()))
        } else {
            None
        }
    };
    let (user_data, past) = tokio::join!(cloud.user_data(&first.id), runs);
    let dev_mode = match (user_data, ScriptLine::new(cfg.script_pattern.clone())) {
        (Ok(bytes), Ok(pattern)) => {
            DevInfo::read(&bytes, &pattern).map(|d| d.mode).map_err(|e| e.to_string())
        }
        (Err(e), _) => Err(e.to_string()),
        (_, Err(e)) => Err(e.to_string()),
    };
    Ok(Reading { instances, dev_mode, rule, past })
}

/// The last run as a row shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastRun {
    /// How it went.
    pub outcome: Outcome,
    /// When it started.
    pub started: Timestamp,
    /// When it ended, when known.
    pub ended: Option<Timestamp>,
    /// How long it took (or has run so far, while it goes).
    pub duration: Option<SignedDuration>,
    /// True while it is the instance's current boot and still going.
    pub live: bool,
}

/// Something at a glance that needs a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Alarm {
    /// Dev mode is on and the schedule fires soon: the run would boot without the script.
    DevModeBeforeFire {
        /// The fire time.
        at: Timestamp,
    },
    /// A failure marker while the box is still up.
    Failing,
    /// The last run failed.
    Failed,
    /// Up longer than `run.max_hours`, or silent too long.
    Stuck,
    /// Past its ETA and still going.
    Overdue {
        /// The ETA it passed.
        eta: Timestamp,
    },
}

impl Alarm {
    /// Machine name, as in JSON.
    pub fn kind(&self) -> &'static str {
        match self {
            Alarm::DevModeBeforeFire { .. } => "dev_mode_before_fire",
            Alarm::Failing => "failing",
            Alarm::Failed => "failed",
            Alarm::Stuck => "stuck",
            Alarm::Overdue { .. } => "overdue",
        }
    }

    /// A few words for the row.
    pub fn short(&self) -> &'static str {
        match self {
            Alarm::DevModeBeforeFire { .. } => "dev mode before fire",
            Alarm::Failing => "failing",
            Alarm::Failed => "last run failed",
            Alarm::Stuck => "stuck",
            Alarm::Overdue { .. } => "overdue",
        }
    }
}

/// One box's row: what the fleet view and `status --all` show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The box's name (`[boxes.NAME]`).
    pub name: String,
    /// Where it lives.
    pub place: Place,
    /// The first instance's state; `None` when no instance matches.
    pub state: Option<InstanceState>,
    /// How many instances match (the Lambda starts them all).
    pub instances: usize,
    /// The first instance's dev mode, or why it is unknown.
    pub dev_mode: Result<Mode, String>,
    /// Who switched dev mode on and when, while dev mode is on and the account's activity says.
    pub owner: Option<DevOwner>,
    /// Why the owner is unknown while dev mode is on (`None` when it is known, or dev mode is
    /// not on: there is nobody to name).
    pub owner_unknown: Option<String>,
    /// The newest run, or why there is none to show.
    pub last_run: Result<LastRun, String>,
    /// The next fire, or why there is none (disabled, unreadable).
    pub next_fire: Result<Timestamp, String>,
    /// What needs a person.
    pub alarms: Vec<Alarm>,
}

impl Row {
    /// The row with its owner, from the latest `lookup` of the account's activity: only while
    /// dev mode is on, and only a lookup of the row's first instance counts.
    #[must_use]
    pub fn with_owner(mut self, lookup: Option<&OwnerLookup>, instance: Option<&str>) -> Row {
        self.owner = None;
        self.owner_unknown = None;
        if self.dev_mode != Ok(Mode::Dev) {
            return self;
        }
        match lookup.filter(|l| Some(l.instance.as_str()) == instance).map(|l| &l.result) {
            None => self.owner_unknown = Some("CloudTrail not read yet".into()),
            Some(Ok(Some(o))) => self.owner = Some(o.clone()),
            Some(Ok(None)) => self.owner_unknown = Some(NO_SWITCH.into()),
            Some(Err(e)) => self.owner_unknown = Some(format!("CloudTrail not read: {e}")),
        }
        self
    }
}

/// Why the owner is unknown when `CloudTrail` answered but named nobody.
pub const NO_SWITCH: &str = "CloudTrail's last 7 days show no user-data change that put the box in dev mode";

/// One lookup of who put an instance in dev mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnerLookup {
    /// The instance asked about.
    pub instance: String,
    /// Who (`None`: the history does not say), or why `CloudTrail` could not be read.
    pub result: Result<Option<DevOwner>, String>,
    /// When the answer arrived.
    pub at: Timestamp,
}

/// Who put `instance` in dev mode, from the last [`DEFAULT_SPAN`] of the account's activity:
/// one `LookupEvents` filtered on the instance id (paged when long). Ask only while its user
/// data says dev mode.
pub async fn owner(
    log: &dyn ActivityLog,
    instance: &str,
    now: Timestamp,
) -> Result<Option<DevOwner>, String> {
    let names = [instance.to_owned()];
    let feed =
        crate::activity::read(log, &names, now - DEFAULT_SPAN, now).await.map_err(|e| e.to_string())?;
    Ok(crate::activity::dev_owner(&feed.events, instance))
}

/// What a row is judged with: the box's run rules and dev-mode alarm window.
#[derive(Debug, Clone)]
pub struct Judging {
    /// How runs are judged.
    pub rules: RunRules,
    /// How long before a fire dev mode raises the alarm.
    pub alarm_window: SignedDuration,
}

impl Judging {
    /// The box's rules, from its configuration.
    pub fn of(cfg: &Config) -> Judging {
        Judging { rules: cfg.run_rules.clone(), alarm_window: cfg.dev.alarm_window }
    }
}

/// The row of box `name` from its latest `reading` and the run log read last (`past`: the log,
/// or why it could not be read; `None` while not read yet).
pub fn row(
    name: &str,
    place: &Place,
    reading: &Reading,
    past: Option<&Result<PastLog, String>>,
    judging: &Judging,
    now: Timestamp,
) -> Row {
    let first = reading.instances.first();
    let dev = reading.dev_mode.as_ref().is_ok_and(|m| *m == Mode::Dev);
    let view = reading
        .rule
        .as_ref()
        .map(|info| ScheduleView::build(info, now, &TimeZone::UTC, dev, judging.alarm_window));
    let next_fire = match &view {
        Ok(v) => match &v.next {
            Some(f) => Ok(f.at),
            None => Err(v
                .disabled_note
                .clone()
                .or_else(|| v.problem.clone())
                .unwrap_or_else(|| "no next fire".into())),
        },
        Err(e) => Err(format!("schedule unknown: {e}")),
    };
    let mut alarms = Vec::new();
    if let (Ok(v), Ok(at)) = (&view, &next_fire) {
        if v.dev_mode_alarm.is_some() {
            alarms.push(Alarm::DevModeBeforeFire { at: *at });
        }
    }
    let last_run = match (first, past) {
        (None, _) => Err("no instance".to_owned()),
        (Some(_), None) => Err("run log not read yet".to_owned()),
        (Some(_), Some(Err(e))) => Err(format!("run log unreadable: {e}")),
        (Some(i), Some(Ok(past))) => last_run(i, past, reading, judging, now, &mut alarms),
    };
    Row {
        name: name.to_owned(),
        place: place.clone(),
        state: first.map(|i| i.state),
        instances: reading.instances.len(),
        dev_mode: reading.dev_mode.clone(),
        owner: None,
        owner_unknown: None,
        last_run,
        next_fire,
        alarms,
    }
}

fn last_run(
    i: &Instance,
    past: &PastLog,
    reading: &Reading,
    judging: &Judging,
    now: Timestamp,
    alarms: &mut Vec<Alarm>,
) -> Result<LastRun, String> {
    let kind = reading.dev_mode.as_ref().ok().map(|m| Kind::from(*m));
    let timeline = timeline_of(i, past, kind, &judging.rules, now);
    let Some(e) = timeline.last_run() else {
        return Err("no run in the run log over the last 120 days".to_owned());
    };
    let live = e.current && e.outcome.is_live();
    match e.outcome {
        Outcome::Failing => alarms.push(Alarm::Failing),
        Outcome::Failed => alarms.push(Alarm::Failed),
        Outcome::Stuck => alarms.push(Alarm::Stuck),
        _ => {}
    }
    if let Some(eta) = e.eta.as_ref().filter(|eta| live && eta.at < now && e.outcome != Outcome::Stuck) {
        alarms.push(Alarm::Overdue { eta: eta.at });
    }
    let duration = if live { Some(e.elapsed(now)) } else { e.duration };
    Ok(LastRun { outcome: e.outcome, started: e.started, ended: e.ended, duration, live })
}
