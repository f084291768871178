//! `palisade import KIND FILE`: a model file from another program's format.

use crate::render::{self, Style};
use crate::{exit, output};
use std::io::Read;
use std::path::PathBuf;

/// The largest input read (as for model files).
const MAX_BYTES: u64 = 64 * 1024 * 1024;

#[derive(clap::Args)]
pub struct ImportArgs {
    /// The format of the input.
    #[arg(value_enum, value_name = "KIND")]
    kind: ImportKind,
    /// The file to import.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Write the model file here instead of stdout (`-` for stdout).
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ImportKind {
    /// Open Threat Model (JSON or YAML).
    Otm,
}

pub fn run(args: ImportArgs, style: Style) -> u8 {
    let text = match read_text(&args.file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {}: {e}", args.file.display());
            return exit::USAGE;
        }
    };
    let name = args.file.display().to_string();
    let outcome = match args.kind {
        ImportKind::Otm => palisade_export::import_otm(&name, &text),
    };
    let Some(imported) = outcome.imported else {
        eprint!(
            "{}",
            render::diagnostics(&outcome.diagnostics, &outcome.sources, style)
        );
        eprintln!("{name}: invalid input; nothing was imported");
        return exit::USAGE;
    };
    if let Err(e) = output::emit(args.output.as_deref(), imported.yaml.as_bytes()) {
        eprintln!("error: cannot write the model: {e}");
        return exit::USAGE;
    }
    if imported.notes.is_empty() {
        eprintln!("{name}: imported; everything was mapped");
    } else {
        eprintln!(
            "{name}: imported with {} note(s) (also at the end of the model file):",
            imported.notes.len()
        );
        for n in &imported.notes {
            eprintln!("  - {n}");
        }
    }
    exit::OK
}

/// The file as text, refusing what is too large or not UTF-8 before it can exhaust memory.
fn read_text(path: &std::path::Path) -> Result<String, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read: {e}"))?;
    let mut bytes = Vec::new();
    file.take(MAX_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read: {e}"))?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err(format!(
            "larger than {MAX_BYTES} bytes; refusing to read it"
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })
}
