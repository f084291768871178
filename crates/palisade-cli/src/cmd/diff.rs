//! `palisade diff`: what changed between two versions of a model — elements, and findings new,
//! resolved and changed in residual severity — with a gate on newly introduced risk.

use crate::exit;
use crate::output;
use crate::pipeline::{self, PipelineArgs};
use crate::render::Style;
use std::path::{Component, Path, PathBuf};
use std::process::Command;

#[derive(clap::Args)]
pub struct DiffArgs {
    /// The old model file (or, with `--git`, the model file to compare across revisions).
    #[arg(value_name = "OLD")]
    old: PathBuf,
    /// The new model file (omit with `--git`: the working-tree file is the new side).
    #[arg(value_name = "NEW")]
    new: Option<PathBuf>,
    /// Compare the file at this git revision (e.g. `main`, `HEAD~1`) with the working tree.
    #[arg(long, value_name = "REV")]
    git: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "terminal")]
    format: Format,
    /// Write to this file (atomically) instead of stdout; `-` is stdout.
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
    /// Exit 1 when the change introduces an open finding (new, or worse than before) whose
    /// residual severity reaches this band.
    #[arg(long, value_name = "SEVERITY")]
    fail_on_new: Option<String>,
    #[command(flatten)]
    pipeline: PipelineArgs,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    #[value(alias = "text")]
    Terminal,
    #[value(alias = "md")]
    Markdown,
    Json,
}

/// Model files as they were at a git revision (includes resolved at the same revision).
struct GitFs {
    rev: String,
    top: PathBuf,
    cwd: PathBuf,
}

/// `a/./b/../c` → `a/c`, without touching the disk.
fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

impl GitFs {
    fn new(rev: &str) -> Result<GitFs, String> {
        let out = Command::new("git")
            .args(["rev-parse", "--show-toplevel"])
            .output()
            .map_err(|e| format!("cannot run git: {e}"))?;
        if !out.status.success() {
            return Err("not inside a git repository".into());
        }
        let top = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        let top = std::fs::canonicalize(&top).unwrap_or(top);
        let cwd = std::env::current_dir().map_err(|e| e.to_string())?;
        let cwd = std::fs::canonicalize(&cwd).unwrap_or(cwd);
        let check = Command::new("git")
            .args([
                "rev-parse",
                "--verify",
                "--quiet",
                &format!("{rev}^{{commit}}"),
            ])
            .output()
            .map_err(|e| format!("cannot run git: {e}"))?;
        if !check.status.success() {
            return Err(format!("`{rev}` is not a git revision"));
        }
        Ok(GitFs {
            rev: rev.to_string(),
            top,
            cwd,
        })
    }

    fn repo_path(&self, path: &Path) -> std::io::Result<String> {
        let abs = normalize(&self.cwd.join(path));
        let rel = abs.strip_prefix(&self.top).map_err(|_| {
            std::io::Error::other(format!("{} is outside the repository", path.display()))
        })?;
        Ok(rel.to_string_lossy().replace('\\', "/"))
    }
}

impl palisade_model::FileSystem for GitFs {
    fn read(&self, path: &Path, limit: usize) -> std::io::Result<Vec<u8>> {
        let rel = self.repo_path(path)?;
        let out = Command::new("git")
            .current_dir(&self.top)
            .args(["show", &format!("{}:{rel}", self.rev)])
            .output()?;
        if !out.status.success() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("not in revision {}", self.rev),
            ));
        }
        let mut bytes = out.stdout;
        bytes.truncate(limit + 1);
        Ok(bytes)
    }
    fn canonical(&self, path: &Path) -> PathBuf {
        normalize(&self.cwd.join(path))
    }
}

pub fn run(args: DiffArgs, style: Style) -> u8 {
    let (old_run, new_run, labels) = match (&args.git, &args.new) {
        (Some(rev), None) => {
            let fs = match GitFs::new(rev) {
                Ok(f) => f,
                Err(e) => {
                    eprintln!("error: {e}");
                    return exit::USAGE;
                }
            };
            // The old side gets no evidence: scan reports describe today's files.
            let old_args = PipelineArgs {
                evidence: Vec::new(),
                verify_manifests: false,
                ..args.pipeline.clone()
            };
            let old = pipeline::run_from(&args.old, &fs, &old_args, style, false);
            let new = pipeline::run(&args.old, &args.pipeline, style, false);
            (
                old,
                new,
                (
                    format!("{}@{rev}", args.old.display()),
                    args.old.display().to_string(),
                ),
            )
        }
        (None, Some(new)) => (
            pipeline::run(&args.old, &args.pipeline, style, false),
            pipeline::run(new, &args.pipeline, style, false),
            (args.old.display().to_string(), new.display().to_string()),
        ),
        (Some(_), Some(_)) => {
            eprintln!("error: give either OLD NEW, or FILE --git REV");
            return exit::USAGE;
        }
        (None, None) => {
            eprintln!("error: give the new model file, or `--git REV` to compare with a revision");
            return exit::USAGE;
        }
    };
    let (old_run, new_run) = match (old_run, new_run) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(code), _) | (_, Err(code)) => return code,
    };
    let threshold = match args.fail_on_new.as_deref() {
        None => None,
        Some(b) => match crate::cmd::analyze::threshold(&new_run.policy, b) {
            Ok(t) => Some(t),
            Err(code) => return code,
        },
    };
    let old_report = crate::cmd::report::data(&old_run, None, None, false);
    let new_report = crate::cmd::report::data(&new_run, None, None, false);
    let d = palisade_report::diff::diff(
        (old_run.model(), &old_report),
        (new_run.model(), &new_report),
        (&labels.0, &labels.1),
    );
    let mut text = match args.format {
        Format::Terminal => palisade_report::diff::text(&d),
        Format::Markdown => palisade_report::diff::markdown(&d),
        Format::Json => serde_json::to_string_pretty(&d).unwrap_or_default(),
    };
    if !text.ends_with('\n') {
        text.push('\n');
    }
    if let Err(e) = output::emit(args.output.as_deref(), text.as_bytes()) {
        eprintln!("error: cannot write the diff: {e}");
        return exit::USAGE;
    }
    if let Some(t) = threshold {
        let bad = d.introduced_at_or_above(t);
        if !bad.is_empty() {
            eprintln!(
                "gate failed: the change introduces {} at or above `{}`: {}",
                if bad.len() == 1 {
                    "1 finding".to_string()
                } else {
                    format!("{} findings", bad.len())
                },
                new_run.policy.bands[t],
                bad.iter()
                    .map(|f| f.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            return exit::FINDINGS;
        }
    }
    exit::OK
}
