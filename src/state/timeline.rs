//! The panel's run timeline: what it is built from (the run log read back at start, the lines
//! followed since, the scheduler's start lines, the user data read while a boot ran), the
//! timeline itself, recomputed after every change, and the alerts it raises: the bell, the
//! banner and the Slack notice.

use jiff::{SignedDuration, Timestamp};

use super::{Level, Notice, State, Watch, slack};
use crate::action::Effect;
use crate::cloud::InstanceState;
use crate::logs::history::PastLog;
use crate::run::{Entry, Fact, Kind, Outcome, Timeline, TimelineInput, classify, scheduler_start, timeline};

/// A past run's log opened from the history pane (Enter).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opened {
    /// The run's start.
    pub started: Timestamp,
    /// The next boot's start (the run's lines end before it), if any.
    pub to: Option<Timestamp>,
    /// How the pane's title names it.
    pub label: String,
}

/// Everything the timeline is built from, and the timeline.
#[derive(Debug, Clone, Default)]
pub struct Runs {
    /// The selected instance's run-log lines, read once, sorted by time.
    pub facts: Vec<Fact>,
    /// The scheduler Lambda's starts of the selected instance, sorted.
    pub starts: Vec<Timestamp>,
    /// Lines from here on come from the follower; older ones from the read-back.
    pub live_from: Option<Timestamp>,
    /// The instance the facts belong to.
    pub instance_id: Option<String>,
    /// The read-back of the past is under way.
    pub reading: bool,
    /// The past was read back (for `live_from`).
    pub past_read: bool,
    /// Why the read-back failed, if it did.
    pub past_error: Option<String>,
    /// User-data kinds read while a boot was up: (instance, launch, kind).
    pub kinds: Vec<(String, Timestamp, Kind)>,
    /// The boot whose user data was asked for, once per boot.
    pub kind_asked: Option<(String, Timestamp)>,
    /// The timeline, newest first.
    pub timeline: Timeline,
    /// The entry selected in the history pane.
    pub selected: usize,
    /// The boot and outcome the bell last rang for.
    pub announced: Option<(Timestamp, Outcome)>,
    /// The boot the banner speaks of: it goes when the next boot starts.
    pub banner_boot: Option<Timestamp>,
    /// A past run's log shown in the run log pane instead of the followed lines.
    pub opened: Option<Opened>,
}

/// Most lines kept as facts (about 70 bytes each); older ones go first.
const MAX_FACTS: usize = 500_000;

impl Runs {
    /// Takes in run-log lines; they may come in any order.
    pub fn ingest_run(&mut self, lines: &[(i64, String)], rules: &crate::run::RunRules) {
        let sorted_until = self.facts.len();
        for (ts, text) in lines {
            let Ok(ts) = Timestamp::from_millisecond(*ts) else { continue };
            self.facts.push(classify(ts, text, rules));
        }
        if self.facts[..sorted_until]
            .last()
            .zip(self.facts.get(sorted_until))
            .is_some_and(|(a, b)| a.ts > b.ts)
            || !self.facts[sorted_until..].is_sorted_by_key(|f| f.ts)
        {
            self.facts.sort_by_key(|f| f.ts);
        }
        if self.facts.len() > MAX_FACTS {
            self.facts.drain(..self.facts.len() - MAX_FACTS);
        }
    }

    /// Takes in scheduler-log lines: keeps the times of those that start `instance_id`.
    pub fn ingest_scheduler(&mut self, lines: &[(i64, String)], instance_id: &str) {
        let before = self.starts.len();
        self.starts.extend(
            lines
                .iter()
                .filter(|(_, m)| scheduler_start(m, instance_id))
                .filter_map(|(t, _)| Timestamp::from_millisecond(*t).ok()),
        );
        if self.starts.len() != before {
            self.starts.sort();
            self.starts.dedup();
        }
    }

    /// The read-back of everything before `until` arrived.
    pub fn past_loaded(&mut self, until: Timestamp, past: PastLog) {
        self.reading = false;
        self.past_read = true;
        self.past_error = None;
        self.facts.retain(|f| f.ts >= until);
        self.facts.splice(0..0, past.facts.into_iter().filter(|f| f.ts < until));
        self.starts.extend(past.starts);
        self.starts.sort();
        self.starts.dedup();
    }

    /// The follower restarts from `since` for `instance_id`: its lines from then on will come
    /// again (another instance's lines all go).
    pub fn restart(&mut self, instance_id: &str, since: Timestamp) {
        if self.instance_id.as_deref() != Some(instance_id) {
            self.facts.clear();
            self.starts.clear();
            self.past_read = false;
            self.past_error = None;
            self.selected = 0;
            self.instance_id = Some(instance_id.to_owned());
        }
        self.facts.retain(|f| f.ts < since);
        self.live_from = Some(since);
        self.opened = None;
    }

    /// The user-data kind of `instance_id`'s boot launched at `launch`, when it was read while
    /// that boot was up.
    pub fn kind_of(&self, instance_id: &str, launch: Option<Timestamp>) -> Option<Kind> {
        let launch = launch?;
        self.kinds.iter().rev().find(|(i, l, _)| i == instance_id && *l == launch).map(|(_, _, k)| *k)
    }

    /// The entry selected in the history pane.
    pub fn selected_entry(&self) -> Option<&Entry> {
        self.timeline.entries.get(self.selected)
    }

    /// Where the lines of entry `index` end: the start of the next newer boot.
    pub fn end_of(&self, index: usize) -> Option<Timestamp> {
        index.checked_sub(1).and_then(|i| self.timeline.entries.get(i)).map(|e| e.started)
    }
}

/// Rebuilds the timeline of the selected instance and raises the alerts it calls for.
pub(super) fn refresh(s: &mut State) -> Vec<Effect> {
    let Some(inst) = s.instance().cloned() else { return vec![] };
    if s.runs.instance_id.as_deref() != Some(inst.id.as_str()) {
        return vec![];
    }
    let kind = s.runs.kind_of(&inst.id, inst.launch_time);
    // A run picked in the history (not the newest row) stays picked when a new boot arrives.
    let picked = s.runs.selected_entry().filter(|_| s.runs.selected > 0).map(|e| e.started);
    s.runs.timeline = timeline(&TimelineInput {
        instance_id: &inst.id,
        instance: Some(&inst),
        facts: &s.runs.facts,
        scheduler_starts: &s.runs.starts,
        current_kind: kind,
        rules: &s.rules,
        now: s.now,
    });
    started_by(s);
    let entries = &s.runs.timeline.entries;
    s.runs.selected = match picked {
        // Nearest start: a boot's start may move by seconds once it is no longer the current
        // one (cloud-init's boot time instead of the LaunchTime).
        Some(t) => {
            (0..entries.len()).min_by_key(|&n| entries[n].started.duration_since(t).abs()).unwrap_or(0)
        }
        None => s.runs.selected.min(entries.len().saturating_sub(1)),
    };
    alerts(s, &inst.id, inst.state)
}

/// Who started each boot, from the activity feed (the panel's own starts merged in).
fn started_by(s: &mut State) {
    let events = s.activity.events();
    let why = super::activity::unknown_reason(s);
    let read = match (&why, &s.activity.feed.value) {
        (None, Some(feed)) => {
            Ok(crate::run::StartEvents { events: &events, since: feed.since, as_of: feed.as_of })
        }
        (why, _) => Err(why.as_deref().unwrap_or("CloudTrail not read yet")),
    };
    crate::run::started::attribute(&mut s.runs.timeline, read);
}

/// The bell, the banner and the Slack notice: when the current run starts failing or looks
/// stuck while the box is up, and when a run the panel watched ends. The banner goes when the
/// next boot starts; a dev session ringing nothing.
fn alerts(s: &mut State, id: &str, state: InstanceState) -> Vec<Effect> {
    let Some(cur) = s.runs.timeline.current().cloned() else { return vec![] };
    if s.runs.banner_boot.is_some_and(|b| b < cur.started) {
        s.banner = None;
        s.runs.banner_boot = None;
    }
    if cur.outcome.is_live() {
        s.watch = Some(Watch { id: id.to_owned(), launched: Some(cur.started) });
    }
    if cur.kind == Kind::DevSession {
        if !cur.outcome.is_live() {
            s.watch = None;
        }
        return vec![];
    }
    let key = (cur.started, cur.outcome);
    if matches!(cur.outcome, Outcome::Failing | Outcome::Stuck) {
        if s.runs.announced == Some(key) {
            return vec![];
        }
        s.runs.announced = Some(key);
        let (level, what) = if cur.outcome == Outcome::Failing {
            (Level::Error, "Run failing")
        } else {
            (Level::Warn, "Run stuck")
        };
        let stop = s.stop_key;
        let detail = cur.first_failure.as_ref().map_or(cur.evidence.clone(), |f| format!("\"{f}\""));
        set_banner(s, &cur, level, format!("{what} — {stop} stops the box — {detail}"));
        let mut fx = vec![Effect::Bell];
        let text = format!("baseline-panel: the run on {id} is {}: {}", cur.outcome.label(), cur.evidence);
        fx.extend(slack::notify(s, text));
        return fx;
    }
    let watched = s.watch.as_ref().is_some_and(|w| w.id == id && w.launched == Some(cur.started));
    if cur.outcome.is_live() || !watched || state != InstanceState::Stopped {
        return vec![];
    }
    s.watch = None;
    s.runs.announced = Some(key);
    let level = match cur.outcome {
        Outcome::Succeeded => Level::Info,
        Outcome::Failed => Level::Error,
        _ => Level::Warn,
    };
    let took =
        cur.duration.map(|d| format!(" after {}", crate::timefmt::human_duration(d))).unwrap_or_default();
    set_banner(s, &cur, level, format!("Run ended{took}: {} — {}", cur.outcome.label(), cur.evidence));
    vec![Effect::Bell]
}

fn set_banner(s: &mut State, cur: &Entry, level: Level, text: String) {
    s.banner = Some(Notice { level, text });
    s.runs.banner_boot = Some(cur.started);
}

/// Asks for the user data of a boot that is up and whose kind is not known yet, once per boot.
pub(super) fn kind_due(s: &mut State) -> Option<Effect> {
    let i = s.instance()?;
    let launch = i.launch_time?;
    if !matches!(i.state, InstanceState::Pending | InstanceState::Running)
        || s.runs.kind_of(&i.id, Some(launch)).is_some()
        || s.runs.kind_asked.as_ref() == Some(&(i.id.clone(), launch))
    {
        return None;
    }
    let id = i.id.clone();
    s.runs.kind_asked = Some((id.clone(), launch));
    Some(super::dev::fetch(s, id))
}

/// The user data of `id` was read: when its box is up, that is what the current boot booted
/// with (EC2 refuses changes while it runs), so the boot's kind is known for good.
pub(super) fn remember_kind(s: &mut State, id: &str, mode: crate::userdata::Mode) {
    let Some(i) = s.instance().filter(|i| i.id == id) else { return };
    if let (Some(launch), true) =
        (i.launch_time, matches!(i.state, InstanceState::Pending | InstanceState::Running))
        && s.runs.kind_of(id, Some(launch)).is_none()
    {
        s.runs.kinds.push((id.to_owned(), launch, Kind::from(mode)));
        if s.runs.kinds.len() > 64 {
            s.runs.kinds.remove(0);
        }
    }
}

/// Moves the history selection by `delta` (newest is 0).
pub(super) fn step(s: &mut State, delta: isize) {
    let n = s.runs.timeline.entries.len();
    if n > 0 {
        s.runs.selected = s.runs.selected.saturating_add_signed(delta).min(n - 1);
    }
}

/// Opens the selected entry's log in the run log pane.
pub(super) fn open_selected(s: &mut State) -> Vec<Effect> {
    let Some(e) = s.runs.selected_entry().cloned() else { return vec![] };
    let to = s.runs.end_of(s.runs.selected);
    let what = if e.kind == Kind::Run { "run" } else { "dev session" };
    let label = format!("{what} of {}", e.started.strftime("%a %Y-%m-%d %H:%M UTC"));
    s.runs.opened = Some(Opened { started: e.started, to, label });
    s.show_history = false;
    s.log_source = super::LogSource::Run;
    let pane = &mut s.logs[super::LogSource::Run.index()];
    pane.buf.clear();
    pane.view.sync(&pane.buf);
    pane.status = "reading…".into();
    vec![Effect::FetchRunLog {
        instance_id: e.instance_id.clone(),
        from: e.started,
        to: to.map(|t| t - SignedDuration::from_millis(1)),
    }]
}

/// The opened run's lines arrived.
pub(super) fn run_log_loaded(
    s: &mut State,
    from: Timestamp,
    result: Result<Vec<(i64, String)>, crate::logs::LogError>,
) {
    if s.runs.opened.as_ref().is_none_or(|o| o.started != from) {
        return;
    }
    let pane = &mut s.logs[super::LogSource::Run.index()];
    match result {
        Ok(lines) => {
            pane.buf.clear();
            pane.buf.extend(lines.iter().map(|(t, m)| (*t, m.as_str())));
            pane.view.sync(&pane.buf);
            pane.status = "read back".into();
            pane.health = super::Health::Normal;
        }
        Err(e) => {
            pane.status = format!("error: {e}");
            pane.health = super::Health::Error;
        }
    }
}

/// The run log read back before the followed lines, for the instance and launch still followed.
pub(super) fn past_loaded(
    state: &mut State,
    id: &str,
    until: Timestamp,
    result: Result<crate::logs::history::PastLog, crate::logs::LogError>,
) -> Vec<Effect> {
    if state.runs.instance_id.as_deref() != Some(id) || state.runs.live_from != Some(until) {
        return vec![];
    }
    match result {
        Ok(past) => state.runs.past_loaded(until, past),
        Err(e) => {
            state.runs.reading = false;
            state.runs.past_error = Some(e.to_string());
        }
    }
    refresh(state)
}

/// Reads the run log back before the followed lines, unless it is read or being read; after a
/// failure only when `retry`.
pub(super) fn past_due(state: &mut State, retry: bool) -> Option<Effect> {
    let r = &state.runs;
    let (Some(id), Some(until)) = (r.instance_id.clone(), r.live_from) else { return None };
    if r.reading || (r.past_read && r.past_error.is_none()) || (r.past_error.is_some() && !retry) {
        return None;
    }
    state.runs.reading = true;
    Some(Effect::FetchPast { instance_id: id, until })
}

/// Key `e`: save the run shown: the one selected in the history, the opened one, or the
/// current boot.
pub(super) fn export(state: &mut State) -> Vec<Effect> {
    let Some(i) = state.instance().cloned() else {
        let text = super::guide::no_instance(state, "no run log to save");
        state.notice = Some(Notice { level: Level::Warn, text });
        return vec![];
    };
    let window = if state.show_history {
        state.runs.selected_entry().map(|e| (e.started, state.runs.end_of(state.runs.selected)))
    } else {
        state.runs.opened.as_ref().map(|o| (o.started, o.to))
    };
    state.notice = Some(Notice { level: Level::Info, text: "saving the run log…".into() });
    vec![Effect::ExportRunLog { instance: Box::new(i), window }]
}
