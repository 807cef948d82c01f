//! Reading answers: from an answers file (every problem at once, with line and column) or from
//! text typed into the wizard, checked against the rule set's questions.

use std::collections::HashMap;

use serde_json::{Map, Value as Json};
use unicode_normalization::UnicodeNormalization;

use crate::model::answers::{Answers, Names, Source, Value};
use crate::model::question::{Question, QuestionKind};
use crate::rules::RuleSet;
use crate::rules::diag::{Diagnostic, Diagnostics};
use crate::rules::expr::suggest;
use crate::yaml::{self, Limits, Node, NodeKind, Span};

/// The most entries a names answer may have, listed or counted.
pub const MAX_NAMES: u64 = 200_000;
/// The longest text or name, in characters.
pub const MAX_TEXT: usize = 200;

/// Answers read from a file, with what was ignored.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    pub answers: Answers,
    /// The answers as given, by question (for the wizard to resume from).
    pub draft: Vec<Option<Value>>,
    pub warnings: Vec<Diagnostic>,
}

/// Reads an answers file's bytes; `file` names it in messages.
pub fn read(rules: &RuleSet, file: &str, bytes: &[u8]) -> Result<Loaded, Diagnostics> {
    let fail = |items: Vec<Diagnostic>| Diagnostics {
        items,
        sources: vec![(
            file.to_string(),
            String::from_utf8_lossy(bytes).into_owned(),
        )],
    };
    let root = match yaml::parse(bytes, &Limits::default()) {
        Ok(root) => root,
        Err(e) => {
            return Err(fail(vec![
                Diagnostic::error(file, e.span, e.message).in_words(),
            ]));
        }
    };
    from_node(rules, file, root.as_ref()).map_err(fail)
}

/// Checks an answers document already parsed (`None` for an empty one); `file` names it.
pub fn from_node(
    rules: &RuleSet,
    file: &str,
    root: Option<&Node>,
) -> Result<Loaded, Vec<Diagnostic>> {
    let mut problems = Vec::new();
    let mut draft: Vec<Option<Value>> = vec![None; rules.questions.len()];
    let mut places: Vec<Option<Span>> = vec![None; rules.questions.len()];
    match root {
        None => problems.push(Diagnostic::error(
            file,
            Span { line: 1, col: 1 },
            "the answers file is empty; it needs at least the required answers (see `account-advisor questions`)",
        )),
        Some(Node { kind: NodeKind::Map(entries), .. }) => {
            let mut seen: HashMap<usize, Span> = HashMap::new();
            for (key, value) in entries {
                let Some(name) = key.as_str().filter(|_| matches!(key.kind, NodeKind::Scalar { .. })) else {
                    problems.push(Diagnostic::error(file, key.span, format!(
                        "a key must be a question id, not {}", key.describe()
                    )));
                    continue;
                };
                let Some(q) = rules.question(name) else {
                    let hint = suggest(name, rules.questions.iter().map(|q| q.id.as_str()))
                        .map(|s| format!("; did you mean `{s}`?"))
                        .unwrap_or_else(|| "; see `account-advisor questions` for the known ids".to_string());
                    problems.push(
                        Diagnostic::error(file, key.span, format!("unknown question `{}`{hint}", brief(name)))
                            .with_len(name.chars().count()),
                    );
                    continue;
                };
                if let Some(first) = seen.insert(q, key.span) {
                    problems.push(Diagnostic::error(file, key.span, format!(
                        "`{name}` is answered twice (first on line {}); keep one", first.line
                    )));
                    continue;
                }
                places[q] = Some(key.span);
                match parse_value(&rules.questions[q], value) {
                    Ok(v) => draft[q] = Some(v),
                    // An empty value has no place of its own (the parser marks the next
                    // token), so point at its key.
                    Err((_, _, message)) if value.is_null() => {
                        problems.push(Diagnostic::error(file, key.span, message).with_len(name.chars().count()));
                    }
                    Err((span, len, message)) => {
                        problems.push(Diagnostic::error(file, span, message).with_len(len));
                    }
                }
            }
        }
        Some(other) => problems.push(Diagnostic::error(file, other.span, format!(
            "an answers file must be a mapping of question ids to answers (like `serves: own_business`), not {}",
            other.describe()
        ))),
    }

    // Which questions are asked depends on the answers: work it out from what parsed, so that
    // hidden answers are reported even when other answers have errors.
    let (answers, missing) = rules.complete(&draft);
    let mut warnings = Vec::new();
    for (q, question) in rules.questions.iter().enumerate() {
        if answers.sources[q] == Source::Hidden
            && let Some(span) = places[q]
        {
            {
                let why = question
                    .when
                    .as_ref()
                    .map(|w| rules.describe(w))
                    .unwrap_or_else(|| "never".to_string());
                warnings.push(Diagnostic::warning(
                    file,
                    span,
                    format!("{} is ignored: it is only asked when {why}", question.id),
                ));
            }
        }
    }
    let answered_any = root.is_some_and(|r| matches!(r.kind, NodeKind::Map(_)));
    if answered_any {
        for q in missing.into_iter().filter(|q| places[*q].is_none()) {
            let question = &rules.questions[q];
            problems.push(Diagnostic::error(
                file,
                Span { line: 0, col: 0 },
                format!(
                    "missing the required answer `{}` ({}); add a line such as `{}: {}`",
                    question.id,
                    question.prompt,
                    question.id,
                    example_value(question)
                ),
            ));
        }
    }
    if !problems.is_empty() {
        // Which questions are asked is not known for sure while answers are wrong, so warnings
        // about ignored answers would mislead: report the errors alone.
        return Err(problems.into_iter().map(Diagnostic::in_words).collect());
    }
    warnings.extend(shared_names(rules, file, &answers, &places));
    let mut warnings: Vec<Diagnostic> = warnings.into_iter().map(Diagnostic::in_words).collect();
    warnings.sort_by_key(|w| w.span);
    Ok(Loaded {
        answers,
        draft,
        warnings,
    })
}

/// Names that appear in two names answers (say a customer both billed by you and paying
/// itself) would get two accounts: say so.
fn shared_names(
    rules: &RuleSet,
    file: &str,
    answers: &Answers,
    places: &[Option<Span>],
) -> Vec<Diagnostic> {
    let mut first: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::new();
    for (q, question) in rules.questions.iter().enumerate() {
        let (Source::Given, Value::Names(Names::List(names))) =
            (answers.sources[q], &answers.values[q])
        else {
            continue;
        };
        for name in names {
            match first.get(&name.to_lowercase()) {
                Some(&other) if other != q => out.push(Diagnostic::warning(
                    file,
                    places[q].unwrap_or_default(),
                    format!(
                        "`{}` is listed in both {} and {}, so it gets an account for each; keep it in the one that fits",
                        brief(name),
                        rules.questions[other].id,
                        question.id
                    ),
                )),
                Some(_) => {}
                None => {
                    first.insert(name.to_lowercase(), q);
                }
            }
        }
    }
    out
}

fn example_value(question: &Question) -> String {
    match question.kind {
        QuestionKind::Choice | QuestionKind::Multi => question.option_ids().join(" | "),
        QuestionKind::Text { .. } => "Your Company Ltd".to_string(),
        QuestionKind::YesNo => "yes | no".to_string(),
        QuestionKind::Number { min, .. } => min.to_string(),
        QuestionKind::Names { .. } => "[First, Second]".to_string(),
    }
}

type Problem = (Span, usize, String);

fn width(node: &Node) -> usize {
    node.as_str().map(|s| s.chars().count()).unwrap_or(1)
}

/// Strips control characters (they must never reach a terminal or a plan), trims, and puts
/// the text in Unicode NFC form, so that "école" typed two ways is one name.
pub fn clean(text: &str) -> String {
    text.nfc()
        .filter(|c| !is_invisible_format(*c))
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A value as quoted in a message: cleaned, and cut short if long.
fn brief(text: &str) -> String {
    let text = clean(text);
    if text.chars().count() <= 60 {
        return text;
    }
    let mut short: String = text.chars().take(57).collect();
    short.push('…');
    short
}

/// Bidirectional overrides and zero-width characters: they can make a name display as
/// something else, so they are dropped like control characters.
fn is_invisible_format(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
}

/// Checks one answer node against its question.
pub fn parse_value(question: &Question, node: &Node) -> Result<Value, Problem> {
    let id = &question.id;
    let problem = |message: String| (node.span, width(node), message);
    match &question.kind {
        QuestionKind::Names { .. } | QuestionKind::Multi if node.is_null() => {
            Ok(match question.kind {
                QuestionKind::Multi => Value::Multi(0),
                _ => Value::Names(Names::List(Vec::new())),
            })
        }
        _ if node.is_null() => Err(problem(match question.default {
            Some(_) => format!(
                "`{id}` has no value; give one ({}) or remove the line to use the default",
                example_value(question)
            ),
            None => format!(
                "`{id}` has no value; it is required: give one ({})",
                example_value(question)
            ),
        })),
        QuestionKind::Text { min_len } => match &node.kind {
            NodeKind::Scalar { text, .. } => parse_text(question, text, *min_len).map_err(problem),
            _ => Err(problem(format!(
                "`{id}` must be text, not {}",
                node.describe()
            ))),
        },
        QuestionKind::Choice => match &node.kind {
            NodeKind::Scalar { text, .. } => parse_choice(question, text)
                .map(Value::Choice)
                .map_err(problem),
            _ => Err(problem(format!(
                "`{id}` takes one of: {}; not {}",
                question.option_ids().join(", "),
                node.describe()
            ))),
        },
        QuestionKind::Multi => {
            let items: Vec<&Node> = match &node.kind {
                NodeKind::Seq(items) => items.iter().collect(),
                NodeKind::Scalar { .. } => vec![node],
                NodeKind::Map(_) => {
                    return Err(problem(format!(
                        "`{id}` takes a list of: {}; not a mapping",
                        question.option_ids().join(", ")
                    )));
                }
            };
            let mut bits = 0u64;
            for item in items {
                let Some(text) = item.as_str() else {
                    return Err((
                        item.span,
                        1,
                        format!("`{id}` takes option ids, not {}", item.describe()),
                    ));
                };
                let i = parse_choice(question, text).map_err(|m| (item.span, width(item), m))?;
                bits |= 1u64 << i.min(63);
            }
            Ok(Value::Multi(bits))
        }
        QuestionKind::YesNo => match node.as_str().map(parse_yes_no) {
            Some(Some(b)) => Ok(Value::Bool(b)),
            _ => Err(problem(format!(
                "`{id}` is yes or no; `{}` is neither (use yes, no, true or false)",
                brief(node.as_str().unwrap_or("a list or mapping"))
            ))),
        },
        QuestionKind::Number { min, max } => match node.as_str() {
            Some(text) => parse_number(question, text, *min, *max).map_err(problem),
            None => Err(problem(format!(
                "`{id}` is a whole number, not {}",
                node.describe()
            ))),
        },
        QuestionKind::Names { min_len } => match &node.kind {
            NodeKind::Scalar { text, plain } => {
                if *plain || text.trim().parse::<i64>().is_ok() {
                    parse_count(question, text).map_err(problem)
                } else {
                    Err(problem(format!(
                        "`{id}` is a list of names (`[First, Second]` or one `- name` per line) or a count; \
                         `{}` is neither",
                        brief(text)
                    )))
                }
            }
            NodeKind::Seq(items) => {
                if items.len() as u64 > MAX_NAMES {
                    return Err(problem(format!(
                        "`{id}` lists {} names; at most {MAX_NAMES} are supported: give a count instead",
                        items.len()
                    )));
                }
                let mut names = Vec::with_capacity(items.len());
                let mut seen: HashMap<String, u32> = HashMap::with_capacity(items.len());
                for item in items {
                    if item.is_null() {
                        // An empty entry is marked at the next token; the list is the honest place.
                        return Err((
                            node.span,
                            1,
                            format!(
                                "`{id}` has an empty entry (a `-` with no name); remove it or write the name"
                            ),
                        ));
                    }
                    let Some(raw) = item.as_str() else {
                        return Err((
                            item.span,
                            1,
                            format!(
                                "each entry of `{id}` must be a name, not {}",
                                item.describe()
                            ),
                        ));
                    };
                    let name = check_name(question, raw, *min_len)
                        .map_err(|m| (item.span, width(item), m))?;
                    if let Some(line) = seen.insert(name.to_lowercase(), item.span.line) {
                        return Err((
                            item.span,
                            width(item),
                            format!(
                                "`{name}` is listed twice in `{id}` (also on line {line}); names must differ, ignoring case"
                            ),
                        ));
                    }
                    names.push(name);
                }
                Ok(Value::Names(Names::List(names)))
            }
            NodeKind::Map(_) => Err(problem(format!(
                "`{id}` is a list of names or a count, not a mapping"
            ))),
        },
    }
}

fn parse_text(question: &Question, raw: &str, min_len: usize) -> Result<Value, String> {
    let text = clean(raw);
    let n = text.chars().count();
    if n < min_len {
        return Err(format!(
            "`{}` needs at least {min_len} characters; `{text}` has {n}",
            question.id
        ));
    }
    if n > MAX_TEXT {
        return Err(format!(
            "`{}` is {n} characters long; at most {MAX_TEXT} are allowed",
            question.id
        ));
    }
    Ok(Value::Text(text))
}

fn parse_choice(question: &Question, raw: &str) -> Result<usize, String> {
    let text = raw.trim();
    if let Some(i) = question
        .options
        .iter()
        .position(|o| o.id.eq_ignore_ascii_case(text))
    {
        return Ok(i);
    }
    let hint = suggest(&text.to_lowercase(), question.option_ids())
        .map(|s| format!("did you mean `{s}`? "))
        .unwrap_or_default();
    Err(format!(
        "`{}` is not an answer to `{}`; {hint}use one of: {}",
        brief(text),
        question.id,
        question.option_ids().join(", ")
    ))
}

pub fn parse_yes_no(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "yes" | "true" => Some(true),
        "no" | "false" => Some(false),
        _ => None,
    }
}

fn parse_number(question: &Question, raw: &str, min: i64, max: i64) -> Result<Value, String> {
    let text = raw.trim();
    match text.parse::<i64>() {
        Ok(n) if n >= min && n <= max => Ok(Value::Number(n)),
        Ok(n) => Err(format!(
            "`{}` must be from {min} to {max}; {n} is out of range",
            question.id
        )),
        Err(_) => Err(format!(
            "`{}` must be a whole number from {min} to {max}; `{}` is not",
            question.id,
            brief(text)
        )),
    }
}

fn parse_count(question: &Question, raw: &str) -> Result<Value, String> {
    let text = raw.trim();
    match text.parse::<i64>() {
        Ok(n) if n >= 0 && n as u64 <= MAX_NAMES => Ok(Value::Names(Names::Count(n as u64))),
        Ok(n) if n < 0 => Err(format!(
            "`{}` cannot be negative; give a count of 0 or more",
            question.id
        )),
        Ok(n) => Err(format!(
            "`{}` is {n}; at most {MAX_NAMES} entries are supported",
            question.id
        )),
        Err(_) => Err(format!(
            "`{}` is a list of names (`[{}]`) or a whole number; `{}` is neither",
            question.id,
            brief(text),
            brief(text)
        )),
    }
}

fn check_name(question: &Question, raw: &str, min_len: usize) -> Result<String, String> {
    let name = clean(raw);
    let n = name.chars().count();
    if n < min_len {
        return Err(format!(
            "each name in `{}` needs at least {min_len} characters; `{name}` has {n}",
            question.id
        ));
    }
    if n > MAX_TEXT {
        return Err(format!(
            "a name in `{}` is {n} characters long; at most {MAX_TEXT} are allowed",
            question.id
        ));
    }
    Ok(name)
}

/// Reads text typed or pasted into the wizard as an answer to `question`.
/// Names are separated by newlines or commas; a lone whole number is a count.
pub fn parse_input(question: &Question, input: &str) -> Result<Value, String> {
    match &question.kind {
        QuestionKind::Text { min_len } => parse_text(question, input, *min_len),
        QuestionKind::Number { min, max } => parse_number(question, input, *min, *max),
        QuestionKind::YesNo => parse_yes_no(input)
            .map(Value::Bool)
            .ok_or_else(|| "answer yes or no".to_string()),
        QuestionKind::Choice => parse_choice(question, input).map(Value::Choice),
        QuestionKind::Multi => {
            let mut bits = 0u64;
            for part in input
                .split([',', '\n'])
                .map(str::trim)
                .filter(|p| !p.is_empty())
            {
                bits |= 1u64 << parse_choice(question, part)?.min(63);
            }
            Ok(Value::Multi(bits))
        }
        QuestionKind::Names { min_len } => {
            let trimmed = input.trim();
            if !trimmed.is_empty() && trimmed.chars().all(|c| c.is_ascii_digit()) {
                return parse_count(question, trimmed);
            }
            let mut names: Vec<String> = Vec::new();
            for part in input
                .split([',', '\n', '\r'])
                .map(clean)
                .filter(|p| !p.is_empty())
            {
                let name = check_name(question, &part, *min_len)?;
                if names.iter().any(|n| n.eq_ignore_ascii_case(&name)) {
                    return Err(format!(
                        "`{name}` is listed twice; names must differ, ignoring case"
                    ));
                }
                names.push(name);
            }
            if names.len() as u64 > MAX_NAMES {
                return Err(format!("at most {MAX_NAMES} names; give a count instead"));
            }
            Ok(Value::Names(Names::List(names)))
        }
    }
}

/// The answers as an answers file: the asked questions that were answered, in question order.
pub fn to_yaml(rules: &RuleSet, answers: &Answers) -> String {
    let mut map = Map::new();
    for (q, question) in rules.questions.iter().enumerate() {
        if answers.sources[q] == Source::Given {
            map.insert(question.id.clone(), answers.values[q].to_json(question));
        }
    }
    let body = yaml::to_string(&Json::Object(map)).unwrap_or_default();
    format!("# account-advisor answers file (see `account-advisor questions`)\n{body}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> RuleSet {
        match crate::rules::load::builtin() {
            Ok(rules) => rules,
            Err(e) => panic!("built-in rules: {e}"),
        }
    }

    fn errors(text: &str) -> Vec<String> {
        match read(&rules(), "a.yaml", text.as_bytes()) {
            Ok(_) => Vec::new(),
            Err(d) => d.items.iter().map(|d| d.to_string()).collect(),
        }
    }

    #[test]
    fn reads_a_valid_file_with_assumptions_and_ignored_answers() {
        let rules = rules();
        let loaded = read(
            &rules,
            "a.yaml",
            b"organization: Acme\nserves: own_business\ncustomers_own_billing: [A1, B2]\n",
        );
        let Ok(loaded) = loaded else {
            panic!("{loaded:?}")
        };
        assert_eq!(loaded.warnings.len(), 1);
        assert_eq!(
            loaded.warnings[0].to_string(),
            "a.yaml, line 3, column 1: warning: customers_own_billing is ignored: it is only asked when customer_billing is customers_pay or mixed"
        );
        let team = rules.question("team_size").unwrap_or(usize::MAX);
        assert_eq!(loaded.answers.values[team], Value::Number(1));
        assert_eq!(loaded.answers.sources[team], Source::Assumed);
    }

    #[test]
    fn reports_every_problem_with_its_place() {
        let got = errors(
            "organization: A\nserves: resellers\nteam_sise: 4\nteam_size: zero\nplan_tier: gold\n",
        );
        assert_eq!(got, vec![
            "a.yaml, line 1, column 15: error: `organization` needs at least 2 characters; `A` has 1",
            "a.yaml, line 2, column 9: error: `resellers` is not an answer to `serves`; use one of: own_business, external_customers, both",
            "a.yaml, line 3, column 1: error: unknown question `team_sise`; did you mean `team_size`?",
            "a.yaml, line 4, column 12: error: `team_size` must be a whole number from 1 to 100000; `zero` is not",
            "a.yaml, line 5, column 12: error: `plan_tier` is not an answer to `plan_tier`; use one of: free, pay_as_you_go, growth, professional, business, enterprise, unknown".replace("`plan_tier` is not", "`gold` is not").as_str(),
        ]);
    }

    #[test]
    fn reports_missing_required_answers_and_duplicates() {
        let got = errors("team_size: 2\nteam_size: 3\n");
        assert_eq!(got.len(), 3, "{got:?}");
        assert!(got[0].contains("answered twice (first on line 1)"));
        assert!(got[1].contains("missing the required answer `organization`"));
        assert!(got[2].contains("missing the required answer `serves`"));
    }

    #[test]
    fn checks_names_lists() {
        let got =
            errors("organization: Acme\nserves: own_business\nisolated_units: [North, north, X]\n");
        assert_eq!(
            got,
            vec![
                "a.yaml, line 3, column 25: error: `north` is listed twice in `isolated_units` (also on line 3); names must differ, ignoring case"
            ]
        );
        let got = errors("organization: Acme\nserves: own_business\nisolated_units: -3\n");
        assert!(got[0].contains("cannot be negative"), "{got:?}");
    }

    #[test]
    fn names_equal_after_unicode_normalization_are_duplicates() {
        let composed = "organization: Acme\nserves: own_business\nisolated_units: [\"\u{e9}cole\", \"e\u{301}cole\"]\n";
        let got = errors(composed);
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(got[0].contains("listed twice"), "{got:?}");
    }

    #[test]
    fn parses_typed_input() {
        let rules = rules();
        let units = &rules.questions[rules.question("isolated_units").unwrap_or(0)];
        assert_eq!(
            parse_input(units, "North, South\nEast\u{1b}[2J"),
            Ok(Value::Names(Names::List(vec![
                "North".into(),
                "South".into(),
                "East [2J".into()
            ])))
        );
        assert_eq!(
            parse_input(units, " 12 "),
            Ok(Value::Names(Names::Count(12)))
        );
        assert!(parse_input(units, "A, B").is_err());
    }
}
