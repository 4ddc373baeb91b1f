//! Taking credentials out of text bound for the log file.
//!
//! Two nets, both applied by [`redact`]: the exact values this process was given as secrets
//! ([`remember`]: the AWS keys and session token, the Slack and GitHub tokens), and the shapes
//! credentials have wherever they come from (signed-request headers and query parameters,
//! `Bearer` values, AWS access key ids, Slack `xox?-` and GitHub `ghp_`/`github_pat_` tokens,
//! fields named like secrets).

use std::borrow::Cow;
use std::fmt::Write as _;
use std::sync::{LazyLock, RwLock};

use regex::{Captures, Regex};

/// What a removed credential is replaced with.
pub const REDACTED: &str = "[redacted]";

/// Values shorter than this are not remembered: replacing them everywhere would blank out
/// ordinary words (moto's `testing` credentials) and they are no real key or token.
const MIN_SECRET_LEN: usize = 8;

static SECRETS: RwLock<Vec<String>> = RwLock::new(Vec::new());

/// A header, query parameter or field that holds a credential, then its value: a quoted value
/// (also inside a wrapper such as `HeaderValue { _private: H0("…") }` or `Some("…")`) up to
/// its closing quote, or an unquoted one up to the end of the line or of the query parameter.
#[allow(
    clippy::expect_used,
    reason = "the pattern is a constant, valid by construction and compiled in tests"
)]
static NAMED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)(?P<name>\b(?:proxy-)?authorization|x-amz-security-token|x-amz-signature|x-amz-credential|x-api-key",
        r"|(?:aws_)?secret_access_key|(?:aws_)?access_key_id|(?:aws_)?session_token|security_token|client_secret",
        r"|slack_api_token|github_token)",
        r#"(?:(?P<quoted>["']?\s*[:=]\s*[^"'\r\n,;]{0,40}?["'])[^"'\r\n]*"#,
        r#"|(?P<bare>["']?\s*[:=]\s*)[^"'\r\n&]+)"#,
    ))
    .expect("valid pattern")
});

/// Credentials recognised by their shape alone.
#[allow(
    clippy::expect_used,
    reason = "the pattern is a constant, valid by construction and compiled in tests"
)]
static SHAPES: LazyLock<Vec<(Regex, &'static str)>> = LazyLock::new(|| {
    [
        (r"(?i)\b(bearer)\s+[A-Za-z0-9._~+/=-]{8,}", "$1 [redacted]"),
        (r"\b(?:AKIA|ASIA|AIDA|AROA|AIPA|ANPA|ANVA|AGPA)[A-Z0-9]{12,}\b", REDACTED),
        (r"\bxox[abposre]-[A-Za-z0-9-]{6,}", REDACTED),
        (r"\bxapp-[A-Za-z0-9-]{6,}", REDACTED),
        (r"\bgh[pousr]_[A-Za-z0-9]{16,}", REDACTED),
        (r"\bgithub_pat_[A-Za-z0-9_]{16,}", REDACTED),
        (r"(?i)\b(signature=)[0-9a-f]{16,}", "$1[redacted]"),
        (r"(?i)\b(credential=)[^\s,;&]+", "$1[redacted]"),
    ]
    .into_iter()
    .map(|(re, with)| (Regex::new(re).expect("valid pattern"), with))
    .collect()
});

/// Remembers `secret` so [`redact`] removes it wherever it appears, as it is or
/// percent-encoded. Values shorter than 8 characters are ignored.
pub fn remember(secret: &str) {
    let secret = secret.trim();
    if secret.chars().count() < MIN_SECRET_LEN {
        return;
    }
    let mut all = SECRETS.write().unwrap_or_else(std::sync::PoisonError::into_inner);
    for form in [secret.to_owned(), percent_encoded(secret)] {
        if !all.contains(&form) {
            all.push(form);
        }
    }
    // Longest first, so a secret that contains another is removed whole.
    all.sort_by_key(|s| std::cmp::Reverse(s.len()));
}

/// Remembers the secrets the process environment holds: the AWS keys and session token, the
/// Slack and GitHub tokens.
pub fn remember_environment() {
    for key in
        ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "SLACK_API_TOKEN", "GITHUB_TOKEN"]
    {
        if let Ok(v) = std::env::var(key) {
            remember(&v);
        }
    }
}

/// `s` with every remembered secret and every credential-shaped piece replaced by
/// [`REDACTED`].
pub fn redact(s: &str) -> Cow<'_, str> {
    let mut out = Cow::Borrowed(s);
    {
        let secrets = SECRETS.read().unwrap_or_else(std::sync::PoisonError::into_inner);
        for secret in secrets.iter() {
            if out.contains(secret.as_str()) {
                out = Cow::Owned(out.replace(secret.as_str(), REDACTED));
            }
        }
    }
    if let Cow::Owned(o) = NAMED.replace_all(&out, |c: &Captures<'_>| {
        let sep = c.name("quoted").or_else(|| c.name("bare")).map_or("", |m| m.as_str());
        format!("{}{sep}{REDACTED}", &c["name"])
    }) {
        out = Cow::Owned(o);
    }
    for (re, with) in SHAPES.iter() {
        if let Cow::Owned(o) = re.replace_all(&out, *with) {
            out = Cow::Owned(o);
        }
    }
    out
}

/// Whether `s` holds something shaped like a credential (see [`redact`]): a name that does
/// must not be repeated in a message.
pub fn looks_secret(s: &str) -> bool {
    SHAPES.iter().any(|(re, _)| re.is_match(s))
}

/// `s` with every byte but the URL-unreserved ones as `%XX` (upper-case hex, as `SigV4` does).
fn percent_encoded(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The header dump of a signed AWS request, as the HTTP layers print it at trace level.
    const SIGNED: &str = concat!(
        r#"headers: {"x-amz-date": "20261125T120000Z", "#,
        r#""x-amz-security-token": "IQoJb3JpZ2luX2VjEOr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ+abc=", "#,
        r#""authorization": "AWS4-HMAC-SHA256 Credential=ASIAQWERTYUIOPASDFGH/20261125/us-east-1/ec2/aws4_request, SignedHeaders=host;x-amz-date, Signature=0123456789abcdef0123456789abcdef"}"#
    );

    #[test]
    fn signed_request_headers_lose_their_values() {
        let out = redact(SIGNED);
        for secret in ["IQoJb3JpZ2luX2Vj", "ASIAQWERTYUIOPASDFGH", "0123456789abcdef0123", "SignedHeaders"] {
            assert!(!out.contains(secret), "{out}");
        }
        assert!(out.contains(r#""x-amz-date": "20261125T120000Z""#), "{out}");
        assert!(out.contains(r#""x-amz-security-token": "[redacted]""#), "{out}");
        assert!(out.contains(r#""authorization": "[redacted]""#), "{out}");
    }

    /// Recorded from the SDK at trace level (the orchestrator's request dump), nothing
    /// remembered: the shapes alone take the credentials out.
    #[test]
    fn the_sdks_own_request_dump_loses_its_credentials() {
        let dump = concat!(
            r#"headers: Headers { headers: {"x-amz-date": HeaderValue { _private: H0("20261130T134218Z") }, "#,
            r#""authorization": HeaderValue { _private: H0("AWS4-HMAC-SHA256 Credential=CanaryAccessKey7Q3ZW1/20261130/us-east-1/ec2/aws4_request, "#,
            r#"SignedHeaders=content-length;content-type;host;x-amz-date;x-amz-security-token;x-amz-user-agent, "#,
            r#"Signature=0ca6c2ec835aceebe941ab1b7c56afecb790c1c0c8489021a4cfe0cb009edd46") }, "#,
            r#""x-amz-security-token": HeaderValue { _private: H0("FwoGZXIvCanarySessionToken/AbC+dEf9gHiJkLmNoPqRsTuV==") }, "#,
            r#""amz-sdk-request": HeaderValue { _private: H0("attempt=1; max=3") }} }"#
        );
        let out = redact(dump);
        for secret in ["CanaryAccessKey", "CanarySessionToken", "0ca6c2ec835a"] {
            assert!(!out.contains(secret), "{out}");
        }
        assert!(
            out.contains(r#""x-amz-security-token": HeaderValue { _private: H0("[redacted]") }"#),
            "{out}"
        );
        assert!(out.contains(r#"H0("attempt=1; max=3")"#), "{out}");
    }

    #[test]
    fn canonical_requests_and_presigned_urls_lose_their_values() {
        let canonical = "x-amz-date:20261125T120000Z\nx-amz-security-token:FwoGZXIvYXdzE+/=\nhost;x-amz-date";
        let out = redact(canonical);
        assert_eq!(out, "x-amz-date:20261125T120000Z\nx-amz-security-token:[redacted]\nhost;x-amz-date");
        let url = "https://b.s3.amazonaws.com/k?X-Amz-Credential=AKIAABCDEFGHIJKLMNOP%2F2026&X-Amz-Security-Token=Fwo%2Babc&X-Amz-Signature=deadbeefdeadbeefdeadbeef&x=1";
        let out = redact(url);
        assert!(
            !out.contains("AKIAABCDEFGHIJKLMNOP") && !out.contains("Fwo") && !out.contains("deadbeef"),
            "{out}"
        );
        assert!(out.ends_with("&x=1"), "{out}");
    }

    #[test]
    fn tokens_are_recognised_by_their_shape() {
        let s = "Bearer xoxb-1111-2222-abcdefABCDEF; gh=ghp_abcdefghijklmnopqrstuvwxyz012345 \
                 pat=github_pat_11ABCDEFG0123456789_abcdef key AKIAIOSFODNN7EXAMPLE app xapp-1-A0-123456";
        let out = redact(s);
        for secret in ["xoxb-", "ghp_", "github_pat_", "AKIAIOSFODNN7EXAMPLE", "xapp-"] {
            assert!(!out.contains(secret), "{secret}: {out}");
        }
        assert!(looks_secret("xoxb-1111-2222-abcdef") && looks_secret("ghp_abcdefghijklmnopqrstu"));
        assert!(!looks_secret("poll_fast_secs") && !looks_secret("boxes.flu-model"));
    }

    #[test]
    fn secret_fields_of_debug_output_lose_their_values() {
        let s = r#"Credentials { access_key_id: "AKIDEXAMPLE1", secret_access_key: "wJalrXUtnFEMI", session_token: Some("tok3n-value") }"#;
        let out = redact(s);
        for secret in ["AKIDEXAMPLE1", "wJalrXUtnFEMI", "tok3n-value"] {
            assert!(!out.contains(secret), "{out}");
        }
    }

    #[test]
    fn remembered_values_go_wherever_they_appear() {
        remember("C4n4ry/Secret+Value=");
        remember("short");
        let out = redact("a C4n4ry/Secret+Value= b C4n4ry%2FSecret%2BValue%3D c short");
        assert_eq!(out, "a [redacted] b [redacted] c short");
    }

    #[test]
    fn ordinary_lines_are_left_alone() {
        for s in [
            "INFO baseline_panel: exit code=3 message=\"instance not found\"",
            "DescribeInstances took 11 ms; next_token=None",
            "the token is missing: set SLACK_API_TOKEN in .env",
        ] {
            assert!(matches!(redact(s), Cow::Borrowed(_)), "{s}");
        }
    }
}
