//! When to ask the cloud again: fast while an answer calls for it (the box starting or
//! stopping) or until a "fast until" deadline (set after actions and around the scheduled fire
//! time, see [`super::pace`]), slowly otherwise, backing off after failures. Latest request
//! wins; stale answers are dropped.

use jiff::{SignedDuration, Timestamp};

/// The schedule of one kind of request.
#[derive(Debug, Clone)]
pub struct Poller {
    seq: u64,
    in_flight: Option<u64>,
    next_at: Option<Timestamp>,
    answered_at: Option<Timestamp>,
    fast_until: Option<Timestamp>,
    failures: u32,
    /// Interval while fast polling is called for.
    pub fast: SignedDuration,
    /// Interval otherwise.
    pub slow: SignedDuration,
}

/// Longest wait between retries after failures.
const MAX_BACKOFF: SignedDuration = SignedDuration::from_secs(60);

impl Poller {
    /// A poller that fires on the first tick.
    pub fn new(fast: SignedDuration, slow: SignedDuration) -> Self {
        Poller {
            seq: 0,
            in_flight: None,
            next_at: None,
            answered_at: None,
            fast_until: None,
            failures: 0,
            fast,
            slow,
        }
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

    /// Records an answer; `hurry` when the answer itself calls for fast polling. Returns false
    /// for a stale answer, which must be ignored.
    pub fn answered(&mut self, seq: u64, ok: bool, hurry: bool, now: Timestamp) -> bool {
        if self.in_flight != Some(seq) {
            return false;
        }
        self.in_flight = None;
        self.answered_at = Some(now);
        let wait = if ok {
            self.failures = 0;
            if hurry || self.is_fast(now) { self.fast } else { self.slow }
        } else {
            self.failures = self.failures.saturating_add(1);
            self.backoff()
        };
        self.next_at = Some(now + wait);
        true
    }

    /// Polls fast until `until` (a later deadline already set stays). A request waiting out the
    /// slow interval becomes due one fast interval after the last answer; a backoff after
    /// failures is kept.
    pub fn hurry_until(&mut self, until: Timestamp) {
        if self.fast_until.is_none_or(|t| t < until) {
            self.fast_until = Some(until);
        }
        if self.failures == 0
            && let (Some(next), Some(answered)) = (self.next_at, self.answered_at)
        {
            self.next_at = Some(next.min(answered + self.fast));
        }
    }

    /// True while a "fast until" deadline is ahead of `now`.
    pub fn is_fast(&self, now: Timestamp) -> bool {
        self.fast_until.is_some_and(|t| now < t)
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
    fn hurrying_pulls_a_slow_wait_in_and_lasts_until_the_deadline() {
        let mut p = Poller::new(SignedDuration::from_secs(5), SignedDuration::from_secs(60));
        let a = p.due(t(0)).unwrap();
        p.answered(a, true, false, t(0));
        assert_eq!(p.next_at(), Some(t(60)));
        p.hurry_until(t(120));
        assert_eq!(p.next_at(), Some(t(5)), "due one fast interval after the last answer");
        let mut now = t(5);
        let mut asked = vec![];
        while now < t(200) {
            if let Some(s) = p.due(now) {
                asked.push(now.duration_since(t(0)).as_secs());
                p.answered(s, true, false, now);
            }
            now += SignedDuration::from_secs(1);
        }
        // Every 5 s until the deadline, then every minute.
        assert_eq!(asked.iter().filter(|&&s| s <= 120).count(), 24);
        assert_eq!(asked.iter().filter(|&&s| s > 120).copied().collect::<Vec<_>>(), vec![180]);
        assert!(!p.is_fast(t(120)));
    }

    #[test]
    fn an_earlier_deadline_does_not_shorten_a_later_one_and_backoff_is_kept() {
        let mut p = Poller::new(SignedDuration::from_secs(5), SignedDuration::from_secs(60));
        p.hurry_until(t(600));
        p.hurry_until(t(100));
        assert!(p.is_fast(t(500)));
        let s = p.due(t(0)).unwrap();
        p.answered(s, false, false, t(0));
        let s = p.due(t(2)).unwrap();
        p.answered(s, false, false, t(2));
        assert_eq!(p.next_at(), Some(t(6)), "4 s backoff");
        p.hurry_until(t(700));
        assert_eq!(p.next_at(), Some(t(6)), "kept");
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
