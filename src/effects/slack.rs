//! Posting to the Slack channel from the panel.

use super::Runner;
use crate::action::{Action, PostError};
use crate::state::slack::{DEMO_TAIL, PostKind};

impl Runner {
    /// Posts `text` and reports the ts or the error, with the simulated channel's newest
    /// entries in demo mode.
    pub(super) fn post_slack(&self, kind: PostKind, text: String) {
        let (link, tx) = (self.chat.clone(), self.tx.clone());
        tokio::spawn(async move {
            let result = match &link.chat {
                Ok(chat) => chat.post(&text).await.map(|p| p.ts).map_err(PostError::from),
                Err(_) => Err(PostError::NotConfigured),
            };
            match &result {
                Ok(ts) => tracing::info!(?kind, %ts, "posted to Slack"),
                Err(e) => tracing::warn!(?kind, error = %e, "Slack post failed"),
            }
            let demo_channel = link.demo.map(|d| {
                let mut entries = d.entries();
                entries.drain(..entries.len().saturating_sub(DEMO_TAIL));
                entries
            });
            let _ = tx.send(Action::SlackPosted { kind, result, demo_channel });
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backends::ChatLink;
    use crate::chat::{ChatError, DemoEntry};
    use crate::config::Config;
    use crate::effects::testing::runner;

    #[tokio::test]
    async fn a_demo_post_comes_back_with_the_channel_tail() {
        let mut cfg = Config::builtin();
        cfg.demo = true;
        let link = ChatLink::from_config(&cfg);
        assert_eq!(link.info().unwrap().kind, crate::backends::ChatKind::Demo);
        let demo = link.demo.clone().unwrap();
        let (r, mut rx) = runner(link);
        for n in 1..=4 {
            r.post_slack(PostKind::Test, format!("message {n}"));
            let Some(Action::SlackPosted { result, demo_channel, .. }) = rx.recv().await else { panic!() };
            assert!(result.is_ok(), "{result:?}");
            let tail = demo_channel.unwrap();
            assert_eq!(tail.len(), n.min(DEMO_TAIL));
            assert!(
                matches!(tail.last(), Some(DemoEntry::Message { text, .. }) if *text == format!("message {n}"))
            );
        }
        demo.fail_next(ChatError::NotInChannel { channel: "C0DEMO0001".into() });
        r.post_slack(PostKind::Notice, "x".into());
        let Some(Action::SlackPosted { kind, result, .. }) = rx.recv().await else { panic!() };
        assert_eq!(kind, PostKind::Notice);
        assert!(
            result
                .unwrap_err()
                .to_string()
                .starts_with("The Slack app is not a member of channel C0DEMO0001")
        );
    }

    #[tokio::test]
    async fn without_a_chat_the_post_fails_with_a_reason() {
        let (r, mut rx) = runner(ChatLink::none());
        r.post_slack(PostKind::Test, "hello".into());
        let Some(Action::SlackPosted { result, demo_channel, .. }) = rx.recv().await else { panic!() };
        assert_eq!(result, Err(PostError::NotConfigured));
        assert_eq!(demo_channel, None);
    }

    #[test]
    fn a_missing_token_keeps_the_error_for_the_panel() {
        let link = ChatLink::from_config(&Config::builtin());
        assert!(link.chat.is_err());
        assert!(link.info().unwrap_err().to_string().starts_with("SLACK_API_TOKEN is not set"));
    }
}
