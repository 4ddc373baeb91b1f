//! The instance panel: what EC2 says about the job box.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph, Wrap};

use crate::cloud::Instance;
use crate::timefmt::{ago, clock, human_duration, utc};
use crate::ui::View;
use crate::ui::theme::Theme;

/// Draws the instance panel.
pub fn draw(frame: &mut Frame, area: Rect, state: &View) {
    let t = state.theme;
    let list = state.instances.value.as_deref().unwrap_or(&[]);
    let mut title = vec![Span::styled(" Instance ", t.title())];
    if list.len() > 1 {
        title.push(Span::styled(format!("{}/{} (Tab) ", state.selected + 1, list.len()), t.dim()));
    }
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .title(Line::from(title))
        .title_top(freshness(state).right_aligned());
    let mut lines = Vec::new();
    let poll = &state.instance_poll;
    let retry = match poll.next_at() {
        _ if poll.busy() => "retrying now…".to_string(),
        Some(n) if n > state.now => format!("retrying in {}", human_duration(n.duration_since(state.now))),
        _ => "retrying now…".to_string(),
    };
    if let Some(guide) = super::guide::lines(state, &retry) {
        lines.extend(guide);
    } else if let Some(e) = &state.instances.error {
        lines.push(Line::styled(format!("✗ {e}; {retry}"), t.error()));
    }
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
        Some(i) => {
            lines.extend(details(i, state));
            lines.extend(dev_lines(state));
        }
        None if state.instances.error.is_none() => lines.push(Line::styled("asking EC2…", t.dim())),
        None => {}
    }
    frame.render_widget(Paragraph::new(lines).block(block).wrap(Wrap { trim: false }), area);
}

fn row<'a>(t: &Theme, label: &str, value: Vec<Span<'a>>) -> Line<'a> {
    let mut spans = vec![Span::styled(format!("{label:<9}"), t.dim())];
    spans.extend(value);
    Line::from(spans)
}

fn check_style(t: &Theme, s: &str) -> ratatui::style::Style {
    match s {
        "ok" => t.ok(),
        "impaired" | "insufficient-data" => t.error(),
        "initializing" => t.warn(),
        _ => t.dim(),
    }
}

fn details<'a>(i: &'a Instance, state: &View) -> Vec<Line<'a>> {
    let t = &state.theme;
    let now = state.now;
    let mut head = vec![
        Span::styled(i.name.as_deref().unwrap_or("(no Name tag)"), t.text().add_modifier(Modifier::BOLD)),
        Span::styled(format!("  {}", i.id), t.dim()),
    ];
    head.push(Span::styled(
        format!(
            "  {} · {}",
            i.instance_type.as_deref().unwrap_or("-"),
            i.availability_zone.as_deref().unwrap_or("-")
        ),
        t.dim(),
    ));
    let mut state_spans = vec![Span::styled(format!("● {}", i.state), t.state(i.state))];
    if let Some(up) = i.uptime(now) {
        state_spans.push(Span::raw(format!(" · up {}", human_duration(up))));
    }
    if let Some(c) = i.status_checks.as_ref().filter(|c| c.system != "not-applicable") {
        state_spans.push(Span::raw(" · checks "));
        state_spans.push(Span::styled(c.system.clone(), check_style(t, &c.system)));
        state_spans.push(Span::raw("/"));
        state_spans.push(Span::styled(c.instance.clone(), check_style(t, &c.instance)));
    }
    let mut lines = vec![Line::from(head), row(t, "State", state_spans)];
    if let Some(l) = i.launch_time {
        lines.push(row(
            t,
            "Launched",
            vec![Span::raw(utc(l)), Span::styled(format!(" ({})", ago(l, now)), t.dim())],
        ));
    }
    let public = match (&i.public_dns, &i.public_ip) {
        (Some(d), Some(ip)) => Some(format!("{d} · {ip}")),
        (Some(d), None) => Some(d.clone()),
        (None, Some(ip)) => Some(ip.clone()),
        (None, None) => None,
    };
    if let Some(p) = public {
        lines.push(row(t, "Public", vec![Span::raw(p)]));
    }
    if let Some(r) = &i.state_transition_reason {
        let code = i.state_reason_code.as_deref().map(|c| format!(" · {c}")).unwrap_or_default();
        lines.push(row(t, "Last", vec![Span::raw(r.as_str()), Span::styled(code, t.dim())]));
    }
    lines
}

/// Dev mode, the SSH command while the box runs in dev mode, and the long-session warning.
fn dev_lines(state: &View) -> Vec<Line<'static>> {
    let t = &state.theme;
    let mut lines = Vec::new();
    if let Some(u) = state.dev_unknown() {
        let next = match u.next_read {
            Some(at) if at > state.now => {
                format!("in {}", human_duration(at.duration_since(state.now)))
            }
            _ => "now…".to_owned(),
        };
        let mut value = vec![Span::styled(
            format!("unknown — the last switch did not finish cleanly; reading again {next}"),
            t.warn(),
        )];
        if let Some(e) = &u.last_read {
            value.push(Span::styled(format!(" (last read: {e})"), t.dim()));
        }
        lines.push(row(t, "Dev mode", value));
    }
    match (state.dev_info(), &state.dev.error) {
        (Some(d), _) if d.mode == crate::userdata::Mode::Dev => lines.push(row(
            t,
            "Dev mode",
            vec![Span::styled(
                format!("ON — script line {} commented out (d to restore)", d.line_number),
                t.error(),
            )],
        )),
        (Some(d), _) => lines.push(row(
            t,
            "Dev mode",
            vec![Span::styled(format!("off — line {} runs the script at boot", d.line_number), t.dim())],
        )),
        (None, _) if state.dev_unknown().is_some() => {}
        (None, Some(e)) => {
            lines.push(row(t, "Dev mode", vec![Span::styled(format!("unknown: {e}"), t.warn())]));
        }
        (None, None) => {}
    }
    if let Some(d) = state.dev_info() {
        for w in &d.warnings {
            lines.push(Line::styled(format!("⚠ {w}"), t.warn()));
        }
    }
    if let Some(cmd) = crate::state::dev::ssh_hint(state) {
        lines.push(row(t, "SSH", vec![Span::styled(cmd, t.key()), Span::styled("  (c copies)", t.dim())]));
    }
    if let Some(w) = crate::state::dev::long_dev_session(state) {
        lines.push(Line::styled(format!("⚠ {w}"), t.warn()));
    }
    lines
}

/// " updated 4s ago " in the border, or how stale the shown data is.
fn freshness(state: &View) -> Line<'static> {
    let t = &state.theme;
    let f = &state.instances;
    match (&f.error, f.ok_at) {
        (Some(_), Some(ok)) => Line::styled(format!(" ✗ stale since {} UTC ", clock(ok)), t.error()),
        (Some(_), None) => Line::styled(" ✗ no answer ", t.error()),
        (None, Some(ok)) => Line::styled(format!(" updated {} ", ago(ok, state.now)), t.dim()),
        (None, None) => Line::raw(""),
    }
}
