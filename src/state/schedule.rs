//! The weekly trigger from the panel: its state, and key `S` to enable or disable it.

use super::{Choice, Dialog, Intent, Level, Notice, State};
use crate::action::Effect;
use crate::cloud::CloudError;
use crate::schedule::{LastFired, RuleInfo, RuleState, ScheduleView};

/// What the panel shows about the schedule, built from the last answer; local times in `tz`.
pub fn view(s: &State, tz: &jiff::tz::TimeZone) -> Option<ScheduleView> {
    let (info, _) = s.schedule.value.as_ref()?;
    let mut v = ScheduleView::build(info, s.now, tz, s.dev_mode_on(), s.dev_config.alarm_window);
    // The alarm names who left the box in dev mode, when CloudTrail says: first, so that a
    // narrow panel keeps it.
    if let (Some(alarm), Some(o)) = (v.dev_mode_alarm.as_mut(), super::activity::dev_owner(s)) {
        let owner = format!("Dev mode is on ({})", super::activity::owner_text(&o, s.now));
        *alarm = match alarm.strip_prefix("Dev mode is on") {
            Some(rest) => format!("{owner}{rest}"),
            None => format!("{owner}: {alarm}"),
        };
    }
    Some(v)
}

/// The answer to the schedule poll numbered `seq`: stale answers are dropped.
pub(super) fn loaded(s: &mut State, seq: u64, result: Result<(RuleInfo, Option<LastFired>), CloudError>) {
    if s.schedule_poll.answered(seq, result.is_ok(), false, s.now) {
        match result {
            Ok(v) => {
                s.schedule.value = Some(v);
                s.schedule.ok_at = Some(s.now);
                s.schedule.error = None;
            }
            Err(e) => s.schedule.error = Some(e.to_string()),
        }
    }
}

/// Key `S`: ask before flipping the rule's state.
pub(super) fn request_toggle(s: &mut State) -> Vec<Effect> {
    if super::runs::read_only_refusal(s, "changing the schedule") {
        return vec![];
    }
    let Some((info, _)) = s.schedule.value.as_ref() else {
        s.notice = Some(Notice { level: Level::Warn, text: "the schedule rule is not known yet".into() });
        return vec![];
    };
    let enable = info.state != RuleState::Enabled;
    let mut lines = vec![
        (Level::Info, format!("Rule {}: {} ({})", info.name, info.expression, info.state.as_str())),
        (Level::Info, String::new()),
    ];
    if enable {
        // Only the UTC time is said: the zone does not matter.
        let next = view(s, &jiff::tz::TimeZone::UTC).and_then(|v| v.upcoming.first().map(|f| f.utc.clone()));
        lines.push((
            Level::Info,
            format!(
                "The box starts again on schedule{}.",
                next.map(|n| format!(", next {n}")).unwrap_or_default()
            ),
        ));
    } else {
        lines.push((
            Level::Warn,
            "No scheduled run until it is enabled again: the Monday run will not happen.".into(),
        ));
    }
    let title = if enable { "Enable the schedule?" } else { "Disable the schedule?" };
    let label = if enable { "Yes, enable" } else { "Yes, disable" };
    s.dialog = Some(Dialog::new(
        title,
        lines,
        vec![
            Choice::cancel("No"),
            Choice::doing(label, Intent::Write(crate::action::Write::SetSchedule(enable))),
        ],
    ));
    vec![]
}
