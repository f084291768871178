//! The serde name of an enum value without building a JSON value: renderers name tens of
//! thousands of values (exposures, protocols, owners) in a large report.

use serde::Serialize;
use serde::ser::{Impossible, Serializer};

/// The name a unit variant serialises as (`rename_all`, `rename` applied), or `None` when the
/// value is not a unit variant (a string, a number, a struct…).
pub fn of<T: Serialize + ?Sized>(v: &T) -> Option<&'static str> {
    v.serialize(VariantName).ok()
}

/// Not a unit variant.
#[derive(Debug)]
struct NotAVariant;

impl std::fmt::Display for NotAVariant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("not a unit variant")
    }
}

impl std::error::Error for NotAVariant {}

impl serde::ser::Error for NotAVariant {
    fn custom<M: std::fmt::Display>(_: M) -> Self {
        NotAVariant
    }
}

struct VariantName;

type Never = Impossible<&'static str, NotAVariant>;

macro_rules! not_a_variant {
    ($($method:ident($($arg:ty),*);)*) => {
        $(fn $method(self, $(_: $arg),*) -> Result<&'static str, NotAVariant> {
            Err(NotAVariant)
        })*
    };
}

impl Serializer for VariantName {
    type Ok = &'static str;
    type Error = NotAVariant;
    type SerializeSeq = Never;
    type SerializeTuple = Never;
    type SerializeTupleStruct = Never;
    type SerializeTupleVariant = Never;
    type SerializeMap = Never;
    type SerializeStruct = Never;
    type SerializeStructVariant = Never;

    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<&'static str, NotAVariant> {
        Ok(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<&'static str, NotAVariant> {
        value.serialize(self)
    }

    not_a_variant! {
        serialize_bool(bool);
        serialize_i8(i8);
        serialize_i16(i16);
        serialize_i32(i32);
        serialize_i64(i64);
        serialize_u8(u8);
        serialize_u16(u16);
        serialize_u32(u32);
        serialize_u64(u64);
        serialize_f32(f32);
        serialize_f64(f64);
        serialize_char(char);
        serialize_str(&str);
        serialize_bytes(&[u8]);
        serialize_none();
        serialize_unit();
        serialize_unit_struct(&'static str);
    }

    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<&'static str, NotAVariant> {
        Err(NotAVariant)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<&'static str, NotAVariant> {
        Err(NotAVariant)
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Never, NotAVariant> {
        Err(NotAVariant)
    }

    fn serialize_tuple(self, _: usize) -> Result<Never, NotAVariant> {
        Err(NotAVariant)
    }

    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Never, NotAVariant> {
        Err(NotAVariant)
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Never, NotAVariant> {
        Err(NotAVariant)
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Never, NotAVariant> {
        Err(NotAVariant)
    }

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Never, NotAVariant> {
        Err(NotAVariant)
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Never, NotAVariant> {
        Err(NotAVariant)
    }
}

#[cfg(test)]
mod tests {
    use super::of;

    #[derive(serde::Serialize)]
    #[serde(rename_all = "kebab-case")]
    enum E {
        DueSoon,
        #[serde(rename = "x")]
        Renamed,
        Tuple(u8),
    }

    #[test]
    fn unit_variants_are_named_as_serde_names_them_and_nothing_else_is() {
        assert_eq!(of(&E::DueSoon), Some("due-soon"));
        assert_eq!(of(&E::Renamed), Some("x"));
        assert_eq!(of(&E::Tuple(1)), None);
        assert_eq!(of("text"), None);
        assert_eq!(of(&palisade_model::Exposure::Internet), Some("internet"));
    }
}
