//! What goes over the wire to Slack: answer shapes, form encoding, address checks.

use std::fmt::Write as _;

use reqwest::Url;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use serde::Deserialize;
use serde_json::Value;

use super::ChatError;

/// What the body of a Web API call is.
pub(super) enum Payload<'a> {
    /// No arguments.
    Empty,
    /// `application/x-www-form-urlencoded` arguments.
    Form(&'a [(&'a str, String)]),
    /// A JSON object.
    Json(&'a Value),
}

/// The fields every Slack answer shares.
#[derive(Deserialize)]
pub(super) struct Envelope {
    pub(super) ok: Option<bool>,
    pub(super) error: Option<String>,
    pub(super) needed: Option<String>,
    pub(super) provided: Option<String>,
    pub(super) warning: Option<String>,
    pub(super) response_metadata: Option<Metadata>,
}

/// `response_metadata` of an answer.
#[derive(Deserialize)]
pub(super) struct Metadata {
    #[serde(default)]
    pub(super) messages: Vec<String>,
}

/// auth.test's answer.
#[derive(Deserialize)]
pub(super) struct AuthReply {
    pub(super) team: Option<String>,
    pub(super) user: Option<String>,
    pub(super) bot_id: Option<String>,
    pub(super) url: Option<String>,
}

/// chat.postMessage's answer.
#[derive(Deserialize)]
pub(super) struct PostReply {
    pub(super) channel: String,
    pub(super) ts: String,
}

/// files.getUploadURLExternal's answer.
#[derive(Deserialize)]
pub(super) struct TicketReply {
    pub(super) upload_url: String,
    pub(super) file_id: String,
}

/// files.completeUploadExternal's answer.
#[derive(Deserialize)]
pub(super) struct CompleteReply {
    #[serde(default)]
    pub(super) files: Vec<CompletedFile>,
}

/// One file in files.completeUploadExternal's answer.
#[derive(Deserialize)]
pub(super) struct CompletedFile {
    pub(super) id: String,
    pub(super) title: Option<String>,
}

/// Parses and checks the Web API address; the result ends in `/` so method names join.
pub(super) fn parse_base(raw: &str, allow_insecure: bool) -> Result<Url, ChatError> {
    let invalid = |reason: String| ChatError::InvalidUrl { url: raw.to_owned(), reason };
    let mut url = Url::parse(raw.trim()).map_err(|e| invalid(e.to_string()))?;
    match url.scheme() {
        "https" => {}
        "http" if allow_insecure => {}
        "http" => {
            return Err(ChatError::InsecureUrl { url: raw.to_owned() });
        }
        other => return Err(invalid(format!("unsupported scheme `{other}`"))),
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid("no host".to_owned()));
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

/// The `Retry-After` header in whole seconds, when it is a number.
pub(super) fn retry_after_secs(headers: &HeaderMap) -> Option<u64> {
    headers.get(RETRY_AFTER)?.to_str().ok()?.trim().parse().ok()
}

/// The most specific cause of a transport error, without any URL.
pub(super) fn innermost(e: &reqwest::Error) -> String {
    let mut cause: &dyn std::error::Error = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    if std::ptr::addr_eq(cause, e as &dyn std::error::Error) {
        // No deeper cause: reqwest's own text, with the URL stripped.
        let mut text = e.to_string();
        if let Some(url) = e.url() {
            text = text.replace(url.as_str(), "…");
        }
        text
    } else {
        cause.to_string()
    }
}

/// `application/x-www-form-urlencoded` encoding of `fields`.
pub(super) fn encode_form(fields: &[(&str, String)]) -> String {
    fn enc(s: &str) -> String {
        let mut out = String::with_capacity(s.len());
        for b in s.bytes() {
            match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => out.push(b as char),
                b' ' => out.push('+'),
                _ => {
                    let _ = write!(out, "%{b:02X}");
                }
            }
        }
        out
    }
    fields.iter().map(|(k, v)| format!("{}={}", enc(k), enc(v))).collect::<Vec<_>>().join("&")
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn base_url_gets_a_trailing_slash() {
        let url = parse_base("https://slack.example/api", false).unwrap();
        assert_eq!(url.join("auth.test").unwrap().as_str(), "https://slack.example/api/auth.test");
    }

    #[test]
    fn http_needs_allow_insecure_and_other_schemes_never_pass() {
        assert!(matches!(parse_base("http://127.0.0.1:9/", false), Err(ChatError::InsecureUrl { .. })));
        assert!(parse_base("http://127.0.0.1:9/", true).is_ok());
        assert!(matches!(parse_base("ftp://x/", true), Err(ChatError::InvalidUrl { .. })));
        assert!(matches!(parse_base("not a url", true), Err(ChatError::InvalidUrl { .. })));
    }

    #[test]
    fn form_encoding_escapes_reserved_bytes() {
        let fields = [("filename", "run log&1.txt".to_owned()), ("length", "12".to_owned())];
        assert_eq!(encode_form(&fields), "filename=run+log%261.txt&length=12");
    }

    #[test]
    fn retry_after_reads_seconds_only() {
        let mut h = HeaderMap::new();
        assert_eq!(retry_after_secs(&h), None);
        h.insert(RETRY_AFTER, HeaderValue::from_static(" 7 "));
        assert_eq!(retry_after_secs(&h), Some(7));
        h.insert(RETRY_AFTER, HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"));
        assert_eq!(retry_after_secs(&h), None);
    }
}
