//! The top line: where the panel points and in which mode.
//!
//! On a narrow terminal whole fields go, least important first: the panel's name, the profile,
//! the region, how the box is found; the badges (AWS or DEMO, DEV MODE, READ-ONLY), the box and
//! the endpoint stay (an endpoint is what says the panel does not talk to AWS itself).

use crate::ui::View;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Color;
use ratatui::text::Span;
use ratatui::widgets::Paragraph;

use super::fit::{self, Rank};
use crate::backends::Account;

/// Draws the header.
pub fn draw(frame: &mut Frame, area: Rect, state: &View) {
    let t = state.theme;
    let c = &state.context;
    let mut fields: Vec<(Rank, Vec<Span>)> =
        vec![(Rank::Detail, vec![Span::styled(" baseline-panel ", t.title())])];
    let badge = |fields: &mut Vec<(Rank, Vec<Span>)>, text: &'static str, color: Color| {
        fields.push((Rank::Must, vec![Span::raw(" "), Span::styled(text, t.badge(color))]));
    };
    match c.mode {
        Account::Demo => badge(&mut fields, " DEMO ", Color::Magenta),
        Account::Aws { .. } => badge(&mut fields, " AWS ", Color::Cyan),
    }
    // Who and since when, from CloudTrail: goes before the region on a narrow terminal.
    let owner =
        crate::state::activity::dev_owner(state).map(|o| crate::state::activity::owner_text(&o, state.now));
    if state.dev_mode_on() {
        badge(&mut fields, " DEV MODE ", Color::Red);
        if let Some(owner) = owner {
            badge_field(&mut fields, Rank::High, format!("· {owner} "), t.badge(Color::Red));
        }
    } else if state.dev_unknown().is_some() {
        badge(&mut fields, " DEV MODE ? ", Color::Yellow);
    }
    if c.read_only {
        badge(&mut fields, " READ-ONLY ", Color::Yellow);
    }
    let mut field = |rank: Rank, label: &str, value: String| {
        fields.push((rank, vec![Span::styled(format!("  {label} "), t.dim()), Span::raw(value)]));
    };
    if c.boxes.len() > 1 {
        let at = c.boxes.iter().position(|b| *b == c.box_name).map_or(0, |i| i + 1);
        field(Rank::High, "box", format!("{} (b: {at}/{})", c.box_name, c.boxes.len()));
    }
    field(Rank::Low, "profile", c.profile.clone());
    field(Rank::Mid, "region", c.region.clone());
    field(Rank::Mid, "instance", fit::middle(&c.target, 40).into_owned());
    if let Some(e) = &c.endpoint {
        field(Rank::High, "endpoint", e.clone());
    }
    let line = fit::fields(fields, usize::from(area.width));
    frame.render_widget(Paragraph::new(line), area);
}

/// A badge's continuation (no gap before it), dropped by `rank` on a narrow terminal.
fn badge_field(
    fields: &mut Vec<(Rank, Vec<Span<'static>>)>,
    rank: Rank,
    text: String,
    style: ratatui::style::Style,
) {
    fields.push((rank, vec![Span::styled(text, style)]));
}
