//! What a run is: one boot of the job box, from its launch to the run script's own shutdown.
//!
//! The instance starts (by the weekly schedule or by hand), its user data runs the run script,
//! the script reports to Slack and shuts the instance down itself. The script's output is shipped
//! to CloudWatch Logs, one stream per instance, so the lines of many boots share a stream.
//!
//! This module holds the pure rules that turn the instance's state and those log lines into
//! answers: [`last_run`] judges the latest boot, [`history`] cuts a stream into past runs, and
//! [`human_duration`] prints durations the way the whole panel does. Nothing here calls AWS or
//! reads the clock: the time comes in as a parameter.

mod history;
mod outcome;

pub use history::{RunRecord, history};
pub use outcome::{LastRun, Outcome, last_run};

use std::sync::LazyLock;

use jiff::{SignedDuration, Timestamp};
use regex::Regex;
use serde::Serialize;

/// Default pattern of a log line that means the run went wrong.
///
/// Case-insensitive whole words: `error`, `failed`, `failure`, `fatal`, `traceback` (a Python
/// crash) and `execution halted` (what R prints when a script stops on an error). Plurals do not
/// match, so counters such as `0 errors` or `no failures` are not taken for failures.
pub const DEFAULT_FAILURE_MARKER: &str = r"(?i)\b(error|failed|failure|fatal|traceback|execution halted)\b";

/// Default pattern of a log line that says the run got to its end.
///
/// Case-insensitive whole words: `done`, `finished`, `complete`, `completed`, `succeeded`,
/// `success`, `successful` and `successfully`. The run script's last message (`done`, before its
/// `shutdown`) matches. A success marker never decides an outcome by itself: the instance's own
/// shutdown does. It is quoted as evidence, so a marker printed half-way through a run does no
/// harm.
pub const DEFAULT_SUCCESS_MARKER: &str =
    r"(?i)\b(done|finished|complete|completed|succeeded|success|successful|successfully)\b";

/// Default longest normal run: an instance still up this long after its launch is reported as
/// probably stuck.
pub const DEFAULT_MAX_DURATION: SignedDuration = SignedDuration::from_hours(6);

/// Default silence that separates two runs in one log stream when no launch time tells them
/// apart (see [`history`]).
///
/// A run that stays quiet for longer (for example while its model's output goes to another
/// file) is cut in two unless its launch time is known: callers that know launch times should
/// pass them.
pub const DEFAULT_RUN_GAP: SignedDuration = SignedDuration::from_mins(30);

/// EC2 state reason code when the instance shut itself down (the run script's `shutdown`).
pub const REASON_INSTANCE_SHUTDOWN: &str = "Client.InstanceInitiatedShutdown";

/// EC2 state reason code when someone stopped the instance from the console or the API.
pub const REASON_USER_SHUTDOWN: &str = "Client.UserInitiatedShutdown";

/// Longest failure line kept in [`RunRecord::first_failure`], in characters.
pub const FIRST_FAILURE_MAX_CHARS: usize = 200;

/// Longest log line quoted inside an evidence sentence, in characters.
const EVIDENCE_QUOTE_MAX_CHARS: usize = 80;

/// One line of the run's output, as read back from CloudWatch Logs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunLogLine {
    /// When the line was logged (the CloudWatch event's timestamp).
    pub ts: Timestamp,
    /// The line itself.
    pub text: String,
}

impl RunLogLine {
    /// A log line logged at `ts`.
    pub fn new(ts: Timestamp, text: impl Into<String>) -> Self {
        Self { ts, text: text.into() }
    }
}

/// How to read a run's log and how long a run may take.
#[derive(Debug, Clone)]
pub struct RunRules {
    /// A line matching this says the run got to its end (evidence only, see
    /// [`DEFAULT_SUCCESS_MARKER`]).
    pub success: Regex,
    /// A line matching this says the run failed (see [`DEFAULT_FAILURE_MARKER`]).
    pub failure: Regex,
    /// Longest normal run; an instance up for longer is reported as probably stuck
    /// (default [`DEFAULT_MAX_DURATION`], 6 h).
    pub max_duration: SignedDuration,
}

impl Default for RunRules {
    /// The default markers and a 6 h maximum run.
    fn default() -> Self {
        Self {
            success: Regex::new(DEFAULT_SUCCESS_MARKER).expect("default success marker is valid"),
            failure: Regex::new(DEFAULT_FAILURE_MARKER).expect("default failure marker is valid"),
            max_duration: DEFAULT_MAX_DURATION,
        }
    }
}

impl RunRules {
    /// Rules from configured patterns, checked once.
    pub fn new(success: &str, failure: &str, max_duration: SignedDuration) -> Result<Self, RunRulesError> {
        let compile = |which: &'static str, pattern: &str| {
            Regex::new(pattern).map_err(|source| RunRulesError::BadMarker {
                which,
                pattern: pattern.to_owned(),
                source,
            })
        };
        if max_duration <= SignedDuration::ZERO {
            return Err(RunRulesError::NonPositiveMaxDuration(human_duration(max_duration)));
        }
        Ok(Self {
            success: compile("success", success)?,
            failure: compile("failure", failure)?,
            max_duration,
        })
    }

    /// True when `text` carries the failure marker.
    pub fn is_failure(&self, text: &str) -> bool {
        self.failure.is_match(text)
    }

    /// True when `text` carries the success marker.
    pub fn is_success(&self, text: &str) -> bool {
        self.success.is_match(text)
    }
}

/// Why configured run rules were refused.
#[derive(Debug, thiserror::Error)]
pub enum RunRulesError {
    /// A marker is not a valid regular expression.
    #[error(
        "the {which} marker `{pattern}` is not a valid regular expression: fix it in the configuration or remove it to use the default"
    )]
    BadMarker {
        /// `success` or `failure`.
        which: &'static str,
        /// The pattern as configured.
        pattern: String,
        /// What the regex engine found wrong.
        #[source]
        source: regex::Error,
    },
    /// The maximum run duration is zero or negative.
    #[error(
        "the maximum run duration must be longer than zero (it is {0}): set it to the longest a normal run takes, e.g. 6h"
    )]
    NonPositiveMaxDuration(String),
}

pub use crate::timefmt::human_duration;

/// The time EC2 wrote into an instance's state transition reason, if any.
///
/// EC2 writes e.g. `User initiated (2026-11-23 09:41:07 GMT)`; some tools and regions write
/// `UTC` instead of `GMT`. Both mean UTC. Anything else gives `None`.
pub fn transition_time(reason: &str) -> Option<Timestamp> {
    static TIME_IN_PARENS: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"\((\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) (?:GMT|UTC)\)")
            .expect("transition time pattern is valid")
    });
    let caps = TIME_IN_PARENS.captures(reason)?;
    format!("{}T{}Z", &caps[1], &caps[2]).parse().ok()
}

/// `text` on one line: control characters and runs of whitespace become one space, and the
/// result is cut to `max` characters (the last one an ellipsis when cut).
fn one_line(text: &str, max: usize) -> String {
    let collapsed = text
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    if collapsed.chars().count() <= max {
        return collapsed;
    }
    let mut cut: String = collapsed.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// A log line quoted inside an evidence sentence.
fn quote(text: &str) -> String {
    format!("\"{}\"", one_line(text, EVIDENCE_QUOTE_MAX_CHARS))
}

/// What the run's lines say, in the words shared by [`last_run`] and [`history`].
#[derive(Debug, Clone, Copy)]
struct LineFacts<'a> {
    /// The first line carrying the failure marker.
    first_failure: Option<&'a RunLogLine>,
    /// The last line carrying the success marker.
    last_success: Option<&'a RunLogLine>,
    /// The latest line.
    last: Option<&'a RunLogLine>,
    /// How many lines.
    count: usize,
}

impl<'a> LineFacts<'a> {
    /// Facts about `lines`, which must be sorted by time.
    fn of(lines: &[&'a RunLogLine], rules: &RunRules) -> Self {
        Self {
            first_failure: lines.iter().copied().find(|l| rules.is_failure(&l.text)),
            last_success: lines.iter().copied().rfind(|l| rules.is_success(&l.text)),
            last: lines.last().copied(),
            count: lines.len(),
        }
    }

    /// One-line account of a failure line, timed from `start`.
    fn failure_evidence(line: &RunLogLine, start: Timestamp) -> String {
        format!(
            "failure marker {} into the run: {}",
            human_duration(line.ts.duration_since(start).max(SignedDuration::ZERO)),
            quote(&line.text)
        )
    }

    /// What the lines say when none is a failure: the success marker, or how many lines.
    fn quiet_evidence(&self) -> String {
        match (self.count, self.last_success) {
            (0, _) => "no log lines since launch".to_owned(),
            (n, Some(ok)) => {
                format!("success marker {}, no failure marker in {n} log line{}", quote(&ok.text), plural(n))
            }
            (n, None) => format!("no failure marker in {n} log line{}, no success marker either", plural(n)),
        }
    }
}

/// `s` unless there is exactly one.
fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Builders shared by the run module's tests.
#[cfg(test)]
mod testkit {
    use jiff::Timestamp;

    use super::RunLogLine;
    use crate::cloud::types::{Instance, InstanceState};

    /// `hh:mm` on Monday 2026-11-23, UTC.
    pub fn mon(hm: &str) -> Timestamp {
        format!("2026-11-23T{hm}:00Z").parse().unwrap()
    }

    /// A log line.
    pub fn line(ts: Timestamp, text: &str) -> RunLogLine {
        RunLogLine::new(ts, text)
    }

    /// An instance in `state`, launched at `launch`, with no state reason.
    pub fn instance(state: InstanceState, launch: Option<Timestamp>) -> Instance {
        Instance {
            id: "i-0db5237193478dd8d".into(),
            name: Some("baseline model".into()),
            state,
            instance_type: Some("r5.xlarge".into()),
            launch_time: launch,
            public_dns: None,
            public_ip: None,
            availability_zone: Some("us-east-1a".into()),
            state_transition_reason: None,
            state_reason_code: None,
            state_reason_message: None,
            status_checks: None,
        }
    }

    /// A stopped instance with the given state reason code and transition reason.
    pub fn stopped(launch: Timestamp, code: Option<&str>, transition: Option<&str>) -> Instance {
        let mut inst = instance(InstanceState::Stopped, Some(launch));
        inst.state_reason_code = code.map(Into::into);
        inst.state_reason_message = code.map(Into::into);
        inst.state_transition_reason = transition.map(Into::into);
        inst
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(secs: i64) -> SignedDuration {
        SignedDuration::from_secs(secs)
    }

    #[test]
    fn human_duration_uses_the_two_largest_units() {
        assert_eq!(human_duration(d(0)), "0s");
        assert_eq!(human_duration(SignedDuration::from_millis(999)), "0s");
        assert_eq!(human_duration(d(45)), "45s");
        assert_eq!(human_duration(d(3 * 60 + 5)), "3m05s");
        assert_eq!(human_duration(d(3 * 60)), "3m");
        assert_eq!(human_duration(d(3_600 + 12 * 60 + 59)), "1h12m");
        assert_eq!(human_duration(d(6 * 3_600)), "6h");
        assert_eq!(human_duration(d(2 * 86_400 + 4 * 3_600 + 59 * 60)), "2d04h");
        assert_eq!(human_duration(d(2 * 86_400)), "2d");
        assert_eq!(human_duration(d(-(3 * 60 + 5))), "-3m05s");
        assert_eq!(human_duration(SignedDuration::MIN).chars().next(), Some('-'));
    }

    #[test]
    fn transition_time_reads_gmt_and_utc() {
        let want: Timestamp = "2026-11-23T09:41:07Z".parse().unwrap();
        assert_eq!(transition_time("User initiated (2026-11-23 09:41:07 GMT)"), Some(want));
        assert_eq!(transition_time("User initiated (2026-11-23 09:41:07 UTC)"), Some(want));
        assert_eq!(transition_time("Server.ScheduledStop (2026-11-23 09:41:07 GMT) scheduled"), Some(want));
    }

    #[test]
    fn transition_time_refuses_garbage() {
        for reason in [
            "",
            "User initiated",
            "User initiated (2026-11-23 09:41:07)",
            "User initiated (2026-11-23 09:41:07 CET)",
            "User initiated (2026-13-45 09:41:07 GMT)",
            "User initiated (23/11/2026 09:41:07 GMT)",
            "User initiated (2026-11-23T09:41:07Z)",
        ] {
            assert_eq!(transition_time(reason), None, "{reason:?}");
        }
    }

    #[test]
    fn default_failure_marker_catches_real_failures_only() {
        let rules = RunRules::default();
        for line in [
            "Execution halted",
            "Error in library(covidData) : there is no package called 'covidData'",
            "make failed",
            "Traceback (most recent call last):",
            "fatal: unable to access 'https://github.com/x/y.git/'",
            "PDF_DIR error: not exactly 1 PDF dir",
            "{\"ok\":false,\"error\":\"not_in_channel\"}",
        ] {
            assert!(rules.is_failure(line), "{line:?} should be a failure");
        }
        for line in [
            "0 errors, 0 warnings",
            "no failures",
            "make OK; collecting PDF and CSV files",
            "Already up to date.",
            "terrorism_rate.csv",
        ] {
            assert!(!rules.is_failure(line), "{line:?} should not be a failure");
        }
    }

    #[test]
    fn default_success_marker_catches_the_script_end() {
        let rules = RunRules::default();
        for line in ["done", "done. shutting down.", "Finished in 2h", "completed successfully"] {
            assert!(rules.is_success(line), "{line:?} should be a success");
        }
        for line in ["running make", "undone", "incomplete"] {
            assert!(!rules.is_success(line), "{line:?} should not be a success");
        }
    }

    #[test]
    fn rules_from_patterns_check_them() {
        let rules = RunRules::new("ALL GOOD", "BOOM", SignedDuration::from_hours(2)).unwrap();
        assert!(rules.is_success("ALL GOOD") && !rules.is_success("done"));
        assert!(rules.is_failure("BOOM") && !rules.is_failure("error"));
        assert_eq!(rules.max_duration, SignedDuration::from_hours(2));

        let err = RunRules::new("(", "x", DEFAULT_MAX_DURATION).unwrap_err();
        assert!(err.to_string().contains("success marker `(`"), "{err}");
        let err = RunRules::new("x", "[", DEFAULT_MAX_DURATION).unwrap_err();
        assert!(err.to_string().contains("failure marker `[`"), "{err}");
        let err = RunRules::new("x", "y", SignedDuration::ZERO).unwrap_err();
        assert!(err.to_string().contains("longer than zero"), "{err}");
    }

    #[test]
    fn one_line_flattens_and_cuts() {
        assert_eq!(one_line("  a\tb\r\n c  ", 80), "a b c");
        let long = "é".repeat(300);
        let cut = one_line(&long, FIRST_FAILURE_MAX_CHARS);
        assert_eq!(cut.chars().count(), FIRST_FAILURE_MAX_CHARS);
        assert!(cut.ends_with('…'));
    }
}
