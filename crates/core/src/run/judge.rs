//! Judging one boot: its kind, its outcome and the sentence that says why.
//!
//! The rules never overclaim: *succeeded* needs positive evidence (the script's own shutdown,
//! or a success-marker line among the run's last script lines); a failure line while the box is
//! up is *failing* at once; with no evidence the outcome is *unknown* and the evidence says why.

use jiff::{SignedDuration, Timestamp};

use super::entry::{Entry, Kind, KindFrom, Outcome, Segment, TimelineInput};
use super::eta::progress;
use super::facts::{Fact, Mark};
use super::{
    END_LINES, REASON_INSTANCE_SHUTDOWN, REASON_USER_SHUTDOWN, human_duration, plural, quote, transition_time,
};
use crate::cloud::types::InstanceState;

/// What a boot's lines say.
#[derive(Debug, Clone, Copy)]
struct Summary<'a> {
    /// Lines, as the log pane counts them.
    lines: usize,
    /// The first failure line.
    failure: Option<&'a Fact>,
    /// A success line among the last [`END_LINES`] script lines.
    end_success: Option<&'a Fact>,
    /// The latest line.
    last: Option<&'a Fact>,
    /// True when the script wrote anything.
    script: bool,
    /// True when cloud-init finished before any script line (dev mode: nothing ran).
    done_without_script: bool,
}

impl<'a> Summary<'a> {
    fn of(facts: &'a [Fact]) -> Self {
        let script_lines = || facts.iter().filter(|f| f.mark.is_script());
        let done = facts.iter().position(|f| f.mark == Mark::CloudInitDone);
        Summary {
            lines: facts.iter().map(|f| f.lines as usize).sum(),
            failure: facts.iter().find(|f| f.mark == Mark::Failure),
            end_success: script_lines().rev().take(END_LINES).find(|f| f.mark == Mark::Success),
            last: facts.last(),
            script: script_lines().next().is_some(),
            done_without_script: done.is_some_and(|d| !facts[..d].iter().any(|f| f.mark.is_script())),
        }
    }

    /// `72 log lines`, `no log lines`.
    fn count(&self) -> String {
        match self.lines {
            0 => "no log lines".into(),
            n => format!("{n} log line{}", plural(n)),
        }
    }

    /// `success marker "done" at the end of 72 log lines`, or `72 log lines, no success marker
    /// at the end`.
    fn ending(&self) -> String {
        match self.end_success {
            Some(ok) => format!(
                "success marker {} at the end of {}",
                quote(ok.text.as_deref().unwrap_or("")),
                self.count()
            ),
            None if self.lines == 0 => "no log lines".into(),
            None => format!("{}, no success marker at the end", self.count()),
        }
    }
}

/// Judges one boot.
pub(super) fn judge(seg: &Segment<'_>, input: &TimelineInput<'_>) -> Entry {
    let sum = Summary::of(seg.facts);
    let (kind, kind_from) = match (seg.current, input.current_kind) {
        (true, Some(k)) => (k, KindFrom::UserData),
        _ if sum.done_without_script => (Kind::DevSession, KindFrom::Log),
        _ if sum.script => (Kind::Run, KindFrom::Log),
        _ => (Kind::Run, KindFrom::Assumed),
    };
    let instance = input.instance.filter(|_| seg.current);
    let state = instance.map(|i| i.state);
    let up = matches!(state, Some(InstanceState::Pending | InstanceState::Running));
    let ended = if up {
        None
    } else {
        let stop = instance
            .and_then(|i| i.state_transition_reason.as_deref())
            .and_then(transition_time)
            .filter(|t| *t >= seg.start);
        match (kind, instance) {
            (_, Some(_)) => stop.or(sum.last.map(|l| l.ts)),
            (Kind::Run, None) => sum.last.map(|l| l.ts),
            (Kind::DevSession, None) => None,
        }
    };
    let (outcome, evidence) = match kind {
        Kind::Run if up => live_run(seg.start, &sum, state, input),
        Kind::Run => ended_run(seg.start, &sum, instance.map(|i| (i.state, reason(i)))),
        Kind::DevSession => dev_session(seg.start, state, instance.map(reason), input.now),
    };
    let (outcome, mut evidence) = if kind_from == KindFrom::Assumed && sum.lines == 0 && !up {
        // Without a line, even the box's own shutdown may have been someone's `shutdown` over SSH.
        (Outcome::Unknown, format!("{evidence}; whether the script ran is not known"))
    } else {
        (outcome, evidence)
    };
    match seg.boundary {
        super::Boundary::SilenceGap => evidence.push_str(" (start guessed from a silence in the log)"),
        super::Boundary::FirstLine => evidence.push_str(" (start guessed: the first line read)"),
        _ => {}
    }
    Entry {
        instance_id: input.instance_id.to_owned(),
        kind,
        kind_from,
        started: seg.start,
        boundary: seg.boundary,
        scheduled: seg.scheduled,
        started_by: if seg.scheduled {
            super::StartedBy::Schedule { cloudtrail: false }
        } else {
            super::StartedBy::Unknown("CloudTrail not read".into())
        },
        ended,
        duration: ended.map(|e| e.duration_since(seg.start)),
        outcome,
        evidence,
        lines: sum.lines,
        last_line: sum.last.map(|l| l.ts),
        first_failure: sum.failure.and_then(|f| f.text.as_deref()).map(str::to_owned),
        progress: progress(seg.facts).map(|(last, _)| last),
        eta: None,
        current: seg.current,
    }
}

/// EC2's state reason: code and message.
type Reason<'a> = (Option<&'a str>, Option<&'a str>);

/// EC2's state reason of the instance.
fn reason(i: &crate::cloud::types::Instance) -> Reason<'_> {
    (i.state_reason_code.as_deref(), i.state_reason_message.as_deref())
}

/// `failure marker 40m into the run: "Execution halted"`.
fn failure_evidence(line: &Fact, start: Timestamp) -> String {
    format!(
        "failure marker {} into the run: {}",
        human_duration(line.ts.duration_since(start).max(SignedDuration::ZERO)),
        quote(line.text.as_deref().unwrap_or(""))
    )
}

/// A run on a box that is up.
fn live_run(
    start: Timestamp,
    sum: &Summary<'_>,
    state: Option<InstanceState>,
    input: &TimelineInput<'_>,
) -> (Outcome, String) {
    let now = input.now;
    let rules = input.rules;
    let ago = |t: Timestamp| human_duration(now.duration_since(t).max(SignedDuration::ZERO));
    let elapsed = now.duration_since(start).max(SignedDuration::ZERO);
    let state = state.map_or("up", |s| s.name());
    if let Some(f) = sum.failure {
        return (Outcome::Failing, format!("{}; the box is still up", failure_evidence(f, start)));
    }
    if elapsed > rules.max_duration {
        let text = format!(
            "{state} for {}, longer than run.max_hours ({}): the script may be stuck",
            human_duration(elapsed),
            human_duration(rules.max_duration)
        );
        return (Outcome::Stuck, text);
    }
    let quiet_since = sum.last.map_or(start, |l| l.ts);
    let quiet = now.duration_since(quiet_since).max(SignedDuration::ZERO);
    if quiet > rules.silence {
        let what = if sum.last.is_some() { "no log line for" } else { "no log line since launch," };
        let text = format!(
            "{what} {} (run.silence_minutes is {}): the script may be stuck",
            human_duration(quiet),
            rules.silence.as_secs() / 60
        );
        return (Outcome::Stuck, text);
    }
    let tail = match (sum.end_success, sum.last) {
        (Some(ok), _) => format!(
            "success marker {} {} ago, the shutdown should follow",
            quote(ok.text.as_deref().unwrap_or("")),
            ago(ok.ts)
        ),
        (None, Some(last)) => format!("last log line {} ago", ago(last.ts)),
        (None, None) => "no log lines yet".to_owned(),
    };
    (Outcome::InProgress, format!("{state} for {}; {tail}", human_duration(elapsed)))
}

/// A run whose box is no longer up: `current` holds EC2's state and reason when this is the
/// instance's latest boot.
fn ended_run(
    start: Timestamp,
    sum: &Summary<'_>,
    current: Option<(InstanceState, Reason<'_>)>,
) -> (Outcome, String) {
    if let Some(f) = sum.failure {
        return (Outcome::Failed, failure_evidence(f, start));
    }
    let success = |how: &str| (Outcome::Succeeded, format!("{how}{}", sum.ending()));
    let Some((state, (code, message))) = current else {
        if sum.end_success.is_some() {
            return success("");
        }
        let why = match sum.lines {
            0 => "no log lines for this boot".to_owned(),
            _ => format!(
                "no failure marker and no success marker among the last {END_LINES} script lines ({}); \
                 EC2 keeps the stop reason of the latest boot only",
                sum.count()
            ),
        };
        return (Outcome::Unknown, why);
    };
    match (state, code) {
        (InstanceState::Stopped, Some(REASON_INSTANCE_SHUTDOWN)) => {
            (Outcome::Succeeded, format!("shut down by the run script; {}", sum.ending()))
        }
        (InstanceState::Stopped, Some(REASON_USER_SHUTDOWN)) if sum.end_success.is_some() => {
            (Outcome::Succeeded, format!("{}; then stopped by hand", sum.ending()))
        }
        (_, _) if sum.end_success.is_some() => success(""),
        (InstanceState::Stopped, Some(REASON_USER_SHUTDOWN)) => (
            Outcome::StoppedByHand,
            format!("stopped by hand (console or API) before the script finished; {}", sum.count()),
        ),
        (InstanceState::Stopped, Some(code)) => (
            Outcome::Unknown,
            match message {
                Some(m) if !m.is_empty() && m != code => format!("stopped with state reason {code} ({m})"),
                _ => format!("stopped with state reason {code}"),
            },
        ),
        (InstanceState::Stopped, None) => (Outcome::Unknown, "stopped, but EC2 gives no state reason".into()),
        (InstanceState::Stopping | InstanceState::ShuttingDown, _) => {
            (Outcome::Unknown, format!("the instance is {state}: the outcome is known once it has stopped"))
        }
        (InstanceState::Terminated, _) => (Outcome::Unknown, "the instance is terminated".into()),
        _ => (Outcome::Unknown, "EC2 reports a state this tool does not know".into()),
    }
}

/// A dev session: nothing to judge but whether the box is still up.
fn dev_session(
    start: Timestamp,
    state: Option<InstanceState>,
    reason: Option<Reason<'_>>,
    now: Timestamp,
) -> (Outcome, String) {
    let up = human_duration(now.duration_since(start).max(SignedDuration::ZERO));
    match (state, reason) {
        (Some(InstanceState::Pending | InstanceState::Running), _) => {
            (Outcome::InProgress, format!("dev session up {up}: the script does not run at boot"))
        }
        (Some(InstanceState::Stopped), Some((Some(REASON_USER_SHUTDOWN), _))) => {
            (Outcome::StoppedByHand, "dev session, stopped by hand".into())
        }
        (Some(s), _) => (Outcome::Unknown, format!("dev session; the instance is {s}")),
        (None, _) => {
            (Outcome::Unknown, "dev session: the script did not run; its end is not in the log".into())
        }
    }
}
