//! `baseline-panel status [--json]`.

use std::fmt::Write as _;
use std::io::Write;

use jiff::Timestamp;
use serde::Serialize;

use super::Failure;
use crate::backends::Backends;
use crate::cloud::{Instance, StatusChecks};
use crate::config::{Config, Target};
use crate::logs::history::HISTORY_SPAN;
use crate::run::{Kind, RunJson, Timeline};
use crate::sanitize::field;
use crate::schedule::ScheduleView;
use crate::timefmt::{ago, human_duration, utc};
use crate::userdata::DevInfo;
use crate::userdata::{Mode, ScriptLine};
use jiff::tz::TimeZone;

/// Version of the `status --json` document; bumped only on incompatible changes.
pub const SCHEMA: u32 = 1;

#[derive(Serialize)]
struct ScheduleJson {
    rule: String,
    state: String,
    expression: String,
    next_fire: Option<String>,
    dev_mode_alarm: Option<String>,
    disabled_note: Option<String>,
    name_note: Option<String>,
}

impl From<&ScheduleView> for ScheduleJson {
    fn from(v: &ScheduleView) -> Self {
        ScheduleJson {
            rule: v.rule.clone(),
            state: v.state.as_str().to_string(),
            expression: v.expression.clone(),
            next_fire: v.next.as_ref().map(|f| f.at.to_string()),
            dev_mode_alarm: v.dev_mode_alarm.clone(),
            disabled_note: v.disabled_note.clone(),
            name_note: v.name_note.clone(),
        }
    }
}

#[derive(Serialize)]
struct StateReason<'a> {
    code: Option<&'a str>,
    message: Option<&'a str>,
}

#[derive(Serialize)]
struct InstanceJson<'a> {
    id: &'a str,
    name: Option<&'a str>,
    state: &'a str,
    instance_type: Option<&'a str>,
    launch_time: Option<String>,
    uptime_seconds: Option<i64>,
    public_dns: Option<&'a str>,
    public_ip: Option<&'a str>,
    availability_zone: Option<&'a str>,
    state_transition_reason: Option<&'a str>,
    state_reason: StateReason<'a>,
    status_checks: Option<&'a StatusChecks>,
    dev_mode: Option<String>,
    /// The newest run (dev sessions skipped): the first `kind: run` entry of `runs --json`.
    last_run: Option<RunJson>,
    /// The instance's latest boot, run or dev session.
    current_boot: Option<RunJson>,
    /// The going run's progress (as in `last_run`), when it is up.
    progress: Option<crate::run::json::ProgressJson>,
    /// The going run's ETA (as in `last_run`), when it is up.
    eta: Option<crate::run::json::EtaJson>,
    /// The price and the last 30 days' cost (figures `null` with their reason when unknown).
    cost: Option<crate::cost::json::CostJson>,
}

#[derive(Serialize)]
struct TargetJson<'a> {
    by: &'a str,
    value: &'a str,
}

#[derive(Serialize)]
struct StatusJson<'a> {
    schema: u32,
    mode: &'a str,
    region: &'a str,
    profile: Option<&'a str>,
    target: TargetJson<'a>,
    checked_at: String,
    instances: Vec<InstanceJson<'a>>,
    schedule: Option<ScheduleJson>,
    warnings: Vec<String>,
}

fn instance_json<'a>(i: &'a Instance, now: Timestamp, extra: &Extra) -> InstanceJson<'a> {
    let priced = |e: &crate::run::Entry| {
        let j = RunJson::from(e);
        match &extra.prices {
            Some(p) => j.with_cost(crate::cost::json::entry_cost(e, p, now)),
            None => j,
        }
    };
    let live = extra.timeline.last_run().filter(|r| r.current && r.outcome.is_live()).map(RunJson::from);
    InstanceJson {
        id: &i.id,
        name: i.name.as_deref(),
        state: i.state.name(),
        instance_type: i.instance_type.as_deref(),
        launch_time: i.launch_time.map(|t| t.to_string()),
        uptime_seconds: i.uptime(now).map(|d| d.as_secs()),
        public_dns: i.public_dns.as_deref(),
        public_ip: i.public_ip.as_deref(),
        availability_zone: i.availability_zone.as_deref(),
        state_transition_reason: i.state_transition_reason.as_deref(),
        state_reason: StateReason {
            code: i.state_reason_code.as_deref(),
            message: i.state_reason_message.as_deref(),
        },
        status_checks: i.status_checks.as_ref(),
        dev_mode: extra.dev_mode.map(|m| m.to_string()),
        last_run: extra.timeline.last_run().map(priced),
        current_boot: extra.timeline.current().map(priced),
        progress: live.as_ref().and_then(|r| r.progress.clone()),
        eta: live.and_then(|r| r.eta),
        cost: extra
            .prices
            .as_ref()
            .map(|p| crate::cost::json::CostJson::new(p, &extra.timeline.entries, now)),
    }
}

/// One instance of `status --json`, as a JSON value (for tests that compare surfaces).
#[cfg(test)]
pub(crate) fn instance_value(
    i: &Instance,
    now: Timestamp,
    dev_mode: Option<Mode>,
    timeline: Timeline,
) -> serde_json::Value {
    serde_json::to_value(instance_json(i, now, &Extra { dev_mode, timeline, prices: None })).unwrap()
}

/// What `status` adds to EC2's answer for one instance.
struct Extra {
    dev_mode: Option<Mode>,
    timeline: Timeline,
    /// The prices (`None` in tests that leave cost out).
    prices: Option<crate::cost::Prices>,
}

/// Reads each instance's dev mode and judges its last run, every instance at once and, for each,
/// the user data and the run log at once; problems become warnings (in instance order).
async fn extras(
    cfg: &Config,
    b: &Backends,
    list: &[Instance],
    now: Timestamp,
    warns: &mut Vec<String>,
) -> Vec<Extra> {
    let pattern = ScriptLine::new(cfg.script_pattern.clone()).ok();
    let each = list.iter().map(|i| extra(cfg, b, i, pattern.as_ref(), now));
    let mut out = Vec::new();
    for (e, w) in futures_util::future::join_all(each).await {
        out.push(e);
        warns.extend(w);
    }
    out
}

/// One instance's dev mode and timeline, with its warnings.
async fn extra(
    cfg: &Config,
    b: &Backends,
    i: &Instance,
    pattern: Option<&ScriptLine>,
    now: Timestamp,
) -> (Extra, Vec<String>) {
    let mut warns = Vec::new();
    let store = b.logs.as_ref();
    let (user_data, past, prices) = tokio::join!(
        b.cloud.user_data(&i.id),
        crate::logs::history::read_past(store, cfg, &i.id, now - HISTORY_SPAN, None),
        crate::cost::lookup(b.prices.as_ref(), &cfg.cost, &cfg.region, i, now)
    );
    let dev_mode = match (user_data, pattern) {
        (Ok(bytes), Some(p)) => match DevInfo::read(&bytes, p) {
            Ok(d) => Some(d.mode),
            Err(e) => {
                warns.push(format!("{}: dev mode unknown: {e}", i.id));
                None
            }
        },
        (Err(e), _) => {
            warns.push(format!("{}: dev mode unknown: {e}", i.id));
            None
        }
        (_, None) => None,
    };
    let up = matches!(i.state, crate::cloud::InstanceState::Pending | crate::cloud::InstanceState::Running);
    let kind = dev_mode.filter(|_| up).map(Kind::from);
    let past = match past {
        Ok(past) => {
            warns.extend(past.warnings.iter().map(|w| format!("{}: {w}", i.id)));
            past
        }
        Err(e) => {
            warns.push(format!("{}: run log unavailable ({e}); runs are judged without it", i.id));
            crate::logs::history::PastLog::default()
        }
    };
    let timeline = crate::logs::history::timeline_of(i, &past, kind, &cfg.run_rules, now);
    (Extra { dev_mode, timeline, prices: Some(prices) }, warns)
}

/// The schedule as the panel shows it, with the dev-mode alarm; problems become warnings.
fn schedule(
    cfg: &Config,
    described: Result<crate::schedule::RuleInfo, crate::cloud::CloudError>,
    dev: bool,
    now: Timestamp,
    warns: &mut Vec<String>,
) -> Option<ScheduleView> {
    match described {
        Ok(info) => {
            let view = ScheduleView::build(&info, now, &TimeZone::system(), dev, cfg.dev.alarm_window);
            // Two enabled schedules (a rule and a Scheduler schedule) start the box twice.
            warns.extend(view.two_enabled.clone());
            Some(view)
        }
        Err(e) => {
            warns.push(format!("schedule unknown: {e}"));
            None
        }
    }
}

/// Warnings worth a human's attention.
fn warnings(cfg: &Config, list: &[Instance]) -> Vec<String> {
    let mut w = Vec::new();
    if list.len() > 1 {
        w.push(format!(
            "{} instances match {}: the Monday Lambda starts all of them",
            list.len(),
            cfg.target
        ));
    }
    w
}

/// Prints the status.
pub async fn run(cfg: &Config, b: &Backends, json: bool) -> Result<(), Failure> {
    let cloud = b.cloud.as_ref();
    // One call to find the boxes; everything else about them at once.
    let list = cloud.listed().await?;
    let now = Timestamp::now();
    let mut warns = warnings(cfg, &list);
    let ids: Vec<String> = list.iter().map(|i| i.id.clone()).collect();
    let (checks, mut extra, described, starts) = tokio::join!(
        cloud.status_checks(&ids),
        extras(cfg, b, &list, now, &mut warns),
        b.rules.describe(),
        super::runs::start_events(b, &list, now - HISTORY_SPAN, now)
    );
    for e in &mut extra {
        super::runs::attribute(&mut e.timeline, &starts);
    }
    let list = crate::cloud::with_status_checks(list, checks);
    let dev = extra.iter().any(|e| e.dev_mode == Some(Mode::Dev));
    let sched = schedule(cfg, described, dev, now, &mut warns);
    if let Some(a) = sched.as_ref().and_then(|v| v.dev_mode_alarm.clone()) {
        warns.insert(0, a);
    }
    let mut out = std::io::stdout().lock();
    if json {
        let (by, value) = match &cfg.target {
            Target::Id(id) => ("id", id.as_str()),
            Target::Name(n) => ("name", n.as_str()),
        };
        let doc = StatusJson {
            schema: SCHEMA,
            mode: b.account.name(),
            region: &cfg.region,
            profile: cfg.profile.as_deref(),
            target: TargetJson { by, value },
            checked_at: now.to_string(),
            instances: list.iter().zip(&extra).map(|(i, e)| instance_json(i, now, e)).collect(),
            schedule: sched.as_ref().map(ScheduleJson::from),
            warnings: warns,
        };
        crate::sanitize::write_json(&mut out, &doc)?;
        return Ok(());
    }
    for w in &warns {
        eprintln!("warning: {}", field(w));
    }
    write!(out, "{}", table(&list, &extra, sched.as_ref(), now))?;
    Ok(())
}

/// The human table: one block per instance, then the schedule.
fn table(list: &[Instance], extra: &[Extra], sched: Option<&ScheduleView>, now: Timestamp) -> String {
    let mut s = String::new();
    for (n, (i, e)) in list.iter().zip(extra).enumerate() {
        if n > 0 {
            s.push('\n');
        }
        let mut row = |k: &str, v: String| {
            let _ = writeln!(s, "  {k:<12} {}", field(&v));
        };
        row("instance", format!("{} ({})", i.id, i.name.as_deref().unwrap_or("no Name tag")));
        let up = i.uptime(now).map(|d| format!(" (up {})", human_duration(d))).unwrap_or_default();
        row("state", format!("{}{up}", i.state));
        row("type", i.instance_type.clone().unwrap_or_else(|| "-".into()));
        row("zone", i.availability_zone.clone().unwrap_or_else(|| "-".into()));
        if let Some(t) = i.launch_time {
            row("launched", format!("{} ({})", utc(t), ago(t, now)));
        }
        if let Some(d) = &i.public_dns {
            row("public dns", d.clone());
        }
        if let Some(ip) = &i.public_ip {
            row("public ip", ip.clone());
        }
        if let Some(c) = &i.status_checks {
            row("checks", format!("system {}, instance {}", c.system, c.instance));
        }
        if let Some(r) = &i.state_transition_reason {
            row("last change", r.clone());
        }
        if let Some(c) = &i.state_reason_code {
            // EC2's message repeats the code ("Client.UserInitiatedShutdown: User initiated shutdown").
            row("reason", i.state_reason_message.clone().unwrap_or_else(|| c.clone()));
        }
        if let Some(m) = e.dev_mode {
            row(
                "dev mode",
                if m == Mode::Dev { "ON (the script does not run at boot)".into() } else { "off".into() },
            );
        }
        let tz = TimeZone::system();
        match e.timeline.last_run() {
            Some(r) => row("last run", crate::run::text::summary(r)),
            None => row("last run", "none in the run log over the last 120 days".into()),
        }
        if let Some(r) = e.timeline.last_run().filter(|r| r.current) {
            if let Some(up) = crate::run::text::running_for(r, now) {
                row("running", up);
            }
            if let Some(p) = crate::run::text::progress_text(r, now, &tz) {
                row("progress", p);
            }
        }
        if let Some(d) = e.timeline.current().filter(|c| c.kind == Kind::DevSession) {
            row("this boot", crate::run::text::summary(d));
        }
        if let Some(p) = &e.prices {
            for (k, v) in crate::cost::text::lines(p, &e.timeline, now) {
                row(k, v);
            }
        }
    }
    if let Some(v) = sched {
        s.push('\n');
        let mut row = |k: &str, v: String| {
            let _ = writeln!(s, "  {k:<12} {}", field(&v));
        };
        row("schedule", format!("{} {} ({})", v.rule, v.expression, v.state.as_str()));
        if let Some(f) = &v.next {
            let local = if f.local_is_utc { String::new() } else { format!("{}, ", f.local) };
            row("next run", format!("{} ({local}{})", f.utc, f.countdown));
        }
    }
    s
}
