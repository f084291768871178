//! The Open Threat Model format (OTM, JSON): export of a model, and import of OTM files into a
//! model file. Field names follow the OTM specification (version 0.2.0).

mod export;
mod import;
pub mod kinds;
mod read;

pub use export::{OtmThreat, export_otm, to_json};
pub use import::{ImportOutcome, Imported, import_otm};
pub use read::codes;

use serde::Serialize;
use std::collections::BTreeMap;

/// The OTM version written.
pub const OTM_VERSION: &str = "0.2.0";

/// The trust zone holding components that are in no boundary (OTM components need a parent).
/// No model id contains `:`, so it never collides with a boundary.
pub const OUTSIDE_ZONE: &str = "palisade:outside";

/// Attribute values are text (`palisade:<field>`; see `attrs`).
pub type Attributes = BTreeMap<String, String>;

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Otm {
    pub otm_version: &'static str,
    pub project: Project,
    pub assets: Vec<Asset>,
    pub trust_zones: Vec<TrustZone>,
    pub components: Vec<Component>,
    pub dataflows: Vec<Dataflow>,
    pub threats: Vec<Threat>,
    pub mitigations: Vec<Mitigation>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Project {
    pub name: String,
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    pub attributes: Attributes,
}

#[derive(Debug, Clone, Serialize)]
pub struct Asset {
    pub id: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub risk: AssetRisk,
    pub attributes: Attributes,
}

#[derive(Debug, Clone, Serialize)]
pub struct AssetRisk {
    pub confidentiality: u32,
    pub integrity: u32,
    pub availability: u32,
    pub comment: String,
}

/// A parent reference: `{"trustZone": id}` or `{"component": id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Parent {
    #[serde(rename = "trustZone")]
    TrustZone(String),
    #[serde(rename = "component")]
    Component(String),
}

#[derive(Debug, Clone, Serialize)]
pub struct TrustZone {
    pub id: String,
    pub name: String,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub risk: TrustZoneRisk,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<Parent>,
    pub attributes: Attributes,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TrustZoneRisk {
    pub trust_rating: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct Component {
    pub id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub parent: Parent,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assets: Option<AssetInstance>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub threats: Vec<ThreatInstance>,
    pub attributes: Attributes,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct AssetInstance {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub processed: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub stored: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Dataflow {
    pub id: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub bidirectional: bool,
    pub source: String,
    pub destination: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub assets: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub threats: Vec<ThreatInstance>,
    pub attributes: Attributes,
}

#[derive(Debug, Clone, Serialize)]
pub struct Threat {
    pub id: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<String>,
    pub risk: ThreatRisk,
    pub attributes: Attributes,
}

#[derive(Debug, Clone, Serialize)]
pub struct ThreatRisk {
    pub likelihood: u32,
    pub impact: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct ThreatInstance {
    pub threat: String,
    pub state: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub mitigations: Vec<MitigationInstance>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MitigationInstance {
    pub mitigation: String,
    pub state: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Mitigation {
    pub id: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub risk_reduction: u32,
    pub attributes: Attributes,
}
