//! `baseline-panel ssh`: a shell on the running box, the way [`crate::shell::prepare`] finds
//! (the configured key, EC2 Instance Connect, or Session Manager).

use tokio::signal::unix::{SignalKind, signal};

use super::{Failure, REFUSED};
use crate::cloud::{Cloud, Instance, InstanceState};
use crate::config::Config;
use crate::sanitize::field;
use crate::shell::{self, ShellError, Tools};

/// Opens the shell and waits until it ends.
pub async fn run(cfg: &Config, cloud: &dyn Cloud) -> Result<(), Failure> {
    let list = cloud.instances().await?;
    let instance = pick(&list, cfg)?;
    let plan = shell::prepare(cloud, cfg, instance, &Tools::from_env()).await.map_err(|e| failure(&e))?;
    eprintln!("opening a shell on {}", field(&plan.summary()));
    // Ctrl-C belongs to the shell while it runs; this process waits for it, then deletes the
    // one-off key (a signal's default action would end it first and leave the key behind).
    let interrupts = signal(SignalKind::interrupt());
    let status = tokio::process::Command::from(plan.command()).status().await;
    drop(interrupts);
    let program = plan.program.clone();
    drop(plan);
    match status {
        Ok(s) if s.success() => Ok(()),
        Ok(s) => Err(Failure { code: 1, message: shell::ended(&program, s) }),
        Err(e) => Err(Failure { code: 1, message: format!("cannot run {program}: {e}") }),
    }
}

/// The instance to open a shell on: the only one, or the only running one when several match.
fn pick<'a>(list: &'a [Instance], cfg: &Config) -> Result<&'a Instance, Failure> {
    let running: Vec<&Instance> = list.iter().filter(|i| i.state == InstanceState::Running).collect();
    match (list, running.as_slice()) {
        ([], _) => Err(Failure { code: 3, message: format!("no instance found for {}", cfg.target) }),
        ([only], _) | (_, &[only]) => Ok(only),
        (several, _) => {
            let names: Vec<String> =
                several.iter().map(|i| format!("{} ({})", i.id, i.state.name())).collect();
            Err(Failure {
                code: REFUSED,
                message: format!(
                    "several instances match {}: {}; pick one with --instance-id",
                    cfg.target,
                    names.join(", ")
                ),
            })
        }
    }
}

fn failure(e: &ShellError) -> Failure {
    let code = match e {
        ShellError::NotRunning { .. } => REFUSED,
        ShellError::NoWay { refused: Some(cloud), .. } => Failure::from(cloud.clone()).code,
        ShellError::NoWay { refused: None, .. } => 6,
    };
    Failure { code, message: e.to_string() }
}
