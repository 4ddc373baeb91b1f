//! What a confirmed dialog button does, split by who carries it out: writes to the cloud and
//! the schedule rule, the dev-mode switch, and a post to the Slack channel.

use crate::devmode::Plan;

/// What a confirmed choice does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Intent {
    /// A write to the cloud or the schedule rule; answered with [`super::Action::Done`].
    Write(Write),
    /// Switch dev mode; answered with [`super::Action::DevApplied`].
    DevSwitch(DevSwitch),
    /// Post the dialog's text to the Slack channel.
    PostMessage,
}

/// A write to EC2 or `EventBridge`, answered with [`super::Action::Done`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Write {
    /// Start or stop instances.
    Power(Power),
    /// Enable (`true`) or disable the schedule rule.
    SetSchedule(bool),
}

/// Starting or stopping instances: the writes a `DryRun` checks first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Power {
    /// Start these instances.
    Start(Vec<String>),
    /// Stop these instances.
    Stop(Vec<String>),
}

/// Write the planned user data, stopping (and waiting for) the box first if asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DevSwitch {
    /// The plan that was shown.
    pub plan: Box<Plan>,
    /// Stop the instance and wait until it is stopped before writing.
    pub stop_first: bool,
}

/// Why a message was posted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PostKind {
    /// A test message written in the dialog (key `m`).
    Test,
    /// A notice about something the panel did (`slack.notify_actions`).
    Notice,
}
