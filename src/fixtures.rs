//! Instances and states for tests, and the panel fed a run scenario.

use jiff::Timestamp;

use crate::action::{Action, Effect};
use crate::backends::Account;
use crate::cloud::{Instance, InstanceState, StatusChecks};
use crate::config::Config;
use crate::logs::history::PastLog;
use crate::run::Kind;
use crate::run::scenarios::{self, Scenario};
use crate::state::{DevInfo, LogSource, State, update};
use crate::userdata::Mode;

/// A fixed "now" for tests: Monday 2026-11-23 10:12:00 UTC.
pub fn now() -> Timestamp {
    "2026-11-23T10:12:00Z".parse().unwrap()
}

/// The lab's box in the given state, launched at 09:00 UTC that Monday.
pub fn instance(state: InstanceState) -> Instance {
    let up = matches!(state, InstanceState::Running | InstanceState::Pending);
    let stopped = matches!(state, InstanceState::Stopped);
    Instance {
        id: "i-0db5237193478dd8d".into(),
        name: Some("baseline model".into()),
        state,
        instance_type: Some("r5.2xlarge".into()),
        launch_time: Some("2026-11-23T09:00:04Z".parse().unwrap()),
        public_dns: up.then(|| "ec2-54-210-17-3.compute-1.amazonaws.com".into()),
        public_ip: up.then(|| "54.210.17.3".into()),
        availability_zone: Some("us-east-1a".into()),
        state_transition_reason: stopped.then(|| "User initiated (2026-11-23 09:58:41 GMT)".into()),
        state_reason_code: stopped.then(|| "Client.InstanceInitiatedShutdown".into()),
        state_reason_message: stopped
            .then(|| "Client.InstanceInitiatedShutdown: Instance initiated shutdown".into()),
        status_checks: Some(if up {
            StatusChecks { system: "ok".into(), instance: "ok".into() }
        } else {
            StatusChecks { system: "not-applicable".into(), instance: "not-applicable".into() }
        }),
    }
}

/// A dev-mode failure whose text is `text` (a cloud error passed through as is).
pub fn dev_error(text: impl Into<String>) -> std::sync::Arc<crate::devmode::DevError> {
    std::sync::Arc::new(crate::devmode::DevError::Cloud(crate::cloud::CloudError::Other(text.into())))
}

/// The panel fed a run scenario as the app feeds it: it sees the box up first when the user
/// data was read then (so it watched the boot), reads the past back, follows the lines since
/// the launch.
pub fn scenario_state(s: &Scenario) -> State {
    let mut st = State::new(&Config::builtin(), &Account::of(&Config::builtin()), s.now);
    update(&mut st, crate::keymap::resize(120, 40));
    let launch = s.instance.launch_time.unwrap();
    let up = |i: &Instance| matches!(i.state, InstanceState::Pending | InstanceState::Running);
    let watched_up = s.current_kind.is_some() && !up(&s.instance);
    let first = if watched_up {
        let mut i = scenarios::instance(InstanceState::Running, launch);
        i.id = s.instance.id.clone();
        i
    } else {
        s.instance.clone()
    };
    st.now = if watched_up { launch + jiff::SignedDuration::from_mins(1) } else { s.now };
    load(&mut st, first, s);
    if let Some(k) = s.current_kind {
        let mode = if k == Kind::Run { Mode::Run } else { Mode::Dev };
        let info = DevInfo { mode, line_number: 21, line: String::new(), warnings: vec![] };
        let seq = st.dev_seq;
        update(&mut st, Action::DevInfoLoaded { id: scenarios::ID.into(), seq, result: Ok(info) });
    }
    let until = st.runs.live_from.unwrap();
    let lines = |v: &[(Timestamp, String)]| -> Vec<(i64, String)> {
        v.iter().filter(|(t, _)| *t >= until).map(|(t, m)| (t.as_millisecond(), m.clone())).collect()
    };
    update(&mut st, Action::LogLines { source: LogSource::Run, lines: lines(&s.log), status: None });
    update(
        &mut st,
        Action::LogLines { source: LogSource::Scheduler, lines: lines(&s.scheduler), status: None },
    );
    st.now = s.now;
    if watched_up {
        load(&mut st, s.instance.clone(), s);
    }
    update(&mut st, Action::Tick(s.now));
    st
}

/// A poll answering with `inst`; the read-back it asks for answers with the scenario's past.
fn load(st: &mut State, inst: Instance, s: &Scenario) {
    let seq = st.instance_poll.issue();
    for fx in update(st, Action::InstancesLoaded { seq, result: Ok(vec![inst]) }) {
        if let Effect::FetchPast { instance_id, until } = fx {
            let rules = st.rules.clone();
            let past = PastLog {
                facts: s.facts(&rules).into_iter().filter(|f| f.ts < until).collect(),
                starts: s.starts().into_iter().filter(|t| *t < until).collect(),
                warnings: vec![],
            };
            update(st, Action::PastLoaded { id: instance_id, until, result: Ok(past) });
        }
    }
}
