//! Facts about a system, computed from its model's graph before any threat rule runs.
//!
//! Pipeline position: `Model ──analyse──▶ Facts`. Pure: no I/O, deterministic, linear in the size
//! of the model (a bounded number of breadth-first searches over components and flows).

mod graph;
mod paths;
mod reach;

use graph::{Graph, bfs, path_to};
use palisade_model::{
    Action, ActorRole, Classification, ComponentKind as K, ControlledBy, DataAsset, DataOrigin,
    Exposure, Model, Regulation, Supplier, TrustLevel,
};
use reach::{channels, lineage, output_reviewed, tool_reach};
use schemars::JsonSchema;
use serde::Serialize;
use std::collections::BTreeSet;

pub use paths::{AttackPath, PathKind};

/// Everything the analysis found, in model order.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Facts {
    pub components: Vec<ComponentFacts>,
    pub flows: Vec<FlowFacts>,
    /// Chains from an entry point to an impact.
    pub attack_paths: Vec<AttackPath>,
}

/// Facts about one component.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ComponentFacts {
    pub id: String,
    pub kind: K,
    /// Trust boundaries around the component, innermost first.
    pub boundaries: Vec<String>,
    /// The trust level of the innermost boundary that declares one.
    pub trust: Option<TrustLevel>,
    /// Declared exposure, raised to what the actors reaching the component imply.
    pub exposure: Exposure,
    /// Roles of the actors that can reach the component through flows they start.
    pub reached_by: Vec<ActorRole>,
    /// Whether an untrusted actor (anonymous, customer, partner) can send it input, directly or
    /// through other components.
    pub untrusted_callers: bool,
    /// Whether an untrusted actor calls it directly.
    pub directly_exposed: bool,
    /// Whether content of untrusted origin reaches it (directly or indirectly).
    pub untrusted_input: bool,
    /// Whether an untrusted actor's own input reaches it through interactive relays.
    pub direct_input: bool,
    /// Whether untrusted content reaches it through stores, queues, ingestion, external
    /// services or data others control.
    pub indirect_input: bool,
    /// Where the untrusted content comes from (actor, data asset or component ids).
    pub taint_sources: Vec<String>,
    /// The shortest path untrusted content takes (the direct one when there is one).
    pub taint_path: Vec<String>,
    /// The path of indirect untrusted content, entry first.
    pub indirect_path: Vec<String>,
    /// Sensitive data assets it holds or receives (confidential, restricted or personal).
    pub sensitive_data: Vec<String>,
    /// Whether any of those is personal data.
    pub personal_data: bool,
    /// Regimes governing the data it handles.
    pub regulations: Vec<Regulation>,
    /// The highest classification of the data it handles.
    pub max_classification: Option<Classification>,
    /// For models and agents: tools their output can trigger.
    pub tools: Vec<ToolReach>,
    /// For models and agents: ways data can leave through them.
    pub exfiltration: Vec<Channel>,
    /// Whether a person reviews outputs before they take effect.
    pub output_reviewed: bool,
    /// For models, artifacts and datasets: what they were made from.
    pub lineage: Lineage,
    /// Whether it comes from a third party (vendor, open source, community).
    pub third_party: bool,
    /// What validation tools reported about the artifact's files (`analyze --evidence`).
    pub evidence: Option<ArtifactEvidence>,
    /// Whether the artifact's integrity is verified by evidence: every scanned file clean and,
    /// when a manifest is declared, the manifest verified.
    pub integrity_verified: bool,
}

/// Evidence about an artifact from the validation tools, attached to its component.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize, JsonSchema)]
#[serde(default)]
pub struct ArtifactEvidence {
    /// The worst scan verdict over the artifact's files: `clean`, `suspicious`, `malicious` or
    /// `error`; `None` when no scanned file belongs to it.
    pub scan_verdict: Option<String>,
    /// How many scanned files belong to the artifact.
    pub files_scanned: usize,
    /// The scanner's findings on those files (`path: rule message`).
    pub scan_findings: Vec<String>,
    /// Whether the declared manifest verified (`None`: not checked).
    pub manifest_verified: Option<bool>,
    /// Differences the manifest check found (modified, missing, added files).
    pub manifest_differences: Vec<String>,
}

/// Evidence for the whole model, by component id.
pub type Evidence = std::collections::BTreeMap<String, ArtifactEvidence>;

/// A tool a model or agent can trigger.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ToolReach {
    pub tool: String,
    pub actions: Vec<Action>,
    /// Whether a person approves the risky actions (writes, sends, payments, code, deletes).
    pub approved: bool,
    /// Whether the link was inferred (an orchestrator calls both) rather than declared.
    pub inferred: bool,
    pub path: Vec<String>,
}

/// A way data can leave the organisation.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Channel {
    /// The component that provides the channel.
    pub via: String,
    pub kind: ChannelKind,
    /// Whether a person approves what goes out.
    pub approved: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ChannelKind {
    /// A tool that sends data outside (e-mail, HTTP, webhooks).
    ToolSend,
    /// Output rendered with images fetched from URLs (zero-click exfiltration).
    RenderedImage,
    /// Output rendered with clickable links.
    RenderedLink,
    /// Output rendered as HTML.
    RenderedHtml,
    /// An external API the context can call.
    ExternalApi,
}

/// Upstream lineage of a model, artifact or dataset.
#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
pub struct Lineage {
    /// Upstream components (data sources, datasets, pipelines, artifacts, registries).
    pub upstream: Vec<String>,
    pub data_sources: Vec<String>,
    pub datasets: Vec<String>,
    pub pipelines: Vec<String>,
    pub artifacts: Vec<String>,
    pub registries: Vec<String>,
    /// Data assets that flowed into training.
    pub training_data: Vec<String>,
    /// Whether training or fine-tuning is part of the lineage (or declared with `training`).
    pub trained: bool,
    /// Whether training data includes personal data.
    pub personal_data: bool,
    /// Training data of untrusted origin or from stages others control (poisoning surface).
    pub untrusted_sources: Vec<String>,
    /// Whether labels come from a crowd or vendor.
    pub outsourced_labels: bool,
    /// Third-party components upstream (base models, datasets).
    pub third_party: Vec<String>,
}

/// Facts about one flow.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct FlowFacts {
    pub id: String,
    pub from: String,
    pub to: String,
    /// Boundaries the flow crosses (leaving or entering).
    pub crosses: Vec<String>,
    pub from_trust: Option<TrustLevel>,
    pub to_trust: Option<TrustLevel>,
    /// Whether the flow goes from a less trusted zone into a more trusted one.
    pub into_higher_trust: bool,
    /// Whether transport is protected (TLS, local); `None` when no protocol is declared.
    pub protected: Option<bool>,
    /// Data assets moved either way.
    pub assets: Vec<String>,
    pub sensitive: bool,
    pub personal_data: bool,
    /// Whether it carries content of untrusted origin.
    pub untrusted_content: bool,
}

/// Whether a component's output is controlled by others: a third-party external service or
/// MCP server, or data that users or the public write.
fn others_control(c: &palisade_model::Component) -> bool {
    let external = matches!(
        c.kind.value,
        K::ExternalApi | K::ExternalService | K::McpServer
    ) && c
        .supplier
        .as_ref()
        .is_none_or(|s| s.value != Supplier::Internal);
    let written_by_others = c
        .controlled_by
        .as_ref()
        .is_some_and(|cb| matches!(cb.value, ControlledBy::Users | ControlledBy::Public));
    external || written_by_others
}

/// Components that pass a user's input on as part of one interaction.
fn interactive(k: K) -> bool {
    matches!(
        k,
        K::Actor
            | K::WebApp
            | K::ApiGateway
            | K::Service
            | K::InputGuardrail
            | K::PromptTemplate
            | K::Agent
            | K::Llm
            | K::Model
            | K::InferenceEndpoint
            | K::Postprocessing
    )
}

/// Components where content rests until something else reads it.
fn holds_content(k: K) -> bool {
    matches!(
        k,
        K::Datastore
            | K::KnowledgeBase
            | K::VectorStore
            | K::FeatureStore
            | K::Dataset
            | K::MessageQueue
            | K::Ingestion
            | K::ExternalService
            | K::DataSource
    )
}

fn untrusted_role(r: ActorRole) -> bool {
    matches!(
        r,
        ActorRole::Anonymous | ActorRole::Customer | ActorRole::Partner
    )
}

fn role_exposure(r: ActorRole) -> Exposure {
    match r {
        ActorRole::Anonymous | ActorRole::Customer => Exposure::Internet,
        ActorRole::Partner => Exposure::Partner,
        _ => Exposure::Internal,
    }
}

/// Exposure order: isolated < internal < partner < internet.
fn exposure_rank(e: Exposure) -> u8 {
    match e {
        Exposure::Isolated => 0,
        Exposure::Internal => 1,
        Exposure::Partner => 2,
        Exposure::Internet => 3,
    }
}

pub fn untrusted_origin(o: DataOrigin) -> bool {
    matches!(
        o,
        DataOrigin::Customer
            | DataOrigin::UserGenerated
            | DataOrigin::ThirdParty
            | DataOrigin::PublicWeb
            | DataOrigin::CrowdLabelled
            | DataOrigin::Partner
            | DataOrigin::Email
    )
}

/// Actions that change or send something: a person should approve them.
pub(crate) const RISKY: [Action; 6] = [
    Action::Write,
    Action::Delete,
    Action::ExecuteCode,
    Action::SendExternal,
    Action::SpendMoney,
    Action::ChangePermissions,
];

/// Compute the facts of a validated model.
pub fn analyze(model: &Model) -> Facts {
    analyze_with(model, &Evidence::new())
}

/// Compute the facts, with evidence from validation tools attached to the components it names.
pub fn analyze_with(model: &Model, evidence: &Evidence) -> Facts {
    let g = Graph::new(model);
    let n = g.len();
    let assets = &g.assets;
    // Boundaries and trust.
    let chains: Vec<Vec<usize>> = (0..n).map(|c| model.boundaries_of(c)).collect();
    let trust: Vec<Option<TrustLevel>> = chains
        .iter()
        .map(|chain| {
            chain
                .iter()
                .find_map(|&b| model.boundaries[b].trust.as_ref().map(|t| t.value))
        })
        .collect();

    // Exposure: actors reaching components through the flows they start.
    let mut reached_by: Vec<BTreeSet<ActorRole>> = vec![BTreeSet::new(); n];
    let mut directly_exposed = vec![false; n];
    let role_of =
        |c: &palisade_model::Component| c.role.as_ref().map_or(ActorRole::Anonymous, |r| r.value);
    // One search per role (not per actor) keeps this linear in the size of the model.
    for role in ActorRole::ALL {
        let starts: Vec<usize> = (0..n)
            .filter(|&a| g.kind(a) == K::Actor && role_of(&model.components[a]) == *role)
            .collect();
        if starts.is_empty() {
            continue;
        }
        let seen = bfs(n, &starts, &g.calls, |u| g.kind(u) != K::Actor);
        for (i, s) in seen.iter().enumerate() {
            if s.is_some() && g.kind(i) != K::Actor {
                reached_by[i].insert(*role);
            }
        }
        if untrusted_role(*role) {
            for &a in &starts {
                for e in &g.calls[a] {
                    directly_exposed[e.to] = true;
                }
            }
        }
    }

    // Untrusted content. Direct: an untrusted actor's own input reaching a component through
    // interactive relays. Indirect: content of untrusted origin arriving through stores, queues,
    // ingestion, external services or data others control.
    let actors: Vec<usize> = (0..n)
        .filter(|&i| {
            let c = &model.components[i];
            c.kind.value == K::Actor
                && untrusted_role(c.role.as_ref().map_or(ActorRole::Anonymous, |r| r.value))
        })
        .collect();
    let direct = bfs(n, &actors, &g.content, |u| interactive(g.kind(u)));
    let from_actors = bfs(n, &actors, &g.content, |_| true);
    let mut label: Vec<Option<String>> = vec![None; n];
    for &a in &actors {
        label[a] = Some(g.id(a).to_string());
    }
    // Tier 1: where untrusted content enters or rests. `received` marks (with the component's
    // number + 1) the assets arriving at the component being looked at.
    let mut received = vec![0usize; assets.ids.len()];
    let mark_received = |received: &mut Vec<usize>, i: usize| {
        for a in g.received(i) {
            received[a as usize] = i + 1;
        }
    };
    let mut tier1 = Vec::new();
    for (i, c) in model.components.iter().enumerate() {
        if c.kind.value != K::Actor {
            mark_received(&mut received, i);
        }
        let at_rest = g
            .held(i)
            .iter()
            .copied()
            .find(|&a| assets.untrusted(a) && received[a as usize] != i + 1);
        let reason = if c.kind.value == K::Actor {
            None
        } else if let Some(a) = at_rest {
            Some(assets.id(a).to_string())
        } else if others_control(c) {
            Some(c.id.value.to_string())
        } else if holds_content(c.kind.value) && from_actors[i].is_some() {
            from_actors[i].map(|(src, _)| g.id(src).to_string())
        } else {
            None
        };
        if let Some(r) = reason {
            label[i] = Some(r);
            tier1.push(i);
        }
    }
    // Tier 2: components that emit untrusted-origin data they did not receive.
    let mut tier2 = Vec::new();
    #[allow(clippy::needless_range_loop)]
    for i in 0..n {
        if label[i].is_some() || g.kind(i) == K::Actor {
            continue;
        }
        mark_received(&mut received, i);
        if let Some(a) = g.content[i]
            .iter()
            .flat_map(|e| g.edge_assets(i, *e))
            .copied()
            .find(|&a| assets.untrusted(a) && received[a as usize] != i + 1)
        {
            label[i] = Some(assets.id(a).to_string());
            tier2.push(i);
        }
    }
    let indirect1 = bfs(n, &tier1, &g.content, |_| true);
    let indirect2 = bfs(n, &tier2, &g.content, |_| true);
    let indirect_of = |i: usize| -> Option<(Vec<usize>, usize)> {
        if indirect1[i].is_some() {
            let p = path_to(&indirect1, i);
            let src = p[0];
            // Prefix the actor's route to the store where its content rests.
            let mut full = if from_actors[src].is_some() && holds_content(g.kind(src)) {
                path_to(&from_actors, src)
            } else {
                vec![src]
            };
            full.extend(p.into_iter().skip(1));
            Some((full, src))
        } else if indirect2[i].is_some() {
            let p = path_to(&indirect2, i);
            let src = p[0];
            Some((p, src))
        } else {
            None
        }
    };

    // Data held or received (sorted asset numbers), and the sensitive part of it.
    let mut handled: Vec<Vec<u32>> = Vec::with_capacity(n);
    let mut sens: Vec<Vec<u32>> = Vec::with_capacity(n);
    for i in 0..n {
        let mut h: Vec<u32> = g.held(i).iter().copied().chain(g.received(i)).collect();
        h.sort_unstable();
        h.dedup();
        sens.push(h.iter().copied().filter(|&a| assets.sensitive(a)).collect());
        handled.push(h);
    }
    let mut components = Vec::with_capacity(n);
    for i in 0..n {
        let c = &model.components[i].value;
        let kind = c.kind.value;
        let declared = c.exposure.as_ref().map(|e| e.value);
        let derived = reached_by[i]
            .iter()
            .map(|r| role_exposure(*r))
            .max_by_key(|e| exposure_rank(*e));
        let exposure = [declared, derived]
            .into_iter()
            .flatten()
            .max_by_key(|e| exposure_rank(*e))
            .unwrap_or(Exposure::Internal);
        let context = matches!(kind, K::Llm | K::Agent);
        let (tool_ix, tools): (Vec<usize>, Vec<ToolReach>) = if context {
            tool_reach(&g, i).into_iter().unzip()
        } else {
            Default::default()
        };
        let mut sensitive_data: Vec<u32> = sens[i].clone();
        for &ti in &tool_ix {
            sensitive_data.extend_from_slice(&sens[ti]);
        }
        sensitive_data.sort_unstable();
        sensitive_data.dedup();
        let exfiltration = if context {
            channels(&g, i, &tool_ix, &tools)
        } else {
            Vec::new()
        };
        let held: Vec<&DataAsset> = handled[i]
            .iter()
            .filter_map(|&a| assets.info[a as usize])
            .collect();
        let mut regulations: Vec<Regulation> = held
            .iter()
            .flat_map(|a| a.regulations.iter().map(|r| r.value))
            .collect();
        regulations.sort();
        regulations.dedup();
        let ids =
            |p: Vec<usize>| -> Vec<String> { p.into_iter().map(|x| g.id(x).to_string()).collect() };
        let direct_path = match direct[i] {
            Some(_) if g.kind(i) != K::Actor => ids(path_to(&direct, i)),
            _ => Vec::new(),
        };
        let (indirect_path, indirect_source) = match indirect_of(i) {
            Some((p, src)) if g.kind(i) != K::Actor => (ids(p), label[src].clone()),
            _ => (Vec::new(), None),
        };
        let mut taint_sources: Vec<String> = Vec::new();
        if let Some(first) = direct_path.first() {
            taint_sources.push(first.clone());
        }
        if let Some(src) = indirect_source
            && !taint_sources.contains(&src)
        {
            taint_sources.push(src);
        }
        let taint_path = if direct_path.is_empty() {
            indirect_path.clone()
        } else {
            direct_path.clone()
        };
        components.push(ComponentFacts {
            id: c.id.value.to_string(),
            kind,
            boundaries: chains[i]
                .iter()
                .map(|&b| model.boundaries[b].id.value.to_string())
                .collect(),
            trust: trust[i],
            exposure,
            reached_by: reached_by[i].iter().copied().collect(),
            untrusted_callers: reached_by[i].iter().any(|r| untrusted_role(*r)),
            directly_exposed: directly_exposed[i]
                || declared.is_some_and(|e| e == Exposure::Internet),
            untrusted_input: !taint_path.is_empty(),
            direct_input: !direct_path.is_empty(),
            indirect_input: !indirect_path.is_empty(),
            taint_sources,
            taint_path,
            indirect_path,
            personal_data: sensitive_data.iter().any(|&a| assets.personal(a)),
            sensitive_data: sensitive_data
                .iter()
                .map(|&a| assets.id(a).to_string())
                .collect(),
            regulations,
            max_classification: held.iter().map(|a| a.classification.value).max(),
            output_reviewed: output_reviewed(&g, i),
            lineage: if kind.is_model() || matches!(kind, K::ModelArtifact | K::Dataset) {
                lineage(&g, i)
            } else {
                Lineage::default()
            },
            third_party: c
                .supplier
                .as_ref()
                .is_some_and(|s| s.value != Supplier::Internal),
            integrity_verified: evidence.get(c.id.value.as_str()).is_some_and(|e| {
                e.scan_verdict.as_deref() == Some("clean")
                    && (c.manifest.is_none() || e.manifest_verified == Some(true))
            }),
            evidence: evidence.get(c.id.value.as_str()).cloned(),
            tools,
            exfiltration,
        });
    }

    let flows = model
        .flows
        .iter()
        .enumerate()
        .map(|(fi, f)| {
            // A flow's ends are both components or it has no edges; look up a lone end.
            let (a, b) = match g.ends[fi] {
                Some((a, b)) => (Some(a), Some(b)),
                None => (g.index(&f.from.value), g.index(&f.to.value)),
            };
            let chain = |x: Option<usize>| x.map_or(&[][..], |x| &chains[x][..]);
            let (ca, cb) = (chain(a), chain(b));
            let mut crosses: Vec<String> = ca
                .iter()
                .filter(|x| !cb.contains(x))
                .chain(cb.iter().filter(|x| !ca.contains(x)))
                .map(|&x| model.boundaries[x].id.value.to_string())
                .collect();
            crosses.sort();
            let ta = a.and_then(|x| trust[x]);
            let tb = b.and_then(|x| trust[x]);
            let mut moved: Vec<u32> = g
                .flow_data(fi)
                .iter()
                .chain(g.flow_returns(fi))
                .copied()
                .collect();
            moved.sort_unstable();
            moved.dedup();
            let tainted_sender = |x: Option<usize>| {
                x.is_some_and(|x| {
                    direct[x].is_some() || indirect1[x].is_some() || indirect2[x].is_some()
                })
            };
            FlowFacts {
                id: model.flow_id(fi).to_string(),
                from: f.from.value.to_string(),
                to: f.to.value.to_string(),
                crosses,
                from_trust: ta,
                to_trust: tb,
                into_higher_trust: matches!((ta, tb), (Some(x), Some(y)) if x < y)
                    || (ta.is_none() && tb.is_some() && a.is_some_and(|x| g.kind(x) == K::Actor)),
                protected: f.protocol.as_ref().map(|p| p.value.is_protected()),
                sensitive: moved.iter().any(|&a| assets.sensitive(a)),
                personal_data: moved.iter().any(|&a| assets.personal(a)),
                assets: moved.iter().map(|&a| assets.id(a).to_string()).collect(),
                untrusted_content: (tainted_sender(a)
                    && (!f.data.is_empty() || f.returns.is_empty()))
                    || (tainted_sender(b) && !f.returns.is_empty()),
            }
        })
        .collect();

    let mut facts = Facts {
        components,
        flows,
        attack_paths: Vec::new(),
    };
    facts.attack_paths = paths::attack_paths(&facts);
    facts
}
