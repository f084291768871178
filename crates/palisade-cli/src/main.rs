//! `palisade`: threat modeling of enterprise AI systems as code.
//!
//! The binary is thin: it parses flags, reads files, calls the libraries and renders results.

mod cmd;
mod evidence;
mod exit;
mod output;
mod pipeline;
mod render;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

const AFTER_HELP: &str = "\
Exit codes:
  0  success (no problems found)
  1  problems found (analyze --fail-on gate failed, check --deny-warnings warnings, scan
     findings, manifest mismatch)
  2  invalid input or usage (unreadable or invalid model, bad flags)";

#[derive(Parser)]
#[command(
    name = "palisade",
    version,
    about = "Threat modeling of enterprise AI systems as code",
    after_help = AFTER_HELP,
    propagate_version = true
)]
struct Cli {
    /// When to use colours: auto (default; honours NO_COLOR), always, never.
    #[arg(long, global = true, value_name = "WHEN", default_value = "auto")]
    color: render::ColorChoice,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Parse and validate model files; report every problem with its location.
    Check(cmd::check::CheckArgs),
    /// Find the threats that apply to a model, with their rationale and attack paths.
    Analyze(cmd::analyze::AnalyzeArgs),
    /// Draw the data-flow diagram of a model: SVG (no Graphviz needed), Mermaid or DOT.
    Diagram(cmd::diagram::DiagramArgs),
    /// What changed between two versions of a model: elements and findings (`--git REV`).
    Diff(cmd::diff::DiffArgs),
    /// Explain one finding: why it applies, how it was scored, which controls reduce it.
    Explain(cmd::explain::ExplainArgs),
    /// The mitigation plan: open threats by residual risk and the steps that reduce them most.
    Plan(cmd::plan::PlanArgs),
    /// Browse the mitigation catalog: `mitigations`, `mitigations ID`.
    Mitigations(cmd::mitigations::MitigationsArgs),
    /// Print the default risk policy, or check a policy file and show its matrix.
    Policy(cmd::mitigations::PolicyArgs),
    /// The threat model report: terminal, Markdown, HTML, JSON, SARIF or CSV.
    Report(cmd::report::ReportArgs),
    /// Validation activities for every open finding: injection tests aimed at the paths found,
    /// probes, pipeline and supply-chain checks, with the palisade commands that automate them.
    Testplan(cmd::testplan::TestplanArgs),
    /// Browse the threat library: `rules list`, `rules show CODE`.
    Rules(cmd::rules::RulesArgs),
    /// Print the JSON Schema of model files (for editor completion and validation).
    Schema(cmd::schema::SchemaArgs),
    /// Write a commented starter model from a template.
    Init(cmd::init::InitArgs),
    /// Scan model artifacts (pickle, PyTorch, NumPy, Keras, safetensors, GGUF, archives) for
    /// code execution and tampering, without loading them.
    Scan(cmd::scan::ScanArgs),
    /// Create or verify a provenance manifest (size, SHA-256, BLAKE3 per file) of a directory.
    Manifest(cmd::manifest::ManifestArgs),
    /// Export the model for other programs: `export aibom` (CycloneDX 1.6 AI-BOM), `export otm`
    /// (Open Threat Model).
    Export(cmd::export::ExportArgs),
    /// Write a model file from another format: `import otm` (Open Threat Model).
    Import(cmd::import::ImportArgs),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let style = render::Style::detect(cli.color);
    let code = match cli.command {
        Command::Check(a) => cmd::check::run(a, style),
        Command::Analyze(a) => cmd::analyze::run(a, style),
        Command::Diagram(a) => cmd::diagram::run(a, style),
        Command::Diff(a) => cmd::diff::run(a, style),
        Command::Explain(a) => cmd::explain::run(a, style),
        Command::Plan(a) => cmd::plan::run(a, style),
        Command::Mitigations(a) => cmd::mitigations::run(a, style),
        Command::Policy(a) => cmd::mitigations::policy(a, style),
        Command::Report(a) => cmd::report::run(a, style),
        Command::Testplan(a) => cmd::testplan::run(a, style),
        Command::Rules(a) => cmd::rules::run(a, style),
        Command::Schema(a) => cmd::schema::run(a),
        Command::Init(a) => cmd::init::run(a),
        Command::Scan(a) => return cmd::scan::run(a),
        Command::Manifest(a) => return cmd::manifest::run(a),
        Command::Export(a) => cmd::export::run(a, style),
        Command::Import(a) => cmd::import::run(a, style),
    };
    ExitCode::from(code)
}
