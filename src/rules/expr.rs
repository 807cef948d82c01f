//! The condition language of rule files: parse text into a tree, resolve names, evaluate fast.
//!
//! ```text
//! expr    := or
//! or      := and ("or" and)*
//! and     := unary ("and" unary)*
//! unary   := "not" unary | "(" expr ")" | "true" | "false" | name test?
//! test    := ("==" | "!=") value | ("<" | "<=" | ">" | ">=") number
//!          | "not"? "in" list | "is" "not"? "empty"
//!          | "has" (value | ("any" | "all" | "only" | "none") list)
//! list    := "[" value ("," value)* "]"
//! ```
//! A bare `name` is a predicate or a yes/no question. Comparisons with numbers on names lists
//! and multi-choice answers compare how many entries there are.

use crate::model::answers::{Names, Value};
use crate::model::question::{Question, QuestionKind};

/// A problem in a condition, at a character offset inside its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExprError {
    pub offset: usize,
    pub len: usize,
    pub message: String,
}

impl ExprError {
    fn new(offset: usize, len: usize, message: impl Into<String>) -> Self {
        ExprError {
            offset,
            len: len.max(1),
            message: message.into(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    pub fn apply(self, left: i64, right: i64) -> bool {
        match self {
            CmpOp::Eq => left == right,
            CmpOp::Ne => left != right,
            CmpOp::Lt => left < right,
            CmpOp::Le => left <= right,
            CmpOp::Gt => left > right,
            CmpOp::Ge => left >= right,
        }
    }

    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
}

/// A word or number as written, with its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Atom {
    pub text: String,
    pub offset: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetTest {
    Any,
    All,
    Only,
    None,
}

/// A parsed condition whose names are not yet resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ast {
    Const(bool),
    And(Vec<Ast>),
    Or(Vec<Ast>),
    Not(Box<Ast>),
    Name(Atom),
    Compare(Atom, CmpOp, Atom),
    In(Atom, Vec<Atom>),
    Empty(Atom),
    Has(Atom, SetTest, Vec<Atom>),
}

/// A resolved condition over answer values, indexed by question position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    Const(bool),
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Not(Box<Expr>),
    /// A named predicate, by index into the rule set's predicates.
    Predicate(usize),
    /// A yes/no answer.
    Flag(usize),
    /// A one-of answer is one of the options in the mask.
    ChoiceIn(usize, u64),
    /// An any-of answer compared with a set of options.
    Has(usize, SetTest, u64),
    /// A number, or how many names or options, compared with a constant.
    Count(usize, CmpOp, i64),
    /// A names list, any-of answer or text is empty.
    Empty(usize),
}

impl Expr {
    /// Evaluates the condition; `predicates` are the rule set's resolved predicates.
    pub fn eval(&self, values: &[Value], predicates: &[Expr]) -> bool {
        let mut memo = Memo::new(predicates.len());
        self.eval_memo(values, predicates, &mut memo)
    }

    /// Evaluates the condition, computing each predicate at most once per `memo`: a decision
    /// reads the same predicates from many rules and findings.
    pub fn eval_memo(&self, values: &[Value], predicates: &[Expr], memo: &mut Memo) -> bool {
        match self {
            Expr::Const(b) => *b,
            Expr::And(all) => all.iter().all(|e| e.eval_memo(values, predicates, memo)),
            Expr::Or(any) => any.iter().any(|e| e.eval_memo(values, predicates, memo)),
            Expr::Not(inner) => !inner.eval_memo(values, predicates, memo),
            Expr::Predicate(p) => match memo.get(*p) {
                Some(known) => known,
                None => {
                    let value = predicates
                        .get(*p)
                        .is_some_and(|e| e.eval_memo(values, predicates, memo));
                    memo.set(*p, value);
                    value
                }
            },
            Expr::Flag(q) => matches!(values.get(*q), Some(Value::Bool(true))),
            Expr::ChoiceIn(q, mask) => match values.get(*q) {
                Some(Value::Choice(i)) => *i < 64 && mask & (1u64 << i) != 0,
                _ => false,
            },
            Expr::Has(q, test, mask) => match values.get(*q) {
                Some(Value::Multi(bits)) => match test {
                    SetTest::Any => bits & mask != 0,
                    SetTest::All => bits & mask == *mask,
                    SetTest::Only => bits & !mask == 0,
                    SetTest::None => bits & mask == 0,
                },
                _ => false,
            },
            Expr::Count(q, op, n) => match values.get(*q) {
                Some(value) => count_of(value).is_some_and(|c| op.apply(c, *n)),
                None => false,
            },
            Expr::Empty(q) => match values.get(*q) {
                Some(Value::Names(names)) => names.is_empty(),
                Some(Value::Multi(bits)) => *bits == 0,
                Some(Value::Text(text)) => text.trim().is_empty(),
                _ => false,
            },
        }
    }

    /// Adds the questions this condition reads directly (not through predicates) to `out`.
    pub fn questions(&self, out: &mut Vec<usize>) {
        match self {
            Expr::Const(_) | Expr::Predicate(_) => {}
            Expr::And(list) | Expr::Or(list) => list.iter().for_each(|e| e.questions(out)),
            Expr::Not(inner) => inner.questions(out),
            Expr::Flag(q)
            | Expr::ChoiceIn(q, _)
            | Expr::Has(q, _, _)
            | Expr::Count(q, _, _)
            | Expr::Empty(q) => out.push(*q),
        }
    }

    /// Adds the predicates this condition names directly to `out`.
    pub fn predicates(&self, out: &mut Vec<usize>) {
        match self {
            Expr::Predicate(p) => out.push(*p),
            Expr::And(list) | Expr::Or(list) => list.iter().for_each(|e| e.predicates(out)),
            Expr::Not(inner) => inner.predicates(out),
            _ => {}
        }
    }

    /// Adds the constants this condition compares question `q` with, for the answer-space analysis.
    pub fn thresholds(&self, out: &mut Vec<(usize, i64)>) {
        match self {
            Expr::And(list) | Expr::Or(list) => list.iter().for_each(|e| e.thresholds(out)),
            Expr::Not(inner) => inner.thresholds(out),
            Expr::Count(q, _, n) => out.push((*q, *n)),
            _ => {}
        }
    }
}

/// Predicate results known so far in one evaluation: two bits per predicate (known, value),
/// without allocating for rule sets of up to 64 predicates.
pub struct Memo {
    small: [u64; 2],
    large: Vec<u8>,
}

impl Memo {
    pub fn new(predicates: usize) -> Memo {
        Memo {
            small: [0; 2],
            large: if predicates > 64 {
                vec![0; predicates]
            } else {
                Vec::new()
            },
        }
    }

    fn get(&self, p: usize) -> Option<bool> {
        if self.large.is_empty() {
            let bit = 1u64 << (p % 64);
            (p < 64 && self.small[0] & bit != 0).then_some(self.small[1] & bit != 0)
        } else {
            match self.large.get(p) {
                Some(1) => Some(false),
                Some(2) => Some(true),
                _ => None,
            }
        }
    }

    fn set(&mut self, p: usize, value: bool) {
        if self.large.is_empty() {
            if p < 64 {
                self.small[0] |= 1u64 << p;
                if value {
                    self.small[1] |= 1u64 << p;
                }
            }
        } else if let Some(slot) = self.large.get_mut(p) {
            *slot = 1 + u8::from(value);
        }
    }
}

/// The number a count comparison reads from a value.
pub fn count_of(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => Some(*n),
        Value::Names(Names::List(list)) => i64::try_from(list.len()).ok(),
        Value::Names(Names::Count(n)) => i64::try_from(*n).ok(),
        Value::Multi(bits) => Some(i64::from(bits.count_ones())),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Parsing

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Number(String),
    Op(CmpOp),
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    End,
}

struct Lexer {
    toks: Vec<(Tok, usize, usize)>,
    pos: usize,
}

fn lex(text: &str) -> Result<Vec<(Tok, usize, usize)>, ExprError> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let tok = if c.is_ascii_alphabetic() || c == '_' {
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            Tok::Word(chars[start..i].iter().collect())
        } else if c.is_ascii_digit()
            || (c == '-' && chars.get(i + 1).is_some_and(char::is_ascii_digit))
        {
            i += 1;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            Tok::Number(chars[start..i].iter().collect())
        } else {
            let next = chars.get(i + 1).copied();
            let (tok, width) = match (c, next) {
                ('=', Some('=')) => (Tok::Op(CmpOp::Eq), 2),
                ('!', Some('=')) => (Tok::Op(CmpOp::Ne), 2),
                ('<', Some('=')) => (Tok::Op(CmpOp::Le), 2),
                ('>', Some('=')) => (Tok::Op(CmpOp::Ge), 2),
                ('<', _) => (Tok::Op(CmpOp::Lt), 1),
                ('>', _) => (Tok::Op(CmpOp::Gt), 1),
                ('(', _) => (Tok::LParen, 1),
                (')', _) => (Tok::RParen, 1),
                ('[', _) => (Tok::LBracket, 1),
                (']', _) => (Tok::RBracket, 1),
                (',', _) => (Tok::Comma, 1),
                ('=', _) => {
                    return Err(ExprError::new(
                        i,
                        1,
                        "`=` is not an operator here; write `==`",
                    ));
                }
                ('&', _) | ('|', _) => {
                    let word = if c == '&' { "and" } else { "or" };
                    return Err(ExprError::new(
                        i,
                        1,
                        format!("write `{word}` instead of `{c}`"),
                    ));
                }
                _ => {
                    return Err(ExprError::new(i, 1, format!("unexpected character `{c}`")));
                }
            };
            i += width;
            tok
        };
        out.push((tok, start, i - start));
    }
    out.push((Tok::End, chars.len(), 1));
    Ok(out)
}

const KEYWORDS: &[&str] = &[
    "and", "or", "not", "in", "is", "empty", "has", "any", "all", "only", "none", "true", "false",
];

/// Parses a condition. The empty string is an error: write `true` for "always".
pub fn parse(text: &str) -> Result<Ast, ExprError> {
    let mut lexer = Lexer {
        toks: lex(text)?,
        pos: 0,
    };
    if matches!(lexer.peek(), Tok::End) {
        return Err(ExprError::new(
            0,
            1,
            "the condition is empty; write `true` for always",
        ));
    }
    let ast = lexer.or()?;
    match lexer.peek() {
        Tok::End => Ok(ast),
        _ => {
            let (_, offset, len) = lexer.here();
            Err(ExprError::new(
                offset,
                len,
                format!(
                    "unexpected {}; join conditions with `and` or `or`",
                    lexer.describe()
                ),
            ))
        }
    }
}

impl Lexer {
    fn peek(&self) -> &Tok {
        &self.toks[self.pos.min(self.toks.len() - 1)].0
    }

    fn here(&self) -> (Tok, usize, usize) {
        self.toks[self.pos.min(self.toks.len() - 1)].clone()
    }

    fn describe(&self) -> String {
        match self.peek() {
            Tok::Word(w) => format!("`{w}`"),
            Tok::Number(n) => format!("`{n}`"),
            Tok::Op(op) => format!("`{}`", op.symbol()),
            Tok::LParen => "`(`".into(),
            Tok::RParen => "`)`".into(),
            Tok::LBracket => "`[`".into(),
            Tok::RBracket => "`]`".into(),
            Tok::Comma => "`,`".into(),
            Tok::End => "end of condition".into(),
        }
    }

    fn bump(&mut self) -> (Tok, usize, usize) {
        let t = self.here();
        if self.pos < self.toks.len() - 1 {
            self.pos += 1;
        }
        t
    }

    fn is_word(&self, word: &str) -> bool {
        matches!(self.peek(), Tok::Word(w) if w == word)
    }

    fn error(&self, expected: &str) -> ExprError {
        let (_, offset, len) = self.here();
        ExprError::new(
            offset,
            len,
            format!("expected {expected}, found {}", self.describe()),
        )
    }

    fn or(&mut self) -> Result<Ast, ExprError> {
        let mut parts = vec![self.and()?];
        while self.is_word("or") {
            self.bump();
            parts.push(self.and()?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Ast::Or(parts)
        })
    }

    fn and(&mut self) -> Result<Ast, ExprError> {
        let mut parts = vec![self.unary()?];
        while self.is_word("and") {
            self.bump();
            parts.push(self.unary()?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Ast::And(parts)
        })
    }

    fn unary(&mut self) -> Result<Ast, ExprError> {
        match self.here() {
            (Tok::Word(w), _, _) if w == "not" => {
                self.bump();
                Ok(Ast::Not(Box::new(self.unary()?)))
            }
            (Tok::LParen, offset, _) => {
                self.bump();
                let inner = self.or()?;
                if !matches!(self.peek(), Tok::RParen) {
                    let mut err = self.error("`)`");
                    err.message
                        .push_str(&format!(" (to close the `(` at character {})", offset + 1));
                    return Err(err);
                }
                self.bump();
                Ok(inner)
            }
            (Tok::Word(w), _, _) if w == "true" || w == "false" => {
                self.bump();
                Ok(Ast::Const(w == "true"))
            }
            (Tok::Word(w), offset, _) if !KEYWORDS.contains(&w.as_str()) => {
                self.bump();
                self.test(Atom { text: w, offset })
            }
            _ => Err(self.error("a question, a predicate, `not` or `(`")),
        }
    }

    fn test(&mut self, name: Atom) -> Result<Ast, ExprError> {
        match self.here() {
            (Tok::Op(op), _, _) => {
                self.bump();
                let value = self.value()?;
                Ok(Ast::Compare(name, op, value))
            }
            (Tok::Word(w), _, _) if w == "in" => {
                self.bump();
                Ok(Ast::In(name, self.list()?))
            }
            (Tok::Word(w), _, _) if w == "not" => {
                // `x not in [..]`; a bare `not` here would be a missing `and`.
                let save = self.pos;
                self.bump();
                if self.is_word("in") {
                    self.bump();
                    Ok(Ast::Not(Box::new(Ast::In(name, self.list()?))))
                } else {
                    self.pos = save;
                    Err(self.error("`not in`, or `and`/`or` before `not`"))
                }
            }
            (Tok::Word(w), _, _) if w == "is" => {
                self.bump();
                let negated = if self.is_word("not") {
                    self.bump();
                    true
                } else {
                    false
                };
                if !self.is_word("empty") {
                    return Err(self.error("`empty` (as in `is empty` or `is not empty`)"));
                }
                self.bump();
                let test = Ast::Empty(name);
                Ok(if negated {
                    Ast::Not(Box::new(test))
                } else {
                    test
                })
            }
            (Tok::Word(w), _, _) if w == "has" => {
                self.bump();
                let test = match self.peek() {
                    Tok::Word(w) if w == "any" => Some(SetTest::Any),
                    Tok::Word(w) if w == "all" => Some(SetTest::All),
                    Tok::Word(w) if w == "only" => Some(SetTest::Only),
                    Tok::Word(w) if w == "none" => Some(SetTest::None),
                    _ => None,
                };
                match test {
                    Some(test) => {
                        self.bump();
                        Ok(Ast::Has(name, test, self.list()?))
                    }
                    None => Ok(Ast::Has(name, SetTest::Any, vec![self.value()?])),
                }
            }
            _ => Ok(Ast::Name(name)),
        }
    }

    fn value(&mut self) -> Result<Atom, ExprError> {
        match self.here() {
            (Tok::Word(w), offset, _) | (Tok::Number(w), offset, _) => {
                self.bump();
                Ok(Atom { text: w, offset })
            }
            _ => Err(self.error("a value")),
        }
    }

    fn list(&mut self) -> Result<Vec<Atom>, ExprError> {
        if !matches!(self.peek(), Tok::LBracket) {
            return Err(self.error("a list such as `[a, b]`"));
        }
        self.bump();
        let mut items = vec![self.value()?];
        loop {
            match self.peek() {
                Tok::Comma => {
                    self.bump();
                    items.push(self.value()?);
                }
                Tok::RBracket => {
                    self.bump();
                    return Ok(items);
                }
                _ => return Err(self.error("`,` or `]`")),
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Resolution

/// What names a condition may use, and how far: `questions[..visible]` may be read.
pub struct Scope<'a> {
    pub questions: &'a [Question],
    /// How many of the questions (in order) the condition may read; `when` may read only earlier ones.
    pub visible: usize,
    /// Predicate names in definition order (any may be used; cycles are found by the parser).
    pub predicates: &'a [String],
}

/// The closest name to `word` among `names`, for "did you mean".
pub fn suggest<'a>(word: &str, names: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word = word.trim().to_lowercase();
    names
        .into_iter()
        .map(|n| (strsim::damerau_levenshtein(&word, &n.to_lowercase()), n))
        .filter(|(d, n)| *d <= (n.len().max(word.len()) / 3).max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, n)| n)
}

impl Scope<'_> {
    /// Resolves every name, collecting all problems rather than stopping at the first.
    pub fn resolve(&self, ast: &Ast, errors: &mut Vec<ExprError>) -> Expr {
        match ast {
            Ast::Const(b) => Expr::Const(*b),
            Ast::And(list) => Expr::And(list.iter().map(|a| self.resolve(a, errors)).collect()),
            Ast::Or(list) => Expr::Or(list.iter().map(|a| self.resolve(a, errors)).collect()),
            Ast::Not(inner) => Expr::Not(Box::new(self.resolve(inner, errors))),
            Ast::Name(atom) => {
                if let Some(p) = self.predicates.iter().position(|p| *p == atom.text) {
                    return Expr::Predicate(p);
                }
                let Some(q) = self.question(atom, errors) else {
                    return Expr::Const(false);
                };
                match self.questions[q].kind {
                    QuestionKind::YesNo => Expr::Flag(q),
                    _ => {
                        errors.push(err(
                            atom,
                            format!(
                                "`{}` is a {} question, not yes/no; test it, e.g. {}",
                                atom.text,
                                self.questions[q].kind.name(),
                                example(&self.questions[q])
                            ),
                        ));
                        Expr::Const(false)
                    }
                }
            }
            Ast::Compare(atom, op, value) => {
                let Some(q) = self.question(atom, errors) else {
                    return Expr::Const(false);
                };
                let question = &self.questions[q];
                match &question.kind {
                    QuestionKind::YesNo => {
                        if !matches!(op, CmpOp::Eq | CmpOp::Ne) {
                            errors.push(err(
                                value,
                                format!(
                                    "`{}` is yes/no; compare it with `==` or `!=`, or use it bare",
                                    atom.text
                                ),
                            ));
                            return Expr::Const(false);
                        }
                        let want = match value.text.as_str() {
                            "yes" | "true" => true,
                            "no" | "false" => false,
                            other => {
                                errors.push(err(
                                    value,
                                    format!(
                                        "`{}` is yes/no; `{other}` is not yes or no",
                                        atom.text
                                    ),
                                ));
                                return Expr::Const(false);
                            }
                        };
                        let flag = Expr::Flag(q);
                        if want == (*op == CmpOp::Eq) {
                            flag
                        } else {
                            Expr::Not(Box::new(flag))
                        }
                    }
                    QuestionKind::Choice => {
                        if !matches!(op, CmpOp::Eq | CmpOp::Ne) {
                            errors.push(err(value, format!(
                                "`{}` is a one-of question; compare it with `==`, `!=` or `in [..]`",
                                atom.text
                            )));
                            return Expr::Const(false);
                        }
                        let mask = self.mask(question, std::slice::from_ref(value), errors);
                        let test = Expr::ChoiceIn(q, mask);
                        if *op == CmpOp::Eq {
                            test
                        } else {
                            Expr::Not(Box::new(test))
                        }
                    }
                    QuestionKind::Number { .. }
                    | QuestionKind::Names { .. }
                    | QuestionKind::Multi => match value.text.parse::<i64>() {
                        Ok(n) => Expr::Count(q, *op, n),
                        Err(_) => {
                            let what = if matches!(question.kind, QuestionKind::Number { .. }) {
                                "a number"
                            } else {
                                "a count"
                            };
                            let hint = if matches!(question.kind, QuestionKind::Multi) {
                                format!(
                                    "; to test an option write `{} has {}`",
                                    atom.text, value.text
                                )
                            } else {
                                String::new()
                            };
                            errors.push(err(
                                value,
                                format!(
                                    "`{}` compares as {what}; `{}` is not a whole number{hint}",
                                    atom.text, value.text
                                ),
                            ));
                            Expr::Const(false)
                        }
                    },
                    QuestionKind::Text { .. } => {
                        errors.push(err(
                            atom,
                            format!(
                                "`{}` is free text; conditions can only test whether it `is empty`",
                                atom.text
                            ),
                        ));
                        Expr::Const(false)
                    }
                }
            }
            Ast::In(atom, values) => {
                let Some(q) = self.question(atom, errors) else {
                    return Expr::Const(false);
                };
                let question = &self.questions[q];
                match question.kind {
                    QuestionKind::Choice => Expr::ChoiceIn(q, self.mask(question, values, errors)),
                    QuestionKind::Number { .. } => {
                        let mut any = Vec::new();
                        for v in values {
                            match v.text.parse::<i64>() {
                                Ok(n) => any.push(Expr::Count(q, CmpOp::Eq, n)),
                                Err(_) => errors.push(err(
                                    v,
                                    format!(
                                        "`{}` is a number; `{}` is not a whole number",
                                        atom.text, v.text
                                    ),
                                )),
                            }
                        }
                        Expr::Or(any)
                    }
                    _ => {
                        errors.push(err(
                            atom,
                            format!(
                                "`in [..]` needs a one-of question; `{}` is {}: {}",
                                atom.text,
                                question.kind.name(),
                                example(question)
                            ),
                        ));
                        Expr::Const(false)
                    }
                }
            }
            Ast::Empty(atom) => {
                let Some(q) = self.question(atom, errors) else {
                    return Expr::Const(false);
                };
                match self.questions[q].kind {
                    QuestionKind::Names { .. }
                    | QuestionKind::Multi
                    | QuestionKind::Text { .. } => Expr::Empty(q),
                    _ => {
                        errors.push(err(
                            atom,
                            format!(
                                "`is empty` needs a names, any-of or text question; `{}` is {}: {}",
                                atom.text,
                                self.questions[q].kind.name(),
                                example(&self.questions[q])
                            ),
                        ));
                        Expr::Const(false)
                    }
                }
            }
            Ast::Has(atom, test, values) => {
                let Some(q) = self.question(atom, errors) else {
                    return Expr::Const(false);
                };
                let question = &self.questions[q];
                if question.kind != QuestionKind::Multi {
                    errors.push(err(
                        atom,
                        format!(
                            "`has` needs an any-of question; `{}` is {}: {}",
                            atom.text,
                            question.kind.name(),
                            example(question)
                        ),
                    ));
                    return Expr::Const(false);
                }
                Expr::Has(q, *test, self.mask(question, values, errors))
            }
        }
    }

    fn question(&self, atom: &Atom, errors: &mut Vec<ExprError>) -> Option<usize> {
        if let Some(q) = self.questions[..self.visible]
            .iter()
            .position(|q| q.id == atom.text)
        {
            return Some(q);
        }
        if let Some(q) = self.questions.iter().position(|q| q.id == atom.text) {
            let what = if q == self.visible {
                "is the question itself"
            } else {
                "is asked later"
            };
            errors.push(err(
                atom,
                format!(
                    "`{}` {what}; a `when` may only read questions asked before it",
                    atom.text
                ),
            ));
            return None;
        }
        let names = self.questions[..self.visible]
            .iter()
            .map(|q| q.id.as_str())
            .chain(self.predicates.iter().map(String::as_str));
        let hint = match suggest(&atom.text, names) {
            Some(s) => format!("; did you mean `{s}`?"),
            None => String::new(),
        };
        errors.push(err(
            atom,
            format!("unknown question or predicate `{}`{hint}", atom.text),
        ));
        None
    }

    fn mask(&self, question: &Question, values: &[Atom], errors: &mut Vec<ExprError>) -> u64 {
        let mut mask = 0u64;
        for v in values {
            match question.option_index(&v.text) {
                Some(i) if i < 64 => mask |= 1u64 << i,
                _ => {
                    let hint = match suggest(&v.text, question.option_ids()) {
                        Some(s) => format!("did you mean `{s}`? "),
                        None => String::new(),
                    };
                    errors.push(err(
                        v,
                        format!(
                            "`{}` is not an option of `{}`; {hint}options: {}",
                            v.text,
                            question.id,
                            question.option_ids().join(", ")
                        ),
                    ));
                }
            }
        }
        mask
    }
}

fn err(atom: &Atom, message: String) -> ExprError {
    ExprError::new(atom.offset, atom.text.chars().count(), message)
}

fn example(question: &Question) -> String {
    let id = &question.id;
    let first = question
        .options
        .first()
        .map(|o| o.id.as_str())
        .unwrap_or("x");
    match question.kind {
        QuestionKind::Text { .. } => format!("`{id} is empty`"),
        QuestionKind::Choice => format!("`{id} == {first}` or `{id} in [..]`"),
        QuestionKind::Multi => format!("`{id} has {first}` or `{id} is empty`"),
        QuestionKind::YesNo => format!("`{id}` or `not {id}`"),
        QuestionKind::Number { .. } => format!("`{id} >= 2`"),
        QuestionKind::Names { .. } => format!("`{id} is not empty` or `{id} >= 10`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::Span;

    fn q(id: &str, kind: QuestionKind, options: &[&str]) -> Question {
        Question {
            id: id.into(),
            prompt: String::new(),
            help: String::new(),
            kind,
            options: options
                .iter()
                .map(|o| crate::model::Choice {
                    id: (*o).into(),
                    label: (*o).into(),
                })
                .collect(),
            default: None,
            when: None,
            when_text: None,
            depends_on: Vec::new(),
            file: String::new(),
            span: Span::default(),
        }
    }

    fn questions() -> Vec<Question> {
        vec![
            q(
                "serves",
                QuestionKind::Choice,
                &["own_business", "external_customers", "both"],
            ),
            q("team_size", QuestionKind::Number { min: 1, max: 1000 }, &[]),
            q("units", QuestionKind::Names { min_len: 2 }, &[]),
            q("reasons", QuestionKind::Multi, &["data", "just_organizing"]),
            q("resell", QuestionKind::YesNo, &[]),
        ]
    }

    fn resolve(text: &str) -> Result<Expr, Vec<ExprError>> {
        let qs = questions();
        let preds = vec!["external".to_string()];
        let scope = Scope {
            questions: &qs,
            visible: qs.len(),
            predicates: &preds,
        };
        let ast = parse(text).map_err(|e| vec![e])?;
        let mut errors = Vec::new();
        let expr = scope.resolve(&ast, &mut errors);
        if errors.is_empty() {
            Ok(expr)
        } else {
            Err(errors)
        }
    }

    fn eval(text: &str, values: &[Value]) -> bool {
        let preds = vec![Expr::ChoiceIn(0, 0b110)];
        match resolve(text) {
            Ok(e) => e.eval(values, &preds),
            Err(errors) => panic!("{text}: {errors:?}"),
        }
    }

    fn values(serves: usize, team: i64, units: u64, reasons: u64, resell: bool) -> Vec<Value> {
        vec![
            Value::Choice(serves),
            Value::Number(team),
            Value::Names(Names::Count(units)),
            Value::Multi(reasons),
            Value::Bool(resell),
        ]
    }

    #[test]
    fn evaluates_each_kind_of_test() {
        let v = values(1, 3, 0, 0b10, true);
        assert!(eval("serves in [external_customers, both]", &v));
        assert!(!eval("serves == own_business", &v));
        assert!(eval("serves != own_business", &v));
        assert!(eval("serves not in [own_business]", &v));
        assert!(eval("team_size >= 2 and team_size < 4", &v));
        assert!(!eval("team_size > 3", &v));
        assert!(eval("units is empty", &v));
        assert!(!eval("units is not empty", &v));
        assert!(eval("reasons has just_organizing", &v));
        assert!(eval("reasons has only [just_organizing]", &v));
        assert!(!eval("reasons has any [data]", &v));
        assert!(eval("reasons has none [data]", &v));
        assert!(!eval("reasons has all [data, just_organizing]", &v));
        assert!(eval("resell and external", &v));
        assert!(eval("resell == yes", &v));
        assert!(!eval("resell == no", &v));
        assert!(eval("not (serves == own_business or team_size < 2)", &v));
        assert!(eval("true", &v));
        assert!(eval("reasons >= 1 and units == 0", &v));
    }

    #[test]
    fn and_binds_tighter_than_or() {
        let v = values(0, 1, 0, 0, false);
        // true or (false and false)
        assert!(eval(
            "serves == own_business or resell and team_size > 5",
            &v
        ));
    }

    #[test]
    fn reports_unknown_names_with_suggestions_and_places() {
        let errors = resolve("serves in [external_customer] and team_sise >= 2")
            .err()
            .unwrap_or_default();
        assert_eq!(errors.len(), 2);
        assert_eq!(errors[0].offset, 11);
        assert!(
            errors[0]
                .message
                .contains("did you mean `external_customers`"),
            "{}",
            errors[0].message
        );
        assert_eq!(errors[1].offset, 34);
        assert!(
            errors[1].message.contains("did you mean `team_size`"),
            "{}",
            errors[1].message
        );
    }

    #[test]
    fn reports_type_mismatches() {
        let errors = resolve("resell >= 2").err().unwrap_or_default();
        assert!(errors[0].message.contains("yes/no"), "{errors:?}");
        let errors = resolve("team_size == yes").err().unwrap_or_default();
        assert!(
            errors[0].message.contains("not a whole number"),
            "{errors:?}"
        );
        let errors = resolve("serves").err().unwrap_or_default();
        assert!(errors[0].message.contains("not yes/no"), "{errors:?}");
        let errors = resolve("units has data").err().unwrap_or_default();
        assert!(errors[0].message.contains("any-of"), "{errors:?}");
    }

    #[test]
    fn reports_syntax_errors_at_their_place() {
        let e = parse("serves = both").err();
        assert_eq!(
            e.map(|e| (e.offset, e.message.contains("=="))),
            Some((7, true))
        );
        let e = parse("(resell or external").err();
        assert_eq!(e.map(|e| e.offset), Some(19));
        let e = parse("resell external").err();
        assert_eq!(e.map(|e| e.offset), Some(7));
        let e = parse("serves in [a,").err();
        assert_eq!(e.map(|e| e.offset), Some(13));
        assert!(parse("").is_err());
        assert!(parse("resell && external").is_err());
    }
}
