//! Files named by the operator, read with a limit: the config file, `.env`, a backup to restore,
//! a file to upload. Nothing is read past the limit, whatever the file turns out to be (a device
//! such as `/dev/zero`, a pipe, a file that grows while it is read), and a file that must be
//! regular is checked on the opened handle, so a pipe never blocks the command.

use std::fs::{File, FileType, Metadata, OpenOptions};
use std::io::{self, Read};
use std::path::Path;

/// Why a file was not read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// It could not be opened or read.
    #[error("{0}")]
    Io(#[from] io::Error),
    /// It is a directory, device, pipe or socket where a regular file is needed.
    #[error("it is {0}, not a regular file")]
    NotRegular(&'static str),
    /// It holds more than the limit.
    #[error("{}", too_large_text(*size, *limit))]
    TooLarge {
        /// Its size when known (a regular file); `None` when it only showed while reading.
        size: Option<u64>,
        /// The limit, in bytes.
        limit: u64,
    },
}

/// `is 5242880 bytes, over the limit of 1048576 bytes` (or `holds more than …`).
fn too_large_text(size: Option<u64>, limit: u64) -> String {
    match size {
        Some(size) => format!("it is {size} bytes, over the limit of {limit} bytes"),
        None => format!("it holds more than the limit of {limit} bytes"),
    }
}

/// What a non-regular file is, for messages: `a directory`, `a pipe`, ...
pub fn kind_of(file_type: &FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a pipe";
        }
        if file_type.is_char_device() {
            return "a character device";
        }
        if file_type.is_block_device() {
            return "a block device";
        }
        if file_type.is_socket() {
            return "a socket";
        }
    }
    if file_type.is_dir() {
        "a directory"
    } else if file_type.is_symlink() {
        "a symbolic link"
    } else if file_type.is_file() {
        "a regular file"
    } else {
        "a special file"
    }
}

/// Opens `path` for reading without ever blocking on a pipe (no writer needed), and checks on
/// the opened handle that it is a regular file. Returns the file and its metadata.
pub fn open_regular(path: &Path) -> Result<(File, Metadata), ReadError> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // Without it, opening a pipe waits for a writer. No effect on a regular file.
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    let meta = file.metadata()?;
    if !meta.file_type().is_file() {
        return Err(ReadError::NotRegular(kind_of(&meta.file_type())));
    }
    Ok((file, meta))
}

/// Reads a regular file of at most `limit` bytes: a larger one is refused from its size alone,
/// and the read stops past `limit` in case it grows meanwhile.
pub fn read_regular(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let (file, meta) = open_regular(path)?;
    read_open(file, &meta, limit)
}

/// Reads a file of at most `limit` bytes, which may also be a pipe or a device (`--config
/// <(…)`): a regular file larger than `limit` is refused from its size alone, anything else
/// is read up to `limit` bytes and refused when more follows.
pub fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let file = File::open(path)?;
    let meta = file.metadata()?;
    read_open(file, &meta, limit)
}

/// Reads an opened file up to `limit` bytes; refuses it when it is or grows larger.
fn read_open(file: File, meta: &Metadata, limit: u64) -> Result<Vec<u8>, ReadError> {
    if meta.file_type().is_file() && meta.len() > limit {
        return Err(ReadError::TooLarge { size: Some(meta.len()), limit });
    }
    let expected = if meta.file_type().is_file() { meta.len() } else { 0 };
    let mut bytes = Vec::with_capacity(usize::try_from(expected.min(limit)).unwrap_or(0));
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge { size: None, limit });
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_within_the_limit_is_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, b"0123456789").unwrap();
        assert_eq!(read_regular(&path, 10).unwrap(), b"0123456789");
        assert_eq!(read_limited(&path, 10).unwrap(), b"0123456789");
    }

    #[test]
    fn a_larger_file_is_refused_with_its_size() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, b"0123456789!").unwrap();
        for e in [read_regular(&path, 10).unwrap_err(), read_limited(&path, 10).unwrap_err()] {
            assert!(matches!(e, ReadError::TooLarge { size: Some(11), limit: 10 }), "{e:?}");
            assert_eq!(e.to_string(), "it is 11 bytes, over the limit of 10 bytes");
        }
    }

    #[cfg(unix)]
    #[test]
    fn an_endless_device_is_read_only_up_to_the_limit() {
        let e = read_limited(Path::new("/dev/zero"), 1000).unwrap_err();
        assert!(matches!(e, ReadError::TooLarge { size: None, limit: 1000 }), "{e:?}");
        let e = read_regular(Path::new("/dev/zero"), 1000).unwrap_err();
        assert_eq!(e.to_string(), "it is a character device, not a regular file");
    }

    #[test]
    fn a_directory_is_not_a_regular_file() {
        let dir = tempfile::tempdir().unwrap();
        let e = open_regular(dir.path()).unwrap_err();
        assert_eq!(e.to_string(), "it is a directory, not a regular file");
    }

    #[cfg(unix)]
    #[test]
    fn a_pipe_without_a_writer_is_refused_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
        let e = read_regular(&fifo, 100).unwrap_err();
        assert_eq!(e.to_string(), "it is a pipe, not a regular file");
    }
}
