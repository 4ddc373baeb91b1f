//! The message popup (`Enter`): the banner, the footer message and the log's error whole,
//! wrapped, for when the one line they have is too short for them.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph};

use super::fit::{self, Item, Rank};
use crate::ui::View;

/// Draws the popup centred over `area`.
pub fn draw(frame: &mut Frame, area: Rect, state: &View) {
    let t = state.theme;
    let mut items = Vec::new();
    for n in state.messages() {
        if !items.is_empty() {
            items.push(Item::row(Rank::Detail, ""));
        }
        items.push(Item::wrapped(Rank::Must, Line::styled(n.text, t.level(n.level)), usize::MAX));
    }
    if items.is_empty() {
        items.push(Item::row(Rank::Must, Line::styled("no message", t.dim())));
    }
    let width = 80.min(area.width.saturating_sub(4));
    let room = usize::from(width.saturating_sub(2));
    // As many rows as the text needs, up to the screen; past that the rest is cut in its middle.
    let most = usize::from(area.height.saturating_sub(4));
    let lines = fit::place(&items, room, most);
    let height = u16::try_from(lines.len()).unwrap_or(u16::MAX).saturating_add(2);
    let rect = super::centered(area, width, height);
    frame.render_widget(Clear, rect);
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .title(Span::styled(" Message ", t.title()))
        .title_bottom(Line::styled(" Esc or Enter to close ", t.dim()).right_aligned());
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}
