//! `palisade manifest create|verify`: provenance manifests of model and dataset directories.

use super::scan::{Bar, paint, use_color, write_output};
use palisade_scan::manifest::{self, Manifest, ManifestOptions, Verification};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Arguments of `palisade manifest`.
#[derive(Debug, clap::Args)]
pub struct ManifestArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: ManifestCommand,
}

/// Manifest output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ManifestFormat {
    /// The palisade manifest (JSON, with OpenSSF-style resources).
    Json,
    /// `sha256sum` lines (`<digest>  <path>`), checkable with `sha256sum -c`.
    Sha256sum,
}

/// Verification output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum VerifyFormat {
    /// Human-readable.
    Terminal,
    /// JSON (modified, missing, added).
    Json,
}

/// `manifest` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum ManifestCommand {
    /// Hash every file under DIR (size, SHA-256, BLAKE3) in parallel.
    Create {
        /// Directory (or single file) to describe.
        #[arg(value_name = "DIR")]
        dir: PathBuf,
        /// Write the manifest to FILE (atomically); `-` or absent is standard output.
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ManifestFormat::Json)]
        format: ManifestFormat,
        /// Relative path to leave out (repeatable).
        #[arg(long = "ignore", value_name = "PATH")]
        ignore: Vec<String>,
        /// Follow symbolic links.
        #[arg(long)]
        follow_symlinks: bool,
        /// No progress bar.
        #[arg(short, long)]
        quiet: bool,
    },
    /// Compare DIR with a manifest: modified, missing and added files (exit 1 on any).
    Verify {
        /// Directory (or single file) to check.
        #[arg(value_name = "DIR")]
        dir: PathBuf,
        /// The manifest created earlier.
        #[arg(short = 'm', long, value_name = "FILE")]
        manifest: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = VerifyFormat::Terminal)]
        format: VerifyFormat,
        /// Write the result to FILE (atomically); `-` or absent is standard output.
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: Option<PathBuf>,
        /// No progress bar; print only differences.
        #[arg(short, long)]
        quiet: bool,
    },
}

/// The manifest's own path relative to `dir`, when it lies inside it.
fn inside(dir: &Path, file: &Path) -> Option<String> {
    let d = dir.canonicalize().ok()?;
    let parent = file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let f = parent.canonicalize().ok()?.join(file.file_name()?);
    let r = f.strip_prefix(&d).ok()?;
    Some(
        r.components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/"),
    )
}

fn sha256sum(m: &Manifest) -> String {
    m.files
        .iter()
        .map(|f| format!("{}  {}\n", f.sha256, f.path))
        .collect()
}

fn render_verify(v: &Verification, quiet: bool, color: bool) -> String {
    let mut out = String::new();
    for m in &v.modified {
        out.push_str(&format!(
            "{} {} (size {} -> {}, sha256 {} -> {})\n",
            paint(color, "31", "modified"),
            m.path,
            m.expected_size,
            m.actual_size,
            m.expected_sha256,
            m.actual_sha256
        ));
    }
    for p in &v.missing {
        out.push_str(&format!("{}  {p}\n", paint(color, "31", "missing")));
    }
    for p in &v.added {
        out.push_str(&format!("{}    {p}\n", paint(color, "33", "added")));
    }
    if !quiet || !v.ok {
        out.push_str(&format!(
            "{}: {} unchanged, {} modified, {} missing, {} added\n",
            if v.ok {
                paint(color, "32", "OK")
            } else {
                paint(color, "1;31", "MISMATCH")
            },
            v.unchanged,
            v.modified.len(),
            v.missing.len(),
            v.added.len()
        ));
    }
    out
}

/// Runs `palisade manifest`.
pub fn run(args: ManifestArgs) -> ExitCode {
    match args.command {
        ManifestCommand::Create {
            dir,
            output,
            format,
            mut ignore,
            follow_symlinks,
            quiet,
        } => {
            if let Some(own) = output
                .as_deref()
                .filter(|p| *p != Path::new("-"))
                .and_then(|o| inside(&dir, o))
            {
                ignore.push(own);
            }
            let opts = ManifestOptions {
                follow_symlinks,
                ignore_paths: ignore,
            };
            let bar = Bar::new(quiet);
            let result = manifest::create(&dir, &opts, &bar);
            bar.finish();
            let m = match result {
                Ok(m) => m,
                Err(e) => {
                    eprintln!("palisade manifest create: {e}");
                    return ExitCode::from(2);
                }
            };
            let text = match format {
                ManifestFormat::Json => serde_json::to_string_pretty(&m).unwrap_or_default() + "\n",
                ManifestFormat::Sha256sum => sha256sum(&m),
            };
            match write_output(output.as_deref(), &text) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("palisade manifest create: cannot write manifest: {e}");
                    ExitCode::from(2)
                }
            }
        }
        ManifestCommand::Verify {
            dir,
            manifest: mpath,
            format,
            output,
            quiet,
        } => {
            let parsed = std::fs::read_to_string(&mpath)
                .map_err(|e| format!("{}: {e}", mpath.display()))
                .and_then(|t| manifest::parse(&t).map_err(|e| format!("{}: {e}", mpath.display())));
            let m = match parsed {
                Ok(m) => m,
                Err(e) => {
                    eprintln!("palisade manifest verify: {e}");
                    return ExitCode::from(2);
                }
            };
            let mut opts = ManifestOptions::default();
            if let Some(own) = inside(&dir, &mpath) {
                opts.ignore_paths.push(own);
            }
            let bar = Bar::new(quiet);
            let result = manifest::verify(&dir, &m, &opts, &bar);
            bar.finish();
            let v = match result {
                Ok(v) => v,
                Err(e) => {
                    eprintln!("palisade manifest verify: {e}");
                    return ExitCode::from(2);
                }
            };
            let text = match format {
                VerifyFormat::Terminal => render_verify(&v, quiet, use_color(output.as_deref())),
                VerifyFormat::Json => serde_json::to_string_pretty(&v).unwrap_or_default() + "\n",
            };
            if let Err(e) = write_output(output.as_deref(), &text) {
                eprintln!("palisade manifest verify: cannot write result: {e}");
                return ExitCode::from(2);
            }
            if v.ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
    }
}
