//! What a search or filter looks for in a line: plain text, case-insensitive.

use std::ops::Range;

use regex::{Regex, RegexBuilder};

/// A compiled, case-insensitive query.
#[derive(Debug, Clone)]
pub struct Matcher {
    query: String,
    re: Regex,
}

/// Compiled queries larger than this are refused (a query is typed by hand).
const SIZE_LIMIT: usize = 1 << 20;

impl Matcher {
    /// Compiles `query`.
    ///
    /// # Errors
    /// A query whose compiled form would exceed 1 MiB.
    pub fn new(query: &str) -> Result<Self, regex::Error> {
        let pattern = regex::escape(query);
        let re = RegexBuilder::new(&pattern).case_insensitive(true).size_limit(SIZE_LIMIT).build()?;
        Ok(Self { query: query.to_owned(), re })
    }

    /// The query as typed.
    pub fn query(&self) -> &str {
        &self.query
    }

    /// Whether `text` contains a match.
    pub fn is_match(&self, text: &str) -> bool {
        self.re.is_match(text)
    }

    /// The byte ranges of the non-empty, non-overlapping matches in `text`, left to right.
    pub fn find_ranges<'t>(&'t self, text: &'t str) -> impl Iterator<Item = Range<usize>> + 't {
        self.re.find_iter(text).filter(|m| !m.is_empty()).map(|m| m.range())
    }
}
