//! The panel's API calls in simulated time: `update` driven by a tick a second, its effects
//! answered at once by a counting stand-in for EC2 and `EventBridge` whose box changes state
//! on a script; the log feeds' share comes from the pace they follow (its behaviour is tested
//! in the core crate's `logs::follow` tests).

use jiff::{SignedDuration, Timestamp};

use super::*;
use crate::action::{Action, Effect, Power, Write};
use crate::backends::Account;
use crate::cloud::InstanceState;
use crate::config::Config;
use crate::logs::{PaceWish, Source};
use crate::schedule::{RuleInfo, RuleState};
use crate::state::{timeline, update};
use crate::userdata::{DevInfo, SEED_USER_DATA, ScriptLine};

const ID: &str = "i-0db5237193478dd8d";

fn at(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn rule(state: RuleState) -> RuleInfo {
    let expression = "cron(0 9 ? * MON *)".to_string();
    RuleInfo {
        name: "MondayMorning9aEST".into(),
        arn: None,
        state,
        schedule: RuleInfo::parse_expression(&expression),
        expression,
        description: None,
        targets: vec![],
        created_by: None,
        scheduler: None,
        other: crate::schedule::rules::Other::NotRead,
    }
}

/// The panel's state, a box whose state follows a script, and the calls made.
struct Sim {
    state: State,
    now: Timestamp,
    /// (from, state): the box's state from each time on.
    script: Vec<(Timestamp, InstanceState)>,
    rule: RuleInfo,
    /// When the instances were asked for.
    polls: Vec<Timestamp>,
    /// API calls: 2 per instance poll (`DescribeInstances`, `DescribeInstanceStatus`), 3 per
    /// schedule read (`DescribeRule`, `ListTargetsByRule`, `FilterLogEvents`), 1 per user-data
    /// read, 2 per read-back of the past (`FilterLogEvents` on the run and scheduler groups).
    calls: Vec<(Timestamp, u32)>,
}

impl Sim {
    fn new(start: Timestamp, box_state: InstanceState) -> Sim {
        let cfg = Config::builtin();
        Sim {
            state: State::new(&cfg, &Account::of(&cfg), start),
            now: start,
            script: vec![(Timestamp::UNIX_EPOCH, box_state)],
            rule: rule(RuleState::Enabled),
            polls: vec![],
            calls: vec![],
        }
    }

    fn box_state(&self) -> (InstanceState, Timestamp) {
        let (from, s) = self.script.iter().rev().find(|(t, _)| *t <= self.now).copied().unwrap();
        // A boot's launch time is when it went pending.
        let launch = self
            .script
            .iter()
            .rev()
            .find(|(t, s)| *t <= from && *s == InstanceState::Pending)
            .map_or(at("2026-11-23T09:00:04Z"), |(t, _)| *t);
        (s, launch)
    }

    fn apply(&mut self, action: Action) {
        let mut queue = vec![action];
        while let Some(a) = queue.pop() {
            for fx in update(&mut self.state, a) {
                queue.extend(self.answer(fx));
            }
        }
    }

    /// The stand-in's answer to one effect, counted.
    fn answer(&mut self, fx: Effect) -> Option<Action> {
        let now = self.now;
        match fx {
            Effect::FetchInstances { seq } => {
                self.polls.push(now);
                self.calls.push((now, 2));
                let (s, launch) = self.box_state();
                let mut i = crate::fixtures::instance(s);
                i.launch_time = Some(launch);
                Some(Action::InstancesLoaded { seq, result: Ok(vec![i]) })
            }
            Effect::FetchSchedule { seq } => {
                self.calls.push((now, 3));
                Some(Action::ScheduleLoaded { seq, result: Ok((self.rule.clone(), None)) })
            }
            Effect::FetchDevInfo { id, seq } => {
                self.calls.push((now, 1));
                let info = DevInfo::read(SEED_USER_DATA.as_bytes(), &ScriptLine::default()).unwrap();
                Some(Action::DevInfoLoaded { id, seq, result: Ok(info) })
            }
            Effect::FetchPast { .. } => {
                self.calls.push((now, 2));
                None
            }
            _ => None,
        }
    }

    /// Ticks once a second until `until`.
    fn run_until(&mut self, until: Timestamp) {
        while self.now < until {
            self.apply(Action::Tick(self.now));
            self.now += SignedDuration::from_secs(1);
        }
    }

    /// Calls made in `[from, to)`, per minute.
    fn per_minute(&self, from: Timestamp, to: Timestamp) -> f64 {
        let n: u32 = self.calls.iter().filter(|(t, _)| *t >= from && *t < to).map(|(_, n)| n).sum();
        f64::from(n) / to.duration_since(from).as_secs_f64() * 60.0
    }

    /// The first instance poll at or after `t`.
    fn seen_after(&self, t: Timestamp) -> SignedDuration {
        self.polls.iter().find(|p| **p >= t).map(|p| p.duration_since(t)).expect("polled after")
    }

    /// Gaps between consecutive instance polls in `[from, to)`, in seconds.
    fn gaps(&self, from: Timestamp, to: Timestamp) -> Vec<i64> {
        let polls: Vec<&Timestamp> = self.polls.iter().filter(|p| **p >= from && **p < to).collect();
        polls.windows(2).map(|w| w[1].duration_since(*w[0]).as_secs()).collect()
    }
}

/// Calls a minute the log feeds make under `wish`, from the panel's pace: one
/// `FilterLogEvents` or `GetConsoleOutput` per poll. With `live`, the run log shown while the
/// box is active is a live tail session: one `StartLiveTail` per 3 hours at most.
fn feeds_per_minute(wish: PaceWish, live: bool) -> f64 {
    let pace = crate::feeds::panel_pace(&Config::builtin());
    Source::ALL
        .iter()
        .map(|&s| {
            if live && wish.wants_live(s) {
                return 1.0 / 180.0;
            }
            pace.interval(s, &wish).map_or(0.0, |d| 60.0 / d.as_secs_f64())
        })
        .sum()
}

const WEDNESDAY_NOON: &str = "2026-11-25T12:00:00Z";

#[test]
fn a_stopped_box_with_the_run_log_shown_costs_at_most_four_calls_a_minute() {
    let start = at(WEDNESDAY_NOON);
    let mut sim = Sim::new(start, InstanceState::Stopped);
    sim.run_until(start + SignedDuration::from_hours(1));
    let state_calls = sim.per_minute(start, sim.now);
    let feeds = feeds_per_minute(PaceWish::showing(Source::Run, false), false);
    let total = state_calls + feeds;
    assert!(total <= 4.0, "{state_calls:.2} (EC2, EventBridge) + {feeds:.2} (logs) = {total:.2} a minute");
    assert!(sim.gaps(start, sim.now).iter().all(|g| *g == 60), "{:?}", sim.gaps(start, sim.now));
}

#[test]
fn a_running_box_costs_at_most_twenty_calls_a_minute_polling_and_eight_with_a_live_tail() {
    let start = at(WEDNESDAY_NOON);
    let mut sim = Sim::new(start, InstanceState::Running);
    sim.run_until(start + SignedDuration::from_hours(1));
    let state_calls = sim.per_minute(start, sim.now);
    let wish = PaceWish::showing(Source::Run, true);
    let polling = state_calls + feeds_per_minute(wish, false);
    let live = state_calls + feeds_per_minute(wish, true);
    assert!(polling <= 20.0, "polling: {polling:.2} a minute");
    assert!(live <= 8.0, "live tail: {live:.2} a minute");
    assert!(sim.gaps(start, sim.now).iter().all(|g| *g == 60), "a running box is polled every minute");
}

#[test]
fn inside_the_fire_window_a_box_started_elsewhere_is_seen_within_ten_seconds() {
    let fire = at("2026-11-30T09:00:00Z");
    for late in [0, 7, 23, 41, 59, 95, 300, 540] {
        let mut sim = Sim::new(at("2026-11-30T08:40:00Z"), InstanceState::Stopped);
        let started = fire + SignedDuration::from_secs(late);
        sim.script.push((started, InstanceState::Pending));
        sim.script.push((started + SignedDuration::from_secs(40), InstanceState::Running));
        sim.run_until(fire + SignedDuration::from_mins(15));
        let seen = sim.seen_after(started);
        assert!(seen <= SignedDuration::from_secs(10), "started {late} s after the fire, seen {seen} later");
    }
}

#[test]
fn the_fire_window_runs_from_two_minutes_before_to_ten_after_and_then_polling_is_slow_again() {
    let fire = at("2026-11-30T09:00:00Z");
    // The Lambda fails: the box stays stopped.
    let mut sim = Sim::new(at("2026-11-30T08:40:00Z"), InstanceState::Stopped);
    sim.run_until(fire + SignedDuration::from_mins(30));
    let lead = fire - SignedDuration::from_mins(2);
    let tail = fire + SignedDuration::from_mins(10);
    assert!(sim.gaps(sim.polls[0], lead).iter().all(|g| *g == 60), "slow before");
    let inside = sim.gaps(lead, tail);
    assert!(inside.iter().all(|g| *g == 5), "every 5 s inside: {inside:?}");
    assert_eq!(inside.len(), 12 * 12 - 1, "12 minutes of it");
    let after = sim.gaps(tail + SignedDuration::from_secs(5), sim.now);
    assert!(after.iter().all(|g| *g == 60), "slow after: {after:?}");
    assert!(sim.polls.iter().any(|p| *p >= lead && *p < lead + SignedDuration::from_secs(5)));
}

#[test]
fn a_disabled_rule_has_no_fire_window() {
    let fire = at("2026-11-30T09:00:00Z");
    let mut sim = Sim::new(at("2026-11-30T08:50:00Z"), InstanceState::Stopped);
    sim.rule = rule(RuleState::Disabled);
    sim.run_until(fire + SignedDuration::from_mins(5));
    assert!(sim.gaps(sim.polls[0], sim.now).iter().all(|g| *g == 60));
    assert_eq!(fire_window(&rule(RuleState::Disabled), fire), None);
}

#[test]
fn outside_the_fire_window_a_box_started_elsewhere_is_seen_within_a_minute() {
    let start = at(WEDNESDAY_NOON);
    for late in [1, 29, 59, 61, 317] {
        let mut sim = Sim::new(start, InstanceState::Stopped);
        let started = start + SignedDuration::from_secs(600 + late);
        sim.script.push((started, InstanceState::Pending));
        sim.run_until(started + SignedDuration::from_mins(3));
        let seen = sim.seen_after(started);
        assert!(seen <= SignedDuration::from_secs(60), "seen {seen} later");
    }
}

#[test]
fn starting_and_stopping_are_followed_fast_and_a_steady_box_slowly() {
    let start = at(WEDNESDAY_NOON);
    let mut sim = Sim::new(start, InstanceState::Stopped);
    let t = |m: i64| start + SignedDuration::from_mins(m);
    sim.script.push((t(10), InstanceState::Pending));
    sim.script.push((t(12), InstanceState::Running));
    sim.script.push((t(40), InstanceState::Stopping));
    sim.script.push((t(42), InstanceState::Stopped));
    sim.run_until(t(60));
    let first_pending = *sim.polls.iter().find(|p| **p >= t(10)).unwrap();
    assert!(sim.gaps(first_pending, t(12)).iter().all(|g| *g == 5), "pending: every 5 s");
    let first_running = *sim.polls.iter().find(|p| **p >= t(12)).unwrap();
    assert!(sim.gaps(first_running, t(40)).iter().all(|g| *g == 60), "running: every minute");
    let first_stopping = *sim.polls.iter().find(|p| **p >= t(40)).unwrap();
    assert!(sim.gaps(first_stopping, t(42)).iter().all(|g| *g == 5), "stopping: every 5 s");
}

#[test]
fn after_a_start_or_stop_the_instances_are_polled_fast_for_two_minutes() {
    let start = at(WEDNESDAY_NOON);
    for power in [Power::Start(vec![ID.into()]), Power::Stop(vec![ID.into()])] {
        let mut sim = Sim::new(start, InstanceState::Stopped);
        // Half-way between two slow polls.
        sim.run_until(start + SignedDuration::from_secs(5 * 60 + 30));
        let done = sim.now;
        sim.apply(Action::Tick(done));
        sim.apply(Action::Done { write: Write::Power(power), result: Ok(()) });
        sim.run_until(done + SignedDuration::from_mins(10));
        let fast = sim.gaps(done, done + AFTER_ACTION);
        assert!(fast.iter().all(|g| *g == 5) && fast.len() >= 22, "{fast:?}");
        let slow = sim.gaps(done + AFTER_ACTION + SignedDuration::from_secs(5), sim.now);
        assert!(slow.iter().all(|g| *g == 60), "{slow:?}");
    }
}

#[test]
fn the_followed_source_on_screen() {
    let cfg = Config::builtin();
    let mut s = State::new(&cfg, &Account::of(&cfg), at(WEDNESDAY_NOON));
    assert_eq!(s.log_shown(), Some(LogSource::Run));
    s.log_source = LogSource::Console;
    assert_eq!(s.log_shown(), Some(LogSource::Console));
    s.show_history = true;
    assert_eq!(s.log_shown(), None, "the run history covers the logs");
    s.show_history = false;
    s.log_source = LogSource::Run;
    s.runs.opened =
        Some(timeline::Opened { started: at(WEDNESDAY_NOON), to: None, label: "run of …".into() });
    assert_eq!(s.log_shown(), None, "a past run is shown instead of the followed lines");
}
