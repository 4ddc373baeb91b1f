//! Shell completion. The shell calls the binary back on each Tab (clap's dynamic completion):
//! the script `completions SHELL` prints only registers that call, and the binary answers from
//! its own command line definition, so subcommands, flags, the values of `--source` and the
//! names of the configured boxes (`--box`) always match the binary that runs.
//!
//! (clap's generated static bash script cannot be used: for a binary name with a hyphen it
//! loses track past the first word.)

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};

use clap::CommandFactory;
use clap_complete::CompletionCandidate;
use clap_complete::env::{CompleteEnv, EnvCompleter, Shells};

use super::Cli;

/// The environment variable through which a shell asks the binary for completions. A name of
/// its own, so a `COMPLETE` set for something else never turns a command into a completion.
pub const VAR: &str = "BASELINE_PANEL_COMPLETE";

/// The command the registration scripts call: found on `PATH` at each Tab.
const BIN: &str = "baseline-panel";

/// When a shell asks for completions (`BASELINE_PANEL_COMPLETE=SHELL` in the environment),
/// prints them and exits; otherwise returns at once. Called first thing in `main`.
pub fn answer_if_asked() {
    CompleteEnv::with_factory(Cli::command).var(VAR).bin(BIN).completer(BIN).complete();
}

/// Writes the registration script of `shell` (what `completions SHELL` prints).
pub fn registration(shell: clap_complete::Shell, out: &mut dyn Write) -> std::io::Result<()> {
    let name = shell.to_string();
    let shells = Shells::builtins();
    let completer: &dyn EnvCompleter =
        shells.completer(&name).ok_or_else(|| std::io::Error::other(format!("no completion for {name}")))?;
    completer.write_registration(VAR, BIN, BIN, BIN, out)
}

/// The names of the configured boxes (`[boxes.NAME]`), for `--box`: read from the config file
/// the command line names (`--config PATH`) or the default one. Nothing when it cannot be read.
pub fn box_candidates() -> Vec<CompletionCandidate> {
    let path = config_flag(std::env::args_os()).or_else(crate::config::default_config_path);
    box_names(path.as_deref()).into_iter().map(CompletionCandidate::new).collect()
}

/// The boxes a config file lists; `baseline` alone when there is no file, nothing when it cannot
/// be read.
fn box_names(path: Option<&Path>) -> Vec<String> {
    match path.filter(|p| p.is_file()) {
        Some(p) => crate::config::boxes_in(p).unwrap_or_default(),
        None => vec![crate::config::DEFAULT_BOX.to_owned()],
    }
}

/// The value of `--config` in the words being completed (`--config PATH` or `--config=PATH`).
fn config_flag(args: impl Iterator<Item = OsString>) -> Option<PathBuf> {
    let mut args = args.skip_while(|a| a != "--");
    let mut found = None;
    while let Some(a) = args.next() {
        let Some(text) = a.to_str() else { continue };
        if text == "--config" {
            found = args.next().map(PathBuf::from);
        } else if let Some(v) = text.strip_prefix("--config=") {
            found = Some(PathBuf::from(v));
        }
    }
    found.filter(|p| !p.as_os_str().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(w: &[&str]) -> impl Iterator<Item = OsString> {
        w.iter().map(OsString::from).collect::<Vec<_>>().into_iter()
    }

    #[test]
    fn the_config_flag_is_read_from_the_words_after_the_separator() {
        let got = config_flag(words(&["bp", "--", "bp", "--config", "/x/c.toml", "status", "--box", ""]));
        assert_eq!(got, Some(PathBuf::from("/x/c.toml")));
        let got = config_flag(words(&["bp", "--", "bp", "--config=/y.toml", "--box"]));
        assert_eq!(got, Some(PathBuf::from("/y.toml")));
        assert_eq!(config_flag(words(&["bp", "--config", "/z.toml", "--", "bp", "--box"])), None);
        assert_eq!(config_flag(words(&["bp", "--", "bp", "--config"])), None);
    }

    #[test]
    fn box_names_come_from_the_file_or_are_the_default_box() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "[boxes.flu]\n[boxes.covid]\ninstance_name = \"covid model\"\n").unwrap();
        assert_eq!(box_names(Some(&path)), ["covid", "flu"]);
        assert_eq!(box_names(None), ["baseline"]);
        std::fs::write(&path, "[boxes.flu\n").unwrap();
        assert!(box_names(Some(&path)).is_empty(), "a broken file offers nothing");
    }

    #[test]
    fn every_shell_has_a_registration_that_calls_the_binary_back() {
        for shell in [
            clap_complete::Shell::Bash,
            clap_complete::Shell::Zsh,
            clap_complete::Shell::Fish,
            clap_complete::Shell::Elvish,
            clap_complete::Shell::PowerShell,
        ] {
            let mut out = Vec::new();
            registration(shell, &mut out).unwrap();
            let text = String::from_utf8(out).unwrap();
            assert!(text.contains(VAR), "{shell}: {text}");
            assert!(text.contains(BIN), "{shell}: {text}");
        }
    }
}
