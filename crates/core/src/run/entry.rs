//! The words of the run timeline: what a boot was (kind, outcome, boundary), one entry of the
//! timeline, its progress and ETA, and what the timeline is built from. Data only: the timeline
//! ([`super::timeline`]), its judge ([`super::judge`]) and the ETA ([`super::eta`]) all read these.

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use super::RunRules;
use super::facts::Fact;
use crate::cloud::types::Instance;

/// What a boot was for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// The user data had the script line active at boot: the script ran.
    Run,
    /// The script line was commented out (dev mode): the box booted for SSH work.
    DevSession,
}

impl From<crate::userdata::Mode> for Kind {
    fn from(m: crate::userdata::Mode) -> Self {
        match m {
            crate::userdata::Mode::Run => Kind::Run,
            crate::userdata::Mode::Dev => Kind::DevSession,
        }
    }
}

/// How the kind of a boot is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KindFrom {
    /// The user data, read while the box ran this boot (EC2 refuses changes while it runs).
    UserData,
    /// The log: script lines (a run) or cloud-init finishing right after the boot (dev session).
    Log,
    /// Nothing says: a run is assumed, the box's usual work.
    Assumed,
}

/// How a run went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Positive evidence: the script's own shutdown, or a success marker at the end.
    Succeeded,
    /// A failure-marker line, and the box is no longer up.
    Failed,
    /// A failure-marker line while the box is still up (and billing).
    Failing,
    /// Stopped from the console or the API before the script finished.
    StoppedByHand,
    /// The box is up and the run is going.
    InProgress,
    /// Up longer than `run.max_hours`, or silent longer than `run.silence_minutes`.
    Stuck,
    /// Not enough evidence to tell; the evidence says why.
    Unknown,
}

impl Outcome {
    /// Machine name: `succeeded`, `failed`, `failing`, `stopped_by_hand`, `in_progress`,
    /// `stuck`, `unknown`.
    pub fn kind(self) -> &'static str {
        match self {
            Outcome::Succeeded => "succeeded",
            Outcome::Failed => "failed",
            Outcome::Failing => "failing",
            Outcome::StoppedByHand => "stopped_by_hand",
            Outcome::InProgress => "in_progress",
            Outcome::Stuck => "stuck",
            Outcome::Unknown => "unknown",
        }
    }

    /// Label for people: the machine name with spaces.
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Succeeded => "succeeded",
            Outcome::Failed => "failed",
            Outcome::Failing => "failing",
            Outcome::StoppedByHand => "stopped by hand",
            Outcome::InProgress => "in progress",
            Outcome::Stuck => "stuck",
            Outcome::Unknown => "unknown",
        }
    }

    /// True while the box is up with this run on it.
    pub fn is_live(self) -> bool {
        matches!(self, Outcome::InProgress | Outcome::Failing | Outcome::Stuck)
    }
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

/// What a boot's start was found from, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Boundary {
    /// EC2's `LaunchTime` of the instance's current boot.
    LaunchTime,
    /// Cloud-init's `running 'init'` line, written at every boot.
    CloudInit,
    /// The scheduler Lambda's `starting: ec2.Instance(…)` line.
    Scheduler,
    /// A guess: the first line after a silence longer than `run.max_hours`.
    SilenceGap,
    /// A guess: the first line of the log read, with no boot evidence before it.
    FirstLine,
}

impl Boundary {
    /// True when the start is a guess, not evidence.
    pub fn is_guess(self) -> bool {
        matches!(self, Boundary::SilenceGap | Boundary::FirstLine)
    }

    /// Machine name, as in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Boundary::LaunchTime => "launch_time",
            Boundary::CloudInit => "cloud_init",
            Boundary::Scheduler => "scheduler",
            Boundary::SilenceGap => "silence_gap",
            Boundary::FirstLine => "first_line",
        }
    }
}

/// One boot of the instance, judged: a run or a dev session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The instance.
    pub instance_id: String,
    /// Run or dev session.
    pub kind: Kind,
    /// How the kind is known.
    pub kind_from: KindFrom,
    /// When the boot started.
    pub started: Timestamp,
    /// What `started` was found from.
    pub boundary: Boundary,
    /// True when the scheduler Lambda's log says it started this boot.
    pub scheduled: bool,
    /// Who started it: set by [`attribute`](super::started::attribute) from `CloudTrail`;
    /// until then the schedule when its log says so, else unknown.
    pub started_by: super::StartedBy,
    /// When it ended: EC2's stop time for the current boot, else its last log line. `None`
    /// while the box is up, or when nothing tells (a dev session's end is not logged).
    pub ended: Option<Timestamp>,
    /// `ended − started`, when both are known.
    pub duration: Option<SignedDuration>,
    /// How it went.
    pub outcome: Outcome,
    /// One line saying why.
    pub evidence: String,
    /// How many log lines this boot has (as the log pane counts them).
    pub lines: usize,
    /// Time of its last log line.
    pub last_line: Option<Timestamp>,
    /// Its first failure-marker line, on one line.
    pub first_failure: Option<String>,
    /// How far it got, from its last progress line.
    pub progress: Option<Progress>,
    /// When it should end (the current run only, while it goes).
    pub eta: Option<Eta>,
    /// True for the instance's latest boot (the one EC2's state describes).
    pub current: bool,
}

impl Entry {
    /// How long it has run at `now` (up to its end when it ended).
    pub fn elapsed(&self, now: Timestamp) -> SignedDuration {
        self.ended.unwrap_or(now).duration_since(self.started).max(SignedDuration::ZERO)
    }
}

/// How far a run got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Progress {
    /// Items done (`k` of `(k/N)`).
    pub done: u32,
    /// Items in all (`N`).
    pub total: u32,
    /// When the line saying so was logged.
    pub at: Timestamp,
}

/// What an ETA rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EtaBasis {
    /// The pace of the progress lines so far.
    ProgressRate,
    /// The median duration of the latest successful runs.
    UsualDuration,
}

/// When the current run should end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Eta {
    /// The expected end.
    pub at: Timestamp,
    /// What it rests on.
    pub basis: EtaBasis,
    /// The median duration of the latest successful runs, when there are some.
    pub usual: Option<SignedDuration>,
}

/// Everything the timeline is built from.
#[derive(Debug, Clone, Copy)]
pub struct TimelineInput<'a> {
    /// The instance's id (the stream prefix).
    pub instance_id: &'a str,
    /// The instance as EC2 describes it now (state, `LaunchTime`, state reason), when known.
    pub instance: Option<&'a Instance>,
    /// Its run-log lines, read with [`classify`](super::classify), sorted by time.
    pub facts: &'a [Fact],
    /// Times of the scheduler Lambda's lines that start this instance, sorted.
    pub scheduler_starts: &'a [Timestamp],
    /// The kind of the instance's current boot from its user data, read while that boot ran.
    pub current_kind: Option<Kind>,
    /// How lines are read and how long a run may take.
    pub rules: &'a RunRules,
    /// Now.
    pub now: Timestamp,
}

/// One boot's lines, before judging.
#[derive(Debug, Clone, Copy)]
pub(super) struct Segment<'a> {
    /// When it started.
    pub start: Timestamp,
    /// From what.
    pub boundary: Boundary,
    /// Started by the scheduler Lambda.
    pub scheduled: bool,
    /// Its lines.
    pub facts: &'a [Fact],
    /// The instance's latest boot.
    pub current: bool,
}
