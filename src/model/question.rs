//! A question as the rule set defines it: what is asked, why, which answers are allowed.

use crate::model::answers::Value;
use crate::rules::expr::Expr;
use crate::yaml::Span;

/// One allowed value of a choice or multi-choice question.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    pub id: String,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum QuestionKind {
    /// Free text of at least `min_len` characters after trimming.
    Text {
        min_len: usize,
    },
    /// Exactly one of the options.
    Choice,
    /// Any subset of the options.
    Multi,
    YesNo,
    /// A whole number in `min..=max`.
    Number {
        min: i64,
        max: i64,
    },
    /// A list of names (each `min_len`+ characters, no duplicates ignoring case) or a count.
    Names {
        min_len: usize,
    },
}

impl QuestionKind {
    /// The word used for this type in the answers-file reference and in `questions`.
    pub fn name(&self) -> &'static str {
        match self {
            QuestionKind::Text { .. } => "text",
            QuestionKind::Choice => "one_of",
            QuestionKind::Multi => "any_of",
            QuestionKind::YesNo => "yes_no",
            QuestionKind::Number { .. } => "number",
            QuestionKind::Names { .. } => "names",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    pub id: String,
    pub prompt: String,
    /// Why the question is asked, in a sentence or two.
    pub help: String,
    pub kind: QuestionKind,
    pub options: Vec<Choice>,
    /// `None` means the question is required.
    pub default: Option<Value>,
    /// When the question is asked; `None` means always.
    pub when: Option<Expr>,
    /// The condition as the rule author wrote it, for messages and the reference.
    pub when_text: Option<String>,
    /// The questions `when` reads, through predicates too: the question is asked only when
    /// all of them are asked.
    pub depends_on: Vec<usize>,
    /// Where the question is defined, for diagnostics.
    pub file: String,
    pub span: Span,
}

impl Question {
    pub fn option_index(&self, id: &str) -> Option<usize> {
        self.options.iter().position(|o| o.id == id)
    }

    pub fn option_ids(&self) -> Vec<&str> {
        self.options.iter().map(|o| o.id.as_str()).collect()
    }
}
