//! `baseline-panel`: the panel, or one of its commands.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use baseline_panel::cli::{self, Cli, Failure};
use baseline_panel::cloud::Cloud;
use baseline_panel::cloud::aws::AwsCloud;
use baseline_panel::cloud::demo::{DemoCloud, DemoTimings};
use baseline_panel::config::{Config, ProcessEnv};
use baseline_panel::{app, logging};
use clap::Parser;

fn main() -> ExitCode {
    let started = Instant::now();
    let args = Cli::parse();
    if let Some(done) = args.command.as_ref().and_then(cli::run_offline) {
        return done.map_or_else(fail, |()| ExitCode::SUCCESS);
    }
    let _log = logging::init();
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            return fail(Failure { code: 1, message: format!("cannot start the async runtime: {e}") });
        }
    };
    match runtime.block_on(run(args, started)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => fail(f),
    }
}

fn fail(f: Failure) -> ExitCode {
    tracing::error!(code = f.code, message = %f.message, "exit");
    eprintln!("baseline-panel: {}", f.message);
    ExitCode::from(f.code.clamp(1, 255) as u8)
}

async fn run(args: Cli, started: Instant) -> Result<(), Failure> {
    let cwd = std::env::current_dir()?;
    let cfg = Config::load(&args.overrides(), &cwd, &ProcessEnv)?;
    let cloud: Arc<dyn Cloud> = if cfg.demo {
        Arc::new(DemoCloud::new(DemoTimings::default()))
    } else {
        Arc::new(AwsCloud::connect(&cfg).await)
    };
    match &args.command {
        Some(cmd) => cli::run(cmd, &cfg, cloud).await,
        None => app::run(&cfg, cloud, started)
            .await
            .map_err(|e| Failure { code: 1, message: format!("the panel stopped: {e}") }),
    }
}
