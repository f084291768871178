//! The Markdown report, for pull requests and wikis. The diagram, when given, is a Mermaid block
//! (GitHub renders it). Every model string is escaped so it cannot break a table or inject HTML.

use crate::data::{Report, ReportFinding, name};
use palisade_risk::plan::Item;
use std::fmt::Write;

/// Escape text for a Markdown paragraph or table cell: HTML special characters become entities,
/// Markdown punctuation is backslash-escaped, line breaks become spaces.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '|' | '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '~' | '!' | '{' | '}' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '\t' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// Escape text that may carry intended code spans (our own sentences with ids in backticks):
/// HTML special characters and table pipes only.
pub fn escape_inline(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '|' => out.push_str("\\|"),
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// An inline code span that cannot be broken out of: backticks are replaced.
fn code(s: &str) -> String {
    format!("`{}`", s.replace('`', "'").replace(['\n', '\r'], " "))
}

fn severity_cell(rank: usize, band: &str, bands: usize) -> String {
    let icon = ["🟥", "🟧", "🟨", "🟩"][crate::text::tier(rank, bands)];
    format!("{icon} {}", escape(band))
}

fn details(out: &mut String, f: &ReportFinding, plan: Option<&Item>) {
    let fi = &f.finding;
    let _ = writeln!(
        out,
        "<details><summary><b>{}</b> — {}</summary>\n",
        escape(&fi.id),
        escape(&fi.title)
    );
    let _ = writeln!(out, "**Why it applies.** {}\n", escape(&fi.rationale));
    if !fi.path.is_empty() {
        let path: Vec<String> = fi.path.iter().map(|p| code(p)).collect();
        let _ = writeln!(out, "**Path.** {}\n", path.join(" → "));
    }
    let _ = writeln!(out, "**Attack vector.** {}\n", escape(&fi.attack_vector));
    if !fi.preconditions.is_empty() {
        let _ = writeln!(out, "**Preconditions that hold.**\n");
        for p in &fi.preconditions {
            let _ = writeln!(out, "- {}", escape(p));
        }
        out.push('\n');
    }
    let _ = writeln!(out, "**Impact.** {}\n", escape(&fi.impact));
    let inh = &f.risk.inherent;
    let _ = writeln!(
        out,
        "**Scoring.** Base likelihood {} (level {}), base impact {} (level {}).",
        fi.base_likelihood.as_str(),
        inh.base_likelihood,
        fi.base_impact.as_str(),
        inh.base_impact
    );
    for x in &inh.factors {
        let _ = writeln!(
            out,
            "- {:+} {}: {} ({})",
            x.delta,
            name(x.affects),
            escape(&x.reason),
            x.reads
                .iter()
                .map(|r| code(r))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let s = &inh.score;
    let _ = writeln!(
        out,
        "\nInherent: {} × {} = {} → **{}**.",
        escape(&s.likelihood_level),
        escape(&s.impact_level),
        s.score,
        escape(&s.severity)
    );
    if !f.risk.controls.is_empty() {
        let _ = writeln!(out, "\n**Controls.**\n");
        for c in &f.risk.controls {
            let red = crate::text::reductions(c);
            let _ = writeln!(
                out,
                "- {} ({}{}): {}; {}",
                code(&c.control),
                name(c.status),
                if c.effective {
                    ""
                } else {
                    ", does not count yet"
                },
                escape(&c.scope),
                red
            );
        }
    }
    let res = &f.risk.residual.score;
    let _ = writeln!(
        out,
        "\nResidual: {} × {} = {} → **{}**.\n",
        escape(&res.likelihood_level),
        escape(&res.impact_level),
        res.score,
        escape(&res.severity)
    );
    if let Some(item) = plan {
        let _ = writeln!(out, "**Next steps.**\n");
        for s in &item.steps {
            let _ = writeln!(
                out,
                "- {} — {} ({}, owner {}) → {}",
                code(&s.mitigation),
                escape(&s.name),
                name(s.kind),
                name(s.owner),
                escape(&s.residual_after.severity)
            );
        }
        let _ = writeln!(
            out,
            "\nWith all of them: **{}**.\n",
            escape(&item.expected.severity)
        );
    }
    let m = &fi.mappings;
    let ids: Vec<String> = crate::text::mapping_ids(m)
        .into_iter()
        .map(|s| code(s))
        .collect();
    if !ids.is_empty() {
        let _ = writeln!(out, "**Maps to** {}\n", ids.join(", "));
    }
    let _ = writeln!(out, "</details>\n");
}

/// Render the Markdown report; `diagram` is a Mermaid flowchart to embed.
pub fn render(r: &Report, diagram: Option<&str>) -> String {
    let mut out = String::new();
    let s = &r.summary;
    let bands = r.policy.bands.len();
    let plans = r.plan_by_finding();
    let _ = writeln!(out, "# Threat model: {}\n", escape(&r.system.name));
    if let Some(d) = &r.system.description {
        let _ = writeln!(out, "{}\n", escape(d));
    }
    let _ = writeln!(out, "| | |\n|---|---|");
    let _ = writeln!(out, "| Criticality | {} |", escape(&r.system.criticality));
    if let Some(o) = &r.system.owner {
        let _ = writeln!(out, "| Owner | {} |", escape(o));
    }
    if let Some(e) = &r.system.environment {
        let _ = writeln!(out, "| Environment | {} |", escape(e));
    }
    let _ = writeln!(
        out,
        "| Model | {} components, {} flows, {} trust boundaries, {} data assets, {} controls |",
        s.components, s.flows, s.boundaries, s.data_assets, s.controls
    );
    let _ = writeln!(
        out,
        "| Findings | {} ({} open, {} accepted), {} attack paths |",
        s.findings, s.open, s.accepted, s.attack_paths
    );
    if let Some(w) = &s.worst_open {
        let _ = writeln!(out, "| Highest open residual risk | **{}** |", escape(w));
    }
    let _ = writeln!(out, "| Reviewed on | {} |\n", escape(&r.today));
    if let Some(g) = &r.gate {
        if g.passed() {
            let _ = writeln!(out, "> ✅ Gate `{}` passed.\n", escape(&g.threshold));
        } else {
            let _ = writeln!(
                out,
                "> ❌ Gate `{}` failed: {} open at or above it, {} lapsed acceptances.\n",
                escape(&g.threshold),
                g.failing.len(),
                g.lapsed.len()
            );
        }
    }

    let _ = writeln!(out, "## Risk by severity\n");
    let _ = writeln!(
        out,
        "| Severity | Inherent (all) | Residual (open) |\n|---|---|---|"
    );
    for (rank, b) in r.policy.bands.iter().enumerate().rev() {
        let _ = writeln!(
            out,
            "| {} | {} | {} |",
            severity_cell(rank, b, bands),
            s.inherent.get(b).copied().unwrap_or(0),
            s.residual.get(b).copied().unwrap_or(0)
        );
    }
    out.push('\n');

    if let Some(d) = diagram {
        let _ = writeln!(
            out,
            "## Data-flow diagram\n\n```mermaid\n{}\n```\n",
            d.trim_end()
        );
    }

    let _ = writeln!(out, "## Findings\n");
    if r.findings.is_empty() {
        let _ = writeln!(out, "No threat applies under the rules that ran.\n");
    } else {
        let _ = writeln!(
            out,
            "| Residual | Inherent | Finding | Threat | Element | Status |\n|---|---|---|---|---|---|"
        );
        for f in &r.findings {
            let res = &f.risk.residual.score;
            let inh = &f.risk.inherent.score;
            let status = match &f.acceptance {
                Some(a) => format!("accepted ({})", name(a.state)),
                None => "open".to_string(),
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} |",
                severity_cell(res.severity_rank, &res.severity, bands),
                escape(&inh.severity),
                code(&f.finding.id),
                escape(&f.finding.title),
                code(&f.finding.target.id),
                status
            );
        }
        out.push('\n');
        for f in &r.findings {
            details(&mut out, f, plans.get(f.finding.id.as_str()).copied());
        }
    }

    if !r.attack_paths.is_empty() {
        let _ = writeln!(out, "## Attack paths\n");
        for a in r.attack_paths {
            let steps: Vec<String> = a.steps.iter().map(|p| code(p)).collect();
            let _ = writeln!(
                out,
                "- **{}**: {}  \n  {}",
                name(a.kind),
                steps.join(" → "),
                escape(&a.impact)
            );
        }
        out.push('\n');
    }

    if !r.plan.is_empty() {
        let _ = writeln!(out, "## Mitigation plan\n");
        let _ = writeln!(
            out,
            "| # | Finding | Now | Steps (owner) | Expected |\n|---|---|---|---|---|"
        );
        for (i, item) in r.plan.iter().enumerate() {
            let steps: Vec<String> = item
                .steps
                .iter()
                .map(|s| format!("{} ({})", code(&s.mitigation), name(s.owner)))
                .collect();
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                i + 1,
                code(&item.finding),
                escape(&item.residual.severity),
                steps.join(", "),
                escape(&item.expected.severity)
            );
        }
        out.push('\n');
    }

    if !r.acceptances.is_empty() {
        let _ = writeln!(out, "## Accepted risks\n");
        let _ = writeln!(
            out,
            "| Finding | Approver | Accepted | Review due | Expires | State | Justification |\n|---|---|---|---|---|---|---|"
        );
        for a in r.acceptances {
            let mut state = name(a.state);
            if let Some(s) = &a.suggestion {
                state.push_str(&format!(" (now {})", code(s)));
            }
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} |",
                code(&a.finding),
                escape(&a.approver),
                escape(&a.accepted_on),
                a.review_due.as_deref().map_or("—".into(), escape),
                a.expires.as_deref().map_or("—".into(), escape),
                state,
                escape(&a.justification)
            );
        }
        out.push('\n');
    }

    let _ = writeln!(out, "## Components\n");
    let _ = writeln!(
        out,
        "| Component | Kind | Boundary | Exposure | Findings |\n|---|---|---|---|---|"
    );
    for c in &r.model.components {
        let _ = writeln!(
            out,
            "| {} ({}) | {} | {} | {} | {} |",
            escape(c.name),
            code(c.id),
            escape(c.kind),
            c.boundaries.first().map_or("—".into(), |b| code(b)),
            escape(c.exposure),
            c.findings
        );
    }
    out.push('\n');
    if !r.model.data_assets.is_empty() {
        let _ = writeln!(out, "## Data assets\n");
        let _ = writeln!(
            out,
            "| Data | Classification | Personal | Regulations |\n|---|---|---|---|"
        );
        for d in &r.model.data_assets {
            let _ = writeln!(
                out,
                "| {} ({}) | {} | {} | {} |",
                escape(d.name),
                code(d.id),
                escape(d.classification),
                if d.personal_data { "yes" } else { "no" },
                escape(&d.regulations.join(", "))
            );
        }
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "<sub>Generated by palisade {} (report format {}).</sub>",
        escape(&r.tool.version),
        r.format_version
    );
    out
}
