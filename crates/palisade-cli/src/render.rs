//! Rendering diagnostics for people (miette's graphical reports) and machines (JSON).

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};
use palisade_model::diag::{Diagnostic, Severity};
use palisade_model::{SourceMap, Span};
use std::fmt;
use std::io::IsTerminal;

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// How to draw terminal output.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    /// Colours on stderr (diagnostics).
    pub color: bool,
    /// Colours on stdout (reports).
    pub out_color: bool,
    pub width: usize,
}

impl Style {
    pub fn detect(choice: ColorChoice) -> Style {
        let tty = std::io::stderr().is_terminal();
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let color = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => tty && !no_color,
        };
        let out_color = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => std::io::stdout().is_terminal() && !no_color,
        };
        let width = columns().filter(|w| *w >= 40).unwrap_or(100);
        Style {
            color,
            out_color,
            width,
        }
    }
}

/// The terminal's width from `COLUMNS`, when set to a number.
pub fn columns() -> Option<usize> {
    std::env::var("COLUMNS").ok()?.trim().parse().ok()
}

/// One diagnostic prepared for miette: labels in the primary file are drawn in one snippet,
/// labels in other files become related notes with their own snippets.
struct Report {
    /// `None` for notes attached to another diagnostic.
    severity: Option<Severity>,
    code: &'static str,
    message: String,
    help: Option<String>,
    source: Option<NamedSource<String>>,
    labels: Vec<LabeledSpan>,
    related: Vec<Report>,
}

impl fmt::Debug for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report {}

impl miette::Diagnostic for Report {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.severity
            .map(|_| Box::new(self.code) as Box<dyn fmt::Display>)
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            Some(Severity::Error) => miette::Severity::Error,
            Some(Severity::Warning) => miette::Severity::Warning,
            None => miette::Severity::Advice,
        })
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            None
        } else {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        if self.related.is_empty() {
            None
        } else {
            Some(Box::new(
                self.related.iter().map(|r| r as &dyn miette::Diagnostic),
            ))
        }
    }
}

fn source_span(span: Span) -> SourceSpan {
    SourceSpan::new((span.start as usize).into(), span.len as usize)
}

fn named_source(sources: &SourceMap, span: Span) -> NamedSource<String> {
    let file = sources.get(span.file);
    NamedSource::new(
        printable(&file.path.display().to_string()),
        source_text(&file.text),
    )
    .with_language("yaml")
}

/// A control character that would act on a terminal (tabs and line breaks are fine).
fn is_hostile(c: char) -> bool {
    c.is_control() && !matches!(c, '\n' | '\t' | '\r')
}

/// Text from a model for a diagnostic: control characters shown as escapes, so a hostile file
/// cannot drive the terminal of whoever reads its errors.
fn printable(s: &str) -> String {
    s.chars()
        .map(|c| {
            if is_hostile(c) {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// A source file for a snippet: each control character becomes as many `?` as it has bytes, so
/// the spans still point at the same places.
fn source_text(text: &str) -> String {
    if !text.chars().any(is_hostile) {
        return text.to_string();
    }
    text.chars()
        .map(|c| {
            if is_hostile(c) {
                "?".repeat(c.len_utf8())
            } else {
                c.to_string()
            }
        })
        .collect()
}

fn to_report(d: &Diagnostic, sources: &SourceMap) -> Report {
    let primary = d.primary_span();
    let mut labels = Vec::new();
    let mut related = Vec::new();
    for (i, l) in d.labels.iter().enumerate() {
        if primary.is_some_and(|p| p.file == l.span.file) {
            let text = Some(printable(&l.message));
            labels.push(if i == 0 {
                LabeledSpan::new_primary_with_span(text, source_span(l.span))
            } else {
                LabeledSpan::new_with_span(text, source_span(l.span))
            });
        } else {
            related.push(Report {
                severity: None,
                code: "note",
                message: format!("note: {}", printable(&l.message)),
                help: None,
                source: Some(named_source(sources, l.span)),
                labels: vec![LabeledSpan::new_primary_with_span(
                    Some(printable(&l.message)),
                    source_span(l.span),
                )],
                related: Vec::new(),
            });
        }
    }
    Report {
        severity: Some(d.severity),
        code: d.code,
        message: printable(&d.message),
        help: d.help.as_deref().map(printable),
        source: primary.map(|p| named_source(sources, p)),
        labels,
        related,
    }
}

/// Render diagnostics as miette reports.
pub fn diagnostics(diags: &[Diagnostic], sources: &SourceMap, style: Style) -> String {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(style.width)
        .with_context_lines(1)
        .with_links(false);
    let mut out = String::new();
    for d in diags {
        let report = to_report(d, sources);
        if handler.render_report(&mut out, &report).is_err() {
            out.push_str(&format!("{}: {}\n", d.code, printable(&d.message)));
        }
        out.push('\n');
    }
    out
}
