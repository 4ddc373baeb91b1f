//! What a search or filter looks for in a line: plain text or a regular expression, always
//! case-insensitive.

use std::ops::Range;

use regex::{Regex, RegexBuilder};

/// How a query is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MatchMode {
    /// The query is literal text.
    #[default]
    Plain,
    /// The query is a regular expression (`regex` crate syntax).
    Regex,
}

/// A compiled, case-insensitive query.
#[derive(Debug, Clone)]
pub struct Matcher {
    query: String,
    mode: MatchMode,
    re: Regex,
}

/// Compiled queries larger than this are refused (a query is typed by hand).
const SIZE_LIMIT: usize = 1 << 20;

impl Matcher {
    /// Compiles `query`.
    ///
    /// # Errors
    /// A [`MatchMode::Regex`] query that is not a valid regular expression, or any query whose
    /// compiled form would exceed 1 MiB.
    pub fn new(query: &str, mode: MatchMode) -> Result<Self, regex::Error> {
        let pattern = match mode {
            MatchMode::Plain => regex::escape(query),
            MatchMode::Regex => query.to_owned(),
        };
        let re = RegexBuilder::new(&pattern).case_insensitive(true).size_limit(SIZE_LIMIT).build()?;
        Ok(Self { query: query.to_owned(), mode, re })
    }

    /// The query as typed.
    pub fn query(&self) -> &str {
        &self.query
    }

    /// How the query is read.
    pub fn mode(&self) -> MatchMode {
        self.mode
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
