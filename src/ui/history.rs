//! The run history pane (key `h`): past runs from the run log, newest first.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Cell, Paragraph, Row, Table};

use crate::state::State;
use crate::timefmt::{human_duration, utc};

/// Draws the history pane.
pub fn draw(frame: &mut Frame, area: Rect, state: &State) {
    let t = state.theme;
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .title(Span::styled(" Run history (h: back to logs) ", t.title()));
    let runs = match (&state.history.value, &state.history.error) {
        (_, Some(e)) => {
            let p = Paragraph::new(Line::styled(format!("✗ {e}"), t.error())).block(block);
            return frame.render_widget(p, area);
        }
        (None, None) => {
            let p = Paragraph::new(Line::styled("reading the run log…", t.dim())).block(block);
            return frame.render_widget(p, area);
        }
        (Some(r), None) if r.is_empty() => {
            let p = Paragraph::new(Line::styled("no runs in the run log group (last 120 days)", t.dim()))
                .block(block);
            return frame.render_widget(p, area);
        }
        (Some(r), None) => r,
    };
    let header = Row::new(["started (UTC)", "ended", "took", "outcome", "lines", "first failure / evidence"])
        .style(t.dim());
    let rows = runs.iter().map(|r| {
        let ended = r.ended.map(|e| e.strftime("%H:%M:%S").to_string()).unwrap_or_else(|| "-".into());
        let took = r.duration.map(human_duration).unwrap_or_else(|| "-".into());
        let note = r.first_failure.clone().unwrap_or_else(|| r.evidence.clone());
        Row::new(vec![
            Cell::from(utc(r.started)),
            Cell::from(ended),
            Cell::from(took),
            Cell::from(Span::styled(r.outcome.label(), super::run::outcome_style(&t, &r.outcome))),
            Cell::from(r.lines.to_string()),
            Cell::from(note),
        ])
    });
    let widths = [
        Constraint::Length(23),
        Constraint::Length(8),
        Constraint::Length(7),
        Constraint::Length(15),
        Constraint::Length(6),
        Constraint::Min(10),
    ];
    frame.render_widget(Table::new(rows, widths).header(header).block(block), area);
}
