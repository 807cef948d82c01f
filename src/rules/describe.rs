//! Conditions put into plain words, for messages such as "asked only when ...".

use crate::rules::RuleSet;
use crate::rules::expr::{CmpOp, Expr, SetTest};

impl RuleSet {
    /// The condition in words: `customer_billing is customers_pay or mixed`.
    pub fn describe(&self, expr: &Expr) -> String {
        self.words(expr, false)
    }

    fn words(&self, expr: &Expr, nested: bool) -> String {
        let id = |q: &usize| self.questions.get(*q).map(|q| q.id.as_str()).unwrap_or("?");
        let options = |q: &usize, mask: u64| -> Vec<String> {
            self.questions
                .get(*q)
                .map(|q| {
                    q.options
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| *i < 64 && mask & (1u64 << i) != 0)
                        .map(|(_, o)| o.id.clone())
                        .collect()
                })
                .unwrap_or_default()
        };
        match expr {
            Expr::Const(true) => "always".to_string(),
            Expr::Const(false) => "never".to_string(),
            Expr::And(list) => {
                let text = list
                    .iter()
                    .map(|e| self.words(e, true))
                    .collect::<Vec<_>>()
                    .join(" and ");
                if nested && list.len() > 1 {
                    format!("({text})")
                } else {
                    text
                }
            }
            Expr::Or(list) => {
                let text = list
                    .iter()
                    .map(|e| self.words(e, true))
                    .collect::<Vec<_>>()
                    .join(" or ");
                if nested && list.len() > 1 {
                    format!("({text})")
                } else {
                    text
                }
            }
            Expr::Not(inner) => match inner.as_ref() {
                Expr::Flag(q) => format!("{} is no", id(q)),
                Expr::Empty(q) => format!("{} is not empty", id(q)),
                Expr::ChoiceIn(q, mask) => {
                    format!("{} is not {}", id(q), either(&options(q, *mask), "or"))
                }
                other => format!("not {}", self.words(other, true)),
            },
            Expr::Predicate(p) => match self.predicates.get(*p) {
                Some(pred) => match &pred.description {
                    Some(text) => text.clone(),
                    None => self.words(&pred.expr, nested),
                },
                None => "?".to_string(),
            },
            Expr::Flag(q) => format!("{} is yes", id(q)),
            Expr::ChoiceIn(q, mask) => format!("{} is {}", id(q), either(&options(q, *mask), "or")),
            Expr::Has(q, test, mask) => {
                let list = options(q, *mask);
                match test {
                    SetTest::Any => format!("{} includes {}", id(q), either(&list, "or")),
                    SetTest::All => format!("{} includes {}", id(q), either(&list, "and")),
                    SetTest::Only => format!("{} has nothing but {}", id(q), either(&list, "or")),
                    SetTest::None => format!("{} includes none of {}", id(q), either(&list, "or")),
                }
            }
            Expr::Count(q, op, n) => {
                let relation = match op {
                    CmpOp::Eq => "is",
                    CmpOp::Ne => "is not",
                    CmpOp::Lt => "is less than",
                    CmpOp::Le => "is at most",
                    CmpOp::Gt => "is more than",
                    CmpOp::Ge => "is at least",
                };
                format!("{} {relation} {n}", id(q))
            }
            Expr::Empty(q) => format!("{} is empty", id(q)),
        }
    }
}

fn either(items: &[String], word: &str) -> String {
    match items {
        [] => "nothing".to_string(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} {word} {last}", rest.join(", ")),
    }
}
