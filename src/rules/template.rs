//! Text templates in rule files: `{question_id}`, `{question_id.count}`, `{question_id.list}`,
//! and in account and step templates `{item}`, `{n}`, `{account}`.

use crate::model::answers::{Names, Value};
use crate::model::question::{Question, QuestionKind};
use crate::rules::expr::suggest;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The answer as a person reads it.
    Plain,
    /// How many names or options.
    Count,
    /// Names joined as "A, B and 3 more".
    List,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    Text(String),
    Answer(usize, Format),
    /// The name of the list entry an account is made for.
    Item,
    /// The entry's number, 1-based.
    Number,
    /// The display name of the account a step or member is about.
    Account,
    /// `{q.count:one|many}`: the count, then the singular or plural wording.
    Counted(usize, String, String),
}

/// Which placeholders a template may use besides answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Allow {
    pub item: bool,
    pub account: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Template {
    pub parts: Vec<Part>,
}

/// The values a template is rendered with.
pub struct Context<'a> {
    pub questions: &'a [Question],
    pub values: &'a [Value],
    pub item: &'a str,
    pub number: u64,
    pub account: &'a str,
}

impl Template {
    /// Parses `text`; errors are (character offset, length, message).
    pub fn parse(
        text: &str,
        questions: &[Question],
        allow: Allow,
    ) -> Result<Template, Vec<(usize, usize, String)>> {
        let mut parts = Vec::new();
        let mut errors = Vec::new();
        let mut literal = String::new();
        let chars: Vec<char> = text.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            match chars[i] {
                '{' if chars.get(i + 1) == Some(&'{') => {
                    literal.push('{');
                    i += 2;
                }
                '}' if chars.get(i + 1) == Some(&'}') => {
                    literal.push('}');
                    i += 2;
                }
                '{' => {
                    let Some(len) = chars[i + 1..].iter().position(|c| *c == '}') else {
                        errors.push((
                            i,
                            1,
                            "`{` is not closed; write `{{` for a literal brace".to_string(),
                        ));
                        break;
                    };
                    let name: String = chars[i + 1..i + 1 + len].iter().collect();
                    if !literal.is_empty() {
                        parts.push(Part::Text(std::mem::take(&mut literal)));
                    }
                    match placeholder(name.trim(), questions, allow) {
                        Ok(part) => parts.push(part),
                        Err(message) => errors.push((i, len + 2, message)),
                    }
                    i += len + 2;
                }
                c => {
                    literal.push(c);
                    i += 1;
                }
            }
        }
        if !literal.is_empty() {
            parts.push(Part::Text(literal));
        }
        if errors.is_empty() {
            Ok(Template { parts })
        } else {
            Err(errors)
        }
    }

    pub fn render(&self, ctx: &Context<'_>) -> String {
        // Sized up front: plans render this hundreds of thousands of times.
        let hint: usize = self
            .parts
            .iter()
            .map(|p| match p {
                Part::Text(text) => text.len(),
                Part::Account => ctx.account.len(),
                Part::Item => ctx.item.len(),
                _ => 12,
            })
            .sum();
        let mut out = String::with_capacity(hint);
        for part in &self.parts {
            match part {
                Part::Text(text) => out.push_str(text),
                Part::Item => out.push_str(ctx.item),
                Part::Account => out.push_str(ctx.account),
                Part::Number => out.push_str(&ctx.number.to_string()),
                Part::Counted(q, one, many) => {
                    let n = ctx
                        .values
                        .get(*q)
                        .and_then(crate::rules::expr::count_of)
                        .unwrap_or(0);
                    out.push_str(&n.to_string());
                    out.push(' ');
                    out.push_str(if n == 1 { one } else { many });
                }
                Part::Answer(q, format) => {
                    if let (Some(question), Some(value)) =
                        (ctx.questions.get(*q), ctx.values.get(*q))
                    {
                        render_answer(&mut out, question, value, *format);
                    }
                }
            }
        }
        out
    }

    /// The questions this template reads.
    pub fn questions(&self) -> impl Iterator<Item = usize> + '_ {
        self.parts.iter().filter_map(|p| match p {
            Part::Answer(q, _) | Part::Counted(q, _, _) => Some(*q),
            _ => None,
        })
    }
}

fn placeholder(name: &str, questions: &[Question], allow: Allow) -> Result<Part, String> {
    match name {
        "item" if allow.item => return Ok(Part::Item),
        "n" if allow.item => return Ok(Part::Number),
        "account" if allow.account => return Ok(Part::Account),
        "item" | "n" => {
            return Err(format!(
                "`{{{name}}}` is only known in account group templates"
            ));
        }
        "account" => {
            return Err("`{account}` is only known in member and step templates".to_string());
        }
        _ => {}
    }
    if let Some((head, forms)) = name.split_once(':') {
        let Some((_, "count")) = head.split_once('.') else {
            return Err(format!(
                "`{{{name}}}`: singular and plural forms go after `.count`, as in `{{customers.count:customer|customers}}`"
            ));
        };
        let Some((one, many)) = forms.split_once('|') else {
            return Err(format!(
                "`{{{name}}}` needs both forms, singular first: `{{{head}:customer|customers}}`"
            ));
        };
        let Part::Answer(q, _) = placeholder(head, questions, allow)? else {
            return Err(format!("`{{{head}}}` is not an answer"));
        };
        return Ok(Part::Counted(q, one.to_string(), many.to_string()));
    }
    let (id, format) = match name.split_once('.') {
        Some((id, "count")) => (id, Format::Count),
        Some((id, "list")) => (id, Format::List),
        Some((_, other)) => {
            return Err(format!(
                "unknown format `.{other}`; use `.count` or `.list`"
            ));
        }
        None => (name, Format::Plain),
    };
    let Some(q) = questions.iter().position(|q| q.id == id) else {
        let mut known: Vec<&str> = questions.iter().map(|q| q.id.as_str()).collect();
        if allow.item {
            known.extend(["item", "n"]);
        }
        if allow.account {
            known.push("account");
        }
        let hint = suggest(id, known)
            .map(|s| format!("; did you mean `{s}`?"))
            .unwrap_or_default();
        return Err(format!("unknown placeholder `{{{name}}}`{hint}"));
    };
    let listy = matches!(
        questions[q].kind,
        QuestionKind::Names { .. } | QuestionKind::Multi
    );
    if format != Format::Plain && !listy {
        return Err(format!(
            "`.count` and `.list` need a names or any-of question; `{id}` is not one"
        ));
    }
    Ok(Part::Answer(q, format))
}

fn render_answer(out: &mut String, question: &Question, value: &Value, format: Format) {
    match (value, format) {
        (Value::Names(names), Format::Count) => out.push_str(&names.len().to_string()),
        (Value::Multi(bits), Format::Count) => out.push_str(&bits.count_ones().to_string()),
        (Value::Names(Names::List(names)), Format::List | Format::Plain) => {
            out.push_str(&join_names(names, 5));
        }
        (Value::Names(Names::Count(n)), Format::List) => out.push_str(&format!("{n} unnamed")),
        (Value::Choice(i), _) => {
            let label = question
                .options
                .get(*i)
                .map(|o| o.label.as_str())
                .unwrap_or_default();
            out.push_str(label);
        }
        (Value::Multi(bits), _) => {
            let labels: Vec<String> = question
                .options
                .iter()
                .enumerate()
                .filter(|(i, _)| *i < 64 && bits & (1u64 << i) != 0)
                .map(|(_, o)| o.label.clone())
                .collect();
            out.push_str(&join_names(&labels, 6));
        }
        _ => out.push_str(&value.display(question)),
    }
}

/// "A", "A and B", "A, B and C", "A, B, C, D, E and 395 more".
pub fn join_names(names: &[String], shown: usize) -> String {
    match names.len() {
        0 => "none".to_string(),
        1 => names[0].clone(),
        n if n <= shown => format!("{} and {}", names[..n - 1].join(", "), names[n - 1]),
        n => format!("{} and {} more", names[..shown].join(", "), n - shown),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Choice;
    use crate::yaml::Span;

    fn questions() -> Vec<Question> {
        let q = |id: &str, kind| Question {
            id: id.into(),
            prompt: String::new(),
            help: String::new(),
            kind,
            options: vec![Choice {
                id: "we_pay".into(),
                label: "We pay".into(),
            }],
            default: None,
            when: None,
            when_text: None,
            depends_on: Vec::new(),
            file: String::new(),
            span: Span::default(),
        };
        vec![
            q("organization", QuestionKind::Text { min_len: 2 }),
            q("customers", QuestionKind::Names { min_len: 2 }),
            q("billing", QuestionKind::Choice),
        ]
    }

    #[test]
    fn renders_answers_items_and_counts() {
        let qs = questions();
        let allow = Allow {
            item: true,
            account: true,
        };
        let t = Template::parse(
            "{organization}: {customers.count} ({customers.list}), {billing}, {item} #{n} in {account} {{x}}",
            &qs,
            allow,
        );
        let values = vec![
            Value::Text("Acme".into()),
            Value::Names(Names::List(vec!["A".into(), "B".into(), "C".into()])),
            Value::Choice(0),
        ];
        let ctx = Context {
            questions: &qs,
            values: &values,
            item: "Bakery",
            number: 7,
            account: "Parent",
        };
        assert_eq!(
            t.map(|t| t.render(&ctx)),
            Ok("Acme: 3 (A, B and C), We pay, Bakery #7 in Parent {x}".to_string())
        );
    }

    #[test]
    fn rejects_unknown_and_misplaced_placeholders() {
        let qs = questions();
        let none = Allow {
            item: false,
            account: false,
        };
        let errors = Template::parse(
            "Hi {organisation} and {item} and {billing.count} {",
            &qs,
            none,
        )
        .err()
        .unwrap_or_default();
        assert_eq!(errors.len(), 4);
        assert_eq!((errors[0].0, errors[0].1), (3, 14));
        assert!(errors[0].2.contains("did you mean `organization`"));
        assert!(errors[1].2.contains("only known in account group"));
        assert!(errors[2].2.contains("names or any-of"));
        assert!(errors[3].2.contains("not closed"));
    }

    #[test]
    fn counts_choose_singular_or_plural_wording() {
        let qs = questions();
        let allow = Allow {
            item: false,
            account: false,
        };
        let t = Template::parse(
            "{customers.count:client owns|clients own} ({customers.list})",
            &qs,
            allow,
        );
        let render = |values: Vec<Value>| {
            let ctx = Context {
                questions: &qs,
                values: &values,
                item: "",
                number: 0,
                account: "",
            };
            t.as_ref().map(|t| t.render(&ctx)).unwrap_or_default()
        };
        let with = |names: Names| {
            vec![
                Value::Text("Acme".into()),
                Value::Names(names),
                Value::Choice(0),
            ]
        };
        assert_eq!(
            render(with(Names::List(vec!["Solo".into()]))),
            "1 client owns (Solo)"
        );
        assert_eq!(render(with(Names::Count(3))), "3 clients own (3 unnamed)");
        assert!(Template::parse("{customers.count:one}", &qs, allow).is_err());
        assert!(Template::parse("{organization:a|b}", &qs, allow).is_err());
    }

    #[test]
    fn joins_long_lists_with_a_count() {
        let names: Vec<String> = (1..=8).map(|i| format!("N{i}")).collect();
        assert_eq!(join_names(&names, 5), "N1, N2, N3, N4, N5 and 3 more");
        assert_eq!(join_names(&names[..2], 5), "N1 and N2");
    }
}
