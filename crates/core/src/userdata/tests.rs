use super::*;

const SCRIPT_LINE: &str = r#"su -c "~ec2-user/run-baseline.sh" ec2-user >> /tmp/startup-out.txt"#;

fn default() -> ScriptLine {
    ScriptLine::default()
}

fn rewrite(text: &str, on: bool) -> Rewrite {
    set_dev_mode(text.as_bytes(), &default(), on).expect("the rewrite should succeed")
}

fn as_text(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).expect("a rewrite is UTF-8")
}

#[test]
fn seed_is_the_readme_block_with_a_final_newline() {
    assert!(SEED_USER_DATA.starts_with("Content-Type: multipart/mixed; boundary=\"//\"\n"));
    assert!(SEED_USER_DATA.ends_with(&format!("\n{SCRIPT_LINE}\n--//--\n")));
    assert!(!SEED_USER_DATA.contains('\r'));
    assert_eq!(SEED_USER_DATA.lines().count(), 22);
}

#[test]
fn seed_inspects_as_run_mode_on_every_boot() {
    let inspection = inspect(SEED_USER_DATA.as_bytes(), &default()).unwrap();
    assert_eq!(inspection.mode, Mode::Run);
    assert_eq!(inspection.line_number, 21);
    assert_eq!(inspection.line, SCRIPT_LINE);
    assert!(inspection.runs_every_boot);
    assert!(inspection.warnings.is_empty());
    assert_eq!(inspection.size, SEED_USER_DATA.len());
}

#[test]
fn seed_dev_mode_comments_out_only_the_script_line() {
    let on = rewrite(SEED_USER_DATA, true);
    assert!(on.changed);
    assert_eq!(on.mode, Mode::Dev);
    assert_eq!(on.line_number, 21);
    assert_eq!(on.old_line, SCRIPT_LINE);
    assert_eq!(on.new_line, format!("# {SCRIPT_LINE}"));
    let expected = SEED_USER_DATA.replace(SCRIPT_LINE, &format!("# {SCRIPT_LINE}"));
    assert_eq!(as_text(&on.bytes), expected);
    assert_eq!(
        inspect(&on.bytes, &default()).unwrap().mode,
        Mode::Dev,
        "the rewritten user data reads as dev mode"
    );

    let off = set_dev_mode(&on.bytes, &default(), false).unwrap();
    assert!(off.changed);
    assert_eq!(off.mode, Mode::Run);
    assert_eq!(off.bytes, SEED_USER_DATA.as_bytes());
}

#[test]
fn already_in_the_requested_mode_is_unchanged() {
    let same = rewrite(SEED_USER_DATA, false);
    assert!(!same.changed);
    assert_eq!(same.mode, Mode::Run);
    assert_eq!(same.bytes, SEED_USER_DATA.as_bytes());
    assert_eq!(same.old_line, same.new_line);

    let dev = rewrite(SEED_USER_DATA, true).bytes;
    let again = set_dev_mode(&dev, &default(), true).unwrap();
    assert!(!again.changed);
    assert_eq!(again.bytes, dev);
}

#[test]
fn keeps_crlf_indentation_and_missing_final_newline() {
    let text = "#!/bin/bash\r\necho hi\n\t  ~/run-baseline.sh\r\nexit 0";
    let on = rewrite(text, true);
    assert_eq!(as_text(&on.bytes), "#!/bin/bash\r\necho hi\n\t  # ~/run-baseline.sh\r\nexit 0");
    assert_eq!(on.line_number, 3);
    assert_eq!(rewrite(as_text(&on.bytes), false).bytes, text.as_bytes());

    let last = "#!/bin/sh\r\nrun-baseline.sh";
    assert_eq!(as_text(&rewrite(last, true).bytes), "#!/bin/sh\r\n# run-baseline.sh");
}

#[test]
fn turning_off_removes_the_hash_and_at_most_one_space() {
    for (dev, run) in [
        ("#run-baseline.sh", "run-baseline.sh"),
        ("# run-baseline.sh", "run-baseline.sh"),
        ("#   run-baseline.sh", "  run-baseline.sh"),
        ("  #\trun-baseline.sh", "  \trun-baseline.sh"),
        ("## run-baseline.sh", "run-baseline.sh"),
        ("# # run-baseline.sh", "run-baseline.sh"),
        (" #  # run-baseline.sh", "  run-baseline.sh"),
        ("# run-baseline.sh # note", "run-baseline.sh # note"),
    ] {
        let off = rewrite(&format!("#!/bin/sh\n{dev}\nb\n"), false);
        assert!(off.changed, "{dev:?}");
        assert_eq!(off.new_line, run, "{dev:?}");
        assert_eq!(as_text(&off.bytes), format!("#!/bin/sh\n{run}\nb\n"));
        assert_eq!(inspect(&off.bytes, &default()).unwrap().mode, Mode::Run);
    }
}

#[test]
fn a_trailing_comment_is_not_dev_mode() {
    let text = "#!/bin/sh\nrun-baseline.sh # runs the model\n";
    assert_eq!(inspect(text.as_bytes(), &default()).unwrap().mode, Mode::Run);
    assert_eq!(rewrite(text, true).new_line, "# run-baseline.sh # runs the model");
}

#[test]
fn missing_every_boot_entry_is_a_warning() {
    let text = "#!/bin/bash\nsu -c ~ec2-user/run-baseline.sh ec2-user\n";
    let inspection = inspect(text.as_bytes(), &default()).unwrap();
    assert!(!inspection.runs_every_boot);
    assert_eq!(inspection.warnings, vec![Warning::NotRunEveryBoot]);
    assert!(Warning::NotRunEveryBoot.to_string().contains("scripts-user, always"));
    let on = rewrite(text, true);
    assert!(on.changed);
    assert_eq!(on.warnings, vec![Warning::NotRunEveryBoot]);

    let commented = SEED_USER_DATA.replace("- [scripts-user", "# - [scripts-user");
    assert!(!inspect(commented.as_bytes(), &default()).unwrap().runs_every_boot);
}

#[test]
fn custom_pattern_selects_another_line() {
    let pattern = ScriptLine::new("startup-out.txt").unwrap();
    let text = "#!/bin/sh\nrun-baseline.sh > /tmp/startup-out.txt\nrun-baseline.sh\n";
    let on = set_dev_mode(text.as_bytes(), &pattern, true).unwrap();
    assert_eq!(on.line_number, 2);
    assert_eq!(as_text(&on.bytes), "#!/bin/sh\n# run-baseline.sh > /tmp/startup-out.txt\nrun-baseline.sh\n");
    assert_eq!("x".parse::<ScriptLine>().unwrap().pattern(), "x");
    assert_eq!(ScriptLine::default().to_string(), "run-baseline.sh");
}

#[test]
fn refuses_an_empty_or_multiline_pattern() {
    for bad in ["", "a\nb", "a\r"] {
        assert_eq!(ScriptLine::new(bad), Err(UserDataError::InvalidPattern { pattern: bad.to_owned() }));
    }
}

/// Both entry points refuse the same input with the same error.
fn refused(bytes: &[u8]) -> UserDataError {
    let from_inspect = inspect(bytes, &default()).unwrap_err();
    for on in [true, false] {
        assert_eq!(set_dev_mode(bytes, &default(), on).unwrap_err(), from_inspect);
    }
    from_inspect
}

#[test]
fn refuses_empty_user_data() {
    let err = refused(b"");
    assert_eq!(err, UserDataError::Empty);
    assert!(err.to_string().contains("empty"));
}

#[test]
fn refuses_gzip_user_data() {
    let mut gz = vec![0x1f, 0x8b, 0x08, 0x00];
    gz.extend_from_slice(b"run-baseline.sh\n");
    let err = refused(&gz);
    assert_eq!(err, UserDataError::Gzip);
    let message = err.to_string();
    assert!(message.contains("gzip") && message.contains("not support"));
    assert!(message.contains("console"));
}

#[test]
fn refuses_non_utf8_user_data() {
    let bytes = b"#!/bin/bash\nrun-baseline.sh \xff\n";
    let err = refused(bytes);
    assert_eq!(err, UserDataError::NotUtf8 { offset: 28 });
    assert!(err.to_string().contains("UTF-8"));
}

#[test]
fn refuses_user_data_without_the_line() {
    let err = refused(b"#!/bin/bash\necho hello\n");
    assert_eq!(err, UserDataError::NoMatchingLine { pattern: "run-baseline.sh".into() });
    assert!(err.to_string().contains("\"run-baseline.sh\""));
}

#[test]
fn refuses_several_candidate_lines_and_names_them() {
    let text = SEED_USER_DATA
        .replace("#!/bin/bash\n", "#!/bin/bash\n# old: run-baseline.sh\n# also run-baseline.sh\n");
    let err = refused(text.as_bytes());
    assert_eq!(
        err,
        UserDataError::SeveralLines { pattern: "run-baseline.sh".into(), lines: vec![21, 22, 23] }
    );
    assert!(err.to_string().contains("lines 21, 22 and 23"), "{err}");
}

#[test]
fn refuses_a_result_over_the_aws_limit() {
    let filler = |len: usize| format!("#!{}", "x".repeat(len - 2));
    let at_limit =
        format!("{}\nrun-baseline.sh\n", filler(MAX_USER_DATA_BYTES - "run-baseline.sh\n".len() - 1));
    assert_eq!(at_limit.len(), MAX_USER_DATA_BYTES);
    let err = set_dev_mode(at_limit.as_bytes(), &default(), true).unwrap_err();
    assert_eq!(err, UserDataError::TooLarge { size: MAX_USER_DATA_BYTES + 2 });
    assert!(err.to_string().contains("16384"));

    let fits = format!("{}\nrun-baseline.sh\n", filler(MAX_USER_DATA_BYTES - "run-baseline.sh\n".len() - 3));
    let on = set_dev_mode(fits.as_bytes(), &default(), true).unwrap();
    assert_eq!(on.bytes.len(), MAX_USER_DATA_BYTES);

    // Reading oversized user data and leaving it as it is are not refused.
    assert!(inspect(at_limit.as_bytes(), &default()).is_ok());
    assert!(!set_dev_mode(at_limit.as_bytes(), &default(), false).unwrap().changed);
}

#[test]
fn refuses_a_change_the_pattern_could_not_read_back() {
    let cases = [
        // Uncommenting removes the only match.
        ("#", "#!/bin/sh\necho\n#\n", false),
        // Commenting splits the match.
        ("  su", "#!/bin/sh\n  su -c x\n", true),
        // Uncommenting removes the marker the pattern includes.
        ("#x", "#!/bin/sh\n#x\n", false),
    ];
    for (pattern, text, on) in cases {
        let pattern = ScriptLine::new(pattern).unwrap();
        let line = inspect(text.as_bytes(), &pattern).unwrap().line_number;
        let err = set_dev_mode(text.as_bytes(), &pattern, on).unwrap_err();
        assert_eq!(
            err,
            UserDataError::PatternWouldNotMatch { pattern: pattern.pattern().to_owned(), line },
            "{text:?}"
        );
    }
}

#[test]
fn diff_shows_the_line_number_and_both_lines() {
    let on = rewrite(SEED_USER_DATA, true);
    assert_eq!(diff_line(&on), format!("line 21:\n-{SCRIPT_LINE}\n+# {SCRIPT_LINE}"));
    let same = rewrite(SEED_USER_DATA, false);
    assert_eq!(diff_line(&same), format!("line 21 (unchanged):\n {SCRIPT_LINE}"));
}

#[test]
fn diff_escapes_control_characters() {
    let on = rewrite("#!/bin/sh\n\trun-baseline.sh \u{1b}[2J\r\r\n", true);
    assert_eq!(on.old_line, "\trun-baseline.sh \u{1b}[2J\r");
    let diff = diff_line(&on);
    assert_eq!(diff, "line 2:\n-\trun-baseline.sh \\u{1b}[2J\\r\n+\t# run-baseline.sh \\u{1b}[2J\\r");
}

#[test]
fn mode_displays_in_lower_case() {
    assert_eq!(Mode::Run.to_string(), "run");
    assert_eq!(Mode::Dev.to_string(), "dev");
}
