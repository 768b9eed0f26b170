//! Serialising a result into a [`Value`] and measuring its JSON size in
//! the same pass, so that bounding a tool result costs one serialisation
//! instead of two (one to convert, one to measure).
//!
//! [`to_value`] is `serde_json::to_value` that also returns the length of
//! `serde_json::to_vec` of the value it built, counted as it builds it:
//! strings by their escaped length, numbers by writing them to a counter,
//! brackets, quotes, colons and commas by rule. The unit tests compare the
//! count with `to_vec` on varied and random values.

use std::io;

use serde::ser::{self, Impossible, Serialize};
use serde_json::{Map, Number, Value};

/// `serde_json::to_value(value)` and the byte length of its compact JSON.
///
/// A value serde_json would treat specially (its private number and raw
/// value tokens) or a map with a repeated key is an error here; the caller
/// then falls back to converting and measuring separately.
pub(crate) fn to_value<T: Serialize + ?Sized>(value: &T) -> Result<(Value, usize), Error> {
    let mut bytes = 0;
    let v = value.serialize(Sizer { bytes: &mut bytes })?;
    Ok((v, bytes))
}

/// The compact JSON length of `value`, counted without allocating.
pub(crate) fn json_len(value: &Value) -> usize {
    let mut counter = Counter(0);
    match serde_json::to_writer(&mut counter, value) {
        Ok(()) => counter.0,
        Err(_) => usize::MAX,
    }
}

/// Why a value could not be sized in one pass.
#[derive(Debug)]
pub(crate) struct Error(String);

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        Error(msg.to_string())
    }
}

/// An `io::Write` that only counts.
struct Counter(usize);

impl io::Write for Counter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Length of a JSON string literal as serde_json writes it: quotes, and
/// `\"`, `\\`, `\b`, `\f`, `\n`, `\r`, `\t` in two bytes, other control
/// characters in six (`\u001f`).
fn str_len(s: &str) -> usize {
    2 + s
        .bytes()
        .map(|b| match b {
            b'"' | b'\\' | 0x08 | 0x0c | b'\n' | b'\r' | b'\t' => 2,
            0..=0x1f => 6,
            _ => 1,
        })
        .sum::<usize>()
}

fn number(n: Number, bytes: &mut usize) -> Value {
    let mut counter = Counter(0);
    // Writing a number to a counter cannot fail.
    let _ = serde_json::to_writer(&mut counter, &n);
    *bytes += counter.0;
    Value::Number(n)
}

const NULL_LEN: usize = 4;

/// Builds a [`Value`], adding its JSON length to `bytes`.
struct Sizer<'a> {
    bytes: &'a mut usize,
}

impl<'a> ser::Serializer for Sizer<'a> {
    type Ok = Value;
    type Error = Error;
    type SerializeSeq = Seq<'a>;
    type SerializeTuple = Seq<'a>;
    type SerializeTupleStruct = Seq<'a>;
    type SerializeTupleVariant = Variant<Seq<'a>>;
    type SerializeMap = Obj<'a>;
    type SerializeStruct = Obj<'a>;
    type SerializeStructVariant = Variant<Obj<'a>>;

    fn serialize_bool(self, v: bool) -> Result<Value, Error> {
        *self.bytes += if v { 4 } else { 5 };
        Ok(Value::Bool(v))
    }

    fn serialize_i8(self, v: i8) -> Result<Value, Error> {
        self.serialize_i64(i64::from(v))
    }

    fn serialize_i16(self, v: i16) -> Result<Value, Error> {
        self.serialize_i64(i64::from(v))
    }

    fn serialize_i32(self, v: i32) -> Result<Value, Error> {
        self.serialize_i64(i64::from(v))
    }

    fn serialize_i64(self, v: i64) -> Result<Value, Error> {
        Ok(number(Number::from(v), self.bytes))
    }

    fn serialize_i128(self, v: i128) -> Result<Value, Error> {
        match (i64::try_from(v), u64::try_from(v)) {
            (Ok(v), _) => self.serialize_i64(v),
            (_, Ok(v)) => self.serialize_u64(v),
            _ => Err(Error("number out of range".into())),
        }
    }

    fn serialize_u8(self, v: u8) -> Result<Value, Error> {
        self.serialize_u64(u64::from(v))
    }

    fn serialize_u16(self, v: u16) -> Result<Value, Error> {
        self.serialize_u64(u64::from(v))
    }

    fn serialize_u32(self, v: u32) -> Result<Value, Error> {
        self.serialize_u64(u64::from(v))
    }

    fn serialize_u64(self, v: u64) -> Result<Value, Error> {
        Ok(number(Number::from(v), self.bytes))
    }

    fn serialize_u128(self, v: u128) -> Result<Value, Error> {
        match u64::try_from(v) {
            Ok(v) => self.serialize_u64(v),
            Err(_) => Err(Error("number out of range".into())),
        }
    }

    fn serialize_f32(self, v: f32) -> Result<Value, Error> {
        // As serde_json: through f64, non-finite as null.
        match Value::from(v) {
            Value::Number(n) => Ok(number(n, self.bytes)),
            other => {
                *self.bytes += NULL_LEN;
                Ok(other)
            }
        }
    }

    fn serialize_f64(self, v: f64) -> Result<Value, Error> {
        match Number::from_f64(v) {
            Some(n) => Ok(number(n, self.bytes)),
            None => {
                *self.bytes += NULL_LEN;
                Ok(Value::Null)
            }
        }
    }

    fn serialize_char(self, v: char) -> Result<Value, Error> {
        let mut buf = [0u8; 4];
        self.serialize_str(v.encode_utf8(&mut buf))
    }

    fn serialize_str(self, v: &str) -> Result<Value, Error> {
        *self.bytes += str_len(v);
        Ok(Value::String(v.to_owned()))
    }

    fn serialize_bytes(self, v: &[u8]) -> Result<Value, Error> {
        let mut seq = self.serialize_seq(Some(v.len()))?;
        for b in v {
            ser::SerializeSeq::serialize_element(&mut seq, b)?;
        }
        ser::SerializeSeq::end(seq)
    }

    fn serialize_none(self) -> Result<Value, Error> {
        self.serialize_unit()
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Value, Error> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<Value, Error> {
        *self.bytes += NULL_LEN;
        Ok(Value::Null)
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<Value, Error> {
        self.serialize_unit()
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<Value, Error> {
        self.serialize_str(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<Value, Error> {
        special(name)?;
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<Value, Error> {
        // {"variant":value}
        *self.bytes += 2 + str_len(variant) + 1;
        let inner = value.serialize(Sizer {
            bytes: &mut *self.bytes,
        })?;
        let mut map = Map::new();
        map.insert(variant.to_owned(), inner);
        Ok(Value::Object(map))
    }

    fn serialize_seq(self, len: Option<usize>) -> Result<Seq<'a>, Error> {
        *self.bytes += 2;
        Ok(Seq {
            items: Vec::with_capacity(len.unwrap_or(0)),
            bytes: self.bytes,
        })
    }

    fn serialize_tuple(self, len: usize) -> Result<Seq<'a>, Error> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<Seq<'a>, Error> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Variant<Seq<'a>>, Error> {
        *self.bytes += 2 + str_len(variant) + 1;
        Ok(Variant {
            name: variant,
            inner: self.serialize_seq(Some(len))?,
        })
    }

    fn serialize_map(self, len: Option<usize>) -> Result<Obj<'a>, Error> {
        *self.bytes += 2;
        Ok(Obj {
            map: Map::with_capacity(len.unwrap_or(0)),
            key: None,
            bytes: self.bytes,
        })
    }

    fn serialize_struct(self, name: &'static str, len: usize) -> Result<Obj<'a>, Error> {
        special(name)?;
        self.serialize_map(Some(len))
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Variant<Obj<'a>>, Error> {
        *self.bytes += 2 + str_len(variant) + 1;
        Ok(Variant {
            name: variant,
            inner: self.serialize_map(Some(len))?,
        })
    }
}

/// serde_json's private tokens (numbers of arbitrary precision, raw
/// values) are left to serde_json.
fn special(name: &str) -> Result<(), Error> {
    if name.starts_with("$serde_json::private::") {
        Err(Error(format!("{name} is serde_json's own")))
    } else {
        Ok(())
    }
}

/// A list being built.
struct Seq<'a> {
    items: Vec<Value>,
    bytes: &'a mut usize,
}

impl Seq<'_> {
    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        if !self.items.is_empty() {
            *self.bytes += 1;
        }
        let v = value.serialize(Sizer {
            bytes: &mut *self.bytes,
        })?;
        self.items.push(v);
        Ok(())
    }
}

impl ser::SerializeSeq for Seq<'_> {
    type Ok = Value;
    type Error = Error;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.push(value)
    }

    fn end(self) -> Result<Value, Error> {
        Ok(Value::Array(self.items))
    }
}

impl ser::SerializeTuple for Seq<'_> {
    type Ok = Value;
    type Error = Error;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.push(value)
    }

    fn end(self) -> Result<Value, Error> {
        Ok(Value::Array(self.items))
    }
}

impl ser::SerializeTupleStruct for Seq<'_> {
    type Ok = Value;
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.push(value)
    }

    fn end(self) -> Result<Value, Error> {
        Ok(Value::Array(self.items))
    }
}

/// An object being built.
struct Obj<'a> {
    map: Map<String, Value>,
    key: Option<String>,
    bytes: &'a mut usize,
}

impl Obj<'_> {
    fn entry<T: Serialize + ?Sized>(&mut self, key: String, value: &T) -> Result<(), Error> {
        // `"key":` and a comma before every member but the first.
        *self.bytes += str_len(&key) + 1 + usize::from(!self.map.is_empty());
        let v = value.serialize(Sizer {
            bytes: &mut *self.bytes,
        })?;
        if self.map.insert(key, v).is_some() {
            // The count holds both; the value holds one.
            return Err(Error("a repeated key".into()));
        }
        Ok(())
    }
}

impl ser::SerializeMap for Obj<'_> {
    type Ok = Value;
    type Error = Error;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.key = Some(key.serialize(KeySerializer)?);
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        match self.key.take() {
            Some(key) => self.entry(key, value),
            None => Err(Error("a map value without a key".into())),
        }
    }

    fn end(self) -> Result<Value, Error> {
        Ok(Value::Object(self.map))
    }
}

impl ser::SerializeStruct for Obj<'_> {
    type Ok = Value;
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.entry(key.to_owned(), value)
    }

    fn end(self) -> Result<Value, Error> {
        Ok(Value::Object(self.map))
    }
}

/// An enum variant with content: `{"variant": content}`.
struct Variant<S> {
    name: &'static str,
    inner: S,
}

impl ser::SerializeTupleVariant for Variant<Seq<'_>> {
    type Ok = Value;
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.inner.push(value)
    }

    fn end(self) -> Result<Value, Error> {
        let mut map = Map::new();
        map.insert(self.name.to_owned(), Value::Array(self.inner.items));
        Ok(Value::Object(map))
    }
}

impl ser::SerializeStructVariant for Variant<Obj<'_>> {
    type Ok = Value;
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.inner.entry(key.to_owned(), value)
    }

    fn end(self) -> Result<Value, Error> {
        let mut map = Map::new();
        map.insert(self.name.to_owned(), Value::Object(self.inner.map));
        Ok(Value::Object(map))
    }
}

/// Map keys as serde_json takes them: strings, and integers, booleans and
/// characters written as strings.
struct KeySerializer;

impl KeySerializer {
    fn key_error() -> Error {
        Error("key must be a string".into())
    }
}

impl ser::Serializer for KeySerializer {
    type Ok = String;
    type Error = Error;
    type SerializeSeq = Impossible<String, Error>;
    type SerializeTuple = Impossible<String, Error>;
    type SerializeTupleStruct = Impossible<String, Error>;
    type SerializeTupleVariant = Impossible<String, Error>;
    type SerializeMap = Impossible<String, Error>;
    type SerializeStruct = Impossible<String, Error>;
    type SerializeStructVariant = Impossible<String, Error>;

    fn serialize_bool(self, v: bool) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_i8(self, v: i8) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_i16(self, v: i16) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_i32(self, v: i32) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_i64(self, v: i64) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_i128(self, v: i128) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_u8(self, v: u8) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_u16(self, v: u16) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_u32(self, v: u32) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_u64(self, v: u64) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_u128(self, v: u128) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_f32(self, _v: f32) -> Result<String, Error> {
        Err(Self::key_error())
    }
    fn serialize_f64(self, _v: f64) -> Result<String, Error> {
        Err(Self::key_error())
    }
    fn serialize_char(self, v: char) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_str(self, v: &str) -> Result<String, Error> {
        Ok(v.to_owned())
    }
    fn serialize_bytes(self, _v: &[u8]) -> Result<String, Error> {
        Err(Self::key_error())
    }
    fn serialize_none(self) -> Result<String, Error> {
        Err(Self::key_error())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _value: &T) -> Result<String, Error> {
        Err(Self::key_error())
    }
    fn serialize_unit(self) -> Result<String, Error> {
        Err(Self::key_error())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<String, Error> {
        Err(Self::key_error())
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<String, Error> {
        Ok(variant.to_owned())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<String, Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<String, Error> {
        Err(Self::key_error())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        Err(Self::key_error())
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, Error> {
        Err(Self::key_error())
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        Err(Self::key_error())
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(Self::key_error())
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(Self::key_error())
    }
    fn serialize_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStruct, Error> {
        Err(Self::key_error())
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(Self::key_error())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::collections::BTreeMap;

    fn check<T: Serialize + ?Sized>(value: &T) {
        let (v, n) = to_value(value).unwrap();
        assert_eq!(v, serde_json::to_value(value).unwrap());
        assert_eq!(n, serde_json::to_vec(value).unwrap().len(), "{v}");
        assert_eq!(n, json_len(&v));
    }

    #[derive(serde::Serialize)]
    struct Output {
        id: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        absent: Option<String>,
        count: u32,
        ratio: f64,
        nan: f32,
        big: u128,
        neg: i128,
        kind: Kind,
        tags: Vec<&'static str>,
        pair: (i8, char),
        by_id: BTreeMap<u32, bool>,
        unit: (),
        bytes: &'static [u8],
    }

    #[derive(serde::Serialize)]
    enum Kind {
        Plain,
        Wrapped(String),
        Pair(u8, u8),
        Named { a: i64 },
    }

    #[test]
    fn counts_what_to_vec_writes() {
        for kind in [
            Kind::Plain,
            Kind::Wrapped("w\"\\".into()),
            Kind::Pair(1, 2),
            Kind::Named { a: -7 },
        ] {
            check(&Output {
                id: Some("c-51 \u{1} \u{7f} é 😀 \t\n\r\u{8}\u{c}".into()),
                absent: None,
                count: 42,
                ratio: 0.1 + 0.2,
                nan: f32::NAN,
                big: u128::from(u64::MAX),
                neg: -5,
                kind,
                tags: vec![],
                pair: (-128, '"'),
                by_id: [(1, true), (20, false)].into_iter().collect(),
                unit: (),
                bytes: b"ab",
            });
        }
        check(&json!({"a": [1, 2.5, -3, null, true, {"b": "c"}], "e": {}, "f": [], "g": 1e300}));
        check(&json!("x"));
        check(&json!(null));
    }

    #[test]
    fn counts_random_strings_exactly() {
        let alphabet: Vec<char> = "a\"\\/\u{0}\u{1f}\u{7f}\u{80}é€😀 \t\n\r\u{8}\u{c}0"
            .chars()
            .collect();
        for _ in 0..5_000 {
            let len = fastrand::usize(0..24);
            let s: String = (0..len)
                .map(|_| alphabet[fastrand::usize(..alphabet.len())])
                .collect();
            check(&json!({ s.clone(): s, "n": fastrand::f64() * 1e6, "i": fastrand::i64(..) }));
        }
    }

    #[test]
    fn leaves_what_it_cannot_count_to_the_caller() {
        let repeated: Vec<(&str, i32)> = vec![("a", 1), ("a", 2)];
        struct Pairs(Vec<(&'static str, i32)>);
        impl Serialize for Pairs {
            fn serialize<S: ser::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
            }
        }
        assert!(to_value(&Pairs(repeated)).is_err());
        let float_key: BTreeMap<String, i32> = BTreeMap::new();
        assert!(to_value(&float_key).is_ok());
    }
}
