//! What kind of problem a cloud failure is, in stable words a script or a first screen can act
//! on, and its text split into what happened and what to do.

use super::CloudError;

/// What is wrong with the AWS credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialsKind {
    /// None were found anywhere in the SDK's chain (environment, profiles, SSO cache, IMDS).
    Missing,
    /// The SSO session of the profile has expired or was never started.
    SsoExpired,
    /// AWS says the (temporary) credentials have expired.
    Expired,
    /// AWS refused them (unknown key, bad signature).
    Refused,
    /// The provider failed to load them for another reason.
    NotLoaded,
}

/// A credentials problem: its kind and the operator's text (what happened; what to do).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    /// What is wrong.
    pub kind: CredentialsKind,
    /// One line: what happened, then what to do after `; `.
    pub text: String,
}

impl Credentials {
    /// The [`CloudError`] for a credentials problem of `kind`.
    pub fn error(kind: CredentialsKind, text: impl Into<String>) -> CloudError {
        CloudError::Credentials(Credentials { kind, text: text.into() })
    }
}

impl std::fmt::Display for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl CloudError {
    /// A stable word for the kind of problem (`no_credentials`, `sso_expired`, `no_instance`,
    /// `access_denied`, `unreachable`, ...), the `kind` of the `--json` error documents.
    pub fn kind(&self) -> &'static str {
        match self {
            CloudError::NotFound { .. } => "no_instance",
            CloudError::Missing(text) => missing_kind(text),
            CloudError::AccessDenied { .. } => "access_denied",
            CloudError::Credentials(c) => match c.kind {
                CredentialsKind::Missing => "no_credentials",
                CredentialsKind::SsoExpired => "sso_expired",
                CredentialsKind::Expired => "credentials_expired",
                CredentialsKind::Refused => "credentials_refused",
                CredentialsKind::NotLoaded => "credentials_not_loaded",
            },
            CloudError::Unreachable { .. } => "unreachable",
            CloudError::NoAnswer { .. } => "no_answer",
            CloudError::Throttled(_) => "throttled",
            CloudError::ServerError(_) => "server_error",
            CloudError::Unreadable(_) => "unreadable",
            CloudError::WrongState(_) => "wrong_state",
            CloudError::Rejected(_) => "rejected",
            CloudError::Other(_) => "failed",
        }
    }
}

/// `no_rule`, `no_log_group` or `not_found`, from the text of a [`CloudError::Missing`] (or a
/// missing log group's message).
fn missing_kind(text: &str) -> &'static str {
    if !text.contains("` does not exist") {
        "not_found"
    } else if text.starts_with("EventBridge rule `") {
        "no_rule"
    } else if text.starts_with("log group `") {
        "no_log_group"
    } else {
        "not_found"
    }
}

/// The kind of problem a one-line message printed from a [`CloudError`] (or a missing log
/// group) tells, when its words are one of those the cloud errors write; `None` for any other
/// message. The command line has only the message left when it prints its error document.
pub fn kind_of_text(text: &str) -> Option<&'static str> {
    let starts = |p: &str| text.starts_with(p);
    let kind = if starts("no instance found for ") {
        "no_instance"
    } else if text.contains("` does not exist") && (starts("EventBridge rule `") || starts("log group `")) {
        missing_kind(text)
    } else if starts("not permitted: ") {
        "access_denied"
    } else if starts("no AWS credentials found") {
        "no_credentials"
    } else if starts("the SSO session has expired") {
        "sso_expired"
    } else if starts("AWS credentials have expired") {
        "credentials_expired"
    } else if starts("AWS refused the credentials") {
        "credentials_refused"
    } else if starts("the AWS credentials could not be loaded") {
        "credentials_not_loaded"
    } else if starts("cannot reach ") {
        "unreachable"
    } else if starts("no answer from ") {
        "no_answer"
    } else if starts("throttled by AWS") {
        "throttled"
    } else if text.ends_with("; AWS had a problem on its side, try again in a minute") {
        "server_error"
    } else if starts("the answer from ") && text.contains(" could not be read") {
        "unreadable"
    } else {
        return None;
    };
    Some(kind)
}

/// Splits "what happened; what to do" at its last `; ` outside parentheses and backticks
/// (a credential provider's detail in parentheses may hold one; a detail cut short may leave a
/// parenthesis open, and then parentheses are not counted). A message without one is all
/// "what happened".
pub fn split_hint(text: &str) -> (&str, Option<&str>) {
    let (mut depth, mut code) = (0i32, false);
    let (mut outside, mut anywhere) = (None, None);
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'(' if !code => depth += 1,
            b')' if !code => depth -= 1,
            b'`' => code = !code,
            b';' if !code && bytes.get(i + 1) == Some(&b' ') => {
                anywhere = Some(i);
                if depth == 0 {
                    outside = Some(i);
                }
            }
            _ => {}
        }
    }
    let cut = if depth == 0 { outside } else { anywhere };
    match cut {
        Some(i) if !text[i + 2..].trim().is_empty() => (&text[..i], Some(text[i + 2..].trim())),
        _ => (text, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloud::error::{SdkFailure, Stage, classify};

    fn credentials(provider: &str, profile: Option<&str>) -> CloudError {
        classify(&SdkFailure {
            action: "ec2:DescribeInstances".into(),
            credentials: Some(provider.into()),
            stage: Stage::NotSent,
            profile: profile.map(str::to_owned),
            ..Default::default()
        })
    }

    fn coded(code: &str, status: u16) -> CloudError {
        classify(&SdkFailure {
            action: "ec2:DescribeInstances".into(),
            code: Some(code.into()),
            message: Some("m".into()),
            status: Some(status),
            stage: Stage::Answered,
            endpoint: "ec2.us-east-1.amazonaws.com".into(),
            ..Default::default()
        })
    }

    /// One error of every kind the classifier and the backends make.
    fn every_kind() -> Vec<CloudError> {
        vec![
            CloudError::NotFound { target: "Name=baseline model".into(), region: "us-east-1".into() },
            CloudError::Missing(
                "EventBridge rule `R` does not exist in us-east-1; set the right name as `rule` under [schedule] in the config file".into(),
            ),
            CloudError::Missing(crate::logs::missing_group_message(
                crate::logs::Source::Scheduler,
                "/aws/lambda/f",
                "`lambda` under [schedule]",
            )),
            coded("UnauthorizedOperation", 403),
            credentials("not loaded: no provider", None),
            credentials("not loaded: no provider", Some("lab")),
            credentials("failed to load the SSO token: expired", Some("lab")),
            coded("ExpiredToken", 400),
            coded("AuthFailure", 401),
            credentials("provider error: the profile file is malformed", None),
            CloudError::Unreachable { endpoint: "http://127.0.0.1:9".into(), detail: "connection refused".into() },
            CloudError::NoAnswer { endpoint: "http://127.0.0.1:9".into(), detail: "timed out".into() },
            coded("RequestLimitExceeded", 400),
            coded("InternalError", 500),
            classify(&SdkFailure {
                action: "ec2:DescribeInstances".into(),
                stage: Stage::Answered,
                status: Some(200),
                endpoint: "http://127.0.0.1:9".into(),
                ..Default::default()
            }),
        ]
    }

    #[test]
    fn the_printed_message_tells_the_same_kind_as_the_error() {
        let kinds: Vec<&str> = every_kind().iter().map(CloudError::kind).collect();
        assert_eq!(
            kinds,
            [
                "no_instance",
                "no_rule",
                "no_log_group",
                "access_denied",
                "no_credentials",
                "no_credentials",
                "sso_expired",
                "credentials_expired",
                "credentials_refused",
                "credentials_not_loaded",
                "unreachable",
                "no_answer",
                "throttled",
                "server_error",
                "unreadable",
            ]
        );
        for e in every_kind() {
            assert_eq!(kind_of_text(&e.to_string()), Some(e.kind()), "{e}");
        }
        assert_eq!(kind_of_text("cancelled: did not start the box"), None);
        assert_eq!(CloudError::Other("odd".into()).kind(), "failed");
    }

    #[test]
    fn missing_credentials_say_how_to_get_some_or_how_to_try_without() {
        let e = credentials("not loaded: no provider", None);
        let text = e.to_string();
        let (what, todo) = split_hint(&text);
        assert_eq!(what, "no AWS credentials found");
        let todo = todo.unwrap();
        for needle in ["AWS_PROFILE", "--profile", "aws configure", "aws sso login", "--demo"] {
            assert!(todo.contains(needle), "{needle}: {todo}");
        }
    }

    #[test]
    fn a_profile_defined_nowhere_is_said_so() {
        let f = SdkFailure {
            credentials: Some("the credentials provider was not properly configured: ProfileFile provider could not be built: profile `nosuch` was not defined: could not find source profile nosuch".into()),
            stage: Stage::NotSent,
            profile: Some("nosuch".into()),
            ..Default::default()
        };
        let e = classify(&f);
        assert_eq!(e.kind(), "no_credentials");
        let text = e.to_string();
        assert!(
            text.starts_with(
                "no AWS credentials found for the profile `nosuch` (it is not defined in ~/.aws/config"
            ),
            "{text}"
        );
        assert!(text.contains("aws configure --profile nosuch"), "{text}");
    }

    #[test]
    fn the_hint_is_after_the_last_semicolon_outside_parentheses_and_code() {
        assert_eq!(
            split_hint("could not be loaded (a; b); check `x; y`"),
            ("could not be loaded (a; b)", Some("check `x; y`"))
        );
        assert_eq!(
            split_hint("no instance found for Name=a; b in us-east-1; check --region"),
            ("no instance found for Name=a; b in us-east-1", Some("check --region"))
        );
        assert_eq!(split_hint("plain"), ("plain", None));
        assert_eq!(
            split_hint("could not be loaded (cut short…; check the profile"),
            ("could not be loaded (cut short…", Some("check the profile"))
        );
        assert_eq!(split_hint("ends; "), ("ends; ", None));
    }
}
