//! Answer values, and a complete set of answers with where each value came from.

use serde_json::Value as Json;

use crate::model::question::{Question, QuestionKind};

/// A "names or a count" answer: listed names, or a number of unnamed entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Names {
    List(Vec<String>),
    Count(u64),
}

impl Names {
    pub fn len(&self) -> u64 {
        match self {
            Names::List(names) => names.len() as u64,
            Names::Count(n) => *n,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// One answer, already checked against its question's type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Text(String),
    /// Index into the question's options.
    Choice(usize),
    /// Bit i set means option i is chosen (a question has at most 64 options).
    Multi(u64),
    Bool(bool),
    Number(i64),
    Names(Names),
}

impl Value {
    /// The value as an answers file, JSON output or plan assumption writes it.
    pub fn to_json(&self, question: &Question) -> Json {
        match self {
            Value::Text(text) => Json::String(text.clone()),
            Value::Choice(i) => Json::String(option_id(question, *i)),
            Value::Multi(bits) => Json::Array(
                (0..question.options.len())
                    .filter(|i| bits & (1u64 << i) != 0)
                    .map(|i| Json::String(option_id(question, i)))
                    .collect(),
            ),
            Value::Bool(b) => Json::String(if *b { "yes" } else { "no" }.to_string()),
            Value::Number(n) => Json::from(*n),
            Value::Names(Names::List(names)) => {
                Json::Array(names.iter().cloned().map(Json::String).collect())
            }
            Value::Names(Names::Count(n)) => Json::from(*n),
        }
    }

    /// A short human-readable form: `yes`, `growth`, `3 names`, `[]`.
    pub fn display(&self, question: &Question) -> String {
        match self {
            Value::Text(text) => text.clone(),
            Value::Choice(i) => option_id(question, *i),
            Value::Multi(0) => "none".to_string(),
            Value::Multi(_) => match self.to_json(question) {
                Json::Array(items) => items
                    .iter()
                    .filter_map(Json::as_str)
                    .collect::<Vec<_>>()
                    .join(", "),
                _ => String::new(),
            },
            Value::Bool(b) => if *b { "yes" } else { "no" }.to_string(),
            Value::Number(n) => n.to_string(),
            Value::Names(Names::List(names)) if names.is_empty() => "none".to_string(),
            Value::Names(Names::List(names)) => names.join(", "),
            Value::Names(Names::Count(n)) => n.to_string(),
        }
    }

    /// Whether this value fits the question's type (used when values come from rule files).
    pub fn fits(&self, question: &Question) -> bool {
        match (&question.kind, self) {
            (QuestionKind::Text { .. }, Value::Text(_)) => true,
            (QuestionKind::Choice, Value::Choice(i)) => *i < question.options.len(),
            (QuestionKind::Multi, Value::Multi(bits)) => {
                question.options.len() >= 64 || bits >> question.options.len() == 0
            }
            (QuestionKind::YesNo, Value::Bool(_)) => true,
            (QuestionKind::Number { min, max }, Value::Number(n)) => n >= min && n <= max,
            (QuestionKind::Names { .. }, Value::Names(_)) => true,
            _ => false,
        }
    }
}

fn option_id(question: &Question, i: usize) -> String {
    question
        .options
        .get(i)
        .map(|o| o.id.clone())
        .unwrap_or_default()
}

/// Where a complete answer's value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The user answered it.
    Given,
    /// Asked, not answered: the default was assumed.
    Assumed,
    /// Not asked under the other answers: the default stands in, and any given answer was ignored.
    Hidden,
}

/// A value for every question of a rule set, in the rule set's question order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answers {
    pub values: Vec<Value>,
    pub sources: Vec<Source>,
}

impl Answers {
    pub fn is_asked(&self, question: usize) -> bool {
        self.sources.get(question) != Some(&Source::Hidden)
    }
}
