//! A layered (Sugiyama-style) layout, left to right, of a graph whose nodes sit in nested
//! clusters.
//!
//! 1. **Ranks** (`rank.rs`): cycles broken by depth-first search, longest-path ranks, then each
//!    node moved to where its edges are shortest.
//! 2. **Layered graph** (here): ranks doubled so every edge gets a middle layer for its label;
//!    edges longer than one layer become chains of dummy vertices, the label one of them, so
//!    labels take room like nodes and never overlap anything. A cluster gets an invisible filler
//!    in each layer it spans but has nothing in, so it is present as a block in every column.
//! 3. **Order** (`order.rs`): barycenter sweeps with clusters kept contiguous.
//! 4. **Coordinates** (`position.rs`): columns, then vertical positions under constraints that
//!    keep every box around its members and away from everything else.
//!
//! The layout is pure and deterministic: the same graph gives the same coordinates, bit for bit.

mod build;
mod order;
mod position;
mod rank;
mod route;

pub use position::{BOX_GAP, PAD_X};

/// Width and height.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Size {
    pub w: f64,
    pub h: f64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

/// An axis-aligned rectangle.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    pub fn right(&self) -> f64 {
        self.x + self.w
    }
    pub fn bottom(&self) -> f64 {
        self.y + self.h
    }
    pub fn center(&self) -> Point {
        Point {
            x: self.x + self.w / 2.0,
            y: self.y + self.h / 2.0,
        }
    }
    /// Whether the two overlap in more than an edge.
    pub fn overlaps(&self, o: &Rect) -> bool {
        self.x < o.right() && o.x < self.right() && self.y < o.bottom() && o.y < self.bottom()
    }
    /// Whether `o` lies inside this rectangle.
    pub fn contains(&self, o: &Rect) -> bool {
        o.x >= self.x && o.y >= self.y && o.right() <= self.right() && o.bottom() <= self.bottom()
    }
}

/// What to lay out.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    pub nodes: Vec<NodeSpec>,
    pub clusters: Vec<ClusterSpec>,
    pub edges: Vec<EdgeSpec>,
}

#[derive(Debug, Clone)]
pub struct NodeSpec {
    pub size: Size,
    /// The innermost cluster around the node.
    pub cluster: Option<usize>,
    /// Where flows start (actors): cycles through it are broken so it comes first.
    pub first: bool,
}

#[derive(Debug, Clone)]
pub struct ClusterSpec {
    pub parent: Option<usize>,
    /// Room for the title at the top of the box; the box is at least this wide.
    pub header: Size,
}

#[derive(Debug, Clone)]
pub struct EdgeSpec {
    pub from: usize,
    pub to: usize,
    /// Room for the label, if any.
    pub label: Option<Size>,
}

/// Where everything goes.
#[derive(Debug, Clone)]
pub struct Layout {
    pub nodes: Vec<Rect>,
    pub clusters: Vec<Rect>,
    pub edges: Vec<Route>,
    pub width: f64,
    pub height: f64,
}

/// The path of one edge, from its `from` node to its `to` node.
#[derive(Debug, Clone)]
pub struct Route {
    /// Points to join with curves that leave and arrive horizontally.
    pub points: Vec<Point>,
    /// Where the label goes (centred in this box).
    pub label: Option<Rect>,
    /// An edge from a node to itself: a loop out of the node's right side and back.
    pub self_loop: bool,
}

/// Space around the drawing.
const MARGIN: f64 = 16.0;
/// Vertical gap between nodes in a layer, and around edges and labels.
const NODE_SEP: f64 = 22.0;
const LABEL_SEP: f64 = 10.0;
const DUMMY_SEP: f64 = 8.0;

/// The layered graph the phases work on: nodes, label vertices, dummies and fillers.
pub(crate) struct Layered {
    pub layers: Vec<Vec<usize>>,
    pub rank: Vec<usize>,
    /// Index of each vertex in its layer.
    pub pos: Vec<usize>,
    pub cluster: Vec<Option<usize>>,
    /// Neighbours in the previous and the next layer, with weights.
    pub up: Vec<Vec<(usize, f64)>>,
    pub down: Vec<Vec<(usize, f64)>>,
}

/// The cluster tree.
pub(crate) struct Tree {
    pub parent: Vec<Option<usize>>,
    pub children: Vec<Vec<usize>>,
    /// Each cluster's ancestors from the outermost down to the cluster itself.
    pub chain: Vec<Vec<usize>>,
}

impl Tree {
    fn new(specs: &[ClusterSpec]) -> Tree {
        let n = specs.len();
        let mut parent: Vec<Option<usize>> =
            specs.iter().map(|c| c.parent.filter(|&p| p < n)).collect();
        // A cycle of parents (never in a validated model) is cut where it closes.
        let mut chain = Vec::with_capacity(n);
        for c in 0..n {
            let mut ch = vec![c];
            let mut cur = parent[c];
            while let Some(p) = cur {
                if ch.contains(&p) {
                    let last = *ch.last().expect("non-empty");
                    parent[last] = None;
                    break;
                }
                ch.push(p);
                cur = parent[p];
            }
            ch.reverse();
            chain.push(ch);
        }
        // Cutting may have changed chains computed earlier: compute them again.
        for (c, ch) in chain.iter_mut().enumerate() {
            ch.clear();
            let mut cur = Some(c);
            while let Some(p) = cur {
                ch.push(p);
                cur = parent[p];
            }
            ch.reverse();
        }
        let mut children = vec![Vec::new(); n];
        for (c, p) in parent.iter().enumerate() {
            if let Some(p) = p {
                children[*p].push(c);
            }
        }
        Tree {
            parent,
            children,
            chain,
        }
    }

    /// The innermost cluster containing both, if any.
    fn common(&self, a: Option<usize>, b: Option<usize>) -> Option<usize> {
        let (a, b) = (a?, b?);
        self.chain[a]
            .iter()
            .zip(&self.chain[b])
            .take_while(|(x, y)| x == y)
            .last()
            .map(|(x, _)| *x)
    }
}

/// Lay out `g`.
pub fn layout(g: &Graph) -> Layout {
    let tree = Tree::new(&g.clusters);
    let n = g.nodes.len();
    let nc = g.clusters.len();
    let valid: Vec<bool> = g.edges.iter().map(|e| e.from < n && e.to < n).collect();
    let pairs: Vec<(usize, usize)> = g
        .edges
        .iter()
        .zip(&valid)
        .filter(|(_, ok)| **ok)
        .map(|(e, _)| (e.from, e.to))
        .collect();
    let first: Vec<bool> = g.nodes.iter().map(|s| s.first).collect();
    let (ranks, reversed) = rank::rank(n, &pairs, &first);
    let build::Built {
        graph: mut lg,
        vertices: vx,
        segments,
        chains,
        span,
    } = build::build(g, &tree, &ranks, &reversed, &valid);
    order::order(&mut lg, &tree);

    let sep: Vec<f64> = vx
        .role
        .iter()
        .map(|r| match r {
            build::Role::Node => NODE_SEP,
            build::Role::Label => LABEL_SEP,
            build::Role::Dummy | build::Role::Filler => DUMMY_SEP,
        })
        .collect();
    let header: Vec<Size> = g.clusters.iter().map(|c| c.header).collect();
    let placed = position::place(
        &lg,
        &tree,
        &position::Metrics {
            size: &vx.size,
            sep: &sep,
            header: &header,
            span: &span,
            margin: MARGIN,
        },
    );

    // Rectangles, shifted so the drawing starts at the margin.
    let rect = |v: usize| {
        let (x, w) = placed.layer_x[lg.rank[v]];
        Rect {
            x: x + (w - vx.size[v].w) / 2.0,
            y: placed.y[v],
            w: vx.size[v].w,
            h: vx.size[v].h,
        }
    };
    let mut rects: Vec<Rect> = (0..vx.size.len()).map(rect).collect();
    let mut boxes: Vec<Rect> = (0..nc)
        .map(|c| Rect {
            x: placed.cluster_x[c].0,
            y: placed.cluster_y[c].0,
            w: placed.cluster_x[c].1 - placed.cluster_x[c].0,
            h: placed.cluster_y[c].1 - placed.cluster_y[c].0,
        })
        .collect();
    let top = rects
        .iter()
        .map(|r| r.y)
        .chain(boxes.iter().map(|b| b.y))
        .fold(f64::INFINITY, f64::min);
    let shift = if top.is_finite() { MARGIN - top } else { 0.0 };
    for r in rects.iter_mut().chain(boxes.iter_mut()) {
        r.y += shift;
    }
    let height = rects
        .iter()
        .map(|r| r.bottom())
        .chain(boxes.iter().map(|b| b.bottom()))
        .fold(0.0, f64::max)
        + MARGIN;

    let (out, into) = route::ports(&segments, &rects, n);
    let edges = chains
        .iter()
        .map(|c| match c {
            None => Route {
                points: Vec::new(),
                label: None,
                self_loop: false,
            },
            Some(c) => route::route(c, &rects, &out, &into),
        })
        .collect();
    Layout {
        nodes: rects[..n].to_vec(),
        clusters: boxes,
        edges,
        width: placed.width + MARGIN,
        height,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(cluster: Option<usize>) -> NodeSpec {
        NodeSpec {
            size: Size { w: 100.0, h: 40.0 },
            cluster,
            first: false,
        }
    }

    fn cluster(parent: Option<usize>) -> ClusterSpec {
        ClusterSpec {
            parent,
            header: Size { w: 80.0, h: 30.0 },
        }
    }

    fn edge(from: usize, to: usize, label: bool) -> EdgeSpec {
        EdgeSpec {
            from,
            to,
            label: label.then_some(Size { w: 60.0, h: 20.0 }),
        }
    }

    /// Node and label boxes apart; every number finite.
    fn sane(lay: &Layout) {
        let mut boxes: Vec<Rect> = lay.nodes.clone();
        boxes.extend(lay.edges.iter().filter_map(|e| e.label));
        for (i, a) in boxes.iter().enumerate() {
            assert!(a.x.is_finite() && a.y.is_finite(), "{a:?}");
            for b in &boxes[i + 1..] {
                assert!(!a.overlaps(b), "{a:?} overlaps {b:?}");
            }
        }
        for r in lay.clusters.iter().chain(&lay.nodes) {
            assert!(r.x >= 0.0 && r.y >= 0.0 && r.right() <= lay.width && r.bottom() <= lay.height);
        }
        for e in &lay.edges {
            assert!(e.points.iter().all(|p| p.x.is_finite() && p.y.is_finite()));
        }
    }

    #[test]
    fn an_empty_graph_has_an_empty_layout() {
        let lay = layout(&Graph::default());
        assert!(lay.nodes.is_empty() && lay.edges.is_empty());
        assert!(lay.width.is_finite() && lay.height.is_finite());
    }

    #[test]
    fn edges_run_left_to_right_and_arrive_at_their_ends() {
        let g = Graph {
            nodes: vec![node(None), node(None), node(None)],
            clusters: vec![],
            edges: vec![edge(0, 1, true), edge(1, 2, false), edge(2, 0, true)],
        };
        let lay = layout(&g);
        sane(&lay);
        assert!(lay.nodes[0].x < lay.nodes[1].x && lay.nodes[1].x < lay.nodes[2].x);
        for (e, spec) in lay.edges.iter().zip(&g.edges) {
            let (a, b) = (lay.nodes[spec.from], lay.nodes[spec.to]);
            let (start, end) = (e.points[0], *e.points.last().unwrap());
            assert!(start.x == a.x || start.x == a.right(), "{start:?} {a:?}");
            assert!(end.x == b.x || end.x == b.right(), "{end:?} {b:?}");
        }
        // The edge closing the cycle runs right to left, with its label between.
        let back = &lay.edges[2];
        assert!(back.points[0].x > back.points.last().unwrap().x);
        assert!(back.label.is_some());
    }

    #[test]
    fn self_loops_parallel_edges_and_bad_indices_are_drawn_or_skipped() {
        let g = Graph {
            nodes: vec![node(Some(0)), node(Some(0))],
            clusters: vec![cluster(None)],
            edges: vec![
                edge(0, 0, true),
                edge(0, 1, true),
                edge(0, 1, true),
                edge(1, 0, false),
                edge(0, 7, true),
            ],
        };
        let lay = layout(&g);
        sane(&lay);
        assert!(lay.edges[0].self_loop && lay.edges[0].points.len() == 3);
        assert!(lay.edges[4].points.is_empty());
        for r in &lay.nodes {
            assert!(lay.clusters[0].contains(r));
        }
    }

    #[test]
    fn empty_clusters_still_get_boxes_apart_from_the_rest() {
        // 0 holds 1 (empty) and 2 (holds empty 3); 4 is empty at the top; a cluster with a
        // parent out of range and a cycle of parents are treated as top-level.
        let g = Graph {
            nodes: vec![node(None), node(Some(5))],
            clusters: vec![
                cluster(None),
                cluster(Some(0)),
                cluster(Some(0)),
                cluster(Some(2)),
                cluster(None),
                cluster(Some(99)),
                cluster(Some(7)),
                cluster(Some(6)),
            ],
            edges: vec![edge(0, 1, true)],
        };
        let lay = layout(&g);
        sane(&lay);
        let inside =
            |outer: usize, inner: usize| lay.clusters[outer].contains(&lay.clusters[inner]);
        assert!(inside(0, 1) && inside(0, 2) && inside(2, 3));
        for (a, b) in [(0, 4), (0, 5), (1, 2), (4, 5), (0, 6), (4, 6), (5, 6)] {
            assert!(!lay.clusters[a].overlaps(&lay.clusters[b]), "{a} and {b}");
        }
        assert!(
            lay.clusters[6].contains(&lay.clusters[7])
                || lay.clusters[7].contains(&lay.clusters[6])
        );
        assert!(!lay.clusters[0].overlaps(&lay.nodes[0]));
        assert!(lay.clusters[5].contains(&lay.nodes[1]));
    }

    #[test]
    fn the_longest_edges_go_straight_when_dummies_would_exceed_the_budget() {
        // A chain of 600 nodes (1,200 layers) and 40 edges along all of it: about 48,000
        // dummies, over the budget of 46,000.
        let n = 600;
        let mut edges: Vec<EdgeSpec> = (1..n).map(|i| edge(i - 1, i, false)).collect();
        edges.extend((0..40).map(|_| edge(0, n - 1, true)));
        let g = Graph {
            nodes: (0..n).map(|_| node(None)).collect(),
            clusters: vec![],
            edges,
        };
        let lay = layout(&g);
        sane(&lay);
        let long = &lay.edges[n - 1..];
        let straight = long.iter().filter(|e| e.points.len() == 2).count();
        assert!(straight > 0 && straight < 40, "{straight}");
        assert!(
            long.iter()
                .all(|e| (e.points.len() == 2) == e.label.is_none())
        );
    }

    #[test]
    fn boxes_are_wide_enough_for_their_titles() {
        let mut c = cluster(None);
        c.header.w = 400.0;
        let g = Graph {
            nodes: vec![node(Some(0))],
            clusters: vec![c],
            edges: vec![],
        };
        let lay = layout(&g);
        assert!(lay.clusters[0].w >= 400.0);
    }
}
