//! A small GitHub check: may the configured token push to a repository?
//!
//! Uses `GET /repos/{owner}/{repo}`, whose `permissions.push` says whether the
//! authenticated user can push. The token travels only in the `Authorization` header,
//! marked sensitive, and is never formatted or logged.

use std::fmt;
use std::time::Duration;

use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderMap, HeaderValue, RETRY_AFTER};
use reqwest::{Client, StatusCode, Url};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

/// GitHub's REST API address.
pub const DEFAULT_BASE_URL: &str = "https://api.github.com";

/// What GitHub says about a repository and the token's access to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepoAccess {
    /// `owner/name` as GitHub spells it.
    pub full_name: String,
    /// Whether the repository is private.
    pub private: bool,
    /// `permissions.push`; `None` when GitHub did not report permissions (no token).
    pub push: Option<bool>,
    /// The default branch, when reported.
    pub default_branch: Option<String>,
}

impl RepoAccess {
    /// True only when GitHub confirmed push access.
    pub fn can_push(&self) -> bool {
        self.push == Some(true)
    }
}

/// A failed GitHub check. Every message says what is wrong, then what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum GithubError {
    /// The API address is not a usable URL.
    #[error("The GitHub API address {url:?} is not a valid http(s) URL ({reason}): fix GITHUB_API_URL.")]
    InvalidUrl {
        /// The address as given.
        url: String,
        /// Why it was refused.
        reason: String,
    },
    /// A plain-http address that is not on this machine.
    #[error(
        "The GitHub API address {url} is not https, so the token would travel in clear: use an https address."
    )]
    InsecureUrl {
        /// The address as given.
        url: String,
    },
    /// The token cannot be sent in a header.
    #[error("The GitHub token contains characters that cannot be sent: copy the token again.")]
    MalformedToken,
    /// Not `owner/name`.
    #[error("{given:?} is not a repository name: write it as owner/name, like reichlab/sandbox.")]
    BadRepoName {
        /// The name as given.
        given: String,
    },
    /// HTTP 401.
    #[error(
        "GitHub does not accept the token (HTTP 401): it is wrong or expired; create a new token and configure it."
    )]
    BadToken,
    /// HTTP 404: no such repository, or the token cannot see it.
    #[error("GitHub shows no repository {repo} (HTTP 404): check the name, and that the token{} has access to it.", if *with_token { "" } else { " (none is configured)" })]
    NotFound {
        /// The repository asked about.
        repo: String,
        /// Whether a token was sent.
        with_token: bool,
    },
    /// HTTP 403 that is not a rate limit.
    #[error(
        "GitHub refused access to {repo} (HTTP 403: {message}): check the token's permissions or its SSO authorization."
    )]
    Forbidden {
        /// The repository asked about.
        repo: String,
        /// GitHub's message.
        message: String,
    },
    /// HTTP 403/429 with the rate limit used up.
    #[error("GitHub's API rate limit is used up: {}", rate_hint(*reset, *retry_after))]
    RateLimited {
        /// `x-ratelimit-reset`: when the limit resets, in seconds since the epoch.
        reset: Option<i64>,
        /// `Retry-After` in seconds (secondary limits).
        retry_after: Option<u64>,
    },
    /// HTTP 5xx.
    #[error("GitHub answered HTTP {status} (a problem on GitHub's side): try again in a few minutes.")]
    Server {
        /// The HTTP status.
        status: u16,
    },
    /// Another unexpected HTTP status.
    #[error("GitHub answered HTTP {status}: check GITHUB_API_URL.")]
    Http {
        /// The HTTP status.
        status: u16,
    },
    /// Connection failed.
    #[error("GitHub cannot be reached ({detail}): check the network connection and GITHUB_API_URL.")]
    Unreachable {
        /// What failed, without the URL.
        detail: String,
    },
    /// No answer in time.
    #[error("GitHub did not answer within {seconds} s: check the network connection and try again.")]
    Timeout {
        /// The time limit that was hit.
        seconds: u64,
    },
    /// The answer was not the expected JSON.
    #[error("GitHub's answer is not the expected JSON ({detail}): check GITHUB_API_URL.")]
    NotJson {
        /// What was wrong with it.
        detail: String,
    },
    /// The HTTP client could not be built.
    #[error("The HTTP client could not be set up ({detail}): this is a local problem, report it.")]
    Setup {
        /// What the HTTP library said.
        detail: String,
    },
}

/// What to do about a rate limit.
fn rate_hint(reset: Option<i64>, retry_after: Option<u64>) -> String {
    if let Some(s) = retry_after {
        return format!("wait {s} s and try again.");
    }
    match reset.and_then(|r| jiff::Timestamp::from_second(r).ok()) {
        Some(t) => format!("wait until {t} (when it resets) or configure a token."),
        None => "wait a while or configure a token.".to_owned(),
    }
}

/// The part of `GET /repos/{owner}/{repo}` this check reads.
#[derive(Deserialize)]
struct RepoReply {
    full_name: String,
    #[serde(default)]
    private: bool,
    default_branch: Option<String>,
    permissions: Option<Permissions>,
}

/// `permissions` of a repository answer.
#[derive(Deserialize)]
struct Permissions {
    #[serde(default)]
    push: bool,
}

/// A GitHub REST client for the push check.
pub struct GithubClient {
    http: Client,
    base: Url,
    auth: Option<HeaderValue>,
    request_timeout: Duration,
}

impl fmt::Debug for GithubClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GithubClient")
            .field("base", &self.base.as_str())
            .field("token", &self.auth.as_ref().map(|_| "[redacted]"))
            .finish_non_exhaustive()
    }
}

impl GithubClient {
    /// A client for the API at `base_url` (normally [`DEFAULT_BASE_URL`]), with an
    /// optional token. Plain http is accepted only for an address on this machine.
    #[allow(
        clippy::needless_pass_by_value,
        reason = "the caller hands over the token; only its trimmed text is kept"
    )]
    pub fn new(base_url: &str, token: Option<SecretString>) -> Result<Self, GithubError> {
        let base = parse_base(base_url)?;
        let auth = match token.as_ref().map(|t| t.expose_secret().trim()) {
            None | Some("") => None,
            Some(t) => {
                let mut v =
                    HeaderValue::from_str(&format!("Bearer {t}")).map_err(|_| GithubError::MalformedToken)?;
                v.set_sensitive(true);
                Some(v)
            }
        };
        let request_timeout = Duration::from_secs(20);
        let http = Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(request_timeout)
            .user_agent("baseline-panel")
            .build()
            .map_err(|e| GithubError::Setup { detail: innermost(&e) })?;
        Ok(Self { http, base, auth, request_timeout })
    }

    /// Reads the repository `owner_repo` (`owner/name`) and the token's push permission.
    pub async fn push_permission(&self, owner_repo: &str) -> Result<RepoAccess, GithubError> {
        let result = self.fetch_repo(owner_repo).await;
        if let Err(e) = &result {
            tracing::warn!(repo = owner_repo, error = %e, "GitHub check failed");
        }
        result
    }

    /// The request and its interpretation.
    async fn fetch_repo(&self, owner_repo: &str) -> Result<RepoAccess, GithubError> {
        let repo = check_repo_name(owner_repo)?;
        let url = self
            .base
            .join(&format!("repos/{repo}"))
            .map_err(|e| GithubError::InvalidUrl { url: self.base.to_string(), reason: e.to_string() })?;
        let mut request = self
            .http
            .get(url)
            .header(ACCEPT, "application/vnd.github+json")
            .header("X-GitHub-Api-Version", "2022-11-28");
        if let Some(auth) = &self.auth {
            request = request.header(AUTHORIZATION, auth.clone());
        }
        let response = request.send().await.map_err(|e| self.transport(&e))?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes().await.map_err(|e| self.transport(&e))?;
        tracing::debug!(repo, status = status.as_u16(), "GitHub answered");
        if status.is_success() {
            let reply: RepoReply =
                serde_json::from_slice(&body).map_err(|e| GithubError::NotJson { detail: e.to_string() })?;
            return Ok(RepoAccess {
                full_name: reply.full_name,
                private: reply.private,
                push: reply.permissions.map(|p| p.push),
                default_branch: reply.default_branch,
            });
        }
        if let Some(limited) = rate_limited(status, &headers) {
            return Err(limited);
        }
        Err(match status {
            StatusCode::UNAUTHORIZED => GithubError::BadToken,
            StatusCode::NOT_FOUND => {
                GithubError::NotFound { repo: repo.to_owned(), with_token: self.auth.is_some() }
            }
            StatusCode::FORBIDDEN => GithubError::Forbidden {
                repo: repo.to_owned(),
                message: serde_json::from_slice::<serde_json::Value>(&body)
                    .ok()
                    .and_then(|v| v.get("message")?.as_str().map(str::to_owned))
                    .unwrap_or_else(|| "no reason given".to_owned()),
            },
            s if s.is_server_error() => GithubError::Server { status: s.as_u16() },
            s => GithubError::Http { status: s.as_u16() },
        })
    }

    /// A transport error as a [`GithubError`].
    fn transport(&self, e: &reqwest::Error) -> GithubError {
        if e.is_timeout() && !e.is_connect() {
            GithubError::Timeout { seconds: self.request_timeout.as_secs() }
        } else {
            GithubError::Unreachable { detail: innermost(e) }
        }
    }
}

/// A rate-limit answer: 403 or 429 with `x-ratelimit-remaining: 0` or a `Retry-After`.
fn rate_limited(status: StatusCode, headers: &HeaderMap) -> Option<GithubError> {
    if status != StatusCode::FORBIDDEN && status != StatusCode::TOO_MANY_REQUESTS {
        return None;
    }
    let header = |name| headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
    let exhausted = header("x-ratelimit-remaining") == Some("0");
    let retry_after =
        headers.get(RETRY_AFTER).and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse().ok());
    (exhausted || retry_after.is_some() || status == StatusCode::TOO_MANY_REQUESTS).then(|| {
        GithubError::RateLimited {
            reset: header("x-ratelimit-reset").and_then(|v| v.parse().ok()),
            retry_after,
        }
    })
}

/// Checks `owner/name` so it can go into a path unescaped.
fn check_repo_name(given: &str) -> Result<&str, GithubError> {
    let name = given.trim();
    let ok_part = |p: &str| {
        !p.is_empty()
            && p != "."
            && p != ".."
            && p.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    };
    match name.split_once('/') {
        Some((owner, repo)) if ok_part(owner) && ok_part(repo) => Ok(name),
        _ => Err(GithubError::BadRepoName { given: given.to_owned() }),
    }
}

/// Parses the API address; plain http only for loopback. The result ends in `/`.
fn parse_base(raw: &str) -> Result<Url, GithubError> {
    let invalid = |reason: String| GithubError::InvalidUrl { url: raw.to_owned(), reason };
    let mut url = Url::parse(raw.trim()).map_err(|e| invalid(e.to_string()))?;
    let host = match url.host_str() {
        Some(h) if !h.is_empty() => h.trim_start_matches('[').trim_end_matches(']'),
        _ => return Err(invalid("no host".to_owned())),
    };
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        "http" => {
            return Err(GithubError::InsecureUrl { url: raw.to_owned() });
        }
        other => return Err(invalid(format!("unsupported scheme `{other}`"))),
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

/// The most specific cause of a transport error (never holds a URL with secrets).
fn innermost(e: &reqwest::Error) -> String {
    let mut cause: &dyn std::error::Error = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repo_names_must_be_owner_slash_name() {
        assert_eq!(check_repo_name("reichlab/sandbox").unwrap(), "reichlab/sandbox");
        for bad in ["sandbox", "a/b/c", "/b", "a/", "a/..", "a b/c", "a/b?x=1"] {
            assert!(check_repo_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn http_only_for_loopback() {
        assert!(parse_base("http://127.0.0.1:8080").is_ok());
        assert!(parse_base("http://localhost:8080/api/v3").is_ok());
        assert!(matches!(parse_base("http://api.github.com"), Err(GithubError::InsecureUrl { .. })));
        let url = parse_base("https://ghe.example/api/v3").unwrap();
        assert_eq!(url.join("repos/a/b").unwrap().as_str(), "https://ghe.example/api/v3/repos/a/b");
    }

    #[test]
    fn rate_limit_needs_the_headers_on_403() {
        let mut h = HeaderMap::new();
        assert_eq!(rate_limited(StatusCode::FORBIDDEN, &h), None);
        h.insert("x-ratelimit-remaining", HeaderValue::from_static("0"));
        h.insert("x-ratelimit-reset", HeaderValue::from_static("1795442400"));
        let e = rate_limited(StatusCode::FORBIDDEN, &h).unwrap();
        assert!(e.to_string().contains("2026-11-23T14:00:00Z"), "{e}");
    }
}
