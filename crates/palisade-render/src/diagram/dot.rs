//! The diagram as Graphviz DOT, for those who lay out with Graphviz: one `cluster_…` subgraph
//! per trust boundary, shapes and colours as in the SVG.

use super::graph::Diagram;
use super::style::{self, Family, kind_caption, trust_colors};
use std::fmt::Write;

const FONT: &str = "Helvetica,Arial,sans-serif";

/// Render the diagram as DOT.
pub fn render(d: &Diagram) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "digraph {} {{", quote(&d.title));
    let _ = writeln!(
        o,
        "  graph [rankdir=LR, newrank=true, fontname={f}, fontsize=12, nodesep=0.35, ranksep=0.55, labelloc=t, labeljust=l, label={}];",
        quote(&format!("{} — data-flow diagram", d.title)),
        f = quote(FONT)
    );
    let _ = writeln!(
        o,
        "  node [fontname={f}, fontsize=11, style=filled, penwidth=1.2];",
        f = quote(FONT)
    );
    let _ = writeln!(
        o,
        "  edge [fontname={f}, fontsize=9, color={c}, fontcolor=\"#334155\", arrowsize=0.7];",
        f = quote(FONT),
        c = quote(style::FLOW)
    );
    for c in d.roots() {
        write_cluster(&mut o, d, c, 1);
    }
    for n in d.loose_nodes() {
        write_node(&mut o, d, n, 1);
    }
    for e in &d.edges {
        let mut label = e.label.clone();
        if !e.detail.is_empty() {
            if !label.is_empty() {
                label.push('\n');
            }
            label.push_str(&e.detail);
        }
        let mut attrs = vec![format!("label={}", quote(&label))];
        if e.crossing {
            attrs.push(format!("color={}", quote(style::CROSSING)));
            attrs.push("penwidth=1.6".to_string());
        }
        attrs.push(format!("tooltip={}", quote(&e.tooltip)));
        let _ = writeln!(
            o,
            "  {} -> {} [{}];",
            quote(&d.nodes[e.from].id),
            quote(&d.nodes[e.to].id),
            attrs.join(", ")
        );
    }
    o.push_str("}\n");
    o
}

fn write_cluster(o: &mut String, d: &Diagram, c: usize, depth: usize) {
    let b = &d.clusters[c];
    let pad = "  ".repeat(depth);
    let (fill, stroke, title) = trust_colors(b.trust);
    let caption = b.caption();
    let _ = writeln!(o, "{pad}subgraph \"cluster_{c}\" {{");
    let _ = writeln!(
        o,
        "{pad}  graph [label={}, tooltip={}, style=\"dashed,rounded,filled\", color={}, fillcolor={}, fontcolor={}, fontsize=11];",
        quote(&format!("{}\n{caption}", b.name)),
        quote(&b.id),
        quote(stroke),
        quote(fill),
        quote(title)
    );
    for &child in &b.children {
        write_cluster(o, d, child, depth + 1);
    }
    for &n in &b.nodes {
        write_node(o, d, n, depth + 1);
    }
    let _ = writeln!(o, "{pad}}}");
}

fn write_node(o: &mut String, d: &Diagram, n: usize, depth: usize) {
    let node = &d.nodes[n];
    let (fill, stroke) = node.family.colors();
    let (shape, extra) = match node.family {
        Family::Actor => ("box", "style=\"rounded,filled\""),
        Family::Application => ("box", "style=\"rounded,filled\""),
        Family::Model => ("box", "style=\"rounded,filled\", penwidth=2"),
        Family::Store => ("cylinder", "style=filled"),
        Family::Tool => ("hexagon", "style=filled"),
        Family::Pipeline => ("parallelogram", "style=filled"),
        Family::Guard => ("octagon", "style=filled"),
        Family::Artifact => ("note", "style=filled"),
        Family::External => ("box", "style=\"rounded,dashed,filled\""),
    };
    let _ = writeln!(
        o,
        "{}{} [label={}, tooltip={}, shape={shape}, {extra}, fillcolor={}, color={}];",
        "  ".repeat(depth),
        quote(&node.id),
        quote(&format!("{}\n{}", node.name, kind_caption(node.kind))),
        quote(&format!("{} ({})", node.id, node.kind.as_str())),
        quote(fill),
        quote(stroke)
    );
}

/// A DOT double-quoted string. Backslashes are doubled so no escape sequence of ours or the
/// model's (`\l`, `\N`, …) is read in a label; line breaks become `\n`. Graphviz reads a
/// backslash right before the closing quote as escaping it, so a string ending in one gets a
/// space.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    if out.ends_with('\\') {
        out.push(' ');
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_escapes_quotes_backslashes_and_breaks() {
        assert_eq!(quote(r#"a "b" \N"#), r#""a \"b\" \\N""#);
        assert_eq!(quote("x\ny\u{7}"), r#""x\ny ""#);
        assert_eq!(quote("ends in \\"), r#""ends in \\ ""#);
    }
}
