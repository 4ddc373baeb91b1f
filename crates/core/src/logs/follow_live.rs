//! The follower's live tail sessions: opened while the box is active, caught up by a poll,
//! reopened at once when the service ends one at its time limit, and given up for
//! `Pace::live_retry` (the status saying why) when refused or failed.

use std::time::{Duration, Instant};

use super::{Follower, Read, Step, activity_changed, cancelled, or_stop};
use crate::logs::dedup::Window;
use crate::logs::{LiveOff, LogError, SourceStatus, TailItem};

/// How one live tail session ended.
enum Ended {
    /// Stop following.
    Stop,
    /// The service's time limit: open a new session now.
    TimedOut,
    /// Failed, closed, or the box stopped being active: back to the main loop.
    Over,
}

impl Follower {
    /// Polls instead of live tail for `pace.live_retry`, saying why.
    fn live_unavailable(&mut self, off: LiveOff) {
        self.live_after = Some(Instant::now() + self.pace.live_retry);
        self.live_off = Some(off);
    }

    /// Live tail sessions, one after the other while each reaches the service's time limit,
    /// until one fails or the box stops being active.
    pub(super) async fn live(&mut self) -> Step {
        loop {
            let opened = Instant::now();
            match self.session().await {
                Ended::Stop => return Step::Stop,
                Ended::Over => return Step::Go,
                Ended::TimedOut => {
                    tracing::info!(source = %self.req.source, "live tail session timed out; reopening");
                    // Never more than one session a fast interval, whatever the service says.
                    let rest = self.shown_interval().saturating_sub(opened.elapsed());
                    if !rest.is_zero() {
                        if let Step::Stop = self.pause(super::Wait::Retry(rest)).await {
                            return Step::Stop;
                        }
                    }
                    if !self.live_allowed() {
                        return Step::Go;
                    }
                }
            }
        }
    }

    /// One live tail session: opened, caught up by a poll, then read until it ends.
    async fn session(&mut self) -> Ended {
        let started = or_stop(
            &mut self.cancel,
            &self.tx,
            self.store.live_tail(
                &self.req.group,
                self.req.stream_prefix.as_deref(),
                self.req.filter.as_deref(),
            ),
        )
        .await;
        let mut tail = match started {
            None => return Ended::Stop,
            Some(Ok(t)) => t,
            Some(Err(e)) => {
                tracing::info!(source = %self.req.source, error = %e, "live tail unavailable; polling");
                self.live_unavailable(match e {
                    LogError::LiveTailUnavailable(off) => off,
                    other => LiveOff::Unavailable(other.to_string()),
                });
                return Ended::Over;
            }
        };
        self.live_off = None;
        let mut sampled = match &self.last_status {
            Some(SourceStatus::Live { sampled }) => *sampled,
            _ => false,
        };
        // Lines that arrived between the last read and the session's start.
        match self.poll(Some(SourceStatus::Live { sampled })).await {
            Read::Stop => return Ended::Stop,
            Read::Failed(_) => return Ended::Over,
            Read::Ok => {}
        }
        let opened = Instant::now();
        let mut session = Window::default();
        loop {
            tokio::select! {
                () = cancelled(&mut self.cancel) => return Ended::Stop,
                () = self.tx.closed() => return Ended::Stop,
                () = activity_changed(&mut self.active, &mut self.active_open) => {
                    if !self.wants_live() {
                        return Ended::Over;
                    }
                }
                item = tail.next() => {
                    let events = match item {
                        Some(TailItem::Events { events, sampled: s }) => {
                            sampled = s;
                            events
                        }
                        Some(TailItem::TimedOut) => return Ended::TimedOut,
                        ended => {
                            let off = match ended {
                                Some(TailItem::Failed(LogError::LiveTailUnavailable(off))) => off,
                                Some(TailItem::Failed(e)) => LiveOff::Unavailable(e.to_string()),
                                _ => LiveOff::Unavailable("the live tail session closed".into()),
                            };
                            tracing::warn!(source = %self.req.source, error = %off, "live tail ended");
                            // A session that fails at once will again: poll for a while.
                            if opened.elapsed() < Duration::from_secs(60) {
                                self.live_unavailable(off);
                            }
                            return Ended::Over;
                        }
                    };
                    let fresh = self.cursor.admit(&mut session, events);
                    if !self.emit(fresh, SourceStatus::Live { sampled }) {
                        return Ended::Stop;
                    }
                }
            }
        }
    }
}
