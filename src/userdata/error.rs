//! Why the user data cannot be read or rewritten.

use super::MAX_USER_DATA_BYTES;

/// A refusal to read or rewrite user data. Whenever one is returned, nothing was changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UserDataError {
    /// The script-line pattern is empty or spans more than one line.
    #[error(
        "the script-line pattern {pattern:?} is empty or spans lines; set a one-line pattern such as \"run-baseline.sh\""
    )]
    InvalidPattern {
        /// The pattern that was given.
        pattern: String,
    },

    /// The instance has no user data at all.
    #[error(
        "the instance's user data is empty; add the user data script in the EC2 console (Actions > Instance settings > Edit user data) first"
    )]
    Empty,

    /// The user data starts with the gzip magic bytes `1f 8b`.
    #[error(
        "the user data is gzip-compressed, which this tool does not support; edit it in the EC2 console (Actions > Instance settings > Edit user data) instead"
    )]
    Gzip,

    /// The user data is not valid UTF-8 text.
    #[error(
        "the user data is not valid UTF-8 text (first bad byte at offset {offset}); edit it in the EC2 console instead"
    )]
    NotUtf8 {
        /// Byte offset of the first byte that is not valid UTF-8.
        offset: usize,
    },

    /// No line contains the pattern.
    #[error(
        "no line of the user data contains {pattern:?}; check the script-line pattern in the configuration against the instance's user data"
    )]
    NoMatchingLine {
        /// The pattern that was looked for.
        pattern: String,
    },

    /// More than one line contains the pattern, so which one to switch is ambiguous.
    #[error(
        "lines {} of the user data all contain {pattern:?}; make the script-line pattern specific enough to match only one line, or edit the user data in the EC2 console",
        join_numbers(.lines)
    )]
    SeveralLines {
        /// The pattern that was looked for.
        pattern: String,
        /// 1-based numbers of every line that contains it, in order.
        lines: Vec<usize>,
    },

    /// After the change the pattern would no longer find that one line, so the change could not
    /// be read back or undone (a pattern made of blanks or `#`, for example).
    #[error(
        "switching line {line} would change which lines contain {pattern:?}, so the change could not be undone; choose a script-line pattern that is part of the command itself, such as \"run-baseline.sh\""
    )]
    PatternWouldNotMatch {
        /// The pattern that was looked for.
        pattern: String,
        /// 1-based number of the line that would have been switched.
        line: usize,
    },

    /// The rewritten user data would be larger than AWS accepts.
    #[error(
        "the new user data would be {size} bytes, over AWS's limit of {MAX_USER_DATA_BYTES} bytes; shorten the user data in the EC2 console first"
    )]
    TooLarge {
        /// Size in bytes the rewritten user data would have.
        size: usize,
    },
}

/// `1, 4 and 9`.
fn join_numbers(numbers: &[usize]) -> String {
    match numbers {
        [] => String::new(),
        [only] => only.to_string(),
        [rest @ .., last] => {
            let rest: Vec<String> = rest.iter().map(usize::to_string).collect();
            format!("{} and {last}", rest.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::join_numbers;

    #[test]
    fn numbers_read_as_a_list() {
        assert_eq!(join_numbers(&[]), "");
        assert_eq!(join_numbers(&[3]), "3");
        assert_eq!(join_numbers(&[3, 9]), "3 and 9");
        assert_eq!(join_numbers(&[1, 4, 9]), "1, 4 and 9");
    }
}
