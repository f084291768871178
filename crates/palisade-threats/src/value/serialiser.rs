//! The serialiser behind the views: any serialisable value as an owned CEL value, with the
//! kinds `serde_json::to_value` would give it.

use super::{Result, Unsupported, Val, to_val};
use cel::common::types::{
    CelBool, CelDouble, CelInt, CelList, CelMap, CelMapKey, CelNull, CelString, CelUInt,
};
use serde::ser::{self, Serialize};
use std::collections::HashMap;

pub(super) type Map = HashMap<CelMapKey<'static>, Val>;

fn int(i: i64) -> Val {
    Box::new(CelInt::from(i))
}

fn uint(u: u64) -> Val {
    match i64::try_from(u) {
        Ok(i) => int(i),
        Err(_) => Box::new(CelUInt::from(u)),
    }
}

fn double(f: f64) -> Val {
    if f.is_finite() {
        Box::new(CelDouble::from(f))
    } else {
        Box::new(CelNull)
    }
}

fn string(s: String) -> Val {
    Box::new(CelString::from(s))
}

/// Any value below the top level.
pub(super) struct ValSer;

impl ser::Serializer for ValSer {
    type Ok = Val;
    type Error = Unsupported;
    type SerializeSeq = List;
    type SerializeTuple = List;
    type SerializeTupleStruct = List;
    type SerializeTupleVariant = Variant<List>;
    type SerializeMap = Object;
    type SerializeStruct = Object;
    type SerializeStructVariant = Variant<Object>;

    fn serialize_bool(self, v: bool) -> Result<Val> {
        Ok(Box::new(CelBool::from(v)))
    }
    fn serialize_i8(self, v: i8) -> Result<Val> {
        Ok(int(v.into()))
    }
    fn serialize_i16(self, v: i16) -> Result<Val> {
        Ok(int(v.into()))
    }
    fn serialize_i32(self, v: i32) -> Result<Val> {
        Ok(int(v.into()))
    }
    fn serialize_i64(self, v: i64) -> Result<Val> {
        Ok(int(v))
    }
    fn serialize_u8(self, v: u8) -> Result<Val> {
        Ok(int(v.into()))
    }
    fn serialize_u16(self, v: u16) -> Result<Val> {
        Ok(int(v.into()))
    }
    fn serialize_u32(self, v: u32) -> Result<Val> {
        Ok(int(v.into()))
    }
    fn serialize_u64(self, v: u64) -> Result<Val> {
        Ok(uint(v))
    }
    fn serialize_f32(self, v: f32) -> Result<Val> {
        Ok(double(v.into()))
    }
    fn serialize_f64(self, v: f64) -> Result<Val> {
        Ok(double(v))
    }
    fn serialize_char(self, v: char) -> Result<Val> {
        Ok(string(v.to_string()))
    }
    fn serialize_str(self, v: &str) -> Result<Val> {
        Ok(string(v.to_string()))
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<Val> {
        Ok(Box::new(CelList::from(
            v.iter().map(|b| int((*b).into())).collect::<Vec<_>>(),
        )))
    }
    fn serialize_none(self) -> Result<Val> {
        Ok(Box::new(CelNull))
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Val> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<Val> {
        Ok(Box::new(CelNull))
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<Val> {
        Ok(Box::new(CelNull))
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result<Val> {
        Ok(Box::new(CelString::from(variant)))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<Val> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<Val> {
        let mut map = Map::new();
        map.insert(CelMapKey::from(variant), to_val(value)?);
        Ok(Box::new(CelMap::from(map)))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<List> {
        Ok(List(Vec::with_capacity(len.unwrap_or(0))))
    }
    fn serialize_tuple(self, len: usize) -> Result<List> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<List> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Variant<List>> {
        Ok(Variant(variant, self.serialize_seq(Some(len))?))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Object> {
        Ok(Object(Map::new(), None))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Object> {
        self.serialize_map(None)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Variant<Object>> {
        Ok(Variant(variant, self.serialize_map(None)?))
    }
}

pub(super) struct List(Vec<Val>);

impl List {
    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.0.push(to_val(value)?);
        Ok(())
    }
    fn done(self) -> Val {
        Box::new(CelList::from(self.0))
    }
}

/// The three serde traits of sequences differ only in the name of their push method.
macro_rules! list_impl {
    ($($trait:ident :: $method:ident),* $(,)?) => {
        $(impl ser::$trait for List {
            type Ok = Val;
            type Error = Unsupported;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
                self.push(value)
            }
            fn end(self) -> Result<Val> {
                Ok(self.done())
            }
        })*
    };
}

list_impl! {
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
}

pub(super) struct Object(Map, Option<String>);

impl Object {
    fn done(self) -> Val {
        Box::new(CelMap::from(self.0))
    }
}

impl ser::SerializeMap for Object {
    type Ok = Val;
    type Error = Unsupported;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<()> {
        self.1 = Some(key.serialize(KeySer)?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        let key = self
            .1
            .take()
            .ok_or_else(|| Unsupported("a value without a key".into()))?;
        self.0.insert(CelMapKey::from(key), to_val(value)?);
        Ok(())
    }
    fn end(self) -> Result<Val> {
        Ok(self.done())
    }
}

impl ser::SerializeStruct for Object {
    type Ok = Val;
    type Error = Unsupported;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, v: &T) -> Result<()> {
        self.0.insert(CelMapKey::from(key), to_val(v)?);
        Ok(())
    }
    fn end(self) -> Result<Val> {
        Ok(self.done())
    }
}

/// An enum variant with data: `{variant: data}`, as in JSON.
pub(super) struct Variant<T>(&'static str, T);

impl<T> Variant<T> {
    fn wrap(name: &'static str, inner: Val) -> Val {
        let mut map = Map::new();
        map.insert(CelMapKey::from(name), inner);
        Box::new(CelMap::from(map))
    }
}

impl ser::SerializeTupleVariant for Variant<List> {
    type Ok = Val;
    type Error = Unsupported;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.1.push(value)
    }
    fn end(self) -> Result<Val> {
        Ok(Self::wrap(self.0, self.1.done()))
    }
}

impl ser::SerializeStructVariant for Variant<Object> {
    type Ok = Val;
    type Error = Unsupported;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, v: &T) -> Result<()> {
        ser::SerializeStruct::serialize_field(&mut self.1, key, v)
    }
    fn end(self) -> Result<Val> {
        Ok(Self::wrap(self.0, self.1.done()))
    }
}

/// Map keys: strings, and what JSON writes as strings (numbers, chars, unit variants).
pub(super) struct KeySer;

macro_rules! key_as_text {
    ($($method:ident($ty:ty)),* $(,)?) => {
        $(fn $method(self, v: $ty) -> Result<String> {
            Ok(v.to_string())
        })*
    };
}

macro_rules! no_key {
    ($($method:ident($($arg:ty),*)),* $(,)?) => {
        $(fn $method(self, $(_: $arg),*) -> Result<String> {
            Err(Unsupported("a map key that is not a string".into()))
        })*
    };
}

impl ser::Serializer for KeySer {
    type Ok = String;
    type Error = Unsupported;
    type SerializeSeq = ser::Impossible<String, Unsupported>;
    type SerializeTuple = ser::Impossible<String, Unsupported>;
    type SerializeTupleStruct = ser::Impossible<String, Unsupported>;
    type SerializeTupleVariant = ser::Impossible<String, Unsupported>;
    type SerializeMap = ser::Impossible<String, Unsupported>;
    type SerializeStruct = ser::Impossible<String, Unsupported>;
    type SerializeStructVariant = ser::Impossible<String, Unsupported>;

    key_as_text! {
        serialize_i8(i8), serialize_i16(i16), serialize_i32(i32), serialize_i64(i64),
        serialize_u8(u8), serialize_u16(u16), serialize_u32(u32), serialize_u64(u64),
        serialize_char(char), serialize_str(&str),
    }
    no_key! {
        serialize_bool(bool), serialize_f32(f32), serialize_f64(f64), serialize_bytes(&[u8]),
        serialize_none(), serialize_unit(), serialize_unit_struct(&'static str),
    }

    fn serialize_unit_variant(self, _: &'static str, _: u32, v: &'static str) -> Result<String> {
        Ok(v.to_string())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<String> {
        Err(Unsupported("an optional map key".into()))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<String> {
        value.serialize(self)
    }
    refuse_compounds!(String, "a map key");
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap> {
        Err(Unsupported("a map map key".into()))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct> {
        Err(Unsupported("a struct map key".into()))
    }
}
