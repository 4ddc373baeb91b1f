//! Instances and states for tests.

use jiff::Timestamp;

use crate::cloud::{Instance, InstanceState, StatusChecks};

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
