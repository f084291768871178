//! The diagram as a standalone SVG document: laid out by [`super::layout`], no fonts or images
//! fetched, every model string escaped.

mod legend;
mod shape;

use super::graph::Diagram;
use super::layout::{self, Graph, Layout, Point, Rect, Size};
use super::style::{self, Family, kind_caption, trust_colors};
use super::text::{width, wrap};
use legend::Legend;
use shape::shape;
use std::fmt::Write;

const FONT: &str = "Inter, 'Segoe UI', 'Helvetica Neue', Helvetica, Arial, sans-serif";
const NAME_SIZE: f64 = 13.0;
const NAME_LINE: f64 = 16.0;
const NAME_MAX: f64 = 220.0;
const CAPTION_SIZE: f64 = 11.0;
const CAPTION_LINE: f64 = 14.0;
const NODE_PAD_X: f64 = 14.0;
const NODE_PAD_Y: f64 = 10.0;
const NODE_MIN_W: f64 = 116.0;
const LABEL_SIZE: f64 = 11.5;
const DETAIL_SIZE: f64 = 10.0;
const TITLE_SIZE: f64 = 12.5;
const TEXT: &str = "#0f172a";
const MUTED: &str = "#64748b";
/// Height of the system name and summary above the diagram.
const BANNER: f64 = 56.0;

/// Render the diagram as SVG.
pub fn render(d: &Diagram) -> String {
    let nodes: Vec<NodeText> = d.nodes.iter().map(NodeText::new).collect();
    let labels: Vec<Option<LabelText>> = d.edges.iter().map(LabelText::new).collect();
    let lay = layout::layout(&graph(d, &nodes, &labels));
    write_svg(d, &nodes, &labels, &lay)
}

/// The layout the SVG uses, in the coordinates of the diagram area (below the title).
pub fn layout(d: &Diagram) -> Layout {
    let nodes: Vec<NodeText> = d.nodes.iter().map(NodeText::new).collect();
    let labels: Vec<Option<LabelText>> = d.edges.iter().map(LabelText::new).collect();
    layout::layout(&graph(d, &nodes, &labels))
}

fn graph(d: &Diagram, nodes: &[NodeText], labels: &[Option<LabelText>]) -> Graph {
    Graph {
        nodes: d
            .nodes
            .iter()
            .zip(nodes)
            .map(|(n, t)| layout::NodeSpec {
                size: t.size,
                cluster: n.cluster,
                first: n.family == Family::Actor,
            })
            .collect(),
        clusters: d
            .clusters
            .iter()
            .map(|c| layout::ClusterSpec {
                parent: c.parent,
                header: cluster_header(&c.name, &c.caption()),
            })
            .collect(),
        edges: d
            .edges
            .iter()
            .zip(labels)
            .map(|(e, l)| layout::EdgeSpec {
                from: e.from,
                to: e.to,
                label: l.as_ref().map(|l| l.size),
            })
            .collect(),
    }
}

/// The lines of a component's box and the box's size.
struct NodeText {
    lines: Vec<String>,
    caption: String,
    size: Size,
}

impl NodeText {
    fn new(n: &super::graph::Node) -> NodeText {
        let lines = wrap(&n.name, NAME_MAX, NAME_SIZE, true, 4);
        let caption = kind_caption(n.kind);
        let text_w = lines
            .iter()
            .map(|l| width(l, NAME_SIZE, true))
            .chain(std::iter::once(width(&caption, CAPTION_SIZE, false)))
            .fold(0.0, f64::max);
        let (extra_w, extra_h) = match n.family {
            Family::Tool => (20.0, 0.0),
            Family::Pipeline => (18.0, 0.0),
            Family::Guard => (10.0, 0.0),
            Family::Store => (0.0, 10.0),
            Family::Actor => (16.0, 0.0),
            Family::Artifact => (8.0, 0.0),
            _ => (0.0, 0.0),
        };
        let w = (text_w + 2.0 * NODE_PAD_X + extra_w).max(NODE_MIN_W).ceil();
        let h = (lines.len() as f64 * NAME_LINE + CAPTION_LINE + 2.0 * NODE_PAD_Y + extra_h).ceil();
        NodeText {
            lines,
            caption,
            size: Size { w, h },
        }
    }
}

/// A flow's label lines and their box.
struct LabelText {
    label: String,
    detail: String,
    size: Size,
}

impl LabelText {
    fn new(e: &super::graph::Edge) -> Option<LabelText> {
        if e.label.is_empty() && e.detail.is_empty() {
            return None;
        }
        let w = width(&e.label, LABEL_SIZE, false).max(width(&e.detail, DETAIL_SIZE, false));
        let lines = usize::from(!e.label.is_empty()) + usize::from(!e.detail.is_empty());
        Some(LabelText {
            label: e.label.clone(),
            detail: e.detail.clone(),
            size: Size {
                w: (w + 12.0).ceil(),
                h: (lines as f64 * 13.5 + 6.0).ceil(),
            },
        })
    }
}

fn cluster_header(name: &str, caption: &str) -> Size {
    let w = width(name, TITLE_SIZE, true).max(width(caption, CAPTION_SIZE, false));
    Size {
        w: (w + 24.0).ceil(),
        h: 36.0,
    }
}

/// XML text and attribute escaping.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Only tab and newline among control characters, and nothing XML 1.0 forbids.
            '\n' | '\t' => out.push(c),
            c if c.is_control() || matches!(c, '\u{FFFE}' | '\u{FFFF}') => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A number for SVG: one decimal, no `-0.0`.
fn f(x: f64) -> String {
    let s = format!("{x:.1}");
    let s = if s == "-0.0" { "0.0".to_string() } else { s };
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}

fn write_svg(
    d: &Diagram,
    nodes: &[NodeText],
    labels: &[Option<LabelText>],
    lay: &Layout,
) -> String {
    let mut o = String::with_capacity(4096 + 1200 * (d.nodes.len() + d.edges.len()));
    let legend = Legend::new(d);
    let subtitle = format!(
        "Data-flow diagram · {} · {} · {}",
        count(d.nodes.len(), "component"),
        count(d.edges.len(), "flow"),
        count(d.clusters.len(), "trust boundary"),
    );
    let title_w = width(&d.title, 17.0, true).max(width(&subtitle, 12.0, false)) + 32.0;
    let w = lay.width.max(legend.min_width()).max(title_w).ceil();
    let legend_h = legend.height(w);
    let h = (BANNER + lay.height + legend_h).ceil();
    let _ = writeln!(
        o,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" aria-labelledby="diagram-title" font-family="{FONT}" font-size="13">"#,
        w = f(w),
        h = f(h)
    );
    let _ = writeln!(
        o,
        r#"<title id="diagram-title">{} — data-flow diagram</title>"#,
        esc(&d.title)
    );
    let _ = writeln!(
        o,
        r##"<defs>
<marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" markerUnits="userSpaceOnUse" orient="auto"><path d="M0,1 L10,5 L0,9 z" fill="{flow}"/></marker>
<marker id="arrow-crossing" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" markerUnits="userSpaceOnUse" orient="auto"><path d="M0,1 L10,5 L0,9 z" fill="{cross}"/></marker>
<filter id="shadow" x="-10%" y="-10%" width="120%" height="140%"><feDropShadow dx="0" dy="1" stdDeviation="1.2" flood-color="#0f172a" flood-opacity="0.14"/></filter>
</defs>
<rect width="100%" height="100%" fill="#ffffff"/>"##,
        flow = style::FLOW,
        cross = style::CROSSING
    );
    let _ = writeln!(
        o,
        r#"<text x="16" y="28" font-size="17" font-weight="700" fill="{TEXT}">{}</text>
<text x="16" y="46" font-size="12" fill="{MUTED}">{}</text>"#,
        esc(&d.title),
        esc(&subtitle)
    );
    let _ = writeln!(o, r#"<g transform="translate(0,{})">"#, f(BANNER));
    write_boundaries(&mut o, d, lay);
    write_flows(&mut o, d, labels, lay);
    for (i, n) in d.nodes.iter().enumerate() {
        write_node(&mut o, n, &nodes[i], lay.nodes[i]);
    }
    o.push_str("</g>\n");
    legend.write(&mut o, BANNER + lay.height, w);
    o.push_str("</svg>\n");
    o
}

fn count(n: usize, what: &str) -> String {
    match (n, what) {
        (1, _) => format!("1 {what}"),
        (_, "trust boundary") => format!("{n} trust boundaries"),
        _ => format!("{n} {what}s"),
    }
}

fn write_boundaries(o: &mut String, d: &Diagram, lay: &Layout) {
    // Outer boxes first, so inner ones are drawn on top.
    let depth = |mut c: usize| {
        let mut k = 0;
        while let Some(p) = d.clusters[c].parent {
            c = p;
            k += 1;
            if k > d.clusters.len() {
                break;
            }
        }
        k
    };
    let mut order: Vec<usize> = (0..d.clusters.len()).collect();
    order.sort_by_key(|&c| (depth(c), c));
    for c in order {
        let b = &d.clusters[c];
        let r = lay.clusters[c];
        let (fill, stroke, title) = trust_colors(b.trust);
        let caption = b.caption();
        let _ = writeln!(
            o,
            r#"<g class="boundary" data-id="{id}"><title>{name} (trust boundary {id}: {caption})</title>
<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="10" fill="{fill}" fill-opacity="0.6" stroke="{stroke}" stroke-width="1.3" stroke-dasharray="7 4"/>
<text x="{tx}" y="{ty}" font-size="{TITLE_SIZE}" font-weight="700" fill="{title}">{name}</text>
<text x="{tx}" y="{cy}" font-size="{CAPTION_SIZE}" fill="{title}" fill-opacity="0.8">{caption}</text></g>"#,
            id = esc(&b.id),
            name = esc(&b.name),
            caption = esc(&caption),
            x = f(r.x),
            y = f(r.y),
            w = f(r.w),
            h = f(r.h),
            tx = f(r.x + 12.0),
            ty = f(r.y + 18.0),
            cy = f(r.y + 31.0),
        );
    }
}

/// A smooth path through the points: horizontal tangents at every point.
fn path(points: &[Point]) -> String {
    let mut s = String::new();
    for (i, p) in points.iter().enumerate() {
        if i == 0 {
            let _ = write!(s, "M{},{}", f(p.x), f(p.y));
            continue;
        }
        let q = points[i - 1];
        if (p.y - q.y).abs() < 0.05 {
            let _ = write!(s, " L{},{}", f(p.x), f(p.y));
        } else {
            let dx = (p.x - q.x) / 2.0;
            let _ = write!(
                s,
                " C{},{} {},{} {},{}",
                f(q.x + dx),
                f(q.y),
                f(p.x - dx),
                f(p.y),
                f(p.x),
                f(p.y)
            );
        }
    }
    s
}

fn loop_path(points: &[Point]) -> String {
    let (a, tip, b) = (points[0], points[1], points[2]);
    let reach = (tip.x - a.x).max(12.0);
    format!(
        "M{},{} C{},{} {},{} {},{} C{},{} {},{} {},{}",
        f(a.x),
        f(a.y),
        f(a.x + reach * 0.6),
        f(a.y - 10.0),
        f(tip.x),
        f(tip.y - 14.0),
        f(tip.x),
        f(tip.y),
        f(tip.x),
        f(tip.y + 14.0),
        f(b.x + reach * 0.6),
        f(b.y + 10.0),
        f(b.x),
        f(b.y)
    )
}

fn write_flows(o: &mut String, d: &Diagram, labels: &[Option<LabelText>], lay: &Layout) {
    for (i, e) in d.edges.iter().enumerate() {
        let route = &lay.edges[i];
        if route.points.len() < 2 {
            continue;
        }
        let (color, marker, width) = if e.crossing {
            (style::CROSSING, "arrow-crossing", "1.7")
        } else {
            (style::FLOW, "arrow", "1.3")
        };
        let d_attr = if route.self_loop {
            loop_path(&route.points)
        } else {
            path(&route.points)
        };
        let _ = writeln!(
            o,
            r#"<g class="flow{cross}" data-id="{id}"><title>{tip}</title><path d="{d_attr}" fill="none" stroke="{color}" stroke-width="{width}" marker-end="url(#{marker})"/></g>"#,
            cross = if e.crossing { " crossing" } else { "" },
            id = esc(&e.id),
            tip = esc(&e.tooltip),
        );
    }
    // Labels after every line, so no line runs over a label.
    for (i, e) in d.edges.iter().enumerate() {
        let (Some(t), Some(r)) = (&labels[i], lay.edges[i].label) else {
            continue;
        };
        write_label(o, e, t, r);
    }
}

fn write_label(o: &mut String, e: &super::graph::Edge, t: &LabelText, r: Rect) {
    let stroke = if e.crossing { "#fdba74" } else { "#cbd5e1" };
    let _ = write!(
        o,
        r##"<g class="flow-label" data-id="{id}"><title>{tip}</title><rect x="{x}" y="{y}" width="{w}" height="{h}" rx="4" fill="#ffffff" fill-opacity="0.94" stroke="{stroke}" stroke-width="0.8"/>"##,
        id = esc(&e.id),
        tip = esc(&e.tooltip),
        x = f(r.x),
        y = f(r.y),
        w = f(r.w),
        h = f(r.h),
    );
    let cx = f(r.center().x);
    let mut base = r.y + 3.0 + 10.5;
    if !t.label.is_empty() {
        let _ = write!(
            o,
            r##"<text x="{cx}" y="{y}" text-anchor="middle" font-size="{LABEL_SIZE}" fill="#334155">{}</text>"##,
            esc(&t.label),
            y = f(base)
        );
        base += 13.5;
    }
    if !t.detail.is_empty() {
        let _ = write!(
            o,
            r#"<text x="{cx}" y="{y}" text-anchor="middle" font-size="{DETAIL_SIZE}" fill="{MUTED}">{}</text>"#,
            esc(&t.detail),
            y = f(base - 1.0)
        );
    }
    o.push_str("</g>\n");
}

fn write_node(o: &mut String, n: &super::graph::Node, t: &NodeText, r: Rect) {
    let (fill, stroke) = n.family.colors();
    let _ = write!(
        o,
        r#"<g class="node {slug}" data-id="{id}" data-kind="{kind}"><title>{name} ({kind} {id})</title><g filter="url(#shadow)">{shape}</g>"#,
        slug = n.family.slug(),
        id = esc(&n.id),
        kind = n.kind.as_str(),
        name = esc(&n.name),
        shape = shape(n.family, r, fill, stroke),
    );
    let lines = t.lines.len() as f64;
    let block = lines * NAME_LINE + CAPTION_LINE;
    let shift = if n.family == Family::Store { 4.0 } else { 0.0 };
    let top = r.center().y - block / 2.0 + shift;
    let cx = f(r.center().x);
    let _ = write!(
        o,
        r#"<text x="{cx}" y="{y}" text-anchor="middle" font-size="{NAME_SIZE}" font-weight="600" fill="{TEXT}">"#,
        y = f(top + 12.0)
    );
    for (i, l) in t.lines.iter().enumerate() {
        if i == 0 {
            let _ = write!(o, "<tspan x=\"{cx}\">{}</tspan>", esc(l));
        } else {
            let _ = write!(o, "<tspan x=\"{cx}\" dy=\"{NAME_LINE}\">{}</tspan>", esc(l));
        }
    }
    o.push_str("</text>");
    let _ = writeln!(
        o,
        r#"<text x="{cx}" y="{y}" text-anchor="middle" font-size="{CAPTION_SIZE}" fill="{stroke}">{}</text></g>"#,
        esc(&t.caption),
        y = f(top + lines * NAME_LINE + 11.0)
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_leaves_no_markup() {
        assert_eq!(
            esc("<script>\"a\" & 'b' ]]>\u{1}"),
            "&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39; ]]&gt; "
        );
    }

    #[test]
    fn numbers_are_short_and_never_negative_zero() {
        assert_eq!(f(-0.01), "0");
        assert_eq!(f(12.0), "12");
        assert_eq!(f(12.26), "12.3");
    }
}
