//! Reading a log without gaps or duplicates across polls, pages and live tail sessions.
//!
//! `CloudWatch` makes an event visible some time after its timestamp (the agent batches lines,
//! ingestion takes a moment, two streams flush independently), so a poll that asked "everything
//! since the last line I saw" could miss an event stamped a little earlier that arrives later.
//! The [`Cursor`] therefore re-queries an overlap window before the newest timestamp seen and
//! drops what it has already delivered: by event id, and by content (time, stream, text, and
//! how many identical lines share that time) for live tail events, which carry no id.
//!
//! Limit: a live tail line identical to one delivered in an earlier read (same stream,
//! millisecond and text) is taken for a repeat. The agent stamps the lines it reads together with
//! one time and sends them together, so such twins arrive in one read, where they are counted.

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
        // What this read could have returned stays remembered until the next one: a live tail
        // session repeats the lines its catch-up poll returned, whatever came after them.
        let floor = self.query_start();
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
        self.prune(window, floor);
        fresh
    }

    /// Forgets what no future read can return again.
    fn prune(&mut self, window: &mut Window, floor: i64) {
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
        LogEvent { id: None, ..ev(ts, "", msg) }
    }

    fn texts(v: &[LogEvent]) -> Vec<&str> {
        v.iter().map(|e| e.message.as_str()).collect()
    }

    #[test]
    fn repeated_polls_deliver_each_event_once() {
        let mut c = Cursor::new(0, 10_000);
        let first = vec![ev(1000, "a", "one"), ev(2000, "b", "two")];
        assert_eq!(texts(&c.admit(&mut Window::default(), first.clone())), ["one", "two"]);
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
        let got = c.admit(&mut Window::default(), vec![ev(5000, "a", "first"), ev(5000, "b", "second")]);
        assert_eq!(texts(&got), ["second"]);
    }

    #[test]
    fn a_late_event_older_than_the_newest_is_delivered() {
        let mut c = Cursor::new(0, 10_000);
        c.admit(&mut Window::default(), vec![ev(20_000, "b", "newer")]);
        // Another stream flushed later with an older timestamp, inside the overlap.
        let got = c.admit(&mut Window::default(), vec![ev(17_000, "c", "late"), ev(20_000, "b", "newer")]);
        assert_eq!(texts(&got), ["late"]);
        assert_eq!(c.high_ms(), Some(20_000));
    }

    #[test]
    fn identical_lines_at_the_same_millisecond_are_all_delivered_once() {
        let mut c = Cursor::new(0, 10_000);
        let got = c.admit(&mut Window::default(), vec![ev(1, "a", "."), ev(1, "b", ".")]);
        assert_eq!(got.len(), 2);
        let got = c.admit(&mut Window::default(), vec![ev(1, "a", "."), ev(1, "b", "."), ev(1, "c", ".")]);
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
        assert_eq!(texts(&c.admit(&mut session, vec![live(200, "fit")])), ["fit"]);
        // After the session ends, a poll returns both with ids: nothing new.
        let got = c.admit(&mut Window::default(), vec![ev(100, "a", "boot"), ev(200, "b", "fit")]);
        assert!(got.is_empty(), "{got:?}");
    }

    #[test]
    fn memory_is_bounded_by_the_overlap_window() {
        let mut c = Cursor::new(0, 1_000);
        let mut w = Window::default();
        for i in 0..10_000 {
            c.admit(&mut w, vec![ev(i * 10, &i.to_string(), "x")]);
        }
        assert!(c.remembered() <= 102, "{}", c.remembered());
        assert!(w.occurrences.len() <= 102, "{}", w.occurrences.len());
    }

    #[test]
    fn out_of_order_answers_come_out_sorted() {
        let mut c = Cursor::new(0, 10_000);
        let got = c.admit(&mut Window::default(), vec![ev(30, "c", "3"), ev(10, "a", "1"), ev(20, "b", "2")]);
        assert_eq!(texts(&got), ["1", "2", "3"]);
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        const OVERLAP: i64 = 100;

        /// Events in the order they become visible: mostly advancing, some late (but within the
        /// overlap), identical texts and timestamps common.
        fn arrivals() -> impl Strategy<Value = Vec<(i64, String)>> {
            prop::collection::vec((any::<bool>(), 0..=OVERLAP, 0..3usize), 1..60).prop_map(|v| {
                let mut high = 1_000;
                v.into_iter()
                    .map(|(late, d, m)| {
                        let ts = if late { high - d } else { high + d % 7 };
                        high = high.max(ts);
                        (ts, ["a", "b", "."][m].to_string())
                    })
                    .collect()
            })
        }

        /// Steps: how many more events become visible, whether a live tail session (rather than
        /// a poll) reads them, and how many of the newest lines a new session repeats.
        fn steps() -> impl Strategy<Value = Vec<(usize, bool, usize)>> {
            prop::collection::vec((0..4usize, any::<bool>(), 0..3usize), 0..40)
        }

        /// Reads `events` as the follower would and returns what it delivered, sorted.
        fn simulate(events: &[(i64, String)], steps: &[(usize, bool, usize)]) -> Vec<(i64, String)> {
            let mut c = Cursor::new(0, OVERLAP);
            let mut out = Vec::new();
            let poll = |c: &mut Cursor, upto: usize, out: &mut Vec<(i64, String)>| -> i64 {
                let start = c.query_start();
                let mut answer: Vec<LogEvent> = events[..upto]
                    .iter()
                    .enumerate()
                    .filter(|(_, (ts, _))| *ts >= start)
                    .map(|(i, (ts, m))| ev(*ts, &i.to_string(), m))
                    .collect();
                answer.sort_by_key(|e| e.ts_ms);
                out.extend(c.admit(&mut Window::default(), answer).into_iter().map(|e| (e.ts_ms, e.message)));
                start
            };
            let mut visible = 0;
            let mut session: Option<Window> = None;
            let mut last_start = poll(&mut c, visible, &mut out);
            for &(more, live_step, repeat) in steps {
                let upto = (visible + more).min(events.len());
                if live_step {
                    let w = session.get_or_insert_with(|| {
                        // A new session repeats the newest lines its catch-up poll returned.
                        let mut w = Window::default();
                        let again = events[visible.saturating_sub(repeat)..visible]
                            .iter()
                            .filter(|(ts, _)| *ts >= last_start)
                            .map(|(ts, m)| live(*ts, m))
                            .collect();
                        assert!(c.admit(&mut w, again).is_empty(), "repeats are dropped");
                        w
                    });
                    let fresh = events[visible..upto].iter().map(|(ts, m)| live(*ts, m)).collect();
                    out.extend(c.admit(w, fresh).into_iter().map(|e| (e.ts_ms, e.message)));
                } else {
                    session = None;
                    last_start = poll(&mut c, upto, &mut out);
                }
                visible = upto;
            }
            poll(&mut c, events.len(), &mut out);
            out.sort();
            out
        }

        fn sorted(events: &[(i64, String)]) -> Vec<(i64, String)> {
            let mut v = events.to_vec();
            v.sort();
            v
        }

        proptest! {
            #[test]
            fn polls_deliver_every_event_exactly_once(events in arrivals(), steps in steps()) {
                let polls: Vec<_> = steps.iter().map(|&(n, _, r)| (n, false, r)).collect();
                prop_assert_eq!(simulate(&events, &polls), sorted(&events));
            }

            /// Live tail events have no id: identical lines (same stream, millisecond and text)
            /// are told apart only within one read, so here every line is distinct.
            #[test]
            fn polls_and_live_sessions_deliver_every_event_exactly_once(
                events in arrivals(),
                steps in steps(),
            ) {
                let events: Vec<_> = events
                    .into_iter()
                    .enumerate()
                    .map(|(i, (ts, m))| (ts, format!("{m}{i}")))
                    .collect();
                prop_assert_eq!(simulate(&events, &steps), sorted(&events));
            }
        }
    }
}
