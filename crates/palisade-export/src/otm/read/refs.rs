//! References between OTM elements: parents, dataflow ends and assets name what exists, and
//! parent chains end.

use super::{Doc, ParentKind, Reader, Spans, codes};
use palisade_model::Diagnostic;
use palisade_model::node::Node;
use std::collections::{BTreeMap, BTreeSet};

fn unknown(r: &mut Reader, node: &Node, path: &str, what: &str, id: &str, pool: &BTreeSet<&str>) {
    let mut d = Diagnostic::error(
        codes::UNKNOWN_REFERENCE,
        format!("`{path}`: no {what} has the id `{id}`"),
    )
    .label(node.span(r.file), "unknown reference");
    if let Some(s) = palisade_model::suggest(id, pool.iter().copied()) {
        d = d.help(format!("did you mean `{s}`?"));
    }
    r.diags.push(d);
}

/// Parents and flow ends name elements that exist, and parents form no cycle.
pub(super) fn check_references(doc: &Doc, spans: &Spans, r: &mut Reader) {
    let zones: BTreeSet<&str> = doc.zones.iter().map(|z| z.id.as_str()).collect();
    let comps: BTreeSet<&str> = doc.components.iter().map(|c| c.id.as_str()).collect();
    let assets: BTreeSet<&str> = doc.assets.iter().map(|a| a.id.as_str()).collect();
    let parents = doc
        .zones
        .iter()
        .enumerate()
        .filter_map(|(i, z)| {
            Some((
                z.parent.as_ref()?,
                spans.zones[i],
                format!("$.trustZones[{i}].parent"),
            ))
        })
        .chain(doc.components.iter().enumerate().map(|(i, c)| {
            (
                &c.parent,
                spans.components[i],
                format!("$.components[{i}].parent"),
            )
        }));
    for ((kind, id), node, path) in parents {
        match kind {
            ParentKind::TrustZone if !zones.contains(id.as_str()) => {
                unknown(r, node, &path, "trust zone", id, &zones)
            }
            ParentKind::Component if !comps.contains(id.as_str()) => {
                unknown(r, node, &path, "component", id, &comps)
            }
            _ => {}
        }
    }
    for (i, c) in doc.components.iter().enumerate() {
        for (list, key) in [(&c.processed, "processed"), (&c.stored, "stored")] {
            for a in list.iter().filter(|a| !assets.contains(a.as_str())) {
                let path = format!("$.components[{i}].assets.{key}");
                unknown(r, spans.components[i], &path, "asset", a, &assets);
            }
        }
    }
    for (i, f) in doc.flows.iter().enumerate() {
        for (end, key) in [(&f.source, "source"), (&f.destination, "destination")] {
            let path = format!("$.dataflows[{i}].{key}");
            if zones.contains(end.as_str()) && !comps.contains(end.as_str()) {
                r.diags.push(
                    Diagnostic::error(
                        codes::UNKNOWN_REFERENCE,
                        format!("`{path}`: `{end}` is a trust zone, not a component"),
                    )
                    .label(spans.flows[i].span(r.file), "unknown reference")
                    .help("dataflows join components"),
                );
            } else if !comps.contains(end.as_str()) {
                unknown(r, spans.flows[i], &path, "component", end, &comps);
            }
        }
        for a in f.assets.iter().filter(|a| !assets.contains(a.as_str())) {
            let path = format!("$.dataflows[{i}].assets");
            unknown(r, spans.flows[i], &path, "asset", a, &assets);
        }
    }
    if r.diags.is_empty() {
        check_cycles(doc, spans, r);
    }
}

/// Parent chains end: no element is its own ancestor, through zones and components alike.
fn check_cycles(doc: &Doc, spans: &Spans, r: &mut Reader) {
    let zone_index: BTreeMap<&str, usize> = doc
        .zones
        .iter()
        .enumerate()
        .map(|(i, z)| (z.id.as_str(), i))
        .collect();
    let comp_index: BTreeMap<&str, usize> = doc
        .components
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i))
        .collect();
    // Nodes: zones 0..z, components z..z+c.
    let nz = doc.zones.len();
    let parent = |n: usize| -> Option<usize> {
        let p = if n < nz {
            doc.zones[n].parent.as_ref()?
        } else {
            &doc.components[n - nz].parent
        };
        match p.0 {
            ParentKind::TrustZone => zone_index.get(p.1.as_str()).copied(),
            ParentKind::Component => comp_index.get(p.1.as_str()).map(|i| i + nz),
        }
    };
    let total = nz + doc.components.len();
    // 0 = unvisited, 1 = on the current chain, 2 = known to end.
    let mut state = vec![0u8; total];
    for start in 0..total {
        let mut chain = Vec::new();
        let mut cur = Some(start);
        while let Some(n) = cur {
            match state[n] {
                2 => break,
                1 => {
                    let (node, path, id) = if n < nz {
                        (
                            spans.zones[n],
                            format!("$.trustZones[{n}].parent"),
                            &doc.zones[n].id,
                        )
                    } else {
                        let i = n - nz;
                        (
                            spans.components[i],
                            format!("$.components[{i}].parent"),
                            &doc.components[i].id,
                        )
                    };
                    r.error(
                        codes::PARENT_CYCLE,
                        node,
                        &path,
                        format!("parents form a cycle through `{id}`"),
                    );
                    break;
                }
                _ => {
                    state[n] = 1;
                    chain.push(n);
                    cur = parent(n);
                }
            }
        }
        for n in chain {
            state[n] = 2;
        }
    }
}
