//! The state of one log source's view over its [`LogBuffer`]: following or paused, scroll
//! position, search, filter, timestamps and wrap.
//!
//! Every operation takes the buffer and the viewport height (rows available for lines); the view
//! does no I/O and reads no clock. Positions are absolute line indices, so a paused view keeps
//! showing the same lines while new ones arrive and old ones are dropped. After appending lines
//! to the buffer, call [`LogView::sync`] so the search and filter indices take them in.

mod index;
mod search;
#[cfg(test)]
mod tests;

use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::logbuf::{LogBuffer, LogLine};
use index::MatchIndex;
pub use search::{Prompt, PromptKind};

/// How many lines one mouse-wheel notch scrolls.
pub const WHEEL_LINES: usize = 3;

/// How timestamps are shown in front of lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TimestampMode {
    /// No timestamps.
    #[default]
    Off,
    /// `HH:MM:SS` in UTC.
    Utc,
    /// `HH:MM:SS` in the local time zone.
    Local,
}

impl TimestampMode {
    /// The next mode in the cycle off → UTC → local → off.
    #[must_use]
    pub fn next(self) -> Self {
        match self {
            Self::Off => Self::Utc,
            Self::Utc => Self::Local,
            Self::Local => Self::Off,
        }
    }

    /// The timestamp text for `ts_ms` (`HH:MM:SS`), or `None` when timestamps are off.
    /// `local` is the zone used for [`TimestampMode::Local`].
    pub fn format(self, ts_ms: i64, local: &TimeZone) -> Option<String> {
        let tz = match self {
            Self::Off => return None,
            Self::Utc => &TimeZone::UTC,
            Self::Local => local,
        };
        let Ok(ts) = Timestamp::from_millisecond(ts_ms) else {
            return Some("--:--:--".to_owned());
        };
        let dt = tz.to_datetime(ts);
        Some(format!("{:02}:{:02}:{:02}", dt.hour(), dt.minute(), dt.second()))
    }

    /// How many columns the timestamp text takes (0 when off).
    pub fn width(self) -> usize {
        match self {
            Self::Off => 0,
            Self::Utc | Self::Local => 8,
        }
    }
}

/// One source's view state. Starts following the newest lines, with no search or filter.
#[derive(Debug, Clone)]
pub struct LogView {
    follow: bool,
    /// Absolute index of the top line while paused.
    top: usize,
    /// The buffer's end index when the view paused.
    paused_end: usize,
    search: Option<MatchIndex>,
    current: Option<usize>,
    filter: Option<MatchIndex>,
    prompt: Option<Prompt>,
    timestamps: TimestampMode,
    wrap: bool,
}

impl Default for LogView {
    fn default() -> Self {
        Self::new()
    }
}

impl LogView {
    /// A view that follows the newest lines, with timestamps off and wrap off.
    pub fn new() -> Self {
        Self {
            follow: true,
            top: 0,
            paused_end: 0,
            search: None,
            current: None,
            filter: None,
            prompt: None,
            timestamps: TimestampMode::Off,
            wrap: false,
        }
    }

    /// Takes in lines appended to (and forgets lines dropped from) `buf` since the last call;
    /// costs time proportional to the new lines only.
    pub fn sync(&mut self, buf: &LogBuffer) {
        if let Some(index) = &mut self.search {
            index.sync(buf);
        }
        if let Some(index) = &mut self.filter {
            index.sync(buf);
        }
        if self.current.is_some_and(|c| c < buf.first_index()) {
            self.current = None;
        }
    }

    // ----- the sequence of lines shown: every line, or only the filtered ones -----

    fn seq_len(&self, buf: &LogBuffer) -> usize {
        match &self.filter {
            Some(f) => f.len(),
            None => buf.len(),
        }
    }

    fn seq_abs(&self, buf: &LogBuffer, pos: usize) -> usize {
        match &self.filter {
            Some(f) => f.get(pos).unwrap_or(buf.end_index()),
            None => buf.first_index() + pos,
        }
    }

    fn seq_pos(&self, buf: &LogBuffer, abs: usize) -> usize {
        match &self.filter {
            Some(f) => f.position_of(abs),
            None => abs.saturating_sub(buf.first_index()).min(buf.len()),
        }
    }

    fn max_top(&self, buf: &LogBuffer, height: usize) -> usize {
        self.seq_len(buf).saturating_sub(height.max(1))
    }

    /// Position (in the shown sequence) of the top line.
    fn top_pos(&self, buf: &LogBuffer, height: usize) -> usize {
        let max = self.max_top(buf, height);
        if self.follow { max } else { self.seq_pos(buf, self.top).min(max) }
    }

    fn pause_at(&mut self, buf: &LogBuffer, pos: usize) {
        if self.follow {
            self.follow = false;
            self.paused_end = buf.end_index();
        }
        self.top = self.seq_abs(buf, pos);
    }

    // ----- following and scrolling -----

    /// Whether the view follows the newest lines.
    pub fn is_following(&self) -> bool {
        self.follow
    }

    /// Resumes following the newest lines (`End`, `G`).
    pub fn follow(&mut self) {
        self.follow = true;
    }

    /// Stops following, keeping the lines currently shown in place.
    pub fn pause(&mut self, buf: &LogBuffer, height: usize) {
        let pos = self.top_pos(buf, height);
        self.pause_at(buf, pos);
    }

    /// Follows when paused, pauses when following.
    pub fn toggle_follow(&mut self, buf: &LogBuffer, height: usize) {
        if self.follow {
            self.pause(buf, height);
        } else {
            self.follow();
        }
    }

    /// Scrolls `n` lines toward older lines; pauses when there is anything above.
    pub fn scroll_up(&mut self, buf: &LogBuffer, height: usize, n: usize) {
        let pos = self.top_pos(buf, height);
        if pos == 0 {
            return;
        }
        self.pause_at(buf, pos.saturating_sub(n));
    }

    /// Scrolls `n` lines toward newer lines; reaching the newest lines resumes following.
    pub fn scroll_down(&mut self, buf: &LogBuffer, height: usize, n: usize) {
        if self.follow {
            return;
        }
        let pos = self.top_pos(buf, height) + n;
        if pos >= self.max_top(buf, height) {
            self.follow();
        } else {
            self.top = self.seq_abs(buf, pos);
        }
    }

    /// Scrolls one viewport toward older lines.
    pub fn page_up(&mut self, buf: &LogBuffer, height: usize) {
        self.scroll_up(buf, height, height.max(1));
    }

    /// Scrolls one viewport toward newer lines.
    pub fn page_down(&mut self, buf: &LogBuffer, height: usize) {
        self.scroll_down(buf, height, height.max(1));
    }

    /// One mouse-wheel notch up ([`WHEEL_LINES`] lines).
    pub fn wheel_up(&mut self, buf: &LogBuffer, height: usize) {
        self.scroll_up(buf, height, WHEEL_LINES);
    }

    /// One mouse-wheel notch down ([`WHEEL_LINES`] lines).
    pub fn wheel_down(&mut self, buf: &LogBuffer, height: usize) {
        self.scroll_down(buf, height, WHEEL_LINES);
    }

    /// Jumps to the oldest stored line and pauses (`Home`, `g`).
    pub fn scroll_to_top(&mut self, buf: &LogBuffer) {
        self.pause_at(buf, 0);
    }

    /// Jumps to the newest line and follows (`End`, `G`).
    pub fn scroll_to_bottom(&mut self) {
        self.follow();
    }

    /// Scrolls so the line with absolute index `abs` is shown, and pauses. A line already on
    /// screen does not move; otherwise it lands a third of the way down.
    pub fn reveal(&mut self, buf: &LogBuffer, height: usize, abs: usize) {
        let pos = self.seq_pos(buf, abs);
        let top = self.top_pos(buf, height);
        let new_top =
            if (top..top + height.max(1)).contains(&pos) { top } else { pos.saturating_sub(height / 3) };
        self.pause_at(buf, new_top);
    }

    /// The absolute index of the top line shown (the buffer's end index when nothing is shown).
    pub fn top_line(&self, buf: &LogBuffer, height: usize) -> usize {
        let pos = self.top_pos(buf, height);
        self.seq_abs(buf, pos)
    }

    /// The lines to show in a viewport `height` lines tall, oldest first, with their absolute
    /// indices: at most `height` lines, only matching lines while a filter is active.
    pub fn visible_lines<'b>(&self, buf: &'b LogBuffer, height: usize) -> Vec<(usize, &'b LogLine)> {
        let top = self.top_pos(buf, height);
        let end = (top + height).min(self.seq_len(buf));
        match &self.filter {
            None => buf.iter_range(buf.first_index() + top..buf.first_index() + end).collect(),
            Some(f) => {
                (top..end).filter_map(|pos| f.get(pos)).filter_map(|abs| Some((abs, buf.get(abs)?))).collect()
            }
        }
    }

    /// How many lines (matching the filter, if one is active) arrived since the view paused;
    /// 0 while following.
    pub fn new_lines(&self, buf: &LogBuffer) -> usize {
        if self.follow {
            return 0;
        }
        match &self.filter {
            Some(f) => f.len() - f.position_of(self.paused_end),
            None => buf.end_index().saturating_sub(self.paused_end),
        }
    }

    // ----- display toggles -----

    /// How timestamps are shown.
    pub fn timestamps(&self) -> TimestampMode {
        self.timestamps
    }

    /// Sets how timestamps are shown.
    pub fn set_timestamps(&mut self, mode: TimestampMode) {
        self.timestamps = mode;
    }

    /// Cycles timestamps off → UTC → local → off.
    pub fn cycle_timestamps(&mut self) {
        self.timestamps = self.timestamps.next();
    }

    /// Whether long lines wrap onto further rows (otherwise they are cut at the edge).
    pub fn wrap(&self) -> bool {
        self.wrap
    }

    /// Turns wrapping of long lines on or off.
    pub fn toggle_wrap(&mut self) {
        self.wrap = !self.wrap;
    }
}
