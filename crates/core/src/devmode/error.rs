//! Why a dev-mode switch or a restore did not happen, or did not go as planned: one line each,
//! saying what was (not) written and what to do.

use std::path::PathBuf;
use std::time::Duration;

use crate::cloud::{CloudError, InstanceState};
use crate::timefmt::human_duration;
use crate::userdata::UserDataError;

/// A refused or failed switch, restore or wait. Unless the variant says otherwise, nothing was
/// written to the instance.
#[derive(Debug, thiserror::Error)]
pub enum DevError {
    /// A cloud call failed before anything was written (reads, the permission dry run).
    #[error(transparent)]
    Cloud(#[from] CloudError),

    /// The user data cannot be switched (no script line, several, gzip, not UTF-8, ...).
    #[error(transparent)]
    UserData(#[from] UserDataError),

    /// The instance is not among those the configuration finds (terminated, or another target).
    #[error("instance {id} is not among the instances found; check --instance-id and --region")]
    NoSuchInstance {
        /// The instance id asked for.
        id: String,
    },

    /// More than one instance matches the Name tag and none was picked.
    #[error(
        "{} instances match {target} ({}): dev mode and user data are per instance; pick one with --instance-id",
        ids.len(),
        ids.join(", ")
    )]
    SeveralInstances {
        /// What the configuration looks for, e.g. `Name=baseline model`.
        target: String,
        /// The ids of the matching instances.
        ids: Vec<String>,
    },

    /// EC2 changes user data only while the instance is stopped.
    #[error("{}", not_stopped(*state, retry))]
    NotStopped {
        /// The instance's current state.
        state: InstanceState,
        /// The command that stops (or waits) first, e.g. `baseline-panel dev on --stop`.
        retry: String,
    },

    /// The user data on the instance is no longer what the plan was computed from.
    #[error(
        "the user data changed since it was shown; nothing was written; look at it again (`baseline-panel userdata diff`) and retry"
    )]
    ChangedSinceShown,

    /// Read-only mode refuses every change.
    #[error(
        "read-only mode: `{what}` would change the instance, so nothing was done; run without --read-only (and without panel.read_only in the config file)"
    )]
    ReadOnly {
        /// What was refused, e.g. `dev on`.
        what: String,
    },

    /// The backup of the current user data could not be saved, so nothing was written.
    #[error(
        "cannot save a backup of the user data in {}: {source}; nothing was written; fix the directory (permissions, free space) and retry",
        dir.display()
    )]
    Backup {
        /// The backup directory.
        dir: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },

    /// A backup to restore could not be read.
    #[error(
        "cannot read the backup {name}: {source}; list the backups with `baseline-panel userdata backups`"
    )]
    BackupUnreadable {
        /// The name or path given.
        name: String,
        /// The I/O error.
        source: std::io::Error,
    },

    /// A backup holds nothing EC2 would accept as user data.
    #[error("the backup {name} {why}; choose another one (`baseline-panel userdata backups`)")]
    BackupUnusable {
        /// The name or path given.
        name: String,
        /// What is wrong with it, e.g. `is empty`.
        why: String,
    },

    /// EC2 refused the write (it answered with an error), or the request never left: nothing
    /// was written.
    #[error("{}; nothing was written", refusal(source))]
    WriteRefused {
        /// The write's error.
        source: CloudError,
    },

    /// The write got no answer (or a server error, or an answer that could not be read), and
    /// the user data still read as the previous version after waiting: the change may still
    /// be applied.
    #[error(
        "the write got no clear answer ({source}), so it may still be applied; {} later the user data still read as the previous version; look again in a few minutes (`baseline-panel dev status`, `baseline-panel userdata show`); the previous version is saved in {}",
        waited_text(*waited),
        backup.display()
    )]
    Unanswered {
        /// The backup of the previous user data.
        backup: PathBuf,
        /// Why there was no clear answer.
        source: CloudError,
        /// How long the read-back waited.
        waited: Duration,
    },

    /// EC2 accepted the write, but the user data still read as the previous version after
    /// waiting: the change may still be applied.
    #[error(
        "EC2 accepted the write, but {} later the user data still read as the previous version: the change may still be applied; look again in a few minutes (`baseline-panel dev status`); the previous version is saved in {}",
        waited_text(*waited),
        backup.display()
    )]
    NotShown {
        /// The backup of the previous user data.
        backup: PathBuf,
        /// How long the read-back waited.
        waited: Duration,
    },

    /// The user data read back as neither the previous nor the written version: someone else
    /// changed it. Their version is saved as a backup too, and nothing is written over it.
    #[error("{}", changed_by_other(backup, theirs, lines))]
    ChangedByOther {
        /// The backup of the previous user data.
        backup: PathBuf,
        /// The backup of the version found, or why it could not be saved.
        theirs: Result<PathBuf, String>,
        /// The lines (1-based) where it differs from what was written.
        lines: Vec<usize>,
    },

    /// The outcome of the write could not be checked: the user data may or may not have changed.
    #[error(
        "{}the user data could not be read back to check the write ({source}); see what the instance holds with `baseline-panel userdata show`; the previous version is saved in {}",
        unanswered.as_ref().map(|e| format!("the write got no clear answer ({e}) and ")).unwrap_or_default(),
        backup.display()
    )]
    Unverified {
        /// The backup of the previous user data.
        backup: PathBuf,
        /// Why it could not be read back.
        source: CloudError,
        /// The write's own error, when it got no clear answer either.
        unanswered: Option<String>,
    },

    /// The instance did not reach the state in time.
    #[error(
        "instance {id} is still {state} after {}, not {target}; check it with `baseline-panel status`",
        human_duration(jiff::SignedDuration::try_from(*waited).unwrap_or_default())
    )]
    WaitTimedOut {
        /// The instance.
        id: String,
        /// The state waited for.
        target: InstanceState,
        /// The state it was last seen in.
        state: InstanceState,
        /// How long was waited.
        waited: Duration,
    },

    /// The instance settled in another state than the one waited for.
    #[error("instance {id} went {state} instead of {target}; see why with `baseline-panel status`")]
    WaitInterrupted {
        /// The instance.
        id: String,
        /// The state waited for.
        target: InstanceState,
        /// The state it settled in.
        state: InstanceState,
    },
}

fn not_stopped(state: InstanceState, retry: &str) -> String {
    match state {
        InstanceState::Stopping => format!(
            "the instance is stopping: user data can be changed once it has stopped; wait a minute, or let `{retry}` wait for it"
        ),
        InstanceState::Terminated | InstanceState::ShuttingDown => {
            format!("the instance is {state}: its user data can no longer be changed")
        }
        _ => format!("the instance is {state}: stop it first (`{retry}`)"),
    }
}

/// How a refused write is told: a throttled write is not retried.
fn refusal(e: &CloudError) -> String {
    match e {
        CloudError::Throttled(code) => format!("AWS throttled the write ({code}); try again in a minute"),
        e => e.to_string(),
    }
}

fn waited_text(waited: Duration) -> String {
    human_duration(jiff::SignedDuration::try_from(waited).unwrap_or_default())
}

fn changed_by_other(backup: &std::path::Path, theirs: &Result<PathBuf, String>, lines: &[usize]) -> String {
    let at = match lines {
        [] => String::new(),
        [one] => format!(" (line {one})"),
        [a, b] => format!(" (lines {a} and {b})"),
        [a, b, rest @ ..] => format!(" (lines {a}, {b} and {} more)", rest.len()),
    };
    let kept = match theirs {
        Ok(p) => format!("their version is saved in {}", p.display()),
        Err(e) => format!("their version could not be saved ({e})"),
    };
    format!(
        "someone else changed the user data: it reads back differently from what was written{at}; it was left as it is; {kept}, the previous version in {}; look at it (`baseline-panel userdata show`) and restore the one you want (`baseline-panel userdata restore`)",
        backup.display()
    )
}

impl DevError {
    /// The cloud error underneath, for exit codes (permission, credentials, network).
    pub fn cloud(&self) -> Option<&CloudError> {
        match self {
            DevError::Cloud(e) | DevError::WriteRefused { source: e } => Some(e),
            _ => None,
        }
    }

    /// True when the outcome of a write is not known, or not what was asked (no answer, not
    /// shown in time, someone else's version, unreadable): the user data may be neither the
    /// previous nor the intended version, and the operator must look.
    pub fn needs_attention(&self) -> bool {
        matches!(
            self,
            DevError::Unanswered { .. }
                | DevError::NotShown { .. }
                | DevError::ChangedByOther { .. }
                | DevError::Unverified { .. }
        )
    }
}
