//! `palisade report`: the threat model report in a format people or tools read. `analyze
//! --format` uses the same renderers.

use crate::exit;
use crate::output;
use crate::pipeline::{self, PipelineArgs, Run};
use crate::render::Style;
use palisade_report::data::AtlasInfo;
use palisade_risk::assess::GateResult;
use std::io::Write;
use std::path::PathBuf;

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Coloured text for a terminal (grouped by residual severity, wrapped to the width).
    #[value(alias = "text")]
    Terminal,
    /// Counts on one screen at any size: by category and band, the threats and elements most at
    /// risk, the steps that address the most findings, acceptances, the gate.
    Summary,
    /// Markdown for pull requests and wikis.
    #[value(alias = "md")]
    Markdown,
    /// One self-contained HTML file: summary, diagram, heat maps, findings, plan.
    Html,
    /// The JSON report (schema: `palisade schema --report`).
    Json,
    /// SARIF 2.1.0 for code-scanning tools.
    Sarif,
    /// One row per finding, for vulnerability-management and ticket imports.
    Csv,
}

impl Format {
    /// Whether the format shows the mitigation plan (SARIF does not).
    pub fn shows_plan(self) -> bool {
        self != Format::Sarif
    }
}

#[derive(clap::Args)]
pub struct ReportArgs {
    /// The model file.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value = "terminal")]
    format: Format,
    /// Write to this file (atomically) instead of stdout; `-` is stdout.
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
    /// An ATLAS data file (5.x or 6.x format) for current technique names.
    #[arg(long, value_name = "FILE")]
    atlas: Option<PathBuf>,
    #[command(flatten)]
    pipeline: PipelineArgs,
}

/// Read an ATLAS data file for technique names.
pub fn atlas(path: Option<&std::path::Path>) -> Result<Option<palisade_threats::atlas::Atlas>, u8> {
    let Some(p) = path else { return Ok(None) };
    std::fs::read_to_string(p)
        .map_err(|e| e.to_string())
        .and_then(|t| palisade_threats::atlas::Atlas::parse(&t).map_err(|d| d.message))
        .map(Some)
        .map_err(|e| {
            eprintln!("error: cannot read ATLAS data `{}`: {e}", p.display());
            exit::USAGE
        })
}

/// Build the report data of a run. The mitigation plan is only made when `with_plan` (the
/// output shows it); otherwise the report's plan is empty.
pub fn data<'a>(
    run: &'a Run,
    atlas: Option<&palisade_threats::atlas::Atlas>,
    gate: Option<GateResult>,
    with_plan: bool,
) -> palisade_report::Report<'a> {
    static NO_PLAN: palisade_risk::Plan = palisade_risk::Plan { items: Vec::new() };
    let plan = if with_plan { run.plan() } else { &NO_PLAN };
    let atlas = atlas.map(|a| AtlasInfo {
        version: a.version.clone(),
        names: run
            .evaluation
            .findings
            .iter()
            .flat_map(|f| f.mappings.atlas.iter())
            .filter_map(|id| a.name(id).map(|n| (id.clone(), n.to_string())))
            .collect(),
    });
    palisade_report::build(&palisade_report::Context {
        model: run.model(),
        facts: &run.facts,
        findings: &run.evaluation.findings,
        assessment: &run.assessment,
        plan,
        policy: &run.policy,
        library: &run.library,
        gate,
        atlas,
        sources: Some(&run.loaded.sources),
    })
}

/// The width reports wrap at: `COLUMNS` when set (40–200), else 80. Diagnostics take the same
/// variable with a wider default (`Style::width`): their source snippets need the room.
pub fn width() -> usize {
    crate::render::columns().map_or(80, |w| w.clamp(40, 200))
}

/// Reports embed the data-flow diagram up to this many components; beyond, a diagram is not
/// readable on a page (`palisade diagram` still draws it).
const DIAGRAM_LIMIT: usize = 1500;

fn diagram(run: &Run, format: palisade_render::diagram::Format) -> Option<String> {
    (run.model().components.len() <= DIAGRAM_LIMIT)
        .then(|| palisade_render::diagram::render(run.model(), format))
}

/// Pretty JSON and a newline, written as it is serialised.
fn write_json(value: &impl serde::Serialize, out: &mut dyn Write) -> std::io::Result<()> {
    palisade_report::json::write(value, out)
}

/// Write a report in a format; JSON and SARIF are written as they are serialised.
pub fn write(
    report: &palisade_report::Report,
    run: &Run,
    format: Format,
    style: Style,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let text = match format {
        Format::Terminal => palisade_report::terminal::render(
            report,
            palisade_report::terminal::Options {
                color: style.out_color,
                width: width(),
            },
        ),
        Format::Summary => palisade_report::summary::render(
            report,
            palisade_report::terminal::Options {
                color: style.out_color,
                width: width(),
            },
        ),
        Format::Markdown => palisade_report::markdown::render(
            report,
            diagram(run, palisade_render::diagram::Format::Mermaid).as_deref(),
        ),
        Format::Html => palisade_report::html::render(
            report,
            diagram(run, palisade_render::diagram::Format::Svg).as_deref(),
        ),
        Format::Json => return write_json(report, out),
        Format::Sarif => {
            return write_json(&palisade_report::sarif::render(report, &run.library), out);
        }
        Format::Csv => return out.write_all(palisade_report::csv::render(report).as_bytes()),
    };
    out.write_all(text.as_bytes())?;
    if text.ends_with('\n') {
        Ok(())
    } else {
        out.write_all(b"\n")
    }
}

pub fn run(args: ReportArgs, style: Style) -> u8 {
    let atlas = match atlas(args.atlas.as_deref()) {
        Ok(a) => a,
        Err(code) => return code,
    };
    let run = match pipeline::run(&args.file, &args.pipeline, style, true) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let report = data(&run, atlas.as_ref(), None, args.format.shows_plan());
    // Colour only on a terminal: files never get escape codes.
    let style = if args
        .output
        .as_deref()
        .is_some_and(|p| p != std::path::Path::new("-"))
    {
        Style {
            out_color: false,
            ..style
        }
    } else {
        style
    };
    let written = output::emit_with(args.output.as_deref(), |w| {
        write(&report, &run, args.format, style, w)
    });
    if let Err(e) = written {
        eprintln!("error: cannot write the report: {e}");
        return exit::USAGE;
    }
    // As in `analyze`: the process ends next, the OS takes the memory back.
    std::mem::forget(report);
    std::mem::forget(run);
    exit::OK
}
