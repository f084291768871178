//! The JSON Schema of model files, generated from the Rust types, for editors and validators.

use crate::kinds::attribute_kinds;
use crate::model::{Component, ModelFile};
use serde_json::{Value, json};

/// The JSON Schema (draft-07, which yaml-language-server and most editors support) of a model file.
pub fn model_schema() -> Value {
    let generator = schemars::generate::SchemaSettings::draft07().into_generator();
    let schema = generator.into_root_schema_for::<ModelFile>();
    let mut v = schema.to_value();
    if let Some(obj) = v.as_object_mut() {
        obj.insert("title".into(), json!("palisade model file"));
        obj.insert(
            "$id".into(),
            json!("https://palisade.invalid/schema/model-v1.json"),
        );
        if let Some(props) = obj.get_mut("properties").and_then(Value::as_object_mut) {
            props.insert(
                "$schema".into(),
                json!({"type": "string", "description": "The schema this file follows (editor hint)."}),
            );
        }
    }
    allow_extensions(&mut v);
    if let Some(component) = v.pointer_mut("/definitions/Component") {
        add_kind_constraints(component);
    }
    v
}

/// Every object that forbids unknown keys still accepts `x-…` extension keys.
fn allow_extensions(v: &mut Value) {
    match v {
        Value::Object(obj) => {
            if obj.get("additionalProperties") == Some(&Value::Bool(false)) {
                obj.insert("patternProperties".into(), json!({"^x-": {}}));
            }
            for (_, child) in obj.iter_mut() {
                allow_extensions(child);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(allow_extensions),
        _ => {}
    }
}

/// Encode "attribute X only on kinds K" as `if kind ∉ K then X is absent`.
fn add_kind_constraints(component: &mut Value) {
    let rules: Vec<Value> = Component::FIELDS
        .iter()
        .filter_map(|f| attribute_kinds(f).map(|kinds| (f, kinds)))
        .map(|(f, kinds)| {
            let names: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
            json!({
                "if": {"required": ["kind"], "properties": {"kind": {"not": {"enum": names}}}},
                "then": {"not": {"required": [f]}}
            })
        })
        .collect();
    if let Some(obj) = component.as_object_mut() {
        obj.insert("allOf".into(), Value::Array(rules));
    }
}
