//! What a user data says about dev mode, read without touching the instance.

use crate::userdata::{Mode, ScriptLine, inspect};

/// What the instance's user data says about dev mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DevInfo {
    /// Run mode (script runs at boot) or dev mode (script line commented out).
    pub mode: Mode,
    /// 1-based line number of the script line.
    pub line_number: usize,
    /// The script line as it is now.
    pub line: String,
    /// Warnings about the user data (e.g. it does not run on every boot).
    pub warnings: Vec<String>,
}

/// Reads dev mode out of user data bytes.
pub fn dev_info(bytes: &[u8], pattern: &ScriptLine) -> Result<DevInfo, String> {
    let i = inspect(bytes, pattern).map_err(|e| e.to_string())?;
    Ok(DevInfo {
        mode: i.mode,
        line_number: i.line_number,
        line: i.line,
        warnings: i.warnings.iter().map(ToString::to_string).collect(),
    })
}
