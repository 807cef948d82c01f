//! What the rule set decides for a set of answers: the fast index form and the rendered report.

use schemars::JsonSchema;
use serde::Serialize;

use crate::model::plan::Assumption;

/// The decision as indices into the rule set: cheap to compute, rendered into a [`Report`] later.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Decision {
    /// Index of the recommended model, `None` when no recommendation rule matched (a rule-set gap).
    pub model: Option<usize>,
    /// Recommendation rules that matched for the recommended model at the winning priority.
    pub rules: Vec<usize>,
    /// Other models whose rules also matched at the winning priority (a rule-set conflict).
    pub conflicts: Vec<usize>,
    /// Findings raised, in rule-set order.
    pub findings: Vec<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }

    pub fn parse(text: &str) -> Option<Severity> {
        match text {
            "error" => Some(Severity::Error),
            "warning" => Some(Severity::Warning),
            "info" => Some(Severity::Info),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Finding {
    pub id: String,
    pub severity: Severity,
    pub message: String,
    pub fix: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Alternative {
    pub model: String,
    pub title: String,
    pub why_not: String,
}

/// The recommendation in words, as `recommend` prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub organization: String,
    pub model: String,
    pub title: String,
    pub reasons: Vec<String>,
    pub alternatives: Vec<Alternative>,
    pub findings: Vec<Finding>,
    pub assumptions: Vec<Assumption>,
    /// Answers that were ignored, and why.
    pub warnings: Vec<String>,
}
