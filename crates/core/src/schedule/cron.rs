//! `EventBridge` cron expressions: `cron(minutes hours day-of-month month day-of-week year)`.
//!
//! `EventBridge` evaluates a rule's cron expression in UTC; `EventBridge` Scheduler evaluates a
//! schedule's in its time zone (`ScheduleExpressionTimezone`, see [`Cron::in_zone`]), with its
//! daylight-saving semantics: a local time the spring change skips does not fire, and a local
//! time the autumn change repeats fires once, at its first occurrence. The fields follow the `EventBridge`
//! reference (<https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html>):
//!
//! | field        | values             | special characters |
//! |--------------|--------------------|--------------------|
//! | minutes      | 0-59               | `, - * /`          |
//! | hours        | 0-23               | `, - * /`          |
//! | day-of-month | 1-31               | `, - * ? / L W`    |
//! | month        | 1-12 or JAN-DEC    | `, - * /`          |
//! | day-of-week  | 1-7 or SUN-SAT     | `, - * ? L #`      |
//! | year         | 1970-2199          | `, - * /`          |
//!
//! - Day-of-week counts 1 = Sunday … 7 = Saturday.
//! - Exactly one of day-of-month and day-of-week is `?`.
//! - `a/s` is `a`, `a+s`, … to the end of the field; `*/s` starts at the field's first value.
//! - A range may wrap around (`FRI-MON`, `22-2`), except in the year field.
//! - Day-of-month: `L` is the last day, `L-3` three days before it, `LW` the last weekday,
//!   `15W` the weekday nearest the 15th without leaving the month (`1W` on a Saturday is
//!   Monday the 3rd; `31W` skips months without a 31st).
//! - Day-of-week: a lone `L` is Saturday (the last day of the week), `5L` the last Thursday of
//!   the month, `3#2` the second Tuesday; an entry with `#` must be the field's only entry.
//! - Names and letters are accepted in any case.
//!
//! `L-n` and `LW` are not in the reference's table but `EventBridge` accepts them.
//! `/` in day-of-week is not in the table either; it is accepted here with the same meaning as
//! in the other fields.

use std::fmt;

use jiff::civil::{DateTime, date};
use jiff::tz::{AmbiguousOffset, Offset, TimeZone};
use jiff::{SignedDuration, Timestamp};

use super::days::Days;
use super::error::{CronField, ScheduleError};
use super::field::{Bits, Spec, YearBits};

/// First and last year `EventBridge` accepts.
const FIRST_YEAR: i16 = 1970;
const LAST_YEAR: i16 = 2199;

/// A parsed `EventBridge` cron expression; its times are in UTC unless it has a zone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cron {
    /// The zone the fields are read in (an `EventBridge` Scheduler schedule's); `None` is UTC.
    zone: Option<TimeZone>,
    /// The six fields as written, separated by single spaces.
    text: String,
    minutes: Bits,
    hours: Bits,
    days: Days,
    months: Bits,
    years: YearBits,
}

impl Cron {
    /// Parses the six fields inside `cron(...)`, e.g. `0 9 ? * MON *`.
    pub fn parse(fields: &str) -> Result<Cron, ScheduleError> {
        let parts: Vec<&str> = fields.split_whitespace().collect();
        let [min, hour, dom, month, dow, year] = parts[..] else {
            return Err(ScheduleError::FieldCount { found: parts.len() });
        };
        Ok(Cron {
            zone: None,
            text: parts.join(" "),
            minutes: Spec::of(CronField::Minutes).parse(min)?,
            hours: Spec::of(CronField::Hours).parse(hour)?,
            days: Days::parse(dom, dow)?,
            months: Spec::of(CronField::Month).parse(month)?,
            years: Spec::of(CronField::Year).parse(year)?,
        })
    }

    /// The same expression read in `tz` (`EventBridge` Scheduler's `ScheduleExpressionTimezone`).
    #[must_use]
    pub fn in_zone(mut self, tz: TimeZone) -> Cron {
        self.zone = Some(tz);
        self
    }

    /// The zone the expression is read in; `None` is UTC.
    pub fn zone(&self) -> Option<&TimeZone> {
        self.zone.as_ref()
    }

    /// The first fire time strictly after `t`, or `None` if there is none (e.g. every year
    /// the expression names is past, or it names only days that never exist, like 30 FEB).
    ///
    /// Jumps field by field (year, month, day, hour, minute); it never steps minute by minute.
    /// In a zone, a local time skipped by a daylight-saving change is passed over, and a
    /// repeated one fires at its first occurrence only.
    pub fn next_after(&self, t: Timestamp) -> Option<Timestamp> {
        let next_minute = Timestamp::from_second(t.as_second().div_euclid(60).checked_add(1)? * 60).ok()?;
        let Some(tz) = &self.zone else {
            let start = Offset::UTC.to_datetime(next_minute);
            return Offset::UTC.to_timestamp(self.first_from(clamp_year(start))?).ok();
        };
        let mut from = clamp_year(tz.to_datetime(next_minute));
        loop {
            let civil = self.first_from(from)?;
            let at = match tz.to_ambiguous_timestamp(civil).offset() {
                AmbiguousOffset::Unambiguous { offset } => offset.to_timestamp(civil).ok(),
                // Skipped by the spring change: no fire.
                AmbiguousOffset::Gap { .. } => None,
                // Repeated by the autumn change: the first occurrence only.
                AmbiguousOffset::Fold { before, .. } => before.to_timestamp(civil).ok(),
            };
            match at {
                Some(at) if at > t => return Some(at),
                _ => from = civil.checked_add(SignedDuration::from_mins(1)).ok()?,
            }
        }
    }

    /// The first matching wall-clock time at or after `s` (whole minutes, year 1970 or later).
    #[allow(
        clippy::cast_sign_loss,
        clippy::cast_possible_truncation,
        clippy::cast_possible_wrap,
        reason = "every value is a date or time field within its cron range (years 1970 to LAST_YEAR)"
    )]
    fn first_from(&self, s: DateTime) -> Option<DateTime> {
        let (sy, sm, sd) = (s.year() as u32, s.month() as u32, s.day() as u32);
        let (sh, smin) = (s.hour() as u32, s.minute() as u32);
        let span = (LAST_YEAR - FIRST_YEAR) as u32;
        let first_year = FIRST_YEAR as u32;
        let mut from_year = sy;
        loop {
            let y = self.years.next_from(from_year.checked_sub(first_year)?, span)? + first_year;
            let mut from_month = if y == sy { sm } else { 1 };
            while let Some(m) = self.months.next_from(from_month, 12) {
                let same_month = y == sy && m == sm;
                let day_mask = self.days.in_month(y as i16, m as i8);
                let mut from_day = if same_month { sd } else { 1 };
                while from_day <= 31 && day_mask >> from_day != 0 {
                    let d = from_day + (day_mask >> from_day).trailing_zeros();
                    let same_day = same_month && d == sd;
                    let mut from_hour = if same_day { sh } else { 0 };
                    while let Some(h) = self.hours.next_from(from_hour, 23) {
                        let from_min = if same_day && h == sh { smin } else { 0 };
                        if let Some(mi) = self.minutes.next_from(from_min, 59) {
                            return Some(date(y as i16, m as i8, d as i8).at(h as i8, mi as i8, 0, 0));
                        }
                        from_hour = h + 1;
                    }
                    from_day = d + 1;
                }
                from_month = m + 1;
            }
            from_year = y + 1;
        }
    }

    /// Whether the expression fires at `at` (UTC, whole minute).
    #[cfg(test)]
    pub(crate) fn fires_at(&self, at: DateTime) -> bool {
        let index = |v: i16| u32::try_from(v).unwrap();
        at.second() == 0
            && at.subsec_nanosecond() == 0
            && self.minutes.contains(index(at.minute().into()))
            && self.hours.contains(index(at.hour().into()))
            && self.months.contains(index(at.month().into()))
            && (FIRST_YEAR..=LAST_YEAR).contains(&at.year())
            && self.years.contains(index(at.year() - FIRST_YEAR))
            && self.days.in_month(at.year(), at.month()) & (1 << at.day()) != 0
    }
}

/// `s`, or the first minute of 1970 when `s` is earlier.
fn clamp_year(s: DateTime) -> DateTime {
    if s.year() < FIRST_YEAR { date(FIRST_YEAR, 1, 1).at(0, 0, 0, 0) } else { s }
}

impl fmt::Display for Cron {
    /// Writes `cron(<fields>)`, the fields separated by single spaces.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cron({})", self.text)
    }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod zone_tests;
