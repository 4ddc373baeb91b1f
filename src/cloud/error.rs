//! Cloud failures as the operator should read them: one line, what happened and what to do.

use std::fmt::Write as _;

use aws_sdk_ec2::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_types::error::display::DisplayErrorContext;

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
    /// A named resource other than the instance does not exist (an EventBridge rule, a log
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
    /// No credentials could be found, or they were refused.
    #[error("{0}")]
    Credentials(String),
    /// The endpoint could not be reached.
    #[error("cannot reach {endpoint}: {detail}")]
    Unreachable {
        /// The endpoint (or the region's default).
        endpoint: String,
        /// Why.
        detail: String,
    },
    /// AWS asked to slow down.
    #[error("throttled by AWS ({0}); retrying with backoff")]
    Throttled(String),
    /// The instance is in the wrong state for the call.
    #[error("{0}")]
    WrongState(String),
    /// Anything else, with the AWS error code when there is one.
    #[error("{0}")]
    Other(String),
}

impl CloudError {
    /// True when retrying later may help (the panel keeps polling in any case).
    pub fn is_transient(&self) -> bool {
        matches!(self, CloudError::Unreachable { .. } | CloudError::Throttled(_))
    }
}

/// Facts about a failed SDK call, extracted so classification is testable without the SDK.
#[derive(Debug, Default, Clone)]
pub struct Failure {
    /// The IAM action, e.g. `ec2:DescribeInstances`.
    pub action: String,
    /// AWS error code (`UnauthorizedOperation`, `RequestLimitExceeded`, ...), if the service answered.
    pub code: Option<String>,
    /// AWS error message, if any.
    pub message: Option<String>,
    /// The whole error chain as text (transport and credential failures live here).
    pub chain: String,
    /// The request never reached the service (DNS, connect, TLS, timeout).
    pub transport: bool,
    /// Configured profile, for the SSO hint.
    pub profile: Option<String>,
    /// Configured endpoint (or the region's default name).
    pub endpoint: String,
}

impl Failure {
    /// Extracts the facts of a failed SDK call (of any AWS service) for `action`; `profile` and
    /// `endpoint` feed the hints of the message.
    pub fn from_sdk<E, R>(
        action: &str,
        err: &SdkError<E, R>,
        profile: Option<&str>,
        endpoint: &str,
    ) -> Failure
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
        R: std::fmt::Debug,
    {
        Failure {
            action: action.into(),
            code: err.code().map(str::to_owned),
            message: err.message().map(str::to_owned),
            chain: DisplayErrorContext(err).to_string(),
            transport: matches!(err, SdkError::DispatchFailure(_) | SdkError::TimeoutError(_)),
            profile: profile.map(str::to_owned),
            endpoint: endpoint.into(),
        }
    }
}

/// Turns a failure into a [`CloudError`] with a message that says what to do.
pub fn classify(f: &Failure) -> CloudError {
    let chain = f.chain.to_ascii_lowercase();
    let profile = f.profile.as_deref().unwrap_or("default");
    let sso_hint = format!("run `aws sso login --profile {profile}`");
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
            | "IncompleteSignature" => CloudError::Credentials(format!(
                "AWS refused the credentials ({code}); check the profile `{profile}` or the AWS_* variables"
            )),
            "ExpiredToken" | "ExpiredTokenException" | "RequestExpired" | "TokenRefreshRequired" => {
                CloudError::Credentials(format!("AWS credentials have expired; {sso_hint} (or refresh them)"))
            }
            "RequestLimitExceeded" | "Throttling" | "ThrottlingException" | "TooManyRequestsException" => {
                CloudError::Throttled(code.to_string())
            }
            "IncorrectInstanceState" | "IncorrectState" => CloudError::WrongState(first_line(&msg)),
            c if c.starts_with("InvalidInstanceID") => CloudError::NotFound {
                target: f.message.clone().unwrap_or_else(|| c.to_string()),
                region: String::new(),
            },
            _ if msg.is_empty() => CloudError::Other(format!("{} failed: {code}", f.action)),
            _ => CloudError::Other(format!("{} failed: {code}: {}", f.action, first_line(&msg))),
        };
    }
    if chain.contains("sso")
        && (chain.contains("expired") || chain.contains("token") || chain.contains("cache"))
    {
        return CloudError::Credentials(format!("the SSO session has expired or is missing; {sso_hint}"));
    }
    if chain.contains("credential") {
        return CloudError::Credentials(
            "no AWS credentials found; set AWS_PROFILE (or --profile), run `aws configure`, or `aws sso login`"
                .into(),
        );
    }
    if f.transport
        || chain.contains("dispatch failure")
        || chain.contains("connection refused")
        || chain.contains("dns error")
        || chain.contains("timed out")
    {
        return CloudError::Unreachable { endpoint: f.endpoint.clone(), detail: transport_detail(&chain) };
    }
    CloudError::Other(format!("{} failed: {}", f.action, first_line(&f.chain)))
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

    fn service(code: &str, message: &str) -> Failure {
        Failure {
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
    fn sso_cache_failure_without_service_answer() {
        let f = Failure {
            action: "ec2:DescribeInstances".into(),
            chain: "dispatch failure: failed to load SSO token: the SSO token has expired".into(),
            profile: Some("lab".into()),
            ..Default::default()
        };
        let e = classify(&f);
        assert!(matches!(e, CloudError::Credentials(_)));
        assert!(e.to_string().contains("aws sso login --profile lab"), "{e}");
    }

    #[test]
    fn missing_credentials() {
        let f = Failure {
            chain: "failed to construct request: no credentials in the property bag".into(),
            ..Default::default()
        };
        assert!(classify(&f).to_string().starts_with("no AWS credentials found"));
    }

    #[test]
    fn refused_connection_is_unreachable() {
        let f = Failure {
            action: "ec2:DescribeInstances".into(),
            chain: "dispatch failure: io error: Connection refused (os error 111)".into(),
            transport: true,
            endpoint: "http://127.0.0.1:9".into(),
            ..Default::default()
        };
        assert_eq!(classify(&f).to_string(), "cannot reach http://127.0.0.1:9: connection refused");
    }

    #[test]
    fn unknown_code_keeps_code_and_first_line() {
        let e = classify(&service("Weird", "line one\nline two"));
        assert_eq!(e.to_string(), "ec2:DescribeInstances failed: Weird: line one");
    }
}
