//! Layer assignment: break cycles, give every node a rank so edges point to higher ranks, then
//! shorten edges.

/// Ranks (0-based) of `n` nodes joined by `edges`, and for each edge whether the layout turned
/// it around to break a cycle. Nodes marked `first` keep their outgoing edges when a cycle must
/// be broken (flows start at actors). Self-loops keep their direction and constrain nothing.
pub fn rank(n: usize, edges: &[(usize, usize)], first: &[bool]) -> (Vec<usize>, Vec<bool>) {
    let reversed = break_cycles(n, edges, first);
    let dag: Vec<(usize, usize)> = edges
        .iter()
        .zip(&reversed)
        .filter(|((a, b), _)| a != b)
        .map(|(&(a, b), &r)| if r { (b, a) } else { (a, b) })
        .collect();
    let mut preds = vec![Vec::new(); n];
    let mut succs = vec![Vec::new(); n];
    for &(a, b) in &dag {
        succs[a].push(b);
        preds[b].push(a);
    }
    let topo = topological(n, &preds, &succs);
    let mut r = vec![0i64; n];
    for &v in &topo {
        for &p in &preds[v] {
            r[v] = r[v].max(r[p] + 1);
        }
    }
    balance(&topo, &preds, &succs, &mut r);
    let min = r.iter().copied().min().unwrap_or(0);
    (r.iter().map(|&x| (x - min) as usize).collect(), reversed)
}

/// Depth-first search from the nodes marked `first`, then the sources, then every node left, in
/// index order; an edge back to a node on the stack closes a cycle and is reversed.
fn break_cycles(n: usize, edges: &[(usize, usize)], first: &[bool]) -> Vec<bool> {
    let mut out: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n];
    let mut indegree = vec![0usize; n];
    for (e, &(a, b)) in edges.iter().enumerate() {
        if a != b {
            out[a].push((e, b));
            indegree[b] += 1;
        }
    }
    let mut reversed = vec![false; edges.len()];
    // 0 unvisited, 1 on the stack, 2 done.
    let mut state = vec![0u8; n];
    let is_first = |v: usize| first.get(v).copied().unwrap_or(false);
    let starts = (0..n)
        .filter(|&v| is_first(v))
        .chain((0..n).filter(|&v| !is_first(v) && indegree[v] == 0))
        .chain((0..n).filter(|&v| !is_first(v) && indegree[v] != 0));
    let mut stack: Vec<(usize, usize)> = Vec::new();
    for s in starts {
        if state[s] != 0 {
            continue;
        }
        state[s] = 1;
        stack.push((s, 0));
        while let Some(top) = stack.last_mut() {
            let (v, i) = *top;
            if i == out[v].len() {
                state[v] = 2;
                stack.pop();
                continue;
            }
            top.1 += 1;
            let (e, w) = out[v][i];
            match state[w] {
                0 => {
                    state[w] = 1;
                    stack.push((w, 0));
                }
                1 => reversed[e] = true,
                _ => {}
            }
        }
    }
    reversed
}

/// Kahn's algorithm; ties in index order.
fn topological(n: usize, preds: &[Vec<usize>], succs: &[Vec<usize>]) -> Vec<usize> {
    let mut indegree: Vec<usize> = preds.iter().map(Vec::len).collect();
    let mut queue: std::collections::VecDeque<usize> =
        (0..n).filter(|&v| indegree[v] == 0).collect();
    let mut order = Vec::with_capacity(n);
    while let Some(v) = queue.pop_front() {
        order.push(v);
        for &s in &succs[v] {
            indegree[s] -= 1;
            if indegree[s] == 0 {
                queue.push_back(s);
            }
        }
    }
    order
}

/// Move each node, within the ranks its edges allow, to where its edges are shortest in total
/// (a local version of network-simplex ranking): a node with more edges in than out moves up to
/// its predecessors, one with more out than in moves down to its successors.
fn balance(topo: &[usize], preds: &[Vec<usize>], succs: &[Vec<usize>], r: &mut [i64]) {
    let mut targets: Vec<i64> = Vec::new();
    for pass in 0..8 {
        let mut changed = false;
        let order: Box<dyn Iterator<Item = &usize>> = if pass % 2 == 0 {
            Box::new(topo.iter().rev())
        } else {
            Box::new(topo.iter())
        };
        for &v in order {
            if preds[v].is_empty() && succs[v].is_empty() {
                continue;
            }
            let lo = preds[v].iter().map(|&p| r[p] + 1).max().unwrap_or(i64::MIN);
            let hi = succs[v].iter().map(|&s| r[s] - 1).min().unwrap_or(i64::MAX);
            targets.clear();
            targets.extend(preds[v].iter().map(|&p| r[p] + 1));
            targets.extend(succs[v].iter().map(|&s| r[s] - 1));
            targets.sort_unstable();
            let k = targets.len();
            let (mlo, mhi) = (targets[(k - 1) / 2], targets[k / 2]);
            let new = r[v].clamp(mlo, mhi).clamp(lo, hi.max(lo));
            if new != r[v] {
                r[v] = new;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(n: usize, edges: &[(usize, usize)]) -> Vec<usize> {
        let (r, rev) = rank(n, edges, &[]);
        for (&(a, b), &x) in edges.iter().zip(&rev) {
            if a == b {
                continue;
            }
            let (a, b) = if x { (b, a) } else { (a, b) };
            assert!(r[a] < r[b], "edge {a}->{b} ranks {} {}", r[a], r[b]);
        }
        r
    }

    #[test]
    fn chains_get_consecutive_ranks() {
        assert_eq!(check(3, &[(0, 1), (1, 2)]), vec![0, 1, 2]);
    }

    #[test]
    fn cycles_are_broken() {
        let (_, rev) = rank(3, &[(0, 1), (1, 2), (2, 0)], &[]);
        assert_eq!(rev.iter().filter(|&&x| x).count(), 1);
        check(3, &[(0, 1), (1, 2), (2, 0), (1, 1)]);
        check(2, &[(0, 1), (1, 0), (0, 1)]);
    }

    #[test]
    fn cycles_through_a_first_node_start_there() {
        // 0 -> 1 -> 2 -> 0: by default 2 -> 0 turns around; with 2 first, 1 -> 2 does.
        let (r, rev) = rank(3, &[(0, 1), (1, 2), (2, 0)], &[false, false, true]);
        assert_eq!(rev, vec![false, true, false]);
        assert_eq!(r[2], 0);
    }

    #[test]
    fn sources_move_next_to_their_successor() {
        // 3 feeds only 2, which sits at rank 2: 3 belongs at rank 1, not 0.
        let r = check(4, &[(0, 1), (1, 2), (3, 2)]);
        assert_eq!(r[3], 1);
    }
}
