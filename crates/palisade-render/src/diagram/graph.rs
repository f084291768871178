//! What a diagram shows, taken from the model once for every format: components, flows with
//! their labels and whether they cross a boundary, and the tree of trust boundaries.

use super::style::Family;
use super::text::{abbreviate, clean};
use palisade_model::{BoundaryKind, ComponentKind, Element, Flow, Id, Model, TrustLevel};

/// The diagram of one model.
#[derive(Debug, Clone)]
pub struct Diagram {
    /// The system's name.
    pub title: String,
    /// One per component, in model order.
    pub nodes: Vec<Node>,
    /// One per flow, in model order.
    pub edges: Vec<Edge>,
    /// One per trust boundary, in model order.
    pub clusters: Vec<Cluster>,
}

/// A component.
#[derive(Debug, Clone)]
pub struct Node {
    pub id: String,
    /// Display name (the name, or the id when there is none), one line.
    pub name: String,
    pub kind: ComponentKind,
    pub family: Family,
    /// The innermost boundary around the component.
    pub cluster: Option<usize>,
}

/// A flow.
#[derive(Debug, Clone)]
pub struct Edge {
    pub id: String,
    pub from: usize,
    pub to: usize,
    /// Short label: the data sent (or returned), abbreviated; empty when the flow carries none.
    pub label: String,
    /// Second, quieter line: what comes back and the protocol, abbreviated; may be empty.
    pub detail: String,
    /// Everything about the flow, for tooltips.
    pub tooltip: String,
    /// Whether the two ends sit in different trust boundaries.
    pub crossing: bool,
}

/// A trust boundary.
#[derive(Debug, Clone)]
pub struct Cluster {
    pub id: String,
    /// Display name, one line.
    pub name: String,
    pub trust: Option<TrustLevel>,
    pub kind: Option<BoundaryKind>,
    pub parent: Option<usize>,
    /// Boundaries nested directly inside, in model order.
    pub children: Vec<usize>,
    /// Components directly inside, in model order.
    pub nodes: Vec<usize>,
}

impl Cluster {
    /// Trust level and kind, for the line under the title (`untrusted · network`).
    pub fn caption(&self) -> String {
        let trust = self.trust.map(|t| t.as_str());
        let kind = self.kind.map(|k| k.as_str().replace('-', " "));
        match (trust, kind) {
            (Some(t), Some(k)) => format!("{t} · {k}"),
            (Some(t), None) => t.to_string(),
            (None, Some(k)) => k,
            (None, None) => "trust boundary".to_string(),
        }
    }
}

/// Longest label line, in characters, before it is abbreviated.
const LABEL_CHARS: usize = 30;

impl Diagram {
    /// Take what the diagram needs from a validated model.
    pub fn from_model(model: &Model) -> Diagram {
        let nodes: Vec<Node> = model
            .components
            .iter()
            .enumerate()
            .map(|(i, c)| Node {
                id: clean(c.id.as_str()),
                name: display(c.name.as_ref().map(|n| n.value.as_str()), &c.id),
                kind: c.kind.value,
                family: Family::of(c.kind.value),
                cluster: model.component_boundary.get(&i).copied(),
            })
            .collect();
        let mut clusters: Vec<Cluster> = model
            .boundaries
            .iter()
            .enumerate()
            .map(|(i, b)| Cluster {
                id: clean(b.id.as_str()),
                name: display(b.name.as_ref().map(|n| n.value.as_str()), &b.id),
                trust: b.trust.as_ref().map(|t| t.value),
                kind: b.kind.as_ref().map(|k| k.value),
                parent: model.boundary_parent.get(&i).copied(),
                children: Vec::new(),
                nodes: Vec::new(),
            })
            .collect();
        for i in 0..clusters.len() {
            if let Some(p) = clusters[i].parent {
                clusters[p].children.push(i);
            }
        }
        for (i, n) in nodes.iter().enumerate() {
            if let Some(c) = n.cluster {
                clusters[c].nodes.push(i);
            }
        }
        let component_index = |id: &Id| match model.index.get(id) {
            Some(Element::Component(i)) => Some(*i),
            _ => None,
        };
        let edges = model
            .flows
            .iter()
            .enumerate()
            .filter_map(|(i, f)| {
                let from = component_index(&f.from)?;
                let to = component_index(&f.to)?;
                let crossing = nodes[from].cluster != nodes[to].cluster;
                Some(edge(model, model.flow_id(i), f, from, to, crossing))
            })
            .collect();
        Diagram {
            title: clean(&model.system.name.value),
            nodes,
            edges,
            clusters,
        }
    }

    /// Boundaries nested in no other, in model order.
    pub fn roots(&self) -> Vec<usize> {
        (0..self.clusters.len())
            .filter(|&c| self.clusters[c].parent.is_none())
            .collect()
    }

    /// Components in no boundary, in model order.
    pub fn loose_nodes(&self) -> Vec<usize> {
        (0..self.nodes.len())
            .filter(|&n| self.nodes[n].cluster.is_none())
            .collect()
    }
}

fn display(name: Option<&str>, id: &Id) -> String {
    let name = name.map(clean).unwrap_or_default();
    if name.is_empty() {
        clean(id.as_str())
    } else {
        name
    }
}

fn asset_name(model: &Model, id: &Id) -> String {
    match model.index.get(id) {
        Some(Element::DataAsset(i)) => display(
            model.data_assets[*i]
                .name
                .as_ref()
                .map(|n| n.value.as_str()),
            id,
        ),
        _ => clean(id.as_str()),
    }
}

/// `first +N` for several names, the name alone for one.
fn short_list(names: &[String], max: usize) -> String {
    match names {
        [] => String::new(),
        [one] => abbreviate(one, max),
        [first, rest @ ..] => {
            let more = format!(" +{}", rest.len());
            format!(
                "{}{more}",
                abbreviate(first, max.saturating_sub(more.len()).max(8))
            )
        }
    }
}

fn edge(model: &Model, id: &Id, f: &Flow, from: usize, to: usize, crossing: bool) -> Edge {
    let sent: Vec<String> = f.data.iter().map(|d| asset_name(model, d)).collect();
    let back: Vec<String> = f.returns.iter().map(|d| asset_name(model, d)).collect();
    let protocol = f.protocol.as_ref().map(|p| p.value.as_str());
    let explicit_id = f.id.as_ref().is_some_and(|i| !i.value.0.contains("->"));
    let (label, mut detail) = if !sent.is_empty() {
        let back = if back.is_empty() {
            String::new()
        } else {
            format!("↩ {}", short_list(&back, LABEL_CHARS - 8))
        };
        (short_list(&sent, LABEL_CHARS), back)
    } else if !back.is_empty() {
        (
            format!("↩ {}", short_list(&back, LABEL_CHARS - 2)),
            String::new(),
        )
    } else if explicit_id {
        (abbreviate(&clean(id.as_str()), LABEL_CHARS), String::new())
    } else {
        (String::new(), String::new())
    };
    if let Some(p) = protocol {
        if detail.is_empty() {
            detail = p.to_string();
        } else {
            detail = format!("{detail} · {p}");
        }
    }
    let mut tooltip = format!(
        "{} → {}",
        clean(f.from.value.as_str()),
        clean(f.to.value.as_str())
    );
    if explicit_id {
        tooltip = format!("{} ({tooltip})", clean(id.as_str()));
    }
    if !sent.is_empty() {
        tooltip.push_str(&format!("\nsends: {}", sent.join(", ")));
    }
    if !back.is_empty() {
        tooltip.push_str(&format!("\nreturns: {}", back.join(", ")));
    }
    if let Some(p) = protocol {
        tooltip.push_str(&format!("\nprotocol: {p}"));
    }
    if crossing {
        tooltip.push_str("\ncrosses a trust boundary");
    }
    Edge {
        id: clean(id.as_str()),
        from,
        to,
        label,
        detail,
        tooltip,
        crossing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(text: &str) -> Model {
        let loaded = palisade_model::load_str("m.yaml", text);
        loaded.model.expect("valid model")
    }

    #[test]
    fn labels_name_the_data_and_crossings_are_found() {
        let m = model(
            "system: {name: S, criticality: low}
data_assets:
  - {id: q, name: Customer questions, classification: internal}
  - {id: a, classification: internal}
  - {id: r, name: Answers, classification: internal}
components:
  - {id: user, kind: actor}
  - {id: app, kind: web-app, name: Chat app}
  - {id: llm, kind: llm}
flows:
  - {from: user, to: app, data: [q, a], protocol: https}
  - {from: app, to: llm, returns: [r]}
boundaries:
  - {id: corp, kind: organization, contains: [app, llm]}
",
        );
        let d = Diagram::from_model(&m);
        assert_eq!(d.nodes[1].name, "Chat app");
        assert_eq!(d.nodes[2].name, "llm");
        assert_eq!(d.edges[0].label, "Customer questions +1");
        assert_eq!(d.edges[0].detail, "https");
        assert!(d.edges[0].crossing);
        assert_eq!(d.edges[1].label, "↩ Answers");
        assert!(!d.edges[1].crossing);
        assert_eq!(d.clusters[0].nodes, vec![1, 2]);
        assert_eq!(d.roots(), vec![0]);
        assert_eq!(d.loose_nodes(), vec![0]);
    }
}
