//! Notices from the command line: with `slack.notify_actions = true`, `start`, `stop`, `dev on`
//! and `dev off` post the same notice the panel posts (one text, built by
//! [`ActionNotice::text`]). A notice that cannot be posted is a warning on stderr, never a
//! failed command: the action itself was carried out.

use std::sync::Arc;
use std::time::Duration;

use crate::backends::Backends;
use crate::chat::notice::ActionNotice;
use crate::chat::sender::Sender;
use crate::chat::{Chat, ChatError};
use crate::config::Config;
use crate::sanitize::field;

/// How long a notice may take before the command gives up on it (Slack's own retries included).
const NOTICE_LIMIT: Duration = Duration::from_secs(30);

/// Where the command's notices go, if anywhere.
pub struct Notices {
    /// `None` when `slack.notify_actions` is off.
    chat: Option<Result<Arc<dyn Chat>, ChatError>>,
    sender: Sender,
}

impl Notices {
    /// The channel the configuration asks for, when `slack.notify_actions` is on.
    pub fn from_config(cfg: &Config, b: &Backends) -> Notices {
        let chat = cfg.slack.notify_actions.then(|| b.chat.chat.clone());
        Notices { chat, sender: Sender::current() }
    }

    /// Posts the notice for `what`; says on stderr when it could not.
    pub async fn post(&self, what: ActionNotice<'_>) {
        let chat = match &self.chat {
            None => return,
            Some(Err(e)) => {
                eprintln!(
                    "warning: no Slack notice posted (slack.notify_actions is on): {}",
                    field(&e.to_string())
                );
                return;
            }
            Some(Ok(chat)) => chat,
        };
        let text = what.text(&self.sender);
        match tokio::time::timeout(NOTICE_LIMIT, chat.post(&text)).await {
            Ok(Ok(posted)) => {
                tracing::info!(channel = %posted.channel, ts = %posted.ts, "notice posted");
                eprintln!("notice posted to {} (ts {})", field(&posted.channel), field(&posted.ts));
            }
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "notice not posted");
                eprintln!("warning: the Slack notice was not posted: {}", field(&e.to_string()));
            }
            Err(_) => {
                tracing::warn!("notice not posted: no answer in time");
                eprintln!(
                    "warning: the Slack notice was not posted: Slack did not answer within {} s",
                    NOTICE_LIMIT.as_secs()
                );
            }
        }
    }
}
