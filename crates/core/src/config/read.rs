//! Reading the config file and `.env` with a size limit: a larger file is refused from its
//! size, and no more than the limit is ever read (a pipe, a device, a file that grows).

use std::path::Path;

use super::ConfigError;

/// The most a config file or `.env` file may hold: 1 MiB. A larger one is refused from its
/// size, and no more than this is ever read from one.
pub const MAX_FILE_BYTES: u64 = 1 << 20;

/// `is 5242880 bytes` or `holds more than 1048576 bytes`.
pub(super) fn size_text(size: Option<u64>, limit: u64) -> String {
    match size {
        Some(size) => format!("is {size} bytes"),
        None => format!("holds more than {limit} bytes"),
    }
}

/// Reads a config or `.env` file (`what` names which, for messages) as text, never more than
/// [`MAX_FILE_BYTES`] of it.
pub(super) fn read_text(path: &Path, what: &'static str) -> Result<String, ConfigError> {
    use crate::bounded::{ReadError, read_limited};
    let read_error = |source| ConfigError::Read { path: path.to_path_buf(), source };
    let bytes = read_limited(path, MAX_FILE_BYTES).map_err(|e| match e {
        ReadError::TooLarge { size, limit } => {
            ConfigError::TooLarge { path: path.to_path_buf(), what, size, limit }
        }
        ReadError::Io(source) => read_error(source),
        other @ ReadError::NotRegular(_) => read_error(std::io::Error::other(other)),
    })?;
    String::from_utf8(bytes).map_err(|_| {
        read_error(std::io::Error::new(std::io::ErrorKind::InvalidData, "stream did not contain valid UTF-8"))
    })
}

#[cfg(test)]
mod tests {
    use super::super::{Config, DotEnv, FileConfig, NoEnv, Overrides};
    use super::*;

    const CANARY: &str = "xoxb-canary-never-shown";

    /// A file of `len` bytes made of commented canary lines (valid TOML and `.env` text).
    fn filled(len: usize) -> String {
        let line = format!("# {CANARY}\n");
        let mut text = line.repeat(len / line.len() + 1);
        text.truncate(len - 1);
        text.push('\n');
        text
    }

    #[test]
    fn a_config_file_at_the_limit_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, filled(usize::try_from(MAX_FILE_BYTES).unwrap())).unwrap();
        assert!(FileConfig::read(&path).is_ok());
        assert!(DotEnv::read(&path).is_ok());
    }

    #[test]
    fn a_larger_config_file_is_refused_naming_the_file_its_size_and_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, filled(usize::try_from(MAX_FILE_BYTES).unwrap() + 1)).unwrap();
        let e = FileConfig::read(&path).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "{} is 1048577 bytes; a config file holds at most 1048576 bytes (1 MiB): check that this \
                 is the right file",
                path.display()
            )
        );
    }

    #[test]
    fn a_larger_dotenv_stops_loading_and_shows_nothing_of_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".env"), filled(3 * usize::try_from(MAX_FILE_BYTES).unwrap()))
            .unwrap();
        let config = dir.path().join("config.toml");
        std::fs::write(&config, "").unwrap();
        let flags = Overrides { config_path: Some(config), ..Overrides::default() };
        let e = Config::load(&flags, dir.path(), &NoEnv).unwrap_err();
        let text = e.to_string();
        assert!(text.contains(".env is 3145728 bytes; a .env file holds at most 1048576 bytes"), "{text}");
        assert!(!text.contains(CANARY) && !format!("{e:?}").contains(CANARY), "{text}");
    }

    #[cfg(unix)]
    #[test]
    fn an_endless_config_is_read_only_up_to_the_limit() {
        let flags = Overrides { config_path: Some("/dev/zero".into()), ..Overrides::default() };
        let dir = tempfile::tempdir().unwrap();
        let e = Config::load(&flags, dir.path(), &NoEnv).unwrap_err();
        assert_eq!(
            e.to_string(),
            "/dev/zero holds more than 1048576 bytes; a config file holds at most 1048576 bytes \
             (1 MiB): check that this is the right file"
        );
    }
}
