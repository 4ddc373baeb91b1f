//! What each run-log line says, read once: the facts the timeline is built from.
//!
//! The run group holds two kinds of lines for one instance: the script's own output (stdout in
//! the `<instance id>` stream, R's messages in `<instance id>-cloud-init`) and what cloud-init
//! itself writes into `/var/log/cloud-init-output.log` at every boot (the `-cloud-init` stream).
//! Cloud-init's lines are told apart by their own format, so they are never taken for the
//! script's: `Cloud-init v. … finished at …` is not a success, and cloud-init's boot lines are
//! boot evidence, not run output.

use std::sync::LazyLock;

use jiff::{SignedDuration, Timestamp};
use regex::Regex;

use super::{FIRST_FAILURE_MAX_CHARS, RunRules, one_line};

/// What kind of line a [`Fact`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// Cloud-init's `Cloud-init v. … running 'init' at …. Up N seconds.` line, written at every
    /// boot: the box booted at `at` (the time in the line minus its uptime).
    Boot {
        /// When the box booted.
        at: Timestamp,
    },
    /// Cloud-init's `Cloud-init v. … finished at …` line. In dev mode it comes seconds after the
    /// boot (no script runs); in a run it can only come after the script.
    CloudInitDone,
    /// Any other line cloud-init writes (its other stages, `ci-info:` tables, its own log lines).
    CloudInit,
    /// A line of the script carrying the failure marker.
    Failure,
    /// A line of the script carrying the success marker.
    Success,
    /// Any other line of the script.
    Script,
}

impl Mark {
    /// True for lines the script wrote (not cloud-init).
    pub fn is_script(self) -> bool {
        matches!(self, Mark::Failure | Mark::Success | Mark::Script)
    }
}

/// One log event, read once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    /// When it was logged.
    pub ts: Timestamp,
    /// What it is.
    pub mark: Mark,
    /// How many lines it holds, counted as the log pane counts them (a message holding `\n` is
    /// several lines; one final `\n` does not start another).
    pub lines: u32,
    /// The last `(done, total)` of the progress pattern in it, if any.
    pub progress: Option<(u32, u32)>,
    /// For failure and success lines: the line that matched, on one line and cut to
    /// [`FIRST_FAILURE_MAX_CHARS`] characters.
    pub text: Option<Box<str>>,
}

/// Cloud-init's boot line: version, the time, the uptime.
#[allow(
    clippy::expect_used,
    reason = "the pattern is a constant, valid by construction and compiled in tests"
)]
static BOOT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^Cloud-init v\. \S+ running 'init' at ([^.]+)\. Up ([0-9]+(?:\.[0-9]+)?) seconds")
        .expect("boot line pattern is valid")
});

/// Cloud-init's final line.
#[allow(
    clippy::expect_used,
    reason = "the pattern is a constant, valid by construction and compiled in tests"
)]
static DONE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^Cloud-init v\. \S+ finished at ").expect("finish line pattern is valid"));

/// Cloud-init's other lines: stages, `ci-info:` tables, its own log format
/// (`2026-11-30 09:00:52,123 - util.py[WARNING]: …`).
#[allow(
    clippy::expect_used,
    reason = "the pattern is a constant, valid by construction and compiled in tests"
)]
static CLOUD_INIT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(Cloud-init v\. |ci-info: |\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3} - \w+\.py\[)")
        .expect("cloud-init line pattern is valid")
});

/// The scheduler Lambda's line for one instance it starts.
#[allow(
    clippy::expect_used,
    reason = "the pattern is a constant, valid by construction and compiled in tests"
)]
static LAMBDA_START: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"starting: ec2\.Instance\(id='(i-[0-9a-f]+)'\)").expect("Lambda start pattern is valid")
});

/// Reads one run-log event (`message` may hold several lines) logged at `ts`.
pub fn classify(ts: Timestamp, message: &str, rules: &RunRules) -> Fact {
    let body = message.strip_suffix('\n').unwrap_or(message);
    let lines = u32::try_from(body.split('\n').count()).unwrap_or(u32::MAX);
    let first = body.split('\n').next().unwrap_or_default().trim_end_matches('\r');
    let fact = |mark: Mark, progress: Option<(u32, u32)>, text: Option<&str>| Fact {
        ts,
        mark,
        lines,
        progress,
        text: text.map(|t| one_line(t, FIRST_FAILURE_MAX_CHARS).into_boxed_str()),
    };
    if let Some(caps) = BOOT.captures(first) {
        let at = jiff::fmt::strtime::parse("%a, %d %b %Y %H:%M:%S %z", &caps[1])
            .and_then(|t| t.to_timestamp())
            .unwrap_or(ts);
        let up = caps[2].parse::<f64>().ok().filter(|s| s.is_finite() && *s < 86_400.0).unwrap_or(0.0);
        return fact(Mark::Boot { at: at - SignedDuration::from_secs_f64(up) }, None, None);
    }
    if DONE.is_match(first) {
        return fact(Mark::CloudInitDone, None, None);
    }
    if CLOUD_INIT.is_match(first) {
        return fact(Mark::CloudInit, None, None);
    }
    let progress = rules.progress_of(body);
    if rules.is_failure(body) {
        let line = body.split('\n').find(|l| rules.is_failure(l)).unwrap_or(body);
        return fact(Mark::Failure, progress, Some(line));
    }
    if rules.is_success(body) {
        let line = body.split('\n').rfind(|l| rules.is_success(l)).unwrap_or(body);
        return fact(Mark::Success, progress, Some(line));
    }
    fact(Mark::Script, progress, None)
}

/// True when `message` is the scheduler Lambda's line starting `instance_id`
/// (`starting: ec2.Instance(id='i-…'). tags=[…]`).
pub fn scheduler_start(message: &str, instance_id: &str) -> bool {
    LAMBDA_START.captures_iter(message).any(|c| &c[1] == instance_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn read(message: &str) -> Fact {
        classify(t("2026-11-30T09:01:00Z"), message, &RunRules::default())
    }

    #[test]
    fn cloud_init_boot_line_gives_the_boot_time() {
        let f = read(
            "Cloud-init v. 19.3-46.amzn2 running 'init' at Mon, 30 Nov 2026 09:00:52 +0000. Up 12.34 seconds.",
        );
        assert_eq!(f.mark, Mark::Boot { at: t("2026-11-30T09:00:39.66Z") });
        assert!(!f.mark.is_script());
        // A time that does not parse falls back to the event's time.
        let f = read("Cloud-init v. 19.3 running 'init' at sometime. Up 2 seconds.");
        assert_eq!(f.mark, Mark::Boot { at: t("2026-11-30T09:00:58Z") });
    }

    #[test]
    fn other_cloud_init_lines_are_never_the_script() {
        for line in [
            "Cloud-init v. 19.3-46.amzn2 running 'init-local' at Mon, 30 Nov 2026 09:00:40 +0000. Up 3.1 seconds.",
            "Cloud-init v. 19.3-46.amzn2 running 'modules:final' at Mon, 30 Nov 2026 09:00:55 +0000. Up 15.0 seconds.",
            "ci-info: +++++++++++++++++++++++++Net device info+++++++++++++++++++++++++",
            "2026-11-30 09:00:53,120 - util.py[WARNING]: Failed to run module scripts-user",
        ] {
            assert_eq!(read(line).mark, Mark::CloudInit, "{line}");
        }
        let done = read(
            "Cloud-init v. 19.3-46.amzn2 finished at Mon, 30 Nov 2026 09:00:58 +0000. Datasource DataSourceEc2.  Up 20.12 seconds",
        );
        assert_eq!(done.mark, Mark::CloudInitDone, "\"finished\" is cloud-init's, not a success");
    }

    #[test]
    fn script_lines_carry_markers_progress_and_line_counts() {
        let f = read("Error in fit_baseline(): no data\nExecution halted\n");
        assert_eq!((f.mark, f.lines), (Mark::Failure, 2));
        assert_eq!(f.text.as_deref(), Some("Error in fit_baseline(): no data"));
        let f = read("[1] \"fitting baseline: 02 Alaska (3/58) ... ok (0.9 s)\"");
        assert_eq!((f.mark, f.progress), (Mark::Script, Some((3, 58))));
        assert_eq!(read("done").mark, Mark::Success);
        assert_eq!(read("").lines, 1);
        assert_eq!(read("(9/8) odd").progress, None, "done beyond the total is not progress");
        assert_eq!(read("a\nb\nc").lines, 3);
    }

    #[test]
    fn lambda_start_lines_name_the_instance() {
        let line = "starting: ec2.Instance(id='i-0db5237193478dd8d'). tags=[{'Key': 'Name', 'Value': 'baseline model'}]\n";
        assert!(scheduler_start(line, "i-0db5237193478dd8d"));
        assert!(!scheduler_start(line, "i-0aaaaaaaaaaaaaaaa"));
        assert!(!scheduler_start("starting any instances\n", "i-0db5237193478dd8d"));
    }
}
