//! Entering and leaving full-screen mode: alternate screen, raw mode, bracketed paste, and
//! restoring all of it on every exit path (normal, error, panic, SIGTERM, SIGHUP).

use std::io::{Stdout, stdout};
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, Result};
use crossterm::cursor::Show;
use crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

pub type Screen = Terminal<CrosstermBackend<Stdout>>;

/// Whether the terminal is in full-screen mode, so restoring twice does nothing.
static ACTIVE: AtomicBool = AtomicBool::new(false);

/// Switches the terminal to full-screen mode and installs the panic and signal handlers that
/// undo it.
pub fn enter() -> Result<Screen> {
    install_panic_hook();
    install_signal_handlers();
    ACTIVE.store(true, Ordering::SeqCst);
    let setup = (|| -> std::io::Result<Screen> {
        enable_raw_mode()?;
        execute!(stdout(), EnterAlternateScreen, EnableBracketedPaste)?;
        Terminal::new(CrosstermBackend::new(stdout()))
    })();
    match setup {
        Ok(terminal) => Ok(terminal),
        Err(e) => {
            restore();
            Err(e).context("failed to set up the terminal")
        }
    }
}

/// Leaves full-screen mode: raw mode off, main screen back, cursor shown. Safe to call twice.
pub fn restore() {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        let _ = disable_raw_mode();
        let _ = execute!(stdout(), DisableBracketedPaste, LeaveAlternateScreen, Show);
    }
}

fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
}

/// On SIGTERM, SIGHUP or SIGINT the terminal is restored and the process exits with 128 +
/// the signal number; answers confirmed so far are already autosaved.
fn install_signal_handlers() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT]) else {
        return;
    };
    let _ = std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                restore();
                std::process::exit(128 + signal);
            }
        });
}
