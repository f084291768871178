//! Exports for the programs an enterprise already runs: security-review checklists, pen-test and
//! red-team scope, incident-response playbooks with SOC indicators, vulnerability-management
//! tickets, and a MITRE ATLAS Navigator layer. All derived from the report data.

use crate::data::{Report, ReportFinding, name};
use crate::markdown::{escape, escape_inline};
use palisade_threats::Category;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write;

fn open<'r>(r: &'r Report) -> impl Iterator<Item = &'r ReportFinding<'r>> {
    r.findings.iter().filter(|f| f.open)
}

/// A slug of the system name for stable external ids.
pub fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

// ---------------------------------------------------------------------------------------------
/// The model's components by id (the first of an id, as a search would find it).
fn components_by_id<'r>(r: &'r Report) -> HashMap<&'r str, &'r crate::data::ComponentInfo<'r>> {
    let mut map = HashMap::with_capacity(r.model.components.len());
    for c in &r.model.components {
        map.entry(c.id).or_insert(c);
    }
    map
}

// Checklist

/// One item of the review checklist.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CheckItem {
    pub section: String,
    pub item: String,
    /// The finding, control or acceptance it comes from.
    pub source: String,
    pub done: bool,
}

/// The security-review checklist for this system's deployment.
pub fn checklist(r: &Report) -> Vec<CheckItem> {
    let plans = r.plan_by_finding();
    let mut items = Vec::new();
    let mut add = |section: &str, item: String, source: String, done: bool| {
        items.push(CheckItem {
            section: section.to_string(),
            item,
            source,
            done,
        });
    };
    for f in open(r) {
        let fi = &f.finding;
        let plan = plans.get(fi.id.as_str());
        let steps = plan.map_or_else(String::new, |p| {
            let s: Vec<String> = p
                .steps
                .iter()
                .map(|s| format!("{} ({})", s.mitigation, name(s.owner)))
                .collect();
            format!(" — put in place: {}", s.join(", "))
        });
        add(
            fi.category.as_str(),
            format!(
                "[{}] {} on `{}` is mitigated or formally accepted{steps}",
                f.risk.residual.score.severity, fi.title, fi.target.id
            ),
            fi.id.clone(),
            false,
        );
        for d in &f.risk.depth {
            add(
                "defence in depth",
                format!("`{}`: {}", fi.id, d.message()),
                fi.id.clone(),
                false,
            );
        }
    }
    for c in &r.model.controls {
        let done = c.status != "planned";
        add(
            "controls",
            format!(
                "Control `{}` ({}) is {} on {}",
                c.id,
                c.name,
                if done { "in place" } else { "implemented" },
                c.applies_to.join(", ")
            ),
            c.id.to_string(),
            done,
        );
    }
    for a in r.acceptances {
        let lapsed = matches!(
            a.state,
            palisade_risk::assess::AcceptanceState::Overdue
                | palisade_risk::assess::AcceptanceState::Expired
                | palisade_risk::assess::AcceptanceState::Orphaned
        );
        add(
            "accepted risks",
            format!(
                "Acceptance of `{}` by {} is current ({}, review {})",
                a.finding,
                a.approver,
                name(a.state),
                a.review_due
                    .as_deref()
                    .or(a.expires.as_deref())
                    .unwrap_or("?")
            ),
            a.finding.clone(),
            !lapsed,
        );
    }
    let kinds: BTreeSet<&str> = r.model.components.iter().map(|c| c.kind).collect();
    let general: &[(&str, &[&str], &str)] = &[
        (
            "validation",
            &[
                "model-artifact",
                "model",
                "llm",
                "embedding-model",
                "dataset",
            ],
            "Third-party model and data artifacts were scanned (`palisade scan`) and their manifests verified (`palisade manifest verify`) before deployment",
        ),
        (
            "validation",
            &["llm", "agent"],
            "The model was red-teamed with current direct and indirect prompt-injection techniques",
        ),
        (
            "operations",
            &["llm", "agent", "model", "inference-endpoint"],
            "Prompts, outputs, tool calls and per-caller query volumes are logged and monitored, with alerts to someone on call",
        ),
        (
            "operations",
            &["llm", "agent", "model", "inference-endpoint"],
            "An incident-response playbook covers this system's AI threats (`palisade export playbooks`)",
        ),
    ];
    for (section, when, text) in general {
        if when.iter().any(|k| kinds.contains(k)) {
            add(section, (*text).to_string(), "palisade".into(), false);
        }
    }
    items
}

pub fn checklist_markdown(r: &Report) -> String {
    let items = checklist(r);
    let mut out = format!(
        "# Security review checklist: {}\n\nGenerated from the threat model ({} open findings, reviewed {}).\n",
        escape(&r.system.name),
        r.summary.open,
        escape(&r.today)
    );
    let mut by: BTreeMap<&str, Vec<&CheckItem>> = BTreeMap::new();
    for i in &items {
        by.entry(i.section.as_str()).or_default().push(i);
    }
    for (section, list) in by {
        let _ = writeln!(out, "\n## {}\n", escape(section));
        for i in list {
            let _ = writeln!(
                out,
                "- [{}] {}",
                if i.done { "x" } else { " " },
                escape_inline(&i.item)
            );
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Pen-test and red-team scope

pub fn pentest_scope(r: &Report) -> Value {
    let components = components_by_id(r);
    let mut targets: BTreeMap<&str, Vec<&ReportFinding>> = BTreeMap::new();
    for f in open(r) {
        targets
            .entry(f.finding.target.id.as_str())
            .or_default()
            .push(f);
    }
    let scenarios: Vec<Value> = r
        .attack_paths
        .iter()
        .map(|a| {
            let techniques: BTreeSet<&String> = r
                .findings
                .iter()
                .filter(|f| f.finding.target.id == a.target)
                .flat_map(|f| f.finding.mappings.atlas.iter())
                .collect();
            json!({
                "id": a.id,
                "kind": name(a.kind),
                "entry_point": a.entry,
                "target": a.target,
                "steps": a.steps,
                "techniques": techniques,
                "success_criteria": format!(
                    "Show that content entering at `{}` can make `{}` act for the tester: {}",
                    a.entry, a.target, a.impact
                ),
            })
        })
        .collect();
    let tests: Vec<Value> = open(r)
        .map(|f| {
            let fi = &f.finding;
            json!({
                "finding": fi.id,
                "title": fi.title,
                "target": fi.target.id,
                "residual_severity": f.risk.residual.score.severity,
                "attack_vector": fi.attack_vector,
                "preconditions": fi.preconditions,
                "techniques": fi.mappings.atlas,
                "success_criteria": format!("Demonstrate: {}", fi.impact),
            })
        })
        .collect();
    let entry_points: BTreeSet<&str> = r.attack_paths.iter().map(|a| a.entry.as_str()).collect();
    json!({
        "system": r.system.name,
        "targets": targets.iter().map(|(t, fs)| {
            let c = components.get(t);
            json!({
                "id": t,
                "kind": c.map(|c| c.kind),
                "exposure": c.map(|c| c.exposure),
                "findings": fs.iter().map(|f| f.finding.id.clone()).collect::<Vec<_>>(),
            })
        }).collect::<Vec<_>>(),
        "entry_points": entry_points,
        "scenarios": scenarios,
        "tests": tests,
        "out_of_scope": "Denial of service against production and real customer data unless agreed in writing; use canary records and test endpoints.",
    })
}

pub fn pentest_markdown(r: &Report) -> String {
    let v = pentest_scope(r);
    let mut out = format!(
        "# AI penetration-test and red-team scope: {}\n\n",
        escape(&r.system.name)
    );
    out.push_str("## Targets\n\n| Target | Kind | Exposure | Findings |\n|---|---|---|---|\n");
    for t in v["targets"].as_array().into_iter().flatten() {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} |",
            t["id"].as_str().unwrap_or(""),
            escape(t["kind"].as_str().unwrap_or("")),
            escape(t["exposure"].as_str().unwrap_or("")),
            t["findings"].as_array().map_or(0, Vec::len)
        );
    }
    out.push_str("\n## Attack scenarios\n");
    for s in v["scenarios"].as_array().into_iter().flatten() {
        let steps: Vec<&str> = s["steps"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let techs: Vec<&str> = s["techniques"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let _ = writeln!(
            out,
            "\n### {}: `{}` → `{}`\n\n- **Path:** {}\n- **Techniques:** {}\n- **Success criteria:** {}",
            escape(s["kind"].as_str().unwrap_or("")),
            s["entry_point"].as_str().unwrap_or(""),
            s["target"].as_str().unwrap_or(""),
            escape(&steps.join(" → ")),
            escape(&techs.join(", ")),
            escape_inline(s["success_criteria"].as_str().unwrap_or(""))
        );
    }
    out.push_str("\n## Finding-level tests\n\n| Finding | Severity | Techniques | Success criteria |\n|---|---|---|---|\n");
    for t in v["tests"].as_array().into_iter().flatten() {
        let techs: Vec<&str> = t["techniques"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} |",
            t["finding"].as_str().unwrap_or(""),
            escape(t["residual_severity"].as_str().unwrap_or("")),
            escape(&techs.join(", ")),
            escape(t["success_criteria"].as_str().unwrap_or(""))
        );
    }
    let _ = writeln!(
        out,
        "\n## Rules of engagement\n\n{}",
        escape(v["out_of_scope"].as_str().unwrap_or(""))
    );
    out
}

// ---------------------------------------------------------------------------------------------
// Incident-response playbooks

struct PlaybookText {
    title: &'static str,
    lead: &'static str,
    detect: &'static [&'static str],
    indicators: &'static [&'static str],
    contain: &'static [&'static str],
    eradicate: &'static [&'static str],
    recover: &'static [&'static str],
}

fn playbook_text(c: Category) -> PlaybookText {
    match c {
        Category::PromptInjection => PlaybookText {
            title: "Prompt injection",
            lead: "security",
            detect: &[
                "Guardrail and classifier detections on inputs and retrieved content",
                "Tool calls or outbound requests the user did not ask for",
            ],
            indicators: &[
                "Instruction-like phrases in user input, documents or e-mail (\"ignore previous\", role-play framings, encoded text)",
                "Model outputs containing URLs, images or markup pointing to unknown hosts",
                "Tool calls with arguments copied from retrieved content",
                "Sudden changes in refusal or tool-call rates per session",
            ],
            contain: &[
                "Disable the affected tools or switch them to approval-required",
                "Quarantine the source document, message or memory entry carrying the payload",
                "Block egress from the model's tools to the destination seen",
            ],
            eradicate: &[
                "Remove the payload from knowledge bases, queues and agent memory",
                "Add the pattern to input and retrieval screening",
            ],
            recover: &[
                "Re-enable tools one by one with approval for risky actions",
                "Review what data the affected sessions could read and notify owners if it left",
            ],
        },
        Category::DataPoisoning => PlaybookText {
            title: "Data poisoning",
            lead: "ml",
            detect: &[
                "Distribution-shift and label-balance alerts on incoming data",
                "Evaluation regressions on held-out and canary sets",
            ],
            indicators: &[
                "Bursts of similar records from one source or account",
                "Label disagreement spikes in vendor or crowd batches",
                "Model behaviour that changes only for inputs with a specific token or pattern",
            ],
            contain: &[
                "Freeze training and re-indexing; pin serving to the last known-good model",
                "Isolate the suspected source",
            ],
            eradicate: &[
                "Remove the poisoned records and everything derived from them",
                "Retrain or re-index from verified data",
            ],
            recover: &[
                "Roll out the clean model after backdoor and regression checks",
                "Add provenance checks on the source that let it in",
            ],
        },
        Category::ModelExtraction => PlaybookText {
            title: "Model extraction or theft",
            lead: "security",
            detect: &[
                "Per-caller query-volume and query-pattern alerts",
                "Access to model weights outside deployment pipelines",
            ],
            indicators: &[
                "Systematic inputs varying one feature at a time",
                "Many near-duplicate queries from one key or IP range",
                "Downloads of artifacts from registries by unusual principals",
            ],
            contain: &[
                "Throttle or suspend the calling keys",
                "Reduce output detail (labels instead of scores)",
            ],
            eradicate: &[
                "Rotate credentials that reached weights",
                "Tighten registry access",
            ],
            recover: &[
                "Assess the commercial and evasion impact of a copy",
                "Consider watermark checks on suspected copies",
            ],
        },
        Category::MembershipInference => PlaybookText {
            title: "Membership inference or training-data extraction",
            lead: "ml",
            detect: &[
                "Query patterns that probe specific records or prefixes",
                "Outputs reproducing training records verbatim",
            ],
            indicators: &[
                "Repeated queries about the same individual with small variations",
                "Requests for long verbatim continuations",
            ],
            contain: &[
                "Throttle the callers; coarsen output confidence",
                "Filter outputs for personal data",
            ],
            eradicate: &[
                "Retrain with differential privacy or deduplicated data when leakage is confirmed",
                "Purge or unlearn affected records",
            ],
            recover: &["Involve privacy and legal: breach notification duties may apply"],
        },
        Category::AdversarialExamples => PlaybookText {
            title: "Adversarial evasion",
            lead: "ml",
            detect: &[
                "Shifts in score distributions and decision rates",
                "Confirmed misses (fraud let through, content passed) downstream",
            ],
            indicators: &[
                "Inputs clustered just below decision thresholds",
                "Probing sequences from one caller before a successful evasion",
            ],
            contain: &[
                "Route uncertain cases to human review",
                "Block the probing callers",
            ],
            eradicate: &[
                "Retrain with the collected evasion samples",
                "Add input normalisation for the perturbation seen",
            ],
            recover: &["Reverse the wrong automated decisions where possible"],
        },
        Category::SupplyChain => PlaybookText {
            title: "Compromised AI supply chain",
            lead: "security",
            detect: &[
                "Scanner verdicts on model files; manifest mismatches",
                "Advisories for the libraries, models and tools in use",
            ],
            indicators: &[
                "Model files that import code when loaded",
                "Hashes differing from the pinned digest",
                "New outbound connections from inference or training hosts",
            ],
            contain: &[
                "Quarantine the artifact; stop hosts that loaded it",
                "Pin to the last verified version",
            ],
            eradicate: &[
                "Rebuild affected hosts; rotate credentials they held",
                "Replace the component from a verified source",
            ],
            recover: &["Re-verify and redeploy; record provenance in the AI-BOM"],
        },
        Category::LlmApplication => PlaybookText {
            title: "LLM application misuse",
            lead: "security",
            detect: &[
                "Unusual tool actions, spend or output volumes",
                "Outputs with data the user should not see",
            ],
            indicators: &[
                "Spikes in tokens or cost per caller",
                "Tool actions outside business hours or normal patterns",
            ],
            contain: &[
                "Suspend the agent's risky tools (kill switch); cap spend",
                "Revoke sessions",
            ],
            eradicate: &[
                "Tighten tool permissions and approvals",
                "Purge leaked data from memory and caches",
            ],
            recover: &["Reverse unwanted actions; notify affected users"],
        },
        Category::Classic => PlaybookText {
            title: "Infrastructure compromise",
            lead: "security",
            detect: &["Authentication failures and access from unexpected networks"],
            indicators: &["Requests without credentials reaching internal components"],
            contain: &["Block the exposure; rotate credentials"],
            eradicate: &["Fix the configuration; patch"],
            recover: &["Restore from known-good state; review logs for data access"],
        },
    }
}

pub fn playbooks(r: &Report) -> Value {
    let components = components_by_id(r);
    let mut by: BTreeMap<Category, Vec<&ReportFinding>> = BTreeMap::new();
    for f in &r.findings {
        by.entry(f.finding.category).or_default().push(f);
    }
    let monitors: Vec<&str> = r
        .model
        .components
        .iter()
        .filter(|c| c.kind == "monitoring" || c.kind == "logging")
        .map(|c| c.id)
        .collect();
    let list: Vec<Value> = by
        .iter()
        .map(|(cat, fs)| {
            let t = playbook_text(*cat);
            let affected: BTreeSet<&str> =
                fs.iter().map(|f| f.finding.target.id.as_str()).collect();
            let owners: BTreeSet<&str> = affected
                .iter()
                .filter_map(|id| components.get(id))
                .filter_map(|c| c.owner)
                .collect();
            let techniques: BTreeSet<&String> = fs
                .iter()
                .flat_map(|f| f.finding.mappings.atlas.iter())
                .collect();
            json!({
                "category": cat.as_str(),
                "title": t.title,
                "lead_team": t.lead,
                "call": {
                    "lead": if t.lead == "ml" { "ML team" } else { "security team" },
                    "also": if t.lead == "ml" { "security team" } else { "ML team" },
                    "component_owners": owners,
                },
                "findings": fs.iter().map(|f| f.finding.id.clone()).collect::<Vec<_>>(),
                "affected_components": affected,
                "techniques": techniques,
                "detect": t.detect,
                "indicators": t.indicators,
                "telemetry_sources": monitors,
                "contain": t.contain,
                "eradicate": t.eradicate,
                "recover": t.recover,
            })
        })
        .collect();
    json!({"system": r.system.name, "playbooks": list})
}

pub fn playbooks_markdown(r: &Report) -> String {
    let v = playbooks(r);
    let mut out = format!(
        "# AI incident-response playbooks: {}\n",
        escape(&r.system.name)
    );
    let strs = |x: &Value| -> Vec<String> {
        x.as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(String::from)
            .collect()
    };
    for p in v["playbooks"].as_array().into_iter().flatten() {
        let _ = writeln!(
            out,
            "\n## {}\n\n- **Lead:** {}; also call the {}{}\n- **Affected:** {}\n- **Findings:** {}\n- **ATLAS:** {}",
            escape(p["title"].as_str().unwrap_or("")),
            escape(p["call"]["lead"].as_str().unwrap_or("")),
            escape(p["call"]["also"].as_str().unwrap_or("")),
            {
                let o = strs(&p["call"]["component_owners"]);
                if o.is_empty() {
                    String::new()
                } else {
                    format!(" and the owners: {}", escape(&o.join(", ")))
                }
            },
            escape(&strs(&p["affected_components"]).join(", ")),
            escape(&strs(&p["findings"]).join(", ")),
            escape(&strs(&p["techniques"]).join(", "))
        );
        for (title, key) in [
            ("Detect", "detect"),
            ("Indicators of compromise (SOC)", "indicators"),
            ("Contain", "contain"),
            ("Eradicate", "eradicate"),
            ("Recover", "recover"),
        ] {
            let _ = writeln!(out, "\n**{title}**\n");
            for s in strs(&p[key]) {
                let _ = writeln!(out, "- {}", escape(&s));
            }
        }
        let t = strs(&p["telemetry_sources"]);
        if !t.is_empty() {
            let _ = writeln!(out, "\nTelemetry in the model: {}", escape(&t.join(", ")));
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Tickets

/// Days to fix by residual band, from the top band down (critical 7, high 30, medium 90, low 180).
fn sla_days(rank: usize, bands: usize) -> i64 {
    [7, 30, 90, 180][crate::text::tier(rank, bands)]
}

pub fn tickets(r: &Report) -> Vec<Value> {
    let bands = r.policy.bands.len();
    let today = palisade_model::date::Date::parse(&r.today).ok();
    let sys = slug(&r.system.name);
    let plans = r.plan_by_finding();
    open(r)
        .map(|f| {
            let fi = &f.finding;
            let res = &f.risk.residual.score;
            let plan = plans.get(fi.id.as_str());
            let due = today.map(|d| {
                palisade_model::date::Date::from_days(d.to_days() + sla_days(res.severity_rank, bands))
                    .to_string()
            });
            let priority = format!("P{}", crate::text::tier(res.severity_rank, bands) + 1);
            let mut labels = vec!["palisade".to_string(), fi.category.as_str().to_string()];
            labels.extend(fi.mappings.atlas.iter().cloned());
            json!({
                "external_id": format!("palisade:{sys}:{}", fi.id),
                "finding": fi.id,
                "summary": format!("[{}] {} on {}", res.severity, fi.title, fi.target.id),
                "description": format!(
                    "{}\n\nAttack: {}\n\nImpact: {}\n\nNext steps: {}",
                    fi.rationale,
                    fi.attack_vector,
                    fi.impact,
                    plan.map_or_else(|| "see the mitigation plan".to_string(), |p| p
                        .steps
                        .iter()
                        .map(|s| format!("{} ({})", s.name, name(s.owner)))
                        .collect::<Vec<_>>()
                        .join("; "))
                ),
                "severity": res.severity,
                "priority": priority,
                "component": fi.target.id,
                "owners": plan.map(|p| p.owners.iter().map(|o| name(*o)).collect::<Vec<_>>()).unwrap_or_default(),
                "labels": labels,
                "due": due,
                "file": fi.location.as_ref().map(|l| l.file.clone()),
                "line": fi.location.as_ref().map(|l| l.line),
            })
        })
        .collect()
}

pub fn tickets_csv(r: &Report) -> String {
    use crate::csv::cell;
    let cols = [
        "external_id",
        "finding",
        "summary",
        "severity",
        "priority",
        "component",
        "owners",
        "labels",
        "due",
        "description",
    ];
    let mut out = cols.join(",");
    out.push_str("\r\n");
    for t in tickets(r) {
        let row: Vec<String> = cols
            .iter()
            .map(|c| match &t[*c] {
                Value::String(s) => cell(s),
                Value::Array(a) => cell(
                    &a.iter()
                        .filter_map(Value::as_str)
                        .collect::<Vec<_>>()
                        .join(" "),
                ),
                Value::Null => String::new(),
                other => cell(&other.to_string()),
            })
            .collect();
        out.push_str(&row.join(","));
        out.push_str("\r\n");
    }
    out
}

// ---------------------------------------------------------------------------------------------
// ATLAS Navigator layer

/// Colours of the bands, lowest first (green → red), as in the HTML report.
fn band_color(rank: usize, bands: usize) -> &'static str {
    ["#b3261e", "#e8710a", "#f2c94c", "#6fbf73"][crate::text::tier(rank, bands)]
}

/// An ATT&CK Navigator layer (format 4.5, domain `atlas-atlas`) colouring the techniques of this
/// system's findings by their highest residual severity.
pub fn atlas_layer(r: &Report) -> Value {
    let bands = r.policy.bands.len();
    let mut by: BTreeMap<String, (usize, Vec<String>)> = BTreeMap::new();
    for f in &r.findings {
        let rank = if f.open {
            f.risk.residual.score.severity_rank
        } else {
            0
        };
        for t in &f.finding.mappings.atlas {
            let e = by.entry(t.clone()).or_insert((0, Vec::new()));
            e.0 = e.0.max(rank);
            e.1.push(f.finding.id.clone());
        }
    }
    let techniques: Vec<Value> = by
        .iter()
        .map(|(id, (rank, findings))| {
            json!({
                "techniqueID": id,
                "score": rank + 1,
                "color": band_color(*rank, bands),
                "comment": format!("{}: {}", r.policy.bands[*rank], findings.join(", ")),
                "enabled": true,
                "showSubtechniques": id.matches('.').count() > 1,
            })
        })
        .collect();
    json!({
        "name": format!("{} — palisade", r.system.name),
        "versions": {"layer": "4.5", "navigator": "5.1.0"},
        "domain": "atlas-atlas",
        "description": format!(
            "Techniques relevant to {} by highest residual severity of the open findings that cite them (accepted findings count as the lowest band). Generated by palisade {} on {}.",
            r.system.name, r.tool.version, r.today
        ),
        "sorting": 3,
        "hideDisabled": false,
        "techniques": techniques,
        "gradient": {
            "colors": (0..bands).map(|b| band_color(b, bands)).collect::<Vec<_>>(),
            "minValue": 1,
            "maxValue": bands,
        },
        "legendItems": (0..bands).rev().map(|b| json!({"label": r.policy.bands[b], "color": band_color(b, bands)})).collect::<Vec<_>>(),
        "metadata": [{"name": "generator", "value": "palisade"}],
    })
}
