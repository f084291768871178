//! OTM (JSON or YAML) → a palisade model file, and notes on what could not be mapped.
//!
//! Trust zones become boundaries, components components (nesting under components is flattened
//! to the enclosing zone), dataflows flows, assets data assets. `palisade:<field>` attributes
//! written by `palisade export otm` restore the fields OTM has no place for, so a palisade
//! export comes back unchanged; anything else is mapped by rules the notes name. The written
//! model is checked with the model loader before it is returned: an attribute value the model
//! rejects is dropped (and noted), so the result always passes `palisade check`.

use super::OUTSIDE_ZONE;
use super::read::{self, Doc, RawAttrs, codes};
use crate::attrs::{FieldTypes, PREFIX};
use crate::yaml::{Entry, Yaml, comment_text, prune_entries, write_document};
use palisade_model::node::{Limits, parse};
use palisade_model::{Diagnostic, Severity, SourceMap};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// The result of an import: the input (and, if it failed to validate, the generated text) as
/// sources, problems found, and the model file when there were none.
pub struct ImportOutcome {
    pub sources: SourceMap,
    pub diagnostics: Vec<Diagnostic>,
    pub imported: Option<Imported>,
}

/// A model file written from OTM.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The model file, ending with a comment block that lists the notes.
    pub yaml: String,
    /// What could not be mapped, and what was guessed.
    pub notes: Vec<String>,
}

/// Import the OTM document `text` (read from `name`; JSON or YAML).
pub fn import_otm(name: &str, text: &str) -> ImportOutcome {
    let mut sources = SourceMap::default();
    let file = sources.add(PathBuf::from(name), text.to_string());
    let fail = |sources, diagnostics| ImportOutcome {
        sources,
        diagnostics,
        imported: None,
    };
    let is_json = name.ends_with(".json") || text.trim_start().starts_with('{');
    let root = match parse(text, file, is_json, &Limits::default()) {
        Ok(n) => n,
        Err(d) => return fail(sources, vec![d]),
    };
    let doc = match read::read(&root, text, file) {
        Ok(d) => d,
        Err(diags) => return fail(sources, diags),
    };
    let mut b = Builder::new(&doc);
    let entries = b.document();
    match b.validated(&entries) {
        Ok(body) => {
            let yaml = assemble(&doc, &body, &b.notes);
            ImportOutcome {
                sources,
                diagnostics: Vec::new(),
                imported: Some(Imported {
                    yaml,
                    notes: b.notes,
                }),
            }
        }
        Err((generated, mut diags)) => {
            let gen_file = sources.add(PathBuf::from("<imported model>"), generated);
            for d in &mut diags {
                for l in &mut d.labels {
                    l.span.file = gen_file;
                }
                d.message = format!("the imported model is invalid: {}", d.message);
                d.code = codes::INVALID_MODEL;
            }
            fail(sources, diags)
        }
    }
}

fn assemble(doc: &Doc, body: &str, notes: &[String]) -> String {
    let mut out = format!(
        "# Imported from an Open Threat Model file (otmVersion {}) by `palisade import otm`.\n\
         # The notes at the end list what the OTM file could not express and what was guessed.\n",
        comment_text(&doc.otm_version)
    );
    out.push_str(body);
    out.push_str("\n# Import notes:\n");
    if notes.is_empty() {
        out.push_str("# - everything in the OTM file was mapped.\n");
    }
    for n in notes {
        out.push_str("# - ");
        out.push_str(&comment_text(n));
        out.push('\n');
    }
    out
}

mod elements;
mod fields;

/// The fields of one element being written: values, the tags of those restored from
/// attributes, and attributes kept as extensions.
struct Fields {
    values: BTreeMap<String, Yaml>,
    tags: BTreeMap<String, usize>,
    others: Vec<(String, String)>,
}

struct Builder<'d> {
    doc: &'d Doc,
    types: FieldTypes,
    notes: Vec<String>,
    /// What each tag marks, for the note when it is dropped.
    tags: Vec<String>,
    taken: BTreeSet<String>,
    assets: BTreeMap<&'d str, String>,
    components: BTreeMap<&'d str, String>,
    flows: BTreeMap<&'d str, String>,
    /// Flows whose OTM id is `SOURCE->DESTINATION`: their model id is derived, not written.
    derived: BTreeSet<&'d str>,
    zones: BTreeMap<&'d str, String>,
}

impl<'d> Builder<'d> {
    fn new(doc: &'d Doc) -> Self {
        Builder {
            doc,
            types: FieldTypes::default(),
            notes: Vec::new(),
            tags: Vec::new(),
            taken: BTreeSet::new(),
            assets: BTreeMap::new(),
            components: BTreeMap::new(),
            flows: BTreeMap::new(),
            derived: BTreeSet::new(),
            zones: BTreeMap::new(),
        }
    }

    fn note(&mut self, s: impl Into<String>) {
        self.notes.push(s.into());
    }

    fn tag(&mut self, what: String) -> usize {
        self.tags.push(what);
        self.tags.len() - 1
    }

    fn document(&mut self) -> Vec<Entry> {
        let doc = self.doc;
        let from_palisade = doc.project.attrs.iter().any(|(k, _)| k.starts_with(PREFIX));
        for a in &doc.assets {
            let id = self.assign(&a.id, "asset");
            self.assets.insert(&a.id, id);
        }
        for c in &doc.components {
            let id = self.assign(&c.id, "component");
            self.components.insert(&c.id, id);
        }
        // Flows known by their ends keep that derived id; it is reserved before the others.
        for f in &doc.flows {
            if f.id == format!("{}->{}", f.source, f.destination) {
                let id = format!(
                    "{}->{}",
                    self.components[f.source.as_str()],
                    self.components[f.destination.as_str()]
                );
                self.taken.insert(id.clone());
                self.flows.insert(&f.id, id);
                self.derived.insert(&f.id);
            }
        }
        for f in &doc.flows {
            if !self.derived.contains(f.id.as_str()) {
                let id = self.assign(&f.id, "dataflow");
                self.flows.insert(&f.id, id);
            }
        }
        for z in doc.zones.iter().filter(|z| !is_outside(z)) {
            let id = self.assign(&z.id, "trust zone");
            self.zones.insert(&z.id, id);
        }
        let mut out = vec![
            Entry::new("format_version", Yaml::Int(1)),
            Entry::new("system", self.system()),
        ];
        let assets: Vec<Yaml> = doc.assets.iter().map(|a| self.asset(a)).collect();
        let components: Vec<Yaml> = doc.components.iter().map(|c| self.component(c)).collect();
        let flows: Vec<Yaml> = doc.flows.iter().map(|f| self.flow(f)).collect();
        let boundaries = self.boundaries();
        let controls = self.controls();
        let accepted = self.accepted_risks();
        for (key, list) in [
            ("data_assets", assets),
            ("components", components),
            ("flows", flows),
            ("boundaries", boundaries),
            ("controls", controls),
            ("accepted_risks", accepted),
        ] {
            if !list.is_empty() {
                out.push(Entry::new(key, Yaml::List(list)));
            }
        }
        self.summary_notes(from_palisade);
        out
    }

    fn summary_notes(&mut self, from_palisade: bool) {
        let doc = self.doc;
        let reprs = doc.representations
            + doc.zones.iter().map(|z| z.representations).sum::<usize>()
            + doc
                .components
                .iter()
                .map(|c| c.representations)
                .sum::<usize>();
        if reprs > 0 {
            self.note(format!(
                "{reprs} representation(s) dropped: diagram shapes and code positions have no \
                 place in a model"
            ));
        }
        let refs = doc.components.iter().map(|c| c.threats).sum::<usize>()
            + doc.flows.iter().map(|f| f.threats).sum::<usize>();
        if doc.threats > 0 || refs > 0 {
            self.note(format!(
                "{} threat(s) and {refs} threat reference(s) on components and dataflows not \
                 imported: palisade derives threats from the model (`palisade analyze`)",
                doc.threats
            ));
        }
        let availability = doc
            .assets
            .iter()
            .filter(|a| a.availability.is_some() && !has_palisade(&a.attrs))
            .count();
        if availability > 0 && !from_palisade {
            self.note(format!(
                "{availability} asset availability rating(s) dropped: palisade models declare \
                 no availability"
            ));
        }
    }

    /// Write the model and check it with the model loader, dropping tagged entries the loader
    /// rejects until it accepts the model. `Err` carries the text and the errors that no tagged
    /// entry explains.
    fn validated(&mut self, entries: &[Entry]) -> Result<String, (String, Vec<Diagnostic>)> {
        let mut dropped: BTreeSet<usize> = BTreeSet::new();
        loop {
            let pruned = prune_entries(entries, &|t| dropped.contains(&t));
            let w = write_document(&pruned);
            let loaded = palisade_model::load_str("imported.yaml", &w.text);
            let errors: Vec<Diagnostic> = loaded
                .diagnostics
                .into_iter()
                .filter(|d| d.severity == Severity::Error)
                .collect();
            if errors.is_empty() {
                return Ok(w.text);
            }
            let mut unexplained = Vec::new();
            let mut progress = false;
            for d in errors {
                let culprit = d.primary_span().and_then(|s| {
                    let off = s.start as usize;
                    w.tagged
                        .iter()
                        .filter(|(_, a, b)| *a <= off && off < *b)
                        .min_by_key(|(_, a, b)| b - a)
                        .map(|(t, _, _)| *t)
                });
                match culprit {
                    Some(t) => {
                        if dropped.insert(t) {
                            progress = true;
                            let what = self.tags[t].clone();
                            self.note(format!("{what} dropped: {}", d.message));
                        }
                    }
                    None => unexplained.push(d),
                }
            }
            if !unexplained.is_empty() || !progress {
                return Err((w.text, unexplained));
            }
        }
    }
}

fn is_outside(z: &read::Zone) -> bool {
    z.id == OUTSIDE_ZONE || attr(&z.attrs, "outside") == Some("true")
}

fn has_palisade(attrs: &RawAttrs) -> bool {
    attrs.iter().any(|(k, _)| k.starts_with(PREFIX))
}

/// The text of the `palisade:<field>` attribute.
fn attr<'a>(attrs: &'a RawAttrs, field: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|(k, _)| k.strip_prefix(PREFIX) == Some(field))
        .map(|(_, v)| v.as_str())
}
