//! `baseline-panel`: the panel, or one of its commands.

use std::process::ExitCode;
use std::time::Instant;

use baseline_panel::backends::Connector;
use baseline_panel::cli::{self, Cli, Failure};
use baseline_panel::config::{Config, ProcessEnv};
use baseline_panel::{app, logging, sanitize};
use clap::Parser;

fn main() -> ExitCode {
    let started = Instant::now();
    // A shell asking for completions gets them and nothing else.
    cli::complete::answer_if_asked();
    let args = Cli::parse();
    if args.command.is_some() {
        cli::exit::exit_quietly_on_closed_pipe();
    }
    if let Some(done) = args.command.as_ref().and_then(cli::run_offline) {
        return done.map_or_else(|f| fail(&f), |()| ExitCode::SUCCESS);
    }
    let _log = logging::init();
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            return fail(&Failure { code: 1, message: format!("cannot start the async runtime: {e}") });
        }
    };
    match runtime.block_on(run(args, started)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => fail(&f),
    }
}

fn fail(f: &Failure) -> ExitCode {
    if f.code == cli::exit::READER_GONE {
        // `… | head` has read what it wanted: nothing failed.
        return ExitCode::SUCCESS;
    }
    tracing::error!(code = f.code, message = %f.message, "exit");
    // One line, whatever outside text (an AWS or Slack error, a Name tag) it quotes.
    eprintln!("baseline-panel: {}", sanitize::field(&f.message));
    // The clamp keeps the code in 1..=255, so the fallback is never taken.
    ExitCode::from(u8::try_from(f.code.clamp(1, 255)).unwrap_or(1))
}

async fn run(args: Cli, started: Instant) -> Result<(), Failure> {
    let cwd = std::env::current_dir()?;
    let mut flags = args.overrides();
    let json_doc = |before_run: bool, f: Failure| {
        if cli::exit::wants_error_document(args.command.as_ref(), before_run)
            && f.code != cli::exit::READER_GONE
        {
            cli::exit::print_error_document(&f);
        }
        f
    };
    let mut cfg = Config::load(&flags, &cwd, &ProcessEnv).map_err(|e| json_doc(true, e.into()))?;
    logging::remember_secrets(&cfg);
    let mut connector = Connector::default();
    let mut backends = connector.connect(&cfg).await;
    if let Some(cmd) = &args.command {
        let load = |name: &str| {
            let mut f = flags.clone();
            f.box_name = Some(name.to_owned());
            Config::load(&f, &cwd, &ProcessEnv)
        };
        return cli::run(cmd, &cfg, &backends, &load).await.map_err(|f| json_doc(false, f));
    }
    let stopped = |e: anyhow::Error| Failure { code: 1, message: format!("the panel stopped: {e}") };
    // Dropping the panel (also on an early return) restores the terminal.
    let mut panel = app::Panel::open().map_err(stopped)?;
    // Key `b` ends one box's panel with the next box's name: load its configuration with the
    // same flags and come back, without leaving the alternate screen.
    while let Some(next) = panel.run(&cfg, &backends, started).await.map_err(stopped)? {
        flags.box_name = Some(next);
        cfg = Config::load(&flags, &cwd, &ProcessEnv)?;
        logging::remember_secrets(&cfg);
        backends = connector.connect(&cfg).await;
    }
    Ok(())
}
