//! Stand-ins for `ssh` (and `aws`, `session-manager-plugin`) on `PATH` that record how they were
//! called: their arguments, and for `ssh -i KEY` the key file's and its directory's modes and
//! the public key derived from it (with the real `ssh-keygen -y`). With `FAKE_SSH_WAIT` set, the
//! stand-in prints `FAKE-SSH-SESSION <last argument>` and waits for a line typed at the
//! terminal, which it records: what a person types in the shell reaches it.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

const SCRIPT: &str = r#"#!/bin/sh
PATH="$PATH:/usr/bin:/bin"
log="$(dirname "$0")/$(basename "$0")"
for a in "$@"; do printf '%s\n' "$a"; done > "$log.args"
key=""
prev=""
for a in "$@"; do
  if [ "$prev" = "-i" ]; then key="$a"; fi
  prev="$a"
done
if [ -n "$key" ] && [ -f "$key" ]; then
  stat -c %a "$key" > "$log.keymode"
  stat -c %a "$(dirname "$key")" > "$log.dirmode"
  ssh-keygen -y -f "$key" > "$log.pub" 2>&1
fi
if [ -n "$FAKE_SSH_WAIT" ]; then
  for last in "$@"; do :; done
  echo "FAKE-SSH-SESSION $last"
  IFS= read -r line
  printf '%s\n' "$line" > "$log.typed"
fi
exit "${FAKE_SSH_EXIT:-0}"
"#;

/// A directory of stand-in programs.
pub struct FakeTools {
    dir: tempfile::TempDir,
}

impl FakeTools {
    /// Stand-ins named `names` (`ssh`, `aws`, `session-manager-plugin`).
    pub fn install(names: &[&str]) -> FakeTools {
        let dir = tempfile::tempdir().unwrap();
        for name in names {
            let p = dir.path().join(name);
            std::fs::write(&p, SCRIPT).unwrap();
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        FakeTools { dir }
    }

    /// The stand-ins' directory.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// `PATH` with the stand-ins first, then the system's.
    pub fn path_before_system(&self) -> String {
        format!("{}:{}", self.dir().display(), std::env::var("PATH").unwrap_or_default())
    }

    /// `PATH` with the stand-ins only.
    pub fn path_alone(&self) -> String {
        self.dir().display().to_string()
    }

    fn read(&self, name: &str, what: &str) -> Option<String> {
        std::fs::read_to_string(self.dir().join(format!("{name}.{what}"))).ok()
    }

    /// The arguments `name` was called with, if it was.
    pub fn args(&self, name: &str) -> Option<Vec<String>> {
        self.read(name, "args").map(|t| t.lines().map(str::to_owned).collect())
    }

    /// The mode (`600`) of the key file `name` was given with `-i`, as it was during the call.
    pub fn key_mode(&self, name: &str) -> Option<String> {
        self.read(name, "keymode").map(|t| t.trim().to_owned())
    }

    /// The mode of the key file's directory during the call.
    pub fn key_dir_mode(&self, name: &str) -> Option<String> {
        self.read(name, "dirmode").map(|t| t.trim().to_owned())
    }

    /// The public key of the key file `name` was given (`ssh-keygen -y`).
    pub fn public_key(&self, name: &str) -> Option<String> {
        self.read(name, "pub").map(|t| t.trim().to_owned())
    }

    /// The line typed into `name`'s session (with `FAKE_SSH_WAIT`).
    pub fn typed(&self, name: &str) -> Option<String> {
        self.read(name, "typed").map(|t| t.trim_end().to_owned())
    }

    /// The path given after `-i`, if any.
    pub fn key_path(&self, name: &str) -> Option<PathBuf> {
        let args = self.args(name)?;
        let at = args.iter().position(|a| a == "-i")?;
        args.get(at + 1).map(PathBuf::from)
    }
}
