//! The panel's loop: owns the state, turns terminal events, async results and the clock into
//! actions, runs the effects `update` asks for, and redraws only when something changed.

use std::io::Write as _;
use std::time::{Duration, Instant};

use anyhow::Result;
use crossterm::event::EventStream;
use futures_util::StreamExt;
use jiff::Timestamp;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;
use tokio::time::{MissedTickBehavior, interval};

use crate::action::{Action, Effect};
use crate::backends::Backends;
use crate::config::Config;
use crate::effects::Runner;
use crate::feeds::Feeds;
use crate::state::{State, update};
use crate::ui::theme::Theme;
use crate::{keymap, tui, ui};

/// The panel's terminal, kept across box switches so the screen does not flicker back to the
/// shell; restored when dropped.
pub struct Panel {
    term: tui::Term,
}

impl Panel {
    /// Enters the alternate screen.
    pub fn open() -> Result<Panel> {
        Ok(Panel { term: tui::enter()? })
    }

    /// Runs the panel on one box until the user quits (`None`) or asks for another box
    /// (`Some(name)`).
    pub async fn run(
        &mut self,
        cfg: &Config,
        backends: &Backends,
        started: Instant,
    ) -> Result<Option<String>> {
        // No clear: the first frame is drawn as a diff against the last box's, which is what the
        // screen shows (and clearing would query the cursor while the old event reader lingers).
        run_loop(&mut self.term, cfg, backends, started).await
    }
}

impl Drop for Panel {
    fn drop(&mut self) {
        tui::restore();
    }
}

/// Puts `text` on the terminal's clipboard with OSC 52 (works over SSH and in tmux with
/// `set-clipboard on`).
fn copy_to_clipboard(text: &str) {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(text);
    let _ = write!(std::io::stdout(), "\x1b]52;c;{b64}\x07");
    let _ = std::io::stdout().flush();
}

async fn run_loop(
    term: &mut tui::Term,
    cfg: &Config,
    backends: &Backends,
    started: Instant,
) -> Result<Option<String>> {
    let (tx, mut rx) = mpsc::unbounded_channel::<Action>();
    let runner = Runner::new(cfg, backends, tx.clone());
    let mut feeds = Feeds::new(backends.logs.clone(), &cfg.log_group, &cfg.lambda_name);
    let mut state = State::new(cfg, &backends.account, Timestamp::now());
    state.slack.attach(backends.chat_setup.clone(), crate::chat::sender::Sender::current());
    if let Some(w) = cfg.dotenv_warning() {
        let _ = tx.send(Action::Warning(w));
    }
    state.theme = Theme::new(cfg.color);
    state.tz = jiff::tz::TimeZone::system();
    let size = term.size()?;
    state.size = (size.width, size.height);

    let mut events = EventStream::new();
    let mut ticker = interval(Duration::from_secs(1));
    ticker.set_missed_tick_behavior(MissedTickBehavior::Skip);
    let mut sigterm = signal(SignalKind::terminate())?;
    let mut sighup = signal(SignalKind::hangup())?;
    // Ctrl-C arrives as a key in raw mode; a SIGINT from elsewhere (kill -INT) quits the same way.
    let mut sigint = signal(SignalKind::interrupt())?;
    let mut dirty = true;
    let mut first_frame = true;

    loop {
        if dirty {
            term.draw(|f| ui::draw(f, &state))?;
            dirty = false;
            if first_frame {
                first_frame = false;
                tracing::info!(ms = started.elapsed().as_secs_f64() * 1000.0, "first frame");
                // Lets the end-to-end tests check that a panic restores the terminal.
                if std::env::var_os("BASELINE_PANEL_PANIC_AFTER_FIRST_FRAME").is_some() {
                    panic!("panic requested by BASELINE_PANEL_PANIC_AFTER_FIRST_FRAME");
                }
            }
        }
        let action = tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(ev)) => keymap::resolve(&ev, &state),
                Some(Err(e)) => return Err(e.into()),
                None => Some(Action::Quit),
            },
            Some(a) = rx.recv() => Some(a),
            Some(batch) = feeds.rx.recv() => Some(crate::feeds::to_action(batch)),
            _ = ticker.tick() => Some(Action::Tick(Timestamp::now())),
            _ = sigterm.recv() => Some(Action::Quit),
            _ = sighup.recv() => Some(Action::Quit),
            _ = sigint.recv() => Some(Action::Quit),
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
                    Effect::Copy(text) => copy_to_clipboard(&text),
                    Effect::FollowLogs { instance_id, since } => feeds.restart(&instance_id, since),
                    other => runner.spawn(other),
                }
            }
        }
        feeds.set_active(state.box_active());
        if state.should_quit {
            return Ok(state.switch_to.take());
        }
    }
}
