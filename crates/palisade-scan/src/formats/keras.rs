//! Keras: the model config (`config.json` of a `.keras` zip, or the `model_config` attribute of
//! an HDF5 file) walked recursively for Lambda layers and modules outside the keras namespace.

use crate::engine::{Ctx, Loc};
use crate::report::{Finding, Format};
use crate::rules::Rule;
use serde_json::Value;

/// How far into an HDF5 file to look for the model config (attributes are written early).
const H5_SEARCH: usize = 64 << 20;

fn keras_module(m: &str) -> bool {
    let top = m.split('.').next().unwrap_or("");
    matches!(
        top,
        "keras" | "tf_keras" | "keras_nlp" | "keras_hub" | "keras_cv"
    ) || m.starts_with("tensorflow.keras")
        || m.starts_with("tensorflow.python.keras")
}

fn walk(ctx: &mut Ctx, loc: &Loc, v: &Value, path: &str, depth: u32) {
    if depth > 256 {
        return;
    }
    match v {
        Value::Object(map) => {
            if map.get("class_name").and_then(Value::as_str) == Some("Lambda") {
                let name = map
                    .get("config")
                    .and_then(|c| c.get("name"))
                    .and_then(Value::as_str)
                    .unwrap_or("?");
                ctx.push(
                    loc,
                    Finding::new(
                        Rule::KerasLambda,
                        format!("Lambda layer {name:?} at {path}"),
                    ),
                );
            }
            if let Some(m) = map.get("module").and_then(Value::as_str)
                && !keras_module(m)
            {
                let cls = map.get("class_name").and_then(Value::as_str).unwrap_or("?");
                ctx.push(
                    loc,
                    Finding::new(
                        Rule::KerasForeignModule,
                        format!("object {cls:?} at {path} is loaded from module {m:?}"),
                    )
                    .with_global(format!("{m}.{cls}")),
                );
            }
            for (k, x) in map {
                walk(ctx, loc, x, &format!("{path}/{k}"), depth + 1);
            }
        }
        Value::Array(items) => {
            for (i, x) in items.iter().enumerate() {
                walk(ctx, loc, x, &format!("{path}/{i}"), depth + 1);
            }
        }
        _ => {}
    }
}

/// Walks a Keras `config.json`.
pub(crate) fn scan_config(ctx: &mut Ctx, json: &[u8], loc: &Loc) {
    match serde_json::from_slice::<Value>(json) {
        Ok(v) => walk(ctx, loc, &v, "", 0),
        Err(e) => ctx.error(loc, None, format!("malformed Keras config.json: {e}")),
    }
}

/// Scans an HDF5 file for a Keras `model_config` attribute.
pub(crate) fn scan_h5(ctx: &mut Ctx, d: &[u8], _superblock: usize, loc: &Loc) -> Format {
    let window = &d[..d.len().min(H5_SEARCH)];
    ctx.bytes_inspected += window.len() as u64;
    let needle = b"{\"class_name\"";
    let mut from = 0;
    while let Some(i) = find(&window[from..], needle) {
        let at = from + i;
        let mut it = serde_json::Deserializer::from_slice(&window[at..]).into_iter::<Value>();
        if let Some(Ok(v)) = it.next() {
            walk(ctx, loc, &v, "model_config", 0);
            from = at + it.byte_offset().max(1);
        } else {
            from = at + 1;
        }
    }
    Format::KerasH5
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}
