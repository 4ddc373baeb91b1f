//! Attribution: who made a call and from where, read from a `CloudTrail` record's
//! `userIdentity`, `userAgent` and `sourceIPAddress`. Pure functions, no I/O.

use serde_json::Value;

use super::APP_NAME;

/// Who made a call.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Who {
    /// The scheduler Lambda (its role's session is named after the function).
    Schedule {
        /// The function name, e.g. `start-baseline-instance`.
        function: String,
    },
    /// A person signed in through IAM Identity Center (an `AWSReservedSSO_…` role): the session
    /// name, which is the person's user name or e-mail address.
    Person(String),
    /// An IAM user.
    User(String),
    /// The account's root user.
    Root,
    /// Another role's session.
    Role {
        /// The role's name.
        role: String,
        /// The session name.
        session: String,
    },
    /// An AWS service on the account's behalf (e.g. `events.amazonaws.com`).
    Service(String),
    /// The record does not say (the reason).
    Unknown(String),
}

impl Who {
    /// In full, for the feed: `the schedule (start-baseline-instance)`, `alice@lab.org`, `root`.
    pub fn label(&self) -> String {
        match self {
            Who::Schedule { function } => format!("the schedule ({function})"),
            Who::Person(p) | Who::User(p) => p.clone(),
            Who::Root => "root".into(),
            Who::Role { role, session } => format!("{role}/{session}"),
            Who::Service(s) => s.clone(),
            Who::Unknown(why) => format!("unknown ({why})"),
        }
    }

    /// In short, for the badge: a person's name without the e-mail domain, `the schedule`.
    pub fn short(&self) -> String {
        match self {
            Who::Schedule { .. } => "the schedule".into(),
            Who::Person(p) | Who::User(p) => p.split('@').next().unwrap_or(p).to_owned(),
            Who::Role { session, .. } => session.clone(),
            Who::Unknown(_) => "unknown".into(),
            other => other.label(),
        }
    }

    /// A stable word for `--json`: `schedule`, `person`, `iam_user`, `root`, `role`,
    /// `service`, `unknown`.
    pub fn key(&self) -> &'static str {
        match self {
            Who::Schedule { .. } => "schedule",
            Who::Person(_) => "person",
            Who::User(_) => "iam_user",
            Who::Root => "root",
            Who::Role { .. } => "role",
            Who::Service(_) => "service",
            Who::Unknown(_) => "unknown",
        }
    }
}

/// Where a call came from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Via {
    /// The AWS console.
    Console,
    /// The AWS CLI.
    Cli,
    /// This panel (its user agent carries `app/baseline-panel`).
    Panel,
    /// Another program on an AWS SDK (a Lambda function, a script): the SDK's name.
    Sdk(String),
    /// An AWS service (e.g. `events.amazonaws.com`).
    Service(String),
    /// The record does not say.
    Unknown,
}

impl Via {
    /// In words: `console`, `AWS CLI`, `this panel`, `SDK (Boto3)`.
    pub fn label(&self) -> String {
        match self {
            Via::Console => "console".into(),
            Via::Cli => "AWS CLI".into(),
            Via::Panel => "this panel".into(),
            Via::Sdk(s) => format!("SDK ({s})"),
            Via::Service(s) => s.clone(),
            Via::Unknown => "unknown".into(),
        }
    }

    /// A stable word for `--json`: `console`, `cli`, `panel`, `sdk`, `service`, `unknown`.
    pub fn key(&self) -> &'static str {
        match self {
            Via::Console => "console",
            Via::Cli => "cli",
            Via::Panel => "panel",
            Via::Sdk(_) => "sdk",
            Via::Service(_) => "service",
            Via::Unknown => "unknown",
        }
    }
}

/// The role prefix IAM Identity Center gives the roles of its permission sets.
const SSO_ROLE_PREFIX: &str = "AWSReservedSSO_";

/// `(role, session)` of an assumed-role ARN: `arn:aws:sts::123:assumed-role/<role>/<session>`.
pub fn assumed_role(arn: &str) -> Option<(&str, &str)> {
    let rest = arn.split_once(":assumed-role/")?.1;
    let (role, session) = rest.split_once('/')?;
    (!role.is_empty() && !session.is_empty()).then_some((role, session))
}

/// Who made the call recorded with `identity` (`userIdentity`), given the scheduler Lambda's
/// function name: its role session (named after the function) is the schedule; an Identity
/// Center role's session is the person; an IAM user is its name; root is root.
pub fn who(identity: &Value, lambda_name: &str) -> Who {
    let text = |k: &str| identity.get(k).and_then(Value::as_str).unwrap_or_default();
    match text("type") {
        "Root" => Who::Root,
        "IAMUser" => match text("userName") {
            "" => Who::Unknown("an IAM user without a name in the record".into()),
            name => Who::User(name.to_owned()),
        },
        "AssumedRole" => {
            let issuer = identity.pointer("/sessionContext/sessionIssuer/userName").and_then(Value::as_str);
            let Some((role, session)) = assumed_role(text("arn")) else {
                return Who::Unknown("an assumed role without its session in the record".into());
            };
            let role = issuer.unwrap_or(role);
            if session == lambda_name {
                Who::Schedule { function: session.to_owned() }
            } else if role.starts_with(SSO_ROLE_PREFIX) {
                Who::Person(session.to_owned())
            } else {
                Who::Role { role: role.to_owned(), session: session.to_owned() }
            }
        }
        "AWSService" => Who::Service(text("invokedBy").to_owned()),
        "" => Who::Unknown("no userIdentity in the record".into()),
        other => Who::Unknown(format!("identity type {other}")),
    }
}

/// Where the call came from, read from the record's `userAgent` and `sourceIPAddress`, and
/// its `sessionCredentialFromConsole` (`from_console`).
pub fn via(user_agent: &str, source_ip: &str, from_console: bool) -> Via {
    let ua = user_agent.trim();
    if ua.contains(&format!("app/{APP_NAME}")) {
        return Via::Panel;
    }
    if ua.starts_with("aws-cli/") || ua.contains(" aws-cli/") {
        return Via::Cli;
    }
    let console_host = |s: &str| {
        s.starts_with("signin.amazonaws.com") || (s.starts_with("console.") && s.contains("amazonaws.com"))
    };
    if from_console || console_host(ua) || console_host(source_ip) || ua == "AWS Internal" {
        return Via::Console;
    }
    if ua.ends_with(".amazonaws.com") && !ua.contains(' ') {
        return Via::Service(ua.to_owned());
    }
    if source_ip.ends_with(".amazonaws.com") {
        return Via::Service(source_ip.to_owned());
    }
    if let Some(sdk) = sdk_name(ua) {
        return Via::Sdk(sdk);
    }
    Via::Unknown
}

/// The SDK named by a user agent: `Boto3`, `aws-sdk-rust`, `aws-sdk-java`, ...
fn sdk_name(ua: &str) -> Option<String> {
    let first = ua.split_whitespace().next()?;
    let name = first.split('/').next()?;
    let known = name.eq_ignore_ascii_case("boto3")
        || name.eq_ignore_ascii_case("botocore")
        || name.starts_with("aws-sdk-")
        || name.starts_with("aws-internal");
    known.then(|| name.to_owned())
}
