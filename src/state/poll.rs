//! When to ask the cloud again: faster while the box is busy, slower while it is stopped,
//! backing off after failures. Latest request wins; stale answers are dropped.

use jiff::{SignedDuration, Timestamp};

/// The schedule of one kind of request.
#[derive(Debug, Clone)]
pub struct Poller {
    seq: u64,
    in_flight: Option<u64>,
    next_at: Option<Timestamp>,
    failures: u32,
    /// Interval while the box is active.
    pub fast: SignedDuration,
    /// Interval while the box is idle.
    pub slow: SignedDuration,
}

/// Longest wait between retries after failures.
const MAX_BACKOFF: SignedDuration = SignedDuration::from_secs(60);

impl Poller {
    /// A poller that fires on the first tick.
    pub fn new(fast: SignedDuration, slow: SignedDuration) -> Self {
        Poller { seq: 0, in_flight: None, next_at: None, failures: 0, fast, slow }
    }

    /// Returns a request number when a request is due at `now`.
    pub fn due(&mut self, now: Timestamp) -> Option<u64> {
        if self.in_flight.is_some() || self.next_at.is_some_and(|t| t > now) {
            return None;
        }
        Some(self.issue())
    }

    /// Issues a request now, whatever the schedule (a refresh); an older one in flight becomes stale.
    pub fn issue(&mut self) -> u64 {
        self.seq += 1;
        self.in_flight = Some(self.seq);
        self.seq
    }

    /// Records an answer. Returns false for a stale answer, which must be ignored.
    pub fn answered(&mut self, seq: u64, ok: bool, active: bool, now: Timestamp) -> bool {
        if self.in_flight != Some(seq) {
            return false;
        }
        self.in_flight = None;
        let wait = if ok {
            self.failures = 0;
            if active { self.fast } else { self.slow }
        } else {
            self.failures = self.failures.saturating_add(1);
            self.backoff()
        };
        self.next_at = Some(now + wait);
        true
    }

    /// The wait after the current run of failures: 2 s, 4 s, 8 s ... up to a minute.
    pub fn backoff(&self) -> SignedDuration {
        let exp = self.failures.clamp(1, 6);
        SignedDuration::from_secs(1 << exp).min(MAX_BACKOFF)
    }

    /// When the next request is due, if scheduled.
    pub fn next_at(&self) -> Option<Timestamp> {
        self.next_at
    }

    /// True while a request is out.
    pub fn busy(&self) -> bool {
        self.in_flight.is_some()
    }

    /// Failures in a row.
    pub fn failures(&self) -> u32 {
        self.failures
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + s).unwrap()
    }

    #[test]
    fn fires_once_until_answered_then_waits_the_interval() {
        let mut p = Poller::new(SignedDuration::from_secs(5), SignedDuration::from_secs(60));
        let a = p.due(t(0)).expect("first tick fires");
        assert_eq!(p.due(t(1)), None, "one request at a time");
        assert!(p.answered(a, true, true, t(1)));
        assert_eq!(p.due(t(5)), None);
        assert!(p.due(t(6)).is_some(), "fast interval while active");
    }

    #[test]
    fn idle_box_polls_slowly() {
        let mut p = Poller::new(SignedDuration::from_secs(5), SignedDuration::from_secs(60));
        let a = p.due(t(0)).unwrap();
        p.answered(a, true, false, t(0));
        assert_eq!(p.due(t(59)), None);
        assert!(p.due(t(60)).is_some());
    }

    #[test]
    fn refresh_makes_older_answer_stale() {
        let mut p = Poller::new(SignedDuration::from_secs(5), SignedDuration::from_secs(60));
        let old = p.due(t(0)).unwrap();
        let new = p.issue();
        assert!(!p.answered(old, true, true, t(1)), "stale answer ignored");
        assert!(p.busy());
        assert!(p.answered(new, true, true, t(1)));
    }

    #[test]
    fn failures_back_off_and_reset() {
        let mut p = Poller::new(SignedDuration::from_secs(5), SignedDuration::from_secs(60));
        let mut waits = vec![];
        let mut now = t(0);
        for _ in 0..8 {
            let s = p.due(now).unwrap();
            p.answered(s, false, true, now);
            let next = p.next_at().unwrap();
            waits.push(next.duration_since(now).as_secs());
            now = next;
        }
        assert_eq!(waits, vec![2, 4, 8, 16, 32, 60, 60, 60]);
        let s = p.due(now).unwrap();
        p.answered(s, true, true, now);
        assert_eq!(p.failures(), 0);
        assert_eq!(p.next_at().unwrap().duration_since(now).as_secs(), 5);
    }
}
