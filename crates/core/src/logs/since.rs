//! `--since`: a duration back from now (`30m`, `1h`, `2d`, `1h30m`) or an ISO-8601 time
//! (`2026-11-23T09:00:00Z`, `2026-11-23T09:00` and `2026-11-23` are read as UTC).

use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

/// The moment `text` names, relative to `now` for durations.
pub fn parse_since(text: &str, now: Timestamp) -> Result<Timestamp, String> {
    let t = text.trim();
    let bad = || {
        format!(
            "`--since {text}` is neither a duration (30m, 1h, 2d, 1h30m) nor a time \
             (2026-11-23T09:00:00Z); use one of those forms"
        )
    };
    if t.is_empty() {
        return Err(bad());
    }
    if let Some(d) = duration(t) {
        return now.checked_sub(d).map_err(|_| bad());
    }
    if let Ok(ts) = t.parse::<Timestamp>() {
        return Ok(ts);
    }
    let utc = |dt: DateTime| dt.to_zoned(TimeZone::UTC).map(|z| z.timestamp());
    if let Ok(dt) = t.parse::<DateTime>() {
        return utc(dt).map_err(|_| bad());
    }
    if let Ok(d) = t.parse::<Date>() {
        return utc(d.to_datetime(jiff::civil::Time::midnight())).map_err(|_| bad());
    }
    Err(bad())
}

/// `90s`, `30m`, `1h`, `2d`, `1w`, and sums such as `1h30m`.
fn duration(t: &str) -> Option<SignedDuration> {
    let mut total: i64 = 0;
    let mut digits = String::new();
    let mut any = false;
    for c in t.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let unit: i64 = match c {
            's' => 1,
            'm' => 60,
            'h' => 3_600,
            'd' => 86_400,
            'w' => 7 * 86_400,
            _ => return None,
        };
        let n: i64 = digits.parse().ok()?;
        digits.clear();
        total = total.checked_add(n.checked_mul(unit)?)?;
        any = true;
    }
    (any && digits.is_empty()).then(|| SignedDuration::from_secs(total))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Timestamp {
        "2026-11-23T14:00:00Z".parse().unwrap()
    }

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn durations_count_back_from_now() {
        assert_eq!(parse_since("1h", now()), Ok(at("2026-11-23T13:00:00Z")));
        assert_eq!(parse_since("30m", now()), Ok(at("2026-11-23T13:30:00Z")));
        assert_eq!(parse_since("2d", now()), Ok(at("2026-11-21T14:00:00Z")));
        assert_eq!(parse_since("90s", now()), Ok(at("2026-11-23T13:58:30Z")));
        assert_eq!(parse_since("1h30m", now()), Ok(at("2026-11-23T12:30:00Z")));
        assert_eq!(parse_since("1w", now()), Ok(at("2026-11-16T14:00:00Z")));
        assert_eq!(parse_since(" 0m ", now()), Ok(now()));
    }

    #[test]
    fn times_are_absolute_and_utc_unless_they_say_otherwise() {
        assert_eq!(parse_since("2026-11-23T09:00:00Z", now()), Ok(at("2026-11-23T09:00:00Z")));
        assert_eq!(parse_since("2026-11-23T09:00:00-05:00", now()), Ok(at("2026-11-23T14:00:00Z")));
        assert_eq!(parse_since("2026-11-23T09:00", now()), Ok(at("2026-11-23T09:00:00Z")));
        assert_eq!(parse_since("2026-11-23 09:00:05", now()), Ok(at("2026-11-23T09:00:05Z")));
        assert_eq!(parse_since("2026-11-20", now()), Ok(at("2026-11-20T00:00:00Z")));
    }

    #[test]
    fn nonsense_is_refused_with_the_accepted_forms() {
        for bad in ["", "h", "1", "1x", "1h2", "yesterday", "-1h", "2026-13-01"] {
            let e = parse_since(bad, now()).unwrap_err();
            assert!(e.contains("30m, 1h, 2d"), "{bad}: {e}");
        }
        assert!(parse_since("99999999999999999999d", now()).is_err());
    }
}
