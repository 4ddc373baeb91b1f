//! The panel's commands and their keys, as configuration: defaults, overridable under `[keys]`.
//! Plain data; the panel turns a command into what it does.

use std::collections::{BTreeMap, HashMap};

/// Every command a key can be bound to: name, default key, what it does (for the help).
pub const COMMANDS: &[(&str, char, &str)] = &[
    ("quit", 'q', "quit (Ctrl-C too)"),
    ("refresh", 'r', "refresh now"),
    ("next_box", 'b', "switch to the next box (when the config lists several)"),
    ("fleet", 'f', "every box at a glance (Enter opens one, Esc comes back)"),
    ("start", 's', "start a run (asks first; refused while the box is up)"),
    ("stop", 'x', "stop the box (asks first; warns when a run is in progress)"),
    ("dev_mode", 'd', "dev mode on/off (shows the diff; can stop the box first)"),
    ("copy_ssh", 'c', "copy the SSH command (dev mode, box running)"),
    ("shell", 'o', "open a shell on the running box (SSH, Instance Connect, SSM)"),
    ("schedule", 'S', "schedule on/off"),
    ("move", 'M', "move it to the lab's time zone / back"),
    ("export", 'e', "save a run's log to a file (current, opened or selected)"),
    ("history", 'h', "runs and dev sessions (↑/↓, Enter opens a log) / back"),
    ("activity", 'a', "who started, stopped, switched the box (CloudTrail) / back"),
    ("slack", 'm', "write and post a test message to Slack"),
    ("doctor", 'D', "doctor: check AWS, Slack, GitHub and .env"),
    ("help", '?', "show / hide this help"),
];

/// Keys the log view keeps for itself; commands cannot take them.
pub const LOG_KEYS: &str = "kjgG/|nNtwl123 ";

/// Which key runs which command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyBindings {
    by_key: HashMap<char, &'static str>,
}

impl Default for KeyBindings {
    fn default() -> Self {
        KeyBindings { by_key: COMMANDS.iter().map(|(name, key, _)| (*key, *name)).collect() }
    }
}

impl KeyBindings {
    /// The defaults with `overrides` (command name → one-character key) applied. Errors name
    /// the command or key and say what is wrong.
    pub fn with_overrides(overrides: &BTreeMap<String, String>) -> Result<KeyBindings, String> {
        let mut keys: BTreeMap<&'static str, char> = COMMANDS.iter().map(|(n, k, _)| (*n, *k)).collect();
        for (name, key) in overrides {
            let Some((cmd, _, _)) = COMMANDS.iter().find(|(n, _, _)| n == name) else {
                let known: Vec<&str> = COMMANDS.iter().map(|(n, _, _)| *n).collect();
                let shown = if super::nameable(name) { format!(" `{name}`") } else { String::new() };
                return Err(format!("unknown command{shown}; the commands are {}", known.join(", ")));
            };
            let mut chars = key.chars();
            let (Some(c), None) = (chars.next(), chars.next()) else {
                return Err(format!("`{name}`: a key is one character, e.g. \"s\""));
            };
            if LOG_KEYS.contains(c) || c.is_control() {
                return Err(format!("`{name}`: that key belongs to the log view"));
            }
            keys.insert(cmd, c);
        }
        let mut by_key = HashMap::new();
        for (name, c) in keys {
            if let Some(other) = by_key.insert(c, name) {
                return Err(format!("`{other}` and `{name}` are bound to the same key"));
            }
        }
        Ok(KeyBindings { by_key })
    }

    /// The command bound to `c`, if any.
    pub fn command(&self, c: char) -> Option<&'static str> {
        self.by_key.get(&c).copied()
    }

    /// The key bound to `command` (for the help and the footer).
    pub fn key(&self, command: &str) -> char {
        self.by_key.iter().find(|(_, n)| **n == command).map_or('?', |(c, _)| *c)
    }

    /// How many commands are bound.
    pub fn len(&self) -> usize {
        self.by_key.len()
    }

    /// True when no command is bound.
    pub fn is_empty(&self) -> bool {
        self.by_key.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, &str)]) -> Result<KeyBindings, String> {
        KeyBindings::with_overrides(&pairs.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect())
    }

    #[test]
    fn every_command_has_a_distinct_default_key() {
        let k = KeyBindings::default();
        for (name, key, _) in COMMANDS {
            assert_eq!(k.key(name), *key);
            assert!(!LOG_KEYS.contains(*key), "{name} takes a log key");
        }
        assert_eq!(k.len(), COMMANDS.len());
    }

    #[test]
    fn overrides_move_a_command() {
        let k = map(&[("start", "R"), ("refresh", "F")]).unwrap();
        assert_eq!(k.command('R'), Some("start"));
        assert_eq!(k.command('F'), Some("refresh"));
        assert!(k.command('s').is_none(), "the old key is free");
        assert_eq!(k.key("start"), 'R');
    }

    #[test]
    fn bad_overrides_are_refused_with_a_reason() {
        assert!(map(&[("launch", "l")]).unwrap_err().starts_with("unknown command `launch`"));
        assert!(map(&[("start", "ss")]).unwrap_err().contains("one character"));
        assert!(map(&[("start", "j")]).unwrap_err().contains("belongs to the log view"));
        assert_eq!(map(&[("start", "x")]).unwrap_err(), "`start` and `stop` are bound to the same key");
    }
}
