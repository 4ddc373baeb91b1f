//! What the panel and the CLI show about the rule, built from [`RuleInfo`] with the time, the
//! zone and the dev-mode flag as parameters.

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use super::rules::{Other, RuleInfo, RuleState};
use super::{FireTime, Schedule, check_name, countdown, upcoming_fires};

/// How close the next fire must be for the dev-mode alarm: 24 hours.
pub const DEFAULT_ALARM_WINDOW: SignedDuration = SignedDuration::from_hours(24);

/// How many upcoming fires a view lists.
pub const UPCOMING_FIRES: usize = 5;

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
    /// `rule` or `schedule` (an `EventBridge` Scheduler schedule).
    pub noun: &'static str,
    /// Where the expression is evaluated: `UTC` or the Scheduler schedule's zone.
    pub zone: String,
    /// Two enabled schedules start the box (a rule and a Scheduler schedule): it starts twice.
    pub two_enabled: Option<String>,
    /// The configured schedule does not fire and the other kind does: the view shows that one.
    pub shown_instead: Option<String>,
    /// Whether a schedule of the other kind also starts the box could not be read: why.
    pub other_unknown: Option<String>,
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
        let configured = info;
        let info = configured.shown();
        let shown_instead = (!std::ptr::eq(info, configured)).then(|| {
            format!(
                "{} is {}; {} starts the box and is shown here (set `kind` under [schedule] to make it the box's).",
                configured.what(),
                configured.state,
                info.what()
            )
        });
        let two_enabled = configured.other_firing().filter(|_| configured.state.fires()).map(|o| {
            format!(
                "Two enabled schedules start this box: {} and {}. It will start twice; disable one (`baseline-panel schedule move --undo` goes back to the rule).",
                configured.what(),
                o.what()
            )
        });
        let other_unknown = match &configured.other {
            Other::Unknown(why) => {
                Some(format!("Whether another schedule also starts this box is unknown: {why}"))
            }
            _ => None,
        };
        let fires = info.state.fires();
        let (upcoming, exact, problem, name_note) = match &info.schedule {
            Ok(s) => (
                upcoming_fires(s, now, tz, UPCOMING_FIRES),
                s.is_exact(),
                None,
                check_name(&info.name, s, now).map(|note| with_move_hint(note, info)),
            ),
            Err(why) => (
                Vec::new(),
                false,
                Some(format!("The {}'s schedule cannot be read: {why}", info.noun())),
                None,
            ),
        };
        let next = upcoming.first().filter(|_| fires).cloned();
        let disabled_note =
            (!fires).then(|| disabled_note(info.noun(), &info.state, &info.schedule, &upcoming));
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
            noun: info.noun(),
            zone: info.zone_name().to_string(),
            two_enabled,
            shown_instead,
            other_unknown,
        }
    }

    /// Every note worth a line, most urgent first: the alarm, two enabled schedules, the
    /// disabled note, the schedule problem, which schedule is shown, the name note, an unread
    /// other schedule.
    pub fn notes(&self) -> Vec<&str> {
        [
            &self.dev_mode_alarm,
            &self.two_enabled,
            &self.disabled_note,
            &self.problem,
            &self.shown_instead,
            &self.name_note,
            &self.other_unknown,
        ]
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

/// A rule's name note with the command that fixes the clock, when the name claims a time in a
/// zone: `… Fix the clock: baseline-panel schedule move --to-scheduler --at "09:00 America/New_York"`.
fn with_move_hint(note: String, info: &RuleInfo) -> String {
    match super::hint::move_at(&info.name).filter(|_| info.scheduler.is_none()) {
        Some(at) => {
            format!("{note} Fix the clock: baseline-panel schedule move --to-scheduler --at \"{at}\"")
        }
        None => note,
    }
}

/// `The rule is DISABLED: no Monday run until it is enabled again.`
fn disabled_note(
    noun: &str,
    state: &RuleState,
    schedule: &Result<Schedule, String>,
    upcoming: &[FireTime],
) -> String {
    let zone = schedule.as_ref().ok().and_then(Schedule::zone).cloned().unwrap_or(TimeZone::UTC);
    let weekday = |f: &FireTime| f.at.to_zoned(zone.clone()).weekday();
    let day = match (schedule, upcoming.first()) {
        (Ok(Schedule::Cron(_)), Some(first)) if upcoming.iter().all(|f| weekday(f) == weekday(first)) => {
            Some(super::hint::weekday_name(weekday(first)))
        }
        _ => None,
    };
    let run = day.map_or("no scheduled run".to_string(), |d| format!("no {d} run"));
    match state {
        RuleState::Disabled => format!("The {noun} is DISABLED: {run} until it is enabled again."),
        other => format!("The {noun}'s state is {other}, not ENABLED: {run} while it stays so."),
    }
}

#[cfg(test)]
mod tests;
