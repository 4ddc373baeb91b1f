//! Cloud failures as the operator should read them: one line, what happened and what to do.
//!
//! Classification goes by what happened to the call, read from the SDK's error types: the
//! request never left (no credentials, no connection), it left and no answer came back (timeout,
//! connection closed), or the service answered — with an error code, or with a body that could
//! not be read. Hints (such as the SSO login) come from the credential provider's own error,
//! never from words that happen to appear in an answer's body.

use std::error::Error as StdError;
use std::fmt::Write as _;

use aws_credential_types::provider::error::{CredentialsError, TokenError};
use aws_sdk_ec2::config::http::HttpResponse;
use aws_sdk_ec2::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_types::error::display::DisplayErrorContext;

pub use super::problem::{Credentials, CredentialsKind, kind_of_text, split_hint};

/// A failed cloud call, classified.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CloudError {
    /// Nothing matched the configured id or tag.
    #[error("no instance found for {target} in {region}; check --instance-name/--instance-id and --region")]
    NotFound {
        /// What was searched for.
        target: String,
        /// Where.
        region: String,
    },
    /// A named resource other than the instance does not exist (an `EventBridge` rule, a log
    /// group); the text says which one and where its name is configured.
    #[error("{0}")]
    Missing(String),
    /// The credentials are not allowed to make the call.
    #[error("not permitted: {action}{detail}")]
    AccessDenied {
        /// The IAM action, e.g. `ec2:DescribeInstances`.
        action: String,
        /// Extra detail from AWS, prefixed with ` — `, or empty.
        detail: String,
    },
    /// No credentials could be found, or they were refused: what kind of problem, and the text.
    #[error("{0}")]
    Credentials(Credentials),
    /// The endpoint could not be reached: the request never left (connection refused, DNS, TLS).
    #[error("cannot reach {endpoint}: {detail}")]
    Unreachable {
        /// The endpoint (or the region's default).
        endpoint: String,
        /// Why.
        detail: String,
    },
    /// The request may have reached the service, but no answer came back (timed out, the
    /// connection closed): a write may or may not have been carried out.
    #[error("no answer from {endpoint}: {detail}")]
    NoAnswer {
        /// The endpoint (or the region's default).
        endpoint: String,
        /// Why, e.g. `timed out`.
        detail: String,
    },
    /// AWS asked to slow down.
    #[error("throttled by AWS ({0}); retrying with backoff")]
    Throttled(String),
    /// The service failed on its side (HTTP 5xx): a write may or may not have been carried out.
    #[error("{0}; AWS had a problem on its side, try again in a minute")]
    ServerError(String),
    /// An answer came that is not what AWS sends: its body could not be read.
    #[error("{0}")]
    Unreadable(String),
    /// The instance is in the wrong state for the call.
    #[error("{0}")]
    WrongState(String),
    /// The service refused the call with another error code (nothing was carried out).
    #[error("{0}")]
    Rejected(String),
    /// Anything else.
    #[error("{0}")]
    Other(String),
}

impl CloudError {
    /// True when retrying later may help (the panel keeps polling in any case).
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            CloudError::Unreachable { .. }
                | CloudError::NoAnswer { .. }
                | CloudError::Throttled(_)
                | CloudError::ServerError(_)
        )
    }

    /// True when the error proves the call was not carried out: the service answered with a
    /// refusal, or the request never left. False when it may have been carried out (no answer,
    /// a server error, an unreadable answer, anything unclassified).
    pub fn nothing_done(&self) -> bool {
        matches!(
            self,
            CloudError::NotFound { .. }
                | CloudError::Missing(_)
                | CloudError::AccessDenied { .. }
                | CloudError::Credentials(_)
                | CloudError::Unreachable { .. }
                | CloudError::Throttled(_)
                | CloudError::WrongState(_)
                | CloudError::Rejected(_)
        )
    }
}

/// How far a failed call got.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// The request never left: it could not be built or signed (no credentials).
    NotSent,
    /// The request never left: no connection could be made (refused, DNS, TLS).
    NotConnected,
    /// It may have reached the service, but no answer came back.
    NoAnswer,
    /// The service answered (see [`SdkFailure::status`] and [`SdkFailure::code`]).
    Answered,
    /// Not known.
    #[default]
    Unknown,
}

/// Facts about a failed SDK call, extracted so classification is testable without the SDK.
#[derive(Debug, Default, Clone)]
pub struct SdkFailure {
    /// The IAM action, e.g. `ec2:DescribeInstances`.
    pub action: String,
    /// AWS error code (`UnauthorizedOperation`, `RequestLimitExceeded`, ...), if the service
    /// answered with one.
    pub code: Option<String>,
    /// AWS error message, if any.
    pub message: Option<String>,
    /// The answer's HTTP status, if an answer came.
    pub status: Option<u16>,
    /// How far the call got.
    pub stage: Stage,
    /// The credential (or SSO token) provider's error, when that is what failed.
    pub credentials: Option<String>,
    /// The whole error chain as text (for the log and the transport detail).
    pub chain: String,
    /// Configured profile, for the SSO hint.
    pub profile: Option<String>,
    /// Configured endpoint (or the region's default name).
    pub endpoint: String,
}

/// The first error of type `T` in `err`'s chain of sources.
fn find_source<'a, T: StdError + 'static>(err: &'a (dyn StdError + 'static)) -> Option<&'a T> {
    let mut next = Some(err);
    while let Some(e) = next {
        if let Some(found) = e.downcast_ref::<T>() {
            return Some(found);
        }
        next = e.source();
    }
    None
}

/// The credential provider's error in the chain, as text.
fn credential_error(err: &(dyn StdError + 'static)) -> Option<String> {
    if let Some(e) = find_source::<CredentialsError>(err) {
        let prefix = if matches!(e, CredentialsError::CredentialsNotLoaded(_)) { "not loaded: " } else { "" };
        return Some(format!("{prefix}{}", DisplayErrorContext(e)));
    }
    find_source::<TokenError>(err).map(|e| DisplayErrorContext(e).to_string())
}

/// True when the connection could not be made: the request never left.
fn connect_failed(err: &(dyn StdError + 'static)) -> bool {
    find_source::<hyper_util::client::legacy::Error>(err)
        .is_some_and(hyper_util::client::legacy::Error::is_connect)
}

impl SdkFailure {
    /// Extracts the facts of a failed SDK call (of any AWS service) for `action`; `profile` and
    /// `endpoint` feed the hints of the message.
    pub fn from_sdk<E>(
        action: &str,
        err: &SdkError<E, HttpResponse>,
        profile: Option<&str>,
        endpoint: &str,
    ) -> SdkFailure
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let credentials = credential_error(err);
        let stage = match err {
            SdkError::ConstructionFailure(_) => Stage::NotSent,
            SdkError::DispatchFailure(_) if credentials.is_some() => Stage::NotSent,
            SdkError::DispatchFailure(_) if connect_failed(err) => Stage::NotConnected,
            SdkError::DispatchFailure(_) | SdkError::TimeoutError(_) => Stage::NoAnswer,
            SdkError::ResponseError(_) | SdkError::ServiceError(_) => Stage::Answered,
            _ => Stage::Unknown,
        };
        SdkFailure {
            action: action.into(),
            code: err.code().map(str::to_owned),
            message: err.message().map(str::to_owned),
            status: err.raw_response().map(|r| r.status().as_u16()),
            stage,
            credentials,
            chain: DisplayErrorContext(err).to_string(),
            profile: profile.map(str::to_owned),
            endpoint: endpoint.into(),
        }
    }
}

/// True when a word of `text` starts with `sso` (`SSO`, `sso_start_url`, `SsoCredentials…`),
/// not merely contains it (`association`).
fn mentions_sso(text: &str) -> bool {
    text.split(|c: char| !c.is_ascii_alphanumeric()).any(|w| w.to_ascii_lowercase().starts_with("sso"))
}

/// Turns a failure into a [`CloudError`] with a message that says what to do.
pub fn classify(f: &SdkFailure) -> CloudError {
    let profile = f.profile.as_deref().unwrap_or("default");
    let sso_hint = format!("run `aws sso login --profile {profile}`");
    if let Some(cred) = &f.credentials {
        if mentions_sso(cred) {
            return Credentials::error(
                CredentialsKind::SsoExpired,
                format!("the SSO session has expired or is missing; {sso_hint}"),
            );
        }
        // The provider's own words for a profile named but found nowhere.
        if let (Some(p), true) = (&f.profile, cred.contains("was not defined")) {
            return Credentials::error(
                CredentialsKind::Missing,
                format!(
                    "no AWS credentials found for the profile `{p}` (it is not defined in ~/.aws/config or ~/.aws/credentials); run `aws configure --profile {p}` or `aws configure sso --profile {p}`, or name another with --profile"
                ),
            );
        }
        if cred.starts_with("not loaded: ") {
            // A profile was named: telling the operator to set one would send them in circles.
            return Credentials::error(CredentialsKind::Missing, match &f.profile {
                Some(p) => format!(
                    "no AWS credentials found for the profile `{p}` (is it in ~/.aws/config or ~/.aws/credentials?); run `aws configure --profile {p}` or `aws sso login --profile {p}`"
                ),
                None => "no AWS credentials found; set AWS_PROFILE (or --profile), run `aws configure` or `aws sso login`, or try the panel on a simulated box with --demo"
                    .into(),
            });
        }
        return Credentials::error(
            CredentialsKind::NotLoaded,
            format!(
                "the AWS credentials could not be loaded ({}); check the profile `{profile}` or the AWS_* variables",
                first_line(cred)
            ),
        );
    }
    if let Some(code) = f.code.as_deref() {
        let msg = f.message.clone().unwrap_or_default();
        return match code {
            "UnauthorizedOperation" | "AccessDenied" | "AccessDeniedException" | "AuthorizationError" => {
                let mut detail = String::new();
                if !msg.is_empty() && !msg.contains("Encoded authorization failure message") {
                    let _ = write!(detail, " — {}", first_line(&msg));
                }
                CloudError::AccessDenied { action: f.action.clone(), detail }
            }
            "AuthFailure"
            | "InvalidClientTokenId"
            | "UnrecognizedClientException"
            | "SignatureDoesNotMatch"
            | "IncompleteSignature" => Credentials::error(
                CredentialsKind::Refused,
                format!(
                    "AWS refused the credentials ({code}); check the profile `{profile}` or the AWS_* variables"
                ),
            ),
            "ExpiredToken" | "ExpiredTokenException" | "RequestExpired" | "TokenRefreshRequired" => {
                Credentials::error(
                    CredentialsKind::Expired,
                    format!("AWS credentials have expired; {sso_hint} (or refresh them)"),
                )
            }
            "RequestLimitExceeded" | "Throttling" | "ThrottlingException" | "TooManyRequestsException" => {
                CloudError::Throttled(code.to_string())
            }
            "IncorrectInstanceState" | "IncorrectState" => CloudError::WrongState(first_line(&msg)),
            c if c.starts_with("InvalidInstanceID") => CloudError::NotFound {
                target: f.message.clone().unwrap_or_else(|| c.to_string()),
                region: String::new(),
            },
            _ => {
                let text = if msg.is_empty() {
                    format!("{} failed: {code}", f.action)
                } else {
                    format!("{} failed: {code}: {}", f.action, first_line(&msg))
                };
                match f.status {
                    Some(s) if s >= 500 => CloudError::ServerError(text),
                    _ => CloudError::Rejected(text),
                }
            }
        };
    }
    let detail = transport_detail(&f.chain.to_ascii_lowercase());
    match f.stage {
        Stage::Answered => match f.status {
            Some(s) if s >= 500 => CloudError::ServerError(format!("{} failed: HTTP {s}", f.action)),
            status => CloudError::Unreadable(format!(
                "the answer from {} to {} could not be read{}: it is not what AWS sends (a proxy, a captive portal or a wrong --endpoint-url?)",
                f.endpoint,
                f.action,
                status.map(|s| format!(" (HTTP {s})")).unwrap_or_default()
            )),
        },
        Stage::NotConnected => CloudError::Unreachable { endpoint: f.endpoint.clone(), detail },
        Stage::NoAnswer => CloudError::NoAnswer { endpoint: f.endpoint.clone(), detail },
        _ => CloudError::Other(format!("{} failed: {}", f.action, first_line(&f.chain))),
    }
}

fn transport_detail(chain: &str) -> String {
    for (needle, text) in [
        ("connection refused", "connection refused"),
        ("dns error", "DNS lookup failed"),
        ("failed to lookup address", "DNS lookup failed"),
        ("timed out", "timed out"),
        ("timeout", "timed out"),
        ("certificate", "TLS certificate problem"),
        ("connection reset", "connection reset"),
        ("connection closed", "the connection closed before an answer came"),
        ("incomplete", "the connection closed before an answer came"),
    ] {
        if chain.contains(needle) {
            return text.into();
        }
    }
    "network error".into()
}

fn first_line(s: &str) -> String {
    let line = s.lines().next().unwrap_or("").trim();
    if line.chars().count() > 200 {
        line.chars().take(200).collect::<String>() + "…"
    } else {
        line.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(code: &str, message: &str) -> SdkFailure {
        SdkFailure {
            action: "ec2:DescribeInstances".into(),
            code: Some(code.into()),
            message: Some(message.into()),
            endpoint: "ec2.us-east-1.amazonaws.com".into(),
            ..Default::default()
        }
    }

    #[test]
    fn access_denied_names_the_action() {
        let e =
            classify(&service("UnauthorizedOperation", "You are not authorized to perform this operation."));
        assert_eq!(
            e.to_string(),
            "not permitted: ec2:DescribeInstances — You are not authorized to perform this operation."
        );
    }

    #[test]
    fn throttling_is_transient() {
        let e = classify(&service("RequestLimitExceeded", "Request limit exceeded."));
        assert!(matches!(e, CloudError::Throttled(_)));
        assert!(e.is_transient());
    }

    #[test]
    fn expired_token_points_at_sso_login_for_the_profile() {
        let mut f = service("ExpiredToken", "The security token included in the request is expired");
        f.profile = Some("lab".into());
        assert!(classify(&f).to_string().contains("aws sso login --profile lab"));
    }

    #[test]
    fn sso_provider_failure_points_at_sso_login() {
        let f = SdkFailure {
            action: "ec2:DescribeInstances".into(),
            credentials: Some("failed to load SSO token: the SSO token has expired".into()),
            stage: Stage::NotSent,
            profile: Some("lab".into()),
            ..Default::default()
        };
        let e = classify(&f);
        assert!(matches!(e, CloudError::Credentials(_)));
        assert!(e.to_string().contains("aws sso login --profile lab"), "{e}");
        assert!(e.nothing_done());
    }

    #[test]
    fn missing_credentials() {
        let f = SdkFailure {
            credentials: Some("not loaded: the credential provider was not enabled".into()),
            stage: Stage::NotSent,
            ..Default::default()
        };
        assert!(classify(&f).to_string().starts_with("no AWS credentials found; set AWS_PROFILE"));
        // With a profile named (AWS_PROFILE or --profile), the message names it.
        let named = SdkFailure { profile: Some("lab".into()), ..f };
        let text = classify(&named).to_string();
        assert!(text.starts_with("no AWS credentials found for the profile `lab`"), "{text}");
        assert!(!text.contains("set AWS_PROFILE") && text.contains("aws sso login --profile lab"), "{text}");
    }

    #[test]
    fn an_unreadable_answer_is_no_credential_problem_whatever_words_it_holds() {
        // A DescribeInstances answer cut in half: its words (association, clientToken, expired)
        // reach the chain through the parser's message.
        let f = SdkFailure {
            action: "ec2:DescribeInstances".into(),
            stage: Stage::Answered,
            status: Some(200),
            chain: "unhandled error (Unhandled): invalid XML near <association><ipOwnerId>amazon                     </ipOwnerId></association><clientToken>ABCDE</clientToken> token expired, credentials cache"
                .into(),
            profile: Some("lab".into()),
            endpoint: "http://127.0.0.1:5000".into(),
            ..Default::default()
        };
        let e = classify(&f);
        assert!(matches!(e, CloudError::Unreadable(_)), "{e:?}");
        let text = e.to_string();
        assert!(!text.contains("sso") && !text.contains("credential"), "{text}");
        assert!(
            text.starts_with(
                "the answer from http://127.0.0.1:5000 to ec2:DescribeInstances could not be read (HTTP 200)"
            ),
            "{text}"
        );
        assert!(!e.nothing_done(), "an unreadable answer to a write proves nothing");
        assert!(!mentions_sso("association clientToken"));
        assert!(mentions_sso("SsoCredentialsProvider: failed to load the SSO token"));
    }

    #[test]
    fn refused_connection_is_unreachable() {
        let f = SdkFailure {
            action: "ec2:DescribeInstances".into(),
            chain: "dispatch failure: io error: client error (Connect): tcp connect error: Connection refused (os error 111)".into(),
            stage: Stage::NotConnected,
            endpoint: "http://127.0.0.1:9".into(),
            ..Default::default()
        };
        let e = classify(&f);
        assert_eq!(e.to_string(), "cannot reach http://127.0.0.1:9: connection refused");
        assert!(e.nothing_done());
    }

    #[test]
    fn no_answer_and_server_errors_leave_a_write_open() {
        let f = SdkFailure {
            action: "ec2:ModifyInstanceAttribute".into(),
            chain: "dispatch failure: other: connection closed before message completed".into(),
            stage: Stage::NoAnswer,
            endpoint: "http://127.0.0.1:9".into(),
            ..Default::default()
        };
        let e = classify(&f);
        assert_eq!(
            e.to_string(),
            "no answer from http://127.0.0.1:9: the connection closed before an answer came"
        );
        assert!(!e.nothing_done() && e.is_transient());
        let mut f = service("InternalError", "An internal error has occurred.");
        f.status = Some(500);
        let e = classify(&f);
        assert!(matches!(e, CloudError::ServerError(_)), "{e:?}");
        assert!(!e.nothing_done() && e.is_transient());
        let mut f = service("InvalidUserData.Malformed", "Invalid BASE64 encoding of user data.");
        f.status = Some(400);
        assert!(classify(&f).nothing_done(), "a 4xx code is a refusal");
    }

    #[test]
    fn unknown_code_keeps_code_and_first_line() {
        let e = classify(&service("Weird", "line one\nline two"));
        assert_eq!(e.to_string(), "ec2:DescribeInstances failed: Weird: line one");
    }
}
