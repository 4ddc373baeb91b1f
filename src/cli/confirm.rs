//! Asking before a change: a y/N question on stderr, or `--yes`.

use std::io::{BufRead, IsTerminal, Write};

use super::Failure;

/// Exit code when a change is refused or not confirmed (read-only, wrong state, declined, or
/// no terminal to ask on without `--yes`).
pub const REFUSED: i32 = 7;

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

/// Asks `question` on the terminal (default No) unless `yes`; `what` names the change for the
/// refusal messages (e.g. "disable rule `MondayMorning9aEST`").
///
/// Without a terminal on stdin and without `yes`, refuses; an answer other than `y`/`yes`
/// cancels. Both with exit code [`REFUSED`].
pub fn confirm(question: &str, what: &str, yes: bool) -> Result<(), Failure> {
    let tty = std::io::stdin().is_terminal();
    confirm_with(question, what, yes, tty, &mut std::io::stdin().lock(), &mut std::io::stderr())
}

/// [`confirm`] with its terminal check and streams given.
pub fn confirm_with(
    question: &str,
    what: &str,
    yes: bool,
    tty: bool,
    input: &mut dyn BufRead,
    prompt: &mut dyn Write,
) -> Result<(), Failure> {
    if yes {
        return Ok(());
    }
    if !tty {
        return Err(Failure {
            code: REFUSED,
            message: format!(
                "not going to {what} without confirmation and there is no terminal to ask on; pass --yes"
            ),
        });
    }
    // The question may name outside things (an instance's Name tag, a rule's expression).
    write!(prompt, "{} [y/N] ", crate::sanitize::field(question))?;
    prompt.flush()?;
    let mut line = String::new();
    input.read_line(&mut line)?;
    if is_yes(&line) {
        Ok(())
    } else {
        Err(Failure { code: REFUSED, message: format!("cancelled: did not {what}") })
    }
}

/// `y` or `yes`, in any case, with surrounding blanks.
fn is_yes(answer: &str) -> bool {
    matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ask(yes: bool, tty: bool, answer: &str) -> (Result<(), Failure>, String) {
        let mut out = Vec::new();
        let r = confirm_with("Disable it?", "disable rule `R`", yes, tty, &mut answer.as_bytes(), &mut out);
        (r, String::from_utf8(out).unwrap())
    }

    #[test]
    fn yes_flag_skips_the_question() {
        let (r, shown) = ask(true, false, "");
        assert!(r.is_ok());
        assert_eq!(shown, "");
    }

    #[test]
    fn no_terminal_refuses_with_code_2() {
        let (r, shown) = ask(false, false, "y\n");
        let f = r.unwrap_err();
        assert_eq!(f.code, REFUSED);
        assert!(f.message.contains("disable rule `R`"), "{}", f.message);
        assert!(f.message.ends_with("pass --yes"), "{}", f.message);
        assert_eq!(shown, "", "nothing asked");
    }

    #[test]
    fn only_y_or_yes_confirms() {
        for a in ["y\n", "Y\n", " yes \n", "YES"] {
            let (r, shown) = ask(false, true, a);
            assert!(r.is_ok(), "{a:?}");
            assert_eq!(shown, "Disable it? [y/N] ");
        }
        for a in ["\n", "n\n", "no\n", "", "yep\n"] {
            let f = ask(false, true, a).0.unwrap_err();
            assert_eq!(f.code, REFUSED, "{a:?}");
            assert_eq!(f.message, "cancelled: did not disable rule `R`");
        }
    }
}
