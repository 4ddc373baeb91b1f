//! `EventBridge` cron expressions: `cron(minutes hours day-of-month month day-of-week year)`.
//!
//! `EventBridge` evaluates a rule's cron expression in UTC. The fields follow the `EventBridge`
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

use jiff::Timestamp;
use jiff::civil::{DateTime, date};
use jiff::tz::Offset;

use super::days::Days;
use super::error::{CronField, ScheduleError};
use super::field::{Bits, Spec, YearBits};

/// First and last year `EventBridge` accepts.
const FIRST_YEAR: i16 = 1970;
const LAST_YEAR: i16 = 2199;

/// A parsed `EventBridge` cron expression; its times are in UTC.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cron {
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
            text: parts.join(" "),
            minutes: Spec::of(CronField::Minutes).parse(min)?,
            hours: Spec::of(CronField::Hours).parse(hour)?,
            days: Days::parse(dom, dow)?,
            months: Spec::of(CronField::Month).parse(month)?,
            years: Spec::of(CronField::Year).parse(year)?,
        })
    }

    /// The first fire time strictly after `t`, or `None` if there is none (e.g. every year
    /// the expression names is past, or it names only days that never exist, like 30 FEB).
    ///
    /// Jumps field by field (year, month, day, hour, minute); it never steps minute by minute.
    pub fn next_after(&self, t: Timestamp) -> Option<Timestamp> {
        let next_minute = t.as_second().div_euclid(60).checked_add(1)? * 60;
        let start = Offset::UTC.to_datetime(Timestamp::from_second(next_minute).ok()?);
        let start = if start.year() < FIRST_YEAR { date(FIRST_YEAR, 1, 1).at(0, 0, 0, 0) } else { start };
        self.first_from(start)
    }

    /// The first fire time at or after `s` (whole minutes, year 1970 or later).
    #[allow(
        clippy::cast_sign_loss,
        clippy::cast_possible_truncation,
        clippy::cast_possible_wrap,
        reason = "every value is a date or time field within its cron range (years 1970 to LAST_YEAR)"
    )]
    fn first_from(&self, s: DateTime) -> Option<Timestamp> {
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
                            let at = date(y as i16, m as i8, d as i8).at(h as i8, mi as i8, 0, 0);
                            return Offset::UTC.to_timestamp(at).ok();
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

impl fmt::Display for Cron {
    /// Writes `cron(<fields>)`, the fields separated by single spaces.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cron({})", self.text)
    }
}

#[cfg(test)]
mod tests;
