//! The instance panel: what EC2 says about the job box.
//!
//! Lines by rank (what stays on a small terminal): an error, the state and dev mode first; then
//! the SSH command, dev-mode warnings and several matching instances; then the box's name and id
//! and why it last changed state; then the launch time; the public DNS last.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph};

use super::fit::{self, Item, Rank};
use crate::cloud::Instance;
use crate::timefmt::{ago, clock, human_duration, utc};
use crate::ui::View;
use crate::ui::theme::Theme;

/// Columns of a row's label (`State    `): wrapped rows start under the value.
const LABEL: usize = 9;

/// Draws the instance panel.
pub fn draw(frame: &mut Frame, area: Rect, state: &View) {
    let t = state.theme;
    let list = state.instances.value.as_deref().unwrap_or(&[]);
    let bare = " Instance ";
    let count = format!("{bare}{}/{} (Tab) ", state.selected + 1, list.len());
    let lefts = if list.len() > 1 { vec![count.as_str(), bare] } else { vec![bare] };
    let room = usize::from(area.width.saturating_sub(2));
    let mut fresh = freshness(state);
    if fit::width(bare) + 1 + fit::width(&fresh.0) > room && fresh.0.starts_with(" ✗ stale") {
        " ✗ stale ".clone_into(&mut fresh.0);
    }
    let (title, right) = fit::border(room, &lefts, &fresh.0);
    let mut title_spans = vec![Span::styled(bare, t.title())];
    if let Some(more) = title.strip_prefix(bare).filter(|m| !m.is_empty()) {
        title_spans.push(Span::styled(more.to_owned(), t.dim()));
    }
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .title(Line::from(title_spans))
        .title_top(Line::styled(right.into_owned(), fresh.1).right_aligned());
    let inner = block.inner(area);
    let room = usize::from(inner.width);
    let mut items = Vec::new();
    let poll = &state.instance_poll;
    let retry = match poll.next_at() {
        _ if poll.busy() => "retrying now…".to_string(),
        Some(n) if n > state.now => format!("retrying in {}", human_duration(n.duration_since(state.now))),
        _ => "retrying now…".to_string(),
    };
    if let Some(guide) = super::guide::lines(state, &retry) {
        // What is wrong first, then the steps (wrapped); the retry line goes first when short.
        let final_step = guide.len().saturating_sub(1);
        for (k, line) in guide.into_iter().enumerate() {
            let rank = match k {
                0 => Rank::Must,
                k if k == final_step => Rank::Low,
                _ => Rank::High,
            };
            items.push(Item::wrapped(rank, line, usize::MAX).indent(if k == 0 || k == final_step {
                0
            } else {
                4
            }));
        }
    } else if let Some(e) = &state.instances.error {
        // With nothing else to show the error takes the panel; else two rows at most.
        let rows = if state.instance().is_some() { 2 } else { usize::MAX };
        items.push(Item::wrapped(Rank::Must, Line::styled(format!("✗ {e}; {retry}"), t.error()), rows));
    }
    if list.len() > 1 {
        let text = format!(
            "⚠ {} instances match {}: the Monday Lambda starts all of them",
            list.len(),
            state.context.target
        );
        items.push(Item::wrapped(Rank::High, Line::styled(text, t.warn()), 2).indent(2));
    }
    match state.instance() {
        Some(i) => {
            items.extend(details(i, state, room));
            items.extend(dev_lines(state, room));
        }
        None if state.instances.error.is_none() => {
            items.push(Item::row(Rank::Must, Line::styled("asking EC2…", t.dim())));
        }
        None => {}
    }
    let lines = fit::place(&items, room, usize::from(inner.height));
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

fn label(t: &Theme, label: &str) -> Span<'static> {
    Span::styled(format!("{label:<LABEL$}"), t.dim())
}

fn row<'a>(t: &Theme, name: &str, value: Vec<Span<'a>>) -> Line<'a> {
    let mut spans = vec![label(t, name)];
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

/// The name (cut in its middle so that the id stays beside it), the state, launch, public
/// address and the last state change.
fn details<'a>(i: &'a Instance, state: &View, room: usize) -> Vec<Item<'a>> {
    let t = &state.theme;
    let now = state.now;
    let id = format!("  {}", i.id);
    let name = i.name.as_deref().unwrap_or("(no Name tag)");
    // The name is cut so that the id stays beside it, unless that leaves it too little: then
    // the id goes.
    let beside = room.saturating_sub(fit::width(&id));
    let name_room = if beside >= 16 { beside } else { room };
    let place = format!(
        "  {} · {}",
        i.instance_type.as_deref().unwrap_or("-"),
        i.availability_zone.as_deref().unwrap_or("-")
    );
    let head = fit::fields(
        vec![
            (
                Rank::Must,
                vec![Span::styled(
                    fit::middle(name, name_room).into_owned(),
                    t.text().add_modifier(Modifier::BOLD),
                )],
            ),
            (Rank::High, vec![Span::styled(id, t.dim())]),
            (Rank::Low, vec![Span::styled(place, t.dim())]),
        ],
        room,
    );
    let mut state_fields =
        vec![(Rank::Must, vec![label(t, "State"), Span::styled(format!("● {}", i.state), t.state(i.state))])];
    if let Some(up) = i.uptime(now) {
        state_fields.push((Rank::Mid, vec![Span::raw(format!(" · up {}", human_duration(up)))]));
    }
    if let Some(c) = i.status_checks.as_ref().filter(|c| c.system != "not-applicable") {
        // Checks that are not ok matter more than the uptime.
        let rank = if c.system == "ok" && c.instance == "ok" { Rank::Low } else { Rank::High };
        state_fields.push((
            rank,
            vec![
                Span::raw(" · checks "),
                Span::styled(c.system.clone(), check_style(t, &c.system)),
                Span::raw("/"),
                Span::styled(c.instance.clone(), check_style(t, &c.instance)),
            ],
        ));
    }
    let mut items = vec![Item::row(Rank::Mid, head), Item::row(Rank::Must, fit::fields(state_fields, room))];
    if let Some(l) = i.launch_time {
        // "(1h12m ago)" when it fits; a narrow panel breaks the time under the date.
        let mut launched = row(t, "Launched", vec![Span::raw(utc(l))]);
        let ago = Span::styled(format!(" ({})", ago(l, now)), t.dim());
        if launched.width() + ago.width() <= room {
            launched.spans.push(ago);
        }
        items.push(Item::wrapped(Rank::Low, launched, 2).indent(LABEL));
    }
    let public = match (&i.public_dns, &i.public_ip) {
        (Some(d), Some(ip)) => Some(format!("{d} · {ip}")),
        (Some(d), None) => Some(d.clone()),
        (None, Some(ip)) => Some(ip.clone()),
        (None, None) => None,
    };
    if let Some(p) = public {
        items.push(Item::row(Rank::Detail, row(t, "Public", vec![Span::raw(p)])));
    }
    if let Some(r) = &i.state_transition_reason {
        let code = i.state_reason_code.as_deref().map(|c| format!(" · {c}")).unwrap_or_default();
        let last = row(t, "Last", vec![Span::raw(r.as_str()), Span::styled(code, t.dim())]);
        items.push(Item::wrapped(Rank::Mid, last, 2).indent(LABEL));
    }
    items
}

/// Dev mode, the SSH command while the box runs in dev mode, and the long-session warning.
fn dev_lines(state: &View, room: usize) -> Vec<Item<'static>> {
    let t = &state.theme;
    let mut items = Vec::new();
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
        items.push(Item::wrapped(Rank::Must, row(t, "Dev mode", value), 3).indent(LABEL));
    }
    match (state.dev_info(), &state.dev.error) {
        (Some(d), _) if d.mode == crate::userdata::Mode::Dev => {
            let text = format!("ON — script line {} commented out (d to restore)", d.line_number);
            let line = row(t, "Dev mode", vec![Span::styled(text, t.error())]);
            items.push(Item::wrapped(Rank::Must, line, 2).indent(LABEL));
        }
        (Some(d), _) => {
            let text = format!("off — line {} runs the script at boot", d.line_number);
            let line = row(t, "Dev mode", vec![Span::styled(text, t.dim())]);
            items.push(Item::wrapped(Rank::High, line, 2).indent(LABEL));
        }
        (None, _) if state.dev_unknown().is_some() => {}
        (None, Some(e)) => {
            let line = row(t, "Dev mode", vec![Span::styled(format!("unknown: {e}"), t.warn())]);
            items.push(Item::wrapped(Rank::High, line, 2).indent(LABEL));
        }
        (None, None) => {}
    }
    if let Some(d) = state.dev_info() {
        for w in &d.warnings {
            items.push(Item::wrapped(Rank::High, Line::styled(format!("⚠ {w}"), t.warn()), 2).indent(2));
        }
    }
    if let Some(cmd) = ssh_shown(state, room) {
        // The key's hint beside the command when it fits there, else on a row of its own.
        let copies = format!("({} copies)", state.key("copy_ssh"));
        let beside = fit::width(&cmd) + LABEL + 2 + fit::width(&copies) <= room;
        let mut value = vec![Span::styled(cmd, t.key())];
        if beside {
            value.push(Span::styled(format!("  {copies}"), t.dim()));
        }
        items.push(Item::wrapped(Rank::High, row(t, "SSH", value), 3).indent(LABEL));
        if !beside {
            items.push(Item::row(Rank::Low, row(t, "", vec![Span::styled(copies, t.dim())])));
        }
    }
    if let Some(w) = crate::state::dev::long_dev_session(state) {
        items.push(Item::wrapped(Rank::High, Line::styled(format!("⚠ {w}"), t.warn()), 2).indent(2));
    }
    items
}

/// The SSH command as shown: with the public DNS name when it fits beside its label, else with
/// the public IP (the same box, fewer columns), so that it can be read whole. `c` copies the
/// command with the DNS name.
fn ssh_shown(state: &View, room: usize) -> Option<String> {
    let cmd = crate::state::dev::ssh_hint(state)?;
    if fit::width(&cmd) + LABEL <= room {
        return Some(cmd);
    }
    let ip = state.instance().and_then(|i| i.public_ip.as_deref());
    Some(ip.map_or(cmd, |ip| crate::shell::ssh_command(&state.dev_config, ip)))
}

/// " updated 4s ago " in the border, or how stale the shown data is, with its style.
fn freshness(state: &View) -> (String, ratatui::style::Style) {
    let t = &state.theme;
    let f = &state.instances;
    match (&f.error, f.ok_at) {
        (Some(_), Some(ok)) => (format!(" ✗ stale since {} UTC ", clock(ok)), t.error()),
        (Some(_), None) => (" ✗ no answer ".to_owned(), t.error()),
        (None, Some(ok)) => (format!(" updated {} ", ago(ok, state.now)), t.dim()),
        (None, None) => (String::new(), t.dim()),
    }
}
