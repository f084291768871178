//! `palisade testplan`: validation activities for every open finding (phase 5).

use crate::exit;
use crate::output;
use crate::pipeline::{self, PipelineArgs};
use crate::render::Style;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct TestplanArgs {
    /// The model file.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value = "markdown")]
    format: Format,
    /// Write to this file (atomically) instead of stdout; `-` is stdout.
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
    #[command(flatten)]
    pipeline: PipelineArgs,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    #[value(alias = "md")]
    Markdown,
    Json,
}

pub fn run(args: TestplanArgs, style: Style) -> u8 {
    let run = match pipeline::run(&args.file, &args.pipeline, style, true) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let report = crate::cmd::report::data(&run, None, None, false);
    let plan = palisade_report::testplan::build(
        &report,
        run.model(),
        &run.facts,
        &args.file.display().to_string(),
    );
    let mut text = match args.format {
        Format::Markdown => palisade_report::testplan::markdown(&plan),
        Format::Json => serde_json::to_string_pretty(&plan).unwrap_or_default(),
    };
    if !text.ends_with('\n') {
        text.push('\n');
    }
    if let Err(e) = output::emit(args.output.as_deref(), text.as_bytes()) {
        eprintln!("error: cannot write the test plan: {e}");
        return exit::USAGE;
    }
    exit::OK
}
