//! safetensors: header length, JSON header (duplicate keys rejected), per-tensor dtype, shape and
//! offsets (in bounds, no overlap, no gap, dtype x shape = size) and `__metadata__` content.
//! Tensor data is never read.

use crate::engine::{Ctx, Loc};
use crate::report::{Finding, Format};
use crate::rules::Rule;
use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::Value;

/// The reference implementation's header size cap.
const MAX_HEADER: u64 = 100_000_000;

/// Size in bits of each dtype.
fn dtype_bits(d: &str) -> Option<u64> {
    Some(match d {
        "BOOL" | "U8" | "I8" | "F8_E5M2" | "F8_E4M3" | "F8_E8M0" => 8,
        "I16" | "U16" | "F16" | "BF16" => 16,
        "I32" | "U32" | "F32" => 32,
        "I64" | "U64" | "F64" | "C64" => 64,
        "F4" => 4,
        "F6_E2M3" | "F6_E3M2" => 6,
        _ => return None,
    })
}

/// A JSON object read in order with duplicates kept.
struct Entries(Vec<(String, Value)>);

impl<'de> serde::Deserialize<'de> for Entries {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Entries;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Entries, A::Error> {
                let mut v = Vec::new();
                while let Some((k, x)) = m.next_entry::<String, Value>()? {
                    v.push((k, x));
                }
                Ok(Entries(v))
            }
        }
        d.deserialize_map(V)
    }
}

/// Scans a safetensors file.
pub(crate) fn scan(ctx: &mut Ctx, d: &[u8], loc: &Loc) -> Format {
    if let Err((off, msg)) = check(ctx, d, loc) {
        ctx.error(loc, Some(off), format!("malformed safetensors: {msg}"));
    }
    Format::Safetensors
}

fn check(ctx: &mut Ctx, d: &[u8], loc: &Loc) -> Result<(), (u64, String)> {
    let n = u64::from_le_bytes(
        d.get(..8)
            .and_then(|b| b.try_into().ok())
            .ok_or((0, "truncated".to_string()))?,
    );
    if n > MAX_HEADER {
        return Err((
            0,
            format!("header length {n} exceeds the {MAX_HEADER}-byte limit"),
        ));
    }
    let end = 8usize + n as usize;
    let raw = d
        .get(8..end)
        .ok_or((0, format!("header length {n} exceeds the file")))?;
    ctx.bytes_inspected += end as u64;
    let text = std::str::from_utf8(raw).map_err(|e| {
        (
            8 + e.valid_up_to() as u64,
            "header is not UTF-8".to_string(),
        )
    })?;
    let entries: Entries = serde_json::from_str(text.trim_end_matches(' '))
        .map_err(|e| (8, format!("header JSON: {e}")))?;
    let data_len = (d.len() - end) as u64;
    let mut seen = std::collections::HashSet::new();
    let mut ranges: Vec<(u64, u64, String)> = Vec::new();
    for (name, v) in &entries.0 {
        if !seen.insert(name.as_str()) {
            ctx.push(
                loc,
                Finding::new(
                    Rule::DuplicateKey,
                    format!("header key {name:?} appears more than once"),
                )
                .at(8),
            );
        }
        if name == "__metadata__" {
            metadata(ctx, loc, v);
            continue;
        }
        let obj = v
            .as_object()
            .ok_or((8, format!("tensor {name:?} is not an object")))?;
        let extra: Vec<&String> = obj
            .keys()
            .filter(|k| !matches!(k.as_str(), "dtype" | "shape" | "data_offsets"))
            .collect();
        if !extra.is_empty() {
            return Err((8, format!("tensor {name:?} has unexpected keys {extra:?}")));
        }
        let dtype = obj
            .get("dtype")
            .and_then(Value::as_str)
            .ok_or((8, format!("tensor {name:?} has no dtype")))?;
        let shape: Vec<u64> = obj
            .get("shape")
            .and_then(Value::as_array)
            .and_then(|a| a.iter().map(Value::as_u64).collect())
            .ok_or((8, format!("tensor {name:?} has no valid shape")))?;
        let offs: Vec<u64> = obj
            .get("data_offsets")
            .and_then(Value::as_array)
            .and_then(|a| a.iter().map(Value::as_u64).collect())
            .filter(|v: &Vec<u64>| v.len() == 2)
            .ok_or((8, format!("tensor {name:?} has no valid data_offsets")))?;
        let (b, e) = (offs[0], offs[1]);
        if b > e || e > data_len {
            ctx.push(
                loc,
                Finding::new(
                    Rule::TensorOutOfBounds,
                    format!(
                        "tensor {name:?} spans [{b}, {e}) but the data section has {data_len} bytes"
                    ),
                )
                .at(end as u64),
            );
            continue;
        }
        match dtype_bits(dtype) {
            None => ctx.push(
                loc,
                Finding::new(
                    Rule::UnknownDtype,
                    format!("tensor {name:?} has unknown dtype {dtype:?}"),
                )
                .at(8),
            ),
            Some(bits) => {
                let elems = shape.iter().try_fold(1u64, |a, &x| a.checked_mul(x));
                let bytes = elems
                    .and_then(|n| n.checked_mul(bits))
                    .map(|b| b.div_ceil(8));
                if bytes != Some(e - b) {
                    ctx.push(
                        loc,
                        Finding::new(
                            Rule::TensorSizeMismatch,
                            format!(
                                "tensor {name:?}: {dtype} x {shape:?} = {} bytes, but its offsets span {}",
                                bytes.map_or("overflow".into(), |x| x.to_string()),
                                e - b
                            ),
                        )
                        .at(end as u64 + b),
                    );
                }
            }
        }
        ranges.push((b, e, name.clone()));
    }
    ranges.sort();
    let mut cursor = 0u64;
    for (b, e, name) in &ranges {
        if *b < cursor {
            ctx.push(
                loc,
                Finding::new(
                    Rule::TensorOverlap,
                    format!("tensor {name:?} at [{b}, {e}) overlaps the previous tensor"),
                )
                .at(end as u64 + b),
            );
        } else if *b > cursor {
            ctx.push(
                loc,
                Finding::new(
                    Rule::TensorGap,
                    format!("{} unused bytes before tensor {name:?}", b - cursor),
                )
                .at(end as u64 + cursor),
            );
        }
        cursor = cursor.max(*e);
    }
    if cursor < data_len && !(ranges.is_empty() && data_len == 0) {
        ctx.push(
            loc,
            Finding::new(
                Rule::TensorGap,
                format!("{} trailing bytes after the last tensor", data_len - cursor),
            )
            .at(end as u64 + cursor),
        );
    }
    Ok(())
}

/// Flags metadata values that look like code, markup, paths or credentials.
pub(crate) fn suspicious_text(s: &str) -> Option<&'static str> {
    const PATTERNS: &[(&str, &str)] = &[
        ("<script", "markup"),
        ("javascript:", "markup"),
        ("__import__", "code"),
        ("import os", "code"),
        ("subprocess", "code"),
        ("eval(", "code"),
        ("exec(", "code"),
        ("{{", "template"),
        ("{%", "template"),
        ("../", "path traversal"),
        ("..\\", "path traversal"),
        ("-----BEGIN", "credential"),
        ("AKIA", "credential"),
        ("ghp_", "credential"),
    ];
    PATTERNS
        .iter()
        .find(|(p, _)| s.contains(p))
        .map(|(_, why)| *why)
}

fn metadata(ctx: &mut Ctx, loc: &Loc, v: &Value) {
    let Some(map) = v.as_object() else {
        ctx.push(
            loc,
            Finding::new(Rule::SuspiciousMetadata, "__metadata__ is not a string map").at(8),
        );
        return;
    };
    for (k, v) in map {
        let Some(s) = v.as_str() else {
            ctx.push(
                loc,
                Finding::new(
                    Rule::SuspiciousMetadata,
                    format!("__metadata__ value {k:?} is not a string"),
                )
                .at(8),
            );
            continue;
        };
        if s.len() > 1 << 20 {
            ctx.push(
                loc,
                Finding::new(
                    Rule::SuspiciousMetadata,
                    format!("__metadata__ value {k:?} is {} bytes long", s.len()),
                )
                .at(8),
            );
        } else if let Some(why) = suspicious_text(s) {
            ctx.push(
                loc,
                Finding::new(
                    Rule::SuspiciousMetadata,
                    format!("__metadata__ value {k:?} looks like {why}"),
                )
                .at(8),
            );
        }
    }
}
