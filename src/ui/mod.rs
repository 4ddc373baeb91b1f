//! Drawing: pure functions of the state, one file per panel.
// `Theme` is one byte (colour on or off) but is the shared look every draw function borrows;
// taking it by value in the private helpers only would split the drawing code into two styles.
#![allow(clippy::trivially_copy_pass_by_ref)]

mod activity;
mod dialog;
mod doctor;
mod fit;
pub mod fleet;
mod footer;
mod guide;
mod header;
mod help;
mod history;
mod instance;
pub mod layout;
pub mod logs;
mod message;
pub mod run;
mod schedule;
mod slack;
pub mod theme;
mod view;

#[cfg(test)]
mod cost_tests;
#[cfg(test)]
mod schedule_tests;
#[cfg(test)]
mod screens_tests;
#[cfg(test)]
mod tests;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph, Wrap};

use crate::state::Overlay;

pub use view::{Look, View};

/// Smallest terminal the panel draws in.
pub const MIN_SIZE: (u16, u16) = (60, 18);

/// Draws the whole panel for `state`.
pub fn draw(frame: &mut Frame, state: &View) {
    let area = frame.area();
    if area.width < MIN_SIZE.0 || area.height < MIN_SIZE.1 {
        too_small(frame, area, state);
        return;
    }
    let a = layout::areas(area.width, area.height, state.banner.is_some());
    header::draw(frame, a.header, state);
    if let Some(b) = &state.banner {
        banner(frame, a.banner, state, b);
    }
    instance::draw(frame, a.instance, state);
    self::run::draw(frame, a.run, state);
    schedule::draw(frame, a.schedule, state);
    slack::draw(frame, a.slack, state);
    if state.activity.shown {
        activity::draw(frame, a.lower, state);
    } else if state.show_history {
        history::draw(frame, a.lower, state);
    } else {
        log_pane(frame, a.lower, state);
    }
    footer::draw(frame, a.footer, state);
    if state.overlay == Some(Overlay::Help) {
        help::draw(frame, area, state);
    }
    if state.overlay == Some(Overlay::Doctor) {
        doctor::draw(frame, area, state);
    }
    if state.overlay == Some(Overlay::Message) {
        message::draw(frame, area, state);
    }
    if let Some(d) = &state.dialog {
        dialog::draw(frame, area, state, d);
    }
}

fn log_pane(frame: &mut Frame, area: Rect, state: &View) {
    let pane = state.log_pane();
    let opened = state.runs.opened.as_ref().filter(|_| state.log_source == crate::state::LogSource::Run);
    let (title, hints) = match opened {
        Some(o) => (format!("Run log · {}", o.label), "(Esc: back to the followed log · e: save it)"),
        None => (state.log_source.title().to_owned(), "(l: next source · h: run history · e: save)"),
    };
    let markers = run_markers(state);
    // Before any follower answers: the reason nothing can be read, when it is known.
    let (status, tone, empty) = match crate::state::guide::guide(state) {
        Some(g) if state.following.is_none() => {
            (g.short.to_owned(), crate::action::Health::Error, Some(format!("nothing to read: {}", g.text())))
        }
        _ if pane.health == crate::action::Health::Error => {
            (pane.status.clone(), pane.health, Some(pane.status.clone()))
        }
        _ if state.following.is_none() => ("waiting for the instance".to_owned(), pane.health, None),
        _ => (pane.status.clone(), pane.health, None),
    };
    let mut ctx = logs::LogDrawContext::new(&title, &status, state.tz());
    ctx.hints = hints;
    ctx.markers = &markers;
    ctx.failure = Some(&state.rules.failure);
    ctx.tone = tone;
    ctx.empty = empty.as_deref();
    if !state.theme.color {
        ctx.styles = logs::LogStyles::plain();
    }
    logs::draw(frame, area, &pane.buf, &pane.view, &ctx);
}

/// Where each run (or dev session) begins in the run log pane: `(ms, "run started …")`.
fn run_markers(state: &View) -> Vec<(i64, String)> {
    if state.log_source != crate::state::LogSource::Run {
        return vec![];
    }
    let from = match &state.runs.opened {
        Some(o) => o.started,
        None => match state.runs.live_from {
            Some(t) => t,
            None => return vec![],
        },
    };
    let mut v: Vec<(i64, String)> = state
        .timeline()
        .entries
        .iter()
        .filter(|e| e.started >= from)
        .map(|e| {
            let what = if e.kind == crate::run::Kind::Run { "run" } else { "dev session" };
            let how = if e.boundary.is_guess() { ", a guess" } else { "" };
            let at = e.started.strftime("%a %Y-%m-%d %H:%M:%S UTC");
            (
                e.started.as_millisecond(),
                format!("{what} started {at} ({}{how})", e.boundary.name().replace('_', " ")),
            )
        })
        .collect();
    v.sort();
    v
}

/// The outcome banner: its text whole when it fits (the key hint goes first), else shortened in
/// the middle with the key that shows it whole.
fn banner(frame: &mut Frame, area: Rect, state: &View, b: &crate::state::Notice) {
    let t = state.theme;
    let room = usize::from(area.width);
    let whole = format!(" {}   (Esc to dismiss) ", b.text);
    let alone = format!(" {} ", b.text);
    let text = if fit::width(&whole) <= room {
        whole
    } else if fit::width(&alone) <= room {
        alone
    } else {
        let hint = "  (Enter: all · Esc: dismiss) ";
        let hint = if fit::width(hint) * 3 <= room { hint } else { " " };
        let rest = room.saturating_sub(fit::width(hint) + 1);
        format!(" {}{hint}", fit::middle(&b.text, rest))
    };
    let style = t.badge(theme::level_color(b.level));
    frame.render_widget(Paragraph::new(Line::styled(text, style)), area);
}

fn too_small(frame: &mut Frame, area: Rect, state: &View) {
    let t = state.theme;
    let text = vec![
        Line::styled("Terminal too small", t.warn()),
        Line::raw(format!("{}x{}: need at least {}x{}", area.width, area.height, MIN_SIZE.0, MIN_SIZE.1)),
        Line::styled("enlarge the window, or q to quit", t.dim()),
    ];
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), area);
}

/// A rectangle of `w`x`h` centred in `area` (clamped to it).
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect { x: area.x + (area.width - w) / 2, y: area.y + (area.height - h) / 2, width: w, height: h }
}
