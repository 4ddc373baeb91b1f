//! Following the EC2 console output, which EC2 serves as a whole text (its last 64 KB) each time:
//! find what is new since the last read.

/// What has been delivered of the console so far.
#[derive(Debug, Clone, Default)]
pub struct ConsoleTracker {
    consumed: String,
}

impl ConsoleTracker {
    /// Takes the console text as EC2 returns it now and returns the complete lines not delivered
    /// before (a line still being written waits for its newline). When the old text scrolled
    /// out of EC2's buffer, the overlap is found; when nothing overlaps (a new boot), all of it
    /// is new.
    pub fn feed(&mut self, text: &str) -> Vec<String> {
        let complete = match text.rfind('\n') {
            Some(i) => &text[..=i],
            None => "",
        };
        let k = overlap(&self.consumed, complete);
        let fresh = &complete[k..];
        self.consumed = complete.to_string();
        fresh.lines().map(str::to_owned).collect()
    }
}

/// The longest prefix of `new` (ending at a line boundary) that is a suffix of `old` (starting
/// at a line boundary).
fn overlap(old: &str, new: &str) -> usize {
    let max = old.len().min(new.len());
    let ends =
        new.as_bytes()[..max].iter().enumerate().filter(|(_, b)| **b == b'\n').map(|(i, _)| i + 1).rev();
    for k in ends {
        let start = old.len() - k;
        let at_line_start = start == 0 || old.as_bytes()[start - 1] == b'\n';
        if at_line_start && old.ends_with(&new[..k]) {
            return k;
        }
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_new_complete_lines_are_delivered() {
        let mut t = ConsoleTracker::default();
        assert_eq!(t.feed("a\nb\nlogin: "), ["a", "b"]);
        assert!(t.feed("a\nb\nlogin: ").is_empty(), "same text again");
        assert_eq!(t.feed("a\nb\nlogin: \nc\n"), ["login: ", "c"]);
    }

    #[test]
    fn a_scrolled_buffer_keeps_its_place() {
        let mut t = ConsoleTracker::default();
        t.feed("1\n2\n3\n4\n");
        // EC2 dropped the first lines and appended new ones.
        assert_eq!(t.feed("3\n4\n5\n6\n"), ["5", "6"]);
    }

    #[test]
    fn a_new_boot_is_all_new_even_when_lines_repeat() {
        let mut t = ConsoleTracker::default();
        t.feed("[ 0.0] Linux\nlogin:\n[ 9.9] Power down\n");
        assert_eq!(t.feed("[ 0.0] Linux\nlogin:\n"), ["[ 0.0] Linux", "login:"]);
    }

    #[test]
    fn overlap_respects_line_boundaries() {
        // "b\n" is a suffix of "ab\n" but not a whole line of it.
        assert_eq!(overlap("ab\n", "b\nc\n"), 0);
        assert_eq!(overlap("x\nb\n", "b\nc\n"), 2);
        assert_eq!(overlap("", "a\n"), 0);
    }
}
