//! The whole pipeline for commands that need findings and risks: model → evidence → facts →
//! findings → assessment. Options shared by `analyze`, `plan`, `explain` and the reports.

use crate::exit;
use crate::render::{self, Style};
use palisade_analysis::Facts;
use palisade_model::date::Date;
use palisade_model::{Limits, Loaded, Model, RealFs};
use palisade_risk::{Assessment, Catalog, Policy};
use palisade_threats::{Evaluation, Library, Selection};
use std::path::{Path, PathBuf};

/// Options of every command that analyses a model.
#[derive(clap::Args, Clone, Default)]
pub struct PipelineArgs {
    /// Also load the rule packs in these directories (YAML rule and factor files; see
    /// docs/rules.md).
    #[arg(long, value_name = "DIR")]
    pub rules: Vec<PathBuf>,
    /// Run only these rules: codes, names, categories or code prefixes (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub select: Vec<String>,
    /// Skip these rules: codes, names, categories or code prefixes (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub ignore: Vec<String>,
    /// `palisade scan --format json` reports about the files of the model's artifacts.
    #[arg(long, value_name = "FILE")]
    pub evidence: Vec<PathBuf>,
    /// Verify the manifests that artifacts declare (`manifest:`) against their directories.
    #[arg(long)]
    pub verify_manifests: bool,
    /// A risk policy (levels, matrix, bands); default: the shipped one (`palisade policy`).
    #[arg(long, value_name = "FILE", env = "PALISADE_POLICY")]
    pub policy: Option<PathBuf>,
    /// Extra mitigation-catalog files (YAML, same format as the built-in catalog).
    #[arg(long, value_name = "FILE")]
    pub catalog: Vec<PathBuf>,
    /// The date acceptances are reviewed against (YYYY-MM-DD; default: today, UTC).
    #[arg(long, value_name = "DATE", env = "PALISADE_TODAY")]
    pub today: Option<String>,
}

/// Everything the pipeline computed.
pub struct Run {
    pub loaded: Loaded,
    pub facts: Facts,
    pub library: Library,
    pub evaluation: Evaluation,
    pub catalog: Catalog,
    pub policy: Policy,
    pub today: Date,
    pub assessment: Assessment,
    /// The mitigation plan, made when first asked for.
    plan: std::cell::OnceCell<palisade_risk::Plan>,
}

impl Run {
    pub fn model(&self) -> &Model {
        self.loaded.model.as_ref().expect("a run has a valid model")
    }
    pub fn input(&self) -> palisade_risk::Input<'_> {
        palisade_risk::Input {
            model: self.model(),
            facts: &self.facts,
            findings: &self.evaluation.findings,
            catalog: &self.catalog,
            policy: &self.policy,
            today: self.today,
        }
    }
    pub fn plan(&self) -> &palisade_risk::Plan {
        self.plan
            .get_or_init(|| palisade_risk::plan(&self.assessment, &self.input()))
    }
}

fn read_small(path: &Path, what: &str) -> Result<String, u8> {
    const MAX: u64 = 4 * 1024 * 1024;
    let meta = std::fs::metadata(path).map_err(|e| {
        eprintln!("error: cannot read {what} `{}`: {e}", path.display());
        exit::USAGE
    })?;
    if meta.len() > MAX {
        eprintln!("error: {what} `{}` is larger than 4 MiB", path.display());
        return Err(exit::USAGE);
    }
    std::fs::read_to_string(path).map_err(|e| {
        eprintln!("error: cannot read {what} `{}`: {e}", path.display());
        exit::USAGE
    })
}

/// Load the policy (the shipped one by default), printing diagnostics on failure.
pub fn policy(path: Option<&Path>, style: Style) -> Result<Policy, u8> {
    let Some(path) = path else {
        return Ok(Policy::default());
    };
    let text = read_small(path, "policy")?;
    let loaded = palisade_risk::policy::load(path.to_path_buf(), text);
    if !loaded.diagnostics.is_empty() {
        eprint!(
            "{}",
            render::diagnostics(&loaded.diagnostics, &loaded.sources, style)
        );
    }
    loaded.policy.ok_or_else(|| {
        eprintln!("error: the policy has errors");
        exit::USAGE
    })
}

/// Load the mitigation catalog (built-in plus extra files).
pub fn catalog(extra: &[PathBuf], style: Style) -> Result<Catalog, u8> {
    let mut files = Vec::new();
    for p in extra {
        files.push((p.clone(), read_small(p, "catalog")?));
    }
    let loaded = palisade_risk::catalog::load(&files);
    if !loaded.diagnostics.is_empty() {
        eprint!(
            "{}",
            render::diagnostics(&loaded.diagnostics, &loaded.sources, style)
        );
    }
    loaded.catalog.ok_or_else(|| {
        eprintln!("error: the mitigation catalog has errors");
        exit::USAGE
    })
}

pub fn today(arg: Option<&str>) -> Result<Date, u8> {
    match arg {
        None => Ok(Date::today_utc()),
        Some(s) => Date::parse(s).map_err(|e| {
            eprintln!("error: --today `{s}`: {e}");
            exit::USAGE
        }),
    }
}

/// Load a model file, printing its diagnostics; `None` (and the exit code) when invalid.
pub fn load_model(file: &Path, style: Style) -> Result<Loaded, u8> {
    load_model_from(file, &RealFs, style)
}

/// Load a model file from a file system (the real one, or a git revision).
pub fn load_model_from(
    file: &Path,
    fs: &dyn palisade_model::FileSystem,
    style: Style,
) -> Result<Loaded, u8> {
    let loaded = palisade_model::load(file, fs, Limits::default());
    if loaded.model.is_none() {
        eprint!(
            "{}",
            render::diagnostics(&loaded.diagnostics, &loaded.sources, style)
        );
        eprintln!("{}: invalid model; nothing was analysed", file.display());
        return Err(exit::USAGE);
    }
    Ok(loaded)
}

/// Run the pipeline on a model file. Problems the assessment finds in the model (unknown
/// mitigations, orphaned or lapsed acceptances) are printed as located diagnostics when `warn`.
pub fn run(file: &Path, args: &PipelineArgs, style: Style, warn: bool) -> Result<Run, u8> {
    run_from(file, &RealFs, args, style, warn)
}

/// Run the pipeline on a model read through `fs`. Evidence (scan reports, manifests) is only
/// collected from the real file system.
pub fn run_from(
    file: &Path,
    fs: &dyn palisade_model::FileSystem,
    args: &PipelineArgs,
    style: Style,
    warn: bool,
) -> Result<Run, u8> {
    let loaded = load_model_from(file, fs, style)?;
    let model = loaded.model.as_ref().expect("checked");
    let evidence = crate::evidence::collect(model, file, &args.evidence, args.verify_manifests)
        .map_err(|e| {
            eprintln!("error: {e}");
            exit::USAGE
        })?;
    let facts = palisade_analysis::analyze_with(model, &evidence);
    let library = crate::cmd::analyze::library(&args.rules, style)?;
    let selection = Selection {
        select: args.select.clone(),
        ignore: args.ignore.clone(),
    };
    let unknown = selection.unknown_patterns(&library);
    if !unknown.is_empty() {
        eprintln!(
            "error: no rule matches {}; see `palisade rules list`",
            unknown
                .iter()
                .map(|p| format!("`{p}`"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        return Err(exit::USAGE);
    }
    let evaluation =
        palisade_threats::evaluate(model, &facts, &library, &selection, Some(&loaded.sources));
    for e in &evaluation.errors {
        eprintln!("warning: {e}");
    }
    let policy = policy(args.policy.as_deref(), style)?;
    let catalog = catalog(&args.catalog, style)?;
    let today = today(args.today.as_deref())?;
    let assessment = palisade_risk::assess(&palisade_risk::Input {
        model,
        facts: &facts,
        findings: &evaluation.findings,
        catalog: &catalog,
        policy: &policy,
        today,
    });
    if warn {
        let diags = palisade_risk::assess::diagnostics(&assessment, model);
        if !diags.is_empty() {
            eprint!("{}", render::diagnostics(&diags, &loaded.sources, style));
        }
    }
    Ok(Run {
        loaded,
        facts,
        library,
        evaluation,
        catalog,
        policy,
        today,
        assessment,
        plan: std::cell::OnceCell::new(),
    })
}
