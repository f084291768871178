//! `palisade diagram`: draw the data-flow diagram of a model.

use crate::render::{self, Style};
use crate::{exit, output};
use palisade_model::{Limits, RealFs};
use palisade_render::diagram;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct DiagramArgs {
    /// The model file to draw.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Output format: svg (laid out by palisade, no Graphviz needed), mermaid (renders in
    /// GitHub and GitLab Markdown) or dot (Graphviz).
    #[arg(long, value_enum, default_value = "svg")]
    format: Format,
    /// Write to this file instead of stdout (`-` for stdout).
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Svg,
    Mermaid,
    Dot,
}

pub fn run(args: DiagramArgs, style: Style) -> u8 {
    let loaded = palisade_model::load(&args.file, &RealFs, Limits::default());
    let Some(model) = loaded.model.as_ref() else {
        eprint!(
            "{}",
            render::diagnostics(&loaded.diagnostics, &loaded.sources, style)
        );
        eprintln!("{}: invalid model; nothing was drawn", args.file.display());
        return exit::USAGE;
    };
    let format = match args.format {
        Format::Svg => diagram::Format::Svg,
        Format::Mermaid => diagram::Format::Mermaid,
        Format::Dot => diagram::Format::Dot,
    };
    let text = diagram::render(model, format);
    match output::emit(args.output.as_deref(), text.as_bytes()) {
        Ok(()) => exit::OK,
        Err(e) => {
            eprintln!("error: cannot write the diagram: {e}");
            exit::USAGE
        }
    }
}
