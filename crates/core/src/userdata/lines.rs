//! Splitting user data into lines without losing a byte.

/// One line of the user data: where it starts, its text, and its own line ending.
///
/// Concatenating `content` and `ending` of every line, in order, gives back the input exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Line<'a> {
    /// Byte offset of the line's first byte in the whole text.
    pub start: usize,
    /// The line's text, without its ending.
    pub content: &'a str,
    /// `"\n"`, `"\r\n"`, or `""` for a last line without a newline.
    pub ending: &'a str,
}

impl Line<'_> {
    /// Byte offset just past the line's ending.
    pub fn end(&self) -> usize {
        self.start + self.content.len() + self.ending.len()
    }
}

/// The lines of `text`, each keeping its own ending (LF, CRLF, or none at the very end).
///
/// A lone `\r` is not a line ending: it stays part of the line's text. An empty text has no
/// lines, and a text ending with a newline has no empty line after it.
pub(crate) fn split(text: &str) -> impl Iterator<Item = Line<'_>> {
    let bytes = text.as_bytes();
    let mut pos = 0;
    std::iter::from_fn(move || {
        if pos >= bytes.len() {
            return None;
        }
        let start = pos;
        let line = if let Some(rel) = bytes[start..].iter().position(|&b| b == b'\n') {
            let newline = start + rel;
            let content_end =
                if newline > start && bytes[newline - 1] == b'\r' { newline - 1 } else { newline };
            pos = newline + 1;
            Line { start, content: &text[start..content_end], ending: &text[content_end..pos] }
        } else {
            pos = bytes.len();
            Line { start, content: &text[start..], ending: "" }
        };
        Some(line)
    })
}

/// Length in bytes of the blanks (spaces and tabs) that start `content`.
///
/// Only spaces and tabs count: they are the blanks the shell skips before a word, so a `#`
/// after them starts a comment.
pub(crate) fn indent_len(content: &str) -> usize {
    content.len() - content.trim_start_matches([' ', '\t']).len()
}

/// Whether the line is a comment: its first character after the leading blanks is `#`.
pub(crate) fn is_commented(content: &str) -> bool {
    content[indent_len(content)..].starts_with('#')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(text: &str) -> Vec<(&str, &str)> {
        split(text).map(|l| (l.content, l.ending)).collect()
    }

    #[test]
    fn split_keeps_each_ending() {
        assert_eq!(parts("a\r\nb\nc"), vec![("a", "\r\n"), ("b", "\n"), ("c", "")]);
        assert_eq!(parts("a\n"), vec![("a", "\n")]);
        assert_eq!(parts("\n\n"), vec![("", "\n"), ("", "\n")]);
        assert_eq!(parts("\r\n"), vec![("", "\r\n")]);
        assert!(parts("").is_empty());
    }

    #[test]
    fn lone_carriage_return_stays_in_the_text() {
        assert_eq!(parts("a\rb\r\r\n"), vec![("a\rb\r", "\r\n")]);
        assert_eq!(parts("a\r"), vec![("a\r", "")]);
    }

    #[test]
    fn lines_rebuild_the_text_and_know_their_offsets() {
        let text = "one\r\ntwo\n\nthree";
        let lines: Vec<_> = split(text).collect();
        let rebuilt: String = lines.iter().flat_map(|l| [l.content, l.ending]).collect();
        assert_eq!(rebuilt, text);
        for l in &lines {
            assert_eq!(&text[l.start..l.end()], format!("{}{}", l.content, l.ending));
        }
    }

    #[test]
    fn comment_detection_skips_spaces_and_tabs_only() {
        assert!(is_commented("#x"));
        assert!(is_commented(" \t# x"));
        assert!(!is_commented("x # y"));
        assert!(!is_commented(""));
        assert!(!is_commented("\u{a0}#x"));
        assert_eq!(indent_len(" \tx "), 2);
        assert_eq!(indent_len("   "), 3);
    }
}
