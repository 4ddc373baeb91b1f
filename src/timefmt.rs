//! Times and durations as the operator reads them.

use jiff::{SignedDuration, Timestamp};

/// A compact duration: `45s`, `3m05s`, `1h12m`, `2d04h`.
pub fn human_duration(d: SignedDuration) -> String {
    let s = d.as_secs().max(0);
    let (days, h, m, sec) = (s / 86_400, (s / 3600) % 24, (s / 60) % 60, s % 60);
    if days > 0 {
        format!("{days}d{h:02}h")
    } else if h > 0 {
        format!("{h}h{m:02}m")
    } else if m > 0 {
        format!("{m}m{sec:02}s")
    } else {
        format!("{sec}s")
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
        assert_eq!(f(-5), "0s");
    }
}
