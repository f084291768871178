//! `palisade schema`: the JSON Schema of model files, or of the JSON report.

use crate::{exit, output};
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct SchemaArgs {
    /// Write to this file instead of stdout (`-` for stdout).
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// The schema of the JSON report (`report --format json`, `analyze --format json`)
    /// instead of the model files'.
    #[arg(long)]
    report: bool,
}

pub fn run(args: SchemaArgs) -> u8 {
    let schema = if args.report {
        palisade_report::schema()
    } else {
        palisade_model::schema::model_schema()
    };
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    match output::emit(args.output.as_deref(), text.as_bytes()) {
        Ok(()) => exit::OK,
        Err(e) => {
            eprintln!("error: cannot write the schema: {e}");
            exit::USAGE
        }
    }
}
