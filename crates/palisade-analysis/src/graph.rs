//! The model as a graph: components are nodes; flows give call edges (who initiates) and content
//! edges (which way data moves); `serves`, `stored_in` and `invoked_by` add links.

use palisade_model::{ComponentKind, Element, Id, Model};

/// An edge to a neighbour, with the flow that makes it (`None` for links other than flows).
#[derive(Debug, Clone, Copy)]
pub struct Edge {
    pub to: usize,
    pub flow: Option<usize>,
}

pub struct Graph<'m> {
    pub model: &'m Model,
    /// Initiator → receiver, one per flow, plus `invoked_by` (model → tool).
    pub calls: Vec<Vec<Edge>>,
    /// Content moves along these: `data` from → to, `returns` to → from, and a flow that lists
    /// no data is taken to carry content from → to. `serves` and `stored_in` carry weights.
    pub content: Vec<Vec<Edge>>,
    /// Reverse of `content`.
    pub content_rev: Vec<Vec<Edge>>,
    /// Reverse of `calls`: who calls each component.
    pub callers: Vec<Vec<Edge>>,
}

impl<'m> Graph<'m> {
    pub fn new(model: &'m Model) -> Self {
        let n = model.components.len();
        let mut g = Graph {
            model,
            calls: vec![Vec::new(); n],
            content: vec![Vec::new(); n],
            content_rev: vec![Vec::new(); n],
            callers: vec![Vec::new(); n],
        };
        for (fi, f) in model.flows.iter().enumerate() {
            let (Some(a), Some(b)) = (g.index(&f.from.value), g.index(&f.to.value)) else {
                continue;
            };
            g.calls[a].push(Edge {
                to: b,
                flow: Some(fi),
            });
            if !f.data.is_empty() || f.returns.is_empty() {
                g.add_content(a, b, Some(fi));
            }
            if !f.returns.is_empty() {
                g.add_content(b, a, Some(fi));
            }
        }
        for (ci, c) in model.components.iter().enumerate() {
            if let Some(t) = c.serves.as_ref().and_then(|t| g.index(&t.value)) {
                g.add_content(t, ci, None);
            }
            if let Some(t) = c.stored_in.as_ref().and_then(|t| g.index(&t.value)) {
                g.add_content(ci, t, None);
                g.add_content(t, ci, None);
            }
            for inv in &c.invoked_by {
                if let Some(m) = g.index(&inv.value) {
                    g.calls[m].push(Edge { to: ci, flow: None });
                }
            }
        }
        for (a, edges) in g.calls.iter().enumerate() {
            for e in edges {
                g.callers[e.to].push(Edge {
                    to: a,
                    flow: e.flow,
                });
            }
        }
        g
    }

    fn add_content(&mut self, a: usize, b: usize, flow: Option<usize>) {
        self.content[a].push(Edge { to: b, flow });
        self.content_rev[b].push(Edge { to: a, flow });
    }

    pub fn index(&self, id: &Id) -> Option<usize> {
        match self.model.index.get(id) {
            Some(Element::Component(i)) => Some(*i),
            _ => None,
        }
    }

    pub fn kind(&self, i: usize) -> ComponentKind {
        self.model.components[i].kind.value
    }

    pub fn id(&self, i: usize) -> &str {
        self.model.components[i].id.value.as_str()
    }

    pub fn len(&self) -> usize {
        self.model.components.len()
    }

    /// Assets a flow moves along one content edge direction (both lists for link edges).
    pub fn edge_assets(&self, from: usize, e: Edge) -> Vec<&'m Id> {
        let Some(fi) = e.flow else {
            return Vec::new();
        };
        let f = &self.model.flows[fi];
        let forward = self.index(&f.from.value) == Some(from);
        let list = if forward { &f.data } else { &f.returns };
        list.iter().map(|a| &a.value).collect()
    }
}

/// Breadth-first search from several sources along `edges`; returns each reached node's
/// (source, predecessor) so the shortest path can be rebuilt.
pub fn bfs(
    n: usize,
    sources: &[usize],
    edges: &[Vec<Edge>],
    mut passable: impl FnMut(usize) -> bool,
) -> Vec<Option<(usize, Option<usize>)>> {
    let mut seen: Vec<Option<(usize, Option<usize>)>> = vec![None; n];
    let mut queue = std::collections::VecDeque::new();
    for &s in sources {
        if seen[s].is_none() {
            seen[s] = Some((s, None));
            queue.push_back(s);
        }
    }
    while let Some(u) = queue.pop_front() {
        if !passable(u) && seen[u].is_some_and(|(src, _)| src != u) {
            continue;
        }
        let src = seen[u].map_or(u, |(s, _)| s);
        for e in &edges[u] {
            if seen[e.to].is_none() {
                seen[e.to] = Some((src, Some(u)));
                queue.push_back(e.to);
            }
        }
    }
    seen
}

/// Rebuild the path to `node` from a BFS result, source first.
pub fn path_to(seen: &[Option<(usize, Option<usize>)>], node: usize) -> Vec<usize> {
    let mut path = vec![node];
    let mut cur = node;
    while let Some((_, Some(prev))) = seen[cur] {
        if path.len() > seen.len() {
            break;
        }
        path.push(prev);
        cur = prev;
    }
    path.reverse();
    path
}

/// A breadth-first search that only touches what it reaches (for searches from one component
/// that stay local): returns reached nodes in order with their predecessor and depth.
pub struct Local {
    pub order: Vec<usize>,
    prev: std::collections::HashMap<usize, (Option<usize>, usize)>,
}

impl Local {
    pub fn search(
        start: usize,
        edges: &[Vec<Edge>],
        max_depth: usize,
        mut passable: impl FnMut(usize) -> bool,
    ) -> Local {
        let mut prev = std::collections::HashMap::new();
        prev.insert(start, (None, 0));
        let mut order = vec![start];
        let mut i = 0;
        while i < order.len() {
            let u = order[i];
            i += 1;
            let depth = prev[&u].1;
            if depth >= max_depth || (u != start && !passable(u)) {
                continue;
            }
            for e in &edges[u] {
                if let std::collections::hash_map::Entry::Vacant(v) = prev.entry(e.to) {
                    v.insert((Some(u), depth + 1));
                    order.push(e.to);
                }
            }
        }
        Local { order, prev }
    }

    pub fn prev(&self, node: usize) -> Option<usize> {
        self.prev.get(&node).and_then(|p| p.0)
    }

    /// The path from the start to `node`, start first.
    pub fn path(&self, node: usize) -> Vec<usize> {
        let mut path = vec![node];
        let mut cur = node;
        while let Some(p) = self.prev(cur) {
            path.push(p);
            cur = p;
            if path.len() > self.order.len() {
                break;
            }
        }
        path.reverse();
        path
    }
}
