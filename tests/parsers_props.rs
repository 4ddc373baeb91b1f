//! Everything the panel parses from files, flags and the network survives any input: the config
//! file, `.env`, `--since`, log lines and schedule expressions never panic, and their errors
//! say where the problem is without repeating a secret.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step should stop the test

use std::path::Path;

use baseline_panel::config::{ConfigError, DotEnv, FileConfig};
use baseline_panel::logbuf::LogBuffer;
use baseline_panel::logs::since::parse_since;
use baseline_panel::schedule::Schedule;
use jiff::Timestamp;
use proptest::prelude::*;

/// Cases per property; `PROPTEST_CASES=20000` runs a deeper search.
fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000);
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

/// Lines of a config file: real sections and keys, wrong types, broken syntax, unicode.
fn toml_line() -> impl Strategy<Value = String> {
    let section = prop_oneof![
        Just("aws"),
        Just("instance"),
        Just("schedule"),
        Just("logs"),
        Just("slack"),
        Just("github"),
        Just("panel"),
        Just("run"),
        Just("dev"),
        Just("nope"),
        Just("aws.x"),
    ];
    let key = prop_oneof![
        Just("region".to_string()),
        Just("profile".to_string()),
        Just("name".to_string()),
        Just("id".to_string()),
        Just("read_only".to_string()),
        Just("poll_fast_secs".to_string()),
        Just("buffer_lines".to_string()),
        Just("max_hours".to_string()),
        Just("run_group".to_string()),
        Just("\"quoted key\"".to_string()),
        Just("ünï".to_string()),
        "[a-z_]{1,8}",
    ];
    let value = prop_oneof![
        Just("\"us-east-1\"".to_string()),
        Just("true".to_string()),
        Just("-3".to_string()),
        Just("1e400".to_string()),
        Just("18446744073709551616".to_string()),
        Just("2.5".to_string()),
        Just("[1, \"a\"]".to_string()),
        Just("{ a = 1 }".to_string()),
        Just("'''multi".to_string()),
        Just("\"\"\"multi".to_string()),
        Just("\"unterminated".to_string()),
        Just("\"\\uD800\"".to_string()),
        Just("1979-05-27T07:32:00Z".to_string()),
        Just(String::new()),
        "\"\\PC{0,12}\"",
        "\\PC{0,12}",
    ];
    prop_oneof![
        3 => (key, value).prop_map(|(k, v)| format!("{k} = {v}")),
        1 => section.clone().prop_map(|s| format!("[{s}]")),
        1 => section.prop_map(|s| format!("[[{s}]]")),
        1 => "#\\PC{0,20}",
        1 => "\\PC{0,30}",
        1 => "[ \t\r]{0,3}",
    ]
}

fn toml_text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => (prop::collection::vec(toml_line(), 0..12), prop_oneof![Just("\n"), Just("\r\n")])
            .prop_map(|(lines, end)| lines.join(end)),
        1 => ".{0,200}",
        1 => prop::collection::vec(any::<char>(), 0..80).prop_map(|c| c.into_iter().collect()),
    ]
}

/// How many lines `text` has, as an editor numbers them (a text ending in a line break has a
/// last, empty line too).
fn line_count(text: &str) -> usize {
    text.matches('\n').count() + 1
}

/// A syntax error names the file and an existing line (1-based), both in the message.
fn assert_located(e: &ConfigError, text: &str, path: &Path) {
    let ConfigError::Syntax { path: p, line, .. } = e else {
        panic!("a parse error is a syntax error: {e:?}");
    };
    assert_eq!(p, path);
    assert!(*line >= 1, "line numbers start at 1: {e}\n--- text ---\n{text:?}");
    assert!(*line <= line_count(text), "line {line} is past the end: {e}\n--- text ---\n{text:?}");
    let msg = e.to_string();
    assert!(msg.starts_with(&format!("{}:{line}:", path.display())), "{msg}");
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn config_file_errors_name_the_file_and_a_real_line(text in toml_text()) {
        let path = Path::new("/home/lab/.config/baseline-panel/config.toml");
        if let Err(e) = FileConfig::parse(&text, path) {
            assert_located(&e, &text, path);
        }
    }
}

/// The value part of a `.env` line; every value carries the marker `SECRETVALUE`, so an error
/// message that repeats a value is caught. Values hold no `=`: a line of a value spanning lines
/// that reads `NAME=…` cannot be told from an assignment.
fn dotenv_value() -> impl Strategy<Value = String> {
    let body = "[a-zA-Z0-9 #$\\\\'\"é😀\t-]{0,10}";
    prop_oneof![
        body.prop_map(|b| format!("SECRETVALUE{b}")),
        body.prop_map(|b| format!("'SECRETVALUE{b}'")),
        body.prop_map(|b| format!("\"SECRETVALUE{b}\"")),
        body.prop_map(|b| format!("\"SECRETVALUE{b}")),
        body.prop_map(|b| format!("'SECRETVALUE{b}")),
        body.prop_map(|b| format!("\"SECRETVALUE\n{b}\"")),
        body.prop_map(|b| format!("\"x\nSECRETVALUE{b}\" y")),
        body.prop_map(|b| format!("'\nSECRETVALUE{b}")),
        body.prop_map(|b| format!("SECRETVALUE {b}")),
        Just("${SECRETVALUE".to_string()),
    ]
}

fn dotenv_line() -> impl Strategy<Value = String> {
    let key = prop_oneof![
        Just("SLACK_API_TOKEN".to_string()),
        Just("CHANNEL_ID".to_string()),
        Just("export SLACK_API_TOKEN".to_string()),
        Just("export".to_string()),
        Just("KEY WITH SPACE".to_string()),
        Just("1BAD".to_string()),
        Just("ключ".to_string()),
        "[A-Z_]{1,6}",
    ];
    prop_oneof![
        5 => (key, prop_oneof![Just("="), Just(" = "), Just("= ")], dotenv_value())
            .prop_map(|(k, eq, v)| format!("{k}{eq}{v}")),
        1 => "#[ -~]{0,20}",
        1 => "[ \t]{0,3}",
        1 => "[A-Z_]{1,6}",
    ]
}

fn dotenv_text() -> impl Strategy<Value = String> {
    (prop::collection::vec(dotenv_line(), 0..8), prop_oneof![Just("\n"), Just("\r\n")], any::<bool>())
        .prop_map(|(lines, end, trailing)| {
            let mut t = lines.join(end);
            if trailing {
                t.push_str(end);
            }
            t
        })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn dotenv_errors_name_the_file_and_a_real_line_and_never_a_value(text in dotenv_text()) {
        let path = Path::new("/home/lab/project/.env");
        if let Err(e) = DotEnv::parse(&text, path) {
            assert_located(&e, &text, path);
            let msg = e.to_string();
            assert!(!msg.contains("SECRETVALUE"), "the message repeats a value: {msg}\n--- text ---\n{text:?}");
        }
    }

    #[test]
    fn dotenv_never_panics_on_any_text(text in prop_oneof![".{0,200}", "[\\x00-\\x7f]{0,200}"]) {
        let _ = DotEnv::parse(&text, Path::new(".env"));
    }
}

/// A `.env` line that parses, with how many physical lines it takes.
fn good_dotenv_line() -> impl Strategy<Value = (String, usize)> {
    let key = "[A-Z_][A-Z0-9_]{0,8}";
    let value = "[a-zA-Z0-9_./:-]{0,10}";
    prop_oneof![
        (key, value).prop_map(|(k, v)| (format!("{k}={v}"), 1)),
        (key, value).prop_map(|(k, v)| (format!("{k} = {v}"), 1)),
        (key, value).prop_map(|(k, v)| (format!("export {k}={v}"), 1)),
        (key, value).prop_map(|(k, v)| (format!("{k}='{v} # {v}'"), 1)),
        (key, value).prop_map(|(k, v)| (format!("{k}=\"{v} {v}\""), 1)),
        (key, value).prop_map(|(k, v)| (format!("{k}={v} # note"), 1)),
        (key, value).prop_map(|(k, v)| (format!("{k}=\"{v}\n{v} x\""), 2)),
        (key, value).prop_map(|(k, v)| (format!("{k}='{v}\n# {v}\n{v}'"), 3)),
        "#[ -~]{0,20}".prop_map(|c| (c, 1)),
        "[ \t]{0,3}".prop_map(|c| (c, 1)),
    ]
}

proptest! {
    #![proptest_config(config())]

    /// Lines that parse still parse as the last line of a file, with trailing blanks and
    /// without a final line break.
    #[test]
    fn dotenv_last_line_may_end_in_blanks_without_a_line_break(
        lines in prop::collection::vec(good_dotenv_line(), 0..5),
        key in "[A-Z][A-Z0-9_]{0,8}",
        value in "[a-z0-9]{1,8}",
        blanks in "[ \t]{0,3}",
        end in prop_oneof![Just(""), Just("\n"), Just("\r\n")],
    ) {
        let mut text: String = lines.iter().flat_map(|(l, _)| [l.as_str(), "\n"]).collect();
        text.push_str(&["ZZ_LAST_", &key, "=", &value, &blanks, end].concat());
        let env = DotEnv::parse(&text, Path::new(".env")).unwrap_or_else(|e| panic!("{e}\n{text:?}"));
        assert_eq!(env.get(&format!("ZZ_LAST_{key}")), Some(value.as_str()));
    }
}

/// A `.env` line that does not parse and holds no quote (so it cannot swallow later lines).
fn bad_dotenv_line() -> impl Strategy<Value = String> {
    let key = "[A-Z_][A-Z0-9_]{0,8}";
    prop_oneof![
        key.prop_map(|k| format!("{k} WITH SPACE=SECRETVALUE")),
        key.prop_map(|k| format!("{k} WITH SPACE=SECRETVALUE\t#")),
        key.prop_map(|k| format!("1{k}=SECRETVALUE")),
        key.prop_map(|k| format!("{k}=SECRETVALUE and more")),
        key.prop_map(|k| format!("{k}=SECRETVALUE\\q")),
        key.prop_map(|k| format!("{k}=${{SECRETVALUE")),
        key.prop_map(|k| format!("{k} SECRETVALUE")),
        Just("=SECRETVALUE".to_string()),
    ]
}

/// A `.env` line that does not parse because a quote is never closed: nothing after it parses.
fn unterminated_dotenv_line() -> impl Strategy<Value = String> {
    let key = "[A-Z_][A-Z0-9_]{0,8}";
    prop_oneof![
        key.prop_map(|k| format!("{k}=\"SECRETVALUE")),
        key.prop_map(|k| format!("{k}='SECRETVALUE")),
        key.prop_map(|k| format!("export {k}='SECRETVALUE")),
    ]
}

proptest! {
    #![proptest_config(config())]

    /// Good lines around one bad line: the error names exactly the bad line.
    #[test]
    fn dotenv_error_names_the_bad_line(
        before in prop::collection::vec(good_dotenv_line(), 0..6),
        bad in bad_dotenv_line(),
        after in prop::collection::vec(good_dotenv_line(), 0..4),
        end in prop_oneof![Just("\n"), Just("\r\n")],
    ) {
        let expected = before.iter().map(|(_, n)| n).sum::<usize>() + 1;
        let lines: Vec<&str> =
            before.iter().map(|(l, _)| l.as_str()).chain([bad.as_str()]).chain(after.iter().map(|(l, _)| l.as_str())).collect();
        let text = lines.join(end).replace('\n', end).replace("\r\r", "\r");
        let e = DotEnv::parse(&text, Path::new(".env")).expect_err("the bad line is refused");
        let ConfigError::Syntax { line, .. } = &e else { panic!("{e:?}") };
        assert_eq!(*line, expected, "{e}\n--- text ---\n{text:?}");
        assert!(!e.to_string().contains("SECRETVALUE"), "{e}");
    }

    /// A quote left open: the error names the line where the value starts.
    #[test]
    fn dotenv_unterminated_quote_names_its_line(
        before in prop::collection::vec(good_dotenv_line(), 0..6),
        bad in unterminated_dotenv_line(),
        after in prop::collection::vec("[A-Z]{1,5}=[a-z ]{0,5}", 0..3),
    ) {
        let expected = before.iter().map(|(_, n)| n).sum::<usize>() + 1;
        let mut lines: Vec<String> = before.into_iter().map(|(l, _)| l).collect();
        lines.push(bad);
        lines.extend(after);
        let text = lines.join("\n");
        let e = DotEnv::parse(&text, Path::new(".env")).expect_err("an open quote is refused");
        let ConfigError::Syntax { line, .. } = &e else { panic!("{e:?}") };
        assert_eq!(*line, expected, "{e}\n--- text ---\n{text:?}");
        assert!(!e.to_string().contains("SECRETVALUE"), "{e}");
    }
}

fn now() -> Timestamp {
    "2026-11-23T14:00:00Z".parse().unwrap()
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn since_never_panics_and_explains_refusals(
        text in prop_oneof![
            "[0-9smhdw]{0,12}",
            "[0-9]{1,25}[smhdw]",
            "[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2})?)?(Z|[+-][0-9]{2}:[0-9]{2})?",
            "\\PC{0,30}",
        ]
    ) {
        match parse_since(&text, now()) {
            Ok(_) => {}
            Err(e) => assert!(e.contains("30m, 1h, 2d"), "{text:?}: {e}"),
        }
    }

    #[test]
    fn since_durations_count_back_from_now(h in 0u32..10_000, m in 0u32..600) {
        let t = parse_since(&format!("{h}h{m}m"), now()).unwrap();
        assert_eq!(now().duration_since(t).as_secs(), i64::from(h) * 3600 + i64::from(m) * 60);
    }
}

/// Log messages as they arrive from scripts and consoles: colour codes, progress bars, stray
/// control bytes, broken escape sequences, unicode.
fn log_message() -> impl Strategy<Value = String> {
    const PIECES: &[&str] = &[
        "Loading required package: dplyr",
        " 45%",
        "température °C",
        "😀",
        "\u{1b}[1;31m",
        "\u{1b}[0m",
        "\u{1b}]0;title\u{7}",
        "\u{1b}]8;;http://x\u{1b}\\",
        "\u{1b}",
        "\u{1b}[",
        "\u{1b}(B",
        "\u{9b}31m",
        "\u{85}",
        "\r",
        "\r\n",
        "\n",
        "\t",
        "\u{8}",
        "\u{0}",
        "\u{7f}",
    ];
    let piece = prop_oneof![
        3 => prop::sample::select(PIECES).prop_map(str::to_owned),
        1 => any::<char>().prop_map(String::from),
        1 => (0u32..0xa0).prop_map(|c| char::from_u32(c).unwrap().to_string()),
    ];
    prop::collection::vec(piece, 0..16).prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn log_lines_are_stored_without_control_characters(
        messages in prop::collection::vec((any::<i64>(), log_message()), 0..8),
        cap in 1usize..16,
    ) {
        let mut buf = LogBuffer::with_capacity_limit(cap);
        let mut pushed = 0;
        for (ts, m) in &messages {
            let added = buf.push(*ts, m);
            let expected = m.strip_suffix('\n').unwrap_or(m).split('\n').count();
            assert_eq!(added, expected, "one line per line break: {m:?}");
            pushed += added;
        }
        assert_eq!(buf.len(), pushed.min(cap));
        assert_eq!(buf.end_index(), pushed);
        assert_eq!(buf.first_index() + buf.len(), buf.end_index());
        assert_eq!(buf.dropped(), pushed - buf.len());
        for (_, line) in buf.iter() {
            assert!(
                !line.text.chars().any(char::is_control),
                "a control character reaches the screen: {:?}",
                line.text
            );
        }
    }
}

/// Cron-like text: six fields drawn from what `EventBridge` accepts and what it does not.
fn cron_field() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("*".to_string()),
        Just("?".to_string()),
        Just("L".to_string()),
        Just("LW".to_string()),
        Just("L-3".to_string()),
        Just("5L".to_string()),
        Just("3#2".to_string()),
        Just("15W".to_string()),
        Just("MON-FRI".to_string()),
        Just("FRI-MON".to_string()),
        Just("JAN,FEB".to_string()),
        Just("*/0".to_string()),
        Just("-".to_string()),
        Just(",".to_string()),
        "[0-9]{1,4}",
        "[0-9]{1,3}-[0-9]{1,3}",
        "[0-9*]{1,2}/[0-9]{1,3}",
        "[0-9,\\-*/?LW#A-Z]{1,8}",
    ]
}

fn schedule_text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => (prop::collection::vec(cron_field(), 4..8), any::<bool>()).prop_map(|(f, upper)| {
            format!("{}({})", if upper { "CRON" } else { "cron" }, f.join(" "))
        }),
        2 => ("[0-9]{1,12}", prop_oneof![
            Just("minute"), Just("minutes"), Just("hour"), Just("hours"), Just("day"), Just("days"),
            Just("weeks"), Just(""),
        ]).prop_map(|(n, u)| format!("rate({n} {u})")),
        1 => "\\PC{0,40}",
        1 => "(cron|rate)\\(\\PC{0,20}\\)?",
    ]
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn schedules_parse_or_explain_and_fire_times_move_forward(text in schedule_text()) {
        match Schedule::parse(&text) {
            Err(e) => assert!(!e.to_string().is_empty()),
            Ok(s) => {
                let again = Schedule::parse(&s.to_string());
                assert_eq!(again.as_ref(), Ok(&s), "{text:?} is written back as {s}");
                let times = s.upcoming(now(), 3);
                let mut prev = now();
                for t in times {
                    assert!(t > prev, "{s}: {t} is not after {prev}");
                    prev = t;
                }
            }
        }
    }
}

/// Cases the properties above found, kept as plain examples.
#[test]
fn dotenv_regressions() {
    let p = Path::new(".env");
    let line_of = |text: &str| match DotEnv::parse(text, p) {
        Err(ConfigError::Syntax { line, .. }) => line,
        other => panic!("{text:?}: {other:?}"),
    };
    // A comment after blanks used to hide the line: it was reported as line 0.
    assert_eq!(line_of("A=1\nKEY WITH SPACE=v\t#"), 2);
    // A token pasted across two lines: the line is named, the token's tail is not repeated.
    let e = DotEnv::parse("CHANNEL_ID=C01\nSLACK_API_TOKEN=xoxb-123\n456tail\n", p).unwrap_err();
    assert!(e.to_string().starts_with(".env:3: -:"), "{e}");
    assert!(!e.to_string().contains("456tail"), "{e}");
    // The same text earlier in a valid value is not taken for the bad line.
    assert_eq!(line_of("A=\"x y\"\nB=x y\n"), 2);
    // A last line ending in blanks without a line break is fine.
    let env = DotEnv::parse("CHANNEL_ID=C01  ", p).unwrap();
    assert_eq!(env.get("CHANNEL_ID"), Some("C01"));
    assert!(DotEnv::parse("A=1\n  ", p).is_ok());
}
