//! Crossing reduction: the order of vertices within each layer.
//!
//! Barycenter sweeps, down and up, keep the best order seen. Clusters stay contiguous in every
//! layer (a layer is sorted by cluster path first), and sibling clusters keep one order in all
//! layers, so that each cluster can later be drawn as one box.

use super::{Layered, Tree};

/// Most sweeps (fewer on very large graphs); the loop also stops after a few sweeps without
/// improvement.
const MAX_SWEEPS: usize = 16;
const MIN_SWEEPS: usize = 4;
const PATIENCE: usize = 4;
/// Vertex visits the sweeps may make in total, before `MIN_SWEEPS` applies.
const SWEEP_BUDGET: usize = 400_000;

/// Order every layer of `g` in place.
pub fn order(g: &mut Layered, tree: &Tree) {
    let n = g.rank.len();
    let mut s = Sorter {
        tree,
        corder: vec![0.0; tree.parent.len()],
        key: vec![0.0; n],
        has_key: vec![false; n],
        stat: vec![(0.0, 0.0); tree.parent.len()],
        reference: vec![(0.0, 0); tree.parent.len()],
        touched: Vec::new(),
        slot: vec![usize::MAX; tree.parent.len()],
    };
    initial(g, &mut s);
    let mut best = (crossings(g, tree), g.layers.clone(), s.corder.clone());
    let mut stale = 0;
    let sweeps = (SWEEP_BUDGET / n.max(1)).clamp(MIN_SWEEPS, MAX_SWEEPS);
    for sweep in 0..sweeps {
        if best.0 == 0 {
            break;
        }
        s.stat.iter_mut().for_each(|x| *x = (0.0, 0.0));
        let nl = g.layers.len();
        if sweep % 2 == 0 {
            for l in 1..nl {
                barycenters(g, &mut s, l, true);
                s.arrange(g, l, true);
            }
        } else {
            for l in (0..nl.saturating_sub(1)).rev() {
                barycenters(g, &mut s, l, false);
                s.arrange(g, l, true);
            }
        }
        // Sibling clusters take the order their members asked for on average, in every layer.
        for c in 0..s.corder.len() {
            let (sum, count) = s.stat[c];
            if count > 0.0 {
                s.corder[c] = sum / count;
            }
        }
        for l in 0..nl {
            positions_as_keys(g, &mut s, l);
            s.arrange(g, l, false);
        }
        let c = crossings(g, tree);
        if c < best.0 {
            best = (c, g.layers.clone(), s.corder.clone());
            stale = 0;
        } else {
            stale += 1;
            if stale >= PATIENCE {
                break;
            }
        }
    }
    g.layers = best.1;
}

/// Start from a depth-first order along the edges, so connected vertices start close.
fn initial(g: &mut Layered, s: &mut Sorter) {
    let n = g.rank.len();
    let mut seen = vec![false; n];
    let mut counter = 0.0;
    let mut stack = Vec::new();
    let mut roots: Vec<usize> = (0..n).filter(|&v| g.up[v].is_empty()).collect();
    roots.extend((0..n).filter(|&v| !g.up[v].is_empty()));
    for r in roots {
        if seen[r] {
            continue;
        }
        stack.push(r);
        while let Some(v) = stack.pop() {
            if seen[v] {
                continue;
            }
            seen[v] = true;
            s.key[v] = counter;
            counter += 1.0;
            for &(w, _) in g.down[v].iter().rev() {
                if !seen[w] {
                    stack.push(w);
                }
            }
        }
    }
    // Clusters start in the order of their first-visited member.
    let mut first = vec![f64::INFINITY; s.corder.len()];
    for v in 0..n {
        let mut c = g.cluster[v];
        while let Some(x) = c {
            first[x] = first[x].min(s.key[v]);
            c = s.tree.parent[x];
        }
    }
    s.corder = first;
    s.has_key.iter_mut().for_each(|h| *h = true);
    for l in 0..g.layers.len() {
        s.arrange(g, l, false);
    }
}

/// Keys of layer `l` from the positions of neighbours in the layer above (`from_above`) or
/// below. Vertices without such neighbours keep their position.
fn barycenters(g: &Layered, s: &mut Sorter, l: usize, from_above: bool) {
    let pos_layer = if from_above { l - 1 } else { l + 1 };
    let scale = g.layers[pos_layer].len().max(1) as f64;
    // Where each cluster already is in the reference layer: a box continues from there, so
    // loose vertices keep the side of it their neighbours are on.
    for c in s.touched.drain(..) {
        s.reference[c] = (0.0, 0);
    }
    for (i, &u) in g.layers[pos_layer].iter().enumerate() {
        if let Some(c) = g.cluster[u] {
            for &a in &s.tree.chain[c] {
                if s.reference[a].1 == 0 {
                    s.touched.push(a);
                }
                s.reference[a].0 += (i as f64 + 0.5) / scale;
                s.reference[a].1 += 1;
            }
        }
    }
    for (i, &v) in g.layers[l].iter().enumerate() {
        let nb = if from_above { &g.up[v] } else { &g.down[v] };
        let (mut sum, mut wsum) = (0.0, 0.0);
        for &(u, w) in nb {
            sum += g.pos[u] as f64 * w;
            wsum += w;
        }
        if wsum > 0.0 {
            s.key[v] = sum / wsum / scale;
            s.has_key[v] = true;
        } else {
            s.key[v] = (i as f64 + 0.5) / g.layers[l].len() as f64;
            s.has_key[v] = false;
        }
    }
}

fn positions_as_keys(g: &Layered, s: &mut Sorter, l: usize) {
    for c in s.touched.drain(..) {
        s.reference[c] = (0.0, 0);
    }
    for (i, &v) in g.layers[l].iter().enumerate() {
        s.key[v] = i as f64;
        s.has_key[v] = true;
    }
}

struct Sorter<'t> {
    tree: &'t Tree,
    /// Sort key of each cluster among its siblings (the same in every layer).
    corder: Vec<f64>,
    key: Vec<f64>,
    /// Whether `key` comes from neighbours (a real wish) or only from the current position.
    has_key: Vec<bool>,
    /// Sum and count of the keys each cluster's members asked for during a sweep.
    stat: Vec<(f64, f64)>,
    /// Sum and count of the positions of each cluster's members in the reference layer.
    reference: Vec<(f64, usize)>,
    /// Clusters with a non-zero `reference`.
    touched: Vec<usize>,
    /// Scratch: the group of each cluster while a layer is sorted (`usize::MAX` for none).
    slot: Vec<usize>,
}

impl Sorter<'_> {
    /// Sort layer `l` by key, clusters kept contiguous and in `corder` among siblings.
    fn arrange(&mut self, g: &mut Layered, l: usize, record: bool) {
        let vs = std::mem::take(&mut g.layers[l]);
        let mut out = Vec::with_capacity(vs.len());
        self.sort_group(g, vs, 0, &mut out, record);
        for (i, &v) in out.iter().enumerate() {
            g.pos[v] = i;
        }
        g.layers[l] = out;
    }

    /// Sort vertices whose cluster chains agree on their first `depth` clusters.
    fn sort_group(
        &mut self,
        g: &Layered,
        vs: Vec<usize>,
        depth: usize,
        out: &mut Vec<usize>,
        record: bool,
    ) {
        let mut direct: Vec<usize> = Vec::new();
        // (cluster, members) in first-seen order; `slot` finds a cluster's group.
        let mut groups: Vec<(usize, Vec<usize>)> = Vec::new();
        for v in vs {
            let chain = g.cluster[v].map_or(&[][..], |c| &self.tree.chain[c][..]);
            match chain.get(depth) {
                None => direct.push(v),
                Some(&c) => match self.slot[c] {
                    usize::MAX => {
                        self.slot[c] = groups.len();
                        groups.push((c, vec![v]));
                    }
                    i => groups[i].1.push(v),
                },
            }
        }
        for (c, _) in &groups {
            self.slot[*c] = usize::MAX;
        }
        direct.sort_by(|&a, &b| {
            self.key[a]
                .total_cmp(&self.key[b])
                .then(g.pos[a].cmp(&g.pos[b]))
        });
        // A cluster's key: where it already is in the reference layer, else what its members
        // ask for, else where they are.
        let mut ckeys: Vec<(usize, f64)> = Vec::with_capacity(groups.len());
        for (gi, (c, m)) in groups.iter().enumerate() {
            let (rsum, rcount) = self.reference[*c];
            let (mut wsum, mut wcount, mut all) = (0.0, 0usize, 0.0);
            for &v in m {
                all += self.key[v];
                if self.has_key[v] {
                    wsum += self.key[v];
                    wcount += 1;
                }
            }
            let k = if rcount > 0 {
                rsum / rcount as f64
            } else if wcount == 0 {
                all / m.len() as f64
            } else {
                wsum / wcount as f64
            };
            if record {
                self.stat[*c].0 += k;
                self.stat[*c].1 += 1.0;
            }
            ckeys.push((gi, k));
        }
        ckeys.sort_by(|a, b| {
            let (ca, cb) = (groups[a.0].0, groups[b.0].0);
            self.corder[ca]
                .total_cmp(&self.corder[cb])
                .then(ca.cmp(&cb))
        });
        let mut groups: Vec<Option<Vec<usize>>> =
            groups.into_iter().map(|(_, m)| Some(m)).collect();
        // Merge: clusters in their fixed order, loose vertices by key between them.
        let (mut i, mut j) = (0, 0);
        while i < direct.len() || j < ckeys.len() {
            let take_direct =
                j == ckeys.len() || (i < direct.len() && self.key[direct[i]] < ckeys[j].1);
            if take_direct {
                out.push(direct[i]);
                i += 1;
            } else {
                let members = groups[ckeys[j].0].take().unwrap_or_default();
                self.sort_group(g, members, depth + 1, out, record);
                j += 1;
            }
        }
    }
}

/// Crossings between all pairs of adjacent layers: of edges with each other, and of edges with
/// the top and bottom borders of the boxes they pass (a box present in two adjacent layers counts
/// as two edges joining its first and its last members).
pub fn crossings(g: &Layered, tree: &Tree) -> u64 {
    let nc = tree.parent.len();
    let mut total = 0;
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    let extent = |l: usize, ext: &mut Vec<(usize, usize)>| {
        ext.iter_mut().for_each(|e| *e = (usize::MAX, 0));
        for (i, &v) in g.layers[l].iter().enumerate() {
            if let Some(c) = g.cluster[v] {
                for &a in &tree.chain[c] {
                    ext[a].0 = ext[a].0.min(i);
                    ext[a].1 = ext[a].1.max(i);
                }
            }
        }
    };
    let mut this = vec![(usize::MAX, 0); nc];
    let mut next = vec![(usize::MAX, 0); nc];
    if !g.layers.is_empty() {
        extent(0, &mut this);
    }
    for l in 0..g.layers.len().saturating_sub(1) {
        pairs.clear();
        for &u in &g.layers[l] {
            for &(v, _) in &g.down[u] {
                pairs.push((g.pos[u], g.pos[v]));
            }
        }
        extent(l + 1, &mut next);
        for c in 0..nc {
            if this[c].0 != usize::MAX && next[c].0 != usize::MAX {
                pairs.push((this[c].0, next[c].0));
                pairs.push((this[c].1, next[c].1));
            }
        }
        pairs.sort_unstable();
        total += inversions(&pairs, g.layers[l + 1].len());
        std::mem::swap(&mut this, &mut next);
    }
    total
}

/// Pairs (a, b) sorted by a then b: how many later pairs have a smaller b (Fenwick tree).
fn inversions(pairs: &[(usize, usize)], size: usize) -> u64 {
    let mut tree = vec![0u64; size + 1];
    let mut count = 0u64;
    for (seen, &(_, b)) in pairs.iter().enumerate() {
        // Pairs seen so far with b' > b cross this one.
        let mut i = b + 1;
        let mut le = 0;
        while i > 0 {
            le += tree[i];
            i &= i - 1;
        }
        count += seen as u64 - le;
        let mut i = b + 1;
        while i <= size {
            tree[i] += 1;
            i += i & i.wrapping_neg();
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inversions_count_crossing_pairs() {
        assert_eq!(inversions(&[(0, 0), (1, 1)], 2), 0);
        assert_eq!(inversions(&[(0, 1), (1, 0)], 2), 1);
        assert_eq!(inversions(&[(0, 2), (1, 1), (2, 0)], 3), 3);
        // Shared endpoints do not cross.
        assert_eq!(inversions(&[(0, 0), (0, 1), (1, 1)], 2), 0);
    }
}
