//! The exhaustive analysis of a parsed rule set over every combination of answers that can be
//! visible together: gaps, conflicts, dead rules and conditions, unused models, findings and
//! questions. Pure: it reads a [`RuleSet`] and returns diagnostics; it prints nothing.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use crate::model::answers::{Answers, Names, Source, Value};
use crate::model::question::QuestionKind;
use crate::rules::answers::{from_node, to_yaml};
use crate::rules::diag::Diagnostic;
use crate::rules::expr::Expr;
use crate::rules::{Origin, RuleSet};
use crate::yaml::Span;

/// Above this many points the exhaustive analysis is not run (it is said so, never silently).
pub const MAX_POINTS: u64 = 50_000_000;

/// Any-of questions with more options than this are not enumerated subset by subset.
const MAX_SUBSET_OPTIONS: usize = 20;

/// A diagnostic of the analysis, with an answers file that shows it when there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub diagnostic: Diagnostic,
    /// An answers file (YAML) that reproduces the problem.
    pub example: Option<String>,
}

/// How large the answer space is.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Space {
    /// Combinations visible together, counting every option, every subset of any-of options
    /// and every boundary value of numbers and counts separately.
    pub raw: u128,
    /// The combinations actually evaluated, after merging values no condition tells apart.
    pub points: u64,
    /// Per question: (id, values evaluated, values before merging).
    pub questions: Vec<(String, usize, usize)>,
    /// Whether the analysis was skipped because the space is larger than [`MAX_POINTS`].
    pub capped: bool,
    pub elapsed: Duration,
}

/// The result of [`check`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Analysis {
    pub problems: Vec<Problem>,
    pub space: Space,
}

impl Analysis {
    pub fn errors(&self) -> usize {
        self.problems
            .iter()
            .filter(|p| p.diagnostic.is_error())
            .count()
    }
}

/// The values one question ranges over when it is asked, each with how many raw values it
/// stands for.
struct Domain {
    values: Vec<(Value, u128)>,
    raw: usize,
}

/// Where a condition is evaluated, so that "always true/false" is judged only over the
/// combinations where it matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Context {
    /// Every combination (predicates, rule and finding conditions, own-account members).
    Always,
    /// Where the recommendation rule wins (its reasons).
    RuleWins(usize),
    /// Where the model is not recommended (its `why_not` entries).
    NotModel(usize),
    /// Where the recommended model uses the account group.
    GroupUsed(usize),
    /// Where the group is used and its condition holds (its members).
    GroupMembers(usize),
    /// Where the recommended model is one of the step's models.
    Step(usize),
    /// Evaluated while walking the questions (a question's `when`).
    Question(usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Predicate(usize),
    Rule(usize),
    Finding(usize),
    Other,
}

struct Condition<'r> {
    expr: &'r Expr,
    context: Context,
    role: Role,
    /// What it is, for messages: "the `when` of finding `x`".
    what: String,
    text: String,
    origin: Origin,
    /// The key to point at inside the item (`when`), when the item is a mapping.
    key: Option<&'static str>,
    seen_true: bool,
    seen_false: bool,
}

/// What the walk records about gaps and conflicts: how many and a first example.
#[derive(Default)]
struct Example {
    count: u64,
    raw: u128,
    values: Vec<Value>,
    asked: Vec<bool>,
}

struct Walk<'r> {
    rules: &'r RuleSet,
    domains: Vec<Domain>,
    conditions: Vec<Condition<'r>>,
    fired: Vec<u64>,
    won: Vec<u64>,
    recommended: Vec<u64>,
    raised: Vec<u64>,
    gaps: Example,
    /// Conflicts by (winning model, other models).
    conflicts: BTreeMap<(usize, Vec<usize>), Example>,
    /// Per rule that fires but loses: a rule that beat it.
    beaten_by: Vec<Option<usize>>,
    points: u64,
    raw: u128,
    /// Counting only (no decisions), stopping past the cap.
    count_only: bool,
    /// Per question index: when it and every later question are always asked, how many
    /// combinations they make together (for counting without enumerating).
    free_suffix: Vec<Option<u64>>,
}

/// Runs the exhaustive analysis.
pub fn check(rules: &RuleSet) -> Analysis {
    let start = Instant::now();
    let domains: Vec<Domain> = (0..rules.questions.len())
        .map(|q| domain(rules, q))
        .collect();
    let mut space = Space {
        questions: rules
            .questions
            .iter()
            .zip(&domains)
            .map(|(q, d)| (q.id.clone(), d.values.len(), d.raw))
            .collect(),
        ..Space::default()
    };
    let mut problems = Vec::new();
    let mut walk = Walk::new(rules, domains);
    let bound = walk.domains.iter().fold(1u128, |acc, d| {
        acc.saturating_mul(d.values.len().max(1) as u128)
    });
    if bound > u128::from(MAX_POINTS) {
        walk.count_only = true;
        walk.count_free_suffixes();
        walk.run();
        if walk.points > MAX_POINTS {
            let mut sizes: Vec<(usize, &str)> = walk
                .domains
                .iter()
                .zip(&rules.questions)
                .map(|(d, q)| (d.values.len(), q.id.as_str()))
                .filter(|(n, _)| *n > 1)
                .collect();
            sizes.sort_by_key(|s| std::cmp::Reverse(s.0));
            let list: Vec<String> = sizes
                .iter()
                .take(5)
                .map(|(n, id)| format!("{id} ({n} values)"))
                .collect();
            let file = rules
                .questions
                .first()
                .map(|q| q.file.clone())
                .unwrap_or_default();
            problems.push(Problem {
                diagnostic: Diagnostic::warning(&file, section(rules, &file, "questions"), format!(
                    "the answer space has {} combinations, more than the limit of {MAX_POINTS}, so the exhaustive analysis (gaps, conflicts, dead rules) was not run; \
                     {} questions have more than one value; the largest factors are {}; fewer options, fewer constants compared with, or more questions asked only `when` needed would bring it under the limit",
                    if walk.free_suffix.first().copied().flatten().is_some() || walk.points <= MAX_POINTS { walk.points.to_string() } else { format!("at least {}", walk.points) },
                    sizes.len(),
                    list.join(", ")
                )),
                example: None,
            });
            space.capped = true;
            space.points = walk.points;
            space.elapsed = start.elapsed();
            return Analysis { problems, space };
        }
        walk.count_only = false;
        walk.points = 0;
        walk.raw = 0;
    }
    walk.run();
    space.points = walk.points;
    space.raw = walk.raw;
    problems.extend(walk.report());
    problems.extend(unread_questions(rules));
    problems.extend(test_answers(rules));
    space.elapsed = start.elapsed();
    Analysis { problems, space }
}

/// The leaf tests of a condition (predicates not followed).
fn leaves<'e>(expr: &'e Expr, out: &mut Vec<&'e Expr>) {
    match expr {
        Expr::Const(_) | Expr::Predicate(_) => {}
        Expr::And(list) | Expr::Or(list) => list.iter().for_each(|e| leaves(e, out)),
        Expr::Not(inner) => leaves(inner, out),
        leaf => out.push(leaf),
    }
}

/// Every condition of the rule set, whatever it guards.
fn all_exprs(rules: &RuleSet) -> Vec<&Expr> {
    let mut out: Vec<&Expr> = Vec::new();
    out.extend(rules.predicates.iter().map(|p| &p.expr));
    out.extend(rules.questions.iter().filter_map(|q| q.when.as_ref()));
    out.extend(rules.recommendations.iter().map(|r| &r.when));
    out.extend(
        rules
            .recommendations
            .iter()
            .flat_map(|r| r.reasons.iter().filter_map(|c| c.when.as_ref())),
    );
    out.extend(
        rules
            .models
            .iter()
            .flat_map(|m| m.why_not.iter().filter_map(|c| c.when.as_ref())),
    );
    out.extend(rules.findings.iter().map(|f| &f.when));
    out.extend(
        rules
            .own_account
            .members
            .iter()
            .filter_map(|m| m.when.as_ref()),
    );
    for g in &rules.groups {
        out.extend(g.when.as_ref());
        out.extend(g.members.iter().filter_map(|m| m.when.as_ref()));
    }
    out.extend(rules.steps.iter().filter_map(|s| s.when.as_ref()));
    out
}

fn question_of(leaf: &Expr) -> Option<usize> {
    let mut qs = Vec::new();
    leaf.questions(&mut qs);
    qs.first().copied()
}

/// The values question `q` is tried with: every option, every subset of any-of options (up
/// to 20 options), both yes and no, the bounds of a number and the values around every constant
/// it is compared with, and for names lists none, one and the counts around every constant.
pub fn candidates(rules: &RuleSet, q: usize) -> Vec<Value> {
    let question = &rules.questions[q];
    let exprs = all_exprs(rules);
    let mut thresholds = Vec::new();
    for e in &exprs {
        e.thresholds(&mut thresholds);
    }
    let constants: Vec<i64> = thresholds
        .iter()
        .filter(|(tq, _)| *tq == q)
        .map(|(_, n)| *n)
        .collect();
    match &question.kind {
        QuestionKind::Text { min_len } => {
            let mut text = "Example Company".to_string();
            while text.chars().count() < *min_len {
                text.push('x');
            }
            // Only a text that may be empty can make `is empty` true.
            if *min_len == 0 {
                vec![Value::Text(text), Value::Text(String::new())]
            } else {
                vec![Value::Text(text)]
            }
        }
        QuestionKind::Choice => (0..question.options.len()).map(Value::Choice).collect(),
        QuestionKind::Multi => {
            let n = question.options.len();
            if n <= MAX_SUBSET_OPTIONS {
                (0..(1u64 << n)).map(Value::Multi).collect()
            } else {
                let mut v = vec![Value::Multi(0)];
                v.extend((0..n).map(|i| Value::Multi(1u64 << i)));
                v.push(Value::Multi(u64::MAX >> (64 - n)));
                v
            }
        }
        QuestionKind::YesNo => vec![Value::Bool(false), Value::Bool(true)],
        QuestionKind::Number { min, max } => {
            let mut nums = vec![*min, *max];
            for t in &constants {
                nums.extend([t.saturating_sub(1), *t, t.saturating_add(1)]);
            }
            nums.retain(|n| n >= min && n <= max);
            nums.sort_unstable();
            nums.dedup();
            nums.into_iter().map(Value::Number).collect()
        }
        QuestionKind::Names { .. } => {
            let mut nums = vec![0i64, 1];
            for t in &constants {
                nums.extend([t.saturating_sub(1), *t, t.saturating_add(1)]);
            }
            let most = i64::try_from(crate::rules::answers::MAX_NAMES).unwrap_or(i64::MAX);
            nums.retain(|n| (0..=most).contains(n));
            nums.sort_unstable();
            nums.dedup();
            nums.into_iter()
                .map(|n| match u64::try_from(n) {
                    Ok(0) | Err(_) => Value::Names(Names::List(Vec::new())),
                    Ok(n) => Value::Names(Names::Count(n)),
                })
                .collect()
        }
    }
}

/// The representative values of question `q`, merged where no condition tells them apart.
fn domain(rules: &RuleSet, q: usize) -> Domain {
    let exprs = all_exprs(rules);
    let mut tests: Vec<&Expr> = Vec::new();
    for e in &exprs {
        leaves(e, &mut tests);
    }
    tests.retain(|leaf| question_of(leaf) == Some(q));
    let candidates = candidates(rules, q);
    let raw = candidates.len();
    // Merge values whose every test on this question comes out the same.
    let mut scratch: Vec<Value> = (0..rules.questions.len())
        .map(|i| rules.placeholder(i))
        .collect();
    let mut classes: Vec<(Vec<bool>, Value, u128)> = Vec::new();
    for value in candidates {
        scratch[q] = value.clone();
        let signature: Vec<bool> = tests
            .iter()
            .map(|t| t.eval(&scratch, &rules.predicate_exprs))
            .collect();
        match classes.iter_mut().find(|(s, _, _)| *s == signature) {
            Some(class) => class.2 += 1,
            None => classes.push((signature, value, 1)),
        }
    }
    Domain {
        values: classes.into_iter().map(|(_, v, w)| (v, w)).collect(),
        raw,
    }
}

impl<'r> Walk<'r> {
    fn new(rules: &'r RuleSet, domains: Vec<Domain>) -> Self {
        Walk {
            rules,
            domains,
            conditions: conditions(rules),
            fired: vec![0; rules.recommendations.len()],
            won: vec![0; rules.recommendations.len()],
            recommended: vec![0; rules.models.len()],
            raised: vec![0; rules.findings.len()],
            gaps: Example::default(),
            conflicts: BTreeMap::new(),
            beaten_by: vec![None; rules.recommendations.len()],
            points: 0,
            raw: 0,
            count_only: false,
            free_suffix: Vec::new(),
        }
    }

    fn count_free_suffixes(&mut self) {
        let n = self.rules.questions.len();
        let mut out = vec![None; n + 1];
        out[n] = Some(1u64);
        for i in (0..n).rev() {
            let q = &self.rules.questions[i];
            let free = q.when.is_none() && q.depends_on.is_empty();
            out[i] = match (free, out[i + 1]) {
                (true, Some(rest)) => {
                    Some(rest.saturating_mul(self.domains[i].values.len().max(1) as u64))
                }
                _ => None,
            };
        }
        self.free_suffix = out;
    }

    fn run(&mut self) {
        let n = self.rules.questions.len();
        let mut values: Vec<Value> = (0..n).map(|q| self.rules.placeholder(q)).collect();
        let mut asked = vec![false; n];
        self.step(0, &mut values, &mut asked, 1);
    }

    fn step(&mut self, i: usize, values: &mut Vec<Value>, asked: &mut Vec<bool>, weight: u128) {
        if self.count_only && self.points > MAX_POINTS {
            return;
        }
        let rules = self.rules;
        let free = self.free_suffix.get(i).copied().flatten();
        if let (true, Some(rest)) = (self.count_only, free) {
            self.points = self.points.saturating_add(rest);
            return;
        }
        let Some(question) = rules.questions.get(i) else {
            self.visit(values, asked, weight);
            return;
        };
        let mut shown = question.depends_on.iter().all(|d| asked[*d]);
        if let (true, Some(when)) = (shown, &question.when) {
            shown = rules.holds(when, values);
            if !self.count_only {
                self.note(Context::Question(i), shown);
            }
        }
        if !shown {
            values[i] = rules.placeholder(i);
            asked[i] = false;
            self.step(i + 1, values, asked, weight);
            return;
        }
        asked[i] = true;
        for k in 0..self.domains[i].values.len() {
            let (value, w) = &self.domains[i].values[k];
            let w = *w;
            values[i] = value.clone();
            self.step(i + 1, values, asked, weight.saturating_mul(w));
        }
        asked[i] = false;
    }

    fn note(&mut self, context: Context, value: bool) {
        for c in self.conditions.iter_mut().filter(|c| c.context == context) {
            if value {
                c.seen_true = true;
            } else {
                c.seen_false = true;
            }
        }
    }

    fn visit(&mut self, values: &[Value], asked: &[bool], weight: u128) {
        self.points += 1;
        self.raw = self.raw.saturating_add(weight);
        if self.count_only {
            return;
        }
        let rules = self.rules;
        let decision = rules.decide(values);
        match decision.model {
            None => record(&mut self.gaps, values, asked, weight),
            Some(m) => self.recommended[m] += 1,
        }
        for r in &decision.rules {
            self.won[*r] += 1;
        }
        for f in &decision.findings {
            self.raised[*f] += 1;
        }
        if let (Some(m), false) = (decision.model, decision.conflicts.is_empty()) {
            let mut others = decision.conflicts.clone();
            others.sort_unstable();
            let entry = self.conflicts.entry((m, others)).or_default();
            record(entry, values, asked, weight);
        }
        // Each predicate once per combination; the conditions below read these values.
        let predicates: Vec<Expr> = rules
            .predicate_exprs
            .iter()
            .map(|e| Expr::Const(e.eval(values, &rules.predicate_exprs)))
            .collect();
        let model = decision.model;
        let winner = decision.rules.first().copied();
        for c in &mut self.conditions {
            // Seen both ways (and, for a rule, known to win or to lose): nothing left to learn.
            let settled = c.seen_true
                && c.seen_false
                && match c.role {
                    Role::Rule(r) => self.won[r] > 0 || self.beaten_by[r].is_some(),
                    _ => true,
                };
            if settled {
                continue;
            }
            let applies = match c.context {
                Context::Always => true,
                Context::RuleWins(r) => decision.rules.contains(&r),
                Context::NotModel(m) => model != Some(m),
                Context::GroupUsed(g) => model.is_some_and(|m| rules.models[m].groups.contains(&g)),
                Context::GroupMembers(g) => {
                    model.is_some_and(|m| rules.models[m].groups.contains(&g))
                        && rules.groups[g]
                            .when
                            .as_ref()
                            .is_none_or(|w| rules.holds(w, values))
                }
                Context::Step(s) => {
                    let models = &rules.steps[s].models;
                    model.is_some_and(|m| models.is_empty() || models.contains(&m))
                }
                Context::Question(_) => false,
            };
            if !applies {
                continue;
            }
            let holds = c.expr.eval(values, &predicates);
            if holds {
                c.seen_true = true;
            } else {
                c.seen_false = true;
            }
            if let (Role::Rule(r), true) = (c.role, holds) {
                self.fired[r] += 1;
                if !decision.rules.contains(&r) && self.beaten_by[r].is_none() {
                    self.beaten_by[r] = winner;
                }
            }
        }
    }

    fn example(&self, e: &Example) -> String {
        let sources = e
            .asked
            .iter()
            .map(|a| if *a { Source::Given } else { Source::Hidden })
            .collect();
        to_yaml(
            self.rules,
            &Answers {
                values: e.values.clone(),
                sources,
            },
        )
    }

    fn report(&self) -> Vec<Problem> {
        let rules = self.rules;
        let mut out = Vec::new();
        let recs_file = rules
            .recommendations
            .first()
            .map(|r| r.origin.file.clone())
            .or_else(|| rules.questions.first().map(|q| q.file.clone()))
            .unwrap_or_default();
        if self.gaps.count > 0 {
            out.push(Problem {
                diagnostic: Diagnostic::error(&recs_file, section(rules, &recs_file, "recommendations"), format!(
                    "gap: {} answer combinations ({} counting every value) get no recommendation: no recommendation rule matches them; \
                     add a rule for them, or a fallback rule with `when: true` and the lowest priority",
                    self.gaps.count, self.gaps.raw
                )),
                example: Some(self.example(&self.gaps)),
            });
        }
        for ((winner, others), e) in &self.conflicts {
            let names = |ms: &[usize]| {
                ms.iter()
                    .map(|m| format!("`{}`", rules.models[*m].id))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let all: Vec<usize> = std::iter::once(*winner)
                .chain(others.iter().copied())
                .collect();
            // The rules that matched at the winning priority in the example.
            let decision = rules.decide(&e.values);
            let priority = decision
                .rules
                .first()
                .map(|r| rules.recommendations[*r].priority);
            let matched: Vec<&crate::rules::Recommendation> = rules
                .recommendations
                .iter()
                .filter(|r| {
                    all.contains(&r.model)
                        && Some(r.priority) == priority
                        && rules.holds(&r.when, &e.values)
                })
                .collect();
            // Point at a rule of another model that matched at the winning priority.
            let rule = matched.iter().find(|r| others.contains(&r.model));
            let (file, span) = rule
                .map(|r| (r.origin.file.clone(), r.origin.span))
                .unwrap_or((recs_file.clone(), Span::default()));
            let rule_names: Vec<String> = matched
                .iter()
                .map(|r| {
                    format!(
                        "`{}` (model `{}`, priority {})",
                        r.id, rules.models[r.model].id, r.priority
                    )
                })
                .collect();
            out.push(Problem {
                diagnostic: Diagnostic::error(&file, span, format!(
                    "conflict: in {} answer combinations ({} counting every value) models {} are recommended at the same priority; \
                     in the example below rules {} match; give one a higher priority or make the conditions exclusive",
                    e.count,
                    e.raw,
                    names(&all),
                    rule_names.join(", ")
                )),
                example: Some(self.example(e)),
            });
        }
        for (r, rule) in rules.recommendations.iter().enumerate() {
            let span = locate(rules, &rule.origin, "when");
            if self.fired[r] == 0 {
                out.push(warning(&rule.origin.file, span, format!(
                    "recommendation rule `{}` can never fire: its condition `{}` is false for every answer combination",
                    rule.id, rule.when_text
                )));
            } else if self.won[r] == 0 {
                let by = self.beaten_by[r]
                    .and_then(|w| rules.recommendations.get(w))
                    .map(|w| format!(" (for example by `{}`, priority {})", w.id, w.priority))
                    .unwrap_or_default();
                out.push(warning(&rule.origin.file, rule.origin.span, format!(
                    "recommendation rule `{}` can never win: whenever `{}` holds, a rule of higher priority matches too{by}",
                    rule.id, rule.when_text
                )));
            }
        }
        for (m, model) in rules.models.iter().enumerate() {
            if self.recommended[m] == 0 {
                let has_rule = rules.recommendations.iter().any(|r| r.model == m);
                let why = if has_rule {
                    "its rules never win"
                } else {
                    "no recommendation rule names it"
                };
                out.push(warning(
                    &model.origin.file,
                    model.origin.span,
                    format!("model `{}` is never recommended: {why}", model.id),
                ));
            }
        }
        for (f, finding) in rules.findings.iter().enumerate() {
            if self.raised[f] == 0 {
                out.push(warning(&finding.origin.file, locate(rules, &finding.origin, "when"), format!(
                    "finding `{}` is never raised: its condition `{}` is false for every answer combination",
                    finding.id, finding.when_text
                )));
            }
        }
        for c in &self.conditions {
            if matches!(c.expr, Expr::Const(_)) || !(c.seen_true || c.seen_false) {
                continue;
            }
            let span = c
                .key
                .map(|k| locate(rules, &c.origin, k))
                .unwrap_or(c.origin.span);
            let never = match c.role {
                // Reported above as "never fires" / "never raised".
                Role::Rule(_) | Role::Finding(_) => false,
                Role::Predicate(_) | Role::Other => !c.seen_true,
            };
            if never {
                out.push(warning(&c.origin.file, span, format!(
                    "{} `{}` is always false where it is evaluated; the text or item it guards is never used",
                    c.what, c.text
                )));
            } else if !c.seen_false {
                out.push(warning(&c.origin.file, span, format!(
                    "{} `{}` is always true where it is evaluated; drop it, or write `true` if that is intended",
                    c.what, c.text
                )));
            }
        }
        // Predicates no condition uses.
        let mut used = Vec::new();
        for e in all_exprs(rules) {
            e.predicates(&mut used);
        }
        for (p, pred) in rules.predicates.iter().enumerate() {
            if !used.contains(&p) {
                out.push(warning(
                    &pred.origin.file,
                    pred.origin.span,
                    format!("predicate `{}` is never used by any condition", pred.name),
                ));
            }
        }
        out
    }
}

fn record(e: &mut Example, values: &[Value], asked: &[bool], weight: u128) {
    if e.count == 0 {
        e.values = values.to_vec();
        e.asked = asked.to_vec();
    }
    e.count += 1;
    e.raw = e.raw.saturating_add(weight);
}

fn warning(file: &str, span: Span, message: String) -> Problem {
    Problem {
        diagnostic: Diagnostic::warning(file, span, message),
        example: None,
    }
}

fn conditions(rules: &RuleSet) -> Vec<Condition<'_>> {
    let mut list: Vec<Condition<'_>> = Vec::new();
    let cond = |expr,
                context,
                role,
                what: String,
                text: String,
                origin: &Origin,
                key: Option<&'static str>| Condition {
        expr,
        context,
        role,
        what,
        text: key.and_then(|k| written(rules, origin, k)).unwrap_or(text),
        origin: origin.clone(),
        key,
        seen_true: false,
        seen_false: false,
    };
    for (p, pred) in rules.predicates.iter().enumerate() {
        list.push(cond(
            &pred.expr,
            Context::Always,
            Role::Predicate(p),
            "predicate".into(),
            pred.name.clone(),
            &pred.origin,
            None,
        ));
    }
    for (i, q) in rules.questions.iter().enumerate() {
        if let Some(when) = &q.when {
            let origin = Origin {
                file: q.file.clone(),
                span: q.span,
            };
            let text = q.when_text.clone().unwrap_or_else(|| rules.describe(when));
            list.push(cond(
                when,
                Context::Question(i),
                Role::Other,
                format!("the `when` of question `{}`", q.id),
                text,
                &origin,
                Some("when"),
            ));
        }
    }
    for (r, rule) in rules.recommendations.iter().enumerate() {
        list.push(cond(
            &rule.when,
            Context::Always,
            Role::Rule(r),
            format!("the `when` of rule `{}`", rule.id),
            rule.when_text.clone(),
            &rule.origin,
            Some("when"),
        ));
        for c in &rule.reasons {
            if let Some(when) = &c.when {
                list.push(cond(
                    when,
                    Context::RuleWins(r),
                    Role::Other,
                    format!("a reason's `when` in rule `{}`", rule.id),
                    rules.describe(when),
                    &c.origin,
                    Some("when"),
                ));
            }
        }
    }
    for (m, model) in rules.models.iter().enumerate() {
        for c in &model.why_not {
            if let Some(when) = &c.when {
                list.push(cond(
                    when,
                    Context::NotModel(m),
                    Role::Other,
                    format!("a `why_not` entry's `when` in model `{}`", model.id),
                    rules.describe(when),
                    &c.origin,
                    Some("when"),
                ));
            }
        }
    }
    for (f, finding) in rules.findings.iter().enumerate() {
        list.push(cond(
            &finding.when,
            Context::Always,
            Role::Finding(f),
            format!("the `when` of finding `{}`", finding.id),
            finding.when_text.clone(),
            &finding.origin,
            Some("when"),
        ));
    }
    for m in &rules.own_account.members {
        if let Some(when) = &m.when {
            list.push(cond(
                when,
                Context::Always,
                Role::Other,
                "the `when` of an own-account member".into(),
                rules.describe(when),
                &m.origin,
                Some("when"),
            ));
        }
    }
    for (g, group) in rules.groups.iter().enumerate() {
        if let Some(when) = &group.when {
            list.push(cond(
                when,
                Context::GroupUsed(g),
                Role::Other,
                format!("the `when` of account group `{}`", group.id),
                rules.describe(when),
                &group.origin,
                Some("when"),
            ));
        }
        for m in &group.members {
            if let Some(when) = &m.when {
                list.push(cond(
                    when,
                    Context::GroupMembers(g),
                    Role::Other,
                    format!("a member's `when` in account group `{}`", group.id),
                    rules.describe(when),
                    &m.origin,
                    Some("when"),
                ));
            }
        }
    }
    for (s, step) in rules.steps.iter().enumerate() {
        if let Some(when) = &step.when {
            list.push(cond(
                when,
                Context::Step(s),
                Role::Other,
                format!("the `when` of step `{}`", step.action),
                rules.describe(when),
                &step.origin,
                Some("when"),
            ));
        }
    }
    list
}

/// The place of `key:`'s value inside the mapping item that starts at `origin`, found in the
/// source text; the item's own place when the key is not written there.
pub fn locate(rules: &RuleSet, origin: &Origin, key: &str) -> Span {
    let Some((_, text)) = rules.sources.iter().find(|(name, _)| *name == origin.file) else {
        return origin.span;
    };
    let Ok(first) = usize::try_from(origin.span.line) else {
        return origin.span;
    };
    let Ok(col) = usize::try_from(origin.span.col) else {
        return origin.span;
    };
    let indent = col.saturating_sub(1);
    let prefix = format!("{key}:");
    for (n, line) in text.lines().enumerate().skip(first.saturating_sub(1)) {
        let chars: Vec<char> = line.chars().collect();
        let here = n + 1;
        if here > first {
            let lead = chars.iter().take_while(|c| **c == ' ').count();
            let blank = line.trim().is_empty() || line.trim_start().starts_with('#');
            if blank {
                continue;
            }
            if lead < indent {
                break;
            }
            if lead > indent {
                continue;
            }
        }
        let rest: String = chars.iter().skip(indent).collect();
        if let Some(after) = rest.strip_prefix(&prefix) {
            let gap = after.chars().take_while(|c| *c == ' ').count();
            let value_col = indent + prefix.chars().count() + gap + 1;
            return Span {
                line: u32::try_from(here).unwrap_or(origin.span.line),
                col: u32::try_from(value_col).unwrap_or(origin.span.col),
            };
        }
    }
    origin.span
}

/// Where a top-level section such as `recommendations:` starts in a file (for problems that
/// concern the section as a whole); line 0 when it is not found.
fn section(rules: &RuleSet, file: &str, name: &str) -> Span {
    let prefix = format!("{name}:");
    rules
        .sources
        .iter()
        .find(|(n, _)| n == file)
        .and_then(|(_, text)| text.lines().position(|l| l.starts_with(&prefix)))
        .and_then(|n| u32::try_from(n + 1).ok())
        .map(|line| Span { line, col: 1 })
        .unwrap_or_default()
}

/// The value of `key:` as written in the item at `origin`, when it is on one line.
fn written(rules: &RuleSet, origin: &Origin, key: &str) -> Option<String> {
    let span = locate(rules, origin, key);
    if span == origin.span {
        return None;
    }
    let (_, text) = rules
        .sources
        .iter()
        .find(|(name, _)| *name == origin.file)?;
    let line = text
        .lines()
        .nth(usize::try_from(span.line).ok()?.checked_sub(1)?)?;
    let value: String = line
        .chars()
        .skip(usize::try_from(span.col).ok()?.saturating_sub(1))
        .collect();
    let value = value.trim();
    let value = value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(value);
    (!value.is_empty() && !value.starts_with('>') && !value.starts_with('|'))
        .then(|| value.to_string())
}

/// Problems in the answers of the rule files' tests, found without running the tests.
fn test_answers(rules: &RuleSet) -> Vec<Problem> {
    let mut out = Vec::new();
    for test in &rules.tests {
        let diagnostics = match from_node(rules, &test.origin.file, Some(&test.answers)) {
            Ok(loaded) => loaded.warnings,
            Err(problems) => problems,
        };
        for d in diagnostics {
            let message = format!("in test `{}`: {}", test.name, d.message);
            // Problems of the file as a whole (a missing answer) point at the test.
            let span = if d.span.line == 0 {
                test.origin.span
            } else {
                d.span
            };
            out.push(Problem {
                diagnostic: Diagnostic {
                    in_words: false,
                    message,
                    span,
                    ..d
                },
                example: None,
            });
        }
    }
    out
}

/// Questions that no condition and no text reads: their answers change nothing.
fn unread_questions(rules: &RuleSet) -> Vec<Problem> {
    let mut read: Vec<usize> = Vec::new();
    for e in all_exprs(rules) {
        e.questions(&mut read);
    }
    let mut templates: Vec<&crate::rules::Template> = Vec::new();
    for r in &rules.recommendations {
        templates.extend(r.reasons.iter().map(|c| &c.text));
    }
    for m in &rules.models {
        templates.extend(m.why_not.iter().map(|c| &c.text));
    }
    for f in &rules.findings {
        templates.extend([&f.message, &f.fix]);
    }
    templates.push(&rules.own_account.name);
    templates.extend(rules.own_account.members.iter().map(|m| &m.who));
    for g in &rules.groups {
        read.push(g.from);
        templates.extend([&g.name, &g.numbered]);
        templates.extend(g.members.iter().map(|m| &m.who));
    }
    templates.extend(rules.steps.iter().map(|s| &s.description));
    for t in templates {
        read.extend(t.questions());
    }
    rules
        .questions
        .iter()
        .enumerate()
        .filter(|(i, _)| !read.contains(i))
        .map(|(_, q)| {
            warning(&q.file, q.span, format!(
                "question `{}` is never read: no condition, text or account group uses its answer",
                q.id
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    fn builtin() -> RuleSet {
        match crate::rules::load::builtin() {
            Ok(rules) => rules,
            Err(e) => panic!("built-in rules: {e}"),
        }
    }

    #[test]
    fn merges_only_values_that_no_condition_tells_apart() {
        let rules = builtin();
        let sizes: Vec<(usize, usize)> = (0..rules.questions.len())
            .map(|q| {
                let d = domain(&rules, q);
                (d.values.len(), d.raw)
            })
            .collect();
        let id = |name: &str| rules.question(name).unwrap_or(usize::MAX);
        // team_size is compared only with 2: {1} and {2, 3, 100000} are the classes.
        assert_eq!(sizes[id("team_size")], (2, 4));
        // isolation_reasons: data_isolation is read by no condition; `has only [just_organizing]`
        // and three `has` tests leave 9 classes of the 32 subsets.
        assert_eq!(sizes[id("isolation_reasons")], (9, 32));
        // plan_tier: free, unknown, and the five paid plans that no condition tells apart.
        assert_eq!(sizes[id("plan_tier")], (3, 7));
        assert_eq!(sizes[id("customer_logins")], (4, 4));
    }

    /// Every outcome (model, conflicts, findings) reachable with every raw value.
    fn outcomes_unmerged(rules: &RuleSet) -> BTreeSet<(Option<usize>, Vec<usize>, Vec<usize>)> {
        fn walk(
            rules: &RuleSet,
            i: usize,
            values: &mut Vec<Value>,
            asked: &mut Vec<bool>,
            out: &mut BTreeSet<(Option<usize>, Vec<usize>, Vec<usize>)>,
        ) {
            let Some(q) = rules.questions.get(i) else {
                let d = rules.decide(values);
                out.insert((d.model, d.conflicts, d.findings));
                return;
            };
            let shown = q.depends_on.iter().all(|d| asked[*d])
                && q.when.as_ref().is_none_or(|w| rules.holds(w, values));
            if !shown {
                values[i] = rules.placeholder(i);
                asked[i] = false;
                walk(rules, i + 1, values, asked, out);
                return;
            }
            asked[i] = true;
            for v in candidates(rules, i) {
                values[i] = v;
                walk(rules, i + 1, values, asked, out);
            }
        }
        let mut values: Vec<Value> = (0..rules.questions.len())
            .map(|q| rules.placeholder(q))
            .collect();
        let mut asked = vec![false; rules.questions.len()];
        let mut out = BTreeSet::new();
        walk(rules, 0, &mut values, &mut asked, &mut out);
        out
    }

    #[test]
    fn merging_loses_no_outcome_of_the_built_in_rules() {
        let rules = builtin();
        let mut walk = Walk::new(
            &rules,
            (0..rules.questions.len())
                .map(|q| domain(&rules, q))
                .collect(),
        );
        walk.run();
        assert_eq!(walk.points, 53874);
        assert_eq!(walk.raw, 829_724);
        // The merged walk sees every model and finding; the raw walk sees no outcome it misses.
        let mut merged = BTreeSet::new();
        let n = rules.questions.len();
        let mut values: Vec<Value> = (0..n).map(|q| rules.placeholder(q)).collect();
        let mut asked = vec![false; n];
        collect(
            &rules,
            &walk.domains,
            0,
            &mut values,
            &mut asked,
            &mut merged,
        );
        assert_eq!(merged, outcomes_unmerged(&rules));
        assert!(walk.recommended.iter().all(|n| *n > 0));
        assert!(walk.raised.iter().all(|n| *n > 0));
    }

    fn collect(
        rules: &RuleSet,
        domains: &[Domain],
        i: usize,
        values: &mut Vec<Value>,
        asked: &mut Vec<bool>,
        out: &mut BTreeSet<(Option<usize>, Vec<usize>, Vec<usize>)>,
    ) {
        let Some(q) = rules.questions.get(i) else {
            let d = rules.decide(values);
            out.insert((d.model, d.conflicts, d.findings));
            return;
        };
        let shown = q.depends_on.iter().all(|d| asked[*d])
            && q.when.as_ref().is_none_or(|w| rules.holds(w, values));
        if !shown {
            values[i] = rules.placeholder(i);
            asked[i] = false;
            collect(rules, domains, i + 1, values, asked, out);
            return;
        }
        asked[i] = true;
        for (v, _) in &domains[i].values {
            values[i] = v.clone();
            collect(rules, domains, i + 1, values, asked, out);
        }
    }

    #[test]
    fn locates_a_key_inside_an_item() {
        let rules = builtin();
        let rule = &rules.recommendations[0];
        let span = locate(&rules, &rule.origin, "when");
        assert_eq!((span.line, span.col), (rule.origin.span.line + 3, 11));
        assert_eq!(
            written(&rules, &rule.origin, "when").as_deref(),
            Some("subaccounts and managed")
        );
        // A key the item does not have: the item's own place.
        assert_eq!(locate(&rules, &rule.origin, "nothing"), rule.origin.span);
    }
}
