//! Ids, and model fields restored from `palisade:<field>` attributes.

use super::{Builder, Fields};
use crate::attrs::PREFIX;
use crate::otm::read::RawAttrs;
use crate::yaml::{Entry, Yaml};
use serde_json::Value;
use std::collections::BTreeMap;

/// Whether `s` is a model id (a simple id, or `FROM->TO` when `arrow`).
fn valid_id(s: &str, arrow: bool) -> bool {
    let simple = |s: &str| {
        let b = s.as_bytes();
        !b.is_empty()
            && b.len() <= 128
            && b[0].is_ascii_alphanumeric()
            && b.iter()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-'))
    };
    match s.split_once("->") {
        Some((a, b)) => arrow && simple(a) && simple(b),
        None => simple(s),
    }
}

/// The nearest model id: other characters become `-`, leading ones are dropped.
fn sanitize(raw: &str) -> String {
    let mut out = String::new();
    for c in raw.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-') {
            if out.is_empty() && !c.is_ascii_alphanumeric() {
                continue;
            }
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let mut out = out.trim_end_matches('-').to_string();
    out.truncate(120);
    if out.is_empty() {
        "imported".into()
    } else {
        out
    }
}

impl Builder<'_> {
    /// A unique model id for an OTM id (`FROM->TO` is kept only for dataflows).
    pub(super) fn assign(&mut self, raw: &str, what: &str) -> String {
        let base = if valid_id(raw, what == "dataflow") {
            raw.to_string()
        } else {
            sanitize(raw)
        };
        let mut id = base.clone();
        let mut n = 2;
        while self.taken.contains(&id) {
            id = format!("{base}-{n}");
            n += 1;
        }
        self.taken.insert(id.clone());
        if id != raw {
            self.note(format!(
                "{what} `{raw}` is imported as `{id}` (model ids are letters, digits, `-`, `_` \
                 and `.`, unique across the model)"
            ));
        }
        id
    }

    /// Restore `palisade:<field>` attributes of `definition`; the rest is returned as extension
    /// attributes. Values the schema cannot read are noted and kept as extensions.
    pub(super) fn restore(
        &mut self,
        definition: &str,
        fields: &[&str],
        own: &[&str],
        attrs: &RawAttrs,
        what: &str,
    ) -> Fields {
        let mut values: BTreeMap<String, Yaml> = BTreeMap::new();
        let mut tags: BTreeMap<String, usize> = BTreeMap::new();
        let mut others: Vec<(String, String)> = Vec::new();
        for (k, v) in attrs {
            let Some(field) = k.strip_prefix(PREFIX) else {
                if !others.iter().any(|(x, _)| x == k) {
                    others.push((k.clone(), v.clone()));
                }
                continue;
            };
            if own.contains(&field) || values.contains_key(field) {
                continue;
            }
            if !fields.contains(&field) {
                self.note(format!("{what}: attribute `{k}` is not a {definition} field; kept under `x-otm-attributes`"));
                others.push((k.clone(), v.clone()));
                continue;
            }
            match self.types.decode(definition, field, v) {
                Some(value) => {
                    let value = self.map_refs(definition, field, value);
                    let tag = self.tag(format!("{what}: attribute `{k}`"));
                    values.insert(field.to_string(), Yaml::from_json(&value));
                    tags.insert(field.to_string(), tag);
                }
                None => {
                    self.note(format!(
                        "{what}: attribute `{k}` = `{v}` is not a valid value; kept under `x-otm-attributes`"
                    ));
                    others.push((k.clone(), v.clone()));
                }
            }
        }
        Fields {
            values,
            tags,
            others,
        }
    }

    /// References inside restored attributes follow renamed ids.
    pub(super) fn map_refs(&self, definition: &str, field: &str, v: Value) -> Value {
        let map_one = |s: &str| -> String {
            let pools: &[&BTreeMap<&str, String>] = match (definition, field) {
                ("Component", "serves" | "stored_in" | "invoked_by") => &[&self.components],
                ("Component", "inspects") | ("Flow", "data" | "returns") => &[&self.assets],
                ("Control", "applies_to") => &[&self.components, &self.flows, &self.assets],
                _ => &[],
            };
            pools
                .iter()
                .find_map(|p| p.get(s).cloned())
                .unwrap_or_else(|| s.to_string())
        };
        match v {
            Value::String(s) => Value::String(map_one(&s)),
            Value::Array(items) => Value::Array(
                items
                    .into_iter()
                    .map(|i| match i {
                        Value::String(s) => Value::String(map_one(&s)),
                        other => other,
                    })
                    .collect(),
            ),
            other => other,
        }
    }

    /// Entries in the order of the model's declaration, then the extensions.
    pub(super) fn ordered(fields: &[&str], f: Fields, extra: Vec<Entry>) -> Yaml {
        let Fields {
            mut values,
            tags,
            others,
        } = f;
        let mut out = Vec::new();
        for f in fields {
            if let Some(v) = values.remove(*f) {
                out.push(match tags.get(*f) {
                    Some(t) => Entry::tagged(*f, v, *t),
                    None => Entry::new(*f, v),
                });
            }
        }
        out.extend(extra);
        if !others.is_empty() {
            let map = others
                .into_iter()
                .map(|(k, v)| Entry::new(k, Yaml::Str(v)))
                .collect();
            out.push(Entry::new("x-otm-attributes", Yaml::Map(map)));
        }
        Yaml::Map(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_sanitized() {
        assert_eq!(sanitize("Web Service #1"), "Web-Service-1");
        assert_eq!(sanitize("  __x"), "x");
        assert_eq!(sanitize("***"), "imported");
        assert_eq!(sanitize(&"é".repeat(300)), "imported");
        assert!(valid_id(&sanitize(&"a".repeat(300)), false));
        assert!(valid_id("a->b", true));
        assert!(!valid_id("a->b", false));
        assert!(!valid_id("a b", true));
    }
}
