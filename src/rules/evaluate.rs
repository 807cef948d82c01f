//! Evaluating a rule set: which questions are asked, which model wins, which findings fire,
//! and the decision put into words.

use crate::model::answers::{Answers, Source, Value};
use crate::model::decision::{Alternative, Decision, Finding, Report};
use crate::model::plan::Assumption;
use crate::rules::expr::{Expr, Memo};
use crate::rules::template::{Context, Template};
use crate::rules::{Conditional, RuleSet};

impl RuleSet {
    /// Evaluates a condition over complete answer values.
    pub fn holds(&self, expr: &Expr, values: &[Value]) -> bool {
        expr.eval(values, &self.predicate_exprs)
    }

    fn holds_opt(&self, expr: Option<&Expr>, values: &[Value]) -> bool {
        expr.is_none_or(|e| self.holds(e, values))
    }

    /// A stand-in value for a question that has no answer and no default (used only while a
    /// required answer is still missing, so that later questions can be worked out).
    pub fn placeholder(&self, question: usize) -> Value {
        let q = &self.questions[question];
        if let Some(default) = &q.default {
            return default.clone();
        }
        use crate::model::question::QuestionKind as K;
        match q.kind {
            K::Text { .. } => Value::Text(String::new()),
            K::Choice => Value::Choice(0),
            K::Multi => Value::Multi(0),
            K::YesNo => Value::Bool(false),
            K::Number { min, .. } => Value::Number(min),
            K::Names { .. } => Value::Names(crate::model::answers::Names::List(Vec::new())),
        }
    }

    /// Completes partial answers (indexed by question): asked questions keep their answer or take
    /// their default, questions not asked take their default whatever was answered. Returns the
    /// answers and the required questions that are asked but unanswered (given placeholders).
    pub fn complete(&self, draft: &[Option<Value>]) -> (Answers, Vec<usize>) {
        let n = self.questions.len();
        let mut values: Vec<Value> = (0..n).map(|q| self.placeholder(q)).collect();
        let mut sources = vec![Source::Hidden; n];
        let mut missing = Vec::new();
        for (i, question) in self.questions.iter().enumerate() {
            // A question is asked only when the questions its condition reads were asked too.
            let depends_asked = question
                .depends_on
                .iter()
                .all(|d| sources.get(*d) != Some(&Source::Hidden));
            if !depends_asked || !self.holds_opt(question.when.as_ref(), &values) {
                continue;
            }
            match draft.get(i).and_then(Option::as_ref) {
                Some(value) => {
                    values[i] = value.clone();
                    sources[i] = Source::Given;
                }
                None => {
                    sources[i] = Source::Assumed;
                    if question.default.is_none() {
                        missing.push(i);
                    }
                }
            }
        }
        (Answers { values, sources }, missing)
    }

    /// The questions asked under these (possibly partial) answers, in order.
    pub fn asked(&self, draft: &[Option<Value>]) -> Vec<usize> {
        let (answers, _) = self.complete(draft);
        (0..self.questions.len())
            .filter(|q| answers.is_asked(*q))
            .collect()
    }

    /// The decision: the highest-priority matching recommendation rules, and the findings.
    pub fn decide(&self, values: &[Value]) -> Decision {
        let mut memo = Memo::new(self.predicate_exprs.len());
        let mut holds = |e: &Expr| e.eval_memo(values, &self.predicate_exprs, &mut memo);
        let mut best: Option<i64> = None;
        let mut decision = Decision::default();
        for (i, rule) in self.recommendations.iter().enumerate() {
            if best.is_some_and(|p| rule.priority < p) || !holds(&rule.when) {
                continue;
            }
            if best.is_none_or(|p| rule.priority > p) {
                best = Some(rule.priority);
                decision.model = Some(rule.model);
                decision.rules.clear();
                decision.conflicts.clear();
            }
            if decision.model == Some(rule.model) {
                decision.rules.push(i);
            } else if !decision.conflicts.contains(&rule.model) {
                decision.conflicts.push(rule.model);
            }
        }
        decision.findings = (0..self.findings.len())
            .filter(|f| holds(&self.findings[*f].when))
            .collect();
        decision
    }

    fn context<'a>(&'a self, values: &'a [Value]) -> Context<'a> {
        Context {
            questions: &self.questions,
            values,
            item: "",
            number: 0,
            account: "",
        }
    }

    pub fn render(&self, template: &Template, values: &[Value]) -> String {
        template.render(&self.context(values))
    }

    fn render_conditionals(&self, list: &[Conditional], values: &[Value]) -> Vec<String> {
        list.iter()
            .filter(|c| self.holds_opt(c.when.as_ref(), values))
            .map(|c| self.render(&c.text, values))
            .collect()
    }

    /// Reasons for the recommended model, from each matching rule, without repeats.
    pub fn reasons(&self, decision: &Decision, values: &[Value]) -> Vec<String> {
        let mut reasons: Vec<String> = Vec::new();
        for rule in &decision.rules {
            for reason in self.render_conditionals(&self.recommendations[*rule].reasons, values) {
                if !reasons.contains(&reason) {
                    reasons.push(reason);
                }
            }
        }
        reasons
    }

    /// Why each model other than the recommended one was not chosen.
    pub fn alternatives(&self, decision: &Decision, values: &[Value]) -> Vec<Alternative> {
        self.models
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != decision.model)
            .map(|(_, model)| Alternative {
                model: model.id.clone(),
                title: model.title.clone(),
                why_not: self
                    .render_conditionals(&model.why_not, values)
                    .into_iter()
                    .next()
                    .unwrap_or_else(|| {
                        format!("Usually not needed when: {}", model.not_needed_when)
                    }),
            })
            .collect()
    }

    pub fn findings_of(&self, decision: &Decision, values: &[Value]) -> Vec<Finding> {
        decision
            .findings
            .iter()
            .map(|f| {
                let rule = &self.findings[*f];
                Finding {
                    id: rule.id.clone(),
                    severity: rule.severity,
                    message: self.render(&rule.message, values),
                    fix: self.render(&rule.fix, values),
                }
            })
            .collect()
    }

    /// Answers taken from defaults because they were asked and not answered.
    pub fn assumptions(&self, answers: &Answers) -> Vec<Assumption> {
        self.questions
            .iter()
            .enumerate()
            .filter(|(i, _)| answers.sources[*i] == Source::Assumed)
            .map(|(i, q)| Assumption {
                question: q.id.clone(),
                value: answers.values[i].to_json(q),
            })
            .collect()
    }

    /// The organization's name from the `organization` answer, for titles and account names.
    pub fn organization(&self, values: &[Value]) -> String {
        self.question("organization")
            .and_then(|q| values.get(q).map(|v| v.display(&self.questions[q])))
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| "Your organization".to_string())
    }

    /// The whole recommendation in words.
    pub fn report(&self, answers: &Answers, decision: &Decision, warnings: Vec<String>) -> Report {
        let values = &answers.values;
        let model = decision.model.and_then(|m| self.models.get(m));
        Report {
            organization: self.organization(values),
            model: model.map(|m| m.id.clone()).unwrap_or_default(),
            title: model.map(|m| m.title.clone()).unwrap_or_default(),
            reasons: self.reasons(decision, values),
            alternatives: self.alternatives(decision, values),
            findings: self.findings_of(decision, values),
            assumptions: self.assumptions(answers),
            warnings,
        }
    }
}
