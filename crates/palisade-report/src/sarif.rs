//! SARIF 2.1.0: each finding a result located at the line of its component or flow in the model
//! file, so code-scanning tools annotate the YAML; rules carry the threat documentation and
//! mappings; accepted findings are results with an external suppression.

use crate::data::{Report, name};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// The `security-severity` GitHub reads (0–10) for a band rank.
fn security_severity(rank: usize, bands: usize) -> String {
    if bands <= 1 {
        return "5.0".into();
    }
    let x = 2.0 + 7.5 * rank as f64 / (bands - 1) as f64;
    format!("{x:.1}")
}

/// SARIF level for a band rank: the top two bands are errors, the next a warning, the rest notes.
fn level(rank: usize, bands: usize) -> &'static str {
    ["error", "error", "warning", "note"][crate::text::tier(rank, bands)]
}

/// Percent-encode a path for a SARIF URI (relative reference, `/` separators).
pub fn uri(path: &str) -> String {
    let mut out = String::new();
    for b in path.replace('\\', "/").bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn rule_json(code: &str, r: &Report, lib: &palisade_threats::Library) -> Value {
    let bands = r.policy.bands.len();
    let Some(rule) = lib.get(code).map(|c| &c.rule) else {
        return json!({"id": code});
    };
    let docs = &rule.docs.value;
    let m = &rule.mappings.value;
    let mut tags = vec![
        "security".to_string(),
        rule.category.value.as_str().to_string(),
    ];
    for list in [
        &m.atlas,
        &m.owasp_llm,
        &m.owasp_ml,
        &m.owasp_agentic,
        &m.nist,
        &m.cwe,
    ] {
        tags.extend(list.iter().map(|x| x.value.clone()));
    }
    let mitigations: Vec<String> = docs.mitigations.iter().map(|x| x.value.clone()).collect();
    let references: Vec<String> = docs.references.iter().map(|x| x.value.clone()).collect();
    let help_text = format!(
        "{}\n\nWhy it matters: {}\n\nExample: {}\n\nMitigations:\n{}\n\nReferences:\n{}",
        docs.what.value,
        docs.why.value,
        docs.example.value,
        crate::text::bullets(&mitigations),
        crate::text::bullets(&references),
    );
    let help_md = format!(
        "**What it is.** {}\n\n**Why it matters.** {}\n\n**Example.** {}\n\n**Mitigations**\n\n{}\n\n**References**\n\n{}",
        docs.what.value,
        docs.why.value,
        docs.example.value,
        crate::text::bullets(&mitigations),
        crate::text::bullets(&references),
    );
    // The rule's default level is its base risk on the default policy's scale.
    let base_rank = match (rule.base_likelihood.value, rule.base_impact.value) {
        (l, i) if l.max(i) == palisade_model::Criticality::Critical => bands.saturating_sub(1),
        (l, i) if l.max(i) == palisade_model::Criticality::High => bands.saturating_sub(2),
        _ => bands.saturating_sub(3),
    };
    json!({
        "id": code,
        "name": rule.name.value,
        "shortDescription": {"text": rule.title.value},
        "fullDescription": {"text": docs.what.value},
        "help": {"text": help_text, "markdown": help_md},
        "defaultConfiguration": {"level": level(base_rank, bands)},
        "properties": {
            "tags": tags,
            "precision": "high",
            "security-severity": security_severity(base_rank, bands),
            "category": rule.category.value.as_str(),
            "atlas": m.atlas.iter().map(|x| x.value.clone()).collect::<Vec<_>>(),
        }
    })
}

/// Render the SARIF log.
pub fn render(r: &Report, lib: &palisade_threats::Library) -> Value {
    let bands = r.policy.bands.len();
    let mut codes: Vec<&str> = r.findings.iter().map(|f| f.finding.code.as_str()).collect();
    codes.sort();
    codes.dedup();
    let index: BTreeMap<&str, usize> = codes.iter().enumerate().map(|(i, c)| (*c, i)).collect();
    let rules: Vec<Value> = codes.iter().map(|c| rule_json(c, r, lib)).collect();
    let results: Vec<Value> = r
        .findings
        .iter()
        .map(|f| {
            let fi = &f.finding;
            let res = &f.risk.residual.score;
            let inh = &f.risk.inherent.score;
            let mut result = json!({
                "ruleId": fi.code,
                "ruleIndex": index[fi.code.as_str()],
                "level": level(res.severity_rank, bands),
                "message": {"text": format!(
                    "{} on `{}` (residual {}, inherent {}). {}",
                    fi.title, fi.target.id, res.severity, inh.severity, fi.rationale
                )},
                "partialFingerprints": {"palisadeFindingId/v1": fi.id},
                "properties": {
                    "findingId": fi.id,
                    "target": fi.target.id,
                    "targetType": name(fi.target.kind),
                    "inherentSeverity": inh.severity,
                    "residualSeverity": res.severity,
                    "security-severity": security_severity(res.severity_rank, bands),
                    "mitigations": fi.mitigations,
                }
            });
            let mut location = json!({
                "logicalLocations": [{
                    "name": fi.target.id,
                    "kind": if fi.target.component_kind.is_some() { "component" } else { "flow" },
                }]
            });
            if let Some(l) = &fi.location {
                location["physicalLocation"] = json!({
                    "artifactLocation": {"uri": uri(&l.file)},
                    "region": {"startLine": l.line, "startColumn": l.column},
                });
            }
            result["locations"] = json!([location]);
            if let Some(a) = &f.acceptance {
                result["suppressions"] = json!([{
                    "kind": "external",
                    "status": if f.open { "underReview" } else { "accepted" },
                    "justification": format!(
                        "{} (approved by {} on {}; {})",
                        a.justification, a.approver, a.accepted_on, name(a.state)
                    ),
                }]);
            }
            result
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "palisade",
                "version": r.tool.version,
                "semanticVersion": r.tool.version,
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "automationDetails": {"id": format!("palisade/{}/", r.system.name)},
            "results": results,
        }]
    })
}
