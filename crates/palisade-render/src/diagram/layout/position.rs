//! Coordinates: layers become columns (x); within a layer, vertices and cluster boxes are placed
//! top to bottom (y).
//!
//! The vertical order fixed by crossing reduction becomes a system of difference constraints
//! (`below ≥ above + gap`) over vertex tops and the top and bottom of every cluster box, which
//! is the same in every layer the cluster spans. Any solution keeps boxes and vertices apart, so
//! the solver only moves things within what the constraints allow: it starts from a feasible
//! solution and moves vertices, then whole clusters, towards their neighbours.

use super::{Layered, Size, Tree};
use std::collections::HashMap;

/// Vertical gap between a vertex and a box, or two boxes.
pub const BOX_GAP: f64 = 14.0;
/// Room between a box's last item and its bottom edge.
pub const PAD_BOTTOM: f64 = 12.0;
/// Room between a box's title and its first item.
pub const HEAD_GAP: f64 = 8.0;
/// Horizontal room between a box's edge and what it contains.
pub const PAD_X: f64 = 14.0;
/// Smallest horizontal gap between adjacent layers.
pub const LAYER_GAP: f64 = 26.0;
/// Smallest horizontal gap between boxes in neighbouring layers.
pub const BOX_GAP_X: f64 = 14.0;
/// Relaxation rounds.
const ITERATIONS: usize = 24;
/// How far a box edge with nothing beyond it grows in one round.
const OPEN_ROOM: f64 = 40.0;

/// Where everything went.
pub struct Placed {
    /// Top of each vertex.
    pub y: Vec<f64>,
    /// Top and bottom of each cluster box.
    pub cluster_y: Vec<(f64, f64)>,
    /// Left edge and width of each layer.
    pub layer_x: Vec<(f64, f64)>,
    /// Left and right edge of each cluster box.
    pub cluster_x: Vec<(f64, f64)>,
    /// Right edge of the drawing.
    pub width: f64,
}

/// Sizes and spacing of the vertices and clusters.
pub struct Metrics<'a> {
    pub size: &'a [Size],
    /// Vertical gap each vertex wants from its neighbours in a layer.
    pub sep: &'a [f64],
    /// Title block of each cluster.
    pub header: &'a [Size],
    /// First and last layer of each cluster.
    pub span: &'a [(usize, usize)],
    /// Left margin.
    pub margin: f64,
}

pub fn place(g: &Layered, tree: &Tree, m: &Metrics) -> Placed {
    let mut s = Solver::new(g, tree, m);
    s.relax();
    let nv = g.rank.len();
    let y = s.y[..nv].to_vec();
    let cluster_y = (0..tree.parent.len())
        .map(|c| (s.y[nv + 2 * c], s.y[nv + 2 * c + 1]))
        .collect();
    let (layer_x, cluster_x, width) = columns(g, tree, m);
    Placed {
        y,
        cluster_y,
        layer_x,
        cluster_x,
        width,
    }
}

struct Solver<'a> {
    g: &'a Layered,
    tree: &'a Tree,
    m: &'a Metrics<'a>,
    nv: usize,
    /// Value of each variable: vertex tops, then top and bottom of each cluster.
    y: Vec<f64>,
    preds: Vec<Vec<(usize, f64)>>,
    succs: Vec<Vec<(usize, f64)>>,
    /// Vertices inside each cluster, at any depth.
    members: Vec<Vec<usize>>,
    /// Each cluster and the clusters nested in it, at any depth.
    nested: Vec<Vec<usize>>,
}

#[derive(Clone, Copy)]
enum Item {
    Vertex(usize),
    Box(usize),
}

impl<'a> Solver<'a> {
    fn new(g: &'a Layered, tree: &'a Tree, m: &'a Metrics<'a>) -> Self {
        let nv = g.rank.len();
        let nc = tree.parent.len();
        let nvar = nv + 2 * nc;
        let mut cons: HashMap<(usize, usize), f64> = HashMap::new();
        let mut add = |a: usize, b: usize, d: f64| {
            let e = cons.entry((a, b)).or_insert(d);
            *e = e.max(d);
        };
        let top = |c: usize| nv + 2 * c;
        let bottom = |c: usize| nv + 2 * c + 1;
        let head = |c: usize| m.header[c].h + HEAD_GAP;
        for layer in &g.layers {
            let mut stack: Vec<usize> = Vec::new();
            let mut last: Option<Item> = None;
            // The constraint from the previous item to the next one.
            let after = |last: Item, next_sep: f64| -> (usize, f64) {
                match last {
                    Item::Vertex(u) => (u, m.size[u].h + m.sep[u].max(next_sep)),
                    Item::Box(c) => (bottom(c), BOX_GAP.max(next_sep)),
                }
            };
            let close =
                |c: usize, last: &mut Option<Item>, add: &mut dyn FnMut(usize, usize, f64)| {
                    match *last {
                        Some(Item::Vertex(u)) => add(u, bottom(c), m.size[u].h + PAD_BOTTOM),
                        Some(Item::Box(d)) => add(bottom(d), bottom(c), PAD_BOTTOM),
                        None => add(top(c), bottom(c), head(c) + PAD_BOTTOM),
                    }
                    *last = Some(Item::Box(c));
                };
            for &v in layer {
                let chain = g.cluster[v].map_or(&[][..], |c| &tree.chain[c][..]);
                let k = stack.iter().zip(chain).take_while(|(a, b)| a == b).count();
                while stack.len() > k {
                    let c = stack.pop().expect("len > k");
                    close(c, &mut last, &mut add);
                }
                for &c in &chain[k..] {
                    match last {
                        Some(item) => {
                            let (a, d) = after(item, BOX_GAP);
                            add(a, top(c), d);
                        }
                        None => {
                            if let Some(&p) = stack.last() {
                                add(top(p), top(c), head(p));
                            }
                        }
                    }
                    stack.push(c);
                    last = None;
                }
                match last {
                    Some(item) => {
                        let (a, d) = after(item, m.sep[v]);
                        add(a, v, d);
                    }
                    None => {
                        if let Some(&p) = stack.last() {
                            add(top(p), v, head(p));
                        }
                    }
                }
                last = Some(Item::Vertex(v));
            }
            while let Some(c) = stack.pop() {
                close(c, &mut last, &mut add);
            }
        }
        for c in 0..nc {
            add(top(c), bottom(c), head(c) + PAD_BOTTOM);
        }
        let mut list: Vec<((usize, usize), f64)> = cons.into_iter().collect();
        list.sort_by_key(|&(k, _)| k);
        let mut preds = vec![Vec::new(); nvar];
        let mut succs = vec![Vec::new(); nvar];
        for ((a, b), d) in list {
            succs[a].push((b, d));
            preds[b].push((a, d));
        }
        let mut members = vec![Vec::new(); nc];
        for v in 0..nv {
            if let Some(c) = g.cluster[v] {
                for &a in &tree.chain[c] {
                    members[a].push(v);
                }
            }
        }
        let mut nested = vec![Vec::new(); nc];
        for d in 0..nc {
            for &a in &tree.chain[d] {
                nested[a].push(d);
            }
        }
        let mut s = Solver {
            g,
            tree,
            m,
            nv,
            y: vec![0.0; nvar],
            preds,
            succs,
            members,
            nested,
        };
        s.initial();
        s
    }

    fn extent(&self, var: usize) -> f64 {
        if var < self.nv {
            self.m.size[var].h
        } else {
            0.0
        }
    }

    /// A feasible start: halfway between everything packed up and everything packed down.
    fn initial(&mut self) {
        let n = self.y.len();
        let mut indegree: Vec<usize> = self.preds.iter().map(Vec::len).collect();
        let mut queue: std::collections::VecDeque<usize> =
            (0..n).filter(|&v| indegree[v] == 0).collect();
        let mut topo = Vec::with_capacity(n);
        while let Some(v) = queue.pop_front() {
            topo.push(v);
            for &(s, _) in &self.succs[v] {
                indegree[s] -= 1;
                if indegree[s] == 0 {
                    queue.push_back(s);
                }
            }
        }
        // The orders of crossing reduction never contradict each other, so this holds; should it
        // not, the variables left out keep 0 and the drawing overlaps instead of failing.
        debug_assert_eq!(topo.len(), n, "box constraints form a cycle");
        let mut early = vec![0.0f64; n];
        for &v in &topo {
            for &(p, d) in &self.preds[v] {
                early[v] = early[v].max(early[p] + d);
            }
        }
        let height = topo
            .iter()
            .map(|&v| early[v] + self.extent(v))
            .fold(0.0, f64::max);
        let mut late = vec![0.0f64; n];
        for &v in topo.iter().rev() {
            late[v] = self.succs[v]
                .iter()
                .map(|&(s, d)| late[s] - d)
                .fold(height - self.extent(v), f64::min);
        }
        for &v in &topo {
            self.y[v] = (early[v] + late[v]) / 2.0;
        }
    }

    /// Lowest value `var` can take with everything else fixed.
    fn up_limit(&self, var: usize) -> f64 {
        self.preds[var]
            .iter()
            .map(|&(p, d)| self.y[p] + d)
            .fold(f64::NEG_INFINITY, f64::max)
    }

    /// Highest value `var` can take with everything else fixed.
    fn down_limit(&self, var: usize) -> f64 {
        self.succs[var]
            .iter()
            .map(|&(s, d)| self.y[s] - d)
            .fold(f64::INFINITY, f64::min)
    }

    fn center(&self, v: usize) -> f64 {
        self.y[v] + self.m.size[v].h / 2.0
    }

    /// Each round: boxes grow into half the free room around them (so their members can move
    /// there), vertices move towards their neighbours, whole clusters move towards the
    /// neighbours of their members outside, and boxes shrink around what they hold again.
    /// Every step keeps every constraint, so any number of rounds gives a valid drawing.
    fn relax(&mut self) {
        let mut by_depth: Vec<usize> = (0..self.tree.parent.len()).collect();
        by_depth.sort_by_key(|&c| (self.tree.chain[c].len(), c));
        // Fewer rounds on very large graphs: the first rounds do most of the work.
        let work = self.y.len() + self.preds.iter().map(Vec::len).sum::<usize>();
        let rounds = (1_000_000 / work.max(1)).clamp(4, ITERATIONS);
        for it in 0..rounds {
            self.grow();
            self.move_vertices(it % 2 == 1);
            for &c in &by_depth {
                self.move_cluster(c);
            }
            self.tighten(&by_depth);
        }
    }

    /// Move every box edge halfway towards whatever limits it. Amounts are computed first and
    /// applied together: two edges facing each other across a gap each take half of it.
    fn grow(&mut self) {
        let nc = self.tree.parent.len();
        let mut moves = Vec::with_capacity(2 * nc);
        for c in 0..nc {
            let (t, b) = (self.nv + 2 * c, self.nv + 2 * c + 1);
            // Nothing above or below: room enough to let members spread.
            let up = self.up_limit(t).max(self.y[t] - 2.0 * OPEN_ROOM);
            if up < self.y[t] {
                moves.push((t, (self.y[t] + up) / 2.0));
            }
            let down = self.down_limit(b).min(self.y[b] + 2.0 * OPEN_ROOM);
            if down > self.y[b] {
                moves.push((b, (self.y[b] + down) / 2.0));
            }
        }
        for (var, value) in moves {
            self.y[var] = value;
        }
    }

    fn move_vertices(&mut self, backwards: bool) {
        let g = self.g;
        let nl = g.layers.len();
        for li in 0..nl {
            let l = if backwards { nl - 1 - li } else { li };
            let len = g.layers[l].len();
            for i in 0..len {
                let v = g.layers[l][if backwards { len - 1 - i } else { i }];
                let (mut sum, mut wsum) = (0.0, 0.0);
                for &(u, w) in g.up[v].iter().chain(&g.down[v]) {
                    sum += self.center(u) * w;
                    wsum += w;
                }
                if wsum == 0.0 {
                    continue;
                }
                let want = sum / wsum - self.m.size[v].h / 2.0;
                let lo = self.up_limit(v);
                let hi = self.down_limit(v);
                if lo <= hi {
                    self.y[v] = want.clamp(lo, hi);
                }
            }
        }
    }

    /// Move a whole cluster towards the neighbours of its members outside it.
    fn move_cluster(&mut self, c: usize) {
        let g = self.g;
        let depth = self.tree.chain[c].len() - 1;
        let inside =
            |u: usize| g.cluster[u].is_some_and(|x| self.tree.chain[x].get(depth) == Some(&c));
        let (mut sum, mut wsum) = (0.0, 0.0);
        for &v in &self.members[c] {
            for &(u, w) in g.up[v].iter().chain(&g.down[v]) {
                if !inside(u) {
                    sum += (self.center(u) - self.center(v)) * w;
                    wsum += w;
                }
            }
        }
        if wsum == 0.0 {
            return;
        }
        // Only the box's own edges meet anything outside it.
        let (t, b) = (self.nv + 2 * c, self.nv + 2 * c + 1);
        let lo = self.up_limit(t) - self.y[t];
        let hi = self.down_limit(b) - self.y[b];
        if !(lo <= 0.0 && hi >= 0.0) {
            return;
        }
        let delta = (sum / wsum).clamp(lo, hi);
        if delta == 0.0 {
            return;
        }
        for i in 0..self.members[c].len() {
            let v = self.members[c][i];
            self.y[v] += delta;
        }
        for i in 0..self.nested[c].len() {
            let d = self.nested[c][i];
            self.y[self.nv + 2 * d] += delta;
            self.y[self.nv + 2 * d + 1] += delta;
        }
    }

    /// Shrink every box around what it contains, innermost first.
    fn tighten(&mut self, by_depth: &[usize]) {
        for &c in by_depth.iter().rev() {
            let (t, b) = (self.nv + 2 * c, self.nv + 2 * c + 1);
            let top = self.succs[t]
                .iter()
                .map(|&(s, d)| self.y[s] - d)
                .fold(f64::INFINITY, f64::min);
            let bottom = self.preds[b]
                .iter()
                .map(|&(p, d)| self.y[p] + d)
                .fold(f64::NEG_INFINITY, f64::max);
            if top.is_finite() {
                self.y[t] = top;
            }
            if bottom.is_finite() {
                self.y[b] = bottom;
            }
        }
    }
}

/// Layer columns and the horizontal extent of boxes. A box reaches `PAD_X` beyond the layers
/// it spans (more around nested boxes, and enough for its title); the gap between two layers
/// leaves room for the boxes that end and start there.
/// Left edge and width of each layer, left and right edge of each box, right edge of all.
type Columns = (Vec<(f64, f64)>, Vec<(f64, f64)>, f64);

fn columns(g: &Layered, tree: &Tree, m: &Metrics) -> Columns {
    let nl = g.layers.len();
    let nc = tree.parent.len();
    let widths: Vec<f64> = g
        .layers
        .iter()
        .map(|l| l.iter().map(|&v| m.size[v].w).fold(0.0, f64::max))
        .collect();
    let mut by_depth: Vec<usize> = (0..nc).collect();
    by_depth.sort_by_key(|&c| (std::cmp::Reverse(tree.chain[c].len()), c));
    let mut left = vec![0.0; nc];
    let mut right = vec![0.0; nc];
    for &c in &by_depth {
        let (s, e) = m.span[c];
        left[c] = PAD_X;
        right[c] = PAD_X;
        for &d in &tree.children[c] {
            if m.span[d].0 == s {
                left[c] = f64::max(left[c], left[d] + PAD_X);
            }
            if m.span[d].1 == e {
                right[c] = f64::max(right[c], right[d] + PAD_X);
            }
        }
    }
    let xs = |left: &[f64], right: &[f64]| -> (Vec<f64>, f64) {
        let mut start_pad = vec![0.0f64; nl];
        let mut end_pad = vec![0.0f64; nl];
        for c in 0..nc {
            let (s, e) = m.span[c];
            start_pad[s] = start_pad[s].max(left[c]);
            end_pad[e] = end_pad[e].max(right[c]);
        }
        let mut x = vec![0.0; nl];
        let mut cur = m.margin + start_pad.first().copied().unwrap_or(0.0);
        for l in 0..nl {
            x[l] = cur;
            if l + 1 < nl {
                let gap = LAYER_GAP.max(end_pad[l] + start_pad[l + 1] + BOX_GAP_X);
                cur += widths[l] + gap;
            } else {
                cur += widths[l] + end_pad[l];
            }
        }
        (x, cur)
    };
    let (x0, _) = xs(&left, &right);
    // Widen boxes too narrow for their titles (positions only move apart when pads grow, so
    // measuring with the old ones is safe).
    for &c in &by_depth {
        let (s, e) = m.span[c];
        for &d in &tree.children[c] {
            if m.span[d].1 == e {
                right[c] = f64::max(right[c], right[d] + PAD_X);
            }
        }
        let have = x0[e] + widths[e] + right[c] - (x0[s] - left[c]);
        let need = m.header[c].w;
        if have < need {
            right[c] += need - have;
        }
    }
    let (x, width) = xs(&left, &right);
    let layer_x = (0..nl).map(|l| (x[l], widths[l])).collect();
    let cluster_x = (0..nc)
        .map(|c| {
            let (s, e) = m.span[c];
            (x[s] - left[c], x[e] + widths[e] + right[c])
        })
        .collect();
    (layer_x, cluster_x, width)
}
