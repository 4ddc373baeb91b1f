//! Hand-checked fire times of cron expressions, and a comparison with a minute-by-minute scan.

use jiff::Timestamp;
use jiff::tz::Offset;
use proptest::prelude::*;

use super::Cron;
use crate::schedule::{CronField, Schedule, ScheduleError};

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn cron(expr: &str) -> Schedule {
    Schedule::parse(expr).unwrap_or_else(|e| panic!("{expr}: {e}"))
}

/// The next `n` fires after `from`, as RFC 3339 text.
fn fires(expr: &str, from: &str, n: usize) -> Vec<String> {
    cron(expr).upcoming(ts(from), n).iter().map(std::string::ToString::to_string).collect()
}

#[test]
fn lab_rule_fires_mondays_at_nine_utc_across_the_new_year() {
    // 2026-12-28 and 2027-01-04 are Mondays.
    assert_eq!(
        fires("cron(0 9 ? * MON *)", "2026-12-24T15:00:00Z", 3),
        ["2026-12-28T09:00:00Z", "2027-01-04T09:00:00Z", "2027-01-11T09:00:00Z"]
    );
}

#[test]
fn next_is_strictly_after() {
    let s = cron("cron(0 9 ? * MON *)");
    let monday_nine = ts("2027-01-04T09:00:00Z");
    assert_eq!(s.next_after(monday_nine), Some(ts("2027-01-11T09:00:00Z")));
    assert_eq!(s.next_after(ts("2027-01-04T08:59:59.999Z")), Some(monday_nine));
    assert_eq!(s.next_after(ts("2027-01-04T09:00:00.001Z")), Some(ts("2027-01-11T09:00:00Z")));
}

#[test]
fn year_field_limits_the_schedule() {
    let s = cron("cron(0 12 1 1 ? 2027)");
    assert_eq!(s.next_after(ts("2026-06-01T00:00:00Z")), Some(ts("2027-01-01T12:00:00Z")));
    assert_eq!(s.next_after(ts("2027-01-01T12:00:00Z")), None);
    assert_eq!(cron("cron(0 12 1 1 ? 2020)").next_after(ts("2026-06-01T00:00:00Z")), None);
    assert_eq!(
        fires("cron(0 0 1 JAN ? 2026-2030/2)", "2025-01-01T00:00:00Z", 4),
        ["2026-01-01T00:00:00Z", "2028-01-01T00:00:00Z", "2030-01-01T00:00:00Z"]
    );
}

#[test]
fn before_1970_and_after_2199() {
    assert_eq!(
        cron("cron(0 0 1 1 ? *)").next_after(ts("1960-05-05T00:00:00Z")),
        Some(ts("1970-01-01T00:00:00Z"))
    );
    assert_eq!(cron("cron(0 0 * * ? *)").next_after(ts("2199-12-31T00:00:00Z")), None);
}

#[test]
fn last_day_of_february() {
    // 2028 is a leap year, 2027 is not.
    assert_eq!(
        fires("cron(0 18 L 2 ? *)", "2026-03-01T00:00:00Z", 2),
        ["2027-02-28T18:00:00Z", "2028-02-29T18:00:00Z"]
    );
    assert_eq!(
        fires("cron(0 18 L * ? *)", "2028-01-31T18:00:00Z", 2),
        ["2028-02-29T18:00:00Z", "2028-03-31T18:00:00Z"]
    );
}

#[test]
fn last_thursday() {
    assert_eq!(
        fires("cron(0 10 ? * 5L *)", "2026-01-01T00:00:00Z", 4),
        ["2026-01-29T10:00:00Z", "2026-02-26T10:00:00Z", "2026-03-26T10:00:00Z", "2026-04-30T10:00:00Z"]
    );
}

#[test]
fn second_tuesday() {
    assert_eq!(
        fires("cron(0 10 ? * 3#2 *)", "2026-01-13T10:00:00Z", 3),
        ["2026-02-10T10:00:00Z", "2026-03-10T10:00:00Z", "2026-04-14T10:00:00Z"]
    );
}

#[test]
fn nearest_weekday() {
    // 15 Aug 2026 is a Saturday, 15 Nov 2026 a Sunday; 15 Sep and 15 Oct are weekdays.
    assert_eq!(
        fires("cron(0 8 15W * ? *)", "2026-08-01T00:00:00Z", 4),
        ["2026-08-14T08:00:00Z", "2026-09-15T08:00:00Z", "2026-10-15T08:00:00Z", "2026-11-16T08:00:00Z"]
    );
    // 1 Aug 2026 is a Saturday: Monday the 3rd, never Friday 31 July.
    assert_eq!(
        fires("cron(0 8 1W * ? *)", "2026-07-02T00:00:00Z", 2),
        ["2026-08-03T08:00:00Z", "2026-09-01T08:00:00Z"]
    );
    // 31 May 2026 is a Sunday: Friday the 29th. June has no 31st.
    assert_eq!(
        fires("cron(0 8 31W * ? *)", "2026-05-01T00:00:00Z", 2),
        ["2026-05-29T08:00:00Z", "2026-07-31T08:00:00Z"]
    );
    assert_eq!(
        fires("cron(0 8 LW * ? *)", "2026-05-01T00:00:00Z", 2),
        ["2026-05-29T08:00:00Z", "2026-06-30T08:00:00Z"]
    );
}

#[test]
fn day_of_week_one_is_sunday() {
    // 2026-01-04 is a Sunday, 2026-01-03 a Saturday.
    assert_eq!(
        fires("cron(0 0 ? * 1 *)", "2026-01-01T00:00:00Z", 2),
        ["2026-01-04T00:00:00Z", "2026-01-11T00:00:00Z"]
    );
    assert_eq!(fires("cron(0 0 ? * 7 *)", "2026-01-01T00:00:00Z", 1), ["2026-01-03T00:00:00Z"]);
    assert_eq!(fires("cron(0 0 ? * 2 *)", "2026-01-01T00:00:00Z", 1), ["2026-01-05T00:00:00Z"]);
}

#[test]
fn lists_ranges_and_steps() {
    // Friday 2026-01-02 10:50: the next quarter hour in 09-10 on a weekday is Monday 09:00.
    assert_eq!(
        fires("cron(0/15 9-10 ? * MON-FRI *)", "2026-01-02T10:50:00Z", 3),
        ["2026-01-05T09:00:00Z", "2026-01-05T09:15:00Z", "2026-01-05T09:30:00Z"]
    );
    assert_eq!(
        fires("cron(5,35 */6 * * ? *)", "2026-01-01T05:40:00Z", 4),
        ["2026-01-01T06:05:00Z", "2026-01-01T06:35:00Z", "2026-01-01T12:05:00Z", "2026-01-01T12:35:00Z"]
    );
    // Hours 22-2 wrap around midnight.
    assert_eq!(
        fires("cron(0 22-2 * * ? *)", "2026-01-01T01:30:00Z", 3),
        ["2026-01-01T02:00:00Z", "2026-01-01T22:00:00Z", "2026-01-01T23:00:00Z"]
    );
}

#[test]
fn month_and_year_rollovers() {
    // The 31st skips April.
    assert_eq!(fires("cron(0 0 31 * ? *)", "2026-03-31T00:00:00Z", 1), ["2026-05-31T00:00:00Z"]);
    assert_eq!(fires("cron(59 23 31 DEC ? *)", "2026-12-31T23:59:00Z", 1), ["2027-12-31T23:59:00Z"]);
    assert_eq!(fires("cron(0 0 1 1 ? *)", "2026-06-15T00:00:00Z", 1), ["2027-01-01T00:00:00Z"]);
    assert_eq!(fires("cron(0 12 * NOV-FEB ? *)", "2026-02-28T12:00:00Z", 1), ["2026-11-01T12:00:00Z"]);
    // 30 February never exists.
    assert_eq!(cron("cron(0 0 30 2 ? *)").next_after(ts("2026-01-01T00:00:00Z")), None);
}

#[test]
fn display_keeps_the_fields() {
    assert_eq!(cron("cron(0/15   9-10 ? * mon-fri *)").to_string(), "cron(0/15 9-10 ? * mon-fri *)");
}

#[test]
fn invalid_expressions_are_refused_with_the_field_named() {
    let err = |e: &str| Schedule::parse(e).unwrap_err();
    assert!(matches!(err("cron(0 9 1 * MON *)"), ScheduleError::BothDaysSet { .. }));
    assert!(matches!(err("cron(0 9 * * * *)"), ScheduleError::BothDaysSet { .. }));
    assert_eq!(err("cron(0 9 ? * ? *)"), ScheduleError::NoDaysSet);
    assert_eq!(err("cron(0 9 * * ?)"), ScheduleError::FieldCount { found: 5 });
    assert_eq!(err("cron(0 9 * * ? * *)"), ScheduleError::FieldCount { found: 7 });
    let field_of = |e: &str| match err(e) {
        ScheduleError::Field { field, .. } => field,
        other => panic!("{e}: expected a field error, got {other}"),
    };
    assert_eq!(field_of("cron(0 9 ? * MONDAY *)"), CronField::DayOfWeek);
    assert_eq!(field_of("cron(0 9 1 JANUARY ? *)"), CronField::Month);
    assert_eq!(field_of("cron(60 9 * * ? *)"), CronField::Minutes);
    assert_eq!(field_of("cron(0 24 * * ? *)"), CronField::Hours);
    assert_eq!(field_of("cron(0 9 0 * ? *)"), CronField::DayOfMonth);
    assert_eq!(field_of("cron(0 9 * * ? 2200)"), CronField::Year);
    assert_eq!(field_of("cron(0 9 ? * 0 *)"), CronField::DayOfWeek);
    assert_eq!(field_of("cron(0 L * * ? *)"), CronField::Hours);
    assert_eq!(
        err("cron(0 9 ? * FUN *)").to_string(),
        "day-of-week field `FUN`: `FUN` is not a day-of-week value; use 1-7 (1 = Sunday) or SUN-SAT."
    );
}

#[test]
fn next_after_jumps_instead_of_scanning() {
    // A minute-by-minute scan would walk about 1.6 million minutes to the next 29 February
    // after 2029-03-01, and tens of thousands per call below; jumping by fields takes
    // microseconds.
    let started = std::time::Instant::now();
    let leap = cron("cron(0 0 29 FEB ? *)");
    assert_eq!(leap.next_after(ts("2029-03-01T00:00:00Z")), Some(ts("2032-02-29T00:00:00Z")));
    let lab = cron("cron(0 9 ? * MON *)");
    let mut t = ts("2026-01-01T00:00:00Z");
    for _ in 0..1000 {
        t = lab.next_after(t).unwrap();
    }
    // 1000 Mondays after 2026-01-01: the first is 2026-01-05.
    assert_eq!(t, ts("2045-02-27T09:00:00Z"));
    assert!(started.elapsed().as_millis() < 500, "took {:?}", started.elapsed());
}

/// Field choices for the comparison with a minute-by-minute scan.
const MINUTES: &[&str] = &["0", "*/7", "5,35", "50-10", "1/20", "*"];
const HOURS: &[&str] = &["9", "*/5", "22-2", "0,12", "*"];
const DAYS: &[(&str, &str)] = &[
    ("*", "?"),
    ("L", "?"),
    ("LW", "?"),
    ("15W", "?"),
    ("1W", "?"),
    ("31", "?"),
    ("L-2", "?"),
    ("1-7/3", "?"),
    ("?", "MON"),
    ("?", "5L"),
    ("?", "3#2"),
    ("?", "SAT-MON"),
    ("?", "L"),
];
const MONTHS: &[&str] = &["*", "FEB", "2,3", "NOV-FEB", "*/4"];
const YEARS: &[&str] = &["*", "2026-2028", "2027/2"];

/// The first minute after `from` at which `c` fires, within `limit` minutes.
fn scan(c: &Cron, from: Timestamp, limit: i64) -> Option<Timestamp> {
    let first = (from.as_second().div_euclid(60) + 1) * 60;
    (0..limit)
        .map(|k| Timestamp::from_second(first + k * 60).unwrap())
        .find(|t| c.fires_at(Offset::UTC.to_datetime(*t)))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn agrees_with_a_minute_by_minute_scan(
        mi in 0..MINUTES.len(),
        h in 0..HOURS.len(),
        d in 0..DAYS.len(),
        mo in 0..MONTHS.len(),
        y in 0..YEARS.len(),
        start in 1_767_225_600i64..1_861_920_000, // 2026-01-01 .. 2029-01-01
    ) {
        let text = format!("{} {} {} {} {} {}", MINUTES[mi], HOURS[h], DAYS[d].0, MONTHS[mo], DAYS[d].1, YEARS[y]);
        let c = Cron::parse(&text).unwrap();
        let from = Timestamp::from_second(start).unwrap();
        let limit = 3 * 24 * 60;
        let next = c.next_after(from);
        if let Some(found) = scan(&c, from, limit) {
            prop_assert_eq!(next, Some(found), "{}", text);
        } else {
            let window_end = Timestamp::from_second(from.as_second() + limit * 60).unwrap();
            prop_assert!(next.is_none_or(|n| n > window_end), "{}: {:?}", text, next);
        }
        if let Some(n) = next {
            prop_assert!(c.fires_at(Offset::UTC.to_datetime(n)), "{}: {}", text, n);
        }
    }
}
