//! The layered graph: ranks doubled so every edge has a middle layer for its label, long edges
//! as chains of dummy vertices, placeholders for empty clusters and fillers wherever a cluster
//! spans a layer without anything in it.

use super::{Graph, Layered, Size, Tree};

/// Size given to an empty cluster's placeholder.
const PLACEHOLDER: Size = Size { w: 90.0, h: 10.0 };
/// Room a self-loop without a label takes.
const LOOP: Size = Size { w: 14.0, h: 14.0 };
/// Dummy vertices the layered graph may hold: this many, plus `DUMMIES_PER_NODE` per node. Beyond
/// it (very deep models), the longest edges are drawn straight, without a label, instead of
/// through the layers, which bounds time and memory.
const DUMMIES: usize = 40_000;
const DUMMIES_PER_NODE: usize = 10;

/// The vertices of the layered graph, by index (nodes first).
pub struct Vertices {
    pub size: Vec<Size>,
    pub role: Vec<Role>,
    pub layer: Vec<usize>,
    pub cluster: Vec<Option<usize>>,
}

impl Vertices {
    fn add(&mut self, size: Size, role: Role, layer: usize, cluster: Option<usize>) -> usize {
        self.size.push(size);
        self.role.push(role);
        self.layer.push(layer);
        self.cluster.push(cluster);
        self.size.len() - 1
    }
}

#[derive(Clone, Copy, PartialEq)]
pub enum Role {
    Node,
    Label,
    Dummy,
    Filler,
}

/// One edge in the layered graph.
pub struct Chain {
    /// Its vertices in layer order (for a self-loop: node, label vertex, node).
    pub vertices: Vec<usize>,
    /// The segment between each vertex and the next.
    pub segments: Vec<usize>,
    /// Whether the edge runs against the layers.
    pub reversed: bool,
    pub label: Option<usize>,
    pub self_loop: bool,
}

/// The layered graph of `g`, its edges as chains, and the layers each cluster spans.
pub struct Built {
    pub graph: Layered,
    pub vertices: Vertices,
    /// (upper vertex, lower vertex, weight) for every segment of every chain.
    pub segments: Vec<(usize, usize, f64)>,
    /// One per edge of `g`; `None` for an edge with an end out of range.
    pub chains: Vec<Option<Chain>>,
    /// First and last layer of each cluster.
    pub span: Vec<(usize, usize)>,
}

pub fn build(g: &Graph, tree: &Tree, ranks: &[usize], reversed: &[bool], valid: &[bool]) -> Built {
    let n = g.nodes.len();
    let nc = g.clusters.len();
    let node_cluster: Vec<Option<usize>> = g
        .nodes
        .iter()
        .map(|s| s.cluster.filter(|&c| c < nc))
        .collect();
    // Nodes first, at even layers.
    let mut vx = Vertices {
        size: g.nodes.iter().map(|s| s.size).collect(),
        role: vec![Role::Node; n],
        layer: ranks.iter().map(|r| 2 * r).collect(),
        cluster: node_cluster.clone(),
    };
    let (segments, chains) = chains(g, tree, ranks, reversed, valid, &node_cluster, &mut vx);
    let mut deepest_first: Vec<usize> = (0..nc).collect();
    deepest_first.sort_by_key(|&c| (std::cmp::Reverse(tree.chain[c].len()), c));
    placeholders(tree, &deepest_first, &mut vx);
    let span = fillers(tree, &deepest_first, &mut vx);
    let (layers, pos, up, down) = adjacency(&vx, &segments);
    Built {
        graph: Layered {
            layers,
            rank: vx.layer.clone(),
            pos,
            cluster: vx.cluster.clone(),
            up,
            down,
        },
        vertices: vx,
        segments,
        chains,
        span,
    }
}

/// Segments (upper vertex, lower vertex, weight) and one chain per edge.
type Chains = (Vec<(usize, usize, f64)>, Vec<Option<Chain>>);

/// Each edge as a chain through the layers between its ends: dummy vertices, its label in the
/// middle one, all in the innermost cluster holding both ends. A self-loop gets a label vertex
/// in the next layer.
fn chains(
    g: &Graph,
    tree: &Tree,
    ranks: &[usize],
    reversed: &[bool],
    valid: &[bool],
    node_cluster: &[Option<usize>],
    vx: &mut Vertices,
) -> Chains {
    let n = g.nodes.len();
    let mut segments: Vec<(usize, usize, f64)> = Vec::new();
    let mut chains: Vec<Option<Chain>> = Vec::new();
    let direct = over_budget(g, ranks, valid, DUMMIES + DUMMIES_PER_NODE * n);
    let mut k = 0;
    for (i, (e, ok)) in g.edges.iter().zip(valid).enumerate() {
        if !*ok {
            chains.push(None);
            continue;
        }
        let rev = reversed[k];
        k += 1;
        if direct[i] {
            let (a, b) = if rev { (e.to, e.from) } else { (e.from, e.to) };
            chains.push(Some(Chain {
                vertices: vec![a, b],
                segments: Vec::new(),
                reversed: rev,
                label: None,
                self_loop: false,
            }));
            continue;
        }
        if e.from == e.to {
            let s = e.label.unwrap_or(LOOP);
            let l = 2 * ranks[e.from] + 1;
            let d = vx.add(s, Role::Label, l, node_cluster[e.from]);
            segments.push((e.from, d, 2.0));
            segments.push((e.from, d, 2.0));
            chains.push(Some(Chain {
                vertices: vec![e.from, d, e.from],
                segments: vec![segments.len() - 2, segments.len() - 1],
                reversed: false,
                label: e.label.map(|_| d),
                self_loop: true,
            }));
            continue;
        }
        let (a, b) = if rev { (e.to, e.from) } else { (e.from, e.to) };
        let (la, lb) = (2 * ranks[a], 2 * ranks[b]);
        let home = tree.common(node_cluster[a], node_cluster[b]);
        let odd = (lb - la) / 2;
        let label_layer = la + 1 + 2 * ((odd - 1) / 2);
        let mut vertices = vec![a];
        let mut label = None;
        for l in la + 1..lb {
            let (s, r) = match e.label {
                Some(s) if l == label_layer => (s, Role::Label),
                _ => (Size { w: 0.0, h: 2.0 }, Role::Dummy),
            };
            let d = vx.add(s, r, l, home);
            if r == Role::Label {
                label = Some(d);
            }
            vertices.push(d);
        }
        vertices.push(b);
        let mut segs = Vec::with_capacity(vertices.len() - 1);
        for w in vertices.windows(2) {
            let weight = match (w[0] < n, w[1] < n) {
                (true, true) => 1.0,
                (false, false) => 8.0,
                _ => 2.0,
            };
            segs.push(segments.len());
            segments.push((w[0], w[1], weight));
        }
        chains.push(Some(Chain {
            vertices,
            segments: segs,
            reversed: rev,
            label,
            self_loop: false,
        }));
    }

    (segments, chains)
}

/// The edges to draw straight so that the others need at most `budget` dummy vertices: the
/// longest first.
fn over_budget(g: &Graph, ranks: &[usize], valid: &[bool], budget: usize) -> Vec<bool> {
    let mut direct = vec![false; g.edges.len()];
    // Dummies per edge: one per layer strictly between its ends (ranks are doubled).
    let dummies = |e: &super::EdgeSpec| (2 * ranks[e.from].abs_diff(ranks[e.to])).saturating_sub(1);
    let mut long: Vec<(usize, usize)> = g
        .edges
        .iter()
        .zip(valid)
        .enumerate()
        .filter(|(_, (e, ok))| **ok && e.from != e.to)
        .map(|(i, (e, _))| (dummies(e), i))
        .collect();
    let mut total: usize = long.iter().map(|(d, _)| d).sum();
    if total <= budget {
        return direct;
    }
    long.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (d, i) in long {
        if total <= budget {
            break;
        }
        direct[i] = true;
        total -= d;
    }
    direct
}

/// Empty clusters get a placeholder so they still show (innermost first, so a cluster that holds
/// only empty clusters is filled by theirs).
fn placeholders(tree: &Tree, deepest_first: &[usize], vx: &mut Vertices) {
    let mut occupied = vec![false; tree.parent.len()];
    for c in vx.cluster.iter().flatten() {
        for &a in &tree.chain[*c] {
            occupied[a] = true;
        }
    }
    for &c in deepest_first {
        if !occupied[c] {
            vx.add(PLACEHOLDER, Role::Filler, 0, Some(c));
            for &a in &tree.chain[c] {
                occupied[a] = true;
            }
        }
    }
}

/// The layers each cluster spans; a filler goes wherever a cluster spans a layer with nothing
/// of it, so that every cluster is a block in every column it crosses.
fn fillers(tree: &Tree, deepest_first: &[usize], vx: &mut Vertices) -> Vec<(usize, usize)> {
    let mut span: Vec<(usize, usize)> = vec![(usize::MAX, 0); tree.parent.len()];
    for (v, c) in vx.cluster.iter().enumerate() {
        if let Some(c) = c {
            for &a in &tree.chain[*c] {
                span[a].0 = span[a].0.min(vx.layer[v]);
                span[a].1 = span[a].1.max(vx.layer[v]);
            }
        }
    }
    let mut present: Vec<Vec<bool>> = span
        .iter()
        .map(|&(s, e)| vec![false; e.saturating_sub(s) + 1])
        .collect();
    for (v, c) in vx.cluster.iter().enumerate() {
        if let Some(c) = c {
            for &a in &tree.chain[*c] {
                present[a][vx.layer[v] - span[a].0] = true;
            }
        }
    }
    for &c in deepest_first {
        for l in span[c].0..=span[c].1 {
            if !present[c][l - span[c].0] {
                vx.add(Size { w: 0.0, h: 0.0 }, Role::Filler, l, Some(c));
                for &a in &tree.chain[c] {
                    present[a][l - span[a].0] = true;
                }
            }
        }
    }

    span
}

/// Layers (vertices in index order), positions, and neighbours up and down.
type Adjacency = (
    Vec<Vec<usize>>,
    Vec<usize>,
    Vec<Vec<(usize, f64)>>,
    Vec<Vec<(usize, f64)>>,
);

fn adjacency(vx: &Vertices, segments: &[(usize, usize, f64)]) -> Adjacency {
    let nlayers = vx.layer.iter().max().map_or(0, |m| m + 1);
    let nv = vx.size.len();
    let mut up = vec![Vec::new(); nv];
    let mut down = vec![Vec::new(); nv];
    for &(a, b, w) in segments {
        down[a].push((b, w));
        up[b].push((a, w));
    }
    let mut layers = vec![Vec::new(); nlayers];
    for v in 0..nv {
        layers[vx.layer[v]].push(v);
    }
    let mut pos = vec![0; nv];
    for l in &layers {
        for (i, &v) in l.iter().enumerate() {
            pos[v] = i;
        }
    }
    (layers, pos, up, down)
}
