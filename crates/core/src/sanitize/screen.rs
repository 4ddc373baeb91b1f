//! The panel's form of outside text: what a terminal would have shown, with no control
//! character left to reach the real terminal.
//!
//! Console output and script logs carry ANSI colour codes, tabs, and progress bars drawn with
//! carriage returns. The cleaned line is what a terminal would have shown: escape sequences
//! removed, tabs expanded to 8-column stops, a `\r` in the middle of a line moving back to the
//! first column so the later text overwrites the earlier, backspace moving one column back.

/// Tab stops are this many columns apart.
const TAB_WIDTH: usize = 8;

/// Whether `line` holds a byte that may start a control character (C0, DEL, or the UTF-8 lead
/// byte of the C1 range). Lines without one are stored as they are.
pub fn needs_cleaning(line: &str) -> bool {
    line.bytes().any(|b| b < 0x20 || b == 0x7f || b == 0xc2)
}

/// The displayable form of `line` (see the module documentation).
pub fn clean_line(line: &str) -> String {
    let mut out: Vec<char> = Vec::with_capacity(line.len());
    let mut col = 0usize;
    let put = |out: &mut Vec<char>, col: &mut usize, c: char| {
        if *col < out.len() {
            out[*col] = c;
        } else {
            out.push(c);
        }
        *col += 1;
    };
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\t' => {
                let next_stop = (col / TAB_WIDTH + 1) * TAB_WIDTH;
                while col < next_stop {
                    put(&mut out, &mut col, ' ');
                }
            }
            '\r' => col = 0,
            '\u{8}' => col = col.saturating_sub(1),
            '\u{1b}' => skip_escape(&mut chars),
            c if c.is_control() => {}
            c => put(&mut out, &mut col, c),
        }
    }
    out.into_iter().collect()
}

/// Skips the rest of an escape sequence whose ESC was just read: CSI (`ESC [ … final`),
/// OSC/DCS-like strings (`ESC ] … BEL` or `… ESC \`), nF escapes, or a two-character escape.
fn skip_escape(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    match chars.next() {
        Some('[') => {
            for c in chars.by_ref() {
                if ('\u{40}'..='\u{7e}').contains(&c) {
                    break;
                }
            }
        }
        Some(']' | 'P' | '^' | '_' | 'X') => {
            while let Some(c) = chars.next() {
                if c == '\u{7}' {
                    break;
                }
                if c == '\u{1b}' && chars.peek() == Some(&'\\') {
                    chars.next();
                    break;
                }
            }
        }
        // nF escapes (`ESC ( B` and the like): intermediates, then one final character.
        Some(' '..='/') => {
            for c in chars.by_ref() {
                if !(' '..='/').contains(&c) {
                    break;
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_needs_no_cleaning() {
        assert!(!needs_cleaning("Loading required package: dplyr — ok ü"));
        assert!(needs_cleaning("a\tb"));
        assert!(needs_cleaning("\u{1b}[31mred"));
        assert!(needs_cleaning("x\u{85}y"));
    }

    #[test]
    fn removes_ansi_colour_and_osc_sequences() {
        assert_eq!(clean_line("\u{1b}[1;31mERROR\u{1b}[0m: boom"), "ERROR: boom");
        assert_eq!(clean_line("\u{1b}]0;title\u{7}after"), "after");
        assert_eq!(clean_line("\u{1b}]8;;http://x\u{1b}\\link"), "link");
        assert_eq!(clean_line("a\u{1b}(Bb"), "ab");
    }

    #[test]
    fn expands_tabs_to_eight_column_stops() {
        assert_eq!(clean_line("a\tb"), "a       b");
        assert_eq!(clean_line("12345678\tx"), "12345678        x");
    }

    #[test]
    fn carriage_return_overwrites_like_a_terminal() {
        assert_eq!(clean_line(" 10%\r 50%\r100%"), "100%");
        assert_eq!(clean_line("abcdef\rXY"), "XYcdef");
        assert_eq!(clean_line("ab\u{8}C"), "aC");
    }

    #[test]
    fn drops_other_control_characters_and_keeps_unicode() {
        assert_eq!(clean_line("a\u{0}b\u{7}c\u{85}d"), "abcd");
        assert_eq!(clean_line("température\t°C"), "température     °C");
    }
}
