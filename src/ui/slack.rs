//! The Slack panel: the channel, the latest post's answer and, in demo mode, the newest
//! messages of the simulated channel.

use jiff::Timestamp;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph};

use super::fit::{self, Item, Rank};

use crate::chat::DemoEntry;
use crate::state::slack::{ChatKind, PostKind, PostResult, SlackState};
use crate::timefmt::clock;
use crate::ui::View;
use crate::ui::theme::Theme;

/// Draws the Slack panel.
pub fn draw(frame: &mut Frame, area: Rect, state: &View) {
    let t = state.theme;
    let slack = &state.slack;
    let mut title = vec![Span::styled(" Slack ", t.title())];
    if let Ok(info) = &slack.setup {
        // The channel in what the border leaves after the name, shortened in its middle.
        let room = usize::from(area.width.saturating_sub(2)).saturating_sub(fit::width(" Slack ") + 1);
        let channel = format!("{} · {} ", info.channel, info.kind);
        if room >= 6 {
            title.push(Span::styled(fit::middle(&channel, room).into_owned(), t.dim()));
        }
    }
    let hint = Line::from(vec![Span::styled(" m", t.key()), Span::styled(" test message ", t.dim())]);
    let hint_width = hint.width();
    let mut block = Block::bordered()
        .border_type(BorderType::Rounded)
        .title(Line::from(title))
        .title_bottom(hint.right_aligned());
    // "notices on" when the border has room for it beside the key hint.
    let room = usize::from(area.width.saturating_sub(2));
    if slack.notify && slack.setup.is_ok() && hint_width + 1 + fit::width(" notices on ") <= room {
        block = block.title_bottom(Line::styled(" notices on ", t.dim()));
    }
    let width = usize::from(area.width.saturating_sub(2)).max(1);
    let height = usize::from(area.height.saturating_sub(2));
    let lines = match &slack.setup {
        Err(e) => {
            let text = Line::styled(format!("Slack not configured: {e}"), t.warn());
            fit::place(&[Item::wrapped(Rank::Must, text, usize::MAX)], width, height)
        }
        Ok(info) => {
            let items: Vec<Item> = status(&t, slack, width)
                .into_iter()
                .map(|l| Item::wrapped(Rank::Must, l, usize::MAX))
                .collect();
            let mut lines = fit::place(&items, width, height);
            if info.kind == ChatKind::Demo {
                let used = lines.len();
                lines.extend(demo_tail(&t, &slack.demo_channel, width, height.saturating_sub(used)));
            }
            lines
        }
    };
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// `sending…`, the latest answer (the ts on a line of its own when narrow), or that nothing
/// was posted yet.
fn status(t: &Theme, slack: &SlackState, width: usize) -> Vec<Line<'static>> {
    if slack.sending > 0 {
        return vec![Line::styled("sending…", t.warn())];
    }
    match &slack.last {
        None => vec![Line::styled("nothing posted from the panel yet", t.dim())],
        Some(PostResult { kind, at, result: Ok(ts) }) => {
            let what = if *kind == PostKind::Notice { "notice " } else { "" };
            let head =
                vec![Span::styled("✓ ", t.ok()), Span::raw(format!("{what}posted at {} UTC", clock(*at)))];
            let one = Line::from([head.clone(), vec![Span::styled(format!(", ts {ts}"), t.dim())]].concat());
            if one.width() <= width {
                vec![one]
            } else {
                vec![Line::from(head), Line::styled(format!("  ts {ts}"), t.dim())]
            }
        }
        Some(PostResult { kind, result: Err(e), .. }) => {
            let what = if *kind == PostKind::Notice { "notice failed: " } else { "" };
            vec![Line::styled(format!("✗ {what}{e}"), t.error())]
        }
    }
}

/// The newest demo channel entries that fit in `rows`, one line each, oldest first.
fn demo_tail(t: &Theme, entries: &[DemoEntry], width: usize, rows: usize) -> Vec<Line<'static>> {
    if entries.is_empty() {
        return if rows > 0 { vec![Line::styled("the demo channel is empty", t.dim())] } else { vec![] };
    }
    let skip = entries.len().saturating_sub(rows);
    entries[skip..]
        .iter()
        .map(|e| {
            let time = e
                .ts()
                .split('.')
                .next()
                .and_then(|s| s.parse::<i64>().ok())
                .and_then(|s| Timestamp::from_second(s).ok())
                .map_or_else(|| "--:--:--".to_owned(), clock);
            let text = match e {
                DemoEntry::Message { text, .. } => text.replace('\n', " "),
                DemoEntry::File { filename, size, .. } => format!("file {filename} ({size} B)"),
            };
            let room = width.saturating_sub(fit::width(&time) + 1);
            Line::from(vec![
                Span::styled(format!("{time} "), t.dim()),
                Span::raw(fit::middle(&text, room).into_owned()),
            ])
        })
        .collect()
}

#[cfg(test)]
pub(crate) mod tests;
