//! `palisade analyze`: find the threats that apply to a model.

use crate::exit;
use crate::pipeline::{self, PipelineArgs, Run};
use crate::render::{self, Style};
use palisade_analysis::Facts;
use palisade_model::Model;
use palisade_threats::atlas::Atlas;
use palisade_threats::{Category, Evaluation};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct AnalyzeArgs {
    /// The model file to analyse.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// Print the computed graph facts (exposure, taint, reach, lineage, crossings) instead.
    #[arg(long)]
    facts: bool,
    /// An ATLAS data file (5.x or 6.x format) for current technique names.
    #[arg(long, value_name = "FILE")]
    atlas: Option<PathBuf>,
    /// Exit 1 when an open finding's residual severity reaches this band (low, medium, high,
    /// critical with the default policy), or an accepted risk is past its review or expiry.
    #[arg(long, value_name = "SEVERITY")]
    fail_on: Option<String>,
    #[command(flatten)]
    pipeline: PipelineArgs,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Text,
    Json,
}

/// The JSON document `analyze --format json` prints (documented in docs/analyze.md).
#[derive(Serialize)]
struct Report<'a> {
    format_version: u32,
    system: &'a str,
    summary: Summary,
    findings: &'a [palisade_threats::Finding],
    attack_paths: &'a [palisade_analysis::AttackPath],
    /// The assessment: risks (sorted by residual), acceptances, unknown mitigations.
    assessment: &'a palisade_risk::Assessment,
    #[serde(skip_serializing_if = "Option::is_none")]
    gate: Option<palisade_risk::assess::GateResult>,
    #[serde(skip_serializing_if = "Option::is_none")]
    atlas: Option<AtlasInfo>,
}

#[derive(Serialize)]
struct Summary {
    components: usize,
    flows: usize,
    findings: usize,
    by_category: BTreeMap<&'static str, usize>,
    by_component: BTreeMap<String, usize>,
    attack_paths: usize,
}

#[derive(Serialize)]
struct AtlasInfo {
    version: String,
    names: BTreeMap<String, String>,
}

/// Read every `.yaml` rule file below the given directories (bounded).
pub fn read_rule_packs(dirs: &[PathBuf]) -> Result<Vec<(PathBuf, String)>, String> {
    const MAX_FILES: usize = 2000;
    const MAX_BYTES: u64 = 1024 * 1024;
    let mut out = Vec::new();
    let mut stack: Vec<PathBuf> = dirs.to_vec();
    while let Some(p) = stack.pop() {
        let meta =
            std::fs::metadata(&p).map_err(|e| format!("cannot read `{}`: {e}", p.display()))?;
        if meta.is_dir() {
            let mut entries: Vec<PathBuf> = std::fs::read_dir(&p)
                .map_err(|e| format!("cannot read `{}`: {e}", p.display()))?
                .filter_map(Result::ok)
                .map(|e| e.path())
                .collect();
            entries.sort();
            entries.reverse();
            stack.extend(entries);
        } else if p.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            if meta.len() > MAX_BYTES {
                return Err(format!("rule file `{}` is larger than 1 MiB", p.display()));
            }
            let text = std::fs::read_to_string(&p)
                .map_err(|e| format!("cannot read `{}`: {e}", p.display()))?;
            out.push((p, text));
            if out.len() > MAX_FILES {
                return Err(format!("more than {MAX_FILES} rule files"));
            }
        }
    }
    Ok(out)
}

/// Load the rule library (built-in plus packs), printing diagnostics on failure.
pub fn library(packs: &[PathBuf], style: Style) -> Result<palisade_threats::Library, u8> {
    let user = read_rule_packs(packs).map_err(|e| {
        eprintln!("error: {e}");
        exit::USAGE
    })?;
    let loaded = palisade_threats::load(&user, true);
    if !loaded.diagnostics.is_empty() {
        eprint!(
            "{}",
            render::diagnostics(&loaded.diagnostics, &loaded.sources, style)
        );
    }
    loaded.library.ok_or_else(|| {
        eprintln!("error: the rule packs have errors; nothing was analysed");
        exit::USAGE
    })
}

pub fn run(args: AnalyzeArgs, style: Style) -> u8 {
    if args.facts {
        let loaded = match pipeline::load_model(&args.file, style) {
            Ok(l) => l,
            Err(code) => return code,
        };
        let model = loaded.model.as_ref().expect("checked");
        let evidence = match crate::evidence::collect(
            model,
            &args.file,
            &args.pipeline.evidence,
            args.pipeline.verify_manifests,
        ) {
            Ok(e) => e,
            Err(e) => {
                eprintln!("error: {e}");
                return exit::USAGE;
            }
        };
        let facts = palisade_analysis::analyze_with(model, &evidence);
        println!(
            "{}",
            serde_json::to_string_pretty(&facts).unwrap_or_default()
        );
        return exit::OK;
    }
    let atlas = match &args.atlas {
        None => None,
        Some(p) => match std::fs::read_to_string(p)
            .map_err(|e| e.to_string())
            .and_then(|t| Atlas::parse(&t).map_err(|d| d.message))
        {
            Ok(a) => Some(a),
            Err(e) => {
                eprintln!("error: cannot read ATLAS data `{}`: {e}", p.display());
                return exit::USAGE;
            }
        },
    };
    let run = match pipeline::run(&args.file, &args.pipeline, style, true) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let threshold = match args.fail_on.as_deref().map(|b| threshold(&run.policy, b)) {
        None => None,
        Some(Ok(t)) => Some(t),
        Some(Err(code)) => return code,
    };
    let gate = threshold.map(|t| palisade_risk::gate(&run.assessment, &run.policy, t));
    match args.format {
        Format::Json => {
            let report = json_report(&run, atlas.as_ref(), gate.clone());
            println!(
                "{}",
                serde_json::to_string_pretty(&report).unwrap_or_default()
            );
        }
        Format::Text => {
            print!("{}", text_report(&run, atlas.as_ref(), style));
            if let Some(g) = &gate {
                print!("{}", gate_text(g, style));
            }
        }
    }
    match gate {
        Some(g) if !g.passed() => exit::FINDINGS,
        _ => exit::OK,
    }
}

/// Resolve a `--fail-on` band name against the policy.
pub fn threshold(policy: &palisade_risk::Policy, band: &str) -> Result<usize, u8> {
    policy.band_index(band).ok_or_else(|| {
        eprintln!(
            "error: `{band}` is not a severity of the policy; use one of {}",
            policy.bands.join(", ")
        );
        exit::USAGE
    })
}

/// The gate's verdict in words.
pub fn gate_text(g: &palisade_risk::assess::GateResult, style: Style) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    if g.passed() {
        let _ = writeln!(
            out,
            "gate passed: no open finding at or above `{}`, no lapsed acceptance",
            g.threshold
        );
        return out;
    }
    let red = |s: &str| {
        if style.color {
            format!("\x1b[1;31m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    };
    let _ = writeln!(out, "{}", red("gate failed"));
    if !g.failing.is_empty() {
        let _ = writeln!(
            out,
            "  {} open at or above `{}`: {}",
            plural(g.failing.len(), "finding"),
            g.threshold,
            g.failing.join(", ")
        );
    }
    if !g.lapsed.is_empty() {
        let _ = writeln!(
            out,
            "  {} past review or expiry: {}",
            plural(g.lapsed.len(), "acceptance"),
            g.lapsed.join(", ")
        );
    }
    out
}

fn summary(model: &Model, facts: &Facts, ev: &Evaluation) -> Summary {
    let mut by_category = BTreeMap::new();
    let mut by_component = BTreeMap::new();
    for f in &ev.findings {
        *by_category.entry(f.category.as_str()).or_insert(0) += 1;
        *by_component.entry(f.target.id.clone()).or_insert(0) += 1;
    }
    Summary {
        components: model.components.len(),
        flows: model.flows.len(),
        findings: ev.findings.len(),
        by_category,
        by_component,
        attack_paths: facts.attack_paths.len(),
    }
}

fn json_report<'a>(
    run: &'a Run,
    atlas: Option<&Atlas>,
    gate: Option<palisade_risk::assess::GateResult>,
) -> Report<'a> {
    let ev = &run.evaluation;
    Report {
        format_version: 1,
        system: &run.model().system.name.value,
        summary: summary(run.model(), &run.facts, ev),
        findings: &ev.findings,
        attack_paths: &run.facts.attack_paths,
        assessment: &run.assessment,
        gate,
        atlas: atlas.map(|a| AtlasInfo {
            version: a.version.clone(),
            names: ev
                .findings
                .iter()
                .flat_map(|f| f.mappings.atlas.iter())
                .filter_map(|id| a.name(id).map(|n| (id.clone(), n.to_string())))
                .collect(),
        }),
    }
}

/// `risk high → medium (2 controls)`, or with the acceptance.
fn risk_line(r: &palisade_risk::Risk, a: &palisade_risk::Assessment) -> String {
    let effective = r.controls.iter().filter(|c| c.effective).count();
    let mut s = format!("risk {}", r.inherent.score.severity);
    if effective > 0 {
        s.push_str(&format!(
            " → {} after {}",
            r.residual.score.severity,
            plural(effective, "control")
        ));
    }
    if let Some(i) = r.acceptance {
        let acc = &a.acceptances[i];
        let state = serde_json::to_value(acc.state)
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default();
        s.push_str(&format!(", accepted by {} ({state})", acc.approver));
    }
    s
}

fn text_report(run: &Run, atlas: Option<&Atlas>, style: Style) -> String {
    let (model, facts, ev) = (run.model(), &run.facts, &run.evaluation);
    let assessment = &run.assessment;
    use std::fmt::Write;
    let bold = |s: &str| {
        if style.color {
            format!("\x1b[1m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    };
    let mut out = String::new();
    let s = summary(model, facts, ev);
    let _ = writeln!(
        out,
        "{} — {} components, {} flows: {}, {}\n",
        bold(&model.system.name.value),
        s.components,
        s.flows,
        plural(s.findings, "finding"),
        plural(s.attack_paths, "attack path")
    );
    for cat in Category::ALL {
        let list: Vec<_> = ev.findings.iter().filter(|f| f.category == *cat).collect();
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(out, "{} ({})", bold(cat.as_str()), list.len());
        for f in list {
            let risk = assessment.risk(&f.id);
            let _ = writeln!(
                out,
                "  {:<7} {}  [{}]\n          on {} `{}`  {}",
                f.code,
                f.title,
                f.id,
                match f.target.component_kind {
                    Some(k) => k.as_str(),
                    None => "flow",
                },
                f.target.id,
                risk.map_or_else(String::new, |r| risk_line(r, assessment)),
            );
            let _ = writeln!(out, "          why: {}", f.rationale);
            let ids: Vec<String> = f
                .mappings
                .atlas
                .iter()
                .map(|id| match atlas.and_then(|a| a.name(id)) {
                    Some(n) => format!("{id} {n}"),
                    None => id.clone(),
                })
                .chain(f.mappings.owasp_llm.iter().cloned())
                .chain(f.mappings.owasp_ml.iter().cloned())
                .collect();
            if !ids.is_empty() {
                let _ = writeln!(out, "          maps to: {}", ids.join(", "));
            }
        }
        out.push('\n');
    }
    if !facts.attack_paths.is_empty() {
        let _ = writeln!(
            out,
            "{} ({})",
            bold("attack paths"),
            facts.attack_paths.len()
        );
        for p in &facts.attack_paths {
            let kind = serde_json::to_value(p.kind)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default();
            let _ = writeln!(out, "  {kind}: {}", p.steps.join(" → "));
            let _ = writeln!(out, "          {}", p.impact);
        }
        out.push('\n');
    }
    let flagged: Vec<_> = assessment
        .risks
        .iter()
        .filter(|r| !r.depth.is_empty() && assessment.is_open(r))
        .collect();
    if !flagged.is_empty() {
        let _ = writeln!(out, "{} ({})", bold("defence in depth"), flagged.len());
        for r in flagged {
            for d in &r.depth {
                let _ = writeln!(out, "  {:<28} {}", r.finding, d.message());
            }
        }
        out.push('\n');
    }
    if ev.findings.is_empty() {
        let _ = writeln!(out, "no threat applies under the rules that ran");
    } else {
        let open = assessment
            .risks
            .iter()
            .filter(|r| assessment.is_open(r))
            .count();
        let mut bands: Vec<String> = Vec::new();
        for (rank, band) in run.policy.bands.iter().enumerate().rev() {
            let n = assessment
                .risks
                .iter()
                .filter(|r| assessment.is_open(r) && r.residual.score.severity_rank == rank)
                .count();
            if n > 0 {
                bands.push(format!("{n} {band}"));
            }
        }
        let _ = writeln!(
            out,
            "{} open ({}), {} accepted; `palisade plan` says what to do first, `palisade explain ID` why",
            open,
            bands.join(", "),
            ev.findings.len() - open
        );
    }
    out
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}
