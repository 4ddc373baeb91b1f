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
    /// Read the move dialog's time and zone and show both schedules side by side.
    MoveCompare,
    /// Carry out a confirmed schedule move (or its undo), step by step; each step answered
    /// with [`super::Action::MoveStepDone`].
    Move(Move),
}

/// A confirmed move of the box's schedule between the `EventBridge` rule and an `EventBridge`
/// Scheduler schedule, in the order that keeps the box scheduled at every moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Move {
    /// Create the Scheduler schedule, then (when the rule fires) disable the rule.
    ToScheduler {
        /// The schedule to create.
        new: Box<crate::schedule::rules::NewSchedule>,
        /// Whether the rule is to be disabled after (it fires now).
        disable_rule: bool,
    },
    /// Back to the rule: enable it (when it does not fire), then delete the Scheduler schedule.
    Back {
        /// Whether the rule is to be enabled first.
        enable_rule: bool,
    },
}

/// One step of a [`Move`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoveStep {
    /// Creating the Scheduler schedule.
    CreateSchedule,
    /// Disabling the rule.
    DisableRule,
    /// Enabling the rule.
    EnableRule,
    /// Deleting the Scheduler schedule.
    DeleteSchedule,
}

impl MoveStep {
    /// What the step does, e.g. `creating the Scheduler schedule`.
    pub fn doing(self) -> &'static str {
        match self {
            MoveStep::CreateSchedule => "creating the Scheduler schedule",
            MoveStep::DisableRule => "disabling the rule",
            MoveStep::EnableRule => "enabling the rule",
            MoveStep::DeleteSchedule => "deleting the Scheduler schedule",
        }
    }
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
