//! Which lines of the user data cloud-init runs as a shell script.
//!
//! cloud-init reads user data as MIME only when `mime-version:` (in any case) appears in its
//! first 4096 bytes. Otherwise the whole user data is one document whose first line says what it
//! is: `#!` a shell script, `#cloud-config`, `#include`, `#cloud-boothook`, ...
//!
//! MIME user data is read the way Python's email parser, which cloud-init uses, reads it:
//! header names in any case, folded (continuation) header lines, LF or CRLF, a header block that
//! ends at the first line that is not a header, quoted or bare `boundary` parameters, boundary
//! lines `--BOUNDARY` (a repeated boundary line is skipped) and `--BOUNDARY--`, with spaces or
//! tabs after them, a preamble before the first boundary line and an epilogue after the closing
//! one (neither ever runs). Parts are classified as cloud-init does:
//!
//! - `text/x-shellscript` (and its `-per-boot`, `-per-instance`, `-per-once` variants) is a
//!   script;
//! - a part with no (or an invalid) Content-Type, `text/plain` or `text/x-not-multipart` is a
//!   script when its body starts with `#!` after blanks, the way cloud-init guesses its type;
//! - nested `multipart/*` parts are read recursively, up to [`MAX_DEPTH`] levels;
//! - every other type (cloud-config, boothook, include, part-handler, ...) holds no script line.
//!
//! Refused, because the script's lines cannot be read or switched as they are: a part that is
//! or may be a script and whose Content-Transfer-Encoding is not 7bit, 8bit or binary (base64,
//! quoted-printable, ...), a gzip-compressed part, an attached message (`message/*`), a Jinja
//! template; and anything whose structure is in doubt (no boundary parameter, no first or
//! closing boundary line, two Content-Type headers in one part, a line break other than LF or
//! CRLF, ...).
//!
//! The first line of a script, its `#!` line, is never a script line.

use std::ops::Range;

use super::UserDataError;
use super::error::TransferEncoding;
use super::lines::Line;

/// cloud-init reads user data as MIME when this text, in any case, is in its first bytes.
const MIME_MARKER: &[u8] = b"mime-version:";

/// How many bytes from the start cloud-init looks for [`MIME_MARKER`] in.
const MIME_WINDOW: usize = 4096;

/// How deep multiparts may nest inside each other.
pub(crate) const MAX_DEPTH: usize = 8;

/// Content types cloud-init runs as a shell script.
const SCRIPT_TYPES: [&str; 4] = [
    "text/x-shellscript",
    "text/x-shellscript-per-boot",
    "text/x-shellscript-per-instance",
    "text/x-shellscript-per-once",
];

/// Content types whose real type cloud-init guesses from the body's first characters.
const GUESSED_TYPES: [&str; 2] = ["text/plain", "text/x-not-multipart"];

/// Content types cloud-init decompresses, then guesses the type of.
const GZIP_TYPES: [&str; 8] = [
    "application/gzip",
    "application/gzip-compressed",
    "application/gzipped",
    "application/x-compress",
    "application/x-compressed",
    "application/x-gunzip",
    "application/x-gzip",
    "application/x-gzip-compressed",
];

/// What cloud-init makes of a body, by its declared type or its first characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Script,
    CloudConfig,
    Include,
    Boothook,
    Jinja,
    Other,
}

/// cloud-init's markers, each before any shorter marker it starts with.
const STARTS: [(&str, Kind); 10] = [
    ("## template: jinja", Kind::Jinja),
    ("#cloud-config-archive", Kind::CloudConfig),
    ("#cloud-config-jsonp", Kind::CloudConfig),
    ("#cloud-config", Kind::CloudConfig),
    ("#cloud-boothook", Kind::Boothook),
    ("#include-once", Kind::Include),
    ("#include", Kind::Include),
    ("#part-handler", Kind::Other),
    ("#upstart-job", Kind::Other),
    ("#!", Kind::Script),
];

const GZIP: &str = "gzip-compressed";
const MESSAGE: &str = "an attached message (message/*)";
const JINJA: &str = "a Jinja template, which cloud-init renders before running it";

/// The ranges of line indexes cloud-init runs as shell-script lines, without their `#!` lines.
///
/// `lines` are the lines of `text`. An empty list means MIME user data with no script part.
/// Whole user data that is not a script (cloud-config, `#include`, ...) is refused with an
/// error that says what it is.
pub(crate) fn script_lines(text: &str, lines: &[Line<'_>]) -> Result<Vec<Range<usize>>, UserDataError> {
    let mut reader = Reader { text, lines, scripts: Vec::new() };
    let all = 0..lines.len();
    let mime = is_mime(text, lines)?;
    let leaf = if mime {
        check_line_breaks(text, lines)?;
        reader.entity(all, 0, "text/plain")?
    } else {
        reader.leaf("text/x-not-multipart", None, all, 1)?
    };
    match leaf {
        None => Ok(reader.scripts),
        Some(Kind::CloudConfig) => Err(UserDataError::CloudConfigOnly),
        Some(Kind::Include) => Err(UserDataError::Include),
        Some(Kind::Boothook) => Err(UserDataError::Boothook),
        Some(_) => {
            let headers =
                lines.first().is_some_and(|l| l.content.to_ascii_lowercase().starts_with("content-type:"));
            Err(if !mime && headers { UserDataError::MimeWithoutVersion } else { UserDataError::NotAScript })
        }
    }
}

/// Whether cloud-init reads `text` as MIME. Older versions look at the first 4096 characters,
/// newer ones at the first 4096 bytes; when they would disagree, the user data is refused.
fn is_mime(text: &str, lines: &[Line<'_>]) -> Result<bool, UserDataError> {
    let bytes = text.as_bytes();
    let found = |end: usize| {
        bytes[..end.min(bytes.len())]
            .windows(MIME_MARKER.len())
            .position(|w| w.eq_ignore_ascii_case(MIME_MARKER))
    };
    let by_bytes = found(MIME_WINDOW);
    let by_chars = found(text.char_indices().nth(MIME_WINDOW).map_or(text.len(), |(i, _)| i));
    match (by_bytes, by_chars) {
        (None, Some(at)) => Err(UserDataError::BadMime {
            line: line_of(lines, at),
            why: "the MIME-Version header is so close to byte 4096 that cloud-init versions disagree on whether the user data is MIME",
        }),
        _ => Ok(by_bytes.is_some()),
    }
}

/// Refuses line breaks Python's email parser splits lines at but the rest of this module does
/// not: a carriage return alone, and the rarer ones older Pythons honour.
fn check_line_breaks(text: &str, lines: &[Line<'_>]) -> Result<(), UserDataError> {
    let bytes = text.as_bytes();
    let odd = text.char_indices().find(|&(i, c)| match c {
        '\r' => bytes.get(i + 1) != Some(&b'\n'),
        '\u{b}' | '\u{c}' | '\u{1c}' | '\u{1d}' | '\u{1e}' | '\u{85}' | '\u{2028}' | '\u{2029}' => true,
        _ => false,
    });
    match odd {
        Some((at, _)) => Err(UserDataError::BadMime {
            line: line_of(lines, at),
            why: "a line break other than LF or CRLF (a carriage return alone, a form feed, ...)",
        }),
        None => Ok(()),
    }
}

/// 1-based number of the line holding byte `offset`.
fn line_of(lines: &[Line<'_>], offset: usize) -> usize {
    lines.partition_point(|l| l.end() <= offset) + 1
}

/// Python's idea of a blank, which is Rust's plus the four information separators.
fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

fn py_strip(s: &str) -> &str {
    s.trim_matches(is_py_space)
}

/// Whether Python's email parser takes the line as part of a header block: a field
/// (`Name:` with printable ASCII before the colon), a continuation (starts with a space or
/// tab), or a `From ` envelope line.
fn is_header_line(content: &str) -> bool {
    content.starts_with("From ")
        || content.starts_with([' ', '\t'])
        || content
            .find(|c: char| !matches!(c, '\x21'..='\x39' | '\x3b'..='\x7e'))
            .is_some_and(|at| content[at..].starts_with(':'))
}

/// A boundary line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Delimiter {
    /// `--BOUNDARY`: another part follows.
    Next,
    /// `--BOUNDARY--`: the last part has ended.
    Close,
}

/// Whether the line is `separator` (`--BOUNDARY`), maybe followed by `--`, then blanks.
fn delimiter(content: &str, separator: &str) -> Option<Delimiter> {
    let rest = content.strip_prefix(separator)?;
    let blank = |s: &str| s.bytes().all(|b| b == b' ' || b == b'\t');
    match rest.strip_prefix("--") {
        Some(after) if blank(after) => Some(Delimiter::Close),
        _ if blank(rest) => Some(Delimiter::Next),
        _ => None,
    }
}

/// The header fields that matter, unfolded.
#[derive(Default)]
struct Fields {
    content_type: Option<String>,
    encoding: Option<String>,
}

impl Fields {
    /// Reads the header lines `first..` (all of them header lines) the way Python does.
    fn parse(header: &[Line<'_>], first: usize) -> Result<Fields, UserDataError> {
        let mut fields = Fields::default();
        let mut current: Option<(String, String, usize)> = None;
        for (i, line) in header.iter().enumerate() {
            let content = line.content;
            if content.starts_with([' ', '\t']) {
                if let Some((_, value, _)) = current.as_mut() {
                    value.push('\n');
                    value.push_str(content);
                }
                continue;
            }
            fields.store(current.take())?;
            if content.starts_with("From ") {
                // Python takes a last `From ` line as the body's first line, and the body would
                // then not be one run of lines.
                if i > 0 && i + 1 == header.len() {
                    return Err(UserDataError::BadMime {
                        line: first + i + 1,
                        why: "a header block that ends with a line starting with \"From \"",
                    });
                }
                continue;
            }
            // Python 3 skips a header line with no name; Python 2 ends the header block there.
            match content.find(':') {
                Some(at) if at > 0 => {
                    let value = content[at + 1..].trim_start_matches([' ', '\t']).to_owned();
                    current = Some((content[..at].to_ascii_lowercase(), value, first + i + 1));
                }
                _ => {
                    return Err(UserDataError::BadMime {
                        line: first + i + 1,
                        why: "a header line that starts with a colon",
                    });
                }
            }
        }
        fields.store(current)?;
        Ok(fields)
    }

    fn store(&mut self, field: Option<(String, String, usize)>) -> Result<(), UserDataError> {
        let Some((name, value, line)) = field else { return Ok(()) };
        let (slot, why) = match name.as_str() {
            "content-type" => (&mut self.content_type, "two Content-Type headers in one part"),
            "content-transfer-encoding" => {
                (&mut self.encoding, "two Content-Transfer-Encoding headers in one part")
            }
            _ => return Ok(()),
        };
        if slot.is_some() {
            return Err(UserDataError::BadMime { line, why });
        }
        *slot = Some(value);
        Ok(())
    }

    /// The lower-case `type/subtype`, as Python's `get_content_type` gives it.
    fn content_type(&self, default: &str) -> String {
        match &self.content_type {
            None => default.to_owned(),
            Some(value) => {
                let kind = py_strip(value.split(';').next().unwrap_or_default()).to_lowercase();
                if kind.matches('/').count() == 1 { kind } else { "text/plain".to_owned() }
            }
        }
    }

    /// How the body is encoded, or `None` for plain text.
    fn encoding(&self) -> Option<TransferEncoding> {
        let value = py_strip(self.encoding.as_deref()?).to_lowercase();
        match value.as_str() {
            "" | "7bit" | "8bit" | "binary" => None,
            "base64" => Some(TransferEncoding::Base64),
            "quoted-printable" => Some(TransferEncoding::QuotedPrintable),
            _ => Some(TransferEncoding::Other),
        }
    }

    /// The multipart's boundary, refused unless it is one plain parameter of characters MIME
    /// allows (RFC 2046), so that every reader agrees on it.
    fn boundary(&self, line: usize) -> Result<String, UserDataError> {
        let bad = |why| UserDataError::BadMime { line, why };
        let value = self.content_type.as_deref().unwrap_or_default();
        if value.contains('\\') {
            return Err(bad("a backslash in the multipart's Content-Type"));
        }
        let params = params(value);
        if params.iter().any(|(name, _)| name.starts_with("boundary*")) {
            return Err(bad("an encoded boundary parameter (boundary*=)"));
        }
        let mut boundaries = params.iter().filter(|(name, _)| name == "boundary").map(|(_, value)| value);
        let (Some(raw), None) = (boundaries.next(), boundaries.next()) else {
            return Err(bad("a multipart Content-Type without exactly one boundary parameter"));
        };
        let quoted = raw.len() >= 2 && raw.starts_with('"') && raw.ends_with('"');
        let boundary =
            if quoted { &raw[1..raw.len() - 1] } else { raw.as_str() }.trim_end_matches(is_py_space);
        let allowed = |c: char| c.is_ascii_alphanumeric() || "'()+_,-./:=? ".contains(c);
        if boundary.is_empty() || !boundary.chars().all(allowed) {
            return Err(bad("a boundary that is empty or has characters MIME does not allow"));
        }
        Ok(boundary.to_owned())
    }
}

/// The `name=value` parameters after the type, split at semicolons outside quotes, names in
/// lower case, values stripped but still quoted.
fn params(value: &str) -> Vec<(String, String)> {
    let mut segments = Vec::new();
    let (mut start, mut quoted) = (0, false);
    for (i, c) in value.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ';' if !quoted => {
                segments.push(&value[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    segments.push(&value[start..]);
    segments
        .into_iter()
        .skip(1)
        .map(|segment| match segment.split_once('=') {
            Some((name, value)) => (py_strip(name).to_lowercase(), py_strip(value).to_owned()),
            None => (py_strip(segment).to_lowercase(), String::new()),
        })
        .collect()
}

/// Walks the MIME tree and collects the script bodies.
struct Reader<'t, 'l> {
    text: &'t str,
    lines: &'l [Line<'t>],
    scripts: Vec<Range<usize>>,
}

impl Reader<'_, '_> {
    /// Reads the entity on lines `range`: its headers, then its parts or its body. Returns what
    /// it is when it is a leaf that holds no script line.
    fn entity(
        &mut self,
        range: Range<usize>,
        depth: usize,
        default: &str,
    ) -> Result<Option<Kind>, UserDataError> {
        let line = range.start + 1;
        let mut end = range.start;
        while end < range.end && is_header_line(self.lines[end].content) {
            end += 1;
        }
        let fields = Fields::parse(&self.lines[range.start..end], range.start)?;
        let body_start = if end < range.end && self.lines[end].content.is_empty() { end + 1 } else { end };
        let body = body_start..range.end;
        let kind = fields.content_type(default);
        if !kind.starts_with("multipart/") {
            return self.leaf(&kind, fields.encoding(), body, line);
        }
        if depth >= MAX_DEPTH {
            return Err(UserDataError::BadMime { line, why: "multiparts nested too deep" });
        }
        let boundary = fields.boundary(line)?;
        let child_default = if kind == "multipart/digest" { "message/rfc822" } else { "text/plain" };
        for part in self.parts(body, &boundary, line)? {
            self.entity(part, depth + 1, child_default)?;
        }
        Ok(None)
    }

    /// The line ranges of the parts of a multipart body, as Python splits them.
    fn parts(
        &self,
        body: Range<usize>,
        boundary: &str,
        line: usize,
    ) -> Result<Vec<Range<usize>>, UserDataError> {
        let separator = format!("--{boundary}");
        let at = |i: usize| delimiter(self.lines[i].content, &separator);
        let mut i = body.start;
        while i < body.end && at(i).is_none() {
            i += 1;
        }
        if i == body.end || at(i) == Some(Delimiter::Close) {
            return Err(UserDataError::BadMime { line, why: "the multipart has no first boundary line" });
        }
        let mut parts = Vec::new();
        loop {
            i += 1;
            while i < body.end && at(i).is_some() {
                i += 1;
            }
            let start = i;
            while i < body.end && at(i).is_none() {
                i += 1;
            }
            parts.push(start..i);
            match (i < body.end).then(|| at(i)).flatten() {
                Some(Delimiter::Close) => return Ok(parts),
                Some(Delimiter::Next) => {}
                None => {
                    return Err(UserDataError::BadMime {
                        line,
                        why: "the multipart has no closing boundary line (--BOUNDARY--)",
                    });
                }
            }
        }
    }

    /// Decides what a leaf of type `kind` with `body` is; a script body is collected.
    fn leaf(
        &mut self,
        kind: &str,
        encoding: Option<TransferEncoding>,
        body: Range<usize>,
        line: usize,
    ) -> Result<Option<Kind>, UserDataError> {
        let unreadable = |what| UserDataError::UnreadablePart { line, what };
        if kind.starts_with("message/") {
            return Err(unreadable(MESSAGE));
        }
        if GZIP_TYPES.contains(&kind) {
            return Err(unreadable(GZIP));
        }
        if kind == "text/jinja2" {
            return Err(unreadable(JINJA));
        }
        let declared = SCRIPT_TYPES.contains(&kind);
        if !declared && !GUESSED_TYPES.contains(&kind) {
            return Ok(Some(format_of(kind)));
        }
        if let Some(encoding) = encoding {
            return Err(UserDataError::EncodedScript { line, encoding });
        }
        match self.start(&body) {
            Some(Kind::Jinja) => Err(unreadable(JINJA)),
            // Older cloud-init runs every text/x-shellscript part, whatever its first line.
            _ if declared => Ok(self.script(body)),
            Some(Kind::Script) => Ok(self.script(body)),
            other => Ok(Some(other.unwrap_or(Kind::Other))),
        }
    }

    /// What the body's first characters make it, as cloud-init guesses: after blanks, in any
    /// case.
    fn start(&self, body: &Range<usize>) -> Option<Kind> {
        let text = if body.is_empty() {
            ""
        } else {
            &self.text[self.lines[body.start].start..self.lines[body.end - 1].end()]
        };
        let head: String =
            text.trim_start_matches(is_py_space).chars().take(24).collect::<String>().to_lowercase();
        STARTS.iter().find(|(marker, _)| head.starts_with(marker)).map(|&(_, kind)| kind)
    }

    /// Collects a script body, without its `#!` line.
    fn script(&mut self, body: Range<usize>) -> Option<Kind> {
        let shebang = body.start < body.end && self.lines[body.start].content.starts_with("#!");
        self.scripts.push(if shebang { body.start + 1..body.end } else { body });
        None
    }
}

/// What a declared content type that is not a script or a container is.
fn format_of(kind: &str) -> Kind {
    match kind {
        "text/cloud-config" | "text/cloud-config-archive" | "text/cloud-config-jsonp" => Kind::CloudConfig,
        "text/x-include-url" | "text/x-include-once-url" => Kind::Include,
        "text/cloud-boothook" => Kind::Boothook,
        _ => Kind::Other,
    }
}
