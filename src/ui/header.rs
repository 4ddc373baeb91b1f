//! The top line: where the panel points and in which mode.

use crate::ui::View;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Color;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::backends::Account;

/// Draws the header.
pub fn draw(frame: &mut Frame, area: Rect, state: &View) {
    let t = state.theme;
    let c = &state.context;
    let mut spans = vec![Span::styled(" baseline-panel ", t.title()), Span::raw(" ")];
    let mode_badge = match c.mode {
        Account::Demo => Span::styled(" DEMO ", t.badge(Color::Magenta)),
        Account::Aws { .. } => Span::styled(" AWS ", t.badge(Color::Cyan)),
    };
    spans.push(mode_badge);
    if state.dev_mode_on() {
        spans.push(Span::raw(" "));
        spans.push(Span::styled(" DEV MODE ", t.badge(Color::Red)));
    } else if state.dev_unknown().is_some() {
        spans.push(Span::raw(" "));
        spans.push(Span::styled(" DEV MODE ? ", t.badge(Color::Yellow)));
    }
    if c.read_only {
        spans.push(Span::raw(" "));
        spans.push(Span::styled(" READ-ONLY ", t.badge(Color::Yellow)));
    }
    let mut field = |label: &str, value: &str| {
        spans.push(Span::styled(format!("  {label} "), t.dim()));
        spans.push(Span::raw(value.to_string()));
    };
    if c.boxes.len() > 1 {
        let at = c.boxes.iter().position(|b| *b == c.box_name).map_or(0, |i| i + 1);
        field("box", &format!("{} (b: {at}/{})", c.box_name, c.boxes.len()));
    }
    field("profile", &c.profile);
    field("region", &c.region);
    field("instance", &c.target);
    if let Some(e) = &c.endpoint {
        field("endpoint", e);
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
