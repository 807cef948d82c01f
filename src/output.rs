//! Writing output files safely: a temporary file in the same directory, then a rename, so a
//! reader never sees half a file; an existing file is kept unless overwriting was asked for.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

/// Whether something (a file, a folder, a link, even a dangling one) is at `path`.
pub fn occupied(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok()
}

/// The path a write lands on: symbolic links are followed (a link stays a link and its target
/// is written), relative link targets are taken from the link's folder.
fn resolve_links(path: &Path) -> Result<PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let target = std::fs::read_link(&current)
                    .with_context(|| format!("failed to read the link {}", current.display()))?;
                current = match current.parent() {
                    Some(dir) if target.is_relative() => dir.join(target),
                    _ => target,
                };
            }
            _ => return Ok(current),
        }
    }
    bail!(
        "{} is a chain of more than 40 links; give the real file's path",
        path.display()
    )
}

/// Writes `bytes` to `path` atomically. Without `force`, anything already at `path` is an
/// error. Devices and pipes (such as /dev/stdout) are written into, not replaced.
pub fn write_atomic(path: &Path, bytes: &[u8], force: bool) -> Result<()> {
    let shown = path.display();
    if !force && occupied(path) {
        bail!("{shown} already exists; pass --force to overwrite it, or choose another path");
    }
    let target = resolve_links(path)?;
    if let Ok(meta) = std::fs::metadata(&target) {
        if meta.is_dir() {
            bail!(
                "{shown} is a folder; give a file name such as {}",
                target.join("account-plan.yaml").display()
            );
        }
        if !meta.is_file() {
            // A device or pipe cannot be renamed over; write straight into it.
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .open(&target)
                .with_context(|| format!("failed to open {shown} for writing"))?;
            return file
                .write_all(bytes)
                .with_context(|| format!("failed to write {shown}"));
        }
    }
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !dir.is_dir() {
        bail!(
            "cannot write {shown}: the folder {} does not exist; create it first",
            dir.display()
        );
    }
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".to_string());
    let temp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| -> Result<()> {
        let mut file = std::fs::File::create(&temp).with_context(|| {
            format!(
                "cannot write {shown}: cannot create a file in {} (is the folder writable?)",
                dir.display()
            )
        })?;
        file.write_all(bytes)
            .with_context(|| format!("failed to write {shown}"))?;
        file.sync_all()
            .with_context(|| format!("failed to write {shown}"))?;
        std::fs::rename(&temp, &target)
            .with_context(|| format!("failed to move the new file into place at {shown}"))?;
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir() -> tempfile::TempDir {
        tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn writes_through_a_link_and_keeps_it() {
        let d = dir();
        let real = d.path().join("real.yaml");
        let link = d.path().join("link.yaml");
        std::fs::write(&real, "old").unwrap_or_default();
        std::os::unix::fs::symlink("real.yaml", &link).unwrap_or_default();
        assert!(
            write_atomic(&link, b"new", false).is_err(),
            "an existing link needs --force"
        );
        assert!(write_atomic(&link, b"new", true).is_ok());
        assert!(std::fs::symlink_metadata(&link).is_ok_and(|m| m.file_type().is_symlink()));
        assert_eq!(std::fs::read_to_string(&real).unwrap_or_default(), "new");
    }

    #[test]
    fn a_dangling_link_counts_as_existing() {
        let d = dir();
        let link = d.path().join("dangling.yaml");
        std::os::unix::fs::symlink("nowhere/else.yaml", &link).unwrap_or_default();
        let err = write_atomic(&link, b"x", false)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("already exists"), "{err}");
    }

    #[test]
    fn devices_are_written_into_not_replaced() {
        assert!(write_atomic(Path::new("/dev/null"), b"x", true).is_ok());
        assert!(std::fs::metadata("/dev/null").is_ok_and(|m| !m.is_file()));
    }

    #[test]
    fn messages_name_the_users_path_not_the_temporary_file() {
        let d = dir();
        let path = d.path().join("missing/plan.yaml");
        let err = write_atomic(&path, b"x", false)
            .err()
            .map(|e| format!("{e:#}"))
            .unwrap_or_default();
        assert!(
            err.contains("missing/plan.yaml")
                && err.contains("does not exist")
                && !err.contains(".plan.yaml."),
            "{err}"
        );
        let err = write_atomic(d.path(), b"x", true)
            .err()
            .map(|e| format!("{e:#}"))
            .unwrap_or_default();
        assert!(err.contains("is a folder"), "{err}");
    }
}
