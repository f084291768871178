//! `palisade export KIND FILE`: the model and its analysis in formats other programs read.
//!
//! Each kind is one arm of `ExportKind` and one function that turns the model (or the report
//! data) into bytes; add a kind by adding both.

use crate::pipeline::{self, PipelineArgs};
use crate::render::Style;
use crate::{exit, output};
use palisade_export::stamp;
use palisade_model::Model;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct ExportArgs {
    /// What to export.
    #[arg(value_enum, value_name = "KIND")]
    kind: ExportKind,
    /// The model file.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Write to this file instead of stdout (`-` for stdout).
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Timestamp of the AI-BOM: Unix seconds or RFC 3339 (default: $SOURCE_DATE_EPOCH, else
    /// the current time).
    #[arg(long, value_name = "TIME")]
    timestamp: Option<String>,
    /// Output format where a kind has several: Markdown or JSON for checklist, pentest-scope and
    /// playbooks (default Markdown); CSV or JSON for tickets (default CSV).
    #[arg(long, value_enum, value_name = "FORMAT")]
    format: Option<Format>,
    #[command(flatten)]
    pipeline: PipelineArgs,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    #[value(alias = "md")]
    Markdown,
    Json,
    Csv,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ExportKind {
    /// CycloneDX 1.6 AI bill of materials (JSON): models with model cards, datasets, data,
    /// libraries, services and dependencies.
    Aibom,
    /// Open Threat Model (JSON): trust zones, components, dataflows, assets, mitigations, and
    /// the findings as threats.
    Otm,
    /// Security-review checklist for this system's deployment, from its findings and controls.
    Checklist,
    /// AI attack scenarios for penetration tests and red-team exercises.
    PentestScope,
    /// Incident-response playbooks per AI threat present, with SOC indicators.
    Playbooks,
    /// One row per open finding for vulnerability-management or issue-tracker import.
    Tickets,
    /// MITRE ATLAS Navigator layer colouring this system's techniques by residual severity.
    AtlasLayer,
}

impl ExportKind {
    fn formats(self) -> &'static [Format] {
        match self {
            ExportKind::Aibom | ExportKind::Otm | ExportKind::AtlasLayer => &[Format::Json],
            ExportKind::Checklist | ExportKind::PentestScope | ExportKind::Playbooks => {
                &[Format::Markdown, Format::Json]
            }
            ExportKind::Tickets => &[Format::Csv, Format::Json],
        }
    }
}

pub fn run(args: ExportArgs, style: Style) -> u8 {
    let allowed = args.kind.formats();
    let format = args.format.unwrap_or(allowed[0]);
    if !allowed.contains(&format) {
        eprintln!(
            "error: this export has no such format; it can be written as {}",
            allowed
                .iter()
                .map(|f| match f {
                    Format::Markdown => "markdown",
                    Format::Json => "json",
                    Format::Csv => "csv",
                })
                .collect::<Vec<_>>()
                .join(" or ")
        );
        return exit::USAGE;
    }
    let run = match pipeline::run(&args.file, &args.pipeline, style, false) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let model = run.model();
    let report = || crate::cmd::report::data(&run, None, None, true);
    let json = |v: &serde_json::Value| serde_json::to_string_pretty(v).unwrap_or_default();
    use palisade_report::exports as x;
    let text = match (args.kind, format) {
        (ExportKind::Aibom, _) => aibom(model, args.timestamp.as_deref()),
        (ExportKind::Otm, _) => Ok(otm(model, &report())),
        (ExportKind::Checklist, Format::Json) => {
            Ok(serde_json::to_string_pretty(&x::checklist(&report())).unwrap_or_default())
        }
        (ExportKind::Checklist, _) => Ok(x::checklist_markdown(&report())),
        (ExportKind::PentestScope, Format::Json) => Ok(json(&x::pentest_scope(&report()))),
        (ExportKind::PentestScope, _) => Ok(x::pentest_markdown(&report())),
        (ExportKind::Playbooks, Format::Json) => Ok(json(&x::playbooks(&report()))),
        (ExportKind::Playbooks, _) => Ok(x::playbooks_markdown(&report())),
        (ExportKind::Tickets, Format::Json) => {
            Ok(json(&serde_json::Value::Array(x::tickets(&report()))))
        }
        (ExportKind::Tickets, _) => Ok(x::tickets_csv(&report())),
        (ExportKind::AtlasLayer, _) => Ok(json(&x::atlas_layer(&report()))),
    };
    let mut text = match text {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::USAGE;
        }
    };
    if !text.ends_with('\n') {
        text.push('\n');
    }
    match output::emit(args.output.as_deref(), text.as_bytes()) {
        Ok(()) => exit::OK,
        Err(e) => {
            eprintln!("error: cannot write the export: {e}");
            exit::USAGE
        }
    }
}

fn aibom(model: &Model, timestamp: Option<&str>) -> Result<String, String> {
    let options = palisade_export::AibomOptions {
        timestamp: bom_timestamp(timestamp)?,
    };
    let facts = palisade_analysis::analyze(model);
    Ok(palisade_export::aibom::to_json(&palisade_export::aibom(
        model, &facts, &options,
    )))
}

/// The model as OTM, with every finding as a threat on its component or flow.
fn otm(model: &Model, report: &palisade_report::Report) -> String {
    let scale = |level: u8, max: usize| -> u32 {
        (f64::from(level) * 100.0 / max.max(1) as f64).round() as u32
    };
    let threats: Vec<palisade_export::OtmThreat> = report
        .findings
        .iter()
        .map(|f| {
            let fi = &f.finding;
            let res = &f.risk.residual.score;
            let mut attributes = palisade_export::otm::Attributes::new();
            attributes.insert("palisade:code".into(), fi.code.to_string());
            attributes.insert(
                "palisade:residual-severity".into(),
                res.severity.to_string(),
            );
            attributes.insert(
                "palisade:inherent-severity".into(),
                f.risk.inherent.score.severity.to_string(),
            );
            if !fi.mappings.atlas.is_empty() {
                attributes.insert("palisade:atlas".into(), fi.mappings.atlas.join(" "));
            }
            if !fi.mappings.owasp_llm.is_empty() {
                attributes.insert("palisade:owasp-llm".into(), fi.mappings.owasp_llm.join(" "));
            }
            palisade_export::OtmThreat {
                id: fi.id.clone(),
                name: fi.title.to_string(),
                description: Some(fi.rationale.clone()),
                categories: std::iter::once(fi.category.as_str().to_string())
                    .chain(fi.stride.iter().map(|s| s.as_str().to_string()))
                    .collect(),
                target: fi.target.id.clone(),
                likelihood: scale(res.likelihood, report.policy.likelihood_levels.len()),
                impact: scale(res.impact, report.policy.impact_levels.len()),
                state: Some(if f.open { "exposed" } else { "accepted" }.to_string()),
                mitigations: f
                    .risk
                    .controls
                    .iter()
                    .filter(|c| c.effective)
                    .map(|c| c.control.clone())
                    .collect(),
                attributes,
            }
        })
        .collect();
    palisade_export::otm::to_json(&palisade_export::export_otm(model, &threats))
}

/// `--timestamp`, else `SOURCE_DATE_EPOCH` (reproducible builds), else the clock.
fn bom_timestamp(flag: Option<&str>) -> Result<String, String> {
    if let Some(t) = flag {
        return stamp::parse_timestamp(t).map_err(|e| format!("--timestamp: {e}"));
    }
    if let Ok(v) = std::env::var("SOURCE_DATE_EPOCH")
        && !v.trim().is_empty()
    {
        return stamp::parse_timestamp(&v).map_err(|e| format!("SOURCE_DATE_EPOCH: {e}"));
    }
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    Ok(stamp::rfc3339_from_unix(
        i64::try_from(secs).unwrap_or(i64::MAX / 2),
    ))
}
