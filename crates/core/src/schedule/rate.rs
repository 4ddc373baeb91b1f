//! `EventBridge` rate expressions: `rate(value unit)`.

use std::fmt;

use jiff::{SignedDuration, Timestamp};

use super::error::ScheduleError;

/// The unit of a rate expression.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RateUnit {
    /// `minute` / `minutes`.
    Minute,
    /// `hour` / `hours`.
    Hour,
    /// `day` / `days` (24 hours; `EventBridge` works in UTC, so there is no daylight saving).
    Day,
}

impl RateUnit {
    /// Length of one unit in seconds.
    fn seconds(self) -> i64 {
        match self {
            RateUnit::Minute => 60,
            RateUnit::Hour => 3_600,
            RateUnit::Day => 86_400,
        }
    }

    /// The unit's singular name.
    fn singular(self) -> &'static str {
        match self {
            RateUnit::Minute => "minute",
            RateUnit::Hour => "hour",
            RateUnit::Day => "day",
        }
    }
}

/// A parsed rate expression.
///
/// `EventBridge` counts a rate from the moment the rule was created, which the rule's
/// description does not tell. A `Rate` therefore has an optional anchor: with one, fire times
/// are `anchor + k × period` (k ≥ 1); without one, they are counted from the time asked
/// about, so the next fire after `t` is `t + period`, an estimate at most one period off.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rate {
    value: u32,
    unit: RateUnit,
    anchor: Option<Timestamp>,
}

impl Rate {
    /// Parses the text inside `rate(...)`, e.g. `5 minutes` or `1 day`.
    ///
    /// As `EventBridge` requires, the value is a whole number of at least 1, and the unit is
    /// singular exactly when the value is 1.
    pub fn parse(text: &str) -> Result<Rate, ScheduleError> {
        let err = |problem: &str| ScheduleError::Rate {
            text: text.trim().to_string(),
            problem: problem.to_string(),
        };
        let parts: Vec<&str> = text.split_whitespace().collect();
        let [value, unit] = parts[..] else {
            return Err(err("write a value and a unit, as in `rate(5 minutes)` or `rate(1 hour)`"));
        };
        let value = value
            .parse::<u32>()
            .ok()
            .filter(|v| *v >= 1 && value.bytes().all(|b| b.is_ascii_digit()))
            .ok_or_else(|| err("the value must be a whole number of at least 1"))?;
        let unit_lower = unit.to_ascii_lowercase();
        let (unit, plural) = match unit_lower.as_str() {
            "minute" => (RateUnit::Minute, false),
            "minutes" => (RateUnit::Minute, true),
            "hour" => (RateUnit::Hour, false),
            "hours" => (RateUnit::Hour, true),
            "day" => (RateUnit::Day, false),
            "days" => (RateUnit::Day, true),
            _ => return Err(err("the unit must be minute(s), hour(s) or day(s)")),
        };
        if value == 1 && plural {
            return Err(err(&format!("with the value 1 the unit is singular: `1 {}`", unit.singular())));
        }
        if value != 1 && !plural {
            return Err(err(&format!(
                "with a value other than 1 the unit is plural: `{value} {}s`",
                unit.singular()
            )));
        }
        Ok(Rate { value, unit, anchor: None })
    }

    /// The number of units between fires.
    pub fn value(&self) -> u32 {
        self.value
    }

    /// The unit.
    pub fn unit(&self) -> RateUnit {
        self.unit
    }

    /// The time between two fires.
    pub fn period(&self) -> SignedDuration {
        SignedDuration::from_secs(i64::from(self.value) * self.unit.seconds())
    }

    /// The moment fires are counted from, if known (see [`Rate`]).
    pub fn anchor(&self) -> Option<Timestamp> {
        self.anchor
    }

    /// The same rate, counted from `anchor` (typically the rule's creation time).
    #[must_use]
    pub fn with_anchor(self, anchor: Timestamp) -> Rate {
        Rate { anchor: Some(anchor), ..self }
    }

    /// The first fire strictly after `t`: `anchor + k × period` with the smallest k ≥ 1,
    /// or `t + period` without an anchor. `None` only past the end of representable time.
    pub fn next_after(&self, t: Timestamp) -> Option<Timestamp> {
        let Some(anchor) = self.anchor else {
            return t.checked_add(self.period()).ok();
        };
        let period = self.period().as_nanos();
        let elapsed = t.duration_since(anchor).as_nanos();
        // The smallest k >= 1 with anchor + k·period > t.
        let k = if elapsed < 0 { 1 } else { elapsed / period + 1 };
        let offset = k.checked_mul(period)?;
        if offset > SignedDuration::MAX.as_nanos() {
            return None;
        }
        anchor.checked_add(SignedDuration::from_nanos_i128(offset)).ok()
    }
}

impl fmt::Display for Rate {
    /// Writes `rate(<value> <unit>)` in `EventBridge`'s own form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = if self.value == 1 { "" } else { "s" };
        write!(f, "rate({} {}{s})", self.value, self.unit.singular())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn parses_units_and_plurals() {
        let r = Rate::parse("5 minutes").unwrap();
        assert_eq!((r.value(), r.unit()), (5, RateUnit::Minute));
        assert_eq!(r.period(), SignedDuration::from_mins(5));
        assert_eq!(Rate::parse("1 hour").unwrap().period(), SignedDuration::from_hours(1));
        assert_eq!(Rate::parse("7 days").unwrap().period(), SignedDuration::from_hours(168));
        assert_eq!(Rate::parse("  1   day ").unwrap().to_string(), "rate(1 day)");
        assert_eq!(Rate::parse("12 hours").unwrap().to_string(), "rate(12 hours)");
    }

    #[test]
    fn rejects_what_eventbridge_rejects() {
        let msg = |s: &str| Rate::parse(s).unwrap_err().to_string();
        assert!(msg("1 hours").contains("singular: `1 hour`"), "{}", msg("1 hours"));
        assert!(msg("5 hour").contains("plural: `5 hours`"), "{}", msg("5 hour"));
        assert!(msg("0 minutes").contains("at least 1"));
        assert!(msg("-5 minutes").contains("at least 1"));
        assert!(msg("+5 minutes").contains("at least 1"));
        assert!(msg("2 weeks").contains("minute(s), hour(s) or day(s)"));
        assert!(msg("5").contains("a value and a unit"));
        assert!(msg("5 minutes extra").contains("a value and a unit"));
    }

    #[test]
    fn without_anchor_counts_from_the_given_time() {
        let r = Rate::parse("15 minutes").unwrap();
        let t = ts("2026-03-02T10:07:30Z");
        assert_eq!(r.next_after(t), Some(ts("2026-03-02T10:22:30Z")));
    }

    #[test]
    fn with_anchor_counts_whole_periods_from_it() {
        let r = Rate::parse("6 hours").unwrap().with_anchor(ts("2026-01-01T01:00:00Z"));
        // Before the anchor: the first fire is one period after it.
        assert_eq!(r.next_after(ts("2025-12-31T00:00:00Z")), Some(ts("2026-01-01T07:00:00Z")));
        // Strictly after: exactly on a fire gives the following one.
        assert_eq!(r.next_after(ts("2026-01-03T13:00:00Z")), Some(ts("2026-01-03T19:00:00Z")));
        assert_eq!(r.next_after(ts("2026-01-03T12:59:59.5Z")), Some(ts("2026-01-03T13:00:00Z")));
        assert_eq!(r.next_after(ts("2026-01-03T13:00:00.25Z")), Some(ts("2026-01-03T19:00:00Z")));
    }
}
