//! Search (jump between matching lines) and filter (show only matching lines), and the prompt
//! where their queries are typed.

use super::{LogView, MatchIndex};
use crate::logbuf::{LogBuffer, Matcher};

/// Which query a prompt edits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    /// The search query (`/`).
    Search,
    /// The filter query.
    Filter,
}

/// A query being typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    /// Which query is being typed.
    pub kind: PromptKind,
    /// The text typed so far.
    pub text: String,
    /// Why the last submit was refused (a query too long to search for), if it was.
    pub error: Option<String>,
}

/// The one-sentence message for a query that cannot be searched for.
fn pattern_error(err: &regex::Error) -> String {
    match err {
        regex::Error::CompiledTooBig(_) => "The text is too long to search for; shorten it.".to_owned(),
        other => format!("Cannot search for this text ({other})."),
    }
}

impl LogView {
    // ----- prompt -----

    /// Opens the prompt for `kind`: empty for a search, holding the active query for a filter.
    pub fn open_prompt(&mut self, kind: PromptKind) {
        let text = match kind {
            PromptKind::Search => String::new(),
            PromptKind::Filter => self.filter_query().unwrap_or_default().to_owned(),
        };
        self.prompt = Some(Prompt { kind, text, error: None });
    }

    /// The prompt being typed in, if one is open.
    pub fn prompt(&self) -> Option<&Prompt> {
        self.prompt.as_ref()
    }

    /// Types one character into the open prompt.
    pub fn prompt_insert(&mut self, c: char) {
        if let Some(p) = &mut self.prompt {
            p.text.push(c);
            p.error = None;
        }
    }

    /// Deletes the last character of the open prompt.
    pub fn prompt_backspace(&mut self) {
        if let Some(p) = &mut self.prompt {
            p.text.pop();
            p.error = None;
        }
    }

    /// Closes the prompt without changing the active search or filter.
    pub fn prompt_cancel(&mut self) {
        self.prompt = None;
    }

    /// Applies the prompt's text as the search or filter (empty text clears it) and closes the
    /// prompt.
    ///
    /// # Errors
    /// The query does not compile (see [`Matcher::new`]); the prompt then stays open with its
    /// [`error`](Prompt::error) set, and the active search or filter is unchanged.
    pub fn prompt_submit(&mut self, buf: &LogBuffer, height: usize) -> Result<(), regex::Error> {
        let Some(prompt) = self.prompt.take() else {
            return Ok(());
        };
        let result = match prompt.kind {
            PromptKind::Search => self.set_search(buf, height, &prompt.text),
            PromptKind::Filter => self.set_filter(buf, height, &prompt.text),
        };
        if let Err(err) = &result {
            self.prompt = Some(Prompt { error: Some(pattern_error(err)), ..prompt });
        }
        result
    }

    // ----- search -----

    /// Starts searching for `query` (empty clears the search) and jumps to a match: the newest
    /// one while following, otherwise the first at or below the top line (wrapping around).
    ///
    /// # Errors
    /// The query does not compile (see [`Matcher::new`]); the active search is unchanged.
    pub fn set_search(&mut self, buf: &LogBuffer, height: usize, query: &str) -> Result<(), regex::Error> {
        if query.is_empty() {
            self.clear_search();
            return Ok(());
        }
        let index = MatchIndex::new(Matcher::new(query)?, buf);
        self.search = Some(index);
        self.current = None;
        let found = if self.follow {
            self.match_before(buf.end_index())
        } else {
            self.match_from(self.top_line(buf, height))
        };
        if let Some(abs) = found {
            self.current = Some(abs);
            self.reveal(buf, height, abs);
        }
        Ok(())
    }

    /// Ends the search; the scroll position stays.
    pub fn clear_search(&mut self) {
        self.search = None;
        self.current = None;
    }

    /// The active search's query.
    pub fn search_query(&self) -> Option<&str> {
        self.search.as_ref().map(|s| s.matcher().query())
    }

    /// The active search's compiled query, for highlighting.
    pub fn search_matcher(&self) -> Option<&Matcher> {
        self.search.as_ref().map(MatchIndex::matcher)
    }

    /// The absolute index of the current match's line.
    pub fn current_match(&self) -> Option<usize> {
        self.current
    }

    /// How many stored lines match the search (filter or not).
    pub fn match_count(&self) -> usize {
        self.search.as_ref().map_or(0, MatchIndex::len)
    }

    /// The 1-based number of the current match among [`match_count`](Self::match_count).
    pub fn current_match_number(&self) -> Option<usize> {
        let (search, current) = (self.search.as_ref()?, self.current?);
        search.contains(current).then(|| search.position_of(current) + 1)
    }

    /// Moves to the next match below the current one (wrapping to the oldest) and shows it.
    pub fn next_match(&mut self, buf: &LogBuffer, height: usize) {
        let from = match self.current {
            Some(c) if c >= buf.first_index() => c + 1,
            _ => self.top_line(buf, height),
        };
        if let Some(abs) = self.match_from(from) {
            self.current = Some(abs);
            self.reveal(buf, height, abs);
        }
    }

    /// Moves to the previous match above the current one (wrapping to the newest) and shows it.
    pub fn prev_match(&mut self, buf: &LogBuffer, height: usize) {
        let before = match self.current {
            Some(c) if c >= buf.first_index() => c,
            _ => self.top_line(buf, height),
        };
        if let Some(abs) = self.match_before(before) {
            self.current = Some(abs);
            self.reveal(buf, height, abs);
        }
    }

    fn shown(&self, abs: usize) -> bool {
        self.filter.as_ref().is_none_or(|f| f.contains(abs))
    }

    /// The first shown match at or after `from`, wrapping around.
    fn match_from(&self, from: usize) -> Option<usize> {
        let search = self.search.as_ref()?;
        let start = search.position_of(from);
        let n = search.len();
        (start..n).chain(0..start).filter_map(|pos| search.get(pos)).find(|&abs| self.shown(abs))
    }

    /// The last shown match before `before`, wrapping around.
    fn match_before(&self, before: usize) -> Option<usize> {
        let search = self.search.as_ref()?;
        let end = search.position_of(before);
        let n = search.len();
        (0..end).rev().chain((end..n).rev()).filter_map(|pos| search.get(pos)).find(|&abs| self.shown(abs))
    }

    // ----- filter -----

    /// Shows only lines matching `query` (empty clears the filter). A paused view stays at the
    /// same place in the log; a following view keeps following.
    ///
    /// # Errors
    /// The query does not compile (see [`Matcher::new`]); the active filter is unchanged.
    pub fn set_filter(&mut self, buf: &LogBuffer, height: usize, query: &str) -> Result<(), regex::Error> {
        if query.is_empty() {
            self.clear_filter(buf, height);
            return Ok(());
        }
        let matcher = Matcher::new(query)?;
        let top = self.top_line(buf, height);
        self.filter = Some(MatchIndex::new(matcher, buf));
        if !self.follow {
            self.top = top;
        }
        Ok(())
    }

    /// Shows every line again, keeping the top line where it was.
    pub fn clear_filter(&mut self, buf: &LogBuffer, height: usize) {
        let top = self.top_line(buf, height);
        self.filter = None;
        if !self.follow {
            self.top = top;
        }
    }

    /// The active filter's query.
    pub fn filter_query(&self) -> Option<&str> {
        self.filter.as_ref().map(|f| f.matcher().query())
    }

    /// How many stored lines the active filter shows (`None` without a filter).
    pub fn filtered_len(&self) -> Option<usize> {
        self.filter.as_ref().map(MatchIndex::len)
    }
}
