//! A `CloudTrail` record (the `CloudTrailEvent` JSON string `LookupEvents` returns) read into an
//! [`Event`]: what was done, to which instance or rule, by whom, from where.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use jiff::Timestamp;
use serde_json::Value;

use super::attribute::{via, who};
use super::{Event, What};
use crate::userdata::{DevInfo, Mode, ScriptLine};

/// What the attribution needs from the configuration.
#[derive(Debug, Clone)]
pub struct Context {
    /// The scheduler Lambda's function name (its role session is named after it).
    pub lambda_name: String,
    /// The run script's line, to read dev mode out of recorded user data.
    pub script: Option<ScriptLine>,
}

impl Context {
    /// The context of a configuration.
    pub fn of(cfg: &crate::config::Config) -> Context {
        Context {
            lambda_name: cfg.lambda_name.clone(),
            script: ScriptLine::new(cfg.script_pattern.clone()).ok(),
        }
    }
}

/// Reads one record. `prefer` is the name looked up: a call on several instances reads as a
/// call on that one when it is among them. `id` and `at` are `LookupEvents`' own `EventId` and `EventTime` (used when
/// the record lacks them); `None` for an event not of interest (another call, or a
/// `ModifyInstanceAttribute` of something other than the user data) or a record that is not JSON.
pub fn parse_event(
    record: &str,
    prefer: Option<&str>,
    id: &str,
    at: Option<Timestamp>,
    ctx: &Context,
) -> Option<Event> {
    let v: Value = serde_json::from_str(record).ok()?;
    let text = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or_default();
    let mut what = What::from_event_name(text("eventName"))?;
    let params = v.get("requestParameters").unwrap_or(&Value::Null);
    if what == What::UserData {
        what = user_data_change(params, ctx)?;
    }
    let target = target(what, params, prefer)?;
    let at = text("eventTime").parse::<Timestamp>().ok().or(at)?;
    let identity = v.get("userIdentity").unwrap_or(&Value::Null);
    let error = v.get("errorCode").and_then(Value::as_str).map(str::to_owned);
    let id = match text("eventID") {
        "" => id.to_owned(),
        own => own.to_owned(),
    };
    Some(Event {
        id,
        at,
        what,
        who: who(identity, &ctx.lambda_name),
        via: via(text("userAgent"), text("sourceIPAddress"), text("sessionCredentialFromConsole") == "true"),
        target,
        error,
        pending: false,
    })
}

/// The instance id or rule name a call was made on.
fn target(what: What, params: &Value, prefer: Option<&str>) -> Option<String> {
    let s = |p: &str| params.pointer(p).and_then(Value::as_str).map(str::to_owned);
    match what {
        What::Start | What::Stop => {
            let items = params.pointer("/instancesSet/items").and_then(Value::as_array);
            let ids: Vec<&str> = items
                .into_iter()
                .flatten()
                .filter_map(|i| i.get("instanceId").and_then(Value::as_str))
                .collect();
            let chosen = prefer.filter(|p| ids.contains(p)).or_else(|| ids.first().copied());
            chosen.map(str::to_owned).or_else(|| s("/instanceId"))
        }
        What::DevOn | What::DevOff | What::UserData => s("/instanceId"),
        What::EnableRule | What::DisableRule | What::PutRule => s("/name"),
    }
}

/// The user-data change a `ModifyInstanceAttribute` record shows: dev mode on or off when the
/// value is recorded and readable, [`What::UserData`] when it is hidden; `None` when the call
/// changed another attribute.
fn user_data_change(params: &Value, ctx: &Context) -> Option<What> {
    let value = match params.get("userData") {
        Some(Value::String(s)) => Some(s.as_str()),
        Some(Value::Object(o)) => o.get("value").and_then(Value::as_str),
        Some(_) => None,
        None if params.get("attribute").and_then(Value::as_str) == Some("userData") => {
            params.get("value").and_then(Value::as_str)
        }
        None => return None,
    };
    let mode = value.zip(ctx.script.as_ref()).and_then(|(v, script)| recorded_mode(v, script));
    Some(match mode {
        Some(Mode::Dev) => What::DevOn,
        Some(Mode::Run) => What::DevOff,
        None => What::UserData,
    })
}

/// Dev or run mode of a recorded user-data value: base64 (once or twice over, as the SDK
/// sends the base64 text base64-encoded again); `None` when hidden (`<sensitiveDataRemoved>`)
/// or unreadable.
fn recorded_mode(value: &str, script: &ScriptLine) -> Option<Mode> {
    let once = BASE64.decode(value.trim()).ok()?;
    if let Ok(i) = DevInfo::read(&once, script) {
        return Some(i.mode);
    }
    let text = std::str::from_utf8(&once).ok()?;
    let twice = BASE64.decode(text.trim()).ok()?;
    DevInfo::read(&twice, script).ok().map(|i| i.mode)
}
