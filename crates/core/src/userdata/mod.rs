//! Reading and switching the instance's cloud-init user data, byte for byte.
//!
//! The instance's user data is a MIME multipart whose shell part ends with the line that runs
//! the model script ([`SEED_USER_DATA`]). "Dev mode" is that line commented out, so the
//! instance can boot for development without starting a run.
//!
//! The script line is looked for only where cloud-init runs shell: in the body of a
//! `text/x-shellscript` MIME part (or an untyped part whose body starts with `#!`), or in user
//! data that is a `#!` script as a whole; never in a MIME header, another part (cloud-config,
//! boothook, include, ...), the text around the parts, or a script's `#!` line. What cloud-init
//! would have to decode or unpack first (base64 or quoted-printable parts, gzip, Jinja) is
//! refused. The `mime` module says exactly how the user data is read.
//!
//! Everything here is pure: bytes in, bytes out. A rewrite changes exactly one line and keeps
//! every other byte as it was: other lines, each line's own ending (LF or CRLF), the presence
//! or absence of a final newline, indentation, other MIME parts and the boundary. Anything the
//! module is not sure about is refused with a [`UserDataError`] and nothing changes.

mod error;
mod every_boot;
mod lines;
mod mime;
#[cfg(test)]
mod mime_tests;
#[cfg(test)]
mod tests;

use std::fmt;
use std::str::FromStr;

pub use error::{TransferEncoding, UserDataError};

/// The user data of the lab's instance, as documented in the automation README: the reference
/// template used in demo mode and tests.
pub const SEED_USER_DATA: &str = include_str!("../../../../assets/user-data.txt");

/// AWS's limit on the size of raw (not yet base64-encoded) user data, in bytes.
pub const MAX_USER_DATA_BYTES: usize = 16 * 1024;

/// The two first bytes of every gzip stream.
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Whether booting the instance runs the model script.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    /// The script line is active: booting starts a run.
    Run,
    /// The script line is commented out: booting only brings the machine up for development.
    Dev,
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Mode::Run => "run",
            Mode::Dev => "dev",
        })
    }
}

/// Which line of the user data runs the model script: every shell-script line containing this
/// text, commented or not, is a candidate, and exactly one line must be.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ScriptLine {
    pattern: String,
}

impl ScriptLine {
    /// The pattern of the lab's user data: the name of the model script.
    pub const DEFAULT_PATTERN: &'static str = "run-baseline.sh";

    /// A pattern matching lines that contain `pattern`; it must be non-empty and hold no line
    /// break.
    pub fn new(pattern: impl Into<String>) -> Result<Self, UserDataError> {
        let pattern = pattern.into();
        if pattern.is_empty() || pattern.contains(['\n', '\r']) {
            return Err(UserDataError::InvalidPattern { pattern });
        }
        Ok(Self { pattern })
    }

    /// The text a candidate line contains.
    pub fn pattern(&self) -> &str {
        &self.pattern
    }

    /// Whether a line (without its ending) contains the pattern.
    pub fn matches(&self, line: &str) -> bool {
        line.contains(&self.pattern)
    }
}

impl Default for ScriptLine {
    fn default() -> Self {
        Self { pattern: Self::DEFAULT_PATTERN.to_owned() }
    }
}

impl FromStr for ScriptLine {
    type Err = UserDataError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

impl fmt::Display for ScriptLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.pattern)
    }
}

/// Something worth telling the user about the user data that does not stop the tool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Warning {
    /// No cloud-config `- [scripts-user, always]` entry: cloud-init runs the script only on the
    /// instance's first boot, so a changed user data has no effect on the next start.
    NotRunEveryBoot,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::NotRunEveryBoot => f.write_str(
                "the user data has no cloud-config \"- [scripts-user, always]\" entry, so cloud-init \
                 runs its script only on the first boot and a change will not take effect on the \
                 next start; add that entry under cloud_final_modules",
            ),
        }
    }
}

/// What the user data says about the script line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inspection {
    /// Whether booting runs the model script.
    pub mode: Mode,
    /// 1-based number of the script line.
    pub line_number: usize,
    /// The script line's text, without its line ending.
    pub line: String,
    /// Whether the user data asks cloud-init to run its scripts on every boot.
    pub runs_every_boot: bool,
    /// Size of the user data in bytes.
    pub size: usize,
    /// Things to tell the user; empty when all is well.
    pub warnings: Vec<Warning>,
}

/// The result of switching the script line to a mode.
///
/// When the line already was in the requested mode, `changed` is `false`, `bytes` equals the
/// input and `new_line` equals `old_line`: there is nothing to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rewrite {
    /// The whole new user data.
    pub bytes: Vec<u8>,
    /// Whether `bytes` differs from the input.
    pub changed: bool,
    /// The mode the new user data is in (the requested one).
    pub mode: Mode,
    /// 1-based number of the script line.
    pub line_number: usize,
    /// The script line before, without its line ending.
    pub old_line: String,
    /// The script line after, without its line ending.
    pub new_line: String,
    /// Things to tell the user; empty when all is well.
    pub warnings: Vec<Warning>,
}

/// The user data's one script line, found.
struct Located<'a> {
    line: lines::Line<'a>,
    line_number: usize,
    runs_every_boot: bool,
    /// Line indexes of every shell-script line of the user data, one range per script.
    scripts: Vec<std::ops::Range<usize>>,
}

impl Located<'_> {
    fn mode(&self) -> Mode {
        if lines::is_commented(self.line.content) { Mode::Dev } else { Mode::Run }
    }

    fn warnings(&self) -> Vec<Warning> {
        let mut warnings = Vec::new();
        if !self.runs_every_boot {
            warnings.push(Warning::NotRunEveryBoot);
        }
        warnings
    }
}

/// Checks the bytes are readable user data and finds the single shell-script line containing
/// `pattern`.
fn locate<'a>(bytes: &'a [u8], pattern: &ScriptLine) -> Result<Located<'a>, UserDataError> {
    if bytes.is_empty() {
        return Err(UserDataError::Empty);
    }
    if bytes.starts_with(&GZIP_MAGIC) {
        return Err(UserDataError::Gzip);
    }
    let text = std::str::from_utf8(bytes).map_err(|e| UserDataError::NotUtf8 { offset: e.valid_up_to() })?;
    let all: Vec<lines::Line<'a>> = lines::split(text).collect();
    let scripts = mime::script_lines(text, &all)?;
    let matching: Vec<usize> = (0..all.len()).filter(|&i| pattern.matches(all[i].content)).collect();
    let candidates: Vec<usize> =
        matching.iter().copied().filter(|i| scripts.iter().any(|script| script.contains(i))).collect();
    let numbers = |indexes: &[usize]| indexes.iter().map(|i| i + 1).collect();
    let pattern = || pattern.pattern().to_owned();
    match candidates[..] {
        [] if !matching.is_empty() => {
            Err(UserDataError::OutsideScript { pattern: pattern(), lines: numbers(&matching) })
        }
        [] if scripts.is_empty() => Err(UserDataError::NoShellPart),
        [] => Err(UserDataError::NoMatchingLine { pattern: pattern() }),
        [index] => Ok(Located {
            line: all[index],
            line_number: index + 1,
            runs_every_boot: every_boot::runs_every_boot(text),
            scripts,
        }),
        _ => Err(UserDataError::SeveralLines { pattern: pattern(), lines: numbers(&candidates) }),
    }
}

/// What the instance's user data says about dev mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DevInfo {
    /// Run mode (script runs at boot) or dev mode (script line commented out).
    pub mode: Mode,
    /// 1-based line number of the script line.
    pub line_number: usize,
    /// The script line as it is now.
    pub line: String,
    /// Warnings about the user data (e.g. it does not run on every boot).
    pub warnings: Vec<String>,
}

impl DevInfo {
    /// Reads dev mode out of user data bytes.
    pub fn read(bytes: &[u8], pattern: &ScriptLine) -> Result<DevInfo, UserDataError> {
        let i = inspect(bytes, pattern)?;
        Ok(DevInfo {
            mode: i.mode,
            line_number: i.line_number,
            line: i.line,
            warnings: i.warnings.iter().map(ToString::to_string).collect(),
        })
    }
}

/// Reads the mode of the user data: which line runs the model script and whether it is
/// commented out.
///
/// Refuses empty, gzip-compressed and non-UTF-8 user data; user data with no shell script in
/// it (cloud-config alone, `#include`, `#cloud-boothook`, ...), with a script cloud-init would
/// have to decode or unpack first (a base64 or quoted-printable part, a gzip part, a Jinja
/// template), or whose MIME structure is in doubt; and user data where no shell-script line or
/// more than one contains the pattern. A missing every-boot entry is only a warning.
pub fn inspect(bytes: &[u8], pattern: &ScriptLine) -> Result<Inspection, UserDataError> {
    let located = locate(bytes, pattern)?;
    Ok(Inspection {
        mode: located.mode(),
        line_number: located.line_number,
        line: located.line.content.to_owned(),
        runs_every_boot: located.runs_every_boot,
        size: bytes.len(),
        warnings: located.warnings(),
    })
}

/// Puts `# ` after the line's leading blanks.
fn comment_out(content: &str) -> String {
    let indent = lines::indent_len(content);
    format!("{}# {}", &content[..indent], &content[indent..])
}

/// Removes the comment marker after the line's leading blanks: the `#` and at most one space
/// after it. A line commented more than once (`## ...`, `# # ...`) loses every marker, so the
/// result always runs.
fn uncomment(content: &str) -> String {
    let mut line = content.to_owned();
    while lines::is_commented(&line) {
        let hash = lines::indent_len(&line);
        let marker = if line[hash + 1..].starts_with(' ') { 2 } else { 1 };
        line.replace_range(hash..hash + marker, "");
    }
    line
}

/// Switches the script line into dev mode (`on`: commented out) or run mode (`!on`: active).
///
/// Turning dev mode on inserts `# ` after the line's leading blanks; turning it off removes the
/// `#` and at most one following space (repeatedly, if the line was commented more than once).
/// Every other byte is kept. When the line is already in the requested mode the result has
/// `changed: false` and the input bytes.
///
/// Refuses everything [`inspect`] refuses, a result larger than [`MAX_USER_DATA_BYTES`], and
/// a change after which the pattern would not find the same line in the requested mode.
pub fn set_dev_mode(bytes: &[u8], pattern: &ScriptLine, on: bool) -> Result<Rewrite, UserDataError> {
    let located = locate(bytes, pattern)?;
    let wanted = if on { Mode::Dev } else { Mode::Run };
    let old_line = located.line.content;
    let warnings = located.warnings();
    if located.mode() == wanted {
        return Ok(Rewrite {
            bytes: bytes.to_vec(),
            changed: false,
            mode: wanted,
            line_number: located.line_number,
            old_line: old_line.to_owned(),
            new_line: old_line.to_owned(),
            warnings,
        });
    }
    let new_line = match wanted {
        Mode::Dev => comment_out(old_line),
        Mode::Run => uncomment(old_line),
    };
    let line = located.line;
    let size = bytes.len() - old_line.len() + new_line.len();
    if size > MAX_USER_DATA_BYTES {
        return Err(UserDataError::TooLarge { size });
    }
    let mut new_bytes = Vec::with_capacity(size);
    new_bytes.extend_from_slice(&bytes[..line.start]);
    new_bytes.extend_from_slice(new_line.as_bytes());
    new_bytes.extend_from_slice(line.ending.as_bytes());
    new_bytes.extend_from_slice(&bytes[line.end()..]);
    // The new user data must read back as the same line in the wanted mode, with the same
    // scripts in the same places, or the user could not see the change nor switch it back.
    let reads_back = locate(&new_bytes, pattern).is_ok_and(|after| {
        after.line_number == located.line_number && after.mode() == wanted && after.scripts == located.scripts
    });
    if !reads_back {
        return Err(UserDataError::PatternWouldNotMatch {
            pattern: pattern.pattern().to_owned(),
            line: located.line_number,
        });
    }
    Ok(Rewrite {
        bytes: new_bytes,
        changed: true,
        mode: wanted,
        line_number: located.line_number,
        old_line: old_line.to_owned(),
        new_line,
        warnings,
    })
}

/// The one-line diff of a rewrite, for the user to confirm:
///
/// ```text
/// line 21:
/// -su -c "~ec2-user/run-baseline.sh" ec2-user >> /tmp/startup-out.txt
/// +# su -c "~ec2-user/run-baseline.sh" ec2-user >> /tmp/startup-out.txt
/// ```
///
/// An unchanged rewrite shows `line 21 (unchanged):` and the line after a space. Control
/// characters in the line are escaped so they cannot act on the terminal. No final newline.
pub fn diff_line(rewrite: &Rewrite) -> String {
    let number = rewrite.line_number;
    if rewrite.changed {
        format!(
            "line {number}:\n-{}\n+{}",
            crate::sanitize::line(&rewrite.old_line),
            crate::sanitize::line(&rewrite.new_line)
        )
    } else {
        format!("line {number} (unchanged):\n {}", crate::sanitize::line(&rewrite.old_line))
    }
}
