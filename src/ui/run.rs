//! The Last run panel: the newest run of the timeline (dev sessions skipped), how it goes or
//! went, its progress and ETA; and, when the box is up in a dev session, a line saying so.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, LineGauge, Paragraph, Wrap};

use crate::run::text::{eta_text, running_for};
use crate::run::{Entry, Kind, Outcome};
use crate::timefmt::{human_duration, utc};
use crate::ui::View;
use crate::ui::theme::Theme;

/// The style of an outcome.
pub fn outcome_style(t: &Theme, o: Outcome) -> Style {
    match o {
        Outcome::Succeeded => t.ok().add_modifier(Modifier::BOLD),
        Outcome::Failed | Outcome::Failing => t.error(),
        Outcome::Stuck => t.warn().add_modifier(Modifier::BOLD),
        Outcome::InProgress => t.warn(),
        Outcome::StoppedByHand | Outcome::Unknown => t.dim().add_modifier(Modifier::BOLD),
    }
}

/// The panel's text: the lines above the gauge, the gauge's ratio and label, the lines below.
pub struct RunText {
    /// Outcome, start, end or "running for".
    pub top: Vec<Line<'static>>,
    /// Progress as `(ratio, "12/58")`.
    pub gauge: Option<(f64, String)>,
    /// ETA, evidence, hints.
    pub bottom: Vec<Line<'static>>,
}

/// What the panel says for `state`.
pub fn run_text(state: &View) -> RunText {
    let t = state.theme;
    let now = state.now;
    let timeline = state.timeline();
    let mut top = Vec::new();
    let mut bottom = Vec::new();
    let mut gauge = None;
    let label = |l: &str| Span::styled(format!("{l:<9}"), t.dim());
    match timeline.last_run() {
        None if state.instance().is_none() => top.push(Line::styled("waiting for the instance…", t.dim())),
        None if state.runs.reading => top.push(Line::styled("reading the run log…", t.dim())),
        None => top.push(Line::styled("no run in the run log (last 120 days)", t.dim())),
        Some(run) => {
            top.push(headline(run, now, &t));
            top.push(Line::from(vec![label("Started"), Span::raw(utc(run.started))]));
            match (running_for(run, now), run.ended) {
                (Some(up), _) => top.push(Line::raw(up)),
                (None, Some(e)) => {
                    top.push(Line::from(vec![label("Ended"), Span::raw(utc(e))]));
                    if let Some(d) = run.duration {
                        top.push(Line::from(vec![label("Took"), Span::raw(human_duration(d))]));
                    }
                }
                (None, None) => {}
            }
            if let Some(p) = run.progress.filter(|_| run.outcome.is_live()) {
                gauge =
                    Some((f64::from(p.done) / f64::from(p.total.max(1)), format!("{}/{}", p.done, p.total)));
            }
            if run.outcome.is_live()
                && let Some(eta) = &run.eta
            {
                let usual = eta.usual.map(|u| format!("usual {} · ", human_duration(u))).unwrap_or_default();
                bottom.push(Line::raw(format!("{usual}{}", eta_text(eta, now, state.tz()))));
            }
            // While it goes, "running for …" says what the evidence would, unless it has more.
            if run.outcome != Outcome::InProgress || run.evidence.contains("success marker") {
                bottom.push(Line::styled(run.evidence.clone(), t.dim()));
            }
            if matches!(run.outcome, Outcome::Failing | Outcome::Stuck) {
                let x = state.key("stop");
                bottom.push(Line::styled(format!("{x}: stop the box (it is still billing)"), t.warn()));
            }
        }
    }
    if let Some(dev) = timeline.current().filter(|c| c.kind == Kind::DevSession && c.outcome.is_live()) {
        let up = human_duration(dev.elapsed(now));
        bottom.push(Line::styled(format!("Now: dev session up {up} (not a run)"), t.warn()));
    }
    RunText { top, gauge, bottom }
}

/// `● failing · 1h12m` while up, `● succeeded` once ended.
fn headline(run: &Entry, now: jiff::Timestamp, t: &Theme) -> Line<'static> {
    let mut head = vec![Span::styled(format!("● {}", run.outcome.label()), outcome_style(t, run.outcome))];
    if run.outcome.is_live() {
        head.push(Span::raw(format!(" · {}", human_duration(run.elapsed(now)))));
    }
    Line::from(head)
}

/// Draws the run panel.
pub fn draw(frame: &mut Frame, area: Rect, state: &View) {
    let t = state.theme;
    let block =
        Block::bordered().border_type(BorderType::Rounded).title(Span::styled(" Last run ", t.title()));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let text = run_text(state);
    let top_rows = u16::try_from(text.top.len()).unwrap_or(u16::MAX);
    let [top, gauge, bottom] = Layout::vertical([
        Constraint::Length(top_rows),
        Constraint::Length(u16::from(text.gauge.is_some())),
        Constraint::Min(0),
    ])
    .areas(inner);
    frame.render_widget(Paragraph::new(text.top), top);
    if let Some((ratio, label)) = text.gauge {
        let g = LineGauge::default()
            .filled_symbol("█")
            .unfilled_symbol("░")
            .filled_style(t.ok())
            .unfilled_style(t.dim())
            .label(Span::raw(format!("{label} ")))
            .ratio(ratio.clamp(0.0, 1.0));
        frame.render_widget(g, gauge);
    }
    frame.render_widget(Paragraph::new(text.bottom).wrap(Wrap { trim: false }), bottom);
}
