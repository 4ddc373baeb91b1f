//! Times and durations as the operator reads them.

use jiff::civil::Time;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

/// A duration the way the panel prints it: its two largest units, the second zero-padded.
///
/// `45s`, `3m05s`, `1h12m`, `2d04h`; a zero second unit is left out (`6h`, `3m`, `2d`). Whole
/// seconds, rounded down; a negative duration gets a leading `-`.
pub fn human_duration(d: SignedDuration) -> String {
    let secs = d.unsigned_abs().as_secs();
    let sign = if d.is_negative() && secs > 0 { "-" } else { "" };
    let (days, hours, mins, s) = (secs / 86_400, secs / 3_600 % 24, secs / 60 % 60, secs % 60);
    let pair = |a: u64, ua: char, b: u64, ub: char| {
        if b == 0 { format!("{sign}{a}{ua}") } else { format!("{sign}{a}{ua}{b:02}{ub}") }
    };
    if days > 0 {
        pair(days, 'd', hours, 'h')
    } else if hours > 0 {
        pair(hours, 'h', mins, 'm')
    } else if mins > 0 {
        pair(mins, 'm', s, 's')
    } else {
        format!("{sign}{s}s")
    }
}

/// `12s ago`, `1h12m ago`.
pub fn ago(then: Timestamp, now: Timestamp) -> String {
    format!("{} ago", human_duration(now.duration_since(then)))
}

/// `2026-11-23 09:00:04 UTC`.
pub fn utc(t: Timestamp) -> String {
    t.strftime("%Y-%m-%d %H:%M:%S UTC").to_string()
}

/// `09:00:04` (UTC), for short status text.
pub fn clock(t: Timestamp) -> String {
    t.strftime("%H:%M:%S").to_string()
}

/// The latest Monday 09:00 UTC at or before `now`.
pub fn last_monday_0900(now: Timestamp) -> Timestamp {
    let today = now.to_zoned(TimeZone::UTC).date();
    let back = i64::from(today.weekday().to_monday_zero_offset());
    let at = today
        .to_datetime(Time::constant(9, 0, 0, 0))
        .to_zoned(TimeZone::UTC)
        .map_or(now, |z| z.timestamp() - SignedDuration::from_hours(24 * back));
    if at > now { at - SignedDuration::from_hours(7 * 24) } else { at }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_naturally() {
        let f = |s| human_duration(SignedDuration::from_secs(s));
        assert_eq!(f(0), "0s");
        assert_eq!(f(45), "45s");
        assert_eq!(f(185), "3m05s");
        assert_eq!(f(4320), "1h12m");
        assert_eq!(f(2 * 86_400 + 4 * 3600 + 59), "2d04h");
        assert_eq!(f(-5), "-5s");
        assert_eq!(f(6 * 3600), "6h");
    }

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn last_monday_is_at_or_before_now() {
        // Wednesday → the Monday two days before.
        assert_eq!(last_monday_0900(ts("2026-11-25T12:00:00Z")), ts("2026-11-23T09:00:00Z"));
        // Monday before 09:00 → the Monday before.
        assert_eq!(last_monday_0900(ts("2026-11-23T08:59:59Z")), ts("2026-11-16T09:00:00Z"));
        // Monday at 09:00 exactly → that moment.
        assert_eq!(last_monday_0900(ts("2026-11-23T09:00:00Z")), ts("2026-11-23T09:00:00Z"));
        // Sunday → six days back.
        assert_eq!(last_monday_0900(ts("2026-11-29T23:00:00Z")), ts("2026-11-23T09:00:00Z"));
    }
}
