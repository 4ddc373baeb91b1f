//! Words for the log panes: the keys that move them and how a stream is doing.

use crate::logs::Source as LogSource;

/// How a source's stream is doing, for the pane's title.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Health {
    /// Nothing to say.
    #[default]
    Normal,
    /// Streaming live.
    Live,
    /// Working, with a caveat (polling, stale).
    Warning,
    /// Failing.
    Error,
}

/// A key meant for the log pane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogKey {
    /// Scroll up by lines.
    Up(usize),
    /// Scroll down by lines.
    Down(usize),
    /// Mouse wheel up.
    WheelUp,
    /// Mouse wheel down.
    WheelDown,
    /// Page up.
    PageUp,
    /// Page down.
    PageDown,
    /// Oldest line.
    Top,
    /// Newest line, and follow.
    Follow,
    /// Open the search prompt.
    Search,
    /// Open the filter prompt.
    Filter,
    /// Next search match.
    NextMatch,
    /// Previous search match.
    PrevMatch,
    /// Clear the search and the filter.
    Clear,
    /// Cycle timestamps off / UTC / local.
    Timestamps,
    /// Toggle wrapping.
    Wrap,
    /// Show the next source.
    NextSource,
    /// Show a given source.
    Source(LogSource),
    /// A character typed into the prompt.
    Type(char),
    /// Backspace in the prompt.
    Backspace,
    /// Enter in the prompt.
    Submit,
    /// Esc in the prompt.
    Cancel,
}

/// How many rows the log pane shows, with and without the banner line: the layout's answer
/// for the terminal's size, which `update` needs to scroll the logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogRows {
    /// Without a banner.
    pub plain: usize,
    /// With the banner line under the header.
    pub with_banner: usize,
}

impl Default for LogRows {
    /// The rows at the initial 80x24 size.
    fn default() -> Self {
        LogRows { plain: 4, with_banner: 3 }
    }
}
