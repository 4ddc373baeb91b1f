//! Fitting text into the room a panel has.
//!
//! - A text wider than its room is shortened in the middle with `…`: its first words (two
//!   thirds of the room) and its end (the last third: a path's file name, an endpoint's port)
//!   stay.
//! - A panel's lines carry a [`Rank`]; when rows run short the least important lines go first,
//!   and a line gets more rows (wrapped) only once every more important line has all of its own.
//! - A line of fields ([`fields`]) drops its least important fields before it is shortened.
//! - A block's border keeps the panel's name whole; hints and status give way ([`border`]).
//!
//! Widths are terminal columns (unicode-width), not characters: `日本` takes 4.

use std::borrow::Cow;
use std::ops::Range;

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// The mark of a cut.
pub const ELLIPSIS: char = '…';

/// How much a line (or a field) matters: the lower, the longer it stays on a small screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Rank {
    /// What the panel is for: the state, dev mode, an error, an outcome. Never dropped first.
    Must,
    /// What the operator acts on: the SSH command, progress, the next fire.
    High,
    /// Context: which box, when a run started.
    Mid,
    /// Details: launch time, evidence of a good run.
    Low,
    /// Shown when there is room: DNS names, rule targets.
    Detail,
}

/// Columns `text` takes on a terminal.
pub fn width(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

fn char_width(c: char) -> usize {
    UnicodeWidthChar::width(c).unwrap_or(0)
}

/// `text` in at most `room` columns: whole when it fits, else its start (two thirds) and its
/// end (one third) around `…`.
pub fn middle(text: &str, room: usize) -> Cow<'_, str> {
    if width(text) <= room {
        return Cow::Borrowed(text);
    }
    let cells: Vec<Cell> = text.chars().map(|c| (c, Style::new())).collect();
    Cow::Owned(middle_cells(&cells, room).into_iter().map(|(c, _)| c).collect())
}

/// `line` in at most `room` columns, shortened in the middle; styles stay with their text.
pub fn line(line: &Line, room: usize) -> Line<'static> {
    to_line(&middle_cells(&cells(line), room))
}

/// One styled character.
type Cell = (char, Style);

fn cells(line: &Line) -> Vec<Cell> {
    line.spans
        .iter()
        .flat_map(|s| {
            let style = line.style.patch(s.style);
            s.content.chars().map(move |c| (c, style))
        })
        .collect()
}

fn cells_width(cells: &[Cell]) -> usize {
    cells.iter().map(|(c, _)| char_width(*c)).sum()
}

/// Cells back to a line, one span per run of one style.
fn to_line(cells: &[Cell]) -> Line<'static> {
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut text = String::new();
    let mut style = None;
    for &(c, s) in cells {
        if style.is_some_and(|st| st != s) {
            spans.push(Span::styled(std::mem::take(&mut text), style.unwrap_or_default()));
        }
        style = Some(s);
        text.push(c);
    }
    if let Some(s) = style {
        spans.push(Span::styled(text, s));
    }
    Line::from(spans)
}

fn middle_cells(cells: &[Cell], room: usize) -> Vec<Cell> {
    if cells_width(cells) <= room {
        return cells.to_vec();
    }
    if room == 0 {
        return Vec::new();
    }
    let budget = room - 1;
    let head_budget = (budget * 2).div_ceil(3);
    let mut head = 0;
    let mut used = 0;
    for (c, _) in cells {
        let w = char_width(*c);
        if used + w > head_budget {
            break;
        }
        used += w;
        head += 1;
    }
    // The tail gets what the head left (a wide character may leave a column).
    let tail_budget = budget - used;
    let mut tail = cells.len();
    used = 0;
    for (i, (c, _)) in cells.iter().enumerate().skip(head).rev() {
        let w = char_width(*c);
        if used + w > tail_budget {
            break;
        }
        used += w;
        tail = i;
    }
    // A combining mark would join the ellipsis: the tail starts after it.
    while tail < cells.len() && char_width(cells[tail].0) == 0 {
        tail += 1;
    }
    let style = cells[..head].last().or(cells.get(tail)).map_or_else(Style::new, |c| c.1);
    let mut out = cells[..head].to_vec();
    out.push((ELLIPSIS, style));
    out.extend_from_slice(&cells[tail..]);
    out
}

/// Where each row of `cells` begins and ends when broken at spaces into rows of `room`
/// columns, rows after the first being `indent` columns narrower (a word longer than a row is
/// broken where the row ends).
fn row_ranges(cells: &[Cell], room: usize, indent: usize) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    let n = cells.len();
    let mut pos = 0;
    if room == 0 {
        return out;
    }
    let indent = effective_indent(indent, room);
    loop {
        let cap = if out.is_empty() { room } else { room.saturating_sub(indent).max(1) };
        if !out.is_empty() {
            while pos < n && cells[pos].0 == ' ' {
                pos += 1;
            }
        }
        if pos >= n {
            break;
        }
        let mut end = pos;
        let mut used = 0;
        while end < n {
            let w = char_width(cells[end].0);
            if used + w > cap {
                break;
            }
            used += w;
            end += 1;
        }
        if end == n {
            out.push(pos..n);
            break;
        }
        let at_space = (pos + 1..=end).rev().find(|&j| cells[j].0 == ' ');
        let mut stop = at_space.unwrap_or(end).max(pos + 1);
        let mut last = stop;
        while last > pos && cells[last - 1].0 == ' ' {
            last -= 1;
        }
        if last == pos {
            // Only spaces before the break: break the word instead.
            stop = end.max(pos + 1);
            last = stop;
        }
        out.push(pos..last);
        pos = stop;
    }
    out
}

/// The indent of rows after the first, when it leaves room for a wide character.
fn effective_indent(indent: usize, room: usize) -> usize {
    if indent + 2 > room { 0 } else { indent }
}

/// `line` in at most `rows` rows of `room` columns: wrapped at spaces, rows after the first
/// indented by `indent`; when it needs more, the last row is the rest shortened in the middle.
pub fn wrap(line: &Line, room: usize, indent: usize, rows: usize) -> Vec<Line<'static>> {
    let cells = cells(line);
    if rows == 0 || room == 0 {
        return Vec::new();
    }
    let ranges = row_ranges(&cells, room, indent);
    let indent = effective_indent(indent, room);
    let pad = |i: usize, mut row: Vec<Cell>| {
        if i > 0 && indent > 0 {
            row.splice(0..0, std::iter::repeat_n((' ', Style::new()), indent));
        }
        to_line(&row)
    };
    if ranges.len() <= rows {
        return ranges.into_iter().enumerate().map(|(i, r)| pad(i, cells[r].to_vec())).collect();
    }
    let mut out: Vec<Line<'static>> =
        ranges[..rows - 1].iter().enumerate().map(|(i, r)| pad(i, cells[r.clone()].to_vec())).collect();
    let rest = &cells[ranges[rows - 1].start..];
    let cap = if rows == 1 { room } else { room - indent };
    out.push(pad(rows - 1, middle_cells(rest, cap)));
    out
}

/// One line of a panel, with how much it matters and how many rows it may take.
#[derive(Debug, Clone)]
pub struct Item<'a> {
    /// How much it matters.
    pub rank: Rank,
    /// The text.
    pub line: Line<'a>,
    /// Rows it may take when there is room (wrapped at spaces); one row is the line shortened.
    pub max_rows: usize,
    /// Columns rows after the first are indented by (under a label).
    pub indent: usize,
}

impl<'a> Item<'a> {
    /// A line that always takes one row, shortened in the middle when too wide.
    pub fn row(rank: Rank, line: impl Into<Line<'a>>) -> Self {
        Item { rank, line: line.into(), max_rows: 1, indent: 0 }
    }

    /// A line that wraps onto up to `max_rows` rows when there is room.
    pub fn wrapped(rank: Rank, line: impl Into<Line<'a>>, max_rows: usize) -> Self {
        Item { rank, line: line.into(), max_rows: max_rows.max(1), indent: 0 }
    }

    /// Rows after the first start `indent` columns in (under a label's value).
    #[must_use]
    pub fn indent(mut self, indent: usize) -> Self {
        self.indent = indent;
        self
    }
}

/// The rows of `items` in `room` columns and `height` rows, in the items' order. Items are
/// served by rank: each gets one row, then as many more as it wants (up to its `max_rows`),
/// before the next rank gets any; an item left without a row is not shown.
pub fn place(items: &[Item], room: usize, height: usize) -> Vec<Line<'static>> {
    let want: Vec<usize> = items
        .iter()
        .map(|it| row_ranges(&cells(&it.line), room, it.indent).len().clamp(1, it.max_rows))
        .collect();
    let mut given = vec![0usize; items.len()];
    let mut left = height;
    let mut ranks: Vec<Rank> = items.iter().map(|i| i.rank).collect();
    ranks.sort_unstable();
    ranks.dedup();
    for rank in ranks {
        let of_rank: Vec<usize> = (0..items.len()).filter(|&i| items[i].rank == rank).collect();
        for &i in &of_rank {
            if left > 0 {
                given[i] = 1;
                left -= 1;
            }
        }
        for &i in &of_rank {
            let more = (want[i] - given[i]).min(left);
            if given[i] > 0 {
                given[i] += more;
                left -= more;
            }
        }
    }
    items
        .iter()
        .zip(given)
        .filter(|(_, g)| *g > 0)
        .flat_map(|(it, g)| wrap(&it.line, room, it.indent, g))
        .collect()
}

/// A line of fields in `room` columns: while too wide, the least important field goes (the
/// rightmost of a rank first; [`Rank::Must`] fields stay), then what is left is shortened in
/// the middle.
pub fn fields(fields: Vec<(Rank, Vec<Span>)>, room: usize) -> Line<'static> {
    let mut fields = fields;
    let total = |f: &[(Rank, Vec<Span>)]| f.iter().flat_map(|(_, s)| s).map(Span::width).sum::<usize>();
    while total(&fields) > room {
        let worst = fields
            .iter()
            .enumerate()
            .filter(|(_, (r, _))| *r != Rank::Must)
            .max_by_key(|(i, (r, _))| (*r, *i))
            .map(|(i, _)| i);
        let Some(i) = worst else { break };
        fields.remove(i);
    }
    let spans: Vec<Span> = fields.into_iter().flat_map(|(_, s)| s).collect();
    line(&Line::from(spans), room)
}

/// A block's top border in `room` columns (the block's width less its corners): the first of
/// `lefts` (longest first: the title with hints, …, the bare title) that leaves room for
/// `right` whole; else the last of them with `right` shortened in the middle. Returns the left
/// text and the right text.
pub fn border<'t>(room: usize, lefts: &[&'t str], right: &'t str) -> (&'t str, Cow<'t, str>) {
    let gap = usize::from(!right.is_empty());
    for l in lefts {
        if width(l) + gap + width(right) <= room {
            return (l, Cow::Borrowed(right));
        }
    }
    let last = lefts.last().copied().unwrap_or_default();
    let rest = room.saturating_sub(width(last) + 1);
    // A status shortened below a few columns says nothing: it goes.
    let right = if rest < 8 { Cow::Borrowed("") } else { middle(right, rest) };
    (last, right)
}

#[cfg(test)]
mod tests;
