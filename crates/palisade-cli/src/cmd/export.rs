//! `palisade export KIND FILE`: the model in a format other programs read.
//!
//! Each kind is one arm of `ExportKind` and one function that turns the model into bytes; add a
//! kind by adding both.

use crate::render::{self, Style};
use crate::{exit, output};
use palisade_export::stamp;
use palisade_model::{Limits, Model, RealFs};
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
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ExportKind {
    /// CycloneDX 1.6 AI bill of materials (JSON): models with model cards, datasets, data,
    /// libraries, services and dependencies.
    Aibom,
    /// Open Threat Model (JSON): trust zones, components, dataflows, assets, mitigations.
    Otm,
}

pub fn run(args: ExportArgs, style: Style) -> u8 {
    let loaded = palisade_model::load(&args.file, &RealFs, Limits::default());
    let Some(model) = loaded.model.as_ref() else {
        eprint!(
            "{}",
            render::diagnostics(&loaded.diagnostics, &loaded.sources, style)
        );
        eprintln!(
            "{}: invalid model; nothing was exported",
            args.file.display()
        );
        return exit::USAGE;
    };
    let text = match args.kind {
        ExportKind::Aibom => aibom(model, args.timestamp.as_deref()),
        ExportKind::Otm => Ok(otm(model)),
    };
    let text = match text {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::USAGE;
        }
    };
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

fn otm(model: &Model) -> String {
    palisade_export::otm::to_json(&palisade_export::export_otm(model, &[]))
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
