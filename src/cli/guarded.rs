//! The write path shared by `dev on`, `dev off` and `userdata restore`: show the plan, ask,
//! stop and wait if asked to, write (guarded by [`devmode::apply`]), start and wait if asked to.

use std::time::Duration;

use jiff::Timestamp;

use std::io::Write as _;

use super::Failure;
use super::confirm::REFUSED;
use super::notice::Notices;
use crate::chat::notice::ActionNotice;
use crate::cloud::{Cloud, Instance, InstanceState};
use crate::config::Config;
use crate::devmode::{self, Change, DevError, Plan, Wait};
use crate::sanitize::{field, text};
use crate::timefmt::human_duration;
use crate::userdata::Mode;

/// Exit code when the user data may be neither the old nor the new version: look at it.
pub const NEEDS_ATTENTION: i32 = 8;

impl From<DevError> for Failure {
    fn from(e: DevError) -> Self {
        let code = match &e {
            _ if e.needs_attention() => NEEDS_ATTENTION,
            DevError::NoSuchInstance { .. } => 3,
            DevError::NotStopped { .. } | DevError::ChangedSinceShown | DevError::ReadOnly { .. } => REFUSED,
            _ => match e.cloud() {
                Some(c) => Failure::from(c.clone()).code,
                None => 1,
            },
        };
        Failure { code, message: e.to_string() }
    }
}

/// Refuses `what` (e.g. `dev on`) in read-only mode, before any call.
pub fn refuse_if_read_only(cfg: &Config, what: &str) -> Result<(), Failure> {
    if cfg.read_only {
        return Err(DevError::ReadOnly { what: what.into() }.into());
    }
    Ok(())
}

/// Flags of a write command.
pub struct Options<'a> {
    /// The command, e.g. `dev on`, for messages.
    pub what: &'a str,
    /// `--yes`: do not ask.
    pub yes: bool,
    /// `--stop`: stop a running instance first.
    pub stop: bool,
    /// `--start`: start the instance afterwards.
    pub start: bool,
    /// Where to post the Slack notice once the user data is written (`dev on`/`dev off`).
    pub notices: Option<&'a Notices>,
}

/// `i-0db5… (baseline model), stopped`.
pub fn describe(i: &Instance) -> String {
    format!("{} ({}), {}", i.id, i.name.as_deref().unwrap_or("no Name tag"), i.state)
}

fn mode_text(mode: Option<Mode>) -> &'static str {
    match mode {
        Some(Mode::Dev) => "dev mode",
        Some(Mode::Run) => "run mode",
        None => "user data without a single script line",
    }
}

/// Prints the plan: the instance, the diff, the warnings.
fn show(plan: &Plan) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "instance: {}", field(&describe(&plan.instance)))?;
    if let Change::Restore { backup } = &plan.change {
        writeln!(out, "backup:   {}", backup.display())?;
    }
    writeln!(out, "{}", text(&plan.diff()))?;
    for w in &plan.warnings {
        eprintln!("warning: {}", field(&w.to_string()));
    }
    Ok(())
}

/// What the user is asked.
fn question(plan: &Plan, opts: &Options<'_>) -> String {
    let mut q = match &plan.change {
        Change::Switch(_) => format!("Switch {} to {}", plan.id(), mode_text(plan.new_mode)),
        Change::Restore { .. } => format!("Restore this backup on {}", plan.id()),
    };
    if plan.needs_stop() && plan.instance.state != InstanceState::Stopping {
        q.push_str(", stopping it first (a run in progress would be cut short)");
    }
    if opts.start {
        q.push_str(match plan.new_mode {
            Some(Mode::Run) => ", then start it (this starts a run)",
            _ => ", then start it",
        });
    }
    q.push('?');
    q
}

/// Prints the instance's state on stderr while waiting, each change and every 10 s.
pub(super) fn progress(verb: &'static str) -> impl FnMut(&Instance, Duration) + Send {
    let mut last: Option<(InstanceState, u64)> = None;
    move |i, waited| {
        let secs = waited.as_secs();
        let due = match last {
            Some((state, at)) => state != i.state || secs >= at + 10,
            None => true,
        };
        if due {
            let elapsed =
                human_duration(jiff::SignedDuration::from_secs(i64::try_from(secs).unwrap_or(i64::MAX)));
            eprintln!("waiting for {} to {verb}: {} ({elapsed})", i.id, i.state);
            last = Some((i.state, secs));
        }
    }
}

/// Stops the instance (unless it is stopping already) and waits until it has stopped.
async fn stop_and_wait(cloud: &dyn Cloud, plan: &Plan) -> Result<(), Failure> {
    // Never stop the box for a write that would be denied.
    devmode::check_write_permission(cloud, plan.id(), &plan.proposed).await?;
    let ids = [plan.id().to_owned()];
    if plan.instance.state != InstanceState::Stopping {
        cloud.stop(&ids, false).await?;
    }
    let mut report = progress("stop");
    devmode::wait_for_state(cloud, plan.id(), InstanceState::Stopped, Wait::default(), &mut report).await?;
    Ok(())
}

/// Starts the instance, waits until it runs, prints how to reach it.
async fn start_and_wait(cfg: &Config, cloud: &dyn Cloud, id: &str) -> Result<(), Failure> {
    cloud.start(&[id.to_owned()], false).await?;
    let mut report = progress("start");
    let up = devmode::wait_for_state(cloud, id, InstanceState::Running, Wait::default(), &mut report).await?;
    let mut out = std::io::stdout().lock();
    match &up.public_dns {
        Some(dns) => {
            writeln!(out, "{id} is running; public DNS: {}", field(dns))?;
            writeln!(out, "{}", field(&crate::shell::ssh_command(&cfg.dev, dns)))?;
        }
        None => {
            writeln!(
                out,
                "{id} is running but has no public DNS name; reach it through its private address"
            )?;
        }
    }
    Ok(())
}

/// Shows the plan, asks, and carries it out with the options' stop and start.
pub async fn carry_out(
    cfg: &Config,
    cloud: &dyn Cloud,
    plan: Plan,
    opts: &Options<'_>,
) -> Result<(), Failure> {
    show(&plan)?;
    if !plan.changed() {
        let already = match &plan.change {
            Change::Switch(_) => {
                format!("{} is already in {}", plan.id(), mode_text(plan.new_mode))
            }
            Change::Restore { .. } => {
                format!("{}'s user data already equals this backup", plan.id())
            }
        };
        println!("{already}; nothing to write");
        if opts.start && plan.instance.state != InstanceState::Running {
            super::confirm::confirm(&format!("Start {}?", plan.id()), opts.what, opts.yes)?;
            start_and_wait(cfg, cloud, plan.id()).await?;
        }
        return Ok(());
    }
    if plan.needs_stop() && !opts.stop {
        return Err(DevError::NotStopped { state: plan.instance.state, retry: plan.retry_command() }.into());
    }
    super::confirm::confirm(&question(&plan, opts), opts.what, opts.yes)?;
    if plan.needs_stop() {
        stop_and_wait(cloud, &plan).await?;
    }
    let store = devmode::backup_store(cfg);
    let done = devmode::apply(cloud, &store, &plan, Timestamp::now()).await?;
    let mut out = std::io::stdout().lock();
    match &plan.change {
        Change::Switch(_) => writeln!(out, "{} is now in {}", done.instance_id, mode_text(done.mode))?,
        Change::Restore { .. } => {
            writeln!(out, "{} has the backup's user data back ({})", done.instance_id, mode_text(done.mode))?;
        }
    }
    if let Some(path) = &done.backup {
        writeln!(out, "previous user data saved in {}", path.display())?;
    }
    drop(out);
    if let Some(notices) = opts.notices {
        notices.post(ActionNotice::UserData { id: &done.instance_id, mode: done.mode }).await;
    }
    if opts.start {
        start_and_wait(cfg, cloud, plan.id()).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use clap::{CommandFactory, Parser};

    use super::*;
    use crate::cli::{Cli, Command, DevCommand, UserdataCommand};
    use crate::cloud::CloudError;

    #[test]
    fn the_commands_parse() {
        Cli::command().debug_assert();
        let cli = Cli::parse_from(["baseline-panel", "dev", "on", "-y", "--stop", "--start"]);
        let Some(Command::Dev { command: DevCommand::On(a) }) = cli.command else { panic!("{cli:?}") };
        assert!(a.yes && a.stop && a.start);
        let cli =
            Cli::parse_from(["baseline-panel", "--read-only", "userdata", "restore", "b.userdata", "--yes"]);
        assert!(cli.read_only);
        assert!(matches!(
            cli.command,
            Some(Command::Userdata {
                command: UserdataCommand::Restore { ref backup, yes: true, stop: false, force: false }
            }) if backup == "b.userdata"
        ));
    }

    #[test]
    fn exit_codes_tell_refusals_permissions_and_trouble_apart() {
        let code = |e: DevError| Failure::from(e).code;
        assert_eq!(code(DevError::ChangedSinceShown), REFUSED);
        assert_eq!(code(DevError::NotStopped { state: InstanceState::Running, retry: "x".into() }), REFUSED);
        let denied =
            CloudError::AccessDenied { action: "ec2:ModifyInstanceAttribute".into(), detail: String::new() };
        assert_eq!(code(DevError::Cloud(denied.clone())), 4);
        assert_eq!(code(DevError::WriteRefused { source: denied }), 4);
        let throttled = CloudError::Throttled("RequestLimitExceeded".into());
        assert_eq!(code(DevError::WriteRefused { source: throttled }), 5);
        let lost = CloudError::NoAnswer { endpoint: "ec2".into(), detail: "timed out".into() };
        let waited = Duration::from_secs(7);
        assert_eq!(code(DevError::Unanswered { backup: "b".into(), source: lost, waited }), NEEDS_ATTENTION);
        assert_eq!(code(DevError::NotShown { backup: "b".into(), waited }), NEEDS_ATTENTION);
        assert_eq!(
            code(DevError::ChangedByOther { backup: "b".into(), theirs: Ok("t".into()), lines: vec![3] }),
            NEEDS_ATTENTION
        );
    }
}
