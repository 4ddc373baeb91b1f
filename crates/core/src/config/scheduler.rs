//! Which kind of schedule starts the box: an `EventBridge` rule (`schedule.rule`) or an
//! `EventBridge` Scheduler schedule (`schedule.kind = "scheduler"`, `schedule.name`,
//! `schedule.group`), and the role the Scheduler assumes to invoke the Lambda (`schedule.role`).

use super::{BoxSection, ConfigError, FileConfig};

/// The kind of schedule the panel shows and `S` switches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScheduleKind {
    /// An `EventBridge` rule: cron in UTC (`schedule.kind = "rule"`, the default).
    Rule,
    /// An `EventBridge` Scheduler schedule: cron in its own time zone (`"scheduler"`).
    Scheduler,
}

impl ScheduleKind {
    /// `rule` or `scheduler`, as the config file writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            ScheduleKind::Rule => "rule",
            ScheduleKind::Scheduler => "scheduler",
        }
    }
}

/// The `EventBridge` Scheduler side of a box's schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchedulerConfig {
    /// Which schedule is the box's: the rule or the Scheduler schedule.
    pub kind: ScheduleKind,
    /// The Scheduler schedule's name (`schedule.name`; default: the rule's name, which then
    /// finally means what it says).
    pub name: String,
    /// Its schedule group (`schedule.group`, default `default`).
    pub group: String,
    /// The role ARN the Scheduler assumes to invoke the Lambda (`schedule.role`); needed by
    /// `schedule move`.
    pub role: Option<String>,
}

/// Schedule group used when none is named.
pub const DEFAULT_GROUP: &str = "default";

/// Reads the Scheduler keys of the box `bx` over the `[schedule]` section; `rule_name` is the
/// name used when `schedule.name` is not set.
pub(super) fn resolve(
    file: &FileConfig,
    bx: &BoxSection,
    rule_name: &str,
) -> Result<SchedulerConfig, ConfigError> {
    let pick = |boxed: &Option<String>, top: &Option<String>| boxed.clone().or_else(|| top.clone());
    let top = &file.schedule;
    let kind = match pick(&bx.schedule_kind, &top.kind).as_deref() {
        None | Some("rule") => ScheduleKind::Rule,
        Some("scheduler") => ScheduleKind::Scheduler,
        Some(_) => {
            return Err(ConfigError::Invalid {
                key: "schedule.kind".into(),
                message: "not a schedule kind; use \"rule\" or \"scheduler\"".into(),
            });
        }
    };
    let role = pick(&bx.schedule_role, &top.role);
    if let Some(r) = &role
        && !r.starts_with("arn:")
    {
        return Err(ConfigError::Invalid {
            key: "schedule.role".into(),
            message: "not a role ARN (like arn:aws:iam::123456789012:role/NAME)".into(),
        });
    }
    Ok(SchedulerConfig {
        kind,
        name: pick(&bx.schedule_name, &top.name).unwrap_or_else(|| rule_name.to_string()),
        group: pick(&bx.schedule_group, &top.group).unwrap_or_else(|| DEFAULT_GROUP.into()),
        role,
    })
}

#[cfg(test)]
mod tests {
    use crate::config::{Config, ConfigError, DotEnv, NoEnv, Overrides};

    use super::ScheduleKind;

    fn resolve(text: &str, box_name: Option<&str>) -> Result<Config, ConfigError> {
        let file = toml::from_str(text).unwrap();
        let flags = Overrides { box_name: box_name.map(str::to_owned), ..Overrides::default() };
        Config::resolve(&file, &DotEnv::default(), &NoEnv, &flags)
    }

    #[test]
    fn defaults_keep_the_rule_and_name_the_schedule_after_it() {
        let c = resolve("", None).unwrap();
        assert_eq!(c.scheduler.kind, ScheduleKind::Rule);
        assert_eq!(c.scheduler.name, "MondayMorning9aEST");
        assert_eq!(c.scheduler.group, "default");
        assert_eq!(c.scheduler.role, None);
    }

    #[test]
    fn the_schedule_section_and_a_box_table_set_them() {
        let text = "[schedule]\nkind = \"scheduler\"\nname = \"Weekly\"\nrole = \"arn:aws:iam::1:role/r\"\n\
                    [boxes.baseline]\n[boxes.flu]\nschedule_kind = \"rule\"\nschedule_group = \"flu\"\n";
        let base = resolve(text, Some("baseline")).unwrap();
        assert_eq!(base.scheduler.kind, ScheduleKind::Scheduler);
        assert_eq!(base.scheduler.name, "Weekly");
        assert_eq!(base.scheduler.role.as_deref(), Some("arn:aws:iam::1:role/r"));
        let flu = resolve(text, Some("flu")).unwrap();
        assert_eq!(flu.scheduler.kind, ScheduleKind::Rule);
        assert_eq!(flu.scheduler.group, "flu");
    }

    #[test]
    fn a_wrong_kind_or_role_is_named() {
        let err = resolve("[schedule]\nkind = \"cron\"\n", None).unwrap_err().to_string();
        assert!(err.contains("schedule.kind"), "{err}");
        let err = resolve("[schedule]\nrole = \"scheduler-role\"\n", None).unwrap_err().to_string();
        assert!(err.contains("schedule.role"), "{err}");
    }
}
