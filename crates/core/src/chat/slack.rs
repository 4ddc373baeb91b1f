//! The Slack Web API behind [`Chat`]: auth.test, chat.postMessage and the
//! three-step external file upload (files.getUploadURLExternal → POST the bytes →
//! files.completeUploadExternal).
//!
//! The token travels only in the `Authorization: Bearer` header of Web API calls (never
//! to the upload URL), is marked sensitive, and is never formatted or logged.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::header::{AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, HeaderValue};
use reqwest::{Client, RequestBuilder, Response, StatusCode, Url};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::{Chat, ChatError, ChatIdentity, Posted, UploadBody, Uploaded};

mod wire;

use wire::{
    AuthReply, CompleteReply, Envelope, Payload, PostReply, TicketReply, encode_form, innermost, parse_base,
    retry_after_secs,
};

/// The Slack Web API's address.
pub const DEFAULT_BASE_URL: &str = "https://slack.com/api/";

/// Label used in errors for the upload step (the bytes going to the upload URL).
const UPLOAD_STEP: &str = "the file upload";

/// The slowest upload speed the time limit of the upload step allows for, in bytes a second:
/// a file's bytes get [`SlackOptions::request_timeout`] plus one second per this many bytes.
const SLOWEST_UPLOAD_BYTES_PER_SEC: u64 = 128 * 1024;

/// Time limits and retry policy of [`SlackChat`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlackOptions {
    /// Limit for opening a connection.
    pub connect_timeout: Duration,
    /// Limit for a whole request, answer included.
    pub request_timeout: Duration,
    /// How many times an HTTP 429 answer is retried before giving up.
    pub max_rate_retries: u32,
    /// Cap on the wait a `Retry-After` header asks for.
    pub max_retry_wait: Duration,
    /// How many times an HTTP 5xx answer or a failed connection is retried.
    pub max_server_retries: u32,
    /// Wait before the first 5xx retry; doubled for each further one.
    pub server_backoff: Duration,
}

impl Default for SlackOptions {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(20),
            max_rate_retries: 3,
            max_retry_wait: Duration::from_secs(30),
            max_server_retries: 2,
            server_backoff: Duration::from_millis(500),
        }
    }
}

/// A Slack client posting to one channel with a bot token.
pub struct SlackChat {
    http: Client,
    base: Url,
    auth: HeaderValue,
    channel: String,
    allow_insecure: bool,
    options: SlackOptions,
}

impl fmt::Debug for SlackChat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SlackChat")
            .field("base", &self.base.as_str())
            .field("token", &"[redacted]")
            .field("channel", &self.channel)
            .field("allow_insecure", &self.allow_insecure)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl SlackChat {
    /// A client for the Web API at `base_url` (normally [`DEFAULT_BASE_URL`]) posting to
    /// `channel`, with default time limits and retries.
    ///
    /// A plain-http `base_url` is refused unless `allow_insecure` is set.
    pub fn new(
        base_url: &str,
        token: SecretString,
        channel: String,
        allow_insecure: bool,
    ) -> Result<Self, ChatError> {
        Self::with_options(base_url, token, channel, allow_insecure, SlackOptions::default())
    }

    /// Like [`SlackChat::new`], with explicit time limits and retry policy.
    #[allow(
        clippy::needless_pass_by_value,
        reason = "the caller hands over the token and channel, as to `new`"
    )]
    pub fn with_options(
        base_url: &str,
        token: SecretString,
        channel: String,
        allow_insecure: bool,
        options: SlackOptions,
    ) -> Result<Self, ChatError> {
        let token = token.expose_secret().trim();
        if token.is_empty() {
            return Err(ChatError::MissingToken);
        }
        let channel = channel.trim().to_owned();
        if channel.is_empty() {
            return Err(ChatError::MissingChannel);
        }
        let base = parse_base(base_url, allow_insecure)?;
        let mut auth =
            HeaderValue::from_str(&format!("Bearer {token}")).map_err(|_| ChatError::MalformedToken)?;
        auth.set_sensitive(true);
        let http = Client::builder()
            .connect_timeout(options.connect_timeout)
            .timeout(options.request_timeout)
            .user_agent(concat!("baseline-panel/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ChatError::Setup { detail: innermost(&e) })?;
        Ok(Self { http, base, auth, channel, allow_insecure, options })
    }

    /// The Web API address in use (always ending in `/`).
    pub fn base_url(&self) -> &str {
        self.base.as_str()
    }

    /// Sends a request built by `make` within `limit`, retrying HTTP 429 (after
    /// `Retry-After`), HTTP 5xx and failed connections within the configured limits.
    async fn send(
        &self,
        label: &str,
        limit: Duration,
        make: impl Fn() -> RequestBuilder,
    ) -> Result<Response, ChatError> {
        let opts = &self.options;
        let (mut rate_retries, mut server_retries) = (0u32, 0u32);
        loop {
            let response = match make().timeout(limit).send().await {
                Ok(r) => r,
                Err(e) if e.is_timeout() && !e.is_connect() => return Err(timeout(label, limit)),
                Err(e) => {
                    if e.is_connect() && server_retries < opts.max_server_retries {
                        server_retries += 1;
                        tracing::debug!(
                            method = label,
                            attempt = server_retries,
                            "connection to Slack failed, retrying"
                        );
                        tokio::time::sleep(self.backoff(server_retries)).await;
                        continue;
                    }
                    return Err(ChatError::Unreachable { detail: innermost(&e) });
                }
            };
            let status = response.status();
            if status == StatusCode::TOO_MANY_REQUESTS {
                let retry_after = retry_after_secs(response.headers());
                if rate_retries >= opts.max_rate_retries {
                    return Err(ChatError::RateLimited { retry_after, retries: rate_retries });
                }
                rate_retries += 1;
                let wait = Duration::from_secs(retry_after.unwrap_or(1)).min(opts.max_retry_wait);
                tracing::debug!(
                    method = label,
                    attempt = rate_retries,
                    wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                    "Slack rate-limited the call, waiting"
                );
                tokio::time::sleep(wait).await;
                continue;
            }
            if status.is_server_error() {
                if server_retries >= opts.max_server_retries {
                    return Err(ChatError::Server { method: label.to_owned(), status: status.as_u16() });
                }
                server_retries += 1;
                tracing::debug!(
                    method = label,
                    status = status.as_u16(),
                    attempt = server_retries,
                    "Slack answered with a server error, retrying"
                );
                tokio::time::sleep(self.backoff(server_retries)).await;
                continue;
            }
            return Ok(response);
        }
    }

    /// Calls a Web API method and decodes its successful answer.
    async fn api<T: DeserializeOwned>(&self, method: &str, payload: Payload<'_>) -> Result<T, ChatError> {
        let url = self
            .base
            .join(method)
            .map_err(|e| ChatError::InvalidUrl { url: self.base.to_string(), reason: e.to_string() })?;
        let response = self
            .send(method, self.options.request_timeout, || {
                let request = self.http.post(url.clone()).header(AUTHORIZATION, self.auth.clone());
                match payload {
                    Payload::Empty => request,
                    Payload::Form(fields) => request
                        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                        .body(encode_form(fields)),
                    Payload::Json(value) => request
                        .header(CONTENT_TYPE, "application/json; charset=utf-8")
                        .body(value.to_string()),
                }
            })
            .await?;
        let status = response.status();
        let content_type =
            response.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("none").to_owned();
        let body =
            response.bytes().await.map_err(|e| body_error(method, self.options.request_timeout, &e))?;
        tracing::debug!(method, status = status.as_u16(), bytes = body.len(), "Slack answered");
        let not_json = |detail: String| {
            if status.is_success() {
                ChatError::NotJson { method: method.to_owned(), detail }
            } else {
                ChatError::Http { method: method.to_owned(), status: status.as_u16() }
            }
        };
        let value: Value = serde_json::from_slice(&body).map_err(|_| {
            not_json(format!("HTTP {}, content type {content_type}, {} bytes", status.as_u16(), body.len()))
        })?;
        let envelope: Envelope = serde_json::from_value(value.clone())
            .map_err(|_| not_json("the answer is not a JSON object".to_owned()))?;
        if let Some(warning) = &envelope.warning {
            tracing::debug!(method, warning, "Slack warned about the call");
        }
        match envelope.ok {
            Some(true) => {}
            Some(false) => {
                let code = envelope.error.unwrap_or_else(|| "unknown_error".to_owned());
                let detail =
                    envelope.response_metadata.map(|m| m.messages.join("; ")).filter(|m| !m.is_empty());
                return Err(ChatError::from_slack(
                    method,
                    &code,
                    &self.channel,
                    envelope.needed,
                    envelope.provided,
                    detail,
                ));
            }
            None => return Err(not_json("it has no `ok` field".to_owned())),
        }
        serde_json::from_value(value).map_err(|e| ChatError::NotJson {
            method: method.to_owned(),
            detail: format!("unexpected shape: {e}"),
        })
    }

    /// The three upload steps: announce the length, send exactly that many bytes, complete.
    async fn upload_steps(
        &self,
        filename: &str,
        content: UploadBody,
        comment: Option<&str>,
    ) -> Result<Uploaded, ChatError> {
        let length = content.len();
        let fields = [("filename", filename.to_owned()), ("length", length.to_string())];
        let ticket: TicketReply = self.api("files.getUploadURLExternal", Payload::Form(&fields)).await?;
        let upload_url = self.check_upload_url(&ticket.upload_url)?;

        let limit = self
            .options
            .request_timeout
            .saturating_add(Duration::from_secs(length / SLOWEST_UPLOAD_BYTES_PER_SEC));
        let trouble = Arc::new(Mutex::new(None));
        let sent = self
            .send(UPLOAD_STEP, limit, || {
                self.http
                    .post(upload_url.clone())
                    .header(CONTENT_TYPE, "application/octet-stream")
                    .header(CONTENT_LENGTH, length)
                    .body(content.request_body(&trouble))
            })
            .await;
        if let Some(detail) = trouble.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take() {
            return Err(ChatError::FileRead { detail });
        }
        let response = sent?;
        let status = response.status();
        // Drain the short "OK - <length>" answer so the connection can be reused.
        let _ = response.bytes().await;
        if status != StatusCode::OK {
            return Err(ChatError::Http { method: UPLOAD_STEP.to_owned(), status: status.as_u16() });
        }
        tracing::debug!(bytes = length, "file bytes sent to Slack");

        let mut body = json!({
            "files": [{ "id": ticket.file_id, "title": filename }],
            "channel_id": self.channel,
        });
        if let Some(comment) = comment {
            body["initial_comment"] = Value::String(comment.to_owned());
        }
        let done: CompleteReply = self.api("files.completeUploadExternal", Payload::Json(&body)).await?;
        let title = done
            .files
            .into_iter()
            .find(|f| f.id == ticket.file_id)
            .and_then(|f| f.title)
            .unwrap_or_else(|| filename.to_owned());
        Ok(Uploaded { file_id: ticket.file_id, title })
    }

    /// Parses the upload URL Slack handed out, holding it to the same https rule.
    fn check_upload_url(&self, raw: &str) -> Result<Url, ChatError> {
        let url = Url::parse(raw).map_err(|e| ChatError::NotJson {
            method: "files.getUploadURLExternal".to_owned(),
            detail: format!("its upload_url is not a URL: {e}"),
        })?;
        match url.scheme() {
            "https" => Ok(url),
            "http" if self.allow_insecure => Ok(url),
            _ => Err(ChatError::InsecureUrl {
                url: format!("{}://{}", url.scheme(), url.host_str().unwrap_or("")),
            }),
        }
    }

    /// The wait before the `attempt`-th 5xx retry.
    fn backoff(&self, attempt: u32) -> Duration {
        self.options.server_backoff.saturating_mul(1 << attempt.saturating_sub(1).min(8))
    }
}

/// The timeout error for `label` after `limit`.
fn timeout(label: &str, limit: Duration) -> ChatError {
    ChatError::Timeout { method: label.to_owned(), seconds: limit.as_secs().max(1) }
}

/// An error while reading an answer's body.
fn body_error(label: &str, limit: Duration, e: &reqwest::Error) -> ChatError {
    if e.is_timeout() { timeout(label, limit) } else { ChatError::Unreachable { detail: innermost(e) } }
}

/// Logs a failed call (the error never holds the token) and passes the result on.
fn logged<T>(method: &str, result: Result<T, ChatError>) -> Result<T, ChatError> {
    if let Err(e) = &result {
        tracing::warn!(method, code = e.code().unwrap_or("-"), error = %e, "Slack call failed");
    }
    result
}

#[async_trait::async_trait]
impl Chat for SlackChat {
    async fn check(&self) -> Result<ChatIdentity, ChatError> {
        let reply: Result<AuthReply, _> = self.api("auth.test", Payload::Empty).await;
        logged("auth.test", reply).map(|r| ChatIdentity {
            team: r.team.unwrap_or_default(),
            user: r.user.unwrap_or_default(),
            bot_id: r.bot_id,
            url: r.url,
        })
    }

    async fn post(&self, text: &str) -> Result<Posted, ChatError> {
        let body = json!({ "channel": self.channel, "text": text });
        let reply: Result<PostReply, _> = self.api("chat.postMessage", Payload::Json(&body)).await;
        logged("chat.postMessage", reply).map(|r| Posted { channel: r.channel, ts: r.ts })
    }

    async fn upload(
        &self,
        filename: &str,
        body: UploadBody,
        comment: Option<&str>,
    ) -> Result<Uploaded, ChatError> {
        logged("upload", self.upload_steps(filename, body, comment).await)
    }

    fn kind(&self) -> &'static str {
        "slack"
    }

    fn channel(&self) -> &str {
        &self.channel
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token() -> SecretString {
        SecretString::from("xoxb-unit-test-token")
    }

    #[test]
    fn empty_token_or_channel_is_a_config_error() {
        let e = SlackChat::new(DEFAULT_BASE_URL, SecretString::from("  "), "C1".into(), false);
        assert_eq!(e.unwrap_err(), ChatError::MissingToken);
        let e = SlackChat::new(DEFAULT_BASE_URL, token(), " ".into(), false);
        assert_eq!(e.unwrap_err(), ChatError::MissingChannel);
        let e = SlackChat::new(DEFAULT_BASE_URL, SecretString::from("xoxb-a\nb"), "C1".into(), false);
        assert_eq!(e.unwrap_err(), ChatError::MalformedToken);
    }

    #[test]
    fn upload_url_follows_the_https_rule() {
        let strict = SlackChat::new(DEFAULT_BASE_URL, token(), "C1".into(), false).unwrap();
        let plain = "http://files.example/upload/v1/abc";
        assert!(matches!(strict.check_upload_url(plain), Err(ChatError::InsecureUrl { .. })));
        assert!(strict.check_upload_url("https://files.slack.com/upload/v1/abc").is_ok());
        let lax = SlackChat::new("http://127.0.0.1:9/", token(), "C1".into(), true).unwrap();
        assert!(lax.check_upload_url(plain).is_ok());
    }

    #[test]
    fn backoff_doubles() {
        let chat = SlackChat::new(DEFAULT_BASE_URL, token(), "C1".into(), false).unwrap();
        assert_eq!(chat.backoff(1), Duration::from_millis(500));
        assert_eq!(chat.backoff(2), Duration::from_secs(1));
    }
}
