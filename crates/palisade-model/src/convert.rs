//! Typed conversion from the spanned document tree, reporting every problem it meets.
//!
//! Each model type implements [`FromNode`]. Structs are declared with [`model_struct!`] and enums
//! with [`model_enum!`], which generate the conversion, the serde/JSON-Schema derives and the list
//! of known field names from one declaration, so the schema, the parser and the docs cannot drift.

use crate::diag::{Diagnostic, codes};
use crate::node::{Node, Value};
use crate::source::{FileId, Span};
use crate::suggest::suggest;
use std::borrow::Cow;
use std::ops::Deref;

/// Conversion context: the file being read and the diagnostics found so far.
pub struct Cx<'a> {
    pub file: FileId,
    pub source: &'a str,
    pub diags: Vec<Diagnostic>,
    /// Ids of elements that could not be read; references to them are not reported again.
    pub broken_ids: Vec<String>,
}

impl<'a> Cx<'a> {
    pub fn new(file: FileId, source: &'a str) -> Self {
        Cx {
            file,
            source,
            diags: Vec::new(),
            broken_ids: Vec::new(),
        }
    }

    /// Remember the id of an element that failed to convert.
    pub fn note_broken(&mut self, map: &MapNode) {
        if let Some(id) = map.get("id")
            && let Value::Str(s) = &id.value
        {
            self.broken_ids.push(s.to_string());
        }
    }

    pub fn span(&self, node: &Node) -> Span {
        node.span(self.file)
    }

    pub fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    pub fn type_error(&mut self, node: &Node, expected: &str) {
        let d = Diagnostic::error(
            codes::TYPE,
            format!("expected {expected}, found {}", node.type_name()),
        )
        .label(self.span(node), format!("this is {}", node.type_name()));
        let d = match node.value {
            Value::Str(_) if expected.starts_with("a list") => {
                d.help("write a list: `[item]` or one `- item` per line")
            }
            Value::Null => d.help("a value is missing here"),
            _ => d,
        };
        self.push(d);
    }

    /// Read a mapping, checking its keys against the known field names.
    pub fn map<'n>(
        &mut self,
        node: &'n Node<'n>,
        what: &str,
        fields: &'static [&'static str],
    ) -> Option<MapNode<'n>> {
        let Value::Map(entries) = &node.value else {
            self.type_error(node, &format!("a {what} (a mapping of fields)"));
            return None;
        };
        let mut out = MapNode {
            span: self.span(node),
            first_key: entries.first().map(|(k, _)| self.span(k)),
            fields,
            present: 0,
            entries: Vec::with_capacity(entries.len()),
        };
        let source = self.source;
        for (k, v) in entries {
            let key = k.scalar_str(source);
            if key.starts_with("x-") || key == "$schema" {
                continue; // extensions and editor hints are ignored by design
            }
            let Some(field) = fields.iter().position(|f| *f == key) else {
                let mut d = Diagnostic::error(
                    codes::UNKNOWN_FIELD,
                    format!("unknown field `{key}` in {what}"),
                )
                .label(self.span(k), "not a field of this element");
                d = match suggest(key, fields.iter().copied()) {
                    Some(s) => d.help(format!("did you mean `{s}`?")),
                    None if key.contains(' ') => d.help(
                        "a comma inside `{ … }` ends the value before it; put text with commas in quotes",
                    ),
                    None => d.help(format!("known fields: {}", fields.join(", "))),
                };
                self.push(d);
                continue;
            };
            if field < 128 {
                out.present |= 1 << field;
            }
            out.entries.push((field, k, v));
        }
        Some(out)
    }
}

/// A mapping whose keys have been checked.
pub struct MapNode<'n> {
    pub span: Span,
    /// The first key, where "missing field" errors point (a mapping itself has no width).
    pub first_key: Option<Span>,
    fields: &'static [&'static str],
    /// Bit `i` is set when the field at position `i` (below 128) is written: most fields of
    /// most elements are not, and are known absent without a search.
    present: u128,
    /// Each entry as (position of its field in `fields`, key, value).
    entries: Vec<(usize, &'n Node<'n>, &'n Node<'n>)>,
}

/// The position of `name` in `fields` (`usize::MAX` if absent), computable at compile time so
/// that the conversion a [`model_struct!`] generates finds each field by number.
pub const fn field_index(fields: &[&str], name: &str) -> usize {
    let mut i = 0;
    while i < fields.len() {
        let (f, n) = (fields[i].as_bytes(), name.as_bytes());
        if f.len() == n.len() {
            let mut j = 0;
            while j < f.len() && f[j] == n[j] {
                j += 1;
            }
            if j == f.len() {
                return i;
            }
        }
        i += 1;
    }
    usize::MAX
}

impl<'n> MapNode<'n> {
    fn entry(&self, name: &str) -> Option<&(usize, &'n Node<'n>, &'n Node<'n>)> {
        let i = self.fields.iter().position(|f| *f == name)?;
        self.entry_at(i)
    }

    fn entry_at(&self, i: usize) -> Option<&(usize, &'n Node<'n>, &'n Node<'n>)> {
        if i < 128 && self.present & (1 << i) == 0 {
            return None;
        }
        self.entries.iter().find(|(f, _, _)| *f == i)
    }

    pub fn get(&self, name: &str) -> Option<&'n Node<'n>> {
        self.entry(name).map(|(_, _, v)| *v)
    }

    /// The value of the field at position `i` of the field list.
    pub fn get_at(&self, i: usize) -> Option<&'n Node<'n>> {
        self.entry_at(i).map(|(_, _, v)| *v)
    }

    pub fn key_span(&self, name: &str, file: FileId) -> Option<Span> {
        self.entry(name).map(|(_, k, _)| k.span(file))
    }

    /// Where the key of the field at position `i` is written.
    pub fn key_span_at(&self, i: usize, file: FileId) -> Option<Span> {
        self.entry_at(i).map(|(_, k, _)| k.span(file))
    }

    pub fn anchor(&self) -> Span {
        self.first_key.unwrap_or(self.span)
    }
}

/// A type that can be read from a document node.
pub trait FromNode: Sized {
    /// What a user must write, as used in "expected …" messages and the reference docs.
    fn expected() -> Cow<'static, str>;

    /// Whether a field of this type must be written.
    const REQUIRED: bool = true;

    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self>;

    /// The value of a field the user did not write: an error unless the type is optional.
    fn absent(field: &'static str, parent: &MapNode, cx: &mut Cx) -> Option<Self> {
        cx.push(
            Diagnostic::error(codes::MISSING_FIELD, format!("missing field `{field}`"))
                .label(parent.anchor(), format!("this element needs `{field}`"))
                .help(format!("add `{field}:` with {}", Self::expected())),
        );
        None
    }

    fn from_field(
        node: Option<&Node>,
        field: &'static str,
        parent: &MapNode,
        cx: &mut Cx,
    ) -> Option<Self> {
        match node {
            Some(n) => Self::from_node(n, cx),
            None => Self::absent(field, parent, cx),
        }
    }
}

impl FromNode for String {
    fn expected() -> Cow<'static, str> {
        "a string".into()
    }
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        match &node.value {
            Value::Str(s) => {
                // Reports print model strings on terminals: an escape sequence in a name could
                // rewrite the screen or the window title of whoever reads the report.
                // Bytes first: control characters are below 0x20, 0x7F, or start with 0xC2 (C1).
                let suspect = s.bytes().any(|b| b < 0x20 || b == 0x7f || b == 0xc2);
                if suspect
                    && let Some(c) = s
                        .chars()
                        .find(|c| c.is_control() && !matches!(c, '\n' | '\t' | '\r'))
                {
                    let d = Diagnostic::error(
                        codes::CONTROL_CHARACTER,
                        format!("control character U+{:04X} in a string", u32::from(c)),
                    )
                    .label(cx.span(node), "this string")
                    .help(
                        "remove it; tabs and line breaks are the only control characters allowed",
                    );
                    cx.push(d);
                    return None;
                }
                Some(s.to_string())
            }
            Value::Bool(_) | Value::Int(_) | Value::Float(_) => Some(node.scalar_text(cx.source)),
            _ => {
                cx.type_error(node, "a string");
                None
            }
        }
    }
}

impl FromNode for bool {
    fn expected() -> Cow<'static, str> {
        "`true` or `false`".into()
    }
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        match &node.value {
            Value::Bool(b) => Some(*b),
            Value::Str(s) => {
                let lower = s.to_lowercase();
                let d = Diagnostic::error(
                    codes::TYPE,
                    format!("expected `true` or `false`, found the string `{s}`"),
                )
                .label(cx.span(node), "not a boolean");
                let d = if ["yes", "no", "y", "n", "on", "off"].contains(&lower.as_str()) {
                    d.help("palisade reads YAML 1.2: only `true` and `false` are booleans")
                } else {
                    d
                };
                cx.push(d);
                None
            }
            _ => {
                cx.type_error(node, "`true` or `false`");
                None
            }
        }
    }
}

impl FromNode for u64 {
    fn expected() -> Cow<'static, str> {
        "a whole number".into()
    }
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        match &node.value {
            Value::Int(i) if *i >= 0 => Some(*i as u64),
            Value::Int(_) => {
                cx.push(
                    Diagnostic::error(codes::INVALID_VALUE, "expected a number of zero or more")
                        .label(cx.span(node), "negative"),
                );
                None
            }
            _ => {
                cx.type_error(node, "a whole number");
                None
            }
        }
    }
}

impl FromNode for i64 {
    fn expected() -> Cow<'static, str> {
        "a whole number (may be negative)".into()
    }
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        match &node.value {
            Value::Int(i) => Some(*i),
            _ => {
                cx.type_error(node, "a whole number");
                None
            }
        }
    }
}

impl FromNode for f64 {
    fn expected() -> Cow<'static, str> {
        "a number".into()
    }
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        match &node.value {
            Value::Int(i) => Some(*i as f64),
            Value::Float(f) if f.is_finite() => Some(*f),
            _ => {
                cx.type_error(node, "a finite number");
                None
            }
        }
    }
}

impl<T: FromNode> FromNode for Option<T> {
    const REQUIRED: bool = false;
    fn expected() -> Cow<'static, str> {
        T::expected()
    }
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        // A value that fails is reported and treated as absent, so its parent can still be
        // checked; a model with any error is never returned, so nothing relies on it.
        match node.value {
            Value::Null => Some(None),
            _ => Some(T::from_node(node, cx)),
        }
    }
    fn absent(_: &'static str, _: &MapNode, _: &mut Cx) -> Option<Self> {
        Some(None)
    }
}

impl<T: FromNode> FromNode for Vec<T> {
    const REQUIRED: bool = false;
    fn expected() -> Cow<'static, str> {
        format!("a list of {}", strip_article(&T::expected())).into()
    }
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        match &node.value {
            // Items that fail are reported and left out, so that the rest can still be checked.
            // Sized once: a list holds as many values as the sequence has items.
            Value::Seq(items) => {
                let mut out = Vec::with_capacity(items.len());
                out.extend(items.iter().filter_map(|item| T::from_node(item, cx)));
                Some(out)
            }
            Value::Null => Some(Vec::new()),
            _ => {
                cx.type_error(node, &Self::expected());
                None
            }
        }
    }
    fn absent(_: &'static str, _: &MapNode, _: &mut Cx) -> Option<Self> {
        Some(Vec::new())
    }
}

fn strip_article(s: &str) -> &str {
    s.strip_prefix("an ")
        .or_else(|| s.strip_prefix("a "))
        .unwrap_or(s)
}

/// A value with the place in a model file where it was written.
#[derive(Debug, Clone)]
pub struct Loc<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Loc<T> {
    pub fn new(value: T, span: Span) -> Self {
        Loc { value, span }
    }
}

impl<T: PartialEq> PartialEq for Loc<T> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<T> Deref for Loc<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T: FromNode> FromNode for Loc<T> {
    const REQUIRED: bool = T::REQUIRED;
    fn expected() -> Cow<'static, str> {
        T::expected()
    }
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        let span = cx.span(node);
        T::from_node(node, cx).map(|value| Loc { value, span })
    }
    fn absent(field: &'static str, parent: &MapNode, cx: &mut Cx) -> Option<Self> {
        T::absent(field, parent, cx).map(|value| Loc {
            value,
            span: parent.anchor(),
        })
    }
}

impl<T: serde::Serialize> serde::Serialize for Loc<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(s)
    }
}

impl<T: schemars::JsonSchema> schemars::JsonSchema for Loc<T> {
    fn schema_name() -> Cow<'static, str> {
        T::schema_name()
    }
    fn schema_id() -> Cow<'static, str> {
        T::schema_id()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        T::json_schema(generator)
    }
    fn inline_schema() -> bool {
        T::inline_schema()
    }
}

/// Declare a model struct: fields are read by name from a YAML mapping; unknown fields, missing
/// required fields and wrong types are all reported, then the struct is built if none failed.
#[macro_export]
macro_rules! model_struct {
    (
        $(#[$sattr:meta])*
        $vis:vis struct $name:ident as $label:literal $(, check = $check:path)? {
            $(
                $(#[$fattr:meta])*
                $fvis:vis $field:ident : $ty:ty
            ),* $(,)?
        }
    ) => {
        $(#[$sattr])*
        #[derive(Debug, Clone, PartialEq, serde::Serialize, schemars::JsonSchema)]
        #[serde(deny_unknown_fields)]
        $vis struct $name {
            $( $(#[$fattr])* $fvis $field: $ty, )*
        }

        impl $name {
            /// Field names as written in a model file.
            pub const FIELDS: &'static [&'static str] = &[$(stringify!($field)),*];

            /// Each field with what a user must write there (for the reference docs).
            pub fn field_types() -> Vec<(&'static str, std::borrow::Cow<'static, str>, bool)> {
                vec![$((
                    stringify!($field),
                    <$ty as $crate::convert::FromNode>::expected(),
                    <$ty as $crate::convert::FromNode>::REQUIRED,
                )),*]
            }
        }

        impl $crate::convert::FromNode for $name {
            fn expected() -> std::borrow::Cow<'static, str> {
                concat!("a ", $label).into()
            }
            fn from_node(
                node: &$crate::node::Node,
                cx: &mut $crate::convert::Cx,
            ) -> Option<Self> {
                let map = cx.map(node, $label, Self::FIELDS)?;
                $(
                    let $field = <$ty as $crate::convert::FromNode>::from_field(
                        map.get_at(const {
                            $crate::convert::field_index(Self::FIELDS, stringify!($field))
                        }),
                        stringify!($field),
                        &map,
                        cx,
                    );
                )*
                let built = (|| Some(Self { $( $field: $field?, )* }))();
                let Some(value) = built else {
                    cx.note_broken(&map);
                    return None;
                };
                $( $check(&value, &map, cx); )?
                Some(value)
            }
        }
    };
}

/// Declare a closed set of string values (kebab-case in model files).
#[macro_export]
macro_rules! model_enum {
    (
        $(#[$eattr:meta])*
        $vis:vis enum $name:ident as $label:literal {
            $(
                $(#[doc = $doc:literal])*
                $variant:ident = $text:literal
            ),* $(,)?
        }
    ) => {
        $(#[$eattr])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
                 serde::Serialize, schemars::JsonSchema)]
        $vis enum $name {
            $( $(#[doc = $doc])* #[serde(rename = $text)] $variant, )*
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),*];
            pub const NAMES: &'static [&'static str] = &[$($text),*];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text,)* }
            }

            pub fn from_name(s: &str) -> Option<Self> {
                match s { $($text => Some($name::$variant),)* _ => None }
            }

            /// One-line description of a value (its doc comment).
            pub fn doc(self) -> &'static str {
                match self { $($name::$variant => concat!($($doc),*).trim_ascii(),)* }
            }
        }

        impl $crate::convert::ModelEnum for $name {
            const LABEL: &'static str = $label;
            fn values() -> Vec<(&'static str, &'static str)> {
                Self::ALL.iter().map(|v| (v.as_str(), v.doc())).collect()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::convert::FromNode for $name {
            fn expected() -> std::borrow::Cow<'static, str> {
                concat!("a ", $label).into()
            }
            fn from_node(
                node: &$crate::node::Node,
                cx: &mut $crate::convert::Cx,
            ) -> Option<Self> {
                $crate::convert::enum_from_node(node, cx, $label, Self::NAMES)
                    .and_then(|s| Self::from_name(s))
            }
        }
    };
}

/// A closed set of values declared with [`model_enum!`].
pub trait ModelEnum {
    /// What a value of this set is called in messages ("protocol", "component kind").
    const LABEL: &'static str;
    /// Each value with its one-line description.
    fn values() -> Vec<(&'static str, &'static str)>;
}

/// Shared body of enum conversion: returns the matching name or reports the allowed ones.
pub fn enum_from_node(
    node: &Node,
    cx: &mut Cx,
    label: &str,
    names: &'static [&'static str],
) -> Option<&'static str> {
    let text = match &node.value {
        Value::Str(s) => s.as_ref(),
        Value::Bool(_) | Value::Int(_) | Value::Float(_) => node.scalar_str(cx.source),
        _ => {
            cx.type_error(node, &format!("a {label}"));
            return None;
        }
    };
    if let Some(found) = names.iter().find(|n| **n == text) {
        return Some(found);
    }
    let text = text.to_string();
    let mut d = Diagnostic::error(codes::ENUM, format!("unknown {label} `{text}`"))
        .label(cx.span(node), format!("not a {label}"));
    let allowed = names.join(", ");
    d = match suggest(&text, names.iter().copied()) {
        Some(s) => d.help(format!("did you mean `{s}`? allowed values: {allowed}")),
        None => d.help(format!("allowed values: {allowed}")),
    };
    cx.push(d);
    None
}
