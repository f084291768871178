//! Diagnostics: what a user reads when a model file has a problem.
//!
//! A diagnostic is data (code, message, labelled spans, help); rendering happens at the edge.

use crate::source::{SourceMap, Span};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

/// A labelled span; the first label of a diagnostic is the primary one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable code, e.g. `model::unknown-reference`.
    pub code: &'static str,
    pub message: String,
    pub labels: Vec<Label>,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            labels: Vec::new(),
            help: None,
        }
    }

    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Self::error(code, message)
        }
    }

    pub fn label(mut self, span: Span, message: impl Into<String>) -> Self {
        self.labels.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn primary_span(&self) -> Option<Span> {
        self.labels.first().map(|l| l.span)
    }
}

/// Codes of every diagnostic the model layer emits (documented in `docs/model.md`).
pub mod codes {
    pub const IO: &str = "model::io";
    pub const TOO_LARGE: &str = "model::too-large";
    pub const ENCODING: &str = "model::encoding";
    pub const SYNTAX: &str = "model::syntax";
    pub const LIMIT: &str = "model::limit";
    pub const TYPE: &str = "model::type";
    pub const UNKNOWN_FIELD: &str = "model::unknown-field";
    pub const MISSING_FIELD: &str = "model::missing-field";
    pub const ENUM: &str = "model::unknown-value";
    pub const DUPLICATE_KEY: &str = "model::duplicate-key";
    pub const CONTROL_CHARACTER: &str = "model::control-character";
    pub const INVALID_VALUE: &str = "model::invalid-value";
    pub const INVALID_ID: &str = "model::invalid-id";
    pub const DUPLICATE_ID: &str = "model::duplicate-id";
    pub const UNKNOWN_REFERENCE: &str = "model::unknown-reference";
    pub const WRONG_REFERENCE: &str = "model::wrong-reference-kind";
    pub const ATTRIBUTE_KIND: &str = "model::attribute-not-for-kind";
    pub const BOUNDARY_CYCLE: &str = "model::boundary-cycle";
    pub const BOUNDARY_PARENTS: &str = "model::boundary-parents";
    pub const BOUNDARY_OVERLAP: &str = "model::boundary-overlap";
    pub const INCLUDE: &str = "model::include";
    pub const INCLUDE_CYCLE: &str = "model::include-cycle";
    pub const SYSTEM: &str = "model::system";
    pub const SELF_FLOW: &str = "model::self-flow";
    pub const ACCEPTANCE: &str = "model::acceptance";
    // Warnings.
    pub const UNREACHED_MODEL: &str = "model::unreached-model";
    pub const NO_OWNER: &str = "model::no-owner";
    pub const ISOLATED: &str = "model::isolated-component";
    pub const UNUSED_ASSET: &str = "model::unused-data-asset";
    pub const EMPTY_BOUNDARY: &str = "model::empty-boundary";
    pub const INCONSISTENT: &str = "model::inconsistent-attributes";
    pub const DUPLICATE_FLOW: &str = "model::duplicate-flow";
}

/// A diagnostic with its spans resolved to file positions, for machine-readable output.
#[derive(Debug, Clone, Serialize)]
pub struct ResolvedDiagnostic {
    pub severity: Severity,
    pub code: &'static str,
    pub message: String,
    pub file: Option<String>,
    pub line: Option<u32>,
    pub column: Option<u32>,
    pub end_line: Option<u32>,
    pub end_column: Option<u32>,
    pub labels: Vec<ResolvedLabel>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ResolvedLabel {
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub message: String,
}

impl Diagnostic {
    pub fn resolve(&self, sources: &SourceMap) -> ResolvedDiagnostic {
        let primary = self.primary_span().map(|s| sources.locate(s));
        ResolvedDiagnostic {
            severity: self.severity,
            code: self.code,
            message: self.message.clone(),
            file: primary.as_ref().map(|l| l.path.display().to_string()),
            line: primary.as_ref().map(|l| l.line),
            column: primary.as_ref().map(|l| l.column),
            end_line: primary.as_ref().map(|l| l.end_line),
            end_column: primary.as_ref().map(|l| l.end_column),
            labels: self
                .labels
                .iter()
                .map(|l| {
                    let loc = sources.locate(l.span);
                    ResolvedLabel {
                        file: loc.path.display().to_string(),
                        line: loc.line,
                        column: loc.column,
                        message: l.message.clone(),
                    }
                })
                .collect(),
            help: self.help.clone(),
        }
    }
}

/// Sort diagnostics by file position so output is deterministic and reads top to bottom.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        let ka = a.primary_span().map(|s| (s.file, s.start));
        let kb = b.primary_span().map(|s| (s.file, s.start));
        ka.cmp(&kb)
            .then(b.severity.cmp(&a.severity))
            .then(a.message.cmp(&b.message))
    });
}
