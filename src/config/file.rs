//! The TOML config file (`$XDG_CONFIG_HOME/baseline-panel/config.toml` or `--config PATH`).

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::ConfigError;

/// `[aws]` section.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwsSection {
    /// AWS profile name.
    pub profile: Option<String>,
    /// Region.
    pub region: Option<String>,
    /// Custom endpoint.
    pub endpoint_url: Option<String>,
}

/// `[instance]` section.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstanceSection {
    /// Value of the `Name` tag.
    pub name: Option<String>,
    /// Exact instance id (wins over the name).
    pub id: Option<String>,
    /// Substring identifying the script line in the user data.
    pub script_pattern: Option<String>,
}

/// `[schedule]` section.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleSection {
    /// EventBridge rule name.
    pub rule: Option<String>,
    /// Lambda function name.
    pub lambda: Option<String>,
}

/// `[logs]` section.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogsSection {
    /// Run log group.
    pub run_group: Option<String>,
    /// Lines kept per source.
    pub buffer_lines: Option<usize>,
}

/// `[slack]` section (the token lives in `.env` or the environment, never here).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlackSection {
    /// Channel id.
    pub channel: Option<String>,
    /// Web API base.
    pub api_url: Option<String>,
    /// Post a notice when the panel starts a run or switches dev mode.
    pub notify_actions: Option<bool>,
}

/// `[github]` section.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GithubSection {
    /// REST API base.
    pub api_url: Option<String>,
    /// `owner/name` of the sandbox repository.
    pub sandbox_repo: Option<String>,
}

/// `[panel]` section.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PanelSection {
    /// Disable every action that changes anything.
    pub read_only: Option<bool>,
    /// Poll interval while the box is active, seconds.
    pub poll_fast_secs: Option<u64>,
    /// Poll interval while the box is stopped, seconds.
    pub poll_slow_secs: Option<u64>,
    /// `color` (default) or `mono`.
    pub theme: Option<String>,
    /// The box used without `--box` (default: the first in name order).
    pub default_box: Option<String>,
}

/// `[boxes.NAME]`: one job box; each key overrides the top-level setting for this box only.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BoxSection {
    /// Value of the `Name` tag (`instance.name`).
    pub instance_name: Option<String>,
    /// Exact instance id (`instance.id`; wins over the name).
    pub instance_id: Option<String>,
    /// Region (`aws.region`).
    pub region: Option<String>,
    /// AWS profile (`aws.profile`).
    pub profile: Option<String>,
    /// Custom endpoint (`aws.endpoint_url`).
    pub endpoint_url: Option<String>,
    /// Run log group (`logs.run_group`).
    pub log_group: Option<String>,
    /// EventBridge rule (`schedule.rule`).
    pub rule: Option<String>,
    /// Scheduler Lambda (`schedule.lambda`).
    pub lambda: Option<String>,
    /// Slack channel id (`slack.channel`).
    pub slack_channel: Option<String>,
    /// Script line pattern (`instance.script_pattern`).
    pub script_pattern: Option<String>,
}

/// `[run]` section: how a run's outcome is judged.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunSection {
    /// Regex of a log line that means the run failed.
    pub failure_marker: Option<String>,
    /// Regex of a log line that says the run got to its end.
    pub success_marker: Option<String>,
    /// A box still up this many hours after launch is reported as stuck.
    pub max_hours: Option<f64>,
}

/// `[dev]` section: dev mode and SSH.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DevSection {
    /// SSH user (default `ec2-user`).
    pub ssh_user: Option<String>,
    /// SSH private key path, added as `-i KEY`.
    pub ssh_key: Option<String>,
    /// Warn when a dev-mode box has been up longer than this many hours.
    pub max_hours: Option<f64>,
    /// Warn when dev mode is on and the schedule fires within this many hours.
    pub alarm_hours: Option<f64>,
}

/// The whole file; every key is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    /// `[aws]`.
    #[serde(default)]
    pub aws: AwsSection,
    /// `[instance]`.
    #[serde(default)]
    pub instance: InstanceSection,
    /// `[schedule]`.
    #[serde(default)]
    pub schedule: ScheduleSection,
    /// `[logs]`.
    #[serde(default)]
    pub logs: LogsSection,
    /// `[slack]`.
    #[serde(default)]
    pub slack: SlackSection,
    /// `[github]`.
    #[serde(default)]
    pub github: GithubSection,
    /// `[panel]`.
    #[serde(default)]
    pub panel: PanelSection,
    /// `[run]`.
    #[serde(default)]
    pub run: RunSection,
    /// `[dev]`.
    #[serde(default)]
    pub dev: DevSection,
    /// `[keys]`: command name → key, e.g. `start = "R"`.
    #[serde(default)]
    pub keys: std::collections::BTreeMap<String, String>,
    /// `[boxes.NAME]`, in name order.
    #[serde(default)]
    pub boxes: BTreeMap<String, BoxSection>,
}

impl FileConfig {
    /// Reads (at most [`super::MAX_FILE_BYTES`]) and parses a config file.
    pub fn read(path: &Path) -> Result<FileConfig, ConfigError> {
        let text = super::read::read_text(path, "config file")?;
        Self::parse(&text, path)
    }

    /// Parses config text; errors name `path`, the line and the key.
    pub fn parse(text: &str, path: &Path) -> Result<FileConfig, ConfigError> {
        toml::from_str(text).map_err(|e| {
            let offset = e.span().map(|s| s.start).unwrap_or(0).min(text.len());
            let line = text[..offset].matches('\n').count() + 1;
            let line_text = text.lines().nth(line - 1).unwrap_or("");
            let message = e.message().trim().to_string();
            ConfigError::Syntax { path: path.to_path_buf(), line, key: key_of(line_text, &message), message }
        })
    }
}

/// The key an error is about: the unknown field the message names, else the key on the line.
fn key_of(line_text: &str, message: &str) -> String {
    if let Some(rest) = message.strip_prefix("unknown field `")
        && let Some(end) = rest.find('`')
    {
        return rest[..end].to_string();
    }
    match line_text.split_once('=') {
        Some((k, _)) if !k.trim().is_empty() => k.trim().trim_matches('"').to_string(),
        _ => line_text.trim().trim_matches(['[', ']']).to_string(),
    }
}
