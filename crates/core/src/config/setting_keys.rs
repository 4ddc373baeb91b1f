//! Which key of the config file sets a box's named AWS resources, for the hints that say what
//! to fix.

use super::{BoxSection, FileConfig};

/// Where the config file sets the box's named AWS resources, for the hints that say which key
/// to fix: `` `rule` under [boxes.flu] `` for a box's own table, else `` `rule` under [schedule] ``.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingKeys {
    /// The `EventBridge` rule's key.
    pub rule: String,
    /// The scheduler Lambda's key.
    pub lambda: String,
    /// The run log group's key.
    pub log_group: String,
}

impl SettingKeys {
    /// The keys of a file without `[boxes]`: the top-level sections.
    pub fn top_level() -> Self {
        SettingKeys {
            rule: "`rule` under [schedule]".into(),
            lambda: "`lambda` under [schedule]".into(),
            log_group: "`run_group` under [logs]".into(),
        }
    }

    /// The keys for `box_name`: its own table's when it sets the value, or when the file lists
    /// boxes and the top level does not set it either (each box then needs its own); the
    /// top-level section's otherwise.
    pub(super) fn for_box(file: &FileConfig, box_name: &str) -> Self {
        let none = BoxSection::default();
        let bx = file.boxes.get(box_name).unwrap_or(&none);
        let boxed = !file.boxes.is_empty();
        let key = |in_box: bool, top_set: bool, box_key: &str, top: String| {
            if in_box || (boxed && !top_set) { format!("`{box_key}` under [boxes.{box_name}]") } else { top }
        };
        let top = Self::top_level();
        SettingKeys {
            rule: key(bx.rule.is_some(), file.schedule.rule.is_some(), "rule", top.rule),
            lambda: key(bx.lambda.is_some(), file.schedule.lambda.is_some(), "lambda", top.lambda),
            log_group: key(bx.log_group.is_some(), file.logs.run_group.is_some(), "log_group", top.log_group),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Config, DotEnv, NoEnv, Overrides};

    fn keys(toml: &str, box_name: Option<&str>) -> SettingKeys {
        let file = FileConfig::parse(toml, std::path::Path::new("config.toml")).unwrap();
        let flags = Overrides { box_name: box_name.map(str::to_owned), ..Overrides::default() };
        Config::resolve(&file, &DotEnv::default(), &NoEnv, &flags).unwrap().setting_keys
    }

    #[test]
    fn a_file_without_boxes_names_the_top_level_sections() {
        assert_eq!(keys("", None), SettingKeys::top_level());
        let k = keys("[schedule]\nrule = \"R\"\n", None);
        assert_eq!(k.rule, "`rule` under [schedule]");
        assert_eq!(k.log_group, "`run_group` under [logs]");
    }

    #[test]
    fn a_box_names_its_own_table_unless_the_top_level_sets_the_value() {
        let file =
            "[schedule]\nlambda = \"start-any\"\n[boxes.baseline]\n[boxes.flu]\nrule = \"FluWeekly\"\n";
        let flu = keys(file, Some("flu"));
        assert_eq!(flu.rule, "`rule` under [boxes.flu]", "the box sets it");
        assert_eq!(flu.lambda, "`lambda` under [schedule]", "shared by every box, set at the top");
        assert_eq!(flu.log_group, "`log_group` under [boxes.flu]", "a default: each box sets its own");
        let base = keys(file, Some("baseline"));
        assert_eq!(base.rule, "`rule` under [boxes.baseline]");
    }
}
