//! Tracing to a file in the state directory (the terminal belongs to the panel).
//!
//! Level from `BASELINE_PANEL_LOG` (default `info`). Whatever the level, the file never holds a
//! credential: the HTTP and SDK internals that print request headers, signing material or
//! credentials are capped ([`CAPS`]), and every event is redacted ([`redact`]) and has its
//! control characters escaped (one event, one line) on its way to the file. The file is
//! created 0600 in a 0700 directory; an older, looser file or directory is tightened.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use secrecy::ExposeSecret;
use tracing::Level;
use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::filter::{EnvFilter, FilterExt, LevelFilter, Targets};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{Layer, fmt};

use crate::config::Config;
use crate::sanitize::{self, redact};

/// The most each HTTP or SDK internal may log, whatever `BASELINE_PANEL_LOG` asks: below these
/// levels they print request and response headers (`authorization`, `x-amz-security-token`),
/// canonical requests and credentials.
pub const CAPS: &[(&str, Level)] = &[
    // Canonical requests and strings to sign, with the session token and the access key id.
    ("aws_sigv4", Level::INFO),
    // The request as sent (every header), the identity, the endpoint parameters.
    ("aws_smithy_runtime::client::orchestrator", Level::INFO),
    ("aws_smithy_runtime", Level::DEBUG),
    ("aws_smithy_runtime_api", Level::DEBUG),
    ("aws_smithy_http_client", Level::DEBUG),
    ("aws_smithy_http", Level::DEBUG),
    ("aws_runtime", Level::DEBUG),
    // The credentials a profile holds (the access key id; the SDK hides the secret key).
    ("aws_config::profile::credentials", Level::WARN),
    ("aws_config", Level::DEBUG),
    ("aws_credential_types", Level::INFO),
    ("hyper", Level::INFO),
    ("hyper_util", Level::DEBUG),
    ("h2", Level::INFO),
    ("rustls", Level::INFO),
    ("reqwest", Level::DEBUG),
];

/// The level when `BASELINE_PANEL_LOG` is not set (or not understood).
const DEFAULT_FILTER: &str = "info,aws_smithy_runtime=warn,aws_config=warn,hyper=warn";

/// Path of the log file: `$XDG_STATE_HOME/baseline-panel/baseline-panel.log`.
pub fn log_path() -> PathBuf {
    crate::config::state_dir().join("baseline-panel.log")
}

/// Lines the log writer's queue holds before it drops lines.
const LOG_QUEUE_LINES: usize = 4096;

/// Starts logging; keep the guard alive until exit so lines are flushed.
/// Returns None (and logs nowhere) when the state directory cannot be made private or written.
pub fn init() -> Option<WorkerGuard> {
    redact::remember_environment();
    let path = log_path();
    let dir = path.parent()?;
    private_dir(dir).ok()?;
    for backups in ["backups", "demo-backups"] {
        let _ = crate::backup::BackupStore::new(dir.join(backups)).tighten();
    }
    let file = private_file(&path).ok()?;
    // The writer's queue is allocated whole up front: the default (128,000 lines) was 4 MiB of
    // the idle panel's memory. A panel logs a few lines a minute; a burst past this many lines
    // (trace level) drops lines rather than blocking the panel.
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .buffered_lines_limit(LOG_QUEUE_LINES)
        .lossy(true)
        .finish(SafeLog(file));
    let wanted =
        EnvFilter::try_from_env("BASELINE_PANEL_LOG").unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let layer = fmt::layer().with_writer(writer).with_ansi(false).with_filter(wanted.and(caps()));
    tracing_subscriber::registry().with(layer).try_init().ok()?;
    Some(guard)
}

/// Remembers the configuration's tokens (they may come from `.env`) so the log file never
/// holds them.
pub fn remember_secrets(cfg: &Config) {
    for token in [&cfg.slack.token, &cfg.github.token].into_iter().flatten() {
        redact::remember(token.expose_secret());
    }
}

/// [`CAPS`] as a filter: everything else passes.
fn caps() -> Targets {
    CAPS.iter().fold(Targets::new().with_default(LevelFilter::TRACE), |t, (target, level)| {
        t.with_target(*target, *level)
    })
}

/// One formatted event as the file gets it: credentials redacted, control characters (a
/// newline inside the event too) shown escaped, one line.
pub fn file_line(event: &str) -> String {
    let body = event.strip_suffix('\n').unwrap_or(event);
    let body = body.strip_suffix('\r').unwrap_or(body);
    format!("{}\n", sanitize::line(&redact::redact(body)))
}

/// The log file's writer: the formatter hands it one whole event per write.
struct SafeLog<W>(W);

impl<W: Write> Write for SafeLog<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write_all(file_line(&String::from_utf8_lossy(buf)).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

/// Creates `dir` (and missing parents) private to the user, or makes an existing one so.
fn private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        builder.mode(0o700).create(dir)?;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
    }
    #[cfg(not(unix))]
    builder.create(dir)
}

/// Opens the log file for appending, created 0600; an existing file is made 0600.
fn private_file(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        let file = options.open(path)?;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        Ok(file)
    }
    #[cfg(not(unix))]
    options.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_is_one_redacted_escaped_line() {
        let event = "2026-11-25T12:00:00Z TRACE send: headers {\"authorization\": \"AWS4-HMAC-SHA256 \
                     Credential=ASIAABCDEFGHIJKLMNOP/x, Signature=00ff00ff00ff00ff00ff\"} \
                     name=\u{1b}]52;c;ZXZpbA==\u{7}\nforged line\n";
        let line = file_line(event);
        assert_eq!(line.matches('\n').count(), 1, "{line}");
        assert!(line.ends_with('\n'));
        assert!(!line.contains('\u{1b}') && !line.contains('\u{7}'), "{line}");
        assert!(!line.contains("ASIAABCDEFGHIJKLMNOP") && !line.contains("00ff00ff"), "{line}");
        assert!(line.contains("\\nforged line"), "{line}");
    }

    #[test]
    fn the_caps_hold_whatever_level_is_asked() {
        let targets = caps();
        assert!(!targets.would_enable("aws_sigv4::http_request::sign", &Level::DEBUG));
        assert!(!targets.would_enable("aws_smithy_runtime::client::orchestrator", &Level::TRACE));
        assert!(!targets.would_enable("aws_smithy_runtime::client::orchestrator::endpoints", &Level::DEBUG));
        assert!(!targets.would_enable("aws_config::profile::credentials", &Level::INFO));
        assert!(!targets.would_enable("hyper_util::client::legacy::pool", &Level::TRACE));
        assert!(targets.would_enable("aws_smithy_runtime::client::retries", &Level::DEBUG));
        assert!(targets.would_enable("baseline_panel::cloud::aws", &Level::TRACE));
    }

    #[cfg(unix)]
    #[test]
    fn file_and_directory_are_private_even_when_they_were_not() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("state/baseline-panel");
        let path = dir.join("baseline-panel.log");
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        private_dir(&dir).unwrap();
        drop(private_file(&path).unwrap());
        assert_eq!((mode(&dir), mode(&path)), (0o700, 0o600));
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        private_dir(&dir).unwrap();
        drop(private_file(&path).unwrap());
        assert_eq!((mode(&dir), mode(&path)), (0o700, 0o600));
    }
}
