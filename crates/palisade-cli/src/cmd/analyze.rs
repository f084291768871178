//! `palisade analyze`: find the threats that apply to a model.

use crate::exit;
use crate::render::{self, Style};
use palisade_analysis::Facts;
use palisade_model::{Limits, Model, RealFs};
use palisade_threats::atlas::Atlas;
use palisade_threats::{Category, Evaluation, Selection};
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
    /// Also load the rule packs in these directories (YAML rule files; see docs/rules.md).
    #[arg(long, value_name = "DIR")]
    rules: Vec<PathBuf>,
    /// Run only these rules: codes, names, categories or code prefixes (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    select: Vec<String>,
    /// Skip these rules: codes, names, categories or code prefixes (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    ignore: Vec<String>,
    /// An ATLAS data file (5.x or 6.x format) for current technique names.
    #[arg(long, value_name = "FILE")]
    atlas: Option<PathBuf>,
    /// `palisade scan --format json` reports about the files of the model's artifacts.
    #[arg(long, value_name = "FILE")]
    evidence: Vec<PathBuf>,
    /// Verify the manifests that artifacts declare (`manifest:`) against their directories.
    #[arg(long)]
    verify_manifests: bool,
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
    let loaded = palisade_model::load(&args.file, &RealFs, Limits::default());
    let Some(model) = loaded.model.as_ref() else {
        eprint!(
            "{}",
            render::diagnostics(&loaded.diagnostics, &loaded.sources, style)
        );
        eprintln!(
            "{}: invalid model; nothing was analysed",
            args.file.display()
        );
        return exit::USAGE;
    };
    let evidence =
        match crate::evidence::collect(model, &args.file, &args.evidence, args.verify_manifests) {
            Ok(e) => e,
            Err(e) => {
                eprintln!("error: {e}");
                return exit::USAGE;
            }
        };
    let facts = palisade_analysis::analyze_with(model, &evidence);
    if args.facts {
        println!(
            "{}",
            serde_json::to_string_pretty(&facts).unwrap_or_default()
        );
        return exit::OK;
    }
    let lib = match library(&args.rules, style) {
        Ok(l) => l,
        Err(code) => return code,
    };
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
    let selection = Selection {
        select: args.select.clone(),
        ignore: args.ignore.clone(),
    };
    let unknown = selection.unknown_patterns(&lib);
    if !unknown.is_empty() {
        eprintln!(
            "error: no rule matches {}; see `palisade rules list`",
            unknown
                .iter()
                .map(|p| format!("`{p}`"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        return exit::USAGE;
    }
    let ev = palisade_threats::evaluate(model, &facts, &lib, &selection, Some(&loaded.sources));
    for e in &ev.errors {
        eprintln!("warning: {e}");
    }
    match args.format {
        Format::Json => {
            let report = json_report(model, &facts, &ev, atlas.as_ref());
            println!(
                "{}",
                serde_json::to_string_pretty(&report).unwrap_or_default()
            );
        }
        Format::Text => print!("{}", text_report(model, &facts, &ev, atlas.as_ref(), style)),
    }
    exit::OK
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
    model: &'a Model,
    facts: &'a Facts,
    ev: &'a Evaluation,
    atlas: Option<&Atlas>,
) -> Report<'a> {
    Report {
        format_version: 1,
        system: &model.system.name.value,
        summary: summary(model, facts, ev),
        findings: &ev.findings,
        attack_paths: &facts.attack_paths,
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

fn level(l: palisade_model::Criticality) -> &'static str {
    l.as_str()
}

fn text_report(
    model: &Model,
    facts: &Facts,
    ev: &Evaluation,
    atlas: Option<&Atlas>,
    style: Style,
) -> String {
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
            let _ = writeln!(
                out,
                "  {:<7} {}  [{}]\n          on {} `{}`  likelihood {}, impact {}",
                f.code,
                f.title,
                f.id,
                match f.target.component_kind {
                    Some(k) => k.as_str(),
                    None => "flow",
                },
                f.target.id,
                level(f.base_likelihood),
                level(f.base_impact),
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
    if ev.findings.is_empty() {
        let _ = writeln!(out, "no threat applies under the rules that ran");
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
