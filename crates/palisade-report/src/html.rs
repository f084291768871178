//! The HTML report: one self-contained file (no network fetches — a Content-Security-Policy
//! forbids them), readable by management at the top and complete for engineers below; prints
//! well. The data-flow diagram comes as inline SVG from the caller.

use crate::data::{Report, ReportFinding, name};
use palisade_risk::plan::Item;
use std::fmt::Write;

/// Escape text for HTML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

const STYLE: &str = include_str!("html/report.css");
const SCRIPT: &str = include_str!("html/report.js");

/// The CSP source of the inline script: its SHA-256, base64.
fn script_hash() -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(SCRIPT.as_bytes());
    format!("'sha256-{}'", base64(&digest))
}

fn base64(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The CSS class of a band by rank: `sev-0` is the top band.
fn sev_class(rank: usize, bands: usize) -> String {
    format!("sev-{}", crate::text::tier(rank, bands))
}

fn badge(severity: &str, rank: usize, bands: usize) -> String {
    format!(
        "<span class=\"badge {}\">{}</span>",
        sev_class(rank, bands),
        esc(severity)
    )
}

fn heatmap(out: &mut String, r: &Report, counts: &[Vec<usize>], title: &str) {
    let p = &r.policy;
    let bands = p.bands.len();
    let _ = write!(
        out,
        "<figure class=\"heat\"><figcaption>{}</figcaption><table><tbody>",
        esc(title)
    );
    for i in (0..p.impact_levels.len()).rev() {
        let _ = write!(
            out,
            "<tr><th scope=\"row\">{}</th>",
            esc(&p.impact_levels[i])
        );
        for (l, &n) in counts[i].iter().enumerate().take(p.likelihood_levels.len()) {
            let band = &p.matrix[i][l];
            let rank = p.bands.iter().position(|b| b == band).unwrap_or(0);
            let _ = write!(
                out,
                "<td class=\"{}{}\" title=\"{} × {}: {}\">{}</td>",
                sev_class(rank, bands),
                if n == 0 { " empty" } else { "" },
                esc(&p.likelihood_levels[l]),
                esc(&p.impact_levels[i]),
                esc(band),
                if n == 0 { String::new() } else { n.to_string() }
            );
        }
        out.push_str("</tr>");
    }
    out.push_str("<tr><th></th>");
    for l in &p.likelihood_levels {
        let _ = write!(out, "<th scope=\"col\">{}</th>", esc(l));
    }
    out.push_str("</tr></tbody></table><div class=\"axes\">impact ↑ · likelihood →</div></figure>");
}

fn finding_detail(out: &mut String, f: &ReportFinding, r: &Report, plan: Option<&Item>) {
    let fi = &f.finding;
    let bands = r.policy.bands.len();
    let risk = &f.risk;
    let _ = write!(
        out,
        "<details class=\"finding\" id=\"f-{}\"><summary>{} <code>{}</code> {}</summary><div class=\"body\">",
        esc(&fi.id),
        badge(
            &risk.residual.score.severity,
            risk.residual.score.severity_rank,
            bands
        ),
        esc(&fi.id),
        esc(&fi.title)
    );
    let kind = fi.target.component_kind.map_or("flow", |k| k.as_str());
    let place = fi
        .location
        .as_ref()
        .map(|l| format!(" — {}:{}", esc(&l.file), l.line))
        .unwrap_or_default();
    let _ = write!(
        out,
        "<p class=\"meta\">{} · {kind} <code>{}</code>{place}</p>",
        esc(fi.category.as_str()),
        esc(&fi.target.id)
    );
    let _ = write!(out, "<h4>Why it applies</h4><p>{}</p>", esc(&fi.rationale));
    if !fi.path.is_empty() {
        let _ = write!(out, "<p class=\"path\">{}</p>", path_html(&fi.path));
    }
    let _ = write!(out, "<h4>Attack</h4><p>{}</p>", esc(&fi.attack_vector));
    if !fi.preconditions.is_empty() {
        out.push_str("<ul>");
        for p in &fi.preconditions {
            let _ = write!(out, "<li>{}</li>", esc(p));
        }
        out.push_str("</ul>");
    }
    let _ = write!(out, "<h4>Impact</h4><p>{}</p>", esc(&fi.impact));
    let inh = &risk.inherent;
    let _ = write!(
        out,
        "<h4>Scoring</h4><p>Base: likelihood {} (level {}), impact {} (level {}).</p>",
        esc(fi.base_likelihood.as_str()),
        inh.base_likelihood,
        esc(fi.base_impact.as_str()),
        inh.base_impact
    );
    if !inh.factors.is_empty() {
        out.push_str("<table class=\"factors\"><thead><tr><th>Δ</th><th>axis</th><th>factor</th><th>reads</th></tr></thead><tbody>");
        for x in &inh.factors {
            let _ = write!(
                out,
                "<tr><td>{:+}</td><td>{}</td><td>{}</td><td><code>{}</code></td></tr>",
                x.delta,
                esc(&name(x.affects)),
                esc(&x.reason),
                esc(&x.reads.join(", "))
            );
        }
        out.push_str("</tbody></table>");
    }
    let s = &inh.score;
    let _ = write!(
        out,
        "<p>Inherent: {} × {} = {} → {}{}</p>",
        esc(&s.likelihood_level),
        esc(&s.impact_level),
        s.score,
        badge(&s.severity, s.severity_rank, bands),
        if inh.capped {
            " <span class=\"note\">(factor shift capped by the policy)</span>"
        } else {
            ""
        }
    );
    if !risk.controls.is_empty() {
        out.push_str("<h4>Controls</h4><ul>");
        for c in &risk.controls {
            let red = crate::text::reductions(c);
            let _ = write!(
                out,
                "<li class=\"{}\"><code>{}</code> ({}) — {}; {}{}</li>",
                if c.effective { "effective" } else { "planned" },
                esc(&c.control),
                esc(&name(c.status)),
                esc(&c.scope),
                esc(&red),
                if c.effective {
                    ""
                } else {
                    " <span class=\"note\">does not count until implemented</span>"
                }
            );
        }
        out.push_str("</ul>");
    }
    let rs = &risk.residual.score;
    let _ = write!(
        out,
        "<p>Residual: {} × {} = {} → {}</p>",
        esc(&rs.likelihood_level),
        esc(&rs.impact_level),
        rs.score,
        badge(&rs.severity, rs.severity_rank, bands)
    );
    for d in &risk.depth {
        let _ = write!(out, "<p class=\"warn\">⚠ {}</p>", esc(d.message()));
    }
    if let Some(item) = plan {
        out.push_str("<h4>Next steps</h4><ol>");
        for s in &item.steps {
            let _ = write!(
                out,
                "<li><code>{}</code> {} — {}, owner {} → {}</li>",
                esc(&s.mitigation),
                esc(&s.name),
                esc(&name(s.kind)),
                esc(&name(s.owner)),
                esc(&s.residual_after.severity)
            );
        }
        let _ = write!(
            out,
            "</ol><p>With all of them: {}</p>",
            badge(&item.expected.severity, item.expected.severity_rank, bands)
        );
    }
    if let Some(a) = &f.acceptance {
        let _ = write!(
            out,
            "<h4>Accepted</h4><p>By {} on {}: {} <span class=\"state {}\">{}</span></p>",
            esc(&a.approver),
            esc(&a.accepted_on),
            esc(&a.justification),
            esc(&name(a.state)),
            esc(&name(a.state))
        );
    }
    let m = &fi.mappings;
    let ids: Vec<String> = crate::text::mapping_ids(m)
        .into_iter()
        .map(|id| match r.atlas.as_ref().and_then(|a| a.names.get(id)) {
            Some(n) => format!("{id} {n}"),
            None => id.clone(),
        })
        .collect();
    if !ids.is_empty() {
        let _ = write!(
            out,
            "<p class=\"maps\">{}</p>",
            ids.iter()
                .map(|i| format!("<span class=\"tag\">{}</span>", esc(i)))
                .collect::<Vec<_>>()
                .join(" ")
        );
    }
    out.push_str("</div></details>");
}

fn path_html(steps: &[String]) -> String {
    steps
        .iter()
        .map(|s| format!("<code>{}</code>", esc(s)))
        .collect::<Vec<_>>()
        .join(" <span class=\"arrow\">→</span> ")
}

/// Render the HTML report; `diagram_svg` is the data-flow diagram as an SVG document.
pub fn render(r: &Report, diagram_svg: Option<&str>) -> String {
    let s = &r.summary;
    let p = &r.policy;
    let bands = p.bands.len();
    let plans = r.plan_by_finding();
    let mut out = String::with_capacity(64 * 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src {}\">\
<meta name=\"generator\" content=\"palisade {}\">\
<title>Threat model: {}</title><style>{}</style></head><body>\n",
        script_hash(),
        esc(&r.tool.version),
        esc(&r.system.name),
        STYLE
    );
    // Header.
    let _ = write!(
        out,
        "<header><div class=\"kicker\">Threat model</div><h1>{}</h1>",
        esc(&r.system.name)
    );
    if let Some(d) = &r.system.description {
        let _ = write!(out, "<p class=\"lead\">{}</p>", esc(d));
    }
    let mut facts = vec![format!("criticality <b>{}</b>", esc(&r.system.criticality))];
    if let Some(o) = &r.system.owner {
        facts.push(format!("owner <b>{}</b>", esc(o)));
    }
    if let Some(e) = &r.system.environment {
        facts.push(esc(e));
    }
    if let Some(h) = &r.system.hosting {
        facts.push(esc(h));
    }
    facts.push(format!("reviewed {}", esc(&r.today)));
    let _ = writeln!(out, "<p class=\"facts\">{}</p></header>", facts.join(" · "));

    out.push_str("<nav><a href=\"#summary\">Summary</a><a href=\"#diagram\">Diagram</a><a href=\"#findings\">Findings</a><a href=\"#paths\">Attack paths</a><a href=\"#plan\">Plan</a><a href=\"#accepted\">Accepted risks</a><a href=\"#model\">Components &amp; data</a></nav>\n<main>");

    // Summary for management.
    out.push_str("<section id=\"summary\"><h2>Summary</h2>");
    let worst = s.worst_open.as_deref();
    let headline = match worst {
        Some(w) => format!(
            "{} threats apply to this system; {} are open and the highest residual risk is <b>{}</b>.",
            s.findings,
            s.open,
            esc(w)
        ),
        None if s.findings == 0 => "No threat of the library applies to this system.".to_string(),
        None => format!(
            "{} threats apply to this system; all are accepted by the business.",
            s.findings
        ),
    };
    let _ = write!(out, "<p class=\"headline\">{headline}</p>");
    out.push_str("<div class=\"cards\">");
    for (rank, b) in p.bands.iter().enumerate().rev() {
        let _ = write!(
            out,
            "<div class=\"card {}\"><div class=\"n\">{}</div><div>{} open</div></div>",
            sev_class(rank, bands),
            s.residual.get(b).copied().unwrap_or(0),
            esc(b)
        );
    }
    let _ = write!(
        out,
        "<div class=\"card neutral\"><div class=\"n\">{}</div><div>accepted</div></div>\
<div class=\"card neutral\"><div class=\"n\">{}</div><div>attack paths</div></div></div>",
        s.accepted, s.attack_paths
    );
    let top: Vec<&ReportFinding> = r.findings.iter().filter(|f| f.open).take(5).collect();
    if !top.is_empty() {
        out.push_str("<h3>What threatens it most</h3><ol class=\"top\">");
        for f in top {
            let impact = f.finding.impact.split(". ").next().unwrap_or("");
            let _ = write!(
                out,
                "<li>{} <a href=\"#f-{}\">{}</a> on <code>{}</code>: {}</li>",
                badge(
                    &f.risk.residual.score.severity,
                    f.risk.residual.score.severity_rank,
                    bands
                ),
                esc(&f.finding.id),
                esc(&f.finding.title),
                esc(&f.finding.target.id),
                esc(impact.trim_end_matches('.'))
            );
        }
        out.push_str("</ol>");
    }
    if !r.plan.is_empty() {
        out.push_str("<h3>What to do first</h3><ol class=\"first\">");
        for item in r.plan.iter().take(3) {
            let steps: Vec<String> = item
                .steps
                .iter()
                .map(|st| format!("{} ({})", esc(&st.name), esc(&name(st.owner))))
                .collect();
            let _ = write!(
                out,
                "<li>{} <a href=\"#f-{}\">{}</a>: {} → {}</li>",
                badge(&item.residual.severity, item.residual.severity_rank, bands),
                esc(&item.finding),
                esc(&item.title),
                steps.join("; "),
                badge(&item.expected.severity, item.expected.severity_rank, bands)
            );
        }
        out.push_str("</ol>");
    }
    out.push_str("<div class=\"heats\">");
    heatmap(
        &mut out,
        r,
        &s.heatmap_inherent,
        "Inherent risk (all findings)",
    );
    heatmap(
        &mut out,
        r,
        &s.heatmap_residual,
        "Residual risk (open findings)",
    );
    out.push_str("</div></section>\n");

    // Diagram.
    out.push_str("<section id=\"diagram\"><h2>Data-flow diagram</h2>");
    match diagram_svg {
        Some(svg) => {
            let svg = svg.trim_start();
            let svg = svg.strip_prefix("<?xml").map_or(svg, |rest| {
                rest.find("?>")
                    .map_or(rest, |i| &rest[i + 2..])
                    .trim_start()
            });
            let _ = write!(out, "<div class=\"diagram\">{svg}</div>");
        }
        None => out.push_str("<p class=\"note\">No diagram.</p>"),
    }
    out.push_str("</section>\n");

    // Findings table and details.
    let _ = write!(
        out,
        "<section id=\"findings\"><h2>Findings ({})</h2>",
        s.findings
    );
    if r.findings.is_empty() {
        out.push_str("<p>No threat applies under the rules that ran.</p>");
    } else {
        out.push_str("<div class=\"filters\"><input id=\"q\" type=\"search\" placeholder=\"Filter findings…\" aria-label=\"Filter findings\"><select id=\"sev\" aria-label=\"Severity\"><option value=\"\">all severities</option>");
        for b in p.bands.iter().rev() {
            let _ = write!(out, "<option>{}</option>", esc(b));
        }
        out.push_str("</select><select id=\"status\" aria-label=\"Status\"><option value=\"\">open and accepted</option><option>open</option><option>accepted</option></select></div>");
        out.push_str("<table id=\"findings-table\" class=\"sortable\"><thead><tr>\
<th data-type=\"num\">Residual</th><th data-type=\"num\">Inherent</th><th>Finding</th><th>Threat</th>\
<th>Category</th><th>Element</th><th>Status</th></tr></thead><tbody>");
        for f in &r.findings {
            let res = &f.risk.residual.score;
            let inh = &f.risk.inherent.score;
            let status = if f.open { "open" } else { "accepted" };
            let _ = write!(
                out,
                "<tr data-sev=\"{}\" data-status=\"{status}\">\
<td data-v=\"{}\">{}</td><td data-v=\"{}\">{}</td><td><a href=\"#f-{}\"><code>{}</code></a></td>\
<td>{}</td><td>{}</td><td><code>{}</code></td><td>{status}</td></tr>",
                esc(&res.severity),
                res.severity_rank * 100 + res.score as usize,
                badge(&res.severity, res.severity_rank, bands),
                inh.severity_rank * 100 + inh.score as usize,
                badge(&inh.severity, inh.severity_rank, bands),
                esc(&f.finding.id),
                esc(&f.finding.id),
                esc(&f.finding.title),
                esc(f.finding.category.as_str()),
                esc(&f.finding.target.id),
            );
        }
        out.push_str("</tbody></table><div class=\"details\">");
        for f in &r.findings {
            finding_detail(&mut out, f, r, plans.get(f.finding.id.as_str()).copied());
        }
        out.push_str("</div>");
    }
    out.push_str("</section>\n");

    // Attack paths.
    let _ = write!(
        out,
        "<section id=\"paths\"><h2>Attack paths ({})</h2>",
        r.attack_paths.len()
    );
    if r.attack_paths.is_empty() {
        out.push_str("<p>No attack path from an entry point to an impact was found.</p>");
    }
    for a in r.attack_paths {
        let _ = write!(
            out,
            "<div class=\"attack\"><div class=\"kind\">{}</div><p class=\"path\">{}</p><p>{}</p></div>",
            esc(&name(a.kind)),
            path_html(&a.steps),
            esc(&a.impact)
        );
    }
    out.push_str("</section>\n");

    // Plan.
    out.push_str("<section id=\"plan\"><h2>Mitigation plan</h2>");
    if r.plan.is_empty() {
        out.push_str("<p>No open threat has a mitigation left to add.</p>");
    } else {
        out.push_str("<table><thead><tr><th>#</th><th>Finding</th><th>Now</th><th>Steps</th><th>Owners</th><th>Expected</th></tr></thead><tbody>");
        for (i, item) in r.plan.iter().enumerate() {
            let steps: Vec<String> = item
                .steps
                .iter()
                .map(|st| {
                    format!(
                        "<code>{}</code> {}{}",
                        esc(&st.mitigation),
                        esc(&name(st.kind)),
                        if st.for_depth {
                            " <span class=\"tag\">depth</span>"
                        } else {
                            ""
                        }
                    )
                })
                .collect();
            let owners: Vec<String> = item.owners.iter().map(|o| esc(&name(*o))).collect();
            let _ = write!(
                out,
                "<tr><td>{}</td><td><a href=\"#f-{}\"><code>{}</code></a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                i + 1,
                esc(&item.finding),
                esc(&item.finding),
                badge(&item.residual.severity, item.residual.severity_rank, bands),
                steps.join("<br>"),
                owners.join(", "),
                badge(&item.expected.severity, item.expected.severity_rank, bands)
            );
        }
        out.push_str("</tbody></table>");
    }
    out.push_str("</section>\n");

    // Accepted risks.
    out.push_str("<section id=\"accepted\"><h2>Accepted risks</h2>");
    if r.acceptances.is_empty() {
        out.push_str("<p>No risk is accepted.</p>");
    } else {
        out.push_str("<table><thead><tr><th>Finding</th><th>Approver</th><th>Accepted</th><th>Review due</th><th>Expires</th><th>State</th><th>Justification</th></tr></thead><tbody>");
        for a in r.acceptances {
            let mut state = format!(
                "<span class=\"state {}\">{}</span>",
                esc(&name(a.state)),
                esc(&name(a.state))
            );
            if let Some(sug) = &a.suggestion {
                let _ = write!(state, " now <code>{}</code>?", esc(sug));
            }
            let _ = write!(
                out,
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{state}</td><td>{}</td></tr>",
                esc(&a.finding),
                esc(&a.approver),
                esc(&a.accepted_on),
                esc(a.review_due.as_deref().unwrap_or("—")),
                esc(a.expires.as_deref().unwrap_or("—")),
                esc(&a.justification)
            );
        }
        out.push_str("</tbody></table>");
    }
    out.push_str("</section>\n");

    // The model.
    out.push_str("<section id=\"model\"><h2>Components</h2><table><thead><tr><th>Component</th><th>Kind</th><th>Boundary</th><th>Exposure</th><th>Owner</th><th>Findings</th></tr></thead><tbody>");
    for c in &r.model.components {
        let _ = write!(
            out,
            "<tr><td>{} <code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(c.name),
            esc(c.id),
            esc(c.kind),
            esc(c.boundaries.first().map_or("—", String::as_str)),
            esc(c.exposure),
            esc(c.owner.unwrap_or("—")),
            c.findings
        );
    }
    out.push_str("</tbody></table>");
    if !r.model.data_assets.is_empty() {
        out.push_str("<h2>Data assets</h2><table><thead><tr><th>Data</th><th>Classification</th><th>Personal</th><th>Regulations</th><th>Origin</th></tr></thead><tbody>");
        for d in &r.model.data_assets {
            let _ = write!(
                out,
                "<tr><td>{} <code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(d.name),
                esc(d.id),
                esc(d.classification),
                if d.personal_data { "yes" } else { "no" },
                esc(&d.regulations.join(", ")),
                esc(d.origin.unwrap_or("—"))
            );
        }
        out.push_str("</tbody></table>");
    }
    if !r.model.controls.is_empty() {
        out.push_str("<h2>Controls</h2><table><thead><tr><th>Control</th><th>Status</th><th>Implements</th><th>Applies to</th><th>Owner</th></tr></thead><tbody>");
        for c in &r.model.controls {
            let _ = write!(
                out,
                "<tr><td>{} <code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(c.name),
                esc(c.id),
                esc(c.status),
                esc(&c.implements.join(", ")),
                esc(&c.applies_to.join(", ")),
                esc(c.owner.unwrap_or("—"))
            );
        }
        out.push_str("</tbody></table>");
    }
    out.push_str("</section></main>\n");
    let _ = write!(
        out,
        "<footer>Generated by palisade {} · report format {} · {}</footer>\n<script>{}</script></body></html>\n",
        esc(&r.tool.version),
        r.format_version,
        esc(&r.today),
        SCRIPT
    );
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64_matches_known_vectors() {
        assert_eq!(super::base64(b""), "");
        assert_eq!(super::base64(b"f"), "Zg==");
        assert_eq!(super::base64(b"fo"), "Zm8=");
        assert_eq!(super::base64(b"foo"), "Zm9v");
        assert_eq!(super::base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn escaping_covers_quotes() {
        assert_eq!(
            super::esc("<a href='x'>\"&"),
            "&lt;a href=&#39;x&#39;&gt;&quot;&amp;"
        );
    }
}
