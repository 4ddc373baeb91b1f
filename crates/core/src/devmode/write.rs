//! The one guarded write of user data, shared by a dev-mode switch and a restore.
//!
//! Order: the instance must be stopped; EC2 is asked (dry run) whether the write is permitted;
//! the user data is read again and must still be what the plan was computed from (the last call
//! before the write, so another writer has only the backup's local save to slip in); the
//! current bytes are saved as a backup; the new bytes are written, in one attempt; they are read
//! back and compared byte for byte, waiting a little for a write that shows late.
//!
//! What the answers prove, and what is then said:
//! - EC2 refused the write (an error code, throttling) or the request never left: nothing was
//!   written.
//! - No answer (timeout, connection closed), a server error or an unreadable answer: the write
//!   may have landed, or may still land. The read-back decides; if it still shows the previous
//!   version, the change "may still be applied" — never "nothing was written".
//! - The read-back shows a third version: someone else changed the user data. It is saved as a
//!   backup too and left as it is: writing the previous version back would destroy their change
//!   and race them again, so the operator decides.

use std::path::PathBuf;
use std::time::Duration;

use jiff::Timestamp;

use super::{DevError, find};
use crate::backup::BackupStore;
use crate::cloud::{Cloud, CloudError, InstanceState};

/// The waits before each read-back after a write: a write whose answer was lost, or that EC2
/// accepted but does not show yet, gets about 7 s to show.
pub const READ_BACK_WAITS: [Duration; 4] =
    [Duration::ZERO, Duration::from_secs(1), Duration::from_secs(2), Duration::from_secs(4)];

/// What to write: the bytes the plan was computed from, and the bytes to put in their place.
pub(super) struct Guarded<'a> {
    pub id: &'a str,
    pub current: &'a [u8],
    pub proposed: &'a [u8],
    /// The command to suggest when the instance is not stopped.
    pub retry: &'a str,
}

/// What the read-back found.
enum Seen {
    /// The written bytes.
    Written,
    /// The previous bytes, every time.
    Previous,
    /// Bytes that are neither.
    Other(Vec<u8>),
    /// No read succeeded.
    Unreadable(CloudError),
}

/// Runs the whole guarded write and returns the backup's path; `waits` as [`READ_BACK_WAITS`].
pub(super) async fn write(
    cloud: &dyn Cloud,
    store: &BackupStore,
    w: Guarded<'_>,
    now: Timestamp,
    waits: &[Duration],
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
    let unanswered = match cloud.set_user_data(w.id, w.proposed, false).await {
        Ok(()) => None,
        Err(source) if source.nothing_done() => return Err(DevError::WriteRefused { source }),
        Err(e) => {
            tracing::warn!(id = w.id, error = %e, "the user data write got no clear answer; reading back");
            Some(e)
        }
    };
    let (seen, waited) = read_back(cloud, &w, waits).await;
    match seen {
        Seen::Written => {
            if unanswered.is_some() {
                tracing::info!(id = w.id, "the write's answer was lost, but it reads back as written");
            }
            Ok(backup)
        }
        Seen::Previous => Err(match unanswered {
            Some(source) => DevError::Unanswered { backup, source, waited },
            None => DevError::NotShown { backup, waited },
        }),
        Seen::Other(theirs) => {
            tracing::error!(id = w.id, "the user data reads back as a version nobody here wrote");
            let lines = differing_lines(w.proposed, &theirs);
            let saved = store.save(w.id, &theirs, now).map_err(|e| e.to_string());
            Err(DevError::ChangedByOther { backup, theirs: saved, lines })
        }
        Seen::Unreadable(source) => {
            Err(DevError::Unverified { backup, source, unanswered: unanswered.map(|e| e.to_string()) })
        }
    }
}

/// Reads the user data after each wait until it shows the written bytes or a third version;
/// returns what it found last and how long it waited.
async fn read_back(cloud: &dyn Cloud, w: &Guarded<'_>, waits: &[Duration]) -> (Seen, Duration) {
    let mut seen = Seen::Unreadable(CloudError::Other("the user data was not read back".into()));
    let mut waited = Duration::ZERO;
    for wait in waits {
        tokio::time::sleep(*wait).await;
        waited += *wait;
        match cloud.user_data(w.id).await {
            Ok(b) if b == w.proposed => return (Seen::Written, waited),
            Ok(b) if b == w.current => seen = Seen::Previous,
            Ok(b) => return (Seen::Other(b), waited),
            // A failed read after a good one changes nothing that was found.
            Err(e) if matches!(seen, Seen::Unreadable(_)) => seen = Seen::Unreadable(e),
            Err(_) => {}
        }
    }
    (seen, waited)
}

/// The 1-based numbers of the lines that differ between `a` and `b`, compared line by line.
pub(super) fn differing_lines(a: &[u8], b: &[u8]) -> Vec<usize> {
    let (a, b): (Vec<&[u8]>, Vec<&[u8]>) =
        (a.split(|&c| c == b'\n').collect(), b.split(|&c| c == b'\n').collect());
    (0..a.len().max(b.len())).filter(|&n| a.get(n) != b.get(n)).map(|n| n + 1).collect()
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
