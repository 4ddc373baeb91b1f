//! Dev mode on the real instance: switching the script line of its user data (or restoring a
//! backup) without ever losing a byte.
//!
//! Two steps, so a human can look before anything changes:
//!
//! 1. [`plan`] (or [`plan_restore`]) reads the user data and the instance, and says what would
//!    change: the one-line diff, the modes, the instance's state, warnings. It writes nothing.
//! 2. [`apply`] writes it, guarded: only while the instance is stopped, only if the user data is
//!    still what the plan was computed from, only after EC2 confirmed (dry run) the write is
//!    permitted and a backup of the current bytes is on disk, and then the new bytes are read
//!    back and compared byte for byte. A write without a clear answer is never reported as
//!    "nothing written"; someone else's version is kept, never overwritten (see `write`).
//!
//! [`wait_for_state`] waits for a stop or a start; [`select`] picks the one instance to act on.

mod diff;
mod error;
#[cfg(test)]
mod fake;
#[cfg(test)]
mod tests;
mod wait;
mod write;

use std::fmt;
use std::path::PathBuf;

use jiff::Timestamp;

pub use diff::lines_diff;
pub use error::DevError;
pub use wait::{Wait, wait_for_state};
pub use write::{READ_BACK_WAITS, check_write_permission};

use crate::backup::{BackupEntry, BackupStore};
use crate::cloud::{Cloud, Instance, InstanceState};
use crate::config::{Config, Target};
use crate::userdata::{self, MAX_USER_DATA_BYTES, Mode, Rewrite, ScriptLine, diff_line, inspect};

/// The backups of the configured cloud: `<state dir>/backups`, or `<state dir>/demo-backups` in
/// demo mode so the simulated box's user data is never mistaken for the real one's.
pub fn backup_store(cfg: &Config) -> BackupStore {
    let name = if cfg.demo { "demo-backups" } else { "backups" };
    BackupStore::new(crate::config::state_dir().join(name))
}

/// The instance to act on among those the configuration found: the only one, or an error
/// naming them all when several match the Name tag.
pub fn select<'a>(instances: &'a [Instance], target: &Target) -> Result<&'a Instance, DevError> {
    match instances {
        [only] => Ok(only),
        [] => Err(DevError::NoSuchInstance { id: target.to_string() }),
        several => Err(DevError::SeveralInstances {
            target: target.to_string(),
            ids: several.iter().map(|i| i.id.clone()).collect(),
        }),
    }
}

/// The instance `id` among `instances`.
fn find<'a>(instances: &'a [Instance], id: &str) -> Result<&'a Instance, DevError> {
    instances.iter().find(|i| i.id == id).ok_or_else(|| DevError::NoSuchInstance { id: id.to_owned() })
}

/// What a plan changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Switch the script line into a mode (`dev on` / `dev off`).
    Switch(Rewrite),
    /// Put a backup's bytes back (`userdata restore`).
    Restore {
        /// The backup file.
        backup: PathBuf,
    },
}

/// Something worth telling the user before they confirm; none of them stops the change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanWarning {
    /// A warning about the user data itself (e.g. no `scripts-user, always`).
    UserData(userdata::Warning),
    /// The backup was taken from another instance.
    OtherInstance {
        /// The instance the backup belongs to.
        backup_of: String,
    },
    /// After the restore, `dev on`/`off` will refuse the user data, for this reason.
    NotSwitchable(String),
}

impl fmt::Display for PlanWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PlanWarning::UserData(w) => w.fmt(f),
            PlanWarning::OtherInstance { backup_of } => write!(
                f,
                "this backup was taken from instance {backup_of}, not this one; make sure it is the user data you want here"
            ),
            PlanWarning::NotSwitchable(why) => {
                write!(f, "after the restore, dev on/off will refuse the user data: {why}")
            }
        }
    }
}

/// What [`apply`] would do, computed from one reading of the instance and its user data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The instance as it was when planning (its state may change before [`apply`], which
    /// checks again).
    pub instance: Instance,
    /// The change.
    pub change: Change,
    /// The user data the plan was computed from: [`apply`] writes only if the instance still
    /// holds exactly these bytes, and saves them as the backup.
    pub current: Vec<u8>,
    /// The user data after the change.
    pub proposed: Vec<u8>,
    /// The mode of the current user data (always known for a switch; `None` for a restore over
    /// user data without a single script line).
    pub current_mode: Option<Mode>,
    /// The mode after the change (always known for a switch).
    pub new_mode: Option<Mode>,
    /// Things to tell the user before they confirm.
    pub warnings: Vec<PlanWarning>,
}

impl Plan {
    /// The instance's id.
    pub fn id(&self) -> &str {
        &self.instance.id
    }

    /// Whether anything would be written; `false` when already in the requested mode (or the
    /// user data already equals the backup).
    pub fn changed(&self) -> bool {
        self.current != self.proposed
    }

    /// Whether the instance must be stopped before the change (it is not stopped now).
    pub fn needs_stop(&self) -> bool {
        self.changed() && self.instance.state != InstanceState::Stopped
    }

    /// The diff for the user to confirm: one line for a switch (`line 21:` / `-…` / `+…`),
    /// the differing lines for a restore. No final newline.
    pub fn diff(&self) -> String {
        match &self.change {
            Change::Switch(rewrite) => diff_line(rewrite),
            Change::Restore { .. } => lines_diff(&self.current, &self.proposed),
        }
    }

    /// The command that does this change after stopping the instance, for messages.
    pub fn retry_command(&self) -> String {
        match (&self.change, self.new_mode) {
            (Change::Switch(_), Some(Mode::Run)) => "baseline-panel dev off --stop".to_owned(),
            (Change::Switch(_), _) => "baseline-panel dev on --stop".to_owned(),
            (Change::Restore { backup }, _) => format!(
                "baseline-panel userdata restore {} --stop",
                backup.file_name().map(PathBuf::from).unwrap_or_default().display()
            ),
        }
    }
}

/// The outcome of [`apply`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    /// The instance written to.
    pub instance_id: String,
    /// The mode the user data is in now (`None` after restoring user data without a single
    /// script line).
    pub mode: Option<Mode>,
    /// The backup of the previous user data; `None` when nothing needed writing.
    pub backup: Option<PathBuf>,
}

/// Reads instance `id` and its user data, and plans switching dev mode `on` (script line
/// commented out) or off. Writes nothing.
pub async fn plan(cloud: &dyn Cloud, id: &str, pattern: &ScriptLine, on: bool) -> Result<Plan, DevError> {
    let instance = find(&cloud.instances().await?, id)?.clone();
    let current = cloud.user_data(id).await?;
    let rewrite = userdata::set_dev_mode(&current, pattern, on)?;
    let current_mode = match (rewrite.changed, rewrite.mode) {
        (false, mode) => mode,
        (true, Mode::Dev) => Mode::Run,
        (true, Mode::Run) => Mode::Dev,
    };
    Ok(Plan {
        instance,
        current,
        proposed: rewrite.bytes.clone(),
        current_mode: Some(current_mode),
        new_mode: Some(rewrite.mode),
        warnings: rewrite.warnings.iter().copied().map(PlanWarning::UserData).collect(),
        change: Change::Switch(rewrite),
    })
}

/// Reads instance `id`, its user data and a backup (a file name in `store` or a path), and
/// plans writing the backup's bytes back. Writes nothing.
///
/// Refuses an empty backup and one over AWS's size limit. Warns when the backup was taken from
/// another instance, and when the restored user data could not be switched by `dev on`/`off`.
pub async fn plan_restore(
    cloud: &dyn Cloud,
    store: &BackupStore,
    id: &str,
    backup: &str,
    pattern: &ScriptLine,
) -> Result<Plan, DevError> {
    let proposed = store
        .read(backup)
        .map_err(|source| DevError::BackupUnreadable { name: backup.to_owned(), source })?;
    let unusable = |why: String| DevError::BackupUnusable { name: backup.to_owned(), why };
    if proposed.is_empty() {
        return Err(unusable("is empty".into()));
    }
    if proposed.len() > MAX_USER_DATA_BYTES {
        return Err(unusable(format!(
            "holds {} bytes, over AWS's limit of {MAX_USER_DATA_BYTES}",
            proposed.len()
        )));
    }
    let path = resolve(store, backup);
    let instance = find(&cloud.instances().await?, id)?.clone();
    let current = cloud.user_data(id).await?;
    let mut warnings = Vec::new();
    if let Some(entry) = entry_of(&path)
        && entry.instance_id != id
    {
        warnings.push(PlanWarning::OtherInstance { backup_of: entry.instance_id });
    }
    let new_mode = match inspect(&proposed, pattern) {
        Ok(i) => {
            warnings.extend(i.warnings.into_iter().map(PlanWarning::UserData));
            Some(i.mode)
        }
        Err(e) => {
            warnings.push(PlanWarning::NotSwitchable(e.to_string()));
            None
        }
    };
    Ok(Plan {
        instance,
        current_mode: inspect(&current, pattern).ok().map(|i| i.mode),
        new_mode,
        current,
        proposed,
        warnings,
        change: Change::Restore { backup: path },
    })
}

/// The path a backup name or path designates, as [`BackupStore::read`] reads it.
fn resolve(store: &BackupStore, backup: &str) -> PathBuf {
    let given = std::path::Path::new(backup);
    if given.components().count() == 1 && given.file_name().is_some() {
        store.dir().join(given)
    } else {
        given.to_path_buf()
    }
}

/// The backup entry of a file, when its name is a backup name (listing its own directory).
fn entry_of(path: &std::path::Path) -> Option<BackupEntry> {
    let name = path.file_name()?;
    BackupStore::new(path.parent()?.to_path_buf())
        .list(None)
        .ok()?
        .into_iter()
        .find(|e| e.path.file_name() == Some(name))
}

/// Carries out a plan: see the module documentation for the guards. `now` names the backup.
///
/// A plan that changes nothing writes nothing, makes no call and returns no backup.
pub async fn apply(
    cloud: &dyn Cloud,
    store: &BackupStore,
    plan: &Plan,
    now: Timestamp,
) -> Result<Applied, DevError> {
    apply_waiting(cloud, store, plan, now, &READ_BACK_WAITS).await
}

/// [`apply`] with other waits before each read-back (tests wait less).
pub async fn apply_waiting(
    cloud: &dyn Cloud,
    store: &BackupStore,
    plan: &Plan,
    now: Timestamp,
    waits: &[std::time::Duration],
) -> Result<Applied, DevError> {
    let mode = plan.new_mode;
    if !plan.changed() {
        return Ok(Applied { instance_id: plan.id().to_owned(), mode, backup: None });
    }
    let retry = plan.retry_command();
    let guarded =
        write::Guarded { id: plan.id(), current: &plan.current, proposed: &plan.proposed, retry: &retry };
    let backup = write::write(cloud, store, guarded, now, waits).await?;
    Ok(Applied { instance_id: plan.id().to_owned(), mode, backup: Some(backup) })
}

/// Restores a backup in one go: [`plan_restore`], then [`apply`] (which first saves a backup of
/// the current bytes). For callers that confirmed already; the CLI shows the plan first.
pub async fn restore(
    cloud: &dyn Cloud,
    store: &BackupStore,
    id: &str,
    backup: &str,
    pattern: &ScriptLine,
    now: Timestamp,
) -> Result<Applied, DevError> {
    let plan = plan_restore(cloud, store, id, backup, pattern).await?;
    apply(cloud, store, &plan, now).await
}
