//! The programs a shell on the box needs, as found on `PATH`.

use std::ffi::OsStr;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

/// Which of the programs a shell on the box can use are installed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[allow(clippy::struct_excessive_bools, reason = "four independent facts: is each program installed")]
pub struct Tools {
    /// `ssh`.
    pub ssh: bool,
    /// `ssh-keygen` (for a one-off EC2 Instance Connect key).
    pub ssh_keygen: bool,
    /// `aws`, the AWS CLI (for `aws ssm start-session`).
    pub aws: bool,
    /// `session-manager-plugin`, which `aws ssm start-session` needs.
    pub session_manager_plugin: bool,
}

impl Tools {
    /// The programs on this process's `PATH`.
    pub fn from_env() -> Tools {
        Tools::on(std::env::var_os("PATH").as_deref())
    }

    /// The programs on the search path `path` (a `PATH` value).
    pub fn on(path: Option<&OsStr>) -> Tools {
        let has = |name: &str| find(name, path).is_some();
        Tools {
            ssh: has("ssh"),
            ssh_keygen: has("ssh-keygen"),
            aws: has("aws"),
            session_manager_plugin: has("session-manager-plugin"),
        }
    }

    /// Every program installed (for tests of the preferred path).
    pub fn all() -> Tools {
        Tools { ssh: true, ssh_keygen: true, aws: true, session_manager_plugin: true }
    }
}

/// The executable file `name` in the first directory of `path` that holds one.
pub fn find(name: &str, path: Option<&OsStr>) -> Option<PathBuf> {
    std::env::split_paths(path?)
        .map(|dir| dir.join(name))
        .find(|p| std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_executable_files_on_the_path_count() {
        let dir = tempfile::tempdir().unwrap();
        let make = |name: &str, mode: u32| {
            let p = dir.path().join(name);
            std::fs::write(&p, "#!/bin/sh\n").unwrap();
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
        };
        make("ssh", 0o755);
        make("ssh-keygen", 0o644);
        std::fs::create_dir(dir.path().join("aws")).unwrap();
        let path = std::env::join_paths([PathBuf::from("/nonexistent"), dir.path().to_path_buf()]).unwrap();
        let tools = Tools::on(Some(&path));
        assert_eq!(tools, Tools { ssh: true, ..Tools::default() });
        assert_eq!(find("ssh", Some(&path)), Some(dir.path().join("ssh")));
        assert_eq!(Tools::on(None), Tools::default());
    }
}
