//! The one guarded write of user data, shared by a dev-mode switch and a restore.
//!
//! Order: the instance must be stopped; EC2 is asked (dry run) whether the write is permitted;
//! the user data is read again and must still be what the plan was computed from; the current
//! bytes are saved as a backup; the new bytes are written; they are read back and compared
//! byte for byte. A mismatch writes the previous bytes back and checks them too.

use std::path::{Path, PathBuf};

use jiff::Timestamp;

use super::{DevError, find};
use crate::backup::BackupStore;
use crate::cloud::{Cloud, CloudError, InstanceState};

/// What to write: the bytes the plan was computed from, and the bytes to put in their place.
pub(super) struct Guarded<'a> {
    pub id: &'a str,
    pub current: &'a [u8],
    pub proposed: &'a [u8],
    /// The command to suggest when the instance is not stopped.
    pub retry: &'a str,
}

/// Runs the whole guarded write and returns the backup's path.
pub(super) async fn write(
    cloud: &dyn Cloud,
    store: &BackupStore,
    w: Guarded<'_>,
    now: Timestamp,
) -> Result<PathBuf, DevError> {
    let instance = find(&cloud.instances().await?, w.id)?.clone();
    if instance.state != InstanceState::Stopped {
        return Err(DevError::NotStopped { state: instance.state, retry: w.retry.to_owned() });
    }
    cloud.set_user_data(w.id, w.proposed, true).await?;
    if cloud.user_data(w.id).await? != w.current {
        return Err(DevError::ChangedSinceShown);
    }
    let backup = store
        .save(w.id, w.current, now)
        .map_err(|source| DevError::Backup { dir: store.dir().to_path_buf(), source })?;
    tracing::info!(id = w.id, backup = %backup.display(), bytes = w.proposed.len(), "writing user data");
    if let Err(e) = cloud.set_user_data(w.id, w.proposed, false).await {
        tracing::warn!(id = w.id, error = %e, "user data write failed; reading back");
        // EC2 refused, or the answer was lost on the way: the bytes on the instance tell which.
        match cloud.user_data(w.id).await {
            Ok(b) if b == w.current => return Err(DevError::WriteRefused { source: e }),
            Ok(b) if b == w.proposed => {}
            Ok(_) => return Err(put_back(cloud, &w, &backup).await),
            Err(_) => return Err(DevError::Unverified { backup, source: e }),
        }
    }
    match cloud.user_data(w.id).await {
        Ok(b) if b == w.proposed => Ok(backup),
        Ok(_) => Err(put_back(cloud, &w, &backup).await),
        Err(source) => Err(DevError::Unverified { backup, source }),
    }
}

/// Writes the previous bytes back after a bad read-back, and says whether they read back exactly.
async fn put_back(cloud: &dyn Cloud, w: &Guarded<'_>, backup: &Path) -> DevError {
    tracing::error!(id = w.id, "user data read back differently; writing the previous version back");
    let detail = match cloud.set_user_data(w.id, w.current, false).await {
        Err(e) => Some(e.to_string()),
        Ok(()) => match cloud.user_data(w.id).await {
            Ok(b) if b == w.current => None,
            Ok(_) => Some("it read back differently too".to_owned()),
            Err(e) => Some(format!("it could not be read back: {e}")),
        },
    };
    DevError::ReadBackMismatch { backup: backup.to_path_buf(), restored: detail.is_none(), detail }
}

/// Asks EC2 (dry run) whether the user data may be written, without writing it.
///
/// A refusal because of the instance's state is not a permission problem and passes: callers
/// use this before stopping the instance, so they never stop it for a write that would be
/// denied.
pub async fn check_write_permission(cloud: &dyn Cloud, id: &str, bytes: &[u8]) -> Result<(), DevError> {
    match cloud.set_user_data(id, bytes, true).await {
        Ok(()) | Err(CloudError::WrongState(_)) => Ok(()),
        Err(e) => Err(e.into()),
    }
}
