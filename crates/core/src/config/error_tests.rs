//! Configuration messages never hold any part of a value or of a line that did not parse.

use std::path::Path;

use super::*;

/// A token that must never be repeated, in any part.
const TOKEN: &str = "xoxb-9f8e7d6c5b4a-QwErTyUiOpAsDf";

/// Panics when `msg` holds six or more consecutive characters of `secret`.
fn assert_no_fragment(msg: &str, secret: &str) {
    let chars: Vec<char> = secret.chars().collect();
    for w in chars.windows(6) {
        let piece: String = w.iter().collect();
        assert!(!msg.contains(&piece), "{msg:?} repeats {piece:?} of the value");
    }
}

fn toml_error(text: &str) -> (String, usize, String) {
    let e = FileConfig::parse(text, Path::new("/etc/bp.toml")).unwrap_err();
    let ConfigError::Syntax { line, key, .. } = &e else { panic!("{e:?}") };
    (e.to_string(), *line, key.clone())
}

#[test]
fn a_token_of_the_wrong_type_is_named_by_its_key_only() {
    let (msg, line, key) = toml_error(&format!("[panel]\nread_only = true\npoll_fast_secs = \"{TOKEN}\"\n"));
    assert_eq!(msg, "/etc/bp.toml:3: poll_fast_secs: wrong type, expected u64");
    assert_eq!((line, key.as_str()), (3, "poll_fast_secs"));
    let (msg, ..) = toml_error(&format!("[slack]\nnotify_actions = \"{TOKEN}\"\n"));
    assert_eq!(msg, "/etc/bp.toml:2: notify_actions: wrong type, expected a boolean");
}

#[test]
fn a_token_alone_on_a_line_is_not_taken_for_a_key() {
    for text in [
        format!("{TOKEN}\n[aws]\nregion = \"us-east-1\"\n"),
        format!("[aws]\n{TOKEN}\n"),
        "[aws]\nghp_abcdefghijklmnopqrstuvwxyz0123\n".to_string(),
        format!("[aws]\n[{TOKEN}]\n"),
        format!("[aws]\n{TOKEN} = 1\n"),
        format!("[aws]\n\"{TOKEN}\" = 1\n"),
    ] {
        let (msg, _, key) = toml_error(&text);
        assert_eq!(key, "-", "{msg}");
        assert_no_fragment(&msg, TOKEN);
        assert_no_fragment(&msg, "ghp_abcdefghijklmnopqrstuvwxyz0123");
    }
}

#[test]
fn a_line_inside_a_string_is_never_read_for_a_key() {
    let text = "[aws]\nprofile = \"\"\"\nsecretword=abc\\q\n\"\"\"\n";
    let (msg, line, key) = toml_error(text);
    assert_eq!((line, key.as_str()), (3, "-"), "{msg}");
    assert!(!msg.contains("secretword"), "{msg}");
}

#[test]
fn invalid_values_are_named_by_their_key_only() {
    let resolve = |text: &str| {
        let file = FileConfig::parse(text, Path::new("c.toml")).unwrap();
        Config::resolve(&file, &DotEnv::default(), &NoEnv, &Overrides::default()).unwrap_err().to_string()
    };
    for (text, key) in [
        (format!("[instance]\nid = \"{TOKEN}\"\n"), "instance.id"),
        (format!("[aws]\nregion = \"{TOKEN}!\"\n"), "aws.region"),
        (format!("[aws]\nendpoint_url = \"{TOKEN}\"\n"), "aws.endpoint_url"),
        (format!("[panel]\ntheme = \"{TOKEN}\"\n"), "panel.theme"),
        (format!("[panel]\ndefault_box = \"{TOKEN}\"\n"), "panel.default_box"),
        (format!("[run]\nfailure_marker = \"({TOKEN}\"\n"), "run.failure_marker"),
        (format!("[instance]\nscript_pattern = \"a\\n{TOKEN}\"\n"), "instance.script_pattern"),
        (format!("[keys]\nstart = \"{TOKEN}\"\n"), "keys"),
        (format!("[keys]\n\"{TOKEN}\" = \"s\"\n"), "keys"),
        ("[run]\nmax_hours = -1234567.5\n".to_string(), "run.max_hours"),
    ] {
        let msg = resolve(&text);
        assert!(msg.starts_with(&format!("{key}: ")), "{msg}");
        assert_no_fragment(&msg, TOKEN);
        assert!(!msg.contains("1234567"), "{msg}");
    }
}

#[test]
fn a_token_alone_in_dotenv_is_not_repeated() {
    for text in [
        format!("CHANNEL_ID=C01\n{TOKEN}\n"),
        format!("{TOKEN}\n"),
        format!("SLACK_API_TOKEN={TOKEN} trailing words\n"),
        format!("ghp_abcdefghijklmnopqrstuvwxyz0123='{TOKEN}\n"),
    ] {
        let e = DotEnv::parse(&text, Path::new("/work/.env")).unwrap_err();
        let msg = e.to_string();
        assert!(msg.starts_with("/work/.env:"), "{msg}");
        assert_no_fragment(&msg, TOKEN);
        assert_no_fragment(&msg, "ghp_abcdefghijklmnopqrstuvwxyz0123");
    }
}
