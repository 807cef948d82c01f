//! Writing output files safely: a temporary file in the same directory, then a rename, so a
//! reader never sees half a file; an existing file is kept unless overwriting was asked for.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

/// Writes `bytes` to `path` atomically. Without `force`, an existing file is an error.
pub fn write_atomic(path: &Path, bytes: &[u8], force: bool) -> Result<()> {
    if !force && path.exists() {
        bail!(
            "{} already exists; pass --force to overwrite it, or choose another path",
            path.display()
        );
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".to_string());
    let temp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| -> Result<()> {
        let mut file = std::fs::File::create(&temp).with_context(|| {
            format!(
                "failed to create {} (is the folder there and writable?)",
                temp.display()
            )
        })?;
        file.write_all(bytes)
            .with_context(|| format!("failed to write {}", temp.display()))?;
        file.sync_all()
            .with_context(|| format!("failed to write {}", temp.display()))?;
        std::fs::rename(&temp, path).with_context(|| {
            format!(
                "failed to move the new file into place at {}",
                path.display()
            )
        })?;
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}
