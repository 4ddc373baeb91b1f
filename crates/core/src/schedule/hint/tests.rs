//! What names claim, and the notes written when the schedule disagrees.

use jiff::Timestamp;
use jiff::civil::Weekday;

use super::*;

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn cron(expr: &str) -> Schedule {
    Schedule::parse(expr).unwrap()
}

/// (weekday, hour, minute, zone label) of a name's hint.
fn claims(name: &str) -> (Option<Weekday>, Option<(i8, i8)>, Option<String>) {
    let h = name_hint(name).unwrap_or_else(|| panic!("{name}: no hint"));
    (h.weekday, h.time.map(|t| (t.hour, t.minute)), h.zone.map(|z| z.label))
}

#[allow(clippy::unnecessary_wraps, reason = "reads as the optional zone it stands for")]
fn zone(label: &str) -> Option<String> {
    Some(label.to_string())
}

#[test]
fn reads_the_lab_rule_name() {
    let h = name_hint("MondayMorning9aEST").unwrap();
    assert_eq!(h.weekday, Some(Weekday::Monday));
    assert_eq!(h.time, Some(ClaimedTime { hour: 9, minute: 0, twelve_hour: true }));
    let z = h.zone.unwrap();
    assert_eq!(z.label, "EST");
    // EST is read as New York civil time: UTC-5 in winter, EDT (UTC-4) in summer.
    assert_eq!(ts("2026-01-05T14:00:00Z").to_zoned(z.tz.clone()).hour(), 9);
    assert_eq!(ts("2026-07-06T13:00:00Z").to_zoned(z.tz.clone()).hour(), 9);
}

#[test]
fn reads_time_forms() {
    let nine = Some((9, 0));
    assert_eq!(claims("run-9am-utc").1, nine);
    assert_eq!(claims("Run9AMPT"), (None, nine, zone("PT")));
    assert_eq!(claims("Run9AMEST"), (None, nine, zone("EST")));
    assert_eq!(claims("run_9aMST"), (None, nine, zone("MST")));
    assert_eq!(claims("Daily0900UTC"), (None, nine, zone("UTC")));
    assert_eq!(claims("daily-09:30-cet"), (None, Some((9, 30)), zone("CET")));
    assert_eq!(claims("nightly-930pm-et").1, Some((21, 30)));
    assert_eq!(claims("Nightly2130GMT"), (None, Some((21, 30)), zone("GMT")));
    assert_eq!(claims("Report12amPDT").1, Some((0, 0)));
    assert_eq!(claims("Report12pmPDT").1, Some((12, 0)));
    assert_eq!(claims("Evening7EST").1, Some((19, 0)));
    assert_eq!(claims("Morning7-EST").1, Some((7, 0)));
    assert_eq!(claims("FridayNoonCT"), (Some(Weekday::Friday), Some((12, 0)), zone("CT")));
    assert_eq!(claims("weekly-9am-Eastern").2, zone("Eastern"));
}

#[test]
fn reads_days_and_zones_anywhere() {
    assert_eq!(claims("ESTMonday9am"), (Some(Weekday::Monday), Some((9, 0)), zone("EST")));
    assert_eq!(claims("weekly-mon-0900-pt").0, Some(Weekday::Monday));
    assert_eq!(claims("Tues_6pm").0, Some(Weekday::Tuesday));
    assert_eq!(claims("everyfriday-5pm").0, Some(Weekday::Friday));
    assert_eq!(claims("Sundays9am").0, Some(Weekday::Sunday));
    // A day alone is a hint.
    assert_eq!(claims("MondayRun"), (Some(Weekday::Monday), None, None));
    // Several days: no single day is claimed.
    assert_eq!(claims("MonWedFri9am").0, None);
}

#[test]
fn ignores_look_alikes() {
    // `Mon` in `Monthly`, `Sat` in `Satellite`, `est` in `Test`, `et` in `Meeting`.
    assert_eq!(name_hint("MonthlySatelliteTest"), None);
    assert_eq!(claims("MeetingTest9am").2, None);
    assert_eq!(claims("BestRun0800").2, None);
    // A version number is not a time.
    assert_eq!(name_hint("pipeline-v2"), None);
    assert_eq!(name_hint("9apples"), None);
}

#[test]
fn names_without_a_time_or_day_give_nothing() {
    assert_eq!(name_hint("baseline-weekly"), None);
    assert_eq!(name_hint("StartBaselineInstance"), None);
    assert_eq!(
        check_name("StartBaselineInstance", &cron("cron(0 9 ? * MON *)"), ts("2026-01-01T00:00:00Z")),
        None
    );
}

#[test]
fn lab_rule_note_in_winter_and_summer() {
    let lab = cron("cron(0 9 ? * MON *)");
    assert_eq!(
        check_name("MondayMorning9aEST", &lab, ts("2026-01-01T00:00:00Z")).as_deref(),
        Some("Rule name says 9 AM EST, but EventBridge cron runs in UTC: it fires at 04:00 EST (09:00 UTC).")
    );
    assert_eq!(
        check_name("MondayMorning9aEST", &lab, ts("2026-07-01T00:00:00Z")).as_deref(),
        Some("Rule name says 9 AM EST, but EventBridge cron runs in UTC: it fires at 05:00 EDT (09:00 UTC).")
    );
}

#[test]
fn consistent_names_give_no_note() {
    let now = ts("2026-01-01T00:00:00Z");
    assert_eq!(check_name("Daily0900UTC", &cron("cron(0 9 * * ? *)"), now), None);
    assert_eq!(check_name("weekly-mon-9am", &cron("cron(0 9 ? * MON *)"), now), None);
    // 14:00 UTC is 9 AM EST in January.
    assert_eq!(check_name("MondayMorning9aEST", &cron("cron(0 14 ? * MON *)"), now), None);
    // Rate schedules have no time of day to check.
    assert_eq!(check_name("MondayMorning9aEST", &cron("rate(7 days)"), now), None);
}

#[test]
fn local_hour_drifts_with_daylight_saving() {
    // 14:00 UTC is 9 AM EST in winter but 10 AM EDT in summer.
    let note = check_name("MondayMorning9aEST", &cron("cron(0 14 ? * MON *)"), ts("2026-07-01T00:00:00Z"));
    assert_eq!(
        note.as_deref(),
        Some(
            "Rule name says 9 AM EST, but it fires at 10:00 EDT (14:00 UTC): EventBridge cron runs in UTC, so the local hour shifts with daylight saving time."
        )
    );
}

#[test]
fn wrong_day_is_noted() {
    // 02:00 UTC on Monday is 21:00 EST on Sunday.
    let note = check_name("Monday2amEST", &cron("cron(0 2 ? * MON *)"), ts("2026-01-01T00:00:00Z"));
    assert_eq!(
        note.as_deref(),
        Some(
            "Rule name says Monday 2 AM EST, but EventBridge cron runs in UTC: it fires on Sunday at 21:00 EST (Monday 02:00 UTC)."
        )
    );
    let note = check_name("FridayReport", &cron("cron(0 9 ? * THU *)"), ts("2026-01-01T00:00:00Z"));
    assert_eq!(note.as_deref(), Some("Rule name says Friday, but it fires on Thursday at 09:00 UTC."));
}

#[test]
fn plain_mismatches() {
    let now = ts("2026-01-01T00:00:00Z");
    assert_eq!(
        check_name("Daily0900UTC", &cron("cron(30 9 * * ? *)"), now).as_deref(),
        Some("Rule name says 09:00 UTC, but it fires at 09:30 UTC.")
    );
    assert_eq!(
        check_name("daily-9am", &cron("cron(0 14 * * ? *)"), now).as_deref(),
        Some("Rule name says 9 AM, but it fires at 14:00 UTC.")
    );
    assert_eq!(
        check_name("daily-9am-pt", &cron("cron(0 9 * * ? *)"), now).as_deref(),
        Some("Rule name says 9 AM PT, but EventBridge cron runs in UTC: it fires at 01:00 PST (09:00 UTC).")
    );
    assert_eq!(
        check_name("daily-9am-cet", &cron("cron(0 12 * * ? *)"), now).as_deref(),
        Some("Rule name says 9 AM CET, but it fires at 13:00 CET (12:00 UTC).")
    );
}

#[test]
fn zone_lookup() {
    for name in ["ET", "est", "Eastern", "PT", "cst", "MDT", "CET", "UTC", "gmt"] {
        assert!(zone_for(name).is_some(), "{name}");
    }
    assert_eq!(zone_for("XYZ"), None);
    assert_eq!(zone_for("GMT"), Some(TimeZone::UTC));
    let ny = zone_for("EDT").unwrap();
    assert_eq!(ny.to_offset(ts("2026-01-05T09:00:00Z")).seconds(), -5 * 3600);
    assert_eq!(ny.to_offset(ts("2026-07-06T09:00:00Z")).seconds(), -4 * 3600);
}

#[test]
fn built_in_rules_match_the_zone_database() {
    // The POSIX rules stand in when the system has no zone database; where it has one,
    // both must give the same offsets through the year.
    let instants = [
        "2026-01-15T12:00:00Z",
        "2026-03-08T06:59:00Z",
        "2026-03-08T07:01:00Z",
        "2026-03-29T00:59:00Z",
        "2026-03-29T01:01:00Z",
        "2026-07-01T12:00:00Z",
        "2026-10-25T00:59:00Z",
        "2026-10-25T01:01:00Z",
        "2026-11-01T05:59:00Z",
        "2026-11-01T06:01:00Z",
    ];
    for (name, iana, posix) in ZONES {
        let rule = TimeZone::posix(posix).unwrap_or_else(|e| panic!("{name}: {e}"));
        let Ok(db) = TimeZone::get(iana) else {
            continue;
        };
        for at in instants {
            assert_eq!(rule.to_offset(ts(at)), db.to_offset(ts(at)), "{name} at {at}");
        }
    }
}
