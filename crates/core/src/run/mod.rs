//! What a run is, and the one timeline of runs and dev sessions every screen reads.
//!
//! The instance starts (by the weekly schedule or by hand), its user data runs the run script,
//! the script reports to Slack and shuts the instance down itself. A *run* is one boot whose
//! user data had the script line active; a boot with the line commented out is a *dev session*.
//! The script's output is shipped to `CloudWatch` Logs, one stream per instance (and cloud-init's
//! own log to `<instance id>-cloud-init`), so the lines of every boot share the streams.
//!
//! [`classify`] reads each log line once into a [`Fact`]; [`timeline`] cuts the facts into boots
//! (from EC2's `LaunchTime`, cloud-init's boot lines, the scheduler Lambda's start lines, and a
//! silence only as a last resort) and judges each one. The Last run panel, the history pane,
//! the stop dialog, `status`, `runs`, the banner, the bell and the Slack notices all read that
//! timeline. Nothing here calls AWS or reads the clock: the time comes in as a parameter.

mod entry;
mod eta;
mod facts;
pub mod json;
mod judge;
#[cfg(any(test, feature = "test-support"))]
pub mod scenarios;
pub mod started;
pub mod text;
mod timeline;
#[cfg(test)]
mod timeline_tests;

pub use entry::{Boundary, Entry, Eta, EtaBasis, Kind, KindFrom, Outcome, Progress, TimelineInput};
pub use facts::{Fact, Mark, classify, scheduler_start};
pub use json::RunJson;
pub use started::{StartEvents, StartedBy};
pub use text::start_note;
pub use timeline::{Timeline, stop_warning, timeline};

use std::sync::LazyLock;

use jiff::{SignedDuration, Timestamp};
use regex::Regex;

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
/// `shutdown`) matches. It counts as evidence of success only among a run's last
/// [`END_LINES`] script lines, so a marker printed half-way through a run does no harm.
pub const DEFAULT_SUCCESS_MARKER: &str =
    r"(?i)\b(done|finished|complete|completed|succeeded|success|successful|successfully)\b";

/// Default pattern of a progress line: `(k/N)`, as in `fitting baseline: 02 Alaska (3/58)`. The
/// first two capture groups are the count done and the total.
pub const DEFAULT_PROGRESS_PATTERN: &str = r"\((\d+)/(\d+)\)";

/// A success-marker line counts as the run's end when it is among this many last script lines.
pub const END_LINES: usize = 5;

/// Default longest normal run: an instance still up this long after its launch is reported as
/// probably stuck.
pub const DEFAULT_MAX_DURATION: SignedDuration = SignedDuration::from_hours(6);

/// Default longest normal silence of a run: no log line for this long while the box is up and
/// the run is reported as probably stuck. Steps of the model may stay quiet for three hours.
pub const DEFAULT_SILENCE: SignedDuration = SignedDuration::from_mins(240);

/// EC2 state reason code when the instance shut itself down (the run script's `shutdown`).
pub const REASON_INSTANCE_SHUTDOWN: &str = "Client.InstanceInitiatedShutdown";

/// EC2 state reason code when someone stopped the instance from the console or the API.
pub const REASON_USER_SHUTDOWN: &str = "Client.UserInitiatedShutdown";

/// Longest failure line kept in [`Entry::first_failure`], in characters.
pub const FIRST_FAILURE_MAX_CHARS: usize = 200;

/// Longest log line quoted inside an evidence sentence, in characters.
const EVIDENCE_QUOTE_MAX_CHARS: usize = 80;

/// One line of the run's output, as read back from `CloudWatch` Logs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunLogLine {
    /// When the line was logged (the `CloudWatch` event's timestamp).
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
    /// A line matching this near the end of a run says it got there (see
    /// [`DEFAULT_SUCCESS_MARKER`]).
    pub success: Regex,
    /// A line matching this says the run failed (see [`DEFAULT_FAILURE_MARKER`]).
    pub failure: Regex,
    /// A line matching this says how far the run got: captures 1 and 2 are done and total
    /// (see [`DEFAULT_PROGRESS_PATTERN`]).
    pub progress: Regex,
    /// Longest normal run; an instance up for longer is reported as probably stuck
    /// (`run.max_hours`, default [`DEFAULT_MAX_DURATION`], 6 h).
    pub max_duration: SignedDuration,
    /// Longest normal silence while the box is up (`run.silence_minutes`, default
    /// [`DEFAULT_SILENCE`], 4 h).
    pub silence: SignedDuration,
}

impl Default for RunRules {
    /// The default markers, a 6 h maximum run and a 4 h maximum silence.
    #[allow(
        clippy::expect_used,
        reason = "the default patterns are constants, valid by construction and compiled in tests"
    )]
    fn default() -> Self {
        Self {
            success: Regex::new(DEFAULT_SUCCESS_MARKER).expect("default success marker is valid"),
            failure: Regex::new(DEFAULT_FAILURE_MARKER).expect("default failure marker is valid"),
            progress: Regex::new(DEFAULT_PROGRESS_PATTERN).expect("default progress pattern is valid"),
            max_duration: DEFAULT_MAX_DURATION,
            silence: DEFAULT_SILENCE,
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
            ..Self::default()
        })
    }

    /// These rules with another progress pattern; it needs two capture groups (done, total).
    pub fn with_progress(mut self, pattern: &str) -> Result<Self, RunRulesError> {
        let re = Regex::new(pattern).map_err(|source| RunRulesError::BadMarker {
            which: "progress",
            pattern: pattern.to_owned(),
            source,
        })?;
        if re.captures_len() < 3 {
            return Err(RunRulesError::ProgressGroups(pattern.to_owned()));
        }
        self.progress = re;
        Ok(self)
    }

    /// These rules with another longest normal silence.
    pub fn with_silence(mut self, silence: SignedDuration) -> Result<Self, RunRulesError> {
        if silence <= SignedDuration::ZERO {
            return Err(RunRulesError::NonPositiveSilence(human_duration(silence)));
        }
        self.silence = silence;
        Ok(self)
    }

    /// True when `text` carries the failure marker.
    pub fn is_failure(&self, text: &str) -> bool {
        self.failure.is_match(text)
    }

    /// True when `text` carries the success marker.
    pub fn is_success(&self, text: &str) -> bool {
        self.success.is_match(text)
    }

    /// The last `(done, total)` a progress line in `text` reports, when it makes sense
    /// (`0 < total`, `done <= total`).
    pub fn progress_of(&self, text: &str) -> Option<(u32, u32)> {
        let caps = self.progress.captures_iter(text).last()?;
        let done: u32 = caps.get(1)?.as_str().parse().ok()?;
        let total: u32 = caps.get(2)?.as_str().parse().ok()?;
        (total > 0 && done <= total).then_some((done, total))
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
        /// `success`, `failure` or `progress`.
        which: &'static str,
        /// The pattern as configured.
        pattern: String,
        /// What the regex engine found wrong.
        #[source]
        source: regex::Error,
    },
    /// The progress pattern lacks the two capture groups.
    #[error(
        "the progress pattern `{0}` needs two capture groups, the count done and the total, e.g. \\((\\d+)/(\\d+)\\)"
    )]
    ProgressGroups(String),
    /// The maximum run duration is zero or negative.
    #[error(
        "the maximum run duration must be longer than zero (it is {0}): set it to the longest a normal run takes, e.g. 6h"
    )]
    NonPositiveMaxDuration(String),
    /// The longest silence is zero or negative.
    #[error(
        "the longest silence must be longer than zero (it is {0}): set it to the longest a step of the run stays quiet, e.g. 240 minutes"
    )]
    NonPositiveSilence(String),
}

pub use crate::timefmt::human_duration;

/// The time EC2 wrote into an instance's state transition reason, if any.
///
/// EC2 writes e.g. `User initiated (2026-11-23 09:41:07 GMT)`; some tools and regions write
/// `UTC` instead of `GMT`. Both mean UTC. Anything else gives `None`.
pub fn transition_time(reason: &str) -> Option<Timestamp> {
    #[allow(
        clippy::expect_used,
        reason = "the pattern is a constant, valid by construction and compiled in tests"
    )]
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

/// `s` unless there is exactly one.
fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
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
    fn progress_pattern_and_silence_are_configurable() {
        let rules = RunRules::default();
        assert_eq!(rules.progress_of("fitting baseline: 02 Alaska (3/58) ... ok"), Some((3, 58)));
        assert_eq!(rules.progress_of("(1/2) then (4/5)"), Some((4, 5)), "the last count wins");
        assert_eq!(rules.progress_of("(0/0)"), None);
        let rules = RunRules::default().with_progress(r"step (\d+) of (\d+)").unwrap();
        assert_eq!(rules.progress_of("step 7 of 9"), Some((7, 9)));
        let err = RunRules::default().with_progress(r"step \d+").unwrap_err();
        assert!(err.to_string().contains("two capture groups"), "{err}");
        let err = RunRules::default().with_progress("(").unwrap_err();
        assert!(err.to_string().contains("progress marker `(`"), "{err}");
        assert!(RunRules::default().with_silence(SignedDuration::ZERO).is_err());
        assert_eq!(RunRules::default().silence, DEFAULT_SILENCE);
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
