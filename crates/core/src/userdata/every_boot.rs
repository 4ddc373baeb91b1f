//! Does cloud-init run the user data's scripts on every boot, or only on the first one?
//!
//! By default cloud-init runs the `scripts-user` module once per instance, so an edited user
//! data script would never run again. The seed user data lists the module with the `always`
//! frequency in its cloud-config part:
//!
//! ```yaml
//! cloud_final_modules:
//! - [scripts-user, always]
//! ```

use std::sync::LazyLock;

use regex::Regex;

use super::lines::{self, Line};

/// `[scripts-user, always]` in YAML flow style, with any spacing and optional quotes.
/// cloud-init accepts `scripts_user` as the same module name.
#[allow(
    clippy::expect_used,
    reason = "the pattern is a constant, valid by construction and compiled in tests"
)]
static FLOW: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"\[\s*["']?scripts[-_]user["']?\s*,\s*["']?always["']?\s*[,\]]"#)
        .expect("the flow-style pattern is a valid regex")
});

/// First line of the same entry in YAML block style: `- - scripts-user`.
#[allow(
    clippy::expect_used,
    reason = "the pattern is a constant, valid by construction and compiled in tests"
)]
static BLOCK_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^\s*-\s+-\s+["']?scripts[-_]user["']?\s*$"#)
        .expect("the block-style name pattern is a valid regex")
});

/// Second line of the block-style entry: `  - always`.
#[allow(
    clippy::expect_used,
    reason = "the pattern is a constant, valid by construction and compiled in tests"
)]
static BLOCK_FREQUENCY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^\s*-\s+["']?always["']?\s*$"#).expect("the block-style frequency pattern is a valid regex")
});

/// The part of a YAML line before its comment, if any.
fn without_comment(content: &str) -> &str {
    match content.find('#') {
        Some(at) => &content[..at],
        None => content,
    }
}

/// Whether `text` holds a cloud-config `scripts-user` entry with the `always` frequency.
///
/// Accepts `- [scripts-user, always]` with any spacing and optional quotes, and the same entry
/// in block style (`- - scripts-user` followed by `  - always`). Commented-out entries do not
/// count.
pub(crate) fn runs_every_boot(text: &str) -> bool {
    let yaml: Vec<&str> = lines::split(text)
        .map(|Line { content, .. }| without_comment(content))
        .filter(|code| !code.trim().is_empty())
        .collect();
    // The substring checks only spare the regexes most lines.
    let flow = |code: &&str| code.contains("always") && FLOW.is_match(code);
    let block = |pair: &[&str]| {
        pair[0].contains("scripts")
            && pair[1].contains("always")
            && BLOCK_NAME.is_match(pair[0])
            && BLOCK_FREQUENCY.is_match(pair[1])
    };
    yaml.iter().any(flow) || yaml.windows(2).any(block)
}

#[cfg(test)]
mod tests {
    use super::runs_every_boot;

    #[test]
    fn accepts_the_flow_entry_with_spacing_and_quotes() {
        for entry in [
            "- [scripts-user, always]",
            "  - [ scripts-user ,always ]",
            "- [\"scripts-user\", \"always\"]",
            "- ['scripts_user', 'always']",
            "- [scripts-user, always, extra]",
            "- [scripts-user, always] # every boot",
            "\t-\t[scripts-user,always]\r",
        ] {
            let text = format!("#cloud-config\ncloud_final_modules:\n{entry}\n");
            assert!(runs_every_boot(&text), "{entry:?} should count");
        }
    }

    #[test]
    fn accepts_the_block_entry() {
        let text = "cloud_final_modules:\n- - scripts-user\n  - always\n";
        assert!(runs_every_boot(text));
        let crlf = "cloud_final_modules:\r\n  - - 'scripts-user'\r\n\r\n    - \"always\"\r\n";
        assert!(runs_every_boot(crlf));
    }

    #[test]
    fn refuses_other_frequencies_and_comments() {
        for text in [
            "- [scripts-user, once]\n",
            "- [scripts-user]\n",
            "- scripts-user\n",
            "# - [scripts-user, always]\n",
            "- x # [scripts-user, always]\n",
            "- [scripts-users, always]\n",
            "- [scripts-user, alwaysx]\n",
            "- - scripts-user\n  - once\n",
            "- - scripts-user\n# - always\n",
            "",
        ] {
            assert!(!runs_every_boot(text), "{text:?} should not count");
        }
    }
}
