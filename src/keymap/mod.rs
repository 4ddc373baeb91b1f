//! Terminal input to actions.

mod commands;

pub use commands::{COMMANDS, KeyBindings, Keymap, LOG_KEYS};

/// Keys that are not commands (fixed): key, what it does. The help overlay and the man page
/// list them after the commands.
pub const FIXED_KEYS: &[(&str, &str)] = &[
    ("↑↓ PgUp PgDn", "scroll the log (mouse wheel too); g top, G / End follow"),
    ("/ n N  |", "search the log, next / previous match; | shows only matches"),
    ("t w l 1 2 3", "timestamps, wrap; next log / run, scheduler, console log"),
    ("Tab, Shift-Tab", "next / previous instance (when several match)"),
    ("Esc, Enter", "Esc clears: overlay, search, message · Enter: read it whole"),
    ("Ctrl-Z", "suspend to the shell (fg to return)"),
];

use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEventKind};

use crate::action::Action;
use crate::state::{LogKey, LogSource, Overlay, State};

/// The action for a terminal event, if it means anything in the current state; `keymap` says
/// which key runs which command.
pub fn resolve(event: &Event, state: &State, keymap: &Keymap) -> Option<Action> {
    match event {
        Event::Key(key) if key.kind != KeyEventKind::Release => key_action(key, state, keymap),
        Event::Resize(w, h) => Some(resize(*w, *h)),
        Event::Mouse(m) if state.dialog.is_none() => match m.kind {
            MouseEventKind::ScrollUp => Some(Action::Log(LogKey::WheelUp)),
            MouseEventKind::ScrollDown => Some(Action::Log(LogKey::WheelDown)),
            _ => None,
        },
        _ => None,
    }
}

/// The terminal is now `w`x`h`: the action says so, with the log pane's rows at that size.
pub fn resize(w: u16, h: u16) -> Action {
    Action::Resize { size: (w, h), log_rows: crate::ui::layout::log_rows(w, h) }
}

fn key_action(key: &KeyEvent, state: &State, keymap: &Keymap) -> Option<Action> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Char('c') if ctrl => return Some(Action::Quit),
        KeyCode::Char('z') if ctrl => return Some(Action::Suspend),
        _ => {}
    }
    if state.dialog.as_ref().is_some_and(|d| d.input.is_some()) {
        return text_dialog_key(key);
    }
    if state.dialog.is_some() {
        return match key.code {
            KeyCode::Char('y') => Some(Action::DialogYes),
            KeyCode::Char('n' | 'q') | KeyCode::Esc => Some(Action::DialogCancel),
            KeyCode::Left | KeyCode::Char('h') | KeyCode::BackTab => Some(Action::DialogStep(-1)),
            KeyCode::Right | KeyCode::Char('l') | KeyCode::Tab => Some(Action::DialogStep(1)),
            KeyCode::Enter => Some(Action::DialogPick(None)),
            _ => None,
        };
    }
    if state.overlay == Some(Overlay::Help) {
        return match key.code {
            KeyCode::Char('q') => Some(Action::Quit),
            KeyCode::Esc | KeyCode::Char('?') => Some(Action::Dismiss),
            _ => None,
        };
    }
    if state.overlay == Some(Overlay::Doctor) {
        return doctor_key(key);
    }
    if state.overlay == Some(Overlay::Message) {
        return match key.code {
            KeyCode::Char('q') => Some(Action::Quit),
            KeyCode::Esc | KeyCode::Enter => Some(Action::Dismiss),
            _ => None,
        };
    }
    if state.log_pane().view.prompt().is_some() {
        return Some(Action::Log(match key.code {
            KeyCode::Enter => LogKey::Submit,
            KeyCode::Esc => LogKey::Cancel,
            KeyCode::Backspace => LogKey::Backspace,
            KeyCode::Char(c) => LogKey::Type(c),
            _ => return None,
        }));
    }
    if state.show_history {
        match key.code {
            KeyCode::Up | KeyCode::Char('k') => return Some(Action::HistoryStep(-1)),
            KeyCode::Down | KeyCode::Char('j') => return Some(Action::HistoryStep(1)),
            KeyCode::PageUp => return Some(Action::HistoryStep(-10)),
            KeyCode::PageDown => return Some(Action::HistoryStep(10)),
            KeyCode::Home | KeyCode::Char('g') => return Some(Action::HistoryStep(isize::MIN / 2)),
            KeyCode::Enter => return Some(Action::HistoryOpen),
            _ => {}
        }
    }
    let log = |k: LogKey| Some(Action::Log(k));
    match key.code {
        KeyCode::Up | KeyCode::Char('k') => log(LogKey::Up(1)),
        KeyCode::Down | KeyCode::Char('j') => log(LogKey::Down(1)),
        KeyCode::PageUp => log(LogKey::PageUp),
        KeyCode::PageDown | KeyCode::Char(' ') => log(LogKey::PageDown),
        KeyCode::Home | KeyCode::Char('g') => log(LogKey::Top),
        KeyCode::End | KeyCode::Char('G') => log(LogKey::Follow),
        KeyCode::Char('/') => log(LogKey::Search),
        KeyCode::Char('|') => log(LogKey::Filter),
        KeyCode::Char('n') => log(LogKey::NextMatch),
        KeyCode::Char('N') => log(LogKey::PrevMatch),
        KeyCode::Char('t') => log(LogKey::Timestamps),
        KeyCode::Char('w') => log(LogKey::Wrap),
        KeyCode::Char('l') => log(LogKey::NextSource),
        KeyCode::Char('1') => log(LogKey::Source(LogSource::Run)),
        KeyCode::Char('2') => log(LogKey::Source(LogSource::Scheduler)),
        KeyCode::Char('3') => log(LogKey::Source(LogSource::Console)),
        KeyCode::Char(c) => keymap.action(c),
        KeyCode::Esc => Some(Action::Dismiss),
        KeyCode::Enter if !state.messages().is_empty() => Some(Action::ShowMessage),
        KeyCode::Tab => Some(Action::SelectNext),
        KeyCode::BackTab => Some(Action::SelectPrev),
        _ => None,
    }
}

/// Keys in a dialog with a text: characters are text (so `y` and `n` are letters, not answers).
fn text_dialog_key(key: &KeyEvent) -> Option<Action> {
    match key.code {
        KeyCode::Char(c) if !key.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) => {
            Some(Action::DialogType(c))
        }
        KeyCode::Backspace => Some(Action::DialogBackspace),
        KeyCode::Enter => Some(Action::DialogPick(None)),
        KeyCode::Esc => Some(Action::DialogCancel),
        KeyCode::Left | KeyCode::BackTab => Some(Action::DialogStep(-1)),
        KeyCode::Right | KeyCode::Tab => Some(Action::DialogStep(1)),
        _ => None,
    }
}

/// Keys over the doctor's checks.
fn doctor_key(key: &KeyEvent) -> Option<Action> {
    match key.code {
        KeyCode::Char('q') => Some(Action::Quit),
        KeyCode::Esc => Some(Action::Dismiss),
        KeyCode::Char('D') => Some(Action::DoctorRequested),
        KeyCode::Up | KeyCode::Char('k') => Some(Action::DoctorScroll(-1)),
        KeyCode::Down | KeyCode::Char('j') => Some(Action::DoctorScroll(1)),
        KeyCode::PageUp => Some(Action::DoctorScroll(-10)),
        KeyCode::PageDown | KeyCode::Char(' ') => Some(Action::DoctorScroll(10)),
        KeyCode::Home | KeyCode::Char('g') => Some(Action::DoctorScroll(i16::MIN)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backends::Account;
    use crate::config::Config;
    use crate::fixtures::now;

    fn key(c: KeyCode, m: KeyModifiers) -> Event {
        Event::Key(KeyEvent::new(c, m))
    }

    #[test]
    fn basic_keys() {
        let s = State::new(&Config::builtin(), &Account::of(&Config::builtin()), now());
        let k = Keymap::default();
        assert!(matches!(resolve(&key(KeyCode::Char('q'), KeyModifiers::NONE), &s, &k), Some(Action::Quit)));
        assert!(matches!(
            resolve(&key(KeyCode::Char('c'), KeyModifiers::CONTROL), &s, &k),
            Some(Action::Quit)
        ));
        assert!(matches!(
            resolve(&key(KeyCode::Char('r'), KeyModifiers::NONE), &s, &k),
            Some(Action::Refresh)
        ));
        let resized = resolve(&Event::Resize(90, 30), &s, &k);
        assert!(
            matches!(resized, Some(Action::Resize { size: (90, 30), log_rows }) if log_rows == crate::ui::layout::log_rows(90, 30))
        );
    }

    #[test]
    fn help_overlay_swallows_other_keys() {
        let mut s = State::new(&Config::builtin(), &Account::of(&Config::builtin()), now());
        let k = Keymap::default();
        s.overlay = Some(Overlay::Help);
        assert!(resolve(&key(KeyCode::Char('r'), KeyModifiers::NONE), &s, &k).is_none());
        assert!(matches!(resolve(&key(KeyCode::Esc, KeyModifiers::NONE), &s, &k), Some(Action::Dismiss)));
    }

    #[test]
    fn keys_open_scroll_and_close_the_overlay() {
        use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
        let key = |c| Event::Key(KeyEvent::new(c, KeyModifiers::NONE));
        let mut s = State::new(&Config::builtin(), &crate::backends::Account::of(&Config::builtin()), now());
        assert!(matches!(
            resolve(&key(KeyCode::Char('D')), &s, &Keymap::default()),
            Some(Action::DoctorRequested)
        ));
        s.overlay = Some(Overlay::Doctor);
        let resolve = |c| resolve(&key(c), &s, &Keymap::default());
        assert!(matches!(resolve(KeyCode::Char('j')), Some(Action::DoctorScroll(1))));
        assert!(matches!(resolve(KeyCode::Up), Some(Action::DoctorScroll(-1))));
        assert!(matches!(resolve(KeyCode::Esc), Some(Action::Dismiss)));
        assert!(matches!(resolve(KeyCode::Char('D')), Some(Action::DoctorRequested)));
        assert!(resolve(KeyCode::Char('m')).is_none(), "other keys wait until the overlay closes");
        assert!(resolve(KeyCode::Char('s')).is_none());
    }

    #[test]
    fn enter_opens_the_message_popup_when_there_is_a_message() {
        let mut s = State::new(&Config::builtin(), &Account::of(&Config::builtin()), now());
        let k = Keymap::default();
        let press = |s: &State, c| resolve(&key(c, KeyModifiers::NONE), s, &k);
        assert!(press(&s, KeyCode::Enter).is_none(), "no message: Enter does nothing");
        s.notice = Some(crate::state::Notice { level: crate::state::Level::Info, text: "saved".into() });
        assert!(matches!(press(&s, KeyCode::Enter), Some(Action::ShowMessage)));
        s.show_history = true;
        assert!(matches!(press(&s, KeyCode::Enter), Some(Action::HistoryOpen)), "the history keeps Enter");
        s.show_history = false;
        s.overlay = Some(Overlay::Message);
        assert!(matches!(press(&s, KeyCode::Esc), Some(Action::Dismiss)));
        assert!(matches!(press(&s, KeyCode::Enter), Some(Action::Dismiss)));
        assert!(matches!(press(&s, KeyCode::Char('q')), Some(Action::Quit)));
        assert!(press(&s, KeyCode::Char('s')).is_none(), "other keys wait until the popup closes");
    }
}
