//! palisade-scan: supply-chain validation for model artifacts.
//!
//! * [`scan_paths`] detects formats by content (pickle, PyTorch, joblib, NumPy, Keras,
//!   safetensors, GGUF, archives) and reports one [`Verdict`] per file with findings and offsets.
//! * [`sarif::to_sarif`] renders a report as SARIF 2.1.0.
//! * [`manifest`] creates and verifies provenance manifests (size, SHA-256, BLAKE3).
//!
//! Architecture invariant: the scanner never executes, imports or deserialises into live
//! objects anything it reads, and never prints.

#![warn(missing_docs)]

mod containers;
mod detect;
mod engine;
mod formats;
pub mod manifest;
pub mod pickle;
pub mod policy;
pub mod report;
pub mod rules;
pub mod sarif;
mod source;

pub use report::{
    FileReport, Finding, Format, REPORT_SCHEMA, ScanIssue, ScanReport, Severity, Summary, Verdict,
};
pub use rules::Rule;

use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// Limits that bound time, memory and disk per scanned file. Reaching one yields a finding
/// (inconclusive or bomb), never a crash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Maximum container / nested-literal depth.
    pub max_depth: u32,
    /// Maximum archive entries scanned per file (all containers together).
    pub max_entries: u64,
    /// Maximum bytes expanded from compressed content per file.
    pub max_expanded: u64,
    /// Maximum compression ratio of a member before it counts as a bomb.
    pub max_ratio: u64,
    /// Maximum symbolic pickle stack depth.
    pub max_stack: usize,
    /// Maximum pickle memo entries.
    pub max_memo: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 8,
            max_entries: 100_000,
            max_expanded: 4 << 30,
            max_ratio: 200,
            max_stack: 1 << 20,
            max_memo: 1 << 21,
        }
    }
}

impl Limits {
    fn walk(&self) -> pickle::walker::WalkLimits {
        pickle::walker::WalkLimits {
            max_stack: self.max_stack,
            max_memo: self.max_memo,
            ..Default::default()
        }
    }
}

/// Options of a scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanOptions {
    /// Suspicious files fail the scan (exit code 1).
    pub strict: bool,
    /// Compute each file's SHA-256 (reads the whole file).
    pub hash: bool,
    /// Follow symbolic links when walking directories.
    pub follow_symlinks: bool,
    /// Resource limits.
    pub limits: Limits,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            strict: false,
            hash: true,
            follow_symlinks: false,
            limits: Limits::default(),
        }
    }
}

/// Progress events for a caller's progress bar.
pub trait Progress: Sync {
    /// The number of files to scan and their total size, once the walk is done.
    fn start(&self, _files: u64, _bytes: u64) {}
    /// One file finished.
    fn file_done(&self, _path: &Path, _bytes: u64) {}
}

/// A progress sink that ignores everything.
pub struct NoProgress;
impl Progress for NoProgress {}

/// Scans files and directories (recursively) and returns one report entry per file.
pub fn scan_paths(paths: &[PathBuf], opts: &ScanOptions) -> ScanReport {
    scan_paths_with_progress(paths, opts, &NoProgress)
}

/// [`scan_paths`] with progress callbacks.
pub fn scan_paths_with_progress(
    paths: &[PathBuf],
    opts: &ScanOptions,
    progress: &dyn Progress,
) -> ScanReport {
    let mut files = Vec::new();
    let mut failed = Vec::new();
    for p in paths {
        source::collect(p, opts.follow_symlinks, &mut files, &mut failed);
    }
    files.sort();
    files.dedup();
    let total: u64 = files.iter().map(|(_, s)| *s).sum();
    progress.start(files.len() as u64, total);
    let mut reports: Vec<FileReport> = files
        .par_iter()
        .map(|(p, size)| {
            let r = engine::scan_file(p, opts);
            progress.file_done(p, *size);
            r
        })
        .collect();
    reports.extend(failed);
    ScanReport::new(reports, opts.strict)
}

/// Scans an in-memory buffer as if it were a file called `name` (used by fuzzing and tests).
pub fn scan_bytes(name: &str, data: &[u8], opts: &ScanOptions) -> FileReport {
    engine::scan_buffer(name, data, opts)
}

/// Entry point shared by the fuzz targets and their corpus-replay tests: `target` selects which
/// parser the input is steered into (`scan`, `pickle`, `zip`, `npy`, `safetensors`, `gguf`).
#[doc(hidden)]
pub fn fuzz_entry(target: &str, data: &[u8]) -> FileReport {
    let opts = ScanOptions {
        hash: false,
        limits: Limits {
            max_expanded: 64 << 20,
            ..Limits::default()
        },
        ..ScanOptions::default()
    };
    let prefix: &[u8] = match target {
        "zip" if !data.starts_with(b"PK") => b"PK\x03\x04",
        "npy" => b"\x93NUMPY",
        "gguf" => b"GGUF",
        _ => b"",
    };
    if target == "pickle" {
        let w = pickle::walker::walk(data, 0, 0, opts.limits.walk());
        assert!(w.end <= data.len());
    }
    let mut buf = prefix.to_vec();
    buf.extend_from_slice(data);
    scan_bytes(target, &buf, &opts)
}
