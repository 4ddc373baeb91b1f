//! The panel's loop: owns the state, turns terminal events, async results and the clock into
//! actions, runs the effects `update` asks for, and redraws only when something changed.
//!
//! The loop draws on any ratatui backend and reads its input from a stream the caller gives,
//! so a test can drive it headless (see `loop_tests.rs`).

use std::io::{self, Write as _};
use std::task::Poll;
use std::time::{Duration, Instant};

use anyhow::Result;
use crossterm::event::{Event, EventStream};
use futures_util::{Stream, StreamExt, stream};
use jiff::Timestamp;
use ratatui::Terminal;
use ratatui::backend::{Backend, CrosstermBackend};
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;
use tokio::time::{MissedTickBehavior, interval};

use crate::action::Action;
use crate::backends::Backends;
use crate::config::Config;
use crate::effects::{Host, Runner};
use crate::feeds::Feeds;
use crate::state::{State, update};
use crate::{keymap, tui, ui};

/// What the loop reads besides the results of its own effects.
#[derive(Debug)]
pub enum Input {
    /// A terminal event (key, mouse, resize).
    Event(Event),
    /// Reading the terminal failed: the loop ends with this error.
    Failed(io::Error),
    /// An action from outside the terminal (a test's scripted async result, say).
    Action(Box<Action>),
    /// Leave the panel (SIGTERM, SIGHUP, SIGINT, or the end of the terminal's events).
    Quit,
}

/// The terminal besides drawing: bell, clipboard, suspend.
pub trait Console<B: Backend> {
    /// Rings the bell.
    fn bell(&mut self);
    /// Puts `text` on the clipboard.
    fn copy(&mut self, text: &str);
    /// Suspends the panel to the shell and resumes it.
    fn suspend(&mut self, term: &mut Terminal<B>) -> Result<()>;
    /// Gives the terminal to `command` (after printing `banner` on its screen) until it ends,
    /// then takes it back; the command's exit status, or why it could not start.
    fn run_shell(
        &mut self,
        term: &mut Terminal<B>,
        command: std::process::Command,
        banner: &str,
    ) -> Result<io::Result<std::process::ExitStatus>>;
    /// Called after each frame is drawn.
    fn drawn(&mut self, _term: &Terminal<B>) {}
}

/// Why a box's panel ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Leave {
    /// The user quit.
    Quit,
    /// Another box's panel (key `b`).
    Box(String),
    /// The fleet view (key `f`, or `Esc` with nothing else to close).
    Fleet,
}

/// The panel's terminal and its one input, kept across box switches and the fleet view so the
/// screen does not flicker back to the shell and no key typed during a switch is lost; restored
/// when dropped.
pub struct Panel {
    term: tui::Term,
    input: input::Held,
    grip: input::Grip,
}

impl Panel {
    /// Enters the alternate screen and starts reading the terminal.
    pub fn open() -> Result<Panel> {
        let term = tui::enter()?;
        let (input, grip) = input::held(|| Ok(Box::new(terminal_input()?)))?;
        Ok(Panel { term, input, grip })
    }

    /// Runs the panel on one box until the user quits or asks for another box or the fleet.
    pub async fn run(&mut self, cfg: &Config, backends: &Backends, started: Instant) -> Result<Leave> {
        // No clear: the first frame is drawn as a diff against the last box's, which is what the
        // screen shows. The input is the panel's own, read by one reader from the first box on.
        let tty = &mut Tty { grip: self.grip.clone() };
        run_loop(&mut self.term, tty, &mut self.input, cfg, backends, started).await
    }
}

impl Drop for Panel {
    fn drop(&mut self) {
        tui::restore();
    }
}

/// The real terminal's bell, clipboard, Ctrl-Z and shell, and the grip on its input.
struct Tty {
    grip: input::Grip,
}

impl Console<CrosstermBackend<io::Stdout>> for Tty {
    fn bell(&mut self) {
        let _ = io::stdout().write_all(b"\x07");
        let _ = io::stdout().flush();
    }

    /// OSC 52 (works over SSH and in tmux with `set-clipboard on`).
    fn copy(&mut self, text: &str) {
        use base64::Engine;
        let b64 = base64::engine::general_purpose::STANDARD.encode(text);
        let _ = write!(io::stdout(), "\x1b]52;c;{b64}\x07");
        let _ = io::stdout().flush();
    }

    fn suspend(&mut self, term: &mut tui::Term) -> Result<()> {
        Ok(tui::suspend(term)?)
    }

    fn run_shell(
        &mut self,
        term: &mut tui::Term,
        mut command: std::process::Command,
        banner: &str,
    ) -> Result<io::Result<std::process::ExitStatus>> {
        // Let go of the input first: the panel must not read the keys typed into the shell.
        self.grip.let_go();
        tui::restore();
        let mut out = io::stdout();
        let _ = writeln!(out, "{banner}");
        let _ = out.flush();
        let status = command.status();
        tui::resume(term)?;
        self.grip.take_back()?;
        Ok(status)
    }
}

/// The terminal's events, then [`Input::Quit`] when they end; SIGTERM, SIGHUP and a SIGINT from
/// elsewhere (Ctrl-C arrives as a key in raw mode) quit too.
fn terminal_input() -> io::Result<impl Stream<Item = Input> + Unpin> {
    let events = EventStream::new()
        .map(|ev| match ev {
            Ok(ev) => Input::Event(ev),
            Err(e) => Input::Failed(e),
        })
        .chain(stream::iter([Input::Quit]));
    let mut signals = [SignalKind::terminate(), SignalKind::hangup(), SignalKind::interrupt()]
        .into_iter()
        .map(signal)
        .collect::<io::Result<Vec<_>>>()?;
    let quits = stream::poll_fn(move |cx| {
        let mut got = false;
        for s in &mut signals {
            got |= s.poll_recv(cx).is_ready();
        }
        if got { Poll::Ready(Some(Input::Quit)) } else { Poll::Pending }
    });
    Ok(stream::select(events, quits))
}

/// The loop's side of the effects: the console and the log feeds.
struct LoopHost<'a, B: Backend, C: Console<B>> {
    term: &'a mut Terminal<B>,
    console: &'a mut C,
    feeds: &'a mut Feeds,
    /// The terminal's size after a shell gave it back.
    resized: Option<(u16, u16)>,
}

impl<B: Backend, C: Console<B>> Host for LoopHost<'_, B, C> {
    fn bell(&mut self) {
        self.console.bell();
    }

    fn copy(&mut self, text: &str) {
        self.console.copy(text);
    }

    fn suspend(&mut self) -> Result<()> {
        self.console.suspend(self.term)
    }

    fn run_shell(
        &mut self,
        command: std::process::Command,
        banner: &str,
    ) -> Result<io::Result<std::process::ExitStatus>> {
        let status = self.console.run_shell(self.term, command, banner)?;
        // The terminal may have changed size while the shell had it.
        self.resized = self.term.size().ok().map(|s| (s.width, s.height));
        Ok(status)
    }

    fn follow_logs(&mut self, instance_id: &str, since: Timestamp) {
        self.feeds.restart(instance_id, since);
    }
}

/// Runs the panel on `term` until the user quits or asks for another box or the fleet view,
/// reading `input`.
pub async fn run_loop<B, C, I>(
    term: &mut Terminal<B>,
    console: &mut C,
    mut input: I,
    cfg: &Config,
    backends: &Backends,
    started: Instant,
) -> Result<Leave>
where
    B: Backend,
    B::Error: Send + Sync + 'static,
    C: Console<B>,
    I: Stream<Item = Input> + Unpin,
{
    let (tx, mut rx) = mpsc::unbounded_channel::<Action>();
    let runner = Runner::new(cfg, backends, tx.clone());
    let pace = crate::feeds::panel_pace(cfg);
    let mut feeds = Feeds::new(backends.logs.clone(), cfg, pace);
    let mut state = State::new(cfg, &backends.account, Timestamp::now());
    state.slack.attach(backends.chat.info(), crate::chat::sender::Sender::current());
    if let Some(w) = cfg.dotenv_warning() {
        let _ = tx.send(Action::Warning(w));
    }
    let look = ui::Look::from_config(cfg);
    let keys = keymap::Keymap::new(&cfg.keys);
    let size = term.size()?;
    state.size = (size.width, size.height);
    state.log_rows = ui::layout::log_rows(size.width, size.height);

    let mut ticker = interval(Duration::from_secs(1));
    ticker.set_missed_tick_behavior(MissedTickBehavior::Skip);
    let mut dirty = true;
    let mut first_frame = true;

    loop {
        if dirty {
            term.draw(|f| ui::draw(f, &ui::View::new(&state, &look)))?;
            console.drawn(term);
            dirty = false;
            if first_frame {
                first_frame = false;
                tracing::info!(ms = started.elapsed().as_secs_f64() * 1000.0, "first frame");
                // Lets the end-to-end tests check that a panic restores the terminal.
                assert!(
                    std::env::var_os("BASELINE_PANEL_PANIC_AFTER_FIRST_FRAME").is_none(),
                    "panic requested by BASELINE_PANEL_PANIC_AFTER_FIRST_FRAME"
                );
            }
        }
        let action = tokio::select! {
            got = input.next() => match got {
                Some(Input::Event(ev)) => keymap::resolve(&ev, &state, &keys),
                Some(Input::Failed(e)) => return Err(e.into()),
                Some(Input::Action(a)) => Some(*a),
                Some(Input::Quit) | None => Some(Action::Quit),
            },
            Some(a) = rx.recv() => Some(a),
            Some(batch) = feeds.rx.recv() => Some(crate::feeds::to_action(batch)),
            _ = ticker.tick() => Some(Action::Tick(Timestamp::now())),
        };
        let mut pending: Vec<Action> = action.into_iter().collect();
        // Apply everything already queued before drawing once.
        while let Ok(a) = rx.try_recv() {
            pending.push(a);
        }
        for a in pending {
            dirty = true;
            let effects = update(&mut state, a);
            // Followers (re)started by these effects start at the pace the new state asks for.
            feeds.set_wish(state.box_active(), state.log_shown(), state.instance().map(|i| i.state));
            for fx in effects {
                let mut host =
                    LoopHost { term: &mut *term, console: &mut *console, feeds: &mut feeds, resized: None };
                runner.perform(fx, &mut host)?;
                if let Some((w, h)) = host.resized {
                    let _ = tx.send(keymap::resize(w, h));
                }
            }
        }
        if state.should_quit {
            if state.to_fleet {
                return Ok(Leave::Fleet);
            }
            return Ok(state.switch_to.take().map_or(Leave::Quit, Leave::Box));
        }
    }
}

pub mod fleet;
mod input;
#[cfg(test)]
mod loop_tests;
