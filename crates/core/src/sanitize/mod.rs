//! The one place where text that came from outside (a Name tag, a log line, a user-data line,
//! an AWS or Slack error message, a file's contents) is made safe for a terminal or the log file.
//!
//! Such text can carry escape sequences: OSC 52 writes the clipboard, OSC 0 the window title,
//! CSI 2J clears the screen. Two forms keep them from acting:
//!
//! - the command line shows every control character visibly, the way Rust escapes it
//!   (`\u{1b}` for ESC, `\u{9b}` for the C1 CSI, `\r`, `\n`), so nothing is hidden and nothing
//!   acts: [`field`] for a one-line value (a newline in it is escaped too), [`line`] for a line
//!   whose tabs mean something (a log line, a user-data line), [`text`] for several lines;
//! - the panel draws what a terminal would have shown, escape sequences removed
//!   ([`screen::clean_line`]), and ratatui drops any control character left.
//!
//! [`redact`] takes credentials out of text bound for the log file.

pub mod redact;
pub mod screen;

use std::borrow::Cow;
use std::fmt::Write as _;

/// Which layout characters a piece of text keeps as they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Keep {
    /// Nothing: a one-line value.
    Nothing,
    /// Tabs: one line, indented or in columns.
    Tabs,
    /// Tabs and newlines: several lines.
    TabsAndNewlines,
}

/// Whether `c` must be shown escaped: C0 and C1 control characters, DEL, and the characters
/// that reorder or break lines on display (bidirectional overrides and isolates, the Unicode
/// line and paragraph separators).
fn is_unsafe(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}')
}

fn escape(s: &str, keep: Keep) -> Cow<'_, str> {
    let kept = |c: char| match c {
        '\t' => keep != Keep::Nothing,
        '\n' => keep == Keep::TabsAndNewlines,
        _ => false,
    };
    let must = |c: char| is_unsafe(c) && !kept(c);
    if !s.chars().any(must) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if must(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A one-line value (a Name tag, an error message, a channel id) safe to print: every control
/// character, newlines and tabs included, shown escaped.
pub fn field(s: &str) -> Cow<'_, str> {
    escape(s, Keep::Nothing)
}

/// One line whose tabs mean something (a log line, a user-data line): tabs kept, every other
/// control character (a `\r`, a newline) shown escaped.
pub fn line(s: &str) -> Cow<'_, str> {
    escape(s, Keep::Tabs)
}

/// Several lines (a log with multi-line messages, user data): newlines and tabs kept, every
/// other control character shown escaped.
pub fn text(s: &str) -> Cow<'_, str> {
    escape(s, Keep::TabsAndNewlines)
}

/// Bytes that should be text (user data, a file) as [`text`]: invalid UTF-8 shown as `�`.
pub fn text_bytes(bytes: &[u8]) -> String {
    text(&String::from_utf8_lossy(bytes)).into_owned()
}

/// A JSON document safe to print: `serde_json` escapes the C0 controls inside strings, but
/// leaves C1 controls, DEL and the reordering characters as they are; these become `\uXXXX`
/// escapes, which decode to the same string.
pub fn json(doc: &str) -> Cow<'_, str> {
    // serde_json escapes C0 controls inside strings: a raw newline is the layout's own.
    let must = |c: char| is_unsafe(c) && c != '\n';
    if !doc.chars().any(must) {
        return Cow::Borrowed(doc);
    }
    let mut out = String::with_capacity(doc.len() + 16);
    for c in doc.chars() {
        if must(c) {
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Writes `doc` as pretty JSON made safe by [`json`], and a newline.
pub fn write_json(out: &mut impl std::io::Write, doc: &impl serde::Serialize) -> std::io::Result<()> {
    let text = serde_json::to_string_pretty(doc).map_err(std::io::Error::other)?;
    writeln!(out, "{}", json(&text))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ATTACKS: &str =
        "a\u{1b}]52;c;ZXZpbA==\u{7}b\u{1b}]0;pwned\u{1b}\\c\u{1b}[2Jd\u{9b}31me\u{7f}f\u{0}g\u{202e}h";

    #[test]
    fn clean_text_is_borrowed_unchanged() {
        for f in [field, line, text] {
            let s = "baseline model — température 20 °C ✓";
            assert!(matches!(f(s), Cow::Borrowed(b) if b == s));
        }
    }

    #[test]
    fn escape_sequences_are_shown_not_sent() {
        for f in [field, line, text] {
            let out = f(ATTACKS);
            assert!(!out.chars().any(is_unsafe), "{out}");
            assert_eq!(
                out,
                "a\\u{1b}]52;c;ZXZpbA==\\u{7}b\\u{1b}]0;pwned\\u{1b}\\c\\u{1b}[2Jd\\u{9b}31me\\u{7f}f\\u{0}g\\u{202e}h"
            );
        }
    }

    #[test]
    fn tabs_and_newlines_are_kept_only_where_they_mean_something() {
        let s = "a\tb\nc\r\nd";
        assert_eq!(field(s), "a\\tb\\nc\\r\\nd");
        assert_eq!(line(s), "a\tb\\nc\\r\\nd");
        assert_eq!(text(s), "a\tb\nc\\r\nd");
    }

    #[test]
    fn json_output_escapes_every_control_character_and_round_trips() {
        let name = format!("{ATTACKS}\n\t\u{2028}");
        let mut out = Vec::new();
        write_json(&mut out, &serde_json::json!({ "name": name })).unwrap();
        let printed = String::from_utf8(out).unwrap();
        assert!(!printed.chars().any(|c| is_unsafe(c) && c != '\n'), "{printed}");
        assert!(printed.contains("\\u009b") && printed.contains("\\u001b"), "{printed}");
        let back: serde_json::Value = serde_json::from_str(&printed).unwrap();
        assert_eq!(back["name"], name.as_str());
    }

    #[test]
    fn bytes_that_are_not_utf8_are_replaced() {
        assert_eq!(text_bytes(b"ok\xff\x1b[2J\n"), "ok\u{fffd}\\u{1b}[2J\n");
    }
}
