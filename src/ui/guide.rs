//! The first screen's guide in the Instance panel: what is wrong and what to do, while no
//! instance can be shown (see [`crate::state::guide`]).

use ratatui::text::{Line, Span};

use crate::ui::View;

/// The guide's lines (headline, steps, when the panel asks again), or `None` when there is no
/// guide to show.
pub fn lines(state: &View, retry: &str) -> Option<Vec<Line<'static>>> {
    let t = state.theme;
    let g = crate::state::guide::guide(state)?;
    let mut lines = vec![Line::styled(format!("✗ {}", g.headline), t.error())];
    for step in g.steps {
        lines.push(Line::from(vec![Span::styled("  • ", t.dim()), Span::styled(step, t.text())]));
    }
    lines.push(Line::styled(format!("{retry} · r asks now"), t.dim()));
    Some(lines)
}
