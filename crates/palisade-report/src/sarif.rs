//! SARIF 2.1.0: each finding a result located at the line of its component or flow in the model
//! file, so code-scanning tools annotate the YAML; rules carry the threat documentation and
//! mappings; accepted findings are results with an external suppression.

use crate::data::{Report, ReportFinding, name};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
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

/// One result: the finding at its place in the model file.
fn result(f: &ReportFinding, index: &BTreeMap<&str, usize>, bands: usize) -> Value {
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
}

/// The SARIF log of a report. It is serialised as it is written: one result at a time is built
/// and dropped, so a large model's log never sits in memory whole. Keys come in sorted order,
/// as a JSON object's do.
pub struct Log<'r, 'a> {
    report: &'r Report<'a>,
    rules: Vec<Value>,
    index: BTreeMap<&'r str, usize>,
}

/// Render the SARIF log.
pub fn render<'r, 'a>(r: &'r Report<'a>, lib: &palisade_threats::Library) -> Log<'r, 'a> {
    let mut codes: Vec<&str> = r.findings.iter().map(|f| f.finding.code.as_str()).collect();
    codes.sort();
    codes.dedup();
    let index: BTreeMap<&str, usize> = codes.iter().enumerate().map(|(i, c)| (*c, i)).collect();
    let rules: Vec<Value> = codes.iter().map(|c| rule_json(c, r, lib)).collect();
    Log {
        report: r,
        rules,
        index,
    }
}

/// The results, one per finding.
struct Results<'l, 'r, 'a>(&'l Log<'r, 'a>);

impl Serialize for Results<'_, '_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let log = self.0;
        let bands = log.report.policy.bands.len();
        let mut seq = s.serialize_seq(Some(log.report.findings.len()))?;
        for f in &log.report.findings {
            seq.serialize_element(&result(f, &log.index, bands))?;
        }
        seq.end()
    }
}

/// The log's one run.
struct Run<'l, 'r, 'a>(&'l Log<'r, 'a>);

impl Serialize for Run<'_, '_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = self.0.report;
        let mut m = s.serialize_map(Some(4))?;
        m.serialize_entry(
            "automationDetails",
            &json!({"id": format!("palisade/{}/", r.system.name)}),
        )?;
        m.serialize_entry("columnKind", "unicodeCodePoints")?;
        m.serialize_entry("results", &Results(self.0))?;
        m.serialize_entry(
            "tool",
            &json!({"driver": {
                "name": "palisade",
                "version": r.tool.version,
                "semanticVersion": r.tool.version,
                "rules": self.0.rules,
            }}),
        )?;
        m.end()
    }
}

impl Serialize for Log<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry("$schema", "https://json.schemastore.org/sarif-2.1.0.json")?;
        m.serialize_entry("runs", &[Run(self)])?;
        m.serialize_entry("version", "2.1.0")?;
        m.end()
    }
}
