//! The trace of one decision: which recommendation rules matched and on which answers, why
//! every other model lost, which findings were raised, and the single-answer changes that would
//! change the recommended model. Pure: it returns data that the command line prints.

use crate::model::Decision;
use crate::model::answers::{Answers, Value};
use crate::rules::RuleSet;
use crate::rules::check::candidates;
use crate::rules::expr::Expr;
use crate::rules::parse::reads;

/// A question's answer as the trace shows it: `customer_billing = we_pay`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Read {
    pub question: String,
    pub value: String,
}

/// A recommendation rule and how it fared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleTrace {
    pub rule: usize,
    pub matched: bool,
    /// Among the rules that decided the model.
    pub won: bool,
    /// The answers its condition reads.
    pub reads: Vec<Read>,
    /// For a rule that did not match: the parts of its condition that failed, in words.
    pub failing: String,
}

/// Why a model other than the recommended one lost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loss {
    pub model: usize,
    pub reason: String,
}

/// A single-answer change that changes the recommended model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flip {
    pub question: String,
    pub from: String,
    pub to: String,
    pub model: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explanation {
    pub decision: Decision,
    pub priority: Option<i64>,
    pub rules: Vec<RuleTrace>,
    pub losses: Vec<Loss>,
    /// Raised findings with the answers their condition reads.
    pub findings: Vec<(usize, Vec<Read>)>,
    pub flips: Vec<Flip>,
}

/// Explains the decision for complete answers; `draft` holds the answers as given (by
/// question), from which the changed answers are re-completed.
pub fn explain(rules: &RuleSet, answers: &Answers, draft: &[Option<Value>]) -> Explanation {
    let values = &answers.values;
    let decision = rules.decide(values);
    let priority = decision
        .rules
        .first()
        .map(|r| rules.recommendations[*r].priority);
    let trace: Vec<RuleTrace> = rules
        .recommendations
        .iter()
        .enumerate()
        .map(|(i, rule)| {
            let matched = rules.holds(&rule.when, values);
            RuleTrace {
                rule: i,
                matched,
                won: decision.rules.contains(&i),
                reads: read_values(rules, &rule.when, answers),
                failing: if matched {
                    String::new()
                } else {
                    why_false(rules, &rule.when, values)
                },
            }
        })
        .collect();
    let losses = rules
        .models
        .iter()
        .enumerate()
        .filter(|(m, _)| Some(*m) != decision.model)
        .map(|(m, _)| Loss {
            model: m,
            reason: loss(rules, &trace, m, priority),
        })
        .collect();
    let findings = decision
        .findings
        .iter()
        .map(|f| (*f, read_values(rules, &rules.findings[*f].when, answers)))
        .collect();
    let flips = flips(rules, answers, draft, decision.model);
    Explanation {
        decision,
        priority,
        rules: trace,
        losses,
        findings,
        flips,
    }
}

fn loss(rules: &RuleSet, trace: &[RuleTrace], model: usize, priority: Option<i64>) -> String {
    let own: Vec<&RuleTrace> = trace
        .iter()
        .filter(|t| rules.recommendations[t.rule].model == model)
        .collect();
    if own.is_empty() {
        return "no recommendation rule names it".to_string();
    }
    let parts: Vec<String> = own
        .iter()
        .map(|t| {
            let rule = &rules.recommendations[t.rule];
            if t.matched {
                format!(
                    "rule `{}` matched but lost on priority ({} below {})",
                    rule.id,
                    rule.priority,
                    priority.map(|p| p.to_string()).unwrap_or_default()
                )
            } else {
                format!("rule `{}` did not match: it needs {}", rule.id, t.failing)
            }
        })
        .collect();
    parts.join("; ")
}

/// The answers a condition reads (through predicates), asked or not, in question order.
fn read_values(rules: &RuleSet, expr: &Expr, answers: &Answers) -> Vec<Read> {
    let mut qs = Vec::new();
    reads(
        rules,
        expr,
        &mut qs,
        &mut vec![false; rules.predicates.len()],
    );
    qs.sort_unstable();
    qs.dedup();
    qs.into_iter()
        .map(|q| {
            let question = &rules.questions[q];
            let mut value = answers.values[q].display(question);
            if !answers.is_asked(q) {
                value.push_str(" (not asked)");
            }
            Read {
                question: question.id.clone(),
                value,
            }
        })
        .collect()
}

/// The parts of a false condition that make it false, in words, with the answers they read.
pub fn why_false(rules: &RuleSet, expr: &Expr, values: &[Value]) -> String {
    match expr {
        Expr::And(list) => list
            .iter()
            .filter(|e| !rules.holds(e, values))
            .map(|e| why_false(rules, e, values))
            .collect::<Vec<_>>()
            .join(", and "),
        Expr::Or(list) => {
            let parts: Vec<String> = list.iter().map(|e| why_false(rules, e, values)).collect();
            format!("one of: {}", parts.join("; or "))
        }
        Expr::Not(inner) => match inner.as_ref() {
            Expr::Predicate(p) => format!(
                "not `{}`",
                rules
                    .predicates
                    .get(*p)
                    .map(|p| p.name.as_str())
                    .unwrap_or("?")
            ),
            other => format!("not ({})", answered(rules, other, values)),
        },
        Expr::Predicate(p) => match rules.predicates.get(*p) {
            Some(pred) => format!("`{}` ({})", pred.name, why_false(rules, &pred.expr, values)),
            None => "?".to_string(),
        },
        leaf => answered(rules, leaf, values),
    }
}

/// A condition in words followed by the answers it reads: `team_size is at least 2 [team_size: 1]`.
fn answered(rules: &RuleSet, expr: &Expr, values: &[Value]) -> String {
    let mut qs = Vec::new();
    expr.questions(&mut qs);
    qs.dedup();
    let now: Vec<String> = qs
        .iter()
        .filter_map(|q| {
            rules
                .questions
                .get(*q)
                .map(|question| format!("{}: {}", question.id, values[*q].display(question)))
        })
        .collect();
    if now.is_empty() {
        rules.describe(expr)
    } else {
        format!("{} [{}]", rules.describe(expr), now.join(", "))
    }
}

/// Every single-answer change of an asked question that changes the recommended model.
fn flips(
    rules: &RuleSet,
    answers: &Answers,
    draft: &[Option<Value>],
    model: Option<usize>,
) -> Vec<Flip> {
    let mut out = Vec::new();
    for (q, question) in rules.questions.iter().enumerate() {
        if !answers.is_asked(q) {
            continue;
        }
        let current = &answers.values[q];
        let mut options = alternatives(rules, q, current);
        // Numbers and counts: only the closest change on each side.
        let mut flipped: Vec<(Value, Option<usize>)> = Vec::new();
        options.retain(|v| v != current);
        for value in options {
            let mut changed = draft.to_vec();
            changed[q] = Some(value.clone());
            let (completed, _) = rules.complete(&changed);
            let decision = rules.decide(&completed.values);
            if decision.model != model {
                flipped.push((value, decision.model));
            }
        }
        if let Some(now) =
            crate::rules::expr::count_of(current).filter(|_| !matches!(current, Value::Multi(_)))
        {
            let below = flipped
                .iter()
                .filter(|(v, _)| count(v) < now)
                .max_by_key(|(v, _)| count(v))
                .cloned();
            let above = flipped
                .iter()
                .filter(|(v, _)| count(v) > now)
                .min_by_key(|(v, _)| count(v))
                .cloned();
            flipped = below.into_iter().chain(above).collect();
        }
        for (value, to_model) in flipped {
            out.push(Flip {
                question: question.id.clone(),
                from: current.display(question),
                to: value.display(question),
                model: to_model,
            });
        }
    }
    out
}

fn count(value: &Value) -> i64 {
    crate::rules::expr::count_of(value).unwrap_or(0)
}

/// The values worth trying instead of `current`: other options, yes/no flipped, one option
/// added or removed, and the boundary values of numbers and counts.
fn alternatives(rules: &RuleSet, q: usize, current: &Value) -> Vec<Value> {
    match current {
        Value::Multi(bits) => (0..rules.questions[q].options.len().min(64))
            .map(|i| Value::Multi(bits ^ (1u64 << i)))
            .collect(),
        Value::Text(_) => Vec::new(),
        _ => candidates(rules, q),
    }
}
