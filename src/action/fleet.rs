//! What can happen to the fleet view, and the work it asks for.

use jiff::Timestamp;

use crate::activity::DevOwner;
use crate::fleet::Reading;

/// One thing that happened in the fleet view.
#[derive(Debug, Clone)]
pub enum FleetAction {
    /// The clock moved on (every second).
    Tick(Timestamp),
    /// Move the selection by this many rows (arrows, page keys, `Home`, `End`).
    Step(isize),
    /// Open the selected box's full panel (`Enter`).
    Open,
    /// Ask every box again now (`r`).
    Refresh,
    /// Clear the footer message (`Esc`).
    Dismiss,
    /// Leave the panel.
    Quit,
    /// The terminal is now this size (columns, rows).
    Resize(u16, u16),
    /// The look numbered `seq` at box `index` ended: its reading, or why the box did not answer.
    Looked {
        /// The box, by its place in the list.
        index: usize,
        /// The look's number: an answer to an older one is dropped.
        seq: u64,
        /// What it read, or why not.
        result: Result<Box<Reading>, String>,
    },
    /// The owner lookup numbered `seq` at box `index` ended: who put its instance in dev mode
    /// (`None`: the history does not say), or why `CloudTrail` could not be read.
    Owned {
        /// The box, by its place in the list.
        index: usize,
        /// The lookup's number: an answer to an older one is dropped.
        seq: u64,
        /// Who, or why not.
        result: Result<Option<DevOwner>, String>,
    },
}

/// Work the fleet view asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FleetEffect {
    /// Look at box `index` (numbered `seq`); read its run log too when `with_runs`. Answer with
    /// [`FleetAction::Looked`].
    Look {
        /// The box.
        index: usize,
        /// The look's number.
        seq: u64,
        /// Read the run log too.
        with_runs: bool,
    },
    /// Ask `CloudTrail` who put box `index`'s instance `instance` in dev mode (one
    /// `LookupEvents` on the instance id). Answer with [`FleetAction::Owned`].
    Owner {
        /// The box.
        index: usize,
        /// The lookup's number.
        seq: u64,
        /// The instance id.
        instance: String,
    },
}
