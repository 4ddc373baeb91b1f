//! Properties of the rewrite on MIME user data: generated documents with several parts of
//! different types and transfer encodings, nested multiparts, headers in any case and folded,
//! LF and CRLF, and the script's name in headers, other parts, the preamble, the epilogue and
//! comments. The engine switches only the one script line of a shell-script body, refuses with
//! an error otherwise, and switching on then off gives back every byte.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step should stop the test

use base64::Engine;
use baseline_panel::userdata::{Mode, ScriptLine, UserDataError, inspect, set_dev_mode};
use proptest::prelude::*;

const PATTERN: &str = ScriptLine::DEFAULT_PATTERN;

/// Boundaries MIME allows, quoted or bare.
const BOUNDARIES: [&str; 5] = ["//", "frontier", "==b0und4ry==", "a b c", "x'(+_,-./:=?)y"];

/// What a part is, as declared or as its first line says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Shell,
    ShellUpperCase,
    PlainShebang,
    Untyped,
    UntypedConfig,
    CloudConfig,
    Boothook,
    Include,
}

impl Kind {
    /// cloud-init runs the part as a shell script.
    fn is_script(self) -> bool {
        matches!(self, Kind::Shell | Kind::ShellUpperCase | Kind::PlainShebang | Kind::Untyped)
    }

    /// Its type comes from its (decoded) body, so an encoded one may be a script.
    fn may_be_script(self) -> bool {
        self.is_script() || self == Kind::UntypedConfig
    }

    fn content_type(self) -> Option<&'static str> {
        match self {
            Kind::Shell => Some("text/x-shellscript"),
            Kind::ShellUpperCase => Some("TEXT/X-ShellScript"),
            Kind::PlainShebang => Some("text/plain"),
            Kind::Untyped | Kind::UntypedConfig => None,
            Kind::CloudConfig => Some("text/cloud-config"),
            Kind::Boothook => Some("text/cloud-boothook"),
            Kind::Include => Some("text/x-include-url"),
        }
    }

    fn first_line(self) -> &'static str {
        match self {
            Kind::Shell | Kind::ShellUpperCase | Kind::PlainShebang | Kind::Untyped => "#!/bin/bash",
            Kind::UntypedConfig | Kind::CloudConfig => "#cloud-config",
            Kind::Boothook => "#cloud-boothook",
            Kind::Include => "https://example.com/run-baseline.sh",
        }
    }
}

/// Content-Transfer-Encoding header values; `None` for no header.
const ENCODINGS: [(Option<&str>, bool); 7] = [
    (None, false),
    (Some("7bit"), false),
    (Some("8BIT"), false),
    (Some("binary"), false),
    (Some("base64"), true),
    (Some("Base64"), true),
    (Some("quoted-printable"), true),
];

/// The role of a rendered line in the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Header,
    Separator,
    Delimiter,
    Around,
    FirstBody,
    /// A body line after the first; `script` when cloud-init runs it as shell.
    Body {
        script: bool,
    },
}

#[derive(Debug, Clone)]
struct Part {
    kind: Kind,
    encoding: usize,
    fold: bool,
    name_case: usize,
    extra: Vec<&'static str>,
    body: Vec<String>,
}

impl Part {
    fn encoded(&self) -> bool {
        ENCODINGS[self.encoding].1
    }
}

#[derive(Debug, Clone)]
enum Entry {
    Leaf(Part),
    Nested(usize, Vec<Part>),
}

// Each bool is an independent choice the generator makes about the document.
#[allow(clippy::struct_excessive_bools)]
#[derive(Debug, Clone)]
struct Doc {
    boundary: usize,
    quoted: bool,
    fold_top: bool,
    version_first: bool,
    top_note: bool,
    preamble: Vec<String>,
    entries: Vec<Entry>,
    epilogue: Vec<String>,
    /// Which plain shell part gets the script line, and where in its body.
    script_at: (prop::sample::Index, prop::sample::Index),
    script: String,
    crlf: Vec<bool>,
    final_newline: bool,
}

fn name(case: usize, name: &str) -> String {
    match case % 3 {
        0 => name.to_owned(),
        1 => name.to_lowercase(),
        _ => name.to_uppercase(),
    }
}

/// Renders the document as `(text, role)` lines; the script line goes into the `slot`th plain
/// script part.
struct Renderer<'a> {
    lines: Vec<(String, Role)>,
    doc: &'a Doc,
    plain_scripts_seen: usize,
    slot: Option<usize>,
    /// 1-based first line of the first part that is or may be a script and is encoded.
    encoded_script: Option<usize>,
}

impl Renderer<'_> {
    fn push(&mut self, text: impl Into<String>, role: Role) {
        self.lines.push((text.into(), role));
    }

    fn part(&mut self, part: &Part) {
        if part.kind.may_be_script() && part.encoded() && self.encoded_script.is_none() {
            self.encoded_script = Some(self.lines.len() + 1);
        }
        let content_type = part.kind.content_type();
        if let Some(kind) = content_type {
            let header = name(part.name_case, "Content-Type");
            if part.fold {
                self.push(format!("{header}: {kind};"), Role::Header);
                self.push("\tcharset=\"us-ascii\"", Role::Header);
            } else {
                self.push(format!("{header}: {kind}; charset=us-ascii"), Role::Header);
            }
        }
        if let (Some(value), _) = ENCODINGS[part.encoding] {
            self.push(
                format!("{}: {value}", name(part.name_case + 1, "Content-Transfer-Encoding")),
                Role::Header,
            );
        }
        for extra in &part.extra {
            for line in extra.split('\n') {
                self.push(line, Role::Header);
            }
        }
        self.push("", Role::Separator);
        let plain_script = part.kind.is_script() && !part.encoded();
        let mut body = part.body.clone();
        if plain_script {
            if self.slot == Some(self.plain_scripts_seen) {
                let at = self.doc.script_at.1.index(body.len() + 1);
                body.insert(at, self.doc.script.clone());
            }
            self.plain_scripts_seen += 1;
        }
        let first = part.kind.first_line();
        if part.encoding == 4 || part.encoding == 5 {
            let plain: String =
                std::iter::once(first).chain(body.iter().map(String::as_str)).collect::<Vec<_>>().join("\n");
            let encoded = base64::engine::general_purpose::STANDARD.encode(plain);
            let mut chunks = encoded.as_bytes().chunks(76).map(|c| String::from_utf8(c.to_vec()).unwrap());
            self.push(chunks.next().unwrap_or_default(), Role::FirstBody);
            for chunk in chunks {
                self.push(chunk, Role::Body { script: false });
            }
        } else {
            self.push(first, Role::FirstBody);
            for line in body {
                self.push(line, Role::Body { script: plain_script });
            }
        }
    }

    fn multipart(&mut self, boundary: &str, parts: &[&Part]) {
        for part in parts {
            self.push(format!("--{boundary}"), Role::Delimiter);
            self.part(part);
        }
        self.push(format!("--{boundary}--"), Role::Delimiter);
    }
}

impl Doc {
    fn plain_scripts(&self) -> usize {
        let plain = |p: &Part| p.kind.is_script() && !p.encoded();
        self.entries
            .iter()
            .map(|e| match e {
                Entry::Leaf(p) => usize::from(plain(p)),
                Entry::Nested(_, ps) => ps.iter().filter(|p| plain(p)).count(),
            })
            .sum()
    }

    /// The lines and their roles, and the 1-based first line of the first part that is or may
    /// be a script and is encoded.
    fn render(&self) -> (Vec<(String, Role)>, Option<usize>) {
        let count = self.plain_scripts();
        let slot = (count > 0).then(|| self.script_at.0.index(count));
        let mut r =
            Renderer { lines: Vec::new(), doc: self, plain_scripts_seen: 0, slot, encoded_script: None };
        let boundary = BOUNDARIES[self.boundary];
        let param =
            if self.quoted { format!("boundary=\"{boundary}\"") } else { format!("boundary={boundary}") };
        let version = "MIME-Version: 1.0";
        if self.version_first {
            r.push(version, Role::Header);
        }
        if self.fold_top {
            r.push("Content-Type: multipart/mixed;", Role::Header);
            r.push(format!(" {param}"), Role::Header);
        } else {
            r.push(format!("content-type: multipart/mixed; {param}"), Role::Header);
        }
        if !self.version_first {
            r.push(version.to_uppercase(), Role::Header);
        }
        if self.top_note {
            r.push("X-Note: see", Role::Header);
            r.push(format!("  {PATTERN}"), Role::Header);
        }
        r.push("", Role::Separator);
        for line in &self.preamble {
            r.push(line.clone(), Role::Around);
        }
        for entry in &self.entries {
            r.push(format!("--{boundary}"), Role::Delimiter);
            match entry {
                Entry::Leaf(part) => r.part(part),
                Entry::Nested(inner, parts) => {
                    let inner = BOUNDARIES[(self.boundary + 1 + inner) % BOUNDARIES.len()];
                    r.push(
                        format!("Content-Type: multipart/alternative; boundary=\"{inner}\""),
                        Role::Header,
                    );
                    r.push("", Role::Separator);
                    r.multipart(inner, &parts.iter().collect::<Vec<_>>());
                }
            }
        }
        r.push(format!("--{boundary}--"), Role::Delimiter);
        for line in &self.epilogue {
            r.push(line.clone(), Role::Around);
        }
        (r.lines, r.encoded_script)
    }

    fn text(&self, lines: &[(String, Role)]) -> String {
        let mut text = String::new();
        for (i, (line, _)) in lines.iter().enumerate() {
            text.push_str(line);
            if i + 1 < lines.len() || self.final_newline {
                text.push_str(if self.crlf[i % self.crlf.len()] { "\r\n" } else { "\n" });
            }
        }
        text
    }
}

/// A line of noise that is never a boundary line; rarely it names the script.
fn noise() -> impl Strategy<Value = String> {
    prop_oneof![
        10 => "[ -~\t]{0,30}".prop_filter("not a boundary line", |l| !l.starts_with("--")),
        2 => "\\PC{0,10}".prop_filter("no odd line break", |l| !l.contains(['\u{2028}', '\u{2029}'])),
        1 => Just(format!("echo {PATTERN}")),
        1 => Just(format!("# old: {PATTERN}")),
    ]
}

fn extra_header() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        Just("MIME-Version: 1.0"),
        Just("Content-Disposition: attachment; filename=\"run-baseline.sh\""),
        Just("Content-Disposition: attachment;\n filename=\"userdata.txt\""),
        Just("X-Note: starts\n\trun-baseline.sh"),
    ]
}

fn part() -> impl Strategy<Value = Part> {
    let kind = prop_oneof![
        3 => Just(Kind::Shell),
        1 => Just(Kind::ShellUpperCase),
        1 => Just(Kind::PlainShebang),
        1 => Just(Kind::Untyped),
        1 => Just(Kind::UntypedConfig),
        2 => Just(Kind::CloudConfig),
        1 => Just(Kind::Boothook),
        1 => Just(Kind::Include),
    ];
    let encoding = prop_oneof![6 => 0..4usize, 1 => 4..7usize];
    (
        kind,
        encoding,
        any::<bool>(),
        0..3usize,
        prop::collection::vec(extra_header(), 0..3),
        prop::collection::vec(noise(), 0..5),
    )
        .prop_map(|(kind, encoding, fold, name_case, extra, body)| Part {
            kind,
            encoding,
            fold,
            name_case,
            extra,
            body,
        })
}

fn entry() -> impl Strategy<Value = Entry> {
    prop_oneof![
        4 => part().prop_map(Entry::Leaf),
        1 => (0..4usize, prop::collection::vec(part(), 1..3)).prop_map(|(b, ps)| Entry::Nested(b, ps)),
    ]
}

fn around() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(prop_oneof![3 => noise(), 1 => Just(format!("see {PATTERN}"))], 0..3)
}

fn doc() -> impl Strategy<Value = Doc> {
    let script = ("[ \t]{0,3}", "[a-z \"~/-]{0,10}", "[ -~]{0,20}")
        .prop_map(|(indent, before, after)| format!("{indent}{}{PATTERN}{after}", before.trim_start()));
    (
        (0..BOUNDARIES.len(), any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()),
        (around(), prop::collection::vec(entry(), 1..5), around()),
        (any::<prop::sample::Index>(), any::<prop::sample::Index>(), script),
        (prop::collection::vec(any::<bool>(), 1..8), any::<bool>()),
    )
        .prop_map(
            |(
                (boundary, quoted, fold_top, version_first, top_note),
                (preamble, entries, epilogue),
                (a, b, script),
                (crlf, final_newline),
            )| Doc {
                boundary,
                // A boundary with spaces must be quoted to survive as one parameter value.
                quoted: quoted || BOUNDARIES[boundary].contains(' '),
                fold_top,
                version_first,
                top_note,
                preamble,
                entries,
                epilogue,
                script_at: (a, b),
                script,
                crlf,
                final_newline,
            },
        )
}

/// The lines of `bytes`, each with its own ending.
fn raw_lines(bytes: &[u8]) -> Vec<&[u8]> {
    bytes.split_inclusive(|&b| b == b'\n').collect()
}

/// Switching the script line at `index` changes that line only. From run mode: `# ` goes in
/// after its indent, and switching off gives back `text`.
fn switches_only(text: &str, index: usize) -> Result<(), TestCaseError> {
    let pattern = ScriptLine::default();
    if inspect(text.as_bytes(), &pattern).unwrap().mode == Mode::Dev {
        let off = set_dev_mode(text.as_bytes(), &pattern, false).unwrap();
        let (before, after) = (raw_lines(text.as_bytes()), raw_lines(&off.bytes));
        prop_assert_eq!(before.len(), after.len());
        let differing: Vec<usize> = (0..before.len()).filter(|&i| before[i] != after[i]).collect();
        prop_assert_eq!(differing, vec![index]);
        let run = inspect(&off.bytes, &pattern).unwrap();
        prop_assert_eq!((run.mode, run.line_number), (Mode::Run, index + 1));
        return Ok(());
    }
    let on = set_dev_mode(text.as_bytes(), &pattern, true).unwrap();
    prop_assert!(on.changed);
    let (before, after) = (raw_lines(text.as_bytes()), raw_lines(&on.bytes));
    prop_assert_eq!(before.len(), after.len());
    let differing: Vec<usize> = (0..before.len()).filter(|&i| before[i] != after[i]).collect();
    prop_assert_eq!(differing, vec![index]);
    let old = String::from_utf8(before[index].to_vec()).unwrap();
    let indent = old.len() - old.trim_start_matches([' ', '\t']).len();
    let expected = format!("{}# {}", &old[..indent], &old[indent..]);
    prop_assert_eq!(after[index], expected.as_bytes());
    let dev = inspect(&on.bytes, &pattern).unwrap();
    prop_assert_eq!((dev.mode, dev.line_number), (Mode::Dev, index + 1));
    let off = set_dev_mode(&on.bytes, &pattern, false).unwrap();
    prop_assert_eq!(off.bytes, text.as_bytes());
    Ok(())
}

/// Cases per property; `PROPTEST_CASES=20000` runs a deeper search.
fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000);
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn only_the_script_line_of_a_shell_body_is_ever_switched(doc in doc()) {
        let (lines, encoded_script) = doc.render();
        let text = doc.text(&lines);
        let pattern = ScriptLine::default();
        let seen = inspect(text.as_bytes(), &pattern);
        for on in [true, false] {
            if let Err(refused) = &seen {
                prop_assert_eq!(&set_dev_mode(text.as_bytes(), &pattern, on).unwrap_err(), refused);
            }
        }
        let candidates: Vec<usize> = lines
            .iter()
            .enumerate()
            .filter(|(_, (line, role))| *role == Role::Body { script: true } && line.contains(PATTERN))
            .map(|(i, _)| i + 1)
            .collect();
        let named: Vec<usize> = text.lines().enumerate().filter(|(_, l)| l.contains(PATTERN)).map(|(i, _)| i + 1).collect();
        let any_script = doc.entries.iter().any(|e| match e {
            Entry::Leaf(p) => p.kind.is_script(),
            Entry::Nested(_, ps) => ps.iter().any(|p| p.kind.is_script()),
        });
        match encoded_script {
            Some(line) => {
                let encoded = matches!(seen, Err(UserDataError::EncodedScript { line: l, .. }) if l == line);
                prop_assert!(encoded, "{:?}\n{}", seen, text);
            }
            None => match candidates[..] {
                [line] => {
                    prop_assert_eq!(seen.unwrap().line_number, line);
                    switches_only(&text, line - 1)?;
                }
                [] if !named.is_empty() => {
                    prop_assert_eq!(seen, Err(UserDataError::OutsideScript { pattern: PATTERN.into(), lines: named }));
                }
                [] if !any_script => prop_assert_eq!(seen, Err(UserDataError::NoShellPart)),
                [] => prop_assert_eq!(seen, Err(UserDataError::NoMatchingLine { pattern: PATTERN.into() })),
                _ => prop_assert_eq!(seen, Err(UserDataError::SeveralLines { pattern: PATTERN.into(), lines: candidates })),
            },
        }
    }

    #[test]
    fn the_name_added_to_any_line_never_makes_a_wrong_switch(doc in doc(), which in any::<prop::sample::Index>()) {
        // Append the script's name to one line that keeps its role when it grows: a header, a
        // body line after the first, or text around the parts.
        let (mut lines, _) = doc.render();
        let growable: Vec<usize> = (0..lines.len())
            .filter(|&i| matches!(lines[i].1, Role::Header | Role::Around | Role::Body { .. }))
            .collect();
        let index = growable[which.index(growable.len())];
        lines[index].0.push_str(PATTERN);
        let text = doc.text(&lines);
        let pattern = ScriptLine::default();
        if let Ok(seen) = inspect(text.as_bytes(), &pattern) {
            let role = lines[seen.line_number - 1].1;
            prop_assert_eq!(role, Role::Body { script: true }, "{}", text);
            switches_only(&text, seen.line_number - 1)?;
        } else {
            for on in [true, false] {
                prop_assert!(set_dev_mode(text.as_bytes(), &pattern, on).is_err());
            }
        }
    }
}
