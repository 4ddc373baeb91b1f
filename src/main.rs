//! `baseline-panel`: the panel, or one of its commands.

use std::process::ExitCode;
use std::time::Instant;

use baseline_panel::app::Leave;
use baseline_panel::app::fleet::FleetExit;
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
    // With several boxes and none asked for, the fleet view comes first. Enter opens a box's
    // panel; `f` (or Esc with nothing left to close) comes back; `b` goes to the next box. Each
    // box's configuration is loaded with the same flags, without leaving the alternate screen.
    let mut next = if cfg.boxes.len() > 1 && flags.box_name.is_none() {
        Leave::Fleet
    } else {
        Leave::Box(cfg.box_name.clone())
    };
    let mut fleet = None;
    let look = baseline_panel::ui::Look::from_config(&cfg);
    loop {
        next = match next {
            Leave::Quit => break,
            Leave::Fleet => {
                let (state, sources) = match fleet.as_mut() {
                    Some(f) => f,
                    None => fleet
                        .insert(app::fleet::connect(&cfg, &flags, &cwd, &ProcessEnv, &mut connector).await),
                };
                state.back(jiff::Timestamp::now());
                match panel.fleet(state, sources, &look, &cfg.keys).await.map_err(stopped)? {
                    FleetExit::Quit => Leave::Quit,
                    FleetExit::Open(name) => Leave::Box(name),
                }
            }
            Leave::Box(name) => {
                if name != cfg.box_name {
                    flags.box_name = Some(name);
                    cfg = Config::load(&flags, &cwd, &ProcessEnv)?;
                    logging::remember_secrets(&cfg);
                    backends = connector.connect(&cfg).await;
                }
                panel.run(&cfg, &backends, started).await.map_err(stopped)?
            }
        };
    }
    Ok(())
}
