//! Running the `tests:` written in rule files: each test's answers against its expected model
//! and exact findings, and which rules, models and findings no test exercises. Pure.

use crate::model::Decision;
use crate::rules::answers::from_node;
use crate::rules::diag::Diagnostic;
use crate::rules::{RuleSet, RuleTest};

/// What one test gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub test: usize,
    /// Each difference from what the test expects, in words; empty when it passed.
    pub failures: Vec<String>,
    /// Problems in the test's answers (they make the test fail).
    pub problems: Vec<Diagnostic>,
}

impl Outcome {
    pub fn passed(&self) -> bool {
        self.failures.is_empty() && self.problems.is_empty()
    }
}

/// All tests' outcomes, and what no test exercises (indices into the rule set).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Run {
    pub outcomes: Vec<Outcome>,
    pub unexercised_rules: Vec<usize>,
    pub unexercised_models: Vec<usize>,
    pub unexercised_findings: Vec<usize>,
}

impl Run {
    pub fn passed(&self) -> usize {
        self.outcomes.iter().filter(|o| o.passed()).count()
    }

    pub fn failed(&self) -> usize {
        self.outcomes.len() - self.passed()
    }
}

/// Runs every test of the rule set.
pub fn run(rules: &RuleSet) -> Run {
    let mut rules_hit = vec![false; rules.recommendations.len()];
    let mut models_hit = vec![false; rules.models.len()];
    let mut findings_hit = vec![false; rules.findings.len()];
    let mut outcomes = Vec::new();
    for (i, test) in rules.tests.iter().enumerate() {
        let outcome = match from_node(rules, &test.origin.file, Some(&test.answers)) {
            Err(problems) => Outcome {
                test: i,
                failures: Vec::new(),
                problems,
            },
            Ok(loaded) => {
                let decision = rules.decide(&loaded.answers.values);
                for r in &decision.rules {
                    rules_hit[*r] = true;
                }
                if let Some(m) = decision.model {
                    models_hit[m] = true;
                }
                for f in &decision.findings {
                    findings_hit[*f] = true;
                }
                Outcome {
                    test: i,
                    failures: compare(rules, test, &decision),
                    problems: loaded.warnings,
                }
            }
        };
        outcomes.push(outcome);
    }
    let missing = |hit: Vec<bool>| {
        hit.iter()
            .enumerate()
            .filter(|(_, h)| !**h)
            .map(|(i, _)| i)
            .collect()
    };
    Run {
        outcomes,
        unexercised_rules: missing(rules_hit),
        unexercised_models: missing(models_hit),
        unexercised_findings: missing(findings_hit),
    }
}

/// The differences between a decision and what the test expects.
fn compare(rules: &RuleSet, test: &RuleTest, decision: &Decision) -> Vec<String> {
    let mut failures = Vec::new();
    let got = decision
        .model
        .and_then(|m| rules.models.get(m))
        .map(|m| m.id.as_str());
    if got != Some(test.model.as_str()) {
        failures.push(format!(
            "model: expected `{}`, got `{}`",
            test.model,
            got.unwrap_or("nothing (a gap)")
        ));
    }
    if !decision.conflicts.is_empty() {
        let others: Vec<&str> = decision
            .conflicts
            .iter()
            .filter_map(|m| rules.models.get(*m))
            .map(|m| m.id.as_str())
            .collect();
        failures.push(format!(
            "conflict: models `{}` match at the same priority",
            others.join("`, `")
        ));
    }
    let raised: Vec<&str> = decision
        .findings
        .iter()
        .filter_map(|f| rules.findings.get(*f))
        .map(|f| f.id.as_str())
        .collect();
    let missing: Vec<&str> = test
        .findings
        .iter()
        .map(String::as_str)
        .filter(|f| !raised.contains(f))
        .collect();
    let unexpected: Vec<&str> = raised
        .iter()
        .copied()
        .filter(|f| !test.findings.iter().any(|t| t == f))
        .collect();
    if !missing.is_empty() {
        failures.push(format!(
            "findings: expected but not raised: {}",
            missing.join(", ")
        ));
    }
    if !unexpected.is_empty() {
        failures.push(format!(
            "findings: raised but not expected: {}",
            unexpected.join(", ")
        ));
    }
    failures
}
