//! A shell on the running box (`o` in the panel, `baseline-panel ssh`): plain SSH when a key is
//! configured (`dev.ssh_key`), else EC2 Instance Connect (a one-off key pushed for 60 seconds,
//! then SSH), else `aws ssm start-session` when the Session Manager plugin is installed; else
//! what to configure. The SSH command line is built here only (`c` copies the same one).

mod key;
mod tools;

use std::fmt;

pub use key::OneOffKey;
pub use tools::{Tools, find};

use crate::cloud::{Cloud, CloudError, Instance, InstanceState};
use crate::config::{Config, DevConfig};

/// How the shell reaches the box.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// `ssh` with the configured key.
    Ssh,
    /// `ssh` with a one-off key pushed by EC2 Instance Connect.
    InstanceConnect,
    /// `aws ssm start-session` (Session Manager).
    SessionManager,
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Method::Ssh => "SSH",
            Method::InstanceConnect => "EC2 Instance Connect",
            Method::SessionManager => "Session Manager",
        })
    }
}

/// A shell ready to run: the program and its arguments, and the one-off key they use (deleted
/// when the plan is dropped, so keep it until the program has ended).
#[derive(Debug)]
pub struct Plan {
    /// How.
    pub method: Method,
    /// The instance.
    pub instance_id: String,
    /// The program (`ssh`, `aws`).
    pub program: String,
    /// Its arguments.
    pub args: Vec<String>,
    key: Option<OneOffKey>,
}

impl PartialEq for Plan {
    fn eq(&self, other: &Plan) -> bool {
        (self.method, &self.instance_id, &self.program, &self.args)
            == (other.method, &other.instance_id, &other.program, &other.args)
    }
}

impl Eq for Plan {}

impl Plan {
    /// The command line as a shell would read it.
    pub fn command_line(&self) -> String {
        std::iter::once(self.program.as_str())
            .chain(self.args.iter().map(String::as_str))
            .map(quote)
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The command to run, with the terminal's standard streams.
    pub fn command(&self) -> std::process::Command {
        let mut c = std::process::Command::new(&self.program);
        c.args(&self.args);
        c
    }

    /// `i-… with EC2 Instance Connect: ssh -i … ec2-user@…`: where, how, and the command line
    /// (a key's path, never a key).
    pub fn summary(&self) -> String {
        format!("{} with {}: {}", self.instance_id, self.method, self.command_line())
    }

    /// The one-off key, when the plan uses one.
    pub fn one_off_key(&self) -> Option<&OneOffKey> {
        self.key.as_ref()
    }
}

/// Why no shell can be opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShellError {
    /// The box is not running.
    #[error("the box {id} is {state}: a shell needs it running (start it first)")]
    NotRunning {
        /// The instance.
        id: String,
        /// Its state.
        state: String,
    },
    /// No way to reach the box works here: why each did not, and what to configure.
    #[error(
        "no way to open a shell on {id}: {}. Set dev.ssh_key in the config file (plain SSH), allow ec2-instance-connect:SendSSHPublicKey and SSH to the box (EC2 Instance Connect), or install the AWS CLI and the Session Manager plugin, session-manager-plugin (aws ssm start-session)",
        reasons.join("; ")
    )]
    NoWay {
        /// The instance.
        id: String,
        /// Why each way did not work.
        reasons: Vec<String>,
        /// The cloud's refusal of the EC2 Instance Connect key, when that is what stopped it.
        refused: Option<CloudError>,
    },
}

/// `ssh [-i KEY] USER@HOST`: the command that opens a shell on the box with the configured key
/// (what `c` copies and the dev-mode lines show).
pub fn ssh_command(dev: &DevConfig, host: &str) -> String {
    let mut words = vec!["ssh".to_owned()];
    words.extend(ssh_args(dev.ssh_key.as_deref(), &dev.ssh_user, host, false));
    words.iter().map(String::as_str).map(quote).collect::<Vec<_>>().join(" ")
}

/// The arguments of `ssh`: `-i KEY` when there is one (with `IdentitiesOnly=yes` for a one-off
/// key, so no other key is offered first), then `USER@HOST`.
fn ssh_args(key: Option<&str>, user: &str, host: &str, only_that_key: bool) -> Vec<String> {
    let mut args = Vec::new();
    if let Some(k) = key {
        args.extend(["-i".to_owned(), k.to_owned()]);
        if only_that_key {
            args.extend(["-o".to_owned(), "IdentitiesOnly=yes".to_owned()]);
        }
    }
    args.push(format!("{user}@{host}"));
    args
}

/// `word` as a shell reads it back: as is when it holds only plain characters, else in single
/// quotes.
fn quote(word: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./@:=+,%~".contains(c);
    if !word.is_empty() && word.chars().all(plain) {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// How a shell that did not end well ended: ssh's own failure (exit status 255), the shell's
/// last status, or a signal.
pub fn ended(program: &str, status: std::process::ExitStatus) -> String {
    match status.code() {
        Some(255) if program == "ssh" => {
            "ssh ended with exit status 255: the connection or the login failed (see its message above)"
                .into()
        }
        Some(n) => format!("the shell ended with exit status {n}"),
        None => format!("{program} was ended by a signal ({status})"),
    }
}

/// Chooses how to reach `instance` and makes it ready: the configured key, else a one-off key
/// pushed with EC2 Instance Connect, else Session Manager. `tools` says what is installed.
pub async fn prepare(
    cloud: &dyn Cloud,
    cfg: &Config,
    instance: &Instance,
    tools: &Tools,
) -> Result<Plan, ShellError> {
    let id = instance.id.clone();
    if instance.state != InstanceState::Running {
        return Err(ShellError::NotRunning { id, state: instance.state.name().to_owned() });
    }
    let host = instance.public_dns.as_deref().or(instance.public_ip.as_deref());
    let user = &cfg.dev.ssh_user;
    let mut reasons = Vec::new();
    let mut refused = None;
    let ssh = |key: Option<OneOffKey>, args: Vec<String>, method| Plan {
        method,
        instance_id: id.clone(),
        program: "ssh".into(),
        args,
        key,
    };
    match (host, tools.ssh) {
        (None, _) => reasons.push("the box has no public address (SSH cannot reach it)".to_owned()),
        (Some(_), false) => reasons.push("ssh is not installed".to_owned()),
        (Some(host), true) => {
            if let Some(key) = cfg.dev.ssh_key.as_deref() {
                return Ok(ssh(None, ssh_args(Some(key), user, host, false), Method::Ssh));
            }
            reasons.push("no SSH key is configured (dev.ssh_key)".to_owned());
            if tools.ssh_keygen {
                match instance_connect(cloud, &id, user).await {
                    Ok(key) => {
                        let path = key.private_key().to_string_lossy().into_owned();
                        let args = ssh_args(Some(&path), user, host, true);
                        return Ok(ssh(Some(key), args, Method::InstanceConnect));
                    }
                    Err(Refusal::Key(why)) => reasons.push(why),
                    Err(Refusal::Cloud(e)) => {
                        reasons.push(format!("EC2 Instance Connect: {e}"));
                        refused = Some(e);
                    }
                }
            } else {
                reasons.push(
                    "ssh-keygen is not installed (EC2 Instance Connect needs a one-off key)".to_owned(),
                );
            }
        }
    }
    if tools.aws && tools.session_manager_plugin {
        return Ok(Plan {
            method: Method::SessionManager,
            instance_id: id.clone(),
            program: "aws".into(),
            args: session_manager_args(cfg, &id),
            key: None,
        });
    }
    reasons.push(if tools.aws {
        "the Session Manager plugin is not installed (session-manager-plugin)".to_owned()
    } else {
        "the AWS CLI is not installed (aws ssm start-session)".to_owned()
    });
    Err(ShellError::NoWay { id, reasons, refused })
}

/// Why EC2 Instance Connect could not be used.
enum Refusal {
    /// The key pair could not be made.
    Key(String),
    /// The cloud refused the key.
    Cloud(CloudError),
}

/// Makes a one-off key pair and pushes its public half to the instance for `user`.
async fn instance_connect(cloud: &dyn Cloud, id: &str, user: &str) -> Result<OneOffKey, Refusal> {
    let key = OneOffKey::generate().await.map_err(Refusal::Key)?;
    cloud.send_ssh_public_key(id, user, key.public_key()).await.map_err(Refusal::Cloud)?;
    Ok(key)
}

/// `ssm start-session --target ID --region R [--profile P] [--endpoint-url U]`.
fn session_manager_args(cfg: &Config, id: &str) -> Vec<String> {
    let mut args: Vec<String> =
        ["ssm", "start-session", "--target", id, "--region", &cfg.region].map(str::to_owned).to_vec();
    if let Some(p) = &cfg.profile {
        args.extend(["--profile".to_owned(), p.clone()]);
    }
    if let Some(u) = &cfg.endpoint_url {
        args.extend(["--endpoint-url".to_owned(), u.clone()]);
    }
    args
}

#[cfg(test)]
mod tests;
