//! The timeline's finer rules: guessed boundaries, ETA, a stale `LaunchTime`, the stop warning,
//! the JSON shape.

use jiff::{SignedDuration, Timestamp};

use super::scenarios::{self, ID, boot_line, day, finished_line, instance, mon, script, stopped};
use super::*;
use crate::cloud::types::InstanceState;

fn build(
    inst: &crate::cloud::types::Instance,
    log: &[(Timestamp, String)],
    kind: Option<Kind>,
    now: Timestamp,
) -> Timeline {
    let rules = RunRules::default();
    let mut facts: Vec<Fact> = log.iter().map(|(t, m)| classify(*t, m, &rules)).collect();
    facts.sort_by_key(|f| f.ts);
    timeline(&TimelineInput {
        instance_id: ID,
        instance: Some(inst),
        facts: &facts,
        scheduler_starts: &[],
        current_kind: kind,
        rules: &rules,
        now,
    })
}

#[test]
fn without_boot_evidence_silences_split_and_say_they_guess() {
    // Two old runs a week apart, no cloud-init line, no Lambda line; this week's run is known.
    let mut log = script(day(-14, "09:00"), &[(0, "starting"), (50, "done")]);
    log.extend(script(day(-7, "09:00"), &[(0, "starting"), (50, "Execution halted")]));
    let l = mon("09:00");
    log.extend(script(l, &[(1, "starting"), (60, "done")]));
    let t = build(&stopped(l, mon("10:02"), REASON_INSTANCE_SHUTDOWN), &log, None, mon("12:00"));
    let got: Vec<_> = t.entries.iter().map(|e| (e.boundary, e.outcome)).collect();
    assert_eq!(
        got,
        [
            (Boundary::LaunchTime, Outcome::Succeeded),
            (Boundary::SilenceGap, Outcome::Failed),
            (Boundary::FirstLine, Outcome::Succeeded)
        ]
    );
    assert!(
        t.entries[1].evidence.ends_with("(start guessed from a silence in the log)"),
        "{}",
        t.entries[1].evidence
    );
    assert!(Boundary::SilenceGap.is_guess() && !Boundary::CloudInit.is_guess());
}

#[test]
fn a_run_whose_boot_line_never_arrived_is_not_swallowed_by_the_boot_before() {
    // Sunday's dev session has its cloud-init lines; Monday's run lost its own (the agent
    // shipped none), failed, and a dev session is up now. A day of silence splits them: the
    // failure stays the last run instead of hiding in Sunday's dev session.
    let sunday = day(-1, "14:00");
    let mut log = vec![boot_line(sunday), finished_line(sunday)];
    log.extend(script(mon("09:00"), &[(0, "== run-baseline.sh starting =="), (20, "Execution halted")]));
    let now_up = mon("11:00");
    log.push(boot_line(now_up));
    log.push(finished_line(now_up));
    let t = build(&instance(InstanceState::Running, now_up), &log, Some(Kind::DevSession), mon("11:10"));
    let got: Vec<_> = t.entries.iter().map(|e| (e.kind, e.boundary, e.outcome)).collect();
    assert_eq!(
        got,
        [
            (Kind::DevSession, Boundary::LaunchTime, Outcome::InProgress),
            (Kind::Run, Boundary::SilenceGap, Outcome::Failed),
            (Kind::DevSession, Boundary::CloudInit, Outcome::Unknown),
        ]
    );
    let last = t.last_run().unwrap();
    assert_eq!((last.lines, last.first_failure.as_deref()), (2, Some("Execution halted")));
    assert_eq!(t.entries[2].lines, 2, "Sunday's dev session keeps only its own lines");
}

#[test]
fn a_success_marker_half_way_is_no_evidence() {
    let boot = day(-7, "09:00");
    let mut log = vec![boot_line(boot)];
    log.extend(script(
        boot,
        &[(1, "download complete"), (2, "a"), (3, "b"), (4, "c"), (5, "d"), (6, "e"), (7, "f")],
    ));
    log.push(boot_line(mon("09:00")));
    let t = build(&instance(InstanceState::Running, mon("09:00")), &log, Some(Kind::Run), mon("09:05"));
    assert_eq!(t.entries[1].outcome, Outcome::Unknown, "{:?}", t.entries[1]);
}

#[test]
fn cloud_init_boots_after_a_stale_launch_time_are_newer_boots() {
    // moto never refreshes LaunchTime: the cloud-init line still tells the second boot apart.
    let l = mon("09:00");
    let mut log = vec![boot_line(l + SignedDuration::from_secs(20))];
    log.extend(script(l, &[(1, "starting"), (30, "Execution halted")]));
    let again = mon("11:00");
    log.push(boot_line(again));
    log.extend(script(again, &[(1, "starting")]));
    let t = build(&instance(InstanceState::Running, l), &log, Some(Kind::Run), mon("11:10"));
    assert_eq!(t.entries.len(), 2);
    assert_eq!(
        (t.entries[0].started, t.entries[0].outcome, t.entries[0].current),
        (again, Outcome::InProgress, true)
    );
    assert_eq!((t.entries[1].outcome, t.entries[1].current), (Outcome::Failed, false));
}

#[test]
fn the_eta_follows_the_progress_rate_and_the_usual_duration() {
    let s = scenarios::all().into_iter().find(|s| s.name == "the current run with progress lines").unwrap();
    let t = s.timeline(&RunRules::default());
    let cur = t.current().unwrap();
    let p = cur.progress.unwrap();
    assert_eq!((p.done, p.total), (11, 58));
    let eta = cur.eta.unwrap();
    assert_eq!(eta.basis, EtaBasis::ProgressRate);
    // 10 items in 10 minutes; 47 left after 09:20:30; 14 minutes from the last item to the end.
    assert_eq!(eta.at, mon("10:21") + SignedDuration::from_secs(30));
    // The past runs took 94m30s, 99m30s and 96m30s: the usual is the median.
    assert_eq!(eta.usual, Some(SignedDuration::from_secs(96 * 60 + 30)));
    assert_eq!(t.usual, eta.usual);
    let tz = jiff::tz::TimeZone::get("America/New_York").unwrap();
    assert_eq!(
        text::progress_text(cur, s.now, &tz).unwrap(),
        "11/58 · usual 1h36m · ETA 10:21 UTC (05:21 EST)"
    );

    // Without a pace (one progress line), the usual duration gives the ETA.
    let mut log = s.log.clone();
    log.retain(|(t, m)| !(*t > mon("09:15") && m.contains("Delaware")));
    let one = build(&s.instance, &log, Some(Kind::Run), s.now);
    let rules = RunRules::default();
    let facts: Vec<Fact> = {
        let mut f: Vec<Fact> = log.iter().map(|(t, m)| classify(*t, m, &rules)).collect();
        f.sort_by_key(|f| f.ts);
        f
    };
    let with_starts = timeline(&TimelineInput {
        instance_id: ID,
        instance: Some(&s.instance),
        facts: &facts,
        scheduler_starts: &s.starts(),
        current_kind: Some(Kind::Run),
        rules: &rules,
        now: s.now,
    });
    for t in [one, with_starts] {
        let eta = t.current().unwrap().eta.unwrap();
        assert_eq!(eta.basis, EtaBasis::UsualDuration);
        assert_eq!(eta.at, mon("09:00") + SignedDuration::from_secs(96 * 60 + 30));
    }
}

#[test]
fn the_stop_warning_reads_the_current_boot() {
    let rules = RunRules::default();
    let warning = |name: &str| {
        let s = scenarios::all().into_iter().find(|s| s.name == name).unwrap();
        stop_warning(s.timeline(&rules).current(), s.now)
    };
    assert_eq!(
        warning("a box started outside the panel"),
        (true, "A run is in progress (started 10m ago): stopping ends it before the script finishes.".into())
    );
    let (warn, text) = warning("failure while the box stays up");
    assert!(!warn && text.starts_with("The run is failing (failure marker 40m30s into the run"), "{text}");
    let (warn, text) = warning("a dev session up now");
    assert_eq!(
        (warn, text.as_str()),
        (false, "The box is in a dev session (up 30m): no run is in progress.")
    );
    assert!(warning("a run over run.max_hours").1.starts_with("The run looks stuck"));
    assert_eq!(warning("scheduled success"), (false, "No run is in progress.".into()));
}

#[test]
fn json_names_every_field() {
    let s = scenarios::all().into_iter().find(|s| s.name == "the current run with progress lines").unwrap();
    let t = s.timeline(&RunRules::default());
    let v = serde_json::to_value(RunJson::from(t.current().unwrap())).unwrap();
    assert_eq!(v["kind"], "run");
    assert_eq!(v["kind_from"], "user_data");
    assert_eq!(v["outcome"], "in_progress");
    assert_eq!(v["boundary"], "launch_time");
    assert_eq!(v["started_by"], "schedule");
    assert_eq!(v["started"], "2026-11-23T09:00:00Z");
    assert_eq!(v["ended"], serde_json::Value::Null);
    assert_eq!(v["progress"]["done"], 11);
    assert_eq!(v["eta"]["basis"], "progress_rate");
    assert_eq!(v["eta"]["usual_seconds"], 96 * 60 + 30);
    let past = serde_json::to_value(RunJson::from(&t.entries[1])).unwrap();
    assert_eq!(past["boundary"], "cloud_init");
    assert_eq!(past["duration_seconds"], 96 * 60 + 30);
    assert!(past["lines"].as_u64().unwrap() > 5);
}
