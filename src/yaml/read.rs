//! Reading one YAML document into a tree that remembers the line and column of every node.

// The input is user-written, so everything here is built to fail with a precise position and
// to refuse hostile files (huge, binary, deeply nested, alias bombs) quickly and without
// recursion.

use std::collections::HashMap;
use std::fmt;

use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::{Marker, ScanError, TScalarStyle};

/// A position in the source text. Both fields are 1-based; `col` counts characters, not bytes,
/// so it matches what an editor shows. Errors that concern the whole file use line 1, column 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Span {
    pub line: u32,
    pub col: u32,
}

impl Span {
    const START: Span = Span { line: 1, col: 1 };
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}", self.line, self.col)
    }
}

/// One value of the document and where it starts.
///
/// For a block mapping the span is that of its first key; for a block list it is the first `-`;
/// for a flow collection it is the opening bracket. A value copied from an alias (`*name`) has
/// the alias's span at its top, while the values inside keep the spans of the anchored original
/// (that is where their text is).
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub span: Span,
    pub kind: NodeKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    /// `plain` is false for quoted ('..', "..") and block (|, >) scalars: those are always strings.
    /// A `!!str` tag also makes a scalar non-plain; other tags are ignored.
    Scalar {
        text: String,
        plain: bool,
    },
    Seq(Vec<Node>),
    /// Keys in document order; duplicate keys are KEPT so the caller can report them.
    /// Merge keys (`<<`) are not expanded: they appear as an ordinary key.
    Map(Vec<(Node, Node)>),
}

impl Node {
    /// The text of a scalar, whatever its style; `None` for lists and mappings.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// True for the YAML 1.2 core-schema nulls: an empty plain scalar, `~`, `null`, `Null`, `NULL`.
    pub fn is_null(&self) -> bool {
        match &self.kind {
            NodeKind::Scalar { text, plain: true } => {
                matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL")
            }
            _ => false,
        }
    }

    /// The items of a list.
    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.kind {
            NodeKind::Seq(items) => Some(items),
            _ => None,
        }
    }

    /// The entries of a mapping, in document order, duplicates included.
    pub fn as_map(&self) -> Option<&[(Node, Node)]> {
        match &self.kind {
            NodeKind::Map(entries) => Some(entries),
            _ => None,
        }
    }

    /// The value of the first entry whose key has this text; `None` if absent or not a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_map()?
            .iter()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(_, v)| v)
    }

    /// What the user wrote, in words, for messages like "expected a list, found a number".
    pub fn describe(&self) -> &'static str {
        match &self.kind {
            NodeKind::Map(_) => "a mapping",
            NodeKind::Seq(_) => "a list",
            NodeKind::Scalar { plain: false, .. } => "a text value",
            NodeKind::Scalar { text, plain: true } => {
                if self.is_null() {
                    "an empty value"
                } else if matches!(
                    text.as_str(),
                    "true" | "True" | "TRUE" | "false" | "False" | "FALSE"
                ) {
                    "a true/false value"
                } else if looks_like_number(text) {
                    "a number"
                } else {
                    "a text value"
                }
            }
        }
    }
}

/// Only used to word messages, so it follows the YAML 1.2 core schema loosely.
fn looks_like_number(text: &str) -> bool {
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    if matches!(unsigned, ".inf" | ".Inf" | ".INF") || matches!(text, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    if let Some(hex) = unsigned.strip_prefix("0x") {
        return !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit());
    }
    if let Some(oct) = unsigned.strip_prefix("0o") {
        return !oct.is_empty() && oct.bytes().all(|b| (b'0'..=b'7').contains(&b));
    }
    let starts_numeric = unsigned
        .as_bytes()
        .first()
        .is_some_and(|b| b.is_ascii_digit())
        || (unsigned.starts_with('.')
            && unsigned
                .as_bytes()
                .get(1)
                .is_some_and(|b| b.is_ascii_digit()));
    starts_numeric && unsigned.parse::<f64>().is_ok()
}

/// A problem with the file, with the place it was found.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadError {
    pub span: Span,
    /// Lowercase; says what is wrong and what to do about it.
    pub message: String,
}

impl ReadError {
    fn new(span: Span, message: impl Into<String>) -> Self {
        ReadError {
            span,
            message: message.into(),
        }
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.span, self.message)
    }
}

impl std::error::Error for ReadError {}

/// Bounds that keep a hostile or mistaken file from costing much time or memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest accepted file, checked before anything is parsed.
    pub max_bytes: usize,
    /// Deepest accepted nesting of lists and mappings (the top-level collection is depth 1).
    pub max_depth: usize,
    /// Most values (scalars, lists and mappings) in the tree after aliases are expanded.
    pub max_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 8 * 1024 * 1024,
            max_depth: 64,
            max_nodes: 2_000_000,
        }
    }
}

const BOM: &str = "\u{feff}";

/// Parses one YAML document. Ok(None) for an empty document (only comments/whitespace, or a
/// bare `---`).
pub fn parse(bytes: &[u8], limits: &Limits) -> Result<Option<Node>, ReadError> {
    if bytes.len() > limits.max_bytes {
        return Err(ReadError::new(
            Span::START,
            format!(
                "file is {}; the limit is {}; check that this is the right file",
                format_size(bytes.len(), limits.max_bytes),
                format_size(limits.max_bytes, bytes.len()),
            ),
        ));
    }
    let bytes = bytes.strip_prefix(BOM.as_bytes()).unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => {
            let good = err.valid_up_to();
            // The prefix up to `valid_up_to` is valid by definition; the fallback never runs.
            let prefix = std::str::from_utf8(&bytes[..good]).unwrap_or("");
            return Err(ReadError::new(
                span_at(prefix, prefix.len()),
                format!(
                    "not UTF-8 text (byte 0x{:02x}); save the file as UTF-8",
                    bytes[good]
                ),
            ));
        }
    };
    if let Some(at) = text.bytes().position(is_forbidden_control) {
        return Err(ReadError::new(
            span_at(text, at),
            format!(
                "contains a control character (U+{:04X}); is this a binary file?",
                bytes[at]
            ),
        ));
    }
    // Aliases are first only counted, never copied, so an alias bomb is refused after reading
    // its few bytes. Only a document that has aliases and fits the limits is read a second
    // time, now copying for real; its totals are known to fit.
    let first = Builder::new(text, limits, false).run()?;
    if !first.aliased {
        return Ok(first.root);
    }
    Ok(Builder::new(text, limits, true).run()?.root)
}

/// C0 controls other than tab, LF and CR, and DEL: YAML forbids them and text files do not
/// contain them. Checking bytes is exact because UTF-8 continuation bytes are all >= 0x80.
fn is_forbidden_control(b: u8) -> bool {
    (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0x7f
}

/// Sizes in the unit a person thinks in; `other` is the size it is compared with, so that two
/// different sizes never print the same.
fn format_size(bytes: usize, other: usize) -> String {
    const MIB: f64 = 1024.0 * 1024.0;
    let render = |n: usize| {
        if n >= 1024 * 1024 {
            let s = format!("{:.1}", n as f64 / MIB);
            format!("{} MiB", s.strip_suffix(".0").unwrap_or(&s))
        } else if n >= 1024 {
            let s = format!("{:.1}", n as f64 / 1024.0);
            format!("{} KiB", s.strip_suffix(".0").unwrap_or(&s))
        } else {
            format!("{n} bytes")
        }
    };
    let (mine, theirs) = (render(bytes), render(other));
    if mine == theirs && bytes != other {
        format!("{} bytes", group_thousands(bytes))
    } else {
        mine
    }
}

fn group_thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The position of byte offset `at`, counting CRLF, LF and lone CR as line breaks the way
/// yaml-rust2 does, so that our own errors and the parser's agree.
fn span_at(text: &str, at: usize) -> Span {
    let before = &text.as_bytes()[..at];
    let mut line = 1u32;
    let mut line_start = 0;
    for (i, &b) in before.iter().enumerate() {
        let is_break = b == b'\n' || (b == b'\r' && before.get(i + 1) != Some(&b'\n'));
        if is_break {
            line = line.saturating_add(1);
            line_start = i + 1;
        }
    }
    let col = text[line_start..at].chars().count() + 1;
    Span {
        line,
        col: u32::try_from(col).unwrap_or(u32::MAX),
    }
}

/// yaml-rust2's `Marker` has a 1-based line and a 0-based column (in characters).
fn span_of(mark: &Marker) -> Span {
    Span {
        line: u32::try_from(mark.line().max(1)).unwrap_or(u32::MAX),
        col: u32::try_from(mark.col().saturating_add(1)).unwrap_or(u32::MAX),
    }
}

fn scan_error(err: &ScanError) -> ReadError {
    ReadError::new(span_of(err.marker()), readable(err.info()))
}

/// yaml-rust2 describes the parser's state; users need to know what to change in their file.
fn readable(info: &str) -> String {
    let hint = if info.contains("invalid indentation in quoted scalar") {
        // A quote left open runs on into the next line, which then looks mis-indented.
        "this quoted text is not closed on its line; add the closing quote (or indent the \
         continuation line)"
    } else if info.contains("did not find expected key")
        || info.contains("did not find expected '-' indicator")
        || info.contains("invalid indentation")
    {
        "the indentation here does not line up with the lines above; \
         check the spaces at the start of this line"
    } else if info.contains("mapping values are not allowed") {
        "unexpected ':' here; put quotes around a value that contains ': ', \
         or fix the indentation"
    } else if info.contains("illegal placement of ':'") {
        "unexpected ':' here; check that every '[' or '{' above is closed, or put quotes \
         around a value that contains ':'"
    } else if info.contains("block sequence entries are not allowed") {
        "a list item ('- ') is not allowed here; check the indentation"
    } else if info.contains("tab") && !info.contains("tag") {
        "a tab is used for indentation here; indent with spaces only"
    } else if info.contains("quoted scalar, found unexpected end of stream") {
        "this quoted text is never closed; add the closing quote"
    } else if info.contains("flow sequence") {
        "a [list] here is missing a ',' or its closing ']'"
    } else if info.contains("flow mapping") {
        "a {mapping} here is missing a ',' or its closing '}'"
    } else if info.contains("unknown anchor") {
        "this alias (*name) refers to an anchor (&name) that is not defined above it"
    } else if info.contains("unknown escape character")
        || info.contains("hexadecimal number")
        || info.contains("invalid Unicode character escape")
    {
        "invalid backslash escape in double-quoted text; write \\\\ for a backslash, \
         or use single quotes"
    } else if info.contains("did not find expected node content") {
        "a value is missing or malformed here"
    } else if info.starts_with("unexpected character") || info.contains("cannot start with") {
        "a value cannot start with this character; put the value in quotes"
    } else if info.contains("recursion limit") {
        "brackets are nested far too deeply here; flatten the file"
    } else if info.contains("comments must be separated") {
        "put a space before '#' to start a comment, or quote the value"
    } else {
        ""
    };
    let info = info.trim();
    if hint.is_empty() {
        format!("invalid YAML: {info}; check the syntax here")
    } else {
        format!("{hint} (yaml: {info})")
    }
}

struct Anchored {
    /// `None` while only counting.
    node: Option<Node>,
    /// Values in the anchored tree, charged again every time an alias copies it.
    size: usize,
    /// Nesting levels inside the anchored value (0 for a scalar).
    height: usize,
}

struct Built {
    root: Option<Node>,
    aliased: bool,
}

enum Body {
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>, Option<Node>),
}

struct Open {
    span: Span,
    anchor: usize,
    nodes_before: usize,
    height: usize,
    body: Body,
}

/// Turns parser events into a tree with an explicit stack, so nesting never recurses.
struct Builder<'a> {
    text: &'a str,
    limits: &'a Limits,
    stack: Vec<Open>,
    anchors: HashMap<usize, Anchored>,
    /// Values in the tree so far.
    nodes: usize,
    /// `nodes` plus the copies kept for anchors; this is what `max_nodes` bounds.
    work: usize,
    /// Whether aliases are copied; otherwise they are only counted and left as empty scalars.
    expand: bool,
    aliased: bool,
    root: Option<Node>,
    cursor: CharCursor,
}

impl<'a> Builder<'a> {
    fn new(text: &'a str, limits: &'a Limits, expand: bool) -> Self {
        Builder {
            text,
            limits,
            stack: Vec::new(),
            anchors: HashMap::new(),
            nodes: 0,
            work: 0,
            expand,
            aliased: false,
            root: None,
            cursor: CharCursor::default(),
        }
    }

    fn run(mut self) -> Result<Built, ReadError> {
        // Pulling events (rather than `Parser::load`) lets us stop at the first limit and avoids
        // `load`'s recursion over nesting depth.
        let mut parser = Parser::new_from_str(self.text);
        let mut documents = 0;
        loop {
            let (event, mark) = parser.next_token().map_err(|e| scan_error(&e))?;
            let span = span_of(&mark);
            match event {
                Event::StreamEnd => break,
                Event::DocumentStart => {
                    documents += 1;
                    if documents > 1 {
                        return Err(ReadError::new(
                            span,
                            "only one YAML document is allowed; remove this '---' \
                             and everything after it, or move it to its own file",
                        ));
                    }
                }
                Event::Scalar(text, style, anchor, tag) => {
                    let is_str_tag = tag
                        .as_ref()
                        .is_some_and(|t| t.handle == "tag:yaml.org,2002:" && t.suffix == "str");
                    let plain = style == TScalarStyle::Plain && !is_str_tag;
                    self.charge(1, span)?;
                    let node = Node {
                        span,
                        kind: NodeKind::Scalar { text, plain },
                    };
                    self.finish(node, anchor, 1, 0, span)?;
                }
                Event::SequenceStart(anchor, _) => {
                    let span = self.seq_span(&mark, span);
                    self.open(span, anchor, Body::Seq(Vec::new()))?;
                }
                Event::MappingStart(anchor, _) => {
                    self.open(span, anchor, Body::Map(Vec::new(), None))?;
                }
                Event::SequenceEnd | Event::MappingEnd => self.close(span)?,
                Event::Alias(id) => self.alias(id, span)?,
                Event::StreamStart | Event::DocumentEnd | Event::Nothing => {}
            }
        }
        let root = self.root.filter(|root| {
            // A bare `---` yields an empty plain scalar: that is an empty document too.
            !matches!(&root.kind, NodeKind::Scalar { text, plain: true } if text.is_empty())
        });
        Ok(Built {
            root,
            aliased: self.aliased,
        })
    }

    fn charge(&mut self, count: usize, span: Span) -> Result<(), ReadError> {
        self.work = self.work.saturating_add(count);
        if self.work > self.limits.max_nodes {
            let max = group_thousands(self.limits.max_nodes);
            let message = if self.aliased {
                format!(
                    "aliases expand to more than {max} values; \
                     write the values out instead of using aliases (*name)"
                )
            } else {
                format!("the file has more than {max} values; split it into smaller files")
            };
            return Err(ReadError::new(span, message));
        }
        Ok(())
    }

    fn too_deep(&self, span: Span) -> ReadError {
        ReadError::new(
            span,
            format!(
                "lists and mappings are nested more than {} levels deep here; \
                 flatten the file",
                self.limits.max_depth
            ),
        )
    }

    fn open(&mut self, span: Span, anchor: usize, body: Body) -> Result<(), ReadError> {
        if self.stack.len() >= self.limits.max_depth {
            return Err(self.too_deep(span));
        }
        let nodes_before = self.nodes;
        self.nodes += 1;
        self.charge(1, span)?;
        self.stack.push(Open {
            span,
            anchor,
            nodes_before,
            height: 0,
            body,
        });
        Ok(())
    }

    fn close(&mut self, span: Span) -> Result<(), ReadError> {
        let Some(open) = self.stack.pop() else {
            return Err(ReadError::new(
                span,
                "invalid YAML: unbalanced end of a collection",
            ));
        };
        let size = self.nodes - open.nodes_before;
        let height = open.height + 1;
        let node = match open.body {
            Body::Seq(items) => Node {
                span: items
                    .first()
                    .map_or(open.span, |first| open.span.min(first.span)),
                kind: NodeKind::Seq(items),
            },
            Body::Map(entries, _) => Node {
                // A block mapping's start mark is where the first ':' is; its first key is the
                // place a person would call the start.
                span: entries
                    .first()
                    .map_or(open.span, |(key, _)| open.span.min(key.span)),
                kind: NodeKind::Map(entries),
            },
        };
        self.finish(node, open.anchor, size, height, span)
    }

    fn alias(&mut self, id: usize, span: Span) -> Result<(), ReadError> {
        self.aliased = true;
        let Some(anchored) = self.anchors.get(&id) else {
            let message = if self.stack.iter().any(|open| open.anchor == id) {
                "this alias (*name) refers to a value that contains the alias itself; \
                 remove the alias"
            } else {
                "this alias (*name) refers to an anchor (&name) that is not defined above it"
            };
            return Err(ReadError::new(span, message));
        };
        let (size, height) = (anchored.size, anchored.height);
        if self.stack.len() + height > self.limits.max_depth {
            return Err(self.too_deep(span));
        }
        self.charge(size, span)?;
        self.nodes += size;
        let copy = self.anchors.get(&id).and_then(|a| a.node.clone());
        let node = match copy {
            Some(copy) => Node { span, ..copy },
            None => Node {
                span,
                kind: NodeKind::Scalar {
                    text: String::new(),
                    plain: true,
                },
            },
        };
        self.insert(node, height);
        Ok(())
    }

    fn finish(
        &mut self,
        node: Node,
        anchor: usize,
        size: usize,
        height: usize,
        span: Span,
    ) -> Result<(), ReadError> {
        if anchor != 0 {
            self.charge(size, span)?;
            self.anchors.insert(
                anchor,
                Anchored {
                    node: self.expand.then(|| node.clone()),
                    size,
                    height,
                },
            );
        }
        // Collections counted themselves in `open`.
        if let NodeKind::Scalar { .. } = node.kind {
            self.nodes += 1;
        }
        self.insert(node, height);
        Ok(())
    }

    fn insert(&mut self, node: Node, height: usize) {
        let Some(parent) = self.stack.last_mut() else {
            self.root = Some(node);
            return;
        };
        parent.height = parent.height.max(height);
        match &mut parent.body {
            Body::Seq(items) => items.push(node),
            Body::Map(entries, pending) => match pending.take() {
                Some(key) => entries.push((key, node)),
                None => *pending = Some(node),
            },
        }
    }

    /// yaml-rust2 marks a block list that is not indented under its key (`key:\n- a`) at its
    /// first item rather than at the `-`; step back to the dash so spans are uniform.
    fn seq_span(&mut self, mark: &Marker, span: Span) -> Span {
        let Some(at) = self.cursor.seek(self.text, mark.index()) else {
            return span;
        };
        let before = &self.text[..at];
        let after = &self.text[at..];
        if after.starts_with(['-', '[']) {
            return span;
        }
        let mut back = 0u32;
        for c in before.chars().rev() {
            back += 1;
            match c {
                ' ' => continue,
                '-' if back <= span.col.saturating_sub(1) => {
                    return Span {
                        line: span.line,
                        col: span.col - back,
                    };
                }
                _ => break,
            }
        }
        span
    }
}

/// Converts yaml-rust2's character indexes into byte offsets. Lists start in document order,
/// so moving from the previous position keeps the total work linear in the file size.
#[derive(Default)]
struct CharCursor {
    chars: usize,
    bytes: usize,
}

impl CharCursor {
    fn seek(&mut self, text: &str, target: usize) -> Option<usize> {
        while self.chars < target {
            let c = text[self.bytes..].chars().next()?;
            self.bytes += c.len_utf8();
            self.chars += 1;
        }
        while self.chars > target {
            let c = text[..self.bytes].chars().next_back()?;
            self.bytes -= c.len_utf8();
            self.chars -= 1;
        }
        Some(self.bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Node {
        match parse(text.as_bytes(), &Limits::default()) {
            Ok(Some(node)) => node,
            other => panic!("expected a document, got {other:?}"),
        }
    }

    fn fail(bytes: &[u8]) -> ReadError {
        match parse(bytes, &Limits::default()) {
            Err(err) => err,
            Ok(node) => panic!("expected an error, got {node:?}"),
        }
    }

    fn at(line: u32, col: u32) -> Span {
        Span { line, col }
    }

    fn scalar(node: &Node) -> (&str, bool) {
        match &node.kind {
            NodeKind::Scalar { text, plain } => (text, *plain),
            other => panic!("expected a scalar, got {other:?}"),
        }
    }

    #[test]
    fn spans_of_keys_and_values_in_a_nested_document() {
        let doc = read(
            "organization: Casa Olivo\n\
             units:\n  \
               - name: North\n    \
                 seats: 3\n  \
               - 'South'\n\
             flags: [a, \"b\"]\n\
             owner:\n  \
               name: Ana Café\n\
             list:\n\
             - x\n",
        );
        let NodeKind::Map(entries) = &doc.kind else {
            panic!("root is not a mapping: {doc:?}")
        };
        assert_eq!(doc.span, at(1, 1));
        let keys: Vec<_> = entries.iter().map(|(k, _)| (k.as_str(), k.span)).collect();
        assert_eq!(
            keys,
            vec![
                (Some("organization"), at(1, 1)),
                (Some("units"), at(2, 1)),
                (Some("flags"), at(6, 1)),
                (Some("owner"), at(7, 1)),
                (Some("list"), at(9, 1)),
            ]
        );
        let org = doc.get("organization").map(|n| (scalar(n), n.span));
        assert_eq!(org, Some((("Casa Olivo", true), at(1, 15))));

        let units = doc.get("units").and_then(Node::as_seq).unwrap_or_default();
        assert_eq!(doc.get("units").map(|n| n.span), Some(at(3, 3)));
        assert_eq!(units.len(), 2);
        assert_eq!(units[0].span, at(3, 5));
        assert_eq!(units[0].get("name").map(|n| n.span), Some(at(3, 11)));
        let seats = units[0].as_map().unwrap_or_default();
        assert_eq!(seats[1].0.span, at(4, 5));
        assert_eq!(seats[1].1.span, at(4, 12));
        assert_eq!(scalar(&seats[1].1), ("3", true));
        assert_eq!(scalar(&units[1]), ("South", false));
        assert_eq!(units[1].span, at(5, 5));

        let flags = doc.get("flags").map(|n| n.span);
        assert_eq!(flags, Some(at(6, 8)));
        let flag_items = doc.get("flags").and_then(Node::as_seq).unwrap_or_default();
        assert_eq!(scalar(&flag_items[0]), ("a", true));
        assert_eq!(scalar(&flag_items[1]), ("b", false));
        assert_eq!(flag_items[1].span, at(6, 12));

        // Column counts characters: "é" is two bytes but one column.
        let owner = doc.get("owner");
        assert_eq!(owner.map(|n| n.span), Some(at(8, 3)));
        let name = owner.and_then(|o| o.get("name"));
        assert_eq!(
            name.map(|n| (scalar(n), n.span)),
            Some((("Ana Café", true), at(8, 9)))
        );

        // A list not indented under its key still starts at its dash.
        let list = doc.get("list");
        assert_eq!(list.map(|n| n.span), Some(at(10, 1)));
        assert_eq!(
            list.and_then(Node::as_seq).map(|s| s[0].span),
            Some(at(10, 3))
        );
    }

    #[test]
    fn quoted_and_block_scalars_are_not_plain() {
        let doc = read(
            "a: yes\nb: 'yes'\nc: \"yes\"\nd: |\n  yes\ne: >\n  yes\nf: !!str 5\ng: !custom 7\nh:\ni: ~\n",
        );
        let get = |k: &str| doc.get(k).map(scalar);
        assert_eq!(get("a"), Some(("yes", true)));
        assert_eq!(get("b"), Some(("yes", false)));
        assert_eq!(get("c"), Some(("yes", false)));
        assert_eq!(get("d"), Some(("yes\n", false)));
        assert_eq!(get("e"), Some(("yes\n", false)));
        assert_eq!(get("f"), Some(("5", false)));
        assert_eq!(get("g"), Some(("7", true)));
        assert_eq!(get("h"), Some(("", true)));
        assert!(doc.get("h").is_some_and(Node::is_null));
        assert!(doc.get("i").is_some_and(Node::is_null));
        assert!(!doc.get("b").is_some_and(Node::is_null));
    }

    #[test]
    fn describe_names_each_kind() {
        let doc = read("m: {}\ns: []\nt: hello\nq: '3'\nn: 3.5\nx: 0x1F\nb: true\nz: null\n");
        let d = |k: &str| doc.get(k).map(Node::describe);
        assert_eq!(d("m"), Some("a mapping"));
        assert_eq!(d("s"), Some("a list"));
        assert_eq!(d("t"), Some("a text value"));
        assert_eq!(d("q"), Some("a text value"));
        assert_eq!(d("n"), Some("a number"));
        assert_eq!(d("x"), Some("a number"));
        assert_eq!(d("b"), Some("a true/false value"));
        assert_eq!(d("z"), Some("an empty value"));
        assert_eq!(doc.get("missing"), None);
        assert_eq!(doc.get("t").and_then(|t| t.get("x")), None);
    }

    #[test]
    fn duplicate_keys_are_kept_in_order() {
        let doc = read("a: 1\nb: 2\na: 3\n");
        let entries = doc.as_map().unwrap_or_default();
        let pairs: Vec<_> = entries
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str(), k.span.line))
            .collect();
        assert_eq!(
            pairs,
            vec![
                (Some("a"), Some("1"), 1),
                (Some("b"), Some("2"), 2),
                (Some("a"), Some("3"), 3)
            ]
        );
        assert_eq!(doc.get("a").and_then(Node::as_str), Some("1"));
    }

    #[test]
    fn broken_indentation_is_reported_on_its_line() {
        let err = fail(
            b"organization: Broken Indent GmbH\nserves: own_business\nisolated_units:\n  - North\n - South\n",
        );
        assert_eq!(err.span, at(5, 2));
        assert!(err.message.contains("indentation"), "{}", err.message);
        assert!(err.to_string().starts_with("line 5, column 2: "), "{err}");
    }

    #[test]
    fn syntax_errors_point_at_the_problem() {
        let cases: &[(&str, Span, &str)] = &[
            ("a: b: c\n", at(1, 5), "unexpected ':'"),
            ("a: [1, 2\n", at(2, 1), "closing ']'"),
            ("a: {x: 1\n", at(2, 1), "closing '}'"),
            ("a: 'x\n", at(1, 4), "never closed"),
            ("a: \"x\n", at(1, 4), "never closed"),
            ("- a\nb: 1\n", at(2, 1), "indentation"),
            ("a:\n\tb: 1\n", at(2, 2), "tab"),
            ("a: *nowhere\n", at(1, 4), "not defined"),
            ("a: \"\\q\"\n", at(1, 4), "escape"),
            ("a: @x\n", at(1, 4), "quotes"),
            ("a: 1\nb: [x, y\nc: 2\n", at(3, 2), "is closed"),
        ];
        for (text, span, words) in cases {
            let err = fail(text.as_bytes());
            assert_eq!((text, err.span), (text, *span), "{err}");
            assert!(err.message.contains(words), "{text:?}: {}", err.message);
            assert_eq!(err.message, err.message.to_lowercase(), "{}", err.message);
        }
    }

    #[test]
    fn a_second_document_is_refused_where_it_starts() {
        let err = fail(b"a: 1\n---\nb: 2\n");
        assert_eq!(err.span, at(2, 1));
        assert!(err.message.starts_with("only one YAML document is allowed"));
        // A document end marker followed by nothing is still one document.
        assert_eq!(
            read("a: 1\n...\n# done\n").get("a").and_then(Node::as_str),
            Some("1")
        );
        // An explicit start marker is fine.
        assert_eq!(read("---\na: 1\n").get("a").map(|n| n.span), Some(at(2, 4)));
    }

    #[test]
    fn empty_documents_give_none() {
        let limits = Limits::default();
        assert_eq!(parse(b"", &limits), Ok(None));
        assert_eq!(parse(b"  \n\n", &limits), Ok(None));
        assert_eq!(parse(b"# only\n  # comments\n", &limits), Ok(None));
        assert_eq!(parse(b"---\n", &limits), Ok(None));
        assert_eq!(parse(b"--- # nothing\n...\n", &limits), Ok(None));
        assert_eq!(parse("\u{feff}# bom\n".as_bytes(), &limits), Ok(None));
        // An explicit null is a value, not an empty document.
        assert!(parse(b"~\n", &limits).is_ok_and(|n| n.is_some_and(|n| n.is_null())));
    }

    #[test]
    fn bom_is_skipped_and_columns_start_after_it() {
        let doc = read("\u{feff}name: Mira\n");
        let entries = doc.as_map().unwrap_or_default();
        assert_eq!(entries[0].0.as_str(), Some("name"));
        assert_eq!(entries[0].0.span, at(1, 1));
        assert_eq!(entries[0].1.span, at(1, 7));
        let err = fail("\u{feff}a: 1\nb\x00\n".as_bytes());
        assert_eq!(err.span, at(2, 2));
    }

    #[test]
    fn crlf_line_endings() {
        let doc = read("a: 1\r\nb:\r\n  - x\r\n  - 'y'\r\nc: |\r\n  one\r\n  two\r\n");
        assert_eq!(doc.get("b").map(|b| b.span), Some(at(3, 3)));
        let items = doc.get("b").and_then(Node::as_seq).unwrap_or_default();
        assert_eq!(items[1].span, at(4, 5));
        assert_eq!(items[1].as_str(), Some("y"));
        assert_eq!(doc.get("c").and_then(Node::as_str), Some("one\ntwo\n"));
        let err = fail(b"a: 1\r\nb: 2\r\n c: 3\r\n");
        assert_eq!(err.span.line, 3);
        // Our own checks count CRLF and lone CR the same way the parser does.
        assert_eq!(fail(b"a: 1\r\nb: \x01\r\n").span, at(2, 4));
        assert_eq!(fail(b"a: 1\rb: \x01\n").span, at(2, 4));
    }

    #[test]
    fn not_utf8_is_reported_at_the_bad_byte() {
        let err = fail(b"a: 1\nname: caf\xe9\n");
        assert_eq!(err.span, at(2, 10));
        assert_eq!(
            err.message,
            "not UTF-8 text (byte 0xe9); save the file as UTF-8"
        );
        let err = fail(&[&b"\xc3\xa9: x\n"[..], "\u{4eac}: ".as_bytes(), b"\xff"].concat());
        assert_eq!(err.span, at(2, 4));
        assert!(err.message.contains("byte 0xff"));
    }

    #[test]
    fn control_characters_are_refused() {
        let err = fail(b"a: 1\nb: x\x00y\n");
        assert_eq!(err.span, at(2, 5));
        assert_eq!(
            err.message,
            "contains a control character (U+0000); is this a binary file?"
        );
        assert!(fail(b"\x1b[31m").message.contains("U+001B"));
        assert_eq!(fail(b"a: \x7f\n").span, at(1, 4));
        // Tabs inside values are ordinary text.
        assert_eq!(
            read("a: x\ty\n").get("a").and_then(Node::as_str),
            Some("x\ty")
        );
    }

    #[test]
    fn oversized_files_are_refused_before_parsing() {
        let limits = Limits {
            max_bytes: 8 * 1024 * 1024,
            ..Limits::default()
        };
        let big = vec![b'#'; 12_900_000];
        let err = parse(&big, &limits).err();
        assert_eq!(
            err.map(|e| (e.span, e.message)),
            Some((
                at(1, 1),
                "file is 12.3 MiB; the limit is 8 MiB; check that this is the right file".into()
            ))
        );
        let just_over = vec![b' '; 8 * 1024 * 1024 + 1];
        let err = parse(&just_over, &limits).err().map(|e| e.message);
        assert_eq!(
            err.as_deref(),
            Some(
                "file is 8,388,609 bytes; the limit is 8,388,608 bytes; \
                 check that this is the right file"
            )
        );
        let at_limit = vec![b' '; 8 * 1024 * 1024];
        assert_eq!(parse(&at_limit, &limits), Ok(None));
    }

    #[test]
    fn aliases_are_expanded() {
        let doc = read("base: &b\n  x: 1\n  y: [2]\ncopy: *b\nname: &n Mira\nagain: *n\n");
        assert_eq!(doc.get("copy").map(|c| c.span), Some(at(4, 7)));
        assert_eq!(
            doc.get("copy")
                .and_then(|c| c.get("x"))
                .and_then(Node::as_str),
            Some("1")
        );
        // Values inside the copy point at the anchored original.
        assert_eq!(
            doc.get("copy").and_then(|c| c.get("x")).map(|x| x.span),
            Some(at(2, 6))
        );
        assert_eq!(doc.get("again").and_then(Node::as_str), Some("Mira"));
        assert_eq!(doc.get("again").map(|a| a.span), Some(at(6, 8)));
    }

    #[test]
    fn self_referencing_alias_is_refused() {
        let err = fail(b"a: &x [1, *x]\n");
        assert_eq!(err.span, at(1, 11));
        assert!(
            err.message.contains("contains the alias itself"),
            "{}",
            err.message
        );
    }

    fn billion_laughs(levels: usize) -> String {
        let mut text = String::from("a0: &a0 [lol]\n");
        for level in 1..=levels {
            let refs = vec![format!("*a{}", level - 1); 10].join(", ");
            text.push_str(&format!("a{level}: &a{level} [{refs}]\n"));
        }
        text
    }

    #[test]
    fn billion_laughs_is_refused_quickly() {
        let text = billion_laughs(9);
        let started = std::time::Instant::now();
        let err = fail(text.as_bytes());
        let elapsed = started.elapsed();
        assert_eq!(
            err.message,
            "aliases expand to more than 2,000,000 values; \
             write the values out instead of using aliases (*name)"
        );
        assert_eq!(err.span.line, 7);
        // Nothing is copied before the count is known to be too high, so even an unoptimised
        // build refuses it at once.
        assert!(elapsed.as_millis() < 100, "took {elapsed:?}");
    }

    #[test]
    fn many_plain_values_hit_the_node_limit() {
        let limits = Limits {
            max_nodes: 10,
            ..Limits::default()
        };
        let err = parse(b"[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]", &limits).err();
        assert_eq!(
            err.map(|e| (e.span, e.message)),
            Some((
                at(1, 29),
                "the file has more than 10 values; split it into smaller files".into()
            ))
        );
        assert!(parse(b"[1, 2, 3, 4, 5, 6, 7, 8, 9]", &limits).is_ok());
    }

    #[test]
    fn deep_nesting_is_refused_without_recursion() {
        // yaml-rust2's scanner reads ahead through flow brackets and gives up at 255 levels.
        let deep = "[".repeat(100_000);
        let err = fail(deep.as_bytes());
        assert_eq!(err.span, at(1, 256));
        assert!(
            err.message
                .starts_with("brackets are nested far too deeply"),
            "{}",
            err.message
        );

        let deep = format!("{}{}", "[".repeat(70), "]".repeat(70));
        let err = fail(deep.as_bytes());
        assert_eq!(err.span, at(1, 65));
        assert!(
            err.message.contains("more than 64 levels"),
            "{}",
            err.message
        );

        let ok = format!("{}{}", "[".repeat(64), "]".repeat(64));
        assert!(parse(ok.as_bytes(), &Limits::default()).is_ok());

        let mut block = String::new();
        for depth in 0..70 {
            block.push_str(&" ".repeat(depth * 2));
            block.push_str("k:\n");
        }
        // A block mapping is refused where yaml-rust2 marks its start: the first ':'.
        assert_eq!(fail(block.as_bytes()).span, at(65, 130));
    }

    #[test]
    fn aliases_cannot_smuggle_in_depth() {
        let inner = format!("{}{}", "[".repeat(40), "]".repeat(40));
        let text = format!(
            "a: &deep {inner}\nb: {}*deep{}\n",
            "[".repeat(30),
            "]".repeat(30)
        );
        let err = fail(text.as_bytes());
        assert_eq!(err.span, at(2, 34));
        assert!(err.message.contains("more than 64 levels"));
    }

    /// Run with `cargo test --release --lib yaml -- --ignored --nocapture`.
    #[test]
    #[ignore = "timing measurement"]
    fn timing_200k_names() {
        let mut text = String::from("names:\n");
        for i in 0..200_000 {
            text.push_str(&format!("- Customer Name {i:06}\n"));
        }
        let started = std::time::Instant::now();
        let doc = parse(text.as_bytes(), &Limits::default());
        let elapsed = started.elapsed();
        let count = doc
            .ok()
            .flatten()
            .and_then(|d| d.get("names").and_then(Node::as_seq).map(<[Node]>::len));
        assert_eq!(count, Some(200_000));
        println!(
            "parsed {} bytes of 200,000 names in {elapsed:?}",
            text.len()
        );
        let started = std::time::Instant::now();
        let err = parse(billion_laughs(9).as_bytes(), &Limits::default());
        println!("billion laughs refused in {:?}", started.elapsed());
        assert!(err.is_err());
    }
}
