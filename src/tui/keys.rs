//! Key presses to wizard messages: one flat function, nothing decided here.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::wizard::Msg;

/// The message a key means; `typing` when a text input has the focus (letters are text then).
/// Only presses count: releases and repeats are ignored.
pub fn to_msg(key: KeyEvent, typing: bool) -> Option<Msg> {
    if key.kind != KeyEventKind::Press {
        return None;
    }
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    Some(match key.code {
        KeyCode::Char('c') if ctrl => Msg::Cancel,
        KeyCode::Char('r') if ctrl => Msg::Review,
        KeyCode::Char(_) if ctrl => return None,
        KeyCode::Enter => Msg::Confirm,
        KeyCode::Esc | KeyCode::BackTab => Msg::Back,
        KeyCode::Up => Msg::Up,
        KeyCode::Down => Msg::Down,
        KeyCode::PageUp => Msg::PageUp,
        KeyCode::PageDown => Msg::PageDown,
        KeyCode::Backspace => Msg::Backspace,
        KeyCode::F(1) => Msg::Help,
        KeyCode::Char(c) if typing => Msg::Char(c),
        KeyCode::Char(' ') => Msg::Toggle,
        KeyCode::Char('j') => Msg::Down,
        KeyCode::Char('k') => Msg::Up,
        KeyCode::Char('?') => Msg::Help,
        KeyCode::Char('r') => Msg::Review,
        KeyCode::Char(c) => Msg::Char(c),
        _ => return None,
    })
}
