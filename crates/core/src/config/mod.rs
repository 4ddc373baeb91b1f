//! Configuration, layered and validated once:
//! built-in defaults ← TOML file ← `.env` in the working directory ← environment ← flags.
//! In the file, the chosen box's `[boxes.NAME]` table overrides the top-level sections.

mod dotenv;
mod file;
pub mod keys;
mod read;
mod scheduler;
mod setting_keys;

use std::path::{Path, PathBuf};

use secrecy::SecretString;

use crate::run::RunRules;

pub use dotenv::{DotEnv, file_permission_warning, permission_warning};
pub(crate) use file::nameable;
pub use file::{BoxSection, FileConfig};
pub use read::MAX_FILE_BYTES;
pub use scheduler::{DEFAULT_GROUP, ScheduleKind, SchedulerConfig};
pub use setting_keys::SettingKeys;

/// Default Slack Web API base.
pub const DEFAULT_SLACK_API_URL: &str = "https://slack.com/api/";
/// The name of the one box of a config without `[boxes.*]` tables.
pub const DEFAULT_BOX: &str = "baseline";
/// Default GitHub REST API base.
pub const DEFAULT_GITHUB_API_URL: &str = "https://api.github.com";

/// A configuration problem, naming the file, line and key where there is one — never a value
/// (it may be a secret) nor a line that did not parse.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A file is larger than a config or `.env` file can be (nothing of it is shown).
    #[error(
        "{path} {}; a {what} holds at most {limit} bytes (1 MiB): check that this is the right file",
        read::size_text(*size, *limit)
    )]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// `config file` or `.env file`.
        what: &'static str,
        /// Its size when known; `None` when it only showed while reading (a pipe, a growing file).
        size: Option<u64>,
        /// The limit, [`MAX_FILE_BYTES`].
        limit: u64,
    },
    /// A file has a syntax or type error.
    #[error("{path}:{line}: {key}: {message}")]
    Syntax {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// The key on that line (or `-` when none can be named).
        key: String,
        /// What is wrong.
        message: String,
    },
    /// A value is present but not acceptable.
    #[error("{key}: {message}")]
    Invalid {
        /// The key, e.g. `instance.id` or `--instance-id`.
        key: String,
        /// What is wrong and what to do.
        message: String,
    },
}

/// Values given on the command line (or through the environment variables clap reads for them).
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// `--config PATH`.
    pub config_path: Option<PathBuf>,
    /// `--profile` / `AWS_PROFILE`.
    pub profile: Option<String>,
    /// `--region` / `AWS_REGION`.
    pub region: Option<String>,
    /// `--instance-id`.
    pub instance_id: Option<String>,
    /// `--instance-name`.
    pub instance_name: Option<String>,
    /// `--endpoint-url` / `AWS_ENDPOINT_URL`.
    pub endpoint_url: Option<String>,
    /// `--read-only`.
    pub read_only: bool,
    /// `--demo`.
    pub demo: bool,
    /// `--box` / `BASELINE_PANEL_BOX`.
    pub box_name: Option<String>,
}

/// How the job box is found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// By exact instance id.
    Id(String),
    /// By the value of the `Name` tag.
    Name(String),
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::Id(id) => write!(f, "{id}"),
            Target::Name(n) => write!(f, "Name={n}"),
        }
    }
}

/// Slack settings. The token never leaves its secret wrapper except into an HTTP header.
#[derive(Debug, Clone)]
pub struct SlackConfig {
    /// Bot token (`SLACK_API_TOKEN`).
    pub token: Option<SecretString>,
    /// Channel id (`CHANNEL_ID`).
    pub channel: Option<String>,
    /// Web API base (`SLACK_API_URL`).
    pub api_url: String,
    /// True when the base URL was set by the user (plain http is then allowed, for tests).
    pub api_url_overridden: bool,
    /// Post a short notice when the panel starts a run or switches dev mode.
    pub notify_actions: bool,
}

/// GitHub settings for the doctor's push-permission check.
#[derive(Debug, Clone)]
pub struct GithubConfig {
    /// Token (`GITHUB_TOKEN`), optional.
    pub token: Option<SecretString>,
    /// REST API base (`GITHUB_API_URL`).
    pub api_url: String,
    /// `owner/name` of the sandbox repository.
    pub sandbox_repo: String,
}

/// Dev mode and SSH settings.
#[derive(Debug, Clone)]
pub struct DevConfig {
    /// SSH user.
    pub ssh_user: String,
    /// SSH private key, if one is named.
    pub ssh_key: Option<String>,
    /// Warn when a dev-mode box has been up longer than this.
    pub max_up: jiff::SignedDuration,
    /// Warn when dev mode is on and the schedule fires within this window.
    pub alarm_window: jiff::SignedDuration,
}

/// The validated configuration the whole program runs on.
#[derive(Debug, Clone)]
pub struct Config {
    /// Run against the simulated box.
    pub demo: bool,
    /// The box this configuration is for.
    pub box_name: String,
    /// Every configured box, in name order (one, `baseline`, without `[boxes.*]`).
    pub boxes: Vec<String>,
    /// AWS profile, when one is named.
    pub profile: Option<String>,
    /// AWS region.
    pub region: String,
    /// Custom AWS endpoint (moto, `LocalStack`), when set.
    pub endpoint_url: Option<String>,
    /// How the instance is found.
    pub target: Target,
    /// Substring that identifies the script line in the user data.
    pub script_pattern: String,
    /// `EventBridge` rule that starts the box.
    pub rule_name: String,
    /// Lambda the rule triggers.
    pub lambda_name: String,
    /// The `EventBridge` Scheduler schedule: which kind starts the box, its name, group, role.
    pub scheduler: SchedulerConfig,
    /// `CloudWatch` Logs group of the run's output.
    pub log_group: String,
    /// Where the file sets (or would set) the rule, the Lambda and the log group.
    pub setting_keys: SettingKeys,
    /// Maximum lines kept per log source.
    pub log_buffer_lines: usize,
    /// Disables every action that changes anything.
    pub read_only: bool,
    /// Poll interval while the box is pending/running/stopping, seconds.
    pub poll_fast_secs: u64,
    /// Poll interval while the box is stopped, seconds.
    pub poll_slow_secs: u64,
    /// How a run's outcome is judged.
    pub run_rules: RunRules,
    /// Dev mode and SSH.
    pub dev: DevConfig,
    /// Keys of the panel's commands.
    pub keys: keys::KeyBindings,
    /// Price overrides and the price cache.
    pub cost: crate::cost::CostConfig,
    /// Colours on (`panel.theme = "color"`, the default) or off (`"mono"`; `NO_COLOR` too).
    pub color: bool,
    /// Slack settings.
    pub slack: SlackConfig,
    /// GitHub settings.
    pub github: GithubConfig,
    /// The TOML file that was read, if any.
    pub config_file: Option<PathBuf>,
    /// The `.env` file that was read, if any.
    pub dotenv_file: Option<PathBuf>,
}

/// Reads environment variables; a seam so tests need not touch the process environment.
pub trait Env {
    /// The value of `key`, if set and not empty.
    fn var(&self, key: &str) -> Option<String>;
}

/// The real process environment.
pub struct ProcessEnv;

impl Env for ProcessEnv {
    fn var(&self, key: &str) -> Option<String> {
        std::env::var(key).ok().filter(|v| !v.is_empty())
    }
}

/// The XDG config file path: `$XDG_CONFIG_HOME/baseline-panel/config.toml`.
pub fn default_config_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "baseline-panel").map(|d| d.config_dir().join("config.toml"))
}

/// The XDG state directory: `$XDG_STATE_HOME/baseline-panel` (backups, the log file).
pub fn state_dir() -> PathBuf {
    directories::ProjectDirs::from("", "", "baseline-panel")
        .and_then(|d| d.state_dir().map(Path::to_path_buf))
        .unwrap_or_else(|| std::env::temp_dir().join("baseline-panel"))
}

/// An environment with nothing set.
pub struct NoEnv;

impl Env for NoEnv {
    fn var(&self, _key: &str) -> Option<String> {
        None
    }
}

/// The cost settings: the box's table over `[cost]`; the cache only outside the demo.
fn cost_config(
    file: &FileConfig,
    bx: &BoxSection,
    demo: bool,
) -> Result<crate::cost::CostConfig, ConfigError> {
    Ok(crate::cost::CostConfig {
        hourly_usd: price("cost.hourly_usd", bx.cost_hourly_usd.or(file.cost.hourly_usd))?,
        storage_usd_per_gb_month: price(
            "cost.storage_usd_per_gb_month",
            bx.cost_storage_usd_per_gb_month.or(file.cost.storage_usd_per_gb_month),
        )?,
        // The simulated box's prices are not kept.
        cache_path: if demo { None } else { crate::cost::cache::default_path() },
    })
}

/// `panel.theme`: colours (the default) or monochrome.
fn color(theme: Option<&str>) -> Result<bool, ConfigError> {
    match theme {
        None | Some("color") => Ok(true),
        Some("mono") => Ok(false),
        Some(_) => Err(ConfigError::Invalid {
            key: "panel.theme".into(),
            message: "not a theme; use \"color\" or \"mono\"".into(),
        }),
    }
}

impl Config {
    /// The built-in defaults alone (no file, no environment, no flags).
    #[allow(clippy::expect_used, reason = "the built-in defaults are constants; a test resolves them")]
    pub fn builtin() -> Config {
        Self::resolve(&FileConfig::default(), &DotEnv::default(), &NoEnv, &Overrides::default())
            .expect("built-in defaults are valid")
    }

    /// Loads every layer: the config file (explicit or XDG), `.env` in `cwd`, the environment, flags.
    pub fn load(flags: &Overrides, cwd: &Path, env: &dyn Env) -> Result<Config, ConfigError> {
        let (file, config_file) = match &flags.config_path {
            Some(p) => (FileConfig::read(p)?, Some(p.clone())),
            None => match default_config_path().filter(|p| p.exists()) {
                Some(p) => (FileConfig::read(&p)?, Some(p)),
                None => (FileConfig::default(), None),
            },
        };
        let dotenv_path = cwd.join(".env");
        let (dotenv, dotenv_file) = if dotenv_path.is_file() {
            (DotEnv::read(&dotenv_path)?, Some(dotenv_path))
        } else {
            (DotEnv::default(), None)
        };
        let mut cfg = Self::resolve(&file, &dotenv, env, flags)?;
        cfg.config_file = config_file;
        cfg.dotenv_file = dotenv_file;
        Ok(cfg)
    }

    /// Merges the layers (no I/O) and validates the result.
    pub fn resolve(
        file: &FileConfig,
        dotenv: &DotEnv,
        env: &dyn Env,
        flags: &Overrides,
    ) -> Result<Config, ConfigError> {
        // .env < environment: a key set in the environment wins.
        let key = |k: &str| env.var(k).or_else(|| dotenv.get(k).map(str::to_owned));
        let aws = &file.aws;
        let inst = &file.instance;
        let (box_name, boxes) = choose_box(file, flags)?;
        let setting_keys = SettingKeys::for_box(file, &box_name);
        let none = BoxSection::default();
        // The box's table overrides the top-level sections.
        let bx = file.boxes.get(&box_name).unwrap_or(&none);
        let pick = |boxed: &Option<String>, top: &Option<String>| boxed.clone().or_else(|| top.clone());
        let profile = flags.profile.clone().or_else(|| pick(&bx.profile, &aws.profile));
        let region = flags
            .region
            .clone()
            .or_else(|| env.var("AWS_DEFAULT_REGION"))
            .or_else(|| pick(&bx.region, &aws.region))
            .unwrap_or_else(|| "us-east-1".into());
        let endpoint_url = flags.endpoint_url.clone().or_else(|| pick(&bx.endpoint_url, &aws.endpoint_url));
        let file_target = match (&bx.instance_id, &bx.instance_name, &inst.id, &inst.name) {
            (Some(id), _, _, _) | (None, None, Some(id), _) => Target::Id(id.clone()),
            (None, Some(name), _, _) => Target::Name(name.clone()),
            (None, None, None, name) => Target::Name(name.clone().unwrap_or_else(|| "baseline model".into())),
        };
        let target = match (&flags.instance_name, &flags.instance_id) {
            (Some(name), _) => Target::Name(name.clone()),
            (None, Some(id)) => Target::Id(id.clone()),
            (None, None) => file_target,
        };
        let run_rules = run_rules(&file.run)?;
        let dev = DevConfig {
            ssh_user: file.dev.ssh_user.clone().unwrap_or_else(|| "ec2-user".into()),
            ssh_key: file.dev.ssh_key.clone(),
            max_up: hours("dev.max_hours", file.dev.max_hours, 4.0)?,
            alarm_window: hours("dev.alarm_hours", file.dev.alarm_hours, 24.0)?,
        };
        let cost = cost_config(file, bx, flags.demo)?;
        let rule_name = pick(&bx.rule, &file.schedule.rule).unwrap_or_else(|| "MondayMorning9aEST".into());
        let scheduler = scheduler::resolve(file, bx, &rule_name)?;
        let slack_url = key("SLACK_API_URL").or_else(|| file.slack.api_url.clone());
        let github_url = key("GITHUB_API_URL").or_else(|| file.github.api_url.clone());
        let cfg = Config {
            demo: flags.demo,
            box_name,
            boxes,
            profile,
            region,
            endpoint_url,
            target,
            script_pattern: pick(&bx.script_pattern, &inst.script_pattern)
                .unwrap_or_else(|| "run-baseline.sh".into()),
            rule_name,
            scheduler,
            lambda_name: pick(&bx.lambda, &file.schedule.lambda)
                .unwrap_or_else(|| "start-baseline-instance".into()),
            log_group: pick(&bx.log_group, &file.logs.run_group)
                .unwrap_or_else(|| "/baseline-model/run".into()),
            setting_keys,
            log_buffer_lines: file.logs.buffer_lines.unwrap_or(100_000),
            read_only: flags.read_only || file.panel.read_only.unwrap_or(false),
            poll_fast_secs: file.panel.poll_fast_secs.unwrap_or(5),
            poll_slow_secs: file.panel.poll_slow_secs.unwrap_or(60),
            run_rules,
            dev,
            cost,
            color: color(file.panel.theme.as_deref())?,
            keys: keys::KeyBindings::with_overrides(&file.keys)
                .map_err(|message| ConfigError::Invalid { key: "keys".into(), message })?,
            slack: SlackConfig {
                token: key("SLACK_API_TOKEN").map(SecretString::from),
                channel: key("CHANNEL_ID").or_else(|| pick(&bx.slack_channel, &file.slack.channel)),
                api_url_overridden: slack_url.is_some(),
                api_url: slack_url.unwrap_or_else(|| DEFAULT_SLACK_API_URL.into()),
                notify_actions: file.slack.notify_actions.unwrap_or(false),
            },
            github: GithubConfig {
                token: key("GITHUB_TOKEN").map(SecretString::from),
                api_url: github_url.unwrap_or_else(|| DEFAULT_GITHUB_API_URL.into()),
                sandbox_repo: file
                    .github
                    .sandbox_repo
                    .clone()
                    .unwrap_or_else(|| "reichlabmachine/sandbox".into()),
            },
            config_file: None,
            dotenv_file: None,
        };
        cfg.validate()?;
        Ok(if cfg.demo { cfg.demo_pacing() } else { cfg })
    }

    /// The demo box lives a whole run in about a minute: poll it every second or two.
    fn demo_pacing(mut self) -> Config {
        self.poll_fast_secs = 1;
        self.poll_slow_secs = 2;
        self
    }

    fn validate(&self) -> Result<(), ConfigError> {
        let bad = |key: &str, message: String| Err(ConfigError::Invalid { key: key.into(), message });
        if let Target::Id(id) = &self.target {
            let hex = id.strip_prefix("i-").unwrap_or("");
            if hex.is_empty() || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
                return bad(
                    "instance.id",
                    "not an EC2 instance id (expected i- followed by hex digits)".into(),
                );
            }
        }
        if let Target::Name(n) = &self.target
            && n.trim().is_empty()
        {
            return bad("instance.name", "the instance name tag must not be empty".into());
        }
        if self.region.is_empty() || !self.region.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return bad("aws.region", "not an AWS region name (like us-east-1)".into());
        }
        for (key, url) in [
            ("aws.endpoint_url", self.endpoint_url.as_deref()),
            ("SLACK_API_URL", Some(self.slack.api_url.as_str())),
            ("GITHUB_API_URL", Some(self.github.api_url.as_str())),
        ] {
            if let Some(u) = url
                && !(u.starts_with("https://") || u.starts_with("http://"))
            {
                return bad(key, "not an http(s) URL".into());
            }
        }
        if self.script_pattern.trim().is_empty() {
            return bad("instance.script_pattern", "must not be empty".into());
        }
        if self.script_pattern.contains(['\n', '\r']) {
            return bad("instance.script_pattern", "must be on one line".into());
        }
        if self.poll_fast_secs == 0 || self.poll_slow_secs == 0 {
            return bad("panel.poll_*_secs", "poll intervals must be at least 1 second".into());
        }
        if self.log_buffer_lines < 100 {
            return bad("logs.buffer_lines", "keep at least 100 lines".into());
        }
        if !self.github.sandbox_repo.contains('/') {
            return bad("github.sandbox_repo", "expected owner/name".into());
        }
        Ok(())
    }

    /// A warning when the `.env` file that was read (it holds the Slack and GitHub tokens) is
    /// open to group or others: `"…/.env is readable by other users (mode 0644): run chmod 600
    /// …/.env"`. `None` when no `.env` was read or its mode is private.
    pub fn dotenv_warning(&self) -> Option<String> {
        self.dotenv_file.as_deref().and_then(file_permission_warning)
    }

    /// The `.env` file to name in messages: the one that was read, else `.env` in the working
    /// directory.
    pub fn dotenv_label(&self) -> String {
        self.dotenv_file
            .clone()
            .or_else(|| std::env::current_dir().ok().map(|d| d.join(".env")))
            .map_or_else(|| ".env".to_owned(), |p| p.display().to_string())
    }

    /// Short text naming the AWS profile, for the header.
    pub fn profile_label(&self) -> &str {
        self.profile.as_deref().unwrap_or("default chain")
    }
}

/// The boxes the config file at `path` lists (`[boxes.NAME]`, in name order), or the default box
/// alone when it lists none; for the shell's completion of `--box`.
pub fn boxes_in(path: &Path) -> Result<Vec<String>, ConfigError> {
    let file = FileConfig::read(path)?;
    Ok(box_list(&file))
}

fn box_list(file: &FileConfig) -> Vec<String> {
    if file.boxes.is_empty() { vec![DEFAULT_BOX.to_owned()] } else { file.boxes.keys().cloned().collect() }
}

/// The box to use (`--box`, else `panel.default_box`, else the first) and every box's name.
fn choose_box(file: &FileConfig, flags: &Overrides) -> Result<(String, Vec<String>), ConfigError> {
    let boxes = box_list(file);
    let (key, wanted) = match (&flags.box_name, &file.panel.default_box) {
        (Some(name), _) => ("--box", name.clone()),
        (None, Some(name)) => ("panel.default_box", name.clone()),
        (None, None) => return Ok((boxes[0].clone(), boxes)),
    };
    if !boxes.contains(&wanted) {
        return Err(ConfigError::Invalid {
            key: key.into(),
            // A box name is a table key: repeated only when it reads as one.
            message: if nameable(&wanted) {
                format!("no box named `{wanted}`; the configured boxes are {}", boxes.join(", "))
            } else {
                format!("no box of that name; the configured boxes are {}", boxes.join(", "))
            },
        });
    }
    Ok((wanted, boxes))
}

/// A price from the file: a number of US dollars, zero or more.
fn price(key: &str, value: Option<f64>) -> Result<Option<f64>, ConfigError> {
    match value {
        Some(v) if !(v.is_finite() && v >= 0.0) => Err(ConfigError::Invalid {
            key: key.into(),
            message: "not a price; use a number of US dollars such as 0.0832".into(),
        }),
        v => Ok(v),
    }
}

/// A positive number of hours from the file, or the default.
fn hours(key: &str, value: Option<f64>, default: f64) -> Result<jiff::SignedDuration, ConfigError> {
    let h = value.unwrap_or(default);
    if !(h.is_finite() && h > 0.0 && h < 24.0 * 366.0) {
        return Err(ConfigError::Invalid {
            key: key.into(),
            message: "not a positive number of hours".into(),
        });
    }
    Ok(jiff::SignedDuration::from_secs_f64(h * 3600.0))
}

fn run_rules(s: &file::RunSection) -> Result<RunRules, ConfigError> {
    let max = hours("run.max_hours", s.max_hours, 6.0)?;
    let minutes = s.silence_minutes.unwrap_or(240.0);
    if !(minutes.is_finite() && minutes > 0.0 && minutes < 60.0 * 24.0 * 366.0) {
        return Err(ConfigError::Invalid {
            key: "run.silence_minutes".into(),
            message: "must be a positive number of minutes".into(),
        });
    }
    let silence = jiff::SignedDuration::from_secs_f64(minutes * 60.0);
    // The messages name the key only: a regex engine's message quotes the pattern.
    let invalid = |e: crate::run::RunRulesError| {
        use crate::run::RunRulesError as E;
        let (key, message) = match e {
            E::BadMarker { which: "progress", .. } => (
                "run.progress_pattern".to_owned(),
                "not a valid regular expression; fix it or remove it to use the default",
            ),
            E::BadMarker { which, .. } => (
                format!("run.{which}_marker"),
                "not a valid regular expression; fix it or remove it to use the default",
            ),
            E::ProgressGroups(_) => (
                "run.progress_pattern".to_owned(),
                "needs two capture groups, the steps done and the steps in all, as in `\\((\\d+)/(\\d+)\\)`",
            ),
            E::NonPositiveMaxDuration(_) => {
                ("run.max_hours".to_owned(), "must be a positive number of hours")
            }
            E::NonPositiveSilence(_) => {
                ("run.silence_minutes".to_owned(), "must be a positive number of minutes")
            }
        };
        ConfigError::Invalid { key, message: message.into() }
    };
    RunRules::new(
        s.success_marker.as_deref().unwrap_or(crate::run::DEFAULT_SUCCESS_MARKER),
        s.failure_marker.as_deref().unwrap_or(crate::run::DEFAULT_FAILURE_MARKER),
        max,
    )
    .map_err(invalid)?
    .with_progress(s.progress_pattern.as_deref().unwrap_or(crate::run::DEFAULT_PROGRESS_PATTERN))
    .map_err(invalid)?
    .with_silence(silence)
    .map_err(invalid)
}

#[cfg(test)]
mod error_tests;
#[cfg(test)]
mod tests;
