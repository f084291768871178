//! Rationale and factor-reason templates: `{variable.path}` replaced by the element's value.

use crate::library::template_paths;
use crate::value::lazy::Var;
use serde_json::Value;

/// The variables of one element, by name, for rendering.
pub(super) type View<'a> = [(&'a str, &'a dyn Var)];

/// A template split once into literal text and paths, in the order `template_paths` finds them.
pub(super) struct Template {
    text: String,
    /// Byte ranges of the literal text before each path, and the path (`None`: the tail).
    parts: Vec<(std::ops::Range<usize>, Option<std::ops::Range<usize>>)>,
}

impl Template {
    pub(super) fn new(template: &str) -> Self {
        let mut parts = Vec::new();
        let mut at = 0;
        for path in template_paths(template) {
            // `path` borrows from `template`: its offset tells where its braces are.
            let start = path.as_ptr() as usize - template.as_ptr() as usize;
            parts.push((at..start - 1, Some(start..start + path.len())));
            at = start + path.len() + 1;
        }
        parts.push((at..template.len(), None));
        Template {
            text: template.to_string(),
            parts,
        }
    }

    /// Whether the template has any path to fill.
    pub(super) fn is_plain(&self) -> bool {
        self.parts.len() == 1
    }

    pub(super) fn render(&self, view: &View) -> String {
        let mut out = String::with_capacity(self.text.len() + 64);
        for (lit, path) in &self.parts {
            out.push_str(&self.text[lit.clone()]);
            let Some(path) = path else { break };
            let text = value_text(&self.text[path.clone()], view);
            if text.contains('{') {
                // Filled text that itself holds braces could be matched by a later path when
                // paths are replaced one after the other: do exactly that.
                return render_sequential(&self.text, view);
            }
            out.push_str(&text);
        }
        out
    }
}

/// The value of a path in the view (`None`: no such value).
fn lookup<'v>(path: &str, view: &'v View) -> Option<&'v Value> {
    let mut parts = path.split('.');
    let var = parts.next().unwrap_or("");
    let var = view.iter().find(|(n, _)| *n == var).map(|(_, v)| *v)?;
    let Some(field) = parts.next() else {
        return Some(var.json());
    };
    let mut cur = var.json_field(field);
    for part in parts {
        cur = cur.and_then(|c| c.get(part));
    }
    cur
}

/// What a path renders as.
fn value_text(path: &str, view: &View) -> String {
    let sep = if path.ends_with("path") || path.ends_with("steps") {
        " → "
    } else {
        ", "
    };
    match lookup(path, view) {
        None | Some(Value::Null) => "none".to_string(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Bool(b)) => if *b { "yes" } else { "no" }.to_string(),
        Some(Value::Array(a)) if a.is_empty() => "none".to_string(),
        Some(Value::Array(a)) => a
            .iter()
            .map(|x| match x {
                Value::String(s) => s.clone(),
                // Objects (tools, channels) are named by their identifying field.
                Value::Object(o) => ["tool", "via", "id", "name"]
                    .iter()
                    .find_map(|k| o.get(*k).and_then(Value::as_str))
                    .map_or_else(|| x.to_string(), String::from),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join(sep),
        Some(other) => other.to_string(),
    }
}

/// Each path replaced in turn at its first occurrence in the text so far.
fn render_sequential(template: &str, view: &View) -> String {
    let mut out = template.to_string();
    for path in template_paths(template) {
        let text = value_text(path, view);
        out = out.replacen(&format!("{{{path}}}"), &text, 1);
    }
    out
}
