//! The log panel: a bordered block showing one source's lines through its [`LogView`].
//!
//! Only the rows on screen are built, so a frame costs the same with 100 lines or 100 000, and a
//! 1 MB line costs no more than a screenful of text.

mod rows;
#[cfg(test)]
mod tests;

use jiff::tz::TimeZone;
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use regex::Regex;

use crate::action::Health;
use crate::logbuf::{LogBuffer, LogLine};
use crate::logview::{LogView, PromptKind, TimestampMode};
use rows::{LineStyle, line_rows};

/// The failure-marker pattern used when the configuration names none.
pub const DEFAULT_FAILURE_PATTERN: &str = r"(?i)\b(error|fail(ed|ure)?|fatal|traceback|panic)\b";

/// The colours of the log panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogStyles {
    /// Ordinary log text.
    pub text: Style,
    /// Lines matching the failure marker.
    pub failure: Style,
    /// Timestamps in front of lines.
    pub timestamp: Style,
    /// Search matches.
    pub search_match: Style,
    /// Search matches on the current match's line.
    pub current_match: Style,
    /// The border when the panel does not have focus.
    pub border: Style,
    /// The border when the panel has focus.
    pub border_focused: Style,
    /// The panel title.
    pub title: Style,
    /// Notices: paused, lines dropped.
    pub notice: Style,
    /// Secondary text: counts, toggles, empty-state hints.
    pub dim: Style,
    /// The prompt label.
    pub prompt: Style,
    /// Errors: an invalid query.
    pub error: Style,
    /// Status text by tone, in [`Health`] order: normal, live, warning, error.
    pub status: [Style; 4],
}

impl LogStyles {
    /// The style of status text in `tone`.
    pub fn status_style(&self, tone: Health) -> Style {
        let i = match tone {
            Health::Normal => 0,
            Health::Live => 1,
            Health::Warning => 2,
            Health::Error => 3,
        };
        self.status[i]
    }
}

impl Default for LogStyles {
    fn default() -> Self {
        Self {
            text: Style::new(),
            failure: Style::new().fg(Color::Red),
            timestamp: Style::new().fg(Color::DarkGray),
            search_match: Style::new().fg(Color::Black).bg(Color::Yellow),
            current_match: Style::new().fg(Color::Black).bg(Color::LightCyan).add_modifier(Modifier::BOLD),
            border: Style::new().fg(Color::DarkGray),
            border_focused: Style::new().fg(Color::Cyan),
            title: Style::new().add_modifier(Modifier::BOLD),
            notice: Style::new().fg(Color::Yellow),
            dim: Style::new().fg(Color::DarkGray),
            prompt: Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
            error: Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
            status: [
                Style::new(),
                Style::new().fg(Color::Green),
                Style::new().fg(Color::Yellow),
                Style::new().fg(Color::Red),
            ],
        }
    }
}

impl LogStyles {
    /// Without colour (`NO_COLOR`): emphasis by reverse video, bold and underline only.
    pub fn plain() -> Self {
        let bold = Style::new().add_modifier(Modifier::BOLD);
        Self {
            text: Style::new(),
            failure: bold,
            timestamp: Style::new().add_modifier(Modifier::DIM),
            search_match: Style::new().add_modifier(Modifier::REVERSED),
            current_match: Style::new()
                .add_modifier(Modifier::REVERSED | Modifier::BOLD | Modifier::UNDERLINED),
            border: Style::new(),
            border_focused: Style::new(),
            title: bold,
            notice: bold,
            dim: Style::new().add_modifier(Modifier::DIM),
            prompt: bold,
            error: bold,
            status: [Style::new(); 4],
        }
    }
}

/// What the panel shows besides the lines.
#[derive(Debug, Clone)]
pub struct LogDrawContext<'a> {
    /// The source's name, in the top border (e.g. "run log"): always whole.
    pub title: &'a str,
    /// Keys after the title (`(l: next source · …)`), shown when the border has room.
    pub hints: &'a str,
    /// The source's state, right of the title (e.g. "live", "polling every 1 s",
    /// "stale since 12:03", "error: …").
    pub status: &'a str,
    /// How the status text is coloured.
    pub tone: Health,
    /// The zone for [`TimestampMode::Local`].
    pub time_zone: &'a TimeZone,
    /// Lines matching this are drawn in the failure style.
    pub failure: Option<&'a Regex>,
    /// Whether the panel has keyboard focus.
    pub focused: bool,
    /// Colours.
    pub styles: LogStyles,
    /// Rules drawn above the first line at or after each time (ms, sorted): where each run
    /// begins.
    pub markers: &'a [(i64, String)],
    /// What the body says while the source has no line yet (wrapped to the width), when there
    /// is more to say than "waiting for log lines…": why nothing can be read.
    pub empty: Option<&'a str>,
}

impl<'a> LogDrawContext<'a> {
    /// A focused context with default styles, normal tone and no failure marker.
    pub fn new(title: &'a str, status: &'a str, time_zone: &'a TimeZone) -> Self {
        Self {
            title,
            hints: "",
            status,
            tone: Health::Normal,
            time_zone,
            failure: None,
            focused: true,
            styles: LogStyles::default(),
            markers: &[],
            empty: None,
        }
    }
}

/// How many log rows a panel drawn in `area` shows: the height to pass to [`LogView`]'s methods.
pub fn body_height(area: Rect) -> usize {
    usize::from(area.height.saturating_sub(3))
}

/// Draws the log panel for `buf` as `view` sees it into `area`.
pub fn draw(frame: &mut Frame, area: Rect, buf: &LogBuffer, view: &LogView, ctx: &LogDrawContext) {
    let s = &ctx.styles;
    // The source's name stays whole; the hints go first, then the status is shortened.
    let bare = format!(" {} ", ctx.title);
    let hinted = if ctx.hints.is_empty() { bare.clone() } else { format!(" {} {} ", ctx.title, ctx.hints) };
    let status = format!(" {} ", ctx.status);
    let room = usize::from(area.width.saturating_sub(2));
    let (title, status) = super::fit::border(room, &[&hinted, &bare], &status);
    let block = Block::bordered()
        .border_style(if ctx.focused { s.border_focused } else { s.border })
        .title(Span::styled(title.to_owned(), s.title))
        .title_top(Line::from(Span::styled(status.into_owned(), s.status_style(ctx.tone))).right_aligned())
        .title_bottom(toggles_line(view, s).right_aligned());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height == 0 || inner.width == 0 {
        return;
    }
    let body = Rect { height: inner.height - 1, ..inner };
    let status_row = Rect { y: inner.y + inner.height - 1, height: 1, ..inner };
    frame.render_widget(Paragraph::new(body_rows(body, buf, view, ctx)), body);
    draw_status_row(frame, status_row, buf, view, s);
}

/// The rows of log text for `body`.
fn body_rows<'b>(body: Rect, buf: &'b LogBuffer, view: &LogView, ctx: &LogDrawContext) -> Vec<Line<'b>> {
    let height = usize::from(body.height);
    let width = usize::from(body.width);
    let s = &ctx.styles;
    let visible = view.visible_lines(buf, height);
    if visible.is_empty() {
        return match (buf.is_empty(), ctx.empty) {
            (true, Some(why)) => {
                wrap_words(why, width).into_iter().take(height).map(|r| Line::styled(r, s.dim)).collect()
            }
            (true, None) => vec![Line::from(Span::styled("waiting for log lines…", s.dim))],
            (false, _) => vec![Line::from(Span::styled("no line matches the filter", s.dim))],
        };
    }
    let mut style = LineStyle {
        text: s.text,
        failure: s.failure,
        timestamp: s.timestamp,
        hit: s.search_match,
        marker: ctx.failure,
        search: view.search_matcher(),
    };
    let marker_style = s.dim.add_modifier(Modifier::BOLD);
    let mut rows_of = |abs: usize, line: &'b LogLine| {
        style.hit = if view.current_match() == Some(abs) { s.current_match } else { s.search_match };
        let ts = view.timestamps().format(line.ts_ms, ctx.time_zone);
        let mut rows = Vec::new();
        let prev = abs.checked_sub(1).and_then(|p| buf.get(p)).map(|l| l.ts_ms);
        for (at, label) in ctx.markers {
            if *at <= line.ts_ms && prev.is_none_or(|p| p < *at) {
                let text = format!("── {label} ");
                let fill = width.saturating_sub(text.chars().count());
                rows.push(Line::from(Span::styled(format!("{text}{}", "─".repeat(fill)), marker_style)));
            }
        }
        rows.extend(line_rows(line, ts.as_deref(), &style, width, height, view.wrap()));
        rows
    };
    if !view.wrap() {
        let mut rows: Vec<Line> = visible.into_iter().flat_map(|(abs, line)| rows_of(abs, line)).collect();
        if rows.len() > height {
            // A marker row takes a line's place: the newest stay when following.
            if view.is_following() {
                rows.drain(..rows.len() - height);
            } else {
                rows.truncate(height);
            }
        }
        return rows;
    }
    let mut rows = Vec::with_capacity(height);
    if view.is_following() {
        // Anchor at the bottom: the newest line's last row is the last row on screen.
        for (abs, line) in visible.into_iter().rev() {
            let mut line_rows = rows_of(abs, line);
            line_rows.reverse();
            rows.extend(line_rows);
            if rows.len() >= height {
                break;
            }
        }
        rows.truncate(height);
        rows.reverse();
    } else {
        for (abs, line) in visible {
            rows.extend(rows_of(abs, line));
            if rows.len() >= height {
                break;
            }
        }
        rows.truncate(height);
    }
    rows
}

/// The bottom-right border text: which display toggles are on.
fn toggles_line(view: &LogView, s: &LogStyles) -> Line<'static> {
    let mut parts = Vec::new();
    match view.timestamps() {
        TimestampMode::Off => {}
        TimestampMode::Utc => parts.push("UTC"),
        TimestampMode::Local => parts.push("local time"),
    }
    if view.wrap() {
        parts.push("wrap");
    }
    if parts.is_empty() {
        return Line::default();
    }
    Line::from(Span::styled(format!(" {} ", parts.join(" · ")), s.dim))
}

/// The row under the lines: the prompt while one is open, otherwise notices and the state of
/// the search and filter.
fn draw_status_row(frame: &mut Frame, row: Rect, buf: &LogBuffer, view: &LogView, s: &LogStyles) {
    if let Some(prompt) = view.prompt() {
        let label = match prompt.kind {
            PromptKind::Search => "/",
            PromptKind::Filter => "filter: ",
        };
        let mut spans = vec![Span::styled(label, s.prompt), Span::raw(prompt.text.as_str())];
        if let Some(err) = &prompt.error {
            spans.push(Span::raw("  "));
            spans.push(Span::styled(err.as_str(), s.error));
        }
        let typed = spans[0].width() + spans[1].width();
        frame.render_widget(Paragraph::new(Line::from(spans)), row);
        let x = row.x + u16::try_from(typed).unwrap_or(u16::MAX).min(row.width - 1);
        frame.set_cursor_position(Position::new(x, row.y));
        return;
    }

    let mut parts: Vec<Span> = Vec::new();
    if !view.is_following() {
        let new = view.new_lines(buf);
        let text = if new == 0 {
            "paused — G to follow".to_owned()
        } else {
            let noun = if new == 1 { "line" } else { "lines" };
            format!("paused — G to follow, {} new {noun}", group(new))
        };
        parts.push(Span::styled(text, s.notice));
    }
    if buf.dropped() > 0 {
        parts.push(Span::styled(
            format!("older {} lines dropped (buffer {})", group(buf.dropped()), group(buf.capacity_limit())),
            s.notice,
        ));
    }
    if let Some(query) = view.search_query() {
        let pos = match (view.current_match_number(), view.match_count()) {
            (_, 0) => "no match".to_owned(),
            (Some(k), n) => format!("{}/{}", group(k), group(n)),
            (None, n) => format!("{} matches", group(n)),
        };
        parts.push(Span::styled(format!("/{query} {pos}"), s.prompt));
    }
    if let (Some(query), Some(n)) = (view.filter_query(), view.filtered_len()) {
        let noun = if n == 1 { "line" } else { "lines" };
        parts.push(Span::styled(format!("filter: {query} ({} {noun})", group(n)), s.prompt));
    }
    if parts.is_empty() {
        let noun = if buf.len() == 1 { "line" } else { "lines" };
        parts.push(Span::styled(format!("following · {} {noun}", group(buf.len())), s.dim));
    }
    let mut spans = Vec::with_capacity(parts.len() * 2);
    for (i, part) in parts.into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" · ", s.dim));
        }
        spans.push(part);
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), row);
}

/// `text` in rows of at most `width` characters, each of its lines broken between words (a
/// word longer than a row is cut).
fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut rows = Vec::new();
    for line in text.lines() {
        let mut row = String::new();
        for word in line.split_whitespace() {
            let word: String = word.chars().take(width).collect();
            let len = row.chars().count();
            if len > 0 && len + 1 + word.chars().count() > width {
                rows.push(std::mem::take(&mut row));
            }
            if !row.is_empty() {
                row.push(' ');
            }
            row.push_str(&word);
        }
        rows.push(row);
    }
    rows
}

/// `n` with a space between groups of three digits: `1 234 567`.
fn group(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(' ');
        }
        out.push(d);
    }
    out
}
