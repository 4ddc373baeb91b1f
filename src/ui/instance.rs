//! The instance panel: what EC2 says about the job box.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph, Wrap};

use crate::cloud::Instance;
use crate::state::State;
use crate::timefmt::{ago, clock, human_duration, utc};
use crate::ui::theme::Theme;

/// Draws the instance panel.
pub fn draw(frame: &mut Frame, area: Rect, state: &State) {
    let t = state.theme;
    let list = state.instances.value.as_deref().unwrap_or(&[]);
    let mut title = vec![Span::styled(" Instance ", t.title())];
    if list.len() > 1 {
        title.push(Span::styled(format!("{}/{} (Tab) ", state.selected + 1, list.len()), t.dim()));
    }
    let block = Block::bordered().border_type(BorderType::Rounded).title(Line::from(title));
    let mut lines = Vec::new();
    if list.len() > 1 {
        lines.push(Line::styled(
            format!(
                "⚠ {} instances match {}: the Monday Lambda starts all of them",
                list.len(),
                state.context.target
            ),
            t.warn(),
        ));
    }
    match state.instance() {
        Some(i) => lines.extend(details(i, state)),
        None if state.instances.error.is_none() => lines.push(Line::styled("asking EC2…", t.dim())),
        None => {}
    }
    lines.push(freshness(state));
    frame.render_widget(Paragraph::new(lines).block(block).wrap(Wrap { trim: false }), area);
}

fn row<'a>(t: &Theme, label: &str, value: Vec<Span<'a>>) -> Line<'a> {
    let mut spans = vec![Span::styled(format!("{label:<9}"), t.dim())];
    spans.extend(value);
    Line::from(spans)
}

fn details<'a>(i: &'a Instance, state: &State) -> Vec<Line<'a>> {
    let t = &state.theme;
    let now = state.now;
    let mut state_spans = vec![Span::styled(format!("● {}", i.state), t.state(i.state))];
    if let Some(up) = i.uptime(now) {
        state_spans.push(Span::raw(format!(" · up {}", human_duration(up))));
    }
    let mut lines = vec![
        Line::from(vec![
            Span::styled(
                i.name.as_deref().unwrap_or("(no Name tag)"),
                t.text().add_modifier(ratatui::style::Modifier::BOLD),
            ),
            Span::styled(format!("  {}", i.id), t.dim()),
        ]),
        row(t, "State", state_spans),
        row(
            t,
            "Type",
            vec![Span::raw(format!(
                "{} · {}",
                i.instance_type.as_deref().unwrap_or("-"),
                i.availability_zone.as_deref().unwrap_or("-")
            ))],
        ),
    ];
    if let Some(l) = i.launch_time {
        lines.push(row(
            t,
            "Launched",
            vec![Span::raw(utc(l)), Span::styled(format!(" ({})", ago(l, now)), t.dim())],
        ));
    }
    let public = match (&i.public_dns, &i.public_ip) {
        (Some(d), Some(ip)) => format!("{d} · {ip}"),
        (Some(d), None) => d.clone(),
        (None, Some(ip)) => ip.clone(),
        (None, None) => "-".into(),
    };
    lines.push(row(t, "Public", vec![Span::raw(public)]));
    if let Some(c) = &i.status_checks {
        let style = |s: &str| match s {
            "ok" => t.ok(),
            "impaired" | "insufficient-data" => t.error(),
            "initializing" => t.warn(),
            _ => t.dim(),
        };
        lines.push(row(
            t,
            "Checks",
            vec![
                Span::raw("system "),
                Span::styled(c.system.clone(), style(&c.system)),
                Span::raw(" · instance "),
                Span::styled(c.instance.clone(), style(&c.instance)),
            ],
        ));
    }
    if let Some(r) = &i.state_transition_reason {
        lines.push(row(t, "Last", vec![Span::raw(r.as_str())]));
    }
    if let Some(code) = &i.state_reason_code {
        lines.push(row(t, "Reason", vec![Span::raw(code.as_str())]));
    }
    lines
}

/// "updated 4s ago", or the error and how stale the shown data is.
fn freshness(state: &State) -> Line<'static> {
    let t = &state.theme;
    let f = &state.instances;
    let retry = state
        .instance_poll
        .next_at()
        .map(|n| format!("; retrying in {}", human_duration(n.duration_since(state.now))))
        .unwrap_or_default();
    match (&f.error, f.ok_at) {
        (Some(e), Some(ok)) => {
            Line::styled(format!("✗ stale since {} UTC: {e}{retry}", clock(ok)), t.error())
        }
        (Some(e), None) => Line::styled(format!("✗ {e}{retry}"), t.error()),
        (None, Some(ok)) => Line::styled(format!("updated {}", ago(ok, state.now)), t.dim()),
        (None, None) => Line::raw(""),
    }
}
