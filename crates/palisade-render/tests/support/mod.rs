//! Shared helpers: the example models and the geometric checks every layout must pass.
#![allow(dead_code)]

use palisade_model::Model;
use palisade_render::diagram::Diagram;
use palisade_render::diagram::layout::{Layout, Rect};
use std::path::{Path, PathBuf};

pub fn examples() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("examples/ exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    v.sort();
    v
}

pub fn load(path: &Path) -> Model {
    let text = std::fs::read_to_string(path).expect("readable");
    model(&text)
}

pub fn model(text: &str) -> Model {
    let loaded = palisade_model::load_str("model.yaml", text);
    match loaded.model {
        Some(m) => m,
        None => panic!("invalid model: {:#?}", loaded.diagnostics),
    }
}

/// The boundaries around a component, innermost first.
fn chain(d: &Diagram, node: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut cur = d.nodes[node].cluster;
    while let Some(c) = cur {
        out.push(c);
        cur = d.clusters[c].parent;
    }
    out
}

fn ancestors(d: &Diagram, cluster: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut cur = d.clusters[cluster].parent;
    while let Some(c) = cur {
        out.push(c);
        cur = d.clusters[c].parent;
    }
    out
}

/// Every problem with a layout: overlapping nodes or labels, nodes outside their boundaries or
/// inside others, boxes of unrelated boundaries that overlap.
pub fn problems(d: &Diagram, lay: &Layout) -> Vec<String> {
    let mut out = Vec::new();
    let n = d.nodes.len();
    assert_eq!(lay.nodes.len(), n);
    assert_eq!(lay.clusters.len(), d.clusters.len());
    for (i, r) in lay.nodes.iter().enumerate() {
        if !(r.x.is_finite() && r.y.is_finite() && r.w > 0.0 && r.h > 0.0) {
            out.push(format!("node {} has no proper box: {r:?}", d.nodes[i].id));
        }
        if r.x < 0.0 || r.y < 0.0 || r.right() > lay.width || r.bottom() > lay.height {
            out.push(format!("node {} leaves the drawing: {r:?}", d.nodes[i].id));
        }
    }
    // Nodes and labels against each other (sweep by x to stay fast on big models).
    let mut boxes: Vec<(Rect, String)> = lay
        .nodes
        .iter()
        .enumerate()
        .map(|(i, r)| (*r, format!("node {}", d.nodes[i].id)))
        .collect();
    for (i, e) in lay.edges.iter().enumerate() {
        if let Some(l) = e.label {
            boxes.push((l, format!("label of {}", d.edges[i].id)));
        }
    }
    boxes.sort_by(|a, b| a.0.x.total_cmp(&b.0.x));
    for i in 0..boxes.len() {
        for j in i + 1..boxes.len() {
            if boxes[j].0.x >= boxes[i].0.right() {
                break;
            }
            if boxes[i].0.overlaps(&boxes[j].0) {
                out.push(format!("{} overlaps {}", boxes[i].1, boxes[j].1));
            }
        }
    }
    // Nodes inside exactly their boundaries.
    for i in 0..n {
        let mine = chain(d, i);
        let r = lay.nodes[i];
        for (c, b) in lay.clusters.iter().enumerate() {
            if mine.contains(&c) {
                if !b.contains(&r) {
                    out.push(format!(
                        "node {} is not inside boundary {}",
                        d.nodes[i].id, d.clusters[c].id
                    ));
                }
            } else if b.overlaps(&r) {
                out.push(format!(
                    "node {} overlaps boundary {} it is not in",
                    d.nodes[i].id, d.clusters[c].id
                ));
            }
        }
    }
    // Labels never overlap boxes of boundaries they are not inside.
    for (i, e) in lay.edges.iter().enumerate() {
        let Some(l) = e.label else { continue };
        let edge = &d.edges[i];
        let (a, b) = (chain(d, edge.from), chain(d, edge.to));
        for (c, bx) in lay.clusters.iter().enumerate() {
            let common = a.contains(&c) && b.contains(&c);
            if common {
                if !bx.contains(&l) {
                    out.push(format!(
                        "label of {} leaves boundary {}",
                        edge.id, d.clusters[c].id
                    ));
                }
            } else if bx.overlaps(&l) {
                out.push(format!(
                    "label of {} overlaps boundary {}",
                    edge.id, d.clusters[c].id
                ));
            }
        }
    }
    // Boundaries: inside their ancestors, apart from everything else.
    for c in 0..d.clusters.len() {
        let anc = ancestors(d, c);
        for k in c + 1..d.clusters.len() {
            let (x, y) = (lay.clusters[c], lay.clusters[k]);
            let k_anc = ancestors(d, k);
            if anc.contains(&k) {
                if !y.contains(&x) {
                    out.push(format!(
                        "boundary {} leaves {}",
                        d.clusters[c].id, d.clusters[k].id
                    ));
                }
            } else if k_anc.contains(&c) {
                if !x.contains(&y) {
                    out.push(format!(
                        "boundary {} leaves {}",
                        d.clusters[k].id, d.clusters[c].id
                    ));
                }
            } else if x.overlaps(&y) {
                out.push(format!(
                    "boundaries {} and {} overlap",
                    d.clusters[c].id, d.clusters[k].id
                ));
            }
        }
    }
    out
}

/// A deterministic pseudo-random number source (xorshift).
struct Rng(u64);

impl Rng {
    fn below(&mut self, m: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % m.max(1) as u64) as usize
    }
}

/// An enterprise-shaped model of about `n` components: one AI system per ten components, each
/// in its own boundary with a nested data zone, all sharing an LLM gateway, vendor LLMs and
/// logging; most systems call one of eight core systems, and some databases feed the MCP server
/// of another system (which closes cycles).
pub fn enterprise(n: usize) -> String {
    let systems = (n / 10).max(1);
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ n as u64);
    let mut s = String::from(
        "system: {name: Enterprise AI estate, criticality: high}
data_assets:
  - {id: q, name: Questions, classification: internal}
  - {id: docs, name: Documents, classification: confidential}
components:
  - {id: gateway, kind: api-gateway, name: LLM gateway}
  - {id: vendor-llm, kind: llm, name: Vendor LLM}
  - {id: logs, kind: logging, name: Central logging}
",
    );
    let mut flows = String::from("flows:\n  - {from: gateway, to: vendor-llm, data: [q]}\n");
    let mut boundaries = String::from(
        "boundaries:
  - {id: vendor, name: LLM vendor, trust: partner, contains: [vendor-llm]}
  - {id: platform, name: Shared platform, trust: trusted, contains: [gateway, logs]}
  - id: users
    name: Users
    trust: untrusted
    contains: [",
    );
    let mut systems_b = String::new();
    for i in 0..systems {
        let c = |x: &str| format!("s{i}-{x}");
        for (x, kind, name) in [
            ("user", "actor", "User"),
            ("app", "web-app", "Assistant app"),
            ("guard", "input-guardrail", "Input screen"),
            ("agent", "agent", "Agent"),
            ("prompt", "system-prompt", "System prompt"),
            ("tool", "tool", "Search tool"),
            ("mcp", "mcp-server", "Ticket MCP server"),
            ("store", "vector-store", "Vector store"),
            ("db", "datastore", "Database"),
            ("ingest", "ingestion", "Document ingestion"),
        ] {
            s.push_str(&format!(
                "  - {{id: {}, kind: {kind}, name: {name} {i}}}\n",
                c(x)
            ));
        }
        for (a, b, data) in [
            ("user", "app", "q"),
            ("app", "guard", "q"),
            ("app", "agent", "q"),
            ("prompt", "agent", ""),
            ("agent", "tool", "q"),
            ("agent", "mcp", ""),
            ("tool", "db", "docs"),
            ("agent", "store", "q"),
            ("ingest", "store", "docs"),
        ] {
            let data = if data.is_empty() {
                String::new()
            } else {
                format!(", data: [{data}]")
            };
            flows.push_str(&format!("  - {{from: {}, to: {}{data}}}\n", c(a), c(b)));
        }
        flows.push_str(&format!(
            "  - {{from: {}, to: gateway, data: [q]}}\n",
            c("agent")
        ));
        flows.push_str(&format!("  - {{from: {}, to: logs}}\n", c("app")));
        // Systems call the apps of a few core systems (0 to 7), which call none.
        let other = i % 8;
        if i >= 8 {
            flows.push_str(&format!(
                "  - {{from: {}, to: s{other}-app, data: [q]}}\n",
                c("agent")
            ));
        }
        if rng.below(4) == 0 {
            let k = rng.below(systems);
            if k != i {
                flows.push_str(&format!("  - {{from: {}, to: s{k}-mcp}}\n", c("db")));
            }
        }
        if i > 0 {
            boundaries.push_str(", ");
        }
        boundaries.push_str(&c("user"));
        systems_b.push_str(&format!(
            "  - {{id: {sys}, name: AI system {i}, trust: trusted, contains: [{app}, {guard}, {agent}, {prompt}, {tool}, {mcp}, {ingest}], boundaries: [{sys}-data]}}\n  - {{id: {sys}-data, name: Data zone {i}, trust: restricted, contains: [{store}, {db}]}}\n",
            sys = format!("sys{i}"),
            app = c("app"),
            guard = c("guard"),
            agent = c("agent"),
            prompt = c("prompt"),
            tool = c("tool"),
            mcp = c("mcp"),
            ingest = c("ingest"),
            store = c("store"),
            db = c("db"),
        ));
    }
    boundaries.push_str("]\n");
    s.push_str(&flows);
    s.push_str(&boundaries);
    s.push_str(&systems_b);
    s
}

/// A deterministic model of `n` components in nested boundaries, with about 1.5 flows per
/// component (some against the grain, so there are cycles), for size tests.
pub fn generated(n: usize) -> String {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ n as u64);
    let mut next = move |m: usize| rng.below(m);
    let kinds = [
        "actor",
        "web-app",
        "service",
        "llm",
        "agent",
        "tool",
        "vector-store",
        "datastore",
        "input-guardrail",
        "ingestion",
        "external-api",
        "system-prompt",
        "mcp-server",
    ];
    let mut s = String::from("system: {name: Generated, criticality: low}\ndata_assets:\n");
    s.push_str("  - {id: d, name: Records, classification: internal}\ncomponents:\n");
    for i in 0..n {
        let kind = kinds[next(kinds.len())];
        s.push_str(&format!(
            "  - {{id: c{i}, kind: {kind}, name: Component number {i}}}\n"
        ));
    }
    s.push_str("flows:\n");
    for i in 1..n {
        // Mostly forward, locally; now and then far or backwards.
        let j = if next(10) == 0 {
            next(n)
        } else {
            i.saturating_sub(1 + next(6))
        };
        if j != i {
            s.push_str(&format!(
                "  - {{id: f{i}a, from: c{j}, to: c{i}, data: [d]}}\n"
            ));
        }
        if next(2) == 0 {
            let k = next(n);
            if k != i {
                s.push_str(&format!("  - {{id: f{i}b, from: c{i}, to: c{k}}}\n"));
            }
        }
    }
    // Boundaries of about ten components, every third nested in the one before it.
    s.push_str("boundaries:\n");
    let nb = n / 10;
    for b in 0..nb {
        let members: Vec<String> = (b * 10..(b * 10 + 7).min(n))
            .map(|i| format!("c{i}"))
            .collect();
        let nested = if b + 1 < nb && (b + 1) % 3 != 0 {
            format!(", boundaries: [b{}]", b + 1)
        } else {
            String::new()
        };
        s.push_str(&format!(
            "  - {{id: b{b}, name: Zone {b}, trust: trusted, contains: [{}]{nested}}}\n",
            members.join(", ")
        ));
    }
    s
}

/// Check that `s` is well-formed XML with one root element, quoted attributes and only the
/// entities XML predefines (or character references). Returns the first problem.
pub fn well_formed(s: &str) -> Result<(), String> {
    let b = s.as_bytes();
    let mut i = 0;
    let mut stack: Vec<&str> = Vec::new();
    let mut roots = 0;
    let entity = |at: usize| -> Result<usize, String> {
        let end = s[at..]
            .find(';')
            .ok_or(format!("unterminated entity at {at}"))?
            + at;
        let name = &s[at + 1..end];
        let ok = matches!(name, "amp" | "lt" | "gt" | "quot" | "apos")
            || name
                .strip_prefix("#x")
                .is_some_and(|h| !h.is_empty() && h.chars().all(|c| c.is_ascii_hexdigit()))
            || name
                .strip_prefix('#')
                .is_some_and(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()));
        if ok {
            Ok(end + 1)
        } else {
            Err(format!("bad entity `&{name};` at {at}"))
        }
    };
    let name_end = |from: usize| {
        let mut j = from;
        while j < b.len()
            && (b[j].is_ascii_alphanumeric() || matches!(b[j], b'-' | b'_' | b':' | b'.'))
        {
            j += 1;
        }
        j
    };
    while i < b.len() {
        match b[i] {
            b'<' => {
                if b[i..].starts_with(b"<!--") {
                    i = s[i..].find("-->").ok_or("unterminated comment")? + i + 3;
                    continue;
                }
                let closing = b.get(i + 1) == Some(&b'/');
                let start = if closing { i + 2 } else { i + 1 };
                let end = name_end(start);
                if end == start || !b[start].is_ascii_alphabetic() {
                    return Err(format!("bad tag name at {i}"));
                }
                let name = &s[start..end];
                let mut j = end;
                if closing {
                    while j < b.len() && b[j].is_ascii_whitespace() {
                        j += 1;
                    }
                    if b.get(j) != Some(&b'>') {
                        return Err(format!("bad end tag at {i}"));
                    }
                    match stack.pop() {
                        Some(open) if open == name => {}
                        other => return Err(format!("`</{name}>` at {i} closes {other:?}")),
                    }
                    i = j + 1;
                    continue;
                }
                if stack.is_empty() {
                    roots += 1;
                }
                // Attributes.
                let mut seen: Vec<&str> = Vec::new();
                loop {
                    let ws = j;
                    while j < b.len() && b[j].is_ascii_whitespace() {
                        j += 1;
                    }
                    match b.get(j) {
                        Some(b'>') => {
                            stack.push(name);
                            j += 1;
                            break;
                        }
                        Some(b'/') if b.get(j + 1) == Some(&b'>') => {
                            j += 2;
                            break;
                        }
                        Some(_) if j > ws => {
                            let an_end = name_end(j);
                            if an_end == j {
                                return Err(format!("bad attribute at {j}"));
                            }
                            let an = &s[j..an_end];
                            if seen.contains(&an) {
                                return Err(format!("duplicate attribute {an} at {j}"));
                            }
                            seen.push(an);
                            if b.get(an_end) != Some(&b'=') {
                                return Err(format!("attribute {an} without value at {j}"));
                            }
                            let q = *b.get(an_end + 1).ok_or("truncated")?;
                            if q != b'"' && q != b'\'' {
                                return Err(format!("unquoted attribute {an} at {j}"));
                            }
                            let mut k = an_end + 2;
                            while k < b.len() && b[k] != q {
                                match b[k] {
                                    b'<' => return Err(format!("`<` in attribute {an} at {k}")),
                                    b'&' => {
                                        k = entity(k)?;
                                        continue;
                                    }
                                    _ => k += 1,
                                }
                            }
                            if k >= b.len() {
                                return Err("unterminated attribute".into());
                            }
                            j = k + 1;
                        }
                        _ => return Err(format!("bad tag at {i}")),
                    }
                }
                if stack.is_empty() && roots > 1 {
                    return Err("more than one root element".into());
                }
                i = j;
            }
            b'&' => i = entity(i)?,
            _ => {
                if b[i..].starts_with(b"]]>") {
                    return Err(format!("`]]>` in text at {i}"));
                }
                if !stack.is_empty() || b[i].is_ascii_whitespace() {
                    i += 1;
                } else {
                    return Err(format!("text outside the root element at {i}"));
                }
            }
        }
    }
    if !stack.is_empty() {
        return Err(format!("unclosed elements {stack:?}"));
    }
    if roots != 1 {
        return Err(format!("{roots} root elements"));
    }
    // No character XML 1.0 forbids.
    if let Some(c) = s
        .chars()
        .find(|&c| (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r'))
    {
        return Err(format!("forbidden character U+{:04X}", c as u32));
    }
    Ok(())
}

/// Undo XML escaping.
pub fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// The text of each component's name, in drawing order: the first `<text>` of each
/// `<g class="node …">`, its lines joined with spaces.
pub fn node_names(svg: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in svg.split("<g class=\"node ").skip(1) {
        let Some(start) = part.find("<text") else {
            continue;
        };
        let rest = &part[start..];
        let end = rest.find("</text>").expect("closed text");
        let inner = &rest[rest.find('>').expect("tag end") + 1..end];
        let mut lines = Vec::new();
        for t in inner.split("<tspan").skip(1) {
            let body = &t[t.find('>').expect("tspan") + 1..];
            lines.push(unescape(
                &body[..body.find("</tspan>").expect("closed tspan")],
            ));
        }
        out.push(lines.join(" "));
    }
    out
}
