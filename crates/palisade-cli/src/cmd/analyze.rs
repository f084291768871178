//! `palisade analyze`: find the threats that apply to a model.

use crate::cmd::report::{self, Format};
use crate::exit;
use crate::output;
use crate::pipeline::{self, PipelineArgs};
use crate::render::{self, Style};
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct AnalyzeArgs {
    /// The model file to analyse.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Output format (`text` is the terminal report).
    #[arg(long, value_enum, default_value = "terminal")]
    format: Format,
    /// Write the report to this file (atomically) instead of stdout; `-` is stdout.
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
    /// Print the computed graph facts (exposure, taint, reach, lineage, crossings) instead.
    #[arg(long)]
    facts: bool,
    /// An ATLAS data file (5.x or 6.x format) for current technique names.
    #[arg(long, value_name = "FILE")]
    atlas: Option<PathBuf>,
    /// Exit 1 when an open finding's residual severity reaches this band (low, medium, high,
    /// critical with the default policy), or an accepted risk is past its review or expiry.
    #[arg(long, value_name = "SEVERITY")]
    fail_on: Option<String>,
    #[command(flatten)]
    pipeline: PipelineArgs,
}

/// Read every `.yaml` rule file below the given directories (bounded).
pub fn read_rule_packs(dirs: &[PathBuf]) -> Result<Vec<(PathBuf, String)>, String> {
    const MAX_FILES: usize = 2000;
    const MAX_BYTES: u64 = 1024 * 1024;
    let mut out = Vec::new();
    let mut stack: Vec<PathBuf> = dirs.to_vec();
    while let Some(p) = stack.pop() {
        let meta =
            std::fs::metadata(&p).map_err(|e| format!("cannot read `{}`: {e}", p.display()))?;
        if meta.is_dir() {
            let mut entries: Vec<PathBuf> = std::fs::read_dir(&p)
                .map_err(|e| format!("cannot read `{}`: {e}", p.display()))?
                .filter_map(Result::ok)
                .map(|e| e.path())
                .collect();
            entries.sort();
            entries.reverse();
            stack.extend(entries);
        } else if p.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            if meta.len() > MAX_BYTES {
                return Err(format!("rule file `{}` is larger than 1 MiB", p.display()));
            }
            let text = std::fs::read_to_string(&p)
                .map_err(|e| format!("cannot read `{}`: {e}", p.display()))?;
            out.push((p, text));
            if out.len() > MAX_FILES {
                return Err(format!("more than {MAX_FILES} rule files"));
            }
        }
    }
    Ok(out)
}

/// Load the rule library (built-in plus packs), printing diagnostics on failure.
pub fn library(packs: &[PathBuf], style: Style) -> Result<palisade_threats::Library, u8> {
    let user = read_rule_packs(packs).map_err(|e| {
        eprintln!("error: {e}");
        exit::USAGE
    })?;
    let loaded = palisade_threats::load(&user, true);
    if !loaded.diagnostics.is_empty() {
        eprint!(
            "{}",
            render::diagnostics(&loaded.diagnostics, &loaded.sources, style)
        );
    }
    loaded.library.ok_or_else(|| {
        eprintln!("error: the rule packs have errors; nothing was analysed");
        exit::USAGE
    })
}

pub fn run(args: AnalyzeArgs, style: Style) -> u8 {
    if args.facts {
        let loaded = match pipeline::load_model(&args.file, style) {
            Ok(l) => l,
            Err(code) => return code,
        };
        let model = loaded.model.as_ref().expect("checked");
        let evidence = match crate::evidence::collect(
            model,
            &args.file,
            &args.pipeline.evidence,
            args.pipeline.verify_manifests,
        ) {
            Ok(e) => e,
            Err(e) => {
                eprintln!("error: {e}");
                return exit::USAGE;
            }
        };
        let facts = palisade_analysis::analyze_with(model, &evidence);
        println!(
            "{}",
            serde_json::to_string_pretty(&facts).unwrap_or_default()
        );
        return exit::OK;
    }
    let atlas = match report::atlas(args.atlas.as_deref()) {
        Ok(a) => a,
        Err(code) => return code,
    };
    let run = match pipeline::run(&args.file, &args.pipeline, style, true) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let threshold = match args.fail_on.as_deref().map(|b| threshold(&run.policy, b)) {
        None => None,
        Some(Ok(t)) => Some(t),
        Some(Err(code)) => return code,
    };
    let gate = threshold.map(|t| palisade_risk::gate(&run.assessment, &run.policy, t));
    let data = report::data(&run, atlas.as_ref(), gate.clone(), args.format.shows_plan());
    let to_file = args
        .output
        .as_deref()
        .is_some_and(|p| p != std::path::Path::new("-"));
    let style = if to_file {
        Style {
            out_color: false,
            ..style
        }
    } else {
        style
    };
    let written = output::emit_with(args.output.as_deref(), |w| {
        report::write(&data, &run, args.format, style, w)
    });
    if let Err(e) = written {
        eprintln!("error: cannot write the report: {e}");
        return exit::USAGE;
    }
    if to_file && let Some(g) = &gate {
        // The verdict still reaches the CI log when the report goes to a file.
        let options = palisade_report::terminal::Options {
            color: style.color,
            width: report::width(),
        };
        eprint!("{}", palisade_report::terminal::gate(g, options));
    }
    let code = match gate {
        Some(g) if !g.passed() => exit::FINDINGS,
        _ => exit::OK,
    };
    // The process ends next: the OS takes the memory back at once, while dropping hundreds of
    // thousands of small allocations one by one would cost a noticeable part of the run.
    std::mem::forget(data);
    std::mem::forget(run);
    code
}

/// Resolve a `--fail-on` band name against the policy.
pub fn threshold(policy: &palisade_risk::Policy, band: &str) -> Result<usize, u8> {
    policy.band_index(band).ok_or_else(|| {
        eprintln!(
            "error: `{band}` is not a severity of the policy; use one of {}",
            policy.bands.join(", ")
        );
        exit::USAGE
    })
}
