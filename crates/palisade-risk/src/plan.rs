//! Phase 4: the mitigation plan — open threats by residual risk, and for each the catalog
//! mitigations not yet in place that would reduce it most, with the expected result.

use crate::assess::{
    Assessment, ControlEffect, Input, Relevance, Residual, Score, residual_levels, round_level,
};
use crate::catalog::{Mitigation, MitigationKind, Owner};
use palisade_threats::rule::Axis;
use palisade_threats::{Finding, Text};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};

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

/// One open threat in the plan.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Item {
    pub finding: String,
    pub title: palisade_threats::Text,
    pub target: String,
    pub residual: Score,
    pub steps: Vec<Step>,
    /// The residual risk with every step in place.
    pub expected: Score,
    /// Who has to act (owners of the steps).
    pub owners: Vec<Owner>,
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
    for risk in assessment.risks.iter().filter(|r| assessment.is_open(r)) {
        let Some(&f) = findings.get(risk.finding.as_str()) else {
            continue;
        };
        let in_place: BTreeSet<&str> = risk
            .controls
            .iter()
            .filter(|c| c.effective)
            .flat_map(|c| c.mitigations.iter().map(String::as_str))
            .collect();
        let effective: Vec<&ControlEffect> = risk.controls.iter().filter(|c| c.effective).collect();
        let now = value(&risk.residual);
        // The residual with catalog mitigations added to what is in place, as if implemented.
        let levels =
            |extra: &[&Mitigation]| residual_levels(&risk.inherent.score, &effective, extra);
        let hypothetical = |ids: &[&str]| -> Score {
            let extra: Vec<&Mitigation> =
                ids.iter().filter_map(|id| input.catalog.get(id)).collect();
            let (lv, iv) = levels(&extra);
            Score::new(input.policy, round_level(lv), round_level(iv))
        };
        // Candidates with the reduction each brings alone, best first.
        let mut candidates: Vec<(&str, f64)> = relevance
            .of(f)
            .iter()
            .filter(|m| !in_place.contains(m.as_str()))
            .filter_map(|m| input.catalog.get(m))
            .map(|m| (m.id.value.as_str(), now - rounded_value(levels(&[m]))))
            .filter(|(_, gain)| *gain > 1e-9)
            .collect();
        let own: BTreeSet<String> = f
            .mitigations
            .iter()
            .flat_map(|m| input.catalog.canonical(m))
            .collect();
        // The rule's own mitigations come first: they were chosen for this threat. The
        // category's generic detection and response mitigations only fill a depth gap.
        candidates.sort_by(|a, b| {
            own.contains(b.0)
                .cmp(&own.contains(a.0))
                .then(b.1.total_cmp(&a.1))
                .then(a.0.cmp(b.0))
        });
        let mut chosen: Vec<&str> = Vec::new();
        let mut depth_pick: Option<&str> = None;
        let has_detect_or_respond = effective
            .iter()
            .any(|c| c.kinds.iter().any(|k| *k != MitigationKind::Prevention));
        for (id, _) in candidates.iter().filter(|(id, _)| own.contains(*id)) {
            if chosen.len() >= MAX_STEPS {
                break;
            }
            chosen.push(id);
        }
        let chosen_detects = chosen.iter().any(|id| {
            input
                .catalog
                .get(id)
                .is_some_and(|m| m.kind.value != MitigationKind::Prevention)
        });
        if !has_detect_or_respond && !chosen_detects {
            // Defence in depth: one step should notice or contain the attack.
            if let Some((id, _)) = candidates.iter().find(|(id, _)| {
                input
                    .catalog
                    .get(id)
                    .is_some_and(|m| m.kind.value != MitigationKind::Prevention)
            }) {
                if chosen.len() >= MAX_STEPS {
                    chosen.pop();
                }
                chosen.push(id);
                depth_pick = Some(id);
            }
        }
        if chosen.is_empty() {
            continue;
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
            .filter_map(|id| input.catalog.get(id))
            .map(|m| {
                let (mitigation, name) = names
                    .entry(m.id.value.as_str())
                    .or_insert_with(|| (Text::from(&m.id.value), Text::from(&m.name.value)))
                    .clone();
                (m, mitigation, name)
            })
            .map(|(m, mitigation, name)| Step {
                mitigation,
                name,
                kind: m.kind.value,
                owner: m.owner.value,
                reduces: m.reduces.value,
                effectiveness: m.effectiveness.value,
                residual_after: hypothetical(&[m.id.value.as_str()]),
                for_depth: depth_pick == Some(m.id.value.as_str()),
                planned_controls: planned_for(&m.id.value),
            })
            .collect();
        let expected = hypothetical(&chosen);
        let owners: BTreeSet<Owner> = steps.iter().map(|s| s.owner).collect();
        items.push(Item {
            finding: risk.finding.clone(),
            title: risk.title.clone(),
            target: risk.target.clone(),
            residual: risk.residual.score.clone(),
            steps,
            expected,
            owners: owners.into_iter().collect(),
        });
    }
    Plan { items }
}
