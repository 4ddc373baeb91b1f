//! The simulated box of the demo mode: no AWS, no network, its own clock.
//!
//! The box cycles stopped → pending → running → stopping → stopped, like a weekly run squeezed
//! into about a minute and a half.

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use jiff::{SignedDuration, Timestamp};

use super::{Cloud, CloudError, Identity, Instance, InstanceState, StatusChecks};
use crate::userdata::{Mode, SEED_USER_DATA, ScriptLine, inspect};

/// How long the simulated box stays in each phase.
#[derive(Debug, Clone, Copy)]
pub struct DemoTimings {
    /// Stopped, before the simulated schedule starts it again.
    pub idle: SignedDuration,
    /// Pending (booting).
    pub boot: SignedDuration,
    /// Running the model script.
    pub run: SignedDuration,
    /// Stopping.
    pub halt: SignedDuration,
}

impl Default for DemoTimings {
    fn default() -> Self {
        DemoTimings {
            idle: SignedDuration::from_secs(20),
            boot: SignedDuration::from_secs(6),
            run: SignedDuration::from_secs(70),
            halt: SignedDuration::from_secs(5),
        }
    }
}

/// How long the demo box's last weekly run took, before the demo starts.
pub const LAST_RUN: SignedDuration = SignedDuration::from_secs(98 * 60 + 10);

/// Why the simulated box last stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StopCause {
    Script,
    Hand,
}

/// The simulated box as a pure state machine over time.
#[derive(Debug, Clone)]
pub struct DemoBox {
    timings: DemoTimings,
    state: InstanceState,
    since: Timestamp,
    launched: Option<Timestamp>,
    stopped_at: Option<Timestamp>,
    cause: StopCause,
    user_data: Vec<u8>,
    script_runs: bool,
    name: String,
}

impl DemoBox {
    /// A stopped box whose last run was this week's scheduled one: launched by the Lambda at
    /// Monday 09:00 UTC, shut down by the script [`LAST_RUN`] later.
    pub fn new(now: Timestamp, timings: DemoTimings) -> Self {
        let launched = crate::timefmt::last_monday_0900(now - SignedDuration::from_hours(2))
            + SignedDuration::from_secs(2);
        DemoBox {
            timings,
            state: InstanceState::Stopped,
            since: now,
            launched: Some(launched),
            stopped_at: Some(launched + LAST_RUN),
            cause: StopCause::Script,
            user_data: SEED_USER_DATA.as_bytes().to_vec(),
            script_runs: true,
            name: "baseline model".into(),
        }
    }

    /// Moves the box along its cycle up to `now`.
    pub fn advance(&mut self, now: Timestamp) {
        loop {
            let t = &self.timings;
            let (limit, next) = match self.state {
                InstanceState::Stopped => (t.idle, InstanceState::Pending),
                InstanceState::Pending => (t.boot, InstanceState::Running),
                // Without the script (dev mode) nothing shuts the box down: it runs until stopped.
                InstanceState::Running if !self.script_runs => return,
                InstanceState::Running => (t.run, InstanceState::Stopping),
                InstanceState::Stopping => (t.halt, InstanceState::Stopped),
                _ => return,
            };
            let at = self.since + limit;
            if at > now {
                return;
            }
            self.enter(next, at, StopCause::Script);
        }
    }

    fn enter(&mut self, state: InstanceState, at: Timestamp, cause: StopCause) {
        match state {
            InstanceState::Pending => {
                self.launched = Some(at);
                let pattern = ScriptLine::default();
                self.script_runs = inspect(&self.user_data, &pattern).is_ok_and(|i| i.mode == Mode::Run);
            }
            InstanceState::Stopping => self.cause = cause,
            InstanceState::Stopped => self.stopped_at = Some(at),
            _ => {}
        }
        self.state = state;
        self.since = at;
    }

    /// Starts a stopped box now.
    pub fn start(&mut self, now: Timestamp) -> Result<(), CloudError> {
        self.advance(now);
        match self.state {
            InstanceState::Stopped => {
                self.enter(InstanceState::Pending, now, StopCause::Script);
                Ok(())
            }
            s => Err(CloudError::WrongState(format!("the instance is {s}, not stopped"))),
        }
    }

    /// Stops a pending or running box now, by hand.
    pub fn stop(&mut self, now: Timestamp) -> Result<(), CloudError> {
        self.advance(now);
        match self.state {
            InstanceState::Pending | InstanceState::Running => {
                self.enter(InstanceState::Stopping, now, StopCause::Hand);
                Ok(())
            }
            s => Err(CloudError::WrongState(format!("the instance is {s}, not running"))),
        }
    }

    /// The user data, as EC2 would return it.
    pub fn user_data(&self) -> &[u8] {
        &self.user_data
    }

    /// Replaces the user data; refused unless stopped, as EC2 does.
    pub fn set_user_data(&mut self, now: Timestamp, bytes: &[u8]) -> Result<(), CloudError> {
        self.advance(now);
        if self.state != InstanceState::Stopped {
            return Err(CloudError::WrongState(format!(
                "the instance is {}: user data can only be changed while it is stopped",
                self.state
            )));
        }
        self.user_data = bytes.to_vec();
        Ok(())
    }

    /// The time the current phase began.
    pub fn since(&self) -> Timestamp {
        self.since
    }

    /// The phase lengths the box cycles through.
    pub fn timings(&self) -> DemoTimings {
        self.timings
    }

    /// When the box last reached `stopped`, if it ever did.
    pub fn stopped_at(&self) -> Option<Timestamp> {
        self.stopped_at
    }

    /// True when this boot runs the model script.
    pub fn script_runs(&self) -> bool {
        self.script_runs
    }

    /// The box as EC2 would describe it at its current state.
    pub fn describe(&self) -> Instance {
        let up = matches!(self.state, InstanceState::Pending | InstanceState::Running);
        // While stopping, the reason names this stop (it began at `since`), not the last one.
        let stop = if self.state == InstanceState::Stopping { Some(self.since) } else { self.stopped_at };
        let user_initiated =
            stop.map(|t| format!("User initiated ({})", t.strftime("%Y-%m-%d %H:%M:%S GMT")));
        let (reason, code, message) = match (self.state, self.cause) {
            (InstanceState::Stopped | InstanceState::Stopping, StopCause::Script) => (
                user_initiated,
                Some("Client.InstanceInitiatedShutdown"),
                Some("Client.InstanceInitiatedShutdown: Instance initiated shutdown"),
            ),
            (InstanceState::Stopped | InstanceState::Stopping, StopCause::Hand) => (
                user_initiated,
                Some("Client.UserInitiatedShutdown"),
                Some("Client.UserInitiatedShutdown: User initiated shutdown"),
            ),
            _ => (None, None, None),
        };
        let checks = match self.state {
            InstanceState::Running => StatusChecks { system: "ok".into(), instance: "ok".into() },
            InstanceState::Pending => {
                StatusChecks { system: "initializing".into(), instance: "initializing".into() }
            }
            _ => StatusChecks { system: "not-applicable".into(), instance: "not-applicable".into() },
        };
        Instance {
            id: "i-0db5237193478dd8d".into(),
            name: Some(self.name.clone()),
            state: self.state,
            instance_type: Some("r5.2xlarge".into()),
            launch_time: self.launched,
            public_dns: up.then(|| "ec2-54-210-17-3.compute-1.amazonaws.com".into()),
            public_ip: up.then(|| "54.210.17.3".into()),
            availability_zone: Some("us-east-1a".into()),
            state_transition_reason: reason,
            state_reason_code: code.map(str::to_owned),
            state_reason_message: message.map(str::to_owned),
            status_checks: Some(checks),
        }
    }
}

/// The demo cloud: one simulated box on the wall clock.
#[derive(Clone)]
pub struct DemoCloud {
    inner: Arc<Mutex<DemoBox>>,
}

impl DemoCloud {
    /// A demo cloud whose box starts stopped, now.
    pub fn new(timings: DemoTimings) -> Self {
        DemoCloud { inner: Arc::new(Mutex::new(DemoBox::new(Timestamp::now(), timings))) }
    }

    /// A demo cloud whose box is tagged `Name=<name>`.
    pub fn named(timings: DemoTimings, name: &str) -> Self {
        let mut b = DemoBox::new(Timestamp::now(), timings);
        name.clone_into(&mut b.name);
        DemoCloud { inner: Arc::new(Mutex::new(b)) }
    }

    /// Runs `f` on the box, brought up to date with the wall clock.
    pub fn with_box<T>(&self, f: impl FnOnce(&mut DemoBox) -> T) -> T {
        let mut b = self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        b.advance(Timestamp::now());
        f(&mut b)
    }
}

#[async_trait]
impl Cloud for DemoCloud {
    async fn instances(&self) -> Result<Vec<Instance>, CloudError> {
        Ok(vec![self.with_box(|b| b.describe())])
    }

    async fn identity(&self) -> Result<Identity, CloudError> {
        Ok(Identity { account: "123456789012".into(), arn: "arn:aws:iam::123456789012:user/demo".into() })
    }

    async fn start(&self, _ids: &[String], dry_run: bool) -> Result<(), CloudError> {
        if dry_run {
            return Ok(());
        }
        self.with_box(|b| b.start(Timestamp::now()))
    }

    async fn stop(&self, _ids: &[String], dry_run: bool) -> Result<(), CloudError> {
        if dry_run {
            return Ok(());
        }
        self.with_box(|b| b.stop(Timestamp::now()))
    }

    async fn user_data(&self, _id: &str) -> Result<Vec<u8>, CloudError> {
        Ok(self.with_box(|b| b.user_data().to_vec()))
    }

    async fn set_user_data(&self, _id: &str, bytes: &[u8], dry_run: bool) -> Result<(), CloudError> {
        if dry_run {
            return Ok(());
        }
        self.with_box(|b| b.set_user_data(Timestamp::now(), bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t0() -> Timestamp {
        "2026-11-23T09:00:00Z".parse().unwrap()
    }

    #[test]
    fn cycles_through_a_whole_run() {
        use InstanceState::*;
        let tm = DemoTimings::default();
        let mut b = DemoBox::new(t0(), tm);
        let mut seen = vec![b.describe().state];
        let mut now = t0();
        for _ in 0..120 {
            now += SignedDuration::from_secs(1);
            b.advance(now);
            let s = b.describe().state;
            if seen.last() != Some(&s) {
                seen.push(s);
            }
        }
        assert_eq!(seen, vec![Stopped, Pending, Running, Stopping, Stopped]);
        let i = b.describe();
        assert_eq!(i.state_reason_code.as_deref(), Some("Client.InstanceInitiatedShutdown"));
        assert_eq!(i.launch_time, Some(t0() + tm.idle));
    }

    #[test]
    fn start_and_stop_by_hand() {
        let mut b = DemoBox::new(t0(), DemoTimings::default());
        b.start(t0()).unwrap();
        assert_eq!(b.describe().state, InstanceState::Pending);
        assert!(b.start(t0()).is_err(), "starting a pending box is refused");
        let later = t0() + SignedDuration::from_secs(10);
        b.stop(later).unwrap();
        let stopping = b.describe();
        assert_eq!(stopping.state, InstanceState::Stopping);
        assert_eq!(
            stopping.state_transition_reason.as_deref(),
            Some("User initiated (2026-11-23 09:00:10 GMT)"),
            "this stop, not the one before"
        );
        b.advance(later + SignedDuration::from_secs(6));
        let i = b.describe();
        assert_eq!(i.state, InstanceState::Stopped);
        assert_eq!(i.state_reason_code.as_deref(), Some("Client.UserInitiatedShutdown"));
        assert!(i.public_dns.is_none());
    }

    #[test]
    fn dev_mode_box_boots_without_the_script_and_stays_up() {
        let mut b = DemoBox::new(t0(), DemoTimings::default());
        let dev = crate::userdata::set_dev_mode(b.user_data(), &ScriptLine::default(), true).unwrap();
        b.set_user_data(t0(), &dev.bytes).unwrap();
        b.start(t0()).unwrap();
        assert!(b.set_user_data(t0(), SEED_USER_DATA.as_bytes()).is_err(), "refused unless stopped");
        b.advance(t0() + SignedDuration::from_hours(3));
        assert_eq!(b.describe().state, InstanceState::Running);
        assert!(!b.script_runs());
    }
}
