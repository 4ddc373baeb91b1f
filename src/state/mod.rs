//! The panel's state and the one pure function that changes it.

mod poll;
mod update;

pub use poll::Poller;
pub use update::update;

use jiff::{SignedDuration, Timestamp};

use crate::cloud::Instance;
use crate::config::Config;
use crate::ui::theme::Theme;

/// What the header says about where the panel points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    /// `demo` or `aws`.
    pub mode: &'static str,
    /// AWS profile label.
    pub profile: String,
    /// Region.
    pub region: String,
    /// How the instance is found (`Name=baseline model` or the id).
    pub target: String,
    /// Custom endpoint, if any.
    pub endpoint: Option<String>,
    /// Writes are disabled.
    pub read_only: bool,
}

impl Context {
    /// The context for a configuration and cloud kind.
    pub fn from_config(cfg: &Config, mode: &'static str) -> Self {
        Context {
            mode,
            profile: if cfg.demo {
                "-".into()
            } else {
                cfg.profile_label().to_string()
            },
            region: cfg.region.clone(),
            target: cfg.target.to_string(),
            endpoint: if cfg.demo {
                None
            } else {
                cfg.endpoint_url.clone()
            },
            read_only: cfg.read_only,
        }
    }
}

/// Data fetched from somewhere: the last good value, and the last error if the latest try failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched<T> {
    /// The last good answer.
    pub value: Option<T>,
    /// When the last good answer arrived.
    pub ok_at: Option<Timestamp>,
    /// Why the latest try failed (cleared by the next success).
    pub error: Option<String>,
}

impl<T> Default for Fetched<T> {
    fn default() -> Self {
        Fetched {
            value: None,
            ok_at: None,
            error: None,
        }
    }
}

impl<T> Fetched<T> {
    /// True when the shown value is older than the latest failed try.
    pub fn is_stale(&self) -> bool {
        self.error.is_some() && self.value.is_some()
    }
}

/// How loud a message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Something worked.
    Info,
    /// Worth a look.
    Warn,
    /// Something failed.
    Error,
}

/// A one-line message in the footer, dismissed with Esc.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// How loud.
    pub level: Level,
    /// The text.
    pub text: String,
}

/// Overlays drawn above the panels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlay {
    /// Key help.
    Help,
}

/// Everything the panel shows. Owned by the app loop; changed only by [`update`].
#[derive(Debug, Clone)]
pub struct State {
    /// The time of the last tick.
    pub now: Timestamp,
    /// Where the panel points.
    pub context: Context,
    /// The job box(es).
    pub instances: Fetched<Vec<Instance>>,
    /// Index of the selected instance.
    pub selected: usize,
    /// The overlay on top, if any.
    pub overlay: Option<Overlay>,
    /// The footer message, if any.
    pub notice: Option<Notice>,
    /// Terminal size (columns, rows).
    pub size: (u16, u16),
    /// Set when the panel should exit.
    pub should_quit: bool,
    /// Instance polling.
    pub instance_poll: Poller,
    /// Colours.
    pub theme: Theme,
}

impl State {
    /// A fresh state; the first tick fetches the instances.
    pub fn new(cfg: &Config, mode: &'static str, now: Timestamp) -> Self {
        State {
            now,
            context: Context::from_config(cfg, mode),
            instances: Fetched::default(),
            selected: 0,
            overlay: None,
            notice: None,
            size: (80, 24),
            should_quit: false,
            instance_poll: Poller::new(
                SignedDuration::from_secs(cfg.poll_fast_secs as i64),
                SignedDuration::from_secs(cfg.poll_slow_secs as i64),
            ),
            theme: Theme::default(),
        }
    }

    /// The selected instance, if any is known.
    pub fn instance(&self) -> Option<&Instance> {
        self.instances
            .value
            .as_ref()
            .and_then(|v| v.get(self.selected.min(v.len().saturating_sub(1))))
    }

    /// True while any known instance is pending, running or stopping.
    pub fn box_active(&self) -> bool {
        self.instances
            .value
            .as_ref()
            .is_some_and(|v| v.iter().any(|i| i.state.is_active()))
    }
}
