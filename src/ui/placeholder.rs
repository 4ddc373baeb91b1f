//! A titled, empty panel for a view not built yet.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph};

use crate::state::State;

/// Draws an empty panel with a one-line note.
pub fn draw(frame: &mut Frame, area: Rect, state: &State, title: &str, note: &str) {
    let t = state.theme;
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .title(Span::styled(format!(" {title} "), t.title()));
    frame.render_widget(Paragraph::new(Line::styled(note.to_string(), t.dim())).block(block), area);
}
