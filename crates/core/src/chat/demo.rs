//! A simulated Slack channel for the demo mode: posts and uploads are kept in memory,
//! nothing leaves the machine.

use std::sync::{Arc, Mutex, MutexGuard};

use jiff::Timestamp;

use super::{Chat, ChatError, ChatIdentity, Posted, UploadBody, Uploaded};

/// Slack truncates longer messages; beyond this it answers `msg_too_long`.
const MAX_TEXT_CHARS: usize = 40_000;

/// The channel id the demo posts to.
pub const DEMO_CHANNEL: &str = "C0DEMO0001";

/// One thing that appeared in the simulated channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DemoEntry {
    /// A posted message.
    Message {
        /// Slack-style timestamp id.
        ts: String,
        /// The text as posted.
        text: String,
    },
    /// An uploaded file.
    File {
        /// Slack-style timestamp id of the share.
        ts: String,
        /// Simulated file id (`F…`).
        file_id: String,
        /// The file's name and title.
        filename: String,
        /// Its size in bytes.
        size: usize,
        /// The comment shared with it.
        comment: Option<String>,
    },
}

impl DemoEntry {
    /// The entry's timestamp id.
    pub fn ts(&self) -> &str {
        match self {
            Self::Message { ts, .. } | Self::File { ts, .. } => ts,
        }
    }
}

/// The clock the demo reads to make timestamp ids.
pub type Clock = Arc<dyn Fn() -> Timestamp + Send + Sync>;

/// Mutable state behind the lock.
#[derive(Default)]
struct Inner {
    /// Last timestamp handed out, in microseconds since the epoch.
    last_micros: i64,
    /// Files uploaded so far, for ids.
    files: u32,
    /// An error the next call returns instead of succeeding.
    fail_next: Option<ChatError>,
}

/// A [`Chat`] whose channel lives in memory.
#[derive(Clone)]
pub struct DemoChat {
    log: Arc<Mutex<Vec<DemoEntry>>>,
    inner: Arc<Mutex<Inner>>,
    clock: Clock,
}

impl std::fmt::Debug for DemoChat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DemoChat").field("entries", &lock(&self.log).len()).finish_non_exhaustive()
    }
}

impl Default for DemoChat {
    fn default() -> Self {
        Self::new()
    }
}

/// Locks a mutex, recovering the data if a holder panicked.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl DemoChat {
    /// An empty simulated channel using the system clock for timestamp ids.
    pub fn new() -> Self {
        Self::with_clock(Arc::new(Timestamp::now))
    }

    /// An empty simulated channel reading `clock` for timestamp ids.
    pub fn with_clock(clock: Clock) -> Self {
        Self { log: Arc::default(), inner: Arc::default(), clock }
    }

    /// The shared channel contents, oldest first, for the UI to show.
    pub fn channel_log(&self) -> Arc<Mutex<Vec<DemoEntry>>> {
        Arc::clone(&self.log)
    }

    /// A copy of the channel contents, oldest first.
    pub fn entries(&self) -> Vec<DemoEntry> {
        lock(&self.log).clone()
    }

    /// Makes the next call (check, post or upload) fail with `error`, to show error paths.
    pub fn fail_next(&self, error: ChatError) {
        lock(&self.inner).fail_next = Some(error);
    }

    /// Takes the pending failure, if any.
    fn take_failure(&self) -> Result<(), ChatError> {
        match lock(&self.inner).fail_next.take() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// A new Slack-style `seconds.micros` id, strictly after the previous one.
    fn next_ts(&self) -> String {
        let now = (self.clock)().as_microsecond();
        let mut inner = lock(&self.inner);
        let micros = now.max(inner.last_micros + 1);
        inner.last_micros = micros;
        format!("{}.{:06}", micros.div_euclid(1_000_000), micros.rem_euclid(1_000_000))
    }
}

#[async_trait::async_trait]
impl Chat for DemoChat {
    async fn check(&self) -> Result<ChatIdentity, ChatError> {
        self.take_failure()?;
        Ok(ChatIdentity {
            team: "Demo Lab".to_owned(),
            user: "baseline-bot".to_owned(),
            bot_id: Some("B0DEMO0001".to_owned()),
            url: Some("https://demo-lab.slack.invalid/".to_owned()),
        })
    }

    async fn post(&self, text: &str) -> Result<Posted, ChatError> {
        self.take_failure()?;
        if text.chars().count() > MAX_TEXT_CHARS {
            return Err(ChatError::MsgTooLong);
        }
        let ts = self.next_ts();
        lock(&self.log).push(DemoEntry::Message { ts: ts.clone(), text: text.to_owned() });
        Ok(Posted { channel: DEMO_CHANNEL.to_owned(), ts })
    }

    async fn upload(
        &self,
        filename: &str,
        body: UploadBody,
        comment: Option<&str>,
    ) -> Result<Uploaded, ChatError> {
        self.take_failure()?;
        let ts = self.next_ts();
        let file_id = {
            let mut inner = lock(&self.inner);
            inner.files += 1;
            format!("F0DEMO{:04}", inner.files)
        };
        lock(&self.log).push(DemoEntry::File {
            ts,
            file_id: file_id.clone(),
            filename: filename.to_owned(),
            size: usize::try_from(body.len()).unwrap_or(usize::MAX),
            comment: comment.map(str::to_owned),
        });
        Ok(Uploaded { file_id, title: filename.to_owned() })
    }

    fn kind(&self) -> &'static str {
        "demo"
    }

    fn channel(&self) -> &str {
        DEMO_CHANNEL
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed(at: &str) -> DemoChat {
        let t: Timestamp = at.parse().unwrap();
        DemoChat::with_clock(Arc::new(move || t))
    }

    #[tokio::test]
    async fn posts_and_uploads_land_in_the_log_in_order() {
        let chat = fixed("2026-11-23T14:00:00.25Z");
        let log = chat.channel_log();
        let p = chat.post("run started").await.unwrap();
        let u = chat.upload("out.txt", b"12345".to_vec().into(), Some("results")).await.unwrap();
        assert_eq!(p.channel, chat.channel());
        assert_eq!(u.title, "out.txt");
        let entries = log.lock().unwrap().clone();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0], DemoEntry::Message { ts: p.ts.clone(), text: "run started".into() });
        match &entries[1] {
            DemoEntry::File { file_id, size, comment, .. } => {
                assert_eq!(file_id, &u.file_id);
                assert_eq!(*size, 5);
                assert_eq!(comment.as_deref(), Some("results"));
            }
            other @ DemoEntry::Message { .. } => panic!("expected a file, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn timestamps_are_slack_shaped_and_strictly_increasing() {
        let chat = fixed("2026-11-23T14:00:00.25Z");
        let a = chat.post("a").await.unwrap().ts;
        let b = chat.post("b").await.unwrap().ts;
        assert_eq!(a, format!("{}.250000", 1_795_442_400));
        assert_eq!(b, format!("{}.250001", 1_795_442_400));
    }

    #[tokio::test]
    async fn fail_next_fails_once() {
        let chat = DemoChat::new();
        chat.fail_next(ChatError::InvalidAuth);
        assert_eq!(chat.check().await.unwrap_err(), ChatError::InvalidAuth);
        assert!(chat.check().await.is_ok());
        assert_eq!(chat.kind(), "demo");
    }

    #[tokio::test]
    async fn overlong_text_is_refused_like_slack() {
        let chat = DemoChat::new();
        let long = "x".repeat(MAX_TEXT_CHARS + 1);
        assert_eq!(chat.post(&long).await.unwrap_err(), ChatError::MsgTooLong);
        assert!(chat.entries().is_empty());
    }
}
