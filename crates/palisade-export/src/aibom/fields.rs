//! CycloneDX fields from model fields: names, properties, hashes, links, data governance.

use super::cdx::*;
use palisade_model::{Component as ModelComponent, Id};
use serde_json::Value;

pub(super) fn display_name(name: Option<&str>, id: &Id) -> String {
    match name {
        Some(n) if !n.trim().is_empty() => n.to_string(),
        _ => id.to_string(),
    }
}

pub(super) fn prop(name: &str, value: impl Into<String>) -> Property {
    Property {
        name: name.to_string(),
        value: value.into(),
    }
}

/// `palisade:<field>` properties of a serialised element: one per list item, nested objects
/// flattened as `field.sub`.
pub(super) fn properties(element: &Value, fields: &[&str], skip: &[&str]) -> Vec<Property> {
    let mut out = Vec::new();
    let Some(obj) = element.as_object() else {
        return out;
    };
    for field in fields.iter().filter(|f| !skip.contains(f)) {
        if let Some(v) = obj.get(*field) {
            flatten(&format!("palisade:{field}"), v, &mut out);
        }
    }
    out
}

pub(super) fn flatten(name: &str, v: &Value, out: &mut Vec<Property>) {
    match v {
        Value::Null => {}
        Value::Array(items) => items.iter().for_each(|i| flatten(name, i, out)),
        Value::Object(map) => {
            for (k, x) in map {
                flatten(&format!("{name}.{k}"), x, out);
            }
        }
        Value::String(s) => out.push(prop(name, s.as_str())),
        other => out.push(prop(name, other.to_string())),
    }
}

pub(super) fn hash(d: &palisade_model::Digest) -> Hash {
    Hash {
        alg: match d.algorithm.as_str() {
            "sha256" => "SHA-256",
            _ => "BLAKE3",
        },
        content: d.hex.clone(),
    }
}

/// The declared `source` as a link, when it is a URL or starts with a host name.
pub(super) fn external_reference(c: &ModelComponent) -> Option<ExternalReference> {
    let src = c.source.as_ref()?.value.trim();
    let url = source_url(src)?;
    let vcs = c
        .platform
        .as_ref()
        .is_some_and(|p| p.value == palisade_model::Platform::Github);
    Some(ExternalReference {
        kind: if vcs { "vcs" } else { "distribution" },
        url,
        comment: None,
    })
}

pub(super) fn source_url(src: &str) -> Option<String> {
    let printable = |s: &str| {
        !s.is_empty()
            && s.chars().all(|ch| {
                ch.is_ascii_graphic()
                    && !matches!(ch, '<' | '>' | '"' | '{' | '}' | '|' | '\\' | '^' | '`')
            })
    };
    if !printable(src) {
        return None;
    }
    if let Some((scheme, rest)) = src.split_once("://") {
        let ok = !scheme.is_empty()
            && scheme.starts_with(|ch: char| ch.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || "+.-".contains(ch))
            && !rest.is_empty();
        return ok.then(|| src.to_string());
    }
    let host = src.split('/').next().unwrap_or("");
    let host_like = host.contains('.')
        && !host.starts_with('.')
        && !host.ends_with('.')
        && host
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || ch == '.' || ch == '-');
    host_like.then(|| format!("https://{src}"))
}

pub(super) fn sensitive_data(
    personal: bool,
    regulations: &[palisade_model::Regulation],
) -> Vec<String> {
    let mut out = Vec::new();
    if personal {
        out.push("personal data".to_string());
    }
    out.extend(
        regulations
            .iter()
            .map(|r| format!("governed by {}", r.as_str())),
    );
    out
}

pub(super) fn governance(owner: Option<&str>) -> Option<Governance> {
    owner.filter(|o| !o.trim().is_empty()).map(|o| Governance {
        owners: vec![ResponsibleParty {
            organization: Organization {
                name: o.to_string(),
            },
        }],
    })
}

pub(super) fn authenticated(c: &ModelComponent) -> Option<bool> {
    c.authentication
        .as_ref()
        .map(|a| a.value != palisade_model::Authentication::None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_become_links_only_when_they_are_urls() {
        assert_eq!(
            source_url("huggingface.co/org/model").as_deref(),
            Some("https://huggingface.co/org/model")
        );
        assert_eq!(
            source_url("https://github.com/o/r").as_deref(),
            Some("https://github.com/o/r")
        );
        assert_eq!(source_url("npm:crm-connector-mcp"), None);
        assert_eq!(
            source_url("internal model mirror, copied from x.io/a"),
            None
        );
        assert_eq!(source_url("pypi"), None);
        assert_eq!(source_url("://x"), None);
    }
}
