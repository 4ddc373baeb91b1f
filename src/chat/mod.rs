//! The lab's Slack channel: what the panel can ask of it.
//!
//! [`Chat`] is the domain trait; [`SlackChat`] talks to the Slack Web API and
//! [`DemoChat`] keeps a simulated channel in memory for the demo mode.

pub mod demo;
pub mod error;
pub mod slack;

pub use demo::{DemoChat, DemoEntry};
pub use error::ChatError;
pub use slack::{SlackChat, SlackOptions};

/// Who the token belongs to (auth.test).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatIdentity {
    /// Workspace name.
    pub team: String,
    /// The token's user name (the bot user for a bot token).
    pub user: String,
    /// The bot id, present for a bot token.
    pub bot_id: Option<String>,
    /// The workspace URL, like `https://lab.slack.com/`.
    pub url: Option<String>,
}

/// A posted message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Posted {
    /// The channel id the message went to.
    pub channel: String,
    /// The message's timestamp id (`1732540000.000100`).
    pub ts: String,
}

/// An uploaded file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uploaded {
    /// Slack's file id (`F…`).
    pub file_id: String,
    /// The title shown in the channel.
    pub title: String,
}

/// The channel the run reports to.
#[async_trait::async_trait]
pub trait Chat: Send + Sync {
    /// Checks the token and says who it belongs to (auth.test).
    async fn check(&self) -> Result<ChatIdentity, ChatError>;
    /// Posts a message to the configured channel (chat.postMessage).
    async fn post(&self, text: &str) -> Result<Posted, ChatError>;
    /// Uploads a file to the configured channel, with an optional comment.
    async fn upload(
        &self,
        filename: &str,
        bytes: Vec<u8>,
        comment: Option<&str>,
    ) -> Result<Uploaded, ChatError>;
    /// "slack" or "demo", for the UI.
    fn kind(&self) -> &'static str;
    /// The configured channel id, for the UI.
    fn channel(&self) -> &str;
}
