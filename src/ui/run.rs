//! The Last run panel: the newest run of the timeline (dev sessions skipped), how it goes or
//! went, its progress and ETA; and, when the box is up in a dev session, a line saying so.
//!
//! Lines by rank: the outcome, "stop the box" while it fails, and a dev session up now first;
//! then how long it runs (or when it ended), the evidence of a bad outcome, the progress of a
//! good one and the ETA; then the start and the duration (and a bad run's progress); the
//! evidence of a good run last.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph};

use super::fit::{self, Item, Rank};
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

/// What the panel says for `state`, its lines ranked, `room` columns wide (the gauge's width).
fn items(state: &View, room: usize) -> Vec<Item<'static>> {
    let t = state.theme;
    let now = state.now;
    let timeline = state.timeline();
    let mut items = Vec::new();
    let label = |l: &str| Span::styled(format!("{l:<9}"), t.dim());
    let waiting = |text: &'static str| Item::row(Rank::Must, Line::styled(text, t.dim()));
    match timeline.last_run() {
        None if state.instance().is_none() => items.push(waiting("waiting for the instance…")),
        None if state.runs.reading => items.push(waiting("reading the run log…")),
        None => items.push(waiting("no run in the run log (last 120 days)")),
        Some(run) => {
            items.push(Item::row(Rank::Must, headline(run, now, &t)));
            // A bad outcome's evidence says what went wrong: it comes before the progress.
            let bad = !matches!(run.outcome, Outcome::Succeeded | Outcome::InProgress);
            // A narrow panel breaks a time under its date.
            let started = Line::from(vec![label("Started"), Span::raw(utc(run.started))]);
            items.push(Item::wrapped(Rank::Mid, started, 2).indent(9));
            let by = Line::from(vec![
                label("By"),
                Span::raw(crate::sanitize::field(&run.started_by.text()).into_owned()),
            ]);
            // Who started it, when known; the reason it is not, only where there is room.
            let rank = if matches!(run.started_by, crate::run::StartedBy::Unknown(_)) {
                Rank::Detail
            } else {
                Rank::Mid
            };
            items.push(Item::row(rank, by));
            match (running_for(run, now), run.ended) {
                (Some(up), _) => items.push(Item::wrapped(Rank::High, Line::raw(up), 2)),
                (None, Some(e)) => {
                    let ended = Line::from(vec![label("Ended"), Span::raw(utc(e))]);
                    items.push(Item::wrapped(Rank::High, ended, 2).indent(9));
                    if let Some(d) = run.duration {
                        let took = Line::from(vec![label("Took"), Span::raw(human_duration(d))]);
                        items.push(Item::row(Rank::Mid, took));
                    }
                }
                (None, None) => {}
            }
            if let Some(p) = run.progress.filter(|_| run.outcome.is_live()) {
                let rank = if bad { Rank::Mid } else { Rank::High };
                items.push(Item::row(rank, gauge(&t, p.done, p.total, room)));
            }
            if run.outcome.is_live()
                && let Some(eta) = &run.eta
            {
                let usual = eta.usual.map(|u| format!("usual {} · ", human_duration(u))).unwrap_or_default();
                let text = format!("{usual}{}", eta_text(eta, now, state.tz()));
                items.push(Item::wrapped(Rank::High, Line::raw(text), 2));
            }
            // While it goes, "running for …" says what the evidence would, unless it has more.
            if run.outcome != Outcome::InProgress || run.evidence.contains("success marker") {
                let rank = if bad { Rank::High } else { Rank::Low };
                items.push(Item::wrapped(rank, Line::styled(run.evidence.clone(), t.dim()), 3));
            }
            items.extend(cost_item(state, run, &label));
            if matches!(run.outcome, Outcome::Failing | Outcome::Stuck) {
                let x = state.key("stop");
                let text = format!("{x}: stop the box (it is still billing)");
                items.push(Item::wrapped(Rank::Must, Line::styled(text, t.warn()), 2));
            }
        }
    }
    if let Some(dev) = timeline.current().filter(|c| c.kind == Kind::DevSession && c.outcome.is_live()) {
        let up = human_duration(dev.elapsed(now));
        let so_far = match crate::state::cost::entry_cost(state.state, dev) {
            Some(Ok(usd)) => format!(", {} so far", crate::cost::usd(usd)),
            _ => String::new(),
        };
        let text = format!("Now: dev session up {up} (not a run{so_far})");
        items.push(Item::wrapped(Rank::Must, Line::styled(text, t.warn()), 2));
    }
    items
}

/// The run's cost: "this run so far $0.84" while it is up, "Cost $1.23" once ended, or why it
/// is unknown; nothing before the prices arrive.
fn cost_item(state: &View, run: &Entry, label: &dyn Fn(&str) -> Span<'static>) -> Option<Item<'static>> {
    let t = state.theme;
    let item = match crate::state::cost::entry_cost(state.state, run)? {
        Ok(usd) if run.outcome.is_live() => {
            let line = Line::from(vec![
                Span::raw("this run so far "),
                Span::styled(crate::cost::usd(usd), t.warn()),
            ]);
            Item::row(Rank::High, line)
        }
        Ok(usd) => Item::row(Rank::Mid, Line::from(vec![label("Cost"), Span::raw(crate::cost::usd(usd))])),
        Err(why) => Item::wrapped(Rank::Low, Line::styled(format!("cost unknown: {why}"), t.dim()), 2),
    };
    Some(item)
}

/// `12/58 ████░░░░`: the progress as a bar `room` columns wide.
fn gauge(t: &Theme, done: u32, total: u32, room: usize) -> Line<'static> {
    let label = format!("{done}/{total}");
    let bar = room.saturating_sub(fit::width(&label) + 1);
    let filled = usize::try_from(
        u64::from(done.min(total)) * u64::try_from(bar).unwrap_or(0) / u64::from(total.max(1)),
    )
    .unwrap_or(bar)
    .min(bar);
    Line::from(vec![
        Span::raw(format!("{label} ")),
        Span::styled("█".repeat(filled), t.ok()),
        Span::styled("░".repeat(bar - filled), t.dim()),
    ])
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
    let room = usize::from(inner.width);
    let lines = fit::place(&items(state, room), room, usize::from(inner.height));
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
