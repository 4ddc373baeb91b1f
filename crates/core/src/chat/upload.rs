//! What an upload sends: bytes already in memory, or a regular file streamed from disk.
//!
//! A file is checked before anything is sent (a regular file, not empty, within Slack's limit)
//! and is never read whole: each attempt streams it from the start in chunks, exactly the
//! length announced to Slack, by positional reads on the handle opened for the check.

use std::fmt;
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::bounded::{ReadError, open_regular};

/// Slack's limit on one file: 1 GB.
pub const MAX_UPLOAD_BYTES: u64 = 1_000_000_000;

/// How much of a file is read from disk at a time.
const CHUNK_BYTES: u64 = 256 * 1024;

/// Why a file was not uploaded: nothing was sent.
#[derive(Debug, thiserror::Error)]
pub enum UploadRefused {
    /// The file could not be opened or examined.
    #[error("cannot read {} ({source}): check the path and its permissions", path.display())]
    Unreadable {
        /// The path given.
        path: PathBuf,
        /// The I/O error.
        source: io::Error,
    },
    /// A directory, device, pipe or socket: it has no length to announce to Slack.
    #[error(
        "{} is {kind}, not a regular file: only a regular file can be uploaded (Slack needs its length first); nothing was sent",
        path.display()
    )]
    NotRegular {
        /// The path given.
        path: PathBuf,
        /// What it is, e.g. `a character device`.
        kind: &'static str,
    },
    /// Larger than Slack accepts.
    #[error(
        "{} is {size} bytes, over Slack's limit of {MAX_UPLOAD_BYTES} bytes (1 GB) per file: compress or split it; nothing was sent",
        path.display()
    )]
    TooLarge {
        /// The path given.
        path: PathBuf,
        /// Its size in bytes.
        size: u64,
    },
    /// Slack refuses an empty file.
    #[error("{} is empty and Slack refuses empty files; nothing was sent", path.display())]
    Empty {
        /// The path given.
        path: PathBuf,
    },
}

/// The content of an upload: its length is known before anything is sent.
pub struct UploadBody {
    source: Source,
}

enum Source {
    /// Bytes in memory.
    Memory(Vec<u8>),
    /// A regular file opened and checked by [`UploadBody::open`], `len` bytes long then.
    File { file: Arc<File>, len: u64 },
}

impl fmt::Debug for UploadBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.source {
            Source::Memory(_) => "memory",
            Source::File { .. } => "file",
        };
        f.debug_struct("UploadBody").field("source", &kind).field("len", &self.len()).finish()
    }
}

impl From<Vec<u8>> for UploadBody {
    fn from(bytes: Vec<u8>) -> Self {
        Self { source: Source::Memory(bytes) }
    }
}

impl UploadBody {
    /// Opens `path` for upload without reading it: refuses anything but a regular file (a
    /// device such as `/dev/zero`, a pipe, a directory), an empty file, and a file over
    /// [`MAX_UPLOAD_BYTES`]. Never blocks on a pipe.
    pub fn open(path: &Path) -> Result<Self, UploadRefused> {
        let path_buf = || path.to_path_buf();
        let (file, meta) = open_regular(path).map_err(|e| match e {
            ReadError::NotRegular(kind) => UploadRefused::NotRegular { path: path_buf(), kind },
            ReadError::Io(source) => UploadRefused::Unreadable { path: path_buf(), source },
            other @ ReadError::TooLarge { .. } => {
                UploadRefused::Unreadable { path: path_buf(), source: io::Error::other(other) }
            }
        })?;
        let len = meta.len();
        if len == 0 {
            return Err(UploadRefused::Empty { path: path_buf() });
        }
        if len > MAX_UPLOAD_BYTES {
            return Err(UploadRefused::TooLarge { path: path_buf(), size: len });
        }
        Ok(Self { source: Source::File { file: Arc::new(file), len } })
    }

    /// The number of bytes the upload sends (announced to Slack as `length`).
    pub fn len(&self) -> u64 {
        match &self.source {
            Source::Memory(bytes) => bytes.len() as u64,
            Source::File { len, .. } => *len,
        }
    }

    /// True when there is nothing to send.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A fresh request body for one attempt, of exactly [`UploadBody::len`] bytes. A file is
    /// streamed from its start; when it cannot be read to that length (it shrank meanwhile, a
    /// disk error), the body fails and `trouble` says why.
    pub(super) fn request_body(&self, trouble: &Arc<Mutex<Option<String>>>) -> reqwest::Body {
        match &self.source {
            Source::Memory(bytes) => reqwest::Body::from(bytes.clone()),
            Source::File { file, len } => {
                let (file, len, trouble) = (Arc::clone(file), *len, Arc::clone(trouble));
                let chunks = futures_util::stream::try_unfold(0u64, move |sent| {
                    let (file, trouble) = (Arc::clone(&file), Arc::clone(&trouble));
                    async move {
                        if sent >= len {
                            return Ok(None);
                        }
                        let want = (len - sent).min(CHUNK_BYTES) as usize;
                        let read = tokio::task::spawn_blocking(move || read_at(&file, sent, want))
                            .await
                            .unwrap_or_else(|e| Err(io::Error::other(e)));
                        match read {
                            Ok(chunk) => Ok(Some((chunk, sent + want as u64))),
                            Err(e) => {
                                *trouble.lock().unwrap_or_else(std::sync::PoisonError::into_inner) =
                                    Some(e.to_string());
                                Err(e)
                            }
                        }
                    }
                });
                reqwest::Body::wrap_stream(chunks)
            }
        }
    }
}

/// Reads exactly `want` bytes at `offset` (positional: attempts never share a file position).
fn read_at(file: &File, offset: u64, want: usize) -> io::Result<Vec<u8>> {
    let mut buf = vec![0; want];
    let mut filled = 0;
    while filled < want {
        match positional_read(file, &mut buf[filled..], offset + filled as u64) {
            Ok(0) => {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the file got shorter while it was being sent",
                ));
            }
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(buf)
}

#[cfg(unix)]
fn positional_read(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buf, offset)
}

#[cfg(windows)]
fn positional_read(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    std::os::windows::fs::FileExt::seek_read(file, buf, offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_regular_file_is_opened_with_its_length_and_nothing_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("results.csv");
        std::fs::write(&path, vec![7u8; 300_000]).unwrap();
        let body = UploadBody::open(&path).unwrap();
        assert_eq!(body.len(), 300_000);
    }

    #[cfg(unix)]
    #[test]
    fn devices_pipes_directories_and_empty_files_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let e = UploadBody::open(Path::new("/dev/zero")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "/dev/zero is a character device, not a regular file: only a regular file can be \
             uploaded (Slack needs its length first); nothing was sent"
        );
        let fifo = dir.path().join("fifo");
        assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
        let e = UploadBody::open(&fifo).unwrap_err();
        assert!(matches!(e, UploadRefused::NotRegular { kind: "a pipe", .. }), "{e:?}");
        let e = UploadBody::open(dir.path()).unwrap_err();
        assert!(matches!(e, UploadRefused::NotRegular { kind: "a directory", .. }), "{e:?}");
        let empty = dir.path().join("empty");
        std::fs::write(&empty, b"").unwrap();
        assert!(matches!(UploadBody::open(&empty), Err(UploadRefused::Empty { .. })));
    }

    #[test]
    fn a_file_over_slacks_limit_is_refused_from_its_size() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("huge.bin");
        // Sparse: the size is set without writing (or reading) a gigabyte.
        File::create(&path).unwrap().set_len(MAX_UPLOAD_BYTES + 1).unwrap();
        let e = UploadBody::open(&path).unwrap_err();
        assert!(matches!(e, UploadRefused::TooLarge { size, .. } if size == MAX_UPLOAD_BYTES + 1), "{e:?}");
        assert!(e.to_string().contains("1000000001 bytes, over Slack's limit of 1000000000 bytes (1 GB)"));
        File::create(&path).unwrap().set_len(MAX_UPLOAD_BYTES).unwrap();
        assert_eq!(UploadBody::open(&path).unwrap().len(), MAX_UPLOAD_BYTES);
    }

    #[test]
    fn reading_past_the_end_says_the_file_shrank() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, b"abcdef").unwrap();
        let file = File::open(&path).unwrap();
        assert_eq!(read_at(&file, 2, 3).unwrap(), b"cde");
        let e = read_at(&file, 4, 3).unwrap_err();
        assert_eq!(e.to_string(), "the file got shorter while it was being sent");
    }
}
