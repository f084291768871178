//! Reading an OTM document (JSON or YAML) into plain structures, checking what the import needs:
//! required fields, types, unique ids, references that resolve and parents without cycles.
//! Every problem is a diagnostic at the offending value, its message naming the JSON path.

use palisade_model::node::{Node, Value};
use palisade_model::{Diagnostic, FileId};
use std::collections::BTreeMap;

/// Diagnostic codes of OTM input problems.
pub mod codes {
    pub const TYPE: &str = "otm::type";
    pub const MISSING_FIELD: &str = "otm::missing-field";
    pub const DUPLICATE_ID: &str = "otm::duplicate-id";
    pub const UNKNOWN_REFERENCE: &str = "otm::unknown-reference";
    pub const PARENT_CYCLE: &str = "otm::parent-cycle";
    pub const INVALID_MODEL: &str = "otm::invalid-model";
}

/// `(key, text)` pairs of an `attributes` map, in document order.
pub type RawAttrs = Vec<(String, String)>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParentKind {
    TrustZone,
    Component,
}

#[derive(Debug, Default)]
pub struct Doc {
    pub otm_version: String,
    pub project: Project,
    pub representations: usize,
    pub assets: Vec<Asset>,
    pub zones: Vec<Zone>,
    pub components: Vec<Component>,
    pub flows: Vec<Flow>,
    pub threats: usize,
    pub mitigations: Vec<Mitigation>,
}

#[derive(Debug, Default)]
pub struct Project {
    pub name: String,
    pub description: Option<String>,
    pub owner: Option<String>,
    pub attrs: RawAttrs,
}

#[derive(Debug)]
pub struct Asset {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub confidentiality: Option<f64>,
    pub integrity: Option<f64>,
    pub availability: Option<f64>,
    pub attrs: RawAttrs,
}

#[derive(Debug)]
pub struct Zone {
    pub id: String,
    pub name: String,
    pub kind: Option<String>,
    pub description: Option<String>,
    pub rating: Option<f64>,
    pub parent: Option<(ParentKind, String)>,
    pub representations: usize,
    pub attrs: RawAttrs,
}

#[derive(Debug)]
pub struct Component {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub description: Option<String>,
    pub parent: (ParentKind, String),
    pub tags: Vec<String>,
    pub processed: Vec<String>,
    pub stored: Vec<String>,
    pub threats: usize,
    pub representations: usize,
    pub attrs: RawAttrs,
}

#[derive(Debug)]
pub struct Flow {
    pub id: String,
    pub name: Option<String>,
    pub description: Option<String>,
    pub bidirectional: bool,
    pub source: String,
    pub destination: String,
    pub assets: Vec<String>,
    pub tags: Vec<String>,
    pub threats: usize,
    pub attrs: RawAttrs,
}

#[derive(Debug)]
pub struct Mitigation {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub attrs: RawAttrs,
}

mod refs;
use refs::check_references;

struct Reader<'a> {
    src: &'a str,
    file: FileId,
    diags: Vec<Diagnostic>,
}

type Map<'n> = &'n [(Node<'n>, Node<'n>)];

/// Read a parsed OTM document; `Err` holds every problem found.
pub fn read(root: &Node, src: &str, file: FileId) -> Result<Doc, Vec<Diagnostic>> {
    let mut r = Reader {
        src,
        file,
        diags: Vec::new(),
    };
    let doc = r.document(root);
    if let Some((d, spans)) = &doc
        && r.diags.is_empty()
    {
        check_references(d, spans, &mut r);
    }
    match doc {
        Some((doc, _)) if r.diags.is_empty() => Ok(doc),
        _ => Err(r.diags),
    }
}

/// Spans of the elements, for reference errors found after reading.
#[derive(Default)]
struct Spans<'n> {
    zones: Vec<&'n Node<'n>>,
    components: Vec<&'n Node<'n>>,
    flows: Vec<&'n Node<'n>>,
}

impl<'a> Reader<'a> {
    fn error(&mut self, code: &'static str, node: &Node, path: &str, msg: impl AsRef<str>) {
        self.diags.push(
            Diagnostic::error(code, format!("`{path}`: {}", msg.as_ref()))
                .label(node.span(self.file), "here"),
        );
    }

    fn map<'n>(&mut self, node: &'n Node<'n>, path: &str) -> Option<Map<'n>> {
        match &node.value {
            Value::Map(m) => Some(m),
            _ => {
                let found = node.type_name();
                self.error(
                    codes::TYPE,
                    node,
                    path,
                    format!("expected an object, found {found}"),
                );
                None
            }
        }
    }

    fn get<'n>(&self, m: Map<'n>, key: &str) -> Option<&'n Node<'n>> {
        m.iter()
            .find(|(k, _)| k.scalar_text(self.src) == key)
            .map(|(_, v)| v)
            .filter(|v| v.value != Value::Null)
    }

    /// A text value; numbers and booleans are taken as written.
    fn text(&mut self, node: &Node, path: &str) -> Option<String> {
        match &node.value {
            Value::Map(_) | Value::Seq(_) => {
                let found = node.type_name();
                self.error(
                    codes::TYPE,
                    node,
                    path,
                    format!("expected a string, found {found}"),
                );
                None
            }
            _ => Some(node.scalar_text(self.src)),
        }
    }

    fn opt_text(&mut self, m: Map, key: &str, path: &str) -> Option<String> {
        let node = self.get(m, key)?;
        self.text(node, &format!("{path}.{key}"))
    }

    fn req_text(&mut self, m: Map, whole: &Node, key: &str, path: &str) -> Option<String> {
        match self.get(m, key) {
            Some(node) => self.text(node, &format!("{path}.{key}")),
            None => {
                self.error(
                    codes::MISSING_FIELD,
                    whole,
                    path,
                    format!("missing field `{key}`"),
                );
                None
            }
        }
    }

    fn number(&mut self, m: Map, key: &str, path: &str) -> Option<f64> {
        let node = self.get(m, key)?;
        match node.value {
            Value::Int(i) => Some(i as f64),
            Value::Float(f) => Some(f),
            _ => {
                let found = node.type_name();
                self.error(
                    codes::TYPE,
                    node,
                    &format!("{path}.{key}"),
                    format!("expected a number, found {found}"),
                );
                None
            }
        }
    }

    fn list<'n>(&mut self, m: Map<'n>, key: &str, path: &str) -> &'n [Node<'n>] {
        match self.get(m, key) {
            None => &[],
            Some(Node {
                value: Value::Seq(items),
                ..
            }) => items,
            Some(node) => {
                let found = node.type_name();
                self.error(
                    codes::TYPE,
                    node,
                    &format!("{path}.{key}"),
                    format!("expected a list, found {found}"),
                );
                &[]
            }
        }
    }

    fn texts(&mut self, m: Map, key: &str, path: &str) -> Vec<String> {
        let items = self.list(m, key, path);
        let mut out = Vec::new();
        for (i, n) in items.iter().enumerate() {
            if n.value == Value::Null {
                continue;
            }
            if let Some(t) = self.text(n, &format!("{path}.{key}[{i}]")) {
                out.push(t);
            }
        }
        out
    }

    /// `attributes`: an object (or a list of objects); values that are not text become JSON.
    fn attrs(&mut self, m: Map, path: &str) -> RawAttrs {
        let mut out = Vec::new();
        let Some(node) = self.get(m, "attributes") else {
            return out;
        };
        let path = format!("{path}.attributes");
        let maps: Vec<&Node> = match &node.value {
            Value::Map(_) => vec![node],
            Value::Seq(items) => items.iter().collect(),
            _ => {
                let found = node.type_name();
                self.error(
                    codes::TYPE,
                    node,
                    &path,
                    format!("expected an object, found {found}"),
                );
                return out;
            }
        };
        for n in maps {
            let Some(entries) = self.map(n, &path) else {
                continue;
            };
            for (k, v) in entries {
                let key = k.scalar_text(self.src);
                let text = match &v.value {
                    Value::Null => continue,
                    Value::Map(_) | Value::Seq(_) => v.to_json(self.src).to_string(),
                    _ => v.scalar_text(self.src),
                };
                out.push((key, text));
            }
        }
        out
    }

    fn count_list(&mut self, m: Map, key: &str, path: &str) -> usize {
        self.list(m, key, path).len()
    }

    fn document<'n>(&mut self, root: &'n Node<'n>) -> Option<(Doc, Spans<'n>)> {
        let m = self.map(root, "$")?;
        let mut doc = Doc {
            otm_version: self
                .req_text(m, root, "otmVersion", "$")
                .unwrap_or_default(),
            ..Doc::default()
        };
        match self.get(m, "project") {
            Some(p) => doc.project = self.project(p),
            None => self.error(codes::MISSING_FIELD, root, "$", "missing field `project`"),
        }
        doc.representations = self.count_list(m, "representations", "$");
        doc.threats = self.count_list(m, "threats", "$");
        let mut spans = Spans::default();
        for (i, n) in self.list(m, "assets", "$").iter().enumerate() {
            if let Some(a) = self.asset(n, &format!("$.assets[{i}]")) {
                doc.assets.push(a);
            }
        }
        for (i, n) in self.list(m, "trustZones", "$").iter().enumerate() {
            if let Some(z) = self.zone(n, &format!("$.trustZones[{i}]")) {
                doc.zones.push(z);
                spans.zones.push(n);
            }
        }
        for (i, n) in self.list(m, "components", "$").iter().enumerate() {
            if let Some(c) = self.component(n, &format!("$.components[{i}]")) {
                doc.components.push(c);
                spans.components.push(n);
            }
        }
        for (i, n) in self.list(m, "dataflows", "$").iter().enumerate() {
            if let Some(f) = self.flow(n, &format!("$.dataflows[{i}]")) {
                doc.flows.push(f);
                spans.flows.push(n);
            }
        }
        for (i, n) in self.list(m, "mitigations", "$").iter().enumerate() {
            if let Some(x) = self.mitigation(n, &format!("$.mitigations[{i}]")) {
                doc.mitigations.push(x);
            }
        }
        self.unique(m);
        Some((doc, spans))
    }

    /// Ids are unique within each section.
    fn unique(&mut self, m: Map) {
        for section in [
            "assets",
            "trustZones",
            "components",
            "dataflows",
            "mitigations",
            "threats",
        ] {
            let items = self.list(m, section, "$");
            let mut seen: BTreeMap<String, usize> = BTreeMap::new();
            for (i, n) in items.iter().enumerate() {
                let Value::Map(entries) = &n.value else {
                    continue;
                };
                let Some(idn) = self.get(entries, "id") else {
                    continue;
                };
                let id = idn.scalar_text(self.src);
                if let Some(first) = seen.get(&id) {
                    let msg = format!("id `{id}` is already used by `$.{section}[{first}]`");
                    self.error(
                        codes::DUPLICATE_ID,
                        idn,
                        &format!("$.{section}[{i}].id"),
                        msg,
                    );
                } else {
                    seen.insert(id, i);
                }
            }
        }
    }

    fn project(&mut self, node: &Node) -> Project {
        let path = "$.project";
        let Some(m) = self.map(node, path) else {
            return Project::default();
        };
        let name = self.req_text(m, node, "name", path).unwrap_or_default();
        self.req_text(m, node, "id", path);
        Project {
            name,
            description: self.opt_text(m, "description", path),
            owner: self.opt_text(m, "owner", path),
            attrs: self.attrs(m, path),
        }
    }

    fn asset(&mut self, node: &Node, path: &str) -> Option<Asset> {
        let m = self.map(node, path)?;
        let id = self.req_text(m, node, "id", path);
        let name = self.req_text(m, node, "name", path);
        let (mut c, mut i, mut a) = (None, None, None);
        if let Some(risk) = self.get(m, "risk") {
            let rp = format!("{path}.risk");
            if let Some(r) = self.map(risk, &rp) {
                c = self.number(r, "confidentiality", &rp);
                i = self.number(r, "integrity", &rp);
                a = self.number(r, "availability", &rp);
            }
        }
        Some(Asset {
            id: id?,
            name: name?,
            description: self.opt_text(m, "description", path),
            confidentiality: c,
            integrity: i,
            availability: a,
            attrs: self.attrs(m, path),
        })
    }

    fn parent(&mut self, node: &Node, path: &str) -> Option<(ParentKind, String)> {
        let m = self.map(node, path)?;
        if let Some(z) = self.get(m, "trustZone") {
            return Some((
                ParentKind::TrustZone,
                self.text(z, &format!("{path}.trustZone"))?,
            ));
        }
        if let Some(c) = self.get(m, "component") {
            return Some((
                ParentKind::Component,
                self.text(c, &format!("{path}.component"))?,
            ));
        }
        // The older form: `{id, type}`.
        let id = self.opt_text(m, "id", path);
        let kind = self.opt_text(m, "type", path);
        match (id, kind.as_deref().map(str::to_ascii_lowercase).as_deref()) {
            (Some(id), Some("trustzone" | "trust-zone")) => Some((ParentKind::TrustZone, id)),
            (Some(id), Some("component")) => Some((ParentKind::Component, id)),
            _ => {
                self.error(
                    codes::MISSING_FIELD,
                    node,
                    path,
                    "a parent names a `trustZone` or a `component`",
                );
                None
            }
        }
    }

    fn zone(&mut self, node: &Node, path: &str) -> Option<Zone> {
        let m = self.map(node, path)?;
        let id = self.req_text(m, node, "id", path);
        let name = self.req_text(m, node, "name", path);
        let mut rating = None;
        if let Some(risk) = self.get(m, "risk") {
            let rp = format!("{path}.risk");
            if let Some(r) = self.map(risk, &rp) {
                rating = self.number(r, "trustRating", &rp);
            }
        }
        let parent = match self.get(m, "parent") {
            Some(p) => Some(self.parent(p, &format!("{path}.parent"))?),
            None => None,
        };
        Some(Zone {
            id: id?,
            name: name?,
            kind: self.opt_text(m, "type", path),
            description: self.opt_text(m, "description", path),
            rating,
            parent,
            representations: self.count_list(m, "representations", path),
            attrs: self.attrs(m, path),
        })
    }

    fn component(&mut self, node: &Node, path: &str) -> Option<Component> {
        let m = self.map(node, path)?;
        let id = self.req_text(m, node, "id", path);
        let name = self.req_text(m, node, "name", path);
        let kind = self.req_text(m, node, "type", path);
        let parent = match self.get(m, "parent") {
            Some(p) => self.parent(p, &format!("{path}.parent")),
            None => {
                self.error(codes::MISSING_FIELD, node, path, "missing field `parent`");
                None
            }
        };
        let (mut processed, mut stored) = (Vec::new(), Vec::new());
        if let Some(a) = self.get(m, "assets") {
            let ap = format!("{path}.assets");
            if let Some(am) = self.map(a, &ap) {
                processed = self.texts(am, "processed", &ap);
                stored = self.texts(am, "stored", &ap);
            }
        }
        Some(Component {
            id: id?,
            name: name?,
            kind: kind?,
            description: self.opt_text(m, "description", path),
            parent: parent?,
            tags: self.texts(m, "tags", path),
            processed,
            stored,
            threats: self.count_list(m, "threats", path),
            representations: self.count_list(m, "representations", path),
            attrs: self.attrs(m, path),
        })
    }

    fn flow(&mut self, node: &Node, path: &str) -> Option<Flow> {
        let m = self.map(node, path)?;
        let id = self.req_text(m, node, "id", path);
        let source = self.req_text(m, node, "source", path);
        let destination = self.req_text(m, node, "destination", path);
        let bidirectional = match self.get(m, "bidirectional") {
            None => false,
            Some(Node {
                value: Value::Bool(b),
                ..
            }) => *b,
            Some(n) => {
                let found = n.type_name();
                self.error(
                    codes::TYPE,
                    n,
                    &format!("{path}.bidirectional"),
                    format!("expected a boolean, found {found}"),
                );
                false
            }
        };
        Some(Flow {
            id: id?,
            name: self.opt_text(m, "name", path),
            description: self.opt_text(m, "description", path),
            bidirectional,
            source: source?,
            destination: destination?,
            assets: self.texts(m, "assets", path),
            tags: self.texts(m, "tags", path),
            threats: self.count_list(m, "threats", path),
            attrs: self.attrs(m, path),
        })
    }

    fn mitigation(&mut self, node: &Node, path: &str) -> Option<Mitigation> {
        let m = self.map(node, path)?;
        let id = self.req_text(m, node, "id", path);
        let name = self.opt_text(m, "name", path);
        Some(Mitigation {
            name: name.or_else(|| id.clone())?,
            id: id?,
            description: self.opt_text(m, "description", path),
            attrs: self.attrs(m, path),
        })
    }
}
