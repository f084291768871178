//! `palisade analyze`: find the threats that apply to a model.

use crate::exit;
use crate::render::{self, Style};
use palisade_model::{Limits, RealFs};
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct AnalyzeArgs {
    /// The model file to analyse.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Print the computed graph facts (exposure, taint, reach, lineage, crossings) as JSON.
    #[arg(long)]
    facts: bool,
}

pub fn run(args: AnalyzeArgs, style: Style) -> u8 {
    let loaded = palisade_model::load(&args.file, &RealFs, Limits::default());
    let Some(model) = loaded.model.as_ref() else {
        eprint!(
            "{}",
            render::diagnostics(&loaded.diagnostics, &loaded.sources, style)
        );
        eprintln!(
            "{}: invalid model; run `palisade check` for details",
            args.file.display()
        );
        return exit::USAGE;
    };
    let facts = palisade_analysis::analyze(model);
    if args.facts {
        println!(
            "{}",
            serde_json::to_string_pretty(&facts).unwrap_or_default()
        );
    }
    exit::OK
}
