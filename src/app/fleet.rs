//! The fleet view's loop: every configured box polled concurrently (one task per look, each
//! bounded by [`LOOK_LIMIT`]), keys to move and open, redrawn only when something changed.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Result;
use crossterm::event::{Event, KeyCode, KeyEventKind, KeyModifiers};
use futures_util::{Stream, StreamExt};
use jiff::Timestamp;
use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::sync::mpsc;
use tokio::time::{MissedTickBehavior, interval};

use super::{Input, Panel};
use crate::action::fleet::{FleetAction, FleetEffect};
use crate::backends::{Account, Backends, Connector};
use crate::config::keys::KeyBindings;
use crate::config::{Config, Env, Overrides};
use crate::fleet::{Judging, LOOK_LIMIT, Place};
use crate::state::fleet::{BoxSlot, FleetState, update};
use crate::ui::Look;

/// Why the fleet view ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FleetExit {
    /// The user quit.
    Quit,
    /// Open this box's full panel.
    Open(String),
}

/// One box's configuration and backends.
#[derive(Clone)]
pub struct Source {
    /// The box's configuration.
    pub cfg: Config,
    /// Its AWS account (or its simulated box).
    pub backends: Backends,
}

/// Every box's source, by its place in the fleet (`None`: its configuration failed).
pub type Sources = Arc<Vec<Option<Source>>>;

/// The fleet of every box `cfg` lists, each with the same `flags`: its state and sources. A box
/// whose configuration fails gets a row that says why.
pub async fn connect(
    cfg: &Config,
    flags: &Overrides,
    cwd: &Path,
    env: &dyn Env,
    connector: &mut Connector,
) -> (FleetState, Sources) {
    let mut slots = Vec::new();
    let mut sources = Vec::new();
    for name in &cfg.boxes {
        let mut f = flags.clone();
        f.box_name = Some(name.clone());
        match Config::load(&f, cwd, env) {
            Ok(c) => {
                crate::logging::remember_secrets(&c);
                let backends = connector.connect(&c).await;
                slots.push(BoxSlot::new(name, Place::of(&c), Judging::of(&c)));
                sources.push(Some(Source { cfg: c, backends }));
            }
            Err(e) => {
                slots.push(BoxSlot::broken(name, Place::of(cfg), e.to_string()));
                sources.push(None);
            }
        }
    }
    let state = FleetState::new(Account::of(cfg), slots, &cfg.box_name, Timestamp::now());
    (state, Arc::new(sources))
}

impl Panel {
    /// Shows the fleet view until the user quits or opens a box.
    pub async fn fleet(
        &mut self,
        fleet: &mut FleetState,
        sources: &Sources,
        look: &Look,
        keys: &KeyBindings,
    ) -> Result<FleetExit> {
        fleet_loop(&mut self.term, &mut self.input, fleet, sources, look, keys).await
    }
}

/// Runs the fleet view on `term` until the user quits or opens a box, reading `input`.
pub async fn fleet_loop<B, I>(
    term: &mut Terminal<B>,
    mut input: I,
    fleet: &mut FleetState,
    sources: &Sources,
    look: &Look,
    keys: &KeyBindings,
) -> Result<FleetExit>
where
    B: Backend,
    B::Error: Send + Sync + 'static,
    I: Stream<Item = Input> + Unpin,
{
    let (tx, mut rx) = mpsc::unbounded_channel::<FleetAction>();
    let size = term.size()?;
    fleet.size = (size.width, size.height);
    let mut ticker = interval(Duration::from_secs(1));
    ticker.set_missed_tick_behavior(MissedTickBehavior::Skip);
    let mut dirty = true;
    loop {
        if dirty {
            term.draw(|f| crate::ui::fleet::draw(f, fleet, look))?;
            dirty = false;
        }
        let action = tokio::select! {
            got = input.next() => match got {
                Some(Input::Event(ev)) => key(&ev, keys),
                Some(Input::Failed(e)) => return Err(e.into()),
                Some(Input::Action(_)) => None,
                Some(Input::Quit) | None => Some(FleetAction::Quit),
            },
            Some(a) = rx.recv() => Some(a),
            _ = ticker.tick() => Some(FleetAction::Tick(Timestamp::now())),
        };
        let mut pending: Vec<FleetAction> = action.into_iter().collect();
        while let Ok(a) = rx.try_recv() {
            pending.push(a);
        }
        for a in pending {
            let tick = matches!(a, FleetAction::Tick(_));
            let effects = update(fleet, a);
            // A quiet tick redraws only now and then (the countdowns and "answered … ago").
            dirty |= !tick || !effects.is_empty() || fleet.now.as_second() % 10 == 0;
            for fx in effects {
                spawn(&fx, sources, tx.clone());
            }
        }
        if fleet.should_quit {
            return Ok(fleet.open.clone().map_or(FleetExit::Quit, FleetExit::Open));
        }
    }
}

/// Carries out a look on its own task: a slow or dead account delays only its own row.
fn spawn(fx: &FleetEffect, sources: &Sources, tx: mpsc::UnboundedSender<FleetAction>) {
    let (index, seq, with_runs) = match fx {
        FleetEffect::Look { index, seq, with_runs } => (*index, *seq, *with_runs),
        FleetEffect::Owner { index, seq, instance } => {
            return spawn_owner(*index, *seq, instance, sources, tx);
        }
    };
    let sources = sources.clone();
    tokio::spawn(async move {
        let result = match sources.get(index).and_then(Option::as_ref) {
            None => Err("the box has no configuration".to_owned()),
            Some(src) => {
                let b = &src.backends;
                let looked = crate::fleet::look(
                    &src.cfg,
                    b.cloud.as_ref(),
                    b.logs.as_ref(),
                    b.rules.as_ref(),
                    with_runs,
                    Timestamp::now(),
                );
                match tokio::time::timeout(LOOK_LIMIT, looked).await {
                    Ok(Ok(r)) => Ok(Box::new(r)),
                    Ok(Err(e)) => Err(e.to_string()),
                    Err(_) => Err(format!("no answer within {} s", LOOK_LIMIT.as_secs())),
                }
            }
        };
        let _ = tx.send(FleetAction::Looked { index, seq, result });
    });
}

/// Asks, on its own task, who put box `index`'s instance in dev mode.
fn spawn_owner(
    index: usize,
    seq: u64,
    instance: &str,
    sources: &Sources,
    tx: mpsc::UnboundedSender<FleetAction>,
) {
    let sources = sources.clone();
    let instance = instance.to_owned();
    tokio::spawn(async move {
        let result = match sources.get(index).and_then(Option::as_ref) {
            None => Err("the box has no configuration".to_owned()),
            Some(src) => {
                let asked = crate::fleet::owner(src.backends.activity.as_ref(), &instance, Timestamp::now());
                tokio::time::timeout(LOOK_LIMIT, asked)
                    .await
                    .unwrap_or_else(|_| Err(format!("no answer within {} s", LOOK_LIMIT.as_secs())))
            }
        };
        let _ = tx.send(FleetAction::Owned { index, seq, result });
    });
}

/// The fleet view's action for a terminal event.
fn key(ev: &Event, keys: &KeyBindings) -> Option<FleetAction> {
    let key = match ev {
        Event::Key(k) if k.kind != KeyEventKind::Release => k,
        Event::Resize(w, h) => return Some(FleetAction::Resize(*w, *h)),
        _ => return None,
    };
    Some(match key.code {
        KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => FleetAction::Quit,
        KeyCode::Up | KeyCode::Char('k') => FleetAction::Step(-1),
        KeyCode::Down | KeyCode::Char('j') => FleetAction::Step(1),
        KeyCode::PageUp => FleetAction::Step(-10),
        KeyCode::PageDown => FleetAction::Step(10),
        KeyCode::Home | KeyCode::Char('g') => FleetAction::Step(isize::MIN / 2),
        KeyCode::End | KeyCode::Char('G') => FleetAction::Step(isize::MAX / 2),
        KeyCode::Enter => FleetAction::Open,
        KeyCode::Esc => FleetAction::Dismiss,
        KeyCode::Char(c) if c == keys.key("quit") => FleetAction::Quit,
        KeyCode::Char(c) if c == keys.key("refresh") => FleetAction::Refresh,
        _ => return None,
    })
}
