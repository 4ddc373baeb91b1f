//! Turning one log line into screen rows: cut to what can be seen, styled, wrapped.
//!
//! Work is bounded by the screen, never by the line: a 1 MB line is first cut to the columns
//! that fit (`cols × rows`), and only that slice is searched, styled and wrapped.

use std::ops::Range;

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use regex::Regex;

use crate::logbuf::{LogLine, Matcher};

/// The failure marker is looked for in at most this many bytes at the start of a line.
pub(crate) const MARKER_SCAN_BYTES: usize = 64 * 1024;

/// Display width of one character (0, 1 or 2 columns).
fn char_width(c: char) -> usize {
    if c.is_ascii() {
        return 1;
    }
    let mut utf8 = [0u8; 4];
    Span::raw(&*c.encode_utf8(&mut utf8)).width()
}

/// The largest char boundary of `s` at or below `n`.
pub(crate) fn floor_boundary(s: &str, n: usize) -> usize {
    let mut i = n.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The start of `text` that fits in `cols` columns.
pub(crate) fn cut_columns(text: &str, cols: usize) -> &str {
    let mut col = 0;
    for (i, c) in text.char_indices() {
        let w = char_width(c);
        if col + w > cols {
            return &text[..i];
        }
        col += w;
    }
    text
}

/// Byte offsets where each row of `text` starts when wrapped at `cols` columns; at most
/// `max_rows` rows. The first offset is always 0.
fn row_starts(text: &str, cols: usize, max_rows: usize) -> Vec<usize> {
    let mut starts = vec![0];
    let mut col = 0;
    for (i, c) in text.char_indices() {
        let w = char_width(c);
        if col + w > cols && col > 0 {
            if starts.len() == max_rows {
                break;
            }
            starts.push(i);
            col = 0;
        }
        col += w;
    }
    starts
}

/// How one log line is drawn.
pub(crate) struct LineStyle<'a> {
    /// Style of ordinary text.
    pub text: Style,
    /// Style of a line matching the failure marker.
    pub failure: Style,
    /// Style of the timestamp prefix.
    pub timestamp: Style,
    /// Style patched onto search matches.
    pub hit: Style,
    /// The failure marker, if any.
    pub marker: Option<&'a Regex>,
    /// The search, if any.
    pub search: Option<&'a Matcher>,
}

/// The rows for `line`: one when `wrap` is off (cut at `width`), otherwise as many as its text
/// needs at `width` columns, at most `max_rows`. `timestamp` is drawn before the first row; the
/// following rows are indented by its width.
pub(crate) fn line_rows<'b>(
    line: &'b LogLine,
    timestamp: Option<&str>,
    style: &LineStyle<'_>,
    width: usize,
    max_rows: usize,
    wrap: bool,
) -> Vec<Line<'b>> {
    let max_rows = if wrap { max_rows.max(1) } else { 1 };
    let prefix_width = timestamp.as_ref().map_or(0, |t| t.chars().count() + 1);
    let cols = width.saturating_sub(prefix_width);
    let window = cut_columns(&line.text, cols.saturating_mul(max_rows));

    let scan = &line.text[..floor_boundary(&line.text, MARKER_SCAN_BYTES)];
    let base = match style.marker {
        Some(re) if re.is_match(scan) => style.failure,
        _ => style.text,
    };
    let hits: Vec<Range<usize>> = style.search.map(|m| m.find_ranges(window).collect()).unwrap_or_default();

    let starts = if cols == 0 { vec![0] } else { row_starts(window, cols, max_rows) };
    let mut rows = Vec::with_capacity(starts.len());
    for (r, &start) in starts.iter().enumerate() {
        let end = starts.get(r + 1).copied().unwrap_or(window.len());
        let mut spans = Vec::new();
        match (&timestamp, r) {
            (Some(ts), 0) => spans.push(Span::styled(format!("{ts} "), style.timestamp)),
            (Some(_), _) => spans.push(Span::raw(" ".repeat(prefix_width))),
            (None, _) => {}
        }
        push_styled(&mut spans, window, start..end, &hits, base, base.patch(style.hit));
        rows.push(Line::from(spans));
    }
    rows
}

/// Pushes the spans of `text[row]`, with the parts inside `hits` in `hit` style.
fn push_styled<'b>(
    spans: &mut Vec<Span<'b>>,
    text: &'b str,
    row: Range<usize>,
    hits: &[Range<usize>],
    base: Style,
    hit: Style,
) {
    let mut at = row.start;
    for h in hits {
        let (s, e) = (h.start.max(row.start), h.end.min(row.end));
        if s >= e {
            continue;
        }
        if at < s {
            spans.push(Span::styled(&text[at..s], base));
        }
        spans.push(Span::styled(&text[s..e], hit));
        at = e;
    }
    if at < row.end || spans.is_empty() {
        spans.push(Span::styled(&text[at..row.end], base));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(text: &str) -> LogLine {
        LogLine { ts_ms: 0, text: text.into() }
    }

    fn plain<'a>() -> LineStyle<'a> {
        LineStyle {
            text: Style::new(),
            failure: Style::new(),
            timestamp: Style::new(),
            hit: Style::new(),
            marker: None,
            search: None,
        }
    }

    fn row_text(row: &Line<'_>) -> String {
        row.spans.iter().map(|s| s.content.as_ref()).collect()
    }

    #[test]
    fn cuts_at_columns_on_char_boundaries() {
        assert_eq!(cut_columns("abcdef", 4), "abcd");
        assert_eq!(cut_columns("ééééé", 3), "ééé");
        assert_eq!(cut_columns("日本語", 3), "日", "a wide char that does not fit stays out");
        assert_eq!(cut_columns("ab", 10), "ab");
        assert_eq!(floor_boundary("aé", 2), 1);
    }

    #[test]
    fn wraps_into_bounded_rows_with_indent() {
        let l = line("abcdefghij");
        let rows = line_rows(&l, Some("12:00:00"), &plain(), 13, 10, true);
        let texts: Vec<String> = rows.iter().map(row_text).collect();
        assert_eq!(texts, ["12:00:00 abcd", "         efgh", "         ij"]);
        let rows = line_rows(&l, None, &plain(), 3, 2, true);
        let texts: Vec<String> = rows.iter().map(row_text).collect();
        assert_eq!(texts, ["abc", "def"], "at most max_rows rows");
    }

    #[test]
    fn highlights_matches_across_a_row_break() {
        let m = Matcher::new("DEF").unwrap();
        let hit = Style::new().fg(ratatui::style::Color::Yellow);
        let style = LineStyle { search: Some(&m), hit, ..plain() };
        let l = line("abcdefgh");
        let rows = line_rows(&l, None, &style, 4, 5, true);
        let styled: Vec<Vec<(String, bool)>> = rows
            .iter()
            .map(|r| r.spans.iter().map(|s| (s.content.to_string(), s.style == hit)).collect())
            .collect();
        assert_eq!(
            styled,
            [
                vec![("abc".to_string(), false), ("d".to_string(), true)],
                vec![("ef".to_string(), true), ("gh".to_string(), false)],
            ]
        );
    }

    #[test]
    fn a_huge_line_is_cut_before_styling() {
        let l = line(&"é".repeat(1 << 20));
        let rows = line_rows(&l, None, &plain(), 80, 1, false);
        assert_eq!(rows.len(), 1);
        assert_eq!(row_text(&rows[0]).chars().count(), 80);
    }
}
