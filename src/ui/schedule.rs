//! The schedule panel: the weekly trigger, its next fire in UTC and local time, and the alarms.
//!
//! Lines by rank: errors and the dev-mode alarm first; then the next fire (its countdown before
//! its local time), a disabled rule's note and the rule's problem; then the rule and when it last
//! fired; the note on the rule's name last.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph};

use super::fit::{self, Item, Rank};
use crate::schedule::{RuleState, countdown, format_utc};
use crate::state::schedule::view;
use crate::ui::View;

/// Draws the schedule panel.
pub fn draw(frame: &mut Frame, area: Rect, state: &View) {
    let t = state.theme;
    let mut block =
        Block::bordered().border_type(BorderType::Rounded).title(Span::styled(" Schedule ", t.title()));
    let room = usize::from(area.width.saturating_sub(2));
    let mut items = Vec::new();
    match (view(state, state.tz()), &state.schedule.error) {
        (None, Some(e)) => {
            items.push(Item::wrapped(Rank::Must, Line::styled(format!("✗ {e}"), t.error()), usize::MAX));
        }
        (None, None) => items.push(Item::row(Rank::Must, Line::styled("reading the rule…", t.dim()))),
        (Some(v), err) => {
            let badge = match &v.state {
                RuleState::Enabled => Span::styled(" ENABLED ", t.ok()),
                RuleState::Disabled => Span::styled(" DISABLED ", t.warn()),
                RuleState::Other(s) => Span::styled(format!(" {s} "), t.warn()),
            };
            block = block.title_top(Line::from(badge).right_aligned());
            for a in [&v.dev_mode_alarm, &v.two_enabled].into_iter().flatten() {
                let alarm = Line::styled(format!("⚠ {a}"), t.badge(ratatui::style::Color::Red));
                items.push(Item::wrapped(Rank::Must, alarm, 3).indent(2));
            }
            let target = v.targets.first().map(|t| t.rsplit(':').next().unwrap_or(t).to_string());
            let rule = fit::fields(
                vec![
                    (Rank::Must, vec![Span::styled(v.rule.clone(), t.text())]),
                    (Rank::Mid, vec![Span::styled(format!(" {}", v.expression), t.dim())]),
                    (Rank::Mid, vec![Span::styled(zone_label(&v.zone), t.dim())]),
                    (
                        Rank::Low,
                        vec![Span::styled(target.map(|t| format!(" → {t}")).unwrap_or_default(), t.dim())],
                    ),
                ],
                room,
            );
            items.push(Item::row(Rank::Mid, rule));
            if let Some(f) = v.next.as_ref().or(v.upcoming.first()) {
                let est = if v.exact { "" } else { " (estimate)" };
                let label = if v.next.is_some() { "Next" } else { "Would" };
                let when =
                    vec![Span::styled(format!("{label:<6}"), t.dim()), Span::raw(format!("{}{est}", f.utc))];
                let countdown = Span::styled(f.countdown.clone(), t.key());
                let mut next = vec![(Rank::Must, when.clone())];
                // The local time only when it says something the UTC time does not.
                if !f.local_is_utc {
                    next.push((Rank::Mid, vec![Span::styled(format!(" · {}", f.local), t.dim())]));
                }
                next.push((Rank::Must, vec![Span::styled(" · ", t.dim()), countdown.clone()]));
                let width: usize = when.iter().map(Span::width).sum::<usize>() + 3 + countdown.width();
                if width <= room {
                    items.push(Item::row(Rank::High, fit::fields(next, room)));
                } else {
                    // Too narrow for the time and its countdown: the countdown goes under it.
                    items.push(Item::row(Rank::High, Line::from(when)));
                    items.push(Item::row(Rank::High, Line::from(vec![Span::raw(" ".repeat(6)), countdown])));
                }
            }
            later_fires(&mut items, &v.upcoming, room, &t);
            if let Some((_, Some(fired))) = &state.schedule.value {
                let fired = fit::fields(
                    vec![
                        (Rank::Must, vec![Span::styled("Fired ", t.dim()), Span::raw(format_utc(fired.at))]),
                        (
                            Rank::Low,
                            vec![Span::styled(format!(" ({})", countdown(state.now, fired.at)), t.dim())],
                        ),
                    ],
                    room,
                );
                items.push(Item::row(Rank::Mid, fired));
            }
            for (note, rank) in [
                (&v.disabled_note, Rank::High),
                (&v.problem, Rank::High),
                (&v.shown_instead, Rank::Mid),
                (&v.name_note, Rank::Low),
                (&v.other_unknown, Rank::Low),
            ] {
                if let Some(note) = note {
                    items.push(Item::wrapped(rank, Line::styled(format!("! {note}"), t.warn()), 3).indent(2));
                }
            }
            if let Some(e) = err {
                items.push(Item::wrapped(Rank::Must, Line::styled(format!("✗ stale: {e}"), t.error()), 2));
            }
        }
    }
    let lines = fit::place(&items, room, usize::from(area.height.saturating_sub(2)));
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// ` in America/New_York` for a Scheduler schedule; nothing for a rule (cron in UTC).
fn zone_label(zone: &str) -> String {
    if zone == "UTC" { String::new() } else { format!(" in {zone}") }
}

/// `Mon 2 Mar 09:00 UTC · 04:00 EST`, or without the local time when it reads as UTC.
fn short_fire(f: &crate::schedule::FireTime) -> String {
    let utc = f.at.to_zoned(jiff::tz::TimeZone::UTC).strftime("%a %-d %b %H:%M UTC").to_string();
    if f.local_is_utc {
        utc
    } else {
        // `Mon 2026-03-02 04:00 EST` → `04:00 EST`.
        let local = f.local.splitn(3, ' ').nth(2).unwrap_or(&f.local);
        format!("{utc} · {local}")
    }
}

/// The fires after the next, as many to a row as fit in `room`; a daylight-saving change
/// between two fires gets its own row, ranked above the fires themselves.
fn later_fires(
    items: &mut Vec<Item>,
    upcoming: &[crate::schedule::FireTime],
    room: usize,
    t: &super::theme::Theme,
) {
    let mut row: Vec<String> = Vec::new();
    let flush = |row: &mut Vec<String>, items: &mut Vec<Item>| {
        if !row.is_empty() {
            let text = format!("      {}", row.join("   "));
            items.push(Item::row(Rank::Detail, Line::styled(text, t.dim())));
            row.clear();
        }
    };
    for f in upcoming.iter().skip(1) {
        if let Some(change) = &f.change {
            flush(&mut row, items);
            items.push(Item::row(Rank::Low, Line::styled(format!("      ~ {change}"), t.warn())));
        }
        let short = short_fire(f);
        let used = 6 + row.iter().map(|c| fit::width(c) + 3).sum::<usize>();
        if !row.is_empty() && used + fit::width(&short) > room {
            flush(&mut row, items);
        }
        row.push(short);
    }
    flush(&mut row, items);
}
