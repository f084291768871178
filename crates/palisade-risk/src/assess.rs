//! Phase 3: inherent risk from the base levels and scoring factors, residual risk after the
//! controls in place, defence-in-depth checks and the review state of accepted risks.

use crate::catalog::{Catalog, MitigationKind};
use crate::policy::Policy;
use palisade_analysis::Facts;
use palisade_model::date::Date;
use palisade_model::{ControlStatus, Element, Model};
use palisade_threats::rule::Axis;
use palisade_threats::{Category, Finding, Shared, Target, Text};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// A point of the risk matrix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Score {
    /// Likelihood level, 1 = lowest.
    pub likelihood: u8,
    /// Impact level, 1 = lowest.
    pub impact: u8,
    /// The likelihood level's name in the policy.
    pub likelihood_level: Text,
    pub impact_level: Text,
    /// Likelihood × impact.
    pub score: u32,
    /// The policy band of the cell.
    pub severity: Text,
    /// The band's rank, 0 = lowest (for sorting and thresholds).
    pub severity_rank: usize,
}

impl Score {
    pub fn new(policy: &Policy, likelihood: u8, impact: u8) -> Score {
        let l = likelihood.clamp(1, policy.max_likelihood());
        let i = impact.clamp(1, policy.max_impact());
        let band = policy.band(l, i);
        Score {
            likelihood: l,
            impact: i,
            likelihood_level: policy.likelihood_name(l as usize - 1),
            impact_level: policy.impact_name(i as usize - 1),
            score: u32::from(l) * u32::from(i),
            severity: policy.band_name(band),
            severity_rank: band,
        }
    }
}

/// A scoring factor that moved a finding's inherent risk.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct FactorUse {
    pub id: Text,
    pub affects: Axis,
    pub delta: i64,
    pub reason: Text,
    /// The attributes and facts it reads.
    pub reads: Shared<Vec<String>>,
}

/// How the inherent risk was reached.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Inherent {
    /// Levels before factors (from the rule's base likelihood and impact).
    pub base_likelihood: u8,
    pub base_impact: u8,
    pub factors: Vec<FactorUse>,
    /// The total shift applied to each axis (after the policy's cap).
    pub likelihood_shift: i64,
    pub impact_shift: i64,
    /// Whether the policy's `max_factor_shift` limited a shift.
    pub capped: bool,
    pub score: Score,
}

/// What one control does to one finding.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ControlEffect {
    pub control: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub status: ControlStatus,
    /// Catalog mitigations of the control that address this finding.
    pub mitigations: Vec<String>,
    /// Their kinds (prevention, detection, response).
    pub kinds: Vec<MitigationKind>,
    /// The share of likelihood it removes, when it lowers likelihood.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub likelihood_reduction: Option<f64>,
    /// The share of impact it removes, when it lowers impact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impact_reduction: Option<f64>,
    /// Whether the effectiveness is the control's own (`effectiveness:`) or the catalog's.
    pub effectiveness_declared: bool,
    /// Why the control covers this finding's element.
    pub scope: String,
    /// Implemented or verified (planned controls are listed but do not count).
    pub effective: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
}

/// Risk after the controls in place.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Residual {
    /// Continuous levels before rounding (1 + (level − 1) × Π(1 − reduction)).
    pub likelihood_value: f64,
    pub impact_value: f64,
    pub score: Score,
}

/// A defence-in-depth problem of a significant threat.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum DepthFlag {
    /// No control in place addresses it.
    Unmitigated,
    /// Exactly one control in place addresses it.
    SingleControl,
    /// Controls prevent it, but none detects it or responds to it.
    NoDetectionOrResponse,
}

impl DepthFlag {
    pub fn message(self) -> &'static str {
        match self {
            DepthFlag::Unmitigated => "no control in place addresses this significant threat",
            DepthFlag::SingleControl => {
                "a single control covers this significant threat (no defence in depth)"
            }
            DepthFlag::NoDetectionOrResponse => {
                "controls try to prevent it, but nothing would detect it or respond to it"
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// To be mitigated.
    Open,
    /// Accepted by the business; stays visible.
    Accepted,
}

/// One assessed finding.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Risk {
    pub finding: String,
    pub code: Text,
    pub title: Text,
    pub category: Category,
    pub target: String,
    pub inherent: Inherent,
    /// Controls that address it, effective or planned.
    pub controls: Vec<ControlEffect>,
    pub residual: Residual,
    /// Defence-in-depth flags (significant threats only).
    pub depth: Vec<DepthFlag>,
    pub status: Status,
    /// Index into `Assessment::acceptances` when accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acceptance: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum AcceptanceState {
    /// Within its review period.
    Active,
    /// The review falls due within the policy's warning window.
    DueSoon,
    /// The review date has passed.
    Overdue,
    /// The acceptance's expiry date has passed.
    Expired,
    /// No finding has this id any more (renamed element, changed rule, fixed threat).
    Orphaned,
}

/// The review state of one accepted risk.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct AcceptanceReview {
    pub finding: String,
    pub justification: String,
    pub approver: String,
    pub accepted_on: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_due: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,
    pub state: AcceptanceState,
    /// Days until the review or expiry (negative: past it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days_left: Option<i64>,
    /// For orphaned acceptances: the finding it most likely meant now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
    /// Index into `Model::accepted_risks`.
    #[serde(skip)]
    pub index: usize,
}

impl AcceptanceReview {
    /// Whether the acceptance fails the gate (past its review date or expiry).
    pub fn lapsed(&self) -> bool {
        matches!(
            self.state,
            AcceptanceState::Overdue | AcceptanceState::Expired
        )
    }
}

/// A name in a control's `implements` that the catalog does not know.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct UnknownMitigation {
    pub control: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
    /// Index of the control and of the name, for the caller to locate it.
    #[serde(skip)]
    pub at: (usize, usize),
}

/// The risk assessment of a model.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Assessment {
    /// The date acceptances were reviewed against.
    pub today: String,
    /// Sorted by residual risk, highest first.
    pub risks: Vec<Risk>,
    pub acceptances: Vec<AcceptanceReview>,
    pub unknown_mitigations: Vec<UnknownMitigation>,
}

impl Assessment {
    /// The risk of one finding (a linear search: for many lookups, index with `by_finding`).
    pub fn risk(&self, finding: &str) -> Option<&Risk> {
        self.risks.iter().find(|r| r.finding == finding)
    }

    /// The risks by finding id (the first risk of an id, as `risk` finds it).
    pub fn by_finding(&self) -> HashMap<&str, &Risk> {
        let mut map = HashMap::with_capacity(self.risks.len());
        for r in &self.risks {
            map.entry(r.finding.as_str()).or_insert(r);
        }
        map
    }

    /// Whether a risk still needs mitigating: not accepted, or accepted with a lapsed review.
    pub fn is_open(&self, r: &Risk) -> bool {
        match (r.status, r.acceptance) {
            (Status::Accepted, Some(i)) => self.acceptances[i].lapsed(),
            (Status::Accepted, None) => false,
            (Status::Open, _) => true,
        }
    }
}

/// Everything the assessment reads.
pub struct Input<'a> {
    pub model: &'a Model,
    pub facts: &'a Facts,
    pub findings: &'a [Finding],
    pub catalog: &'a Catalog,
    pub policy: &'a Policy,
    pub today: Date,
}

/// Inherent risk of one finding.
pub fn inherent(f: &Finding, policy: &Policy) -> Inherent {
    let base_l = policy.base(f.base_likelihood);
    let base_i = policy.base(f.base_impact);
    let cap = i64::from(policy.max_factor_shift);
    let sum = |axis: Axis| -> i64 {
        f.factors
            .iter()
            .filter(|x| x.affects == axis)
            .map(|x| x.delta)
            .sum()
    };
    let (raw_l, raw_i) = (sum(Axis::Likelihood), sum(Axis::Impact));
    let (sl, si) = (raw_l.clamp(-cap, cap), raw_i.clamp(-cap, cap));
    let level = |base: u8, shift: i64, max: u8| -> u8 {
        (i64::from(base) + shift).clamp(1, i64::from(max)) as u8
    };
    let l = level(base_l, sl, policy.max_likelihood());
    let i = level(base_i, si, policy.max_impact());
    Inherent {
        base_likelihood: base_l,
        base_impact: base_i,
        factors: f
            .factors
            .iter()
            .map(|x| FactorUse {
                id: x.id.clone(),
                affects: x.affects,
                delta: x.delta,
                reason: x.reason.clone(),
                reads: x.reads.clone(),
            })
            .collect(),
        likelihood_shift: sl,
        impact_shift: si,
        capped: sl != raw_l || si != raw_i,
        score: Score::new(policy, l, i),
    }
}

/// Apply reductions to a level: `1 + (level − 1) × Π(1 − r)`.
pub fn reduce(level: u8, reductions: impl Iterator<Item = f64>) -> f64 {
    let keep: f64 = reductions.map(|r| 1.0 - r.clamp(0.0, 1.0)).product();
    1.0 + (f64::from(level) - 1.0) * keep
}

/// Round a continuous level to the nearest level of the matrix; an exact half goes down (a
/// control that removes half of what is left above the lowest level gets the benefit).
pub fn round_level(v: f64) -> u8 {
    // The small epsilon keeps float noise (2.5000000001) from deciding a tie.
    (v - 0.5 - 1e-9).ceil().clamp(1.0, 255.0) as u8
}

/// Residual risk from the inherent score and the effective controls.
pub fn residual(inherent: &Score, effects: &[&ControlEffect], policy: &Policy) -> Residual {
    let (lv, iv) = residual_levels(inherent, effects, &[]);
    Residual {
        likelihood_value: (lv * 100.0).round() / 100.0,
        impact_value: (iv * 100.0).round() / 100.0,
        score: Score::new(policy, round_level(lv), round_level(iv)),
    }
}

/// The continuous likelihood and impact levels left by the effective controls and, after them,
/// catalog mitigations at their catalog effectiveness (what the plan tries).
pub fn residual_levels(
    inherent: &Score,
    effects: &[&ControlEffect],
    extra: &[&crate::catalog::Mitigation],
) -> (f64, f64) {
    let on = |axis: Axis| {
        extra
            .iter()
            .filter(move |m| m.reduces.value == axis)
            .map(|m| m.effectiveness.value)
    };
    let lv = reduce(
        inherent.likelihood,
        effects
            .iter()
            .filter_map(|e| e.likelihood_reduction)
            .chain(on(Axis::Likelihood)),
    );
    let iv = reduce(
        inherent.impact,
        effects
            .iter()
            .filter_map(|e| e.impact_reduction)
            .chain(on(Axis::Impact)),
    );
    (lv, iv)
}

/// The catalog mitigations that address a finding: the rule's own list, plus the catalog's
/// detection and response mitigations for its category (defence in depth).
pub fn relevant_mitigations(f: &Finding, catalog: &Catalog) -> BTreeSet<String> {
    relevant_to(&f.mitigations, f.category, catalog)
}

/// `relevant_mitigations` of every finding with these mitigations and this category.
fn relevant_to(mitigations: &[String], category: Category, catalog: &Catalog) -> BTreeSet<String> {
    let mut out: BTreeSet<String> = mitigations
        .iter()
        .flat_map(|m| catalog.canonical(m))
        .collect();
    for (id, m) in &catalog.mitigations {
        if m.kind.value != MitigationKind::Prevention
            && m.categories.iter().any(|c| c.value == category)
        {
            out.insert(id.clone());
        }
    }
    out
}

/// The relevant mitigations of findings, computed once per rule (its mitigation list and
/// category) instead of once per finding.
pub struct Relevance<'a> {
    catalog: &'a Catalog,
    sets: HashMap<(Category, &'a [String]), BTreeSet<String>>,
}

impl<'a> Relevance<'a> {
    pub fn new(catalog: &'a Catalog) -> Self {
        Relevance {
            catalog,
            sets: HashMap::new(),
        }
    }

    /// `relevant_mitigations(f, catalog)`, from the cache.
    pub fn of(&mut self, f: &'a Finding) -> &BTreeSet<String> {
        let catalog = self.catalog;
        self.sets
            .entry((f.category, f.mitigations.as_slice()))
            .or_insert_with(|| relevant_to(&f.mitigations, f.category, catalog))
    }
}

struct Lookup<'a> {
    model: &'a Model,
    facts: &'a Facts,
}

impl Lookup<'_> {
    fn component_index(&self, id: &str) -> Option<usize> {
        match self.model.index.get(id) {
            Some(Element::Component(i)) => Some(*i),
            _ => None,
        }
    }
    fn flow_index(&self, id: &str) -> Option<usize> {
        match self.model.index.get(id) {
            Some(Element::Flow(i)) => Some(*i),
            _ => None,
        }
    }

    /// Why a control that applies to `element` covers a finding on `f.target`, if it does.
    fn scope(&self, element: &str, f: &Finding) -> Option<String> {
        let target = f.target.id.as_str();
        if element == target {
            return Some(format!("applies to `{target}`"));
        }
        match f.target.kind {
            Target::Flow => {
                if let Some(fi) = self.flow_index(target) {
                    let flow = &self.model.flows[fi];
                    if flow.from.value.as_str() == element || flow.to.value.as_str() == element {
                        return Some(format!("applies to `{element}`, an end of the flow"));
                    }
                }
            }
            Target::Component => {
                if let Some(fi) = self.flow_index(element)
                    && self.model.flows[fi].to.value.as_str() == target
                {
                    return Some(format!("guards the flow `{element}` into `{target}`"));
                }
                if let Some(ci) = self.component_index(target) {
                    let facts = &self.facts.components[ci];
                    let comp = &self.model.components[ci];
                    if facts.taint_path.iter().any(|p| p == element)
                        || facts.indirect_path.iter().any(|p| p == element)
                    {
                        return Some(format!(
                            "applies to `{element}`, on the way from outside to `{target}`"
                        ));
                    }
                    if comp
                        .serves
                        .as_ref()
                        .is_some_and(|s| s.value.as_str() == element)
                    {
                        return Some(format!("applies to `{element}`, which `{target}` serves"));
                    }
                    // What a model is made from matters for threats to its training and
                    // provenance; for extraction, only where its weights are kept.
                    let l = &facts.lineage;
                    let lineage: &[&Vec<String>] = match f.category {
                        Category::DataPoisoning
                        | Category::SupplyChain
                        | Category::MembershipInference => &[
                            &l.artifacts,
                            &l.datasets,
                            &l.pipelines,
                            &l.registries,
                            &l.data_sources,
                        ],
                        Category::ModelExtraction => &[&l.artifacts, &l.registries],
                        _ => &[],
                    };
                    if lineage.iter().any(|list| list.iter().any(|x| x == element)) {
                        return Some(format!(
                            "applies to `{element}`, in the lineage of `{target}`"
                        ));
                    }
                    if facts.tools.iter().any(|t| t.tool == element) {
                        return Some(format!(
                            "guards the tool `{element}` that `{target}` can trigger"
                        ));
                    }
                    if self.model.components[ci]
                        .data
                        .iter()
                        .any(|d| d.value.as_str() == element)
                    {
                        return Some(format!(
                            "protects the data `{element}` that `{target}` handles"
                        ));
                    }
                }
            }
        }
        if f.path.iter().any(|p| p == element) {
            return Some(format!(
                "applies to `{element}`, on the path untrusted content takes"
            ));
        }
        None
    }
}

/// The effects of every control (effective or planned) on one finding.
pub fn control_effects(
    f: &Finding,
    model: &Model,
    facts: &Facts,
    catalog: &Catalog,
) -> Vec<ControlEffect> {
    if model.controls.is_empty() {
        return Vec::new();
    }
    effects_with(f, model, facts, catalog, &relevant_mitigations(f, catalog))
}

/// `control_effects` with the finding's relevant mitigations already known.
fn effects_with(
    f: &Finding,
    model: &Model,
    facts: &Facts,
    catalog: &Catalog,
    relevant: &BTreeSet<String>,
) -> Vec<ControlEffect> {
    let look = Lookup { model, facts };
    let mut out = Vec::new();
    for c in &model.controls {
        // A control needs both a relevant mitigation and a scope; the cheaper test goes first.
        let matched: BTreeSet<String> = c
            .implements
            .iter()
            .flat_map(|i| catalog.canonical(&i.value))
            .filter(|m| relevant.contains(m))
            .collect();
        if matched.is_empty() {
            continue;
        }
        let Some(scope) = c
            .applies_to
            .iter()
            .find_map(|a| look.scope(a.value.as_str(), f))
        else {
            continue;
        };
        let declared = c.effectiveness.as_ref().map(|e| e.value);
        let mut by_axis: BTreeMap<Axis, f64> = BTreeMap::new();
        let mut kinds = BTreeSet::new();
        for id in &matched {
            let Some(m) = catalog.get(id) else { continue };
            kinds.insert(m.kind.value);
            let e = declared.unwrap_or(m.effectiveness.value);
            let slot = by_axis.entry(m.reduces.value).or_insert(0.0);
            *slot = slot.max(e);
        }
        out.push(ControlEffect {
            control: c.id.value.to_string(),
            name: c.name.as_ref().map(|n| n.value.clone()),
            status: c.status.value,
            mitigations: matched.into_iter().collect(),
            kinds: kinds.into_iter().collect(),
            likelihood_reduction: by_axis.get(&Axis::Likelihood).copied(),
            impact_reduction: by_axis.get(&Axis::Impact).copied(),
            effectiveness_declared: declared.is_some(),
            scope,
            effective: c.status.value != ControlStatus::Planned,
            owner: c.owner.as_ref().map(|o| o.value.clone()),
        });
    }
    out
}

fn depth_flags(inherent: &Score, effects: &[&ControlEffect], policy: &Policy) -> Vec<DepthFlag> {
    if inherent.severity_rank < policy.depth_threshold {
        return Vec::new();
    }
    let mut flags = Vec::new();
    match effects.len() {
        0 => flags.push(DepthFlag::Unmitigated),
        1 => flags.push(DepthFlag::SingleControl),
        _ => {}
    }
    let kinds: BTreeSet<MitigationKind> = effects.iter().flat_map(|e| e.kinds.clone()).collect();
    if kinds.contains(&MitigationKind::Prevention)
        && !kinds.contains(&MitigationKind::Detection)
        && !kinds.contains(&MitigationKind::Response)
    {
        flags.push(DepthFlag::NoDetectionOrResponse);
    }
    flags
}

/// Assess one finding (without acceptances).
pub fn assess_finding(f: &Finding, input: &Input) -> Risk {
    let controls = control_effects(f, input.model, input.facts, input.catalog);
    risk_with(f, controls, input)
}

/// A finding's risk given the effects of the controls on it.
fn risk_with(f: &Finding, controls: Vec<ControlEffect>, input: &Input) -> Risk {
    let inherent = inherent(f, input.policy);
    let effective: Vec<&ControlEffect> = controls.iter().filter(|c| c.effective).collect();
    let residual = residual(&inherent.score, &effective, input.policy);
    let depth = depth_flags(&inherent.score, &effective, input.policy);
    Risk {
        finding: f.id.clone(),
        code: f.code.clone(),
        title: f.title.clone(),
        category: f.category,
        target: f.target.id.clone(),
        inherent,
        controls,
        residual,
        depth,
        status: Status::Open,
        acceptance: None,
    }
}

/// The finding id an orphaned acceptance most likely meant: the same rule on the closest
/// element id, else the closest id overall.
fn likely_successor(id: &str, findings: &[String]) -> Option<String> {
    let (code, element) = id.split_once('@').unwrap_or((id, ""));
    let same_rule: Vec<&str> = findings
        .iter()
        .filter(|f| f.split_once('@').is_some_and(|(c, _)| c == code))
        .map(String::as_str)
        .collect();
    if same_rule.len() == 1 {
        return Some(same_rule[0].to_string());
    }
    let elements: Vec<&str> = same_rule
        .iter()
        .filter_map(|f| f.split_once('@').map(|(_, e)| e))
        .collect();
    if let Some(e) = palisade_model::suggest(element, elements.iter().copied()) {
        return Some(format!("{code}@{e}"));
    }
    palisade_model::suggest(id, findings.iter().map(String::as_str)).map(String::from)
}

/// Assess every finding of a model, and review its accepted risks.
pub fn assess(input: &Input) -> Assessment {
    let mut relevance = Relevance::new(input.catalog);
    let mut risks: Vec<Risk> = input
        .findings
        .iter()
        .map(|f| {
            let controls = if input.model.controls.is_empty() {
                Vec::new()
            } else {
                let relevant = relevance.of(f);
                effects_with(f, input.model, input.facts, input.catalog, relevant)
            };
            risk_with(f, controls, input)
        })
        .collect();
    let ids: Vec<String> = risks.iter().map(|r| r.finding.clone()).collect();
    // The first risk of each finding id (ids are unique; the first wins as a search would).
    let mut position: HashMap<&str, usize> = HashMap::with_capacity(ids.len());
    for (i, id) in ids.iter().enumerate() {
        position.entry(id.as_str()).or_insert(i);
    }
    let mut acceptances = Vec::new();
    for (index, a) in input.model.accepted_risks.iter().enumerate() {
        let anchor = a.reviewed_on.as_ref().unwrap_or(&a.accepted_on).value;
        let review_due = a.review_every.as_ref().map(|p| anchor.add_period(p.value));
        let expires = a.expires.as_ref().map(|e| e.value);
        let today = input.today;
        let found = position.get(a.finding.value.as_str()).copied();
        let exists = found.is_some();
        let next = [review_due, expires].into_iter().flatten().min();
        let days_left = next.map(|d| d.to_days() - today.to_days());
        let state = if !exists {
            AcceptanceState::Orphaned
        } else if expires.is_some_and(|e| e <= today) {
            AcceptanceState::Expired
        } else if review_due.is_some_and(|d| d < today) {
            AcceptanceState::Overdue
        } else if days_left.is_some_and(|d| d <= input.policy.review_warning_days as i64) {
            AcceptanceState::DueSoon
        } else {
            AcceptanceState::Active
        };
        let review = AcceptanceReview {
            finding: a.finding.value.clone(),
            justification: a.justification.value.clone(),
            approver: a.approver.value.clone(),
            accepted_on: a.accepted_on.value.to_string(),
            review_due: review_due.map(|d| d.to_string()),
            expires: expires.map(|d| d.to_string()),
            ticket: a.ticket.as_ref().map(|t| t.value.clone()),
            state,
            days_left: if exists { days_left } else { None },
            suggestion: if exists {
                None
            } else {
                likely_successor(&a.finding.value, &ids)
            },
            index,
        };
        let at = acceptances.len();
        acceptances.push(review);
        if let Some(r) = found.map(|i| &mut risks[i])
            && r.acceptance.is_none()
        {
            r.status = Status::Accepted;
            r.acceptance = Some(at);
        }
    }
    let mut unknown_mitigations = Vec::new();
    for (ci, c) in input.model.controls.iter().enumerate() {
        for (ni, name) in c.implements.iter().enumerate() {
            if let crate::catalog::Resolved::Unknown { suggestion } =
                input.catalog.resolve(&name.value)
            {
                unknown_mitigations.push(UnknownMitigation {
                    control: c.id.value.to_string(),
                    name: name.value.clone(),
                    suggestion,
                    at: (ci, ni),
                });
            }
        }
    }
    risks.sort_by(|a, b| {
        b.residual
            .score
            .severity_rank
            .cmp(&a.residual.score.severity_rank)
            .then(b.residual.score.score.cmp(&a.residual.score.score))
            .then(b.inherent.score.score.cmp(&a.inherent.score.score))
            .then(a.finding.cmp(&b.finding))
    });
    // Sorting moved the risks; acceptance indices point into `acceptances`, which did not move.
    Assessment {
        today: input.today.to_string(),
        risks,
        acceptances,
        unknown_mitigations,
    }
}

/// What fails the gate at a threshold band.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct GateResult {
    pub threshold: String,
    /// Open findings at or above the threshold (residual).
    pub failing: Vec<String>,
    /// Acceptances past their review date or expiry.
    pub lapsed: Vec<String>,
}

impl GateResult {
    pub fn passed(&self) -> bool {
        self.failing.is_empty() && self.lapsed.is_empty()
    }
}

/// The CI gate: open findings whose residual severity reaches `threshold`, and lapsed
/// acceptances.
pub fn gate(a: &Assessment, policy: &Policy, threshold: usize) -> GateResult {
    GateResult {
        threshold: policy.bands[threshold].clone(),
        failing: a
            .risks
            .iter()
            .filter(|r| r.status == Status::Open && r.residual.score.severity_rank >= threshold)
            .map(|r| r.finding.clone())
            .collect(),
        lapsed: a
            .acceptances
            .iter()
            .filter(|x| x.lapsed())
            .map(|x| x.finding.clone())
            .collect(),
    }
}

/// Diagnostic codes of the assessment.
pub mod codes {
    /// A control implements a name the mitigation catalog does not know.
    pub const UNKNOWN_MITIGATION: &str = "risk::unknown-mitigation";
    /// An accepted risk names a finding that no longer exists.
    pub const ORPHANED_ACCEPTANCE: &str = "risk::orphaned-acceptance";
    /// An accepted risk is past its review date or expiry.
    pub const LAPSED_ACCEPTANCE: &str = "risk::lapsed-acceptance";
    /// An accepted risk is due for review soon.
    pub const REVIEW_DUE_SOON: &str = "risk::review-due-soon";
}

/// The assessment's problems with the model, located in its files: unknown mitigation names,
/// orphaned acceptances (with the likely new id) and lapsed or soon-due reviews.
pub fn diagnostics(a: &Assessment, model: &Model) -> Vec<palisade_model::Diagnostic> {
    use palisade_model::Diagnostic;
    let mut out = Vec::new();
    for u in &a.unknown_mitigations {
        let Some(name) = model
            .controls
            .get(u.at.0)
            .and_then(|c| c.implements.get(u.at.1))
        else {
            continue;
        };
        let mut d = Diagnostic::warning(
            codes::UNKNOWN_MITIGATION,
            format!(
                "control `{}` implements `{}`, which the mitigation catalog does not know; it reduces no risk",
                u.control, u.name
            ),
        )
        .label(name.span, "unknown mitigation");
        d = match &u.suggestion {
            Some(s) => d.help(format!(
                "did you mean `{s}`? (`palisade mitigations` lists the catalog)"
            )),
            None => d.help("`palisade mitigations` lists the catalog's ids, aliases and ATLAS ids"),
        };
        out.push(d);
    }
    for r in &a.acceptances {
        let Some(acc) = model.accepted_risks.get(r.index) else {
            continue;
        };
        let d = match r.state {
            AcceptanceState::Orphaned => {
                let d = Diagnostic::warning(
                    codes::ORPHANED_ACCEPTANCE,
                    format!(
                        "the accepted risk `{}` matches no finding; the acceptance has no effect",
                        r.finding
                    ),
                )
                .label(acc.finding.span, "no finding has this id");
                match &r.suggestion {
                    Some(s) => d.help(format!(
                        "the finding may have a new id: `{s}` (an element was renamed or the rule changed); update the acceptance if it still holds"
                    )),
                    None => d.help("the threat may be fixed: remove the acceptance"),
                }
            }
            AcceptanceState::Overdue => Diagnostic::error(
                codes::LAPSED_ACCEPTANCE,
                format!(
                    "the acceptance of `{}` was due for review on {}",
                    r.finding,
                    r.review_due.as_deref().unwrap_or("?")
                ),
            )
            .label(acc.finding.span, "review overdue")
            .help("review it with the approver, then set `reviewed_on:` to the review date"),
            AcceptanceState::Expired => Diagnostic::error(
                codes::LAPSED_ACCEPTANCE,
                format!(
                    "the acceptance of `{}` expired on {}",
                    r.finding,
                    r.expires.as_deref().unwrap_or("?")
                ),
            )
            .label(
                acc.expires.as_ref().map_or(acc.finding.span, |e| e.span),
                "expired",
            )
            .help("mitigate the threat, or renew the acceptance with a new decision"),
            AcceptanceState::DueSoon => Diagnostic::warning(
                codes::REVIEW_DUE_SOON,
                format!(
                    "the acceptance of `{}` is due for review in {} days",
                    r.finding,
                    r.days_left.unwrap_or(0)
                ),
            )
            .label(acc.finding.span, "review due soon"),
            AcceptanceState::Active => continue,
        };
        out.push(d);
    }
    out
}
