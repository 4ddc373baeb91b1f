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
    /// Reads (at most [`super::MAX_FILE_BYTES`]) and parses a `.env` file.
    pub fn read(path: &Path) -> Result<DotEnv, ConfigError> {
        let text = super::read::read_text(path, ".env file")?;
        Self::parse(&text, path)
    }

    /// Parses `.env` text; a malformed line is reported with its number and key.
    pub fn parse(text: &str, path: &Path) -> Result<DotEnv, ConfigError> {
        // dotenvy refuses a last line that ends in blanks unless a line break follows it.
        let text = if text.ends_with('\n') { text.to_owned() } else { format!("{text}\n") };
        let mut values = HashMap::new();
        for item in dotenvy::from_read_iter(text.as_bytes()) {
            match item {
                Ok((k, v)) => {
                    values.insert(k, v);
                }
                Err(e) => return Err(syntax_error(&text, path, &e)),
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
            // `rest` is the offending line, its value, or the remainder of an unterminated
            // quoted value: find the line where that logical line starts.
            let line = failing_line(text, rest);
            let line_text = text.lines().nth(line.saturating_sub(1)).unwrap_or("");
            (line, assigned_name(line_text).unwrap_or_default().to_string())
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

/// The variable a line assigns (`NAME=…`, `NAME = …`, `export NAME=…`), if it reads as an
/// assignment. Any other line may be part of a value that spans lines, such as a token pasted
/// across two lines, so none of it is repeated.
fn assigned_name(line: &str) -> Option<&str> {
    let body = line.trim_start();
    let body = body.strip_prefix("export ").map_or(body, str::trim_start);
    let len = body.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(body.len());
    let name = &body[..len];
    let valid = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_');
    (valid && body[len..].trim_start().starts_with('=') && super::file::nameable(name)).then_some(name)
}

/// The 1-based number of the line where parsing fails with `rest`, or 0 when it cannot be
/// found. That line holds the start of `rest`, is not a comment, follows only lines that parse,
/// and parsing from it fails at once with the same error (so an earlier line that merely holds
/// the same text, or the inside of a quoted value spanning lines, is not taken for it).
fn failing_line(text: &str, rest: &str) -> usize {
    let first = rest.lines().next().unwrap_or("").trim();
    if first.is_empty() {
        return 0;
    }
    let parses = |t: &str| dotenvy::from_read_iter(t.as_bytes()).all(|r| r.is_ok());
    let fails_at_once = |t: &str| {
        matches!(dotenvy::from_read_iter(t.as_bytes()).next(),
            Some(Err(dotenvy::Error::LineParse(r, _))) if r == rest)
    };
    let mut start = 0;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let body = line.trim_end_matches(['\n', '\r']);
        if body.contains(first)
            && !body.trim_start().starts_with('#')
            && parses(&text[..start])
            && fails_at_once(&text[start..])
        {
            return i + 1;
        }
        start += line.len();
    }
    0
}

/// The warning for a secrets file whose permission bits are `mode`: `None` unless group or
/// others have any access (`mode & 0o077 != 0`).
#[allow(clippy::verbose_bit_mask, reason = "permission bits read as a mask, as in chmod")]
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
