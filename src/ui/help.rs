//! The `?` overlay: every key and what it does.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph};

use crate::state::State;

/// Keys and what they do, in the order shown.
pub const KEYS: &[(&str, &str)] = &[
    ("q, Ctrl-C", "quit"),
    ("r", "refresh now"),
    ("b", "switch to the next box (when the config lists several)"),
    ("s", "start a run (asks first; refused while the box is up)"),
    ("x", "stop the box (asks first; warns when a run is in progress)"),
    ("d", "dev mode on/off (shows the one-line diff; can stop the box first)"),
    ("c", "copy the SSH command (dev mode, box running)"),
    ("S", "enable / disable the schedule rule"),
    ("↑↓ PgUp PgDn", "scroll the log (mouse wheel too); g top, G / End follow"),
    ("/  n  N", "search the log, next / previous match"),
    ("|", "filter: show only matching lines (Esc clears)"),
    ("t  w", "timestamps off / UTC / local; wrap long lines"),
    ("l  1 2 3", "next log source; run log, scheduler log, console output"),
    ("e", "save the current run's whole log to a file"),
    ("h", "run history (past runs from the run log) / back to the logs"),
    ("m", "write and post a test message to Slack"),
    ("D", "doctor: check AWS, Slack, GitHub and .env"),
    ("Tab, Shift-Tab", "next / previous instance (when several match)"),
    ("?  Esc", "show / hide this help; Esc closes an overlay, dismisses a message"),
    ("Ctrl-Z", "suspend to the shell (fg to return)"),
];

/// Draws the help overlay centred over `area`.
pub fn draw(frame: &mut Frame, area: Rect, state: &State) {
    let t = state.theme;
    let mut lines: Vec<Line> = KEYS
        .iter()
        .map(|(k, what)| Line::from(vec![Span::styled(format!(" {k:<16}"), t.key()), Span::raw(*what)]))
        .collect();
    lines.push(Line::raw(""));
    lines.push(Line::styled(" Esc or ? to close", t.dim()));
    let h = lines.len() as u16 + 2;
    let rect = super::centered(area, 86, h);
    frame.render_widget(Clear, rect);
    let block = Block::bordered().border_type(BorderType::Rounded).title(Span::styled(" Keys ", t.title()));
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}
