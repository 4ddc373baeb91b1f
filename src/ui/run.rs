//! The run panel: the last run's outcome (and, below it, the run history when known).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph, Wrap};

use crate::run::Outcome;
use crate::state::State;
use crate::timefmt::{human_duration, utc};
use crate::ui::theme::Theme;

/// The style of an outcome.
pub fn outcome_style(t: &Theme, o: &Outcome) -> ratatui::style::Style {
    match o {
        Outcome::Succeeded => t.ok().add_modifier(ratatui::style::Modifier::BOLD),
        Outcome::Failed => t.error(),
        Outcome::InProgress { .. } => t.warn(),
        Outcome::StoppedByHand | Outcome::Unknown { .. } => {
            t.dim().add_modifier(ratatui::style::Modifier::BOLD)
        }
    }
}

/// Draws the run panel.
pub fn draw(frame: &mut Frame, area: Rect, state: &State) {
    let t = state.theme;
    let block =
        Block::bordered().border_type(BorderType::Rounded).title(Span::styled(" Last run ", t.title()));
    let mut lines = Vec::new();
    match state.last_run() {
        None => lines.push(Line::styled("waiting for the instance…", t.dim())),
        Some(run) => {
            let mut head =
                vec![Span::styled(format!("● {}", run.outcome.label()), outcome_style(&t, &run.outcome))];
            if let Outcome::InProgress { elapsed } = run.outcome {
                head.push(Span::raw(format!(" · {}", human_duration(elapsed))));
            }
            lines.push(Line::from(head));
            let label = |l: &str| Span::styled(format!("{l:<9}"), t.dim());
            if let Some(s) = run.started {
                lines.push(Line::from(vec![label("Started"), Span::raw(utc(s))]));
            }
            if let Some(e) = run.ended {
                lines.push(Line::from(vec![label("Ended"), Span::raw(utc(e))]));
            }
            if let Some(d) = run.duration {
                lines.push(Line::from(vec![label("Took"), Span::raw(human_duration(d))]));
            }
            lines.push(Line::styled(run.evidence, t.dim()));
        }
    }
    frame.render_widget(Paragraph::new(lines).block(block).wrap(Wrap { trim: false }), area);
}
