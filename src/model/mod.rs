//! Plain data shared by every part of the program: questions, answer values, decisions and plans.

pub mod answers;
pub mod decision;
pub mod plan;
pub mod question;

pub use answers::{Answers, Names, Value};
pub use decision::{Alternative, Decision, Finding, Report, Severity};
pub use plan::{Account, AccountKind, AgencyGrant, Assumption, Billing, Member, Plan, Role, Step};
pub use question::{Choice, Question, QuestionKind};
