//! `baseline-panel slack test [--message TEXT]` and `baseline-panel slack upload FILE
//! [--comment TEXT]`: talk to the lab's channel the way the run script does.
//!
//! `--read-only` does not block these: it protects the AWS box, and a message in the channel
//! changes nothing there.

use std::path::{Path, PathBuf};

use clap::Subcommand;
use jiff::Timestamp;

use super::Failure;
use crate::backends::Backends;
use crate::chat::sender::Sender;
use crate::chat::{ChatError, UploadBody};
use crate::config::Config;
use crate::sanitize::field;

/// `slack` subcommands.
#[derive(Debug, Subcommand)]
pub enum SlackCommand {
    /// Post a test message to the channel (`CHANNEL_ID`) with the bot token (`SLACK_API_TOKEN`).
    Test {
        /// The text to post (default: names this machine, the user and the time).
        #[arg(long, value_name = "TEXT")]
        message: Option<String>,
    },
    /// Upload a file to the channel, like the run script does with its results. The file is
    /// streamed, never read whole; only a regular file of at most 1 GB (Slack's limit) is sent.
    Upload {
        /// The file to upload (a regular file, 1 byte to 1 GB).
        file: PathBuf,
        /// A comment posted with the file.
        #[arg(long, value_name = "TEXT")]
        comment: Option<String>,
    },
}

impl From<ChatError> for Failure {
    fn from(e: ChatError) -> Self {
        use ChatError as E;
        let code = match &e {
            E::NotAuthed
            | E::InvalidAuth
            | E::AccountInactive
            | E::TokenRevoked
            | E::MissingScope { .. }
            | E::NotInChannel { .. } => 4,
            E::ChannelNotFound { .. } => 3,
            E::RateLimited { .. } | E::Unreachable { .. } | E::Timeout { .. } | E::Server { .. } => 5,
            e if e.is_config() => 6,
            _ => 1,
        };
        Failure { code, message: e.to_string() }
    }
}

/// Runs a `slack` subcommand.
pub async fn run(cmd: &SlackCommand, cfg: &Config, b: &Backends) -> Result<(), Failure> {
    if let Some(w) = cfg.dotenv_warning() {
        eprintln!("warning: {w}");
    }
    let chat = b.chat.chat.clone()?;
    match cmd {
        SlackCommand::Test { message } => {
            let text = message.clone().unwrap_or_else(|| Sender::current().test_message(Timestamp::now()));
            let posted = chat.post(&text).await?;
            tracing::info!(channel = %posted.channel, ts = %posted.ts, "test message posted");
            println!("posted to {} (ts {})", field(&posted.channel), field(&posted.ts));
        }
        SlackCommand::Upload { file, comment } => {
            let body = UploadBody::open(file).map_err(|e| Failure { code: 1, message: e.to_string() })?;
            let name = file_name(file);
            let up = chat.upload(&name, body, comment.as_deref()).await?;
            tracing::info!(file_id = %up.file_id, "file uploaded");
            println!(
                "uploaded {} to {} (file {})",
                field(&up.title),
                field(chat.channel()),
                field(&up.file_id)
            );
        }
    }
    Ok(())
}

/// The name Slack shows: the path's last component.
fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(|| "upload".into(), |n| n.to_string_lossy().into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chat_errors_map_to_the_documented_exit_codes() {
        let code = |e: ChatError| Failure::from(e).code;
        assert_eq!(code(ChatError::TokenRevoked), 4);
        assert_eq!(code(ChatError::NotSet { key: "CHANNEL_ID", dotenv: ".env".into() }), 6);
        assert_eq!(code(ChatError::RateLimited { retry_after: Some(3), retries: 3 }), 5);
        assert_eq!(code(ChatError::ChannelNotFound { channel: "C1".into() }), 3);
    }
}
