//! Reading IAM identity policies without asking AWS: may a role do `action` on `resource`?
//!
//! The evaluation follows IAM's rules for identity policies: an explicit `Deny` wins, then any
//! `Allow`, and nothing allowed means denied. `Action`/`NotAction` and `Resource`/`NotResource`
//! are matched with IAM's wildcards (`*` any run of characters, `?` one character; actions
//! ignore case, an ARN is matched segment by segment). What cannot be decided here is said,
//! never guessed: a statement with a `Condition`, a resource with a policy variable (`${…}`),
//! or a document that cannot be read makes the answer [`Verdict::Uncertain`] with the reason.
//!
//! Only the role's own policies are read: an organization's SCPs or a permissions boundary can
//! still deny what they allow (the caller says so).

use serde_json::Value;

/// One policy document as IAM returns it (the text may be URL-encoded, as AWS sends it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyDoc {
    /// Where it comes from, e.g. `managed policy BoxLogs` or `inline policy logs`.
    pub name: String,
    /// The JSON document, plain or URL-encoded.
    pub document: String,
}

/// What the policies say about one action on one resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// An `Allow` without conditions matches, and no `Deny` may match.
    Allowed {
        /// The policy holding the `Allow`.
        by: String,
    },
    /// An unconditional `Deny` matches.
    Denied {
        /// The policy holding the `Deny`.
        by: String,
    },
    /// No statement allows it.
    NotCovered,
    /// The answer depends on something not known here; the reason says what.
    Uncertain {
        /// E.g. "the Allow in managed policy `BoxLogs` has conditions".
        why: String,
    },
}

/// A match that may depend on what is not known here.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Match {
    Yes,
    No,
    Maybe(String),
}

impl Match {
    fn and(self, other: Match) -> Match {
        match (self, other) {
            (Match::No, _) | (_, Match::No) => Match::No,
            (Match::Maybe(why), _) | (_, Match::Maybe(why)) => Match::Maybe(why),
            (Match::Yes, Match::Yes) => Match::Yes,
        }
    }
}

/// Decodes `%XX` escapes (IAM sends documents URL-encoded; moto sends them plain).
fn url_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The document as JSON: plain text starts with `{`, URL-encoded text with `%7B`.
pub(super) fn parse(document: &str) -> Option<Value> {
    let text = document.trim();
    let plain = if text.starts_with('{') { text.to_owned() } else { url_decode(text)? };
    serde_json::from_str(&plain).ok()
}

/// IAM's wildcard match: `*` any run of characters, `?` exactly one.
pub(super) fn glob(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti) = (0, 0);
    let mut back: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            back = Some((pi, ti));
            pi += 1;
        } else if let Some((bp, bt)) = back {
            pi = bp + 1;
            ti = bt + 1;
            back = Some((bp, bt + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// An ARN pattern against an ARN: segment by segment (partition, service, region, account,
/// resource) when the pattern has all six parts, else as one string.
fn arn_matches(pattern: &str, arn: &str) -> Match {
    if pattern.contains("${") {
        return Match::Maybe(format!("uses a policy variable (`{pattern}`)"));
    }
    let p: Vec<&str> = pattern.splitn(6, ':').collect();
    let a: Vec<&str> = arn.splitn(6, ':').collect();
    let hit = if p.len() == 6 && a.len() == 6 {
        p.iter().zip(&a).all(|(p, a)| glob(p, a))
    } else {
        glob(pattern, arn)
    };
    if hit { Match::Yes } else { Match::No }
}

/// A string or a list of strings; `None` for anything else.
pub(super) fn strings(v: &Value) -> Option<Vec<&str>> {
    match v {
        Value::String(s) => Some(vec![s.as_str()]),
        Value::Array(items) => items.iter().map(Value::as_str).collect(),
        _ => None,
    }
}

/// Does the statement's `Action` (or `NotAction`) cover `action`?
fn action_match(s: &Value, action: &str) -> Match {
    let lower = action.to_ascii_lowercase();
    let any = |list: Vec<&str>| list.iter().any(|p| glob(&p.to_ascii_lowercase(), &lower));
    match (s.get("Action").and_then(strings), s.get("NotAction").and_then(strings)) {
        (Some(list), None) => {
            if any(list) {
                Match::Yes
            } else {
                Match::No
            }
        }
        (None, Some(list)) => {
            if any(list) {
                Match::No
            } else {
                Match::Yes
            }
        }
        _ => Match::Maybe("has a statement whose Action cannot be read".into()),
    }
}

/// Does the statement's `Resource` (or `NotResource`) cover `arn`?
fn resource_match(s: &Value, arn: &str) -> Match {
    let over = |list: Vec<&str>| {
        let found: Vec<Match> = list.iter().map(|p| arn_matches(p, arn)).collect();
        if found.contains(&Match::Yes) {
            return Match::Yes;
        }
        found.into_iter().find(|m| matches!(m, Match::Maybe(_))).unwrap_or(Match::No)
    };
    match (s.get("Resource").and_then(strings), s.get("NotResource").and_then(strings)) {
        (Some(list), None) => over(list),
        (None, Some(list)) => match over(list) {
            Match::Yes => Match::No,
            Match::No => Match::Yes,
            maybe @ Match::Maybe(_) => maybe,
        },
        _ => Match::Maybe("has a statement whose Resource cannot be read".into()),
    }
}

/// Whether a statement applies to `action` on `arn`, conditions counting as unknown.
fn applies(s: &Value, action: &str, arn: &str) -> Match {
    let m = action_match(s, action).and(resource_match(s, arn));
    let conditional = s.get("Condition").is_some_and(|c| c.as_object().is_none_or(|o| !o.is_empty()));
    match m {
        Match::Yes if conditional => Match::Maybe("has conditions".into()),
        m => m,
    }
}

/// What `policies` say about `action` on the resource `arn`.
pub fn evaluate(policies: &[PolicyDoc], action: &str, arn: &str) -> Verdict {
    let mut allowed_by: Option<&str> = None;
    let mut allow_doubt: Option<String> = None;
    let mut deny_doubt: Option<String> = None;
    for p in policies {
        let Some(doc) = parse(&p.document) else {
            let why = format!("{} could not be read", p.name);
            allow_doubt.get_or_insert_with(|| why.clone());
            deny_doubt.get_or_insert(why);
            continue;
        };
        let statements: Vec<&Value> = match doc.get("Statement") {
            Some(Value::Array(list)) => list.iter().collect(),
            Some(one @ Value::Object(_)) => vec![one],
            _ => vec![],
        };
        for s in statements {
            let effect = s.get("Effect").and_then(Value::as_str);
            match (effect, applies(s, action, arn)) {
                (_, Match::No) => {}
                (Some("Deny"), Match::Yes) => return Verdict::Denied { by: p.name.clone() },
                (Some("Deny"), Match::Maybe(why)) => {
                    deny_doubt.get_or_insert(format!("a Deny in {} {why}", p.name));
                }
                (Some("Allow"), Match::Yes) => allowed_by = allowed_by.or(Some(&p.name)),
                (Some("Allow"), Match::Maybe(why)) => {
                    allow_doubt.get_or_insert(format!("the Allow in {} {why}", p.name));
                }
                (_, _) => {
                    let why = format!("{} has a statement without a readable Effect", p.name);
                    allow_doubt.get_or_insert_with(|| why.clone());
                    deny_doubt.get_or_insert(why);
                }
            }
        }
    }
    match (allowed_by, deny_doubt, allow_doubt) {
        (Some(by), None, _) => Verdict::Allowed { by: by.to_owned() },
        (Some(_), Some(why), _) | (None, _, Some(why)) => Verdict::Uncertain { why },
        (None, _, None) => Verdict::NotCovered,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STREAM: &str =
        "arn:aws:logs:us-east-1:123456789012:log-group:/baseline-model/run:log-stream:i-0abc";

    fn doc(name: &str, json: &str) -> PolicyDoc {
        PolicyDoc { name: name.into(), document: json.into() }
    }

    fn allow(resource: &str) -> String {
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow",
            "Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":"{resource}"}}]}}"#
        )
    }

    fn verdict(docs: &[PolicyDoc], action: &str) -> Verdict {
        evaluate(docs, action, STREAM)
    }

    #[test]
    fn wildcards_match_like_iam() {
        assert!(glob("logs:*", "logs:PutLogEvents"));
        assert!(glob("logs:Put*Events", "logs:PutLogEvents"));
        assert!(glob("i-0ab?", "i-0abc"));
        assert!(!glob("i-0ab?", "i-0abcd"));
        assert!(glob("*", ""));
        assert!(glob("a*b*c", "a-b-x-c"));
        assert!(!glob("a*b*c", "a-b-x-d"));
        assert_eq!(arn_matches("arn:aws:logs:*:*:log-group:/baseline-model/run*", STREAM), Match::Yes);
        assert_eq!(arn_matches("arn:aws:logs:*:*:*", STREAM), Match::Yes);
        assert_eq!(arn_matches("*", STREAM), Match::Yes);
        assert_eq!(arn_matches("arn:aws:logs:eu-west-1:*:*", STREAM), Match::No);
        assert_eq!(arn_matches("arn:aws:logs:*:*:log-group:/baseline-model/run", STREAM), Match::No);
        assert!(matches!(arn_matches("arn:aws:logs:*:*:log-group:${aws:username}", STREAM), Match::Maybe(_)));
    }

    #[test]
    fn an_allow_covering_the_group_allows_and_actions_ignore_case() {
        let docs = [doc("managed policy BoxLogs", &allow("arn:aws:logs:*:*:log-group:/baseline-model/run*"))];
        assert_eq!(
            verdict(&docs, "logs:PutLogEvents"),
            Verdict::Allowed { by: "managed policy BoxLogs".into() }
        );
        let lower = [doc("p", r#"{"Statement":{"Effect":"Allow","Action":"LOGS:put*","Resource":"*"}}"#)];
        assert_eq!(verdict(&lower, "logs:PutLogEvents"), Verdict::Allowed { by: "p".into() });
    }

    #[test]
    fn an_explicit_deny_wins_over_any_allow() {
        let docs = [
            doc("allow", &allow("*")),
            doc(
                "deny",
                r#"{"Statement":[{"Effect":"Deny","Action":"logs:PutLogEvents","Resource":"arn:aws:logs:*:*:log-group:/baseline-model/*"}]}"#,
            ),
        ];
        assert_eq!(verdict(&docs, "logs:PutLogEvents"), Verdict::Denied { by: "deny".into() });
        assert_eq!(verdict(&docs, "logs:CreateLogStream"), Verdict::Allowed { by: "allow".into() });
    }

    #[test]
    fn another_group_or_another_action_is_not_covered() {
        let docs = [doc("p", &allow("arn:aws:logs:*:*:log-group:/other/run:*"))];
        assert_eq!(verdict(&docs, "logs:PutLogEvents"), Verdict::NotCovered);
        let read =
            [doc("p", r#"{"Statement":[{"Effect":"Allow","Action":"logs:Describe*","Resource":"*"}]}"#)];
        assert_eq!(verdict(&read, "logs:PutLogEvents"), Verdict::NotCovered);
        assert_eq!(verdict(&[], "logs:PutLogEvents"), Verdict::NotCovered);
    }

    #[test]
    fn not_action_and_not_resource_are_read_as_their_opposites() {
        let all_but_iam =
            [doc("p", r#"{"Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]}"#)];
        assert_eq!(verdict(&all_but_iam, "logs:PutLogEvents"), Verdict::Allowed { by: "p".into() });
        let all_but_logs =
            [doc("p", r#"{"Statement":[{"Effect":"Allow","NotAction":"logs:*","Resource":"*"}]}"#)];
        assert_eq!(verdict(&all_but_logs, "logs:PutLogEvents"), Verdict::NotCovered);
        let elsewhere = [doc(
            "p",
            r#"{"Statement":[{"Effect":"Allow","Action":"logs:*","NotResource":"arn:aws:logs:*:*:log-group:/secret*"}]}"#,
        )];
        assert_eq!(verdict(&elsewhere, "logs:PutLogEvents"), Verdict::Allowed { by: "p".into() });
    }

    #[test]
    fn conditions_variables_and_unreadable_documents_are_never_a_yes() {
        let conditional = [doc(
            "p",
            r#"{"Statement":[{"Effect":"Allow","Action":"logs:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}"#,
        )];
        assert_eq!(
            verdict(&conditional, "logs:PutLogEvents"),
            Verdict::Uncertain { why: "the Allow in p has conditions".into() }
        );
        let variable = [doc("p", &allow("arn:aws:logs:*:*:log-group:${aws:PrincipalTag/group}:*"))];
        assert!(
            matches!(verdict(&variable, "logs:PutLogEvents"), Verdict::Uncertain { why } if why.contains("policy variable"))
        );
        let deny_maybe = [
            doc("allow", &allow("*")),
            doc(
                "guard",
                r#"{"Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"#,
            ),
        ];
        assert_eq!(
            verdict(&deny_maybe, "logs:PutLogEvents"),
            Verdict::Uncertain { why: "a Deny in guard has conditions".into() }
        );
        let broken = [doc("allow", &allow("*")), doc("odd", "not json")];
        assert_eq!(
            verdict(&broken, "logs:PutLogEvents"),
            Verdict::Uncertain { why: "odd could not be read".into() }
        );
        let unconditional_deny = [
            doc("odd", "%7Bbroken"),
            doc("deny", r#"{"Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}"#),
        ];
        assert_eq!(verdict(&unconditional_deny, "logs:PutLogEvents"), Verdict::Denied { by: "deny".into() });
    }

    #[test]
    fn url_encoded_documents_as_aws_sends_them_are_read() {
        let encoded = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C\
                       %22Action%22%3A%22logs%3APutLogEvents%22%2C%22Resource%22%3A%22*%22%7D%5D%7D";
        assert_eq!(verdict(&[doc("p", encoded)], "logs:PutLogEvents"), Verdict::Allowed { by: "p".into() });
        assert_eq!(url_decode("%7"), None);
        assert_eq!(url_decode("a%20b"), Some("a b".into()));
    }
}
