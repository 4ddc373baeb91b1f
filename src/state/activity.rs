//! The Activity pane (key `a`): who started, stopped and switched the box and its schedule,
//! from `CloudTrail`'s event history, with the panel's own actions merged in at once.
//!
//! Paced for `LookupEvents`' 2 requests a second per account: every [`SHOWN_EVERY`] while the
//! pane is shown, every [`HIDDEN_EVERY`] while it is not (the header's dev-mode owner and the
//! run timeline's "started by" read the same feed). Without `cloudtrail:LookupEvents` the pane
//! says so once, and the feed is not asked again until the pane is opened anew.

use jiff::{SignedDuration, Timestamp};

use super::{Fetched, Poller, State};
use crate::action::{Effect, Power, Write};
use crate::activity::{self, DEFAULT_SPAN, DevOwner, Event, Feed, What, Who};
use crate::cloud::CloudError;
use crate::devmode::Applied;
use crate::userdata::Mode;

/// How often the feed is read while the pane is shown.
pub const SHOWN_EVERY: SignedDuration = SignedDuration::from_mins(5);
/// How often the feed is read while the pane is hidden.
pub const HIDDEN_EVERY: SignedDuration = SignedDuration::from_mins(30);

/// The statement the IAM policy needs for the feed (the `WhoDidWhat` statement of
/// `assets/iam-policy.json`).
pub const POLICY_STATEMENT: &str =
    r#"{"Sid": "WhoDidWhat", "Effect": "Allow", "Action": "cloudtrail:LookupEvents", "Resource": "*"}"#;

/// The feed, the panel's own actions and how the reads go.
#[derive(Debug, Clone)]
pub struct ActivityState {
    /// The lower pane shows the feed.
    pub shown: bool,
    /// `CloudTrail`'s last good answer, and why the latest read failed.
    pub feed: Fetched<Feed>,
    /// The panel's own actions since it opened (pending until `CloudTrail`'s copy arrives).
    pub own: Vec<Event>,
    /// Set when `cloudtrail:LookupEvents` is refused: the refusal, said once in the pane.
    pub denied: Option<String>,
    /// The schedule rule's name (asked about alongside the instance ids).
    pub rule_name: String,
    /// When to read again.
    pub poll: Poller,
}

impl ActivityState {
    /// Nothing read yet, about the rule `rule_name`.
    pub fn new(rule_name: &str) -> Self {
        ActivityState {
            shown: false,
            feed: Fetched::default(),
            own: Vec::new(),
            denied: None,
            rule_name: rule_name.to_owned(),
            poll: Poller::new(SHOWN_EVERY, HIDDEN_EVERY),
        }
    }

    /// `CloudTrail`'s events with the panel's own merged in, newest first.
    pub fn events(&self) -> Vec<Event> {
        let ct = self.feed.value.as_ref().map(|f| f.events.clone()).unwrap_or_default();
        activity::merge(ct, &self.own)
    }

    /// True when the feed has been read at least once, so an absence in it means something.
    pub fn read(&self) -> bool {
        self.feed.value.is_some()
    }

    /// How far back the last good read looked.
    pub fn since(&self) -> Option<Timestamp> {
        self.feed.value.as_ref().map(|f| f.since)
    }
}

/// Why the feed cannot say who started a boot, when it cannot (`None`: it can).
pub fn unknown_reason(s: &State) -> Option<String> {
    let a = &s.activity;
    if a.denied.is_some() {
        return Some("no cloudtrail:LookupEvents permission".into());
    }
    if a.read() {
        return None;
    }
    Some(match &a.feed.error {
        Some(e) => format!("CloudTrail not read: {e}"),
        None => "CloudTrail not read yet".into(),
    })
}

/// Who put the selected box in dev mode and since when, while the user data says dev mode.
pub fn dev_owner(s: &State) -> Option<DevOwner> {
    if !s.dev_mode_on() {
        return None;
    }
    let id = &s.instance()?.id;
    activity::dev_owner(&s.activity.events(), id)
}

/// The owner in a few words: `alice · 2h ago`; `alice? · 2h ago` when `CloudTrail` hid the
/// user data (the latest user-data change is hers, but it does not say it switched dev mode).
pub fn owner_text(o: &DevOwner, now: Timestamp) -> String {
    let mark = if o.recorded { "" } else { "?" };
    format!("{}{mark} · {}", o.who, ago(now.duration_since(o.since)))
}

/// `just now`, `12 min ago`, `2h ago`, `3d ago`.
pub fn ago(d: SignedDuration) -> String {
    let mins = d.as_secs() / 60;
    match mins {
        ..1 => "just now".into(),
        1..60 => format!("{mins} min ago"),
        60..2880 => format!("{}h ago", mins / 60),
        _ => format!("{}d ago", mins / 1440),
    }
}

/// Show the feed in the lower pane, or back to the logs. Opening it reads the feed when the
/// last read is older than [`SHOWN_EVERY`] (and once more after a refusal: the policy may have
/// changed).
pub(super) fn toggle(s: &mut State) -> Vec<Effect> {
    s.activity.shown = !s.activity.shown;
    if !s.activity.shown {
        return vec![];
    }
    s.show_history = false;
    let stale = s.activity.feed.ok_at.is_none_or(|t| s.now.duration_since(t) >= SHOWN_EVERY);
    if (stale || s.activity.denied.is_some()) && !s.activity.poll.busy() {
        s.activity.denied = None;
        return fetch(s, None);
    }
    vec![]
}

/// At each tick: a read when one is due (never after a refusal, never before the box is known).
pub(super) fn due(s: &mut State) -> Vec<Effect> {
    if s.activity.denied.is_some() || s.instance_ids().is_empty() {
        return vec![];
    }
    // A pane opened during a long hidden wait is read at once by `toggle`; after that the
    // answer sets the shown interval.
    match s.activity.poll.due(s.now) {
        Some(seq) => fetch(s, Some(seq)),
        None => vec![],
    }
}

fn fetch(s: &mut State, seq: Option<u64>) -> Vec<Effect> {
    if s.instance_ids().is_empty() {
        return vec![];
    }
    let seq = seq.unwrap_or_else(|| s.activity.poll.issue());
    let mut names = s.instance_ids();
    names.push(s.activity.rule_name.clone());
    vec![Effect::FetchActivity { seq, names, since: s.now - DEFAULT_SPAN }]
}

/// The answer to read `seq`: stale answers dropped; a refusal remembered (said once, not
/// retried); other failures kept beside the last good feed.
pub(super) fn loaded(s: &mut State, seq: u64, result: Result<Feed, CloudError>) {
    let shown = s.activity.shown;
    let denied = matches!(result, Err(CloudError::AccessDenied { .. }));
    // A refusal is an answer: it ends the backoff, and `denied` stops the polling.
    if !s.activity.poll.answered(seq, result.is_ok() || denied, shown, s.now) {
        return;
    }
    let a = &mut s.activity;
    match result {
        Ok(feed) => {
            a.feed.value = Some(feed);
            a.feed.ok_at = Some(s.now);
            a.feed.error = None;
            a.denied = None;
        }
        Err(e) if denied => a.denied = Some(e.to_string()),
        Err(e) => a.feed.error = Some(e.to_string()),
    }
}

/// The panel's own carried-out action `what` on `targets`, merged into the feed at once.
pub(super) fn own(s: &mut State, what: What, targets: &[String]) {
    for t in targets {
        s.activity.own.push(Event::own(s.now, what, t, you()));
    }
}

/// A carried-out start, stop or schedule switch, merged into the feed at once.
pub(super) fn own_write(s: &mut State, write: &Write) {
    match write {
        Write::Power(Power::Start(ids)) => own(s, What::Start, ids),
        Write::Power(Power::Stop(ids)) => own(s, What::Stop, ids),
        Write::SetSchedule(on) => {
            let rule = vec![s.activity.rule_name.clone()];
            own(s, if *on { What::EnableRule } else { What::DisableRule }, &rule);
        }
    }
}

/// A carried-out dev-mode switch (nothing written: nothing to add).
pub(super) fn own_dev(s: &mut State, applied: &Applied) {
    if applied.backup.is_none() {
        return;
    }
    let what = match applied.mode {
        Some(Mode::Dev) => What::DevOn,
        Some(Mode::Run) => What::DevOff,
        None => What::UserData,
    };
    own(s, what, std::slice::from_ref(&applied.instance_id));
}

/// Who the panel's own actions are by: the person at this panel.
pub fn you() -> Who {
    Who::Person("you".into())
}

#[cfg(test)]
#[path = "activity_tests.rs"]
pub(crate) mod tests;
