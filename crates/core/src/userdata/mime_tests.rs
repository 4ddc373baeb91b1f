//! Which lines of MIME and other user data are script lines, and what is refused.

use base64::Engine;

use super::*;

const SCRIPT: &str = r#"su -c "~ec2-user/run-baseline.sh" ec2-user >> /tmp/startup-out.txt"#;

const CLOUD_CONFIG: &str =
    "Content-Type: text/cloud-config\n\n#cloud-config\ncloud_final_modules:\n- [scripts-user, always]\n";

fn pattern() -> ScriptLine {
    ScriptLine::default()
}

/// MIME user data with the boundary `//` around `parts` (each its headers, a blank line, a body).
fn mime(parts: &[&str]) -> String {
    let mut text = String::from("Content-Type: multipart/mixed; boundary=\"//\"\nMIME-Version: 1.0\n\n");
    for part in parts {
        text.push_str("--//\n");
        text.push_str(part);
    }
    text.push_str("--//--\n");
    text
}

/// A shell part with extra `headers` (each ending in a newline) and `body`.
fn shell(headers: &str, body: &str) -> String {
    format!("Content-Type: text/x-shellscript; charset=\"us-ascii\"\n{headers}\n{body}")
}

/// The usual shell body: `#!/bin/bash` and the script line.
fn script_body() -> String {
    format!("#!/bin/bash\n{SCRIPT}\n")
}

/// 1-based number of the only line containing `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    let found: Vec<usize> =
        text.lines().enumerate().filter(|(_, l)| l.contains(needle)).map(|(i, _)| i + 1).collect();
    assert_eq!(found.len(), 1, "{needle:?} in {text:?}");
    found[0]
}

/// Both entry points refuse the same way.
fn refused(text: &str) -> UserDataError {
    let err = inspect(text.as_bytes(), &pattern()).unwrap_err();
    for on in [true, false] {
        assert_eq!(set_dev_mode(text.as_bytes(), &pattern(), on).unwrap_err(), err, "{text:?}");
    }
    err
}

/// The script line's number, after checking that dev mode on changes that line only and dev mode
/// off gives back the exact bytes.
fn accepted(text: &str) -> usize {
    let seen = inspect(text.as_bytes(), &pattern()).unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(seen.mode, Mode::Run);
    let on = set_dev_mode(text.as_bytes(), &pattern(), true).unwrap();
    let before: Vec<&[u8]> = text.as_bytes().split_inclusive(|&b| b == b'\n').collect();
    let after: Vec<&[u8]> = on.bytes.split_inclusive(|&b| b == b'\n').collect();
    assert_eq!(before.len(), after.len());
    let differing: Vec<usize> = (0..before.len()).filter(|&i| before[i] != after[i]).map(|i| i + 1).collect();
    assert_eq!(differing, vec![seen.line_number]);
    let off = set_dev_mode(&on.bytes, &pattern(), false).unwrap();
    assert_eq!(off.bytes, text.as_bytes());
    seen.line_number
}

fn issue_user_data() -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(script_body());
    let headers = "MIME-Version: 1.0\nContent-Transfer-Encoding: base64\nContent-Disposition: attachment; filename=\"run-baseline.sh\"\n";
    mime(&[CLOUD_CONFIG, &shell(headers, &format!("{encoded}\n"))])
}

#[test]
fn a_base64_shell_part_named_after_the_script_is_refused() {
    let text = issue_user_data();
    assert_eq!(
        line_of(&text, "run-baseline.sh"),
        line_of(&text, "Content-Disposition"),
        "only the header matches"
    );
    let err = refused(&text);
    let line = line_of(&text, "text/x-shellscript");
    assert_eq!(err, UserDataError::EncodedScript { line, encoding: TransferEncoding::Base64 });
    let message = err.to_string();
    for words in ["line 11", "base64", "EC2 console", "Content-Transfer-Encoding: 7bit"] {
        assert!(message.contains(words), "{message}");
    }
}

#[test]
fn other_encodings_of_a_script_part_are_refused() {
    for (value, encoding) in [
        ("quoted-printable", TransferEncoding::QuotedPrintable),
        ("Quoted-Printable", TransferEncoding::QuotedPrintable),
        (" BASE64 ", TransferEncoding::Base64),
        ("x-uuencode", TransferEncoding::Other),
    ] {
        let headers = format!("Content-Transfer-Encoding: {value}\n");
        let text = mime(&[&shell(&headers, &script_body())]);
        assert_eq!(refused(&text), UserDataError::EncodedScript { line: 5, encoding }, "{value}");
        // An untyped part may be a script too: its type comes from its decoded body.
        let untyped = mime(&[&format!("{headers}\n{}", script_body())]);
        assert_eq!(refused(&untyped), UserDataError::EncodedScript { line: 5, encoding }, "{value}");
    }
    assert!(TransferEncoding::QuotedPrintable.to_string().contains("quoted-printable"));
}

#[test]
fn plain_text_encodings_are_switched() {
    for headers in [
        "",
        "Content-Transfer-Encoding: 7bit\n",
        "content-transfer-encoding: 8BIT\n",
        "Content-Transfer-Encoding: binary\n",
    ] {
        let text = mime(&[CLOUD_CONFIG, &shell(headers, &script_body())]);
        assert_eq!(accepted(&text), line_of(&text, "su -c"), "{headers}");
    }
    // An encoded part that is not a script is none of the tool's business.
    let encoded_config =
        "Content-Type: text/cloud-config\nContent-Transfer-Encoding: base64\n\nI2Nsb3VkLWNvbmZpZw==\n";
    let text = mime(&[encoded_config, &shell("", &script_body())]);
    assert_eq!(accepted(&text), line_of(&text, "su -c"));
}

#[test]
fn the_pattern_in_a_header_is_never_the_script_line() {
    let headers =
        "Content-Disposition: attachment; filename=\"run-baseline.sh\"\nX-Note:\n run-baseline.sh\n";
    let text = mime(&[&shell(headers, &script_body())]);
    assert_eq!(accepted(&text), line_of(&text, "su -c"));

    let without = mime(&[&shell(headers, "#!/bin/bash\necho hi\n")]);
    let err = refused(&without);
    assert_eq!(err, UserDataError::OutsideScript { pattern: "run-baseline.sh".into(), lines: vec![6, 8] });
    assert!(
        err.to_string().contains("lines 6 and 8 of the user data, which are not a line of a shell script"),
        "{err}"
    );
}

#[test]
fn headers_in_any_case_folded_with_crlf_and_a_bare_boundary() {
    let text = format!(
        "content-TYPE: Multipart/Mixed;\r\n\tboundary=frontier\r\nmime-version: 1.0\r\n\r\n\
         --frontier\r\nCONTENT-TYPE: text/cloud-config\r\n\r\n#cloud-config\r\nruncmd: [run-baseline.sh]\r\n\
         --frontier\r\ncontent-type:\r\n text/x-shellscript;\r\n charset=us-ascii\r\n\r\n#!/bin/bash\r\n{SCRIPT}\r\n\
         --frontier--\r\n"
    );
    let line = accepted(&text);
    assert_eq!(line, line_of(&text, "su -c"));
    let on = set_dev_mode(text.as_bytes(), &pattern(), true).unwrap();
    assert_eq!(on.bytes, text.replace(SCRIPT, &format!("# {SCRIPT}")).into_bytes(), "CRLF kept");

    let spaced = mime(&[&shell("", &script_body())]).replace("\"//\"", "\"a b\"").replace("--//", "--a b");
    assert_eq!(accepted(&spaced), line_of(&spaced, "su -c"));
}

#[test]
fn preamble_and_epilogue_never_hold_the_script_line() {
    let body = mime(&[&shell("", &script_body())]);
    let around = body.replace("\n\n--//\n", "\n\nThis is a multi-part message: run-baseline.sh\n--//\n")
        + "run-baseline.sh after the end\n";
    assert_eq!(accepted(&around), line_of(&around, "su -c"));

    let only_around = around.replace(SCRIPT, "echo hi");
    let err = refused(&only_around);
    let lines = vec![line_of(&only_around, "multi-part"), line_of(&only_around, "after the end")];
    assert_eq!(err, UserDataError::OutsideScript { pattern: "run-baseline.sh".into(), lines });
}

#[test]
fn boundary_lines_are_read_as_python_reads_them() {
    // Blanks after a boundary line; `--//x` is not one; a repeated boundary line is skipped,
    // even a closing one.
    let text = "Content-Type: multipart/mixed; boundary=\"//\"\nMIME-Version: 1.0\n\n--//  \n--//\n\
                Content-Type: text/x-shellscript\n\n#!/bin/bash\n--//x\nrun-baseline.sh\n--//--\t\n";
    assert_eq!(accepted(text), 10);
    let repeated_close = text.replace("--//  \n--//\n", "--//\n--//--\n");
    assert_eq!(accepted(&repeated_close), 10);
}

#[test]
fn untyped_and_plain_text_parts_are_scripts_when_they_start_with_a_shebang() {
    for part in [
        format!("\n{}", script_body()),
        format!("Content-Disposition: attachment\n\n{}", script_body()),
        format!("Content-Type: text/plain\n\n\n  {}", script_body()),
        format!("Content-Type: nonsense\n\n{}", script_body()),
        // No blank line: the header block ends at the first line that is not a header.
        format!("Content-Type: text/x-shellscript\n{}", script_body()),
        script_body(),
    ] {
        let text = mime(&[CLOUD_CONFIG, &part]);
        assert_eq!(accepted(&text), line_of(&text, "su -c"), "{part:?}");
    }
    let config = mime(&[&format!("\n#cloud-config\nruncmd:\n- {SCRIPT}\n")]);
    assert!(matches!(refused(&config), UserDataError::OutsideScript { .. }));
}

#[test]
fn a_declared_shell_part_is_a_script_whatever_its_first_line() {
    let text = mime(&[&shell("", &format!("{SCRIPT}\n"))]);
    assert_eq!(accepted(&text), line_of(&text, "su -c"));
    let per_boot = mime(&["Content-Type: text/x-shellscript-per-boot\n\nrun-baseline.sh\n"]);
    assert_eq!(accepted(&per_boot), 7);
}

#[test]
fn other_part_types_are_not_candidates() {
    let boothook = "Content-Type: text/cloud-boothook\n\n#cloud-boothook\necho run-baseline.sh\n";
    let include = "Content-Type: text/x-include-url\n\nhttps://example.com/run-baseline.sh\n";
    let guessed = "\n#cloud-boothook\nrun-baseline.sh\n";
    let text = mime(&[boothook, include, guessed, CLOUD_CONFIG, &shell("", &script_body())]);
    assert_eq!(accepted(&text), line_of(&text, "su -c"));

    let none = mime(&[boothook, include]);
    assert!(matches!(refused(&none), UserDataError::OutsideScript { ref lines, .. } if lines.len() == 2));
    let err = refused(&mime(&[CLOUD_CONFIG]));
    assert_eq!(err, UserDataError::NoShellPart);
    assert!(err.to_string().contains("text/x-shellscript"));
}

#[test]
fn a_comment_naming_the_script_makes_two_candidates() {
    let text = mime(&[&shell("", &format!("#!/bin/bash\n# runs run-baseline.sh\n{SCRIPT}\n"))]);
    let err = refused(&text);
    assert_eq!(err, UserDataError::SeveralLines { pattern: "run-baseline.sh".into(), lines: vec![8, 9] });
}

#[test]
fn the_shebang_line_is_never_the_script_line() {
    let err = refused("#!/home/ec2-user/run-baseline.sh\necho\n");
    assert_eq!(err, UserDataError::OutsideScript { pattern: "run-baseline.sh".into(), lines: vec![1] });
    let text = mime(&[&shell("", &format!("#!/opt/run-baseline.sh\n{SCRIPT}\n"))]);
    assert_eq!(accepted(&text), line_of(&text, "su -c"));
}

/// `levels` multiparts inside each other, the innermost holding the shell part.
fn nested(levels: usize) -> String {
    let mut inner = shell("", &script_body());
    for level in (0..levels).rev() {
        let header = if level == 0 { "MIME-Version: 1.0\n" } else { "" };
        inner = format!(
            "Content-Type: multipart/mixed; boundary=\"b{level}\"\n{header}\n--b{level}\n{CLOUD_CONFIG}--b{level}\n{inner}--b{level}--\n"
        );
    }
    inner
}

#[test]
fn nested_multiparts_are_read_down_to_a_limit() {
    let text = nested(mime::MAX_DEPTH);
    assert_eq!(accepted(&text), line_of(&text, "su -c"));
    let err = refused(&nested(mime::MAX_DEPTH + 1));
    assert!(matches!(err, UserDataError::BadMime { why, .. } if why.contains("nested")), "{err}");
}

#[test]
fn a_single_part_mime_document_is_its_own_part() {
    let text = format!("Content-Type: text/x-shellscript\nMIME-Version: 1.0\n\n#!/bin/bash\n{SCRIPT}\n");
    assert_eq!(accepted(&text), 5);
    let config = "MIME-Version: 1.0\nContent-Type: text/cloud-config\n\n#cloud-config\nrun-baseline.sh: x\n";
    assert_eq!(refused(config), UserDataError::CloudConfigOnly);
}

#[test]
fn mime_version_alone_does_not_change_a_plain_script() {
    let text = format!("#!/bin/bash\necho MIME-Version: 1.0\n{SCRIPT}\n");
    assert_eq!(accepted(&text), 3);
}

#[test]
fn mime_version_counts_only_in_the_first_4096_bytes() {
    let top = "Content-Type: multipart/mixed; boundary=\"//\"\nX-Pad: ";
    let rest = format!("\nMIME-Version: 1.0\n\n--//\n{}--//--\n", shell("", &script_body()));
    let near = format!("{top}{}{rest}", "x".repeat(3000));
    assert_eq!(accepted(&near), line_of(&near, "su -c"));
    let far = format!("{top}{}{rest}", "x".repeat(5000));
    assert_eq!(refused(&far), UserDataError::MimeWithoutVersion);
    // Within 4096 characters but not 4096 bytes: cloud-init versions would disagree.
    let between = format!("{top}{}{rest}", "é".repeat(2500));
    let err = refused(&between);
    assert!(matches!(err, UserDataError::BadMime { line: 3, why } if why.contains("4096")), "{err:?}");
}

#[test]
fn whole_user_data_that_is_not_a_script_is_refused_by_what_it_is() {
    for (text, expected) in [
        ("#cloud-config\nruncmd:\n- /home/ec2-user/run-baseline.sh\n", UserDataError::CloudConfigOnly),
        ("#Cloud-Config\r\nruncmd: [run-baseline.sh]\r\n", UserDataError::CloudConfigOnly),
        ("#include\nhttps://example.com/run-baseline.sh\n", UserDataError::Include),
        ("#include-once https://example.com/run-baseline.sh\n", UserDataError::Include),
        ("#cloud-boothook\n#!/bin/sh\nrun-baseline.sh\n", UserDataError::Boothook),
        ("#part-handler\nrun-baseline.sh\n", UserDataError::NotAScript),
        ("run-baseline.sh\n", UserDataError::NotAScript),
        (
            "Content-Type: multipart/mixed; boundary=\"//\"\n\n--//\nContent-Type: text/x-shellscript\n\n#!/bin/bash\nrun-baseline.sh\n--//--\n",
            UserDataError::MimeWithoutVersion,
        ),
    ] {
        let err = refused(text);
        assert_eq!(err, expected, "{text:?}");
        assert!(
            err.to_string().contains("the user data is") || err.to_string().contains("the user data starts")
        );
    }
    assert!(UserDataError::CloudConfigOnly.to_string().contains("#cloud-config"));
    assert!(UserDataError::Include.to_string().contains("#include"));
    assert!(UserDataError::Boothook.to_string().contains("#cloud-boothook"));
    assert!(UserDataError::MimeWithoutVersion.to_string().contains("MIME-Version: 1.0"));
    // cloud-init skips blanks before the first line's marker.
    assert_eq!(accepted(&format!("\n  \n#!/bin/bash\n{SCRIPT}\n")), 4);
}

#[test]
fn parts_cloud_init_must_unpack_first_are_refused() {
    let gzip = "Content-Type: application/x-gzip\nContent-Transfer-Encoding: base64\n\nH4sIAAAAAAAA\n";
    let message =
        "Content-Type: message/rfc822\n\nContent-Type: text/x-shellscript\n\n#!/bin/sh\nrun-baseline.sh\n";
    let jinja = "Content-Type: text/jinja2\n\n## template: jinja\n#!/bin/sh\n";
    let jinja_script = "Content-Type: text/x-shellscript\n\n## template: jinja\n#!/bin/sh\nrun-baseline.sh\n";
    for (part, what) in [(gzip, "gzip"), (message, "message"), (jinja, "Jinja"), (jinja_script, "Jinja")] {
        let text = mime(&[CLOUD_CONFIG, part, &shell("", &script_body())]);
        let err = refused(&text);
        assert!(
            matches!(err, UserDataError::UnreadablePart { line: 11, what: w } if w.contains(what)),
            "{err:?}"
        );
        assert!(err.to_string().contains("EC2 console"));
    }
    // In a digest, an untyped part is an attached message.
    let digest = mime(&[&format!("\n{}", script_body())]).replace("multipart/mixed", "multipart/digest");
    assert!(
        matches!(refused(&digest), UserDataError::UnreadablePart { what, .. } if what.contains("message"))
    );
    assert!(matches!(
        refused("## template: jinja\n#!/bin/sh\nrun-baseline.sh\n"),
        UserDataError::UnreadablePart { line: 1, .. }
    ));
}

#[test]
fn a_structure_in_doubt_is_refused() {
    let good = mime(&[&shell("", &script_body())]);
    let bad = |text: String, line: usize, words: &str| {
        let err = refused(&text);
        assert!(
            matches!(&err, UserDataError::BadMime { line: l, why } if *l == line && why.contains(words)),
            "{err:?} for {text:?}"
        );
        assert!(err.to_string().contains("EC2 console"));
    };
    bad(good.replace("--//--\n", ""), 1, "closing");
    bad(good.replace("; boundary=\"//\"", ""), 1, "boundary parameter");
    bad(good.replace("boundary=\"//\"", "boundary=\"//\"; boundary=x"), 1, "boundary parameter");
    bad(good.replace("boundary=\"//\"", "boundary*=''%2F%2F"), 1, "encoded boundary");
    bad(good.replace("boundary=\"//\"", "boundary=\"<//>\""), 1, "characters");
    bad(good.replace("boundary=\"//\"", "boundary=\"\""), 1, "empty");
    bad(good.replace("\"//\"", "\"other\""), 1, "first boundary");
    bad(good.replace("--//\n", "--//--\n"), 1, "first boundary");
    bad(
        good.replace("charset=\"us-ascii\"\n", "charset=\"us-ascii\"\ncontent-type: text/plain\n"),
        6,
        "two Content-Type",
    );
    bad(good.replace("#!/bin/bash\n", "#!/bin/bash\necho a\rb\n"), 8, "line break");
    bad(good.replace("#!/bin/bash\n", "#!/bin/bash\necho \u{c}\n"), 8, "line break");
    bad(good.replace("charset=\"us-ascii\"\n", "charset=\"us-ascii\"\n: no name\n"), 6, "colon");
}

#[test]
fn a_switch_that_would_change_the_structure_is_refused() {
    // Uncommenting would make the first body line a header.
    let text = mime(&["Content-Type: text/x-shellscript\n# X-Run: run-baseline.sh\n"]);
    let seen = inspect(text.as_bytes(), &pattern()).unwrap();
    assert_eq!((seen.mode, seen.line_number), (Mode::Dev, 6));
    let err = set_dev_mode(text.as_bytes(), &pattern(), false).unwrap_err();
    assert_eq!(err, UserDataError::PatternWouldNotMatch { pattern: "run-baseline.sh".into(), line: 6 });

    // Uncommenting would make a body line a boundary line.
    let slashes = ScriptLine::new("//").unwrap();
    let text = mime(&[&shell("", "#!/bin/bash\n#--//\n")]);
    assert_eq!(inspect(text.as_bytes(), &slashes).unwrap().mode, Mode::Dev);
    let err = set_dev_mode(text.as_bytes(), &slashes, false).unwrap_err();
    assert!(matches!(err, UserDataError::PatternWouldNotMatch { line: 8, .. }), "{err:?}");
}
