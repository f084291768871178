//! The diagram as a Mermaid `flowchart`, for Markdown that renders Mermaid (GitHub, GitLab).
//!
//! Mermaid ids allow fewer characters than model ids and some words are reserved (`end`), so
//! components become `n_…` and boundaries `b_…`, other characters `_`, with a number appended
//! when two ids would meet. Every label is quoted, with Mermaid's `#code;` entities for the
//! characters that could end or change it.

use super::graph::Diagram;
use super::style::{Family, trust_colors};
use std::collections::BTreeSet;
use std::fmt::Write;

/// Render the diagram as Mermaid.
pub fn render(d: &Diagram) -> String {
    let ids = Ids::new(d);
    let mut o = String::new();
    // Mermaid reads `%%{…}%%` directives anywhere, comments included: the title is escaped too.
    let _ = writeln!(o, "%% {}: data-flow diagram (palisade)", text(&d.title));
    o.push_str("flowchart LR\n");
    for c in d.roots() {
        write_cluster(&mut o, d, &ids, c, 1);
    }
    for n in d.loose_nodes() {
        write_node(&mut o, d, &ids, n, 1);
    }
    let mut crossing = Vec::new();
    for (i, e) in d.edges.iter().enumerate() {
        let arrow = if e.crossing { "==>" } else { "-->" };
        if e.crossing {
            crossing.push(i.to_string());
        }
        let mut label = text(&e.label);
        if !e.detail.is_empty() {
            if !label.is_empty() {
                label.push_str("<br/>");
            }
            label.push_str(&text(&e.detail));
        }
        let label = if label.is_empty() {
            String::new()
        } else {
            format!("|\"{label}\"|")
        };
        let _ = writeln!(
            o,
            "  {} {arrow}{label} {}",
            ids.nodes[e.from], ids.nodes[e.to]
        );
    }
    for fam in Family::ALL {
        let members: Vec<&str> = d
            .nodes
            .iter()
            .zip(&ids.nodes)
            .filter(|(n, _)| n.family == fam)
            .map(|(_, id)| id.as_str())
            .collect();
        if members.is_empty() {
            continue;
        }
        let (fill, stroke) = fam.colors();
        let dash = if fam == Family::External {
            ",stroke-dasharray: 4 3"
        } else {
            ""
        };
        let _ = writeln!(
            o,
            "  classDef {} fill:{fill},stroke:{stroke},color:#0f172a{dash}",
            fam.slug()
        );
        let _ = writeln!(o, "  class {} {}", members.join(","), fam.slug());
    }
    for (c, b) in d.clusters.iter().enumerate() {
        let (fill, stroke, title) = trust_colors(b.trust);
        let _ = writeln!(
            o,
            "  style {} fill:{fill},stroke:{stroke},color:{title},stroke-dasharray: 6 4",
            ids.clusters[c]
        );
    }
    if !crossing.is_empty() {
        let _ = writeln!(
            o,
            "  linkStyle {} stroke:{},stroke-width:2px",
            crossing.join(","),
            super::style::CROSSING
        );
    }
    o
}

fn write_cluster(o: &mut String, d: &Diagram, ids: &Ids, c: usize, depth: usize) {
    let b = &d.clusters[c];
    let pad = "  ".repeat(depth);
    let title = match b.trust {
        Some(t) => format!("{} · {}", b.name, t.as_str()),
        None => b.name.clone(),
    };
    let _ = writeln!(o, "{pad}subgraph {}[\"{}\"]", ids.clusters[c], text(&title));
    for &child in &b.children {
        write_cluster(o, d, ids, child, depth + 1);
    }
    for &n in &b.nodes {
        write_node(o, d, ids, n, depth + 1);
    }
    let _ = writeln!(o, "{pad}end");
}

fn write_node(o: &mut String, d: &Diagram, ids: &Ids, n: usize, depth: usize) {
    let node = &d.nodes[n];
    let (open, close) = match node.family {
        Family::Actor => ("([", "])"),
        Family::Application => ("[", "]"),
        Family::Model => ("(", ")"),
        Family::Store => ("[(", ")]"),
        Family::Tool => ("{{", "}}"),
        Family::Pipeline => ("[/", "/]"),
        Family::Guard => ("[[", "]]"),
        Family::Artifact => (">", "]"),
        Family::External => ("[/", "\\]"),
    };
    let _ = writeln!(
        o,
        "{}{}{open}\"{}\"{close}",
        "  ".repeat(depth),
        ids.nodes[n],
        text(&node.name)
    );
}

/// Mermaid-safe identifiers, one per component and per boundary, distinct from each other.
pub struct Ids {
    /// The id of each component, in model order.
    pub nodes: Vec<String>,
    /// The id of each boundary's subgraph, in model order.
    pub clusters: Vec<String>,
}

impl Ids {
    /// The ids the Mermaid output uses.
    pub fn new(d: &Diagram) -> Ids {
        let mut used = BTreeSet::new();
        let nodes = d
            .nodes
            .iter()
            .map(|n| unique(&mut used, &format!("n_{}", ident(&n.id))))
            .collect();
        let clusters = d
            .clusters
            .iter()
            .map(|c| unique(&mut used, &format!("b_{}", ident(&c.id))))
            .collect();
        Ids { nodes, clusters }
    }
}

fn ident(id: &str) -> String {
    id.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

/// `base`, or `base_2`, `base_3`, … whichever is free first.
fn unique(used: &mut BTreeSet<String>, base: &str) -> String {
    let mut candidate = base.to_string();
    let mut k = 2;
    while used.contains(&candidate) {
        candidate = format!("{base}_{k}");
        k += 1;
    }
    used.insert(candidate.clone());
    candidate
}

/// Text for inside a quoted Mermaid label: characters that could end the string, start an
/// entity, or be read as HTML or Markdown become `#code;` entities.
pub fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' | '#' | '&' | '<' | '>' | '|' | '`' | ';' | '%' | '\\' | '{' | '}' | '[' | ']' => {
                let _ = write!(out, "#{};", c as u32);
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_cannot_break_out_of_their_quotes() {
        assert_eq!(
            text(r#"a "b" <c> & d|e #1;"#),
            "a #34;b#34; #60;c#62; #38; d#124;e #35;1#59;"
        );
        assert_eq!(text("E-mail (v2), ok: yes/no"), "E-mail (v2), ok: yes/no");
    }

    #[test]
    fn ids_are_safe_and_distinct() {
        let mut used = BTreeSet::new();
        assert_eq!(unique(&mut used, &format!("n_{}", ident("a-b"))), "n_a_b");
        assert_eq!(unique(&mut used, &format!("n_{}", ident("a.b"))), "n_a_b_2");
        assert_eq!(unique(&mut used, &format!("n_{}", ident("a_b"))), "n_a_b_3");
        assert_eq!(ident("end"), "end");
        assert_eq!(unique(&mut used, &format!("n_{}", ident("end"))), "n_end");
    }
}
