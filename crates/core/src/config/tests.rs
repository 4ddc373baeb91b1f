use std::collections::HashMap;
use std::path::Path;

use secrecy::ExposeSecret;

use super::*;

struct MapEnv(HashMap<&'static str, &'static str>);

impl Env for MapEnv {
    fn var(&self, key: &str) -> Option<String> {
        self.0.get(key).map(std::string::ToString::to_string)
    }
}

fn env(pairs: &[(&'static str, &'static str)]) -> MapEnv {
    MapEnv(pairs.iter().copied().collect())
}

fn file(text: &str) -> FileConfig {
    FileConfig::parse(text, Path::new("config.toml")).unwrap()
}

#[test]
fn theme_is_color_or_mono() {
    assert!(Config::builtin().color);
    let c = Config::resolve(
        &file("[panel]\ntheme = \"mono\"\n"),
        &DotEnv::default(),
        &NoEnv,
        &Overrides::default(),
    );
    assert!(!c.unwrap().color);
    let e = Config::resolve(
        &file("[panel]\ntheme = \"neon\"\n"),
        &DotEnv::default(),
        &NoEnv,
        &Overrides::default(),
    )
    .unwrap_err();
    assert_eq!(e.to_string(), "panel.theme: not a theme; use \"color\" or \"mono\"");
}

#[test]
fn defaults_match_the_lab_setup() {
    let c = Config::builtin();
    assert_eq!(c.region, "us-east-1");
    assert_eq!(c.target, Target::Name("baseline model".into()));
    assert_eq!(c.script_pattern, "run-baseline.sh");
    assert_eq!(c.rule_name, "MondayMorning9aEST");
    assert_eq!(c.lambda_name, "start-baseline-instance");
    assert_eq!(c.log_group, "/baseline-model/run");
    assert_eq!(c.slack.api_url, "https://slack.com/api/");
    assert_eq!(c.github.api_url, "https://api.github.com");
    assert!(!c.slack.api_url_overridden);
}

#[test]
fn each_layer_overrides_the_one_before() {
    let f = file("[aws]\nregion = \"eu-west-1\"\nprofile = \"file\"\n[slack]\nchannel = \"CFILE\"\n");
    let dot = DotEnv::parse("CHANNEL_ID=CDOTENV\nSLACK_API_TOKEN=xoxb-dotenv\n", Path::new(".env")).unwrap();
    let none = Overrides::default();
    let c = Config::resolve(&f, &dot, &NoEnv, &none).unwrap();
    assert_eq!(c.region, "eu-west-1");
    assert_eq!(c.profile.as_deref(), Some("file"));
    assert_eq!(c.slack.channel.as_deref(), Some("CDOTENV"), ".env beats the file");
    let e = env(&[("CHANNEL_ID", "CENV"), ("SLACK_API_TOKEN", "xoxb-env")]);
    let c = Config::resolve(&f, &dot, &e, &none).unwrap();
    assert_eq!(c.slack.channel.as_deref(), Some("CENV"), "environment beats .env");
    assert_eq!(c.slack.token.as_ref().unwrap().expose_secret(), "xoxb-env");
    let flags =
        Overrides { region: Some("us-west-2".into()), profile: Some("flag".into()), ..Default::default() };
    let c = Config::resolve(&f, &dot, &e, &flags).unwrap();
    assert_eq!(c.region, "us-west-2");
    assert_eq!(c.profile.as_deref(), Some("flag"));
}

#[test]
fn instance_flags_choose_the_target() {
    let f = file("[instance]\nid = \"i-0abc\"\n");
    let c = Config::resolve(&f, &DotEnv::default(), &NoEnv, &Overrides::default()).unwrap();
    assert_eq!(c.target, Target::Id("i-0abc".into()));
    let flags = Overrides { instance_name: Some("other box".into()), ..Default::default() };
    let c = Config::resolve(&f, &DotEnv::default(), &NoEnv, &flags).unwrap();
    assert_eq!(c.target, Target::Name("other box".into()));
}

#[test]
fn bad_instance_id_is_refused_with_the_key() {
    let flags = Overrides { instance_id: Some("baseline".into()), ..Default::default() };
    let e = Config::resolve(&FileConfig::default(), &DotEnv::default(), &NoEnv, &flags).unwrap_err();
    assert!(e.to_string().starts_with("instance.id: not an EC2 instance id"), "{e}");
    assert!(!e.to_string().contains("baseline"), "the value is not repeated: {e}");
}

#[test]
fn slack_url_override_is_remembered() {
    let e = env(&[("SLACK_API_URL", "http://127.0.0.1:9999/api/")]);
    let c = Config::resolve(&FileConfig::default(), &DotEnv::default(), &e, &Overrides::default()).unwrap();
    assert_eq!(c.slack.api_url, "http://127.0.0.1:9999/api/");
    assert!(c.slack.api_url_overridden);
}

#[test]
fn toml_type_error_names_file_line_and_key() {
    let text = "[panel]\nread_only = true\npoll_fast_secs = \"fast\"\n";
    let e = FileConfig::parse(text, Path::new("/etc/bp.toml")).unwrap_err();
    let ConfigError::Syntax { line, key, .. } = &e else { panic!("{e:?}") };
    assert_eq!((*line, key.as_str()), (3, "poll_fast_secs"));
    assert!(e.to_string().starts_with("/etc/bp.toml:3: poll_fast_secs:"), "{e}");
}

#[test]
fn toml_unknown_key_is_named() {
    let e = FileConfig::parse("[instance]\nnmae = \"x\"\n", Path::new("c.toml")).unwrap_err();
    let ConfigError::Syntax { line, key, .. } = &e else { panic!("{e:?}") };
    assert_eq!((*line, key.as_str()), (2, "nmae"));
}

#[test]
fn toml_syntax_error_has_a_line() {
    let e = FileConfig::parse("[aws]\nregion = \n", Path::new("c.toml")).unwrap_err();
    let ConfigError::Syntax { line, .. } = &e else { panic!("{e:?}") };
    assert_eq!(*line, 2);
}

#[test]
fn dotenv_error_names_line_and_key_but_not_the_value() {
    let text = "# lab\nCHANNEL_ID=C01\nSLACK_API_TOKEN='xoxb-secret-value\nOTHER=1\n";
    let e = DotEnv::parse(text, Path::new("/work/.env")).unwrap_err();
    let msg = e.to_string();
    assert!(msg.starts_with("/work/.env:3: SLACK_API_TOKEN:"), "{msg}");
    assert!(!msg.contains("secret-value"), "the value never appears: {msg}");
}

#[test]
fn dotenv_debug_shows_keys_only() {
    let d = DotEnv::parse("SLACK_API_TOKEN=xoxb-123\n", Path::new(".env")).unwrap();
    let dbg = format!("{d:?}");
    assert!(dbg.contains("SLACK_API_TOKEN") && !dbg.contains("xoxb-123"), "{dbg}");
}

#[test]
fn config_debug_redacts_tokens() {
    let e = env(&[("SLACK_API_TOKEN", "xoxb-very-secret"), ("GITHUB_TOKEN", "ghp_secret")]);
    let c = Config::resolve(&FileConfig::default(), &DotEnv::default(), &e, &Overrides::default()).unwrap();
    let dbg = format!("{c:?}");
    assert!(!dbg.contains("xoxb-very-secret") && !dbg.contains("ghp_secret"), "{dbg}");
}

#[test]
fn private_dotenv_gives_no_warning_open_one_names_mode_and_fix() {
    let p = Path::new("/home/lab/.env");
    assert_eq!(permission_warning(p, 0o100_600), None);
    assert_eq!(permission_warning(p, 0o100_400), None);
    assert_eq!(
        permission_warning(p, 0o100_644).as_deref(),
        Some("/home/lab/.env is readable by other users (mode 0644): run chmod 600 /home/lab/.env")
    );
    assert!(permission_warning(p, 0o100_640).unwrap().contains("(mode 0640)"));
    assert!(permission_warning(p, 0o100_604).is_some());
    let spaced = permission_warning(Path::new("/home/my lab/.env"), 0o644).unwrap();
    assert!(spaced.ends_with("run chmod 600 '/home/my lab/.env'"), "{spaced}");
}

#[cfg(unix)]
#[test]
fn dotenv_warning_reads_the_file_mode() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".env"), "CHANNEL_ID=C1\n").unwrap();
    let path = dir.path().join(".env");
    let load = || Config::load(&Overrides::default(), dir.path(), &NoEnv).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    assert_eq!(load().dotenv_warning(), None);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let w = load().dotenv_warning().expect("warning for 0644");
    assert!(w.contains("(mode 0644)") && w.contains("chmod 600"), "{w}");
    assert_eq!(Config::builtin().dotenv_warning(), None, "no .env read");
}

const FLEET: &str = "[aws]\nregion = \"us-east-1\"\nprofile = \"lab\"\n[schedule]\nrule = \"Weekly\"\n\
[boxes.baseline]\n\
[boxes.flu]\ninstance_name = \"flu model\"\nregion = \"us-west-2\"\nlog_group = \"/flu/run\"\n\
lambda = \"start-flu\"\nslack_channel = \"CFLU\"\nscript_pattern = \"run-flu.sh\"\n\
[boxes.rsv]\ninstance_id = \"i-0123abcd\"\nrule = \"RsvWeekly\"\n";

fn pick_box(f: &FileConfig, name: Option<&str>) -> Result<Config, ConfigError> {
    let flags = Overrides { box_name: name.map(str::to_owned), ..Default::default() };
    Config::resolve(f, &DotEnv::default(), &NoEnv, &flags)
}

#[test]
fn without_boxes_the_one_box_is_baseline() {
    let c = Config::builtin();
    assert_eq!(c.box_name, "baseline");
    assert_eq!(c.boxes, vec!["baseline".to_string()]);
    let c = pick_box(&FileConfig::default(), Some("baseline")).unwrap();
    assert_eq!(c.target, Target::Name("baseline model".into()));
}

#[test]
fn a_box_overrides_the_top_level_sections_for_itself_only() {
    let f = file(FLEET);
    let base = pick_box(&f, None).unwrap();
    assert_eq!(base.box_name, "baseline", "first in name order");
    assert_eq!(base.boxes, vec!["baseline", "flu", "rsv"]);
    assert_eq!(base.target, Target::Name("baseline model".into()));
    assert_eq!((base.region.as_str(), base.rule_name.as_str()), ("us-east-1", "Weekly"));

    let flu = pick_box(&f, Some("flu")).unwrap();
    assert_eq!(flu.box_name, "flu");
    assert_eq!(flu.target, Target::Name("flu model".into()));
    assert_eq!(flu.region, "us-west-2");
    assert_eq!(flu.profile.as_deref(), Some("lab"), "not set in the box: the top level's");
    assert_eq!(flu.rule_name, "Weekly");
    assert_eq!(flu.lambda_name, "start-flu");
    assert_eq!(flu.log_group, "/flu/run");
    assert_eq!(flu.slack.channel.as_deref(), Some("CFLU"));
    assert_eq!(flu.script_pattern, "run-flu.sh");

    let rsv = pick_box(&f, Some("rsv")).unwrap();
    assert_eq!(rsv.target, Target::Id("i-0123abcd".into()));
    assert_eq!(rsv.rule_name, "RsvWeekly");
    assert_eq!(rsv.lambda_name, "start-baseline-instance");
}

#[test]
fn flags_and_environment_override_the_box() {
    let f = file(FLEET);
    let flags = Overrides {
        box_name: Some("flu".into()),
        region: Some("eu-west-1".into()),
        instance_name: Some("spare".into()),
        ..Default::default()
    };
    let e = env(&[("CHANNEL_ID", "CENV")]);
    let c = Config::resolve(&f, &DotEnv::default(), &e, &flags).unwrap();
    assert_eq!(c.region, "eu-west-1");
    assert_eq!(c.target, Target::Name("spare".into()));
    assert_eq!(c.slack.channel.as_deref(), Some("CENV"));
    assert_eq!(c.log_group, "/flu/run", "what no flag sets stays the box's");
}

#[test]
fn default_box_chooses_the_box_and_the_flag_wins() {
    let f = file(&format!("[panel]\ndefault_box = \"flu\"\n{FLEET}"));
    assert_eq!(pick_box(&f, None).unwrap().box_name, "flu");
    assert_eq!(pick_box(&f, Some("rsv")).unwrap().box_name, "rsv");
    let bad = file(&format!("[panel]\ndefault_box = \"covid\"\n{FLEET}"));
    let e = pick_box(&bad, None).unwrap_err();
    assert!(e.to_string().starts_with("panel.default_box: no box named `covid`"), "{e}");
}

#[test]
fn unknown_box_names_the_known_ones() {
    let e = pick_box(&file(FLEET), Some("nope")).unwrap_err();
    assert_eq!(e.to_string(), "--box: no box named `nope`; the configured boxes are baseline, flu, rsv");
    let e = pick_box(&FileConfig::default(), Some("flu")).unwrap_err();
    assert!(e.to_string().ends_with("the configured boxes are baseline"), "{e}");
}

#[test]
fn unknown_key_in_a_box_is_named() {
    let text = "[boxes.flu]\ninstance_name = \"flu model\"\nlog_grup = \"/flu\"\n";
    let e = FileConfig::parse(text, Path::new("c.toml")).unwrap_err();
    let ConfigError::Syntax { line, key, .. } = &e else { panic!("{e:?}") };
    assert_eq!((*line, key.as_str()), (3, "log_grup"));
}

#[test]
fn run_silence_and_progress_pattern_are_read_and_checked() {
    let resolve =
        |text: &str| Config::resolve(&file(text), &DotEnv::default(), &NoEnv, &Overrides::default());
    let c = Config::builtin();
    assert_eq!(c.run_rules.silence, jiff::SignedDuration::from_mins(240));
    assert_eq!(c.run_rules.progress_of("(3/58)"), Some((3, 58)));
    let c = resolve("[run]\nsilence_minutes = 90\nprogress_pattern = 'step (\\d+) of (\\d+)'\n").unwrap();
    assert_eq!(c.run_rules.silence, jiff::SignedDuration::from_mins(90));
    assert_eq!(c.run_rules.progress_of("step 4 of 9"), Some((4, 9)));
    let e = resolve("[run]\nsilence_minutes = 0\n").unwrap_err().to_string();
    assert!(e.starts_with("run.silence_minutes: "), "{e}");
    let e = resolve("[run]\nprogress_pattern = 'step \\d+'\n").unwrap_err().to_string();
    assert!(e.starts_with("run.progress_pattern: ") && e.contains("two capture groups"), "{e}");
}

#[test]
fn cost_prices_come_from_the_file_and_a_box_overrides_them() {
    let f = file(
        "[cost]\nhourly_usd = 0.0832\nstorage_usd_per_gb_month = 0.08\n\
         [boxes.baseline]\n[boxes.flu]\ncost_hourly_usd = 0.5\n",
    );
    let base = pick_box(&f, None).unwrap();
    assert_eq!(base.cost.hourly_usd, Some(0.0832));
    assert_eq!(base.cost.storage_usd_per_gb_month, Some(0.08));
    let flu = pick_box(&f, Some("flu")).unwrap();
    assert_eq!(flu.cost.hourly_usd, Some(0.5), "the box's own price");
    assert_eq!(flu.cost.storage_usd_per_gb_month, Some(0.08), "not set in the box: the top level's");
    assert_eq!(Config::builtin().cost.hourly_usd, None, "by default the Price List's");
    let err = pick_box(&file("[cost]\nhourly_usd = -1.0\n"), None).unwrap_err();
    assert_eq!(err.to_string(), "cost.hourly_usd: not a price; use a number of US dollars such as 0.0832");
}
