//! The panel's state and the one pure function that changes it.

pub mod activity;
pub mod cost;
pub mod dev;
pub mod dialog;
pub mod doctor;
pub mod fleet;
pub mod guide;
mod instances;
pub mod logs;
pub mod moving;
pub mod pace;
mod poll;
pub mod runs;
pub mod schedule;
mod shell;
pub mod slack;
pub mod timeline;
mod update;

pub use crate::action::LogRows;
pub use dialog::{Choice, Dialog, Intent};
pub use logs::{Health, LogKey, LogPane, LogSource};
pub use poll::Poller;
pub use update::update;

pub use crate::userdata::DevInfo;

use jiff::{SignedDuration, Timestamp};

use crate::backends::Account;
use crate::cloud::Instance;
use crate::config::Config;
use crate::run::RunRules;
use crate::userdata::Mode;

/// What the header says about where the panel points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    /// The AWS account or the demo.
    pub mode: Account,
    /// AWS profile label.
    pub profile: String,
    /// Region.
    pub region: String,
    /// How the instance is found (`Name=baseline model` or the id).
    pub target: String,
    /// Custom endpoint, if any.
    pub endpoint: Option<String>,
    /// Writes are disabled.
    pub read_only: bool,
    /// The box shown.
    pub box_name: String,
    /// Every configured box, in name order.
    pub boxes: Vec<String>,
}

impl Context {
    /// The context for a configuration and the backends in use.
    pub fn from_config(cfg: &Config, mode: &Account) -> Self {
        Context {
            mode: mode.clone(),
            profile: if cfg.demo { "-".into() } else { cfg.profile_label().to_string() },
            region: cfg.region.clone(),
            target: cfg.target.to_string(),
            endpoint: if cfg.demo { None } else { cfg.endpoint_url.clone() },
            read_only: cfg.read_only,
            box_name: cfg.box_name.clone(),
            boxes: cfg.boxes.clone(),
        }
    }
}

/// Data fetched from somewhere: the last good value, and the last error if the latest try failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched<T> {
    /// The last good answer.
    pub value: Option<T>,
    /// When the last good answer arrived.
    pub ok_at: Option<Timestamp>,
    /// Why the latest try failed (cleared by the next success).
    pub error: Option<String>,
}

impl<T> Default for Fetched<T> {
    fn default() -> Self {
        Fetched { value: None, ok_at: None, error: None }
    }
}

impl<T> Fetched<T> {
    /// True when the shown value is older than the latest failed try.
    pub fn is_stale(&self) -> bool {
        self.error.is_some() && self.value.is_some()
    }
}

/// How loud a message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Something worked.
    Info,
    /// Worth a look.
    Warn,
    /// Something failed.
    Error,
}

/// A one-line message in the footer, dismissed with Esc.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// How loud.
    pub level: Level,
    /// The text.
    pub text: String,
}

/// Overlays drawn above the panels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlay {
    /// Key help.
    Help,
    /// The doctor's checks.
    Doctor,
    /// The footer message, the banner and the log's error, whole (`Enter`; `Esc` closes).
    Message,
}

/// Dev mode after a failed or uncertain write: not known until the user data is read again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DevUnknown {
    /// The instance.
    pub id: String,
    /// Why: the write's failure, as reported.
    pub why: String,
    /// Why the latest read of the user data since then failed, if one did.
    pub last_read: Option<String>,
    /// Answers to reads numbered below this were asked for before the write ended: ignored.
    pub since_seq: u64,
    /// When to read again; `None` while a read is out.
    pub next_read: Option<Timestamp>,
    /// The wait after the next failed read (doubling, up to a minute).
    pub backoff: SignedDuration,
}

/// The run being watched: the box was seen active, so its end rings the bell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Watch {
    /// The instance.
    pub id: String,
    /// Its launch time.
    pub launched: Option<Timestamp>,
}

/// Everything the panel shows. Owned by the app loop; changed only by [`update`].
#[derive(Debug, Clone)]
pub struct State {
    /// The time of the last tick.
    pub now: Timestamp,
    /// Where the panel points.
    pub context: Context,
    /// The job box(es).
    pub instances: Fetched<Vec<Instance>>,
    /// Why the latest instance poll failed (cleared by the next answer), for the first
    /// screen's guide (see [`guide`]).
    pub instances_failure: Option<crate::cloud::CloudError>,
    /// Index of the selected instance.
    pub selected: usize,
    /// The overlay on top, if any.
    pub overlay: Option<Overlay>,
    /// The footer message, if any.
    pub notice: Option<Notice>,
    /// Terminal size (columns, rows).
    pub size: (u16, u16),
    /// Rows the log pane shows at that size (told by the layout with each resize).
    pub log_rows: LogRows,
    /// Set when the panel should exit.
    pub should_quit: bool,
    /// Set with `should_quit` when the panel should come back on another box.
    pub switch_to: Option<String>,
    /// Set with `should_quit` when the fleet view should come back (key `f`, or `Esc` with
    /// nothing else to close when several boxes are configured).
    pub to_fleet: bool,
    /// Instance polling.
    pub instance_poll: Poller,
    /// The open dialog, if any (drawn above everything).
    pub dialog: Option<Dialog>,
    /// Dev-mode reading of the selected instance's user data, with its instance id.
    pub dev: Fetched<(String, DevInfo)>,
    /// Set after a failed or uncertain write: dev mode is unknown until a read answers.
    pub dev_unknown: Option<DevUnknown>,
    /// Number of the latest user-data read asked for.
    pub dev_seq: u64,
    /// The run being watched, if the box was seen active.
    pub watch: Option<Watch>,
    /// A prominent message (a run's outcome), dismissed with Esc.
    pub banner: Option<Notice>,
    /// How runs are judged.
    pub rules: RunRules,
    /// The run timeline and what it is built from.
    pub runs: timeline::Runs,
    /// The schedule rule and when it last fired.
    pub schedule: Fetched<(crate::schedule::RuleInfo, Option<crate::schedule::LastFired>)>,
    /// Schedule polling (slow: the rule rarely changes).
    pub schedule_poll: Poller,
    /// The instance and launch time the log followers were started for.
    pub following: Option<(String, Option<Timestamp>)>,
    /// The lower pane shows the run history instead of the logs.
    pub show_history: bool,
    /// One pane per log source, in [`LogSource::ALL`] order.
    pub logs: Vec<LogPane>,
    /// The source shown.
    pub log_source: LogSource,
    /// The key of the stop command, named in the failing-run banner.
    pub stop_key: char,
    /// Dev mode settings (SSH user and key, warnings).
    pub dev_config: crate::config::DevConfig,
    /// The Slack panel.
    pub slack: slack::SlackState,
    /// The doctor overlay.
    pub doctor: doctor::DoctorView,
    /// The instance a shell is being opened on (key `o`), until it is ready or refused.
    pub shell_opening: Option<String>,
    /// Who did what: the Activity pane's feed (key `a`).
    pub activity: activity::ActivityState,
    /// The prices of the selected instance, for the cost figures.
    pub cost: cost::CostState,
    /// Key `M`: the schedule move's configuration and progress.
    pub moving: moving::MoveState,
}

impl State {
    /// A fresh state; the first tick fetches the instances.
    pub fn new(cfg: &Config, mode: &Account, now: Timestamp) -> Self {
        State {
            now,
            context: Context::from_config(cfg, mode),
            instances: Fetched::default(),
            instances_failure: None,
            selected: 0,
            overlay: None,
            notice: None,
            size: (80, 24),
            log_rows: LogRows::default(),
            should_quit: false,
            switch_to: None,
            to_fleet: false,
            instance_poll: Poller::new(
                SignedDuration::from_secs(i64::try_from(cfg.poll_fast_secs).unwrap_or(i64::MAX)),
                SignedDuration::from_secs(i64::try_from(cfg.poll_slow_secs).unwrap_or(i64::MAX)),
            ),
            dialog: None,
            dev: Fetched::default(),
            dev_unknown: None,
            dev_seq: 0,
            watch: None,
            banner: None,
            rules: cfg.run_rules.clone(),
            runs: timeline::Runs::default(),
            schedule: Fetched::default(),
            following: None,
            show_history: false,
            schedule_poll: Poller::new(pace::SCHEDULE_EVERY, pace::SCHEDULE_EVERY),
            logs: LogSource::ALL.iter().map(|_| LogPane::new(cfg.log_buffer_lines)).collect(),
            log_source: LogSource::Run,
            dev_config: cfg.dev.clone(),
            stop_key: cfg.keys.key("stop"),
            slack: slack::SlackState::new(cfg),
            doctor: doctor::DoctorView::default(),
            shell_opening: None,
            activity: activity::ActivityState::new(&cfg.rule_name),
            cost: cost::CostState::default(),
            moving: moving::MoveState::new(cfg, mode),
        }
    }

    /// The dev-mode reading of the selected instance, when known: never while a failed or
    /// uncertain write leaves it unknown.
    pub fn dev_info(&self) -> Option<&DevInfo> {
        let id = &self.instance()?.id;
        if self.dev_unknown().is_some() {
            return None;
        }
        self.dev.value.as_ref().filter(|(i, _)| i == id).map(|(_, d)| d)
    }

    /// Why the selected instance's dev mode is unknown after a failed or uncertain write.
    pub fn dev_unknown(&self) -> Option<&DevUnknown> {
        let id = &self.instance()?.id;
        self.dev_unknown.as_ref().filter(|u| u.id == *id)
    }

    /// True when the selected instance's user data is in dev mode.
    pub fn dev_mode_on(&self) -> bool {
        self.dev_info().is_some_and(|d| d.mode == Mode::Dev)
    }

    /// The run timeline of the selected instance, newest first.
    pub fn timeline(&self) -> &crate::run::Timeline {
        &self.runs.timeline
    }

    /// The pane of the source shown.
    pub fn log_pane(&self) -> &LogPane {
        &self.logs[self.log_source.index()]
    }

    /// Rows the log pane shows at the current terminal size.
    pub fn log_height(&self) -> usize {
        if self.banner.is_some() { self.log_rows.with_banner } else { self.log_rows.plain }
    }

    /// Takes in a batch of log lines for `source`. Run log lines also feed the run timeline
    /// (and, while a past run is opened, only the timeline); scheduler lines give its starts.
    pub fn ingest(&mut self, source: LogSource, lines: &[(i64, String)]) {
        match source {
            LogSource::Run => self.runs.ingest_run(lines, &self.rules),
            LogSource::Scheduler => {
                if let Some(id) = self.instance().map(|i| i.id.clone()) {
                    self.runs.ingest_scheduler(lines, &id);
                }
            }
            LogSource::Console => {}
        }
        if source == LogSource::Run && self.runs.opened.is_some() {
            return;
        }
        let pane = &mut self.logs[source.index()];
        pane.buf.extend(lines.iter().map(|(t, m)| (*t, m.as_str())));
        pane.view.sync(&pane.buf);
    }

    /// What the message popup (`Enter`) shows whole: the banner, the footer message, and the
    /// shown log source's error.
    pub fn messages(&self) -> Vec<Notice> {
        let mut v: Vec<Notice> = [&self.banner, &self.notice].into_iter().flatten().cloned().collect();
        let pane = self.log_pane();
        if pane.health == Health::Error {
            v.push(Notice {
                level: Level::Error,
                text: format!("{}: {}", self.log_source.title(), pane.status),
            });
        }
        v
    }

    /// The ids of every known instance (the Lambda acts on all of them).
    pub fn instance_ids(&self) -> Vec<String> {
        self.instances.value.iter().flatten().map(|i| i.id.clone()).collect()
    }

    /// The selected instance, if any is known.
    pub fn instance(&self) -> Option<&Instance> {
        self.instances.value.as_ref().and_then(|v| v.get(self.selected.min(v.len().saturating_sub(1))))
    }

    /// True while any known instance is pending, running or stopping.
    pub fn box_active(&self) -> bool {
        self.instances.value.as_ref().is_some_and(|v| v.iter().any(|i| i.state.is_active()))
    }
}
