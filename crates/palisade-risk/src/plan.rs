//! Phase 4: the mitigation plan — open threats by residual risk, and for each the catalog
//! mitigations not yet in place that would reduce it most, with the expected result.

use crate::assess::{
    Assessment, ControlEffect, Input, Relevance, Residual, Risk, Score, residual_levels,
    round_level,
};
use crate::catalog::{Catalog, Mitigation, MitigationKind, Owner};
use crate::policy::Policy;
use palisade_threats::rule::Axis;
use palisade_threats::{Category, Finding, Text};
use serde::Serialize;
use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};
use std::ops::Deref;
use std::sync::Arc;

/// How many mitigations the plan proposes per threat, at most.
pub const MAX_STEPS: usize = 3;

/// A mitigation the plan proposes.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Step {
    pub mitigation: Text,
    pub name: Text,
    pub kind: MitigationKind,
    pub owner: Owner,
    pub reduces: Axis,
    pub effectiveness: f64,
    /// The residual risk with this step alone added to what is in place.
    pub residual_after: Score,
    /// Whether the step exists because the threat lacks detection or response (depth).
    pub for_depth: bool,
    /// Planned controls of the model that would deliver it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub planned_controls: Vec<String>,
}

/// A list shared by the plan items that get the same proposal (findings of one rule with the
/// same inherent risk and no controls); reads like a slice, serialises and describes itself in
/// JSON Schema as a list.
#[derive(Debug, Clone, PartialEq)]
pub struct List<T>(Arc<[T]>);

impl<T> Deref for List<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        &self.0
    }
}

impl<T> From<Vec<T>> for List<T> {
    fn from(v: Vec<T>) -> Self {
        List(v.into())
    }
}

impl<'a, T> IntoIterator for &'a List<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl<T: Serialize> Serialize for List<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl<T: schemars::JsonSchema> schemars::JsonSchema for List<T> {
    fn schema_name() -> Cow<'static, str> {
        Vec::<T>::schema_name()
    }
    fn schema_id() -> Cow<'static, str> {
        Vec::<T>::schema_id()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        Vec::<T>::json_schema(generator)
    }
    fn inline_schema() -> bool {
        Vec::<T>::inline_schema()
    }
}

/// One open threat in the plan.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Item {
    pub finding: String,
    pub title: palisade_threats::Text,
    pub target: String,
    pub residual: Score,
    pub steps: List<Step>,
    /// The residual risk with every step in place.
    pub expected: Score,
    /// Who has to act (owners of the steps).
    pub owners: List<Owner>,
}

/// The plan: items sorted by residual risk, highest first.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Plan {
    pub items: Vec<Item>,
}

fn value(r: &Residual) -> f64 {
    r.likelihood_value * r.impact_value
}

/// `value` of the residual with these continuous levels (rounded as `Residual` keeps them).
fn rounded_value((lv, iv): (f64, f64)) -> f64 {
    ((lv * 100.0).round() / 100.0) * ((iv * 100.0).round() / 100.0)
}

/// A candidate mitigation of a rule, with the texts its steps share.
struct Candidate<'c> {
    mitigation: &'c Mitigation,
    /// One of the rule's own mitigations (they come first in a plan).
    own: bool,
    id: Text,
    name: Text,
}

/// The mitigations a plan may propose for a rule's findings, in id order (the order ties are
/// broken in), computed once per rule (its mitigation list and category).
struct Candidates<'c> {
    list: Vec<Candidate<'c>>,
}

impl<'c> Candidates<'c> {
    fn new(
        relevant: &BTreeSet<String>,
        own_names: &[String],
        catalog: &'c Catalog,
        names: &mut HashMap<&'c str, (Text, Text)>,
    ) -> Self {
        let own: BTreeSet<String> = own_names
            .iter()
            .flat_map(|m| catalog.canonical(m))
            .collect();
        let list = relevant
            .iter()
            .filter_map(|id| catalog.get(id))
            .map(|m| {
                let (id, name) = names
                    .entry(m.id.value.as_str())
                    .or_insert_with(|| (Text::from(&m.id.value), Text::from(&m.name.value)))
                    .clone();
                Candidate {
                    mitigation: m,
                    own: own.contains(&m.id.value),
                    id,
                    name,
                }
            })
            .collect();
        Candidates { list }
    }
}

/// What the plan proposes for one risk.
#[derive(Clone)]
struct Proposal {
    steps: List<Step>,
    expected: Score,
    owners: List<Owner>,
}

/// The steps for one risk: the rule's own mitigations with the best reduction, and one that
/// detects or responds when nothing in place does. `None` when nothing would help.
fn propose(risk: &Risk, candidates: &Candidates, policy: &Policy) -> Option<Proposal> {
    let effective: Vec<&ControlEffect> = risk.controls.iter().filter(|c| c.effective).collect();
    let in_place = |id: &str| {
        effective
            .iter()
            .any(|c| c.mitigations.iter().any(|m| m == id))
    };
    let now = value(&risk.residual);
    // The residual with catalog mitigations added to what is in place, as if implemented.
    let levels = |extra: &[&Mitigation]| residual_levels(&risk.inherent.score, &effective, extra);
    let score = |(lv, iv): (f64, f64)| Score::new(policy, round_level(lv), round_level(iv));
    // Candidates with the reduction each brings alone (and the levels it leaves), best first.
    let mut ranked: Vec<(usize, f64, (f64, f64))> = candidates
        .list
        .iter()
        .enumerate()
        .filter(|(_, c)| !in_place(&c.mitigation.id.value))
        .map(|(i, c)| {
            let alone = levels(&[c.mitigation]);
            (i, now - rounded_value(alone), alone)
        })
        .filter(|(_, gain, _)| *gain > 1e-9)
        .collect();
    // The rule's own mitigations come first: they were chosen for this threat. The
    // category's generic detection and response mitigations only fill a depth gap. The list
    // is in id order, so its index breaks ties as the id would.
    let own = |i: usize| candidates.list[i].own;
    ranked.sort_unstable_by(|a, b| {
        own(b.0)
            .cmp(&own(a.0))
            .then(b.1.total_cmp(&a.1))
            .then(a.0.cmp(&b.0))
    });
    let detects = |i: usize| candidates.list[i].mitigation.kind.value != MitigationKind::Prevention;
    // Indices into `ranked`.
    let mut chosen: Vec<usize> = (0..ranked.len())
        .filter(|&r| own(ranked[r].0))
        .take(MAX_STEPS)
        .collect();
    let mut depth_pick = None;
    let has_detect_or_respond = effective
        .iter()
        .any(|c| c.kinds.iter().any(|k| *k != MitigationKind::Prevention));
    let chosen_detects = chosen.iter().any(|&r| detects(ranked[r].0));
    if !has_detect_or_respond && !chosen_detects {
        // Defence in depth: one step should notice or contain the attack.
        if let Some(r) = (0..ranked.len()).find(|&r| detects(ranked[r].0)) {
            if chosen.len() >= MAX_STEPS {
                chosen.pop();
            }
            chosen.push(r);
            depth_pick = Some(r);
        }
    }
    if chosen.is_empty() {
        return None;
    }
    let planned_for = |id: &str| -> Vec<String> {
        risk.controls
            .iter()
            .filter(|c| !c.effective && c.mitigations.iter().any(|m| m == id))
            .map(|c| c.control.clone())
            .collect()
    };
    let steps: Vec<Step> = chosen
        .iter()
        .map(|&r| {
            let (i, _, alone) = ranked[r];
            let c = &candidates.list[i];
            let m = c.mitigation;
            Step {
                mitigation: c.id.clone(),
                name: c.name.clone(),
                kind: m.kind.value,
                owner: m.owner.value,
                reduces: m.reduces.value,
                effectiveness: m.effectiveness.value,
                residual_after: score(alone),
                for_depth: depth_pick == Some(r),
                planned_controls: planned_for(&m.id.value),
            }
        })
        .collect();
    let all: Vec<&Mitigation> = chosen
        .iter()
        .map(|&r| candidates.list[ranked[r].0].mitigation)
        .collect();
    let owners: BTreeSet<Owner> = steps.iter().map(|s| s.owner).collect();
    Some(Proposal {
        steps: steps.into(),
        expected: score(levels(&all)),
        owners: owners.into_iter().collect::<Vec<_>>().into(),
    })
}

/// Build the plan for the open risks of an assessment.
pub fn plan(assessment: &Assessment, input: &Input) -> Plan {
    let mut items = Vec::new();
    let mut findings: HashMap<&str, &Finding> = HashMap::with_capacity(input.findings.len());
    for f in input.findings {
        findings.entry(f.id.as_str()).or_insert(f);
    }
    let mut relevance = Relevance::new(input.catalog);
    // Mitigation ids and names, shared by the steps of every item.
    let mut names: HashMap<&str, (Text, Text)> = HashMap::new();
    let mut rules: HashMap<(Category, &[String]), usize> = HashMap::new();
    let mut candidates: Vec<Candidates> = Vec::new();
    // Without controls, a proposal depends only on the rule and the inherent levels.
    let mut uncontrolled: HashMap<(usize, u8, u8), Option<Proposal>> = HashMap::new();
    for risk in assessment.risks.iter().filter(|r| assessment.is_open(r)) {
        let Some(&f) = findings.get(risk.finding.as_str()) else {
            continue;
        };
        let rule = *rules
            .entry((f.category, f.mitigations.as_slice()))
            .or_insert_with(|| {
                let relevant = relevance.of(f);
                candidates.push(Candidates::new(
                    relevant,
                    &f.mitigations,
                    input.catalog,
                    &mut names,
                ));
                candidates.len() - 1
            });
        let proposal = if risk.controls.is_empty() {
            let s = &risk.inherent.score;
            uncontrolled
                .entry((rule, s.likelihood, s.impact))
                .or_insert_with(|| propose(risk, &candidates[rule], input.policy))
                .clone()
        } else {
            propose(risk, &candidates[rule], input.policy)
        };
        let Some(Proposal {
            steps,
            expected,
            owners,
        }) = proposal
        else {
            continue;
        };
        items.push(Item {
            finding: risk.finding.clone(),
            title: risk.title.clone(),
            target: risk.target.clone(),
            residual: risk.residual.score.clone(),
            steps,
            expected,
            owners,
        });
    }
    Plan { items }
}
