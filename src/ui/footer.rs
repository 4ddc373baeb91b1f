//! The bottom line: the current message, else the key hints.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::state::{Level, State};

/// Key hints shown when there is no message.
pub const HINTS: &[(&str, &str)] = &[
    ("s", "start"),
    ("x", "stop"),
    ("d", "dev mode"),
    ("m", "slack"),
    ("/", "search"),
    ("l", "log source"),
    ("?", "help"),
    ("q", "quit"),
];

/// Draws the footer.
pub fn draw(frame: &mut Frame, area: Rect, state: &State) {
    let t = state.theme;
    let line = match &state.notice {
        Some(n) => {
            let style = match n.level {
                Level::Info => t.ok(),
                Level::Warn => t.warn(),
                Level::Error => t.error(),
            };
            Line::from(vec![
                Span::styled(format!(" {} ", n.text), style),
                Span::styled("  (Esc to dismiss)", t.dim()),
            ])
        }
        None => {
            let mut spans = vec![Span::raw(" ")];
            for (k, what) in HINTS {
                spans.push(Span::styled(*k, t.key()));
                spans.push(Span::styled(format!(" {what}  "), t.dim()));
            }
            Line::from(spans)
        }
    };
    frame.render_widget(Paragraph::new(line), area);
}
