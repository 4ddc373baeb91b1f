//! Past runs, cut out of one log stream that all boots of the instance share.

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use super::outcome::{Outcome, judge, unknown};
use super::{FIRST_FAILURE_MAX_CHARS, LineFacts, RunLogLine, RunRules, human_duration, one_line};
use crate::cloud::types::Instance;

/// One run in the history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunRecord {
    /// When the run started: its launch time when known, else its first log line.
    pub started: Timestamp,
    /// True when `started` is a known launch time, false when it is the first log line's time.
    pub started_at_launch: bool,
    /// When the run ended (see [`history`]); `None` while it may still be going or when it has
    /// no log lines.
    pub ended: Option<Timestamp>,
    /// `ended − started`, when both are known.
    pub duration: Option<SignedDuration>,
    /// How the run went.
    pub outcome: Outcome,
    /// One line saying why.
    pub evidence: String,
    /// How many log lines the run has.
    pub lines: usize,
    /// The run's first failure-marker line, on one line and cut to
    /// [`FIRST_FAILURE_MAX_CHARS`](super::FIRST_FAILURE_MAX_CHARS) characters.
    pub first_failure: Option<String>,
}

/// The runs in a log stream, newest first.
///
/// `events` may come in any order. They are cut into runs:
///
/// - every known launch time in `boots` starts a run, even one with no log lines;
/// - a silence longer than `gap` between two lines starts a new run (default
///   [`DEFAULT_RUN_GAP`](super::DEFAULT_RUN_GAP));
/// - except after `instance`'s LaunchTime: that is the instance's latest start, so every line
///   logged since belongs to one run however quiet it was. Pass the instance whenever it is
///   known; its LaunchTime need not be in `boots`.
///
/// The run that started at the instance's LaunchTime is judged by [`last_run`](super::last_run)
/// (in progress, stopped by hand, stuck, ...). Any other run is:
///
/// - [`Outcome::Failed`] when one of its lines carries the failure marker;
/// - [`Outcome::Unknown`] when it has no log lines, or when it is the newest run, no instance
///   says whether it is still going and its last line is at most `gap` old;
/// - [`Outcome::Succeeded`] otherwise: it ended with no failure marker (the evidence quotes its
///   last success-marker line, if any).
///
/// Such a run ends at its last log line. Every run is kept: callers show as many as they like.
pub fn history(
    events: &[RunLogLine],
    boots: &[Timestamp],
    rules: &RunRules,
    gap: SignedDuration,
    now: Timestamp,
    instance: Option<&Instance>,
) -> Vec<RunRecord> {
    let mut sorted: Vec<&RunLogLine> = events.iter().collect();
    sorted.sort_by_key(|l| l.ts);
    let current = instance.and_then(|i| i.launch_time);
    let mut starts: Vec<Timestamp> = boots.iter().copied().chain(current).collect();
    starts.sort();
    starts.dedup();

    let mut chunks = Vec::new();
    let mut rest: &[&RunLogLine] = &sorted;
    let before_first_boot = match starts.first() {
        Some(first) => rest.partition_point(|l| l.ts < *first),
        None => rest.len(),
    };
    let (head, tail) = rest.split_at(before_first_boot);
    split_by_gaps(head, None, gap, &mut chunks);
    rest = tail;
    for (i, &boot) in starts.iter().enumerate() {
        let len = match starts.get(i + 1) {
            Some(next) => rest.partition_point(|l| l.ts < *next),
            None => rest.len(),
        };
        let (lines, tail) = rest.split_at(len);
        if Some(boot) == current {
            chunks.push(Chunk { start: boot, at_launch: true, lines, current: true });
        } else {
            split_by_gaps(lines, Some(boot), gap, &mut chunks);
        }
        rest = tail;
    }

    let newest = chunks.len().saturating_sub(1);
    let mut records: Vec<RunRecord> = chunks
        .iter()
        .enumerate()
        .map(|(i, chunk)| record(chunk, i == newest, instance, rules, gap, now))
        .collect();
    records.sort_by_key(|r| std::cmp::Reverse(r.started));
    records
}

/// The lines of one run, before judging.
#[derive(Debug)]
struct Chunk<'a> {
    /// Launch time, or first line's time.
    start: Timestamp,
    /// `start` is a launch time.
    at_launch: bool,
    /// The run's lines, sorted.
    lines: &'a [&'a RunLogLine],
    /// The run started at the instance's current LaunchTime.
    current: bool,
}

/// Cuts sorted `lines` at every silence longer than `gap`; the first run starts at `boot` when
/// given. A boot with no lines still makes a run.
fn split_by_gaps<'a>(
    lines: &'a [&'a RunLogLine],
    boot: Option<Timestamp>,
    gap: SignedDuration,
    out: &mut Vec<Chunk<'a>>,
) {
    if lines.is_empty() {
        if let Some(boot) = boot {
            out.push(Chunk { start: boot, at_launch: true, lines, current: false });
        }
        return;
    }
    let mut from = 0;
    for i in 1..=lines.len() {
        let cut = i == lines.len() || lines[i].ts.duration_since(lines[i - 1].ts) > gap;
        if cut {
            let first = from == 0 && boot.is_some();
            out.push(Chunk {
                start: if first { boot.unwrap_or(lines[0].ts) } else { lines[from].ts },
                at_launch: first,
                lines: &lines[from..i],
                current: false,
            });
            from = i;
        }
    }
}

/// Judges one run.
fn record(
    chunk: &Chunk<'_>,
    newest: bool,
    instance: Option<&Instance>,
    rules: &RunRules,
    gap: SignedDuration,
    now: Timestamp,
) -> RunRecord {
    let facts = LineFacts::of(chunk.lines, rules);
    let first_failure = facts.first_failure.map(|l| one_line(&l.text, FIRST_FAILURE_MAX_CHARS));
    if let (true, Some(inst)) = (chunk.current, instance) {
        let judged = judge(inst, chunk.start, chunk.lines, rules, now);
        return RunRecord {
            started: chunk.start,
            started_at_launch: true,
            ended: judged.ended,
            duration: judged.duration,
            outcome: judged.outcome,
            evidence: judged.evidence,
            lines: facts.count,
            first_failure,
        };
    }

    // Only the newest run may still be going, and only when no instance says otherwise.
    let unsure = newest && instance.is_none_or(|i| i.launch_time.is_none() && i.state.is_active());
    let quiet_for = facts.last.map(|l| now.duration_since(l.ts).max(SignedDuration::ZERO));
    let may_be_going = unsure && quiet_for.is_some_and(|q| q <= gap);

    let (outcome, evidence) = if let Some(failure) = facts.first_failure {
        (Outcome::Failed, LineFacts::failure_evidence(failure, chunk.start))
    } else if facts.count == 0 {
        unknown("no log lines for this boot".to_owned())
    } else if may_be_going {
        unknown(format!(
            "last log line {} ago: the run may still be going",
            human_duration(quiet_for.unwrap_or_default())
        ))
    } else {
        (Outcome::Succeeded, facts.quiet_evidence())
    };
    let ended = if may_be_going && outcome != Outcome::Failed { None } else { facts.last.map(|l| l.ts) };
    RunRecord {
        started: chunk.start,
        started_at_launch: chunk.at_launch,
        ended,
        duration: ended.map(|e| e.duration_since(chunk.start)),
        outcome,
        evidence,
        lines: facts.count,
        first_failure,
    }
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{instance, line, mon, stopped};
    use super::super::{DEFAULT_RUN_GAP, REASON_INSTANCE_SHUTDOWN, REASON_USER_SHUTDOWN};
    use super::*;
    use crate::cloud::types::InstanceState;

    fn runs(
        events: &[RunLogLine],
        boots: &[Timestamp],
        now: &str,
        inst: Option<&Instance>,
    ) -> Vec<RunRecord> {
        history(events, boots, &RunRules::default(), DEFAULT_RUN_GAP, mon(now), inst)
    }

    /// `n` whole days after Monday `hm`.
    fn day(n: i64, hm: &str) -> Timestamp {
        mon(hm) + SignedDuration::from_hours(24 * n)
    }

    #[test]
    fn silences_longer_than_the_gap_split_runs_unsorted_input_ok() {
        let events = [
            line(mon("11:10"), "done"),
            line(mon("09:00"), "starting"),
            line(mon("11:00"), "starting again"),
            line(mon("09:20"), "running make"),
            line(mon("09:50"), "done"), // 30 min after the previous line: same run
        ];
        let got = runs(&events, &[], "15:00", None);
        assert_eq!(got.len(), 2);
        assert_eq!((got[0].started, got[0].ended), (mon("11:00"), Some(mon("11:10"))));
        assert_eq!((got[1].started, got[1].ended), (mon("09:00"), Some(mon("09:50"))));
        assert_eq!((got[0].lines, got[1].lines), (2, 3));
        assert_eq!(got[1].duration, Some(SignedDuration::from_mins(50)));
        assert!(got.iter().all(|r| r.outcome == Outcome::Succeeded && !r.started_at_launch));
        assert!(got[1].evidence.starts_with("success marker \"done\""), "{}", got[1].evidence);
    }

    #[test]
    fn boots_split_runs_even_without_a_gap_and_keep_empty_boots() {
        let events = [
            line(mon("09:01"), "starting"),
            line(mon("09:10"), "Execution halted"),
            line(mon("09:16"), "starting"),
            line(mon("09:20"), "done"),
        ];
        let boots = [mon("09:15"), mon("09:00"), mon("12:00")];
        let got = runs(&events, &boots, "15:00", None);
        let starts: Vec<_> = got.iter().map(|r| r.started).collect();
        assert_eq!(starts, [mon("12:00"), mon("09:15"), mon("09:00")]);
        assert!(got.iter().all(|r| r.started_at_launch));
        assert_eq!(got[0].outcome, Outcome::Unknown { reason: "no log lines for this boot".into() });
        assert_eq!((got[0].lines, got[0].ended), (0, None));
        assert_eq!(got[1].outcome, Outcome::Succeeded);
        assert_eq!(got[2].outcome, Outcome::Failed);
        assert_eq!(got[2].first_failure.as_deref(), Some("Execution halted"));
        assert_eq!(got[2].evidence, "failure marker 10m into the run: \"Execution halted\"");
    }

    #[test]
    fn a_gap_inside_an_older_boot_still_splits_it() {
        let events = [line(mon("09:01"), "a"), line(mon("10:00"), "b")];
        let got = runs(&events, &[mon("09:00")], "15:00", None);
        assert_eq!(got.len(), 2);
        assert_eq!((got[1].started, got[1].started_at_launch), (mon("09:00"), true));
        assert_eq!((got[0].started, got[0].started_at_launch), (mon("10:00"), false));
    }

    #[test]
    fn the_current_boot_is_one_run_however_quiet() {
        let events = [
            line(mon("08:00"), "old run"),
            line(mon("09:01"), "running make"),
            line(mon("11:30"), "make OK"),
            line(mon("11:31"), "done"),
        ];
        let inst = stopped(
            mon("09:00"),
            Some(REASON_INSTANCE_SHUTDOWN),
            Some("User initiated (2026-11-23 11:32:00 GMT)"),
        );
        let got = runs(&events, &[], "15:00", Some(&inst));
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].started, mon("09:00"));
        assert_eq!(got[0].lines, 3);
        assert_eq!(got[0].outcome, Outcome::Succeeded);
        assert_eq!(got[0].ended, Some(mon("11:32")), "stop time from the transition reason");
        assert!(got[0].evidence.starts_with("shut down by the run script"));
        assert_eq!((got[1].started, got[1].lines), (mon("08:00"), 1));
    }

    #[test]
    fn the_current_boot_follows_the_instance() {
        let events = [line(mon("09:01"), "starting")];
        let inst = instance(InstanceState::Running, Some(mon("09:00")));
        let got = runs(&events, &[mon("09:00")], "09:30", Some(&inst));
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].outcome, Outcome::InProgress { elapsed: SignedDuration::from_mins(30) });

        let inst = stopped(mon("09:00"), Some(REASON_USER_SHUTDOWN), None);
        let got = runs(&events, &[], "09:30", Some(&inst));
        assert_eq!(got[0].outcome, Outcome::StoppedByHand);

        // Just launched, nothing logged yet: the run is there, in progress.
        let inst = instance(InstanceState::Pending, Some(mon("12:00")));
        let got = runs(&events, &[], "12:00", Some(&inst));
        assert_eq!(got.len(), 2);
        assert!(matches!(got[0].outcome, Outcome::InProgress { .. }));
        assert_eq!(got[0].lines, 0);
        assert_eq!(got[1].outcome, Outcome::Succeeded);
    }

    #[test]
    fn a_recent_newest_run_without_instance_is_unknown() {
        let events = [line(mon("09:00"), "starting"), line(mon("09:10"), "running make")];
        let got = runs(&events, &[], "09:25", None);
        assert_eq!(
            got[0].outcome,
            Outcome::Unknown { reason: "last log line 15m ago: the run may still be going".into() }
        );
        assert_eq!(got[0].ended, None);
        // Once the silence outlasts the gap, it ended.
        let got = runs(&events, &[], "09:41", None);
        assert_eq!(got[0].outcome, Outcome::Succeeded);
        assert_eq!(got[0].ended, Some(mon("09:10")));
        // A failure line is a failure even while the run may be going.
        let failing = [line(mon("09:00"), "error: x")];
        let got = runs(&failing, &[], "09:05", None);
        assert_eq!((&got[0].outcome, got[0].ended), (&Outcome::Failed, Some(mon("09:00"))));
    }

    #[test]
    fn a_stopped_instance_means_the_newest_run_has_ended() {
        // Instance known but never launched (no LaunchTime) and not active: no run is going.
        let inst = instance(InstanceState::Stopped, None);
        let events = [line(mon("09:00"), "starting")];
        let got = runs(&events, &[], "09:05", Some(&inst));
        assert_eq!(got[0].outcome, Outcome::Succeeded);
    }

    #[test]
    fn first_failure_is_the_first_line_flattened_and_cut() {
        let long = format!("Error in model fit:\t{}", "x".repeat(400));
        let events = [
            line(mon("09:00"), "starting"),
            line(mon("09:05"), &long),
            line(mon("09:06"), "Execution halted"),
        ];
        let got = runs(&events, &[], "15:00", None);
        let first = got[0].first_failure.as_deref().unwrap();
        assert!(first.starts_with("Error in model fit: xxx"), "{first}");
        assert_eq!(first.chars().count(), FIRST_FAILURE_MAX_CHARS);
        assert_eq!(got[0].outcome, Outcome::Failed);
        assert!(got[0].evidence.len() < 200, "evidence stays short: {}", got[0].evidence);
    }

    #[test]
    fn keeps_every_run_newest_first() {
        // Sixty weekly runs, in reverse order, every seventh failing.
        let mut events = Vec::new();
        for week in (0..60).rev() {
            let start = day(7 * week, "09:00");
            events.push(line(start, "starting"));
            let last = if week % 7 == 0 { "Execution halted" } else { "done" };
            events.push(line(start + SignedDuration::from_mins(25), last));
        }
        let got = history(&events, &[], &RunRules::default(), DEFAULT_RUN_GAP, day(7 * 60, "09:00"), None);
        assert_eq!(got.len(), 60);
        assert!(got.windows(2).all(|w| w[0].started > w[1].started));
        assert_eq!(got[0].started, day(7 * 59, "09:00"));
        for (i, rec) in got.iter().enumerate() {
            let week = 59 - i as i64;
            let want = if week % 7 == 0 { Outcome::Failed } else { Outcome::Succeeded };
            assert_eq!(rec.outcome, want, "week {week}");
            assert_eq!(rec.lines, 2);
        }
    }

    #[test]
    fn nothing_in_nothing_out() {
        assert!(runs(&[], &[], "09:00", None).is_empty());
        let inst = instance(InstanceState::Stopped, None);
        assert!(runs(&[], &[], "09:00", Some(&inst)).is_empty());
    }

    #[test]
    fn records_serialize_with_snake_case_outcomes() {
        let got = runs(&[line(mon("09:00"), "done")], &[], "15:00", None);
        let json = serde_json::to_value(&got[0]).unwrap();
        assert_eq!(json["outcome"]["kind"], "succeeded");
        assert_eq!(json["lines"], 1);
        assert_eq!(json["started"], "2026-11-23T09:00:00Z");
    }
}
