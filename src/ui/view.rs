//! What a frame is drawn from: the state, and the configuration that says how it looks.

use std::ops::Deref;

use jiff::tz::TimeZone;

use super::theme::Theme;
use crate::config::Config;
use crate::config::keys::KeyBindings;
use crate::state::State;

/// How the panel looks, from the configuration: fixed while the panel runs, not part of the state.
#[derive(Debug, Clone)]
pub struct Look {
    /// Colours.
    pub theme: Theme,
    /// The local time zone, for times shown in local time.
    pub tz: TimeZone,
    /// Which key runs which command (for the help, the footer and the hints).
    pub keys: KeyBindings,
}

impl Default for Look {
    /// Colours, UTC and the default keys: what the tests draw with.
    fn default() -> Self {
        Look { theme: Theme::default(), tz: TimeZone::UTC, keys: KeyBindings::default() }
    }
}

impl Look {
    /// The configured look, in the system's time zone.
    pub fn from_config(cfg: &Config) -> Self {
        Look { theme: Theme::new(cfg.color), tz: TimeZone::system(), keys: cfg.keys.clone() }
    }
}

/// The state as drawn with a look: reads like the state, plus `theme`, `tz` and `keys`.
#[derive(Debug, Clone, Copy)]
pub struct View<'a> {
    /// What is shown.
    pub state: &'a State,
    /// How.
    pub look: &'a Look,
    /// Colours (the look's).
    pub theme: Theme,
}

impl<'a> View<'a> {
    /// `state` drawn with `look`.
    pub fn new(state: &'a State, look: &'a Look) -> Self {
        View { state, look, theme: look.theme }
    }

    /// The local time zone.
    pub fn tz(&self) -> &'a TimeZone {
        &self.look.tz
    }

    /// The key bound to `command`.
    pub fn key(&self, command: &str) -> char {
        self.look.keys.key(command)
    }
}

impl Deref for View<'_> {
    type Target = State;

    fn deref(&self) -> &State {
        self.state
    }
}
