//! How the panel shows a fire time: in UTC, in a local zone, and as a countdown.
//!
//! `now` and the zone always come in as parameters; in the app the zone is
//! `TimeZone::system()`.

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use super::Schedule;

/// One fire time, ready to show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FireTime {
    /// The fire time itself.
    pub at: Timestamp,
    /// In UTC, e.g. `Mon 2026-01-05 09:00 UTC`.
    pub utc: String,
    /// In the given zone, e.g. `Mon 2026-01-05 04:00 EST`.
    pub local: String,
    /// True when the zone's clock reads as UTC's at that moment (the zone is UTC, or GMT in
    /// winter): the local time then says nothing the UTC time does not, and is not shown twice.
    pub local_is_utc: bool,
    /// Time left, e.g. `in 4d 03h 12m` (see [`countdown`]).
    pub countdown: String,
    /// A daylight-saving change since the fire before it in a list (see [`upcoming_fires`]),
    /// e.g. `from 8 Mar: 05:00 EDT`; `None` for the first fire and when the clock did not change.
    pub change: Option<String>,
}

/// `t` in UTC, e.g. `Mon 2026-01-05 09:00 UTC`.
pub fn format_utc(t: Timestamp) -> String {
    format_in_zone(t, &TimeZone::UTC)
}

/// `t` in `tz`, with the zone's abbreviation at that moment, e.g. `Mon 2026-01-05 04:00 EST`
/// or, in July, `Mon 2026-07-06 05:00 EDT`.
pub fn format_in_zone(t: Timestamp, tz: &TimeZone) -> String {
    let zoned = t.to_zoned(tz.clone());
    let abbreviation = tz.to_offset_info(t).abbreviation().to_string();
    format!("{} {abbreviation}", zoned.strftime("%a %Y-%m-%d %H:%M"))
}

/// Time from `now` to `target` in whole minutes: `in 4d 03h 12m`, `in 3h 05m`, `in 12m`.
///
/// Counts elapsed time, not wall-clock time, so a daylight-saving change in between does not
/// skew it. A target in the future is rounded up to the next minute (30 s away is `in 1m`);
/// a target reached less than a minute ago is `now`; an older one reads `12m ago`.
pub fn countdown(now: Timestamp, target: Timestamp) -> String {
    let left = target.duration_since(now);
    if left > SignedDuration::ZERO {
        let minutes = (left.as_nanos() + 59_999_999_999) / 60_000_000_000;
        format!("in {}", span_text(minutes))
    } else if left > -SignedDuration::from_mins(1) {
        "now".to_string()
    } else {
        let minutes = -left.as_nanos() / 60_000_000_000;
        format!("{} ago", span_text(minutes))
    }
}

/// `4d 03h 12m`, `3h 05m` or `12m`.
fn span_text(minutes: i128) -> String {
    let (days, hours, mins) = (minutes / 1440, minutes / 60 % 24, minutes % 60);
    if days > 0 {
        format!("{days}d {hours:02}h {mins:02}m")
    } else if hours > 0 {
        format!("{hours}h {mins:02}m")
    } else {
        format!("{mins}m")
    }
}

/// Everything the panel shows about the fire at `at`, seen from `now` in zone `tz`.
pub fn fire_time(at: Timestamp, now: Timestamp, tz: &TimeZone) -> FireTime {
    FireTime {
        at,
        utc: format_utc(at),
        local: format_in_zone(at, tz),
        local_is_utc: tz.to_offset(at) == jiff::tz::Offset::UTC,
        countdown: countdown(now, at),
        change: None,
    }
}

/// The next `n` fires of `schedule` after `now`, ready to show in zone `tz`, each fire after a
/// daylight-saving change marked with the change's date and the new clock time.
///
/// The change is looked for in the schedule's own zone when it has one (an `EventBridge`
/// Scheduler schedule: `from 8 Mar: 09:00 EDT = 13:00 UTC`), else in `tz` (a rule, whose fires
/// stay at one UTC time while the local clock moves: `from 8 Mar: 05:00 EDT`).
pub fn upcoming_fires(schedule: &Schedule, now: Timestamp, tz: &TimeZone, n: usize) -> Vec<FireTime> {
    let mut fires: Vec<FireTime> =
        schedule.upcoming(now, n).into_iter().map(|at| fire_time(at, now, tz)).collect();
    let zoned = schedule.zone().is_some();
    let zone = schedule.zone().unwrap_or(tz);
    for i in 1..fires.len() {
        let (before, at) = (fires[i - 1].at, fires[i].at);
        if zone.to_offset(before) != zone.to_offset(at) {
            fires[i].change = Some(change_text(zone, before, at, zoned));
        }
    }
    fires
}

/// `from 8 Mar: 05:00 EDT`, or with the UTC time for a zoned schedule
/// (`from 8 Mar: 09:00 EDT = 13:00 UTC`).
fn change_text(zone: &TimeZone, before: Timestamp, at: Timestamp, zoned: bool) -> String {
    let switch = zone.following(before).next().map_or(at, |t| t.timestamp());
    let day = switch.to_zoned(zone.clone()).strftime("%-d %b").to_string();
    let clock = at.to_zoned(zone.clone()).strftime("%H:%M").to_string();
    let abbreviation = zone.to_offset_info(at).abbreviation().to_string();
    if zoned {
        let utc = at.to_zoned(TimeZone::UTC).strftime("%H:%M UTC").to_string();
        format!("from {day}: {clock} {abbreviation} = {utc}")
    } else {
        format!("from {day}: {clock} {abbreviation}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::hint::zone_for;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn new_york() -> TimeZone {
        zone_for("ET").expect("ET is a known zone")
    }

    #[test]
    fn utc_and_local_forms() {
        let t = ts("2026-01-05T09:00:00Z");
        assert_eq!(format_utc(t), "Mon 2026-01-05 09:00 UTC");
        assert_eq!(format_in_zone(t, &new_york()), "Mon 2026-01-05 04:00 EST");
    }

    #[test]
    fn the_local_time_is_marked_when_it_reads_as_utc() {
        let t = ts("2026-01-05T09:00:00Z");
        let now = ts("2026-01-01T00:00:00Z");
        assert!(fire_time(t, now, &TimeZone::UTC).local_is_utc);
        assert!(!fire_time(t, now, &new_york()).local_is_utc);
        // London: GMT in winter reads as UTC; BST in summer does not.
        let london = TimeZone::get("Europe/London").unwrap();
        assert!(fire_time(t, now, &london).local_is_utc);
        assert!(!fire_time(ts("2026-07-06T09:00:00Z"), now, &london).local_is_utc);
    }

    #[test]
    fn the_same_utc_fire_moves_with_daylight_saving() {
        let ny = new_york();
        assert_eq!(format_in_zone(ts("2026-07-06T09:00:00Z"), &ny), "Mon 2026-07-06 05:00 EDT");
        // Daylight saving time ends on Sunday 2026-11-01: Monday 26 Oct is still EDT,
        // Monday 2 Nov is EST.
        let lab = Schedule::parse("cron(0 9 ? * MON *)").unwrap();
        let now = ts("2026-10-24T16:00:00Z");
        let shown: Vec<String> = upcoming_fires(&lab, now, &ny, 2).into_iter().map(|f| f.local).collect();
        assert_eq!(shown, ["Mon 2026-10-26 05:00 EDT", "Mon 2026-11-02 04:00 EST"]);
    }

    #[test]
    fn countdown_counts_real_time_across_the_change() {
        // Saturday 2026-10-31 12:00 EDT to Monday 2026-11-02 04:00 EST is 41 hours,
        // though the wall clock moves only 40.
        let now = ts("2026-10-31T16:00:00Z");
        let fire = fire_time(ts("2026-11-02T09:00:00Z"), now, &new_york());
        assert_eq!(fire.countdown, "in 1d 17h 00m");
        assert_eq!(fire.utc, "Mon 2026-11-02 09:00 UTC");
    }

    #[test]
    fn a_daylight_saving_change_between_fires_is_marked() {
        // The UTC rule in New York's clock: 04:00 EST, then 05:00 EDT from Sunday 8 March 2026.
        let lab = Schedule::parse("cron(0 9 ? * MON *)").unwrap();
        let fires = upcoming_fires(&lab, ts("2026-02-20T00:00:00Z"), &new_york(), 5);
        let marks: Vec<Option<&str>> = fires.iter().map(|f| f.change.as_deref()).collect();
        // Mondays 23 Feb, 2 Mar (EST), then 9 Mar (EDT).
        assert_eq!(marks, [None, None, Some("from 8 Mar: 05:00 EDT"), None, None]);
        // A Scheduler schedule in New York, seen from UTC: marked in its own zone.
        let zoned = lab.in_zone(new_york());
        let fires = upcoming_fires(&zoned, ts("2026-10-20T00:00:00Z"), &TimeZone::UTC, 3);
        // Mondays 26 Oct (EDT), then 2 Nov (EST).
        assert_eq!(fires[1].change.as_deref(), Some("from 1 Nov: 09:00 EST = 14:00 UTC"));
        assert_eq!(fires[2].change, None);
        // No change in UTC.
        let plain = Schedule::parse("cron(0 9 ? * MON *)").unwrap();
        assert!(
            upcoming_fires(&plain, ts("2026-02-20T00:00:00Z"), &TimeZone::UTC, 5)
                .iter()
                .all(|f| f.change.is_none())
        );
    }

    #[test]
    fn countdown_forms() {
        let fire = ts("2026-01-05T09:00:00Z");
        let before = |s: i64| countdown(fire - SignedDuration::from_secs(s), fire);
        assert_eq!(before(4 * 86_400 + 3 * 3600 + 12 * 60), "in 4d 03h 12m");
        assert_eq!(before(4 * 86_400 + 3 * 3600 + 11 * 60 + 1), "in 4d 03h 12m");
        assert_eq!(before(3 * 3600 + 5 * 60), "in 3h 05m");
        assert_eq!(before(12 * 60), "in 12m");
        assert_eq!(before(30), "in 1m");
        assert_eq!(before(0), "now");
        assert_eq!(before(-59), "now");
        assert_eq!(before(-12 * 60), "12m ago");
        assert_eq!(before(-(26 * 3600)), "1d 02h 00m ago");
    }
}
