//! The terminal: enter and restore (also from the panic hook and on signals), suspend, resume.

use std::io::{Stdout, stdout};
use std::sync::atomic::{AtomicBool, Ordering};

use crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use crossterm::execute;
use crossterm::terminal::{EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

/// The terminal the panel draws on.
pub type Term = Terminal<CrosstermBackend<Stdout>>;

/// Switches to the alternate screen in raw mode, and makes sure a panic restores it first.
pub fn enter() -> std::io::Result<Term> {
    install_panic_hook();
    enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    execute!(stdout(), EnterAlternateScreen, EnableMouseCapture)?;
    let mut term = Terminal::new(CrosstermBackend::new(stdout()))?;
    term.clear()?;
    Ok(term)
}

/// Leaves the alternate screen and raw mode. Safe to call more than once.
pub fn restore() {
    // Only once: leaving the alternate screen a second time would move the cursor back to
    // where it was saved, over whatever was printed since (a panic message, say).
    if !ACTIVE.swap(false, Ordering::SeqCst) {
        return;
    }
    let _ = execute!(stdout(), DisableMouseCapture, LeaveAlternateScreen, crossterm::cursor::Show);
    let _ = disable_raw_mode();
}

/// True while the terminal is in the panel's mode (raw, alternate screen, mouse).
static ACTIVE: AtomicBool = AtomicBool::new(false);

/// Gives the terminal back to the shell and stops the process (Ctrl-Z); returns after `fg`.
pub fn suspend(term: &mut Term) -> std::io::Result<()> {
    restore();
    // Stop the whole process group, as the terminal's own Ctrl-Z would: a launcher script that
    // runs the panel stops too, so the shell gets the terminal back.
    // SAFETY: signalling our own process group; SIGTSTP's default action stops it until SIGCONT.
    unsafe {
        libc::kill(0, libc::SIGTSTP);
    }
    resume(term)
}

/// Takes the terminal back after [`restore`] (raw mode, the alternate screen, the mouse) and
/// clears it, so the next frame is drawn whole.
pub fn resume(term: &mut Term) -> std::io::Result<()> {
    enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    execute!(stdout(), EnterAlternateScreen, EnableMouseCapture)?;
    term.clear()
}

fn install_panic_hook() {
    use std::sync::Once;
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
            // A panic in a background task would leave the panel running on a restored
            // terminal: end the process instead (the main thread's panic ends it anyway).
            if std::thread::current().name() != Some("main") {
                std::process::exit(101);
            }
        }));
    });
}
