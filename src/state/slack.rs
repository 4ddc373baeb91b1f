//! The Slack panel's state: which channel the panel posts to, messages in flight, the last
//! answer, and the test-message dialog (key `m`).
//!
//! Read-only mode does not block posts: it protects the AWS box, and a message in the channel
//! changes nothing there.

use jiff::Timestamp;

use super::{Choice, Dialog, Intent, Level, Notice, State};
use crate::action::{Effect, PostError};
use crate::chat::error::ChatError;
use crate::chat::notice::ActionNotice;
use crate::chat::sender::Sender;
use crate::chat::{DemoEntry, demo::DEMO_CHANNEL};
use crate::config::Config;

/// How many messages of the simulated channel the panel keeps (demo mode).
pub const DEMO_TAIL: usize = 3;

pub use crate::action::PostKind;
pub use crate::backends::{ChatInfo, ChatKind};

/// The answer to the latest post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostResult {
    /// What was posted.
    pub kind: PostKind,
    /// When the answer arrived.
    pub at: Timestamp,
    /// The message's ts, or what went wrong.
    pub result: Result<String, String>,
}

/// Everything the Slack panel shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlackState {
    /// The chat, or why it cannot be set up.
    pub setup: Result<ChatInfo, ChatError>,
    /// Post a notice when the panel starts a run or switches dev mode.
    pub notify: bool,
    /// Who the messages say they are from.
    pub sender: Sender,
    /// Posts sent and not answered yet.
    pub sending: u32,
    /// The latest answer.
    pub last: Option<PostResult>,
    /// The newest entries of the simulated channel, oldest first (demo mode only).
    pub demo_channel: Vec<DemoEntry>,
}

impl SlackState {
    /// What the configuration says before the chat is built: the demo channel, the Slack
    /// channel, or the missing key. [`SlackState::attach`] replaces it with the real answer.
    pub fn new(cfg: &Config) -> SlackState {
        let not_set = |key| {
            let dotenv = cfg.dotenv_file.as_ref().map_or(".env".into(), |p| p.display().to_string());
            Err(ChatError::NotSet { key, dotenv })
        };
        let setup = match (cfg.demo, &cfg.slack.token, &cfg.slack.channel) {
            (true, _, _) => Ok(ChatInfo { kind: ChatKind::Demo, channel: DEMO_CHANNEL.into() }),
            (false, None, _) => not_set("SLACK_API_TOKEN"),
            (false, Some(_), Some(c)) if !c.trim().is_empty() => {
                Ok(ChatInfo { kind: ChatKind::Slack, channel: c.clone() })
            }
            (false, Some(_), _) => not_set("CHANNEL_ID"),
        };
        SlackState {
            setup,
            notify: cfg.slack.notify_actions,
            sender: Sender { user: "unknown".into(), host: "unknown-host".into() },
            sending: 0,
            last: None,
            demo_channel: Vec::new(),
        }
    }

    /// Takes in the chat as built at start (its kind and channel, or the error) and the sender.
    pub fn attach(&mut self, setup: Result<ChatInfo, ChatError>, sender: Sender) {
        self.setup = setup;
        self.sender = sender;
    }
}

fn notice(s: &mut State, level: Level, text: impl Into<String>) {
    s.notice = Some(Notice { level, text: text.into() });
}

/// Key `m`: the dialog with the default test message, ready to edit.
pub(super) fn compose(s: &mut State) {
    let info = match &s.slack.setup {
        Ok(info) => info.clone(),
        Err(e) => {
            let text = format!("Slack not configured: {e}");
            return notice(s, Level::Warn, text);
        }
    };
    let text = s.slack.sender.test_message(s.now);
    let lines = vec![(
        Level::Info,
        format!("To channel {} ({}). Edit the text, then Enter:", info.channel, info.kind),
    )];
    let mut dialog = Dialog::new(
        "Post a test message",
        lines,
        vec![Choice::cancel("Cancel"), Choice::doing("Send", Intent::PostMessage)],
    )
    .with_input(text);
    // The text is the question here: Send is highlighted, Esc cancels.
    dialog.selected = 1;
    s.dialog = Some(dialog);
}

/// Send was chosen in the message dialog: post its text, or refuse an empty one and keep the
/// dialog open.
pub(super) fn confirm(s: &mut State, dialog: Dialog) -> Vec<Effect> {
    let text = dialog.input.clone().unwrap_or_default();
    if text.trim().is_empty() {
        s.dialog = Some(dialog);
        notice(s, Level::Warn, "the message is empty: type some text, or Esc to cancel");
        return vec![];
    }
    s.slack.sending += 1;
    notice(s, Level::Info, "posting to Slack…");
    vec![Effect::PostSlack { kind: PostKind::Test, text }]
}

/// A short notice for the channel about something the panel did, when `slack.notify_actions`
/// is on and Slack is set up; `None` otherwise. Its answer shows only in the Slack panel and
/// never blocks anything. Call it after an action succeeded; the operator's own actions go
/// through [`announce`], whose texts the CLI posts too.
pub fn notify(s: &mut State, text: impl Into<String>) -> Option<Effect> {
    if !s.slack.notify || s.slack.setup.is_err() {
        return None;
    }
    s.slack.sending += 1;
    Some(Effect::PostSlack { kind: PostKind::Notice, text: text.into() })
}

/// The notice after something the panel did was accepted (the CLI posts the same text).
pub(super) fn announce(s: &mut State, what: ActionNotice<'_>) -> Option<Effect> {
    let text = what.text(&s.slack.sender);
    notify(s, text)
}

/// A post was answered.
pub(super) fn posted(
    s: &mut State,
    kind: PostKind,
    result: Result<String, PostError>,
    demo_channel: Option<Vec<DemoEntry>>,
) {
    let result = result.map_err(|e| e.to_string());
    s.slack.sending = s.slack.sending.saturating_sub(1);
    if let Some(mut entries) = demo_channel {
        let skip = entries.len().saturating_sub(DEMO_TAIL);
        entries.drain(..skip);
        s.slack.demo_channel = entries;
    }
    if kind == PostKind::Test {
        let channel = s.slack.setup.as_ref().map(|i| i.channel.clone()).unwrap_or_default();
        match &result {
            Ok(ts) => notice(s, Level::Info, format!("test message posted to {channel} (ts {ts})")),
            Err(e) => notice(s, Level::Error, format!("Slack: {e}")),
        }
    }
    s.slack.last = Some(PostResult { kind, at: s.now, result });
}

#[cfg(test)]
mod tests;
