//! The panel's commands: what each does, and the keys the configuration binds them to.

use crate::action::Action;
pub use crate::config::keys::{COMMANDS, KeyBindings, LOG_KEYS};

/// The action of a command.
fn action(name: &str) -> Option<Action> {
    Some(match name {
        "quit" => Action::Quit,
        "refresh" => Action::Refresh,
        "next_box" => Action::NextBox,
        "fleet" => Action::ShowFleet,
        "start" => Action::StartRequested,
        "stop" => Action::StopRequested,
        "dev_mode" => Action::DevRequested,
        "copy_ssh" => Action::CopySsh,
        "shell" => Action::ShellRequested,
        "schedule" => Action::ScheduleToggleRequested,
        "move" => Action::MoveRequested,
        "export" => Action::ExportRequested,
        "history" => Action::ToggleHistory,
        "activity" => Action::ToggleActivity,
        "slack" => Action::SlackCompose,
        "doctor" => Action::DoctorRequested,
        "help" => Action::ToggleHelp,
        _ => return None,
    })
}

/// Which key runs which command: the configuration's bindings, turned into actions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Keymap {
    bindings: KeyBindings,
}

impl Keymap {
    /// The panel's keys for the configured `bindings`.
    pub fn new(bindings: &KeyBindings) -> Keymap {
        Keymap { bindings: bindings.clone() }
    }

    /// The action bound to `c`, if any.
    pub fn action(&self, c: char) -> Option<Action> {
        self.bindings.command(c).and_then(action)
    }

    /// The key bound to `command` (for the help and the footer).
    pub fn key(&self, command: &str) -> char {
        self.bindings.key(command)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_has_an_action() {
        for (name, _, _) in COMMANDS {
            assert!(action(name).is_some(), "{name}");
        }
    }

    #[test]
    fn overrides_move_a_command() {
        let overrides =
            [("start", "R"), ("refresh", "F")].iter().map(|(a, b)| (a.to_string(), b.to_string()));
        let k = Keymap::new(&KeyBindings::with_overrides(&overrides.collect()).unwrap());
        assert!(matches!(k.action('R'), Some(Action::StartRequested)));
        assert!(matches!(k.action('F'), Some(Action::Refresh)));
        assert!(k.action('s').is_none(), "the old key is free");
        assert_eq!(k.key("start"), 'R');
    }
}
