//! The summary: a report that stays one screen long at any model size. It counts instead of
//! listing: open findings by category and band, the threats and elements with the most open
//! risk, the mitigation steps that address the most findings, acceptances, and the gate. Meant
//! for large estates and CI logs, where the full terminal report runs to thousands of lines.

use crate::data::{Report, name};
use crate::terminal::{Options, Paint, gate, header};
use crate::text::plural;
use std::collections::HashMap;
use std::fmt::Write;

/// How many rows the ranked lists show.
const TOP: usize = 10;

/// Open-finding counts per band rank (index = rank, 0 = the lowest band).
#[derive(Clone, Default)]
struct Counts(Vec<usize>);

impl Counts {
    fn add(&mut self, rank: usize, bands: usize) {
        if self.0.len() < bands {
            self.0.resize(bands, 0);
        }
        self.0[rank.min(bands - 1)] += 1;
    }
    fn total(&self) -> usize {
        self.0.iter().sum()
    }
    /// Highest band first: comparing these orders "more severe" before "more".
    fn key(&self) -> Vec<usize> {
        self.0.iter().rev().copied().collect()
    }
    fn worst(&self) -> Option<usize> {
        self.0.iter().rposition(|&n| n > 0)
    }
    /// `3 critical, 9 high`.
    fn words(&self, bands: &[String]) -> String {
        self.0
            .iter()
            .enumerate()
            .rev()
            .filter(|(_, n)| **n > 0)
            .map(|(i, n)| format!("{n} {}", bands[i]))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Cut `s` to `max` characters, marking the cut with an ellipsis.
fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Entries ordered most at risk first (most findings in the highest band, then the next), ties
/// by key.
fn ranked<'m, T>(map: &'m HashMap<&'m str, (Counts, T)>) -> Vec<(&'m str, &'m (Counts, T))> {
    let mut rows: Vec<(&str, &(Counts, T))> = map.iter().map(|(k, v)| (*k, v)).collect();
    rows.sort_by(|a, b| b.1.0.key().cmp(&a.1.0.key()).then(a.0.cmp(b.0)));
    rows
}

/// A section's title with how many of its rows are shown.
fn heading(p: &Paint, title: &str, rows: usize) -> String {
    format!(
        "\n{}\n",
        p.bold(&format!("{title} ({} of {rows})", rows.min(TOP)))
    )
}

/// Render the summary.
pub fn render(r: &Report, o: Options) -> String {
    let p = Paint(o.color);
    let w = o.width.max(40);
    let bands = &r.policy.bands;
    let n = bands.len().max(1);
    let mut out = header(r, o);

    let mut categories: HashMap<String, Counts> = HashMap::new();
    let mut threats: HashMap<&str, (Counts, &str)> = HashMap::new();
    let mut elements: HashMap<&str, (Counts, String)> = HashMap::new();
    for f in r.findings.iter().filter(|f| f.open) {
        let rank = f.risk.residual.score.severity_rank;
        categories
            .entry(name(f.finding.category))
            .or_default()
            .add(rank, n);
        threats
            .entry(&f.finding.code)
            .or_insert_with(|| (Counts::default(), &f.finding.title))
            .0
            .add(rank, n);
        let t = &f.finding.target;
        elements
            .entry(&t.id)
            .or_insert_with(|| {
                let kind = t.component_kind.map_or_else(|| name(t.kind), name);
                (Counts::default(), kind)
            })
            .0
            .add(rank, n);
    }
    if categories.is_empty() {
        out.push('\n');
        out.push_str(&tail(r, o, &p));
        return out;
    }

    // Open findings by category and band: a table, highest band first.
    let cw = categories.keys().map(|c| c.len()).max().unwrap_or(0).max(8);
    let col = bands.iter().map(|b| b.len()).max().unwrap_or(0).max(6) + 2;
    let _ = writeln!(out, "\n{}", p.bold("OPEN FINDINGS BY CATEGORY"));
    let mut line = format!("  {:<cw$} {:>6}", "category", "open");
    for b in bands.iter().rev() {
        let _ = write!(line, "{b:>col$}");
    }
    let _ = writeln!(out, "{}", p.dim(&line));
    let mut rows: Vec<(&String, &Counts)> = categories.iter().collect();
    rows.sort_by(|a, b| b.1.key().cmp(&a.1.key()).then(a.0.cmp(b.0)));
    let mut total = Counts(vec![0; n]);
    for (category, counts) in rows {
        let mut line = format!("  {category:<cw$} {:>6}", counts.total());
        for (rank, c) in counts.0.iter().enumerate().rev() {
            total.0[rank] += c;
            let cell = format!("{c:>col$}");
            let _ = write!(
                line,
                "{}",
                if *c > 0 { p.band(&cell, rank, n) } else { cell }
            );
        }
        let _ = writeln!(out, "{line}");
    }
    let mut line = format!("  {:<cw$} {:>6}", "total", total.total());
    for c in total.0.iter().rev() {
        let _ = write!(line, "{c:>col$}");
    }
    let _ = writeln!(out, "{}", p.bold(&line));

    // The threats with the most severe open findings.
    let rows = ranked(&threats);
    out.push_str(&heading(&p, "THREATS", rows.len()));
    let code_w = rows.iter().map(|r| r.0.len()).max().unwrap_or(0).max(4);
    let _ = writeln!(
        out,
        "{}",
        p.dim(&format!(
            "  {:<code_w$} {:>6} {:<col$} threat",
            "code", "open", "worst"
        ))
    );
    for (code, (counts, title)) in rows.iter().take(TOP) {
        let worst = counts.worst().unwrap_or(0);
        let count = format!("{:>6} {:<col$}", counts.total(), bands[worst]);
        let used = 2 + code_w + 1 + count.len() + 1;
        let _ = writeln!(
            out,
            "  {code:<code_w$} {} {}",
            p.band(&count, worst, n),
            clip(title, w.saturating_sub(used).max(10))
        );
    }

    // The elements most at risk: most findings in the highest band, then the next.
    let rows = ranked(&elements);
    out.push_str(&heading(&p, "ELEMENTS MOST AT RISK", rows.len()));
    for (id, (counts, kind)) in rows.iter().take(TOP) {
        let what = format!("{} ({kind})", clip(id, w / 2));
        let _ = writeln!(
            out,
            "  {what}: {} open ({})",
            counts.total(),
            counts.words(bands)
        );
    }

    // The plan's steps, by how many open findings they address.
    let mut steps: HashMap<&str, (usize, usize, String)> = HashMap::new();
    for item in r.plan {
        for s in &item.steps {
            let e = steps
                .entry(&s.mitigation)
                .or_insert_with(|| (0, 0, format!("{} ({})", s.name, name(s.owner))));
            e.0 += 1;
            if s.residual_after.severity_rank < item.residual.severity_rank {
                e.1 += 1;
            }
        }
    }
    if !steps.is_empty() {
        let mut rows: Vec<(&str, &(usize, usize, String))> =
            steps.iter().map(|(k, v)| (*k, v)).collect();
        rows.sort_by(|a, b| {
            (b.1.0, b.1.1)
                .cmp(&(a.1.0, a.1.1))
                .then_with(|| a.0.cmp(b.0))
        });
        out.push_str(&heading(
            &p,
            "STEPS THAT ADDRESS THE MOST FINDINGS",
            rows.len(),
        ));
        let _ = writeln!(
            out,
            "{}",
            p.dim("  findings  lowered  step (owner); lowered: brought a band down by it alone")
        );
        for (_, (count, lowers, label)) in rows.iter().take(TOP) {
            let _ = writeln!(
                out,
                "  {count:>8}  {lowers:>7}  {}",
                clip(label, w.saturating_sub(21).max(10))
            );
        }
    }
    out.push('\n');
    out.push_str(&tail(r, o, &p));
    out
}

/// Acceptances, then the gate's verdict or where to read more.
fn tail(r: &Report, o: Options, p: &Paint) -> String {
    let mut out = String::new();
    if !r.acceptances.is_empty() {
        use palisade_risk::assess::AcceptanceState as S;
        let states: Vec<(String, usize)> =
            [S::Active, S::DueSoon, S::Overdue, S::Expired, S::Orphaned]
                .into_iter()
                .map(|s| {
                    (
                        name(s),
                        r.acceptances.iter().filter(|a| a.state == s).count(),
                    )
                })
                .filter(|(_, c)| *c > 0)
                .collect();
        let words: Vec<String> = states.iter().map(|(s, c)| format!("{c} {s}")).collect();
        let _ = writeln!(
            out,
            "{}: {}\n",
            plural(r.acceptances.len(), "accepted risk"),
            words.join(", ")
        );
    }
    match &r.gate {
        Some(g) => out.push_str(&gate(g, o)),
        None => {
            let _ = writeln!(
                out,
                "{}",
                p.dim(&crate::text::wrap(
                    "`palisade analyze FILE` lists every finding; `--format html` writes the full report",
                    o.width.max(40),
                    0,
                    0
                ))
            );
        }
    }
    out
}
