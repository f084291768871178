//! MITRE ATLAS data: technique and mitigation names from an ATLAS file (legacy 5.x single-file
//! format or the 6.x format), and the aliases of renamed and retired ids.

use palisade_model::node::{Limits, Node, Value, parse};
use palisade_model::{Diagnostic, FileId};
use std::collections::BTreeMap;

/// Ids and names from one ATLAS release.
#[derive(Debug, Clone, Default)]
pub struct Atlas {
    /// Content version (`5.6.0`, `2026.09`, …).
    pub version: String,
    pub techniques: BTreeMap<String, String>,
    pub mitigations: BTreeMap<String, String>,
}

/// Renamed or retired ids: (id, what happened). Facts from ATLAS release notes.
pub const ALIASES: &[(&str, &str)] = &[
    (
        "AML.T0018",
        "renamed Backdoor ML Model -> Manipulate AI Model (4.9.0)",
    ),
    (
        "AML.T0053",
        "renamed LLM Plugin Compromise -> AI Agent Tool Invocation (5.0.0)",
    ),
    (
        "AML.T0056",
        "renamed LLM Meta Prompt Extraction -> Extract LLM System Prompt",
    ),
    (
        "AML.T0029",
        "renamed Denial of ML Service -> Denial of AI Service",
    ),
    (
        "AML.T0045",
        "moved to AML.T0048.004 External Harms: AI Intellectual Property Theft",
    ),
    (
        "AML.T0020",
        "renamed Poison Training Data -> Training Data Poisoning (2026.07)",
    ),
    (
        "AML.T0019",
        "retired in 2026.07: use AML.T0115.000 Publish Poisoned AI Artifacts: Datasets",
    ),
    (
        "AML.T0058",
        "retired in 2026.07: use AML.T0115.001 Publish Poisoned AI Artifacts: Models",
    ),
    (
        "AML.T0104",
        "retired in 2026.07: use AML.T0115.002 Publish Poisoned AI Artifacts: AI Agent Tools",
    ),
    (
        "AML.T0072",
        "renamed Reverse Shell -> Cyber Communication Channel (2026.08)",
    ),
    (
        "AML.T0075",
        "renamed Cloud Service Discovery -> Enterprise Resource Discovery (2026.08)",
    ),
    (
        "AML.T0089",
        "renamed Process Discovery -> Enterprise Environment Discovery (2026.08)",
    ),
];

/// The successor of a retired id, if it has one.
pub fn successor(id: &str) -> Option<&'static str> {
    match id {
        "AML.T0019" => Some("AML.T0115.000"),
        "AML.T0058" => Some("AML.T0115.001"),
        "AML.T0104" => Some("AML.T0115.002"),
        "AML.T0045" => Some("AML.T0048.004"),
        _ => None,
    }
}

fn get<'n>(node: &'n Node<'n>, key: &str) -> Option<&'n Node<'n>> {
    match &node.value {
        Value::Map(entries) => entries
            .iter()
            .find(|(k, _)| matches!(&k.value, Value::Str(s) if s == key))
            .map(|(_, v)| v),
        _ => None,
    }
}

fn text(node: Option<&Node>, source: &str) -> String {
    node.map(|n| n.scalar_text(source)).unwrap_or_default()
}

impl Atlas {
    /// Parse an ATLAS data file of either format.
    pub fn parse(source: &str) -> Result<Atlas, Diagnostic> {
        let limits = Limits {
            max_file_bytes: 64 * 1024 * 1024,
            ..Limits::default()
        };
        let root = parse(source, FileId(0), false, &limits)?;
        let mut atlas = Atlas::default();
        let parent_names = |list: &[Node], out: &mut BTreeMap<String, String>| {
            for t in list {
                out.insert(text(get(t, "id"), source), text(get(t, "name"), source));
            }
        };
        if let Some(fv) = get(&root, "format-version") {
            let _ = fv;
            atlas.version = text(
                get(&root, "collection").and_then(|c| get(c, "version")),
                source,
            );
            for (key, out) in [
                ("techniques", &mut atlas.techniques),
                ("mitigations", &mut atlas.mitigations),
            ] {
                match get(&root, key).map(|n| &n.value) {
                    Some(Value::Map(entries)) => {
                        for (k, v) in entries {
                            out.insert(k.scalar_text(source), text(get(v, "name"), source));
                        }
                    }
                    Some(Value::Seq(items)) => parent_names(items, out),
                    _ => {}
                }
            }
        } else if let Some(Value::Seq(matrices)) = get(&root, "matrices").map(|n| &n.value) {
            atlas.version = text(get(&root, "version"), source);
            for m in matrices {
                if let Some(Value::Seq(t)) = get(m, "techniques").map(|n| &n.value) {
                    parent_names(t, &mut atlas.techniques);
                }
                if let Some(Value::Seq(t)) = get(m, "mitigations").map(|n| &n.value) {
                    parent_names(t, &mut atlas.mitigations);
                }
            }
        } else {
            return Err(Diagnostic::error(
                palisade_model::diag::codes::INVALID_VALUE,
                "not an ATLAS data file: expected a `matrices` (5.x) or `format-version` (6.x) key",
            ));
        }
        // Sub-technique names are short in the data; show them with their parent's.
        let full: Vec<(String, String)> = atlas
            .techniques
            .iter()
            .filter_map(|(id, name)| {
                let (parent, _) = id.rsplit_once('.').filter(|(p, _)| p.len() == 9)?;
                let pname = atlas.techniques.get(parent)?;
                (!name.starts_with(pname.as_str()))
                    .then(|| (id.clone(), format!("{pname}: {name}")))
            })
            .collect();
        atlas.techniques.extend(full);
        Ok(atlas)
    }

    /// Display name of a technique or mitigation id, if known.
    pub fn name(&self, id: &str) -> Option<&str> {
        self.techniques
            .get(id)
            .or_else(|| self.mitigations.get(id))
            .map(String::as_str)
    }
}
