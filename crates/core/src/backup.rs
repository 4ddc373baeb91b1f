//! Copies of the user data taken before every change, so no version is ever lost.
//!
//! Each backup is one file, `<instance id>-<UTC time like 20261125T121455Z>.userdata`, holding
//! the exact bytes. Files are private to the user (directory 0700, files 0600), never
//! overwritten (a second backup in the same second gets a `-2`, `-3`, ... suffix) and flushed to
//! disk before `save` returns.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use jiff::Timestamp;

/// File name extension of a backup.
const EXTENSION: &str = ".userdata";

/// `strftime` format of the time in a backup's name.
const TIME_FORMAT: &str = "%Y%m%dT%H%M%SZ";

/// Length of a formatted time, e.g. `20261125T121455Z`.
const TIME_LEN: usize = 16;

/// How many same-second suffixes `save` tries before giving up.
const MAX_SUFFIX: u32 = 1000;

/// One backup file found in the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupEntry {
    /// Full path of the file.
    pub path: PathBuf,
    /// The instance whose user data it holds.
    pub instance_id: String,
    /// When it was taken (to the second, UTC).
    pub timestamp: Timestamp,
    /// The same-second sequence number: 1 for the first file of that second, then 2, 3, ...
    pub sequence: u32,
    /// Size of the file in bytes.
    pub size: u64,
}

/// A directory of user-data backups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupStore {
    dir: PathBuf,
}

impl BackupStore {
    /// A store in `dir`; the directory is created on the first `save`.
    pub fn new(dir: PathBuf) -> Self {
        Self { dir }
    }

    /// The directory the backups live in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes `bytes` to a new backup file for `instance_id` taken at `now`, and returns its path.
    ///
    /// Creates the directory (mode 0700) if needed, creates the file with mode 0600, never
    /// replaces an existing file, syncs the file and the directory to disk, and reads the file
    /// back to check it holds exactly `bytes`. Fails with `InvalidInput` if the instance id is
    /// empty or holds characters other than ASCII letters, digits, `-`, `_` and `.` (or starts
    /// with `.`).
    pub fn save(&self, instance_id: &str, bytes: &[u8], now: Timestamp) -> io::Result<PathBuf> {
        check_instance_id(instance_id)?;
        self.create_dir()?;
        let stem = format!("{instance_id}-{}", now.strftime(TIME_FORMAT));
        for sequence in 1..=MAX_SUFFIX {
            let name = if sequence == 1 {
                format!("{stem}{EXTENSION}")
            } else {
                format!("{stem}-{sequence}{EXTENSION}")
            };
            let path = self.dir.join(name);
            let mut file = match create_new(&path) {
                Ok(file) => file,
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            };
            file.write_all(bytes)?;
            file.sync_all()?;
            sync_dir(&self.dir)?;
            if fs::read(&path)? != bytes {
                return Err(io::Error::other(format!(
                    "the backup {} does not read back as written; check the disk before changing the user data",
                    path.display()
                )));
            }
            return Ok(path);
        }
        Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!(
                "{MAX_SUFFIX} backups of {instance_id} already exist for {now}; remove old ones from {}",
                self.dir.display()
            ),
        ))
    }

    /// The backups in the store, newest first, only those of `instance_id` if given.
    ///
    /// Files whose names are not backup names are ignored; a missing directory has no backups.
    pub fn list(&self, instance_id: Option<&str>) -> io::Result<Vec<BackupEntry>> {
        self.tighten()?;
        let entries = match fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        let mut backups = Vec::new();
        for entry in entries {
            let entry = entry?;
            let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
                continue;
            };
            let Some((id, timestamp, sequence)) = parse_name(&name) else {
                continue;
            };
            if instance_id.is_some_and(|wanted| wanted != id) {
                continue;
            }
            let metadata = entry.metadata()?;
            if !metadata.is_file() {
                continue;
            }
            backups.push(BackupEntry {
                path: entry.path(),
                instance_id: id.to_owned(),
                timestamp,
                sequence,
                size: metadata.len(),
            });
        }
        backups.sort_by(|a, b| {
            (b.timestamp, b.sequence, &b.instance_id).cmp(&(a.timestamp, a.sequence, &a.instance_id))
        });
        Ok(backups)
    }

    /// The exact bytes of a backup, given either its file name in the store or a path.
    ///
    /// A bare name (no `/`) is looked up in the store's directory; anything else is used as a
    /// path as it is.
    pub fn read(&self, path_or_name: &str) -> io::Result<Vec<u8>> {
        let given = Path::new(path_or_name);
        let is_bare_name = given.components().count() == 1 && given.file_name().is_some();
        if is_bare_name { fs::read(self.dir.join(given)) } else { fs::read(given) }
    }

    /// Makes an existing directory private to the user (0700) if it is not; a missing one is
    /// left alone.
    pub fn tighten(&self) -> io::Result<()> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = match fs::metadata(&self.dir) {
                Ok(m) if m.is_dir() => m.permissions().mode(),
                Ok(_) => return Ok(()),
                Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
                Err(e) => return Err(e),
            };
            if mode & 0o077 != 0 {
                fs::set_permissions(&self.dir, fs::Permissions::from_mode(0o700))?;
            }
        }
        Ok(())
    }

    /// Creates the directory, private to the user, if it does not exist yet; makes an existing
    /// one private.
    fn create_dir(&self) -> io::Result<()> {
        if self.dir.is_dir() {
            return self.tighten();
        }
        let mut builder = fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
            builder.mode(0o700);
            builder.create(&self.dir)?;
            // The umask may have taken bits away, never added any: make it exactly 0700.
            fs::set_permissions(&self.dir, fs::Permissions::from_mode(0o700))
        }
        #[cfg(not(unix))]
        builder.create(&self.dir)
    }
}

/// Opens a new file for writing, failing if it exists; mode 0600 on Unix.
fn create_new(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// Flushes the directory entry of a new file to disk.
fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Whether `id` is safe to put in a file name and to find again by parsing it.
fn is_valid_instance_id(id: &str) -> bool {
    !id.is_empty()
        && !id.starts_with('.')
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// An `InvalidInput` error unless `id` is safe to put in a file name.
fn check_instance_id(id: &str) -> io::Result<()> {
    if is_valid_instance_id(id) {
        Ok(())
    } else {
        Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "{id:?} cannot name a backup file; use the instance id as EC2 shows it, like i-0db5237193478dd8d"
            ),
        ))
    }
}

/// Reads `<instance id>-<YYYYMMDDTHHMMSSZ>[-<n>].userdata` back into its parts.
fn parse_name(name: &str) -> Option<(&str, Timestamp, u32)> {
    let stem = name.strip_suffix(EXTENSION)?;
    let (stem, sequence) = match stem.rsplit_once('-') {
        Some((before, n))
            if before.ends_with('Z') && !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) =>
        {
            let sequence: u32 = n.parse().ok()?;
            if sequence < 2 || n.starts_with('0') {
                return None;
            }
            (before, sequence)
        }
        _ => (stem, 1),
    };
    let split_at = stem.len().checked_sub(TIME_LEN + 1)?;
    if !stem.is_char_boundary(split_at) {
        return None;
    }
    let (id, time) = stem.split_at(split_at);
    let time = time.strip_prefix('-')?;
    if !is_valid_instance_id(id) {
        return None;
    }
    Some((id, parse_time(time)?, sequence))
}

/// Reads `20261125T121455Z`.
fn parse_time(time: &str) -> Option<Timestamp> {
    let b = time.as_bytes();
    let digits = |range: std::ops::Range<usize>| b[range].iter().all(u8::is_ascii_digit);
    let well_formed = b.len() == TIME_LEN && digits(0..8) && b[8] == b'T' && digits(9..15) && b[15] == b'Z';
    if !well_formed {
        return None;
    }
    let rfc3339 = format!(
        "{}-{}-{}T{}:{}:{}Z",
        &time[0..4],
        &time[4..6],
        &time[6..8],
        &time[9..11],
        &time[11..13],
        &time[13..15]
    );
    rfc3339.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(rfc3339: &str) -> Timestamp {
        rfc3339.parse().unwrap()
    }

    fn store() -> (tempfile::TempDir, BackupStore) {
        let tmp = tempfile::tempdir().unwrap();
        let store = BackupStore::new(tmp.path().join("backups").join("userdata"));
        (tmp, store)
    }

    fn name(path: &Path) -> &str {
        path.file_name().unwrap().to_str().unwrap()
    }

    #[test]
    fn save_names_the_file_after_instance_and_utc_time() {
        let (_tmp, store) = store();
        let path = store.save("i-0db5237193478dd8d", b"x", at("2026-11-25T12:14:55.987Z")).unwrap();
        assert_eq!(name(&path), "i-0db5237193478dd8d-20261125T121455Z.userdata");
        assert_eq!(path.parent().unwrap(), store.dir());
    }

    #[cfg(unix)]
    #[test]
    fn directory_is_0700_and_files_are_0600() {
        use std::os::unix::fs::PermissionsExt;
        let (_tmp, store) = store();
        let path = store.save("i-1", b"secret", at("2026-11-25T12:00:00Z")).unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(store.dir()), 0o700);
        assert_eq!(mode(&path), 0o600);
    }

    #[cfg(unix)]
    #[test]
    fn an_existing_open_directory_is_made_private() {
        use std::os::unix::fs::PermissionsExt;
        let (_tmp, store) = store();
        let mode = || fs::metadata(store.dir()).unwrap().permissions().mode() & 0o777;
        store.tighten().unwrap();
        assert!(!store.dir().exists(), "a missing directory is not created");
        fs::create_dir_all(store.dir()).unwrap();
        fs::set_permissions(store.dir(), fs::Permissions::from_mode(0o755)).unwrap();
        store.list(None).unwrap();
        assert_eq!(mode(), 0o700, "listing tightens it");
        fs::set_permissions(store.dir(), fs::Permissions::from_mode(0o750)).unwrap();
        store.save("i-1", b"x", at("2026-11-25T12:00:00Z")).unwrap();
        assert_eq!(mode(), 0o700, "saving tightens it");
    }

    #[test]
    fn same_second_never_overwrites() {
        let (_tmp, store) = store();
        let now = at("2026-11-25T12:14:55Z");
        let first = store.save("i-1", b"first", now).unwrap();
        let second = store.save("i-1", b"second", now).unwrap();
        let third = store.save("i-1", b"third", now).unwrap();
        assert_eq!(name(&first), "i-1-20261125T121455Z.userdata");
        assert_eq!(name(&second), "i-1-20261125T121455Z-2.userdata");
        assert_eq!(name(&third), "i-1-20261125T121455Z-3.userdata");
        assert_eq!(fs::read(&first).unwrap(), b"first");
        assert_eq!(fs::read(&second).unwrap(), b"second");
        assert_eq!(fs::read(&third).unwrap(), b"third");
    }

    #[test]
    fn bytes_round_trip_exactly() {
        let (_tmp, store) = store();
        let bytes: Vec<u8> = (0..=255u8).chain(*b"\r\n\n\x1f\x8b").collect();
        let path = store.save("i-1", &bytes, at("2026-11-25T12:00:00Z")).unwrap();
        assert_eq!(store.read(name(&path)).unwrap(), bytes);
        assert_eq!(store.read(path.to_str().unwrap()).unwrap(), bytes);
        let empty = store.save("i-1", b"", at("2026-11-25T12:00:01Z")).unwrap();
        assert_eq!(store.read(name(&empty)).unwrap(), b"");
    }

    #[test]
    fn list_is_newest_first_and_filters_by_instance() {
        let (_tmp, store) = store();
        assert!(store.list(None).unwrap().is_empty(), "no directory yet");
        let noon = at("2026-11-25T12:00:00Z");
        let later = at("2026-11-26T08:30:00Z");
        store.save("i-aaa", b"1", noon).unwrap();
        store.save("i-bbb", b"22", later).unwrap();
        store.save("i-aaa", b"333", later).unwrap();
        store.save("i-aaa", b"4444", noon).unwrap();
        fs::write(store.dir().join("notes.txt"), "not a backup").unwrap();
        fs::write(store.dir().join("i-aaa-2026.userdata"), "bad time").unwrap();

        let all = store.list(None).unwrap();
        let seen: Vec<(&str, Timestamp, u32, u64)> =
            all.iter().map(|e| (e.instance_id.as_str(), e.timestamp, e.sequence, e.size)).collect();
        assert_eq!(
            seen,
            vec![
                ("i-bbb", later, 1, 2),
                ("i-aaa", later, 1, 3),
                ("i-aaa", noon, 2, 4),
                ("i-aaa", noon, 1, 1),
            ]
        );
        let aaa = store.list(Some("i-aaa")).unwrap();
        assert_eq!(aaa.len(), 3);
        assert!(aaa.iter().all(|e| e.instance_id == "i-aaa"));
        assert_eq!(fs::read(&aaa[0].path).unwrap(), b"333");
        assert!(store.list(Some("i-ccc")).unwrap().is_empty());
    }

    #[test]
    fn refuses_instance_ids_that_are_not_file_names() {
        let (_tmp, store) = store();
        for bad in ["", "../x", "a/b", ".hidden", "i 1", "i-\u{e9}"] {
            let err = store.save(bad, b"x", Timestamp::UNIX_EPOCH).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::InvalidInput, "{bad:?}");
        }
        assert!(!store.dir().exists(), "a refused save creates nothing");
    }

    #[test]
    fn read_reports_a_missing_backup() {
        let (_tmp, store) = store();
        let err = store.read("i-1-20261125T121455Z.userdata").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
    }

    #[test]
    fn names_parse_back() {
        let t = at("2026-11-25T12:14:55Z");
        assert_eq!(parse_name("i-0ab-20261125T121455Z.userdata"), Some(("i-0ab", t, 1)));
        assert_eq!(parse_name("i-0ab-20261125T121455Z-12.userdata"), Some(("i-0ab", t, 12)));
        for bad in [
            "i-0ab-20261125T121455Z.txt",
            "-20261125T121455Z.userdata",
            "i-0ab-20261125T121455Z-1.userdata",
            "i-0ab-20261125T121455Z-02.userdata",
            "i-0ab-20261325T121455Z.userdata",
            "i-0ab_20261125T121455Z.userdata",
            "20261125T121455Z.userdata",
            "\u{e9}-20261125T121455Z.userdata",
        ] {
            assert_eq!(parse_name(bad), None, "{bad:?}");
        }
    }
}
