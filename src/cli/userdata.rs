//! `baseline-panel userdata show|diff|backups|restore`: the instance's user data and its backups.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::Subcommand;

use super::Failure;
use super::confirm::REFUSED;
use super::dev::{pattern, selected};
use super::guarded::{self, Options};
use crate::backup::BackupStore;
use crate::bounded::{ReadError, read_regular};
use crate::cloud::Cloud;
use crate::config::Config;
use crate::devmode::{self, DevError};
use crate::timefmt::utc;
use crate::userdata::{MAX_USER_DATA_BYTES, Mode, ScriptLine, diff_line, inspect, set_dev_mode};

/// What `userdata` does.
#[derive(Debug, Subcommand)]
pub enum UserdataCommand {
    /// Print the instance's user data: byte for byte into a pipe or file; on a terminal with
    /// control characters shown escaped (`\r`, `\u{1b}`).
    Show,
    /// Show the line `dev on` or `dev off` would change, given the current mode.
    Diff,
    /// List the backups taken before each change, newest first.
    Backups,
    /// Write a backup back to the instance (stopped instances only; the current user data is
    /// backed up first). The file must be user data with exactly one script line, unless --force.
    Restore {
        /// The backup: a file name from `userdata backups`, or a path.
        backup: String,
        /// Do not ask for confirmation (needed when stdin is not a terminal).
        #[arg(long, short = 'y')]
        yes: bool,
        /// Stop the instance first if it is running, and wait until it has stopped.
        #[arg(long)]
        stop: bool,
        /// Write the file even when it is not user data with exactly one script line (it must
        /// still be a regular file within AWS's 16 KB limit).
        #[arg(long)]
        force: bool,
    },
}

/// Runs `userdata …`.
pub async fn run(cfg: &Config, cloud: &dyn Cloud, cmd: &UserdataCommand) -> Result<(), Failure> {
    match cmd {
        UserdataCommand::Show => {
            let id = selected(cfg, cloud).await?.id;
            let bytes = cloud.user_data(&id).await?;
            let mut out = std::io::stdout().lock();
            if out.is_terminal() {
                out.write_all(crate::sanitize::text_bytes(&bytes).as_bytes())?;
            } else {
                out.write_all(&bytes)?;
            }
            out.flush()?;
            Ok(())
        }
        UserdataCommand::Diff => diff(cfg, cloud).await,
        UserdataCommand::Backups => backups(cfg),
        UserdataCommand::Restore { backup, yes, stop, force } => {
            guarded::refuse_if_read_only(cfg, "userdata restore")?;
            let pattern = pattern(cfg)?;
            let store = devmode::backup_store(cfg);
            let checked = restorable(&store, backup, &pattern, *force)?;
            let id = selected(cfg, cloud).await?.id;
            let plan = devmode::plan_restore(cloud, &store, &id, backup, &pattern).await?;
            if plan.proposed != checked {
                return Err(Failure {
                    code: REFUSED,
                    message: format!(
                        "the backup {backup} changed while it was being read; nothing was written: run the command again"
                    ),
                });
            }
            let opts =
                Options { what: "userdata restore", yes: *yes, stop: *stop, start: false, notices: None };
            guarded::carry_out(cfg, cloud, plan, &opts).await
        }
    }
}

/// The path a backup name or path designates: a bare file name is looked up in the store.
fn backup_path(store: &BackupStore, backup: &str) -> PathBuf {
    let given = Path::new(backup);
    if given.components().count() == 1 && given.file_name().is_some() {
        store.dir().join(given)
    } else {
        given.to_path_buf()
    }
}

/// Checks the file `userdata restore` would write, before any call: a regular file (never a
/// device or a pipe) within AWS's size limit, read no further than that limit, and, unless
/// `force`, user data with exactly one script line. Returns its bytes.
fn restorable(
    store: &BackupStore,
    backup: &str,
    pattern: &ScriptLine,
    force: bool,
) -> Result<Vec<u8>, Failure> {
    let path = backup_path(store, backup);
    let unusable = |why: String| DevError::BackupUnusable { name: backup.to_owned(), why };
    let bytes = read_regular(&path, MAX_USER_DATA_BYTES as u64).map_err(|e| match e {
        ReadError::Io(source) => DevError::BackupUnreadable { name: backup.to_owned(), source },
        ReadError::NotRegular(kind) => unusable(format!("is {kind}, not a regular file")),
        ReadError::TooLarge { size: Some(size), limit } => {
            unusable(format!("holds {size} bytes, over AWS's limit of {limit}"))
        }
        ReadError::TooLarge { size: None, limit } => {
            unusable(format!("holds more than AWS's limit of {limit} bytes"))
        }
    })?;
    if force {
        return Ok(bytes);
    }
    match inspect(&bytes, pattern) {
        Ok(_) => Ok(bytes),
        Err(why) => Err(Failure {
            code: REFUSED,
            message: format!(
                "{} is not user data with exactly one script line ({why}); nothing was written: \
                 restore a file from `baseline-panel userdata backups`, or pass --force to write this \
                 one anyway (the current user data is backed up first)",
                path.display()
            ),
        }),
    }
}

/// `userdata diff`: what the opposite switch would change.
async fn diff(cfg: &Config, cloud: &dyn Cloud) -> Result<(), Failure> {
    let pattern = pattern(cfg)?;
    let id = selected(cfg, cloud).await?.id;
    let bytes = cloud.user_data(&id).await?;
    let now = inspect(&bytes, &pattern).map_err(crate::devmode::DevError::from)?;
    let (command, on) = match now.mode {
        Mode::Run => ("dev on", true),
        Mode::Dev => ("dev off", false),
    };
    let rewrite = set_dev_mode(&bytes, &pattern, on).map_err(crate::devmode::DevError::from)?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{id} is in {} mode; `baseline-panel {command}` would change:", now.mode)?;
    writeln!(out, "{}", crate::sanitize::text(&diff_line(&rewrite)))?;
    Ok(())
}

/// `userdata backups`: newest first, time, instance, size, path.
fn backups(cfg: &Config) -> Result<(), Failure> {
    let store = devmode::backup_store(cfg);
    let list = store.list(None)?;
    if list.is_empty() {
        eprintln!("no backups yet in {}", store.dir().display());
        return Ok(());
    }
    let mut out = std::io::stdout().lock();
    for b in list {
        writeln!(out, "{}  {:<20} {:>6} B  {}", utc(b.timestamp), b.instance_id, b.size, b.path.display())?;
    }
    Ok(())
}
