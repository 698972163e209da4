//! The JSON serializer of the outputs, compact or pretty: byte for byte
//! what `serde_json::to_writer` and `serde_json::to_writer_pretty` write,
//! for any `Serialize` value, with a string escape that checks sixteen
//! bytes at a time. serde_json checks strings one byte at a time (about
//! nine instructions a byte); a notice's JSON is mostly text (the items'
//! `text`, unit names), so that loop was the largest single cost of
//! writing it. The check of a sixteen-byte block is written so the
//! compiler vectorises it; the code stays safe Rust.

use serde::ser::{self, Serialize};
use std::fmt;

/// Why a value could not be written: a custom error of its `Serialize`
/// implementation, or a map key that is not a string, number or bool (or
/// is a float that is not finite).
#[derive(Debug)]
pub struct Error(String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error(msg.to_string())
    }
}

/// Append the compact JSON of `value` to `out` (what `serde_json::to_writer`
/// writes). On an error, what was appended before it stays in `out`.
pub fn to_writer<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) -> Result<(), Error> {
    value.serialize(&mut Writer::<false> { out, level: 0 })
}

/// Append the pretty JSON of `value` to `out`, as it stands `level` levels
/// deep in a pretty document: its inner lines are indented by two spaces
/// more per level (level 0: what `serde_json::to_writer_pretty` writes).
pub fn to_writer_pretty<T: Serialize + ?Sized>(
    out: &mut Vec<u8>,
    value: &T,
    level: usize,
) -> Result<(), Error> {
    value.serialize(&mut Writer::<true> { out, level })
}

/// The compact JSON of `value` as a string: what `serde_json::to_string`
/// returns.
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> Result<String, Error> {
    let mut out = Vec::new();
    to_writer(&mut out, value)?;
    Ok(String::from_utf8(out).expect("JSON written from strings is UTF-8"))
}

/// The pretty JSON of `value` as a string: what
/// `serde_json::to_string_pretty` returns.
pub fn to_string_pretty<T: Serialize + ?Sized>(value: &T) -> Result<String, Error> {
    let mut out = Vec::new();
    to_writer_pretty(&mut out, value, 0)?;
    Ok(String::from_utf8(out).expect("JSON written from strings is UTF-8"))
}

/// The serializer: the output it appends to, and for pretty output the
/// depth of the value being written (`PRETTY` is a const parameter, so
/// the compact writer carries no branch on it).
struct Writer<'a, const PRETTY: bool> {
    out: &'a mut Vec<u8>,
    level: usize,
}

/// Whether a sixteen-byte block holds nothing JSON escapes: no control
/// character, quotation mark or backslash. No early exit, so it compiles
/// to a few vector instructions.
#[inline]
fn plain_block(block: &[u8; 16]) -> bool {
    let mut special = false;
    for &b in block {
        special |= (b < 0x20) | (b == b'"') | (b == b'\\');
    }
    !special
}

/// Whether `bytes` hold nothing JSON escapes, sixteen at a time (the last
/// block overlaps the one before it); a text shorter than a block is
/// checked as two overlapping words.
#[inline]
fn plain(bytes: &[u8]) -> bool {
    let n = bytes.len();
    if n >= 16 {
        let mut blocks = bytes.chunks_exact(16);
        blocks.all(|b| plain_block(b.try_into().expect("sixteen bytes")))
            && plain_block(bytes[n - 16..].try_into().expect("sixteen bytes"))
    } else if n >= 8 {
        let word = |b: &[u8]| u64::from_le_bytes(b.try_into().expect("eight bytes"));
        plain_word(word(&bytes[..8])) && plain_word(word(&bytes[n - 8..]))
    } else if n >= 4 {
        let word = |b: &[u8]| u64::from(u32::from_le_bytes(b.try_into().expect("four bytes")));
        plain_word(word(&bytes[..4]) | word(&bytes[n - 4..]) << 32)
    } else {
        bytes.iter().all(|&b| b >= 0x20 && b != b'"' && b != b'\\')
    }
}

/// [`plain_block`] for the eight bytes of a word: whether a byte is below
/// 0x20 or equals `"` or `\\`, by the borrows of bytewise subtractions (a
/// borrow can only make a byte above a true match look like one, so the
/// answer for the word is exact).
#[inline]
fn plain_word(w: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let below_space = w.wrapping_sub(ONES * 0x20) & !w;
    let quote = w ^ (ONES * u64::from(b'"'));
    let backslash = w ^ (ONES * u64::from(b'\\'));
    let quote = quote.wrapping_sub(ONES) & !quote;
    let backslash = backslash.wrapping_sub(ONES) & !backslash;
    (below_space | quote | backslash) & HIGH == 0
}

/// Append `s` as a JSON string, escaped as serde_json escapes: `\"`, `\\`,
/// `\b` `\t` `\n` `\f` `\r`, other control characters as `\u00XX`;
/// everything else (DEL and all non-ASCII text included) as it is. Almost
/// every string of a notice needs no escape: it is checked, then copied
/// whole.
#[inline]
fn write_str(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    if plain(bytes) {
        out.reserve(bytes.len() + 2);
        out.push(b'"');
        out.extend_from_slice(bytes);
        out.push(b'"');
    } else {
        write_escaped(out, bytes);
    }
}

/// [`write_str`] of a text that needs escapes, byte by byte.
#[cold]
fn write_escaped(out: &mut Vec<u8>, bytes: &[u8]) {
    out.push(b'"');
    // `bytes[start..i]` is checked and not yet copied.
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0C => b"\\f",
            0x00..=0x1F => &[],
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        if escape.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.extend_from_slice(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(b >> 4)],
                HEX[usize::from(b & 0x0F)],
            ]);
        } else {
            out.extend_from_slice(escape);
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

impl<const PRETTY: bool> Writer<'_, PRETTY> {
    fn integer(&mut self, v: impl itoa::Integer) {
        self.out
            .extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
    }

    /// A finite float as zmij writes it (serde_json's compact form); NaN and
    /// the infinities as `null`, as serde_json writes them.
    fn float(&mut self, v: impl zmij::Float, finite: bool) {
        if finite {
            self.out
                .extend_from_slice(zmij::Buffer::new().format_finite(v).as_bytes());
        } else {
            self.out.extend_from_slice(b"null");
        }
    }

    /// A line break and the indentation of the current level (pretty
    /// output only).
    fn new_line(&mut self) {
        self.out.push(b'\n');
        self.out.extend(std::iter::repeat_n(b' ', 2 * self.level));
    }

    /// `:` between a key and its value (`: ` in pretty output).
    fn colon(&mut self) {
        if PRETTY {
            self.out.extend_from_slice(b": ");
        } else {
            self.out.push(b':');
        }
    }

    /// Open `{"variant":` of an externally tagged enum variant.
    fn open_variant(&mut self, variant: &str) {
        self.out.push(b'{');
        if PRETTY {
            self.level += 1;
            self.new_line();
        }
        write_str(self.out, variant);
        self.colon();
    }

    /// Close what [`Writer::open_variant`] opened.
    fn close_variant(&mut self) {
        if PRETTY {
            self.level -= 1;
            self.new_line();
        }
        self.out.push(b'}');
    }
}

/// A sequence, tuple, map or struct being written; `variant` when it is
/// the value of a `{"variant": …}` object that must be closed after it.
pub struct Compound<'w, 'a, const PRETTY: bool> {
    writer: &'w mut Writer<'a, PRETTY>,
    first: bool,
    variant: bool,
}

impl<'w, 'a, const PRETTY: bool> Compound<'w, 'a, PRETTY> {
    fn open(writer: &'w mut Writer<'a, PRETTY>, bracket: u8, variant: bool) -> Self {
        writer.out.push(bracket);
        if PRETTY {
            writer.level += 1;
        }
        Compound {
            writer,
            first: true,
            variant,
        }
    }

    /// The separator before an element or entry (and in pretty output the
    /// line it starts).
    fn next(&mut self) {
        if !std::mem::take(&mut self.first) {
            self.writer.out.push(b',');
        }
        if PRETTY {
            self.writer.new_line();
        }
    }

    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.next();
        value.serialize(&mut *self.writer)
    }

    fn field<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Result<(), Error> {
        self.next();
        write_str(self.writer.out, key);
        self.writer.colon();
        value.serialize(&mut *self.writer)
    }

    /// Close the brackets: a container with elements ends on a line of its
    /// own in pretty output; an empty one is `[]` or `{}`.
    fn close(self, bracket: u8) -> Result<(), Error> {
        if PRETTY {
            self.writer.level -= 1;
            if !self.first {
                self.writer.new_line();
            }
        }
        self.writer.out.push(bracket);
        if self.variant {
            self.writer.close_variant();
        }
        Ok(())
    }
}

/// The ten `serialize_{i,u}{8,16,32,64,128}` methods of a serializer, each
/// with the same body over its integer `v`.
macro_rules! integers {
    ($self:ident, $v:ident => $body:expr) => {
        integers!(@each $self, $v, $body, serialize_i8: i8, serialize_i16: i16,
            serialize_i32: i32, serialize_i64: i64, serialize_i128: i128,
            serialize_u8: u8, serialize_u16: u16, serialize_u32: u32,
            serialize_u64: u64, serialize_u128: u128);
    };
    (@each $self:ident, $v:ident, $body:expr, $($method:ident: $t:ty),*) => {$(
        fn $method($self, $v: $t) -> Result<(), Error> {
            $body
        }
    )*};
}

impl<'w, 'a, const PRETTY: bool> ser::Serializer for &'w mut Writer<'a, PRETTY> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Compound<'w, 'a, PRETTY>;
    type SerializeTuple = Compound<'w, 'a, PRETTY>;
    type SerializeTupleStruct = Compound<'w, 'a, PRETTY>;
    type SerializeTupleVariant = Compound<'w, 'a, PRETTY>;
    type SerializeMap = Compound<'w, 'a, PRETTY>;
    type SerializeStruct = Compound<'w, 'a, PRETTY>;
    type SerializeStructVariant = Compound<'w, 'a, PRETTY>;

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.out
            .extend_from_slice(if v { b"true" } else { b"false" });
        Ok(())
    }
    integers!(self, v => {
        self.integer(v);
        Ok(())
    });
    fn serialize_f32(self, v: f32) -> Result<(), Error> {
        self.float(v, v.is_finite());
        Ok(())
    }
    fn serialize_f64(self, v: f64) -> Result<(), Error> {
        self.float(v, v.is_finite());
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result<(), Error> {
        write_str(self.out, v.encode_utf8(&mut [0; 4]));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), Error> {
        write_str(self.out, v);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Error> {
        let mut seq = Compound::open(self, b'[', false);
        for b in v {
            seq.element(b)?;
        }
        seq.close(b']')
    }
    fn serialize_none(self) -> Result<(), Error> {
        self.out.extend_from_slice(b"null");
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Error> {
        self.serialize_none()
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Error> {
        self.serialize_none()
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        write_str(self.out, variant);
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.open_variant(variant);
        value.serialize(&mut *self)?;
        self.close_variant();
        Ok(())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Compound<'w, 'a, PRETTY>, Error> {
        Ok(Compound::open(self, b'[', false))
    }
    fn serialize_tuple(self, _len: usize) -> Result<Compound<'w, 'a, PRETTY>, Error> {
        Ok(Compound::open(self, b'[', false))
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Compound<'w, 'a, PRETTY>, Error> {
        Ok(Compound::open(self, b'[', false))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'w, 'a, PRETTY>, Error> {
        self.open_variant(variant);
        Ok(Compound::open(self, b'[', true))
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Compound<'w, 'a, PRETTY>, Error> {
        Ok(Compound::open(self, b'{', false))
    }
    fn serialize_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Compound<'w, 'a, PRETTY>, Error> {
        Ok(Compound::open(self, b'{', false))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'w, 'a, PRETTY>, Error> {
        self.open_variant(variant);
        Ok(Compound::open(self, b'{', true))
    }
}

/// The serde traits of the compounds written as arrays: each element
/// through [`Compound::element`], closed by `]`.
macro_rules! array_like {
    ($($serde_trait:ident :: $method:ident),*) => {$(
        impl<const PRETTY: bool> ser::$serde_trait for Compound<'_, '_, PRETTY> {
            type Ok = ();
            type Error = Error;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
                self.element(value)
            }
            fn end(self) -> Result<(), Error> {
                self.close(b']')
            }
        }
    )*};
}

array_like!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

/// The serde traits of the compounds written as objects with static keys:
/// each field through [`Compound::field`], closed by `}`.
macro_rules! object_like {
    ($($serde_trait:ident),*) => {$(
        impl<const PRETTY: bool> ser::$serde_trait for Compound<'_, '_, PRETTY> {
            type Ok = ();
            type Error = Error;
            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                key: &'static str,
                value: &T,
            ) -> Result<(), Error> {
                self.field(key, value)
            }
            fn end(self) -> Result<(), Error> {
                self.close(b'}')
            }
        }
    )*};
}

object_like!(SerializeStruct, SerializeStructVariant);

impl<const PRETTY: bool> ser::SerializeMap for Compound<'_, '_, PRETTY> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.next();
        key.serialize(MapKey {
            out: &mut *self.writer.out,
        })?;
        self.writer.colon();
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        value.serialize(&mut *self.writer)
    }
    fn end(self) -> Result<(), Error> {
        self.close(b'}')
    }
}

/// A map key, written as serde_json writes keys: strings and characters
/// as strings, integers, bools and finite floats in quotes; anything else
/// is an error.
struct MapKey<'a> {
    out: &'a mut Vec<u8>,
}

impl MapKey<'_> {
    fn quoted(self, text: &str) -> Result<(), Error> {
        self.out.push(b'"');
        self.out.extend_from_slice(text.as_bytes());
        self.out.push(b'"');
        Ok(())
    }
}

/// The error for a key JSON cannot have.
fn key_must_be_a_string() -> Error {
    Error("key must be a string".into())
}

/// The error for a NaN or infinite float as a key.
fn float_key_must_be_finite() -> Error {
    Error("float key must be finite (got NaN or +/-inf)".into())
}

impl ser::Serializer for MapKey<'_> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = ser::Impossible<(), Error>;
    type SerializeTuple = ser::Impossible<(), Error>;
    type SerializeTupleStruct = ser::Impossible<(), Error>;
    type SerializeTupleVariant = ser::Impossible<(), Error>;
    type SerializeMap = ser::Impossible<(), Error>;
    type SerializeStruct = ser::Impossible<(), Error>;
    type SerializeStructVariant = ser::Impossible<(), Error>;

    fn serialize_str(self, v: &str) -> Result<(), Error> {
        write_str(self.out, v);
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result<(), Error> {
        write_str(self.out, v.encode_utf8(&mut [0; 4]));
        Ok(())
    }
    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.quoted(if v { "true" } else { "false" })
    }
    integers!(self, v => self.quoted(itoa::Buffer::new().format(v)));
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_f32(self, v: f32) -> Result<(), Error> {
        if !v.is_finite() {
            return Err(float_key_must_be_finite());
        }
        self.quoted(zmij::Buffer::new().format_finite(v))
    }
    fn serialize_f64(self, v: f64) -> Result<(), Error> {
        if !v.is_finite() {
            return Err(float_key_must_be_finite());
        }
        self.quoted(zmij::Buffer::new().format_finite(v))
    }
    fn serialize_bytes(self, _v: &[u8]) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_none(self) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStruct, Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(key_must_be_a_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde::Serialize;
    use std::collections::BTreeMap;

    /// Ours and serde_json's output of `value`, compact and pretty, which
    /// must be equal; and pretty one level deep, which must be the element
    /// of a pretty array.
    fn same<T: Serialize + ?Sized>(value: &T) {
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        let mut ours = b"before".to_vec();
        to_writer(&mut ours, value).unwrap();
        let mut theirs = b"before".to_vec();
        serde_json::to_writer(&mut theirs, value).unwrap();
        assert_eq!(text(&ours), text(&theirs));
        let mut ours = b"before".to_vec();
        to_writer_pretty(&mut ours, value, 0).unwrap();
        let mut theirs = b"before".to_vec();
        serde_json::to_writer_pretty(&mut theirs, value).unwrap();
        assert_eq!(text(&ours), text(&theirs));
        let mut ours = b"[\n  ".to_vec();
        to_writer_pretty(&mut ours, value, 1).unwrap();
        ours.extend_from_slice(b"\n]");
        let theirs = serde_json::to_vec_pretty(&[value]).unwrap();
        assert_eq!(text(&ours), text(&theirs));
    }

    /// Every character the escape treats apart, and text of one to four bytes.
    const SPECIAL: &[&str] = &[
        "\"", "\\", "\n", "\r", "\t", "\u{8}", "\u{c}", "\0", "\u{1}", "\u{1f}", "\u{7f}", " ",
        "a", "é", "中", "😀",
    ];

    #[test]
    fn every_special_character_at_every_place_of_a_block() {
        for filler in ["a", "中"] {
            for len in 0..40 {
                for c in SPECIAL {
                    for at in 0..=len {
                        let mut s = filler.repeat(len);
                        let at = at * filler.len();
                        s.insert_str(at, c);
                        same(&s);
                    }
                }
            }
        }
        for s in crate::repair::scan::every_string(SPECIAL, 3) {
            same(&s);
        }
    }

    proptest! {
        #[test]
        fn any_string_is_escaped_as_serde_json_escapes_it(s in "(\\PC|[\\x00-\\x1f\"\\\\\\x7f]){0,80}") {
            same(&s);
        }

        #[test]
        fn any_float_is_written_as_serde_json_writes_it(v in any::<f64>(), w in any::<f32>()) {
            same(&v);
            same(&w);
            same(&(v, w));
        }
    }

    #[derive(Serialize)]
    struct Unit;

    #[derive(Serialize)]
    struct Newtype(u8);

    #[derive(Serialize)]
    struct Pair(i32, &'static str);

    #[derive(Serialize)]
    struct Empty {}

    #[derive(Serialize)]
    enum Shape {
        Plain,
        Wrapped(i64),
        Pair(u8, char),
        Named { x: f64, y: Option<bool> },
    }

    #[derive(Serialize)]
    struct Everything {
        t: bool,
        f: bool,
        small: (i8, i16, i32, i64, i128),
        unsigned: (u8, u16, u32, u64, u128),
        floats: Vec<f64>,
        single: f32,
        c: char,
        #[serde(with = "serde_bytes_as_seq")]
        bytes: Vec<u8>,
        none: Option<String>,
        some: Option<&'static str>,
        unit: (),
        unit_struct: Unit,
        newtype: Newtype,
        pair: Pair,
        empty: Empty,
        empty_seq: Vec<u8>,
        shapes: Vec<Shape>,
        map: BTreeMap<String, Vec<u32>>,
        int_keys: BTreeMap<i32, bool>,
        bool_keys: BTreeMap<bool, ()>,
        char_keys: BTreeMap<char, u8>,
        nested: Vec<Vec<Option<[usize; 2]>>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        skipped: Option<u8>,
    }

    /// `Vec<u8>` through `serialize_bytes`.
    mod serde_bytes_as_seq {
        pub fn serialize<S: serde::Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
            s.serialize_bytes(v)
        }
    }

    #[test]
    fn every_kind_of_value_is_written_as_serde_json_writes_it() {
        let value = Everything {
            t: true,
            f: false,
            small: (-128, -32768, i32::MIN, i64::MIN, i128::MIN),
            unsigned: (255, 65535, u32::MAX, u64::MAX, u128::MAX),
            floats: vec![
                0.0,
                -0.0,
                0.1,
                850.0,
                1e300,
                -2.5e-300,
                f64::MIN_POSITIVE,
                f64::NAN,
                f64::INFINITY,
                f64::NEG_INFINITY,
            ],
            single: 0.3,
            c: '"',
            bytes: vec![0, 7, 255],
            none: None,
            some: Some("牵头单位：省局注册处\n"),
            unit: (),
            unit_struct: Unit,
            newtype: Newtype(9),
            pair: Pair(-1, "\\"),
            empty: Empty {},
            empty_seq: Vec::new(),
            shapes: vec![
                Shape::Plain,
                Shape::Wrapped(-3),
                Shape::Pair(1, '中'),
                Shape::Named { x: 1.5, y: None },
                Shape::Named {
                    x: f64::NAN,
                    y: Some(true),
                },
            ],
            map: [("a\"b".to_string(), vec![1, 2]), (String::new(), vec![])]
                .into_iter()
                .collect(),
            int_keys: [(-5, true), (7, false)].into_iter().collect(),
            bool_keys: [(true, ())].into_iter().collect(),
            char_keys: [('\n', 1)].into_iter().collect(),
            nested: vec![vec![], vec![None, Some([0, usize::MAX])]],
            skipped: None,
        };
        same(&value);
        same(&Shape::Plain);
        same(&Empty {});
        let float_keys: BTreeMap<String, BTreeMap<u8, f32>> =
            [("k".to_string(), [(1, 2.5)].into_iter().collect())]
                .into_iter()
                .collect();
        same(&float_keys);
    }

    #[test]
    fn keys_json_cannot_have_are_errors_as_in_serde_json() {
        let by_vec: BTreeMap<Vec<u8>, u8> = [(vec![1], 1)].into_iter().collect();
        assert!(to_writer(&mut Vec::new(), &by_vec).is_err());
        assert!(serde_json::to_vec(&by_vec).is_err());
    }

    #[test]
    fn the_other_outputs_are_written_as_serde_json_writes_them() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let opts = crate::Options::default();
        let old = crate::parse_path(&root.join("seeds/000_7c5878c3eb2a3600.txt"), &opts).unwrap();
        let new = crate::parse_path(&root.join("fixtures/diff/seed_rev.txt"), &opts).unwrap();
        same(&crate::diff::diff(&old, &new));
        let both = [old, new];
        same(&crate::ledger::all_ledgers(&both));
        same(&crate::units::report::summarize(&both));
        assert_eq!(
            to_string_pretty(&both).unwrap(),
            serde_json::to_string_pretty(&both).unwrap()
        );
        let reply = serde_json::json!({ "notices": both, "errors": [{"file": "a\"b"}] });
        assert_eq!(to_string(&reply).unwrap(), reply.to_string());
    }

    #[test]
    fn notices_are_written_as_serde_json_writes_them() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = 0;
        for dir in ["seeds", "corpus"] {
            for entry in std::fs::read_dir(root.join(dir)).unwrap() {
                let path = entry.unwrap().path();
                if path.extension().is_some_and(|e| e == "txt") {
                    let n = crate::parse_path(&path, &Default::default()).unwrap();
                    same(&n);
                    files += 1;
                }
            }
        }
        assert!(files > 10, "{files}");
    }
}
