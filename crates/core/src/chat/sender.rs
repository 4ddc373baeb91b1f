//! Who is posting: the login and host names that the panel's and the CLI's messages carry,
//! and the default test message built from them.

use jiff::Timestamp;

/// The person and machine behind a message, read once at start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sender {
    /// Login name.
    pub user: String,
    /// Host name.
    pub host: String,
}

impl Sender {
    /// The current login and host.
    pub fn current() -> Sender {
        Sender { user: user_name(), host: host_name() }
    }

    /// The default test message from this sender at `now`.
    pub fn test_message(&self, now: Timestamp) -> String {
        default_message(&self.user, &self.host, now)
    }
}

impl std::fmt::Display for Sender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}@{}", self.user, self.host)
    }
}

/// The default test message: `baseline-panel test message from USER@HOST at 2026-11-25 12:00 UTC`.
pub fn default_message(user: &str, host: &str, now: Timestamp) -> String {
    format!("baseline-panel test message from {user}@{host} at {}", now.strftime("%Y-%m-%d %H:%M UTC"))
}

/// The login name: `USER` or `LOGNAME`, else the account's name in the system's user database
/// (for a cron job, `env -i`, a container), else `uid N`.
pub fn user_name() -> String {
    ["USER", "LOGNAME"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()))
        .or_else(account_name)
        .unwrap_or_else(|| {
            // SAFETY: geteuid has no preconditions and cannot fail.
            format!("uid {}", unsafe { libc::geteuid() })
        })
}

/// The name of the effective user's account, from the system's user database (`getpwuid_r`).
pub fn account_name() -> Option<String> {
    // SAFETY: geteuid has no preconditions and cannot fail.
    let uid = unsafe { libc::geteuid() };
    let mut buf = vec![0u8; 1024];
    loop {
        // SAFETY: `passwd` is plain data that getpwuid_r fills in; all-zero is a valid value.
        let mut pwd: libc::passwd = unsafe { std::mem::zeroed() };
        let mut found: *mut libc::passwd = std::ptr::null_mut();
        // SAFETY: every pointer is valid for the call and `buf` for its whole length; the
        // strings written point into `buf`, which outlives their use below.
        let rc = unsafe {
            libc::getpwuid_r(uid, &raw mut pwd, buf.as_mut_ptr().cast(), buf.len(), &raw mut found)
        };
        if rc == libc::ERANGE && buf.len() < 1 << 20 {
            buf.resize(buf.len() * 2, 0);
            continue;
        }
        if rc != 0 || found.is_null() || pwd.pw_name.is_null() {
            return None;
        }
        // SAFETY: on success pw_name is a NUL-terminated string inside `buf`.
        let name = unsafe { std::ffi::CStr::from_ptr(pwd.pw_name) };
        return name.to_str().ok().filter(|n| !n.is_empty()).map(str::to_owned);
    }
}

/// This machine's host name.
pub fn host_name() -> String {
    let mut buf = [0u8; 256];
    // SAFETY: the buffer is valid for its whole length; gethostname writes at most that much.
    let rc = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
    let len = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    match (rc, std::str::from_utf8(&buf[..len])) {
        (0, Ok(name)) if !name.is_empty() => name.to_owned(),
        _ => "unknown-host".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_message_names_user_host_and_minute() {
        let now: Timestamp = "2026-11-25T12:00:41Z".parse().unwrap();
        assert_eq!(
            default_message("ec2-user", "ip-10-0-0-5", now),
            "baseline-panel test message from ec2-user@ip-10-0-0-5 at 2026-11-25 12:00 UTC"
        );
        let s = Sender { user: "ec2-user".into(), host: "ip-10-0-0-5".into() };
        assert_eq!(s.test_message(now), default_message("ec2-user", "ip-10-0-0-5", now));
        assert_eq!(s.to_string(), "ec2-user@ip-10-0-0-5");
    }

    #[test]
    fn host_name_is_not_empty() {
        assert!(!host_name().is_empty());
    }

    #[test]
    fn the_account_name_is_the_one_the_system_knows() {
        // `id -un` asks the same database; skip where it is missing.
        let Ok(out) = std::process::Command::new("id").arg("-un").output() else { return };
        if out.status.success() {
            let expected = String::from_utf8_lossy(&out.stdout).trim().to_owned();
            assert_eq!(account_name().as_deref(), Some(expected.as_str()));
        }
    }
}
