//! Everything that can happen to the panel: user intents and the results of async work.

use jiff::Timestamp;

use crate::cloud::{CloudError, Instance};

/// One thing that happened. `update` turns it into state changes and effects.
#[derive(Debug, Clone)]
pub enum Action {
    /// The clock moved on (sent every second, and once at start).
    Tick(Timestamp),
    /// Leave the panel.
    Quit,
    /// Ask the cloud again now.
    Refresh,
    /// Show or hide the key help.
    ToggleHelp,
    /// Close the top overlay or the message line.
    Dismiss,
    /// Select the next instance (when several match).
    SelectNext,
    /// Select the previous instance.
    SelectPrev,
    /// The terminal changed size.
    Resize(u16, u16),
    /// Suspend the panel to the shell (Ctrl-Z); the app handles the terminal.
    Suspend,
    /// The answer to a `FetchInstances` effect.
    InstancesLoaded {
        /// Request number, to drop stale answers.
        seq: u64,
        /// The instances, or why there are none.
        result: Result<Vec<Instance>, CloudError>,
    },
}

/// Work `update` asks the app to do; each reports back as an [`Action`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Describe the instance(s); answer with [`Action::InstancesLoaded`].
    FetchInstances {
        /// Request number.
        seq: u64,
    },
    /// Ring the terminal bell.
    Bell,
    /// Suspend the terminal to the shell and resume.
    Suspend,
}
