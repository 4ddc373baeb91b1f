//! One run's whole log, as text lines (`timestamp  message`), and writing it to a file safely.

use std::io::Write;
use std::path::{Path, PathBuf};

use jiff::Timestamp;

use super::{LogError, LogEvent, LogStore, fetch_all};
use crate::cloud::{CloudError, Instance};

/// The log of one run: every event of the instance's streams since its launch.
#[derive(Debug, Clone)]
pub struct RunLog {
    /// The instance that ran.
    pub instance_id: String,
    /// Its launch time (the run's start).
    pub launched: Timestamp,
    /// The events, oldest first.
    pub events: Vec<LogEvent>,
}

/// The instance whose run is the most recent (latest launch time).
pub fn last_run(instances: &[Instance]) -> Option<&Instance> {
    instances.iter().filter(|i| i.launch_time.is_some()).max_by_key(|i| i.launch_time)
}

/// Reads the whole log of `instance`'s latest run from `group`: its streams (named after the
/// instance) from the launch time on.
pub async fn run_log(store: &dyn LogStore, group: &str, instance: &Instance) -> Result<RunLog, LogError> {
    let launched = instance.launch_time.ok_or_else(|| {
        CloudError::Other(format!(
            "{} has never been launched, so it has no run log; start it first",
            instance.id
        ))
    })?;
    let events = fetch_all(store, group, Some(&instance.id), launched.as_millisecond(), None, None).await?;
    Ok(RunLog { instance_id: instance.id.clone(), launched, events })
}

/// What [`export_run`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exported {
    /// The instance that ran.
    pub instance_id: String,
    /// Its launch time.
    pub launched: Timestamp,
    /// Lines written (a multi-line message counts each of its lines).
    pub lines: usize,
    /// The file.
    pub path: PathBuf,
}

/// A failed export.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The log could not be read.
    #[error(transparent)]
    Read(#[from] LogError),
    /// The file could not be written.
    #[error("cannot write {}: {source}; check that the directory exists and is writable", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// Writes the whole log of `instance`'s latest run (see [`run_log`]) to `path`, or to a
/// numbered name next to it when `path` exists (see [`write_new`]); the result says where.
pub async fn export_run(
    store: &dyn LogStore,
    group: &str,
    instance: &Instance,
    path: &Path,
) -> Result<Exported, ExportError> {
    let log = run_log(store, group, instance).await?;
    let text = render(&log.events);
    let written =
        write_new(path, &text).map_err(|source| ExportError::Write { path: path.to_path_buf(), source })?;
    Ok(Exported {
        instance_id: log.instance_id,
        launched: log.launched,
        lines: text.matches('\n').count(),
        path: written,
    })
}

/// `2026-11-23T14:00:07.123Z`: UTC, RFC 3339, milliseconds.
pub fn stamp(ts_ms: i64) -> String {
    Timestamp::from_millisecond(ts_ms)
        .unwrap_or(Timestamp::UNIX_EPOCH)
        .strftime("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string()
}

/// One event as a line: `timestamp  message` and a newline. A message's own final newline
/// (Lambda writes one) is not doubled; inner newlines are kept as they are.
pub fn line(e: &LogEvent) -> String {
    let msg = e.message.strip_suffix('\n').unwrap_or(&e.message);
    let msg = msg.strip_suffix('\r').unwrap_or(msg);
    format!("{}  {msg}\n", stamp(e.ts_ms))
}

/// All events as text lines.
pub fn render(events: &[LogEvent]) -> String {
    events.iter().map(line).collect()
}

/// Writes `text` to `path` through a temporary file in the same directory and a rename, so a
/// reader never sees half a file and a failure leaves the old file alone.
pub fn write_atomic(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| std::io::Error::other(format!("{} is not a file name", path.display())))?;
    let tmp = dir.join(format!(".{}.tmp-{}", name.to_string_lossy(), std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Writes `text` to a new file at `path`, or, when that name is taken, at the first free
/// `NAME-2.EXT`, `NAME-3.EXT`, …: never over an existing file (a run saved twice keeps both).
/// Returns where it went. A failed write removes what it created.
pub fn write_new(path: &Path, text: &str) -> std::io::Result<PathBuf> {
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let ext = path.extension().map(|e| format!(".{}", e.to_string_lossy())).unwrap_or_default();
    for n in 1..=999 {
        let candidate =
            if n == 1 { path.to_path_buf() } else { path.with_file_name(format!("{stem}-{n}{ext}")) };
        let mut f = match std::fs::OpenOptions::new().write(true).create_new(true).open(&candidate) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        };
        if let Err(e) = f.write_all(text.as_bytes()).and_then(|()| f.sync_all()) {
            drop(f);
            let _ = std::fs::remove_file(&candidate);
            return Err(e);
        }
        return Ok(candidate);
    }
    Err(std::io::Error::new(
        std::io::ErrorKind::AlreadyExists,
        format!("{} and 998 numbered copies exist already", path.display()),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(ts: i64, msg: &str) -> LogEvent {
        LogEvent { ts_ms: ts, ingest_ms: None, message: msg.into(), id: None, stream: None }
    }

    #[test]
    fn lines_are_utc_millis_two_spaces_and_the_message() {
        let t: Timestamp = "2026-11-23T14:00:07.123Z".parse().unwrap();
        let ms = t.as_millisecond();
        assert_eq!(line(&ev(ms, "done")), "2026-11-23T14:00:07.123Z  done\n");
        assert_eq!(
            line(&ev(ms + 877, "START RequestId: x\n")),
            "2026-11-23T14:00:08.000Z  START RequestId: x\n"
        );
        assert_eq!(
            render(&[ev(ms, "Error in f():\n  bad"), ev(ms, "")]),
            "2026-11-23T14:00:07.123Z  Error in f():\n  bad\n2026-11-23T14:00:07.123Z  \n"
        );
    }

    #[test]
    fn the_last_run_is_the_latest_launch() {
        let mk = |id: &str, t: Option<&str>| Instance {
            id: id.into(),
            name: None,
            state: crate::cloud::InstanceState::Stopped,
            instance_type: None,
            launch_time: t.map(|t| t.parse().unwrap()),
            public_dns: None,
            public_ip: None,
            availability_zone: None,
            state_transition_reason: None,
            state_reason_code: None,
            state_reason_message: None,
            status_checks: None,
        };
        let list = [
            mk("i-a", Some("2026-11-16T14:00:00Z")),
            mk("i-b", Some("2026-11-23T14:00:00Z")),
            mk("i-c", None),
        ];
        assert_eq!(last_run(&list).unwrap().id, "i-b");
        assert!(last_run(&list[2..]).is_none());
    }

    #[test]
    fn a_new_file_never_replaces_an_existing_one() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("baseline-run-i-1-20261123T0900Z.log");
        assert_eq!(write_new(&p, "first\n").unwrap(), p);
        let second = write_new(&p, "second\n").unwrap();
        assert_eq!(second, dir.path().join("baseline-run-i-1-20261123T0900Z-2.log"));
        let third = write_new(&p, "third\n").unwrap();
        assert_eq!(third, dir.path().join("baseline-run-i-1-20261123T0900Z-3.log"));
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "first\n", "the first save is kept");
        assert_eq!(std::fs::read_to_string(&second).unwrap(), "second\n");
        let missing = dir.path().join("no/such/dir/run.log");
        assert!(write_new(&missing, "x").is_err());
    }

    #[test]
    fn atomic_write_replaces_the_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("run.log");
        std::fs::write(&p, "old").unwrap();
        write_atomic(&p, "new\n").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "new\n");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1);
        let missing = dir.path().join("no/such/dir/run.log");
        assert!(write_atomic(&missing, "x").is_err());
    }
}
