//! Writing any `serde::Serialize` value as deterministic block-style YAML, streaming.

// Nothing is collected into an intermediate tree: each value is written as soon as serde hands
// it over, so a plan with hundreds of thousands of entries costs little memory. The only
// look-ahead needed (is a list or mapping empty?) is resolved by writing a collection's
// lead-in lazily, when its first entry arrives or when it ends empty.
//
// Strings are written plain only when both YAML 1.2 readers and YAML 1.1 readers (PyYAML,
// libyaml) are certain to read them back as the same string; everything else is
// double-quoted.

use std::fmt;
use std::io::{self, BufWriter, Write};

use serde::ser::{self, Impossible, Serialize};

/// Why a value could not be written: an I/O failure or a value YAML output cannot represent
/// (for example a map with non-string keys).
#[derive(Debug)]
pub struct WriteError {
    message: String,
    io: Option<io::Error>,
}

impl WriteError {
    fn unsupported(what: &str) -> Self {
        WriteError {
            message: format!("cannot write {what} as YAML"),
            io: None,
        }
    }

    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for WriteError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.io.as_ref().map(|e| e as _)
    }
}

impl From<io::Error> for WriteError {
    fn from(err: io::Error) -> Self {
        WriteError {
            message: format!("could not write YAML: {err}"),
            io: Some(err),
        }
    }
}

impl ser::Error for WriteError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        WriteError {
            message: msg.to_string(),
            io: None,
        }
    }
}

/// Writes `value` as one YAML document.
///
/// The writer is wrapped in an internal 64 KiB buffer and flushed at the end, so passing an
/// unbuffered `File` is fine; passing an already buffered writer costs one extra copy.
pub fn to_writer<W: Write, T: Serialize + ?Sized>(w: W, value: &T) -> Result<(), WriteError> {
    let mut out = BufWriter::with_capacity(64 * 1024, w);
    value.serialize(&mut Emitter::new(&mut out))?;
    out.flush()?;
    Ok(())
}

/// Serializes `value` as one YAML document into a string.
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> Result<String, WriteError> {
    let mut out = Vec::with_capacity(1024);
    value.serialize(&mut Emitter::new(&mut out))?;
    String::from_utf8(out).map_err(|_| WriteError::unsupported("text that is not UTF-8"))
}

/// What was written just before the value that comes next.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ctx {
    /// Nothing: the value is the whole document.
    Top,
    /// `key:` with the key at this column; the value goes after a space or on the next lines.
    AfterKey(usize),
    /// `- ` with the dash at this column; the value goes right after it.
    AfterDash(usize),
}

struct Frame {
    /// Column where this collection's `- ` or `key:` lines start.
    indent: usize,
    /// How the collection was reached; decides how its first line (or `[]`/`{}`) is written.
    opened: Ctx,
    empty: bool,
}

/// Implicit keys longer than 1024 characters are invalid YAML; beyond this many bytes a key is
/// written in explicit `? key` form instead.
const LONG_KEY: usize = 1000;

struct Emitter<W: Write> {
    out: W,
    ctx: Ctx,
    frames: Vec<Frame>,
    key: Vec<u8>,
}

const SPACES: &[u8; 64] = b"                                                                ";

impl<W: Write> Emitter<W> {
    fn new(out: W) -> Self {
        Emitter {
            out,
            ctx: Ctx::Top,
            frames: Vec::new(),
            key: Vec::new(),
        }
    }

    fn indent(&mut self, mut n: usize) -> io::Result<()> {
        while n > 0 {
            let step = n.min(SPACES.len());
            self.out.write_all(&SPACES[..step])?;
            n -= step;
        }
        Ok(())
    }

    /// Writes a scalar (already rendered) in the current position, ending its line.
    fn scalar(&mut self, text: &[u8]) -> Result<(), WriteError> {
        if let Ctx::AfterKey(_) = self.ctx {
            self.out.write_all(b" ")?;
        }
        self.out.write_all(text)?;
        self.out.write_all(b"\n")?;
        Ok(())
    }

    fn string(&mut self, s: &str) -> Result<(), WriteError> {
        if let Ctx::AfterKey(_) = self.ctx {
            self.out.write_all(b" ")?;
        }
        write_string(&mut self.out, s)?;
        self.out.write_all(b"\n")?;
        Ok(())
    }

    fn begin(&mut self, is_seq: bool) {
        let indent = match self.ctx {
            Ctx::Top => 0,
            // Lists under a key are not indented (the common style for YAML in the wild);
            // mappings under a key are.
            Ctx::AfterKey(col) if is_seq => col,
            Ctx::AfterKey(col) | Ctx::AfterDash(col) => col + 2,
        };
        self.frames.push(Frame {
            indent,
            opened: self.ctx,
            empty: true,
        });
    }

    /// Positions the output at the start of the next entry of the innermost collection.
    fn entry(&mut self) -> Result<usize, WriteError> {
        let Some(frame) = self.frames.last_mut() else {
            return Err(WriteError::unsupported(
                "an entry outside any list or mapping",
            ));
        };
        let indent = frame.indent;
        if frame.empty {
            frame.empty = false;
            match frame.opened {
                Ctx::Top | Ctx::AfterDash(_) => {}
                Ctx::AfterKey(_) => {
                    self.out.write_all(b"\n")?;
                    self.indent(indent)?;
                }
            }
        } else {
            self.indent(indent)?;
        }
        Ok(indent)
    }

    fn seq_item(&mut self) -> Result<(), WriteError> {
        let indent = self.entry()?;
        self.out.write_all(b"- ")?;
        self.ctx = Ctx::AfterDash(indent);
        Ok(())
    }

    fn map_key(&mut self, key: &str) -> Result<(), WriteError> {
        let indent = self.entry()?;
        // Escaping at most quadruples a key's length, so short keys need no trial rendering.
        if key.len() * 4 + 2 <= LONG_KEY {
            write_string(&mut self.out, key)?;
            self.out.write_all(b":")?;
            self.ctx = Ctx::AfterKey(indent);
            return Ok(());
        }
        self.key.clear();
        write_string(&mut self.key, key)?;
        if self.key.len() > LONG_KEY {
            self.out.write_all(b"? ")?;
            self.out.write_all(&self.key)?;
            self.out.write_all(b"\n")?;
            self.indent(indent)?;
            self.out.write_all(b":")?;
        } else {
            self.out.write_all(&self.key)?;
            self.out.write_all(b":")?;
        }
        self.ctx = Ctx::AfterKey(indent);
        Ok(())
    }

    fn end(&mut self, is_seq: bool) -> Result<(), WriteError> {
        let Some(frame) = self.frames.pop() else {
            return Err(WriteError::unsupported(
                "the end of a collection that never began",
            ));
        };
        if frame.empty {
            let empty: &[u8] = match (frame.opened, is_seq) {
                (Ctx::AfterKey(_), true) => b" []\n",
                (Ctx::AfterKey(_), false) => b" {}\n",
                (_, true) => b"[]\n",
                (_, false) => b"{}\n",
            };
            self.out.write_all(empty)?;
        }
        Ok(())
    }

    fn integer(&mut self, v: impl fmt::Display) -> Result<(), WriteError> {
        if let Ctx::AfterKey(_) = self.ctx {
            self.out.write_all(b" ")?;
        }
        writeln!(self.out, "{v}")?;
        Ok(())
    }

    /// Integers up to 64 bits skip the formatting machinery; plans are full of them.
    fn small_integer(&mut self, negative: bool, mut magnitude: u64) -> Result<(), WriteError> {
        let mut buf = [0u8; 21];
        let mut at = buf.len();
        loop {
            at -= 1;
            buf[at] = b'0' + (magnitude % 10) as u8;
            magnitude /= 10;
            if magnitude == 0 {
                break;
            }
        }
        if negative {
            at -= 1;
            buf[at] = b'-';
        }
        self.scalar(&buf[at..])
    }

    fn float(&mut self, v: f64, debug: &str) -> Result<(), WriteError> {
        if v.is_nan() {
            return self.scalar(b".nan");
        }
        if v.is_infinite() {
            return self.scalar(if v > 0.0 { b".inf" } else { b"-.inf" });
        }
        // `{:?}` is the shortest text that reads back as the same float and always has a '.' or
        // an exponent; YAML 1.1 additionally needs a '.' in the mantissa and a signed exponent
        // ("1.0e+20", not "1e20").
        let rendered = match debug.split_once('e') {
            None => debug.to_owned(),
            Some((mantissa, exp)) => {
                let dot = if mantissa.contains('.') { "" } else { ".0" };
                let sign = if exp.starts_with('-') { "" } else { "+" };
                format!("{mantissa}{dot}e{sign}{exp}")
            }
        };
        self.scalar(rendered.as_bytes())
    }
}

/// Writes `s` plain if that is unambiguous, otherwise double-quoted.
fn write_string<W: Write>(out: &mut W, s: &str) -> io::Result<()> {
    if is_plain_safe(s) {
        out.write_all(s.as_bytes())
    } else {
        write_double_quoted(out, s)
    }
}

fn write_double_quoted<W: Write>(out: &mut W, s: &str) -> io::Result<()> {
    out.write_all(b"\"")?;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        let escape: Option<&[u8]> = match c {
            '"' => Some(b"\\\""),
            '\\' => Some(b"\\\\"),
            '\n' => Some(b"\\n"),
            '\t' => Some(b"\\t"),
            '\r' => Some(b"\\r"),
            _ if needs_escape(c) => None,
            _ => continue,
        };
        out.write_all(&s.as_bytes()[start..i])?;
        match escape {
            Some(e) => out.write_all(e)?,
            None if (c as u32) <= 0xff => write!(out, "\\x{:02X}", c as u32)?,
            None => write!(out, "\\u{:04X}", c as u32)?,
        }
        start = i + c.len_utf8();
    }
    out.write_all(&s.as_bytes()[start..])?;
    out.write_all(b"\"")
}

/// Characters that YAML readers refuse or treat as line breaks when they appear literally:
/// C0 and C1 controls, DEL, the Unicode line and paragraph separators, and the non-characters
/// U+FFFE/U+FFFF. U+FEFF is legal but invisible and a byte-order mark to some readers.
fn needs_escape(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{2028}' | '\u{2029}' | '\u{feff}'
        | '\u{fffe}' | '\u{ffff}')
}

/// True when `s` reads back as this exact string, as a string, under both YAML 1.2 (core
/// schema) and YAML 1.1 (PyYAML/libyaml implicit types). Errs towards quoting.
fn is_plain_safe(s: &str) -> bool {
    let bytes = s.as_bytes();
    let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) else {
        return false;
    };
    // Indicators that start other syntax (or are reserved) at the start of a plain scalar.
    if matches!(
        first,
        b'-' | b'?'
            | b':'
            | b','
            | b'['
            | b']'
            | b'{'
            | b'}'
            | b'#'
            | b'&'
            | b'*'
            | b'!'
            | b'|'
            | b'>'
            | b'\''
            | b'"'
            | b'%'
            | b'@'
            | b'`'
    ) {
        return false;
    }
    // A trailing ':' would read as a key; blanks at either end would be trimmed.
    if first == b' ' || last == b' ' || last == b':' {
        return false;
    }
    // One pass over the bytes, since this runs for every key and string in large plans.
    let mut prev = 0u8;
    let mut ascii = true;
    for &b in bytes {
        match b {
            // Control characters (tab and line breaks included) and DEL.
            0x00..=0x1f | 0x7f => return false,
            // ": " starts a value and " #" a comment.
            b' ' if prev == b':' => return false,
            b'#' if prev == b' ' => return false,
            0x80.. => ascii = false,
            _ => {}
        }
        prev = b;
    }
    if !ascii
        && (s.starts_with(char::is_whitespace)
            || s.ends_with(char::is_whitespace)
            || s.chars().any(needs_escape))
    {
        return false;
    }
    // "..." at the start of a line ends the document.
    if first == b'.' && s.starts_with("...") {
        return false;
    }
    !is_reserved_word(s) && !is_number_like(s)
}

/// Nulls, booleans (YAML 1.1 spells them many ways), the merge key and PyYAML's value key.
fn is_reserved_word(s: &str) -> bool {
    let first = s.as_bytes().first().map(u8::to_ascii_lowercase);
    if s.len() > 5
        || !matches!(
            first,
            Some(b'y' | b'n' | b'o' | b't' | b'f' | b'~' | b'<' | b'=')
        )
    {
        return false;
    }
    let mut lower = [0u8; 5];
    for (dst, src) in lower.iter_mut().zip(s.bytes()) {
        *dst = src.to_ascii_lowercase();
    }
    matches!(
        &lower[..s.len()],
        b"y" | b"n"
            | b"yes"
            | b"no"
            | b"on"
            | b"off"
            | b"true"
            | b"false"
            | b"null"
            | b"~"
            | b"<<"
            | b"="
    )
}

/// Anything a reader of either version might take as a number or a timestamp. Rather than
/// reproduce each version's patterns, any blank-free text that starts like a number is quoted
/// (which covers 1_000, 0x1F, 0o17, 017, 0b101, 1e3, 1:20, 190:20:30.15, 2001-12-14), as is any
/// timestamp (which may contain spaces) and whatever Rust's float parser accepts ("inf", "NaN").
fn is_number_like(s: &str) -> bool {
    let unsigned = s.strip_prefix(['+', '-']).unwrap_or(s);
    let blank_free = || !s.contains([' ', '\t']);
    match unsigned.as_bytes() {
        [d, ..] if d.is_ascii_digit() => blank_free() || is_timestamp_start(unsigned),
        // YAML 1.1's float pattern even matches "." and "..", and old PyYAML reads "._" as a
        // float.
        [b'.'] => true,
        [b'.', d, ..] if d.is_ascii_digit() || *d == b'.' || *d == b'_' => blank_free(),
        [b'.', ..] => {
            unsigned.eq_ignore_ascii_case(".inf") || unsigned.eq_ignore_ascii_case(".nan")
        }
        // Rust's float parser (and so some YAML libraries) accepts these words in any case.
        [b'i' | b'I' | b'n' | b'N', ..] => ["inf", "infinity", "nan"]
            .iter()
            .any(|word| unsigned.eq_ignore_ascii_case(word)),
        _ => false,
    }
}

/// YAML 1.1 timestamps start with a four-digit year and may contain spaces.
fn is_timestamp_start(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 5 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-'
}

impl<W: Write> ser::Serializer for &mut Emitter<W> {
    type Ok = ();
    type Error = WriteError;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Impossible<(), WriteError>;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Impossible<(), WriteError>;

    fn serialize_bool(self, v: bool) -> Result<(), WriteError> {
        self.scalar(if v { b"true" } else { b"false" })
    }

    fn serialize_i8(self, v: i8) -> Result<(), WriteError> {
        self.small_integer(v < 0, u64::from(v.unsigned_abs()))
    }

    fn serialize_i16(self, v: i16) -> Result<(), WriteError> {
        self.small_integer(v < 0, u64::from(v.unsigned_abs()))
    }

    fn serialize_i32(self, v: i32) -> Result<(), WriteError> {
        self.small_integer(v < 0, u64::from(v.unsigned_abs()))
    }

    fn serialize_i64(self, v: i64) -> Result<(), WriteError> {
        self.small_integer(v < 0, v.unsigned_abs())
    }

    fn serialize_i128(self, v: i128) -> Result<(), WriteError> {
        self.integer(v)
    }

    fn serialize_u8(self, v: u8) -> Result<(), WriteError> {
        self.small_integer(false, u64::from(v))
    }

    fn serialize_u16(self, v: u16) -> Result<(), WriteError> {
        self.small_integer(false, u64::from(v))
    }

    fn serialize_u32(self, v: u32) -> Result<(), WriteError> {
        self.small_integer(false, u64::from(v))
    }

    fn serialize_u64(self, v: u64) -> Result<(), WriteError> {
        self.small_integer(false, v)
    }

    fn serialize_u128(self, v: u128) -> Result<(), WriteError> {
        self.integer(v)
    }

    fn serialize_f32(self, v: f32) -> Result<(), WriteError> {
        // Formatting as f32 keeps 0.1f32 as "0.1" instead of its f64 widening.
        self.float(f64::from(v), &format!("{v:?}"))
    }

    fn serialize_f64(self, v: f64) -> Result<(), WriteError> {
        self.float(v, &format!("{v:?}"))
    }

    fn serialize_char(self, v: char) -> Result<(), WriteError> {
        self.string(v.encode_utf8(&mut [0; 4]))
    }

    fn serialize_str(self, v: &str) -> Result<(), WriteError> {
        self.string(v)
    }

    fn serialize_bytes(self, v: &[u8]) -> Result<(), WriteError> {
        use ser::SerializeSeq;
        let mut seq = self.serialize_seq(Some(v.len()))?;
        for b in v {
            seq.serialize_element(b)?;
        }
        SerializeSeq::end(seq)
    }

    fn serialize_none(self) -> Result<(), WriteError> {
        self.scalar(b"null")
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), WriteError> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), WriteError> {
        self.scalar(b"null")
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), WriteError> {
        self.scalar(b"null")
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), WriteError> {
        self.string(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), WriteError> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        value: &T,
    ) -> Result<(), WriteError> {
        value.serialize(self)
    }

    fn serialize_seq(self, _len: Option<usize>) -> Result<Self, WriteError> {
        self.begin(true);
        Ok(self)
    }

    fn serialize_tuple(self, len: usize) -> Result<Self, WriteError> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<Self, WriteError> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_variant(
        self,
        name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, WriteError> {
        Err(WriteError::unsupported(&format!(
            "the tuple variant {name}::{variant}"
        )))
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<Self, WriteError> {
        self.begin(false);
        Ok(self)
    }

    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Self, WriteError> {
        self.begin(false);
        Ok(self)
    }

    fn serialize_struct_variant(
        self,
        name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, WriteError> {
        Err(WriteError::unsupported(&format!(
            "the struct variant {name}::{variant}"
        )))
    }
}

impl<W: Write> ser::SerializeSeq for &mut Emitter<W> {
    type Ok = ();
    type Error = WriteError;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), WriteError> {
        self.seq_item()?;
        value.serialize(&mut **self)
    }

    fn end(self) -> Result<(), WriteError> {
        Emitter::end(self, true)
    }
}

impl<W: Write> ser::SerializeTuple for &mut Emitter<W> {
    type Ok = ();
    type Error = WriteError;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), WriteError> {
        ser::SerializeSeq::serialize_element(self, value)
    }

    fn end(self) -> Result<(), WriteError> {
        Emitter::end(self, true)
    }
}

impl<W: Write> ser::SerializeTupleStruct for &mut Emitter<W> {
    type Ok = ();
    type Error = WriteError;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), WriteError> {
        ser::SerializeSeq::serialize_element(self, value)
    }

    fn end(self) -> Result<(), WriteError> {
        Emitter::end(self, true)
    }
}

impl<W: Write> ser::SerializeMap for &mut Emitter<W> {
    type Ok = ();
    type Error = WriteError;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), WriteError> {
        let key = key.serialize(KeySerializer)?;
        self.map_key(&key)
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), WriteError> {
        value.serialize(&mut **self)
    }

    fn end(self) -> Result<(), WriteError> {
        Emitter::end(self, false)
    }
}

impl<W: Write> ser::SerializeStruct for &mut Emitter<W> {
    type Ok = ();
    type Error = WriteError;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), WriteError> {
        self.map_key(key)?;
        value.serialize(&mut **self)
    }

    fn end(self) -> Result<(), WriteError> {
        Emitter::end(self, false)
    }
}

/// Map keys must come out as strings; this accepts exactly the values that are strings.
struct KeySerializer;

fn not_a_string_key(kind: &str) -> Result<String, WriteError> {
    Err(WriteError {
        message: format!("cannot write YAML: map keys must be strings, found {kind}"),
        io: None,
    })
}

impl ser::Serializer for KeySerializer {
    type Ok = String;
    type Error = WriteError;
    type SerializeSeq = Impossible<String, WriteError>;
    type SerializeTuple = Impossible<String, WriteError>;
    type SerializeTupleStruct = Impossible<String, WriteError>;
    type SerializeTupleVariant = Impossible<String, WriteError>;
    type SerializeMap = Impossible<String, WriteError>;
    type SerializeStruct = Impossible<String, WriteError>;
    type SerializeStructVariant = Impossible<String, WriteError>;

    fn serialize_str(self, v: &str) -> Result<String, WriteError> {
        Ok(v.to_owned())
    }

    fn serialize_char(self, v: char) -> Result<String, WriteError> {
        Ok(v.to_string())
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<String, WriteError> {
        Ok(variant.to_owned())
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<String, WriteError> {
        value.serialize(self)
    }

    fn serialize_bool(self, _v: bool) -> Result<String, WriteError> {
        not_a_string_key("a boolean")
    }

    fn serialize_i8(self, _v: i8) -> Result<String, WriteError> {
        not_a_string_key("a number")
    }

    fn serialize_i16(self, _v: i16) -> Result<String, WriteError> {
        not_a_string_key("a number")
    }

    fn serialize_i32(self, _v: i32) -> Result<String, WriteError> {
        not_a_string_key("a number")
    }

    fn serialize_i64(self, _v: i64) -> Result<String, WriteError> {
        not_a_string_key("a number")
    }

    fn serialize_u8(self, _v: u8) -> Result<String, WriteError> {
        not_a_string_key("a number")
    }

    fn serialize_u16(self, _v: u16) -> Result<String, WriteError> {
        not_a_string_key("a number")
    }

    fn serialize_u32(self, _v: u32) -> Result<String, WriteError> {
        not_a_string_key("a number")
    }

    fn serialize_u64(self, _v: u64) -> Result<String, WriteError> {
        not_a_string_key("a number")
    }

    fn serialize_f32(self, _v: f32) -> Result<String, WriteError> {
        not_a_string_key("a number")
    }

    fn serialize_f64(self, _v: f64) -> Result<String, WriteError> {
        not_a_string_key("a number")
    }

    fn serialize_bytes(self, _v: &[u8]) -> Result<String, WriteError> {
        not_a_string_key("bytes")
    }

    fn serialize_none(self) -> Result<String, WriteError> {
        not_a_string_key("null")
    }

    fn serialize_some<T: Serialize + ?Sized>(self, _value: &T) -> Result<String, WriteError> {
        not_a_string_key("an optional value")
    }

    fn serialize_unit(self) -> Result<String, WriteError> {
        not_a_string_key("null")
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<String, WriteError> {
        not_a_string_key("null")
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<String, WriteError> {
        not_a_string_key("an enum with data")
    }

    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, WriteError> {
        Err(WriteError::unsupported("a map whose keys are lists"))
    }

    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, WriteError> {
        Err(WriteError::unsupported("a map whose keys are tuples"))
    }

    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct, WriteError> {
        Err(WriteError::unsupported("a map whose keys are tuples"))
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, WriteError> {
        Err(WriteError::unsupported(
            "a map whose keys are enums with data",
        ))
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, WriteError> {
        Err(WriteError::unsupported("a map whose keys are maps"))
    }

    fn serialize_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStruct, WriteError> {
        Err(WriteError::unsupported("a map whose keys are structs"))
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, WriteError> {
        Err(WriteError::unsupported(
            "a map whose keys are enums with data",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;
    use std::collections::BTreeMap;

    fn yaml<T: Serialize + ?Sized>(value: &T) -> String {
        match to_string(value) {
            Ok(text) => text,
            Err(err) => panic!("serialization failed: {err}"),
        }
    }

    /// Reads `text` back with a YAML 1.2 reader and compares with the JSON view of `value`.
    fn assert_round_trip<T: Serialize>(value: &T) -> String {
        let text = yaml(value);
        let expected = serde_json::to_value(value).map_err(|e| e.to_string());
        let actual = serde_yaml::from_str::<serde_json::Value>(&text).map_err(|e| e.to_string());
        assert!(expected.is_ok());
        if actual != expected {
            panic!("round trip failed\n--- yaml ---\n{text}\n--- got ---\n{actual:?}");
        }
        text
    }

    #[derive(Serialize)]
    struct Plan {
        #[serde(rename = "apiVersion")]
        api_version: &'static str,
        kind: &'static str,
        organization: &'static str,
        recommendation: Recommendation,
        empty_list: Vec<String>,
        empty_map: BTreeMap<String, String>,
        nothing: Option<u32>,
        count: u32,
        flag: bool,
        accounts: Vec<Account>,
    }

    #[derive(Serialize)]
    struct Recommendation {
        model: Model,
        reasons: Vec<&'static str>,
        alternatives: Vec<Alternative>,
    }

    #[derive(Serialize)]
    #[serde(rename_all = "snake_case")]
    enum Model {
        ParentSubaccount,
        Standard,
    }

    #[derive(Serialize)]
    struct Alternative {
        model: Model,
        why_not: &'static str,
    }

    #[derive(Serialize)]
    struct Account {
        #[serde(rename = "ref")]
        reference: &'static str,
        parent: Option<&'static str>,
        members: Vec<Member>,
    }

    #[derive(Serialize)]
    struct Member {
        who: &'static str,
        role: &'static str,
    }

    fn example_plan() -> Plan {
        Plan {
            api_version: "account-advisor/v1",
            kind: "AccountPlan",
            organization: "Casa Olivo Group",
            recommendation: Recommendation {
                model: Model::ParentSubaccount,
                reasons: vec!["First reason", "no"],
                alternatives: vec![Alternative {
                    model: Model::Standard,
                    why_not: "Some text",
                }],
            },
            empty_list: vec![],
            empty_map: BTreeMap::new(),
            nothing: None,
            count: 3,
            flag: true,
            accounts: vec![Account {
                reference: "casa-olivo-group",
                parent: None,
                members: vec![Member {
                    who: "Owner",
                    role: "owner",
                }],
            }],
        }
    }

    #[test]
    fn pinned_output_format() {
        let expected = "\
apiVersion: account-advisor/v1
kind: AccountPlan
organization: Casa Olivo Group
recommendation:
  model: parent_subaccount
  reasons:
  - First reason
  - \"no\"
  alternatives:
  - model: standard
    why_not: Some text
empty_list: []
empty_map: {}
nothing: null
count: 3
flag: true
accounts:
- ref: casa-olivo-group
  parent: null
  members:
  - who: Owner
    role: owner
";
        assert_eq!(yaml(&example_plan()), expected);
        assert_round_trip(&example_plan());
    }

    #[test]
    fn nested_lists_and_empty_collections() {
        let value = serde_json::json!({
            "grid": [[1, 2], [], [[3]], [{"a": []}, {}]],
            "map_in_list": [{"k": {"x": {"y": "z"}}, "l": [[]]}],
            "top": {},
        });
        let expected = "\
grid:
- - 1
  - 2
- []
- - - 3
- - a: []
  - {}
map_in_list:
- k:
    x:
      \"y\": z
  l:
  - []
top: {}
";
        assert_eq!(assert_round_trip(&value), expected);
        assert_eq!(yaml(&Vec::<u8>::new()), "[]\n");
        assert_eq!(yaml(&BTreeMap::<String, u8>::new()), "{}\n");
        assert_eq!(yaml(&vec![vec!["a"]]), "- - a\n");
        assert_eq!(yaml("text"), "text\n");
        assert_eq!(yaml(&()), "null\n");
    }

    #[test]
    fn scalars_of_every_kind() {
        #[derive(Serialize)]
        struct Unit;
        #[derive(Serialize)]
        struct Meters(f32);
        #[derive(Serialize)]
        enum Wrap {
            Inner(u8),
        }
        #[derive(Serialize)]
        struct All {
            i: i64,
            u: u128,
            neg: i8,
            f: f64,
            small: f64,
            big: f64,
            whole: f64,
            neg_zero: f64,
            single: f32,
            meters: Meters,
            nan: f64,
            inf: f64,
            ninf: f64,
            c: char,
            colon: char,
            unit: (),
            unit_struct: Unit,
            wrap: Wrap,
            tuple: (u8, &'static str),
            bytes: serde_bytes_like::Bytes,
        }
        mod serde_bytes_like {
            pub struct Bytes;
            impl serde::Serialize for Bytes {
                fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                    s.serialize_bytes(&[1, 255])
                }
            }
        }
        let text = yaml(&All {
            i: -42,
            u: u128::MAX,
            neg: -1,
            f: 0.1,
            small: 1e-7,
            big: 1.5e300,
            whole: 1e20,
            neg_zero: -0.0,
            single: 0.1,
            meters: Meters(2.5),
            nan: f64::NAN,
            inf: f64::INFINITY,
            ninf: f64::NEG_INFINITY,
            c: 'x',
            colon: ':',
            unit: (),
            unit_struct: Unit,
            wrap: Wrap::Inner(7),
            tuple: (1, "yes"),
            bytes: serde_bytes_like::Bytes,
        });
        let expected = "\
i: -42
u: 340282366920938463463374607431768211455
neg: -1
f: 0.1
small: 1.0e-7
big: 1.5e+300
whole: 1.0e+20
neg_zero: -0.0
single: 0.1
meters: 2.5
\"nan\": .nan
\"inf\": .inf
ninf: -.inf
c: x
colon: \":\"
unit: null
unit_struct: null
wrap: 7
tuple:
- 1
- \"yes\"
bytes:
- 1
- 255
";
        assert_eq!(text, expected);
    }

    #[test]
    fn unsupported_values_are_errors() {
        #[derive(Serialize)]
        enum E {
            T(u8, u8),
            S { a: u8 },
        }
        let mut numbers = BTreeMap::new();
        numbers.insert(1, "one");
        let err = to_string(&numbers).err().map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some("cannot write YAML: map keys must be strings, found a number")
        );
        assert!(to_string(&E::T(1, 2)).is_err());
        assert!(to_string(&E::S { a: 1 }).is_err());
    }

    #[test]
    fn io_errors_are_reported() {
        struct Broken;
        impl Write for Broken {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::Error::other("disk full"))
            }
            fn flush(&mut self) -> io::Result<()> {
                Err(io::Error::other("disk full"))
            }
        }
        let err = to_writer(Broken, &example_plan())
            .err()
            .map(|e| e.to_string());
        assert_eq!(err.as_deref(), Some("could not write YAML: disk full"));
        let mut out = Vec::new();
        assert!(to_writer(&mut out, &example_plan()).is_ok());
        assert_eq!(String::from_utf8_lossy(&out), yaml(&example_plan()));
    }

    /// Strings that trip up YAML writers; every one must survive a round trip.
    const TRICKY: &[&str] = &[
        "",
        " ",
        "  ",
        " lead",
        "trail ",
        "\tlead",
        "trail\t",
        "y",
        "Y",
        "n",
        "N",
        "yes",
        "Yes",
        "YES",
        "no",
        "No",
        "NO",
        "on",
        "On",
        "ON",
        "off",
        "Off",
        "OFF",
        "true",
        "True",
        "TRUE",
        "false",
        "False",
        "FALSE",
        "null",
        "Null",
        "NULL",
        "~",
        "nUlL",
        "0",
        "1",
        "-1",
        "+1",
        "1.5",
        "-1.5",
        "1_000",
        "0x1F",
        "0o17",
        "017",
        "0b101",
        ".5",
        "5.",
        "1e3",
        "1E3",
        "1e+3",
        ".inf",
        "-.inf",
        "+.inf",
        ".Inf",
        ".INF",
        ".nan",
        ".NaN",
        "inf",
        "nan",
        "NaN",
        "infinity",
        "1:20",
        "190:20:30.15",
        "-1:20",
        "2001-12-14",
        "2001-12-14t21:59:43.10-05:00",
        "2001-12-14 21:59:43.10 -5",
        "2002-12-14",
        "- item",
        "-",
        "--",
        "---",
        "...",
        "....x",
        "?",
        "? x",
        ":",
        ":x",
        ",",
        "[",
        "]",
        "{",
        "}",
        "[a]",
        "{a: 1}",
        "#",
        "# comment",
        "&anchor",
        "*alias",
        "!tag",
        "!!str",
        "|",
        "|-",
        ">",
        ">-",
        "'",
        "''",
        "'quoted'",
        "\"",
        "\"quoted\"",
        "%",
        "%YAML",
        "@",
        "@user",
        "`",
        "`code`",
        "Client: Salon Mira",
        "key:value",
        "ends with:",
        "a #b",
        "a#b",
        "C#",
        "100%",
        "50% off",
        "a: ",
        "<<",
        "=",
        "line\nbreak",
        "trailing\n",
        "\n",
        "\r\n",
        "tab\there",
        "nul\0",
        "bell\u{7}",
        "esc\u{1b}[0m",
        "del\u{7f}",
        "nel\u{85}x",
        "ls\u{2028}x",
        "ps\u{2029}x",
        "bom\u{feff}x",
        "\u{fffe}",
        "\u{a0}nbsp",
        "nbsp\u{a0}",
        "back\\slash",
        "\\n",
        "Salon Mira",
        "Museum Café",
        "东京支店",
        "Club 👍",
        "👍",
        "🇪🇸 España",
        "**bold**",
        "_italic_",
        "# Heading",
        "> quote",
        "- [ ] task",
        "[link](http://x)",
        "`code` and more",
        "a | b",
        "https://example.com/path?q=1#frag",
        "C:\\Users\\mira",
        "it's",
        "say \"hi\"",
        "O'Brien & Sons",
        "x = y",
        "a, b, c",
        "3 apples",
        "12:30 pm",
        "1 000",
        "v1.2.3",
        "1.2.3",
        "10.0.0.1",
        "+",
        "+x",
        "0.",
        "._",
        ".x",
        "e3",
        "0e",
        "True story",
        "no way",
        "null island",
    ];

    #[test]
    fn tricky_strings_round_trip() {
        assert!(TRICKY.len() >= 60);
        #[derive(Serialize)]
        struct Holder<'a> {
            value: &'a str,
            list: Vec<&'a str>,
            nested: BTreeMap<&'a str, Vec<&'a str>>,
        }
        for s in TRICKY {
            let mut nested = BTreeMap::new();
            nested.insert(*s, vec![*s]);
            assert_round_trip(&Holder {
                value: s,
                list: vec![s, s],
                nested,
            });
        }
        let all: BTreeMap<&str, &str> = TRICKY.iter().map(|s| (*s, *s)).collect();
        assert_round_trip(&all);
    }

    #[test]
    fn plain_only_when_unambiguous() {
        for s in [
            "Salon Mira",
            "Museum Café",
            "东京支店",
            "Club 👍",
            "a#b",
            "it's",
            "3 apples",
        ] {
            assert_eq!(yaml(s), format!("{s}\n"));
        }
        for s in [
            "Client: Salon Mira",
            "a #b",
            "ends:",
            "",
            " x",
            "x ",
            "<<",
            "---",
            "...",
        ] {
            assert!(yaml(s).starts_with('"'), "{s:?} should be quoted");
        }
    }

    #[test]
    fn yaml_1_1_readings_are_quoted() {
        for s in [
            "no",
            "on",
            "Y",
            "1:20",
            "0o17",
            "017",
            "2001-12-14",
            "1_000",
            "=",
        ] {
            assert_eq!(yaml(s), format!("\"{s}\"\n"));
        }
    }

    #[test]
    fn escapes() {
        assert_eq!(yaml("a\"b\\c\nd\te\rf"), "\"a\\\"b\\\\c\\nd\\te\\rf\"\n");
        assert_eq!(yaml("\0\u{1b}\u{7f}\u{85}"), "\"\\x00\\x1B\\x7F\\x85\"\n");
        assert_eq!(
            yaml("\u{2028}\u{2029}\u{feff}"),
            "\"\\u2028\\u2029\\uFEFF\"\n"
        );
    }

    #[test]
    fn keys_are_quoted_like_values() {
        let mut map = BTreeMap::new();
        map.insert("no", 1);
        map.insert("plain key", 2);
        map.insert("a: b", 3);
        assert_eq!(yaml(&map), "\"a: b\": 3\n\"no\": 1\nplain key: 2\n");
    }

    #[test]
    fn very_long_keys_use_explicit_form() {
        let long = "k".repeat(2000);
        let value = serde_json::json!({
            long.clone(): {"a": 1},
            format!("{long}2"): [1],
            format!("{long}3"): "v",
            "short": 1,
        });
        let text = assert_round_trip(&value);
        assert!(
            text.starts_with(&format!("? {long}\n:\n  a: 1\n")),
            "{text}"
        );
        assert!(
            text.ends_with(&format!("? {long}3\n: v\nshort: 1\n")),
            "{text}"
        );
    }

    /// Every 1- and 2-character string over an alphabet of YAML-significant characters.
    #[test]
    fn generated_short_strings_round_trip() {
        let alphabet: Vec<char> = "-?:,[]{}#&*!|>'\"%@` 0aAyYnN.~+\t\n\\=<1e_x\r\u{85}é👍"
            .chars()
            .collect();
        let mut strings: Vec<String> = alphabet.iter().map(|c| c.to_string()).collect();
        for a in &alphabet {
            for b in &alphabet {
                strings.push(format!("{a}{b}"));
            }
        }
        for a in ['-', '.', '0', ':', ' ', '#', 'y', '+'] {
            for b in &alphabet {
                for c in &alphabet {
                    strings.push(format!("{a}{b}{c}"));
                }
            }
        }
        #[derive(Serialize)]
        struct Doc<'a> {
            values: &'a [String],
            keys: BTreeMap<&'a str, usize>,
        }
        let keys = strings
            .iter()
            .enumerate()
            .map(|(i, s)| (s.as_str(), i))
            .collect();
        assert_round_trip(&Doc {
            values: &strings,
            keys,
        });
        // Check each value alone as well: a document that is a single scalar has its own rules.
        for s in &strings {
            assert_round_trip(s);
        }
    }

    /// Run with `cargo test --release --lib yaml -- --ignored --nocapture`.
    #[test]
    #[ignore = "timing measurement"]
    fn timing_400k_steps() {
        #[derive(Serialize)]
        struct Step {
            id: String,
            action: &'static str,
            account: String,
            note: Option<&'static str>,
            order: usize,
        }
        #[derive(Serialize)]
        struct Big {
            accounts: Vec<Account>,
            steps: Vec<Step>,
        }
        let big = Big {
            accounts: (0..100_000)
                .map(|_| Account {
                    reference: "branch-account",
                    parent: Some("casa-olivo-group"),
                    members: vec![Member {
                        who: "Owner",
                        role: "owner",
                    }],
                })
                .collect(),
            steps: (0..400_000)
                .map(|i| Step {
                    id: format!("step-{i}"),
                    action: "create_account",
                    account: format!("Branch {i}"),
                    note: if i % 2 == 0 {
                        None
                    } else {
                        Some("Needs: review")
                    },
                    order: i,
                })
                .collect(),
        };
        let started = std::time::Instant::now();
        let mut out = Vec::new();
        let result = to_writer(&mut out, &big);
        let elapsed = started.elapsed();
        assert!(result.is_ok());
        println!(
            "serialized 100,000 accounts + 400,000 steps ({} bytes) in {elapsed:?}",
            out.len()
        );
        let started = std::time::Instant::now();
        let mut sink = io::sink();
        assert!(to_writer(&mut sink, &big).is_ok());
        println!("same into io::sink in {:?}", started.elapsed());
    }
}
