//! Drives the real binary in a tmux session, as a person would: keys in, screen text out.

use std::fmt::Write as _;
use std::process::Command;
use std::time::{Duration, Instant};

/// The panel's environment: scratch HOME, XDG and AWS config files, test credentials, the
/// endpoint — nothing of the user's own setup.
pub fn panel_env(scratch: &std::path::Path, endpoint: &str) -> Vec<(String, String)> {
    let home = scratch.join("home");
    std::fs::create_dir_all(&home).unwrap();
    let h = |p: &str| home.join(p).to_string_lossy().into_owned();
    vec![
        ("HOME".into(), h("")),
        ("XDG_CONFIG_HOME".into(), h(".config")),
        ("XDG_STATE_HOME".into(), h(".state")),
        ("AWS_CONFIG_FILE".into(), h("aws-config")),
        ("AWS_SHARED_CREDENTIALS_FILE".into(), h("aws-credentials")),
        ("AWS_EC2_METADATA_DISABLED".into(), "true".into()),
        ("AWS_ACCESS_KEY_ID".into(), "testing".into()),
        ("AWS_SECRET_ACCESS_KEY".into(), "testing".into()),
        ("AWS_ENDPOINT_URL".into(), endpoint.into()),
    ]
}

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
        let mut cmd = env_prefix(env);
        let _ = write!(cmd, " {}", quote(program));
        for a in args {
            let _ = write!(cmd, " {}", quote(a));
        }
        cmd.push_str("; echo PANEL-EXITED $?; sleep 60");
        Self::session(&cmd, w, h)
    }

    /// Starts an interactive bash with job control (no rc files, prompt `SHELL-PROMPT$ `) with
    /// exactly `env`; type command lines into it with [`line`](Self::line).
    pub fn shell(env: &[(String, String)], w: u16, h: u16) -> Tmux {
        let mut cmd = env_prefix(env);
        cmd.push_str(" PS1='SHELL-PROMPT$ ' HISTFILE=/dev/null bash --norc --noprofile -i");
        let t = Self::session(&cmd, w, h);
        t.wait_for("SHELL-PROMPT$", 20);
        t
    }

    fn session(cmd: &str, w: u16, h: u16) -> Tmux {
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let mut last_error = String::new();
        // A tmux server starting on a loaded machine now and then exits before the session is
        // made ("server exited unexpectedly"): try again on a fresh socket.
        for _ in 0..3 {
            let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let socket = format!("bp-test-{}-{n}-{}", std::process::id(), rand_suffix());
            let out = Command::new("tmux")
                .args(["-L", &socket, "-f", "/dev/null", "new-session", "-d", "-s", "t"])
                .args(["-x", &w.to_string(), "-y", &h.to_string(), cmd])
                .output()
                .expect("tmux new-session");
            if out.status.success() {
                return Tmux { socket };
            }
            last_error = String::from_utf8_lossy(&out.stderr).into_owned();
            let _ = Command::new("tmux").args(["-L", &socket, "kill-server"]).output();
            std::thread::sleep(std::time::Duration::from_millis(200));
        }
        panic!("tmux new-session failed three times: {last_error}");
    }

    /// Types `text` literally, then Enter.
    pub fn line(&self, text: &str) {
        let st = Command::new("tmux")
            .args(["-L", &self.socket, "send-keys", "-t", "t", "-l", text])
            .status()
            .unwrap();
        assert!(st.success());
        self.keys(&["Enter"]);
    }

    /// A tmux format expanded for the pane, e.g. `#{alternate_on}`.
    pub fn format(&self, format: &str) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket, "display-message", "-p", "-t", "t", format])
            .output()
            .unwrap();
        assert!(out.status.success(), "tmux display-message {format}");
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    /// True while the pane shows the alternate screen.
    pub fn alternate_on(&self) -> bool {
        match self.format("#{alternate_on}").as_str() {
            "1" => true,
            "0" => false,
            other => panic!("tmux answered {other:?} for #{{alternate_on}}"),
        }
    }

    /// The pid of the process running `exe` somewhere under the pane (run by its shell, or by
    /// a shell that shell runs), waiting for it to appear.
    pub fn pid_of(&self, exe: &str) -> u32 {
        let pane: u32 = self.format("#{pane_pid}").parse().unwrap();
        let exe = std::fs::canonicalize(exe).unwrap();
        let under_pane = |mut pid: u32| {
            while let Some(p) = parent_pid(pid) {
                if p == pane {
                    return true;
                }
                if p <= 1 {
                    return false;
                }
                pid = p;
            }
            false
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let found: Vec<u32> = std::fs::read_dir("/proc")
                .unwrap()
                .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
                .filter(|pid| std::fs::read_link(format!("/proc/{pid}/exe")).is_ok_and(|p| p == exe))
                .filter(|pid| under_pane(*pid))
                .collect();
            if let [pid] = found[..] {
                return pid;
            }
            assert!(Instant::now() < deadline, "{} runs as {found:?} under pane {pane}", exe.display());
            std::thread::sleep(Duration::from_millis(100));
        }
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
    // A method so tests signal through the session they drive, like every other step.
    #[allow(clippy::unused_self)]
    pub fn signal_program(&self, name: &str, signal: &str) {
        let st = Command::new("pkill").args([&format!("-{signal}"), "-f", "-n", name]).status().unwrap();
        assert!(st.success(), "pkill -{signal} {name}");
    }
}

/// The parent of process `pid`, from `/proc/PID/stat`.
fn parent_pid(pid: u32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // `pid (comm) state ppid ...`; comm may hold spaces and parentheses.
    stat.rsplit_once(')')?.1.split_whitespace().nth(1)?.parse().ok()
}

/// Sends `signal` (`TERM`, `HUP`, ...) to the process `pid`.
pub fn signal_pid(pid: u32, signal: &str) {
    let st = Command::new("kill").args(["-s", signal, &pid.to_string()]).status().unwrap();
    assert!(st.success(), "kill -s {signal} {pid}");
}

/// `env -i` with PATH, TERM and exactly `env`, ready for a command to follow.
fn env_prefix(env: &[(String, String)]) -> String {
    let mut cmd = String::from("env -i PATH=\"$PATH\" TERM=xterm-256color");
    for (k, v) in env {
        let _ = write!(cmd, " {k}={}", quote(v));
    }
    cmd
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() % 1_000_000_007
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux").args(["-L", &self.socket, "kill-server"]).status();
    }
}
