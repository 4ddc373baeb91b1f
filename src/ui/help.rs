//! The `?` overlay: every key and what it does.

use crate::ui::View;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph};

/// Keys that are not commands (fixed), shown after the commands.
pub const FIXED_KEYS: &[(&str, &str)] = &[
    ("↑↓ PgUp PgDn", "scroll the log (mouse wheel too); g top, G / End follow"),
    ("/  n  N", "search the log, next / previous match"),
    ("|", "filter: show only matching lines (Esc clears)"),
    ("t  w", "timestamps off / UTC / local; wrap long lines"),
    ("l  1 2 3", "next log source; run log, scheduler log, console output"),
    ("Tab, Shift-Tab", "next / previous instance (when several match)"),
    ("Esc", "close an overlay; else clear search/filter; else the message"),
    ("Ctrl-Z", "suspend to the shell (fg to return)"),
];

/// Draws the help overlay centred over `area`.
pub fn draw(frame: &mut Frame, area: Rect, state: &View) {
    let t = state.theme;
    let row = |k: String, what: &'static str| {
        Line::from(vec![Span::styled(format!(" {k:<16}"), t.key()), Span::raw(what)])
    };
    let mut lines: Vec<Line> = crate::keymap::COMMANDS
        .iter()
        .map(|(name, _, what)| row(state.key(name).to_string(), what))
        .collect();
    lines.extend(FIXED_KEYS.iter().map(|(k, what)| row(k.to_string(), what)));
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
