//! `baseline-panel userdata show|diff|backups|restore`: the instance's user data and its backups.

use std::io::{IsTerminal, Write};

use clap::Subcommand;

use super::Failure;
use super::dev::{pattern, selected};
use super::guarded::{self, Options};
use crate::cloud::Cloud;
use crate::config::Config;
use crate::devmode;
use crate::timefmt::utc;
use crate::userdata::{Mode, diff_line, inspect, set_dev_mode};

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
    /// backed up first).
    Restore {
        /// The backup: a file name from `userdata backups`, or a path.
        backup: String,
        /// Do not ask for confirmation (needed when stdin is not a terminal).
        #[arg(long, short = 'y')]
        yes: bool,
        /// Stop the instance first if it is running, and wait until it has stopped.
        #[arg(long)]
        stop: bool,
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
        UserdataCommand::Restore { backup, yes, stop } => {
            guarded::refuse_if_read_only(cfg, "userdata restore")?;
            let pattern = pattern(cfg)?;
            let id = selected(cfg, cloud).await?.id;
            let store = devmode::backup_store(cfg);
            let plan = devmode::plan_restore(cloud, &store, &id, backup, &pattern).await?;
            let opts = Options { what: "userdata restore", yes: *yes, stop: *stop, start: false };
            guarded::carry_out(cfg, cloud, plan, &opts).await
        }
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
