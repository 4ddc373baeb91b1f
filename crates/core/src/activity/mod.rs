//! Who did what to the box and its schedule: the one place that reads `CloudTrail`'s event
//! history (`LookupEvents`) and says, for each start, stop, dev-mode switch and rule change,
//! when it happened, who did it (a person, the schedule's Lambda, root) and from where (the
//! console, the AWS CLI, this panel, another SDK).
//!
//! `CloudTrail` delivers events minutes late (up to about [`CLOUDTRAIL_DELAY`]): every surface
//! says "as of …", and the panel's own actions are merged in at once ([`merge`]), marked as
//! such until `CloudTrail`'s copy arrives. The attribution rules are pure functions
//! ([`attribute`]); the AWS and demo sources sit behind [`ActivityLog`].

pub mod attribute;
pub mod aws;
pub mod demo;
pub mod json;
pub mod parse;
#[cfg(test)]
mod tests;

use async_trait::async_trait;
use jiff::{SignedDuration, Timestamp};

use crate::cloud::CloudError;

pub use attribute::{Via, Who};
pub use aws::AwsActivity;
pub use demo::DemoActivity;
pub use parse::{Context, parse_event};

/// The name the panel's SDK calls carry in their user agent (`app/baseline-panel`), so that
/// `CloudTrail` shows which calls came from this panel.
pub const APP_NAME: &str = "baseline-panel";

/// How late `CloudTrail` may deliver an event (AWS says: typically within 15 minutes).
pub const CLOUDTRAIL_DELAY: SignedDuration = SignedDuration::from_mins(15);

/// How far back the feed looks by default (the `activity` command and the pane).
pub const DEFAULT_SPAN: SignedDuration = SignedDuration::from_hours(7 * 24);

/// `CloudTrail` keeps 90 days of management events: nothing older can be asked for.
pub const HISTORY_LIMIT: SignedDuration = SignedDuration::from_hours(90 * 24);

/// How long a panel action waits for `CloudTrail`'s copy to be taken as its copy: the copy is
/// stamped when AWS received the call, which is at most this long before the panel heard back.
const SAME_CALL_WINDOW: SignedDuration = SignedDuration::from_mins(2);

/// What was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum What {
    /// `StartInstances`.
    Start,
    /// `StopInstances`.
    Stop,
    /// `ModifyInstanceAttribute` with user data whose script line is commented out.
    DevOn,
    /// `ModifyInstanceAttribute` with user data whose script line is active.
    DevOff,
    /// `ModifyInstanceAttribute` on the user data, without the value (`CloudTrail` hides it):
    /// dev mode switched one way or the other, or another edit.
    UserData,
    /// `EnableRule`.
    EnableRule,
    /// `DisableRule`.
    DisableRule,
    /// `PutRule`: the rule created or its schedule changed.
    PutRule,
}

impl What {
    /// The event of interest named `name` (`CloudTrail`'s `eventName`), if it is one; a
    /// `ModifyInstanceAttribute` reads as [`What::UserData`] until its parameters say more.
    pub fn from_event_name(name: &str) -> Option<What> {
        Some(match name {
            "StartInstances" => What::Start,
            "StopInstances" => What::Stop,
            "ModifyInstanceAttribute" => What::UserData,
            "EnableRule" => What::EnableRule,
            "DisableRule" => What::DisableRule,
            "PutRule" => What::PutRule,
            _ => return None,
        })
    }

    /// In words, for the pane and the command: `started the box`, `dev mode on`, ...
    pub fn label(self) -> &'static str {
        match self {
            What::Start => "started the box",
            What::Stop => "stopped the box",
            What::DevOn => "dev mode on",
            What::DevOff => "dev mode off (run mode)",
            What::UserData => "changed the user data",
            What::EnableRule => "enabled the schedule",
            What::DisableRule => "disabled the schedule",
            What::PutRule => "changed the schedule rule",
        }
    }

    /// A stable word for `--json`: `start`, `stop`, `dev_on`, `dev_off`, `user_data`,
    /// `enable_rule`, `disable_rule`, `put_rule`.
    pub fn key(self) -> &'static str {
        match self {
            What::Start => "start",
            What::Stop => "stop",
            What::DevOn => "dev_on",
            What::DevOff => "dev_off",
            What::UserData => "user_data",
            What::EnableRule => "enable_rule",
            What::DisableRule => "disable_rule",
            What::PutRule => "put_rule",
        }
    }

    /// True for the user-data changes (dev mode on, off, or not recorded).
    pub fn is_user_data(self) -> bool {
        matches!(self, What::DevOn | What::DevOff | What::UserData)
    }

    /// True when `self` and `other` can be the same call (a panel action and `CloudTrail`'s copy).
    fn same_call(self, other: What) -> bool {
        self == other || (self.is_user_data() && other.is_user_data())
    }
}

/// One thing done to the box or its rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// `CloudTrail`'s event id (empty for the panel's own action not yet seen there).
    pub id: String,
    /// When AWS received the call.
    pub at: Timestamp,
    /// What was done.
    pub what: What,
    /// Who did it.
    pub who: Who,
    /// From where.
    pub via: Via,
    /// The instance id or the rule name it was done to.
    pub target: String,
    /// The error code AWS answered with, when the call was refused (nothing was done).
    pub error: Option<String>,
    /// The panel's own action, not yet in `CloudTrail` (it arrives minutes later).
    pub pending: bool,
}

impl Event {
    /// The panel's own action, done just now by `who`, before `CloudTrail` has it.
    pub fn own(at: Timestamp, what: What, target: &str, who: Who) -> Event {
        Event {
            id: String::new(),
            at,
            what,
            who,
            via: Via::Panel,
            target: target.to_owned(),
            error: None,
            pending: true,
        }
    }

    /// True when the call was carried out (not refused).
    pub fn done(&self) -> bool {
        self.error.is_none()
    }
}

/// The feed as one read saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feed {
    /// Newest first.
    pub events: Vec<Event>,
    /// When `CloudTrail` was read: events after about `as_of - 15 min` may still be missing.
    pub as_of: Timestamp,
    /// From when.
    pub since: Timestamp,
}

/// Merges the panel's own actions (`own`, pending) into `CloudTrail`'s events: an own action
/// whose copy has arrived (same kind of call, same target, from this panel, stamped at most two
/// minutes before it) is dropped; the rest stay, marked pending. Newest first.
pub fn merge(cloudtrail: Vec<Event>, own: &[Event]) -> Vec<Event> {
    let mut out = cloudtrail;
    for o in own {
        let arrived = out.iter().any(|e| {
            !e.pending
                && e.via == Via::Panel
                && e.target == o.target
                && e.what.same_call(o.what)
                && e.at <= o.at + SAME_CALL_WINDOW
                && e.at >= o.at - SAME_CALL_WINDOW
        });
        if !arrived {
            out.push(o.clone());
        }
    }
    out.sort_by_key(|e| std::cmp::Reverse(e.at));
    out
}

/// Who switched dev mode on, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DevOwner {
    /// Who, in short (`alice`, `root`, `the schedule`).
    pub who: String,
    /// When the switch was made.
    pub since: Timestamp,
    /// True when the event recorded dev mode on; false when it is the latest user-data change
    /// (whose value `CloudTrail` hides) while the box is in dev mode now.
    pub recorded: bool,
}

/// Who put the box in dev mode, from the feed (newest first), asked only while the user data
/// says dev mode: the newest carried-out user-data change of `instance`, unless it switched dev
/// mode off (then the feed does not explain the present state: `None`).
pub fn dev_owner(events: &[Event], instance: &str) -> Option<DevOwner> {
    let e = events.iter().find(|e| e.done() && e.target == instance && e.what.is_user_data())?;
    match e.what {
        What::DevOff => None,
        what => Some(DevOwner { who: e.who.short(), since: e.at, recorded: what == What::DevOn }),
    }
}

/// Where the feed is read from: `CloudTrail` or the demo's simulated history.
#[async_trait]
pub trait ActivityLog: Send + Sync {
    /// The events of interest done to any of `names` (instance ids, the rule name) from `since`
    /// to `now`, newest first. One `LookupEvents` filter per name (the API takes one), paged,
    /// at most 2 requests a second. [`CloudError::AccessDenied`] without
    /// `cloudtrail:LookupEvents`.
    async fn lookup(
        &self,
        names: &[String],
        since: Timestamp,
        now: Timestamp,
    ) -> Result<Vec<Event>, CloudError>;

    /// `aws` or `demo`.
    fn kind(&self) -> &'static str;

    /// May the event history be read at all? One `LookupEvents` asking for a single event (the
    /// doctor's question); [`CloudError::AccessDenied`] without `cloudtrail:LookupEvents`.
    async fn probe(&self) -> Result<(), CloudError>;
}

/// Reads the feed of `names` from `since` to `now` (newest first), stamped `as_of = now`.
pub async fn read(
    log: &dyn ActivityLog,
    names: &[String],
    since: Timestamp,
    now: Timestamp,
) -> Result<Feed, CloudError> {
    let since = since.max(now - HISTORY_LIMIT);
    let events = log.lookup(names, since, now).await?;
    Ok(Feed { events, as_of: now, since })
}

/// The honest note on the feed's freshness: `as of 14:05 (CloudTrail is up to 15 min late)`.
pub fn as_of_note(as_of: Timestamp, tz: &jiff::tz::TimeZone) -> String {
    format!("as of {} (CloudTrail is up to 15 min late)", as_of.to_zoned(tz.clone()).strftime("%H:%M"))
}
