//! `baseline-panel runs [--json] [--since 30d]`: the run timeline (runs and dev sessions) of
//! every matching instance, newest first.

use std::fmt::Write as _;
use std::io::Write;

use jiff::Timestamp;

use super::Failure;
use crate::activity::Feed;
use crate::backends::Backends;
use crate::cloud::{Cloud, Instance, InstanceState};
use crate::config::Config;
use crate::logs::LogStore;
use crate::logs::history::{HISTORY_SPAN, read_timeline};
use crate::logs::{LogError, missing_group_message};
use crate::run::{Entry, Kind, RunJson, StartEvents, Timeline};
use crate::timefmt::{human_duration, utc};
use crate::userdata::DevInfo;
use crate::userdata::ScriptLine;

/// The user data's kind for the boot of an instance that is up (`None` when it is not up, or
/// the user data cannot be read: the log then decides).
pub async fn current_kind(cfg: &Config, cloud: &dyn Cloud, i: &Instance) -> Option<Kind> {
    if !matches!(i.state, InstanceState::Pending | InstanceState::Running) {
        return None;
    }
    let pattern = ScriptLine::new(cfg.script_pattern.clone()).ok()?;
    let bytes = cloud.user_data(&i.id).await.ok()?;
    DevInfo::read(&bytes, &pattern).ok().map(|d| Kind::from(d.mode))
}

/// A failed read of the run group (set by `key` in the config file), as the CLI reports it.
pub fn log_failure(e: LogError, key: &str) -> Failure {
    match e {
        LogError::GroupMissing { group } => {
            Failure { code: 3, message: missing_group_message(crate::logs::Source::Run, &group, key) }
        }
        LogError::Cloud(c) => Failure::from(c),
        other @ LogError::LiveTailUnavailable(_) => {
            Failure::from(crate::cloud::CloudError::Other(other.to_string()))
        }
    }
}

/// The timeline of `i` over `[from, now]`, warnings printed on stderr.
pub async fn timeline_for(
    cfg: &Config,
    store: &dyn LogStore,
    i: &Instance,
    kind: Option<Kind>,
    from: Timestamp,
    now: Timestamp,
) -> Result<Timeline, Failure> {
    let (t, warnings) = read_timeline(store, cfg, i, kind, from, now)
        .await
        .map_err(|e| log_failure(e, &cfg.setting_keys.log_group))?;
    for w in warnings {
        eprintln!("warning: {}", crate::sanitize::field(&w));
    }
    Ok(t)
}

/// Prints the runs and dev sessions of every matching instance.
pub async fn run(cfg: &Config, b: &Backends, json: bool, since: Option<&str>) -> Result<(), Failure> {
    let cloud = b.cloud.as_ref();
    let list = cloud.instances().await?;
    let now = Timestamp::now();
    let from = match since {
        Some(s) => crate::logs::since::parse_since(s, now).map_err(|message| Failure { code: 2, message })?,
        None => now - HISTORY_SPAN,
    };
    let starts = start_events(b, &list, from, now).await;
    let mut all: Vec<Entry> = Vec::new();
    let mut prices = Vec::new();
    for i in &list {
        let kind = current_kind(cfg, cloud, i).await;
        let (t, p) = tokio::join!(
            timeline_for(cfg, b.logs.as_ref(), i, kind, from, now),
            crate::cost::lookup(b.prices.as_ref(), &cfg.cost, &cfg.region, i, now)
        );
        let mut t = t?;
        attribute(&mut t, &starts);
        all.extend(t.entries);
        prices.push(p);
    }
    all.sort_by_key(|e| std::cmp::Reverse(e.started));
    let cost = |e: &Entry| match prices.iter().find(|p| p.instance_id == e.instance_id) {
        Some(p) => crate::cost::json::entry_cost(e, p, now),
        None => Err("not priced".to_owned()),
    };
    let mut out = std::io::stdout().lock();
    if json {
        let docs: Vec<RunJson> = all.iter().map(|e| RunJson::from(e).with_cost(cost(e))).collect();
        crate::sanitize::write_json(&mut out, &docs)?;
        return Ok(());
    }
    if all.is_empty() {
        let span = human_duration(now.duration_since(from));
        writeln!(out, "no runs in {} over the last {span}", cfg.log_group)?;
        return Ok(());
    }
    write!(out, "{}", table(&all, now, &cost))?;
    Ok(())
}

/// `CloudTrail`'s events of the instances over `[from, now]` (at most its 90 days), for who
/// started each boot; why not, when it cannot be read (the runs print all the same).
pub(crate) async fn start_events(
    b: &Backends,
    list: &[Instance],
    from: Timestamp,
    now: Timestamp,
) -> Result<Feed, String> {
    let ids: Vec<String> = list.iter().map(|i| i.id.clone()).collect();
    if ids.is_empty() {
        return Err("no instance".into());
    }
    match crate::activity::read(b.activity.as_ref(), &ids, from, now).await {
        Ok(feed) => Ok(feed),
        Err(crate::cloud::CloudError::AccessDenied { .. }) => {
            Err("no cloudtrail:LookupEvents permission".into())
        }
        Err(e) => Err(format!("CloudTrail not read: {e}")),
    }
}

/// Who started each boot of `t`, from what [`start_events`] read (or why it could not): the one
/// attribution `runs` and `status` share.
pub(crate) fn attribute(t: &mut Timeline, starts: &Result<Feed, String>) {
    let read = match starts {
        Ok(feed) => Ok(StartEvents { events: &feed.events, since: feed.since, as_of: feed.as_of }),
        Err(why) => Err(why.as_str()),
    };
    crate::run::started::attribute(t, read);
}

/// The human table, one row per run or dev session.
pub fn table(entries: &[Entry], now: Timestamp, cost: &dyn Fn(&Entry) -> Result<f64, String>) -> String {
    let mut s = format!(
        "{:<24} {:<4} {:<9} {:<7} {:<16} {:>6} {:>9}  note\n",
        "started (UTC)", "kind", "ended", "took", "outcome", "lines", "cost"
    );
    let tz = jiff::tz::TimeZone::system();
    for e in entries {
        let kind = if e.kind == Kind::Run { "run" } else { "dev" };
        let outcome = if e.kind == Kind::Run { e.outcome.label() } else { "dev session" };
        let mut note =
            format!("by {} · {}", e.started_by.short(), e.first_failure.as_deref().unwrap_or(&e.evidence));
        if let Some(p) = crate::run::text::progress_text(e, now, &tz) {
            note = format!("{p} · {note}");
        }
        let _ = writeln!(
            s,
            "{:<24} {kind:<4} {:<9} {:<7} {outcome:<16} {:>6} {:>9}  {}",
            utc(e.started),
            e.ended.map_or_else(|| "-".into(), |t| t.strftime("%H:%M:%S").to_string()),
            e.duration.map_or_else(|| "-".into(), human_duration),
            e.lines,
            cost(e).map_or_else(|_| "-".into(), crate::cost::usd),
            crate::sanitize::field(&note),
        );
    }
    s
}

/// What stopping `i` now would end, for `stop`: `(warn, sentence)`, from the same timeline as
/// every other screen (the current boot only: its lines since launch and its user data).
pub async fn stop_warning_for(cfg: &Config, b: &Backends, i: &Instance, now: Timestamp) -> (bool, String) {
    let kind = current_kind(cfg, b.cloud.as_ref(), i).await;
    let store = &b.logs;
    let from = i.launch_time.unwrap_or(now) - jiff::SignedDuration::from_mins(1);
    let (past, unread) = match crate::logs::history::read_past(store.as_ref(), cfg, &i.id, from, None).await {
        Ok(p) => (p, None),
        Err(e) => (crate::logs::history::PastLog::default(), Some(e)),
    };
    let t = crate::logs::history::timeline_of(i, &past, kind, &cfg.run_rules, now);
    let (warn, mut text) = crate::run::stop_warning(t.current(), now);
    if let Some(e) = unread {
        let _ = write!(text, " (judged without the run log: {e})");
    }
    (warn, text)
}
