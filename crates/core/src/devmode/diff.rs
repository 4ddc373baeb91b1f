//! A short line diff between two versions of the user data, for confirming a restore.
//!
//! Not a minimal diff: the lines both versions start and end with are left out and everything
//! in between is shown as removed, then added. Restores usually undo one switched line, so this
//! is exactly that line.

use std::fmt::Write as _;

/// Most lines shown on each side before the rest is summarised.
const MAX_SHOWN: usize = 20;

/// The lines of `bytes`, each without its `\n` (a `\r` stays, and is shown escaped).
fn lines(bytes: &[u8]) -> Vec<&[u8]> {
    if bytes.is_empty() {
        return Vec::new();
    }
    let body = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    body.split(|&b| b == b'\n').collect()
}

/// A line as text a terminal shows safely: invalid UTF-8 replaced, control characters but tabs
/// escaped.
fn printable(line: &[u8]) -> String {
    crate::sanitize::line(&String::from_utf8_lossy(line)).into_owned()
}

fn side(out: &mut String, sign: char, lines: &[&[u8]]) {
    for line in lines.iter().take(MAX_SHOWN) {
        out.push('\n');
        out.push(sign);
        out.push_str(&printable(line));
    }
    if lines.len() > MAX_SHOWN {
        let _ = write!(out, "\n{sign}… {} more lines", lines.len() - MAX_SHOWN);
    }
}

/// The lines that differ between `old` and `new`, like
///
/// ```text
/// line 21:
/// -# su -c "~ec2-user/run-baseline.sh" ec2-user >> /tmp/startup-out.txt
/// +su -c "~ec2-user/run-baseline.sh" ec2-user >> /tmp/startup-out.txt
/// ```
///
/// `(no difference)` when the bytes are equal; a difference only in the final newline says so.
/// No final newline.
pub fn lines_diff(old: &[u8], new: &[u8]) -> String {
    if old == new {
        return "(no difference)".to_owned();
    }
    let (a, b) = (lines(old), lines(new));
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let room = a.len().min(b.len()) - prefix;
    let suffix = a.iter().rev().zip(b.iter().rev()).take(room).take_while(|(x, y)| x == y).count();
    let (removed, added) = (&a[prefix..a.len() - suffix], &b[prefix..b.len() - suffix]);
    if removed.is_empty() && added.is_empty() {
        let which = if old.ends_with(b"\n") { "old" } else { "new" };
        return format!("only the final newline differs: the {which} version ends with one");
    }
    let mut out = format!("line {}:", prefix + 1);
    side(&mut out, '-', removed);
    side(&mut out, '+', added);
    out
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use super::lines_diff;

    #[test]
    fn one_changed_line_is_shown_with_its_number() {
        let old = b"a\nb\n# run\nc\n";
        let new = b"a\nb\nrun\nc\n";
        assert_eq!(lines_diff(old, new), "line 3:\n-# run\n+run");
    }

    #[test]
    fn added_removed_and_line_endings_are_visible() {
        assert_eq!(lines_diff(b"a\nb\n", b"a\nx\nb\n"), "line 2:\n+x");
        assert_eq!(lines_diff(b"a\nx\nb\n", b"a\nb\n"), "line 2:\n-x");
        assert_eq!(lines_diff(b"a\r\nb\n", b"a\nb\n"), "line 1:\n-a\\r\n+a");
        assert_eq!(lines_diff(b"same", b"same"), "(no difference)");
        assert_eq!(lines_diff(b"a\n", b"a"), "only the final newline differs: the old version ends with one");
        assert_eq!(lines_diff(b"", b"a\n"), "line 1:\n+a");
    }

    #[test]
    fn long_changes_are_summarised_and_escaped() {
        let new = (0..30).fold(String::new(), |mut s, i| {
            let _ = writeln!(s, "l{i}");
            s
        });
        let d = lines_diff(b"\x1b[2J\n", new.as_bytes());
        assert!(d.starts_with("line 1:\n-\\u{1b}[2J\n+l0\n"), "{d}");
        assert!(d.ends_with("+… 10 more lines"), "{d}");
    }
}
