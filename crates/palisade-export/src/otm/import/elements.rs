//! The elements of the written model, one OTM section at a time.

use super::{Builder, attr, has_palisade, is_outside};
use crate::otm::kinds::{TypeMatch, classification, integrity_level, kind_for_type, trust_level};
use crate::otm::read::{self, ParentKind, RawAttrs};
use crate::yaml::{Entry, Yaml};
use palisade_model::{
    Boundary, BoundaryKind, Classification, Component, ControlStatus, Criticality, DataAsset, Flow,
    System, TrustLevel,
};
use serde_json::Value;
use std::collections::BTreeSet;

/// Fields written from OTM's own fields, never from attributes.
const COMPONENT_OWN: &[&str] = &["id", "kind", "name", "description", "tags", "data"];
const ASSET_OWN: &[&str] = &["id", "name", "description", "classification"];
const FLOW_OWN: &[&str] = &["id", "from", "to", "description", "data", "returns"];
const BOUNDARY_OWN: &[&str] = &[
    "id",
    "name",
    "description",
    "kind",
    "trust",
    "contains",
    "boundaries",
];
const CONTROL_OWN: &[&str] = &["id", "name", "description", "status"];
const SYSTEM_OWN: &[&str] = &["name", "description", "owner", "criticality"];

impl<'d> Builder<'d> {
    pub(super) fn system(&mut self) -> Yaml {
        let p = &self.doc.project;
        // The model file's own fields travel with the project; `accepted_risks` is read apart.
        let attrs: RawAttrs = p
            .attrs
            .iter()
            .filter(|(k, _)| k != "palisade:format_version" && k != "palisade:accepted_risks")
            .cloned()
            .collect();
        let mut f = self.restore("System", System::FIELDS, SYSTEM_OWN, &attrs, "project");
        f.values.insert("name".into(), Yaml::str(p.name.clone()));
        if let Some(d) = &p.description {
            f.values.insert("description".into(), Yaml::str(d.clone()));
        }
        if let Some(o) = &p.owner {
            f.values.insert("owner".into(), Yaml::str(o.clone()));
        }
        let criticality = attr(&attrs, "criticality").and_then(Criticality::from_name);
        let criticality = criticality.unwrap_or_else(|| {
            self.note(
                "the system's criticality is not in the OTM file: set to `medium`; review it",
            );
            Criticality::Medium
        });
        f.values
            .insert("criticality".into(), Yaml::str(criticality.as_str()));
        Self::ordered(System::FIELDS, f, Vec::new())
    }

    pub(super) fn asset(&mut self, a: &read::Asset) -> Yaml {
        let id = self.assets[a.id.as_str()].clone();
        let what = format!("asset `{id}`");
        let mut f = self.restore("DataAsset", DataAsset::FIELDS, ASSET_OWN, &a.attrs, &what);
        f.values.insert("id".into(), Yaml::str(id.clone()));
        if a.name != a.id {
            f.values.insert("name".into(), Yaml::str(a.name.clone()));
        }
        if let Some(d) = &a.description {
            f.values.insert("description".into(), Yaml::str(d.clone()));
        }
        let declared = attr(&a.attrs, "classification").and_then(Classification::from_name);
        let class = match (declared, a.confidentiality) {
            (Some(c), _) => c,
            (None, Some(r)) => {
                let c = classification(r);
                self.note(format!(
                    "{what}: classification `{c}` from confidentiality rating {r}"
                ));
                c
            }
            (None, None) => {
                self.note(format!("{what}: no classification or confidentiality rating: set to `confidential`; review it"));
                Classification::Confidential
            }
        };
        f.values
            .insert("classification".into(), Yaml::str(class.as_str()));
        if !has_palisade(&a.attrs)
            && !f.values.contains_key("integrity")
            && let Some(r) = a.integrity
        {
            let level = integrity_level(r);
            self.note(format!(
                "{what}: integrity `{level}` from integrity rating {r}"
            ));
            f.values
                .insert("integrity".into(), Yaml::str(level.as_str()));
        }
        Self::ordered(DataAsset::FIELDS, f, Vec::new())
    }

    pub(super) fn component(&mut self, c: &read::Component) -> Yaml {
        let id = self.components[c.id.as_str()].clone();
        let what = format!("component `{id}`");
        let (kind, matched) = kind_for_type(&c.kind);
        match matched {
            TypeMatch::Exact => {}
            TypeMatch::Keyword => self.note(format!(
                "{what}: type `{}` is not a palisade kind; imported as `{kind}` (by its name)",
                c.kind
            )),
            TypeMatch::Generic => self.note(format!(
                "{what}: type `{}` is not a palisade kind; imported as the generic `{kind}`",
                c.kind
            )),
        }
        let mut f = self.restore(
            "Component",
            Component::FIELDS,
            COMPONENT_OWN,
            &c.attrs,
            &what,
        );
        f.values.insert("id".into(), Yaml::str(id.clone()));
        f.values.insert("kind".into(), Yaml::str(kind.as_str()));
        if c.name != c.id {
            f.values.insert("name".into(), Yaml::str(c.name.clone()));
        }
        if let Some(d) = &c.description {
            f.values.insert("description".into(), Yaml::str(d.clone()));
        }
        if !c.tags.is_empty() {
            f.values.insert(
                "tags".into(),
                Yaml::List(c.tags.iter().map(|t| Yaml::str(t.clone())).collect()),
            );
        }
        let mut data: Vec<String> = Vec::new();
        for a in c.processed.iter().chain(c.stored.iter()) {
            let mapped = self.assets[a.as_str()].clone();
            if !data.contains(&mapped) {
                data.push(mapped);
            }
        }
        if !data.is_empty() {
            f.values.insert(
                "data".into(),
                Yaml::List(data.into_iter().map(Yaml::Str).collect()),
            );
        }
        let extra = if matched == TypeMatch::Exact {
            Vec::new()
        } else {
            vec![Entry::new("x-otm-type", Yaml::str(c.kind.clone()))]
        };
        Self::ordered(Component::FIELDS, f, extra)
    }

    pub(super) fn flow(&mut self, df: &read::Flow) -> Yaml {
        let from = self.components[df.source.as_str()].clone();
        let to = self.components[df.destination.as_str()].clone();
        let id =
            (!self.derived.contains(df.id.as_str())).then(|| self.flows[df.id.as_str()].clone());
        let what = format!(
            "dataflow `{}`",
            id.clone().unwrap_or_else(|| format!("{from}->{to}"))
        );
        let mut f = self.restore("Flow", Flow::FIELDS, FLOW_OWN, &df.attrs, &what);
        if let Some(id) = id {
            f.values.insert("id".into(), Yaml::str(id));
        }
        f.values.insert("from".into(), Yaml::str(from.clone()));
        f.values.insert("to".into(), Yaml::str(to.clone()));
        let auto_name = format!("{} → {}", df.source, df.destination);
        let description = df.description.clone().or_else(|| {
            df.name
                .clone()
                .filter(|n| *n != auto_name && !has_palisade(&df.attrs))
        });
        if let Some(d) = description {
            f.values.insert("description".into(), Yaml::str(d));
        }
        let (data, returns) = self.flow_assets(df, &what);
        let list = |v: Vec<String>| Yaml::List(v.into_iter().map(Yaml::Str).collect());
        if !data.is_empty() {
            f.values.insert("data".into(), list(data));
        }
        if !returns.is_empty() {
            f.values.insert("returns".into(), list(returns));
        }
        let extra = if has_palisade(&df.attrs) || df.tags.is_empty() {
            Vec::new()
        } else {
            let tags = df.tags.iter().map(|t| Yaml::str(t.clone())).collect();
            vec![Entry::new("x-otm-tags", Yaml::List(tags))]
        };
        Self::ordered(Flow::FIELDS, f, extra)
    }

    /// `data` and `returns`: from palisade attributes when they agree with the flow's assets,
    /// otherwise every asset as `data`.
    pub(super) fn flow_assets(&mut self, f: &read::Flow, what: &str) -> (Vec<String>, Vec<String>) {
        let list = |key: &str| -> Option<Vec<String>> {
            match attr(&f.attrs, key) {
                None => Some(Vec::new()),
                Some(t) => serde_json::from_str::<Vec<String>>(t).ok(),
            }
        };
        if has_palisade(&f.attrs)
            && let (Some(data), Some(returns)) = (list("data"), list("returns"))
        {
            let declared: BTreeSet<&str> = data
                .iter()
                .chain(returns.iter())
                .map(String::as_str)
                .collect();
            let assets: BTreeSet<&str> = f.assets.iter().map(String::as_str).collect();
            if declared == assets {
                let map =
                    |v: Vec<String>| v.iter().map(|a| self.assets[a.as_str()].clone()).collect();
                return (map(data), map(returns));
            }
        }
        if f.bidirectional && !f.assets.is_empty() {
            self.note(format!(
                "{what} is bidirectional: OTM does not say which assets come back, so all are \
                 imported as `data` (move responses to `returns`)"
            ));
        }
        let mut data = Vec::new();
        for a in &f.assets {
            let m = self.assets[a.as_str()].clone();
            if !data.contains(&m) {
                data.push(m);
            }
        }
        (data, Vec::new())
    }

    /// The zone a component or zone is effectively in, skipping components and the outside zone.
    pub(super) fn zone_of(&self, parent: &(ParentKind, String)) -> Option<&'d read::Zone> {
        let mut cur = parent.clone();
        // Parent chains are acyclic (checked while reading); bound the walk anyway.
        for _ in 0..=self.doc.components.len() + self.doc.zones.len() {
            match cur.0 {
                ParentKind::TrustZone => {
                    let z = self.doc.zones.iter().find(|z| z.id == cur.1)?;
                    return (!is_outside(z)).then_some(z);
                }
                ParentKind::Component => {
                    cur = self
                        .doc
                        .components
                        .iter()
                        .find(|c| c.id == cur.1)?
                        .parent
                        .clone();
                }
            }
        }
        None
    }

    pub(super) fn boundaries(&mut self) -> Vec<Yaml> {
        let doc = self.doc;
        for c in &doc.components {
            if c.parent.0 == ParentKind::Component {
                let zone = self.zone_of(&c.parent).map(|z| z.id.clone());
                self.note(format!(
                    "component `{}` is nested in component `{}`: placed {}",
                    self.components[c.id.as_str()],
                    self.components[c.parent.1.as_str()],
                    zone.map_or("in no boundary".to_string(), |z| format!(
                        "in its trust zone `{}`",
                        self.zones[z.as_str()]
                    ))
                ));
            }
        }
        let mut out = Vec::new();
        for z in doc.zones.iter().filter(|z| !is_outside(z)) {
            let id = self.zones[z.id.as_str()].clone();
            let what = format!("trust zone `{id}`");
            if let Some((ParentKind::Component, p)) = &z.parent {
                self.note(format!(
                    "{what} is nested in component `{}`: placed in that component's zone",
                    self.components[p.as_str()]
                ));
            }
            let mut f = self.restore("Boundary", Boundary::FIELDS, BOUNDARY_OWN, &z.attrs, &what);
            f.values.insert("id".into(), Yaml::str(id.clone()));
            if z.name != z.id {
                f.values.insert("name".into(), Yaml::str(z.name.clone()));
            }
            if let Some(d) = &z.description {
                f.values.insert("description".into(), Yaml::str(d.clone()));
            }
            let mut extra = Vec::new();
            let kind = attr(&z.attrs, "kind")
                .and_then(BoundaryKind::from_name)
                .or_else(|| z.kind.as_deref().and_then(BoundaryKind::from_name));
            match (kind, &z.kind) {
                (Some(k), _) => {
                    f.values.insert("kind".into(), Yaml::str(k.as_str()));
                }
                (None, Some(t)) => {
                    self.note(format!(
                        "{what}: type `{t}` is not a boundary kind; kept as `x-otm-type`"
                    ));
                    extra.push(Entry::new("x-otm-type", Yaml::str(t.clone())));
                }
                (None, None) => {}
            }
            if let Some(t) = self.zone_trust(z, &what) {
                f.values.insert("trust".into(), Yaml::str(t.as_str()));
            }
            let contains: Vec<Yaml> = doc
                .components
                .iter()
                .filter(|c| self.zone_of(&c.parent).is_some_and(|x| x.id == z.id))
                .map(|c| Yaml::str(self.components[c.id.as_str()].clone()))
                .collect();
            if !contains.is_empty() {
                f.values.insert("contains".into(), Yaml::List(contains));
            }
            let nested: Vec<Yaml> = doc
                .zones
                .iter()
                .filter(|x| !is_outside(x))
                .filter(|x| {
                    x.parent
                        .as_ref()
                        .and_then(|p| self.zone_of(p))
                        .is_some_and(|p| p.id == z.id)
                })
                .map(|x| Yaml::str(self.zones[x.id.as_str()].clone()))
                .collect();
            if !nested.is_empty() {
                f.values.insert("boundaries".into(), Yaml::List(nested));
            }
            out.push(Self::ordered(Boundary::FIELDS, f, extra));
        }
        out
    }

    pub(super) fn zone_trust(&mut self, z: &read::Zone, what: &str) -> Option<TrustLevel> {
        match attr(&z.attrs, "trust") {
            Some("undeclared") => return None,
            Some(t) => {
                if let Some(level) = TrustLevel::from_name(t) {
                    return Some(level);
                }
            }
            None => {}
        }
        match z.rating {
            Some(r) => {
                let level = trust_level(r);
                if !has_palisade(&z.attrs) {
                    self.note(format!("{what}: trust `{level}` from trust rating {r}"));
                }
                Some(level)
            }
            None => {
                self.note(format!(
                    "{what} has no trust rating: imported without `trust`"
                ));
                None
            }
        }
    }

    pub(super) fn controls(&mut self) -> Vec<Yaml> {
        let mut out = Vec::new();
        let mut skipped = Vec::new();
        for m in &self.doc.mitigations {
            let status = attr(&m.attrs, "status").and_then(ControlStatus::from_name);
            let (Some(status), true) = (status, attr(&m.attrs, "applies_to").is_some()) else {
                skipped.push(m.id.clone());
                continue;
            };
            let id = self.assign(&m.id, "mitigation");
            let what = format!("control `{id}`");
            let mut f = self.restore(
                "Control",
                palisade_model::Control::FIELDS,
                CONTROL_OWN,
                &m.attrs,
                &what,
            );
            f.values.insert("id".into(), Yaml::str(id.clone()));
            if m.name != m.id {
                f.values.insert("name".into(), Yaml::str(m.name.clone()));
            }
            if let Some(d) = &m.description {
                f.values.insert("description".into(), Yaml::str(d.clone()));
            }
            f.values.insert("status".into(), Yaml::str(status.as_str()));
            let item = Self::ordered(palisade_model::Control::FIELDS, f, Vec::new());
            let tag = self.tag(what);
            out.push(Yaml::Tagged(tag, Box::new(item)));
        }
        if !skipped.is_empty() {
            let shown: Vec<String> = skipped.iter().take(10).map(|s| format!("`{s}`")).collect();
            let more = if skipped.len() > 10 { ", …" } else { "" };
            self.note(format!(
                "{} mitigation(s) not imported as controls ({}{more}): a control needs the \
                 components it applies to and a status, which OTM mitigations do not carry",
                skipped.len(),
                shown.join(", ")
            ));
        }
        out
    }

    pub(super) fn accepted_risks(&mut self) -> Vec<Yaml> {
        let Some(text) = attr(&self.doc.project.attrs, "accepted_risks") else {
            return Vec::new();
        };
        let Ok(Value::Array(items)) = serde_json::from_str::<Value>(text) else {
            self.note(
                "project attribute `palisade:accepted_risks` is not a JSON list: not imported",
            );
            return Vec::new();
        };
        items
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let tag = self.tag(format!("accepted risk {}", i + 1));
                Yaml::Tagged(tag, Box::new(Yaml::from_json(v)))
            })
            .collect()
    }
}
