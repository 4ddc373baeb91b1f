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
    /// `EventBridge` rule name.
    pub rule: Option<String>,
    /// Lambda function name.
    pub lambda: Option<String>,
    /// `rule` (default) or `scheduler`: which kind of schedule starts the box.
    pub kind: Option<String>,
    /// `EventBridge` Scheduler schedule name (default: the rule's name).
    pub name: Option<String>,
    /// `EventBridge` Scheduler schedule group (default `default`).
    pub group: Option<String>,
    /// Role ARN the Scheduler assumes to invoke the Lambda.
    pub role: Option<String>,
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

/// `[cost]` section: prices that override the AWS Price List's.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CostSection {
    /// The instance's on-demand price, US dollars an hour.
    pub hourly_usd: Option<f64>,
    /// EBS storage, US dollars a GB-month (every volume type).
    pub storage_usd_per_gb_month: Option<f64>,
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
    /// `EventBridge` rule (`schedule.rule`).
    pub rule: Option<String>,
    /// Scheduler Lambda (`schedule.lambda`).
    pub lambda: Option<String>,
    /// Schedule kind (`schedule.kind`).
    pub schedule_kind: Option<String>,
    /// Scheduler schedule name (`schedule.name`).
    pub schedule_name: Option<String>,
    /// Scheduler schedule group (`schedule.group`).
    pub schedule_group: Option<String>,
    /// Scheduler role ARN (`schedule.role`).
    pub schedule_role: Option<String>,
    /// Slack channel id (`slack.channel`).
    pub slack_channel: Option<String>,
    /// Script line pattern (`instance.script_pattern`).
    pub script_pattern: Option<String>,
    /// Hourly price (`cost.hourly_usd`).
    pub cost_hourly_usd: Option<f64>,
    /// Storage price per GB-month (`cost.storage_usd_per_gb_month`).
    pub cost_storage_usd_per_gb_month: Option<f64>,
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
    /// A run with no log line for this many minutes while the box is up is reported as stuck.
    pub silence_minutes: Option<f64>,
    /// Regex of a progress line; captures 1 and 2 are the count done and the total.
    pub progress_pattern: Option<String>,
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
    /// `[cost]`.
    #[serde(default)]
    pub cost: CostSection,
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

    /// Parses config text; errors name `path`, the line, the key when it can be named, and
    /// the kind of problem — never any part of a value or of a line that did not parse (it
    /// may be a token pasted in the wrong place).
    pub fn parse(text: &str, path: &Path) -> Result<FileConfig, ConfigError> {
        toml::from_str(text).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start).min(text.len());
            let line = text[..offset].matches('\n').count() + 1;
            let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
            let line_text = text[line_start..].lines().next().unwrap_or("");
            // Only a line that starts outside any string or array can be read for its key.
            let at_top = toml::from_str::<toml::Table>(&text[..line_start]).is_ok();
            let message = e.message().trim();
            let key = key_of(line_text, at_top, message);
            ConfigError::Syntax {
                path: path.to_path_buf(),
                line,
                message: problem(message, line_text, key.as_deref()),
                key: key.unwrap_or_else(|| "-".into()),
            }
        })
    }
}

/// Whether `key` may be repeated in a message: a TOML key (`poll_fast_secs`, `boxes.flu`)
/// that does not look like a credential.
pub(crate) fn nameable(key: &str) -> bool {
    let part =
        |p: &str| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    key.len() <= 64
        && key.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && key.split('.').all(part)
        && !crate::sanitize::redact::looks_secret(key)
}

/// The key an error is about, when it can be named: the unknown field the message names, the
/// key a `key = …` line assigns, or the table a `[header]` line opens.
fn key_of(line_text: &str, at_top: bool, message: &str) -> Option<String> {
    let named = message
        .strip_prefix("unknown field `")
        .and_then(|rest| rest.find('`').map(|end| &rest[..end]))
        .or_else(|| {
            let body = line_text.trim();
            match body.split_once('=') {
                _ if !at_top => None,
                Some((k, _)) => Some(k.trim()),
                None => body
                    .strip_prefix('[')
                    .and_then(|h| h.strip_suffix(']'))
                    .map(|h| h.trim_matches(['[', ']'])),
            }
        })?;
    nameable(named).then(|| named.to_owned())
}

/// What is wrong, in words that hold nothing of the file's text. serde's messages quote the
/// value (`invalid type: string "xoxb-…", expected u64`): of those only the kind and what was
/// expected (the program's words) are kept. The TOML parser's own messages are fixed texts;
/// any that repeats a word of the line is cut to its kind anyway.
fn problem(message: &str, line_text: &str, key: Option<&str>) -> String {
    const KINDS: &[(&str, &str)] = &[
        ("invalid type", "wrong type"),
        ("invalid value", "invalid value"),
        ("invalid length", "wrong number of items"),
        ("unknown variant", "not one of the accepted values"),
        ("unknown field", "unknown key"),
        ("missing field", "missing key"),
        ("duplicate", "duplicate key"),
    ];
    let first = message.lines().next().unwrap_or("").trim();
    let (kind, said) = match KINDS.iter().find(|(start, _)| first.starts_with(start)) {
        Some((_, kind)) => {
            // serde puts what was expected last; a value cannot hide one after it.
            let expected = first.rsplit_once(", expected ").map(|(_, e)| e.trim());
            (*kind, expected.map_or_else(|| kind.to_string(), |e| format!("{kind}, expected {e}")))
        }
        None => ("not valid TOML", first.to_owned()),
    };
    let rest = match key {
        Some(k) => line_text.replacen(k, " ", 1),
        None => line_text.to_owned(),
    };
    let quoted = rest
        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
        .any(|word| word.chars().count() >= 4 && said.contains(word));
    if quoted || said.is_empty() { kind.to_owned() } else { said }
}
