//! The terminal report: grouped by residual severity, wrapped to the terminal's width (80 by
//! default), coloured only when asked (the CLI honours NO_COLOR and non-TTY output).

use crate::data::{Report, ReportFinding, name};
use crate::text::{plural, wrap};
use palisade_risk::plan::Item;
use std::fmt::Write;

/// How to render.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub color: bool,
    pub width: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            color: false,
            width: 80,
        }
    }
}

pub(crate) struct Paint(pub(crate) bool);

impl Paint {
    pub(crate) fn code(&self, code: &str, s: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    pub(crate) fn bold(&self, s: &str) -> String {
        self.code("1", s)
    }
    pub(crate) fn dim(&self, s: &str) -> String {
        self.code("2", s)
    }
    /// Colour by band rank: the top band bold red, then red, yellow, green.
    pub(crate) fn band(&self, s: &str, rank: usize, bands: usize) -> String {
        self.code(
            ["1;31", "31", "33", "32"][crate::text::tier(rank, bands)],
            s,
        )
    }
}

fn finding_block(
    out: &mut String,
    f: &ReportFinding,
    r: &Report,
    plan: Option<&Item>,
    o: Options,
    p: &Paint,
) {
    let w = o.width.max(40);
    let fi = &f.finding;
    let _ = writeln!(
        out,
        "  {}  {}",
        p.bold(&fi.id),
        wrap(&fi.title, w, 4, fi.id.len() + 4)
    );
    let place = fi
        .location
        .as_ref()
        .map(|l| format!(" · {}:{}:{}", l.file, l.line, l.column))
        .unwrap_or_default();
    let kind = fi.target.component_kind.map_or("flow", |k| k.as_str());
    let _ = writeln!(
        out,
        "    {}",
        p.dim(&wrap(
            &format!(
                "{} · {kind} `{}`{place}",
                fi.category.as_str(),
                fi.target.id
            ),
            w,
            4,
            4
        ))
    );
    let risk = &f.risk;
    let bands = r.policy.bands.len();
    let effective = risk.controls.iter().filter(|c| c.effective).count();
    let inh = &risk.inherent.score;
    let res = &risk.residual.score;
    let mut line = format!(
        "risk {} ({} × {})",
        p.band(&inh.severity, inh.severity_rank, bands),
        inh.likelihood_level,
        inh.impact_level
    );
    if effective > 0 {
        let _ = write!(
            line,
            " → {} after {}",
            p.band(&res.severity, res.severity_rank, bands),
            plural(effective, "control")
        );
    } else {
        line.push_str(", no control in place");
    }
    let _ = writeln!(out, "    {}", wrap_painted(&line, w, 6, 4));
    let _ = writeln!(out, "    why: {}", wrap(&fi.rationale, w, 9, 9));
    if let Some(a) = &f.acceptance {
        let due = a
            .review_due
            .as_deref()
            .or(a.expires.as_deref())
            .unwrap_or("?");
        let text = format!(
            "accepted by {} on {}, review {due} ({})",
            a.approver,
            a.accepted_on,
            name(a.state)
        );
        let _ = writeln!(out, "    {}", wrap(&text, w, 6, 4));
    }
    for d in &risk.depth {
        let _ = writeln!(out, "    ! {}", wrap(d.message(), w, 6, 6));
    }
    if let Some(item) = plan {
        let steps: Vec<String> = item
            .steps
            .iter()
            .map(|s| format!("{} ({})", s.mitigation, name(s.owner)))
            .collect();
        let text = format!("{} → {}", steps.join(", "), item.expected.severity);
        let _ = writeln!(out, "    next: {}", wrap(&text, w, 10, 10));
    }
}

/// Wrap a line that may hold colour codes: measure it without them.
fn wrap_painted(line: &str, width: usize, indent: usize, first: usize) -> String {
    let plain = strip(line);
    if plain.chars().count() + first <= width {
        return line.to_string();
    }
    // Rare (narrow terminals): give up the colours rather than the width.
    wrap(&plain, width, indent, first)
}

fn strip(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for d in chars.by_ref() {
                if d == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The gate's verdict names this many findings; the report lists them all.
const GATE_IDS: usize = 10;

/// The gate's verdict in words (also printed on its own by `analyze` when the report goes to a
/// file).
pub fn gate(g: &palisade_risk::assess::GateResult, o: Options) -> String {
    let p = Paint(o.color);
    let w = o.width.max(40);
    let mut out = String::new();
    if g.passed() {
        let _ = writeln!(
            out,
            "gate passed: no open finding at or above `{}`, no lapsed acceptance",
            g.threshold
        );
        return out;
    }
    let _ = writeln!(out, "{}", p.code("1;31", "gate failed"));
    for (ids, what, why) in [
        (
            &g.failing,
            "finding",
            format!("open at or above `{}`", g.threshold),
        ),
        (&g.lapsed, "acceptance", "past review or expiry".to_string()),
    ] {
        if !ids.is_empty() {
            let mut shown = ids[..ids.len().min(GATE_IDS)].join(", ");
            if ids.len() > GATE_IDS {
                let _ = write!(shown, " and {} more", ids.len() - GATE_IDS);
            }
            let text = format!("{} {why}: {shown}", plural(ids.len(), what));
            let _ = writeln!(out, "  {}", wrap(&text, w, 4, 2));
        }
    }
    out
}

/// The report's first lines: the system, its size, and the findings by residual band.
pub(crate) fn header(r: &Report, o: Options) -> String {
    let p = Paint(o.color);
    let w = o.width.max(40);
    let s = &r.summary;
    let mut out = String::new();
    let head = format!(
        "{} — {}, {}, {}",
        r.system.name,
        plural(s.components, "component"),
        plural(s.flows, "flow"),
        plural(s.boundaries, "boundary").replace("boundarys", "boundaries")
    );
    let head = wrap(&head, w, 2, 0);
    let _ = writeln!(
        out,
        "{}",
        head.replacen(&r.system.name, &p.bold(&r.system.name), 1)
    );
    let mut facts = vec![format!("criticality {}", r.system.criticality)];
    if let Some(e) = &r.system.environment {
        facts.push(e.clone());
    }
    if let Some(o) = &r.system.owner {
        facts.push(format!("owner {o}"));
    }
    let _ = writeln!(out, "{}", p.dim(&wrap(&facts.join(" · "), w, 0, 0)));
    let bands = r.policy.bands.len();
    let counts: Vec<(usize, String)> = r
        .policy
        .bands
        .iter()
        .enumerate()
        .rev()
        .filter_map(|(i, b)| {
            let n = s.residual.get(b).copied().unwrap_or(0);
            (n > 0).then(|| (i, format!("{n} {b}")))
        })
        .collect();
    let by_band_plain: Vec<String> = counts.iter().map(|(_, t)| t.clone()).collect();
    let by_band: Vec<String> = counts.iter().map(|(i, t)| p.band(t, *i, bands)).collect();
    // Wrapped without colour codes (they have no width), then painted band by band.
    let plain = format!(
        "{}: {} open{}, {} accepted · {}",
        plural(s.findings, "finding"),
        s.open,
        if by_band_plain.is_empty() {
            String::new()
        } else {
            format!(" ({})", by_band_plain.join(", "))
        },
        s.accepted,
        plural(s.attack_paths, "attack path")
    );
    let mut line = wrap(&plain, w, 2, 0);
    for (plain, painted) in by_band_plain.iter().zip(&by_band) {
        line = line.replacen(plain.as_str(), painted, 1);
    }
    let _ = writeln!(out, "{line}");
    out
}

/// Render the terminal report.
pub fn render(r: &Report, o: Options) -> String {
    let p = Paint(o.color);
    let w = o.width.max(40);
    let plans = r.plan_by_finding();
    let s = &r.summary;
    let bands = r.policy.bands.len();
    let mut out = header(r, o);
    out.push('\n');
    for (rank, band) in r.policy.bands.iter().enumerate().rev() {
        let list: Vec<&ReportFinding> = r
            .findings
            .iter()
            .filter(|f| f.open && f.risk.residual.score.severity_rank == rank)
            .collect();
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "{} ({} open)",
            p.band(&band.to_uppercase(), rank, bands),
            list.len()
        );
        for f in list {
            finding_block(
                &mut out,
                f,
                r,
                plans.get(f.finding.id.as_str()).copied(),
                o,
                &p,
            );
        }
        out.push('\n');
    }
    let accepted: Vec<&ReportFinding> = r.findings.iter().filter(|f| !f.open).collect();
    if !accepted.is_empty() {
        let _ = writeln!(out, "{} ({})", p.bold("ACCEPTED"), accepted.len());
        for f in accepted {
            finding_block(
                &mut out,
                f,
                r,
                plans.get(f.finding.id.as_str()).copied(),
                o,
                &p,
            );
        }
        out.push('\n');
    }
    if !r.attack_paths.is_empty() {
        let _ = writeln!(out, "{} ({})", p.bold("ATTACK PATHS"), r.attack_paths.len());
        for a in r.attack_paths {
            let kind = name(a.kind);
            let _ = writeln!(
                out,
                "  {}: {}",
                kind,
                wrap(&a.steps.join(" → "), w, 4, kind.len() + 4)
            );
            let _ = writeln!(out, "    {}", p.dim(&wrap(&a.impact, w, 4, 4)));
        }
        out.push('\n');
    }
    let attention: Vec<_> = r
        .acceptances
        .iter()
        .filter(|a| a.state != palisade_risk::assess::AcceptanceState::Active)
        .collect();
    if !attention.is_empty() {
        let _ = writeln!(out, "{}", p.bold("ACCEPTANCES NEEDING ATTENTION"));
        for a in attention {
            let mut line = format!("{} — {}", a.finding, name(a.state));
            if let Some(s) = &a.suggestion {
                let _ = write!(line, "; the finding is probably `{s}` now");
            }
            let _ = writeln!(out, "  {}", wrap(&line, w, 4, 2));
        }
        out.push('\n');
    }
    if let Some(g) = &r.gate {
        out.push_str(&gate(g, o));
    } else if s.findings == 0 {
        let _ = writeln!(out, "no threat applies under the rules that ran");
    } else {
        let _ = writeln!(
            out,
            "{}",
            p.dim(&wrap(
                "`palisade explain ID FILE` shows how a finding was scored; `palisade plan FILE` what to do first",
                w,
                0,
                0
            ))
        );
    }
    out
}
