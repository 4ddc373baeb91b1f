//! Cron in a time zone, with `EventBridge` Scheduler's daylight-saving semantics: a local time
//! the spring change skips does not fire; a local time the autumn change repeats fires once.
//! Expected instants were checked against Python's `zoneinfo`.

use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::schedule::{Schedule, named_zone};

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn zoned(expr: &str, zone: &str) -> Schedule {
    Schedule::parse(expr).unwrap().in_zone(named_zone(zone).unwrap())
}

fn fires(expr: &str, zone: &str, from: &str, n: usize) -> Vec<String> {
    zoned(expr, zone).upcoming(ts(from), n).iter().map(ToString::to_string).collect()
}

#[test]
fn new_york_monday_nine_keeps_its_local_hour_across_march() {
    // Daylight saving starts Sunday 8 March 2026: 09:00 EST is 14:00 UTC, 09:00 EDT 13:00 UTC.
    assert_eq!(
        fires("cron(0 9 ? * MON *)", "America/New_York", "2026-02-28T00:00:00Z", 3),
        ["2026-03-02T14:00:00Z", "2026-03-09T13:00:00Z", "2026-03-16T13:00:00Z"]
    );
    // And back on Sunday 1 November 2026.
    assert_eq!(
        fires("cron(0 9 ? * MON *)", "America/New_York", "2026-10-24T00:00:00Z", 2),
        ["2026-10-26T13:00:00Z", "2026-11-02T14:00:00Z"]
    );
}

#[test]
fn new_york_skipped_half_hour_does_not_fire() {
    // 02:30 does not exist on 8 March 2026 in New York.
    assert_eq!(
        fires("cron(30 2 * * ? *)", "America/New_York", "2026-03-07T00:00:00Z", 2),
        ["2026-03-07T07:30:00Z", "2026-03-09T06:30:00Z"]
    );
}

#[test]
fn new_york_repeated_half_hour_fires_once() {
    // 01:30 happens twice on 1 November 2026: 05:30 UTC (EDT) and 06:30 UTC (EST).
    assert_eq!(
        fires("cron(30 1 * * ? *)", "America/New_York", "2026-10-31T12:00:00Z", 2),
        ["2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"]
    );
    // Asked from inside the repeated hour (01:10 EST), the repeat is not a new fire.
    let s = zoned("cron(30 1 * * ? *)", "America/New_York");
    assert_eq!(s.next_after(ts("2026-11-01T06:10:00Z")), Some(ts("2026-11-02T06:30:00Z")));
    // Hourly: 01:00 fires at its first occurrence only.
    assert_eq!(
        fires("cron(0 * * * ? *)", "America/New_York", "2026-11-01T04:30:00Z", 3),
        ["2026-11-01T05:00:00Z", "2026-11-01T07:00:00Z", "2026-11-01T08:00:00Z"]
    );
}

#[test]
fn berlin_last_sundays_of_march_and_october() {
    // Summer time starts Sunday 29 March 2026 at 02:00 CET: 02:30 is skipped that day.
    assert_eq!(
        fires("cron(30 2 ? * SUN *)", "Europe/Berlin", "2026-03-20T00:00:00Z", 2),
        ["2026-03-22T01:30:00Z", "2026-04-05T00:30:00Z"]
    );
    // It ends Sunday 25 October 2026: 02:30 happens twice and fires at the first (CEST).
    assert_eq!(
        fires("cron(30 2 ? * SUN *)", "Europe/Berlin", "2026-10-20T00:00:00Z", 2),
        ["2026-10-25T00:30:00Z", "2026-11-01T01:30:00Z"]
    );
}

#[test]
fn sydney_changes_the_other_way_round() {
    // Daylight saving ends Sunday 5 April 2026 (AEDT +11 to AEST +10).
    assert_eq!(
        fires("cron(0 9 ? * MON *)", "Australia/Sydney", "2026-03-25T00:00:00Z", 2),
        ["2026-03-29T22:00:00Z", "2026-04-05T23:00:00Z"]
    );
    assert_eq!(
        fires("cron(30 2 * * ? *)", "Australia/Sydney", "2026-04-04T00:00:00Z", 2),
        ["2026-04-04T15:30:00Z", "2026-04-05T16:30:00Z"]
    );
    // It starts Sunday 4 October 2026: 02:30 does not exist that day.
    assert_eq!(
        fires("cron(30 2 * * ? *)", "Australia/Sydney", "2026-10-02T12:00:00Z", 2),
        ["2026-10-02T16:30:00Z", "2026-10-04T15:30:00Z"]
    );
}

#[test]
fn utc_zone_and_rates_are_unchanged() {
    let plain = Schedule::parse("cron(0 9 ? * MON *)").unwrap();
    let utc = plain.clone().in_zone(TimeZone::UTC);
    let from = ts("2026-03-01T00:00:00Z");
    assert_eq!(plain.upcoming(from, 4), utc.upcoming(from, 4));
    let rate = Schedule::parse("rate(1 day)").unwrap();
    assert_eq!(rate.clone().in_zone(named_zone("Europe/Berlin").unwrap()), rate);
    assert!(named_zone("Mars/Olympus").unwrap_err().contains("not a time zone name"));
}

#[test]
fn the_built_in_zone_database_knows_the_zones() {
    // The copy built into the program, used on machines without /usr/share/zoneinfo.
    let db = jiff::tz::TimeZoneDatabase::bundled();
    for name in ["America/New_York", "Europe/Berlin", "Australia/Sydney"] {
        let tz = db.get(name).unwrap_or_else(|e| panic!("{name}: {e}"));
        let s = Schedule::parse("cron(0 9 ? * MON *)").unwrap().in_zone(tz);
        assert_eq!(
            s.upcoming(ts("2026-03-01T00:00:00Z"), 5),
            zoned("cron(0 9 ? * MON *)", name).upcoming(ts("2026-03-01T00:00:00Z"), 5)
        );
    }
}
