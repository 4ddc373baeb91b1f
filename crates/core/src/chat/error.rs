//! What can go wrong when talking to Slack, phrased as what to do about it.

/// A failed chat call. Every message is one sentence: what is wrong, then what to do.
///
/// No variant ever holds the token, so `Display` and `Debug` are safe to log.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ChatError {
    /// No token configured.
    #[error("No Slack token is configured: set SLACK_API_TOKEN to the app's Bot User OAuth Token (xoxb-…).")]
    MissingToken,
    /// No channel configured.
    #[error(
        "No Slack channel is configured: set CHANNEL_ID to the channel's id (like C01DTCAL49X, not its name)."
    )]
    MissingChannel,
    /// A required setting is missing from `.env` and the environment.
    #[error("{key} is not set: add {key}={} to {dotenv} or the environment.", example(key))]
    NotSet {
        /// The missing key: `SLACK_API_TOKEN` or `CHANNEL_ID`.
        key: &'static str,
        /// The `.env` file that was (or would be) read.
        dotenv: String,
    },
    /// The token cannot be sent in an HTTP header (stray newline, non-ASCII character).
    #[error(
        "The Slack token contains characters that cannot be sent: copy the Bot User OAuth Token again into SLACK_API_TOKEN."
    )]
    MalformedToken,
    /// The API address is not a usable URL.
    #[error("The Slack API address {url:?} is not a valid http(s) URL ({reason}): fix SLACK_API_URL.")]
    InvalidUrl {
        /// The address as given.
        url: String,
        /// Why it was refused.
        reason: String,
    },
    /// A plain-http address where https is required.
    #[error(
        "The Slack address {url} is not https, so the token would travel in clear: use an https address."
    )]
    InsecureUrl {
        /// The address as given.
        url: String,
    },
    /// The HTTP client could not be built (TLS setup).
    #[error("The HTTP client could not be set up ({detail}): this is a local problem, report it.")]
    Setup {
        /// What the HTTP library said.
        detail: String,
    },

    /// Slack `not_authed`: no token reached Slack.
    #[error("Slack received no token: set SLACK_API_TOKEN to the app's Bot User OAuth Token (xoxb-…).")]
    NotAuthed,
    /// Slack `invalid_auth`: the token is not valid.
    #[error(
        "Slack does not accept the token: check that SLACK_API_TOKEN holds the app's current Bot User OAuth Token (xoxb-…)."
    )]
    InvalidAuth,
    /// Slack `account_inactive`: the bot user or workspace is deactivated.
    #[error(
        "The Slack app's bot user or workspace is deactivated: reinstall the app to the workspace and use its new token."
    )]
    AccountInactive,
    /// Slack `token_revoked`: the token was revoked.
    #[error(
        "The Slack token was revoked: reinstall the app to the workspace and put its new Bot User OAuth Token in SLACK_API_TOKEN."
    )]
    TokenRevoked,
    /// Slack `channel_not_found`.
    #[error(
        "Slack cannot find channel {channel}: check CHANNEL_ID (the channel's id, not its name), and for a private channel invite the app first (`/invite @app`)."
    )]
    ChannelNotFound {
        /// The configured channel id.
        channel: String,
    },
    /// Slack `not_in_channel`: the app is not a member of the channel.
    #[error(
        "The Slack app is not a member of channel {channel}: invite it by typing `/invite @app` (the app's name) in that channel."
    )]
    NotInChannel {
        /// The configured channel id.
        channel: String,
    },
    /// Slack `is_archived`.
    #[error("Slack channel {channel} is archived: unarchive it or set CHANNEL_ID to an active channel.")]
    IsArchived {
        /// The configured channel id.
        channel: String,
    },
    /// Slack `missing_scope`: the token lacks a scope.
    #[error(
        "The Slack token lacks the `{needed}` scope: add it under OAuth & Permissions → Bot Token Scopes, reinstall the app, and use the new token."
    )]
    MissingScope {
        /// The scope(s) Slack says are needed.
        needed: String,
        /// The scopes the token has, when Slack says.
        provided: Option<String>,
    },
    /// Slack `msg_too_long`.
    #[error("The message is too long for Slack: shorten it or send it as a file upload.")]
    MsgTooLong,
    /// Slack kept answering `ratelimited` (HTTP 429) after the allowed retries.
    #[error(
        "Slack is rate-limiting the app{}: wait {} and try again.",
        retries_hint(*retries),
        wait_hint(*retry_after)
    )]
    RateLimited {
        /// The last `Retry-After` Slack sent, in seconds.
        retry_after: Option<u64>,
        /// How many retries were made.
        retries: u32,
    },
    /// Any other Slack error code.
    #[error(
        "Slack refused {method} with `{code}`{}: see https://docs.slack.dev/reference/methods/{method} for what it means.",
        detail_suffix(detail.as_deref())
    )]
    Api {
        /// The Web API method.
        method: String,
        /// Slack's error code.
        code: String,
        /// Extra detail Slack gave (`response_metadata.messages`), if any.
        detail: Option<String>,
    },

    /// The connection could not be made (DNS, refused, TLS).
    #[error("Slack cannot be reached ({detail}): check the network connection and SLACK_API_URL.")]
    Unreachable {
        /// What failed, without the URL.
        detail: String,
    },
    /// No answer in time.
    #[error("Slack did not answer {method} within {seconds} s: check the network connection and try again.")]
    Timeout {
        /// The Web API method (or `file upload`).
        method: String,
        /// The time limit that was hit.
        seconds: u64,
    },
    /// Slack kept answering with HTTP 5xx after the allowed retries.
    #[error(
        "Slack answered {method} with HTTP {status} (a problem on Slack's side): try again in a few minutes."
    )]
    Server {
        /// The Web API method (or `file upload`).
        method: String,
        /// The HTTP status.
        status: u16,
    },
    /// An unexpected HTTP status without a Slack error in the body.
    #[error(
        "Slack answered {method} with HTTP {status}: check that SLACK_API_URL points at the Slack Web API."
    )]
    Http {
        /// The Web API method (or `file upload`).
        method: String,
        /// The HTTP status.
        status: u16,
    },
    /// The file being uploaded could not be read to the announced length while it was sent
    /// (it shrank, a disk error); the upload was not completed, so nothing was shared.
    #[error(
        "The file could not be read while it was being sent ({detail}); the upload was not completed, so nothing appeared in the channel: try again."
    )]
    FileRead {
        /// What went wrong reading it.
        detail: String,
    },
    /// The answer was not the JSON Slack sends.
    #[error(
        "Slack's answer to {method} is not the expected JSON ({detail}): check that SLACK_API_URL points at the Slack Web API."
    )]
    NotJson {
        /// The Web API method.
        method: String,
        /// What was wrong with it.
        detail: String,
    },
}

/// What a missing key's value looks like.
fn example(key: &str) -> &'static str {
    match key {
        "SLACK_API_TOKEN" => "xoxb-… (the Slack app's Bot User OAuth Token)",
        "CHANNEL_ID" => "C… (the channel's id, not its name)",
        _ => "…",
    }
}

/// Human wording for a `Retry-After` value.
fn wait_hint(retry_after: Option<u64>) -> String {
    match retry_after {
        Some(s) => format!("{s} s"),
        None => "a minute".to_owned(),
    }
}

/// How many retries were already made, when any.
fn retries_hint(retries: u32) -> String {
    match retries {
        0 => String::new(),
        1 => " (still after 1 retry)".to_owned(),
        n => format!(" (still after {n} retries)"),
    }
}

/// ` (detail)` or nothing.
fn detail_suffix(detail: Option<&str>) -> String {
    detail.map(|d| format!(" ({d})")).unwrap_or_default()
}

impl ChatError {
    /// Slack's raw error code, for errors that came from Slack's `ok: false` answer
    /// (or its HTTP 429, reported as `ratelimited`).
    pub fn code(&self) -> Option<&str> {
        Some(match self {
            Self::NotAuthed => "not_authed",
            Self::InvalidAuth => "invalid_auth",
            Self::AccountInactive => "account_inactive",
            Self::TokenRevoked => "token_revoked",
            Self::ChannelNotFound { .. } => "channel_not_found",
            Self::NotInChannel { .. } => "not_in_channel",
            Self::IsArchived { .. } => "is_archived",
            Self::MissingScope { .. } => "missing_scope",
            Self::MsgTooLong => "msg_too_long",
            Self::RateLimited { .. } => "ratelimited",
            Self::Api { code, .. } => code,
            _ => return None,
        })
    }

    /// True when the problem is the configuration (token, channel, address, scopes),
    /// so retrying without a change cannot help.
    pub fn is_config(&self) -> bool {
        matches!(
            self,
            Self::MissingToken
                | Self::MissingChannel
                | Self::NotSet { .. }
                | Self::MalformedToken
                | Self::InvalidUrl { .. }
                | Self::InsecureUrl { .. }
                | Self::NotAuthed
                | Self::InvalidAuth
                | Self::AccountInactive
                | Self::TokenRevoked
                | Self::ChannelNotFound { .. }
                | Self::NotInChannel { .. }
                | Self::IsArchived { .. }
                | Self::MissingScope { .. }
        )
    }

    /// Maps a Slack `ok: false` answer to an error.
    ///
    /// `method` is the Web API method, `channel` the configured channel (for the
    /// messages), `needed`/`provided` the scope fields of a `missing_scope` answer, and
    /// `detail` Slack's `response_metadata.messages` joined.
    pub fn from_slack(
        method: &str,
        code: &str,
        channel: &str,
        needed: Option<String>,
        provided: Option<String>,
        detail: Option<String>,
    ) -> Self {
        let channel = channel.to_owned();
        match code {
            "not_authed" => Self::NotAuthed,
            "invalid_auth" => Self::InvalidAuth,
            "account_inactive" => Self::AccountInactive,
            "token_revoked" => Self::TokenRevoked,
            "channel_not_found" => Self::ChannelNotFound { channel },
            "not_in_channel" => Self::NotInChannel { channel },
            "is_archived" => Self::IsArchived { channel },
            "missing_scope" => {
                Self::MissingScope { needed: needed.unwrap_or_else(|| "(not named)".to_owned()), provided }
            }
            "msg_too_long" => Self::MsgTooLong,
            "ratelimited" | "rate_limited" => Self::RateLimited { retry_after: None, retries: 0 },
            _ => Self::Api { method: method.to_owned(), code: code.to_owned(), detail },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(code: &str) -> ChatError {
        ChatError::from_slack("chat.postMessage", code, "C123", None, None, None)
    }

    #[test]
    fn known_codes_keep_their_code() {
        for code in [
            "not_authed",
            "invalid_auth",
            "account_inactive",
            "token_revoked",
            "channel_not_found",
            "not_in_channel",
            "is_archived",
            "msg_too_long",
            "some_new_code",
        ] {
            assert_eq!(map(code).code(), Some(code), "{code}");
        }
    }

    #[test]
    fn unknown_code_names_method_and_code() {
        let e = map("restricted_action");
        assert!(matches!(e, ChatError::Api { .. }));
        let text = e.to_string();
        assert!(text.contains("chat.postMessage"), "{text}");
        assert!(text.contains("`restricted_action`"), "{text}");
    }

    #[test]
    fn missing_scope_names_the_scope() {
        let e = ChatError::from_slack(
            "files.getUploadURLExternal",
            "missing_scope",
            "C1",
            Some("files:write".into()),
            Some("chat:write".into()),
            None,
        );
        assert!(e.to_string().contains("`files:write`"), "{e}");
        assert!(e.is_config());
    }

    #[test]
    fn transport_errors_have_no_code() {
        let e = ChatError::Timeout { method: "auth.test".into(), seconds: 20 };
        assert_eq!(e.code(), None);
        assert!(!e.is_config());
    }
}
