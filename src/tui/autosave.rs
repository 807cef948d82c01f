//! Where the wizard's autosave lives (the platform's state directory, or
//! `ACCOUNT_ADVISOR_STATE_DIR`), and reading, writing and removing it.

use std::path::PathBuf;

use anyhow::{Context, Result};

/// The autosave file, if a state directory can be found.
pub fn path() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("ACCOUNT_ADVISOR_STATE_DIR").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir).join("autosave.yaml"));
    }
    let dirs = directories::ProjectDirs::from("", "", "account-advisor")?;
    let dir = dirs.state_dir().unwrap_or_else(|| dirs.data_local_dir());
    Some(dir.join("autosave.yaml"))
}

/// The saved text, if there is one (an unreadable or oversized autosave is ignored).
pub fn load() -> Option<Vec<u8>> {
    crate::cli::read_input(&path()?)
        .ok()
        .map(|(_, bytes)| bytes)
}

/// Replaces the autosave atomically.
pub fn save(text: &str) -> Result<()> {
    let Some(path) = path() else { return Ok(()) };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("failed to create the state folder {}", dir.display()))?;
    }
    crate::output::write_atomic(&path, text.as_bytes(), true)
}

/// Forgets the autosave (after a successful export).
pub fn remove() {
    if let Some(path) = path() {
        let _ = std::fs::remove_file(path);
    }
}
