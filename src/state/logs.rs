//! The log panes: one buffer and one view per source, and the keys that move them.

use crate::logbuf::LogBuffer;
use crate::logview::{LogView, PromptKind};

/// Log sources, in the order the `l` key cycles them.
pub use crate::logs::Source as LogSource;

pub use crate::action::{Health, LogKey};

/// One source's lines and how they are viewed.
#[derive(Debug, Clone)]
pub struct LogPane {
    /// The lines.
    pub buf: LogBuffer,
    /// Scroll, search, filter, toggles.
    pub view: LogView,
    /// Stream status text ("live", "polling every 1 s", ...).
    pub status: String,
    /// Its tone.
    pub health: Health,
}

impl LogPane {
    /// An empty pane keeping at most `max_lines`.
    pub fn new(max_lines: usize) -> Self {
        LogPane {
            buf: LogBuffer::with_capacity_limit(max_lines),
            view: LogView::new(),
            status: "waiting".into(),
            health: Health::Normal,
        }
    }
}

/// Applies a log key to the active pane, or switches the active source. An invalid search or
/// filter pattern keeps its prompt open with the error shown there.
pub fn apply(panes: &mut [LogPane], active: &mut LogSource, key: LogKey, height: usize) {
    if let LogKey::NextSource = key {
        *active = LogSource::ALL[(active.index() + 1) % LogSource::ALL.len()];
        return;
    }
    if let LogKey::Source(s) = key {
        *active = s;
        return;
    }
    let pane = &mut panes[active.index()];
    let (buf, view) = (&pane.buf, &mut pane.view);
    match key {
        LogKey::Up(n) => view.scroll_up(buf, height, n),
        LogKey::Down(n) => view.scroll_down(buf, height, n),
        LogKey::WheelUp => view.wheel_up(buf, height),
        LogKey::WheelDown => view.wheel_down(buf, height),
        LogKey::PageUp => view.page_up(buf, height),
        LogKey::PageDown => view.page_down(buf, height),
        LogKey::Top => view.scroll_to_top(buf),
        LogKey::Follow => view.follow(),
        LogKey::Search => view.open_prompt(PromptKind::Search),
        LogKey::Filter => view.open_prompt(PromptKind::Filter),
        LogKey::NextMatch => view.next_match(buf, height),
        LogKey::PrevMatch => view.prev_match(buf, height),
        LogKey::Clear => {
            view.clear_search();
            view.clear_filter(buf, height);
        }
        LogKey::Timestamps => view.cycle_timestamps(),
        LogKey::Wrap => view.toggle_wrap(),
        LogKey::Type(c) => view.prompt_insert(c),
        LogKey::Backspace => view.prompt_backspace(),
        LogKey::Submit => {
            let _ = view.prompt_submit(buf, height);
        }
        LogKey::Cancel => view.prompt_cancel(),
        LogKey::NextSource | LogKey::Source(_) => {}
    }
}
