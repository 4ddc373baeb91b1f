//! The two day fields of a cron expression and the days they pick in a given month.
//!
//! `EventBridge` needs `?` in exactly one of day-of-month and day-of-week, so a schedule picks
//! its days from one field only: [`Days::Month`] or [`Days::Week`].

use jiff::civil::Date;

use super::error::{CronField, ScheduleError};
use super::field::{Bits, Spec};

/// Which days of a month a schedule fires on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Days {
    /// Chosen by day-of-month (day-of-week is `?`).
    Month(MonthDays),
    /// Chosen by day-of-week (day-of-month is `?`).
    Week(WeekDays),
}

/// A parsed day-of-month field.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct MonthDays {
    /// Plain days, 1-31.
    plain: Bits,
    /// `L` (0) and `L-n` (n): so many days before the last day of the month.
    from_last: Vec<u32>,
    /// `LW`: the last weekday (Monday to Friday) of the month.
    last_weekday: bool,
    /// `nW`: the weekday nearest day n, without leaving the month.
    nearest_weekday: Vec<u32>,
}

/// A parsed day-of-week field; weekdays are numbered 1 = Sunday … 7 = Saturday.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct WeekDays {
    /// Plain weekdays (a lone `L` is Saturday).
    plain: Bits,
    /// `nL`: the last such weekday of the month.
    last: Vec<u32>,
    /// `n#k`: the k-th such weekday of the month.
    nth: Option<(u32, u32)>,
}

impl Days {
    /// Reads the day-of-month and day-of-week fields together.
    pub(crate) fn parse(dom: &str, dow: &str) -> Result<Days, ScheduleError> {
        match (dom == "?", dow == "?") {
            (true, true) => Err(ScheduleError::NoDaysSet),
            (false, false) => Err(ScheduleError::BothDaysSet {
                day_of_month: dom.to_string(),
                day_of_week: dow.to_string(),
            }),
            (false, true) => MonthDays::parse(dom).map(Days::Month),
            (true, false) => WeekDays::parse(dow).map(Days::Week),
        }
    }

    /// The days of `year`-`month` that match, as bits (bit `d` set for day `d`).
    pub(crate) fn in_month(&self, year: i16, month: i8) -> u32 {
        // Year and month come from valid fields; an impossible date matches no day.
        let Ok(first) = Date::new(year, month, 1) else {
            return 0;
        };
        let cal = MonthCal {
            len: u32::from(first.days_in_month().unsigned_abs()),
            first_weekday: u32::from(first.weekday().to_sunday_one_offset().unsigned_abs()),
        };
        match self {
            Days::Month(d) => d.in_month(&cal),
            Days::Week(d) => d.in_month(&cal),
        }
    }
}

/// What the day rules need to know about a month.
struct MonthCal {
    /// Number of days.
    len: u32,
    /// Weekday of the 1st, 1 = Sunday … 7 = Saturday.
    first_weekday: u32,
}

impl MonthCal {
    /// Weekday of day `d`, 1 = Sunday … 7 = Saturday.
    fn weekday(&self, d: u32) -> u32 {
        (self.first_weekday - 1 + d - 1) % 7 + 1
    }

    /// Whether day `d` is Saturday or Sunday.
    fn is_weekend(&self, d: u32) -> bool {
        matches!(self.weekday(d), 1 | 7)
    }
}

/// Rejects `?` inside a list.
fn no_question_mark(field: CronField, text: &str) -> Result<(), ScheduleError> {
    if text.contains('?') {
        return Err(ScheduleError::field(field, text, "`?` must stand alone in the field"));
    }
    Ok(())
}

impl MonthDays {
    /// Reads a day-of-month field other than `?`.
    fn parse(text: &str) -> Result<MonthDays, ScheduleError> {
        let spec = Spec::of(CronField::DayOfMonth);
        no_question_mark(spec.field, text)?;
        let mut days = MonthDays::default();
        for item in text.to_ascii_uppercase().split(',') {
            if item == "L" {
                days.from_last.push(0);
            } else if item == "LW" {
                days.last_weekday = true;
            } else if let Some(n) = item.strip_prefix("L-") {
                let n = n.parse::<u32>().ok().filter(|n| (1..=30).contains(n));
                let Some(n) = n else {
                    return Err(ScheduleError::field(
                        spec.field,
                        text,
                        format!("`{item}` needs a number of days from 1 to 30 after `L-`"),
                    ));
                };
                days.from_last.push(n);
            } else if let Some(n) = item.strip_suffix('W') {
                if n.contains(['-', '/', '*', 'L']) {
                    return Err(ScheduleError::field(
                        spec.field,
                        text,
                        format!("`{item}`: `W` follows a single day, as in `15W`, or `L`, as in `LW`"),
                    ));
                }
                days.nearest_weekday.push(spec.value(n, text)?);
            } else if item.contains(['L', 'W', '#']) {
                return Err(ScheduleError::field(
                    spec.field,
                    text,
                    format!("`{item}` is not a day-of-month entry; use 1-31, `L`, `L-3`, `LW` or `15W`"),
                ));
            } else {
                spec.add_item(item, text, &mut days.plain)?;
            }
        }
        Ok(days)
    }

    /// Matching days of one month, as bits.
    fn in_month(&self, cal: &MonthCal) -> u32 {
        let mut mask = 0u32;
        for d in 1..=cal.len {
            if self.plain.contains(d) {
                mask |= 1 << d;
            }
        }
        for &back in &self.from_last {
            if back < cal.len {
                mask |= 1 << (cal.len - back);
            }
        }
        if self.last_weekday {
            let mut d = cal.len;
            while cal.is_weekend(d) {
                d -= 1;
            }
            mask |= 1 << d;
        }
        for &n in &self.nearest_weekday {
            if n > cal.len {
                continue; // `31W` skips months without a 31st, as EventBridge does.
            }
            let d = match cal.weekday(n) {
                7 if n == 1 => 3,           // Saturday the 1st: Monday the 3rd.
                7 => n - 1,                 // Saturday: the Friday before.
                1 if n == cal.len => n - 2, // Sunday the last: the Friday before.
                1 => n + 1,                 // Sunday: the Monday after.
                _ => n,
            };
            mask |= 1 << d;
        }
        mask
    }
}

impl WeekDays {
    /// Reads a day-of-week field other than `?`.
    fn parse(text: &str) -> Result<WeekDays, ScheduleError> {
        let spec = Spec::of(CronField::DayOfWeek);
        no_question_mark(spec.field, text)?;
        let upper = text.to_ascii_uppercase();
        if upper.contains('#') && upper.contains(',') {
            return Err(ScheduleError::field(
                spec.field,
                text,
                "an entry with `#` must be the only entry in the field",
            ));
        }
        let mut days = WeekDays::default();
        for item in upper.split(',') {
            if item == "L" {
                days.plain.insert(7); // A lone `L` is the last day of the week: Saturday.
            } else if let Some((day, k)) = item.split_once('#') {
                let day = spec.value(day, text)?;
                let k = k.parse::<u32>().ok().filter(|k| (1..=5).contains(k));
                let Some(k) = k else {
                    return Err(ScheduleError::field(
                        spec.field,
                        text,
                        format!("`{item}` needs a week number from 1 to 5 after `#`"),
                    ));
                };
                days.nth = Some((day, k));
            } else if let Some(day) = item.strip_suffix('L') {
                if day.contains(['-', '/', '*']) {
                    return Err(ScheduleError::field(
                        spec.field,
                        text,
                        format!("`{item}`: `L` follows a single day, as in `5L` (last Thursday)"),
                    ));
                }
                days.last.push(spec.value(day, text)?);
            } else {
                spec.add_item(item, text, &mut days.plain)?;
            }
        }
        Ok(days)
    }

    /// Matching days of one month, as bits.
    fn in_month(&self, cal: &MonthCal) -> u32 {
        let mut mask = 0u32;
        for d in 1..=cal.len {
            if self.plain.contains(cal.weekday(d)) {
                mask |= 1 << d;
            }
        }
        for &w in &self.last {
            let back = (cal.weekday(cal.len) + 7 - w) % 7;
            mask |= 1 << (cal.len - back);
        }
        if let Some((w, k)) = self.nth {
            let first = 1 + (w + 7 - cal.first_weekday) % 7;
            let d = first + 7 * (k - 1);
            if d <= cal.len {
                mask |= 1 << d;
            }
        }
        mask
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The matching days of a month, as a list.
    fn days(dom: &str, dow: &str, year: i16, month: i8) -> Vec<u32> {
        let mask = Days::parse(dom, dow).unwrap().in_month(year, month);
        (1..=31).filter(|d| mask & (1 << d) != 0).collect()
    }

    #[test]
    fn last_day_of_february() {
        assert_eq!(days("L", "?", 2028, 2), vec![29]); // leap year
        assert_eq!(days("L", "?", 2027, 2), vec![28]);
        assert_eq!(days("L", "?", 2100, 2), vec![28]); // not a leap year
        assert_eq!(days("L-2", "?", 2026, 4), vec![28]);
    }

    #[test]
    fn last_weekday_of_month() {
        // 2026-05-31 is a Sunday, so the last weekday is Friday the 29th.
        assert_eq!(days("LW", "?", 2026, 5), vec![29]);
        // 2026-02-28 is a Saturday: Friday the 27th.
        assert_eq!(days("LW", "?", 2026, 2), vec![27]);
        assert_eq!(days("LW", "?", 2026, 3), vec![31]); // Tuesday
    }

    #[test]
    fn nearest_weekday() {
        // 2026-08-15 is a Saturday: Friday the 14th.
        assert_eq!(days("15W", "?", 2026, 8), vec![14]);
        // 2026-03-15 is a Sunday: Monday the 16th.
        assert_eq!(days("15W", "?", 2026, 3), vec![16]);
        // 2026-04-15 is a Wednesday: the day itself.
        assert_eq!(days("15W", "?", 2026, 4), vec![15]);
        // 2026-08-01 is a Saturday: not back into July, but Monday the 3rd.
        assert_eq!(days("1W", "?", 2026, 8), vec![3]);
        // 2026-02-01 is a Sunday: Monday the 2nd.
        assert_eq!(days("1W", "?", 2026, 2), vec![2]);
        // 2026-05-31 is a Sunday and the last day: Friday the 29th, not June 1st.
        assert_eq!(days("31W", "?", 2026, 5), vec![29]);
        // 2026-01-31 is a Saturday: Friday the 30th.
        assert_eq!(days("31W", "?", 2026, 1), vec![30]);
        // April has no 31st: no day.
        assert_eq!(days("31W", "?", 2026, 4), Vec::<u32>::new());
    }

    #[test]
    fn weekday_numbering_starts_on_sunday() {
        // January 2026 starts on a Thursday; Sundays are 4, 11, 18, 25.
        assert_eq!(days("?", "1", 2026, 1), vec![4, 11, 18, 25]);
        assert_eq!(days("?", "SUN", 2026, 1), vec![4, 11, 18, 25]);
        assert_eq!(days("?", "7", 2026, 1), vec![3, 10, 17, 24, 31]);
        assert_eq!(days("?", "L", 2026, 1), vec![3, 10, 17, 24, 31]);
        assert_eq!(days("?", "MON,WED", 2026, 1), vec![5, 7, 12, 14, 19, 21, 26, 28]);
    }

    #[test]
    fn last_and_nth_weekday() {
        // Last Thursday: 2026-01-29, 2026-04-30.
        assert_eq!(days("?", "5L", 2026, 1), vec![29]);
        assert_eq!(days("?", "THUL", 2026, 4), vec![30]);
        // Second Tuesday: 2026-01-13, 2026-09-08 (September starts on a Tuesday).
        assert_eq!(days("?", "3#2", 2026, 1), vec![13]);
        assert_eq!(days("?", "TUE#2", 2026, 9), vec![8]);
        // A fifth Monday exists in March 2026 (30th) but not in February.
        assert_eq!(days("?", "2#5", 2026, 3), vec![30]);
        assert_eq!(days("?", "2#5", 2026, 2), Vec::<u32>::new());
    }

    #[test]
    fn day_fields_are_checked_together() {
        assert_eq!(Days::parse("?", "?"), Err(ScheduleError::NoDaysSet));
        assert!(matches!(Days::parse("1", "MON"), Err(ScheduleError::BothDaysSet { .. })));
        assert!(matches!(Days::parse("*", "*"), Err(ScheduleError::BothDaysSet { .. })));
    }

    #[test]
    fn malformed_day_entries() {
        let msg = |dom: &str, dow: &str| Days::parse(dom, dow).unwrap_err().to_string();
        assert!(msg("?", "3#1,6#3").contains("only entry"));
        assert!(msg("?", "3#6").contains("from 1 to 5"));
        assert!(msg("?", "FUN").starts_with("day-of-week field `FUN`"));
        assert!(msg("?", "8").contains("out of range"));
        assert!(msg("1-5W", "?").contains("`W` follows a single day"));
        assert!(msg("L-31", "?").contains("from 1 to 30"));
        assert!(msg("32", "?").contains("out of range"));
        assert!(msg("1,?", "?").contains("must stand alone"));
        assert!(msg("3#2", "?").contains("not a day-of-month entry"));
    }
}
