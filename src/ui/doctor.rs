//! The doctor overlay (key `D`): one line per check, the hint under anything that needs a hand.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Wrap};

use crate::doctor::{Check, Status, blocking};
use crate::timefmt::clock;
use crate::ui::View;
use crate::ui::theme::Theme;

/// The colour of a check's status.
fn status_style(t: &Theme, s: Status) -> Style {
    match s {
        Status::Pass => t.ok(),
        Status::Fail => t.error(),
        Status::Warn => t.warn(),
        Status::Skip => t.dim(),
    }
}

/// `text` broken at spaces into rows of at most `room` characters (a longer word gets a row
/// of its own).
fn wrap_words(text: &str, room: usize) -> Vec<String> {
    let mut rows = Vec::new();
    let mut row = String::new();
    for word in text.split(' ') {
        let len = row.chars().count();
        if len > 0 && len + 1 + word.chars().count() > room {
            rows.push(std::mem::take(&mut row));
        } else if len > 0 {
            row.push(' ');
        }
        row.push_str(word);
    }
    rows.push(row);
    rows
}

/// The overlay's lines for an `inner` wide box: a status line, the checks (details and hints
/// wrapped under their column), and a count.
fn lines(state: &View, inner: usize) -> Vec<Line<'static>> {
    let t = state.theme;
    let view = &state.doctor;
    let mut lines = Vec::new();
    if view.running {
        lines.push(Line::styled("running checks…", t.warn()));
    }
    let Some(checks) = &view.checks else { return lines };
    if view.running {
        lines.push(Line::styled("previous results:", t.dim()));
    }
    let width = checks.iter().map(|c| c.name.chars().count()).max().unwrap_or(0);
    let indent = " ".repeat(width + 4);
    let room = inner.saturating_sub(width + 4).max(16);
    for c in checks {
        let style = status_style(&t, c.status);
        let mut detail = wrap_words(&c.detail, room).into_iter();
        lines.push(Line::from(vec![
            Span::styled(format!("{} ", c.status.symbol()), style),
            Span::styled(format!("{:<width$}  ", c.name), style),
            Span::raw(detail.next().unwrap_or_default()),
        ]));
        lines.extend(detail.map(|row| Line::raw(format!("{indent}{row}"))));
        if let (Some(hint), Status::Fail | Status::Warn) = (&c.hint, c.status) {
            let hint = wrap_words(&format!("→ {hint}"), room);
            lines.extend(hint.into_iter().map(|row| Line::styled(format!("{indent}{row}"), t.dim())));
        }
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(summary(checks, view.at.map(clock)), t.text()));
    let failed: Vec<&str> = blocking(checks).iter().map(|c| c.name).collect();
    if failed.is_empty() {
        lines.push(Line::styled("every required check passed", t.ok()));
    } else {
        lines.push(Line::styled(format!("required checks failed: {}", failed.join(", ")), t.error()));
    }
    lines
}

/// `7 passed, 1 failed, 1 warning, 2 skipped · at 10:12:05 UTC`.
fn summary(checks: &[Check], at: Option<String>) -> String {
    let count = |st: Status| checks.iter().filter(|c| c.status == st).count();
    let warnings = count(Status::Warn);
    format!(
        "{} passed, {} failed, {warnings} warning{}, {} skipped{}",
        count(Status::Pass),
        count(Status::Fail),
        if warnings == 1 { "" } else { "s" },
        count(Status::Skip),
        at.map(|a| format!(" · at {a} UTC")).unwrap_or_default()
    )
}

/// Draws the doctor overlay centred over `area`.
pub fn draw(frame: &mut Frame, area: Rect, state: &View) {
    let t = state.theme;
    let width = 110.min(area.width.saturating_sub(4));
    let inner = usize::from(width.saturating_sub(2)).max(1);
    let lines = lines(state, inner);
    let rows: usize = lines.iter().map(|l| l.width().max(1).div_ceil(inner)).sum();
    let rows = u16::try_from(rows).unwrap_or(u16::MAX);
    let height = rows.saturating_add(2).min(area.height.saturating_sub(2));
    let visible = height.saturating_sub(2);
    let scroll = state.doctor.scroll.min(rows.saturating_sub(visible));
    let rect = super::centered(area, width, height);
    frame.render_widget(Clear, rect);
    let keys = if rows > visible {
        " Esc close · D run again · ↑/↓ scroll "
    } else {
        " Esc close · D run again "
    };
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .title(Span::styled(" Doctor ", t.title()))
        .title_bottom(Line::styled(keys, t.dim()).right_aligned());
    frame.render_widget(
        Paragraph::new(lines).block(block).wrap(Wrap { trim: false }).scroll((scroll, 0)),
        rect,
    );
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::wrap_words;
    use crate::action::Action;
    use crate::backends::Backends;
    use crate::cloud::InstanceState;
    use crate::cloud::demo::{DemoCloud, DemoTimings};
    use crate::config::Config;
    use crate::fixtures::instance;
    use crate::state::update;
    use crate::ui::tests::{render, with_result};

    #[tokio::test]
    async fn the_overlay_shows_the_schedule_target_lambda_log_and_box_permission_checks() {
        let mut cfg = Config::builtin();
        cfg.demo = true;
        let backends = Backends::demo(&cfg, Arc::new(DemoCloud::new(DemoTimings::default())));
        let checks =
            crate::doctor::run_all(&cfg, &backends.doctor_subjects(&cfg), &crate::doctor::Options::default())
                .await;
        let mut s = with_result(Ok(vec![instance(InstanceState::Stopped)]));
        update(&mut s, Action::DoctorRequested);
        update(&mut s, Action::DoctorChecked(checks));
        let screen = render(&s, 120, 40);
        for row in [
            "✓ Box log permission    role baseline-model-box (profile baseline-model-box) may write",
            "✓ Schedule target       MondayMorning9aEST invokes the Lambda start-baseline-instance",
            "✓ Scheduler role        role baseline-scheduler trusts scheduler.amazonaws.com and may invoke",
            "✓ Scheduler log group   /aws/lambda/start-baseline-instance exists",
            "✓ CloudTrail history    cloudtrail:LookupEvents allowed",
            "✓ Hourly price          $",
            "every required check passed",
        ] {
            assert!(screen.contains(row), "{row}\n{screen}");
        }
    }

    #[test]
    fn words_wrap_at_spaces_and_long_words_keep_a_row() {
        assert_eq!(wrap_words("enable the rule now", 10), ["enable the", "rule now"]);
        assert_eq!(wrap_words("a verylongwordindeed b", 8), ["a", "verylongwordindeed", "b"]);
        assert_eq!(wrap_words("", 8), [""]);
    }
}
