//! The lab's Slack channel: what the panel can ask of it.
//!
//! [`Chat`] is the domain trait; [`SlackChat`] talks to the Slack Web API and
//! [`DemoChat`] keeps a simulated channel in memory for the demo mode.

pub mod demo;
pub mod error;
pub mod notice;
pub mod sender;
pub mod slack;
pub mod upload;

pub use demo::{DemoChat, DemoEntry};
pub use error::ChatError;
pub use slack::{SlackChat, SlackOptions};
pub use upload::{MAX_UPLOAD_BYTES, UploadBody, UploadRefused};

use std::sync::Arc;

use crate::config::Config;

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
    /// Uploads `body` (bytes in memory, or a file streamed from disk) to the configured
    /// channel as `filename`, with an optional comment.
    async fn upload(
        &self,
        filename: &str,
        body: UploadBody,
        comment: Option<&str>,
    ) -> Result<Uploaded, ChatError>;
    /// "slack" or "demo", for the UI.
    fn kind(&self) -> &'static str;
    /// The configured channel id, for the UI.
    fn channel(&self) -> &str;
}

/// The chat the configuration asks for: [`DemoChat`] in demo mode, otherwise a [`SlackChat`]
/// on `SLACK_API_URL` with `SLACK_API_TOKEN` and `CHANNEL_ID`.
///
/// Plain http is allowed only when `SLACK_API_URL` was set explicitly (a local test server).
/// A missing token or channel is [`ChatError::NotSet`], naming the key and the `.env` file.
pub fn from_config(cfg: &Config) -> Result<Arc<dyn Chat>, ChatError> {
    if cfg.demo {
        return Ok(Arc::new(DemoChat::new()));
    }
    let dotenv = || cfg.dotenv_label();
    let Some(token) = cfg.slack.token.clone() else {
        return Err(ChatError::NotSet { key: "SLACK_API_TOKEN", dotenv: dotenv() });
    };
    let Some(channel) = cfg.slack.channel.clone().filter(|c| !c.trim().is_empty()) else {
        return Err(ChatError::NotSet { key: "CHANNEL_ID", dotenv: dotenv() });
    };
    let chat = SlackChat::new(&cfg.slack.api_url, token, channel, cfg.slack.api_url_overridden)?;
    Ok(Arc::new(chat))
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use secrecy::SecretString;

    use super::*;

    fn cfg() -> Config {
        let mut c = Config::builtin();
        c.dotenv_file = Some(PathBuf::from("/home/lab/.env"));
        c.slack.token = Some(SecretString::from("xoxb-1-2-abc"));
        c.slack.channel = Some("C01DTCAL49X".into());
        c
    }

    #[test]
    fn demo_mode_gets_the_demo_channel() {
        let mut c = Config::builtin();
        c.demo = true;
        assert_eq!(from_config(&c).unwrap().kind(), "demo");
    }

    #[test]
    fn configured_slack_gets_the_slack_client_on_its_channel() {
        let chat = from_config(&cfg()).unwrap();
        assert_eq!((chat.kind(), chat.channel()), ("slack", "C01DTCAL49X"));
    }

    #[test]
    fn missing_token_or_channel_names_the_key_and_the_dotenv_file() {
        let mut c = cfg();
        c.slack.token = None;
        let e = from_config(&c).err().unwrap();
        assert_eq!(
            e.to_string(),
            "SLACK_API_TOKEN is not set: add SLACK_API_TOKEN=xoxb-… (the Slack app's Bot User \
             OAuth Token) to /home/lab/.env or the environment."
        );
        assert!(e.is_config());
        let mut c = cfg();
        c.slack.channel = None;
        let e = from_config(&c).err().unwrap();
        assert!(e.to_string().starts_with("CHANNEL_ID is not set: add CHANNEL_ID=C…"), "{e}");
        assert!(e.to_string().contains("/home/lab/.env"), "{e}");
    }

    #[test]
    fn plain_http_only_when_the_address_was_set_explicitly() {
        let mut c = cfg();
        c.slack.api_url = "http://127.0.0.1:9/api/".into();
        c.slack.api_url_overridden = false;
        assert!(matches!(from_config(&c).err(), Some(ChatError::InsecureUrl { .. })));
        c.slack.api_url_overridden = true;
        assert!(from_config(&c).is_ok());
    }
}
