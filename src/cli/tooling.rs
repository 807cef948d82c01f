//! The rule-author commands: `rules check`, `rules test`, `explain` and `schema`, each one
//! function that loads, calls the pure `rules` code and prints.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;
use clap::{Subcommand, ValueEnum};
use serde_json::{Value as Json, json};

use crate::rules::check::{self, Analysis};
use crate::rules::diag::{Diagnostic, Diagnostics};
use crate::rules::load;
use crate::rules::parse::{Parsed, parse};
use crate::rules::testing;
use crate::rules::{RuleSet, explain, schema};

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Reports every problem in the rule files, then analyses every combination of answers.
    Check {
        /// The rules directory (default: --rules, else the built-in rule set).
        dir: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t)]
        format: CheckFormat,
    },
    /// Runs the `tests:` of the rule files and reports what no test exercises.
    Test {
        /// The rules directory (default: --rules, else the built-in rule set).
        dir: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemaKind {
    /// Answers files, generated from the questions of the rule set in use.
    Answers,
    /// Rule files (`rules/*.yaml`).
    Rules,
    /// Plan files written by `plan`.
    Plan,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum CheckFormat {
    #[default]
    Text,
    Json,
}

/// The rule files of `dir`, or the built-in ones, with the name to call them by.
fn files(dir: Option<&Path>) -> Result<(Vec<(String, String)>, String)> {
    match dir {
        Some(dir) => Ok((load::read_dir(dir)?, dir.display().to_string())),
        None => Ok((load::builtin_files(), load::BUILTIN_NAME.to_string())),
    }
}

fn source<'a>(files: &'a [(String, String)], file: &str) -> Option<&'a str> {
    files
        .iter()
        .find(|(n, _)| n == file)
        .map(|(_, t)| t.as_str())
}

fn sorted(mut items: Vec<(Diagnostic, Option<String>)>) -> Vec<(Diagnostic, Option<String>)> {
    items.sort_by(|a, b| (a.0.level, &a.0.file, a.0.span).cmp(&(b.0.level, &b.0.file, b.0.span)));
    items
}

/// `rules check [DIR]`: the static problems with their places, then the exhaustive analysis.
pub fn rules_check(dir: Option<&Path>, format: CheckFormat) -> Result<ExitCode> {
    let (files, name) = files(dir)?;
    let (items, analysis) = match parse(&files, &name) {
        Err(Diagnostics { items, .. }) => (items.into_iter().map(|d| (d, None)).collect(), None),
        Ok(Parsed { rules, warnings }) => {
            let analysis = check::check(&rules);
            let mut items: Vec<(Diagnostic, Option<String>)> =
                warnings.into_iter().map(|d| (d, None)).collect();
            items.extend(
                analysis
                    .problems
                    .iter()
                    .map(|p| (p.diagnostic.clone(), p.example.clone())),
            );
            (items, Some(analysis))
        }
    };
    let items = sorted(items);
    let errors = items.iter().filter(|(d, _)| d.is_error()).count();
    let warnings = items.len() - errors;
    let text = match format {
        CheckFormat::Json => {
            serde_json::to_string_pretty(&check_json(&name, &items, analysis.as_ref()))? + "\n"
        }
        CheckFormat::Text => check_text(&files, &items, analysis.as_ref(), errors, warnings),
    };
    super::print(&text)?;
    Ok(if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn check_text(
    files: &[(String, String)],
    items: &[(Diagnostic, Option<String>)],
    analysis: Option<&Analysis>,
    errors: usize,
    warnings: usize,
) -> String {
    let mut s = String::new();
    for (d, example) in items {
        s.push_str(&d.render(source(files, &d.file)));
        s.push('\n');
        if let Some(example) = example {
            s.push_str("  example answers file:\n");
            for line in example.lines() {
                s.push_str(&format!("    {line}\n"));
            }
        }
        s.push('\n');
    }
    match analysis {
        None => s.push_str("the exhaustive analysis was not run: fix the errors above first\n"),
        Some(a) if a.space.capped => s.push_str(&format!(
            "answer space: more than {} combinations; the exhaustive analysis was skipped ({} ms)\n",
            check::MAX_POINTS,
            a.space.elapsed.as_millis()
        )),
        Some(a) => s.push_str(&format!(
            "answer space: {} combinations checked ({} counting every option and boundary value) in {} ms\n",
            a.space.points,
            a.space.raw,
            a.space.elapsed.as_millis()
        )),
    }
    if errors == 0 && warnings == 0 {
        s.push_str("clean: no errors, no warnings\n");
    } else {
        s.push_str(&format!(
            "{errors} {}, {warnings} {}\n",
            plural(errors, "error"),
            plural(warnings, "warning")
        ));
    }
    s
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        word.to_string()
    } else {
        format!("{word}s")
    }
}

fn check_json(
    name: &str,
    items: &[(Diagnostic, Option<String>)],
    analysis: Option<&Analysis>,
) -> Json {
    let diagnostics: Vec<Json> = items
        .iter()
        .map(|(d, example)| {
            json!({
                "level": if d.is_error() { "error" } else { "warning" },
                "file": d.file,
                "line": d.span.line,
                "column": d.span.col,
                "message": d.message,
                "example": example,
            })
        })
        .collect();
    let errors = items.iter().filter(|(d, _)| d.is_error()).count();
    json!({
        "rules": name,
        "clean": items.is_empty(),
        "errors": errors,
        "warnings": items.len() - errors,
        "space": analysis.map(|a| json!({
            "combinations": a.space.points,
            "raw_combinations": a.space.raw.to_string(),
            "capped": a.space.capped,
            "milliseconds": a.space.elapsed.as_millis() as u64,
            "questions": a.space.questions.iter().map(|(id, n, raw)| json!({"id": id, "values": n, "raw_values": raw})).collect::<Vec<_>>(),
        })),
        "diagnostics": diagnostics,
    })
}

/// `rules test [DIR]`: each test's result, what no test exercises, then `N passed, N failed`.
pub fn rules_test(dir: Option<&Path>) -> Result<ExitCode> {
    let (files, name) = files(dir)?;
    let rules = match parse(&files, &name) {
        Ok(parsed) => parsed.rules,
        Err(d) => anyhow::bail!(
            "the rule set is invalid, so its tests cannot run (see `account-advisor rules check`): {d}"
        ),
    };
    let run = testing::run(&rules);
    let mut s = String::new();
    for outcome in &run.outcomes {
        let test = &rules.tests[outcome.test];
        let place = format!(
            "{}:{}:{}",
            test.origin.file, test.origin.span.line, test.origin.span.col
        );
        if outcome.passed() {
            s.push_str(&format!("ok      {}\n", test.name));
            continue;
        }
        s.push_str(&format!("FAILED  {}\n        at {place}\n", test.name));
        for problem in &outcome.problems {
            let problem = Diagnostic {
                in_words: false,
                ..problem.clone()
            };
            s.push_str(&format!("        answers: {problem}\n"));
        }
        for failure in &outcome.failures {
            s.push_str(&format!("        {failure}\n"));
        }
    }
    let mut gaps: Vec<String> = Vec::new();
    let at = |o: &crate::rules::Origin| format!("{}:{}:{}", o.file, o.span.line, o.span.col);
    for r in &run.unexercised_rules {
        let rule = &rules.recommendations[*r];
        gaps.push(format!(
            "  recommendation rule `{}` ({})",
            rule.id,
            at(&rule.origin)
        ));
    }
    for m in &run.unexercised_models {
        let model = &rules.models[*m];
        gaps.push(format!("  model `{}` ({})", model.id, at(&model.origin)));
    }
    for f in &run.unexercised_findings {
        let finding = &rules.findings[*f];
        gaps.push(format!(
            "  finding `{}` ({})",
            finding.id,
            at(&finding.origin)
        ));
    }
    if gaps.is_empty() {
        s.push_str(
            "\ncoverage: every recommendation rule, model and finding is exercised by a test\n",
        );
    } else {
        s.push_str(&format!(
            "\ncoverage: {} not exercised by any test:\n{}\n",
            gaps.len(),
            gaps.join("\n")
        ));
    }
    s.push_str(&format!(
        "{} passed, {} failed\n",
        run.passed(),
        run.failed()
    ));
    super::print(&s)?;
    Ok(if run.failed() > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `explain ANSWERS`: the trace of one decision.
pub fn explain(rules: &RuleSet, path: &Path) -> Result<ExitCode> {
    let loaded = super::read_answers(rules, path)?;
    let e = explain::explain(rules, &loaded.answers, &loaded.draft);
    let model_name = |m: Option<usize>| match m.and_then(|m| rules.models.get(m)) {
        Some(model) => format!("{} ({})", model.id, model.title),
        None => "nothing (a gap in the rule set)".to_string(),
    };
    let reads = |list: &[explain::Read]| {
        list.iter()
            .map(|r| format!("{} = {}", r.question, r.value))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut s = format!("Recommended: {}", model_name(e.decision.model));
    if let Some(p) = e.priority {
        s.push_str(&format!(", at priority {p}"));
    }
    s.push_str("\n\nRules that matched:\n");
    for t in e.rules.iter().filter(|t| t.matched) {
        let rule = &rules.recommendations[t.rule];
        let verdict = if t.won {
            "decided the model"
        } else {
            "lost on priority"
        };
        s.push_str(&format!(
            "  {} -> {} (priority {}, {verdict})\n    when: {}\n",
            rule.id, rules.models[rule.model].id, rule.priority, rule.when_text
        ));
        if !t.reads.is_empty() {
            s.push_str(&format!("    on: {}\n", reads(&t.reads)));
        }
    }
    for m in &e.decision.conflicts {
        s.push_str(&format!(
            "  conflict: model {} matched at the same priority too\n",
            rules.models[*m].id
        ));
    }
    s.push_str("\nWhy not the other models:\n");
    for loss in &e.losses {
        s.push_str(&format!(
            "  {}: {}\n",
            rules.models[loss.model].id, loss.reason
        ));
    }
    s.push_str("\nFindings:\n");
    if e.findings.is_empty() {
        s.push_str("  none\n");
    }
    for (f, on) in &e.findings {
        let finding = &rules.findings[*f];
        s.push_str(&format!(
            "  {} ({}) because `{}`\n    on: {}\n",
            finding.id,
            finding.severity.as_str(),
            finding.when_text,
            reads(on)
        ));
    }
    s.push_str("\nSingle-answer changes that would change the model:\n");
    if e.flips.is_empty() {
        s.push_str("  none: no single answer changes the recommendation\n");
    }
    for flip in &e.flips {
        let to = flip
            .model
            .and_then(|m| rules.models.get(m))
            .map(|m| m.id.as_str())
            .unwrap_or("nothing");
        s.push_str(&format!(
            "  {}: {} -> {}  gives {to}\n",
            flip.question, flip.from, flip.to
        ));
    }
    super::print(&s)
}

/// `schema answers|rules|plan`: the JSON Schema, pretty-printed.
pub fn schema(dir: Option<&Path>, which: SchemaKind) -> Result<ExitCode> {
    let value = match which {
        SchemaKind::Answers => schema::answers(&super::rules(dir)?),
        SchemaKind::Rules => schema::rules(),
        SchemaKind::Plan => schema::plan(),
    };
    super::print(&(serde_json::to_string_pretty(&value)? + "\n"))
}
