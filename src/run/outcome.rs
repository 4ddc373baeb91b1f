//! The outcome of the latest boot, from the instance's state and the log since its launch.

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use super::{
    LineFacts, REASON_INSTANCE_SHUTDOWN, REASON_USER_SHUTDOWN, RunLogLine, RunRules, human_duration, quote,
    transition_time,
};
use crate::cloud::types::{Instance, InstanceState};

/// How a run went.
///
/// Serialized with a snake_case `kind` tag: `{"kind":"in_progress","elapsed":"PT1H12M"}`,
/// `{"kind":"succeeded"}`, `{"kind":"failed"}`, `{"kind":"stopped_by_hand"}`,
/// `{"kind":"unknown","reason":"..."}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Outcome {
    /// The instance is up and the run is within its usual duration.
    InProgress {
        /// Time since launch.
        elapsed: SignedDuration,
    },
    /// The run script shut the instance down with no failure in its log.
    Succeeded,
    /// The log shows a failure, or the instance has been up far longer than a run takes.
    Failed,
    /// Someone stopped the instance (console or API) with no failure in the log.
    StoppedByHand,
    /// Not enough evidence to tell.
    Unknown {
        /// What is missing, in one sentence.
        reason: String,
    },
}

impl Outcome {
    /// Machine name, as in the JSON `kind` tag: `in_progress`, `succeeded`, `failed`,
    /// `stopped_by_hand`, `unknown`.
    pub fn kind(&self) -> &'static str {
        match self {
            Outcome::InProgress { .. } => "in_progress",
            Outcome::Succeeded => "succeeded",
            Outcome::Failed => "failed",
            Outcome::StoppedByHand => "stopped_by_hand",
            Outcome::Unknown { .. } => "unknown",
        }
    }

    /// Short label for the panel: `in progress`, `succeeded`, `failed`, `stopped by hand`,
    /// `unknown`.
    pub fn label(&self) -> &'static str {
        match self {
            Self::InProgress { .. } => "in progress",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
            Self::StoppedByHand => "stopped by hand",
            Self::Unknown { .. } => "unknown",
        }
    }
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

/// The latest boot of the instance, judged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LastRun {
    /// Launch time of the boot (EC2's LaunchTime).
    pub started: Option<Timestamp>,
    /// When the run ended: the stop time EC2 wrote into the state transition reason, else the
    /// last log line since launch. `None` while the run is going.
    pub ended: Option<Timestamp>,
    /// `ended − started`, when both are known.
    pub duration: Option<SignedDuration>,
    /// How the run went.
    pub outcome: Outcome,
    /// One line saying why.
    pub evidence: String,
}

/// Judges the instance's latest boot.
///
/// `log` may hold lines of older boots and need not be sorted: only lines logged at or after
/// the instance's LaunchTime count. The rules, in order:
///
/// 1. No LaunchTime: [`Outcome::Unknown`].
/// 2. A failure-marker line since launch: [`Outcome::Failed`], whatever the state. It wins over
///    a stop by hand too: someone stopping a box whose run had already failed does not make the
///    run anything but failed.
/// 3. Pending or running for longer than `rules.max_duration`: [`Outcome::Failed`] (the script
///    may be stuck). Within it: [`Outcome::InProgress`].
/// 4. Stopped with `Client.InstanceInitiatedShutdown` (the script's own `shutdown`):
///    [`Outcome::Succeeded`]; the evidence quotes the last success-marker line, or says that
///    there were no log lines since launch.
/// 5. Stopped with `Client.UserInitiatedShutdown`: [`Outcome::StoppedByHand`].
/// 6. Anything else (another or no state reason, stopping, terminated, ...):
///    [`Outcome::Unknown`].
pub fn last_run(instance: &Instance, log: &[RunLogLine], rules: &RunRules, now: Timestamp) -> LastRun {
    let Some(launch) = instance.launch_time else {
        let reason = "EC2 reports no launch time: the instance has never been started".to_owned();
        return LastRun {
            started: None,
            ended: None,
            duration: None,
            evidence: reason.clone(),
            outcome: Outcome::Unknown { reason },
        };
    };
    let mut lines: Vec<&RunLogLine> = log.iter().filter(|l| l.ts >= launch).collect();
    lines.sort_by_key(|l| l.ts);
    judge(instance, launch, &lines, rules, now)
}

/// [`last_run`] on the lines of the boot launched at `launch`, already sorted by time.
pub(super) fn judge(
    instance: &Instance,
    launch: Timestamp,
    lines: &[&RunLogLine],
    rules: &RunRules,
    now: Timestamp,
) -> LastRun {
    use InstanceState as S;

    let facts = LineFacts::of(lines, rules);
    let state = instance.state;
    let up = matches!(state, S::Pending | S::Running);
    let elapsed = now.duration_since(launch).max(SignedDuration::ZERO);

    let (outcome, evidence) = if let Some(failure) = facts.first_failure {
        let mut evidence = LineFacts::failure_evidence(failure, launch);
        if up {
            evidence.push_str("; the instance is still up");
        }
        (Outcome::Failed, evidence)
    } else if up && elapsed > rules.max_duration {
        let evidence = format!(
            "{state} {}, longer than the usual {}: the script may be stuck",
            human_duration(elapsed),
            human_duration(rules.max_duration)
        );
        (Outcome::Failed, evidence)
    } else if up {
        let evidence = in_progress_evidence(state, elapsed, &facts, now);
        (Outcome::InProgress { elapsed }, evidence)
    } else if state == S::Stopped {
        match instance.state_reason_code.as_deref() {
            Some(REASON_INSTANCE_SHUTDOWN) => {
                (Outcome::Succeeded, format!("shut down by the run script; {}", facts.quiet_evidence()))
            }
            Some(REASON_USER_SHUTDOWN) => (
                Outcome::StoppedByHand,
                format!(
                    "stopped by a user (console or API), not by the run script; {}",
                    facts.quiet_evidence()
                ),
            ),
            Some(code) => unknown(match instance.state_reason_message.as_deref() {
                Some(message) if !message.is_empty() && message != code => {
                    format!("stopped with state reason {code} ({message})")
                }
                _ => format!("stopped with state reason {code}"),
            }),
            None => unknown("stopped, but EC2 gives no state reason".to_owned()),
        }
    } else {
        unknown(match state {
            S::Stopping | S::ShuttingDown => {
                format!("the instance is {state}: the outcome is known once it has stopped")
            }
            S::Terminated => "the instance is terminated".to_owned(),
            _ => "EC2 reports a state this tool does not know".to_owned(),
        })
    };

    let last_line = facts.last.map(|l| l.ts);
    let ended = match (&outcome, state) {
        (Outcome::InProgress { .. }, _) => None,
        // Up: only a failure line marks an end (the script stopped; the box did not).
        (_, S::Pending | S::Running) => facts.first_failure.and(last_line),
        (_, S::Stopped | S::Stopping | S::ShuttingDown | S::Terminated) => instance
            .state_transition_reason
            .as_deref()
            .and_then(transition_time)
            .filter(|t| *t >= launch)
            .or(last_line),
        (_, S::Unknown) => last_line,
    };
    LastRun {
        started: Some(launch),
        ended,
        duration: ended.map(|e| e.duration_since(launch)),
        outcome,
        evidence,
    }
}

/// An unknown outcome and its evidence, both saying `reason`.
pub(super) fn unknown(reason: String) -> (Outcome, String) {
    (Outcome::Unknown { reason: reason.clone() }, reason)
}

/// One line about a run that is going.
fn in_progress_evidence(
    state: InstanceState,
    elapsed: SignedDuration,
    facts: &LineFacts<'_>,
    now: Timestamp,
) -> String {
    let ago = |ts: Timestamp| human_duration(now.duration_since(ts).max(SignedDuration::ZERO));
    let tail = match (facts.last_success, facts.last) {
        (Some(ok), _) => {
            format!("success marker {} {} ago, the shutdown should follow", quote(&ok.text), ago(ok.ts))
        }
        (None, Some(last)) => format!("last log line {} ago", ago(last.ts)),
        (None, None) => "no log lines yet".to_owned(),
    };
    format!("{state} for {}; {tail}", human_duration(elapsed))
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{instance, line, mon, stopped};
    use super::*;

    fn judge_at(inst: &Instance, log: &[RunLogLine], now: &str) -> LastRun {
        last_run(inst, log, &RunRules::default(), mon(now))
    }

    #[test]
    fn no_launch_time_is_unknown() {
        let inst = instance(InstanceState::Stopped, None);
        let run = judge_at(&inst, &[line(mon("09:05"), "done")], "10:00");
        assert!(matches!(run.outcome, Outcome::Unknown { ref reason } if reason.contains("never")));
        assert_eq!((run.started, run.ended, run.duration), (None, None, None));
    }

    #[test]
    fn running_within_max_duration_is_in_progress() {
        let inst = instance(InstanceState::Running, Some(mon("09:00")));
        let log = [line(mon("09:02"), "starting"), line(mon("09:30"), "running make")];
        let run = judge_at(&inst, &log, "10:12");
        assert_eq!(run.outcome, Outcome::InProgress { elapsed: SignedDuration::from_mins(72) });
        assert_eq!(run.started, Some(mon("09:00")));
        assert_eq!((run.ended, run.duration), (None, None));
        assert_eq!(run.evidence, "running for 1h12m; last log line 42m ago");
    }

    #[test]
    fn pending_is_in_progress_with_no_lines_yet() {
        let inst = instance(InstanceState::Pending, Some(mon("09:00")));
        let run = judge_at(&inst, &[], "09:00");
        assert_eq!(run.outcome, Outcome::InProgress { elapsed: SignedDuration::ZERO });
        assert_eq!(run.evidence, "pending for 0s; no log lines yet");
    }

    #[test]
    fn success_marker_while_up_says_shutdown_follows() {
        let inst = instance(InstanceState::Running, Some(mon("09:00")));
        let run = judge_at(&inst, &[line(mon("11:00"), "done")], "11:01");
        assert!(matches!(run.outcome, Outcome::InProgress { .. }));
        assert!(run.evidence.contains("\"done\" 1m ago"), "{}", run.evidence);
    }

    #[test]
    fn running_past_max_duration_is_failed_as_stuck() {
        let inst = instance(InstanceState::Running, Some(mon("09:00")));
        let log = [line(mon("09:02"), "starting")];
        let run = judge_at(&inst, &log, "16:12");
        assert_eq!(run.outcome, Outcome::Failed);
        assert_eq!(run.evidence, "running 7h12m, longer than the usual 6h: the script may be stuck");
        assert_eq!(run.ended, None, "a stuck run has not ended");

        // Configurable: the same box is fine under an 8 h limit.
        let rules = RunRules { max_duration: SignedDuration::from_hours(8), ..RunRules::default() };
        let run = last_run(&inst, &log, &rules, mon("16:12"));
        assert!(matches!(run.outcome, Outcome::InProgress { .. }));
    }

    #[test]
    fn failure_marker_while_running_is_failed() {
        let inst = instance(InstanceState::Running, Some(mon("09:00")));
        let log = [
            line(mon("09:40"), "Execution halted"),
            line(mon("09:02"), "starting"),
            line(mon("09:41"), "make failed"),
        ];
        let run = judge_at(&inst, &log, "10:00");
        assert_eq!(run.outcome, Outcome::Failed);
        assert_eq!(
            run.evidence,
            "failure marker 40m into the run: \"Execution halted\"; the instance is still up"
        );
        assert_eq!(run.ended, Some(mon("09:41")));
        assert_eq!(run.duration, Some(SignedDuration::from_mins(41)));
    }

    #[test]
    fn failure_marker_before_launch_belongs_to_an_older_run() {
        let inst = stopped(mon("09:00"), Some(REASON_INSTANCE_SHUTDOWN), None);
        let log = [line(mon("08:59"), "Execution halted"), line(mon("09:30"), "done")];
        let run = judge_at(&inst, &log, "10:00");
        assert_eq!(run.outcome, Outcome::Succeeded);
    }

    #[test]
    fn script_shutdown_is_succeeded_and_quotes_the_success_marker() {
        let inst = stopped(
            mon("09:00"),
            Some(REASON_INSTANCE_SHUTDOWN),
            Some("User initiated (2026-11-23 10:12:30 GMT)"),
        );
        let log = [line(mon("09:01"), "PDF_DIR success: x"), line(mon("10:12"), "done. shutting down.")];
        let run = judge_at(&inst, &log, "12:00");
        assert_eq!(run.outcome, Outcome::Succeeded);
        assert_eq!(
            run.evidence,
            "shut down by the run script; success marker \"done. shutting down.\", \
             no failure marker in 2 log lines"
        );
        assert_eq!(run.ended, Some("2026-11-23T10:12:30Z".parse().unwrap()));
        assert_eq!(run.duration, Some(SignedDuration::from_secs(72 * 60 + 30)));
    }

    #[test]
    fn script_shutdown_without_lines_is_still_succeeded() {
        let inst = stopped(
            mon("09:00"),
            Some(REASON_INSTANCE_SHUTDOWN),
            Some("User initiated (2026-11-23 10:00:00 UTC)"),
        );
        let run = judge_at(&inst, &[line(mon("08:00"), "old run")], "12:00");
        assert_eq!(run.outcome, Outcome::Succeeded);
        assert_eq!(run.evidence, "shut down by the run script; no log lines since launch");
        assert_eq!(run.duration, Some(SignedDuration::from_hours(1)));
    }

    #[test]
    fn script_shutdown_without_success_marker_counts_lines() {
        let inst = stopped(mon("09:00"), Some(REASON_INSTANCE_SHUTDOWN), None);
        let log = [line(mon("09:01"), "starting"), line(mon("09:50"), "uploading")];
        let run = judge_at(&inst, &log, "12:00");
        assert_eq!(run.outcome, Outcome::Succeeded);
        assert!(run.evidence.ends_with("no failure marker in 2 log lines, no success marker either"));
        // No time in the transition reason: the last line ends the run.
        assert_eq!(run.ended, Some(mon("09:50")));
    }

    #[test]
    fn user_shutdown_is_stopped_by_hand() {
        let inst = stopped(
            mon("09:00"),
            Some(REASON_USER_SHUTDOWN),
            Some("User initiated (2026-11-23 09:41:07 GMT)"),
        );
        let run = judge_at(&inst, &[line(mon("09:05"), "starting")], "12:00");
        assert_eq!(run.outcome, Outcome::StoppedByHand);
        assert!(run.evidence.starts_with("stopped by a user"), "{}", run.evidence);
        assert_eq!(run.ended, Some("2026-11-23T09:41:07Z".parse().unwrap()));
    }

    #[test]
    fn failure_marker_wins_over_any_shutdown() {
        for code in [REASON_INSTANCE_SHUTDOWN, REASON_USER_SHUTDOWN] {
            let inst = stopped(mon("09:00"), Some(code), None);
            let log = [line(mon("09:30"), "push failed"), line(mon("09:31"), "done")];
            let run = judge_at(&inst, &log, "12:00");
            assert_eq!(run.outcome, Outcome::Failed, "{code}");
            assert_eq!(run.evidence, "failure marker 30m into the run: \"push failed\"");
        }
    }

    #[test]
    fn other_or_missing_reason_code_is_unknown() {
        let mut inst = stopped(mon("09:00"), Some("Server.InternalError"), None);
        inst.state_reason_message = Some("Server.InternalError: Internal error on launch".into());
        let run = judge_at(&inst, &[], "12:00");
        assert_eq!(
            run.outcome,
            Outcome::Unknown {
                reason: "stopped with state reason Server.InternalError \
                         (Server.InternalError: Internal error on launch)"
                    .into()
            }
        );

        let inst = stopped(mon("09:00"), None, None);
        let run = judge_at(&inst, &[], "12:00");
        assert!(matches!(run.outcome, Outcome::Unknown { ref reason } if reason.contains("no state reason")));
        assert_eq!(run.evidence, "stopped, but EC2 gives no state reason");
    }

    #[test]
    fn stopping_terminated_and_unknown_states_are_unknown() {
        for (state, needle) in [
            (InstanceState::Stopping, "stopping"),
            (InstanceState::ShuttingDown, "shutting-down"),
            (InstanceState::Terminated, "terminated"),
            (InstanceState::Unknown, "does not know"),
        ] {
            let mut inst = instance(state, Some(mon("09:00")));
            inst.state_reason_code = Some(REASON_INSTANCE_SHUTDOWN.into());
            inst.state_transition_reason = Some("User initiated (2026-11-23 10:00:00 GMT)".into());
            let run = judge_at(&inst, &[line(mon("09:10"), "starting")], "12:00");
            assert!(
                matches!(run.outcome, Outcome::Unknown { ref reason } if reason.contains(needle)),
                "{state}: {:?}",
                run.outcome
            );
            let want_end = if state == InstanceState::Unknown { mon("09:10") } else { mon("10:00") };
            assert_eq!(run.ended, Some(want_end), "{state}");
        }
    }

    #[test]
    fn stale_transition_time_falls_back_to_the_last_line() {
        let inst = stopped(
            mon("09:00"),
            Some(REASON_INSTANCE_SHUTDOWN),
            Some("User initiated (2026-11-16 10:00:00 GMT)"),
        );
        let run = judge_at(&inst, &[line(mon("09:20"), "done")], "12:00");
        assert_eq!(run.ended, Some(mon("09:20")));
        assert_eq!(run.duration, Some(SignedDuration::from_mins(20)));
    }

    #[test]
    fn labels_and_json_tags() {
        let cases = [
            (
                Outcome::InProgress { elapsed: SignedDuration::from_mins(72) },
                "in progress",
                r#"{"kind":"in_progress","elapsed":"PT1H12M"}"#,
            ),
            (Outcome::Succeeded, "succeeded", r#"{"kind":"succeeded"}"#),
            (Outcome::Failed, "failed", r#"{"kind":"failed"}"#),
            (Outcome::StoppedByHand, "stopped by hand", r#"{"kind":"stopped_by_hand"}"#),
            (Outcome::Unknown { reason: "x".into() }, "unknown", r#"{"kind":"unknown","reason":"x"}"#),
        ];
        for (outcome, label, json) in cases {
            assert_eq!(outcome.label(), label);
            assert_eq!(outcome.to_string(), label);
            assert_eq!(serde_json::to_string(&outcome).unwrap(), json);
        }
    }
}
