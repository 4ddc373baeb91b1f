//! The Activity pane (key `a`): who started, stopped and switched the box and its schedule,
//! newest first — time · who · what · from where — under the feed's freshness note. On a narrow
//! terminal the target goes first, then where from; time, what and who stay.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph};

use super::fit::{self, Item, Rank};
use crate::activity::{Event, as_of_note};
use crate::state::activity::POLICY_STATEMENT;
use crate::ui::View;
use crate::ui::theme::Theme;

/// Draws the activity pane.
pub fn draw(frame: &mut Frame, area: Rect, state: &View) {
    let t = state.theme;
    let keys = format!(" Activity ({}: back to logs) ", state.key("activity"));
    let (title, _) = fit::border(usize::from(area.width.saturating_sub(2)), &[&keys, " Activity "], "");
    let block =
        Block::bordered().border_type(BorderType::Rounded).title(Span::styled(title.to_owned(), t.title()));
    let room = usize::from(area.width.saturating_sub(2));
    let a = &state.activity;
    let mut items = Vec::new();
    if a.denied.is_some() {
        let text = format!(
            "! not permitted: cloudtrail:LookupEvents — the rest of the panel works; to see who did what, add {POLICY_STATEMENT}"
        );
        items.push(Item::wrapped(Rank::Must, Line::styled(text, t.warn()), 3).indent(2));
    } else if let Some(feed) = &a.feed.value {
        items.push(Item::row(Rank::Must, Line::styled(as_of_note(feed.as_of, state.tz()), t.dim())));
    } else if a.feed.error.is_none() {
        items.push(Item::row(Rank::Must, Line::styled("reading CloudTrail's event history…", t.dim())));
    }
    if let Some(e) = &a.feed.error {
        let what = if a.read() { "✗ stale" } else { "✗ CloudTrail not read" };
        items.push(Item::wrapped(Rank::Must, Line::styled(format!("{what}: {e}"), t.error()), 2));
    }
    let events = a.events();
    if events.is_empty() && a.read() {
        items.push(Item::row(
            Rank::High,
            Line::styled("nothing done to the box or its schedule in the last 7 days", t.dim()),
        ));
    }
    for e in &events {
        items.push(Item::row(Rank::High, row(e, state, &t, room)));
    }
    let lines = fit::place(&items, room, usize::from(area.height.saturating_sub(2)));
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// `s` padded to `n` columns (shortened in the middle when longer).
fn pad(s: &str, n: usize) -> String {
    let s = fit::middle(s, n);
    format!("{s}{}", " ".repeat(n.saturating_sub(fit::width(&s))))
}

/// One event: time, who, what, from where, the target; a refusal or a pending own action noted.
fn row(e: &Event, state: &View, t: &Theme, room: usize) -> Line<'static> {
    let time = e.at.to_zoned(state.tz().clone()).strftime("%a %m-%d %H:%M").to_string();
    let who_w = if room >= 110 { 34 } else { 18 };
    let what_style = if e.done() { t.text() } else { t.dim() };
    // Whole on a wide pane, a word on a narrow one: a refusal and a pending action always say so.
    let wide = room >= 100;
    let note = match (&e.error, e.pending) {
        (Some(code), _) if wide => format!("  refused ({code}): nothing done"),
        (Some(_), _) => "  refused".to_owned(),
        (None, true) if wide => "  done here; not in CloudTrail yet".to_owned(),
        (None, true) => "  (pending)".to_owned(),
        (None, false) => String::new(),
    };
    let who = crate::sanitize::field(&e.who.label()).into_owned();
    let target = crate::sanitize::field(&e.target).into_owned();
    fit::fields(
        vec![
            (Rank::Must, vec![Span::styled(format!("{time}  "), t.dim())]),
            (Rank::Must, vec![Span::raw(format!("{}  ", pad(&who, who_w)))]),
            (Rank::Must, vec![Span::styled(pad(e.what.label(), 24), what_style)]),
            (Rank::Mid, vec![Span::styled(format!("  {}", pad(&e.via.label(), 12)), t.dim())]),
            (Rank::Low, vec![Span::styled(format!("  {target}"), t.dim())]),
            (Rank::Must, vec![Span::styled(note, if e.done() { t.dim() } else { t.warn() })]),
        ],
        room,
    )
}
