//! Model fields carried as `palisade:<field>` text attributes in formats that only have string
//! maps (OTM `attributes`), and read back with the types the published model schema gives them.

use serde_json::Value;
use std::collections::BTreeMap;

/// The prefix of every attribute palisade writes.
pub const PREFIX: &str = "palisade:";

/// Attribute text of a value: strings as they are, anything else as compact JSON.
pub fn encode(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The declared fields of `element` (a serialised model element), except `skip`, as
/// `palisade:<field>` attributes. Absent, null and empty-list fields are left out.
pub fn to_attributes(element: &Value, fields: &[&str], skip: &[&str]) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let Some(obj) = element.as_object() else {
        return out;
    };
    for field in fields {
        if skip.contains(field) {
            continue;
        }
        match obj.get(*field) {
            None | Some(Value::Null) => {}
            Some(Value::Array(a)) if a.is_empty() => {}
            Some(v) => {
                out.insert(format!("{PREFIX}{field}"), encode(v));
            }
        }
    }
    out
}

/// Which fields of the model's element types hold strings, from the published model schema.
pub struct FieldTypes {
    schema: Value,
}

impl Default for FieldTypes {
    fn default() -> Self {
        FieldTypes {
            schema: palisade_model::schema::model_schema(),
        }
    }
}

impl FieldTypes {
    /// Whether `definition` (`Component`, `DataAsset`, …) declares `field`.
    pub fn has_field(&self, definition: &str, field: &str) -> bool {
        self.field_schema(definition, field).is_some()
    }

    /// Read attribute text back as the value of `definition.field`: strings (and enumerations,
    /// ids, dates) as they are, anything else as JSON. `None` when the text is not valid JSON
    /// for a non-string field, or the field does not exist.
    pub fn decode(&self, definition: &str, field: &str, text: &str) -> Option<Value> {
        let schema = self.field_schema(definition, field)?;
        if self.is_string(schema, 0) {
            Some(Value::String(text.to_string()))
        } else {
            serde_json::from_str(text).ok()
        }
    }

    fn field_schema(&self, definition: &str, field: &str) -> Option<&Value> {
        self.schema
            .get("definitions")?
            .get(definition)?
            .get("properties")?
            .get(field)
    }

    fn is_string(&self, s: &Value, depth: usize) -> bool {
        if depth > 8 {
            return false;
        }
        match s.get("type") {
            Some(Value::String(t)) if t == "string" => return true,
            Some(Value::Array(ts)) if ts.iter().any(|t| t == "string") => return true,
            _ => {}
        }
        if let Some(r) = s.get("$ref").and_then(Value::as_str)
            && let Some(target) = r
                .strip_prefix("#/definitions/")
                .and_then(|name| self.schema.get("definitions")?.get(name))
        {
            return self.is_string(target, depth + 1);
        }
        ["anyOf", "allOf", "oneOf"].iter().any(|k| {
            s.get(*k)
                .and_then(Value::as_array)
                .is_some_and(|alts| alts.iter().any(|a| self.is_string(a, depth + 1)))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn strings_stay_text_and_the_rest_is_json() {
        let c = json!({"id": "a", "version": "1.10", "records": 5, "pinned": true,
                       "modality": ["text"], "rate_limit": {"requests": 1, "per": "day"},
                       "tags": [], "owner": null});
        let a = to_attributes(
            &c,
            &[
                "id",
                "version",
                "records",
                "pinned",
                "modality",
                "rate_limit",
                "tags",
                "owner",
            ],
            &["id"],
        );
        assert_eq!(a["palisade:version"], "1.10");
        assert_eq!(a["palisade:records"], "5");
        assert_eq!(a["palisade:pinned"], "true");
        assert_eq!(a["palisade:modality"], "[\"text\"]");
        assert!(!a.contains_key("palisade:tags") && !a.contains_key("palisade:owner"));
        assert!(!a.contains_key("palisade:id"));
    }

    #[test]
    fn decoding_follows_the_schema_types() {
        let t = FieldTypes::default();
        assert_eq!(
            t.decode("Component", "version", "1.10"),
            Some(json!("1.10"))
        );
        assert_eq!(
            t.decode("Component", "version", "true"),
            Some(json!("true"))
        );
        assert_eq!(
            t.decode("Component", "exposure", "internal"),
            Some(json!("internal"))
        );
        assert_eq!(t.decode("Component", "serves", "123"), Some(json!("123")));
        assert_eq!(t.decode("Component", "records", "5"), Some(json!(5)));
        assert_eq!(t.decode("Component", "pinned", "true"), Some(json!(true)));
        assert_eq!(
            t.decode("Component", "modality", "[\"text\"]"),
            Some(json!(["text"]))
        );
        assert_eq!(t.decode("Component", "records", "many"), None);
        assert_eq!(t.decode("Component", "nonsense", "x"), None);
        assert_eq!(
            t.decode("Control", "verified_on", "2026-01-02"),
            Some(json!("2026-01-02"))
        );
        assert_eq!(
            t.decode("Control", "effectiveness", "0.6"),
            Some(json!(0.6))
        );
        assert!(t.has_field("DataAsset", "classification"));
    }
}
