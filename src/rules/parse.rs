//! Rule files (YAML text) into a resolved [`RuleSet`], collecting every problem with its
//! file, line and column. Pure: the caller reads the files.

use std::collections::HashMap;

use crate::model::decision::Severity;
use crate::model::plan::{AccountKind, Role};
use crate::model::question::{Choice, Question, QuestionKind};
use crate::rules::answers::parse_value;
use crate::rules::diag::{Diagnostic, Diagnostics};
use crate::rules::expr::{self, Ast, Expr, Scope, suggest};
use crate::rules::template::{Allow, Template};
use crate::rules::{
    AccountGroup, Comparison, ComparisonColumn, ComparisonRow, Conditional, FindingRule,
    MemberTemplate, Model, Origin, OwnAccount, Predicate, Recommendation, RuleSet, RuleTest,
    StepScope, StepTemplate,
};
use crate::yaml::{self, Limits, Node, NodeKind, Span};

/// The sections a rule file may hold, each optional; list sections add up across files.
pub const SECTIONS: &[&str] = &[
    "questions",
    "predicates",
    "models",
    "recommendations",
    "findings",
    "own_account",
    "account_groups",
    "steps",
    "comparison",
    "tests",
];

/// The keys each kind of mapping in a rule file accepts. The rules JSON Schema is tested
/// against these lists, so the schema and the parser cannot drift apart.
pub mod keys {
    pub const QUESTION: &[&str] = &[
        "id",
        "prompt",
        "help",
        "type",
        "options",
        "default",
        "when",
        "min_length",
        "min",
        "max",
    ];
    pub const OPTION: &[&str] = &["id", "label"];
    pub const PREDICATE: &[&str] = &["when", "description"];
    pub const CONDITIONAL: &[&str] = &["when", "text"];
    pub const MODEL: &[&str] = &[
        "id",
        "title",
        "summary",
        "best_when",
        "not_needed_when",
        "own_account",
        "groups",
        "why_not",
    ];
    pub const RECOMMENDATION: &[&str] = &["id", "model", "priority", "when", "reasons"];
    pub const FINDING: &[&str] = &["id", "severity", "when", "message", "fix"];
    pub const OWN_ACCOUNT: &[&str] = &["name", "members"];
    pub const MEMBER: &[&str] = &["who", "role", "when"];
    pub const GROUP: &[&str] = &["id", "kind", "from", "when", "name", "numbered", "members"];
    pub const STEP: &[&str] = &["action", "for", "models", "when", "description"];
    pub const COMPARISON: &[&str] = &["columns", "rows"];
    pub const COLUMN: &[&str] = &["title", "models"];
    pub const ROW: &[&str] = &["area", "cells"];
    pub const TEST: &[&str] = &["name", "answers", "model", "findings"];
}

/// A rule set that parsed, with any warnings.
pub struct Parsed {
    pub rules: RuleSet,
    pub warnings: Vec<Diagnostic>,
}

/// Parses rule files given as (name, text), in the order given.
pub fn parse(files: &[(String, String)], source: &str) -> Result<Parsed, Diagnostics> {
    let mut p = Parser {
        diags: Vec::new(),
        file: String::new(),
    };
    let rules = p.rule_set(files, source);
    let fail = |items| Diagnostics {
        items,
        sources: files.to_vec(),
    };
    if p.diags.iter().any(Diagnostic::is_error) {
        return Err(fail(p.diags));
    }
    Ok(Parsed {
        rules,
        warnings: p.diags,
    })
}

struct Parser {
    diags: Vec<Diagnostic>,
    /// The file being read, for diagnostics.
    file: String,
}

/// A mapping's entries by key, after unknown and duplicate keys were reported.
struct Fields<'n> {
    entries: Vec<(&'n str, &'n Node)>,
}

impl<'n> Fields<'n> {
    fn get(&self, key: &str) -> Option<&'n Node> {
        self.entries
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| *v)
    }
}

/// Sections gathered from every file, each node with the file it came from.
#[derive(Default)]
struct Sections<'n> {
    by_name: HashMap<&'static str, Vec<(String, &'n Node)>>,
}

impl Parser {
    fn error(&mut self, span: Span, message: impl Into<String>) {
        self.diags
            .push(Diagnostic::error(&self.file, span, message));
    }

    fn error_len(&mut self, span: Span, len: usize, message: impl Into<String>) {
        self.diags
            .push(Diagnostic::error(&self.file, span, message).with_len(len));
    }

    fn origin(&self, node: &Node) -> Origin {
        Origin {
            file: self.file.clone(),
            span: node.span,
        }
    }

    fn fields<'n>(
        &mut self,
        node: &'n Node,
        what: &str,
        known: &[&str],
        required: &[&str],
    ) -> Option<Fields<'n>> {
        let NodeKind::Map(map) = &node.kind else {
            self.error(
                node.span,
                format!(
                    "{what} must be a mapping with {}, not {}",
                    known.join(", "),
                    node.describe()
                ),
            );
            return None;
        };
        let mut entries: Vec<(&'n str, &'n Node)> = Vec::new();
        // Keys a misspelling was taken for: their absence is already reported.
        let mut suggested: Vec<&str> = Vec::new();
        for (key, value) in map {
            let Some(name) = key
                .as_str()
                .filter(|_| matches!(key.kind, NodeKind::Scalar { .. }))
            else {
                self.error(
                    key.span,
                    format!("keys in {what} must be words, not {}", key.describe()),
                );
                continue;
            };
            if !known.contains(&name) {
                let hint = suggest(name, known.iter().copied())
                    .inspect(|s| suggested.push(s))
                    .map(|s| format!("did you mean `{s}`?"))
                    .unwrap_or_else(|| format!("known keys: {}", known.join(", ")));
                self.error_len(
                    key.span,
                    name.chars().count(),
                    format!("unknown key `{name}` in {what}; {hint}"),
                );
                continue;
            }
            if entries.iter().any(|(k, _)| *k == name) {
                self.error_len(
                    key.span,
                    name.chars().count(),
                    format!("`{name}` is given twice in {what}"),
                );
                continue;
            }
            entries.push((name, value));
        }
        for key in required {
            if !entries.iter().any(|(k, _)| k == key) && !suggested.contains(key) {
                self.error(node.span, format!("{what} needs `{key}`"));
            }
        }
        Some(Fields { entries })
    }

    fn string(&mut self, node: &Node, what: &str) -> Option<String> {
        match &node.kind {
            NodeKind::Scalar { text, .. } if !node.is_null() => Some(text.trim().to_string()),
            _ => {
                self.error(
                    node.span,
                    format!("{what} must be text, not {}", node.describe()),
                );
                None
            }
        }
    }

    fn id(&mut self, node: &Node, what: &str) -> Option<String> {
        let text = self.string(node, what)?;
        let ok = text.chars().next().is_some_and(|c| c.is_ascii_lowercase())
            && text
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if ok {
            Some(text)
        } else {
            self.error_len(node.span, text.chars().count(), format!(
                "{what} `{text}` must be snake_case: lowercase letters, digits and `_`, starting with a letter"
            ));
            None
        }
    }

    fn list<'n>(&mut self, node: &'n Node, what: &str) -> &'n [Node] {
        match &node.kind {
            NodeKind::Seq(items) => items,
            _ if node.is_null() => &[],
            _ => {
                self.error(
                    node.span,
                    format!("{what} must be a list, not {}", node.describe()),
                );
                &[]
            }
        }
    }

    fn text_field(&mut self, fields: &Fields, key: &str, what: &str) -> String {
        match fields.get(key) {
            Some(node) => self
                .string(node, &format!("`{key}` of {what}"))
                .unwrap_or_default(),
            None => String::new(),
        }
    }

    /// Where inside `node` the character `offset` of its text is, for conditions and templates.
    fn place(node: &Node, offset: usize) -> Span {
        let quoted = matches!(node.kind, NodeKind::Scalar { plain: false, .. });
        let single_line = node.as_str().is_some_and(|t| !t.contains('\n'));
        if !single_line {
            return node.span;
        }
        let shift = u32::try_from(offset).unwrap_or(0) + u32::from(quoted);
        Span {
            line: node.span.line,
            col: node.span.col + shift,
        }
    }

    fn condition(&mut self, node: &Node, scope: &Scope) -> Option<(Expr, String)> {
        let text = match &node.kind {
            NodeKind::Scalar { text, .. } if !node.is_null() => text.clone(),
            NodeKind::Scalar { .. } => {
                self.error(node.span, "the condition is empty; write `true` for always");
                return None;
            }
            _ => {
                self.error(node.span, format!(
                    "a condition is text such as `serves == own_business and team_size >= 2`, not {}",
                    node.describe()
                ));
                return None;
            }
        };
        let ast: Ast = match expr::parse(&text) {
            Ok(ast) => ast,
            Err(e) => {
                self.error_len(
                    Self::place(node, e.offset),
                    e.len,
                    format!("{} in `{}`", e.message, text.trim()),
                );
                return None;
            }
        };
        let mut errors = Vec::new();
        let resolved = scope.resolve(&ast, &mut errors);
        for e in &errors {
            self.error_len(Self::place(node, e.offset), e.len, e.message.clone());
        }
        errors
            .is_empty()
            .then_some((resolved, text.trim().to_string()))
    }

    fn template(
        &mut self,
        node: &Node,
        questions: &[Question],
        allow: Allow,
        what: &str,
    ) -> Option<Template> {
        let text = self.string(node, what)?;
        let raw = node.as_str().unwrap_or_default();
        let lead = raw.chars().count() - raw.trim_start().chars().count();
        match Template::parse(&text, questions, allow) {
            Ok(t) => Some(t),
            Err(errors) => {
                for (offset, len, message) in errors {
                    self.error_len(Self::place(node, offset + lead), len, message);
                }
                None
            }
        }
    }

    // -----------------------------------------------------------------------------------------

    fn rule_set(&mut self, files: &[(String, String)], source: &str) -> RuleSet {
        let mut roots: Vec<(String, Node)> = Vec::new();
        for (name, text) in files {
            self.file = name.clone();
            match yaml::parse(text.as_bytes(), &Limits::default()) {
                Ok(Some(root)) => roots.push((name.clone(), root)),
                Ok(None) => {}
                Err(e) => {
                    // The YAML scanner blames the indentation when a quote is left open.
                    let message = if e.message.contains("quoted scalar") {
                        let cause = e
                            .message
                            .find("(yaml:")
                            .map(|i| &e.message[i..])
                            .unwrap_or("");
                        format!(
                            "a quoted text starting here is not closed; add the closing quote {cause}"
                        )
                    } else {
                        e.message
                    };
                    self.error(e.span, message)
                }
            }
        }
        let mut sections = Sections::default();
        for (name, root) in &roots {
            self.file = name.clone();
            let Some(fields) = self.fields(root, "a rule file", SECTIONS, &[]) else {
                continue;
            };
            for (key, node) in fields.entries {
                if let Some(section) = SECTIONS.iter().find(|s| **s == key) {
                    sections
                        .by_name
                        .entry(section)
                        .or_default()
                        .push((name.clone(), node));
                }
            }
        }
        let mut rules = RuleSet {
            source: source.to_string(),
            sources: files.to_vec(),
            ..RuleSet::default()
        };
        let list = |name: &str| sections.by_name.get(name).cloned().unwrap_or_default();

        // Questions first: everything else refers to them.
        let mut whens: Vec<Option<(String, &Node)>> = Vec::new();
        for (file, node) in list("questions") {
            self.file = file.clone();
            for item in self.list(node, "`questions`") {
                if let Some((question, when)) = self.question(item, &rules.questions) {
                    rules.questions.push(question);
                    whens.push(when.map(|w| (file.clone(), w)));
                }
            }
        }

        // Predicate names, so that conditions anywhere may use any predicate.
        let mut predicate_nodes: Vec<(String, &Node, &Node)> = Vec::new();
        for (file, node) in list("predicates") {
            self.file = file.clone();
            let NodeKind::Map(entries) = &node.kind else {
                self.error(
                    node.span,
                    format!(
                        "`predicates` must be a mapping of names to conditions, not {}",
                        node.describe()
                    ),
                );
                continue;
            };
            for (key, value) in entries {
                let Some(name) = self.id(key, "a predicate name") else {
                    continue;
                };
                if predicate_nodes
                    .iter()
                    .any(|(_, k, _)| k.as_str() == Some(name.as_str()))
                {
                    self.error_len(
                        key.span,
                        name.len(),
                        format!("predicate `{name}` is defined twice"),
                    );
                    continue;
                }
                if rules.question(&name).is_some() {
                    self.error_len(
                        key.span,
                        name.len(),
                        format!("predicate `{name}` has the name of a question; rename it"),
                    );
                    continue;
                }
                predicate_nodes.push((file.clone(), key, value));
            }
        }
        let names: Vec<String> = predicate_nodes
            .iter()
            .map(|(_, k, _)| k.as_str().unwrap_or_default().to_string())
            .collect();
        let all = Scope {
            questions: &rules.questions,
            visible: rules.questions.len(),
            predicates: &names,
        };
        for (file, key, value) in &predicate_nodes {
            self.file = file.clone();
            let (cond_node, description) = match &value.kind {
                NodeKind::Map(_) => {
                    let Some(f) = self.fields(value, "a predicate", keys::PREDICATE, &["when"])
                    else {
                        continue;
                    };
                    let description = f
                        .get("description")
                        .and_then(|d| self.string(d, "`description`"));
                    match f.get("when") {
                        Some(w) => (w, description),
                        None => continue,
                    }
                }
                _ => (*value, None),
            };
            let (expr, text) = self
                .condition(cond_node, &all)
                .unwrap_or((Expr::Const(false), String::new()));
            rules.predicates.push(Predicate {
                name: key.as_str().unwrap_or_default().to_string(),
                description,
                expr,
                text,
                origin: Origin {
                    file: file.clone(),
                    span: key.span,
                },
            });
        }
        rules.predicate_exprs = rules.predicates.iter().map(|p| p.expr.clone()).collect();
        self.check_predicate_cycles(&rules);

        for (i, when) in whens.iter().enumerate() {
            let Some((file, node)) = when else { continue };
            self.file = file.clone();
            let scope = Scope {
                visible: i,
                ..all_scope(&rules.questions, &names)
            };
            if let Some((expr, text)) = self.condition(node, &scope) {
                self.check_reads_earlier(&rules, i, &expr, node);
                let mut read = Vec::new();
                reads(
                    &rules,
                    &expr,
                    &mut read,
                    &mut vec![false; rules.predicates.len()],
                );
                read.sort_unstable();
                read.dedup();
                rules.questions[i].depends_on = read;
                rules.questions[i].when = Some(expr);
                rules.questions[i].when_text = Some(text);
            }
        }

        let scope = all_scope(&rules.questions, &names);
        for (file, node) in list("account_groups") {
            self.file = file.clone();
            for item in self.list(node, "`account_groups`") {
                if let Some(group) = self.group(item, &rules, &scope) {
                    rules.groups.push(group);
                }
            }
        }
        for (file, node) in list("models") {
            self.file = file.clone();
            for item in self.list(node, "`models`") {
                if let Some(model) = self.model(item, &rules, &scope) {
                    rules.models.push(model);
                }
            }
        }
        for (file, node) in list("recommendations") {
            self.file = file.clone();
            for item in self.list(node, "`recommendations`") {
                if let Some(rule) = self.recommendation(item, &rules, &scope) {
                    rules.recommendations.push(rule);
                }
            }
        }
        for (file, node) in list("findings") {
            self.file = file.clone();
            for item in self.list(node, "`findings`") {
                if let Some(finding) = self.finding(item, &rules, &scope) {
                    rules.findings.push(finding);
                }
            }
        }
        let own = list("own_account");
        for (n, (file, node)) in own.iter().enumerate() {
            self.file = file.clone();
            if n > 0 {
                self.error(
                    node.span,
                    "`own_account` is defined in more than one file; keep one",
                );
                continue;
            }
            if let Some(f) = self.fields(node, "`own_account`", keys::OWN_ACCOUNT, &["name"]) {
                let allow = Allow {
                    item: false,
                    account: false,
                };
                rules.own_account = OwnAccount {
                    name: f
                        .get("name")
                        .and_then(|n| self.template(n, &rules.questions, allow, "`name`"))
                        .unwrap_or_default(),
                    members: f
                        .get("members")
                        .map(|m| self.members(m, &rules, &scope, allow))
                        .unwrap_or_default(),
                };
            }
        }
        for (file, node) in list("steps") {
            self.file = file.clone();
            for item in self.list(node, "`steps`") {
                if let Some(step) = self.step(item, &rules, &scope) {
                    rules.steps.push(step);
                }
            }
        }
        for (n, (file, node)) in list("comparison").iter().enumerate() {
            self.file = file.clone();
            if n > 0 {
                self.error(
                    node.span,
                    "`comparison` is defined in more than one file; keep one",
                );
                continue;
            }
            rules.comparison = self.comparison(node, &rules);
        }
        for (file, node) in list("tests") {
            self.file = file.clone();
            for item in self.list(node, "`tests`") {
                if let Some(test) = self.test(item, &rules) {
                    rules.tests.push(test);
                }
            }
        }
        self.check_duplicates(&rules);
        if rules.questions.is_empty() && !self.diags.iter().any(Diagnostic::is_error) {
            self.file = files.first().map(|(n, _)| n.clone()).unwrap_or_default();
            self.error(
                Span::default(),
                "the rule set has no questions; add a `questions:` section",
            );
        }
        if rules.models.is_empty() && !self.diags.iter().any(Diagnostic::is_error) {
            self.error(
                Span::default(),
                "the rule set has no models; add a `models:` section",
            );
        }
        rules
    }

    fn question<'n>(
        &mut self,
        node: &'n Node,
        earlier: &[Question],
    ) -> Option<(Question, Option<&'n Node>)> {
        let f = self.fields(
            node,
            "a question",
            keys::QUESTION,
            &["id", "prompt", "type"],
        )?;
        let id = f.get("id").and_then(|n| self.id(n, "a question id"))?;
        if let Some(first) = earlier.iter().find(|q| q.id == id) {
            self.error_len(
                f.get("id").map(|n| n.span).unwrap_or(node.span),
                id.len(),
                format!(
                    "question `{id}` is defined twice (first at {}:{}:{})",
                    first.file, first.span.line, first.span.col
                ),
            );
            return None;
        }
        let prompt = self.text_field(&f, "prompt", "a question");
        let help = self.text_field(&f, "help", "a question");
        let type_node = f.get("type")?;
        let type_name = self.string(type_node, "`type`")?;
        let int = |p: &mut Parser, key: &str, default: i64| -> i64 {
            match f.get(key) {
                None => default,
                Some(n) => match n.as_str().and_then(|t| t.trim().parse::<i64>().ok()) {
                    Some(v) => v,
                    None => {
                        let text = n.as_str().unwrap_or_default().trim().to_string();
                        p.error_len(
                            n.span,
                            text.chars().count(),
                            format!("`{key}` must be a whole number, not `{text}`"),
                        );
                        default
                    }
                },
            }
        };
        let kind = match type_name.as_str() {
            "text" => QuestionKind::Text {
                min_len: usize::try_from(int(self, "min_length", 1)).unwrap_or(1),
            },
            "one_of" => QuestionKind::Choice,
            "any_of" => QuestionKind::Multi,
            "yes_no" => QuestionKind::YesNo,
            "number" => {
                let (min, max) = (int(self, "min", 0), int(self, "max", i64::from(u32::MAX)));
                if min > max {
                    self.error(
                        node.span,
                        format!("question `{id}` has min {min} above max {max}"),
                    );
                }
                QuestionKind::Number { min, max }
            }
            "names" => QuestionKind::Names {
                min_len: usize::try_from(int(self, "min_length", 2)).unwrap_or(2),
            },
            other => {
                const TYPES: &[&str] = &["text", "one_of", "any_of", "yes_no", "number", "names"];
                let hint = suggest(other, TYPES.iter().copied())
                    .map(|s| format!("did you mean `{s}`? "))
                    .unwrap_or_default();
                self.error_len(
                    type_node.span,
                    other.chars().count(),
                    format!(
                        "unknown question type `{other}`; {hint}types: {}",
                        TYPES.join(", ")
                    ),
                );
                return None;
            }
        };
        let mut options = Vec::new();
        let wants_options = matches!(kind, QuestionKind::Choice | QuestionKind::Multi);
        match (f.get("options"), wants_options) {
            (Some(list), true) => {
                for item in self.list(list, "`options`") {
                    let Some(of) = self.fields(item, "an option", keys::OPTION, &["id", "label"])
                    else {
                        continue;
                    };
                    let (Some(oid), Some(label)) = (
                        of.get("id").and_then(|n| self.id(n, "an option id")),
                        of.get("label").and_then(|n| self.string(n, "`label`")),
                    ) else {
                        continue;
                    };
                    if options.iter().any(|o: &Choice| o.id == oid) {
                        self.error(
                            item.span,
                            format!("option `{oid}` is listed twice in `{id}`"),
                        );
                        continue;
                    }
                    options.push(Choice { id: oid, label });
                }
                if options.is_empty() {
                    self.error(
                        list.span,
                        format!("question `{id}` needs at least one option"),
                    );
                }
                if options.len() > 64 {
                    self.error(
                        list.span,
                        format!(
                            "question `{id}` has {} options; at most 64 are supported",
                            options.len()
                        ),
                    );
                }
            }
            (None, true) => self.error(
                node.span,
                format!("question `{id}` of type {type_name} needs `options`"),
            ),
            (Some(list), false) => self.error(
                list.span,
                format!("`options` only apply to one_of and any_of questions, not {type_name}"),
            ),
            (None, false) => {}
        }
        let mut question = Question {
            id: id.clone(),
            prompt,
            help,
            kind,
            options,
            default: None,
            when: None,
            when_text: None,
            depends_on: Vec::new(),
            file: self.file.clone(),
            span: node.span,
        };
        if let Some(default) = f.get("default") {
            match parse_value(&question, default) {
                Ok(value) => question.default = Some(value),
                Err((span, len, message)) => {
                    self.error_len(span, len, format!("default of `{id}`: {message}"))
                }
            }
        }
        let when = f.get("when");
        if when.is_some() && f.get("default").is_none() {
            self.error(node.span, format!(
                "question `{id}` is asked only sometimes, so it needs a `default` for when it is not asked"
            ));
        }
        Some((question, when))
    }

    fn check_predicate_cycles(&mut self, rules: &RuleSet) {
        // Depth-first search over "predicate uses predicate"; report each cycle once.
        let n = rules.predicates.len();
        let edges: Vec<Vec<usize>> = rules
            .predicates
            .iter()
            .map(|p| {
                let mut out = Vec::new();
                p.expr.predicates(&mut out);
                out
            })
            .collect();
        let mut state = vec![0u8; n]; // 0 new, 1 on stack, 2 done
        for start in 0..n {
            if state[start] != 0 {
                continue;
            }
            let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
            state[start] = 1;
            while let Some((node, next)) = stack.last().copied() {
                if let Some(&to) = edges[node].get(next) {
                    if let Some(top) = stack.last_mut() {
                        top.1 += 1;
                    }
                    match state[to] {
                        0 => {
                            state[to] = 1;
                            stack.push((to, 0));
                        }
                        1 => {
                            let from = stack.iter().position(|(p, _)| *p == to).unwrap_or(0);
                            let mut names: Vec<&str> = stack[from..]
                                .iter()
                                .map(|(p, _)| rules.predicates[*p].name.as_str())
                                .collect();
                            names.push(&rules.predicates[to].name);
                            let origin = &rules.predicates[to].origin;
                            let len = rules.predicates[to].name.chars().count();
                            self.diags.push(
                                Diagnostic::error(
                                    &origin.file,
                                    origin.span,
                                    format!("predicates form a cycle: {}", names.join(" -> ")),
                                )
                                .with_len(len),
                            );
                        }
                        _ => {}
                    }
                } else {
                    state[node] = 2;
                    stack.pop();
                }
            }
        }
        // Break cycles so evaluation cannot recurse forever on a rule set that failed to load.
    }

    fn check_reads_earlier(&mut self, rules: &RuleSet, question: usize, expr: &Expr, node: &Node) {
        let mut read = Vec::new();
        reads(
            rules,
            expr,
            &mut read,
            &mut vec![false; rules.predicates.len()],
        );
        for q in read {
            if q >= question {
                let what = if q == question {
                    "itself"
                } else {
                    "a question asked later"
                };
                self.error(node.span, format!(
                    "the `when` of `{}` reads `{}` ({what}) through a predicate; a question may only depend on questions before it",
                    rules.questions[question].id, rules.questions[q].id
                ));
            }
        }
    }

    fn conditionals(
        &mut self,
        node: &Node,
        rules: &RuleSet,
        scope: &Scope,
        what: &str,
    ) -> Vec<Conditional> {
        let allow = Allow {
            item: false,
            account: false,
        };
        let mut out = Vec::new();
        for item in self.list(node, what) {
            let (text_node, when) = match &item.kind {
                NodeKind::Map(_) => {
                    let Some(f) =
                        self.fields(item, "a conditional text", keys::CONDITIONAL, &["text"])
                    else {
                        continue;
                    };
                    let when = f
                        .get("when")
                        .and_then(|w| self.condition(w, scope))
                        .map(|(e, _)| e);
                    let Some(text) = f.get("text") else { continue };
                    (text, when)
                }
                _ => (item, None),
            };
            if let Some(text) = self.template(text_node, &rules.questions, allow, "a text") {
                out.push(Conditional {
                    when,
                    text,
                    origin: self.origin(item),
                });
            }
        }
        out
    }

    fn model(&mut self, node: &Node, rules: &RuleSet, scope: &Scope) -> Option<Model> {
        let f = self.fields(
            node,
            "a model",
            keys::MODEL,
            &["id", "title", "own_account"],
        )?;
        let id = f.get("id").and_then(|n| self.id(n, "a model id"))?;
        let own_node = f.get("own_account")?;
        let own_account = match self.string(own_node, "`own_account`")?.as_str() {
            "standard" => AccountKind::Standard,
            "parent" => AccountKind::Parent,
            other => {
                // Keep the model (as standard) so that rules naming it are not reported too.
                self.error_len(
                    own_node.span,
                    other.chars().count(),
                    format!("`own_account` is standard or parent, not `{other}`"),
                );
                AccountKind::Standard
            }
        };
        let mut groups = Vec::new();
        if let Some(list) = f.get("groups") {
            for item in self.list(list, "`groups`") {
                let Some(name) = self.string(item, "a group id") else {
                    continue;
                };
                match rules.groups.iter().position(|g| g.id == name) {
                    Some(g) => groups.push(g),
                    None => {
                        let hint = suggest(&name, rules.groups.iter().map(|g| g.id.as_str()))
                            .map(|s| format!("; did you mean `{s}`?"))
                            .unwrap_or_default();
                        self.error_len(
                            item.span,
                            name.chars().count(),
                            format!("unknown account group `{name}`{hint}"),
                        );
                    }
                }
            }
        }
        let parentless = own_account == AccountKind::Standard
            && groups
                .iter()
                .any(|g| rules.groups[*g].kind == AccountKind::Subaccount);
        if parentless {
            self.error(
                own_node.span,
                format!("model `{id}` has subaccount groups, so its own account must be `parent`"),
            );
        }
        let why_not = f
            .get("why_not")
            .map(|w| self.conditionals(w, rules, scope, "`why_not`"))
            .unwrap_or_default();
        Some(Model {
            id,
            title: self.text_field(&f, "title", "a model"),
            summary: self.text_field(&f, "summary", "a model"),
            best_when: self.text_field(&f, "best_when", "a model"),
            not_needed_when: self.text_field(&f, "not_needed_when", "a model"),
            why_not,
            own_account,
            groups,
            origin: self.origin(node),
        })
    }

    fn model_ref(&mut self, node: &Node, rules: &RuleSet) -> Option<usize> {
        let name = self.string(node, "a model id")?;
        match rules.model(&name) {
            Some(m) => Some(m),
            None => {
                let hint = suggest(&name, rules.models.iter().map(|m| m.id.as_str()))
                    .map(|s| format!("did you mean `{s}`? "))
                    .unwrap_or_default();
                let known: Vec<&str> = rules.models.iter().map(|m| m.id.as_str()).collect();
                self.error_len(
                    node.span,
                    name.chars().count(),
                    format!("unknown model `{name}`; {hint}models: {}", known.join(", ")),
                );
                None
            }
        }
    }

    fn recommendation(
        &mut self,
        node: &Node,
        rules: &RuleSet,
        scope: &Scope,
    ) -> Option<Recommendation> {
        let f = self.fields(
            node,
            "a recommendation rule",
            keys::RECOMMENDATION,
            &["id", "model", "priority", "when", "reasons"],
        )?;
        let id = f.get("id").and_then(|n| self.id(n, "a rule id"));
        let model = f.get("model").and_then(|n| self.model_ref(n, rules));
        let priority = f.get("priority").and_then(|n| match n.as_str().and_then(|t| t.trim().parse::<i64>().ok()) {
            Some(p) => Some(p),
            None => {
                let text = n.as_str().unwrap_or_default().trim().to_string();
                self.error_len(n.span, text.chars().count(), format!(
                    "`priority` must be a whole number, not `{text}`; the highest matching priority wins"
                ));
                None
            }
        });
        let when = f.get("when").and_then(|n| self.condition(n, scope));
        let reasons = f
            .get("reasons")
            .map(|r| self.conditionals(r, rules, scope, "`reasons`"))
            .unwrap_or_default();
        if f.get("reasons").is_some()
            && reasons.is_empty()
            && !self.diags.iter().any(Diagnostic::is_error)
        {
            self.error(node.span, "a recommendation rule needs at least one reason");
        }
        let (when, when_text) = when?;
        Some(Recommendation {
            id: id?,
            model: model?,
            priority: priority?,
            when,
            when_text,
            reasons,
            origin: self.origin(node),
        })
    }

    fn finding(&mut self, node: &Node, rules: &RuleSet, scope: &Scope) -> Option<FindingRule> {
        let f = self.fields(
            node,
            "a finding",
            keys::FINDING,
            &["id", "severity", "when", "message", "fix"],
        )?;
        let id = f.get("id").and_then(|n| self.id(n, "a finding id"));
        let severity = f.get("severity").and_then(|n| {
            let text = self.string(n, "`severity`")?;
            let s = Severity::parse(&text);
            if s.is_none() {
                self.error_len(
                    n.span,
                    text.chars().count(),
                    format!("`severity` is error, warning or info, not `{text}`"),
                );
            }
            s
        });
        let when = f.get("when").and_then(|n| self.condition(n, scope));
        let allow = Allow {
            item: false,
            account: false,
        };
        let message = f
            .get("message")
            .and_then(|n| self.template(n, &rules.questions, allow, "`message`"));
        let fix = f
            .get("fix")
            .and_then(|n| self.template(n, &rules.questions, allow, "`fix`"));
        // A finding whose condition has errors is kept (never raised), so that tests naming it
        // do not add a second error; the rule set fails to load anyway.
        let (when, when_text) = when.unwrap_or((Expr::Const(false), String::new()));
        Some(FindingRule {
            id: id?,
            severity: severity?,
            when,
            when_text,
            message: message?,
            fix: fix?,
            origin: self.origin(node),
        })
    }

    fn members(
        &mut self,
        node: &Node,
        rules: &RuleSet,
        scope: &Scope,
        allow: Allow,
    ) -> Vec<MemberTemplate> {
        let allow = Allow {
            account: true,
            ..allow
        };
        let mut out = Vec::new();
        for item in self.list(node, "`members`") {
            let Some(f) = self.fields(item, "a member", keys::MEMBER, &["who", "role"]) else {
                continue;
            };
            let who = f
                .get("who")
                .and_then(|n| self.template(n, &rules.questions, allow, "`who`"));
            let role = f.get("role").and_then(|n| {
                let text = self.string(n, "`role`")?;
                let role = Role::parse(&text);
                if role.is_none() {
                    let names: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
                    let hint = suggest(&text, names.iter().copied())
                        .map(|s| format!("did you mean `{s}`? "))
                        .unwrap_or_default();
                    self.error_len(
                        n.span,
                        text.chars().count(),
                        format!("unknown role `{text}`; {hint}roles: {}", names.join(", ")),
                    );
                }
                role
            });
            let when = f
                .get("when")
                .and_then(|n| self.condition(n, scope))
                .map(|(e, _)| e);
            if let (Some(who), Some(role)) = (who, role) {
                out.push(MemberTemplate {
                    who,
                    role,
                    when,
                    origin: self.origin(item),
                });
            }
        }
        out
    }

    fn group(&mut self, node: &Node, rules: &RuleSet, scope: &Scope) -> Option<AccountGroup> {
        let f = self.fields(
            node,
            "an account group",
            keys::GROUP,
            &["id", "kind", "from", "name", "numbered"],
        )?;
        let id = f.get("id").and_then(|n| self.id(n, "a group id"));
        let kind = f.get("kind").and_then(|n| {
            let text = self.string(n, "`kind`")?;
            match text.as_str() {
                "subaccount" => Some(AccountKind::Subaccount),
                "client_owned" => Some(AccountKind::ClientOwned),
                other => {
                    self.error_len(
                        n.span,
                        other.chars().count(),
                        format!("a group's `kind` is subaccount or client_owned, not `{other}`"),
                    );
                    None
                }
            }
        });
        let from = f.get("from").and_then(|n| {
            let name = self.string(n, "`from`")?;
            match rules.question(&name) {
                Some(q) if matches!(rules.questions[q].kind, QuestionKind::Names { .. }) => Some(q),
                Some(_) => {
                    self.error_len(
                        n.span,
                        name.chars().count(),
                        format!("`from` needs a names question; `{name}` is not one"),
                    );
                    None
                }
                None => {
                    let hint = suggest(&name, rules.questions.iter().map(|q| q.id.as_str()))
                        .map(|s| format!("; did you mean `{s}`?"))
                        .unwrap_or_default();
                    self.error_len(
                        n.span,
                        name.chars().count(),
                        format!("unknown question `{name}`{hint}"),
                    );
                    None
                }
            }
        });
        let when = f
            .get("when")
            .and_then(|n| self.condition(n, scope))
            .map(|(e, _)| e);
        let allow = Allow {
            item: true,
            account: false,
        };
        let name = f
            .get("name")
            .and_then(|n| self.template(n, &rules.questions, allow, "`name`"));
        let numbered = f
            .get("numbered")
            .and_then(|n| self.template(n, &rules.questions, allow, "`numbered`"));
        let members = f
            .get("members")
            .map(|m| self.members(m, rules, scope, allow))
            .unwrap_or_default();
        if let Some(id) = id
            .as_ref()
            .filter(|id| rules.groups.iter().any(|g| &g.id == *id))
        {
            self.error(node.span, format!("account group `{id}` is defined twice"));
            return None;
        }
        Some(AccountGroup {
            id: id?,
            kind: kind?,
            from: from?,
            when,
            name: name?,
            numbered: numbered?,
            members,
            origin: self.origin(node),
        })
    }

    fn step(&mut self, node: &Node, rules: &RuleSet, scope: &Scope) -> Option<StepTemplate> {
        let f = self.fields(
            node,
            "a step",
            keys::STEP,
            &["action", "for", "description"],
        )?;
        let action = f.get("action").and_then(|n| self.id(n, "an action"));
        let scope_node = f.get("for")?;
        let for_name = self.string(scope_node, "`for`")?;
        let step_scope = match for_name.as_str() {
            "own" => Some(StepScope::Own),
            "subaccount" => Some(StepScope::Kind(AccountKind::Subaccount)),
            "client_owned" => Some(StepScope::Kind(AccountKind::ClientOwned)),
            other => match rules.groups.iter().position(|g| g.id == other) {
                Some(g) => Some(StepScope::Group(g)),
                None => {
                    let mut names = vec!["own", "subaccount", "client_owned"];
                    names.extend(rules.groups.iter().map(|g| g.id.as_str()));
                    let hint = suggest(other, names.iter().copied())
                        .map(|s| format!("did you mean `{s}`? "))
                        .unwrap_or_default();
                    self.error_len(
                        scope_node.span,
                        other.chars().count(),
                        format!(
                            "unknown `for` target `{other}`; {hint}use one of: {}",
                            names.join(", ")
                        ),
                    );
                    None
                }
            },
        };
        let mut models = Vec::new();
        if let Some(list) = f.get("models") {
            for item in self.list(list, "`models`") {
                if let Some(m) = self.model_ref(item, rules) {
                    models.push(m);
                }
            }
        }
        let when = f
            .get("when")
            .and_then(|n| self.condition(n, scope))
            .map(|(e, _)| e);
        let allow = Allow {
            item: false,
            account: true,
        };
        let description = f
            .get("description")
            .and_then(|n| self.template(n, &rules.questions, allow, "`description`"));
        Some(StepTemplate {
            action: action?.into(),
            scope: step_scope?,
            models,
            when,
            description: description?,
            origin: self.origin(node),
        })
    }

    fn comparison(&mut self, node: &Node, rules: &RuleSet) -> Comparison {
        let mut out = Comparison::default();
        let Some(f) = self.fields(node, "`comparison`", keys::COMPARISON, &["columns", "rows"])
        else {
            return out;
        };
        if let Some(cols) = f.get("columns") {
            for item in self.list(cols, "`columns`") {
                let Some(cf) = self.fields(item, "a column", keys::COLUMN, &["title", "models"])
                else {
                    continue;
                };
                let title = self.text_field(&cf, "title", "a column");
                let mut models = Vec::new();
                if let Some(list) = cf.get("models") {
                    for m in self.list(list, "`models`") {
                        if let Some(m) = self.model_ref(m, rules) {
                            models.push(m);
                        }
                    }
                }
                out.columns.push(ComparisonColumn { title, models });
            }
        }
        if let Some(rows) = f.get("rows") {
            for item in self.list(rows, "`rows`") {
                let Some(rf) = self.fields(item, "a row", keys::ROW, &["area", "cells"]) else {
                    continue;
                };
                let area = self.text_field(&rf, "area", "a row");
                let mut cells = Vec::new();
                if let Some(list) = rf.get("cells") {
                    for c in self.list(list, "`cells`") {
                        cells.push(self.string(c, "a cell").unwrap_or_default());
                    }
                    if cells.len() != out.columns.len() {
                        self.error(
                            list.span,
                            format!(
                                "row `{area}` has {} cells for {} columns",
                                cells.len(),
                                out.columns.len()
                            ),
                        );
                    }
                }
                out.rows.push(ComparisonRow { area, cells });
            }
        }
        out
    }

    fn test(&mut self, node: &Node, rules: &RuleSet) -> Option<RuleTest> {
        let f = self.fields(node, "a test", keys::TEST, &["name", "answers", "model"])?;
        let name = self.text_field(&f, "name", "a test");
        let answers = f.get("answers")?.clone();
        if !matches!(answers.kind, NodeKind::Map(_)) {
            self.error(
                answers.span,
                "a test's `answers` must be a mapping of question ids to answers",
            );
            return None;
        }
        let model_node = f.get("model")?;
        let model = self.string(model_node, "`model`")?;
        let _ = self.model_ref(model_node, rules)?;
        let mut findings = Vec::new();
        if let Some(list) = f.get("findings") {
            for item in self.list(list, "`findings`") {
                let Some(id) = self.string(item, "a finding id") else {
                    continue;
                };
                if rules.findings.iter().any(|x| x.id == id) {
                    findings.push(id);
                } else {
                    let hint = suggest(&id, rules.findings.iter().map(|x| x.id.as_str()))
                        .map(|s| format!("; did you mean `{s}`?"))
                        .unwrap_or_default();
                    self.error_len(
                        item.span,
                        id.chars().count(),
                        format!("unknown finding `{id}`{hint}"),
                    );
                }
            }
        }
        Some(RuleTest {
            name,
            answers,
            model,
            findings,
            origin: self.origin(node),
        })
    }

    fn check_duplicates(&mut self, rules: &RuleSet) {
        let report = |kind: &str, items: Vec<(&str, &Origin)>, diags: &mut Vec<Diagnostic>| {
            let mut seen: HashMap<&str, &Origin> = HashMap::new();
            for (id, origin) in items {
                if let Some(first) = seen.insert(id, origin) {
                    diags.push(Diagnostic::error(
                        &origin.file,
                        origin.span,
                        format!(
                            "{kind} `{id}` is defined twice (first at {}:{}:{})",
                            first.file, first.span.line, first.span.col
                        ),
                    ));
                }
            }
        };
        report(
            "model",
            rules
                .models
                .iter()
                .map(|m| (m.id.as_str(), &m.origin))
                .collect(),
            &mut self.diags,
        );
        report(
            "recommendation rule",
            rules
                .recommendations
                .iter()
                .map(|r| (r.id.as_str(), &r.origin))
                .collect(),
            &mut self.diags,
        );
        report(
            "finding",
            rules
                .findings
                .iter()
                .map(|r| (r.id.as_str(), &r.origin))
                .collect(),
            &mut self.diags,
        );
        report(
            "test",
            rules
                .tests
                .iter()
                .map(|r| (r.name.as_str(), &r.origin))
                .collect(),
            &mut self.diags,
        );
    }
}

fn all_scope<'a>(questions: &'a [Question], names: &'a [String]) -> Scope<'a> {
    Scope {
        questions,
        visible: questions.len(),
        predicates: names,
    }
}

/// The questions a condition reads, following predicates (each visited once, so cycles end).
pub fn reads(rules: &RuleSet, expr: &Expr, out: &mut Vec<usize>, seen: &mut Vec<bool>) {
    expr.questions(out);
    let mut preds = Vec::new();
    expr.predicates(&mut preds);
    for p in preds {
        if seen.get(p) == Some(&false) {
            seen[p] = true;
            reads(rules, &rules.predicates[p].expr, out, seen);
        }
    }
}
