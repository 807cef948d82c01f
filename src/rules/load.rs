//! Where rule sets come from: the built-in one compiled into the binary, or a directory.

use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::rules::RuleSet;
use crate::rules::diag::Diagnostics;
use crate::rules::parse::{Parsed, parse};

/// The shipped rule files, compiled in so the binary works on its own.
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "rules/decision.yaml",
        include_str!("../../rules/decision.yaml"),
    ),
    (
        "rules/findings.yaml",
        include_str!("../../rules/findings.yaml"),
    ),
    ("rules/plan.yaml", include_str!("../../rules/plan.yaml")),
    (
        "rules/questions.yaml",
        include_str!("../../rules/questions.yaml"),
    ),
    ("rules/tests.yaml", include_str!("../../rules/tests.yaml")),
];

pub const BUILTIN_NAME: &str = "built-in rules";

/// The built-in rule set's files as (name, text).
pub fn builtin_files() -> Vec<(String, String)> {
    BUILTIN
        .iter()
        .map(|(n, t)| (n.to_string(), t.to_string()))
        .collect()
}

/// The built-in rule set. It is checked by the tests, so an error here is a build defect.
pub fn builtin() -> Result<RuleSet, Diagnostics> {
    parse(&builtin_files(), BUILTIN_NAME).map(|p| p.rules)
}

/// The `*.yaml` and `*.yml` files of a directory, sorted by name, as (display name, text).
pub fn read_dir(dir: &Path) -> Result<Vec<(String, String)>> {
    let entries = std::fs::read_dir(dir)
        .with_context(|| format!("failed to read rules directory {}", dir.display()))?;
    let mut paths = Vec::new();
    for entry in entries {
        let path = entry
            .with_context(|| format!("failed to read rules directory {}", dir.display()))?
            .path();
        let yaml = path.extension().is_some_and(|e| e == "yaml" || e == "yml");
        if yaml && path.is_file() {
            paths.push(path);
        }
    }
    paths.sort();
    if paths.is_empty() {
        bail!(
            "rules directory {} has no .yaml files; point --rules at a folder like the shipped rules/",
            dir.display()
        );
    }
    let mut files = Vec::new();
    for path in paths {
        let bytes = std::fs::read(&path)
            .with_context(|| format!("failed to read rule file {}", path.display()))?;
        let text = String::from_utf8(bytes).map_err(|e| {
            anyhow::anyhow!(
                "rule file {} is not UTF-8 text (byte {} is not valid); save it as UTF-8",
                path.display(),
                e.utf8_error().valid_up_to()
            )
        })?;
        files.push((path.display().to_string(), text));
    }
    Ok(files)
}

/// Loads the rule set from `dir`, or the built-in one; rule-file errors come back as
/// [`Diagnostics`] inside the error.
pub fn load(dir: Option<&Path>) -> Result<Parsed> {
    match dir {
        None => Ok(parse(&builtin_files(), BUILTIN_NAME)?),
        Some(dir) => {
            let files = read_dir(dir)?;
            Ok(parse(&files, &dir.display().to_string())?)
        }
    }
}
