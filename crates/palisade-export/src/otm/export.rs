//! `Model` (+ threats from a caller) → OTM.
//!
//! Boundaries become trust zones, components become components inside their innermost boundary,
//! flows become dataflows, data assets become assets and controls become mitigations. Every
//! model field without an OTM place travels as a `palisade:<field>` attribute, so that
//! `palisade import otm` gives the model back.

use super::kinds::{confidentiality, integrity, trust_rating};
use super::*;
use crate::attrs::{PREFIX, encode, to_attributes};
use palisade_model::{
    Boundary, Component as ModelComponent, Control, ControlStatus, DataAsset, Flow, Model, System,
};
use serde_json::Value;

/// A threat to attach to the export (for example a finding of the threat analysis).
#[derive(Debug, Clone, PartialEq)]
pub struct OtmThreat {
    /// Stable identifier (e.g. a finding id `CODE@element`).
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    /// Categories (STRIDE letters, threat-library categories, …).
    pub categories: Vec<String>,
    /// The component or flow id the threat applies to.
    pub target: String,
    /// 0–100.
    pub likelihood: u32,
    /// 0–100.
    pub impact: u32,
    /// `exposed` when not given.
    pub state: Option<String>,
    /// Ids of the controls that mitigate it.
    pub mitigations: Vec<String>,
    /// Extra attributes (mappings to ATLAS, OWASP, …).
    pub attributes: Attributes,
}

/// Build the OTM document of a validated model, with `threats` attached to their targets.
pub fn export_otm(model: &Model, threats: &[OtmThreat]) -> Otm {
    let instances = |target: &str| -> Vec<ThreatInstance> {
        threats
            .iter()
            .filter(|t| t.target == target)
            .map(|t| threat_instance(model, t))
            .collect()
    };
    let mut trust_zones: Vec<TrustZone> = model
        .boundaries
        .iter()
        .enumerate()
        .map(|(i, b)| {
            trust_zone(
                b,
                model.boundary_parent.get(&i).map(|p| &model.boundaries[*p]),
            )
        })
        .collect();
    let mut components = Vec::new();
    let mut outside = false;
    for (i, c) in model.components.iter().enumerate() {
        let parent = match model.component_boundary.get(&i) {
            Some(b) => model.boundaries[*b].id.value.to_string(),
            None => {
                outside = true;
                OUTSIDE_ZONE.to_string()
            }
        };
        let mut oc = component(c, parent);
        oc.threats = instances(c.id.value.as_str());
        components.push(oc);
    }
    if outside {
        trust_zones.push(outside_zone());
    }
    let dataflows = (0..model.flows.len())
        .map(|i| {
            let id = model.flow_id(i).to_string();
            let mut d = dataflow(&model.flows[i], &id);
            d.threats = instances(&id);
            d
        })
        .collect();
    Otm {
        otm_version: OTM_VERSION,
        project: project(model),
        assets: model.data_assets.iter().map(|a| asset(a)).collect(),
        trust_zones,
        components,
        dataflows,
        threats: threats.iter().map(threat).collect(),
        mitigations: model.controls.iter().map(|c| mitigation(c)).collect(),
    }
}

/// The document as pretty JSON with a final newline.
pub fn to_json(otm: &Otm) -> String {
    let mut s = serde_json::to_string_pretty(otm).unwrap_or_default();
    s.push('\n');
    s
}

fn value<T: serde::Serialize>(x: &T) -> Value {
    serde_json::to_value(x).unwrap_or_default()
}

fn project(model: &Model) -> Project {
    let s = &model.system;
    let mut attributes = to_attributes(
        &value(&s.value),
        System::FIELDS,
        &["name", "description", "owner"],
    );
    attributes.insert(format!("{PREFIX}format_version"), "1".into());
    if !model.accepted_risks.is_empty() {
        attributes.insert(
            format!("{PREFIX}accepted_risks"),
            encode(&value(&model.accepted_risks)),
        );
    }
    Project {
        name: s.name.value.clone(),
        id: slug(&s.name.value),
        description: s.description.as_ref().map(|d| d.value.clone()),
        owner: s.owner.as_ref().map(|o| o.value.clone()),
        attributes,
    }
}

/// Lower-case letters, digits and single dashes.
fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() {
        "palisade-model".into()
    } else {
        out
    }
}

fn asset(a: &DataAsset) -> Asset {
    let integrity_rating = a.integrity.as_ref().map(|i| integrity(i.value));
    let comment = format!(
        "Confidentiality from classification `{}`; {}; availability is not declared in \
         palisade models (50 is a placeholder).",
        a.classification.value.as_str(),
        match &a.integrity {
            Some(i) => format!("integrity from integrity `{}`", i.value.as_str()),
            None => "integrity is not declared (50 is a placeholder)".into(),
        }
    );
    Asset {
        id: a.id.value.to_string(),
        name: display(
            a.name.as_ref().map(|n| n.value.as_str()),
            a.id.value.as_str(),
        ),
        description: a.description.as_ref().map(|d| d.value.clone()),
        risk: AssetRisk {
            confidentiality: confidentiality(a.classification.value),
            integrity: integrity_rating.unwrap_or(50),
            availability: 50,
            comment,
        },
        attributes: to_attributes(&value(a), DataAsset::FIELDS, &["id", "name", "description"]),
    }
}

fn trust_zone(b: &Boundary, parent: Option<&palisade_model::Loc<Boundary>>) -> TrustZone {
    let mut attributes = to_attributes(
        &value(b),
        Boundary::FIELDS,
        &["id", "name", "description", "contains", "boundaries"],
    );
    if b.trust.is_none() {
        attributes.insert(format!("{PREFIX}trust"), "undeclared".into());
    }
    TrustZone {
        id: b.id.value.to_string(),
        name: display(
            b.name.as_ref().map(|n| n.value.as_str()),
            b.id.value.as_str(),
        ),
        kind: b.kind.as_ref().map(|k| k.value.as_str().to_string()),
        description: b.description.as_ref().map(|d| d.value.clone()),
        risk: TrustZoneRisk {
            trust_rating: b.trust.as_ref().map_or(50, |t| trust_rating(t.value)),
        },
        parent: parent.map(|p| Parent::TrustZone(p.id.value.to_string())),
        attributes,
    }
}

fn outside_zone() -> TrustZone {
    let mut attributes = Attributes::new();
    attributes.insert(format!("{PREFIX}trust"), "undeclared".into());
    attributes.insert(format!("{PREFIX}outside"), "true".into());
    TrustZone {
        id: OUTSIDE_ZONE.into(),
        name: "Outside every boundary".into(),
        kind: None,
        description: Some("Components the model places in no trust boundary.".into()),
        risk: TrustZoneRisk { trust_rating: 50 },
        parent: None,
        attributes,
    }
}

/// Kinds that keep data at rest (their assets are `stored`, not only `processed`).
fn stores_data(k: palisade_model::ComponentKind) -> bool {
    use palisade_model::ComponentKind as K;
    matches!(
        k,
        K::Datastore
            | K::SecretsStore
            | K::KnowledgeBase
            | K::VectorStore
            | K::FeatureStore
            | K::ModelRegistry
            | K::Dataset
            | K::MessageQueue
            | K::Logging
    )
}

fn component(c: &ModelComponent, parent: String) -> Component {
    let data: Vec<String> = c.data.iter().map(|d| d.value.to_string()).collect();
    let assets = (!data.is_empty()).then(|| {
        if stores_data(c.kind.value) {
            AssetInstance {
                processed: Vec::new(),
                stored: data,
            }
        } else {
            AssetInstance {
                processed: data,
                stored: Vec::new(),
            }
        }
    });
    Component {
        id: c.id.value.to_string(),
        name: display(
            c.name.as_ref().map(|n| n.value.as_str()),
            c.id.value.as_str(),
        ),
        kind: c.kind.value.as_str().to_string(),
        description: c.description.as_ref().map(|d| d.value.clone()),
        parent: Parent::TrustZone(parent),
        tags: c.tags.iter().map(|t| t.value.clone()).collect(),
        assets,
        threats: Vec::new(),
        attributes: to_attributes(
            &value(c),
            ModelComponent::FIELDS,
            &["id", "kind", "name", "description", "tags", "data"],
        ),
    }
}

fn dataflow(f: &Flow, id: &str) -> Dataflow {
    let mut assets: Vec<String> = Vec::new();
    for a in f.data.iter().chain(f.returns.iter()) {
        if !assets.iter().any(|x| x == a.value.as_str()) {
            assets.push(a.value.to_string());
        }
    }
    Dataflow {
        id: id.to_string(),
        name: format!("{} → {}", f.from.value, f.to.value),
        description: f.description.as_ref().map(|d| d.value.clone()),
        bidirectional: !f.returns.is_empty(),
        source: f.from.value.to_string(),
        destination: f.to.value.to_string(),
        assets,
        tags: f
            .protocol
            .iter()
            .map(|p| p.value.as_str().to_string())
            .collect(),
        threats: Vec::new(),
        attributes: to_attributes(
            &value(f),
            Flow::FIELDS,
            &["id", "from", "to", "description"],
        ),
    }
}

fn mitigation(c: &Control) -> Mitigation {
    Mitigation {
        id: c.id.value.to_string(),
        name: display(
            c.name.as_ref().map(|n| n.value.as_str()),
            c.id.value.as_str(),
        ),
        description: c.description.as_ref().map(|d| d.value.clone()),
        risk_reduction: c
            .effectiveness
            .as_ref()
            .map_or(50, |e| (e.value * 100.0).round().clamp(0.0, 100.0) as u32),
        attributes: to_attributes(&value(c), Control::FIELDS, &["id", "name", "description"]),
    }
}

fn threat(t: &OtmThreat) -> Threat {
    Threat {
        id: t.id.clone(),
        name: t.name.clone(),
        description: t.description.clone(),
        categories: t.categories.clone(),
        risk: ThreatRisk {
            likelihood: t.likelihood.min(100),
            impact: t.impact.min(100),
        },
        attributes: t.attributes.clone(),
    }
}

fn threat_instance(model: &Model, t: &OtmThreat) -> ThreatInstance {
    let mitigations = t
        .mitigations
        .iter()
        .filter_map(|m| model.controls.iter().find(|c| c.id.value.as_str() == m))
        .map(|c| MitigationInstance {
            mitigation: c.id.value.to_string(),
            state: match c.status.value {
                ControlStatus::Planned => "required",
                ControlStatus::Implemented | ControlStatus::Verified => "implemented",
            }
            .into(),
        })
        .collect();
    ThreatInstance {
        threat: t.id.clone(),
        state: t.state.clone().unwrap_or_else(|| "exposed".into()),
        mitigations,
    }
}

fn display(name: Option<&str>, id: &str) -> String {
    match name {
        Some(n) if !n.trim().is_empty() => n.to_string(),
        _ => id.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_ids() {
        assert_eq!(
            slug("Helio Reply Suggestion Model"),
            "helio-reply-suggestion-model"
        );
        assert_eq!(slug("  ** "), "palisade-model");
        assert_eq!(slug("A/B — test!"), "a-b-test");
    }
}
