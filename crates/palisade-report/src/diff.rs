//! What changed between two versions of a model: elements added, removed, renamed and changed
//! (field by field), and findings new, resolved and changed in residual severity. A renamed
//! component keeps its findings: they show as moved, not as resolved plus new.

use crate::data::Report;
use palisade_model::Model;
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ElementKind {
    Component,
    Flow,
    Boundary,
    DataAsset,
    Control,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Change {
    Added,
    Removed,
    Changed,
    Renamed,
}

/// One field that differs.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct FieldChange {
    pub field: String,
    /// The old value as compact JSON (absent: the field was not set).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct ElementChange {
    pub kind: ElementKind,
    /// The id in the new model (the old id for removed elements).
    pub id: String,
    pub change: Change,
    /// For renames: the old id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldChange>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum FindingChangeKind {
    /// A threat the change introduces.
    New,
    /// A threat that no longer applies.
    Resolved,
    /// Residual severity went up.
    Worse,
    /// Residual severity went down.
    Better,
    /// Same severity, but accepted or no longer accepted.
    Status,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct FindingChange {
    /// The id in the new model (the old id for resolved findings).
    pub id: String,
    /// When the element was renamed: the finding's old id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old_id: Option<String>,
    pub title: String,
    pub change: FindingChangeKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old_severity: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_severity: Option<String>,
    /// Residual severity rank in the new model (old for resolved findings).
    pub severity_rank: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old_status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_status: Option<String>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct DiffSummary {
    pub elements_added: usize,
    pub elements_removed: usize,
    pub elements_changed: usize,
    pub elements_renamed: usize,
    pub findings_new: usize,
    pub findings_resolved: usize,
    pub findings_worse: usize,
    pub findings_better: usize,
    pub findings_unchanged: usize,
}

/// The difference between two versions of a model.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Diff {
    pub format_version: u32,
    /// Labels of the two sides (file names or `FILE@REV`).
    pub old: String,
    pub new: String,
    pub summary: DiffSummary,
    pub elements: Vec<ElementChange>,
    pub findings: Vec<FindingChange>,
    /// The severity bands, lowest first (for thresholds).
    pub bands: Vec<String>,
}

/// An element as JSON, keyed by (kind, id).
type Elements = BTreeMap<(ElementKind, String), Value>;

fn elements(m: &Model) -> Elements {
    let mut out = Elements::new();
    let mut put = |k: ElementKind, id: String, v: Value| {
        out.insert((k, id), v);
    };
    for c in &m.components {
        put(
            ElementKind::Component,
            c.id.value.to_string(),
            to_json(&c.value),
        );
    }
    for (i, f) in m.flows.iter().enumerate() {
        put(
            ElementKind::Flow,
            m.flow_id(i).to_string(),
            to_json(&f.value),
        );
    }
    for b in &m.boundaries {
        put(
            ElementKind::Boundary,
            b.id.value.to_string(),
            to_json(&b.value),
        );
    }
    for d in &m.data_assets {
        put(
            ElementKind::DataAsset,
            d.id.value.to_string(),
            to_json(&d.value),
        );
    }
    for c in &m.controls {
        put(
            ElementKind::Control,
            c.id.value.to_string(),
            to_json(&c.value),
        );
    }
    out
}

fn to_json(v: &impl Serialize) -> Value {
    let mut v = serde_json::to_value(v).unwrap_or(Value::Null);
    if let Value::Object(o) = &mut v {
        o.remove("id");
    }
    v
}

fn compact(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 120 {
        let cut: String = s.chars().take(117).collect();
        format!("{cut}…")
    } else {
        s
    }
}

fn field_changes(old: &Value, new: &Value) -> Vec<FieldChange> {
    let (Value::Object(a), Value::Object(b)) = (old, new) else {
        return if old == new {
            Vec::new()
        } else {
            vec![FieldChange {
                field: String::new(),
                old: Some(compact(old)),
                new: Some(compact(new)),
            }]
        };
    };
    let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    keys.into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .map(|k| FieldChange {
            field: k.clone(),
            old: a.get(k).map(compact),
            new: b.get(k).map(compact),
        })
        .collect()
}

/// Replace old component ids by their new names inside a JSON value (flow ends, boundary
/// members, control targets), so a rename alone does not make everything around it "changed".
fn rename_refs(v: &Value, renames: &BTreeMap<String, String>) -> Value {
    match v {
        Value::String(s) => Value::String(renames.get(s).cloned().unwrap_or_else(|| s.clone())),
        Value::Array(a) => Value::Array(a.iter().map(|x| rename_refs(x, renames)).collect()),
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, x)| (k.clone(), rename_refs(x, renames)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// How alike two components are: the share of fields (of both) with equal values, name aside.
fn similarity(a: &Value, b: &Value) -> f64 {
    let (Value::Object(x), Value::Object(y)) = (a, b) else {
        return 0.0;
    };
    if x.get("kind") != y.get("kind") {
        return 0.0;
    }
    let keys: BTreeSet<&String> = x.keys().chain(y.keys()).filter(|k| *k != "name").collect();
    if keys.is_empty() {
        return 1.0;
    }
    let same = keys.iter().filter(|k| x.get(**k) == y.get(**k)).count();
    same as f64 / keys.len() as f64
}

/// Pair removed and added components that are the same component under a new id.
fn detect_renames(old: &Elements, new: &Elements) -> BTreeMap<String, String> {
    let removed: Vec<(&String, &Value)> = old
        .iter()
        .filter(|((k, id), _)| *k == ElementKind::Component && !new.contains_key(&(*k, id.clone())))
        .map(|((_, id), v)| (id, v))
        .collect();
    let added: Vec<(&String, &Value)> = new
        .iter()
        .filter(|((k, id), _)| *k == ElementKind::Component && !old.contains_key(&(*k, id.clone())))
        .map(|((_, id), v)| (id, v))
        .collect();
    let mut pairs: Vec<(f64, &String, &String)> = Vec::new();
    for (rid, rv) in &removed {
        for (aid, av) in &added {
            let s = similarity(rv, av);
            if s >= 0.75 {
                pairs.push((s, rid, aid));
            }
        }
    }
    // Best matches first; each id used once. Ties break on ids, so the result is deterministic.
    pairs.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)).then(a.2.cmp(b.2)));
    let mut out = BTreeMap::new();
    let mut used: BTreeSet<&String> = BTreeSet::new();
    for (_, r, a) in pairs {
        if out.contains_key(r) || used.contains(a) {
            continue;
        }
        out.insert(r.clone(), a.clone());
        used.insert(a);
    }
    out
}

/// Map an old element id (component or derived flow id `A->B`) through the renames.
fn map_id(id: &str, renames: &BTreeMap<String, String>) -> String {
    if let Some(n) = renames.get(id) {
        return n.clone();
    }
    if let Some((a, b)) = id.split_once("->") {
        let a = renames.get(a).map_or(a, String::as_str);
        let b = renames.get(b).map_or(b, String::as_str);
        return format!("{a}->{b}");
    }
    id.to_string()
}

fn map_finding(id: &str, renames: &BTreeMap<String, String>) -> String {
    match id.split_once('@') {
        Some((code, el)) => format!("{code}@{}", map_id(el, renames)),
        None => id.to_string(),
    }
}

/// Compare two models and their reports.
pub fn diff(old: (&Model, &Report), new: (&Model, &Report), labels: (&str, &str)) -> Diff {
    let (oe, ne) = (elements(old.0), elements(new.0));
    let renames = detect_renames(&oe, &ne);
    let mut changes = Vec::new();
    // Old elements seen through the renames.
    let mut mapped: Elements = Elements::new();
    for ((k, id), v) in &oe {
        let nid = if *k == ElementKind::Flow || *k == ElementKind::Component {
            map_id(id, &renames)
        } else {
            id.clone()
        };
        mapped.insert((*k, nid), rename_refs(v, &renames));
    }
    for (old_id, new_id) in &renames {
        let fields = field_changes(
            &rename_refs(&oe[&(ElementKind::Component, old_id.clone())], &renames),
            &ne[&(ElementKind::Component, new_id.clone())],
        );
        changes.push(ElementChange {
            kind: ElementKind::Component,
            id: new_id.clone(),
            change: Change::Renamed,
            renamed_from: Some(old_id.clone()),
            fields,
        });
    }
    let renamed_new: BTreeSet<&String> = renames.values().collect();
    for ((k, id), v) in &ne {
        if *k == ElementKind::Component && renamed_new.contains(id) {
            continue;
        }
        match mapped.get(&(*k, id.clone())) {
            None => changes.push(ElementChange {
                kind: *k,
                id: id.clone(),
                change: Change::Added,
                renamed_from: None,
                fields: Vec::new(),
            }),
            Some(ov) => {
                let fields = field_changes(ov, v);
                if !fields.is_empty() {
                    changes.push(ElementChange {
                        kind: *k,
                        id: id.clone(),
                        change: Change::Changed,
                        renamed_from: None,
                        fields,
                    });
                }
            }
        }
    }
    for (k, id) in oe.keys() {
        if *k == ElementKind::Component && renames.contains_key(id) {
            continue;
        }
        let nid = if *k == ElementKind::Flow {
            map_id(id, &renames)
        } else {
            id.clone()
        };
        if !ne.contains_key(&(*k, nid)) {
            changes.push(ElementChange {
                kind: *k,
                id: id.clone(),
                change: Change::Removed,
                renamed_from: None,
                fields: Vec::new(),
            });
        }
    }
    changes.sort_by(|a, b| (a.kind, &a.id, a.change).cmp(&(b.kind, &b.id, b.change)));

    // Findings, old ids seen through the renames.
    let old_findings: BTreeMap<String, &crate::data::ReportFinding> = old
        .1
        .findings
        .iter()
        .map(|f| (map_finding(&f.finding.id, &renames), f))
        .collect();
    let new_findings: BTreeMap<&str, &crate::data::ReportFinding> = new
        .1
        .findings
        .iter()
        .map(|f| (f.finding.id.as_str(), f))
        .collect();
    let status = |f: &crate::data::ReportFinding| if f.open { "open" } else { "accepted" };
    let mut findings = Vec::new();
    let mut unchanged = 0;
    for (id, nf) in &new_findings {
        let nr = &nf.risk.residual.score;
        match old_findings.get(*id) {
            None => findings.push(FindingChange {
                id: id.to_string(),
                old_id: None,
                title: nf.finding.title.to_string(),
                change: FindingChangeKind::New,
                old_severity: None,
                new_severity: Some(nr.severity.to_string()),
                severity_rank: nr.severity_rank,
                old_status: None,
                new_status: Some(status(nf).into()),
            }),
            Some(of) => {
                let or = &of.risk.residual.score;
                let kind = if nr.severity_rank > or.severity_rank {
                    Some(FindingChangeKind::Worse)
                } else if nr.severity_rank < or.severity_rank {
                    Some(FindingChangeKind::Better)
                } else if of.open != nf.open {
                    Some(FindingChangeKind::Status)
                } else {
                    None
                };
                match kind {
                    None => unchanged += 1,
                    Some(change) => findings.push(FindingChange {
                        id: id.to_string(),
                        old_id: (of.finding.id != *id).then(|| of.finding.id.clone()),
                        title: nf.finding.title.to_string(),
                        change,
                        old_severity: Some(or.severity.to_string()),
                        new_severity: Some(nr.severity.to_string()),
                        severity_rank: nr.severity_rank,
                        old_status: Some(status(of).into()),
                        new_status: Some(status(nf).into()),
                    }),
                }
            }
        }
    }
    for (mid, of) in &old_findings {
        if !new_findings.contains_key(mid.as_str()) {
            let or = &of.risk.residual.score;
            findings.push(FindingChange {
                id: of.finding.id.clone(),
                old_id: None,
                title: of.finding.title.to_string(),
                change: FindingChangeKind::Resolved,
                old_severity: Some(or.severity.to_string()),
                new_severity: None,
                severity_rank: or.severity_rank,
                old_status: Some(status(of).into()),
                new_status: None,
            });
        }
    }
    findings.sort_by(|a, b| {
        (a.change, std::cmp::Reverse(a.severity_rank), &a.id).cmp(&(
            b.change,
            std::cmp::Reverse(b.severity_rank),
            &b.id,
        ))
    });
    let count = |c: Change| changes.iter().filter(|e| e.change == c).count();
    let fcount = |c: FindingChangeKind| findings.iter().filter(|f| f.change == c).count();
    Diff {
        format_version: 1,
        old: labels.0.to_string(),
        new: labels.1.to_string(),
        summary: DiffSummary {
            elements_added: count(Change::Added),
            elements_removed: count(Change::Removed),
            elements_changed: count(Change::Changed),
            elements_renamed: count(Change::Renamed),
            findings_new: fcount(FindingChangeKind::New),
            findings_resolved: fcount(FindingChangeKind::Resolved),
            findings_worse: fcount(FindingChangeKind::Worse),
            findings_better: fcount(FindingChangeKind::Better),
            findings_unchanged: unchanged,
        },
        elements: changes,
        findings,
        bands: new.1.policy.bands.clone(),
    }
}

impl Diff {
    /// Findings the change introduces or makes worse at or above a band rank.
    pub fn introduced_at_or_above(&self, rank: usize) -> Vec<&FindingChange> {
        self.findings
            .iter()
            .filter(|f| {
                matches!(f.change, FindingChangeKind::New | FindingChangeKind::Worse)
                    && f.severity_rank >= rank
                    && f.new_status.as_deref() == Some("open")
            })
            .collect()
    }
}

fn kind_name(k: ElementKind) -> &'static str {
    match k {
        ElementKind::Component => "component",
        ElementKind::Flow => "flow",
        ElementKind::Boundary => "boundary",
        ElementKind::DataAsset => "data asset",
        ElementKind::Control => "control",
    }
}

fn change_line(e: &ElementChange) -> String {
    match e.change {
        Change::Added => format!("+ {} `{}`", kind_name(e.kind), e.id),
        Change::Removed => format!("- {} `{}`", kind_name(e.kind), e.id),
        Change::Renamed => format!(
            "~ {} `{}` renamed to `{}`",
            kind_name(e.kind),
            e.renamed_from.as_deref().unwrap_or("?"),
            e.id
        ),
        Change::Changed => format!("~ {} `{}`", kind_name(e.kind), e.id),
    }
}

fn field_line(f: &FieldChange) -> String {
    format!(
        "{}: {} → {}",
        f.field,
        f.old.as_deref().unwrap_or("(unset)"),
        f.new.as_deref().unwrap_or("(unset)")
    )
}

/// The residual severity's change in words: `high`, `medium → high`, `high (open → accepted)`;
/// `esc` escapes a severity name, `gone` marks the severity of a resolved finding.
fn severity_change(
    f: &FindingChange,
    esc: impl Fn(&str) -> String,
    gone: impl Fn(String) -> String,
) -> String {
    match (&f.old_severity, &f.new_severity) {
        (None, Some(n)) => esc(n),
        (Some(o), None) => gone(esc(o)),
        (Some(o), Some(n)) if o != n => format!("{} → {}", esc(o), esc(n)),
        (Some(o), Some(_)) => format!(
            "{} ({} → {})",
            esc(o),
            f.old_status.as_deref().unwrap_or("?"),
            f.new_status.as_deref().unwrap_or("?")
        ),
        (None, None) => String::new(),
    }
}

fn finding_line(f: &FindingChange) -> String {
    let sev = severity_change(f, str::to_string, |s| s);
    let mut s = format!("{} [{sev}] {}", f.id, f.title);
    if let Some(o) = &f.old_id {
        s.push_str(&format!(" (was {o})"));
    }
    s
}

/// The diff as terminal text.
pub fn text(d: &Diff) -> String {
    use std::fmt::Write;
    let s = &d.summary;
    let mut out = format!(
        "{} → {}\nelements: {} added, {} removed, {} changed, {} renamed\nfindings: {} new, {} resolved, {} worse, {} better, {} unchanged\n",
        d.old,
        d.new,
        s.elements_added,
        s.elements_removed,
        s.elements_changed,
        s.elements_renamed,
        s.findings_new,
        s.findings_resolved,
        s.findings_worse,
        s.findings_better,
        s.findings_unchanged
    );
    if !d.elements.is_empty() {
        out.push_str("\nmodel\n");
        for e in &d.elements {
            let _ = writeln!(out, "  {}", change_line(e));
            for f in &e.fields {
                let _ = writeln!(out, "      {}", field_line(f));
            }
        }
    }
    for (kind, title) in [
        (FindingChangeKind::New, "new findings"),
        (FindingChangeKind::Worse, "worse"),
        (FindingChangeKind::Better, "better"),
        (FindingChangeKind::Status, "status changed"),
        (FindingChangeKind::Resolved, "resolved"),
    ] {
        let list: Vec<&FindingChange> = d.findings.iter().filter(|f| f.change == kind).collect();
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{title} ({})", list.len());
        for f in list {
            let _ = writeln!(out, "  {}", finding_line(f));
        }
    }
    out
}

/// The diff as Markdown, for a pull-request comment.
pub fn markdown(d: &Diff) -> String {
    use crate::markdown::escape;
    use std::fmt::Write;
    let s = &d.summary;
    let mut out = format!(
        "### Threat model changes: {} → {}\n\n| | added | removed | changed | renamed |\n|---|---|---|---|---|\n| model elements | {} | {} | {} | {} |\n\n| findings | new | resolved | worse | better | unchanged |\n|---|---|---|---|---|---|\n| | {} | {} | {} | {} | {} |\n",
        escape(&d.old),
        escape(&d.new),
        s.elements_added,
        s.elements_removed,
        s.elements_changed,
        s.elements_renamed,
        s.findings_new,
        s.findings_resolved,
        s.findings_worse,
        s.findings_better,
        s.findings_unchanged
    );
    if !d.findings.is_empty() {
        out.push_str("\n| Change | Finding | Threat | Residual |\n|---|---|---|---|\n");
        for f in &d.findings {
            let icon = match f.change {
                FindingChangeKind::New => "🆕 new",
                FindingChangeKind::Worse => "🔺 worse",
                FindingChangeKind::Better => "🔻 better",
                FindingChangeKind::Status => "↔ status",
                FindingChangeKind::Resolved => "✅ resolved",
            };
            let sev = severity_change(f, escape, |s| format!("~~{s}~~"));
            let mut id = format!("`{}`", f.id.replace('`', "'"));
            if let Some(o) = &f.old_id {
                let _ = write!(id, " (was `{}`)", o.replace('`', "'"));
            }
            let _ = writeln!(out, "| {icon} | {id} | {} | {sev} |", escape(&f.title));
        }
    }
    if !d.elements.is_empty() {
        out.push_str("\n<details><summary>Model changes</summary>\n\n");
        for e in &d.elements {
            let _ = writeln!(out, "- {}", escape(&change_line(e)));
            for f in &e.fields {
                let _ = writeln!(out, "  - {}", escape(&field_line(f)));
            }
        }
        out.push_str("\n</details>\n");
    }
    out
}
