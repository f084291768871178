//! The report's data: everything every format shows, in one serialisable structure. The JSON
//! report is this structure; the other formats render it, so they all carry the same facts.

use palisade_analysis::{AttackPath, Facts};
use palisade_model::Model;
use palisade_risk::assess::{AcceptanceReview, GateResult, Risk, Status, UnknownMitigation};
use palisade_risk::plan::Item;
use palisade_risk::{Assessment, Plan, Policy};
use palisade_threats::Finding;
use schemars::JsonSchema;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// The version of the report format; bumped on incompatible changes.
pub const FORMAT_VERSION: u32 = 1;

/// Everything a report is made from.
pub struct Context<'a> {
    pub model: &'a Model,
    pub facts: &'a Facts,
    pub findings: &'a [Finding],
    pub assessment: &'a Assessment,
    pub plan: &'a Plan,
    pub policy: &'a Policy,
    pub library: &'a palisade_threats::Library,
    /// The gate's verdict, when a threshold was given.
    pub gate: Option<GateResult>,
    /// ATLAS technique names (id → name) from a loaded ATLAS file.
    pub atlas: Option<AtlasInfo>,
    /// The model's files, to locate elements.
    pub sources: Option<&'a palisade_model::SourceMap>,
}

/// A threat model report.
// It borrows the findings, risks and plan of the run it reports on: a report of a large model
// would otherwise hold a second copy of them. (Doc comments here are schema descriptions.)
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Report<'a> {
    pub format_version: u32,
    pub tool: Tool,
    pub system: SystemInfo,
    /// The date acceptances were reviewed against (YYYY-MM-DD).
    pub today: String,
    pub summary: Summary<'a>,
    /// The risk matrix the scores use.
    pub policy: PolicyInfo,
    /// Every finding with its risk, sorted by residual risk (highest first), then id.
    pub findings: Vec<ReportFinding<'a>>,
    pub attack_paths: &'a [AttackPath],
    /// The mitigation plan: open findings by residual risk, with proposed steps.
    pub plan: &'a [Item],
    pub acceptances: &'a [AcceptanceReview],
    pub unknown_mitigations: &'a [UnknownMitigation],
    /// The system as modelled: components, data, boundaries, flows, controls.
    pub model: ModelInfo<'a>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gate: Option<GateResult>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub atlas: Option<AtlasInfo>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct SystemInfo {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    pub criticality: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hosting: Option<String>,
    pub users: Vec<String>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Summary<'a> {
    pub components: usize,
    pub flows: usize,
    pub data_assets: usize,
    pub boundaries: usize,
    pub controls: usize,
    pub findings: usize,
    /// Findings to mitigate (not accepted, or accepted with a lapsed review).
    pub open: usize,
    pub accepted: usize,
    pub attack_paths: usize,
    /// Findings per threat category.
    pub by_category: BTreeMap<String, usize>,
    /// Findings per element id.
    pub by_component: BTreeMap<&'a str, usize>,
    /// Findings per inherent severity band.
    pub inherent: BTreeMap<String, usize>,
    /// Open findings per residual severity band.
    pub residual: BTreeMap<String, usize>,
    /// Counts per matrix cell: `heatmap_inherent[impact - 1][likelihood - 1]`, all findings.
    pub heatmap_inherent: Vec<Vec<usize>>,
    /// Counts per matrix cell of residual risk, open findings.
    pub heatmap_residual: Vec<Vec<usize>>,
    /// The highest residual severity among open findings (absent when none is open).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub worst_open: Option<String>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct PolicyInfo {
    pub likelihood_levels: Vec<String>,
    pub impact_levels: Vec<String>,
    /// Lowest first.
    pub bands: Vec<String>,
    /// Band of each cell: `matrix[impact - 1][likelihood - 1]`.
    pub matrix: Vec<Vec<String>>,
}

/// A finding with its risk assessment.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ReportFinding<'a> {
    #[serde(flatten)]
    pub finding: &'a Finding,
    pub risk: &'a Risk,
    /// `open` or `accepted`.
    pub status: Status,
    /// Whether it still needs mitigating (open, or accepted with a lapsed review).
    pub open: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acceptance: Option<&'a AcceptanceReview>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
// The model's elements, borrowed from the model and its facts: a large model has tens of
// thousands of them.
pub struct ModelInfo<'a> {
    pub components: Vec<ComponentInfo<'a>>,
    pub data_assets: Vec<DataAssetInfo<'a>>,
    pub boundaries: Vec<BoundaryInfo<'a>>,
    pub flows: Vec<FlowInfo<'a>>,
    pub controls: Vec<ControlInfo<'a>>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ComponentInfo<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub kind: &'static str,
    /// Boundaries around it, innermost first.
    pub boundaries: &'a [String],
    pub exposure: &'static str,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<&'a str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<&'a str>,
    pub data: Vec<&'a str>,
    /// Findings on it.
    pub findings: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<palisade_threats::engine::SourceLocation>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct DataAssetInfo<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub classification: &'static str,
    pub personal_data: bool,
    pub regulations: Vec<&'static str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<&'static str>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct BoundaryInfo<'a> {
    pub id: &'a str,
    pub name: &'a str,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trust: Option<&'static str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<&'a str>,
    pub contains: Vec<&'a str>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct FlowInfo<'a> {
    pub id: &'a str,
    pub from: &'a str,
    pub to: &'a str,
    pub data: Vec<&'a str>,
    pub returns: Vec<&'a str>,
    /// Boundaries it crosses.
    pub crosses: &'a [String],
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<&'static str>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ControlInfo<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub status: &'static str,
    pub implements: Vec<&'a str>,
    pub applies_to: Vec<&'a str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<&'a str>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct AtlasInfo {
    pub version: String,
    /// Technique id → name, for the ids the findings cite.
    pub names: BTreeMap<String, String>,
}

/// The kebab-case name of an enum value (through its serde name).
pub fn name<T: Serialize>(v: T) -> String {
    match crate::variant::of(&v) {
        Some(n) => n.to_string(),
        None => serde_json::to_value(v)
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default(),
    }
}

/// `name` of an enum value, without allocating (empty for a value that is not an enum's).
pub fn variant<T: Serialize>(v: T) -> &'static str {
    crate::variant::of(&v).unwrap_or_default()
}

fn display_name<'a>(id: &'a str, name: Option<&'a palisade_model::Loc<String>>) -> &'a str {
    name.map_or(id, |n| n.value.as_str())
}

/// Build the report.
pub fn build<'a>(cx: &Context<'a>) -> Report<'a> {
    let m = cx.model;
    let a = cx.assessment;
    let p = cx.policy;
    let risks = a.by_finding();
    let mut findings: Vec<ReportFinding<'a>> = cx
        .findings
        .iter()
        .filter_map(|f| {
            let risk = *risks.get(f.id.as_str())?;
            Some(ReportFinding {
                finding: f,
                status: risk.status,
                open: a.is_open(risk),
                acceptance: risk.acceptance.map(|i| &a.acceptances[i]),
                risk,
            })
        })
        .collect();
    findings.sort_by(|x, y| {
        let key = |r: &ReportFinding| {
            (
                std::cmp::Reverse(r.open),
                std::cmp::Reverse(r.risk.residual.score.severity_rank),
                std::cmp::Reverse(r.risk.residual.score.score),
                std::cmp::Reverse(r.risk.inherent.score.score),
            )
        };
        key(x).cmp(&key(y)).then(x.finding.id.cmp(&y.finding.id))
    });
    let (nl, ni) = (p.max_likelihood() as usize, p.max_impact() as usize);
    let mut heat_inh = vec![vec![0usize; nl]; ni];
    let mut heat_res = vec![vec![0usize; nl]; ni];
    let mut inherent = BTreeMap::new();
    let mut residual = BTreeMap::new();
    let mut by_category: BTreeMap<String, usize> = BTreeMap::new();
    let mut by_component: BTreeMap<&'a str, usize> = BTreeMap::new();
    for b in &p.bands {
        inherent.insert(b.clone(), 0);
        residual.insert(b.clone(), 0);
    }
    // Counted by name without a key per finding (every band is already there).
    fn count(map: &mut BTreeMap<String, usize>, key: &str) {
        match map.get_mut(key) {
            Some(n) => *n += 1,
            None => {
                map.insert(key.to_string(), 1);
            }
        }
    }
    let mut worst: Option<usize> = None;
    for f in &findings {
        let (i, r) = (&f.risk.inherent.score, &f.risk.residual.score);
        heat_inh[i.impact as usize - 1][i.likelihood as usize - 1] += 1;
        count(&mut inherent, &i.severity);
        count(&mut by_category, f.finding.category.as_str());
        *by_component
            .entry(f.finding.target.id.as_str())
            .or_insert(0) += 1;
        if f.open {
            heat_res[r.impact as usize - 1][r.likelihood as usize - 1] += 1;
            count(&mut residual, &r.severity);
            worst = Some(worst.map_or(r.severity_rank, |w: usize| w.max(r.severity_rank)));
        }
    }
    let open = findings.iter().filter(|f| f.open).count();
    let sys = &m.system.value;
    let dep = sys.deployment.as_ref().map(|d| &d.value);
    let boundary_name = |i: usize| m.boundaries[i].id.value.as_str();
    // Where each component is declared; the file's name is made once per file.
    let mut files: HashMap<palisade_model::FileId, String> = HashMap::new();
    let mut locate = |span: palisade_model::Span| {
        let s = cx.sources?;
        let f = s.get(span.file);
        let (line, column) = f.line_col(span.start);
        let file = files
            .entry(span.file)
            .or_insert_with(|| f.path.display().to_string())
            .clone();
        Some(palisade_threats::engine::SourceLocation { file, line, column })
    };
    let components = m
        .components
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let facts = &cx.facts.components[i];
            ComponentInfo {
                id: c.id.value.as_str(),
                name: display_name(c.id.value.as_str(), c.name.as_ref()),
                kind: c.kind.value.as_str(),
                boundaries: &facts.boundaries,
                exposure: variant(facts.exposure),
                owner: c.owner.as_ref().map(|o| o.value.as_str()),
                description: c.description.as_ref().map(|d| d.value.as_str()),
                data: c.data.iter().map(|d| d.value.as_str()).collect(),
                findings: by_component.get(c.id.value.as_str()).copied().unwrap_or(0),
                location: locate(c.id.span),
            }
        })
        .collect();
    let model = ModelInfo {
        components,
        data_assets: m
            .data_assets
            .iter()
            .map(|d| DataAssetInfo {
                id: d.id.value.as_str(),
                name: display_name(d.id.value.as_str(), d.name.as_ref()),
                classification: variant(d.classification.value),
                personal_data: d.personal_data.as_ref().is_some_and(|p| p.value),
                regulations: d.regulations.iter().map(|r| variant(r.value)).collect(),
                origin: d.origin.as_ref().map(|o| variant(o.value)),
            })
            .collect(),
        boundaries: m
            .boundaries
            .iter()
            .enumerate()
            .map(|(i, b)| BoundaryInfo {
                id: b.id.value.as_str(),
                name: display_name(b.id.value.as_str(), b.name.as_ref()),
                trust: b.trust.as_ref().map(|t| variant(t.value)),
                parent: m.boundary_parent.get(&i).map(|&p| boundary_name(p)),
                contains: b.contains.iter().map(|c| c.value.as_str()).collect(),
            })
            .collect(),
        flows: m
            .flows
            .iter()
            .enumerate()
            .map(|(i, f)| FlowInfo {
                id: m.flow_id(i).as_str(),
                from: f.from.value.as_str(),
                to: f.to.value.as_str(),
                data: f.data.iter().map(|d| d.value.as_str()).collect(),
                returns: f.returns.iter().map(|d| d.value.as_str()).collect(),
                crosses: &cx.facts.flows[i].crosses,
                protocol: f.protocol.as_ref().map(|p| variant(p.value)),
            })
            .collect(),
        controls: m
            .controls
            .iter()
            .map(|c| ControlInfo {
                id: c.id.value.as_str(),
                name: display_name(c.id.value.as_str(), c.name.as_ref()),
                status: variant(c.status.value),
                implements: c.implements.iter().map(|x| x.value.as_str()).collect(),
                applies_to: c.applies_to.iter().map(|x| x.value.as_str()).collect(),
                owner: c.owner.as_ref().map(|o| o.value.as_str()),
            })
            .collect(),
    };
    Report {
        format_version: FORMAT_VERSION,
        tool: Tool {
            name: "palisade".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        system: SystemInfo {
            name: sys.name.value.clone(),
            description: sys.description.as_ref().map(|d| d.value.clone()),
            owner: sys.owner.as_ref().map(|o| o.value.clone()),
            criticality: sys.criticality.value.as_str().to_string(),
            environment: dep.and_then(|d| d.environment.as_ref().map(|e| name(e.value))),
            hosting: dep.and_then(|d| d.hosting.as_ref().map(|e| name(e.value))),
            users: dep.map_or_else(Vec::new, |d| {
                d.users.iter().map(|u| name(u.value)).collect()
            }),
        },
        today: a.today.clone(),
        summary: Summary {
            components: m.components.len(),
            flows: m.flows.len(),
            data_assets: m.data_assets.len(),
            boundaries: m.boundaries.len(),
            controls: m.controls.len(),
            findings: findings.len(),
            open,
            accepted: findings.len() - open,
            attack_paths: cx.facts.attack_paths.len(),
            by_category,
            by_component,
            inherent,
            residual,
            heatmap_inherent: heat_inh,
            heatmap_residual: heat_res,
            worst_open: worst.map(|w| p.bands[w].clone()),
        },
        policy: PolicyInfo {
            likelihood_levels: p.likelihood_levels.clone(),
            impact_levels: p.impact_levels.clone(),
            bands: p.bands.clone(),
            matrix: p
                .matrix
                .iter()
                .map(|row| row.iter().map(|&b| p.bands[b].clone()).collect())
                .collect(),
        },
        findings,
        attack_paths: &cx.facts.attack_paths,
        plan: &cx.plan.items,
        acceptances: &a.acceptances,
        unknown_mitigations: &a.unknown_mitigations,
        model,
        gate: cx.gate.clone(),
        atlas: cx.atlas.clone(),
    }
}

impl Report<'_> {
    /// The plan items by finding id (the first item of an id, as a search would find it).
    pub fn plan_by_finding(&self) -> HashMap<&str, &Item> {
        let mut map = HashMap::with_capacity(self.plan.len());
        for item in self.plan {
            map.entry(item.finding.as_str()).or_insert(item);
        }
        map
    }
}

/// The JSON Schema of the JSON report (`palisade schema --report`).
pub fn schema() -> serde_json::Value {
    let mut s = serde_json::to_value(schemars::schema_for!(Report<'static>)).unwrap_or_default();
    if let Some(o) = s.as_object_mut() {
        o.insert(
            "$id".into(),
            "https://palisade.invalid/schema/report-1.json".into(),
        );
        o.insert(
            "title".into(),
            "palisade threat model report (format_version 1)".into(),
        );
    }
    s
}
