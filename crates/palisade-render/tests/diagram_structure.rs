//! Mermaid and DOT keep the model's structure: subgraphs nest as boundaries do, each component
//! sits in its innermost boundary, one edge per flow.

mod support;
use palisade_render::diagram::{Diagram, Format, mermaid, render};

/// What a text format says: the parent of each subgraph, the subgraph of each node, the edges.
#[derive(Default)]
struct Parsed {
    subgraph_parent: Vec<(String, Option<String>)>,
    node_parent: Vec<(String, Option<String>)>,
    edges: Vec<(String, String)>,
}

fn parse_mermaid(text: &str) -> Parsed {
    let mut p = Parsed::default();
    let mut stack: Vec<String> = Vec::new();
    for line in text.lines().skip(2) {
        let t = line.trim();
        if let Some(rest) = t.strip_prefix("subgraph ") {
            let id = rest[..rest.find('[').expect("titled subgraph")].to_string();
            p.subgraph_parent.push((id.clone(), stack.last().cloned()));
            stack.push(id);
        } else if t == "end" {
            stack.pop().expect("balanced subgraphs");
        } else if t.starts_with("classDef")
            || t.starts_with("class ")
            || t.starts_with("style ")
            || t.starts_with("linkStyle")
        {
        } else if t.contains("-->") || t.contains("==>") {
            let from = t.split(' ').next().expect("from").to_string();
            let to = t.rsplit(' ').next().expect("to").to_string();
            p.edges.push((from, to));
        } else {
            let end = t
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .expect("shape");
            p.node_parent
                .push((t[..end].to_string(), stack.last().cloned()));
        }
    }
    assert!(stack.is_empty());
    p
}

fn parse_dot(text: &str) -> Parsed {
    let mut p = Parsed::default();
    let mut stack: Vec<String> = Vec::new();
    for line in text.lines().skip(1) {
        let t = line.trim();
        if let Some(rest) = t.strip_prefix("subgraph \"") {
            let id = rest[..rest.find('"').expect("quoted")].to_string();
            p.subgraph_parent.push((id.clone(), stack.last().cloned()));
            stack.push(id);
        } else if t == "}" {
            stack.pop();
        } else if t.starts_with('"') {
            let quoted: Vec<&str> = t.split('"').collect();
            if t.contains("\" -> \"") {
                p.edges.push((quoted[1].to_string(), quoted[3].to_string()));
            } else {
                p.node_parent
                    .push((quoted[1].to_string(), stack.last().cloned()));
            }
        }
    }
    p
}

/// What the formats must say, given how each names components and boundaries.
fn expected(d: &Diagram, node: &[String], cluster: &[String]) -> Parsed {
    let mut subgraph_parent: Vec<_> = d
        .clusters
        .iter()
        .enumerate()
        .map(|(i, c)| (cluster[i].clone(), c.parent.map(|p| cluster[p].clone())))
        .collect();
    let mut node_parent: Vec<_> = d
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (node[i].clone(), n.cluster.map(|c| cluster[c].clone())))
        .collect();
    subgraph_parent.sort();
    node_parent.sort();
    Parsed {
        subgraph_parent,
        node_parent,
        edges: d
            .edges
            .iter()
            .map(|e| (node[e.from].clone(), node[e.to].clone()))
            .collect(),
    }
}

fn compare(mut got: Parsed, want: Parsed, what: &str) {
    got.subgraph_parent.sort();
    got.node_parent.sort();
    assert_eq!(
        got.subgraph_parent, want.subgraph_parent,
        "{what}: subgraph nesting"
    );
    assert_eq!(
        got.node_parent, want.node_parent,
        "{what}: components in subgraphs"
    );
    assert_eq!(got.edges, want.edges, "{what}: one edge per flow, in order");
}

#[test]
fn mermaid_subgraphs_nest_like_the_boundaries() {
    for path in support::examples() {
        let m = support::load(&path);
        let d = Diagram::from_model(&m);
        let ids = mermaid::Ids::new(&d);
        let text = render(&m, Format::Mermaid);
        let what = format!("{} (mermaid)", path.display());
        compare(
            parse_mermaid(&text),
            expected(&d, &ids.nodes, &ids.clusters),
            &what,
        );
    }
}

#[test]
fn dot_clusters_nest_like_the_boundaries() {
    for path in support::examples() {
        let m = support::load(&path);
        let d = Diagram::from_model(&m);
        let nodes: Vec<String> = d.nodes.iter().map(|n| n.id.clone()).collect();
        let clusters: Vec<String> = (0..d.clusters.len())
            .map(|c| format!("cluster_{c}"))
            .collect();
        let text = render(&m, Format::Dot);
        let what = format!("{} (dot)", path.display());
        compare(parse_dot(&text), expected(&d, &nodes, &clusters), &what);
    }
}

#[test]
fn mermaid_ids_are_distinct_when_model_ids_differ_only_in_punctuation() {
    let m = support::model(
        "system: {name: S, criticality: low}
components:
  - {id: a-b, kind: llm}
  - {id: a.b, kind: llm}
  - {id: a_b, kind: llm}
  - {id: end, kind: llm}
flows:
  - {from: a-b, to: a.b}
  - {from: a.b, to: a_b}
  - {from: a_b, to: end}
boundaries:
  - {id: a-b.z, contains: [a-b]}
  - {id: a_b.z, contains: [a.b]}
",
    );
    let d = Diagram::from_model(&m);
    let ids = mermaid::Ids::new(&d);
    assert_eq!(ids.nodes, ["n_a_b", "n_a_b_2", "n_a_b_3", "n_end"]);
    assert_eq!(ids.clusters, ["b_a_b_z", "b_a_b_z_2"]);
    let text = render(&m, Format::Mermaid);
    compare(
        parse_mermaid(&text),
        expected(&d, &ids.nodes, &ids.clusters),
        "mermaid",
    );
}

const SMALL: &str = "system: {name: Support assistant, criticality: high}
data_assets:
  - {id: tickets, name: Support tickets, classification: confidential}
  - {id: answers, name: Answers, classification: internal}
  - {id: chunks, name: Knowledge chunks, classification: internal}
components:
  - {id: customer, kind: actor, name: Customer}
  - {id: chat, kind: web-app, name: Chat widget}
  - {id: assistant, kind: llm, name: Assistant \"v2\"}
  - {id: kb, kind: vector-store, name: Knowledge base}
  - {id: screen, kind: input-guardrail, name: Input screen}
flows:
  - {from: customer, to: chat, data: [tickets], returns: [answers], protocol: https}
  - {from: chat, to: screen, data: [tickets]}
  - {from: chat, to: assistant, data: [tickets, chunks], returns: [answers], protocol: https}
  - {from: assistant, to: kb, returns: [chunks]}
boundaries:
  - {id: internet, name: Internet, kind: network, trust: untrusted, contains: [customer]}
  - {id: corp, name: Corporate network, kind: organization, trust: trusted, contains: [chat, screen], boundaries: [data]}
  - {id: data, name: Data zone, kind: network, trust: restricted, contains: [assistant, kb]}
";

#[test]
fn mermaid_of_a_small_model() {
    insta::assert_snapshot!(render(&support::model(SMALL), Format::Mermaid));
}

#[test]
fn dot_of_a_small_model() {
    insta::assert_snapshot!(render(&support::model(SMALL), Format::Dot));
}
