//! The `.env` file in the working directory (`SLACK_API_TOKEN`, `CHANNEL_ID`, ...).

use std::collections::HashMap;
use std::path::Path;

use super::ConfigError;

/// Parsed `.env` values. Its `Debug` shows only the key names.
#[derive(Default, Clone)]
pub struct DotEnv {
    values: HashMap<String, String>,
}

impl std::fmt::Debug for DotEnv {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut keys: Vec<_> = self.values.keys().collect();
        keys.sort();
        f.debug_struct("DotEnv").field("keys", &keys).finish()
    }
}

impl DotEnv {
    /// Reads and parses a `.env` file.
    pub fn read(path: &Path) -> Result<DotEnv, ConfigError> {
        let text = std::fs::read_to_string(path)
            .map_err(|source| ConfigError::Read { path: path.to_path_buf(), source })?;
        Self::parse(&text, path)
    }

    /// Parses `.env` text; a malformed line is reported with its number and key.
    pub fn parse(text: &str, path: &Path) -> Result<DotEnv, ConfigError> {
        let mut values = HashMap::new();
        for item in dotenvy::from_read_iter(text.as_bytes()) {
            match item {
                Ok((k, v)) => {
                    values.insert(k, v);
                }
                Err(e) => return Err(syntax_error(text, path, &e)),
            }
        }
        Ok(DotEnv { values })
    }

    /// The value of a key, if the file sets it.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.values.get(key).map(String::as_str).filter(|v| !v.is_empty())
    }
}

/// Locates a dotenvy error in the text. The message never repeats a value: it may be a secret.
fn syntax_error(text: &str, path: &Path, e: &dotenvy::Error) -> ConfigError {
    let (line, key) = match e {
        dotenvy::Error::LineParse(rest, _) => {
            // `rest` is the offending line (or the remainder of an unterminated quoted value).
            let first = rest.lines().next().unwrap_or("").trim_end();
            let line = text
                .lines()
                .position(|l| !first.is_empty() && l.trim_end().ends_with(first))
                .map(|i| i + 1)
                .unwrap_or(0);
            let line_text = text.lines().nth(line.saturating_sub(1)).unwrap_or("");
            let key = line_text
                .trim_start()
                .trim_start_matches("export ")
                .split(['=', ' '])
                .next()
                .unwrap_or("")
                .to_string();
            (line, key)
        }
        _ => (0, String::new()),
    };
    ConfigError::Syntax {
        path: path.to_path_buf(),
        line,
        key: if key.is_empty() { "-".into() } else { key },
        message: "expected KEY=VALUE (quote values that contain spaces or #)".into(),
    }
}

/// The warning for a secrets file whose permission bits are `mode`: `None` unless group or
/// others have any access (`mode & 0o077 != 0`).
pub fn permission_warning(path: &Path, mode: u32) -> Option<String> {
    if mode & 0o077 == 0 {
        return None;
    }
    let shown = shell_word(&path.display().to_string());
    Some(format!(
        "{} is readable by other users (mode {:04o}): run chmod 600 {shown}",
        path.display(),
        mode & 0o7777
    ))
}

/// Reads the permission bits of `path` and returns [`permission_warning`]'s answer
/// (`None` when the file cannot be read, and always on systems without Unix modes).
pub fn file_permission_warning(path: &Path) -> Option<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).ok()?.permissions().mode();
        permission_warning(path, mode)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// `s` quoted for a POSIX shell when it holds anything beyond plain path characters.
fn shell_word(s: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "/._-+,:@%=".contains(c);
    if !s.is_empty() && s.chars().all(plain) {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}
