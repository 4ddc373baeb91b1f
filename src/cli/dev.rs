//! `baseline-panel dev status|on|off`: boot the box for development without starting a run.

use std::io::Write;

use clap::{Args, Subcommand};
use serde::Serialize;

use super::Failure;
use super::guarded::{self, Options, describe};
use super::notice::Notices;
use crate::backends::Backends;
use crate::cloud::{Cloud, Instance};
use crate::config::Config;
use crate::devmode;
use crate::sanitize::{field, line};
use crate::userdata::{Inspection, Mode, ScriptLine, UserDataError, inspect};

/// Version of the `dev status --json` document; bumped only on incompatible changes.
pub const SCHEMA: u32 = 1;

/// What `dev` does.
#[derive(Debug, Subcommand)]
pub enum DevCommand {
    /// Show whether booting runs the model script (run mode) or not (dev mode).
    Status {
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
    /// Comment out the script line: the box then boots for development without a run.
    On(SwitchArgs),
    /// Put the script line back: the next boot runs the model again.
    Off(SwitchArgs),
}

/// Flags of `dev on` and `dev off`.
#[derive(Debug, Args)]
pub struct SwitchArgs {
    /// Do not ask for confirmation (needed when stdin is not a terminal).
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Stop the instance first if it is running, and wait until it has stopped.
    #[arg(long)]
    pub stop: bool,
    /// Start the instance afterwards and wait until it runs; prints the ssh command.
    #[arg(long)]
    pub start: bool,
}

/// The configured script-line pattern.
pub(super) fn pattern(cfg: &Config) -> Result<ScriptLine, Failure> {
    ScriptLine::new(cfg.script_pattern.clone()).map_err(|e| Failure { code: 6, message: e.to_string() })
}

/// The one instance to act on.
pub(super) async fn selected(cfg: &Config, cloud: &dyn Cloud) -> Result<Instance, Failure> {
    let list = cloud.instances().await?;
    Ok(devmode::select(&list, &cfg.target)?.clone())
}

/// Runs `dev …`; a switch posts the panel's Slack notice when `slack.notify_actions` is on.
pub async fn run(cfg: &Config, b: &Backends, cmd: &DevCommand) -> Result<(), Failure> {
    let cloud = b.cloud.as_ref();
    let (on, args) = match cmd {
        DevCommand::Status { json } => return status(cfg, cloud, *json).await,
        DevCommand::On(a) => (true, a),
        DevCommand::Off(a) => (false, a),
    };
    let what = if on { "dev on" } else { "dev off" };
    guarded::refuse_if_read_only(cfg, what)?;
    let pattern = pattern(cfg)?;
    let instance = selected(cfg, cloud).await?;
    let plan = devmode::plan(cloud, &instance.id, &pattern, on).await?;
    let notices = Notices::from_config(cfg, b);
    let opts = Options { what, yes: args.yes, stop: args.stop, start: args.start, notices: Some(&notices) };
    guarded::carry_out(cfg, cloud, plan, &opts).await
}

#[derive(Serialize)]
struct InstanceMode<'a> {
    id: &'a str,
    name: Option<&'a str>,
    state: &'a str,
    mode: Option<String>,
    line_number: Option<usize>,
    line: Option<&'a str>,
    runs_every_boot: Option<bool>,
    size: Option<usize>,
    warnings: Vec<String>,
    error: Option<String>,
}

#[derive(Serialize)]
struct StatusJson<'a> {
    schema: u32,
    pattern: &'a str,
    instances: Vec<InstanceMode<'a>>,
}

fn instance_mode<'a>(i: &'a Instance, found: &'a Result<Inspection, String>) -> InstanceMode<'a> {
    let ok = found.as_ref().ok();
    InstanceMode {
        id: &i.id,
        name: i.name.as_deref(),
        state: i.state.name(),
        mode: ok.map(|f| f.mode.to_string()),
        line_number: ok.map(|f| f.line_number),
        line: ok.map(|f| f.line.as_str()),
        runs_every_boot: ok.map(|f| f.runs_every_boot),
        size: ok.map(|f| f.size),
        warnings: ok.map(|f| f.warnings.iter().map(ToString::to_string).collect()).unwrap_or_default(),
        error: found.as_ref().err().cloned(),
    }
}

/// `dev status`: every matching instance's mode (reading is harmless, so several are shown).
async fn status(cfg: &Config, cloud: &dyn Cloud, json: bool) -> Result<(), Failure> {
    let pattern = pattern(cfg)?;
    let list = cloud.instances().await?;
    let mut found = Vec::new();
    for i in &list {
        let bytes = cloud.user_data(&i.id).await?;
        found.push(inspect(&bytes, &pattern).map_err(|e: UserDataError| e.to_string()));
    }
    let mut out = std::io::stdout().lock();
    if json {
        let doc = StatusJson {
            schema: SCHEMA,
            pattern: pattern.pattern(),
            instances: list.iter().zip(&found).map(|(i, f)| instance_mode(i, f)).collect(),
        };
        crate::sanitize::write_json(&mut out, &doc)?;
        return Ok(());
    }
    if list.len() > 1 {
        eprintln!(
            "warning: {} instances match {}: dev mode is per instance; pick one with --instance-id to switch it",
            list.len(),
            cfg.target
        );
    }
    let mut problems = 0;
    for (n, (i, f)) in list.iter().zip(&found).enumerate() {
        if n > 0 {
            writeln!(out)?;
        }
        // Tabs kept: the script line may be indented with them.
        let mut row = |k: &str, v: &str| writeln!(out, "  {k:<12} {}", line(v));
        row("instance", &describe(i))?;
        match f {
            Ok(f) => {
                let meaning = match f.mode {
                    Mode::Dev => "dev (the script line is commented out: booting starts no run)",
                    Mode::Run => "run (booting starts the model run)",
                };
                row("mode", meaning)?;
                row("script line", &format!("{}: {}", f.line_number, f.line))?;
                for w in &f.warnings {
                    eprintln!("warning: {}: {}", i.id, field(&w.to_string()));
                }
            }
            Err(e) => {
                problems += 1;
                row("mode", "unknown")?;
                row("problem", e)?;
            }
        }
    }
    if problems > 0 {
        return Err(Failure {
            code: 1,
            message: "cannot tell the mode of the user data; see the problem above".into(),
        });
    }
    Ok(())
}
