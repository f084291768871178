//! The model as a graph: components are nodes; flows give call edges (who initiates) and content
//! edges (which way data moves); `serves`, `stored_in` and `invoked_by` add links.

use palisade_model::{ComponentKind, DataAsset, Element, Id, Model};
use std::hash::{BuildHasherDefault, Hasher};

/// A hasher for node indices (small integers the analysis assigns, never text from a model).
#[derive(Default)]
pub struct IndexHasher(u64);

impl Hasher for IndexHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// A hash map keyed by node index.
pub type IndexMap<V> = std::collections::HashMap<usize, V, BuildHasherDefault<IndexHasher>>;
/// A hash set of node indices.
pub type IndexSet = std::collections::HashSet<usize, BuildHasherDefault<IndexHasher>>;

/// The data assets the model names (in its components' and flows' data), numbered in the
/// order of their ids: sorting numbers sorts ids, and sets of them are plain sorted vectors.
pub struct Assets<'m> {
    pub ids: Vec<&'m Id>,
    /// The declared asset behind each id (`None` for a name that is not a data asset).
    pub info: Vec<Option<&'m DataAsset>>,
}

impl<'m> Assets<'m> {
    pub fn sensitive(&self, a: u32) -> bool {
        self.info[a as usize].is_some_and(|a| {
            a.classification.value >= palisade_model::Classification::Confidential
                || a.personal_data.as_ref().is_some_and(|p| p.value)
        })
    }

    pub fn personal(&self, a: u32) -> bool {
        self.info[a as usize].is_some_and(|x| x.personal_data.as_ref().is_some_and(|p| p.value))
    }

    pub fn untrusted(&self, a: u32) -> bool {
        self.info[a as usize]
            .and_then(|x| x.origin.as_ref())
            .is_some_and(|o| crate::untrusted_origin(o.value))
    }

    pub fn id(&self, a: u32) -> &'m Id {
        self.ids[a as usize]
    }
}

/// Lists of asset numbers, stored one after the other.
#[derive(Default)]
pub struct Lists {
    items: Vec<u32>,
    /// Where each list ends in `items`.
    ends: Vec<u32>,
}

impl Lists {
    pub fn get(&self, k: usize) -> &[u32] {
        let start = if k == 0 { 0 } else { self.ends[k - 1] as usize };
        &self.items[start..self.ends[k] as usize]
    }
}

/// Number the assets named by `lists`, looking each name up in the model once.
fn number_assets<'m>(
    model: &'m Model,
    lists: impl Iterator<Item = &'m [palisade_model::Loc<Id>]>,
) -> (Assets<'m>, Lists) {
    // Data assets first (by their index in the model), then other names (invalid models only).
    let na = model.data_assets.len();
    let mut others: Vec<&Id> = Vec::new();
    let mut raw = Lists::default();
    for l in lists {
        for a in l {
            let k = match model.index.get(&a.value) {
                Some(Element::DataAsset(i)) => *i,
                _ => {
                    others.push(&a.value);
                    na + others.len() - 1
                }
            };
            raw.items.push(k as u32);
        }
        raw.ends.push(raw.items.len() as u32);
    }
    let named = |k: usize| -> &Id {
        if k < na {
            &model.data_assets[k].id.value
        } else {
            others[k - na]
        }
    };
    let mut ids: Vec<&Id> = (0..na + others.len()).map(named).collect();
    ids.sort();
    ids.dedup();
    let rank: Vec<u32> = (0..na + others.len())
        .map(|k| ids.binary_search(&named(k)).unwrap_or(0) as u32)
        .collect();
    for x in &mut raw.items {
        *x = rank[*x as usize];
    }
    let mut info = vec![None; ids.len()];
    for (i, a) in model.data_assets.iter().enumerate() {
        // A later asset with the same id is shadowed by the first, as in the model's index.
        if let Some(Element::DataAsset(first)) = model.index.get(&a.id.value)
            && *first == i
        {
            info[rank[i] as usize] = Some(&a.value);
        }
    }
    (Assets { ids, info }, raw)
}

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
    /// Each flow's ends, when both are components.
    pub ends: Vec<Option<(usize, usize)>>,
    pub assets: Assets<'m>,
    /// Per flow, the assets of `data` then of `returns`; then per component, its `data`.
    lists: Lists,
}

impl<'m> Graph<'m> {
    pub fn new(model: &'m Model) -> Self {
        let n = model.components.len();
        let lists = model
            .flows
            .iter()
            .flat_map(|f| [&f.data[..], &f.returns[..]])
            .chain(model.components.iter().map(|c| &c.data[..]));
        let (assets, lists) = number_assets(model, lists);
        let mut g = Graph {
            model,
            calls: vec![Vec::new(); n],
            content: vec![Vec::new(); n],
            content_rev: vec![Vec::new(); n],
            callers: vec![Vec::new(); n],
            ends: Vec::with_capacity(model.flows.len()),
            assets,
            lists,
        };
        for (fi, f) in model.flows.iter().enumerate() {
            let ends = g.index(&f.from.value).zip(g.index(&f.to.value));
            g.ends.push(ends);
            let Some((a, b)) = ends else {
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

    /// The assets of a flow's `data`.
    pub fn flow_data(&self, fi: usize) -> &[u32] {
        self.lists.get(2 * fi)
    }

    /// The assets of a flow's `returns`.
    pub fn flow_returns(&self, fi: usize) -> &[u32] {
        self.lists.get(2 * fi + 1)
    }

    /// The assets a component declares it holds (`data`).
    pub fn held(&self, i: usize) -> &[u32] {
        self.lists.get(2 * self.model.flows.len() + i)
    }

    /// Assets a flow moves along one content edge direction (none for link edges).
    pub fn edge_assets(&self, from: usize, e: Edge) -> &[u32] {
        let Some(fi) = e.flow else {
            return &[];
        };
        let forward = self.ends[fi].is_some_and(|(a, _)| a == from);
        if forward {
            self.flow_data(fi)
        } else {
            self.flow_returns(fi)
        }
    }

    /// Assets arriving at `i` along its incoming content edges, in edge order.
    pub fn received(&self, i: usize) -> impl Iterator<Item = u32> + '_ {
        self.content_rev[i]
            .iter()
            .flat_map(move |e| {
                self.edge_assets(
                    e.to,
                    Edge {
                        to: i,
                        flow: e.flow,
                    },
                )
            })
            .copied()
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
    prev: IndexMap<(Option<usize>, usize)>,
}

impl Local {
    pub fn search(
        start: usize,
        edges: &[Vec<Edge>],
        max_depth: usize,
        mut passable: impl FnMut(usize) -> bool,
    ) -> Local {
        let mut prev = IndexMap::default();
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
