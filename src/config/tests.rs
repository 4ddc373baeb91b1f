use std::collections::HashMap;
use std::path::Path;

use secrecy::ExposeSecret;

use super::*;

struct MapEnv(HashMap<&'static str, &'static str>);

impl Env for MapEnv {
    fn var(&self, key: &str) -> Option<String> {
        self.0.get(key).map(|v| v.to_string())
    }
}

fn env(pairs: &[(&'static str, &'static str)]) -> MapEnv {
    MapEnv(pairs.iter().copied().collect())
}

fn file(text: &str) -> FileConfig {
    FileConfig::parse(text, Path::new("config.toml")).unwrap()
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
    assert!(e.to_string().starts_with("instance.id: `baseline` is not an EC2 instance id"), "{e}");
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
    assert_eq!(permission_warning(p, 0o100600), None);
    assert_eq!(permission_warning(p, 0o100400), None);
    assert_eq!(
        permission_warning(p, 0o100644).as_deref(),
        Some("/home/lab/.env is readable by other users (mode 0644): run chmod 600 /home/lab/.env")
    );
    assert!(permission_warning(p, 0o100640).unwrap().contains("(mode 0640)"));
    assert!(permission_warning(p, 0o100604).is_some());
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
