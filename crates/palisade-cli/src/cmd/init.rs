//! `palisade init`: write a commented starter model.

use crate::{exit, output};
use palisade_model::templates::{TEMPLATES, Template};
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct InitArgs {
    /// The starter to use (see --list).
    #[arg(long, short, value_name = "NAME", default_value = "rag-assistant")]
    template: String,
    /// List the templates and exit.
    #[arg(long)]
    list: bool,
    /// Where to write the model (`-` for stdout).
    #[arg(short, long, value_name = "FILE", default_value = "palisade.yaml")]
    output: PathBuf,
    /// Overwrite the output file if it exists.
    #[arg(long)]
    force: bool,
}

pub fn run(args: InitArgs) -> u8 {
    if args.list {
        for t in TEMPLATES {
            println!("{:<16} {}", t.name, t.summary);
        }
        return exit::OK;
    }
    let Some(t) = TEMPLATES.iter().find(|t| t.name == args.template) else {
        let names: Vec<&str> = TEMPLATES.iter().map(|t| t.name).collect();
        eprintln!(
            "error: unknown template `{}`{}\n  templates: {}",
            args.template,
            palisade_model::suggest(&args.template, names.iter().copied())
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default(),
            names.join(", ")
        );
        return exit::USAGE;
    };
    write(t, &args)
}

fn write(t: &Template, args: &InitArgs) -> u8 {
    let to_stdout = args.output.as_os_str() == "-";
    if !to_stdout && args.output.exists() && !args.force {
        eprintln!(
            "error: `{}` already exists; pass --force to overwrite it",
            args.output.display()
        );
        return exit::USAGE;
    }
    match output::emit(Some(&args.output), t.text.as_bytes()) {
        Ok(()) => {
            if !to_stdout {
                eprintln!(
                    "wrote {} ({}); next: palisade check {}",
                    args.output.display(),
                    t.summary,
                    args.output.display()
                );
            }
            exit::OK
        }
        Err(e) => {
            eprintln!("error: cannot write `{}`: {e}", args.output.display());
            exit::USAGE
        }
    }
}
