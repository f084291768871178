//! Loading a model: read the root file and its includes, convert, merge, validate.
//!
//! Merge semantics (deterministic): files are visited depth-first in the order their `includes`
//! list them; an included file's elements come before those of the file that includes it; a file
//! reached twice is read once; ids are global across all files, so a duplicate is an error that
//! shows both places.

use crate::convert::{Cx, FromNode, Loc};
use crate::diag::{self, Diagnostic, codes};
use crate::model::{ModelFile, System, is_empty_document};
use crate::node::{Limits, parse};
use crate::source::{FileId, SourceMap, Span};
use crate::validate::{Model, validate};
use std::io::Read;
use std::path::{Path, PathBuf};

/// Where model files come from. The CLI uses [`RealFs`]; tests can use an in-memory map.
pub trait FileSystem {
    /// Read at most `limit + 1` bytes of a file.
    fn read(&self, path: &Path, limit: usize) -> std::io::Result<Vec<u8>>;
    /// A canonical name, used to recognise a file reached twice.
    fn canonical(&self, path: &Path) -> PathBuf;
}

/// The real filesystem.
pub struct RealFs;

impl FileSystem for RealFs {
    fn read(&self, path: &Path, limit: usize) -> std::io::Result<Vec<u8>> {
        let file = std::fs::File::open(path)?;
        if file.metadata()?.is_dir() {
            return Err(std::io::Error::other("is a directory, not a model file"));
        }
        let mut buf = Vec::new();
        file.take(limit as u64 + 1).read_to_end(&mut buf)?;
        Ok(buf)
    }
    fn canonical(&self, path: &Path) -> PathBuf {
        std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
    }
}

/// An in-memory filesystem (tests, fuzzing, the property tests).
#[derive(Default)]
pub struct MemFs(pub std::collections::BTreeMap<PathBuf, Vec<u8>>);

impl FileSystem for MemFs {
    fn read(&self, path: &Path, limit: usize) -> std::io::Result<Vec<u8>> {
        let data = self
            .0
            .get(path)
            .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"))?;
        Ok(data[..data.len().min(limit + 1)].to_vec())
    }
    fn canonical(&self, path: &Path) -> PathBuf {
        normalize(path)
    }
}

/// Lexically normalise `a/./b/../c` to `a/c`.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

fn placeholder_system() -> System {
    System {
        name: Loc::new(String::new(), Span::default()),
        description: None,
        owner: None,
        criticality: Loc::new(crate::model::Criticality::Medium, Span::default()),
        deployment: None,
    }
}

/// The result of loading one model: all sources, all diagnostics, and the model if it is valid.
pub struct Loaded {
    pub sources: SourceMap,
    pub diagnostics: Vec<Diagnostic>,
    pub model: Option<Model>,
}

impl Loaded {
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == diag::Severity::Error)
    }
}

/// Most files one model may pull in through includes.
const MAX_FILES: usize = 256;
/// Deepest include chain.
const MAX_INCLUDE_DEPTH: usize = 16;

struct Loader<'a> {
    fs: &'a dyn FileSystem,
    limits: Limits,
    sources: SourceMap,
    diags: Vec<Diagnostic>,
    seen: Vec<PathBuf>,
    stack: Vec<PathBuf>,
    files: Vec<(FileId, ModelFile)>,
    broken_ids: Vec<String>,
    /// Whether the root file has a `system` key (even one that failed to read).
    root_declares_system: bool,
}

/// Load and validate the model rooted at `path`.
pub fn load(path: &Path, fs: &dyn FileSystem, limits: Limits) -> Loaded {
    let mut loader = Loader {
        fs,
        limits,
        sources: SourceMap::default(),
        diags: Vec::new(),
        seen: Vec::new(),
        stack: Vec::new(),
        files: Vec::new(),
        broken_ids: Vec::new(),
        root_declares_system: false,
    };
    let root = loader.visit(path, None);
    let mut model = None;
    if let Some(root) = root {
        // Validate even when some elements failed to read, to report every problem at once;
        // the model is only returned when there are no errors at all.
        let system = loader
            .root_system(root)
            .unwrap_or_else(|| Loc::new(placeholder_system(), Span::new(root, 0, 0)));
        let files = std::mem::take(&mut loader.files);
        let (m, d) = validate(system, files, &loader.broken_ids);
        loader.diags.extend(d);
        model = Some(m);
    }
    let mut diagnostics = loader.diags;
    diag::sort(&mut diagnostics);
    let failed = diagnostics
        .iter()
        .any(|d| d.severity == diag::Severity::Error);
    Loaded {
        sources: loader.sources,
        diagnostics,
        model: if failed { None } else { model },
    }
}

/// Load a model from text alone (no includes can be resolved except through `fs`).
pub fn load_str(name: &str, text: &str) -> Loaded {
    let mut fs = MemFs::default();
    fs.0.insert(PathBuf::from(name), text.as_bytes().to_vec());
    load(Path::new(name), &fs, Limits::default())
}

impl Loader<'_> {
    /// Read, parse and convert one file, then its includes. Returns the file's id.
    fn visit(&mut self, path: &Path, included_at: Option<Span>) -> Option<FileId> {
        let canonical = self.fs.canonical(path);
        if self.stack.contains(&canonical) {
            let chain: Vec<String> = self
                .stack
                .iter()
                .chain(std::iter::once(&canonical))
                .map(|p| p.display().to_string())
                .collect();
            let mut d = Diagnostic::error(
                codes::INCLUDE_CYCLE,
                format!("include cycle: {}", chain.join(" -> ")),
            )
            .help("a file cannot include itself, directly or through others");
            if let Some(s) = included_at {
                d = d.label(s, "this include closes the cycle");
            }
            self.diags.push(d);
            return None;
        }
        if self.seen.contains(&canonical) {
            return None; // already merged once
        }
        if self.seen.len() >= MAX_FILES || self.stack.len() >= MAX_INCLUDE_DEPTH {
            let mut d = Diagnostic::error(
                codes::LIMIT,
                format!(
                    "too many included files (at most {MAX_FILES} files, {MAX_INCLUDE_DEPTH} levels deep)"
                ),
            );
            if let Some(s) = included_at {
                d = d.label(s, "not loaded");
            }
            self.diags.push(d);
            return None;
        }
        self.seen.push(canonical.clone());

        let text = self.read_text(path, included_at)?;
        let file = self.sources.add(path.to_path_buf(), text);
        let is_json = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"));
        let parsed = self.read_model_file(file, is_json, included_at.is_none())?;
        if let Some(v) = &parsed.format_version
            && v.value != 1
        {
            self.diags.push(
                Diagnostic::error(
                    codes::INVALID_VALUE,
                    format!("unsupported format_version {}", v.value),
                )
                .label(v.span, "this version of palisade reads format 1")
                .help("remove the line or set `format_version: 1`"),
            );
        }

        self.stack.push(canonical);
        let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        for inc in &parsed.includes {
            let target = base.join(&inc.value);
            self.visit(&target, Some(inc.span));
        }
        self.stack.pop();
        self.files.push((file, parsed));
        Some(file)
    }

    /// Parse and convert one loaded file. The document tree borrows the file's text and is
    /// dropped here, before any include is read.
    fn read_model_file(&mut self, file: FileId, is_json: bool, root: bool) -> Option<ModelFile> {
        let text = &self.sources.get(file).text;
        let node = match parse(text, file, is_json, &self.limits) {
            Ok(n) => n,
            Err(d) => {
                self.diags.push(d);
                return None;
            }
        };
        if is_empty_document(&node) {
            self.diags.push(
                Diagnostic::error(codes::SYSTEM, "the model file is empty")
                    .label(Span::new(file, 0, 0), "nothing here")
                    .help("run `palisade init` for a starter model"),
            );
            return None;
        }
        if root && let crate::node::Value::Map(entries) = &node.value {
            self.root_declares_system = entries
                .iter()
                .any(|(k, _)| matches!(&k.value, crate::node::Value::Str(s) if s == "system"));
        }
        let mut cx = Cx::new(file, text);
        let parsed = ModelFile::from_node(&node, &mut cx);
        self.diags.append(&mut cx.diags);
        self.broken_ids.append(&mut cx.broken_ids);
        parsed
    }

    fn read_text(&mut self, path: &Path, included_at: Option<Span>) -> Option<String> {
        let limit = self.limits.max_file_bytes;
        let with_label = |d: Diagnostic| match included_at {
            Some(s) => d.label(s, "included here"),
            None => d,
        };
        let bytes = match self.fs.read(path, limit) {
            Ok(b) => b,
            Err(e) => {
                self.diags.push(with_label(Diagnostic::error(
                    codes::IO,
                    format!("cannot read `{}`: {e}", path.display()),
                )));
                return None;
            }
        };
        if bytes.len() > limit {
            self.diags.push(
                with_label(Diagnostic::error(
                    codes::TOO_LARGE,
                    format!(
                        "`{}` is larger than {limit} bytes, the limit for a model file",
                        path.display()
                    ),
                ))
                .help("split the model with `includes:`, or check that this is a model file"),
            );
            return None;
        }
        let bytes = bytes
            .strip_prefix(b"\xEF\xBB\xBF")
            .map(<[u8]>::to_vec)
            .unwrap_or(bytes);
        match String::from_utf8(bytes) {
            Ok(s) => Some(s),
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                let before = &e.as_bytes()[..at];
                let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
                let line_start = before
                    .iter()
                    .rposition(|&b| b == b'\n')
                    .map_or(0, |p| p + 1);
                let column = String::from_utf8_lossy(&before[line_start..])
                    .chars()
                    .count()
                    + 1;
                self.diags.push(
                    with_label(Diagnostic::error(
                        codes::ENCODING,
                        format!(
                            "`{}` is not UTF-8 text: invalid byte at byte offset {at} (line {line}, column {column})",
                            path.display()
                        ),
                    ))
                    .help("model files are UTF-8 YAML or JSON"),
                );
                None
            }
        }
    }

    /// The root file's `system`; included files must not declare one.
    fn root_system(&mut self, root: FileId) -> Option<Loc<System>> {
        let mut system = None;
        for (file, parsed) in &self.files {
            match (&parsed.system, *file == root) {
                (Some(s), true) => system = Some(s.clone()),
                (Some(s), false) => self.diags.push(
                    Diagnostic::error(codes::SYSTEM, "`system` belongs in the root model file")
                        .label(s.span, "declared in an included file")
                        .help("included files hold shared elements; describe the system in the file you check"),
                ),
                (None, true) if self.root_declares_system => {}
                (None, true) => self.diags.push(
                    Diagnostic::error(codes::SYSTEM, "the model has no `system` section")
                        .label(Span::new(*file, 0, 0), "expected `system:` in this file")
                        .help("add `system:` with at least `name` and `criticality`"),
                ),
                (None, false) => {}
            }
        }
        system
    }
}
