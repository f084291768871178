//! `palisade scan PATH...`: scan model artifacts and report one verdict per file.

use indicatif::{ProgressBar, ProgressStyle};
use palisade_scan::{Limits, Progress, ScanOptions, ScanReport, Severity, Verdict};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Output formats of `scan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ScanFormat {
    /// Human-readable summary.
    Terminal,
    /// The JSON report (docs/scan.md).
    Json,
    /// SARIF 2.1.0.
    Sarif,
}

/// Arguments of `palisade scan`.
#[derive(Debug, clap::Args)]
pub struct ScanArgs {
    /// Files or directories (scanned recursively). Formats are detected by content.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ScanFormat::Terminal)]
    pub format: ScanFormat,
    /// Write the report to FILE (atomically); `-` is standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Fail (exit 1) on suspicious files too: unknown imports, anomalies, inconclusive scans.
    #[arg(long)]
    pub strict: bool,
    /// No progress bar; terminal output lists only files that are not clean.
    #[arg(short, long)]
    pub quiet: bool,
    /// Do not compute each file's SHA-256 (the scan then reads only what it inspects).
    #[arg(long)]
    pub no_hash: bool,
    /// Follow symbolic links in directories.
    #[arg(long)]
    pub follow_symlinks: bool,
    /// Maximum nesting depth of containers and nested literals.
    #[arg(long, default_value_t = Limits::default().max_depth, value_name = "N")]
    pub max_depth: u32,
    /// Maximum archive entries scanned per file.
    #[arg(long, default_value_t = Limits::default().max_entries, value_name = "N")]
    pub max_entries: u64,
    /// Maximum bytes decompressed per file.
    #[arg(long, default_value_t = Limits::default().max_expanded, value_name = "BYTES")]
    pub max_expanded: u64,
    /// Maximum compression ratio before a member counts as a bomb.
    #[arg(long, default_value_t = Limits::default().max_ratio, value_name = "N")]
    pub max_ratio: u64,
}

/// A progress bar over bytes, shown only on a terminal.
pub(crate) struct Bar(ProgressBar);

impl Bar {
    pub(crate) fn new(quiet: bool) -> Bar {
        if quiet || !std::io::stderr().is_terminal() {
            return Bar(ProgressBar::hidden());
        }
        let bar = ProgressBar::new(0);
        if let Ok(style) = ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} ({bytes_per_sec}, {msg})",
        ) {
            bar.set_style(style);
        }
        Bar(bar)
    }
    pub(crate) fn finish(&self) {
        self.0.finish_and_clear();
    }
}

impl Progress for Bar {
    fn start(&self, files: u64, bytes: u64) {
        self.0.set_length(bytes);
        self.0.set_message(format!("{files} files"));
    }
    fn file_done(&self, _path: &Path, bytes: u64) {
        self.0.inc(bytes);
    }
}

/// Writes `content` to `output`: standard output for `None` or `-`, else a temporary file in
/// the same directory renamed over the target (readers never see a partial report).
pub(crate) fn write_output(output: Option<&Path>, content: &str) -> std::io::Result<()> {
    match output {
        None => std::io::stdout().write_all(content.as_bytes()),
        Some(p) if p == Path::new("-") => std::io::stdout().write_all(content.as_bytes()),
        Some(p) => {
            let dir = match p.parent() {
                Some(d) if !d.as_os_str().is_empty() => d,
                _ => Path::new("."),
            };
            let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
            tmp.write_all(content.as_bytes())?;
            tmp.as_file().sync_all()?;
            tmp.persist(p).map_err(|e| e.error)?;
            Ok(())
        }
    }
}

/// Whether to colour terminal output (a TTY, and NO_COLOR unset).
pub(crate) fn use_color(output: Option<&Path>) -> bool {
    let to_stdout = output.is_none_or(|p| p == Path::new("-"));
    to_stdout
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && std::io::stdout().is_terminal()
}

pub(crate) fn paint(color: bool, code: &str, text: &str) -> String {
    if color {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

fn verdict_style(v: Verdict) -> (&'static str, &'static str) {
    match v {
        Verdict::Clean => ("clean", "32"),
        Verdict::Suspicious => ("suspicious", "33"),
        Verdict::Malicious => ("MALICIOUS", "1;31"),
        Verdict::Error => ("error", "35"),
    }
}

/// ` [member @ offset]` after a finding or error, as far as they are known.
fn place(member: Option<&str>, offset: Option<u64>) -> String {
    match (member, offset) {
        (Some(m), Some(o)) => format!(" [{m} @ {o}]"),
        (Some(m), None) => format!(" [{m}]"),
        (None, Some(o)) => format!(" [@ {o}]"),
        (None, None) => String::new(),
    }
}

/// Renders the terminal report.
pub fn render_terminal(report: &ScanReport, quiet: bool, color: bool) -> String {
    let mut out = String::new();
    for f in &report.files {
        if quiet && f.verdict == Verdict::Clean {
            continue;
        }
        let (word, code) = verdict_style(f.verdict);
        out.push_str(&format!(
            "{} {} ({})\n",
            paint(color, code, &format!("{word:>10}")),
            f.path,
            f.format.as_str()
        ));
        for x in f
            .findings
            .iter()
            .filter(|x| x.severity > Severity::Info || !quiet)
        {
            let place = place(x.member.as_deref(), x.offset);
            out.push_str(&format!(
                "{:>10}   {} {:<8} {}{}\n",
                "",
                x.rule,
                x.severity.as_str(),
                x.message,
                place
            ));
        }
        for e in &f.errors {
            let place = place(e.member.as_deref(), e.offset);
            out.push_str(&format!("{:>10}   error    {}{}\n", "", e.message, place));
        }
    }
    let s = &report.summary;
    out.push_str(&format!(
        "{} files: {} clean, {} suspicious, {} malicious, {} error{}\n",
        s.files,
        s.clean,
        s.suspicious,
        s.malicious,
        s.error,
        if report.strict { " (strict)" } else { "" }
    ));
    out
}

/// Runs `palisade scan`.
pub fn run(args: ScanArgs) -> ExitCode {
    let opts = ScanOptions {
        strict: args.strict,
        hash: !args.no_hash,
        follow_symlinks: args.follow_symlinks,
        limits: Limits {
            max_depth: args.max_depth,
            max_entries: args.max_entries,
            max_expanded: args.max_expanded,
            max_ratio: args.max_ratio,
            ..Limits::default()
        },
    };
    let bar = Bar::new(args.quiet || args.format != ScanFormat::Terminal && args.output.is_none());
    let report = palisade_scan::scan_paths_with_progress(&args.paths, &opts, &bar);
    bar.finish();
    let output = args.output.as_deref();
    let text = match args.format {
        ScanFormat::Terminal => render_terminal(&report, args.quiet, use_color(output)),
        ScanFormat::Json => serde_json::to_string_pretty(&report).unwrap_or_default() + "\n",
        ScanFormat::Sarif => {
            serde_json::to_string_pretty(&palisade_scan::sarif::to_sarif(&report))
                .unwrap_or_default()
                + "\n"
        }
    };
    if let Err(e) = write_output(output, &text) {
        eprintln!("palisade scan: cannot write report: {e}");
        return ExitCode::from(2);
    }
    ExitCode::from(report.exit_code())
}
