//! `palisade check`: parse and validate model files.

use crate::exit;
use crate::render::{self, Style};
use palisade_model::diag::Severity;
use palisade_model::{Limits, Loaded, RealFs};
use palisade_report::text::plural;
use serde::Serialize;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct CheckArgs {
    /// Model files to check (each is the root of its own model).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Output format: text for people, json for tools and editors.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// Exit with 1 when there are warnings.
    #[arg(long)]
    deny_warnings: bool,
    /// Print errors only, not warnings.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Serialize)]
struct FileReport {
    path: String,
    valid: bool,
    errors: usize,
    warnings: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    summary: Option<Summary>,
    diagnostics: Vec<palisade_model::diag::ResolvedDiagnostic>,
}

#[derive(Serialize)]
struct Summary {
    system: String,
    components: usize,
    flows: usize,
    data_assets: usize,
    boundaries: usize,
    controls: usize,
    accepted_risks: usize,
    files: usize,
}

fn summarize(loaded: &Loaded) -> Option<Summary> {
    loaded.model.as_ref().map(|m| Summary {
        system: m.system.name.value.clone(),
        components: m.components.len(),
        flows: m.flows.len(),
        data_assets: m.data_assets.len(),
        boundaries: m.boundaries.len(),
        controls: m.controls.len(),
        accepted_risks: m.accepted_risks.len(),
        files: loaded.sources.files().count(),
    })
}

pub fn run(args: CheckArgs, style: Style) -> u8 {
    let mut reports = Vec::new();
    let mut text = String::new();
    for path in &args.files {
        let mut loaded = palisade_model::load(path, &RealFs, Limits::default());
        if args.quiet {
            loaded.diagnostics.retain(|d| d.severity == Severity::Error);
        }
        let errors = loaded
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        let warnings = loaded.diagnostics.len() - errors;
        let summary = summarize(&loaded);
        if matches!(args.format, Format::Text) {
            text.push_str(&render::diagnostics(
                &loaded.diagnostics,
                &loaded.sources,
                style,
            ));
            let name = path.display();
            match &summary {
                Some(s) if errors == 0 => text.push_str(&format!(
                    "{name}: valid model `{}`: {}, {}, {}, {}, {}{}\n",
                    s.system,
                    plural(s.components, "component"),
                    plural(s.flows, "flow"),
                    plural(s.data_assets, "data asset"),
                    if s.boundaries == 1 {
                        "1 trust boundary".to_string()
                    } else {
                        format!("{} trust boundaries", s.boundaries)
                    },
                    plural(s.controls, "control"),
                    if warnings > 0 {
                        format!(" ({})", plural(warnings, "warning"))
                    } else {
                        String::new()
                    }
                )),
                _ => text.push_str(&format!(
                    "{name}: invalid: {}, {}\n",
                    plural(errors, "error"),
                    plural(warnings, "warning")
                )),
            }
        }
        reports.push(FileReport {
            path: path.display().to_string(),
            valid: errors == 0 && loaded.model.is_some(),
            errors,
            warnings,
            summary,
            diagnostics: loaded
                .diagnostics
                .iter()
                .map(|d| d.resolve(&loaded.sources))
                .collect(),
        });
    }
    match args.format {
        Format::Text => eprint!("{text}"),
        Format::Json => {
            let json = serde_json::json!({ "files": reports });
            println!(
                "{}",
                serde_json::to_string_pretty(&json).unwrap_or_default()
            );
        }
    }
    if reports.iter().any(|r| !r.valid) {
        exit::USAGE
    } else if args.deny_warnings && reports.iter().any(|r| r.warnings > 0) {
        exit::FINDINGS
    } else {
        exit::OK
    }
}
