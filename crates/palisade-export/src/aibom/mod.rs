//! `Model + Facts` → a CycloneDX 1.6 AI bill of materials (see docs/exports.md for the mapping).
//!
//! Models become `machine-learning-model` components with model cards, datasets, data sources,
//! prompts and data assets become `data` components, libraries `library`/`framework`
//! components, tools, APIs, MCP servers, serving endpoints and vendor-hosted models `services`,
//! and the other parts of the system `application` components. People (actors, human review)
//! are not parts of the system and have no entry. Every bom-ref is the model id, so references
//! stay stable across runs; the serial number is derived from the model's content.

mod card;
pub mod cdx;
mod fields;

use crate::stamp;
use cdx::*;
use fields::*;
use palisade_analysis::{ComponentFacts, Facts};
use palisade_model::{Component as ModelComponent, ComponentKind as K, Id, Model, ModelHosting};
use std::collections::{BTreeMap, BTreeSet};

/// The bom-ref of the system itself (`metadata.component`); no model id contains `:`.
pub const SYSTEM_REF: &str = "palisade:system";

/// Choices the caller makes; everything else comes from the model.
#[derive(Debug, Clone)]
pub struct AibomOptions {
    /// `metadata.timestamp`, an RFC 3339 date-time (see [`crate::stamp::parse_timestamp`]).
    pub timestamp: String,
}

/// What a component kind becomes in the BOM.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    Model,
    Data(DataType),
    Library,
    Service,
    Application,
    /// People, not parts: actors and human review.
    Omitted,
}

/// The BOM entry of a component kind.
pub fn entry_for(kind: K) -> Entry {
    match kind {
        K::Model | K::Llm | K::EmbeddingModel | K::ModelArtifact => Entry::Model,
        K::Dataset | K::DataSource => Entry::Data(DataType::Dataset),
        K::PromptTemplate | K::SystemPrompt => Entry::Data(DataType::Configuration),
        K::Library => Entry::Library,
        K::Tool | K::McpServer | K::ExternalApi | K::ExternalService | K::InferenceEndpoint => {
            Entry::Service
        }
        K::Actor | K::HumanReview => Entry::Omitted,
        _ => Entry::Application,
    }
}

/// The bom-ref of the provider API of a vendor-hosted or managed model.
pub fn provider_ref(id: &str) -> String {
    format!("{id}:api")
}

fn provider_hosted(c: &ModelComponent) -> bool {
    entry_for(c.kind.value) == Entry::Model
        && c.hosting.as_ref().is_some_and(|h| {
            matches!(
                h.value,
                ModelHosting::VendorApi | ModelHosting::ManagedCloud
            )
        })
}

/// Build the AI-BOM of a validated model.
pub fn aibom(model: &Model, facts: &Facts, options: &AibomOptions) -> Bom {
    let serial = format!(
        "urn:uuid:{}",
        stamp::name_uuid(
            "palisade-aibom",
            &serde_json::to_vec(model).unwrap_or_default()
        )
    );
    let cx = Cx::new(model, facts, &serial);
    let mut components = Vec::new();
    let mut services = Vec::new();
    for (i, c) in model.components.iter().enumerate() {
        let f = &facts.components[i];
        match entry_for(c.kind.value) {
            Entry::Omitted => {}
            Entry::Service => services.push(cx.service(c, f)),
            entry => components.push(cx.component(c, f, entry)),
        }
        if provider_hosted(c) {
            services.push(cx.provider_service(c, f));
        }
    }
    for a in &model.data_assets {
        components.push(cx.asset_component(a));
    }
    let dependencies = cx.dependencies(&components, &services);
    Bom {
        bom_format: "CycloneDX",
        spec_version: "1.6",
        serial_number: serial.clone(),
        version: 1,
        metadata: Metadata {
            timestamp: options.timestamp.clone(),
            tools: Tools {
                components: vec![tool_component()],
            },
            component: cx.system_component(),
            properties: Vec::new(),
        },
        components,
        services,
        dependencies,
    }
}

/// The BOM as pretty JSON with a final newline.
pub fn to_json(bom: &Bom) -> String {
    let mut s = serde_json::to_string_pretty(bom).unwrap_or_default();
    s.push('\n');
    s
}

fn tool_component() -> Component {
    let mut c = Component::new(ComponentType::Application, None, "palisade".into());
    c.version = Some(env!("CARGO_PKG_VERSION").into());
    c.description = Some("Threat modeling of enterprise AI systems as code".into());
    c
}

pub(crate) struct Cx<'m> {
    pub model: &'m Model,
    pub facts: &'m Facts,
    /// Ids that have an entry in the BOM (components, services, data assets).
    pub exported: BTreeSet<&'m str>,
    /// Controls by the id they apply to.
    pub controls: BTreeMap<&'m str, Vec<&'m palisade_model::Control>>,
    serial: &'m str,
}

impl<'m> Cx<'m> {
    fn new(model: &'m Model, facts: &'m Facts, serial: &'m str) -> Self {
        let mut exported: BTreeSet<&str> = model
            .components
            .iter()
            .filter(|c| entry_for(c.kind.value) != Entry::Omitted)
            .map(|c| c.id.value.as_str())
            .collect();
        exported.extend(model.data_assets.iter().map(|a| a.id.value.as_str()));
        let mut controls: BTreeMap<&str, Vec<&palisade_model::Control>> = BTreeMap::new();
        for ctl in &model.controls {
            for t in &ctl.applies_to {
                controls
                    .entry(t.value.as_str())
                    .or_default()
                    .push(&ctl.value);
            }
        }
        Cx {
            model,
            facts,
            exported,
            controls,
            serial,
        }
    }

    fn system_component(&self) -> Component {
        let s = &self.model.system;
        let mut c = Component::new(
            ComponentType::Application,
            Some(SYSTEM_REF.into()),
            s.name.value.clone(),
        );
        c.description = s.description.as_ref().map(|d| d.value.clone());
        let v = serde_json::to_value(&s.value).unwrap_or_default();
        c.properties = properties(&v, palisade_model::System::FIELDS, &["name", "description"]);
        c
    }

    fn base(&self, c: &ModelComponent, f: &ComponentFacts, kind: ComponentType) -> Component {
        let mut out = Component::new(
            kind,
            Some(c.id.value.to_string()),
            display_name(c.name.as_ref().map(|n| n.value.as_str()), &c.id.value),
        );
        out.version = c.version.as_ref().map(|v| v.value.clone());
        out.description = c.description.as_ref().map(|d| d.value.clone());
        out.hashes = c.digest.iter().map(|d| hash(&d.value)).collect();
        out.external_references = external_reference(c).into_iter().collect();
        out.properties = self.component_properties(c, f);
        out.tags = c.tags.iter().map(|t| t.value.clone()).collect();
        out
    }

    fn component(&self, c: &ModelComponent, f: &ComponentFacts, entry: Entry) -> Component {
        match entry {
            Entry::Model => {
                let mut out = self.base(c, f, ComponentType::MachineLearningModel);
                out.model_card = card::model_card(self, c, f);
                out
            }
            Entry::Data(kind) => {
                let mut out = self.base(c, f, ComponentType::Data);
                out.data = vec![ComponentData {
                    kind,
                    name: out.name.clone(),
                    classification: f.max_classification.map(|x| x.as_str().to_string()),
                    sensitive_data: sensitive_data(f.personal_data, &f.regulations),
                    description: out.description.clone(),
                    governance: governance(c.owner.as_ref().map(|o| o.value.as_str())),
                }];
                out
            }
            Entry::Library => {
                let framework = c.tags.iter().any(|t| {
                    matches!(
                        t.value.as_str(),
                        "framework" | "runtime" | "inference-runtime"
                    )
                });
                let kind = if framework {
                    ComponentType::Framework
                } else {
                    ComponentType::Library
                };
                self.base(c, f, kind)
            }
            _ => self.base(c, f, ComponentType::Application),
        }
    }

    fn asset_component(&self, a: &palisade_model::DataAsset) -> Component {
        let name = display_name(a.name.as_ref().map(|n| n.value.as_str()), &a.id.value);
        let mut out = Component::new(ComponentType::Data, Some(a.id.value.to_string()), name);
        out.description = a.description.as_ref().map(|d| d.value.clone());
        let regs: Vec<_> = a.regulations.iter().map(|r| r.value).collect();
        out.data = vec![ComponentData {
            kind: DataType::Other,
            name: out.name.clone(),
            classification: Some(a.classification.value.as_str().to_string()),
            sensitive_data: sensitive_data(
                a.personal_data.as_ref().is_some_and(|p| p.value),
                &regs,
            ),
            description: out.description.clone(),
            governance: governance(a.owner.as_ref().map(|o| o.value.as_str())),
        }];
        let v = serde_json::to_value(a).unwrap_or_default();
        let mut props = vec![prop("palisade:element", "data-asset")];
        props.extend(properties(
            &v,
            palisade_model::DataAsset::FIELDS,
            &["id", "name", "description"],
        ));
        out.properties = props;
        out
    }

    fn service(&self, c: &ModelComponent, f: &ComponentFacts) -> Service {
        let base = self.base(c, f, ComponentType::Application);
        Service {
            bom_ref: c.id.value.to_string(),
            name: base.name,
            version: base.version,
            description: base.description,
            authenticated: authenticated(c),
            x_trust_boundary: Some(self.crosses_boundary(&c.id.value)),
            trust_zone: f.boundaries.first().cloned(),
            data: self.service_data(&c.id.value),
            external_references: base.external_references,
            properties: base.properties,
            tags: base.tags,
        }
    }

    /// The API through which a vendor-hosted or managed model is called.
    fn provider_service(&self, c: &ModelComponent, f: &ComponentFacts) -> Service {
        let name = display_name(c.name.as_ref().map(|n| n.value.as_str()), &c.id.value);
        let hosting = c.hosting.as_ref().map_or("", |h| h.value.as_str());
        Service {
            bom_ref: provider_ref(c.id.value.as_str()),
            name: format!("{name} API"),
            version: c.version.as_ref().map(|v| v.value.clone()),
            description: Some(format!(
                "The provider API through which `{}` is called ({hosting}).",
                c.id.value
            )),
            authenticated: authenticated(c),
            x_trust_boundary: Some(self.crosses_boundary(&c.id.value)),
            trust_zone: f.boundaries.first().cloned(),
            data: self.service_data(&c.id.value),
            external_references: external_reference(c).into_iter().collect(),
            properties: vec![
                prop("palisade:provides", c.id.value.as_str()),
                prop("palisade:hosting", hosting),
            ],
            tags: Vec::new(),
        }
    }

    fn crosses_boundary(&self, id: &Id) -> bool {
        self.facts
            .flows
            .iter()
            .any(|fl| (fl.from == id.as_str() || fl.to == id.as_str()) && !fl.crosses.is_empty())
    }

    /// What data enters and leaves a service, per asset and direction, with the other ends as
    /// BOM-links when they are in the BOM.
    fn service_data(&self, id: &Id) -> Vec<ServiceData> {
        type Key<'a> = (&'a str, FlowDirection);
        let mut by: BTreeMap<Key, (BTreeSet<String>, BTreeSet<String>)> = BTreeMap::new();
        let mut order: Vec<Key> = Vec::new();
        let mut add = |asset: &'m Id, dir: FlowDirection, other: &Id| {
            let key = (asset.as_str(), dir);
            let slot = by.entry(key).or_insert_with(|| {
                order.push(key);
                Default::default()
            });
            if self.exported.contains(other.as_str()) {
                let link = self.bom_link(other.as_str());
                match dir {
                    FlowDirection::Inbound => slot.0.insert(link),
                    FlowDirection::Outbound => slot.1.insert(link),
                };
            }
        };
        for fl in &self.model.flows {
            let (from, to) = (&fl.from.value, &fl.to.value);
            if to == id {
                fl.data
                    .iter()
                    .for_each(|a| add(&a.value, FlowDirection::Inbound, from));
                fl.returns
                    .iter()
                    .for_each(|a| add(&a.value, FlowDirection::Outbound, from));
            }
            if from == id {
                fl.data
                    .iter()
                    .for_each(|a| add(&a.value, FlowDirection::Outbound, to));
                fl.returns
                    .iter()
                    .for_each(|a| add(&a.value, FlowDirection::Inbound, to));
            }
        }
        order
            .into_iter()
            .filter_map(|key| {
                let asset = self.asset(key.0)?;
                let (source, destination) = by.remove(&key)?;
                Some(ServiceData {
                    flow: key.1,
                    classification: asset.classification.value.as_str().to_string(),
                    name: display_name(
                        asset.name.as_ref().map(|n| n.value.as_str()),
                        &asset.id.value,
                    ),
                    source: source.into_iter().collect(),
                    destination: destination.into_iter().collect(),
                })
            })
            .collect()
    }

    fn bom_link(&self, bom_ref: &str) -> String {
        let uuid = self.serial.trim_start_matches("urn:uuid:");
        format!("urn:cdx:{uuid}/1#{bom_ref}")
    }

    pub(crate) fn asset(&self, id: &str) -> Option<&'m palisade_model::DataAsset> {
        self.model
            .data_assets
            .iter()
            .find(|a| a.id.value.as_str() == id)
            .map(|a| &a.value)
    }

    fn component_properties(&self, c: &ModelComponent, f: &ComponentFacts) -> Vec<Property> {
        let mut out = vec![prop("palisade:kind", c.kind.value.as_str())];
        if let Some(b) = f.boundaries.first() {
            out.push(prop("palisade:boundary", b));
        }
        if let Some(t) = f.trust {
            out.push(prop("palisade:trust", t.as_str()));
        }
        if f.third_party {
            out.push(prop("palisade:third-party", "true"));
        }
        let v = serde_json::to_value(c).unwrap_or_default();
        out.extend(properties(
            &v,
            ModelComponent::FIELDS,
            &[
                "id",
                "kind",
                "name",
                "description",
                "version",
                "digest",
                "tags",
                "data",
                "serves",
            ],
        ));
        out
    }

    /// Dependencies: `X` depends on `Y` when content (data, weights, code) moves from `Y` to
    /// `X` along a flow, when `X` holds the data asset `Y`, or when `X` serves the model `Y`.
    fn dependencies(&self, components: &[Component], services: &[Service]) -> Vec<Dependency> {
        let mut deps: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut add = |x: &str, y: &str| {
            let known = |r: &str| self.exported.contains(r);
            if x != y && known(x) && known(y) {
                let list = deps.entry(x.to_string()).or_default();
                if !list.iter().any(|d| d == y) {
                    list.push(y.to_string());
                }
            }
        };
        for fl in &self.model.flows {
            let (a, b) = (fl.from.value.as_str(), fl.to.value.as_str());
            if !fl.data.is_empty() || fl.returns.is_empty() {
                add(b, a);
            }
            if !fl.returns.is_empty() {
                add(a, b);
            }
            fl.data.iter().for_each(|d| add(b, d.value.as_str()));
            fl.returns.iter().for_each(|r| add(a, r.value.as_str()));
        }
        for c in &self.model.components {
            for d in &c.data {
                add(c.id.value.as_str(), d.value.as_str());
            }
            if let Some(s) = &c.serves {
                add(c.id.value.as_str(), s.value.as_str());
            }
        }
        let mut out = vec![Dependency {
            reference: SYSTEM_REF.into(),
            depends_on: components
                .iter()
                .filter_map(|c| c.bom_ref.clone())
                .chain(services.iter().map(|s| s.bom_ref.clone()))
                .collect(),
        }];
        for c in components {
            let r = c.bom_ref.clone().unwrap_or_default();
            out.push(Dependency {
                depends_on: deps.remove(&r).unwrap_or_default(),
                reference: r,
            });
        }
        for s in services {
            let mut depends_on = deps.remove(&s.bom_ref).unwrap_or_default();
            if let Some(m) = s.bom_ref.strip_suffix(":api") {
                depends_on.push(m.to_string());
            }
            out.push(Dependency {
                reference: s.bom_ref.clone(),
                depends_on,
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_an_entry() {
        for k in K::ALL {
            let e = entry_for(*k);
            if k.is_model() && *k != K::InferenceEndpoint {
                assert_eq!(e, Entry::Model, "{k}");
            }
        }
        assert_eq!(entry_for(K::Actor), Entry::Omitted);
        assert_eq!(entry_for(K::McpServer), Entry::Service);
    }
}
