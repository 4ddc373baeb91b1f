//! The scenario table: what the box, its log and the scheduler's log looked like, and what the
//! timeline must make of it. The same inputs go through every surface in `crate::surfaces`
//! tests; here they go through the pure core.
#![allow(clippy::unwrap_used, reason = "test fixtures only (tests and the test-support feature)")]
#![allow(clippy::too_many_lines, reason = "the scenario table is one list, read top to bottom")]

use jiff::{SignedDuration, Timestamp};

use super::{
    Boundary, Fact, Kind, Outcome, RunRules, Timeline, TimelineInput, classify, scheduler_start, timeline,
};
use crate::cloud::types::{Instance, InstanceState, StatusChecks};

/// The lab's instance id.
pub const ID: &str = "i-0db5237193478dd8d";

/// `hh:mm` on Monday 2026-11-23, UTC.
pub fn mon(hm: &str) -> Timestamp {
    format!("2026-11-23T{hm}:00Z").parse().unwrap()
}

/// `hh:mm`, `n` days after Monday 2026-11-23 (before it when negative).
pub fn day(n: i64, hm: &str) -> Timestamp {
    mon(hm) + SignedDuration::from_hours(24 * n)
}

fn secs(n: i64) -> SignedDuration {
    SignedDuration::from_secs(n)
}

fn mins(n: i64) -> SignedDuration {
    SignedDuration::from_mins(n)
}

/// Cloud-init's boot line for a box whose kernel started at `boot`, as the agent ships it.
pub fn boot_line(boot: Timestamp) -> (Timestamp, String) {
    let at = boot + secs(12);
    let text = format!(
        "Cloud-init v. 19.3-46.amzn2 running 'init' at {}. Up 12.00 seconds.",
        at.strftime("%a, %d %b %Y %H:%M:%S +0000")
    );
    (at + secs(1), text)
}

/// Cloud-init's last line, seconds after the boot (dev mode: no script ran).
pub fn finished_line(boot: Timestamp) -> (Timestamp, String) {
    let at = boot + secs(20);
    let text = format!(
        "Cloud-init v. 19.3-46.amzn2 finished at {}. Datasource DataSourceEc2.  Up 20.00 seconds",
        at.strftime("%a, %d %b %Y %H:%M:%S +0000")
    );
    (at + secs(1), text)
}

/// The scheduler Lambda's invocation, its start line for the lab's box at `at`.
pub fn lambda(at: Timestamp) -> Vec<(Timestamp, String)> {
    vec![
        (at - SignedDuration::from_millis(140), "starting any instances\n".into()),
        (
            at,
            format!(
                "starting: ec2.Instance(id='{ID}'). tags=[{{'Key': 'Name', 'Value': 'baseline model'}}]\n"
            ),
        ),
        (at + SignedDuration::from_millis(140), "done\n".into()),
    ]
}

/// A run's script lines: `(minutes after start, text)`.
pub fn script(start: Timestamp, lines: &[(i64, &str)]) -> Vec<(Timestamp, String)> {
    lines.iter().map(|(m, text)| (start + mins(*m) + secs(30), (*text).to_owned())).collect()
}

/// A whole successful run booted at `boot`: cloud-init, progress over 58 locations, the end,
/// `took` minutes long.
pub fn good_run(boot: Timestamp, took: i64) -> Vec<(Timestamp, String)> {
    let mut v = vec![boot_line(boot)];
    v.extend(script(boot, &[(1, "== run-baseline.sh starting ==")]));
    for k in [1, 20, 40, 58] {
        let m = 5 + (took - 20) * i64::from(k) / 58;
        v.extend(script(boot, &[(m, &format!("fitting baseline: location ({k}/58) ... ok"))]));
    }
    v.extend(script(boot, &[(took - 2, "slack_message: \"baseline done\" -> ok"), (took - 1, "done")]));
    v
}

/// The box in `state`, launched at `launch`.
pub fn instance(state: InstanceState, launch: Timestamp) -> Instance {
    let up = matches!(state, InstanceState::Running | InstanceState::Pending);
    Instance {
        id: ID.into(),
        name: Some("baseline model".into()),
        state,
        instance_type: Some("r5.2xlarge".into()),
        launch_time: Some(launch),
        public_dns: up.then(|| "ec2-54-210-17-3.compute-1.amazonaws.com".into()),
        public_ip: up.then(|| "54.210.17.3".into()),
        availability_zone: Some("us-east-1a".into()),
        state_transition_reason: None,
        state_reason_code: None,
        state_reason_message: None,
        status_checks: Some(StatusChecks { system: "ok".into(), instance: "ok".into() }),
    }
}

/// The box stopped at `stop` with the state reason `code`.
pub fn stopped(launch: Timestamp, stop: Timestamp, code: &str) -> Instance {
    let mut i = instance(InstanceState::Stopped, launch);
    i.state_transition_reason = Some(format!("User initiated ({})", stop.strftime("%Y-%m-%d %H:%M:%S GMT")));
    i.state_reason_code = Some(code.into());
    i.state_reason_message = Some(format!("{code}: shutdown"));
    i.status_checks =
        Some(StatusChecks { system: "not-applicable".into(), instance: "not-applicable".into() });
    i
}

/// What one entry of the timeline must be.
#[derive(Debug, Clone)]
pub struct Want {
    /// Run or dev session.
    pub kind: Kind,
    /// Its outcome.
    pub outcome: Outcome,
    /// Its start.
    pub started: Timestamp,
    /// What the start was found from.
    pub boundary: Boundary,
    /// A piece of its evidence.
    pub evidence: &'static str,
}

/// One row of the table.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// What happened, in a few words.
    pub name: &'static str,
    /// The instance as EC2 describes it now.
    pub instance: Instance,
    /// The user data's kind, read while the current boot ran (`None`: not read then).
    pub current_kind: Option<Kind>,
    /// The run log group's events for the instance.
    pub log: Vec<(Timestamp, String)>,
    /// The scheduler Lambda's log events.
    pub scheduler: Vec<(Timestamp, String)>,
    /// Now.
    pub now: Timestamp,
    /// The timeline, newest first.
    pub want: Vec<Want>,
}

impl Scenario {
    /// The run log read as facts, sorted.
    pub fn facts(&self, rules: &RunRules) -> Vec<Fact> {
        let mut f: Vec<Fact> = self.log.iter().map(|(t, m)| classify(*t, m, rules)).collect();
        f.sort_by_key(|f| f.ts);
        f
    }

    /// The scheduler's start lines for the instance.
    pub fn starts(&self) -> Vec<Timestamp> {
        self.scheduler.iter().filter(|(_, m)| scheduler_start(m, ID)).map(|(t, _)| *t).collect()
    }

    /// The timeline the core makes of it.
    pub fn timeline(&self, rules: &RunRules) -> Timeline {
        let facts = self.facts(rules);
        let starts = self.starts();
        timeline(&TimelineInput {
            instance_id: ID,
            instance: Some(&self.instance),
            facts: &facts,
            scheduler_starts: &starts,
            current_kind: self.current_kind,
            rules,
            now: self.now,
        })
    }
}

fn want(
    kind: Kind,
    outcome: Outcome,
    started: Timestamp,
    boundary: Boundary,
    evidence: &'static str,
) -> Want {
    Want { kind, outcome, started, boundary, evidence }
}

use Boundary as B;
use Kind::{DevSession as Dev, Run};
use Outcome as O;

/// Every scenario.
pub fn all() -> Vec<Scenario> {
    let shutdown = super::REASON_INSTANCE_SHUTDOWN;
    let by_hand = super::REASON_USER_SHUTDOWN;
    let mut table = Vec::new();

    // 1. The Monday Lambda starts the box, the script runs and shuts it down.
    let l = mon("09:00") + secs(2);
    let mut log = good_run(l + secs(20), 97);
    log.push((l + mins(97) + secs(40), "shutting down".into()));
    table.push(Scenario {
        name: "scheduled success",
        instance: stopped(l, l + mins(98), shutdown),
        current_kind: None,
        log,
        scheduler: lambda(mon("09:00")),
        now: mon("12:00"),
        want: vec![want(Run, O::Succeeded, l, B::LaunchTime, "shut down by the run script")],
    });

    // 2. A failure line while the box stays up (stuck and billing).
    let l = mon("09:00");
    let mut log = vec![boot_line(l + secs(20))];
    log.extend(script(
        l,
        &[
            (1, "starting"),
            (30, "fitting baseline: US (1/58)"),
            (40, "Error in quantile(x): missing values"),
            (40, "Execution halted"),
        ],
    ));
    table.push(Scenario {
        name: "failure while the box stays up",
        instance: instance(InstanceState::Running, l),
        current_kind: Some(Run),
        log,
        scheduler: lambda(l),
        now: mon("10:12"),
        want: vec![want(Run, O::Failing, l, B::LaunchTime, "the box is still up")],
    });

    // 3. A failed scheduled run, stopped by hand, then a quick rerun by hand that succeeds.
    let first = mon("09:00") + secs(20);
    let mut log = vec![boot_line(first)];
    log.extend(script(
        first,
        &[(1, "starting"), (39, "Error in quantile(x): missing values"), (39, "Execution halted")],
    ));
    let l = mon("09:50");
    log.extend(good_run(l + secs(25), 95));
    table.push(Scenario {
        name: "failure then a quick manual rerun",
        instance: stopped(l, l + mins(96), shutdown),
        current_kind: None,
        log,
        scheduler: lambda(mon("09:00")),
        now: mon("12:00"),
        want: vec![
            want(Run, O::Succeeded, l, B::LaunchTime, "shut down by the run script"),
            want(Run, O::Failed, first, B::CloudInit, "Error in quantile"),
        ],
    });

    // 4. After Monday's failure, a short dev session on Tuesday (dev mode off again since).
    let first = mon("09:00") + secs(20);
    let mut log = vec![boot_line(first)];
    log.extend(script(first, &[(1, "starting"), (39, "Execution halted")]));
    let l = day(1, "14:00");
    log.push(boot_line(l + secs(20)));
    log.push(finished_line(l + secs(20)));
    table.push(Scenario {
        name: "a dev session after a failure",
        instance: stopped(l, l + mins(25), by_hand),
        current_kind: None,
        log,
        scheduler: lambda(mon("09:00")),
        now: day(1, "15:00"),
        want: vec![
            want(Dev, O::StoppedByHand, l, B::LaunchTime, "dev session"),
            want(Run, O::Failed, first, B::CloudInit, "Execution halted"),
        ],
    });

    // 5. A step quiet for three hours, in last week's run (the agent shipped no cloud-init
    //    lines then) and in this week's run, still going.
    let last_week = day(-7, "09:00");
    let mut log = script(
        last_week,
        &[(1, "starting"), (30, "fitting the model"), (215, "model fitted"), (230, "done")],
    );
    let l = mon("09:00");
    log.extend(script(l, &[(1, "starting"), (30, "fitting the model")]));
    table.push(Scenario {
        name: "a 3-hour quiet step inside one run",
        instance: instance(InstanceState::Running, l),
        current_kind: Some(Run),
        log,
        scheduler: [lambda(last_week), lambda(l)].concat(),
        now: mon("12:40"),
        want: vec![
            want(Run, O::InProgress, l, B::LaunchTime, "last log line 3h09m ago"),
            want(Run, O::Succeeded, last_week, B::Scheduler, "success marker \"done\""),
        ],
    });

    // 6. Stopped by hand half-way.
    let l = mon("09:00");
    let mut log = vec![boot_line(l + secs(20))];
    log.extend(script(l, &[(1, "starting"), (25, "fitting baseline: 19 Iowa (20/58)")]));
    table.push(Scenario {
        name: "manual stop mid-run",
        instance: stopped(l, mon("09:31"), by_hand),
        current_kind: Some(Run),
        log,
        scheduler: lambda(l),
        now: mon("10:00"),
        want: vec![want(Run, O::StoppedByHand, l, B::LaunchTime, "stopped by hand")],
    });

    // 7. Started from the EC2 console on Wednesday (no Lambda), after Monday's good run.
    let monday = mon("09:00") + secs(20);
    let mut log = good_run(monday, 96);
    let l = day(2, "15:00");
    log.push(boot_line(l + secs(20)));
    log.extend(script(l, &[(1, "starting"), (4, "fitting baseline: US (1/58)")]));
    table.push(Scenario {
        name: "a box started outside the panel",
        instance: instance(InstanceState::Running, l),
        current_kind: Some(Run),
        log,
        scheduler: lambda(mon("09:00")),
        now: day(2, "15:10"),
        want: vec![
            want(Run, O::InProgress, l, B::LaunchTime, "running for 10m"),
            want(Run, O::Succeeded, monday, B::CloudInit, "success marker \"done\""),
        ],
    });

    // 8. No log at all: the box shut itself down, but nothing says the script ran.
    let l = mon("09:00");
    table.push(Scenario {
        name: "no log at all",
        instance: stopped(l, mon("10:30"), shutdown),
        current_kind: None,
        log: vec![],
        scheduler: vec![],
        now: mon("12:00"),
        want: vec![want(Run, O::Unknown, l, B::LaunchTime, "whether the script ran is not known")],
    });

    // 9. Lines with no marker at all in last week's run; this week's ends with the script's
    //    shutdown.
    let last_week = day(-7, "09:00") + secs(20);
    let mut log = vec![boot_line(last_week)];
    log.extend(script(last_week, &[(1, "starting"), (50, "uploading"), (90, "pushing")]));
    let l = mon("09:00");
    log.push(boot_line(l + secs(20)));
    log.extend(script(l, &[(1, "starting"), (80, "pushing")]));
    table.push(Scenario {
        name: "lines without markers",
        instance: stopped(l, mon("10:25"), shutdown),
        current_kind: None,
        log,
        scheduler: vec![],
        now: mon("12:00"),
        want: vec![
            want(Run, O::Succeeded, l, B::LaunchTime, "3 log lines, no success marker at the end"),
            want(Run, O::Unknown, last_week, B::CloudInit, "no failure marker and no success marker"),
        ],
    });

    // 10. Up longer than run.max_hours, still logging.
    let l = mon("09:00");
    let lines: Vec<(i64, String)> = (0..13).map(|n| (n * 30, format!("step {n}"))).collect();
    let lines: Vec<(i64, &str)> = lines.iter().map(|(m, s)| (*m, s.as_str())).collect();
    let mut log = vec![boot_line(l + secs(20))];
    log.extend(script(l, &lines));
    table.push(Scenario {
        name: "a run over run.max_hours",
        instance: instance(InstanceState::Running, l),
        current_kind: Some(Run),
        log,
        scheduler: lambda(l),
        now: mon("15:30"),
        want: vec![want(Run, O::Stuck, l, B::LaunchTime, "longer than run.max_hours (6h)")],
    });

    // 11. Two boots and no log line between them: the Lambda started one at 09:00, someone
    //     started it again at 11:00.
    let l = mon("11:00");
    table.push(Scenario {
        name: "two boots with no log between",
        instance: instance(InstanceState::Running, l),
        current_kind: Some(Run),
        log: vec![],
        scheduler: lambda(mon("09:00")),
        now: mon("11:05"),
        want: vec![
            want(Run, O::InProgress, l, B::LaunchTime, "no log lines yet"),
            want(Run, O::Unknown, mon("09:00"), B::Scheduler, "no log lines for this boot"),
        ],
    });

    // 12. The current run with progress lines, after three good weeks.
    let mut log = Vec::new();
    let mut scheduler = Vec::new();
    let mut want_rows = Vec::new();
    for (weeks, took) in [(3, 95), (2, 100), (1, 97)] {
        let boot = day(-7 * weeks, "09:00") + secs(20);
        log.extend(good_run(boot, took));
        scheduler.extend(lambda(day(-7 * weeks, "09:00")));
        want_rows.push(want(Run, O::Succeeded, boot, B::CloudInit, "success marker \"done\""));
    }
    let l = mon("09:00");
    log.push(boot_line(l + secs(20)));
    log.extend(script(
        l,
        &[
            (1, "starting"),
            (10, "fitting baseline: US (1/58)"),
            (20, "fitting baseline: 10 Delaware (11/58)"),
        ],
    ));
    scheduler.extend(lambda(l));
    want_rows.push(want(Run, O::InProgress, l, B::LaunchTime, "running for 25m"));
    want_rows.reverse();
    table.push(Scenario {
        name: "the current run with progress lines",
        instance: instance(InstanceState::Running, l),
        current_kind: Some(Run),
        log,
        scheduler,
        now: mon("09:25"),
        want: want_rows,
    });

    // 13. Up, but silent longer than run.silence_minutes.
    let l = mon("09:00");
    let mut log = vec![boot_line(l + secs(20))];
    log.extend(script(l, &[(1, "starting"), (20, "fitting the model")]));
    table.push(Scenario {
        name: "silent longer than run.silence_minutes",
        instance: instance(InstanceState::Running, l),
        current_kind: Some(Run),
        log,
        scheduler: lambda(l),
        now: mon("13:40"),
        want: vec![want(Run, O::Stuck, l, B::LaunchTime, "no log line for 4h19m")],
    });

    // 14. A dev session up now, after a good Monday run.
    let monday = mon("09:00") + secs(20);
    let mut log = good_run(monday, 96);
    let l = day(1, "14:00");
    log.push(boot_line(l + secs(20)));
    log.push(finished_line(l + secs(20)));
    table.push(Scenario {
        name: "a dev session up now",
        instance: instance(InstanceState::Running, l),
        current_kind: Some(Dev),
        log,
        scheduler: lambda(mon("09:00")),
        now: day(1, "14:30"),
        want: vec![
            want(Dev, O::InProgress, l, B::LaunchTime, "dev session up 30m"),
            want(Run, O::Succeeded, monday, B::CloudInit, "success marker \"done\""),
        ],
    });
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scenario_gives_the_timeline_it_should() {
        let rules = RunRules::default();
        let table = all();
        assert!(table.len() >= 12);
        for s in &table {
            let t = s.timeline(&rules);
            let got: Vec<_> = t.entries.iter().map(|e| (e.kind, e.outcome, e.started, e.boundary)).collect();
            let wanted: Vec<_> = s.want.iter().map(|w| (w.kind, w.outcome, w.started, w.boundary)).collect();
            assert_eq!(got, wanted, "{}: {:#?}", s.name, t.entries);
            for (e, w) in t.entries.iter().zip(&s.want) {
                assert!(
                    e.evidence.contains(w.evidence),
                    "{}: {:?} lacks {:?}",
                    s.name,
                    e.evidence,
                    w.evidence
                );
            }
            assert_eq!(t.entries.iter().filter(|e| e.current).count(), 1, "{}: one current boot", s.name);
            assert!(t.entries[0].current, "{}: the newest is the current boot", s.name);
        }
    }
}
