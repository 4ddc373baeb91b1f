//! Drives the real binary in a tmux session, as a person would: keys in, screen text out.

use std::process::Command;
use std::time::{Duration, Instant};

/// A detached tmux session on its own server socket, killed on drop.
pub struct Tmux {
    socket: String,
}

/// True when tmux is installed (CI installs it).
pub fn available() -> bool {
    let ok = Command::new("tmux").arg("-V").output().is_ok_and(|o| o.status.success());
    if !ok {
        assert!(std::env::var_os("CI").is_none(), "tmux is required on CI");
        eprintln!("\n\n*** SKIPPED: tmux not installed ***\n");
    }
    ok
}

fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

impl Tmux {
    /// Starts `program args` with exactly `env` in a `w`x`h` session. When the program exits the
    /// pane prints `PANEL-EXITED <code>` and stays open so the screen can be read.
    pub fn start(program: &str, args: &[&str], env: &[(String, String)], w: u16, h: u16) -> Tmux {
        let socket = format!("bp-test-{}-{}", std::process::id(), rand_suffix());
        let mut cmd = String::from("env -i PATH=\"$PATH\" TERM=xterm-256color");
        for (k, v) in env {
            cmd.push_str(&format!(" {k}={}", quote(v)));
        }
        cmd.push_str(&format!(" {}", quote(program)));
        for a in args {
            cmd.push_str(&format!(" {}", quote(a)));
        }
        cmd.push_str("; echo PANEL-EXITED $?; sleep 60");
        let st = Command::new("tmux")
            .args(["-L", &socket, "-f", "/dev/null", "new-session", "-d", "-s", "t"])
            .args(["-x", &w.to_string(), "-y", &h.to_string(), &cmd])
            .status()
            .expect("tmux new-session");
        assert!(st.success());
        Tmux { socket }
    }

    /// The visible screen.
    pub fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket, "capture-pane", "-p", "-t", "t"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Sends keys (tmux key names: `q`, `Escape`, `C-c`, `Tab`, ...).
    pub fn keys(&self, keys: &[&str]) {
        let st = Command::new("tmux")
            .args(["-L", &self.socket, "send-keys", "-t", "t"])
            .args(keys)
            .status()
            .unwrap();
        assert!(st.success());
    }

    /// Waits until the screen contains `text`; panics with the screen after `secs`.
    pub fn wait_for(&self, text: &str, secs: u64) -> String {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            let s = self.screen();
            if s.contains(text) {
                return s;
            }
            assert!(Instant::now() < deadline, "waited {secs}s for {text:?}; screen:\n{s}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits until the screen no longer contains `text`.
    pub fn wait_gone(&self, text: &str, secs: u64) -> String {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            let s = self.screen();
            if !s.contains(text) {
                return s;
            }
            assert!(Instant::now() < deadline, "waited {secs}s for {text:?} to go; screen:\n{s}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Sends a signal to the program running in the pane (found as the shell's child).
    pub fn signal_program(&self, name: &str, signal: &str) {
        let st = Command::new("pkill").args([&format!("-{signal}"), "-f", "-n", name]).status().unwrap();
        assert!(st.success(), "pkill -{signal} {name}");
    }
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() % 1_000_000_007
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux").args(["-L", &self.socket, "kill-server"]).status();
    }
}
