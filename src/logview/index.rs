//! The absolute indices of the lines a query matches, kept up to date incrementally.

use std::collections::VecDeque;

use crate::logbuf::{LogBuffer, Matcher};

/// A query and the sorted absolute indices of the buffer lines it matches.
///
/// [`sync`](Self::sync) scans only the lines that arrived since the previous call and forgets
/// indices of lines the buffer dropped, so keeping the index current costs time proportional to
/// the new lines, not to the buffer.
#[derive(Debug, Clone)]
pub(crate) struct MatchIndex {
    matcher: Matcher,
    hits: VecDeque<usize>,
    scanned_to: usize,
}

impl MatchIndex {
    /// Builds the index over every line stored in `buf`.
    pub(crate) fn new(matcher: Matcher, buf: &LogBuffer) -> Self {
        let mut index = Self { matcher, hits: VecDeque::new(), scanned_to: buf.first_index() };
        index.sync(buf);
        index
    }

    /// The query.
    pub(crate) fn matcher(&self) -> &Matcher {
        &self.matcher
    }

    /// Forgets dropped lines and scans lines that arrived since the last call.
    pub(crate) fn sync(&mut self, buf: &LogBuffer) {
        if self.scanned_to > buf.end_index() {
            // Not the buffer this index was built on (or it went backwards): start over.
            self.hits.clear();
            self.scanned_to = buf.first_index();
        }
        let first = buf.first_index();
        let stale = self.hits.partition_point(|&i| i < first);
        self.hits.drain(..stale);
        let from = self.scanned_to.max(first);
        let matcher = &self.matcher;
        self.hits.extend(
            buf.iter_range(from..buf.end_index())
                .filter(|(_, line)| matcher.is_match(&line.text))
                .map(|(i, _)| i),
        );
        self.scanned_to = buf.end_index();
    }

    /// How many stored lines match.
    pub(crate) fn len(&self) -> usize {
        self.hits.len()
    }

    /// The absolute index of the `pos`-th matching line.
    pub(crate) fn get(&self, pos: usize) -> Option<usize> {
        self.hits.get(pos).copied()
    }

    /// How many matching lines come before absolute index `abs`.
    pub(crate) fn position_of(&self, abs: usize) -> usize {
        self.hits.partition_point(|&i| i < abs)
    }

    /// Whether the line with absolute index `abs` matches.
    pub(crate) fn contains(&self, abs: usize) -> bool {
        self.hits.binary_search(&abs).is_ok()
    }
}
