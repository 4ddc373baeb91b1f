//! Colours and emphasis, in one place. `NO_COLOR` gives a monochrome theme.

use ratatui::style::{Color, Modifier, Style};

use crate::cloud::InstanceState;
use crate::state::Level;

/// The colour of a message's level: green, yellow or red.
pub fn level_color(level: Level) -> Color {
    match level {
        Level::Info => Color::Green,
        Level::Warn => Color::Yellow,
        Level::Error => Color::Red,
    }
}

/// The styles the panels use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    /// Colours on or off.
    pub color: bool,
}

impl Default for Theme {
    fn default() -> Self {
        Theme { color: true }
    }
}

impl Theme {
    /// Colour when the configuration asks for it, unless `NO_COLOR` is set (any non-empty
    /// value, per no-color.org).
    pub fn new(color: bool) -> Self {
        Theme { color: color && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) }
    }

    fn fg(&self, c: Color) -> Style {
        if self.color { Style::new().fg(c) } else { Style::new() }
    }

    /// Plain text.
    pub fn text(&self) -> Style {
        Style::new()
    }

    /// Labels and secondary text.
    pub fn dim(&self) -> Style {
        if self.color { Style::new().fg(Color::DarkGray) } else { Style::new().add_modifier(Modifier::DIM) }
    }

    /// Panel titles.
    pub fn title(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    /// Good news.
    pub fn ok(&self) -> Style {
        self.level(Level::Info)
    }

    /// A message at `level`: [`Theme::ok`], [`Theme::warn`] or [`Theme::error`].
    pub fn level(&self, level: Level) -> Style {
        let style = self.fg(level_color(level));
        if level == Level::Info { style } else { style.add_modifier(Modifier::BOLD) }
    }

    /// Worth a look.
    pub fn warn(&self) -> Style {
        self.level(Level::Warn)
    }

    /// Failures.
    pub fn error(&self) -> Style {
        self.level(Level::Error)
    }

    /// Keys in hints.
    pub fn key(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    /// A loud badge (DEV MODE, READ-ONLY, DEMO).
    pub fn badge(&self, c: Color) -> Style {
        if self.color {
            Style::new().fg(Color::Black).bg(c).add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        }
    }

    /// The colour of an instance state.
    pub fn state(&self, s: InstanceState) -> Style {
        match s {
            InstanceState::Running => self.ok().add_modifier(Modifier::BOLD),
            InstanceState::Pending | InstanceState::Stopping | InstanceState::ShuttingDown => self.warn(),
            InstanceState::Stopped => self.fg(Color::Blue).add_modifier(Modifier::BOLD),
            InstanceState::Terminated | InstanceState::Unknown => self.error(),
        }
    }
}
