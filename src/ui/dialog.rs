//! The confirmation dialog, centred over the panel.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph};

use super::fit::{self, Item, Rank};

use crate::state::{Dialog, Level};
use crate::ui::View;

/// Draws `dialog` over `area`. On a small terminal the buttons, the keys, warnings and the text
/// being edited stay; information lines are shortened (in their middle) first, blank lines go.
pub fn draw(frame: &mut Frame, area: Rect, state: &View, dialog: &Dialog) {
    let t = state.theme;
    let mut items: Vec<Item> = dialog
        .lines
        .iter()
        .map(|(level, text)| {
            // Information is the dialog's body text; warnings and errors stand out.
            let line =
                Line::styled(text.clone(), if *level == Level::Info { t.text() } else { t.level(*level) });
            match level {
                _ if text.is_empty() => Item::row(Rank::Low, line),
                Level::Info => Item::wrapped(Rank::High, line, 4),
                Level::Warn | Level::Error => Item::wrapped(Rank::Must, line, 6),
            }
        })
        .collect();
    let width = 76.min(area.width.saturating_sub(4));
    if let Some(text) = &dialog.input {
        let rows = input_lines(state, text, usize::from(width.saturating_sub(4)));
        items.extend(rows.into_iter().map(|l| Item::row(Rank::Must, l)));
    }
    items.push(Item::row(Rank::Low, ""));
    let mut buttons = vec![Span::raw(" ")];
    for (i, c) in dialog.choices.iter().enumerate() {
        let style = if i == dialog.selected { t.key().add_modifier(Modifier::REVERSED) } else { t.text() };
        buttons.push(Span::styled(format!("[ {} ]", c.label), style));
        buttons.push(Span::raw("  "));
    }
    items.push(Item::wrapped(Rank::Must, Line::from(buttons), 3));
    let keys = if dialog.input.is_some() {
        " type to edit · Tab/←/→ choose · Enter confirm · Esc cancel"
    } else {
        " ←/→ choose · Enter confirm · y yes · n/Esc no"
    };
    items.push(Item::row(Rank::Must, Line::styled(keys, t.dim())));
    let room = usize::from(width.saturating_sub(2).max(1));
    let lines = fit::place(&items, room, usize::from(area.height.saturating_sub(2)));
    let height = u16::try_from(lines.len()).unwrap_or(u16::MAX).saturating_add(2);
    let rect = super::centered(area, width, height);
    frame.render_widget(Clear, rect);
    let title = format!(" {} ", fit::middle(&dialog.title, room.saturating_sub(2)));
    let block = Block::bordered().border_type(BorderType::Double).title(Span::styled(title, t.warn()));
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}

/// The editable text as a highlighted field `room` wide, broken every `room` characters so
/// that the field stays a box; the cursor is at the end.
fn input_lines(state: &View, text: &str, room: usize) -> Vec<Line<'static>> {
    let style = state.theme.text().add_modifier(Modifier::REVERSED);
    let room = room.max(1);
    let chars: Vec<char> = text.chars().chain(['▏']).collect();
    chars
        .chunks(room)
        .map(|chunk| {
            let mut row: String = chunk.iter().collect();
            row.extend(std::iter::repeat_n(' ', room - chunk.len()));
            Line::from(vec![Span::raw(" "), Span::styled(row, style)])
        })
        .collect()
}
