//! Reading a log without gaps or duplicates across polls, pages and live tail sessions.
//!
//! CloudWatch makes an event visible some time after its timestamp (the agent batches lines,
//! ingestion takes a moment, two streams flush independently), so a poll that asked "everything
//! since the last line I saw" could miss an event stamped a little earlier that arrives later.
//! The [`Cursor`] therefore re-queries an overlap window before the newest timestamp seen and
//! drops what it has already delivered: by event id, and by content (time, stream, text, and
//! how many identical lines share that time) for live tail events, which carry no id.

use std::collections::HashMap;

use super::LogEvent;

type ContentKey = (i64, Option<String>, String);

/// One read: a poll's complete answer, or a whole live tail session. Counts identical lines
/// within it, so that two identical lines at the same millisecond are both delivered once.
#[derive(Debug, Default)]
pub struct Window {
    occurrences: HashMap<ContentKey, usize>,
}

/// Where the follower is in a log: what to ask next and what it has already delivered.
#[derive(Debug, Clone)]
pub struct Cursor {
    since_ms: i64,
    overlap_ms: i64,
    high_ms: Option<i64>,
    /// Delivered event ids and their timestamps, within the overlap window.
    ids: HashMap<String, i64>,
    /// Delivered events by content: how many were delivered.
    content: HashMap<ContentKey, usize>,
}

impl Cursor {
    /// A cursor that starts at `since_ms` and re-reads `overlap_ms` before the newest line seen.
    pub fn new(since_ms: i64, overlap_ms: i64) -> Self {
        Cursor {
            since_ms,
            overlap_ms: overlap_ms.max(0),
            high_ms: None,
            ids: HashMap::new(),
            content: HashMap::new(),
        }
    }

    /// The start time of the next query: the overlap window before the newest line seen.
    pub fn query_start(&self) -> i64 {
        match self.high_ms {
            Some(h) => self.since_ms.max(h - self.overlap_ms),
            None => self.since_ms,
        }
    }

    /// Timestamp of the newest line delivered.
    pub fn high_ms(&self) -> Option<i64> {
        self.high_ms
    }

    /// How many delivered lines are remembered (bounded by the overlap window).
    pub fn remembered(&self) -> usize {
        self.content.len()
    }

    /// Takes one read's events (in the order the service gave them) and returns those not
    /// delivered before, oldest first. Use one [`Window`] per poll, or per live tail session.
    pub fn admit(&mut self, window: &mut Window, events: Vec<LogEvent>) -> Vec<LogEvent> {
        let mut fresh = Vec::new();
        for e in events {
            let key: ContentKey = (e.ts_ms, e.stream.clone(), e.message.clone());
            let nth = window.occurrences.entry(key.clone()).or_insert(0);
            let occurrence = *nth;
            *nth += 1;
            if e.id.as_ref().is_some_and(|id| self.ids.contains_key(id)) {
                continue;
            }
            let delivered = self.content.entry(key).or_insert(0);
            if occurrence < *delivered {
                continue;
            }
            *delivered += 1;
            if let Some(id) = &e.id {
                self.ids.insert(id.clone(), e.ts_ms);
            }
            self.high_ms = Some(self.high_ms.map_or(e.ts_ms, |h| h.max(e.ts_ms)));
            fresh.push(e);
        }
        fresh.sort_by_key(|e| e.ts_ms);
        self.prune(window);
        fresh
    }

    /// Forgets what no future query can return again.
    fn prune(&mut self, window: &mut Window) {
        let floor = self.query_start();
        window.occurrences.retain(|(ts, _, _), _| *ts >= floor);
        self.ids.retain(|_, ts| *ts >= floor);
        self.content.retain(|(ts, _, _), _| *ts >= floor);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(ts: i64, id: &str, msg: &str) -> LogEvent {
        LogEvent {
            ts_ms: ts,
            ingest_ms: None,
            message: msg.into(),
            id: Some(id.into()),
            stream: Some("i-1".into()),
        }
    }

    fn live(ts: i64, msg: &str) -> LogEvent {
        LogEvent {
            id: None,
            ..ev(ts, "", msg)
        }
    }

    fn texts(v: &[LogEvent]) -> Vec<&str> {
        v.iter().map(|e| e.message.as_str()).collect()
    }

    #[test]
    fn repeated_polls_deliver_each_event_once() {
        let mut c = Cursor::new(0, 10_000);
        let first = vec![ev(1000, "a", "one"), ev(2000, "b", "two")];
        assert_eq!(
            texts(&c.admit(&mut Window::default(), first.clone())),
            ["one", "two"]
        );
        assert!(c.admit(&mut Window::default(), first).is_empty());
        assert_eq!(c.query_start(), 0, "never before `since`");
    }

    #[test]
    fn query_starts_an_overlap_before_the_newest_line() {
        let mut c = Cursor::new(0, 5_000);
        c.admit(&mut Window::default(), vec![ev(60_000, "a", "x")]);
        assert_eq!(c.query_start(), 55_000);
        assert_eq!(c.high_ms(), Some(60_000));
    }

    #[test]
    fn same_timestamp_as_the_last_seen_line_is_not_lost() {
        let mut c = Cursor::new(0, 10_000);
        c.admit(&mut Window::default(), vec![ev(5000, "a", "first")]);
        // The next poll starts before 5000 and returns the old line and a new one at 5000.
        let got = c.admit(
            &mut Window::default(),
            vec![ev(5000, "a", "first"), ev(5000, "b", "second")],
        );
        assert_eq!(texts(&got), ["second"]);
    }

    #[test]
    fn a_late_event_older_than_the_newest_is_delivered() {
        let mut c = Cursor::new(0, 10_000);
        c.admit(&mut Window::default(), vec![ev(20_000, "b", "newer")]);
        // Another stream flushed later with an older timestamp, inside the overlap.
        let got = c.admit(
            &mut Window::default(),
            vec![ev(17_000, "c", "late"), ev(20_000, "b", "newer")],
        );
        assert_eq!(texts(&got), ["late"]);
        assert_eq!(c.high_ms(), Some(20_000));
    }

    #[test]
    fn identical_lines_at_the_same_millisecond_are_all_delivered_once() {
        let mut c = Cursor::new(0, 10_000);
        let got = c.admit(
            &mut Window::default(),
            vec![ev(1, "a", "."), ev(1, "b", ".")],
        );
        assert_eq!(got.len(), 2);
        let got = c.admit(
            &mut Window::default(),
            vec![ev(1, "a", "."), ev(1, "b", "."), ev(1, "c", ".")],
        );
        assert_eq!(got.len(), 1, "only the third is new");
        assert_eq!(got[0].id.as_deref(), Some("c"));
    }

    #[test]
    fn live_tail_events_without_ids_are_matched_by_content() {
        let mut c = Cursor::new(0, 10_000);
        // Catch-up poll after the session started.
        c.admit(&mut Window::default(), vec![ev(100, "a", "boot")]);
        let mut session = Window::default();
        // The session repeats the line the poll already delivered, then brings a new one.
        assert!(c.admit(&mut session, vec![live(100, "boot")]).is_empty());
        assert_eq!(
            texts(&c.admit(&mut session, vec![live(200, "fit")])),
            ["fit"]
        );
        // After the session ends, a poll returns both with ids: nothing new.
        let got = c.admit(
            &mut Window::default(),
            vec![ev(100, "a", "boot"), ev(200, "b", "fit")],
        );
        assert!(got.is_empty(), "{got:?}");
    }

    #[test]
    fn memory_is_bounded_by_the_overlap_window() {
        let mut c = Cursor::new(0, 1_000);
        let mut w = Window::default();
        for i in 0..10_000 {
            c.admit(&mut w, vec![ev(i * 10, &i.to_string(), "x")]);
        }
        assert!(c.remembered() <= 101, "{}", c.remembered());
        assert!(w.occurrences.len() <= 101, "{}", w.occurrences.len());
    }

    #[test]
    fn out_of_order_answers_come_out_sorted() {
        let mut c = Cursor::new(0, 10_000);
        let got = c.admit(
            &mut Window::default(),
            vec![ev(30, "c", "3"), ev(10, "a", "1"), ev(20, "b", "2")],
        );
        assert_eq!(texts(&got), ["1", "2", "3"]);
    }
}
