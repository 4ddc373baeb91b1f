//! Tracing to a file in the state directory (the terminal belongs to the panel).
//! Level from `BASELINE_PANEL_LOG` (default `info`). Secrets are never passed to tracing.

use std::path::PathBuf;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;

/// Path of the log file: `$XDG_STATE_HOME/baseline-panel/baseline-panel.log`.
pub fn log_path() -> PathBuf {
    crate::config::state_dir().join("baseline-panel.log")
}

/// Starts logging; keep the guard alive until exit so lines are flushed.
/// Returns None (and logs nowhere) when the state directory cannot be written.
pub fn init() -> Option<WorkerGuard> {
    let path = log_path();
    let dir = path.parent()?;
    std::fs::create_dir_all(dir).ok()?;
    let file = std::fs::OpenOptions::new().create(true).append(true).open(&path).ok()?;
    let (writer, guard) = tracing_appender::non_blocking(file);
    let filter = EnvFilter::try_from_env("BASELINE_PANEL_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,aws_smithy_runtime=warn,aws_config=warn,hyper=warn"));
    tracing_subscriber::fmt().with_writer(writer).with_ansi(false).with_env_filter(filter).try_init().ok()?;
    Some(guard)
}
