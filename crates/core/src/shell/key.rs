//! A one-off SSH key pair for EC2 Instance Connect: made by `ssh-keygen` in a private temporary
//! directory (0700, the private key 0600), deleted with the directory when dropped.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Stdio;

/// A key pair that lives as long as this value.
#[derive(Debug)]
pub struct OneOffKey {
    dir: tempfile::TempDir,
    private: PathBuf,
    public: String,
}

impl OneOffKey {
    /// Makes an ed25519 key pair with `ssh-keygen` (no passphrase). The error says why not.
    pub async fn generate() -> Result<OneOffKey, String> {
        let dir = tempfile::Builder::new()
            .prefix("baseline-panel-ssh-")
            .tempdir()
            .map_err(|e| format!("cannot make a private directory for a one-off key: {e}"))?;
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700))
            .map_err(|e| format!("cannot make {} private: {e}", dir.path().display()))?;
        let private = dir.path().join("id_ed25519");
        let out = tokio::process::Command::new("ssh-keygen")
            .args(["-q", "-t", "ed25519", "-N", "", "-C", "baseline-panel one-off key", "-f"])
            .arg(&private)
            .stdin(Stdio::null())
            .output()
            .await
            .map_err(|e| format!("cannot run ssh-keygen: {e}"))?;
        if !out.status.success() {
            let why = String::from_utf8_lossy(&out.stderr);
            return Err(format!("ssh-keygen failed ({}): {}", out.status, why.trim()));
        }
        std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o600))
            .map_err(|e| format!("cannot make the one-off key private: {e}"))?;
        let public = std::fs::read_to_string(private.with_extension("pub"))
            .map_err(|e| format!("cannot read the one-off public key: {e}"))?
            .trim()
            .to_owned();
        Ok(OneOffKey { dir, private, public })
    }

    /// The private key's file (for `ssh -i`).
    pub fn private_key(&self) -> &Path {
        &self.private
    }

    /// The public key, one OpenSSH line (`ssh-ed25519 AAAA… comment`).
    pub fn public_key(&self) -> &str {
        &self.public
    }

    /// The private directory that holds the pair.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn have_keygen() -> bool {
        std::process::Command::new("ssh-keygen").arg("-?").output().is_ok()
    }

    #[tokio::test]
    async fn the_pair_is_private_and_gone_when_dropped() {
        if !have_keygen() {
            eprintln!("SKIPPED: ssh-keygen is not installed");
            return;
        }
        let key = OneOffKey::generate().await.unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(key.dir()), 0o700);
        assert_eq!(mode(key.private_key()), 0o600);
        assert!(key.public_key().starts_with("ssh-ed25519 "), "{}", key.public_key());
        let derived = std::process::Command::new("ssh-keygen")
            .arg("-y")
            .arg("-f")
            .arg(key.private_key())
            .output()
            .unwrap();
        let derived = String::from_utf8(derived.stdout).unwrap();
        assert!(key.public_key().starts_with(derived.trim()), "the public key is the private key's");
        let dir = key.dir().to_path_buf();
        drop(key);
        assert!(!dir.exists(), "deleted with the value");
    }
}
