//! Key `M`: move the box's schedule from the `EventBridge` rule (cron in UTC) to an
//! `EventBridge` Scheduler schedule at the lab's own time and zone, or back. The plan and the
//! side-by-side fires are `schedule move`'s own (`schedule::moving`); nothing is written before
//! the second dialog is confirmed, and each step is reported as it ends.

use std::fmt::Write as _;

use jiff::tz::TimeZone;

use super::{Choice, Dialog, Intent, Level, Notice, State};
use crate::action::{Effect, Move, MoveStep};
use crate::backends::Account;
use crate::cloud::CloudError;
use crate::config::Config;
use crate::schedule::RuleState;
use crate::schedule::hint::move_at;
use crate::schedule::moving::{At, plan, side_by_side};
use crate::schedule::rules::{Other, RuleInfo};

/// The role demo mode's simulated Scheduler assumes when none is configured: the one the
/// demo's doctor checks.
use crate::doctor::roles::DEMO_SCHEDULER_ROLE as DEMO_ROLE;

/// Width of the side-by-side comparison's first column in the dialog.
const COLUMN: usize = 34;

/// What a move needs from the configuration, and how the current one is going.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MoveState {
    /// The scheduler Lambda (`lambda`): the target carried over.
    pub lambda: String,
    /// The Scheduler schedule's name (`schedule.name`).
    pub name: String,
    /// Its group (`schedule.group`).
    pub group: String,
    /// The role the Scheduler assumes (`schedule.role`; in demo mode a simulated one).
    pub role: Option<String>,
    /// True from the confirmation until the last step's answer.
    pub busy: bool,
    /// The steps done so far in this move, for the notice.
    pub done: Vec<String>,
}

impl MoveState {
    /// The configuration's Lambda, schedule name, group and role.
    pub fn new(cfg: &Config, mode: &Account) -> Self {
        let demo_role = (*mode == Account::Demo).then(|| DEMO_ROLE.to_string());
        MoveState {
            lambda: cfg.lambda_name.clone(),
            name: cfg.scheduler.name.clone(),
            group: cfg.scheduler.group.clone(),
            role: cfg.scheduler.role.clone().or(demo_role),
            busy: false,
            done: Vec::new(),
        }
    }

    /// `default/MondayMorning9aEST`.
    fn schedule(&self) -> String {
        format!("{}/{}", self.group, self.name)
    }
}

fn notice(s: &mut State, level: Level, text: impl Into<String>) {
    s.notice = Some(Notice { level, text: text.into() });
}

/// The rule and the Scheduler schedule (`None`: it does not exist) as the last read saw them;
/// each `Err` says why it is unknown.
type Pair<'a> = (Result<&'a RuleInfo, String>, Result<Option<&'a RuleInfo>, String>);

fn pair(info: &RuleInfo) -> Pair<'_> {
    let other = match &info.other {
        Other::Found(o) => Ok(Some(o.as_ref())),
        Other::Absent => Ok(None),
        Other::Unknown(why) => Err(why.clone()),
        Other::NotRead => Err("not read".to_string()),
    };
    if info.scheduler.is_none() {
        (Ok(info), other)
    } else {
        let rule = match other {
            Ok(Some(r)) => Ok(r),
            Ok(None) => Err("the EventBridge rule does not exist".to_string()),
            Err(why) => Err(why),
        };
        (rule, Ok(Some(info)))
    }
}

/// Key `M`: ask for the lab's time and zone, or, when a Scheduler schedule exists, offer to
/// move back to the rule.
pub(super) fn request(s: &mut State) -> Vec<Effect> {
    if super::runs::read_only_refusal(s, "moving the schedule") {
        return vec![];
    }
    if s.moving.busy {
        notice(s, Level::Warn, "a schedule move is under way: wait for its last step");
        return vec![];
    }
    let Some((info, _)) = s.schedule.value.clone() else {
        notice(s, Level::Warn, "the schedule is not known yet");
        return vec![];
    };
    let (rule, scheduler) = pair(&info);
    let rule = match rule {
        Ok(r) => r.clone(),
        Err(why) => {
            notice(s, Level::Warn, format!("cannot move the schedule: the rule is unknown ({why})"));
            return vec![];
        }
    };
    match scheduler {
        Err(why) => {
            let text = format!(
                "whether Scheduler schedule `{}` exists is unknown ({why}): nothing moved",
                s.moving.schedule()
            );
            notice(s, Level::Warn, text);
        }
        Ok(Some(sched)) => ask_back(s, &rule, &sched.clone(), info.scheduler.is_some()),
        Ok(None) => {
            let (text, from_name) = match move_at(&rule.name) {
                Some(at) => (at, true),
                None => (utc_time(s, &rule), false),
            };
            ask_time(s, &rule, &text, from_name, None);
        }
    }
    vec![]
}

/// The rule's next fire's time of day in UTC (`09:00 UTC`), or `09:00 UTC`.
fn utc_time(s: &State, rule: &RuleInfo) -> String {
    let next = rule.schedule.as_ref().ok().and_then(|sc| sc.next_after(s.now));
    next.map_or("09:00 UTC".to_string(), |t| format!("{} UTC", t.to_zoned(TimeZone::UTC).strftime("%H:%M")))
}

/// The first dialog: the time and zone, editable; `error` says why the last one was refused.
fn ask_time(s: &mut State, rule: &RuleInfo, text: &str, from_name: bool, error: Option<String>) {
    let mut lines = vec![
        (Level::Info, format!("{}: {} in UTC, {}.", rule.what(), rule.expression, rule.state)),
        (
            Level::Info,
            format!(
                "Move it to Scheduler schedule `{}`: the same weekdays and Lambda, at the lab's time and zone.",
                s.moving.schedule()
            ),
        ),
        (Level::Info, String::new()),
        (
            Level::Info,
            if from_name {
                "The time and zone the rule's name says (HH:MM ZONE); edit, then Enter to compare:"
                    .to_string()
            } else {
                "The rule's name claims no time and zone: type the lab's (HH:MM ZONE), then Enter:"
                    .to_string()
            },
        ),
    ];
    if let Some(e) = error {
        lines.push((Level::Error, e));
    }
    let mut dialog = Dialog::new(
        "Move the schedule to the lab's time zone",
        lines,
        vec![Choice::cancel("Cancel"), Choice::doing("Compare", Intent::MoveCompare)],
    )
    .with_input(text);
    // The text is the question here: Compare is highlighted, Esc cancels.
    dialog.selected = 1;
    s.dialog = Some(dialog);
}

/// Compare was chosen: read the time and zone; show both schedules' next fires side by side
/// and ask, or ask the time again with the reason.
pub(super) fn compare(s: &mut State, dialog: &Dialog) {
    let text = dialog.input.clone().unwrap_or_default();
    let Some((info, _)) = s.schedule.value.clone() else {
        return notice(s, Level::Warn, "the schedule is not known yet");
    };
    let Ok(rule) = pair(&info).0.cloned() else {
        return notice(s, Level::Warn, "cannot move the schedule: the rule is unknown");
    };
    let m = &s.moving;
    let planned =
        At::parse(&text).and_then(|at| Ok((at.tz()?, plan(&rule, &at, &m.lambda, m.role.as_deref())?)));
    let (zone, p) = match planned {
        Ok(v) => v,
        Err(e) => return ask_time(s, &rule, &text, move_at(&rule.name).is_some(), Some(e)),
    };
    let mut lines = vec![
        (
            Level::Info,
            format!(
                "Create Scheduler schedule `{}`: {} in {}",
                m.schedule(),
                p.new.expression,
                p.new.time_zone
            ),
        ),
        (Level::Info, format!("target Lambda {}", lambda_name(&p.new.target))),
        (Level::Info, format!("role {}", p.new.role)),
        (Level::Info, String::new()),
    ];
    lines
        .extend(side_by_side(&rule, &p.schedule, &zone, s.now, COLUMN).into_iter().map(|l| (Level::Info, l)));
    lines.push((Level::Info, String::new()));
    let first = |sc: &crate::schedule::Schedule| sc.next_after(s.now);
    let old_first = rule.schedule.as_ref().ok().and_then(first);
    if let Some(at) = first(&p.schedule).filter(|at| old_first.is_some_and(|o| at < &o)) {
        let f = crate::schedule::fire_time(at, s.now, &zone);
        lines.push((
            Level::Warn,
            format!("The new schedule first fires {} ({}), before the rule's next: the box may start twice this week.", f.utc, f.countdown),
        ));
    }
    let disable_rule = rule.state.fires();
    lines.push(if disable_rule {
        (Level::Warn, format!("Then disable {}: only the new schedule starts the box.", rule.what()))
    } else {
        (Level::Info, format!("{} is {} and stays so.", rule.what(), rule.state))
    });
    let intent = Intent::Move(Move::ToScheduler { new: Box::new(p.new), disable_rule });
    s.dialog = Some(Dialog::new(
        "Move the schedule?",
        lines,
        vec![Choice::cancel("No"), Choice::doing("Yes, move", intent)],
    ));
}

/// `start-baseline-instance` from its ARN (the whole ARN when it is not a Lambda's).
fn lambda_name(arn: &str) -> &str {
    arn.split(":function:").nth(1).map_or(arn, |n| n.split(':').next().unwrap_or(n))
}

/// The undo dialog: enable the rule (when it does not fire), then delete the Scheduler schedule.
fn ask_back(s: &mut State, rule: &RuleInfo, sched: &RuleInfo, kind_scheduler: bool) {
    let enable_rule = rule.state != RuleState::Enabled;
    let mut lines = vec![
        (
            Level::Info,
            format!("{} is {}: {} in {}.", sched.what(), sched.state, sched.expression, sched.zone_name()),
        ),
        (Level::Info, format!("{} is {}: {} in UTC.", rule.what(), rule.state, rule.expression)),
        (Level::Info, String::new()),
    ];
    let mut steps = Vec::new();
    if enable_rule {
        steps.push(format!("enable {}", rule.what()));
    }
    steps.push(format!("delete {}", sched.what()));
    for (n, step) in steps.iter().enumerate() {
        lines.push((Level::Info, format!("{}. {step}", n + 1)));
    }
    lines.push((Level::Info, "In this order the box stays scheduled at every moment.".into()));
    if kind_scheduler {
        lines.push((
            Level::Warn,
            "The config says kind = \"scheduler\" under [schedule]: set it back to \"rule\" after.".into(),
        ));
    }
    s.dialog = Some(Dialog::new(
        "Move back to the rule?",
        lines,
        vec![Choice::cancel("No"), Choice::doing("Yes, move back", Intent::Move(Move::Back { enable_rule }))],
    ));
}

/// The move was confirmed: carry it out.
pub(super) fn execute(s: &mut State, mv: Move) -> Vec<Effect> {
    s.moving.busy = true;
    s.moving.done.clear();
    let text = match &mv {
        Move::ToScheduler { .. } => "moving the schedule…",
        Move::Back { .. } => "moving the schedule back to the rule…",
    };
    notice(s, Level::Info, text);
    vec![Effect::MoveSchedule(mv)]
}

/// One step's answer: the steps done so far, or what failed and what that leaves; after the
/// last step the schedule is read again.
pub(super) fn step_done(
    s: &mut State,
    step: MoveStep,
    result: Result<(), CloudError>,
    last: bool,
) -> Vec<Effect> {
    let sched = s.moving.schedule();
    let finished = last || result.is_err();
    match result {
        Ok(()) => {
            s.moving.done.push(match step {
                MoveStep::CreateSchedule => format!("created Scheduler schedule `{sched}` (ENABLED)"),
                MoveStep::DisableRule => "disabled the rule".to_string(),
                MoveStep::EnableRule => "enabled the rule".to_string(),
                MoveStep::DeleteSchedule => format!("deleted Scheduler schedule `{sched}`"),
            });
            let mut text = s.moving.done.join("; ");
            if last {
                text.push_str(match step {
                    MoveStep::CreateSchedule | MoveStep::DisableRule => {
                        ": the box now starts on the Scheduler schedule"
                    }
                    MoveStep::EnableRule | MoveStep::DeleteSchedule => {
                        ": the rule is the box's schedule again"
                    }
                });
            }
            notice(s, Level::Info, text);
        }
        Err(e) => {
            let mut text = String::new();
            for d in &s.moving.done {
                let _ = write!(text, "{d}; ");
            }
            if e.nothing_done() {
                let _ = write!(text, "{} failed: {e}", step.doing());
            } else {
                let _ = write!(
                    text,
                    "{} may be applied ({e}); check with `baseline-panel schedule show`",
                    step.doing()
                );
            }
            if step == MoveStep::CreateSchedule && matches!(e, CloudError::AccessDenied { .. }) {
                text.push_str(" (creating a schedule also needs iam:PassRole on the role)");
            }
            text.push_str(match step {
                MoveStep::DisableRule => {
                    " — two enabled schedules start this box now: the rule and the new Scheduler schedule; M moves back"
                }
                MoveStep::DeleteSchedule => {
                    " — two enabled schedules may start this box now: delete or disable the Scheduler schedule"
                }
                MoveStep::CreateSchedule | MoveStep::EnableRule => "",
            });
            notice(s, Level::Error, text);
        }
    }
    if finished {
        s.moving.busy = false;
        vec![Effect::FetchSchedule { seq: s.schedule_poll.issue() }]
    } else {
        vec![]
    }
}
