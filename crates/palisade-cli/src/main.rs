//! palisade: threat modeling of enterprise AI systems as code.

use clap::Parser;
use std::process::ExitCode;

mod cmd {
    pub mod manifest;
    pub mod scan;
}

#[derive(Parser)]
#[command(name = "palisade", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand)]
enum Command {
    /// Scan model artifacts for code-execution payloads and malformed structure.
    Scan(cmd::scan::ScanArgs),
    /// Create or verify a provenance manifest of a model or dataset directory.
    Manifest(cmd::manifest::ManifestArgs),
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Scan(a) => cmd::scan::run(a),
        Command::Manifest(a) => cmd::manifest::run(a),
    }
}
