//! Drawing: pure functions of the state, one file per panel.

mod dialog;
mod footer;
mod header;
mod help;
mod instance;
pub mod logs;
mod placeholder;
pub mod run;
pub mod theme;

#[cfg(test)]
mod tests;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph, Wrap};

use crate::state::{Overlay, State};

/// Smallest terminal the panel draws in.
pub const MIN_SIZE: (u16, u16) = (60, 18);

/// Draws the whole panel for `state`.
pub fn draw(frame: &mut Frame, state: &State) {
    let area = frame.area();
    if area.width < MIN_SIZE.0 || area.height < MIN_SIZE.1 {
        too_small(frame, area, state);
        return;
    }
    let [head, body, foot] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(0), Constraint::Length(1)]).areas(area);
    header::draw(frame, head, state);
    footer::draw(frame, foot, state);
    let body = match &state.banner {
        Some(b) => {
            let [bar, rest] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(body);
            banner(frame, bar, state, b);
            rest
        }
        None => body,
    };
    let top_height = 12.min(body.height.saturating_sub(4));
    let [top, logs] = Layout::vertical([Constraint::Length(top_height), Constraint::Min(0)]).areas(body);
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(top);
    let [run, schedule] =
        Layout::vertical([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(right);
    instance::draw(frame, left, state);
    self::run::draw(frame, run, state);
    placeholder::draw(frame, schedule, state, "Schedule", "The weekly trigger appears here.");
    placeholder::draw(frame, logs, state, "Logs", "The run log streams here.");
    if state.overlay == Some(Overlay::Help) {
        help::draw(frame, area, state);
    }
    if let Some(d) = &state.dialog {
        dialog::draw(frame, area, state, d);
    }
}

fn banner(frame: &mut Frame, area: Rect, state: &State, b: &crate::state::Notice) {
    let t = state.theme;
    let color = match b.level {
        crate::state::Level::Info => ratatui::style::Color::Green,
        crate::state::Level::Warn => ratatui::style::Color::Yellow,
        crate::state::Level::Error => ratatui::style::Color::Red,
    };
    let text = format!(" {}   (Esc to dismiss) ", b.text);
    frame.render_widget(Paragraph::new(Line::styled(text, t.badge(color))), area);
}

fn too_small(frame: &mut Frame, area: Rect, state: &State) {
    let t = state.theme;
    let text = vec![
        Line::styled("Terminal too small", t.warn()),
        Line::raw(format!("{}x{}: need at least {}x{}", area.width, area.height, MIN_SIZE.0, MIN_SIZE.1)),
        Line::styled("enlarge the window, or q to quit", t.dim()),
    ];
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), area);
}

/// A rectangle of `w`x`h` centred in `area` (clamped to it).
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect { x: area.x + (area.width - w) / 2, y: area.y + (area.height - h) / 2, width: w, height: h }
}
