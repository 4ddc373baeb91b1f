//! Failures as a check shows them: what was found (the detail) and what to do (the hint).

use crate::chat::ChatError;
use crate::cloud::CloudError;
use crate::github::GithubError;

/// Detail and hint for a failed cloud call.
pub(super) fn cloud_advice(e: &CloudError) -> (String, Option<String>) {
    match e {
        CloudError::AccessDenied { action, .. } => (
            e.to_string(),
            Some(format!("allow {action} in the IAM policy of the credentials the panel uses")),
        ),
        CloudError::Unreachable { .. } | CloudError::NoAnswer { .. } => {
            (e.to_string(), Some("check the network connection, --region and --endpoint-url".into()))
        }
        CloudError::Throttled(code) => (
            format!("AWS is throttling the calls ({code})"),
            Some("wait a minute and run doctor again".into()),
        ),
        // The other messages read "what happened; what to do".
        _ => {
            let text = e.to_string();
            match text.split_once("; ") {
                Some((what, todo)) => (what.to_owned(), Some(todo.to_owned())),
                None => (text, None),
            }
        }
    }
}

/// Detail and hint for a failed Slack call.
pub(super) fn chat_advice(e: &ChatError) -> (String, Option<String>) {
    split_advice(&e.to_string())
}

/// Detail and hint for a failed GitHub call.
pub(super) fn github_advice(e: &GithubError) -> (String, Option<String>) {
    split_advice(&e.to_string())
}

/// Splits "What is wrong (maybe: detail): what to do." at its last `": "` outside
/// parentheses, quotes and backticks. A message without one is all detail.
pub(super) fn split_advice(msg: &str) -> (String, Option<String>) {
    let (mut depth, mut quoted, mut code) = (0i32, false, false);
    let mut cut = None;
    let bytes = msg.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'(' if !quoted && !code => depth += 1,
            b')' if !quoted && !code => depth -= 1,
            b'"' if !code => quoted = !quoted,
            b'`' if !quoted => code = !code,
            b':' if depth == 0 && !quoted && !code && bytes.get(i + 1) == Some(&b' ') => cut = Some(i),
            _ => {}
        }
    }
    match cut {
        Some(i) if !msg[i + 2..].trim().is_empty() => {
            (msg[..i].to_owned(), Some(msg[i + 2..].trim().to_owned()))
        }
        _ => (msg.to_owned(), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slack_messages_split_into_what_and_what_to_do() {
        let (what, todo) = chat_advice(&ChatError::TokenRevoked);
        assert_eq!(what, "The Slack token was revoked");
        assert_eq!(
            todo.as_deref(),
            Some(
                "reinstall the app to the workspace and put its new Bot User OAuth Token in \
                 SLACK_API_TOKEN."
            )
        );
        let (what, todo) = chat_advice(&ChatError::Unreachable {
            detail: "tcp connect error: Connection refused (os error 111)".into(),
        });
        assert_eq!(what, "Slack cannot be reached (tcp connect error: Connection refused (os error 111))");
        assert!(todo.unwrap().starts_with("check the network connection"));
    }

    #[test]
    fn colons_inside_parentheses_quotes_and_code_do_not_split() {
        let (what, todo) = split_advice("GitHub refused access to a/b (HTTP 403: no): check it.");
        assert_eq!(what, "GitHub refused access to a/b (HTTP 403: no)");
        assert_eq!(todo.as_deref(), Some("check it."));
        let (what, todo) = split_advice("The address \"x: y\" is bad");
        assert_eq!((what.as_str(), todo), ("The address \"x: y\" is bad", None));
    }

    #[test]
    fn cloud_errors_get_a_hint_for_their_kind() {
        let (what, todo) = cloud_advice(&CloudError::AccessDenied {
            action: "ec2:StartInstances".into(),
            detail: String::new(),
        });
        assert_eq!(what, "not permitted: ec2:StartInstances");
        assert!(todo.unwrap().contains("allow ec2:StartInstances"));
        let (what, todo) = cloud_advice(&CloudError::NotFound {
            target: "Name=baseline model".into(),
            region: "us-east-1".into(),
        });
        assert_eq!(what, "no instance found for Name=baseline model in us-east-1");
        assert_eq!(todo.as_deref(), Some("check --instance-name/--instance-id and --region"));
        let (_, todo) = cloud_advice(&CloudError::Other("odd".into()));
        assert_eq!(todo, None);
    }
}
