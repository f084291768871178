//! A small deterministic YAML writer for model files.
//!
//! Only what model files need: block mappings and sequences, flow sequences of scalars, and
//! scalars. A string is written plain only when it cannot be read back as anything else
//! (letters, digits, `_`, `.`, `-`, starting with a letter, and not a YAML 1.1/1.2 keyword);
//! everything else is double-quoted with escapes, so no value can change type or meaning.
//! Map entries may carry a tag; the writer reports the byte range each tagged entry occupies, so
//! a diagnostic about the written text can be traced back to the entry that caused it.

use std::fmt::Write;

/// A YAML value.
#[derive(Debug, Clone, PartialEq)]
pub enum Yaml {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    Str(String),
    List(Vec<Yaml>),
    Map(Vec<Entry>),
    /// A list item whose byte range is reported with this tag (see [`Written::tagged`]).
    Tagged(usize, Box<Yaml>),
}

/// One `key: value` pair of a mapping.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: String,
    pub value: Yaml,
    /// Reported with the entry's byte range in the output (see [`Written::tagged`]).
    pub tag: Option<usize>,
}

impl Yaml {
    pub fn str(s: impl Into<String>) -> Yaml {
        Yaml::Str(s.into())
    }

    /// Convert JSON (objects keep their order of iteration).
    pub fn from_json(v: &serde_json::Value) -> Yaml {
        use serde_json::Value as J;
        match v {
            J::Null => Yaml::Null,
            J::Bool(b) => Yaml::Bool(*b),
            J::Number(n) => match n.as_i64() {
                Some(i) => Yaml::Int(i),
                None => match n.as_u64() {
                    Some(u) => Yaml::UInt(u),
                    None => Yaml::Float(n.as_f64().unwrap_or(0.0)),
                },
            },
            J::String(s) => Yaml::Str(s.clone()),
            J::Array(items) => Yaml::List(items.iter().map(Yaml::from_json).collect()),
            J::Object(map) => Yaml::Map(
                map.iter()
                    .map(|(k, v)| Entry::new(k.clone(), Yaml::from_json(v)))
                    .collect(),
            ),
        }
    }

    fn is_scalar(&self) -> bool {
        match self {
            Yaml::Tagged(_, inner) => inner.is_scalar(),
            v => !matches!(v, Yaml::List(_) | Yaml::Map(_)),
        }
    }

    /// Remove the tagged entries and list items whose tag `drop` selects.
    pub fn prune(&self, drop: &dyn Fn(usize) -> bool) -> Yaml {
        match self {
            Yaml::List(items) => Yaml::List(
                items
                    .iter()
                    .filter(|i| !matches!(i, Yaml::Tagged(t, _) if drop(*t)))
                    .map(|i| i.prune(drop))
                    .collect(),
            ),
            Yaml::Map(entries) => Yaml::Map(prune_entries(entries, drop)),
            Yaml::Tagged(t, inner) => Yaml::Tagged(*t, Box::new(inner.prune(drop))),
            other => other.clone(),
        }
    }
}

impl Entry {
    pub fn new(key: impl Into<String>, value: Yaml) -> Entry {
        Entry {
            key: key.into(),
            value,
            tag: None,
        }
    }

    pub fn tagged(key: impl Into<String>, value: Yaml, tag: usize) -> Entry {
        Entry {
            key: key.into(),
            value,
            tag: Some(tag),
        }
    }
}

/// `entries` without those whose tag `drop` selects, pruned inside.
pub fn prune_entries(entries: &[Entry], drop: &dyn Fn(usize) -> bool) -> Vec<Entry> {
    entries
        .iter()
        .filter(|e| !e.tag.is_some_and(drop))
        .map(|e| Entry {
            key: e.key.clone(),
            value: e.value.prune(drop),
            tag: e.tag,
        })
        .collect()
}

/// The text, and where each tagged entry went.
#[derive(Debug, Default)]
pub struct Written {
    pub text: String,
    /// `(tag, start, end)` byte ranges of tagged entries.
    pub tagged: Vec<(usize, usize, usize)>,
}

/// Write a top-level mapping as a YAML document.
pub fn write_document(entries: &[Entry]) -> Written {
    let mut w = Written::default();
    write_map(&mut w, entries, 0);
    w
}

fn indent(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

fn write_map(w: &mut Written, entries: &[Entry], ind: usize) {
    for (i, e) in entries.iter().enumerate() {
        // The first entry of a mapping inside a sequence follows the `- ` on the same line.
        if !(i == 0 && w.text.ends_with("- ")) {
            indent(&mut w.text, ind);
        }
        let start = w.text.len();
        w.text.push_str(&key_text(&e.key));
        w.text.push(':');
        write_value_after_key(w, &e.value, ind);
        if let Some(tag) = e.tag {
            w.tagged.push((tag, start, w.text.len()));
        }
    }
}

fn write_value_after_key(w: &mut Written, v: &Yaml, ind: usize) {
    match untag(v) {
        Yaml::Map(m) if !m.is_empty() => {
            w.text.push('\n');
            write_map(w, m, ind + 2);
        }
        Yaml::List(l) if !l.is_empty() && !l.iter().all(Yaml::is_scalar) => {
            w.text.push('\n');
            write_list(w, l, ind + 2);
        }
        v => {
            w.text.push(' ');
            write_inline(&mut w.text, v);
            w.text.push('\n');
        }
    }
}

fn write_list(w: &mut Written, items: &[Yaml], ind: usize) {
    for item in items {
        let start = w.text.len();
        let item = match item {
            Yaml::Tagged(tag, inner) => {
                write_list_item(w, inner, ind);
                w.tagged.push((*tag, start, w.text.len()));
                continue;
            }
            other => other,
        };
        write_list_item(w, item, ind);
    }
}

fn write_list_item(w: &mut Written, item: &Yaml, ind: usize) {
    indent(&mut w.text, ind);
    w.text.push_str("- ");
    match untag(item) {
        Yaml::Map(m) if !m.is_empty() => write_map(w, m, ind + 2),
        Yaml::List(l) if !l.is_empty() && !l.iter().all(Yaml::is_scalar) => {
            w.text.push('\n');
            write_list(w, l, ind + 2);
        }
        item => {
            write_inline(&mut w.text, item);
            w.text.push('\n');
        }
    }
}

/// Tags below list items only mark ranges; the value is written as if untagged.
fn untag(v: &Yaml) -> &Yaml {
    match v {
        Yaml::Tagged(_, inner) => untag(inner),
        v => v,
    }
}

/// Scalars, empty collections and flow lists of scalars.
fn write_inline(out: &mut String, v: &Yaml) {
    match v {
        Yaml::Null => out.push_str("null"),
        Yaml::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Yaml::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Yaml::UInt(u) => {
            let _ = write!(out, "{u}");
        }
        Yaml::Float(f) => out.push_str(&float_text(*f)),
        Yaml::Str(s) => out.push_str(&scalar_text(s)),
        Yaml::List(l) => {
            out.push('[');
            for (i, item) in l.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_inline(out, item);
            }
            out.push(']');
        }
        Yaml::Map(_) => out.push_str("{}"),
        Yaml::Tagged(_, inner) => write_inline(out, inner),
    }
}

fn float_text(f: f64) -> String {
    if !f.is_finite() {
        return if f.is_nan() {
            ".nan".into()
        } else if f > 0.0 {
            ".inf".into()
        } else {
            "-.inf".into()
        };
    }
    // `{:?}` is the shortest text that reads back as the same f64, and always has a `.` or an
    // exponent, so YAML reads it as a float.
    format!("{f:?}")
}

fn key_text(k: &str) -> String {
    scalar_text(k)
}

/// Words YAML 1.1 or 1.2 readers may take for booleans or null.
const KEYWORDS: &[&str] = &[
    "true", "false", "yes", "no", "on", "off", "y", "n", "null", "nan", "inf",
];

/// Whether a string can be written without quotes and still read back as the same string.
fn plain_safe(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b[0].is_ascii_alphabetic()
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-'))
        && !KEYWORDS.contains(&s.to_ascii_lowercase().as_str())
}

/// A string as a YAML scalar: plain when safe, double-quoted with escapes otherwise.
pub fn scalar_text(s: &str) -> String {
    if plain_safe(s) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            // Characters YAML treats as line breaks or that editors hide.
            '\u{85}' | '\u{a0}' | '\u{2028}' | '\u{2029}' | '\u{feff}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Text safe inside a `#` comment line: one line, no control characters.
pub fn comment_text(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() || c == '\u{2028}' || c == '\u{2029}' {
                ' '
            } else {
                c
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use palisade_model::node::{Limits, parse};

    fn reparse(text: &str) -> serde_json::Value {
        parse(text, palisade_model::FileId(0), false, &Limits::default())
            .unwrap_or_else(|d| panic!("{}\n{text}", d.message))
            .to_json(text)
    }

    #[test]
    fn hostile_strings_read_back_unchanged() {
        let strings = [
            "",
            "yes",
            "No",
            "true",
            "null",
            "~",
            "0x1F",
            "1e3",
            "012",
            ".5",
            "-",
            "- a",
            "a: b",
            "a #b",
            "#x",
            "&anchor",
            "*alias",
            "!tag",
            "%dir",
            "@x",
            "`x",
            "|",
            ">",
            "'q'",
            "\"dq\"",
            "back\\slash",
            "tab\there",
            "line\nbreak",
            "nul\0",
            "bell\x07",
            "del\x7f",
            "\u{2028}",
            "\u{feff}bom",
            "[a, b]",
            "{a: 1}",
            "a,b",
            "?",
            "? x",
            "trailing ",
            " leading",
            "ünïcødé",
            "emoji 🦀",
            "---",
            "...",
            "=",
            "<<",
            "a->b",
            "1.10",
            "2026.10",
            ".inf",
            "-.Inf",
            "NaN",
            "on",
            "OFF",
            "Y",
        ];
        let entries: Vec<Entry> = strings
            .iter()
            .enumerate()
            .map(|(i, s)| Entry::new(format!("k{i}"), Yaml::str(*s)))
            .collect();
        let w = write_document(&entries);
        let back = reparse(&w.text);
        for (i, s) in strings.iter().enumerate() {
            assert_eq!(
                back[format!("k{i}")],
                serde_json::json!(s),
                "{s:?} in\n{}",
                w.text
            );
        }
    }

    #[test]
    fn nested_structures_read_back_unchanged() {
        let v = serde_json::json!({
            "name": "S",
            "list": ["a", "b c", 1, true],
            "empty": [],
            "emptymap": {},
            "items": [{"id": "x", "n": 1.5, "tags": ["p"]}, {"id": "y", "sub": {"k": -3}}],
            "nested": [[{"a": 1}], ["s"]],
            "f": 1.0,
            "z": null
        });
        let Yaml::Map(entries) = Yaml::from_json(&v) else {
            unreachable!()
        };
        let w = write_document(&entries);
        assert_eq!(reparse(&w.text), v, "{}", w.text);
    }

    #[test]
    fn tagged_entries_report_their_range() {
        let entries = vec![
            Entry::new("a", Yaml::Int(1)),
            Entry::tagged("b", Yaml::List(vec![Yaml::str("x y")]), 7),
        ];
        let w = write_document(&entries);
        assert_eq!(w.tagged.len(), 1);
        let (tag, s, e) = w.tagged[0];
        assert_eq!(tag, 7);
        assert_eq!(&w.text[s..e], "b: [\"x y\"]\n");
    }

    #[test]
    fn comments_stay_on_one_line() {
        assert_eq!(comment_text("a\nb\u{2028}c"), "a b c");
    }
}
