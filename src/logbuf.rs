//! The bounded log buffer: lines from one source (run log, scheduler log, console output),
//! addressed by an absolute index that survives lines being dropped from the front.
//!
//! Ingest is the hot path (a busy run log arrives in batches of thousands of lines), so a line
//! costs one allocation and one scan for control characters; only lines that hold control
//! characters (tabs, ANSI colour codes, carriage returns) take the slower cleaning path
//! ([`crate::sanitize::screen`]).

mod matcher;
#[cfg(test)]
mod tests;

use std::collections::VecDeque;
use std::ops::Range;

pub use matcher::Matcher;

/// How many lines a buffer keeps when nothing else is configured.
pub const DEFAULT_MAX_LINES: usize = 100_000;

/// One displayable log line: the event's timestamp and its text, free of control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    /// When the source recorded the event, in milliseconds since the Unix epoch.
    pub ts_ms: i64,
    /// The line's text, without the line break and without control characters.
    pub text: Box<str>,
}

/// A bounded ring of log lines with absolute, ever-increasing line indices.
///
/// The line pushed first has index 0; when the buffer is full the oldest line is dropped and
/// [`first_index`](Self::first_index) moves forward, so an index held by a view keeps naming the
/// same line for as long as that line is stored.
#[derive(Debug, Clone)]
pub struct LogBuffer {
    lines: VecDeque<LogLine>,
    max_lines: usize,
    first: usize,
    dropped: usize,
}

impl Default for LogBuffer {
    fn default() -> Self {
        Self::with_capacity_limit(DEFAULT_MAX_LINES)
    }
}

impl LogBuffer {
    /// Creates an empty buffer that keeps at most `max_lines` lines (at least one).
    pub fn with_capacity_limit(max_lines: usize) -> Self {
        Self { lines: VecDeque::new(), max_lines: max_lines.max(1), first: 0, dropped: 0 }
    }

    /// The most lines this buffer keeps before dropping the oldest.
    pub fn capacity_limit(&self) -> usize {
        self.max_lines
    }

    /// Appends one log message; a message holding `\n` becomes several lines with the same
    /// timestamp (a trailing `\r` on each line and one final `\n` are removed).
    /// Returns how many lines were appended.
    pub fn push(&mut self, ts_ms: i64, message: &str) -> usize {
        let message = message.strip_suffix('\n').unwrap_or(message);
        let mut added = 0;
        for piece in message.split('\n') {
            self.push_line(ts_ms, piece);
            added += 1;
        }
        added
    }

    /// Appends a batch of `(timestamp ms, message)` pairs in order, as [`push`](Self::push) does.
    /// Returns how many lines were appended.
    pub fn extend<I, S>(&mut self, batch: I) -> usize
    where
        I: IntoIterator<Item = (i64, S)>,
        S: AsRef<str>,
    {
        let batch = batch.into_iter();
        let room = self.max_lines - self.lines.len();
        self.lines.reserve(batch.size_hint().0.min(room));
        batch.map(|(ts_ms, message)| self.push(ts_ms, message.as_ref())).sum()
    }

    fn push_line(&mut self, ts_ms: i64, piece: &str) {
        let piece = piece.trim_end_matches('\r');
        let text: Box<str> = if crate::sanitize::screen::needs_cleaning(piece) {
            crate::sanitize::screen::clean_line(piece).into_boxed_str()
        } else {
            Box::from(piece)
        };
        if self.lines.len() == self.max_lines {
            self.lines.pop_front();
            self.first += 1;
            self.dropped += 1;
        }
        self.lines.push_back(LogLine { ts_ms, text });
    }

    /// How many lines are stored.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// Whether no line is stored.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The absolute index of the oldest stored line (equal to [`end_index`](Self::end_index)
    /// when the buffer is empty).
    pub fn first_index(&self) -> usize {
        self.first
    }

    /// One past the absolute index of the newest line: the index the next line will get.
    pub fn end_index(&self) -> usize {
        self.first + self.lines.len()
    }

    /// How many lines were dropped from the front because the buffer was full, since it was
    /// created or last cleared.
    pub fn dropped(&self) -> usize {
        self.dropped
    }

    /// The line with absolute index `abs_index`, if it is still stored.
    pub fn get(&self, abs_index: usize) -> Option<&LogLine> {
        self.lines.get(abs_index.checked_sub(self.first)?)
    }

    /// The newest line, if any.
    pub fn last(&self) -> Option<&LogLine> {
        self.lines.back()
    }

    /// The stored lines whose absolute indices fall in `range`, with their indices, oldest first.
    pub fn iter_range(&self, range: Range<usize>) -> impl Iterator<Item = (usize, &LogLine)> {
        let start = range.start.clamp(self.first, self.end_index());
        let end = range.end.clamp(start, self.end_index());
        self.lines
            .range(start - self.first..end - self.first)
            .enumerate()
            .map(move |(i, line)| (start + i, line))
    }

    /// Every stored line with its absolute index, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = (usize, &LogLine)> {
        self.iter_range(self.first..self.end_index())
    }

    /// Removes every line and resets the dropped count; absolute indices keep increasing, so
    /// indices held from before the clear name no line.
    pub fn clear(&mut self) {
        self.first = self.end_index();
        self.lines.clear();
        self.dropped = 0;
    }

    /// The absolute index of the first line containing `pattern` (plain text, case-insensitive),
    /// scanning from `from_abs` (inclusive) forward or backward and wrapping around at the ends,
    /// so every stored line is looked at once. A start outside the buffer begins at the end it
    /// is nearest to in the direction of travel (after the newest line going forward means
    /// the oldest line, before the oldest going backward means the newest line).
    pub fn find_next(&self, pattern: &str, from_abs: usize, forward: bool) -> Option<usize> {
        let matcher = Matcher::new(pattern).ok()?;
        self.find_next_with(&matcher, from_abs, forward)
    }

    /// Like [`find_next`](Self::find_next) with an already compiled [`Matcher`].
    pub fn find_next_with(&self, matcher: &Matcher, from_abs: usize, forward: bool) -> Option<usize> {
        if self.is_empty() {
            return None;
        }
        let len = self.lines.len();
        let last = self.end_index() - 1;
        let start = if forward {
            if from_abs > last { 0 } else { from_abs.saturating_sub(self.first) }
        } else if from_abs < self.first {
            len - 1
        } else {
            from_abs.min(last) - self.first
        };
        let hit = |i: &usize| matcher.is_match(&self.lines[*i].text);
        let found = if forward {
            (start..len).chain(0..start).find(hit)
        } else {
            (0..=start).rev().chain((start + 1..len).rev()).find(hit)
        };
        found.map(|i| i + self.first)
    }
}
