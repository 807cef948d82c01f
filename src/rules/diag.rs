//! Diagnostics with a file and a place, and how they are shown: `file:line:col: level: message`.

use std::fmt;

use crate::yaml::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Error,
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub level: Level,
    pub file: String,
    pub span: Span,
    /// How many characters the underline covers (at least 1).
    pub len: usize,
    pub message: String,
    /// `file, line 3, column 7` for people (answers files) instead of `file:3:7` (rule files).
    pub in_words: bool,
}

impl Diagnostic {
    pub fn error(file: &str, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            level: Level::Error,
            file: file.to_string(),
            span,
            len: 1,
            message: message.into(),
            in_words: false,
        }
    }

    pub fn warning(file: &str, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            level: Level::Warning,
            ..Diagnostic::error(file, span, message)
        }
    }

    pub fn with_len(mut self, len: usize) -> Self {
        self.len = len.max(1);
        self
    }

    /// Shows the place as `line 3, column 7`, for files that people write by hand.
    pub fn in_words(mut self) -> Self {
        self.in_words = true;
        self
    }

    pub fn is_error(&self) -> bool {
        self.level == Level::Error
    }

    /// The diagnostic with the offending line and an underline, when the source text is at hand.
    pub fn render(&self, source: Option<&str>) -> String {
        let mut out = self.to_string();
        let line = source.and_then(|text| {
            let n = usize::try_from(self.span.line).ok()?.checked_sub(1)?;
            text.lines().nth(n)
        });
        if let Some(line) = line {
            let chars: Vec<char> = line
                .chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect();
            let number = self.span.line.to_string();
            let pad = " ".repeat(number.len());
            let mut col = usize::try_from(self.span.col.max(1) - 1).unwrap_or(0);
            // Show at most a window of a very long line, around the place.
            const WINDOW: usize = 100;
            let start = if chars.len() > WINDOW {
                col.saturating_sub(WINDOW / 3).min(chars.len() - WINDOW)
            } else {
                0
            };
            let end = (start + WINDOW).min(chars.len());
            let mut line: String = chars[start..end].iter().collect();
            if start > 0 {
                line.insert(0, '…');
                col = col - start + 1;
            }
            if end < chars.len() {
                line.push('…');
            }
            let indent: String = line
                .chars()
                .take(col)
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            out.push_str(&format!(
                "\n {pad} |\n {number} | {line}\n {pad} | {indent}{}",
                "^".repeat(
                    self.len
                        .min(line.chars().count().saturating_sub(col).max(1))
                )
            ));
        }
        out
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.level {
            Level::Error => "error",
            Level::Warning => "warning",
        };
        if self.span.line == 0 {
            write!(f, "{}: {level}: {}", self.file, self.message)
        } else if self.in_words {
            write!(
                f,
                "{}, line {}, column {}: {level}: {}",
                self.file, self.span.line, self.span.col, self.message
            )
        } else {
            write!(
                f,
                "{}:{}:{}: {level}: {}",
                self.file, self.span.line, self.span.col, self.message
            )
        }
    }
}

/// Errors and warnings for one input, carried as an `anyhow` error when any is an error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostics {
    pub items: Vec<Diagnostic>,
    /// The text the diagnostics point into, per file name, for the rendered snippets.
    pub sources: Vec<(String, String)>,
}

impl Diagnostics {
    pub fn errors(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    pub fn render(&self) -> String {
        let mut items = self.items.clone();
        items.sort_by(|a, b| (&a.file, a.span, a.level).cmp(&(&b.file, b.span, b.level)));
        items
            .iter()
            .map(|d| {
                let source = self
                    .sources
                    .iter()
                    .find(|(name, _)| *name == d.file)
                    .map(|(_, text)| text.as_str());
                d.render(source)
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let errors = self.errors();
        let file = self
            .items
            .first()
            .map(|d| d.file.as_str())
            .unwrap_or("input");
        let files: std::collections::BTreeSet<&str> =
            self.items.iter().map(|d| d.file.as_str()).collect();
        let subject = if files.len() == 1 {
            file.to_string()
        } else {
            format!("{} files", files.len())
        };
        let noun = if errors == 1 { "problem" } else { "problems" };
        let verb = if files.len() == 1 { "has" } else { "have" };
        write!(f, "{subject} {verb} {errors} {noun}:\n{}", self.render())
    }
}

impl std::error::Error for Diagnostics {}
