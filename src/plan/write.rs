//! Plan writers: YAML and JSON carry the same document with a stable key order; Markdown is the
//! customer-facing summary.

use std::io::Write;

use anyhow::{Context, Result};

use crate::model::plan::Plan;
use crate::rules::RuleSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Yaml,
    Json,
    Markdown,
}

impl Format {
    /// The format a file name suggests (`.json`, `.md`), YAML otherwise.
    pub fn from_path(path: &std::path::Path) -> Format {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("json") => Format::Json,
            Some("md" | "markdown") => Format::Markdown,
            _ => Format::Yaml,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Yaml => "yaml",
            Format::Json => "json",
            Format::Markdown => "md",
        }
    }
}

/// Writes the plan in `format`; `out` should be buffered.
pub fn write(plan: &Plan, rules: &RuleSet, format: Format, out: &mut dyn Write) -> Result<()> {
    match format {
        Format::Yaml => {
            crate::yaml::to_writer(&mut *out, plan).context("failed to write the plan as YAML")?
        }
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, plan)
                .context("failed to write the plan as JSON")?;
            out.write_all(b"\n")?;
        }
        Format::Markdown => out.write_all(crate::plan::markdown::render(plan, rules).as_bytes())?,
    }
    Ok(())
}

/// The plan in `format` as bytes.
pub fn to_bytes(plan: &Plan, rules: &RuleSet, format: Format) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    write(plan, rules, format, &mut out)?;
    Ok(out)
}
