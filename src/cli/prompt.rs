//! Asking before a write: `y/N` on a terminal, `--yes` for scripts.

use std::io::{BufRead, IsTerminal, Write};

use super::Failure;

/// Exit code when a write was refused or not confirmed (read-only, wrong state, no answer).
pub const REFUSED: i32 = 7;

/// True when the user agrees to `question`. `--yes` agrees without asking; with no terminal to
/// ask on, refuses rather than guess.
pub fn confirm(question: &str, yes: bool) -> Result<bool, Failure> {
    if yes {
        return Ok(true);
    }
    if !std::io::stdin().is_terminal() {
        return Err(Failure {
            code: REFUSED,
            message: "not confirmed: stdin is not a terminal; pass --yes to proceed without asking".into(),
        });
    }
    let mut err = std::io::stderr().lock();
    write!(err, "{question} [y/N] ")?;
    err.flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    Ok(matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes"))
}

/// The refusal when the configuration is read-only.
pub fn refuse_if_read_only(read_only: bool, what: &str) -> Result<(), Failure> {
    if read_only {
        return Err(Failure {
            code: REFUSED,
            message: format!("read-only mode: {what} is disabled (--read-only or panel.read_only)"),
        });
    }
    Ok(())
}
