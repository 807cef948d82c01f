//! Questions the view asks of the state: progress, the live advice for the highlighted option,
//! the final result. Pure: they read the state and the rule set and change nothing.

use crate::model::answers::{Source, Value};
use crate::model::decision::Report;
use crate::model::plan::Plan;
use crate::plan;
use crate::rules::RuleSet;
use crate::wizard::state::{Screen, State};
use crate::wizard::update::answer;

/// "Question `number` of about `total`".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub number: usize,
    pub total: usize,
}

/// The advice the answers lead to so far (with the highlighted option in place).
#[derive(Debug, Clone, PartialEq)]
pub struct Preview {
    /// `None` when the rule set recommends nothing for these answers.
    pub report: Option<Report>,
    /// Required questions still unanswered (their placeholders stand in).
    pub missing: usize,
    /// The model the answers confirmed so far lead to, when the highlighted option changes it.
    pub changed_from: Option<String>,
}

/// The finished recommendation and its plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub report: Report,
    pub plan: Plan,
    /// The recommended model, by index.
    pub model: usize,
}

/// The draft with the question screen's highlighted (not yet confirmed) answer in place.
fn draft_with_highlight(state: &State, rules: &RuleSet) -> Vec<Option<Value>> {
    let mut draft = state.draft.clone();
    let asking = state.screen == Screen::Question
        || (state.screen == Screen::Help && state.behind == Screen::Question);
    if asking && let (Ok(value), Some(slot)) = (answer(state, rules), draft.get_mut(state.current))
    {
        *slot = Some(value);
    }
    draft
}

/// Where the current question stands among those asked, recomputed from the answers so far
/// and the highlighted option.
pub fn progress(state: &State, rules: &RuleSet) -> Progress {
    let asked = rules.asked(&draft_with_highlight(state, rules));
    let before = asked.iter().filter(|q| **q < state.current).count();
    Progress {
        number: before + 1,
        total: asked.len().max(before + 1),
    }
}

/// The live advice: model, reasons and findings for the answers so far.
pub fn preview(state: &State, rules: &RuleSet) -> Preview {
    let draft = draft_with_highlight(state, rules);
    let (answers, missing) = rules.complete(&draft);
    let decision = rules.decide(&answers.values);
    let report = decision
        .model
        .map(|_| rules.report(&answers, &decision, Vec::new()));
    let (confirmed, _) = rules.complete(&state.draft);
    let before = rules.decide(&confirmed.values).model;
    let changed_from = match (before, decision.model) {
        (Some(b), Some(now)) if b != now => rules.models.get(b).map(|m| m.title.clone()),
        _ => None,
    };
    Preview {
        report,
        missing: missing.len(),
        changed_from,
    }
}

/// The recommendation and plan, when every required answer is there and a model is chosen.
pub fn result(state: &State, rules: &RuleSet) -> Option<Outcome> {
    let (answers, missing) = rules.complete(&state.draft);
    if !missing.is_empty() {
        return None;
    }
    let decision = rules.decide(&answers.values);
    let model = decision.model?;
    let report = rules.report(&answers, &decision, Vec::new());
    let plan = plan::build(rules, &answers, &decision);
    Some(Outcome {
        report,
        plan,
        model,
    })
}

/// One review line's answer: what was given, or the default that stands in.
pub fn answer_summary(state: &State, rules: &RuleSet, q: usize) -> String {
    let Some(question) = rules.questions.get(q) else {
        return String::new();
    };
    let (answers, _) = rules.complete(&state.draft);
    match (answers.sources.get(q), answers.values.get(q)) {
        (Some(Source::Given), Some(v)) => words(v, question),
        (Some(Source::Assumed), _) => match &question.default {
            Some(d) => format!("{} (default)", words(d, question)),
            None => "(not answered yet)".to_string(),
        },
        _ => "(not asked)".to_string(),
    }
}

/// A value in the words the user chose it by: option labels rather than ids.
pub fn words(value: &Value, question: &crate::model::question::Question) -> String {
    let label = |i: usize| {
        question
            .options
            .get(i)
            .map(|o| o.label.clone())
            .unwrap_or_default()
    };
    match value {
        Value::Choice(i) => label(*i),
        Value::Multi(bits) if *bits != 0 => (0..question.options.len().min(64))
            .filter(|i| bits & (1u64 << i) != 0)
            .map(label)
            .collect::<Vec<_>>()
            .join("; "),
        Value::Names(crate::model::answers::Names::Count(n)) => format!("{n} (a count)"),
        other => other.display(question),
    }
}
