//! The scan engine: per-file context, format dispatch and recursion into members and literals.

use crate::ScanOptions;
use crate::containers;
use crate::detect::{self, Sniff};
use crate::formats;
use crate::pickle;
use crate::report::{FileReport, Finding, Format, ScanIssue};
use crate::rules::Rule;
use crate::source;
use std::path::Path;

/// Where inside a file something is: `None` for the file itself, else a member path such as
/// `archive/data.pkl`, `outer.zip/inner.tar/x.pkl` or `data.pkl@1234` (literal at offset 1234).
#[derive(Debug, Clone, Default)]
pub(crate) struct Loc {
    member: Option<String>,
}

impl Loc {
    pub(crate) fn root() -> Loc {
        Loc { member: None }
    }
    pub(crate) fn child(&self, name: &str) -> Loc {
        Loc {
            member: Some(match &self.member {
                None => name.to_string(),
                Some(p) => format!("{p}/{name}"),
            }),
        }
    }
    pub(crate) fn literal(&self, offset: u64) -> Loc {
        Loc {
            member: Some(format!("{}@{offset}", self.member.as_deref().unwrap_or(""))),
        }
    }
    pub(crate) fn display(&self) -> String {
        self.member.clone().unwrap_or_else(|| "<file>".into())
    }
}

/// Per-file scan state.
pub(crate) struct Ctx<'o> {
    pub opts: &'o ScanOptions,
    findings: Vec<Finding>,
    errors: Vec<ScanIssue>,
    pub members: u64,
    pub bytes_inspected: u64,
    pub expanded: u64,
    pub entries: u64,
    /// Errors are dropped: content is only a candidate (a literal that might be a pickle).
    candidate: bool,
    /// The file's mapping, so long walks over it can drop pages they have passed.
    pub root_map: Option<&'o memmap2::Mmap>,
}

impl<'o> Ctx<'o> {
    pub(crate) fn new(opts: &'o ScanOptions) -> Self {
        Ctx {
            opts,
            findings: Vec::new(),
            errors: Vec::new(),
            members: 0,
            bytes_inspected: 0,
            expanded: 0,
            entries: 0,
            candidate: false,
            root_map: None,
        }
    }

    pub(crate) fn push(&mut self, loc: &Loc, mut f: Finding) {
        f.member = loc.member.clone();
        self.findings.push(f);
    }

    pub(crate) fn error(&mut self, loc: &Loc, offset: Option<u64>, message: String) {
        if self.candidate {
            return;
        }
        self.errors.push(ScanIssue {
            member: loc.member.clone(),
            offset,
            message,
        });
    }

    /// Scans content whose format is unknown. `full_len` is the real content length when
    /// `data` is only a prefix of it (large compressed members); scanners that need the whole
    /// content are only called with complete data.
    pub(crate) fn scan_data(&mut self, data: &[u8], loc: &Loc, depth: u32) -> Format {
        if depth > self.opts.limits.max_depth {
            self.push(
                loc,
                Finding::new(
                    Rule::DepthLimit,
                    format!(
                        "nesting deeper than {} levels; not scanned",
                        self.opts.limits.max_depth
                    ),
                ),
            );
            return Format::Unknown;
        }
        let sniff = detect::sniff(data);
        let format = match sniff {
            Sniff::Zip => containers::zip::scan(self, data, loc, depth),
            Sniff::Tar => containers::tar::scan(self, data, loc, depth),
            Sniff::Compressed(fmt) => containers::scan_compressed(self, data, loc, depth, fmt),
            Sniff::Other(fmt) => {
                self.push(
                    loc,
                    Finding::new(
                        Rule::Uninspected,
                        format!(
                            "{} stream: this compression is not decoded; content not inspected",
                            fmt.as_str()
                        ),
                    )
                    .at(0),
                );
                self.bytes_inspected += 8;
                fmt
            }
            Sniff::Npy => formats::npy::scan(self, data, data.len() as u64, loc, depth),
            Sniff::Safetensors => formats::safetensors::scan(self, data, loc),
            Sniff::Gguf => formats::gguf::scan(self, data, loc),
            Sniff::Hdf5(at) => formats::keras::scan_h5(self, data, at, loc),
            Sniff::Pickle => pickle::scan_stream(self, data, loc, depth),
            Sniff::Unknown => {
                if formats::template::is_tokenizer_config(data) {
                    formats::template::scan_tokenizer_config(self, data, loc)
                } else if pickle::plausible(data, self) {
                    pickle::scan_stream(self, data, loc, depth)
                } else {
                    self.bytes_inspected += data.len().min(512) as u64;
                    Format::Unknown
                }
            }
        };
        // A tar's last member may be a zip; its directory is then near the end of the tar.
        if !matches!(sniff, Sniff::Zip | Sniff::Tar)
            && let Some(zip_at) = containers::zip::trailing_zip(data)
        {
            // A zip after other content (polyglot): zip readers open it from the end.
            self.push(
                loc,
                Finding::new(
                    Rule::PrependedData,
                    format!(
                        "a zip archive starts at offset {zip_at} after {} content",
                        format.as_str()
                    ),
                )
                .at(zip_at),
            );
            containers::zip::scan(self, data, loc, depth);
        }
        format
    }

    /// Scans a literal that might be a nested stream; returns its format when recognised.
    pub(crate) fn scan_nested(&mut self, data: &[u8], loc: &Loc, depth: u32) -> Option<Format> {
        let was = self.candidate;
        self.candidate = true;
        let before = self.findings.len();
        let f = self.scan_data(data, loc, depth);
        self.candidate = was;
        (f != Format::Unknown || self.findings.len() > before).then_some(f)
    }

    fn finish(
        mut self,
        path: String,
        format: Format,
        size: u64,
        sha256: Option<String>,
    ) -> FileReport {
        self.findings.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then(a.member.cmp(&b.member))
                .then(a.offset.cmp(&b.offset))
        });
        let verdict = FileReport::compute_verdict(&self.findings, &self.errors);
        FileReport {
            path,
            format,
            verdict,
            size,
            sha256,
            findings: self.findings,
            errors: self.errors,
            members_scanned: self.members,
            bytes_inspected: self.bytes_inspected,
        }
    }
}

/// Scans one file on disk.
pub(crate) fn scan_file(path: &Path, opts: &ScanOptions) -> FileReport {
    let display = path.display().to_string();
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => return source::error_report(path, format!("cannot open: {e}")),
    };
    let size = match file.metadata() {
        Ok(m) => m.len(),
        Err(e) => return source::error_report(path, format!("cannot stat: {e}")),
    };
    let map = match source::map(&file, size) {
        Ok(m) => m,
        Err(e) => return source::error_report(path, format!("cannot map: {e}")),
    };
    let sha = if opts.hash {
        source::sha256_file(path).ok()
    } else {
        None
    };
    let data: &[u8] = map.as_deref().unwrap_or(&[]);
    let mut ctx = Ctx::new(opts);
    ctx.root_map = map.as_ref();
    let format = scan_root(&mut ctx, data);
    ctx.finish(display, format, size, sha)
}

fn scan_root(ctx: &mut Ctx, data: &[u8]) -> Format {
    let loc = Loc::root();
    if data.is_empty() {
        return Format::Unknown;
    }
    let format = ctx.scan_data(data, &loc, 0);
    if format == Format::Unknown {
        ctx.push(
            &loc,
            Finding::new(
                Rule::UnrecognisedFormat,
                "content is not a recognised model, data or archive format",
            ),
        );
    }
    format
}

/// Scans a buffer as a file named `name`.
pub(crate) fn scan_buffer(name: &str, data: &[u8], opts: &ScanOptions) -> FileReport {
    let mut ctx = Ctx::new(opts);
    let format = scan_root(&mut ctx, data);
    let sha = opts.hash.then(|| {
        use sha2::{Digest, Sha256};
        source::hex(&Sha256::digest(data))
    });
    ctx.finish(name.to_string(), format, data.len() as u64, sha)
}
