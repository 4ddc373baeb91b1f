//! The confirmation dialog, centred over the panel.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Wrap};

use crate::state::{Dialog, Level};
use crate::ui::View;

/// Draws `dialog` over `area`.
pub fn draw(frame: &mut Frame, area: Rect, state: &View, dialog: &Dialog) {
    let t = state.theme;
    let mut lines: Vec<Line> = dialog
        .lines
        .iter()
        .map(|(level, text)| {
            // Information is the dialog's body text; warnings and errors stand out.
            let style = if *level == Level::Info { t.text() } else { t.level(*level) };
            Line::styled(text.clone(), style)
        })
        .collect();
    let width = 76.min(area.width.saturating_sub(4));
    if let Some(text) = &dialog.input {
        lines.extend(input_lines(state, text, usize::from(width.saturating_sub(4))));
    }
    lines.push(Line::raw(""));
    let mut buttons = vec![Span::raw(" ")];
    for (i, c) in dialog.choices.iter().enumerate() {
        let style = if i == dialog.selected { t.key().add_modifier(Modifier::REVERSED) } else { t.text() };
        buttons.push(Span::styled(format!("[ {} ]", c.label), style));
        buttons.push(Span::raw("  "));
    }
    lines.push(Line::from(buttons));
    let keys = if dialog.input.is_some() {
        " type to edit · Tab/←/→ choose · Enter confirm · Esc cancel"
    } else {
        " ←/→ choose · Enter confirm · y yes · n/Esc no"
    };
    lines.push(Line::styled(keys, t.dim()));
    let inner = width.saturating_sub(2).max(1) as usize;
    let height: usize = lines.iter().map(|l| l.width().max(1).div_ceil(inner)).sum::<usize>() + 2;
    let rect = super::centered(area, width, u16::try_from(height).unwrap_or(u16::MAX));
    frame.render_widget(Clear, rect);
    let block = Block::bordered()
        .border_type(BorderType::Double)
        .title(Span::styled(format!(" {} ", dialog.title), t.warn()));
    frame.render_widget(Paragraph::new(lines).block(block).wrap(Wrap { trim: false }), rect);
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
