//! What a model or agent can reach: tools, exfiltration channels, review; and lineage.

use crate::graph::{Graph, IndexSet, Local};
use crate::{Channel, ChannelKind, Lineage, RISKY, ToolReach};
use palisade_model::{
    Action, ComponentKind as K, ControlledBy, HumanApproval, Labelling, OutputReview, Rendering,
    ReviewCoverage, Supplier,
};
use std::collections::BTreeSet;

fn is_tool(k: K) -> bool {
    matches!(k, K::Tool | K::McpServer | K::ExternalApi)
}

/// Components a call passes through on its way to a tool.
fn relays(k: K) -> bool {
    matches!(
        k,
        K::Service
            | K::Agent
            | K::McpServer
            | K::ApiGateway
            | K::MessageQueue
            | K::Postprocessing
            | K::OutputGuardrail
            | K::InputGuardrail
    )
}

/// Whether a person approves every risky action of a tool.
fn approves(g: &Graph, t: usize, action: Option<Action>) -> bool {
    let c = &g.model.components[t];
    let level = c
        .human_approval
        .as_ref()
        .map_or(HumanApproval::None, |h| h.value);
    let covered = |a: Action| {
        level == HumanApproval::Always
            || (level == HumanApproval::HighRisk && RISKY.contains(&a))
            || c.approval_for.iter().any(|x| x.value == a)
    };
    match action {
        Some(a) => covered(a),
        None => c
            .actions
            .iter()
            .filter(|a| RISKY.contains(&a.value))
            .all(|a| covered(a.value)),
    }
}

/// The tools a model or agent can trigger, each with its component number.
pub(crate) fn tool_reach(g: &Graph, m: usize) -> Vec<(usize, ToolReach)> {
    let mut out: Vec<(usize, ToolReach)> = Vec::new();
    let me = &g.model.components[m].id.value;
    let allowed = |t: usize| {
        let inv = &g.model.components[t].invoked_by;
        inv.is_empty() || inv.iter().any(|x| &x.value == me)
    };
    let mut push = |g: &Graph, t: usize, path: Vec<usize>, inferred: bool| {
        if out.iter().any(|(x, _)| *x == t) {
            return;
        }
        let review = path.iter().any(|&p| g.kind(p) == K::HumanReview);
        out.push((
            t,
            ToolReach {
                tool: g.id(t).to_string(),
                actions: g.model.components[t]
                    .actions
                    .iter()
                    .map(|a| a.value)
                    .collect(),
                approved: review || approves(g, t, None),
                inferred,
                path: path.iter().map(|&p| g.id(p).to_string()).collect(),
            },
        ));
    };
    // Calls the model or agent starts, through relays, up to a few hops.
    let seen = Local::search(m, &g.calls, 4, |u| relays(g.kind(u)));
    for &t in &seen.order {
        if t != m && is_tool(g.kind(t)) && allowed(t) {
            push(g, t, seen.path(t), false);
        }
    }
    // Orchestrator pattern: a component calls the model and, with its answer, a tool.
    let mut orchestrators: Vec<usize> = g.callers[m].iter().map(|e| e.to).collect();
    orchestrators.sort_unstable();
    orchestrators.dedup();
    for s in orchestrators {
        if s == m || g.kind(s) == K::Actor {
            continue;
        }
        for e in &g.calls[s] {
            let t = e.to;
            if t != m && is_tool(g.kind(t)) && g.model.components[t].invoked_by.is_empty() {
                push(g, t, vec![m, s, t], true);
            }
        }
    }
    out
}

pub(crate) fn channels(
    g: &Graph,
    m: usize,
    tool_ix: &[usize],
    tools: &[ToolReach],
) -> Vec<Channel> {
    let mut out = Vec::new();
    for (&ti, t) in tool_ix.iter().zip(tools) {
        if t.actions.contains(&Action::SendExternal) {
            out.push(Channel {
                via: t.tool.clone(),
                kind: ChannelKind::ToolSend,
                approved: approves(g, ti, Some(Action::SendExternal)),
            });
        } else if g.kind(ti) == K::ExternalApi {
            out.push(Channel {
                via: t.tool.clone(),
                kind: ChannelKind::ExternalApi,
                approved: t.approved,
            });
        }
    }
    // Rendering of the output, by the model itself or by what displays it (a few hops on).
    let seen = Local::search(m, &g.content, 3, |u| {
        matches!(
            g.kind(u),
            K::Service | K::Postprocessing | K::OutputGuardrail | K::ApiGateway
        )
    });
    let mut rendered = BTreeSet::new();
    for &i in &seen.order {
        for r in &g.model.components[i].output_rendering {
            let kind = match r.value {
                Rendering::Images => ChannelKind::RenderedImage,
                Rendering::Links => ChannelKind::RenderedLink,
                Rendering::Html => ChannelKind::RenderedHtml,
                _ => continue,
            };
            if rendered.insert((g.id(i).to_string(), kind as u8)) {
                out.push(Channel {
                    via: g.id(i).to_string(),
                    kind,
                    approved: false,
                });
            }
        }
    }
    out
}

pub(crate) fn output_reviewed(g: &Graph, i: usize) -> bool {
    let c = &g.model.components[i];
    if c.output_review
        .as_ref()
        .is_some_and(|r| r.value == OutputReview::Always)
    {
        return true;
    }
    g.content[i].iter().any(|e| {
        let r = &g.model.components[e.to];
        r.kind.value == K::HumanReview
            && r.coverage
                .as_ref()
                .is_none_or(|c| c.value == ReviewCoverage::All)
    })
}

fn artifact_stage(k: K) -> bool {
    matches!(k, K::ModelArtifact | K::ModelRegistry)
}

fn training_side(k: K) -> bool {
    matches!(
        k,
        K::DataSource
            | K::Dataset
            | K::Preprocessing
            | K::TrainingPipeline
            | K::FineTuningPipeline
            | K::FeatureStore
    )
}

pub(crate) fn lineage(g: &Graph, i: usize) -> Lineage {
    // Upstream through the training side, artifacts and registries. A model is entered only
    // from those stages or through a `serves`/`stored_in` link, never along inference flows
    // between models (which are not lineage, and would make the search quadratic).
    let mut seen = IndexSet::default();
    seen.insert(i);
    let mut queue = std::collections::VecDeque::from([i]);
    let mut upstream: Vec<usize> = Vec::new();
    while let Some(u) = queue.pop_front() {
        let from_stage = u == i || training_side(g.kind(u)) || artifact_stage(g.kind(u));
        for e in &g.content_rev[u] {
            let w = e.to;
            if seen.contains(&w) {
                continue;
            }
            let kw = g.kind(w);
            let enter = if training_side(kw) || artifact_stage(kw) {
                true
            } else if matches!(kw, K::Model | K::Llm | K::EmbeddingModel) {
                from_stage && (e.flow.is_none() || u != i)
            } else {
                // Other components count only as sources feeding the training side.
                if training_side(g.kind(u)) {
                    seen.insert(w);
                    upstream.push(w);
                }
                continue;
            };
            if enter {
                seen.insert(w);
                upstream.push(w);
                queue.push_back(w);
            }
        }
    }
    let mut l = Lineage::default();
    let mut training_data: Vec<u32> = Vec::new();
    upstream.sort();
    for &u in &upstream {
        let c = &g.model.components[u];
        let id = g.id(u).to_string();
        match c.kind.value {
            K::Dataset => l.datasets.push(id.clone()),
            K::TrainingPipeline | K::FineTuningPipeline | K::Preprocessing => {
                l.pipelines.push(id.clone())
            }
            K::ModelArtifact | K::Model | K::Llm | K::EmbeddingModel => {
                l.artifacts.push(id.clone())
            }
            K::ModelRegistry | K::FeatureStore => l.registries.push(id.clone()),
            _ => l.data_sources.push(id.clone()),
        }
        if matches!(c.kind.value, K::TrainingPipeline | K::FineTuningPipeline) {
            l.trained = true;
        }
        if training_side(c.kind.value) {
            training_data.extend(g.received(u));
            training_data.extend_from_slice(g.held(u));
        }
        if c.supplier
            .as_ref()
            .is_some_and(|s| s.value != Supplier::Internal)
        {
            l.third_party.push(id.clone());
        }
        if c.controlled_by
            .as_ref()
            .is_some_and(|cb| cb.value != ControlledBy::Internal)
        {
            l.untrusted_sources.push(id.clone());
        }
        if c.labelling
            .as_ref()
            .is_some_and(|x| matches!(x.value, Labelling::Crowd | Labelling::Vendor))
        {
            l.outsourced_labels = true;
        }
        if c.training
            .as_ref()
            .is_some_and(|t| t.personal_data.as_ref().is_some_and(|p| p.value))
        {
            l.personal_data = true;
        }
    }
    let me = &g.model.components[i];
    if let Some(t) = &me.training {
        l.trained = true;
        if t.personal_data.as_ref().is_some_and(|p| p.value) {
            l.personal_data = true;
        }
    }
    training_data.sort_unstable();
    training_data.dedup();
    for &a in &training_data {
        if let Some(x) = g.assets.info[a as usize] {
            if x.personal_data.as_ref().is_some_and(|p| p.value) {
                l.personal_data = true;
            }
            if let Some(o) = &x.origin {
                if g.assets.untrusted(a) {
                    l.untrusted_sources.push(g.assets.id(a).to_string());
                }
                if o.value == palisade_model::DataOrigin::CrowdLabelled {
                    l.outsourced_labels = true;
                }
            }
        }
    }
    l.untrusted_sources.sort();
    l.untrusted_sources.dedup();
    l.upstream = upstream.iter().map(|&u| g.id(u).to_string()).collect();
    l.training_data = training_data
        .iter()
        .map(|&a| g.assets.id(a).to_string())
        .collect();
    l
}
