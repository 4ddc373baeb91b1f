//! The `?` overlay: every key and what it does.

use crate::ui::View;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph};

/// Draws the help overlay centred over `area`.
pub fn draw(frame: &mut Frame, area: Rect, state: &View) {
    let t = state.theme;
    let row = |k: String, what: String| {
        Line::from(vec![Span::styled(format!(" {k:<16}"), t.key()), Span::raw(what)])
    };
    let commands = crate::keymap::COMMANDS;
    let what_of = |name: &str| commands.iter().find(|(n, _, _)| *n == name).map_or("", |(_, _, w)| *w);
    // The schedule's two keys share a row (`S, M`), so that every key fits 80×24.
    let mut lines: Vec<Line> = commands
        .iter()
        .filter(|(name, _, _)| *name != "move")
        .map(|(name, _, what)| match *name {
            "schedule" => {
                let m = state.key("move");
                row(format!("{}, {m}", state.key(name)), format!("{what} · {m}: {}", what_of("move")))
            }
            _ => row(state.key(name).to_string(), (*what).to_string()),
        })
        .collect();
    lines.extend(crate::keymap::FIXED_KEYS.iter().map(|(k, what)| row(k.to_string(), (*what).to_string())));
    // Every key on an 80×24 terminal: one row each, the way out in the bottom border.
    let h = u16::try_from(lines.len()).unwrap_or(u16::MAX).saturating_add(2);
    let rect = super::centered(area, 86, h);
    frame.render_widget(Clear, rect);
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .title(Span::styled(" Keys ", t.title()))
        .title_bottom(Span::styled(" Esc or ? to close ", t.dim()));
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}
