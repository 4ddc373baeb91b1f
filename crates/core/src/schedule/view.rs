//! What the panel and the CLI show about the rule, built from [`RuleInfo`] with the time, the
//! zone and the dev-mode flag as parameters.

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use super::rules::{RuleInfo, RuleState};
use super::{FireTime, Schedule, check_name, countdown, upcoming_fires};

/// How close the next fire must be for the dev-mode alarm: 24 hours.
pub const DEFAULT_ALARM_WINDOW: SignedDuration = SignedDuration::from_hours(24);

/// How many upcoming fires a view lists.
pub const UPCOMING_FIRES: usize = 3;

/// The rule, ready to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleView {
    /// Rule name.
    pub rule: String,
    /// Enabled, disabled or other.
    pub state: RuleState,
    /// The expression as `EventBridge` stores it.
    pub expression: String,
    /// The targets' ARNs.
    pub targets: Vec<String>,
    /// True when the fire times are exact (cron); false for a rate, whose times are estimates
    /// (`EventBridge` counts a rate from the rule's creation, which it does not report).
    pub exact: bool,
    /// The next fire, when the rule fires at all (enabled, with a readable schedule).
    pub next: Option<FireTime>,
    /// The next [`UPCOMING_FIRES`] fire times of the expression, earliest first; listed even
    /// when the rule is disabled (they are then what it would do once enabled).
    pub upcoming: Vec<FireTime>,
    /// The schedule cannot be read: why.
    pub problem: Option<String>,
    /// The rule's name claims another time than it fires at ([`check_name`]).
    pub name_note: Option<String>,
    /// The rule does not fire: e.g. `The rule is DISABLED: no Monday run until it is enabled again.`
    pub disabled_note: Option<String>,
    /// Dev mode is on and the rule fires within the alarm window: the coming run will boot
    /// without running the script.
    pub dev_mode_alarm: Option<String>,
}

impl ScheduleView {
    /// The view of `info` at `now`, local times in `tz`. `dev_mode` says whether the instance's
    /// user data has the script line commented out; the alarm is raised when it is on, the rule
    /// fires, and the next fire is at most `window` away (inclusive).
    pub fn build(
        info: &RuleInfo,
        now: Timestamp,
        tz: &TimeZone,
        dev_mode: bool,
        window: SignedDuration,
    ) -> ScheduleView {
        let fires = info.state.fires();
        let (upcoming, exact, problem, name_note) = match &info.schedule {
            Ok(s) => (
                upcoming_fires(s, now, tz, UPCOMING_FIRES),
                s.is_exact(),
                None,
                check_name(&info.name, s, now),
            ),
            Err(why) => (Vec::new(), false, Some(format!("The rule's schedule cannot be read: {why}")), None),
        };
        let next = upcoming.first().filter(|_| fires).cloned();
        let disabled_note = (!fires).then(|| disabled_note(&info.state, &info.schedule, &upcoming));
        let dev_mode_alarm = next
            .as_ref()
            .filter(|n| dev_mode && n.at.duration_since(now) <= window)
            .map(|n| alarm(n, now, exact));
        ScheduleView {
            rule: info.name.clone(),
            state: info.state.clone(),
            expression: info.expression.clone(),
            targets: info.targets.clone(),
            exact,
            next,
            upcoming,
            problem,
            name_note,
            disabled_note,
            dev_mode_alarm,
        }
    }

    /// Every note worth a line, most urgent first: the alarm, the disabled note, the schedule
    /// problem, the name note.
    pub fn notes(&self) -> Vec<&str> {
        [&self.dev_mode_alarm, &self.disabled_note, &self.problem, &self.name_note]
            .into_iter()
            .filter_map(|n| n.as_deref())
            .collect()
    }
}

/// `Dev mode is on and the schedule fires in 5h 12m (Mon 09:00 UTC): that run will boot
/// WITHOUT running the script.`
fn alarm(next: &FireTime, now: Timestamp, exact: bool) -> String {
    let left = countdown(now, next.at);
    let left = left.strip_prefix("in ").unwrap_or(&left);
    let when = if exact {
        format!("in {left} ({})", next.at.to_zoned(TimeZone::UTC).strftime("%a %H:%M UTC"))
    } else {
        format!("within {left}")
    };
    format!("Dev mode is on and the schedule fires {when}: that run will boot WITHOUT running the script.")
}

/// `The rule is DISABLED: no Monday run until it is enabled again.`
fn disabled_note(state: &RuleState, schedule: &Result<Schedule, String>, upcoming: &[FireTime]) -> String {
    let weekday = |f: &FireTime| f.at.to_zoned(TimeZone::UTC).weekday();
    let day = match (schedule, upcoming.first()) {
        (Ok(Schedule::Cron(_)), Some(first)) if upcoming.iter().all(|f| weekday(f) == weekday(first)) => {
            Some(super::hint::weekday_name(weekday(first)))
        }
        _ => None,
    };
    let run = day.map_or("no scheduled run".to_string(), |d| format!("no {d} run"));
    match state {
        RuleState::Disabled => format!("The rule is DISABLED: {run} until it is enabled again."),
        other => format!("The rule's state is {other}, not ENABLED: {run} while it stays so."),
    }
}

#[cfg(test)]
mod tests;
