//! The rule set: questions, predicates, models, recommendation rules, findings and plan
//! templates, loaded from YAML and evaluated against answers. Knows nothing about terminals.

pub mod answers;
pub mod check;
pub mod describe;
pub mod diag;
pub mod evaluate;
pub mod explain;
pub mod expr;
pub mod load;
pub mod parse;
pub mod schema;
pub mod template;
pub mod testing;

use crate::model::decision::Severity;
use crate::model::plan::{AccountKind, Role};
use crate::model::question::Question;
use crate::yaml::{Node, Span};

pub use diag::{Diagnostic, Diagnostics, Level};
pub use expr::Expr;
pub use template::Template;

/// Where something is defined in the rule files.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Origin {
    pub file: String,
    pub span: Span,
}

/// A named, reusable condition.
#[derive(Debug, Clone, PartialEq)]
pub struct Predicate {
    pub name: String,
    /// Plain-language wording used when explaining why a question is not asked.
    pub description: Option<String>,
    pub expr: Expr,
    pub text: String,
    pub origin: Origin,
}

/// Text shown only when its condition holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Conditional {
    pub when: Option<Expr>,
    pub text: Template,
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub best_when: String,
    pub not_needed_when: String,
    /// The first entry whose condition holds says why this model was not chosen.
    pub why_not: Vec<Conditional>,
    /// The kind of the organization's own account.
    pub own_account: AccountKind,
    /// Account groups (by index) whose entries become accounts under this model.
    pub groups: Vec<usize>,
    pub origin: Origin,
}

/// "Recommend `model` when `when`", with the reasons to give.
#[derive(Debug, Clone, PartialEq)]
pub struct Recommendation {
    pub id: String,
    pub model: usize,
    /// Among matching rules, the highest priority wins.
    pub priority: i64,
    pub when: Expr,
    pub when_text: String,
    pub reasons: Vec<Conditional>,
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FindingRule {
    pub id: String,
    pub severity: Severity,
    pub when: Expr,
    pub when_text: String,
    pub message: Template,
    pub fix: Template,
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MemberTemplate {
    pub who: Template,
    pub role: Role,
    pub when: Option<Expr>,
    pub origin: Origin,
}

/// The organization's own account (standard or parent, by model).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OwnAccount {
    pub name: Template,
    pub members: Vec<MemberTemplate>,
}

/// Accounts made from the entries of a names answer, one per entry.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountGroup {
    pub id: String,
    pub kind: AccountKind,
    /// The names question the entries come from.
    pub from: usize,
    /// The group is used only when this holds.
    pub when: Option<Expr>,
    /// Name for a listed entry (`{item}`), and for the n-th of a counted entry (`{n}`).
    pub name: Template,
    pub numbered: Template,
    pub members: Vec<MemberTemplate>,
    pub origin: Origin,
}

/// Which accounts a step template is repeated for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepScope {
    /// Once, about the organization's own account.
    Own,
    /// Once per account of this kind.
    Kind(AccountKind),
    /// Once per account of this group.
    Group(usize),
}

#[derive(Debug, Clone, PartialEq)]
pub struct StepTemplate {
    /// Shared by every step made from this template.
    pub action: std::sync::Arc<str>,
    pub scope: StepScope,
    /// Only under these models (all when empty).
    pub models: Vec<usize>,
    pub when: Option<Expr>,
    pub description: Template,
    pub origin: Origin,
}

/// The seed's "who controls what" table.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Comparison {
    pub columns: Vec<ComparisonColumn>,
    pub rows: Vec<ComparisonRow>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ComparisonColumn {
    pub title: String,
    /// The models this column describes.
    pub models: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ComparisonRow {
    pub area: String,
    pub cells: Vec<String>,
}

/// A test case written in a rule file.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleTest {
    pub name: String,
    pub answers: Node,
    pub model: String,
    pub findings: Vec<String>,
    pub origin: Origin,
}

/// A whole rule set, resolved and ready to evaluate.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RuleSet {
    pub questions: Vec<Question>,
    pub predicates: Vec<Predicate>,
    pub models: Vec<Model>,
    pub recommendations: Vec<Recommendation>,
    pub findings: Vec<FindingRule>,
    pub own_account: OwnAccount,
    pub groups: Vec<AccountGroup>,
    pub steps: Vec<StepTemplate>,
    pub comparison: Comparison,
    pub tests: Vec<RuleTest>,
    /// The predicates' conditions alone, in order, as [`Expr::eval`] wants them.
    pub predicate_exprs: Vec<Expr>,
    /// Where the rules came from, e.g. `built-in rules` or a directory.
    pub source: String,
    /// The files' text, for diagnostics that quote them.
    pub sources: Vec<(String, String)>,
}

impl RuleSet {
    pub fn question(&self, id: &str) -> Option<usize> {
        self.questions.iter().position(|q| q.id == id)
    }

    pub fn model(&self, id: &str) -> Option<usize> {
        self.models.iter().position(|m| m.id == id)
    }
}
