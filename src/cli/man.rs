//! The man page (`baseline-panel man`): the command line from clap, and the sections a reader
//! looks for besides — the commands, the panel's keys (from the keymap, so they cannot drift),
//! exit status, files, environment and examples.

use std::io::{self, Write};

use clap::{Arg, ArgAction, CommandFactory};
use roff::{Inline, Roff, bold, italic, roman};

use super::{Cli, EXIT_CODES};

/// Files the program reads and writes: path, what it is.
const FILES: &[(&str, &str)] = &[
    (
        "$XDG_CONFIG_HOME/baseline-panel/config.toml",
        "The configuration file (XDG_CONFIG_HOME is ~/.config by default), unless --config \
         names another. Unknown keys are errors. Several job boxes are tables [boxes.NAME].",
    ),
    (
        ".env",
        "In the working directory: SLACK_API_TOKEN, CHANNEL_ID and the other variables of \
         ENVIRONMENT, one KEY=value a line. A variable set in the environment wins. Keep it \
         private (chmod 600).",
    ),
    (
        "$XDG_STATE_HOME/baseline-panel/baseline-panel.log",
        "The log file (XDG_STATE_HOME is ~/.local/state by default), mode 0600; \
         BASELINE_PANEL_LOG sets its level. It never holds a credential.",
    ),
    (
        "$XDG_STATE_HOME/baseline-panel/backups/",
        "A backup of the user data before every write, named INSTANCE-UTCTIME.userdata (mode \
         0600, never overwritten); userdata backups lists them, userdata restore writes one back. \
         Demo mode keeps its own in demo-backups/.",
    ),
    ("./baseline-run-ID-START.log", "A run's whole log, saved by the panel's e key."),
];

/// Environment variables: name, what it does.
const ENVIRONMENT: &[(&str, &str)] = &[
    ("AWS_PROFILE", "The AWS profile (as --profile)."),
    ("AWS_REGION, AWS_DEFAULT_REGION", "The AWS region (as --region; default us-east-1)."),
    (
        "AWS_ENDPOINT_URL",
        "A custom AWS endpoint for every service, e.g. a local moto server (as --endpoint-url).",
    ),
    (
        "AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_CONFIG_FILE, \
         AWS_SHARED_CREDENTIALS_FILE",
        "Read by the AWS SDK's default credential chain (environment, profiles, SSO cache, IMDS).",
    ),
    ("SLACK_API_TOKEN", "The Slack bot token (xoxb-...) the panel and slack test post with."),
    ("CHANNEL_ID", "The Slack channel id (C...) posts go to; wins over slack.channel."),
    ("SLACK_API_URL", "The Slack Web API base (default https://slack.com/api/)."),
    ("GITHUB_TOKEN", "A GitHub token, for the doctor's push-permission check on the sandbox repository."),
    ("GITHUB_API_URL", "The GitHub REST API base (default https://api.github.com)."),
    ("BASELINE_PANEL_BOX", "Which job box (as --box)."),
    ("BASELINE_PANEL_LOG", "The log file's level or filter: error, warn, info (default), debug, trace."),
    (
        "BASELINE_PANEL_COMPLETE",
        "Set by the completion scripts when the shell asks for the words at a Tab; not for use by hand.",
    ),
    ("XDG_CONFIG_HOME", "Where the configuration file is looked for (default ~/.config)."),
    ("XDG_STATE_HOME", "Where the log file and the user-data backups go (default ~/.local/state)."),
    ("NO_COLOR", "Any value turns colours off in the panel (as panel.theme = \"mono\")."),
    (
        "PATH",
        "Where ssh, ssh-keygen, aws and session-manager-plugin are looked for (o in the panel, the ssh command).",
    ),
];

/// Examples: command line, what it does.
const EXAMPLES: &[(&str, &str)] = &[
    ("baseline-panel --demo", "The panel on a simulated box: no AWS, no network."),
    ("baseline-panel --profile lab", "The panel on the lab's box, with the AWS profile lab."),
    ("baseline-panel status --json", "The box's state as a JSON document, for scripts."),
    ("baseline-panel start --wait", "Start a run (asks first) and wait until the box runs."),
    (
        "baseline-panel dev on --stop --yes",
        "Stop the box if it is up, then switch dev mode on, without asking.",
    ),
    ("baseline-panel logs --follow", "Print the run's log as it arrives; Ctrl-C stops."),
    ("baseline-panel logs --source scheduler --since 2d", "The scheduler Lambda's log of the last two days."),
    ("baseline-panel logs --run last --output run.log", "Save the last run's whole log."),
    (
        "baseline-panel ssh",
        "A shell on the running box (dev.ssh_key, else EC2 Instance Connect, else Session Manager).",
    ),
    ("baseline-panel --box flu schedule show", "The schedule of the box configured as [boxes.flu]."),
    ("baseline-panel doctor", "Check credentials, permissions, the log group, the rule, Slack and GitHub."),
    ("baseline-panel man | man -l -", "Read this page."),
    (
        "source <(baseline-panel completions bash)",
        "Completion in bash (put it in ~/.bashrc); zsh and fish likewise.",
    ),
    ("AWS_ENDPOINT_URL=http://127.0.0.1:5000 baseline-panel status", "Against a local moto server."),
];

/// Writes the whole page (roff).
pub fn render(out: &mut dyn Write) -> io::Result<()> {
    let cmd = Cli::command();
    let man = clap_mangen::Man::new(cmd.clone());
    let mut generated = Vec::new();
    man.render_title(&mut generated)?;
    let mut own = Roff::new();
    head(&mut own, &cmd);
    own.to_writer(&mut generated)?;
    man.render_options_section(&mut generated)?;
    let mut own = Roff::new();
    commands(&mut own, &cmd);
    keys(&mut own);
    exit_status(&mut own);
    listing(&mut own, "FILES", FILES, italic);
    listing(&mut own, "ENVIRONMENT", ENVIRONMENT, bold);
    listing(&mut own, "EXAMPLES", EXAMPLES, bold);
    own.control("SH", ["SEE ALSO"]);
    own.text([roman(
        "ssh(1), ssh-keygen(1), aws(1); the README, which shows the panel and documents the JSON output.",
    )]);
    own.to_writer(&mut generated)?;
    out.write_all(&once_preamble(&generated))
}

/// Each rendered part starts with the same preamble (it defines the apostrophe); keep the first.
fn once_preamble(page: &[u8]) -> Vec<u8> {
    let preamble = Roff::new().render();
    let text = String::from_utf8_lossy(page);
    let rest = text.strip_prefix(&preamble).unwrap_or(&text).replace(&preamble, "");
    format!("{preamble}{rest}").into_bytes()
}

/// NAME, SYNOPSIS, DESCRIPTION.
fn head(r: &mut Roff, cmd: &clap::Command) {
    // No hyphenation, ragged right: names of files, flags and variables stay whole.
    r.control("nh", []);
    r.control("ad", ["l"]);
    r.control("SH", ["NAME"]);
    r.text([roman(format!(
        "baseline-panel - {}",
        cmd.get_about().map(ToString::to_string).unwrap_or_default()
    ))]);
    r.control("SH", ["SYNOPSIS"]);
    r.text([bold("baseline-panel"), roman(" ["), italic("OPTIONS"), roman("]")]);
    r.control("br", []);
    r.text([
        bold("baseline-panel"),
        roman(" ["),
        italic("OPTIONS"),
        roman("] "),
        italic("COMMAND"),
        roman(" ..."),
    ]);
    r.control("SH", ["DESCRIPTION"]);
    r.text([roman(
        "A terminal control panel for the lab's weekly baseline model run on AWS: one EC2 \
         instance (tagged Name=baseline model) whose user data runs the model script at boot, \
         started every Monday by an EventBridge rule. Without a command it opens the panel: the \
         box, its last run, the schedule, Slack, and the run's log as it streams; keys start a \
         run, stop the box, switch dev mode, open a shell on the box and post to Slack. Every \
         action is also a command for scripts.",
    )]);
    r.control("PP", []);
    r.text([
        roman("Writes ask first (y/N) on a terminal; without one they need "),
        bold("--yes"),
        roman(". "),
        bold("--read-only"),
        roman(" refuses every change to the box, its user data and the schedule. "),
        bold("--demo"),
        roman(" runs everything against a simulated box."),
    ]);
}

/// COMMANDS: each subcommand (and each action of those that have some) with its flags.
fn commands(r: &mut Roff, cmd: &clap::Command) {
    r.control("SH", ["COMMANDS"]);
    r.text([roman("Global options (above) go before or after the command.")]);
    for sub in visible(cmd) {
        let actions: Vec<&clap::Command> = visible(sub).collect();
        if actions.is_empty() {
            command(r, &format!("baseline-panel {}", sub.get_name()), sub);
        } else {
            for action in actions {
                command(r, &format!("baseline-panel {} {}", sub.get_name(), action.get_name()), action);
            }
        }
    }
}

/// The subcommands a reader uses (not `help`, nothing hidden).
fn visible(cmd: &clap::Command) -> impl Iterator<Item = &clap::Command> {
    cmd.get_subcommands().filter(|c| !c.is_hide_set() && c.get_name() != "help")
}

/// One command: its usage line, what it does, and its own flags.
fn command(r: &mut Roff, name: &str, cmd: &clap::Command) {
    let args: Vec<&Arg> = cmd.get_arguments().filter(|a| !a.is_hide_set() && !a.is_global_set()).collect();
    let mut usage = vec![bold(name)];
    for a in &args {
        usage.push(roman(" "));
        usage.extend(usage_of(a));
    }
    r.control("TP", []);
    r.text(usage);
    r.text([roman(text_of(cmd.get_about()))]);
    let described: Vec<&&Arg> = args.iter().filter(|a| a.get_help().is_some()).collect();
    if described.is_empty() {
        return;
    }
    r.control("RS", []);
    for a in described {
        r.control("TP", []);
        let mut head = spelled(a, ", ");
        if let Some(values) = values_of(a) {
            head.push(roman(format!(" ({values})")));
        }
        r.text(head);
        r.text([roman(text_of(a.get_long_help().or_else(|| a.get_help())))]);
    }
    r.control("RE", []);
}

/// `--json`, `-y, --yes` (`-y|--yes` with `sep` "|"), `--since WHEN`, `SHELL`.
fn spelled(a: &Arg, sep: &str) -> Vec<Inline> {
    let mut out = match (a.get_short(), a.get_long()) {
        (Some(s), Some(l)) => vec![bold(format!("-{s}")), roman(sep), bold(format!("--{l}"))],
        (None, Some(l)) => vec![bold(format!("--{l}"))],
        (Some(s), None) => vec![bold(format!("-{s}"))],
        (None, None) => return vec![italic(value_name(a))],
    };
    if takes_value(a) {
        out.push(roman(" "));
        out.push(italic(value_name(a)));
    }
    out
}

/// How an argument shows in a usage line: `[--json]`, `[-y|--yes]`, `[--since WHEN]`, `SHELL`.
fn usage_of(a: &Arg) -> Vec<Inline> {
    let out = spelled(a, "|");
    if a.is_required_set() {
        return out;
    }
    let mut wrapped = vec![roman("[")];
    wrapped.extend(out);
    wrapped.push(roman("]"));
    wrapped
}

fn takes_value(a: &Arg) -> bool {
    matches!(a.get_action(), ArgAction::Set | ArgAction::Append)
}

fn value_name(a: &Arg) -> String {
    a.get_value_names()
        .and_then(|v| v.first())
        .map_or_else(|| a.get_id().as_str().to_uppercase(), ToString::to_string)
}

/// The values an argument takes, when it lists them: `run, scheduler, console`.
fn values_of(a: &Arg) -> Option<String> {
    if !takes_value(a) {
        return None;
    }
    let values: Vec<String> = a
        .get_possible_values()
        .iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| v.get_name().to_owned())
        .collect();
    (!values.is_empty()).then(|| values.join(", "))
}

fn text_of(s: Option<&clap::builder::StyledStr>) -> String {
    s.map(ToString::to_string).unwrap_or_default().split_whitespace().collect::<Vec<_>>().join(" ")
}

/// KEYS: the panel's commands with their default keys, then the fixed keys.
fn keys(r: &mut Roff) {
    r.control("SH", ["KEYS"]);
    r.text([
        roman("The panel's keys. A command's key can be moved in the configuration file under "),
        bold("[keys]"),
        roman(", by the command's name (in parentheses): "),
        bold("start = \"R\""),
        roman(". The help overlay ("),
        bold("?"),
        roman(") and the footer show the keys in force."),
    ]);
    for (name, key, what) in crate::keymap::COMMANDS {
        r.control("TP", []);
        r.text([bold(key.to_string()), roman(format!(" ({name})"))]);
        r.text([roman(*what)]);
    }
    for (key, what) in crate::keymap::FIXED_KEYS {
        r.control("TP", []);
        r.text([bold(*key)]);
        r.text([roman(*what)]);
    }
    r.control("PP", []);
    r.text([roman(
        "In a dialog: Left and Right choose, Enter confirms the highlighted button, y is yes, n \
         and Esc are no. In a dialog with a text (the Slack message) every letter is text: \
         Backspace deletes, Tab chooses the button, Enter confirms, Esc cancels.",
    )]);
}

/// EXIT STATUS, from the table the commands' failures use.
fn exit_status(r: &mut Roff) {
    r.control("SH", ["EXIT STATUS"]);
    for (code, what) in EXIT_CODES {
        r.control("TP", []);
        r.text([bold(code.to_string())]);
        r.text([roman(*what)]);
    }
    r.control("PP", []);
    r.text([roman(
        "A user-data write that AWS refused (an error code, throttling) or that never left (no \
         connection, no credentials) says \"nothing was written\" and exits 4, 5, 7 or 1 by its \
         cause, never 8.",
    )]);
}

/// A section of tagged paragraphs: `tag` styled by `style`, then its text.
fn listing(r: &mut Roff, title: &str, items: &[(&str, &str)], style: fn(String) -> Inline) {
    r.control("SH", [title]);
    for (tag, what) in items {
        r.control("TP", []);
        r.text([style((*tag).to_owned())]);
        r.text([roman(*what)]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page() -> String {
        let mut out = Vec::new();
        render(&mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn every_section_is_there_once() {
        let page = page();
        for section in [
            "NAME",
            "SYNOPSIS",
            "DESCRIPTION",
            "OPTIONS",
            "COMMANDS",
            "KEYS",
            "FILES",
            "ENVIRONMENT",
            "EXAMPLES",
        ] {
            assert_eq!(page.matches(&format!(".SH {section}\n")).count(), 1, "{section}");
        }
        assert_eq!(page.matches(".SH \"EXIT STATUS\"\n").count(), 1);
        assert_eq!(page.matches(".ds Aq").count(), 2, "one preamble (its two lines)");
    }

    #[test]
    fn every_key_every_code_and_every_command_is_listed() {
        let page = page();
        for (name, key, _) in crate::keymap::COMMANDS {
            assert!(page.contains(&format!("\\fB{key}\\fR ({name})")), "{name}");
        }
        for (code, _) in EXIT_CODES {
            assert!(page.contains(&format!(".TP\n\\fB{code}\\fR\n")), "exit code {code}");
        }
        for command in ["status", "schedule enable", "dev on", "userdata restore", "logs", "slack upload"] {
            assert!(page.contains(&format!("\\fBbaseline\\-panel {command}\\fR")), "{command}");
        }
        assert!(page.contains("run, scheduler, console"), "the values of --source");
    }
}
