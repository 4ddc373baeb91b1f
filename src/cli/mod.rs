//! The command line: global flags, subcommands, exit codes.

pub mod activity;
pub mod complete;
pub mod confirm;
mod dev;
mod doctor;
pub mod exit;
mod fleet;
mod guarded;
pub mod logs;
mod man;
mod notice;
mod power;
mod runs;
pub mod schedule;
mod schedule_move;
mod slack;
pub mod ssh;
mod status;
#[cfg(test)]
mod surfaces_tests;
mod userdata;

pub use slack::SlackCommand;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::backends::Backends;
use crate::cloud::CloudError;
use crate::config::{Config, ConfigError, Overrides};

pub use confirm::REFUSED;
pub use dev::{DevCommand, SwitchArgs};
pub use guarded::NEEDS_ATTENTION;
pub use userdata::UserdataCommand;

/// Terminal control panel for the lab's weekly baseline model run on AWS.
///
/// With no command, opens the panel. `--demo` runs it against a simulated box (no AWS needed).
#[derive(Debug, Parser)]
#[command(name = "baseline-panel", version, about, long_about = None)]
pub struct Cli {
    /// Run against a simulated box: no AWS, no network.
    #[arg(long, global = true)]
    pub demo: bool,
    /// Config file (default: $XDG_CONFIG_HOME/baseline-panel/config.toml).
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// AWS profile (default: the SDK's default chain).
    #[arg(long, global = true, env = "AWS_PROFILE")]
    pub profile: Option<String>,
    /// AWS region (default: us-east-1).
    #[arg(long, global = true, env = "AWS_REGION")]
    pub region: Option<String>,
    /// Find the box by instance id instead of its Name tag.
    #[arg(long, global = true, value_name = "ID")]
    pub instance_id: Option<String>,
    /// Find the box by this Name tag (default: "baseline model").
    #[arg(long, global = true, value_name = "NAME")]
    pub instance_name: Option<String>,
    /// Custom AWS endpoint, e.g. a local moto server.
    #[arg(long, global = true, env = "AWS_ENDPOINT_URL", value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// Disable every action that changes anything.
    #[arg(long, global = true)]
    pub read_only: bool,
    /// Which job box, when the config file lists several under [boxes.NAME].
    #[arg(
        long = "box",
        global = true,
        env = "BASELINE_PANEL_BOX",
        value_name = "NAME",
        add = clap_complete::ArgValueCandidates::new(complete::box_candidates)
    )]
    pub box_name: Option<String>,
    /// What to do (default: open the panel).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show the box's state (table, or --json).
    Status {
        /// Machine-readable output (documented in the README).
        #[arg(long)]
        json: bool,
        /// Every configured box, one row each (`[boxes.NAME]`), asked at once; `--box` is
        /// ignored. Exits 0 when every box answered, else with the first failing box's code.
        #[arg(long)]
        all: bool,
    },
    /// Start a run: boot the box (refused while it is up). Asks first unless --yes.
    Start {
        /// Wait until the box is running.
        #[arg(long)]
        wait: bool,
        /// Do not ask for confirmation.
        #[arg(long, short = 'y')]
        yes: bool,
        /// Start every matching instance when several match (like the Monday Lambda); without
        /// it, several is refused and listed.
        #[arg(long)]
        all: bool,
    },
    /// Print the shell completion script of bash, zsh, fish, elvish or powershell (it asks the
    /// binary for the words at each Tab): `source <(baseline-panel completions bash)`.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) to stdout: `baseline-panel man | man -l -`.
    Man,
    /// Runs and dev sessions (start, end, duration, outcome, evidence) from the run log group,
    /// newest first.
    Runs {
        /// Machine-readable output (documented in the README).
        #[arg(long)]
        json: bool,
        /// How far back: a duration (30d, 12h) or a time (2026-11-01); default 120 days.
        #[arg(long, value_name = "WHEN")]
        since: Option<String>,
    },
    /// Stop the box (warns when a run is in progress). Asks first unless --yes.
    Stop {
        /// Wait until the box is stopped.
        #[arg(long)]
        wait: bool,
        /// Do not ask for confirmation.
        #[arg(long, short = 'y')]
        yes: bool,
        /// Stop every matching instance that is up when there are several; without it, several
        /// is refused and listed.
        #[arg(long)]
        all: bool,
    },
    /// Show the `EventBridge` rule that starts the box, or enable/disable it.
    Schedule {
        /// What to do with the rule.
        #[command(subcommand)]
        action: schedule::ScheduleCommand,
    },
    /// Dev mode: boot the box without starting a run (the script line commented out).
    Dev {
        /// What to do.
        #[command(subcommand)]
        command: DevCommand,
    },
    /// The instance's user data: show it, diff it, list and restore backups.
    Userdata {
        /// What to do.
        #[command(subcommand)]
        command: UserdataCommand,
    },
    /// Talk to the lab's Slack channel (allowed with --read-only: it does not touch the box).
    Slack {
        /// What to send.
        #[command(subcommand)]
        action: SlackCommand,
    },
    /// Check credentials, permissions (with `DryRun`), the log groups, the schedule rule and its
    /// target, the box's permission to write its log, Slack and GitHub; exit code 1 when a
    /// required check fails.
    Doctor {
        /// Also post a short test message to the Slack channel.
        #[arg(long)]
        post: bool,
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
        /// Time limit of each check, in seconds.
        #[arg(
            long,
            value_name = "SECS",
            default_value_t = 15,
            value_parser = clap::value_parser!(u64).range(1..=600)
        )]
        timeout: u64,
    },
    /// Print the run's log (or the scheduler's, or the console), or follow it; export a run.
    Logs(logs::LogsArgs),
    /// Who started, stopped and switched the box and its schedule (`CloudTrail`'s event
    /// history: up to 15 minutes late), newest first.
    Activity {
        /// Machine-readable output (documented in the README).
        #[arg(long)]
        json: bool,
        /// How far back: a duration (7d, 12h) or a time (2026-11-01); default 7 days, at most
        /// the 90 days `CloudTrail` keeps.
        #[arg(long, value_name = "WHEN")]
        since: Option<String>,
    },
    /// Open a shell on the running box: ssh with `dev.ssh_key`, else EC2 Instance Connect (a
    /// one-off key), else Session Manager (`aws ssm start-session`).
    Ssh,
}

impl Cli {
    /// The flag layer of the configuration.
    pub fn overrides(&self) -> Overrides {
        Overrides {
            config_path: self.config.clone(),
            profile: self.profile.clone(),
            region: self.region.clone(),
            instance_id: self.instance_id.clone(),
            instance_name: self.instance_name.clone(),
            endpoint_url: self.endpoint_url.clone(),
            read_only: self.read_only,
            demo: self.demo,
            box_name: self.box_name.clone(),
        }
    }
}

/// Every exit status and what it means (the man page lists them); [`Failure::code`] is one of
/// them.
pub const EXIT_CODES: &[(i32, &str)] = &[
    (0, "success"),
    (
        1,
        "other failure, including a call AWS refused with an error code not listed here, a \
         required doctor check that failed, and a shell on the box that ended with an error",
    ),
    (2, "usage: an unknown command or flag, a value that cannot be read"),
    (3, "the instance, the schedule rule, the log group or the Slack channel was not found"),
    (4, "credentials missing or expired, or permission denied (AWS or Slack)"),
    (
        5,
        "AWS or Slack unreachable, not answering (timed out, connection closed), throttled, \
         failing on its side (HTTP 5xx), or answering something that cannot be read (a proxy, a \
         captive portal, a wrong --endpoint-url)",
    ),
    (6, "configuration: a malformed or unknown setting, an unknown box, a missing token"),
    (
        7,
        "refused on purpose with nothing changed: read-only, the box in the wrong state, not \
         confirmed, several instances match, the user data changed since it was shown",
    ),
    (
        8,
        "a user-data write whose outcome is not known or not what was asked (no clear answer, \
         not showing in time, or changed by someone else): it may be neither the old nor the new \
         version; look at it with dev status, userdata show and userdata backups",
    ),
];

/// A failed command: a short message and the exit code.
#[derive(Debug)]
pub struct Failure {
    /// Exit code: 1 general (including a call AWS refused with another error code), 2 usage,
    /// 3 not found, 4 credentials or permission, 5 AWS unreachable, not answering, throttled,
    /// failing on its side (HTTP 5xx) or answering something that could not be read,
    /// 6 configuration, 7 refused on purpose and nothing changed (read-only, wrong state, not
    /// confirmed, changed since shown), 8 a user-data write whose outcome is not known or not
    /// what was asked: it got no answer, it did not show in time, or someone else changed the
    /// user data; it may be neither the old nor the new version (look at it).
    pub code: i32,
    /// One line for stderr.
    pub message: String,
}

impl From<CloudError> for Failure {
    fn from(e: CloudError) -> Self {
        let code = match e {
            CloudError::NotFound { .. } | CloudError::Missing(_) => 3,
            CloudError::AccessDenied { .. } | CloudError::Credentials(_) => 4,
            CloudError::Unreachable { .. }
            | CloudError::NoAnswer { .. }
            | CloudError::Throttled(_)
            | CloudError::ServerError(_)
            | CloudError::Unreadable(_) => 5,
            CloudError::WrongState(_) => 7,
            CloudError::Rejected(_) | CloudError::Other(_) => 1,
        };
        Failure { code, message: e.to_string() }
    }
}

impl From<ConfigError> for Failure {
    fn from(e: ConfigError) -> Self {
        Failure { code: 6, message: e.to_string() }
    }
}

impl From<std::io::Error> for Failure {
    /// A closed stdout (`| head`) is no failure: [`exit::READER_GONE`] ends the command quietly.
    fn from(e: std::io::Error) -> Self {
        let code = if exit::reader_gone(&e) { exit::READER_GONE } else { 1 };
        Failure { code, message: e.to_string() }
    }
}

/// Commands that need no configuration, cloud or runtime (completions, man page).
pub fn run_offline(cmd: &Command) -> Option<Result<(), Failure>> {
    let mut out = std::io::stdout().lock();
    match cmd {
        Command::Completions { shell } => {
            Some(complete::registration(*shell, &mut out).map_err(Failure::from))
        }
        Command::Man => Some(man::render(&mut out).map_err(Failure::from)),
        _ => None,
    }
}

/// Runs `cmd` on the box `cfg` configures; `load` gives another box's configuration (for
/// `status --all`).
pub async fn run(cmd: &Command, cfg: &Config, b: &Backends, load: fleet::LoadBox<'_>) -> Result<(), Failure> {
    let cloud = b.cloud.as_ref();
    match cmd {
        Command::Completions { .. } | Command::Man => run_offline(cmd).unwrap_or(Ok(())),
        Command::Status { json, all: false } => status::run(cfg, b, *json).await,
        Command::Status { json, all: true } => fleet::run(cfg, *json, load).await,
        Command::Start { wait, yes, all } => power::start(cfg, b, *wait, *yes, *all).await,
        Command::Stop { wait, yes, all } => power::stop(cfg, b, *wait, *yes, *all).await,
        Command::Schedule { action } => schedule::run(action, cfg, b).await,
        Command::Dev { command } => dev::run(cfg, b, command).await,
        Command::Userdata { command } => userdata::run(cfg, cloud, command).await,
        Command::Slack { action } => slack::run(action, cfg, b).await,
        Command::Doctor { post, json, timeout } => doctor::run(cfg, b, *post, *timeout, *json).await,
        Command::Logs(args) => logs::run(args, cfg, b).await,
        Command::Runs { json, since } => runs::run(cfg, b, *json, since.as_deref()).await,
        Command::Ssh => ssh::run(cfg, cloud).await,
        Command::Activity { json, since } => activity::run(cfg, b, *json, since.as_deref()).await,
    }
}
