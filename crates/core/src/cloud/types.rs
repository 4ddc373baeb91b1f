//! Plain data the panel knows about the job box, independent of the AWS SDK's types.

use jiff::Timestamp;
use serde::Serialize;

/// Lifecycle state of an EC2 instance, as EC2 names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum InstanceState {
    /// Booting: the run is about to start.
    Pending,
    /// Up: a run (or a dev session) is in progress.
    Running,
    /// Shutting down.
    Stopping,
    /// Off: waiting for the next start.
    Stopped,
    /// Being terminated.
    ShuttingDown,
    /// Gone for good.
    Terminated,
    /// A state this tool does not know.
    Unknown,
}

impl InstanceState {
    /// Parses EC2's state name (`running`, `stopped`, ...).
    pub fn from_name(name: &str) -> Self {
        match name {
            "pending" => Self::Pending,
            "running" => Self::Running,
            "stopping" => Self::Stopping,
            "stopped" => Self::Stopped,
            "shutting-down" => Self::ShuttingDown,
            "terminated" => Self::Terminated,
            _ => Self::Unknown,
        }
    }

    /// EC2's name for the state.
    pub fn name(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Running => "running",
            Self::Stopping => "stopping",
            Self::Stopped => "stopped",
            Self::ShuttingDown => "shutting-down",
            Self::Terminated => "terminated",
            Self::Unknown => "unknown",
        }
    }

    /// True while the box is changing state or up: polls run faster then.
    pub fn is_active(self) -> bool {
        matches!(self, Self::Pending | Self::Running | Self::Stopping | Self::ShuttingDown)
    }
}

impl std::fmt::Display for InstanceState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// One EC2 status check result (system or instance reachability).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusChecks {
    /// System status: `ok`, `impaired`, `initializing`, `insufficient-data`, `not-applicable`.
    pub system: String,
    /// Instance status, same vocabulary.
    pub instance: String,
}

/// Everything the panel shows about one instance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Instance {
    /// Instance id, `i-...`.
    pub id: String,
    /// Value of the `Name` tag, if any.
    pub name: Option<String>,
    /// Lifecycle state.
    pub state: InstanceState,
    /// Instance type, e.g. `r5.xlarge`.
    pub instance_type: Option<String>,
    /// Last launch (start) time.
    pub launch_time: Option<Timestamp>,
    /// Public DNS name (empty while stopped).
    pub public_dns: Option<String>,
    /// Public IPv4 address.
    pub public_ip: Option<String>,
    /// Availability zone.
    pub availability_zone: Option<String>,
    /// Free-text reason of the last state transition.
    pub state_transition_reason: Option<String>,
    /// Machine-readable state reason code, e.g. `Client.InstanceInitiatedShutdown`.
    pub state_reason_code: Option<String>,
    /// Human-readable state reason message.
    pub state_reason_message: Option<String>,
    /// Status checks, when EC2 reports them.
    pub status_checks: Option<StatusChecks>,
}

impl Instance {
    /// Time the instance has been up at `now`, when it is running.
    pub fn uptime(&self, now: Timestamp) -> Option<jiff::SignedDuration> {
        match (self.state, self.launch_time) {
            (InstanceState::Running, Some(t)) => Some(now.duration_since(t)),
            _ => None,
        }
    }
}
