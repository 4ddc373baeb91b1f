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

    /// After the change the pattern would no longer find that one line, or the user data would
    /// no longer read as the same parts, so the change could not be read back or undone (a
    /// pattern made of blanks or `#`, for example).
    #[error(
        "switching line {line} would change which lines contain {pattern:?} or how the user data reads, so the change could not be undone; choose a script-line pattern that is part of the command itself, such as \"run-baseline.sh\""
    )]
    PatternWouldNotMatch {
        /// The pattern that was looked for.
        pattern: String,
        /// 1-based number of the line that would have been switched.
        line: usize,
    },

    /// The pattern appears only outside the user data's shell scripts: in a MIME header, in
    /// another part (cloud-config, boothook, ...), around the parts, or in a script's `#!` line.
    #[error(
        "{pattern:?} appears only on line{} {} of the user data, which {} not a line of a shell script (a MIME header, the #! line, another part such as cloud-config or a boothook, or text around the parts), so there is no script line to switch; check the script-line pattern and the user data in the EC2 console",
        plural(lines.len()),
        join_numbers(lines),
        if lines.len() == 1 { "is" } else { "are" }
    )]
    OutsideScript {
        /// The pattern that was looked for.
        pattern: String,
        /// 1-based numbers of the lines that contain it.
        lines: Vec<usize>,
    },

    /// MIME user data with no part that cloud-init runs as a shell script.
    #[error(
        "the MIME user data has no shell-script part (Content-Type: text/x-shellscript), so there is no script line to switch; add the script part in the EC2 console (Actions > Instance settings > Edit user data)"
    )]
    NoShellPart,

    /// A part that is, or may be, a shell script is stored encoded, so its lines cannot be
    /// switched as they are.
    #[error(
        "the part of the user data at line {line} is (or may be) a shell script stored with Content-Transfer-Encoding {encoding}, which this tool does not edit; edit the user data in the EC2 console (Actions > Instance settings > Edit user data), or store that part as plain text (Content-Transfer-Encoding: 7bit or 8bit) and retry"
    )]
    EncodedScript {
        /// 1-based number of the part's first line.
        line: usize,
        /// How the part is encoded.
        encoding: TransferEncoding,
    },

    /// A part cloud-init may run as a shell script only after unpacking it: compressed, an
    /// attached message, or a Jinja template.
    #[error(
        "the part of the user data at line {line} is {what}, which may hold a shell script this tool cannot read; edit the user data in the EC2 console (Actions > Instance settings > Edit user data)"
    )]
    UnreadablePart {
        /// 1-based number of the part's first line.
        line: usize,
        /// What the part is, e.g. `gzip-compressed`.
        what: &'static str,
    },

    /// The MIME structure is not one the tool reads with certainty (no boundary, no closing
    /// boundary line, an unusual line break, ...).
    #[error(
        "the MIME structure of the user data is not one this tool can read safely (line {line}: {why}); check the user data in the EC2 console (Actions > Instance settings > Edit user data)"
    )]
    BadMime {
        /// 1-based number of the line where the problem is.
        line: usize,
        /// What is wrong.
        why: &'static str,
    },

    /// The user data starts with MIME headers but cloud-init does not read it as MIME.
    #[error(
        "the user data starts with MIME headers but has no \"MIME-Version:\" header in its first 4096 bytes, so cloud-init does not read it as MIME and runs none of it; add \"MIME-Version: 1.0\" to its top headers in the EC2 console (Actions > Instance settings > Edit user data)"
    )]
    MimeWithoutVersion,

    /// The whole user data is cloud-config: there is no shell script in it.
    #[error(
        "the user data is a cloud-config document (#cloud-config) with no shell script, so there is no script line to switch; start the model from a shell script: a text/x-shellscript MIME part next to the cloud-config, or a #!/bin/bash user data"
    )]
    CloudConfigOnly,

    /// The user data is an `#include` list: the script lives at a URL, not in the user data.
    #[error(
        "the user data is an #include list: the script it runs is fetched from a URL and is not in the user data, so this tool cannot switch it; edit the included file, or put the script in the user data (#!/bin/bash or a text/x-shellscript MIME part)"
    )]
    Include,

    /// The user data is a `#cloud-boothook`, which cloud-init runs early on every boot.
    #[error(
        "the user data is a #cloud-boothook, which cloud-init runs early on every boot and not as the user-data script; this tool switches a line of a #!/bin/bash user data or of a text/x-shellscript MIME part; edit it in the EC2 console (Actions > Instance settings > Edit user data)"
    )]
    Boothook,

    /// The user data is neither a shell script (first line `#!`) nor MIME that holds one.
    #[error(
        "the user data is not a shell script (its first line is not #!) nor MIME user data with a shell-script part, so cloud-init runs no script from it; check the user data in the EC2 console (Actions > Instance settings > Edit user data)"
    )]
    NotAScript,

    /// The rewritten user data would be larger than AWS accepts.
    #[error(
        "the new user data would be {size} bytes, over AWS's limit of {MAX_USER_DATA_BYTES} bytes; shorten the user data in the EC2 console first"
    )]
    TooLarge {
        /// Size in bytes the rewritten user data would have.
        size: usize,
    },
}

/// How a MIME part's body is encoded, when it is not plain text (7bit, 8bit or binary).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TransferEncoding {
    /// `Content-Transfer-Encoding: base64`.
    Base64,
    /// `Content-Transfer-Encoding: quoted-printable`.
    QuotedPrintable,
    /// Any other value than 7bit, 8bit or binary.
    Other,
}

impl std::fmt::Display for TransferEncoding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            TransferEncoding::Base64 => "base64",
            TransferEncoding::QuotedPrintable => "quoted-printable",
            TransferEncoding::Other => "other than 7bit, 8bit or binary",
        })
    }
}

/// `""` for one, `"s"` for several.
fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
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
