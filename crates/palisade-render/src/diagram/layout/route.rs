//! Edge routes: where edges leave and enter nodes, and the points each one passes.

use super::build::Chain;
use super::{Point, Rect, Route};

/// Where each segment leaves its upper vertex and enters its lower one: on a node, spread along
/// the side in the order of the other ends, so edges do not all meet at one point.
pub fn ports(segments: &[(usize, usize, f64)], rects: &[Rect], n: usize) -> (Vec<f64>, Vec<f64>) {
    let mut out: Vec<f64> = segments.iter().map(|s| rects[s.0].center().y).collect();
    let mut into: Vec<f64> = segments.iter().map(|s| rects[s.1].center().y).collect();
    let mut by_from: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut by_to: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, &(a, b, _)) in segments.iter().enumerate() {
        if a < n {
            by_from[a].push(i);
        }
        if b < n {
            by_to[b].push(i);
        }
    }
    let spread = |r: &Rect, k: usize, i: usize| {
        let step = if k > 1 {
            ((r.h - 16.0) / (k - 1) as f64).clamp(0.0, 10.0)
        } else {
            0.0
        };
        r.center().y + (i as f64 - (k - 1) as f64 / 2.0) * step
    };
    // Each node's segments on one side, in the order of their other ends.
    let assign =
        |lists: &mut [Vec<usize>], other: fn(&(usize, usize, f64)) -> usize, ys: &mut [f64]| {
            for (v, list) in lists.iter_mut().enumerate() {
                list.sort_by(|&x, &y| {
                    rects[other(&segments[x])]
                        .center()
                        .y
                        .total_cmp(&rects[other(&segments[y])].center().y)
                        .then(x.cmp(&y))
                });
                for (i, &s) in list.iter().enumerate() {
                    ys[s] = spread(&rects[v], list.len(), i);
                }
            }
        };
    assign(&mut by_from, |s| s.1, &mut out);
    assign(&mut by_to, |s| s.0, &mut into);
    (out, into)
}

pub fn route(c: &Chain, rects: &[Rect], out: &[f64], into: &[f64]) -> Route {
    let label = c.label.map(|l| rects[l]);
    if c.self_loop {
        let node = rects[c.vertices[0]];
        let tip = rects[c.vertices[1]];
        return Route {
            points: vec![
                Point {
                    x: node.right(),
                    y: out[c.segments[0]],
                },
                Point {
                    x: tip.x,
                    y: tip.center().y,
                },
                Point {
                    x: node.right(),
                    y: out[c.segments[1]],
                },
            ],
            label,
            self_loop: true,
        };
    }
    let first = rects[c.vertices[0]];
    let last = rects[*c.vertices.last().expect("two ends")];
    if c.segments.is_empty() {
        // Drawn straight (the layout's budget for long edges ran out).
        let mut points = vec![
            Point {
                x: first.right(),
                y: first.center().y,
            },
            Point {
                x: last.x,
                y: last.center().y,
            },
        ];
        if c.reversed {
            points.reverse();
        }
        return Route {
            points,
            label: None,
            self_loop: false,
        };
    }
    let mut points = vec![Point {
        x: first.right(),
        y: out[c.segments[0]],
    }];
    for &v in &c.vertices[1..c.vertices.len() - 1] {
        let r = rects[v];
        let y = r.center().y;
        if Some(v) == c.label {
            points.push(Point { x: r.x, y });
            points.push(Point { x: r.right(), y });
        } else {
            points.push(Point { x: r.x, y });
        }
    }
    points.push(Point {
        x: last.x,
        y: into[*c.segments.last().expect("one segment")],
    });
    if c.reversed {
        points.reverse();
    }
    Route {
        points,
        label,
        self_loop: false,
    }
}
