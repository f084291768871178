//! CSV: one row per finding, for vulnerability-management and ticket imports. Cells that a
//! spreadsheet would run as a formula are neutralised.

use crate::data::{Report, name};

/// The columns, in order.
pub const COLUMNS: &[&str] = &[
    "id",
    "code",
    "title",
    "category",
    "target_type",
    "target",
    "file",
    "line",
    "status",
    "inherent_severity",
    "inherent_likelihood",
    "inherent_impact",
    "residual_severity",
    "residual_likelihood",
    "residual_impact",
    "controls_in_place",
    "proposed_mitigations",
    "owners",
    "acceptance_state",
    "review_due",
    "atlas",
    "owasp_llm",
    "owasp_ml",
    "cwe",
    "rationale",
];

/// Quote a cell when needed (RFC 4180) and defuse formula injection (`=`, `+`, `-`, `@`, tab,
/// carriage return at the start get a leading apostrophe).
pub fn cell(s: &str) -> String {
    let mut v = s.replace(['\n', '\r'], " ");
    if v.starts_with(['=', '+', '-', '@', '\t']) {
        v.insert(0, '\'');
    }
    if v.contains([',', '"']) || v.starts_with(' ') || v.ends_with(' ') {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v
    }
}

/// Render the CSV (header row first, CRLF line ends as RFC 4180 specifies).
pub fn render(r: &Report) -> String {
    let mut out = COLUMNS.join(",");
    out.push_str("\r\n");
    let plans = r.plan_by_finding();
    for f in &r.findings {
        let fi = &f.finding;
        let risk = &f.risk;
        let plan = plans.get(fi.id.as_str()).copied();
        let row: Vec<String> = vec![
            fi.id.clone(),
            fi.code.to_string(),
            fi.title.to_string(),
            fi.category.as_str().to_string(),
            name(fi.target.kind),
            fi.target.id.clone(),
            fi.location
                .as_ref()
                .map(|l| l.file.clone())
                .unwrap_or_default(),
            fi.location
                .as_ref()
                .map(|l| l.line.to_string())
                .unwrap_or_default(),
            if f.open { "open" } else { "accepted" }.to_string(),
            risk.inherent.score.severity.to_string(),
            risk.inherent.score.likelihood.to_string(),
            risk.inherent.score.impact.to_string(),
            risk.residual.score.severity.to_string(),
            risk.residual.score.likelihood.to_string(),
            risk.residual.score.impact.to_string(),
            risk.controls
                .iter()
                .filter(|c| c.effective)
                .map(|c| c.control.as_str())
                .collect::<Vec<_>>()
                .join(" "),
            plan.map(|p| {
                p.steps
                    .iter()
                    .map(|s| s.mitigation.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_default(),
            plan.map(|p| {
                p.owners
                    .iter()
                    .map(|o| name(*o))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_default(),
            f.acceptance
                .as_ref()
                .map(|a| name(a.state))
                .unwrap_or_default(),
            f.acceptance
                .as_ref()
                .and_then(|a| a.review_due.clone().or(a.expires.clone()))
                .unwrap_or_default(),
            fi.mappings.atlas.join(" "),
            fi.mappings.owasp_llm.join(" "),
            fi.mappings.owasp_ml.join(" "),
            fi.mappings.cwe.join(" "),
            fi.rationale.clone(),
        ];
        out.push_str(&row.iter().map(|c| cell(c)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}
