//! The mitigation catalog: data, like the threat library, embedded in the binary and read with
//! the same spanned loader, so a mistake in a catalog file is reported at its line and column.

use palisade_model::convert::{Cx, FromNode, MapNode};
use palisade_model::diag::{Diagnostic, codes};
use palisade_model::node::{Limits, parse};
use palisade_model::{Loc, SourceMap, Span, model_enum, model_struct};
use palisade_threats::Category;
use palisade_threats::rule::Axis;
use std::collections::BTreeMap;
use std::path::PathBuf;

model_enum! {
    /// What a mitigation does in defence in depth.
    pub enum MitigationKind as "mitigation kind" {
        /// Stops the attack or makes it harder.
        Prevention = "prevention",
        /// Notices the attack or its effects.
        Detection = "detection",
        /// Contains and recovers from a successful attack.
        Response = "response",
    }
}

model_enum! {
    /// Who usually owns a mitigation.
    pub enum Owner as "owner" {
        /// The security team.
        Security = "security",
        /// The ML or data-science team.
        Ml = "ml",
        /// The platform, infrastructure or application engineering team.
        Platform = "platform",
        /// The business: product owners, legal, procurement.
        Business = "business",
    }
}

model_struct! {
    /// One mitigation of the catalog.
    pub struct Mitigation as "mitigation", check = check_mitigation {
        /// Stable kebab-case id, used by rules and by controls' `implements`.
        pub id: Loc<String>,
        /// Display name.
        pub name: Loc<String>,
        pub kind: Loc<MitigationKind>,
        pub owner: Loc<Owner>,
        /// The axis of the risk matrix it lowers when in place.
        pub reduces: Loc<Axis>,
        /// The share of that axis it removes when implemented (0 to 1).
        pub effectiveness: Loc<f64>,
        /// Threat categories it addresses.
        pub categories: Vec<Loc<Category>>,
        /// The framework's mitigation lists it comes from (by threat category).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub seed: Vec<Loc<Category>>,
        /// Other names users write for it.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub aliases: Vec<Loc<String>>,
        /// What it is, in a sentence or two.
        pub description: Loc<String>,
    }
}

fn check_mitigation(m: &Mitigation, _: &MapNode, cx: &mut Cx) {
    if !(0.0..=1.0).contains(&m.effectiveness.value) {
        cx.push(
            Diagnostic::error(
                codes::INVALID_VALUE,
                "effectiveness must be between 0 and 1",
            )
            .label(m.effectiveness.span, "out of range"),
        );
    }
}

model_struct! {
    /// An ATLAS mitigation, as the catalog mitigations implementing it amounts to.
    pub struct AtlasMitigation as "ATLAS mitigation" {
        /// The ATLAS id (`AML.M0004`).
        pub id: Loc<String>,
        /// Its name in ATLAS.
        pub name: Loc<String>,
        /// Catalog ids that implementing it counts as.
        pub means: Vec<Loc<String>>,
    }
}

model_struct! {
    /// A catalog file.
    pub struct CatalogFile as "mitigation catalog" {
        #[serde(default)]
        pub mitigations: Vec<Loc<Mitigation>>,
        #[serde(default)]
        pub atlas_mitigations: Vec<Loc<AtlasMitigation>>,
    }
}

/// The built-in catalog.
pub const BUILTIN_CATALOG: (&str, &str) = (
    "catalog/mitigations.yaml",
    include_str!("../catalog/mitigations.yaml"),
);

/// The loaded catalog with its lookup tables.
#[derive(Debug, Default)]
pub struct Catalog {
    /// By id, sorted.
    pub mitigations: BTreeMap<String, Mitigation>,
    pub atlas: BTreeMap<String, AtlasMitigation>,
    /// Alias → canonical id.
    aliases: BTreeMap<String, String>,
}

/// What an id a user or rule wrote stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// A catalog id, or an alias of one (`via` is the alias).
    Mitigation { id: String, via: Option<String> },
    /// An ATLAS mitigation: the catalog ids it counts as.
    Atlas { id: String, means: Vec<String> },
    /// Nothing in the catalog; `suggestion` is the closest id or alias.
    Unknown { suggestion: Option<String> },
}

impl Catalog {
    pub fn get(&self, id: &str) -> Option<&Mitigation> {
        self.mitigations.get(id)
    }

    /// Resolve an id, alias or ATLAS id (case-insensitive).
    pub fn resolve(&self, name: &str) -> Resolved {
        let key = name.trim().to_ascii_lowercase();
        if self.mitigations.contains_key(&key) {
            return Resolved::Mitigation { id: key, via: None };
        }
        if let Some(id) = self.aliases.get(&key) {
            return Resolved::Mitigation {
                id: id.clone(),
                via: Some(name.to_string()),
            };
        }
        let upper = name.trim().to_ascii_uppercase();
        if let Some(a) = self.atlas.get(&upper) {
            return Resolved::Atlas {
                id: upper,
                means: a.means.iter().map(|m| m.value.clone()).collect(),
            };
        }
        let candidates = self
            .mitigations
            .keys()
            .chain(self.aliases.keys())
            .map(String::as_str);
        Resolved::Unknown {
            suggestion: palisade_model::suggest(&key, candidates).map(String::from),
        }
    }

    /// The catalog ids a name counts as (empty when unknown).
    pub fn canonical(&self, name: &str) -> Vec<String> {
        match self.resolve(name) {
            Resolved::Mitigation { id, .. } => vec![id],
            Resolved::Atlas { means, .. } => means,
            Resolved::Unknown { .. } => Vec::new(),
        }
    }
}

/// The result of loading catalog files.
pub struct LoadedCatalog {
    pub sources: SourceMap,
    pub diagnostics: Vec<Diagnostic>,
    pub catalog: Option<Catalog>,
}

/// Load the built-in catalog plus user catalog files (`(path, text)`), checking them all:
/// ids and aliases unique, ATLAS entries well formed and meaning existing ids.
pub fn load(user: &[(PathBuf, String)]) -> LoadedCatalog {
    let mut sources = SourceMap::default();
    let mut diags = Vec::new();
    let mut cat = Catalog::default();
    let mut names: BTreeMap<String, Span> = BTreeMap::new();
    let mut means: Vec<Loc<String>> = Vec::new();
    let files = std::iter::once((
        PathBuf::from(BUILTIN_CATALOG.0),
        BUILTIN_CATALOG.1.to_string(),
    ))
    .chain(user.iter().cloned());
    for (path, text) in files {
        let file = sources.add(path, text);
        let text = sources.get(file).text.clone();
        let node = match parse(&text, file, false, &Limits::default()) {
            Ok(n) => n,
            Err(d) => {
                diags.push(d);
                continue;
            }
        };
        let mut cx = Cx::new(file, &text);
        let parsed = CatalogFile::from_node(&node, &mut cx);
        diags.append(&mut cx.diags);
        let Some(parsed) = parsed else { continue };
        for m in parsed.mitigations {
            let m = m.value;
            let mut ok = true;
            for (name, span) in std::iter::once((&m.id.value, m.id.span))
                .chain(m.aliases.iter().map(|a| (&a.value, a.span)))
            {
                let key = name.to_ascii_lowercase();
                if let Some(prev) = names.get(&key) {
                    diags.push(
                        Diagnostic::error(
                            codes::DUPLICATE_ID,
                            format!("`{name}` names two mitigations"),
                        )
                        .label(span, "here")
                        .label(*prev, "and here"),
                    );
                    ok = false;
                } else {
                    names.insert(key, span);
                }
            }
            if ok {
                for a in &m.aliases {
                    cat.aliases
                        .insert(a.value.to_ascii_lowercase(), m.id.value.clone());
                }
                cat.mitigations.insert(m.id.value.clone(), m);
            }
        }
        for a in parsed.atlas_mitigations {
            let a = a.value;
            if !palisade_threats::ids::atlas_mitigation(&a.id.value) {
                diags.push(
                    Diagnostic::error(
                        codes::INVALID_VALUE,
                        format!("`{}` is not an ATLAS mitigation id", a.id.value),
                    )
                    .label(a.id.span, "expected AML.M followed by four digits"),
                );
                continue;
            }
            means.extend(a.means.iter().cloned());
            cat.atlas.insert(a.id.value.clone(), a);
        }
    }
    for m in &means {
        if !cat.mitigations.contains_key(&m.value) {
            let suggestion =
                palisade_model::suggest(&m.value, cat.mitigations.keys().map(String::as_str));
            let mut d = Diagnostic::error(
                codes::UNKNOWN_REFERENCE,
                format!("`{}` is not a mitigation of the catalog", m.value),
            )
            .label(m.span, "unknown");
            if let Some(s) = suggestion {
                d = d.help(format!("did you mean `{s}`?"));
            }
            diags.push(d);
        }
    }
    palisade_model::diag::sort(&mut diags);
    let failed = diags
        .iter()
        .any(|d| d.severity == palisade_model::Severity::Error);
    LoadedCatalog {
        sources,
        diagnostics: diags,
        catalog: (!failed).then_some(cat),
    }
}

/// The built-in catalog (it is checked by the tests, so it always loads).
pub fn builtin() -> Catalog {
    load(&[]).catalog.unwrap_or_default()
}
