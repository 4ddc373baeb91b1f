//! Reading a role's trust policy: may a service (`scheduler.amazonaws.com`) assume the role?
//!
//! An `Allow` of `sts:AssumeRole` whose `Principal` names the service trusts it; an
//! unconditional `Deny` that matches wins. The one condition AWS documents for the Scheduler,
//! `aws:SourceAccount` equal to the role's own account, keeps the trust; any other condition
//! (or `NotPrincipal`) makes the answer [`Verdict::Uncertain`] with the reason, never a yes.

use serde_json::Value;

use super::policy::{Verdict, glob, parse, strings};

/// The action a service calls to take on the role.
const ASSUME: &str = "sts:assumerole";

/// Does the statement's `Action` (or `NotAction`) cover `sts:AssumeRole`? `None`: unreadable.
fn covers_assume(s: &Value) -> Option<bool> {
    let any = |list: Vec<&str>| list.iter().any(|p| glob(&p.to_ascii_lowercase(), ASSUME));
    match (s.get("Action").and_then(strings), s.get("NotAction").and_then(strings)) {
        (Some(list), None) => Some(any(list)),
        (None, Some(list)) => Some(!any(list)),
        _ => None,
    }
}

/// The service principals a statement names (`"*"` for anyone).
fn services(s: &Value) -> Vec<&str> {
    match s.get("Principal") {
        Some(Value::String(star)) if star == "*" => vec!["*"],
        Some(p) => p.get("Service").and_then(strings).unwrap_or_default(),
        None => vec![],
    }
}

/// Whether a statement's conditions keep it applying to the service's calls for `account`:
/// `Ok(())` without conditions or with only `aws:SourceAccount` = `account`, else the reason.
fn conditions_hold(s: &Value, account: &str) -> Result<(), String> {
    let Some(condition) = s.get("Condition") else { return Ok(()) };
    let Some(operators) = condition.as_object() else {
        return Err("has a condition that cannot be read".into());
    };
    for (operator, keys) in operators {
        let Some(keys) = keys.as_object() else {
            return Err(format!("has a {operator} condition that cannot be read"));
        };
        for (key, values) in keys {
            let plain = matches!(operator.as_str(), "StringEquals" | "StringLike");
            if !plain || !key.eq_ignore_ascii_case("aws:SourceAccount") {
                return Err(format!("has a condition ({operator} on {key})"));
            }
            let values = strings(values).unwrap_or_default();
            let like = operator == "StringLike";
            if !values.iter().any(|v| if like { glob(v, account) } else { *v == account }) {
                return Err(format!(
                    "lets the service in only for account {} (aws:SourceAccount), not {account}",
                    values.join(", ")
                ));
            }
        }
    }
    Ok(())
}

/// What the trust policy `document` says about `service` assuming the role of `account`.
/// `Allowed`/`Denied` name "its trust policy".
pub(super) fn trusts(document: &str, service: &str, account: &str) -> Verdict {
    let by = || "its trust policy".to_owned();
    let Some(doc) = parse(document) else {
        return Verdict::Uncertain { why: "its trust policy could not be read".into() };
    };
    let statements: Vec<&Value> = match doc.get("Statement") {
        Some(Value::Array(list)) => list.iter().collect(),
        Some(one @ Value::Object(_)) => vec![one],
        _ => vec![],
    };
    let (mut allowed, mut doubt) = (false, None::<String>);
    for s in statements {
        if s.get("NotPrincipal").is_some() {
            doubt.get_or_insert_with(|| "its trust policy uses NotPrincipal".into());
            continue;
        }
        let named = services(s).iter().any(|p| *p == "*" || p.eq_ignore_ascii_case(service));
        match covers_assume(s) {
            None => {
                doubt.get_or_insert_with(|| {
                    "its trust policy has a statement whose Action cannot be read".into()
                });
                continue;
            }
            Some(false) => continue,
            Some(true) if !named => continue,
            Some(true) => {}
        }
        let effect = s.get("Effect").and_then(Value::as_str);
        match (effect, conditions_hold(s, account)) {
            (Some("Deny"), Ok(())) => return Verdict::Denied { by: by() },
            (Some("Allow"), Ok(())) => allowed = true,
            (Some("Allow" | "Deny"), Err(why)) => {
                let effect = effect.unwrap_or_default();
                doubt.get_or_insert(format!("the {effect} for {service} in its trust policy {why}"));
            }
            _ => {
                doubt.get_or_insert_with(|| {
                    "its trust policy has a statement without a readable Effect".into()
                });
            }
        }
    }
    match (allowed, doubt) {
        (true, None) => Verdict::Allowed { by: by() },
        (_, Some(why)) => Verdict::Uncertain { why },
        (false, None) => Verdict::NotCovered,
    }
}

/// The principals the trust policy lets assume the role (services, accounts, users), for
/// saying whom a role trusts instead.
pub(super) fn trusted(document: &str) -> Vec<String> {
    let Some(doc) = parse(document) else { return vec![] };
    let statements: Vec<&Value> = match doc.get("Statement") {
        Some(Value::Array(list)) => list.iter().collect(),
        Some(one @ Value::Object(_)) => vec![one],
        _ => vec![],
    };
    let mut found = Vec::new();
    for s in statements.iter().filter(|s| s.get("Effect").and_then(Value::as_str) == Some("Allow")) {
        match s.get("Principal") {
            Some(Value::String(star)) => found.push(star.clone()),
            Some(Value::Object(kinds)) => {
                for values in kinds.values() {
                    found.extend(strings(values).unwrap_or_default().into_iter().map(str::to_owned));
                }
            }
            _ => {}
        }
    }
    found.dedup();
    found
}

#[cfg(test)]
#[path = "trust_tests.rs"]
mod tests;
