//! Chat templates: Jinja text rendered by inference servers, from GGUF metadata or a Hugging
//! Face `tokenizer_config.json`.

use crate::engine::{Ctx, Loc};
use crate::report::{Finding, Format};
use crate::rules::Rule;
use serde_json::Value;

/// Largest JSON document inspected for a chat template.
const MAX_JSON: usize = 16 << 20;

/// Server-side template injection primitives in a Jinja chat template (matched with
/// whitespace removed, so `{% import` and `{%import` both match).
pub(crate) fn ssti_patterns(t: &str) -> Vec<&'static str> {
    #[rustfmt::skip]
    const P: &[&str] = &[
        "__class__", "__mro__", "__subclasses__", "__globals__", "__builtins__", "__import__",
        "__init__", "__base__", "__getattribute__", "cycler.", "joiner.", "lipsum.", "attr(",
        "{%import", "{%-import", "{%from", "{%-from", "popen(", "subprocess", "eval(", "exec(",
    ];
    let compact: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    P.iter().copied().filter(|p| compact.contains(p)).collect()
}

/// Whether `d` looks like a JSON object that carries a chat template.
pub(crate) fn is_tokenizer_config(d: &[u8]) -> bool {
    d.len() <= MAX_JSON
        && d.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{')
        && d.windows(15).any(|w| w == b"\"chat_template\"")
}

/// Checks the `chat_template` of a tokenizer config (a string, or a list of named templates).
pub(crate) fn scan_tokenizer_config(ctx: &mut Ctx, d: &[u8], loc: &Loc) -> Format {
    ctx.bytes_inspected += d.len() as u64;
    let v: Value = match serde_json::from_slice(d) {
        Ok(v) => v,
        Err(_) => return Format::Unknown,
    };
    let templates: Vec<(String, &str)> = match v.get("chat_template") {
        Some(Value::String(t)) => vec![("chat_template".into(), t.as_str())],
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|i| {
                let name = i.get("name").and_then(Value::as_str).unwrap_or("?");
                let t = i.get("template").and_then(Value::as_str)?;
                Some((format!("chat_template[{name}]"), t))
            })
            .collect(),
        _ => return Format::Unknown,
    };
    for (name, t) in templates {
        let hits = ssti_patterns(t);
        if !hits.is_empty() {
            ctx.push(
                loc,
                Finding::new(
                    Rule::TemplateInjection,
                    format!(
                        "{name} uses template-injection primitives: {}",
                        hits.join(", ")
                    ),
                ),
            );
        }
    }
    Format::TokenizerConfig
}
