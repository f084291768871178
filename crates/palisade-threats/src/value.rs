//! Model and facts values as CEL values, serialised straight into CEL's types.
//!
//! The values are those the JSON route gives (`serde_json::to_value`, then JSON to CEL): the
//! same kinds (integers that fit `i64` are `int`, other unsigned integers `uint`, floats
//! `double`, non-finite floats `null`), enums by their names, absent options `null`. A view
//! keeps only the top-level fields rules read, and gives the absent ones their empty value, as
//! `engine::complete` and `engine::prune` do for the JSON views used to render rationales.

use cel::common::types::{
    CelBool, CelDouble, CelInt, CelList, CelMap, CelMapKey, CelNull, CelString, CelUInt,
};
use serde::ser::{self, Serialize};
use serialiser::{KeySer, Map, ValSer};
use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};

/// The compound kinds a serialiser refuses; the caller falls back to the JSON route.
macro_rules! refuse_compounds {
    ($ok:ty, $what:literal) => {
        fn serialize_newtype_variant<T: Serialize + ?Sized>(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: &T,
        ) -> Result<$ok> {
            Err(Unsupported(concat!($what, ": an enum").into()))
        }
        fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq> {
            Err(Unsupported(concat!($what, ": a list").into()))
        }
        fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple> {
            Err(Unsupported(concat!($what, ": a tuple").into()))
        }
        fn serialize_tuple_struct(
            self,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleStruct> {
            Err(Unsupported(concat!($what, ": a tuple").into()))
        }
        fn serialize_tuple_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleVariant> {
            Err(Unsupported(concat!($what, ": an enum").into()))
        }
        fn serialize_struct_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeStructVariant> {
            Err(Unsupported(concat!($what, ": an enum").into()))
        }
    };
}

pub(crate) mod lazy;
mod serialiser;

/// An owned CEL value.
pub(crate) type Val = Box<dyn cel::common::value::Val>;

/// The declared fields of a model type: name, what a user writes there, whether required.
pub(crate) type Fields = [(&'static str, Cow<'static, str>, bool)];

/// A value the CEL types cannot hold the way JSON would (never for the model and facts types;
/// callers fall back to the JSON route).
#[derive(Debug)]
pub(crate) struct Unsupported(String);

impl std::fmt::Display for Unsupported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Unsupported {}

impl ser::Error for Unsupported {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        Unsupported(msg.to_string())
    }
}

type Result<T> = std::result::Result<T, Unsupported>;

/// The top-level fields a view keeps: the names rules read, or all of them (`*`).
pub(crate) struct Wanted {
    set: BTreeSet<String>,
    all: bool,
    names: Vec<String>,
    /// One bit per name signature: most fields are not wanted, and are told apart cheaply.
    mask: u64,
}

impl Wanted {
    pub(crate) fn new(names: &BTreeSet<String>) -> Self {
        Wanted {
            set: names.clone(),
            all: names.contains("*"),
            names: names.iter().cloned().collect(),
            mask: names.iter().fold(0, |m, n| m | Self::signature(n)),
        }
    }

    fn signature(name: &str) -> u64 {
        let b = name.as_bytes();
        let (first, last) = (b.first().copied(), b.last().copied());
        let h = b.len() * 7 + usize::from(first.unwrap_or(0)) * 3 + usize::from(last.unwrap_or(0));
        1 << (h % 64)
    }

    pub(crate) fn keeps(&self, name: &str) -> bool {
        self.all || (self.mask & Self::signature(name) != 0 && self.names.iter().any(|n| n == name))
    }
}

/// Which top-level fields a serialisation keeps.
trait Keep {
    fn keeps(&self, name: &str) -> bool;
}

impl Keep for Wanted {
    fn keeps(&self, name: &str) -> bool {
        Wanted::keeps(self, name)
    }
}

/// Only the field of this name.
struct One<'n>(&'n str);

impl Keep for One<'_> {
    fn keeps(&self, name: &str) -> bool {
        self.0 == name
    }
}

/// The value an absent declared field has in a view: `[]` for lists, else `null`.
fn absent<T>(
    fields: Option<&Fields>,
    name: &str,
    list: impl Fn() -> T,
    null: impl Fn() -> T,
) -> Option<T> {
    fields
        .unwrap_or_default()
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, expected, _)| {
            if expected.starts_with("a list") {
                list()
            } else {
                null()
            }
        })
}

/// One top-level field of the view of a struct, the value `view` gives it (`None` when the view
/// has no such field). The caller checks that the field is wanted.
pub(crate) fn view_field<T: Serialize + ?Sized>(
    value: &T,
    fields: Option<&Fields>,
    name: &str,
) -> Result<Option<Val>> {
    let found = value.serialize(Top::<CelOne>::new(&One(name)))?;
    Ok(found.or_else(|| {
        absent(
            fields,
            name,
            || -> Val { Box::new(CelList::from(Vec::new())) },
            || -> Val { Box::new(CelNull) },
        )
    }))
}

/// One top-level field of the JSON view of a struct, as `json_view` gives it.
pub(crate) fn json_view_field<T: Serialize + ?Sized>(
    value: &T,
    fields: Option<&Fields>,
    name: &str,
) -> Result<Option<serde_json::Value>> {
    let found = value.serialize(Top::<JsonOne>::new(&One(name)))?;
    Ok(found.or_else(|| {
        absent(
            fields,
            name,
            || serde_json::Value::Array(Vec::new()),
            || serde_json::Value::Null,
        )
    }))
}

/// The view of a struct for conditions: its fields in `wanted`, with absent declared fields as
/// `null` or `[]` when `fields` lists them.
pub(crate) fn view<T: Serialize + ?Sized>(
    value: &T,
    fields: Option<&Fields>,
    wanted: &Wanted,
) -> Result<Val> {
    let mut map = value.serialize(Top::<CelSink>::new(wanted))?;
    for (name, expected, _) in fields.unwrap_or_default() {
        if wanted.keeps(name) {
            map.entry(CelMapKey::from(*name)).or_insert_with(|| {
                if expected.starts_with("a list") {
                    Box::new(CelList::from(Vec::new()))
                } else {
                    Box::new(CelNull)
                }
            });
        }
    }
    Ok(Box::new(CelMap::from(map)))
}

/// The same view as JSON (to render rationales), as `serde_json::to_value` gives the fields.
pub(crate) fn json_view<T: Serialize + ?Sized>(
    value: &T,
    fields: Option<&Fields>,
    wanted: &Wanted,
) -> Result<serde_json::Value> {
    let mut map = value.serialize(Top::<JsonSink>::new(wanted))?;
    for (name, expected, _) in fields.unwrap_or_default() {
        if wanted.keeps(name) {
            map.entry(name.to_string()).or_insert_with(|| {
                if expected.starts_with("a list") {
                    serde_json::Value::Array(Vec::new())
                } else {
                    serde_json::Value::Null
                }
            });
        }
    }
    Ok(serde_json::Value::Object(map))
}

/// The JSON view by the plain route, for a value the view serialiser refuses: everything
/// serialised, absent declared fields filled, then only the wanted fields kept.
pub(crate) fn json_fallback<T: Serialize + ?Sized>(
    value: &T,
    fields: Option<&Fields>,
    wanted: &Wanted,
) -> serde_json::Value {
    use serde_json::Value;
    let mut v = serde_json::to_value(value).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut v {
        for (name, expected, _) in fields.unwrap_or_default() {
            if wanted.all || wanted.set.contains(*name) {
                map.entry(name.to_string()).or_insert_with(|| {
                    if expected.starts_with("a list") {
                        Value::Array(Vec::new())
                    } else {
                        Value::Null
                    }
                });
            }
        }
    }
    match v {
        Value::Object(_) if wanted.all => v,
        Value::Object(o) => Value::Object(
            o.into_iter()
                .filter(|(k, _)| wanted.set.contains(k))
                .collect(),
        ),
        other => other,
    }
}

/// Where the kept fields of a view go.
trait Sink {
    type Map: Default;
    fn put<T: Serialize + ?Sized>(map: &mut Self::Map, key: Name, value: &T) -> Result<()>;
}

/// A field name: static for struct fields, owned for map keys.
enum Name {
    Static(&'static str),
    Owned(String),
}

struct CelSink;

impl Sink for CelSink {
    type Map = Map;
    fn put<T: Serialize + ?Sized>(map: &mut Map, key: Name, value: &T) -> Result<()> {
        let key = match key {
            Name::Static(s) => CelMapKey::from(s),
            Name::Owned(s) => CelMapKey::from(s),
        };
        map.insert(key, to_val(value)?);
        Ok(())
    }
}

struct JsonSink;

impl Sink for JsonSink {
    type Map = serde_json::Map<String, serde_json::Value>;
    fn put<T: Serialize + ?Sized>(map: &mut Self::Map, key: Name, value: &T) -> Result<()> {
        let key = match key {
            Name::Static(s) => s.to_string(),
            Name::Owned(s) => s,
        };
        let value = serde_json::to_value(value).map_err(|e| Unsupported(e.to_string()))?;
        map.insert(key, value);
        Ok(())
    }
}

/// The one kept field, as a CEL value.
struct CelOne;

impl Sink for CelOne {
    type Map = Option<Val>;
    fn put<T: Serialize + ?Sized>(map: &mut Option<Val>, _: Name, value: &T) -> Result<()> {
        *map = Some(to_val(value)?);
        Ok(())
    }
}

/// The one kept field, as JSON.
struct JsonOne;

impl Sink for JsonOne {
    type Map = Option<serde_json::Value>;
    fn put<T: Serialize + ?Sized>(
        map: &mut Option<serde_json::Value>,
        _: Name,
        value: &T,
    ) -> Result<()> {
        *map = Some(serde_json::to_value(value).map_err(|e| Unsupported(e.to_string()))?);
        Ok(())
    }
}

/// Any serialisable value as a CEL value.
pub(crate) fn to_val<T: Serialize + ?Sized>(value: &T) -> Result<Val> {
    value.serialize(ValSer)
}

/// JSON as a CEL value, as `cel::Value` conversions give it.
pub(crate) fn json_val(v: &serde_json::Value) -> Val {
    use serde_json::Value;
    match v {
        Value::Null => Box::new(CelNull),
        Value::Bool(b) => Box::new(CelBool::from(*b)),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => Box::new(CelInt::from(i)),
            (None, Some(u)) => Box::new(CelUInt::from(u)),
            (None, None) => Box::new(CelDouble::from(n.as_f64().unwrap_or(0.0))),
        },
        Value::String(s) => Box::new(CelString::from(s.clone())),
        Value::Array(a) => Box::new(CelList::from(a.iter().map(json_val).collect::<Vec<_>>())),
        Value::Object(o) => Box::new(CelMap::from(
            o.iter()
                .map(|(k, v)| (CelMapKey::from(k.clone()), json_val(v)))
                .collect::<HashMap<_, _>>(),
        )),
    }
}

/// The top level of a view: a struct (or map) whose entries are filtered.
struct Top<'w, S> {
    wanted: &'w dyn Keep,
    sink: std::marker::PhantomData<S>,
}

impl<'w, S> Top<'w, S> {
    fn new(wanted: &'w dyn Keep) -> Self {
        Top {
            wanted,
            sink: std::marker::PhantomData,
        }
    }
}

macro_rules! not_a_struct {
    ($($method:ident($($arg:ty),*)),* $(,)?) => {
        $(fn $method(self, $(_: $arg),*) -> Result<S::Map> {
            Err(Unsupported(concat!("a view of ", stringify!($method)).into()))
        })*
    };
}

impl<'w, S: Sink> ser::Serializer for Top<'w, S> {
    type Ok = S::Map;
    type Error = Unsupported;
    type SerializeSeq = ser::Impossible<S::Map, Unsupported>;
    type SerializeTuple = ser::Impossible<S::Map, Unsupported>;
    type SerializeTupleStruct = ser::Impossible<S::Map, Unsupported>;
    type SerializeTupleVariant = ser::Impossible<S::Map, Unsupported>;
    type SerializeMap = TopMap<'w, S>;
    type SerializeStruct = TopMap<'w, S>;
    type SerializeStructVariant = ser::Impossible<S::Map, Unsupported>;

    not_a_struct! {
        serialize_bool(bool), serialize_i8(i8), serialize_i16(i16), serialize_i32(i32),
        serialize_i64(i64), serialize_u8(u8), serialize_u16(u16), serialize_u32(u32),
        serialize_u64(u64), serialize_f32(f32), serialize_f64(f64), serialize_char(char),
        serialize_str(&str), serialize_bytes(&[u8]), serialize_none(), serialize_unit(),
        serialize_unit_struct(&'static str),
        serialize_unit_variant(&'static str, u32, &'static str),
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<S::Map> {
        value.serialize(self)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<S::Map> {
        value.serialize(self)
    }
    refuse_compounds!(S::Map, "a view");
    fn serialize_map(self, _: Option<usize>) -> Result<TopMap<'w, S>> {
        Ok(TopMap {
            wanted: self.wanted,
            map: S::Map::default(),
            key: None,
        })
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<TopMap<'w, S>> {
        self.serialize_map(None)
    }
}

/// The entries of the top level, converted only when kept.
struct TopMap<'w, S: Sink> {
    wanted: &'w dyn Keep,
    map: S::Map,
    key: Option<String>,
}

impl<S: Sink> ser::SerializeStruct for TopMap<'_, S> {
    type Ok = S::Map;
    type Error = Unsupported;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, v: &T) -> Result<()> {
        if self.wanted.keeps(key) {
            S::put(&mut self.map, Name::Static(key), v)?;
        }
        Ok(())
    }
    fn end(self) -> Result<S::Map> {
        Ok(self.map)
    }
}

impl<S: Sink> ser::SerializeMap for TopMap<'_, S> {
    type Ok = S::Map;
    type Error = Unsupported;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<()> {
        self.key = Some(key.serialize(KeySer)?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        let key = self
            .key
            .take()
            .ok_or_else(|| Unsupported("a value without a key".into()))?;
        if self.wanted.keeps(&key) {
            S::put(&mut self.map, Name::Owned(key), value)?;
        }
        Ok(())
    }
    fn end(self) -> Result<S::Map> {
        Ok(self.map)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Strict equality: same CEL types all the way down (CEL's `==` equates `1` and `1u`).
    fn same(a: &dyn cel::common::value::Val, b: &dyn cel::common::value::Val) -> bool {
        if a.get_type().name() != b.get_type().name() {
            return false;
        }
        if let (Some(x), Some(y)) = (a.downcast_ref::<CelMap>(), b.downcast_ref::<CelMap>()) {
            return x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same(&**v, &**w)));
        }
        if let (Some(x), Some(y)) = (a.downcast_ref::<CelList>(), b.downcast_ref::<CelList>()) {
            return x.len() == y.len() && x.iter().zip(y.iter()).all(|(v, w)| same(&**v, &**w));
        }
        a.equals(b)
    }

    /// The JSON route the views replace: serialise everything, fill, prune, convert.
    fn by_json<T: Serialize>(
        value: &T,
        fields: Option<&Fields>,
        wanted: &BTreeSet<String>,
    ) -> serde_json::Value {
        let mut v = serde_json::to_value(value).unwrap();
        let all = wanted.contains("*");
        let map = v.as_object_mut().unwrap();
        for (name, expected, _) in fields.unwrap_or_default() {
            if all || wanted.contains(*name) {
                map.entry(name.to_string())
                    .or_insert(if expected.starts_with("a list") {
                        serde_json::Value::Array(Vec::new())
                    } else {
                        serde_json::Value::Null
                    });
            }
        }
        if !all {
            map.retain(|k, _| wanted.contains(k));
        }
        v
    }

    fn check<T: Serialize>(value: &T, fields: Option<&Fields>, names: &[&str]) {
        let set: BTreeSet<String> = names.iter().map(|s| s.to_string()).collect();
        let wanted = Wanted::new(&set);
        let json = by_json(value, fields, &set);
        assert_eq!(json_view(value, fields, &wanted).unwrap(), json);
        let direct = view(value, fields, &wanted).unwrap();
        assert!(same(&*direct, &*json_val(&json)), "{json}");
    }

    #[test]
    fn views_equal_the_json_route_on_the_examples() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples");
        let mut checked = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "yaml") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let model = palisade_model::load_str("m.yaml", &text).model.unwrap();
            let facts = palisade_analysis::analyze(&model);
            let cf = palisade_model::Component::field_types();
            let ff = palisade_model::Flow::field_types();
            let some = [
                "kind",
                "exposure",
                "data",
                "tools",
                "rate_limit",
                "lineage",
                "missing",
            ];
            for names in [&["*"][..], &some[..], &[][..]] {
                for (c, f) in model.components.iter().zip(&facts.components) {
                    check(&c.value, Some(&cf), names);
                    check(f, None, names);
                }
                for (fl, f) in model.flows.iter().zip(&facts.flows) {
                    check(&fl.value, Some(&ff), names);
                    check(f, None, names);
                }
                checked += 1;
            }
        }
        assert!(checked >= 15);
    }

    #[test]
    fn numbers_keep_their_json_kinds() {
        for (v, kind) in [
            (to_val(&1u64).unwrap(), "int"),
            (to_val(&u64::MAX).unwrap(), "uint"),
            (to_val(&-3i32).unwrap(), "int"),
            (to_val(&0.5f64).unwrap(), "double"),
            (to_val(&f64::NAN).unwrap(), "null_type"),
        ] {
            assert_eq!(v.get_type().name(), kind);
        }
        // The comparison the tests rely on tells `1` from `1u`, which CEL's `==` equates.
        let one_u: Val = Box::new(CelUInt::from(1u64));
        assert!(!same(&*to_val(&1u64).unwrap(), &*one_u));
    }
}
