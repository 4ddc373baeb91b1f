//! Properties of the user-data rewrite: only the script line ever changes, and switching dev
//! mode on then off gives back the original bytes. (MIME user data: `userdata_mime_props.rs`.)

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step should stop the test

use baseline_panel::userdata::{Mode, ScriptLine, UserDataError, inspect, set_dev_mode};
use proptest::prelude::*;

/// The first line of every generated script.
const SHEBANG: &str = "#!/bin/sh";

/// A line ending inside the text.
fn ending() -> impl Strategy<Value = &'static str> {
    prop_oneof![Just("\n"), Just("\r\n")]
}

/// The ending of the last line: it may have none.
fn last_ending() -> impl Strategy<Value = &'static str> {
    prop_oneof![Just("\n"), Just("\r\n"), Just("")]
}

/// Text of a line without line breaks: mostly ASCII with shell and YAML characters, sometimes
/// any printable Unicode.
fn line_text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[ -~\t]{0,40}",
        1 => "[#\t \\-\\[\\]a-z.]{0,20}",
        1 => "\\PC{0,20}",
    ]
}

/// A `#!` script: its first line, then other lines around one script line at `position`.
#[derive(Debug, Clone)]
struct Case {
    pattern: String,
    /// Lines without the pattern, in order, without their endings.
    others: Vec<String>,
    /// Index of the script line among the lines after the `#!` line.
    position: usize,
    indent: String,
    /// The script line after its indent; its first character is neither a blank nor `#`.
    script: String,
    /// The ending of every line, the script line included; only the last may be empty.
    endings: Vec<&'static str>,
}

impl Case {
    fn script_line(&self) -> String {
        format!("{}{}", self.indent, self.script)
    }

    /// The whole user data; the script line is commented with `comment` after its indent.
    fn render(&self, comment: &str) -> Vec<u8> {
        let mut lines = self.others.clone();
        lines.insert(self.position, format!("{}{comment}{}", self.indent, self.script));
        let body: String =
            lines.iter().zip(&self.endings).flat_map(|(line, end)| [line.as_str(), end]).collect();
        format!("{SHEBANG}\n{body}").into_bytes()
    }

    /// Index of the script line among all lines, the `#!` line included.
    fn index(&self) -> usize {
        self.position + 1
    }
}

/// The script line's pattern: the real one, or a made-up word.
fn pattern() -> impl Strategy<Value = String> {
    prop_oneof![Just(ScriptLine::DEFAULT_PATTERN.to_owned()), "[a-z][a-z.~/-]{2,12}",]
}

fn case() -> impl Strategy<Value = Case> {
    (
        pattern(),
        prop::collection::vec(line_text(), 0..12),
        any::<prop::sample::Index>(),
        "[ \t]{0,4}",
        "[a-z \"~/-]{0,10}",
        "[ -~]{0,20}",
    )
        .prop_filter("other lines must not contain the pattern", |(pattern, others, ..)| {
            !others.iter().any(|line| line.contains(pattern.as_str()))
        })
        .prop_flat_map(|(pattern, others, index, indent, before, after)| {
            let count = others.len() + 1;
            let case = Case {
                position: index.index(count),
                script: format!("{}{pattern}{after}", before.trim_start()),
                pattern,
                others,
                indent,
                endings: Vec::new(),
            };
            (Just(case), prop::collection::vec(ending(), count - 1), last_ending())
        })
        .prop_map(|(mut case, mut endings, last)| {
            endings.push(last);
            case.endings = endings;
            case
        })
}

/// The lines of `bytes`, each with its own ending.
fn raw_lines(bytes: &[u8]) -> Vec<&[u8]> {
    bytes.split_inclusive(|&b| b == b'\n').collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn on_then_off_restores_every_byte(case in case()) {
        let pattern = ScriptLine::new(case.pattern.clone()).unwrap();
        let original = case.render("");
        let line_number = case.index() + 1;

        let seen = inspect(&original, &pattern).unwrap();
        prop_assert_eq!(seen.mode, Mode::Run);
        prop_assert_eq!(seen.line_number, line_number);
        prop_assert_eq!(&seen.line, &case.script_line());

        let unchanged = set_dev_mode(&original, &pattern, false).unwrap();
        prop_assert!(!unchanged.changed);
        prop_assert_eq!(&unchanged.bytes, &original);

        let on = set_dev_mode(&original, &pattern, true).unwrap();
        prop_assert!(on.changed);
        prop_assert_eq!(on.mode, Mode::Dev);
        prop_assert_eq!(on.line_number, line_number);
        prop_assert_eq!(&on.bytes, &case.render("# "));
        prop_assert_eq!(on.bytes.len(), original.len() + 2);

        let before = raw_lines(&original);
        let after = raw_lines(&on.bytes);
        prop_assert_eq!(before.len(), after.len());
        let differing: Vec<usize> =
            (0..before.len()).filter(|&i| before[i] != after[i]).collect();
        prop_assert_eq!(differing, vec![case.index()]);

        let dev = inspect(&on.bytes, &pattern).unwrap();
        prop_assert_eq!(dev.mode, Mode::Dev);
        prop_assert_eq!(dev.line_number, line_number);
        prop_assert_eq!(dev.runs_every_boot, seen.runs_every_boot);

        let off = set_dev_mode(&on.bytes, &pattern, false).unwrap();
        prop_assert!(off.changed);
        prop_assert_eq!(off.mode, Mode::Run);
        prop_assert_eq!(&off.bytes, &original);
    }

    #[test]
    fn any_commented_line_turns_off_touching_only_itself(
        case in case(),
        comment in prop_oneof![Just("#"), Just("# "), Just("#  "), Just("##"), Just("# #\t")],
    ) {
        let pattern = ScriptLine::new(case.pattern.clone()).unwrap();
        let dev = case.render(comment);
        prop_assert_eq!(inspect(&dev, &pattern).unwrap().mode, Mode::Dev);

        let off = set_dev_mode(&dev, &pattern, false).unwrap();
        prop_assert!(off.changed);
        prop_assert_eq!(inspect(&off.bytes, &pattern).unwrap().mode, Mode::Run);
        let before = raw_lines(&dev);
        let after = raw_lines(&off.bytes);
        prop_assert_eq!(before.len(), after.len());
        for i in (0..before.len()).filter(|&i| i != case.index()) {
            prop_assert_eq!(before[i], after[i]);
        }
        // Only `#` and spaces right after the indent were removed.
        let removed = dev.len() - off.bytes.len();
        prop_assert!(removed >= 1 && removed <= comment.len());
    }

    #[test]
    fn a_second_script_line_is_refused(case in case(), extra in 0usize..13) {
        let pattern = ScriptLine::new(case.pattern.clone()).unwrap();
        let mut twice = case.clone();
        let at = extra.min(twice.others.len());
        twice.others.insert(at, format!("# {}", case.script));
        twice.endings.insert(0, "\n");
        let bytes = twice.render("");
        let err = set_dev_mode(&bytes, &pattern, true).unwrap_err();
        let is_several = matches!(err, UserDataError::SeveralLines { ref lines, .. } if lines.len() == 2);
        prop_assert!(is_several, "{:?}", err);
    }
}

/// Text made of the pieces user data tends to have, to reach every branch.
fn tricky_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just("run-baseline.sh".to_owned()),
            Just("#".to_owned()),
            Just(" ".to_owned()),
            Just("\t".to_owned()),
            Just("\n".to_owned()),
            Just("\r".to_owned()),
            Just("\r\n".to_owned()),
            Just("- [scripts-user, always]".to_owned()),
            Just("#!/bin/sh\n".to_owned()),
            Just("Content-Type: multipart/mixed; boundary=b\n".to_owned()),
            Just("MIME-Version: 1.0\n".to_owned()),
            Just("Content-Type: text/x-shellscript\n".to_owned()),
            Just("Content-Transfer-Encoding: base64\n".to_owned()),
            Just("\n--b\n".to_owned()),
            Just("\n--b--\n".to_owned()),
            Just("#cloud-config\n".to_owned()),
            any::<char>().prop_map(String::from),
            "[ -~]{1,6}",
        ],
        0..40,
    )
    .prop_map(|pieces| pieces.concat())
}

fn any_pattern() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(ScriptLine::DEFAULT_PATTERN.to_owned()),
        Just("#".to_owned()),
        Just(" ".to_owned()),
        ".{0,3}",
    ]
}

/// Whatever the input, the engine answers without panicking, and a change it makes is one line.
fn never_panics(bytes: &[u8], pattern: &str) -> Result<(), TestCaseError> {
    let Ok(pattern) = ScriptLine::new(pattern) else {
        return Ok(());
    };
    let seen = inspect(bytes, &pattern);
    for on in [true, false] {
        let result = set_dev_mode(bytes, &pattern, on);
        match (&seen, &result) {
            (Err(refused), Err(also)) => prop_assert_eq!(refused, also),
            (Err(refused), Ok(_)) => prop_assert!(false, "inspect refused with {refused:?}"),
            (Ok(_), Err(err)) => prop_assert!(
                matches!(err, UserDataError::PatternWouldNotMatch { .. } | UserDataError::TooLarge { .. }),
                "only the rewrite itself may be refused, not {:?}",
                err
            ),
            (Ok(_), Ok(_)) => {}
        }
        if let Ok(rewrite) = result {
            let wanted = if on { Mode::Dev } else { Mode::Run };
            prop_assert_eq!(inspect(&rewrite.bytes, &pattern).unwrap().mode, wanted);
            let before = raw_lines(bytes);
            let after = raw_lines(&rewrite.bytes);
            prop_assert_eq!(before.len(), after.len());
            let differing = (0..before.len()).filter(|&i| before[i] != after[i]).count();
            prop_assert_eq!(differing, usize::from(rewrite.changed));
        }
    }
    Ok(())
}

/// Many cases, fast: `XorShift` draws random numbers far quicker than `ChaCha` in a debug build.
fn many_cases() -> ProptestConfig {
    ProptestConfig {
        cases: 3000,
        rng_algorithm: prop::test_runner::RngAlgorithm::XorShift,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(many_cases())]

    #[test]
    fn arbitrary_bytes_never_panic(
        bytes in prop::collection::vec(any::<u8>(), 0..300),
        gzip in any::<bool>(),
        pattern in any_pattern(),
    ) {
        let bytes = if gzip { [&[0x1f, 0x8b][..], &bytes].concat() } else { bytes };
        never_panics(&bytes, &pattern)?;
    }

    #[test]
    fn arbitrary_text_never_panics(text in tricky_text(), pattern in any_pattern()) {
        never_panics(text.as_bytes(), &pattern)?;
    }
}
