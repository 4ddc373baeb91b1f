//! The schedule panel: the weekly trigger, its next fire in UTC and local time, and the alarms.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph, Wrap};

use crate::schedule::{RuleState, countdown, format_utc};
use crate::state::schedule::view;
use crate::ui::View;

/// Draws the schedule panel.
pub fn draw(frame: &mut Frame, area: Rect, state: &View) {
    let t = state.theme;
    let mut block =
        Block::bordered().border_type(BorderType::Rounded).title(Span::styled(" Schedule ", t.title()));
    let mut lines = Vec::new();
    match (view(state, state.tz()), &state.schedule.error) {
        (None, Some(e)) => lines.push(Line::styled(format!("✗ {e}"), t.error())),
        (None, None) => lines.push(Line::styled("reading the rule…", t.dim())),
        (Some(v), err) => {
            let badge = match &v.state {
                RuleState::Enabled => Span::styled(" ENABLED ", t.ok()),
                RuleState::Disabled => Span::styled(" DISABLED ", t.warn()),
                RuleState::Other(s) => Span::styled(format!(" {s} "), t.warn()),
            };
            block = block.title_top(Line::from(badge).right_aligned());
            if let Some(a) = &v.dev_mode_alarm {
                lines.push(Line::styled(format!("⚠ {a}"), t.badge(ratatui::style::Color::Red)));
            }
            let target = v.targets.first().map(|t| t.rsplit(':').next().unwrap_or(t).to_string());
            lines.push(Line::from(vec![
                Span::styled(format!("{} ", v.rule), t.text()),
                Span::styled(v.expression.clone(), t.dim()),
                Span::styled(target.map(|t| format!(" → {t}")).unwrap_or_default(), t.dim()),
            ]));
            if let Some(f) = v.next.as_ref().or(v.upcoming.first()) {
                let est = if v.exact { "" } else { " (estimate)" };
                let label = if v.next.is_some() { "Next" } else { "Would" };
                lines.push(Line::from(vec![
                    Span::styled(format!("{label:<6}"), t.dim()),
                    Span::raw(format!("{}{est}", f.utc)),
                    // The local time only when it says something the UTC time does not.
                    Span::styled(
                        if f.local_is_utc { " · ".to_string() } else { format!(" · {} · ", f.local) },
                        t.dim(),
                    ),
                    Span::styled(f.countdown.clone(), t.key()),
                ]));
            }
            if let Some((_, Some(fired))) = &state.schedule.value {
                lines.push(Line::from(vec![
                    Span::styled("Fired ", t.dim()),
                    Span::raw(format_utc(fired.at)),
                    Span::styled(format!(" ({})", countdown(state.now, fired.at)), t.dim()),
                ]));
            }
            for note in [&v.disabled_note, &v.problem, &v.name_note].into_iter().flatten() {
                lines.push(Line::styled(format!("! {note}"), t.warn()));
            }
            if let Some(e) = err {
                lines.push(Line::styled(format!("✗ stale: {e}"), t.error()));
            }
        }
    }
    frame.render_widget(Paragraph::new(lines).block(block).wrap(Wrap { trim: false }), area);
}
