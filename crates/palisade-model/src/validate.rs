//! Whole-model checks after merging: ids, references, boundary structure, and warnings for
//! models that are legal but probably not what the author meant.

use crate::convert::Loc;
use crate::diag::{Diagnostic, codes};
use crate::kinds::ComponentKind;
use crate::model::{
    AcceptedRisk, Boundary, Component, Control, DataAsset, Flow, Id, ModelFile, System,
};
use crate::source::{FileId, Span};
use crate::suggest::suggest;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// What an id names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "type", content = "index", rename_all = "kebab-case")]
pub enum Element {
    Component(usize),
    Flow(usize),
    DataAsset(usize),
    Boundary(usize),
    Control(usize),
}

impl Element {
    pub fn noun(self) -> &'static str {
        match self {
            Element::Component(_) => "component",
            Element::Flow(_) => "flow",
            Element::DataAsset(_) => "data asset",
            Element::Boundary(_) => "trust boundary",
            Element::Control(_) => "control",
        }
    }
}

/// A merged, validated model: the input of every later stage.
#[derive(Debug, Clone, Serialize)]
pub struct Model {
    pub system: Loc<System>,
    pub data_assets: Vec<Loc<DataAsset>>,
    pub components: Vec<Loc<Component>>,
    /// Flows; each has an id (declared, or derived as `FROM->TO`).
    pub flows: Vec<Loc<Flow>>,
    pub boundaries: Vec<Loc<Boundary>>,
    pub controls: Vec<Loc<Control>>,
    pub accepted_risks: Vec<Loc<AcceptedRisk>>,
    /// Every id and what it names (hashed: looked up for every reference and flow end).
    #[serde(skip)]
    pub index: HashMap<Id, Element>,
    /// The boundary each boundary is nested in.
    #[serde(skip)]
    pub boundary_parent: BTreeMap<usize, usize>,
    /// The innermost boundary of each component that is in one.
    #[serde(skip)]
    pub component_boundary: BTreeMap<usize, usize>,
}

impl Model {
    pub fn flow_id(&self, i: usize) -> &Id {
        // Every flow has an id after validation.
        &self.flows[i]
            .id
            .as_ref()
            .expect("validated flows have ids")
            .value
    }

    pub fn component(&self, id: &Id) -> Option<&Loc<Component>> {
        match self.index.get(id) {
            Some(Element::Component(i)) => Some(&self.components[*i]),
            _ => None,
        }
    }

    /// The chain of boundaries around a component, innermost first.
    pub fn boundaries_of(&self, component: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut cur = self.component_boundary.get(&component).copied();
        while let Some(b) = cur {
            if out.contains(&b) {
                break;
            }
            out.push(b);
            cur = self.boundary_parent.get(&b).copied();
        }
        out
    }
}

pub(crate) fn validate(
    system: Loc<System>,
    files: Vec<(FileId, ModelFile)>,
    broken_ids: &[String],
) -> (Model, Vec<Diagnostic>) {
    let mut m = Model {
        system,
        data_assets: Vec::new(),
        components: Vec::new(),
        flows: Vec::new(),
        boundaries: Vec::new(),
        controls: Vec::new(),
        accepted_risks: Vec::new(),
        index: HashMap::new(),
        boundary_parent: BTreeMap::new(),
        component_boundary: BTreeMap::new(),
    };
    for (_, f) in files {
        append(&mut m.data_assets, f.data_assets);
        append(&mut m.components, f.components);
        append(&mut m.flows, f.flows);
        append(&mut m.boundaries, f.boundaries);
        append(&mut m.controls, f.controls);
        append(&mut m.accepted_risks, f.accepted_risks);
    }
    let mut v = Validator {
        diags: Vec::new(),
        broken: broken_ids.iter().cloned().collect(),
        inbound: Vec::new(),
        touched: Vec::new(),
        used_assets: Vec::new(),
    };
    m.index = v.index(&mut m);
    v.references(&m);
    v.boundaries(&mut m);
    v.warnings(&m);
    (m, v.diags)
}

/// Append `more` to `to`; the first file's elements are moved, not copied.
fn append<T>(to: &mut Vec<T>, mut more: Vec<T>) {
    if to.is_empty() {
        *to = more;
    } else {
        to.append(&mut more);
    }
}

struct Validator {
    diags: Vec<Diagnostic>,
    /// Ids of elements that failed to read (already reported).
    broken: BTreeSet<String>,
    /// Per component: flows into it, and whether any flow touches it.
    inbound: Vec<usize>,
    touched: Vec<bool>,
    /// Per data asset: whether anything names it (by index: the index names each id's first
    /// holder, and data assets are indexed first).
    used_assets: Vec<bool>,
}

/// Where the id of an element is written.
fn id_span(m: &Model, el: Element) -> Span {
    match el {
        Element::Component(i) => m.components[i].id.span,
        Element::Flow(i) => {
            let f = &m.flows[i];
            f.id.as_ref().map_or(f.from.span, |id| id.span)
        }
        Element::DataAsset(i) => m.data_assets[i].id.span,
        Element::Boundary(i) => m.boundaries[i].id.span,
        Element::Control(i) => m.controls[i].id.span,
    }
}

impl Validator {
    fn define(&mut self, m: &Model, index: &mut HashMap<Id, Element>, id: &Loc<Id>, el: Element) {
        if let Some(&prev) = index.get(&id.value) {
            let first = id_span(m, prev);
            let mut d =
                Diagnostic::error(codes::DUPLICATE_ID, format!("duplicate id `{}`", id.value))
                    .label(id.span, format!("this {} reuses the id", el.noun()))
                    .label(first, format!("first defined here, as a {}", prev.noun()));
            d = if matches!(el, Element::Flow(_)) && matches!(prev, Element::Flow(_)) {
                d.help("two flows join the same components: give each an `id`")
            } else {
                d.help("ids are shared by all elements of a model, across included files")
            };
            self.diags.push(d);
            return;
        }
        index.insert(id.value.clone(), el);
    }

    /// Derive the ids of flows that have none, and index every id (reporting duplicates).
    fn index(&mut self, m: &mut Model) -> HashMap<Id, Element> {
        for f in &mut m.flows {
            if f.id.is_none() {
                let derived = Id(format!("{}->{}", f.from.value, f.to.value));
                f.value.id = Some(Loc::new(derived, f.from.span));
            }
        }
        let m: &Model = m;
        let mut index = HashMap::with_capacity(
            m.data_assets.len()
                + m.components.len()
                + m.flows.len()
                + m.boundaries.len()
                + m.controls.len(),
        );
        let ids = (m.data_assets.iter().enumerate())
            .map(|(i, a)| (&a.id, Element::DataAsset(i)))
            .chain((m.components.iter().enumerate()).map(|(i, c)| (&c.id, Element::Component(i))))
            .chain(
                (m.flows.iter().enumerate())
                    .filter_map(|(i, f)| Some((f.id.as_ref()?, Element::Flow(i)))),
            )
            .chain((m.boundaries.iter().enumerate()).map(|(i, b)| (&b.id, Element::Boundary(i))))
            .chain((m.controls.iter().enumerate()).map(|(i, c)| (&c.id, Element::Control(i))));
        for (id, el) in ids {
            self.define(m, &mut index, id, el);
        }
        index
    }

    /// Check that `id` names an element of one of the `wanted` types.
    fn reference(&mut self, m: &Model, id: &Loc<Id>, wanted: &[&str], context: &str) -> bool {
        self.resolve(m, id, wanted, context)
            .is_some_and(|el| wanted.contains(&el.noun()))
    }

    /// What `id` names, if anything; reported unless it is one of the `wanted` types.
    fn resolve(
        &mut self,
        m: &Model,
        id: &Loc<Id>,
        wanted: &[&str],
        context: &str,
    ) -> Option<Element> {
        let found = m.index.get(&id.value).copied();
        match found {
            Some(el) if wanted.contains(&el.noun()) => {}
            Some(el) => {
                self.diags.push(
                    Diagnostic::error(
                        codes::WRONG_REFERENCE,
                        format!(
                            "{context} must name a {}, but `{}` is a {}",
                            wanted.join(" or "),
                            id.value,
                            el.noun()
                        ),
                    )
                    .label(id.span, format!("a {}", el.noun()))
                    .label(id_span(m, el), "defined here"),
                );
            }
            None if self.broken.contains(id.value.as_str()) => {}
            None => {
                let candidates = m
                    .index
                    .iter()
                    .filter(|(_, el)| wanted.contains(&el.noun()))
                    .map(|(k, _)| k.as_str());
                let mut d = Diagnostic::error(
                    codes::UNKNOWN_REFERENCE,
                    format!(
                        "{context} names unknown {} `{}`",
                        wanted.join(" or "),
                        id.value
                    ),
                )
                .label(id.span, "no element has this id");
                d = match suggest(id.value.as_str(), candidates) {
                    Some(s) => d.help(format!("did you mean `{s}`?")),
                    None => d.help(format!(
                        "declare a {} with `id: {}`, or fix the name",
                        wanted[0], id.value
                    )),
                };
                self.diags.push(d);
            }
        }
        found
    }

    /// A reference to a component of one of the given kinds.
    fn component_of_kind(
        &mut self,
        m: &Model,
        id: &Loc<Id>,
        kinds: &[ComponentKind],
        context: &str,
    ) {
        if !self.reference(m, id, &["component"], context) {
            return;
        }
        let Some(target) = m.component(&id.value) else {
            return;
        };
        if !kinds.contains(&target.kind.value) {
            let names: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
            self.diags.push(
                Diagnostic::error(
                    codes::WRONG_REFERENCE,
                    format!(
                        "{context} must name a component of kind {}, but `{}` is a `{}`",
                        names.join(", "),
                        id.value,
                        target.kind.value
                    ),
                )
                .label(id.span, format!("a `{}`", target.kind.value))
                .label(target.kind.span, "kind declared here"),
            );
        }
    }

    /// Note that a data asset is named (for the unused-asset warning).
    fn use_asset(&mut self, el: Option<Element>) {
        if let Some(Element::DataAsset(i)) = el {
            self.used_assets[i] = true;
        }
    }

    /// Check every reference; note which components flows touch and which data assets are
    /// named, for the warnings.
    fn references(&mut self, m: &Model) {
        use ComponentKind as K;
        self.inbound = vec![0; m.components.len()];
        self.touched = vec![false; m.components.len()];
        self.used_assets = vec![false; m.data_assets.len()];
        for c in &m.components {
            for a in &c.data {
                let el = self.resolve(m, a, &["data asset"], "component `data`");
                self.use_asset(el);
            }
            for a in &c.inspects {
                let el = self.resolve(m, a, &["data asset"], "guardrail `inspects`");
                self.use_asset(el);
            }
            if let Some(t) = &c.serves {
                let kinds = [K::Model, K::Llm, K::EmbeddingModel, K::ModelArtifact];
                self.component_of_kind(m, t, &kinds, "`serves`");
            }
            if let Some(t) = &c.stored_in {
                let kinds = [K::ModelRegistry, K::Datastore, K::FeatureStore];
                self.component_of_kind(m, t, &kinds, "`stored_in`");
            }
            for t in &c.invoked_by {
                self.component_of_kind(m, t, &[K::Llm, K::Agent], "`invoked_by`");
            }
        }
        for f in &m.flows {
            let from = self.resolve(m, &f.from, &["component"], "flow `from`");
            let to = self.resolve(m, &f.to, &["component"], "flow `to`");
            if let Some(Element::Component(i)) = from {
                self.touched[i] = true;
            }
            if let Some(Element::Component(i)) = to {
                self.touched[i] = true;
                self.inbound[i] += 1;
            }
            for a in f.data.iter().chain(&f.returns) {
                let el = self.resolve(m, a, &["data asset"], "flow data");
                self.use_asset(el);
            }
        }
        for b in &m.boundaries {
            for c in &b.contains {
                self.reference(m, c, &["component"], "boundary `contains`");
            }
            for c in &b.boundaries {
                self.reference(m, c, &["trust boundary"], "boundary `boundaries`");
            }
        }
        for c in &m.controls {
            for t in &c.applies_to {
                let el = self.resolve(
                    m,
                    t,
                    &["component", "flow", "data asset", "trust boundary"],
                    "control `applies_to`",
                );
                self.use_asset(el);
            }
        }
    }

    fn boundaries(&mut self, m: &mut Model) {
        let idx = |m: &Model, id: &Id| match m.index.get(id) {
            Some(Element::Boundary(i)) => Some(*i),
            _ => None,
        };
        // Nesting: each boundary has at most one parent.
        let mut parent_span: BTreeMap<usize, Span> = BTreeMap::new();
        for (bi, b) in m.boundaries.iter().enumerate() {
            for child in &b.boundaries {
                let Some(ci) = idx(m, &child.value) else {
                    continue;
                };
                if let Some(&prev) = m.boundary_parent.get(&ci) {
                    self.diags.push(
                        Diagnostic::error(
                            codes::BOUNDARY_PARENTS,
                            format!(
                                "boundary `{}` is nested in both `{}` and `{}`",
                                child.value, m.boundaries[prev].id.value, b.id.value
                            ),
                        )
                        .label(child.span, "second parent")
                        .label(parent_span[&ci], "first parent")
                        .help("trust boundaries form a tree: nest each boundary in one parent"),
                    );
                    continue;
                }
                m.boundary_parent.insert(ci, bi);
                parent_span.insert(ci, child.span);
            }
        }
        // Cycles in nesting.
        let mut reported = BTreeSet::new();
        for start in 0..m.boundaries.len() {
            let mut path = vec![start];
            let mut cur = start;
            while let Some(&p) = m.boundary_parent.get(&cur) {
                if let Some(pos) = path.iter().position(|&x| x == p) {
                    let cycle: BTreeSet<usize> = path[pos..].iter().copied().collect();
                    if reported.insert(cycle.iter().copied().min().unwrap_or(p)) {
                        let names: Vec<String> = path[pos..]
                            .iter()
                            .chain(std::iter::once(&p))
                            .map(|&i| format!("`{}`", m.boundaries[i].id.value))
                            .collect();
                        let child = path[pos..].last().copied().unwrap_or(p);
                        self.diags.push(
                            Diagnostic::error(
                                codes::BOUNDARY_CYCLE,
                                format!(
                                    "trust boundaries nest in a cycle: {}",
                                    names.join(" inside ")
                                ),
                            )
                            .label(parent_span[&child], "closes the cycle")
                            .help("a boundary cannot contain itself, directly or through others"),
                        );
                    }
                    for &c in &cycle {
                        m.boundary_parent.remove(&c);
                    }
                    break;
                }
                path.push(p);
                cur = p;
            }
        }
        // Membership: a component may be in several boundaries only if they nest.
        let mut member_of: BTreeMap<usize, Vec<(usize, Span)>> = BTreeMap::new();
        for (bi, b) in m.boundaries.iter().enumerate() {
            for c in &b.contains {
                if let Some(Element::Component(ci)) = m.index.get(&c.value) {
                    member_of.entry(*ci).or_default().push((bi, c.span));
                }
            }
        }
        let ancestors = |m: &Model, b: usize| {
            let mut out = vec![b];
            let mut cur = b;
            while let Some(&p) = m.boundary_parent.get(&cur) {
                if out.contains(&p) {
                    break;
                }
                out.push(p);
                cur = p;
            }
            out
        };
        for (ci, list) in member_of {
            // The innermost is the one whose ancestor chain is longest.
            let mut best = list[0];
            for &(b, span) in &list[1..] {
                let (ab, abest) = (ancestors(m, b), ancestors(m, best.0));
                if ab.contains(&best.0) {
                    best = (b, span);
                } else if !abest.contains(&b) {
                    self.diags.push(
                        Diagnostic::error(
                            codes::BOUNDARY_OVERLAP,
                            format!(
                                "component `{}` is in two trust boundaries that do not nest: `{}` and `{}`",
                                m.components[ci].id.value,
                                m.boundaries[best.0].id.value,
                                m.boundaries[b].id.value
                            ),
                        )
                        .label(span, "second boundary")
                        .label(best.1, "first boundary")
                        .help("a component sits in one place: keep it in one boundary, or nest one boundary in the other"),
                    );
                }
            }
            m.component_boundary.insert(ci, best.0);
        }
    }

    fn warnings(&mut self, m: &Model) {
        let inbound = std::mem::take(&mut self.inbound);
        let mut touched = std::mem::take(&mut self.touched);
        let used_assets = std::mem::take(&mut self.used_assets);
        for f in &m.flows {
            if f.from.value == f.to.value {
                self.diags.push(
                    Diagnostic::warning(codes::SELF_FLOW, "flow from a component to itself")
                        .label(f.to.span, "same as `from`")
                        .help("model the parts as separate components, or remove the flow"),
                );
            }
        }
        for c in &m.components {
            // Links other than flows connect components too.
            let links = c.serves.iter().chain(&c.stored_in).chain(&c.invoked_by);
            for target in links {
                if let Some(Element::Component(t)) = m.index.get(&target.value) {
                    touched[*t] = true;
                    if let Some(Element::Component(me)) = m.index.get(&c.id.value) {
                        touched[*me] = true;
                    }
                }
            }
        }
        for (i, c) in m.components.iter().enumerate() {
            let kind = c.kind.value;
            if (kind.is_model() || kind == ComponentKind::Agent) && inbound[i] == 0 && touched[i] {
                self.diags.push(
                    Diagnostic::warning(
                        codes::UNREACHED_MODEL,
                        format!("no flow reaches {kind} `{}`", c.id.value),
                    )
                    .label(c.id.span, "nothing sends input here")
                    .help("add the flow that carries its input, so threats through that input are found"),
                );
            } else if !touched[i] && kind != ComponentKind::Library {
                self.diags.push(
                    Diagnostic::warning(
                        codes::ISOLATED,
                        format!("component `{}` takes part in no flow", c.id.value),
                    )
                    .label(c.id.span, "isolated")
                    .help("connect it with a flow, or remove it: threats are found along flows"),
                );
            }
            if matches!(
                kind,
                ComponentKind::Tool | ComponentKind::McpServer | ComponentKind::Agent
            ) && c.owner.is_none()
            {
                self.diags.push(
                    Diagnostic::warning(
                        codes::NO_OWNER,
                        format!("{kind} `{}` has no owner", c.id.value),
                    )
                    .label(c.id.span, "who answers for what it does?")
                    .help("add `owner:`: tools and agents act on the organisation's behalf"),
                );
            }
        }
        for a in &m.data_assets {
            let used = match m.index.get(&a.id.value) {
                Some(Element::DataAsset(i)) => used_assets[*i],
                _ => false,
            };
            if !used {
                self.diags.push(
                    Diagnostic::warning(
                        codes::UNUSED_ASSET,
                        format!(
                            "data asset `{}` is used by no component or flow",
                            a.id.value
                        ),
                    )
                    .label(a.id.span, "unused")
                    .help("list it in a component's `data` or a flow's `data`, or remove it"),
                );
            }
        }
        for b in &m.boundaries {
            if b.contains.is_empty() && b.boundaries.is_empty() {
                self.diags.push(
                    Diagnostic::warning(
                        codes::EMPTY_BOUNDARY,
                        format!("trust boundary `{}` contains nothing", b.id.value),
                    )
                    .label(b.id.span, "empty")
                    .help("list its components in `contains:`"),
                );
            }
        }
    }
}
