//! Everything that can happen to the panel: user intents and the results of async work.

pub mod fleet;
mod intent;
mod logs;

use std::path::PathBuf;
use std::sync::Arc;

use jiff::Timestamp;

pub use intent::{DevSwitch, Intent, Move, MoveStep, PostKind, Power, Write};
pub use logs::{Health, LogKey, LogRows};

use crate::chat::{ChatError, DemoEntry};
use crate::cloud::{CloudError, Instance};
use crate::devmode::DevError;
use crate::doctor::Check;
use crate::logs::export::ExportError;
use crate::logs::{LogError, Source as LogSource};
use crate::schedule::{LastFired, RuleInfo};
use crate::shell::{Plan, ShellError};
use crate::userdata::DevInfo;

/// A run log saved to a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saved {
    /// How many lines.
    pub lines: usize,
    /// Where.
    pub path: PathBuf,
}

/// Why a post to the Slack channel did not happen.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PostError {
    /// The configuration sets up no chat.
    #[error("Slack is not configured")]
    NotConfigured,
    /// Slack (or the demo's channel) refused or did not answer.
    #[error(transparent)]
    Chat(#[from] ChatError),
}

/// One thing that happened. `update` turns it into state changes and effects.
#[derive(Debug, Clone)]
pub enum Action {
    /// The clock moved on (sent every second, and once at start).
    Tick(Timestamp),
    /// Leave the panel.
    Quit,
    /// Switch the panel to the next configured box (key `b`).
    NextBox,
    /// Show every configured box at a glance (key `f`).
    ShowFleet,
    /// Ask the cloud again now.
    Refresh,
    /// Show or hide the key help.
    ToggleHelp,
    /// Close the top overlay or the message line.
    Dismiss,
    /// Show the footer message, the banner and the log's error whole, in a popup (`Enter`).
    ShowMessage,
    /// Select the next instance (when several match).
    SelectNext,
    /// Select the previous instance.
    SelectPrev,
    /// The terminal changed size.
    Resize {
        /// Columns and rows.
        size: (u16, u16),
        /// The log pane's rows at that size, as the layout computes them.
        log_rows: LogRows,
    },
    /// Suspend the panel to the shell (Ctrl-Z); the app handles the terminal.
    Suspend,
    /// Ask to start a run (key `s`).
    StartRequested,
    /// Ask to stop the box (key `x`).
    StopRequested,
    /// Move the dialog highlight.
    DialogStep(isize),
    /// Choose the highlighted dialog button (`None`) or the one at an index.
    DialogPick(Option<usize>),
    /// The `y` key in a dialog: the only doing choice, if there is exactly one.
    DialogYes,
    /// Close the dialog without doing anything.
    DialogCancel,
    /// Type a character into the dialog's text.
    DialogType(char),
    /// Delete the last character of the dialog's text.
    DialogBackspace,
    /// The answer to a permission pre-check (a `DryRun`) for starting or stopping.
    Prechecked {
        /// What was checked.
        power: Power,
        /// `Ok` when permitted.
        result: Result<(), CloudError>,
    },
    /// The answer to carrying out a write.
    Done {
        /// What was done.
        write: Write,
        /// How it went.
        result: Result<(), CloudError>,
    },
    /// The user data's dev-mode reading for an instance.
    DevInfoLoaded {
        /// The instance.
        id: String,
        /// The read's number (see [`Effect::FetchDevInfo`]).
        seq: u64,
        /// What the user data says, or why it could not be read.
        result: Result<DevInfo, Arc<DevError>>,
    },
    /// A key for the log pane.
    Log(LogKey),
    /// New lines (and the stream's status) for a log source.
    LogLines {
        /// Which source.
        source: LogSource,
        /// `(timestamp ms, message)` in order.
        lines: Vec<(i64, String)>,
        /// The stream's status text and tone, when it changed.
        status: Option<(String, Health)>,
    },
    /// Switch dev mode (key `d`).
    DevRequested,
    /// The dev-mode plan for the selected instance, or why there is none.
    DevPlanned(Result<crate::devmode::Plan, Arc<DevError>>),
    /// The dev-mode switch was carried out, or failed.
    DevApplied {
        /// The instance.
        id: String,
        /// What was written, or why not.
        result: Result<crate::devmode::Applied, Arc<DevError>>,
    },
    /// Enable or disable the schedule (key `S`).
    ScheduleToggleRequested,
    /// Move the schedule to an `EventBridge` Scheduler schedule at the lab's time, or back
    /// (key `M`).
    MoveRequested,
    /// One step of a schedule move was carried out, or failed.
    MoveStepDone {
        /// Which step.
        step: MoveStep,
        /// How it went.
        result: Result<(), CloudError>,
        /// True when no step follows (the last one, or one that failed).
        last: bool,
    },
    /// Copy the SSH command (key `c`).
    CopySsh,
    /// Open a shell on the running box (key `o`).
    ShellRequested,
    /// The shell is ready to run, or why there is none.
    ShellPrepared(Result<Arc<Plan>, Arc<ShellError>>),
    /// The shell on the box ended (the panel has the terminal back).
    ShellEnded {
        /// The instance.
        instance_id: String,
        /// The program that ran (`ssh`, `aws`).
        program: String,
        /// Its exit status, or why it could not start.
        result: Result<std::process::ExitStatus, String>,
    },
    /// The answer to a `FetchSchedule` effect.
    ScheduleLoaded {
        /// Request number.
        seq: u64,
        /// The rule and when it last fired, or why not.
        result: Result<(RuleInfo, Option<LastFired>), CloudError>,
    },
    /// Save the current run's whole log to a file (key `e`).
    ExportRequested,
    /// The run log was saved, or why not.
    Exported(Result<Saved, Arc<ExportError>>),
    /// Show the run history instead of the logs, or back (key `h`).
    ToggleHistory,
    /// Move the history selection (`↑`/`↓` in the history pane; newest is 0).
    HistoryStep(isize),
    /// Open the selected run's log in the run log pane (Enter in the history pane).
    HistoryOpen,
    /// The run log read back before `until` (the past of the timeline), or why not.
    PastLoaded {
        /// The instance.
        id: String,
        /// Where the followed lines begin.
        until: Timestamp,
        /// The lines as facts and the scheduler's starts.
        result: Result<crate::logs::history::PastLog, LogError>,
    },
    /// An opened run's lines, or why not.
    RunLogLoaded {
        /// The run's start.
        from: Timestamp,
        /// `(timestamp ms, message)`, oldest first.
        result: Result<Vec<(i64, String)>, LogError>,
    },
    /// The answer to a `FetchInstances` effect.
    InstancesLoaded {
        /// Request number, to drop stale answers.
        seq: u64,
        /// The instances, or why there are none.
        result: Result<Vec<Instance>, CloudError>,
    },
    /// The answer to a [`Effect::FetchPrices`]: the prices, each part or why it is unknown.
    PricesLoaded(Box<crate::cost::Prices>),
    /// Write a test message to Slack (key `m`).
    SlackCompose,
    /// The answer to a [`Effect::PostSlack`].
    SlackPosted {
        /// What was posted.
        kind: PostKind,
        /// The message's ts, or why not.
        result: Result<String, PostError>,
        /// The simulated channel's entries after the post (demo mode only).
        demo_channel: Option<Vec<DemoEntry>>,
    },
    /// Run the doctor's checks and show them (key `D`).
    DoctorRequested,
    /// The doctor's checks, in order.
    DoctorChecked(Vec<Check>),
    /// Scroll the doctor overlay by rows.
    DoctorScroll(i16),
    /// Show the activity feed instead of the logs, or back (key `a`).
    ToggleActivity,
    /// The answer to a [`Effect::FetchActivity`].
    ActivityLoaded {
        /// Request number, to drop stale answers.
        seq: u64,
        /// `CloudTrail`'s events (newest first), or why not.
        result: Result<crate::activity::Feed, CloudError>,
    },
    /// A warning for the footer (e.g. the `.env` file is open to other users).
    Warning(String),
}

/// Work `update` asks the app to do; each reports back as an [`Action`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Look up the instance's hourly price and its volumes' storage price (the cache first);
    /// answer with [`Action::PricesLoaded`].
    FetchPrices(Box<Instance>),
    /// Describe the instance(s); answer with [`Action::InstancesLoaded`].
    FetchInstances {
        /// Request number.
        seq: u64,
    },
    /// Check with a `DryRun` that starting or stopping is permitted; answer with
    /// [`Action::Prechecked`].
    Precheck(Power),
    /// Carry out a confirmed write; answer with [`Action::Done`].
    Execute(Write),
    /// Carry out a confirmed schedule move step by step; answer each step with
    /// [`Action::MoveStepDone`].
    MoveSchedule(Move),
    /// Carry out a confirmed dev-mode switch; answer with [`Action::DevApplied`].
    SwitchDev(DevSwitch),
    /// Read the instance's user data and its dev mode; answer with [`Action::DevInfoLoaded`].
    FetchDevInfo {
        /// The instance.
        id: String,
        /// The read's number, increasing: an answer to a read asked for before a failed write
        /// says nothing about what the write did.
        seq: u64,
    },
    /// Plan a dev-mode switch; answer with [`Action::DevPlanned`].
    PlanDev {
        /// The instance.
        id: String,
        /// Turn dev mode on (`true`) or off.
        on: bool,
    },
    /// Read the schedule rule; answer with [`Action::ScheduleLoaded`].
    FetchSchedule {
        /// Request number.
        seq: u64,
    },
    /// (Re)start following the log sources for this instance, from `since`.
    FollowLogs {
        /// The instance whose run log and console to follow.
        instance_id: String,
        /// Start of the run log (its launch time).
        since: jiff::Timestamp,
    },
    /// Save a run's log; answer with [`Action::Exported`].
    ExportRunLog {
        /// The instance.
        instance: Box<Instance>,
        /// The run's start and the next boot's start; `None`: the current boot, from launch.
        window: Option<(Timestamp, Option<Timestamp>)>,
    },
    /// Read the run log (and the scheduler's starts) before `until`; answer with
    /// [`Action::PastLoaded`].
    FetchPast {
        /// The instance.
        instance_id: String,
        /// Where the followed lines begin.
        until: Timestamp,
    },
    /// Read one run's lines; answer with [`Action::RunLogLoaded`].
    FetchRunLog {
        /// The instance.
        instance_id: String,
        /// The run's start.
        from: Timestamp,
        /// Its last moment, when a newer boot follows.
        to: Option<Timestamp>,
    },
    /// Read who did what to `names` since `since` (`CloudTrail`'s `LookupEvents`); answer
    /// with [`Action::ActivityLoaded`].
    FetchActivity {
        /// Request number.
        seq: u64,
        /// The instance ids and the rule's name.
        names: Vec<String>,
        /// From when.
        since: Timestamp,
    },
    /// Put text on the clipboard (OSC 52).
    Copy(String),
    /// Post `text` to the Slack channel; answer with [`Action::SlackPosted`].
    PostSlack {
        /// Why.
        kind: PostKind,
        /// The message.
        text: String,
    },
    /// Run the doctor's checks; answer with [`Action::DoctorChecked`].
    RunDoctor,
    /// Ring the terminal bell.
    Bell,
    /// Suspend the terminal to the shell and resume.
    Suspend,
    /// Choose how to reach the box and make it ready (a one-off key, say); answer with
    /// [`Action::ShellPrepared`].
    PrepareShell(Box<Instance>),
    /// Hand the terminal to the shell until it ends, then take it back; answer with
    /// [`Action::ShellEnded`].
    RunShell(Arc<Plan>),
}
