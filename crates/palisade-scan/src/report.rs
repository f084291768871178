//! The scan report: what `palisade scan` found, per file. Field names are a stable, documented
//! interface (docs/scan.md); the threat engine reads them as evidence.

use crate::rules::Rule;
use serde::{Deserialize, Serialize};

/// Identifier of the JSON report format.
pub const REPORT_SCHEMA: &str = "palisade-scan-report/1";

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Context only; never changes the verdict.
    Info,
    /// Anomaly worth a look.
    Low,
    /// Cannot be vouched for (unknown import, inconclusive scan).
    Medium,
    /// Known attack technique or exploit primitive.
    High,
    /// Known code-execution primitive.
    Critical,
}

impl Severity {
    /// The equivalent modelscan level.
    pub fn modelscan(self) -> &'static str {
        match self {
            Severity::Critical => "CRITICAL",
            Severity::High => "HIGH",
            Severity::Medium => "MEDIUM",
            Severity::Low | Severity::Info => "LOW",
        }
    }
    /// The lowercase name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

/// One verdict per file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Nothing above `info`.
    Clean,
    /// `low` or `medium` findings: unknown imports, anomalies, inconclusive scans.
    Suspicious,
    /// At least one `high` or `critical` finding.
    Malicious,
    /// The file (or a member) could not be read or parsed, and nothing malicious was found.
    Error,
}

/// Format of a file or member, detected from content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum Format {
    Pickle,
    PytorchZip,
    PytorchLegacy,
    Torchscript,
    Joblib,
    Numpy,
    NumpyNpz,
    Keras,
    KerasH5,
    Safetensors,
    Gguf,
    TokenizerConfig,
    Zip,
    Tar,
    Gzip,
    Zlib,
    Bzip2,
    Xz,
    Lzma,
    Zstd,
    Lz4,
    SevenZip,
    Unknown,
}

impl Format {
    /// The snake_case name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Pickle => "pickle",
            Format::PytorchZip => "pytorch_zip",
            Format::PytorchLegacy => "pytorch_legacy",
            Format::Torchscript => "torchscript",
            Format::Joblib => "joblib",
            Format::Numpy => "numpy",
            Format::NumpyNpz => "numpy_npz",
            Format::Keras => "keras",
            Format::KerasH5 => "keras_h5",
            Format::Safetensors => "safetensors",
            Format::Gguf => "gguf",
            Format::TokenizerConfig => "tokenizer_config",
            Format::Zip => "zip",
            Format::Tar => "tar",
            Format::Gzip => "gzip",
            Format::Zlib => "zlib",
            Format::Bzip2 => "bzip2",
            Format::Xz => "xz",
            Format::Lzma => "lzma",
            Format::Zstd => "zstd",
            Format::Lz4 => "lz4",
            Format::SevenZip => "seven_zip",
            Format::Unknown => "unknown",
        }
    }
}

/// One thing the scanner found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable rule code, e.g. `PKL001`.
    pub rule: String,
    /// Rule name, e.g. `dangerous-global`.
    pub name: String,
    /// Severity.
    pub severity: Severity,
    /// Human-readable explanation.
    pub message: String,
    /// Path of the member inside containers (`archive/data.pkl`, `a.zip/b.tar/c.pkl`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member: Option<String>,
    /// Byte offset inside the member (or the file when `member` is absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
    /// The imported global (`module.name`) for import findings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub global: Option<String>,
    /// How many times it occurred (first occurrence at `offset`).
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub count: u64,
}

fn one() -> u64 {
    1
}
fn is_one(n: &u64) -> bool {
    *n == 1
}

impl Finding {
    /// A finding of `rule` with its default severity.
    pub fn new(rule: Rule, message: impl Into<String>) -> Self {
        Finding {
            rule: rule.code().to_string(),
            name: rule.name().to_string(),
            severity: rule.severity(),
            message: message.into(),
            member: None,
            offset: None,
            global: None,
            count: 1,
        }
    }
    /// Sets the byte offset.
    pub fn at(mut self, offset: u64) -> Self {
        self.offset = Some(offset);
        self
    }
    /// Overrides the severity.
    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }
    /// Sets the global.
    pub fn with_global(mut self, global: impl Into<String>) -> Self {
        self.global = Some(global.into());
        self
    }
}

/// A file or member that could not be read or parsed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanIssue {
    /// Path of the member inside containers, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member: Option<String>,
    /// Byte offset of the problem, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
    /// What went wrong.
    pub message: String,
}

/// The result for one file given on the command line or found in a directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileReport {
    /// Path as given or found.
    pub path: String,
    /// Format detected from content.
    pub format: Format,
    /// One verdict for the whole file.
    pub verdict: Verdict,
    /// File size in bytes.
    pub size: u64,
    /// SHA-256 of the file (hex), absent with hashing disabled or on read errors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// Findings, most severe first.
    pub findings: Vec<Finding>,
    /// Read or parse errors.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ScanIssue>,
    /// Container members scanned (0 for plain files).
    #[serde(default)]
    pub members_scanned: u64,
    /// Bytes the parsers looked at (excluding hashing); skipped tensor data is not counted.
    #[serde(default)]
    pub bytes_inspected: u64,
}

impl FileReport {
    /// Computes the verdict from findings and errors.
    pub fn compute_verdict(findings: &[Finding], errors: &[ScanIssue]) -> Verdict {
        let max = findings.iter().map(|f| f.severity).max();
        match max {
            Some(s) if s >= Severity::High => Verdict::Malicious,
            _ if !errors.is_empty() => Verdict::Error,
            Some(s) if s >= Severity::Low => Verdict::Suspicious,
            _ => Verdict::Clean,
        }
    }
}

/// Counts per verdict and severity.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Files scanned.
    pub files: u64,
    /// Files per verdict.
    pub clean: u64,
    #[allow(missing_docs)]
    pub suspicious: u64,
    #[allow(missing_docs)]
    pub malicious: u64,
    #[allow(missing_docs)]
    pub error: u64,
    /// Findings per severity.
    pub findings: SeverityCounts,
}

/// Finding counts by severity.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct SeverityCounts {
    pub critical: u64,
    pub high: u64,
    pub medium: u64,
    pub low: u64,
    pub info: u64,
}

/// Name and version of the scanner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToolInfo {
    /// `palisade-scan`.
    pub name: String,
    /// Crate version.
    pub version: String,
}

/// The whole scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanReport {
    /// Always [`REPORT_SCHEMA`].
    pub schema: String,
    /// Scanner identity.
    pub tool: ToolInfo,
    /// Whether suspicious files fail the scan.
    pub strict: bool,
    /// Counts.
    pub summary: Summary,
    /// One entry per file, sorted by path.
    pub files: Vec<FileReport>,
}

impl ScanReport {
    /// Builds a report from file results (sorts them and computes the summary).
    pub fn new(mut files: Vec<FileReport>, strict: bool) -> Self {
        files.sort_by(|a, b| a.path.cmp(&b.path));
        let mut summary = Summary::default();
        for f in &files {
            summary.files += 1;
            match f.verdict {
                Verdict::Clean => summary.clean += 1,
                Verdict::Suspicious => summary.suspicious += 1,
                Verdict::Malicious => summary.malicious += 1,
                Verdict::Error => summary.error += 1,
            }
            for x in &f.findings {
                let c = &mut summary.findings;
                match x.severity {
                    Severity::Critical => c.critical += 1,
                    Severity::High => c.high += 1,
                    Severity::Medium => c.medium += 1,
                    Severity::Low => c.low += 1,
                    Severity::Info => c.info += 1,
                }
            }
        }
        ScanReport {
            schema: REPORT_SCHEMA.to_string(),
            tool: ToolInfo {
                name: "palisade-scan".to_string(),
                version: env!("CARGO_PKG_VERSION").to_string(),
            },
            strict,
            summary,
            files,
        }
    }

    /// The process outcome: 1 when a file is malicious (or suspicious under strict), else 2 when
    /// a file had an error, else 0.
    pub fn exit_code(&self) -> u8 {
        let s = &self.summary;
        if s.malicious > 0 || (self.strict && s.suspicious > 0) {
            1
        } else if s.error > 0 {
            2
        } else {
            0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(sev: Severity) -> Finding {
        Finding::new(Rule::UnknownGlobal, "x").with_severity(sev)
    }

    #[test]
    fn verdict_tiers() {
        let err = vec![ScanIssue {
            member: None,
            offset: Some(3),
            message: "bad".into(),
        }];
        assert_eq!(FileReport::compute_verdict(&[], &[]), Verdict::Clean);
        assert_eq!(
            FileReport::compute_verdict(&[f(Severity::Info)], &[]),
            Verdict::Clean
        );
        assert_eq!(
            FileReport::compute_verdict(&[f(Severity::Low)], &[]),
            Verdict::Suspicious
        );
        assert_eq!(
            FileReport::compute_verdict(&[f(Severity::Medium)], &err),
            Verdict::Error
        );
        assert_eq!(
            FileReport::compute_verdict(&[f(Severity::High)], &err),
            Verdict::Malicious
        );
        assert_eq!(
            FileReport::compute_verdict(&[f(Severity::Critical)], &[]),
            Verdict::Malicious
        );
    }
}
