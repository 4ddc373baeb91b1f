//! The panel's loop: owns the state, turns terminal events, async results and the clock into
//! actions, runs the effects `update` asks for, and redraws only when something changed.

use std::io::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Result;
use crossterm::event::EventStream;
use futures_util::StreamExt;
use jiff::Timestamp;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;
use tokio::time::{MissedTickBehavior, interval};

use crate::action::{Action, Effect};
use crate::cloud::Cloud;
use crate::config::Config;
use crate::effects::Runner;
use crate::state::{State, update};
use crate::ui::theme::Theme;
use crate::{keymap, tui, ui};

/// Runs the panel until the user quits; the terminal is restored on every exit path.
pub async fn run(cfg: &Config, cloud: Arc<dyn Cloud>, started: Instant) -> Result<()> {
    let mut term = tui::enter()?;
    let result = run_loop(&mut term, cfg, cloud, started).await;
    tui::restore();
    result
}

async fn run_loop(term: &mut tui::Term, cfg: &Config, cloud: Arc<dyn Cloud>, started: Instant) -> Result<()> {
    let (tx, mut rx) = mpsc::unbounded_channel::<Action>();
    let script_line = crate::userdata::ScriptLine::new(cfg.script_pattern.clone())?;
    let (chat, slack_setup) = crate::effects::slack::ChatLink::from_config(cfg);
    let config = Arc::new(cfg.clone());
    let runner = Runner { cloud: cloud.clone(), tx: tx.clone(), script_line, chat, config };
    let mut state = State::new(cfg, cloud.kind(), Timestamp::now());
    state.slack.attach(slack_setup, crate::chat::sender::Sender::current());
    if let Some(w) = cfg.dotenv_warning() {
        let _ = tx.send(Action::Warning(w));
    }
    state.theme = Theme::from_env();
    state.tz = jiff::tz::TimeZone::system();
    let size = term.size()?;
    state.size = (size.width, size.height);

    let mut events = EventStream::new();
    let mut ticker = interval(Duration::from_secs(1));
    ticker.set_missed_tick_behavior(MissedTickBehavior::Skip);
    let mut sigterm = signal(SignalKind::terminate())?;
    let mut sighup = signal(SignalKind::hangup())?;
    let mut dirty = true;
    let mut first_frame = true;

    loop {
        if dirty {
            term.draw(|f| ui::draw(f, &state))?;
            dirty = false;
            if first_frame {
                first_frame = false;
                tracing::info!(ms = started.elapsed().as_secs_f64() * 1000.0, "first frame");
            }
        }
        let action = tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(ev)) => keymap::resolve(&ev, &state),
                Some(Err(e)) => return Err(e.into()),
                None => Some(Action::Quit),
            },
            Some(a) = rx.recv() => Some(a),
            _ = ticker.tick() => Some(Action::Tick(Timestamp::now())),
            _ = sigterm.recv() => Some(Action::Quit),
            _ = sighup.recv() => Some(Action::Quit),
        };
        let mut pending: Vec<Action> = action.into_iter().collect();
        // Apply everything already queued before drawing once.
        while let Ok(a) = rx.try_recv() {
            pending.push(a);
        }
        for a in pending {
            dirty = true;
            for fx in update(&mut state, a) {
                match fx {
                    Effect::Bell => {
                        let _ = std::io::stdout().write_all(b"\x07");
                        let _ = std::io::stdout().flush();
                    }
                    Effect::Suspend => tui::suspend(term)?,
                    other => runner.spawn(other),
                }
            }
        }
        if state.should_quit {
            return Ok(());
        }
    }
}
