//! What a rule's name claims about its schedule, and a note when the schedule says otherwise.
//!
//! Rule names often carry a time, a zone and a day: `MondayMorning9aEST`, `Daily0900UTC`,
//! `weekly-mon-9am-pt`. `EventBridge` evaluates cron in UTC, so a name written in local time
//! is easily wrong: `MondayMorning9aEST` with `cron(0 9 ? * MON *)` fires at 04:00 EST.
//!
//! Recognised in a name (letters in any case, words split by `-`, `_`, `.`, digits or
//! camelCase):
//! - times: `9a`, `9am`, `9AM`, `9:30pm`, `9-am`, `0900`, `09:00`, `2130`, `noon`, `midnight`,
//!   and a bare hour right before a zone (`9EST`; read as PM when the name says evening,
//!   afternoon or night);
//! - zones: `ET EST EDT` (`America/New_York`), `CT CST CDT` (America/Chicago), `MT MST MDT`
//!   (America/Denver), `PT PST PDT` (`America/Los_Angeles`), `CET CEST` (Europe/Paris),
//!   `UTC GMT`, and the words Eastern, Central, Mountain, Pacific. A zone named with a
//!   standard-time abbreviation (`EST`) is read as the region's civil time, daylight saving
//!   included, as people mean it;
//! - days: Monday … Sunday, and Mon, Tue(s), Wed(s), Thu(r)(s), Fri, Sat, Sun as whole words.
//!
//! A four-digit number is read as a 24-hour time when it is one (`2026` reads as 20:26), so
//! a year in a rule name can be taken for a time.

use jiff::Timestamp;
use jiff::civil::Weekday;
use jiff::tz::TimeZone;

use super::Schedule;

mod scan;
#[cfg(test)]
mod tests;

/// A time of day a rule name claims.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClaimedTime {
    /// Hour, 0-23.
    pub hour: i8,
    /// Minute, 0-59.
    pub minute: i8,
    /// Written with AM/PM (`9am`) rather than as 24-hour time (`0900`).
    pub twelve_hour: bool,
}

/// A time zone a rule name claims.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClaimedZone {
    /// The zone as the name writes it, e.g. `EST`, `PT`, `Eastern`.
    pub label: String,
    /// The zone it stands for (`EST` → `America/New_York`, daylight saving included).
    pub tz: TimeZone,
}

/// What a rule name claims: a day, a time and a zone, each if the name says so.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameHint {
    /// The day of the week the name names, if exactly one.
    pub weekday: Option<Weekday>,
    /// The time of day the name names.
    pub time: Option<ClaimedTime>,
    /// The zone the name names; without one, times are compared in UTC.
    pub zone: Option<ClaimedZone>,
}

/// Zone names a rule name may use: (abbreviation or word, IANA name, POSIX rule).
///
/// The POSIX rule stands in when the system has no time zone database.
const ZONES: &[(&str, &str, &str)] = &[
    ("ET", "America/New_York", EASTERN),
    ("EST", "America/New_York", EASTERN),
    ("EDT", "America/New_York", EASTERN),
    ("EASTERN", "America/New_York", EASTERN),
    ("CT", "America/Chicago", CENTRAL),
    ("CST", "America/Chicago", CENTRAL),
    ("CDT", "America/Chicago", CENTRAL),
    ("CENTRAL", "America/Chicago", CENTRAL),
    ("MT", "America/Denver", MOUNTAIN),
    ("MST", "America/Denver", MOUNTAIN),
    ("MDT", "America/Denver", MOUNTAIN),
    ("MOUNTAIN", "America/Denver", MOUNTAIN),
    ("PT", "America/Los_Angeles", PACIFIC),
    ("PST", "America/Los_Angeles", PACIFIC),
    ("PDT", "America/Los_Angeles", PACIFIC),
    ("PACIFIC", "America/Los_Angeles", PACIFIC),
    ("CET", "Europe/Paris", "CET-1CEST,M3.5.0,M10.5.0/3"),
    ("CEST", "Europe/Paris", "CET-1CEST,M3.5.0,M10.5.0/3"),
    ("UTC", "UTC", "UTC0"),
    ("GMT", "UTC", "UTC0"),
];
const EASTERN: &str = "EST5EDT,M3.2.0,M11.1.0";
const CENTRAL: &str = "CST6CDT,M3.2.0,M11.1.0";
const MOUNTAIN: &str = "MST7MDT,M3.2.0,M11.1.0";
const PACIFIC: &str = "PST8PDT,M3.2.0,M11.1.0";

/// The time zone a zone abbreviation or word stands for (`EST`, `pt`, `Eastern`, `UTC`, …;
/// see the module documentation), or `None` for an unknown one.
///
/// Uses the system's time zone database, or a built-in rule when it has none.
pub fn zone_for(name: &str) -> Option<TimeZone> {
    let (_, iana, posix) = ZONES.iter().find(|(n, _, _)| n.eq_ignore_ascii_case(name))?;
    if *iana == "UTC" {
        return Some(TimeZone::UTC);
    }
    TimeZone::get(iana).or_else(|_| TimeZone::posix(posix)).ok()
}

/// What `rule_name` claims about when it runs, or `None` if it names neither a time nor a day.
pub fn name_hint(rule_name: &str) -> Option<NameHint> {
    let found = scan::scan(rule_name);
    if found.time.is_none() && found.weekday.is_none() {
        return None;
    }
    let zone = found.zone.and_then(|label| {
        let tz = zone_for(&label)?;
        Some(ClaimedZone { label, tz })
    });
    Some(NameHint { weekday: found.weekday, time: found.time, zone })
}

/// A one-line note when the schedule's next fire after `now`, read in the zone the rule's
/// name names (UTC if it names none), is not at the time or on the day the name claims.
///
/// `None` when the name claims nothing, when it agrees with the next fire, for rate
/// schedules (they have no time of day), and when the schedule never fires again. Only the
/// next fire is checked, so a name in local time may agree in winter and not in summer.
pub fn check_name(rule_name: &str, schedule: &Schedule, now: Timestamp) -> Option<String> {
    let Schedule::Cron(_) = schedule else {
        return None;
    };
    let hint = name_hint(rule_name)?;
    let fire = schedule.next_after(now)?;
    let tz = hint.zone.as_ref().map_or(TimeZone::UTC, |z| z.tz.clone());
    let local = fire.to_zoned(tz.clone());
    let day_ok = hint.weekday.is_none_or(|w| local.weekday() == w);
    if hint.agrees(&local) {
        return None;
    }
    let claim = hint.claim(!day_ok);
    let abbreviation = tz.to_offset_info(fire).abbreviation().to_string();
    let clock = local.strftime("%H:%M");
    let fires = if day_ok {
        format!("at {clock} {abbreviation}")
    } else {
        let day = weekday_name(local.weekday());
        format!("on {day} at {clock} {abbreviation}")
    };
    let in_utc = hint.zone.is_none() || tz.to_fixed_offset().is_ok_and(|o| o.seconds() == 0);
    if in_utc || schedule.zone().is_some() {
        return Some(format!("Rule name says {claim}, but it fires {fires}."));
    }
    let utc = fire.to_zoned(TimeZone::UTC);
    let utc_text = if day_ok {
        utc.strftime("%H:%M UTC").to_string()
    } else {
        format!("{} {}", weekday_name(utc.weekday()), utc.strftime("%H:%M UTC"))
    };
    if hint.agrees(&utc) {
        return Some(format!(
            "Rule name says {claim}, but EventBridge cron runs in UTC: it fires {fires} ({utc_text})."
        ));
    }
    // Would the same UTC time match the name in the other half of the year?
    let half_year = jiff::SignedDuration::from_hours(182 * 24);
    let other = fire
        .checked_add(half_year)
        .ok()
        .map(|later| tz.to_offset(later))
        .filter(|offset| *offset != tz.to_offset(fire))
        .map(|offset| fire.to_zoned(TimeZone::fixed(offset)));
    if other.is_some_and(|z| hint.agrees(&z)) {
        return Some(format!(
            "Rule name says {claim}, but it fires {fires} ({utc_text}): EventBridge cron runs in UTC, so the local hour shifts with daylight saving time."
        ));
    }
    Some(format!("Rule name says {claim}, but it fires {fires} ({utc_text})."))
}

/// The `--at` of `schedule move` that makes a rule mean what its name says: the name's time in
/// the name's zone, e.g. `09:00 America/New_York` for `MondayMorning9aEST`. `None` when the name
/// claims no time, or no zone other than UTC.
pub fn move_at(rule_name: &str) -> Option<String> {
    let hint = name_hint(rule_name)?;
    let time = hint.time?;
    let zone = hint.zone?.tz;
    let name = zone.iana_name().filter(|n| *n != "UTC")?;
    Some(format!("{:02}:{:02} {name}", time.hour, time.minute))
}

impl NameHint {
    /// Whether a fire seen as `at` (in some zone) is at the claimed time and on the claimed day.
    fn agrees(&self, at: &jiff::Zoned) -> bool {
        let time_ok = self.time.is_none_or(|t| at.hour() == t.hour && at.minute() == t.minute);
        time_ok && self.weekday.is_none_or(|w| at.weekday() == w)
    }

    /// The claim in words, e.g. `9 AM EST`, `Monday 9 AM EST`, `09:00 UTC`.
    pub fn claim(&self, with_day: bool) -> String {
        let mut parts = Vec::new();
        if let Some(w) = self.weekday.filter(|_| with_day || self.time.is_none()) {
            parts.push(weekday_name(w).to_string());
        }
        if let Some(t) = self.time {
            parts.push(clock_text(t));
        }
        if let Some(z) = &self.zone {
            parts.push(z.label.clone());
        }
        parts.join(" ")
    }
}

/// `9 AM`, `9:30 PM`, `12 PM` for twelve-hour claims; `09:00` otherwise.
fn clock_text(t: ClaimedTime) -> String {
    if !t.twelve_hour {
        return format!("{:02}:{:02}", t.hour, t.minute);
    }
    let suffix = if t.hour < 12 { "AM" } else { "PM" };
    let hour12 = match t.hour % 12 {
        0 => 12,
        h => h,
    };
    if t.minute == 0 { format!("{hour12} {suffix}") } else { format!("{hour12}:{:02} {suffix}", t.minute) }
}

/// `Monday`, `Tuesday`, ….
pub(crate) fn weekday_name(w: Weekday) -> &'static str {
    match w {
        Weekday::Monday => "Monday",
        Weekday::Tuesday => "Tuesday",
        Weekday::Wednesday => "Wednesday",
        Weekday::Thursday => "Thursday",
        Weekday::Friday => "Friday",
        Weekday::Saturday => "Saturday",
        Weekday::Sunday => "Sunday",
    }
}
