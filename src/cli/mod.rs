//! The command line: global flags, subcommands, exit codes.

pub mod logs;
mod status;

use std::path::PathBuf;
use std::sync::Arc;

use clap::{Parser, Subcommand};

use crate::cloud::{Cloud, CloudError};
use crate::config::{Config, ConfigError, Overrides};

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
    },
    /// Print the run's log (or the scheduler's, or the console), or follow it; export a run.
    Logs(logs::LogsArgs),
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
        }
    }
}

/// A failed command: a short message and the exit code.
#[derive(Debug)]
pub struct Failure {
    /// Exit code: 1 general, 3 not found, 4 credentials or permission, 5 unreachable or throttled,
    /// 6 configuration.
    pub code: i32,
    /// One line for stderr.
    pub message: String,
}

impl From<CloudError> for Failure {
    fn from(e: CloudError) -> Self {
        let code = match e {
            CloudError::NotFound { .. } => 3,
            CloudError::AccessDenied { .. } | CloudError::Credentials(_) => 4,
            CloudError::Unreachable { .. } | CloudError::Throttled(_) => 5,
            CloudError::WrongState(_) | CloudError::Other(_) => 1,
        };
        Failure {
            code,
            message: e.to_string(),
        }
    }
}

impl From<ConfigError> for Failure {
    fn from(e: ConfigError) -> Self {
        Failure {
            code: 6,
            message: e.to_string(),
        }
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Failure {
            code: 1,
            message: e.to_string(),
        }
    }
}

/// Runs a subcommand.
pub async fn run(cmd: &Command, cfg: &Config, cloud: Arc<dyn Cloud>) -> Result<(), Failure> {
    match cmd {
        Command::Status { json } => status::run(cfg, cloud.as_ref(), *json).await,
        Command::Logs(args) => logs::run(args, cfg, cloud).await,
    }
}
