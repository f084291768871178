//! Rendering diagnostics for people (miette's graphical reports) and machines (JSON).

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    NamedSource, SourceCode, SourceSpan, SpanContents,
};
use palisade_model::diag::{Diagnostic, Severity};
use palisade_model::{SourceMap, Span};
use std::collections::HashMap;
use std::fmt;
use std::io::IsTerminal;
use std::sync::Arc;

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
    source: Option<NamedSource<Arc<Indexed>>>,
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

/// A model file as miette reads it, with its line starts: a snippet is cut from the lines around
/// its span instead of scanning the file from the top for every diagnostic (thousands of
/// diagnostics on a large model would otherwise each read megabytes).
struct Indexed {
    text: String,
    /// Byte offset of every line's start, as miette counts lines (`\n`, `\r\n` or a lone `\r`).
    lines: Vec<usize>,
}

impl Indexed {
    fn new(text: String) -> Self {
        let bytes = text.as_bytes();
        let mut lines = vec![0];
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => lines.push(i + 1),
                b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                    lines.push(i + 2);
                    i += 1;
                }
                b'\r' => lines.push(i + 1),
                _ => {}
            }
            i += 1;
        }
        Indexed { text, lines }
    }
}

impl SourceCode for Indexed {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        // Start one line above the first context line (so a span at a line's start sees the line
        // break before it); miette reads the rest exactly as it would have.
        let line = self.lines.partition_point(|&s| s <= span.offset()) - 1;
        let first = line.saturating_sub(before + 1);
        let base = self.lines[first];
        let local = SourceSpan::new((span.offset() - base).into(), span.len());
        let c = self.text.as_bytes()[base..].read_span(&local, before, after)?;
        Ok(Box::new(MietteSpanContents::new(
            c.data(),
            SourceSpan::new((c.span().offset() + base).into(), c.span().len()),
            c.line() + first,
            c.column(),
            c.line_count() + first,
        )))
    }
}

/// The model files of one batch of diagnostics, each prepared once.
#[derive(Default)]
struct Sources(HashMap<palisade_model::FileId, (String, Arc<Indexed>)>);

impl Sources {
    fn named(&mut self, sources: &SourceMap, span: Span) -> NamedSource<Arc<Indexed>> {
        let (name, text) = self.0.entry(span.file).or_insert_with(|| {
            let file = sources.get(span.file);
            (
                printable(&file.path.display().to_string()),
                Arc::new(Indexed::new(source_text(&file.text))),
            )
        });
        NamedSource::new(name.clone(), Arc::clone(text)).with_language("yaml")
    }
}

/// A control character that would act on a terminal (tabs and line breaks are fine).
fn is_hostile(c: char) -> bool {
    c.is_control() && !matches!(c, '\n' | '\t' | '\r')
}

/// Text from a model for a diagnostic: control characters shown as escapes, so a hostile file
/// cannot drive the terminal of whoever reads its errors.
fn printable(s: &str) -> String {
    if !s.chars().any(is_hostile) {
        return s.to_string();
    }
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

fn to_report(d: &Diagnostic, sources: &SourceMap, files: &mut Sources) -> Report {
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
                source: Some(files.named(sources, l.span)),
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
        source: primary.map(|p| files.named(sources, p)),
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
    let mut files = Sources::default();
    for d in diags {
        let report = to_report(d, sources, &mut files);
        if handler.render_report(&mut out, &report).is_err() {
            out.push_str(&format!("{}: {}\n", d.code, printable(&d.message)));
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a snippet shows: its bytes, span and position.
    fn seen(c: &dyn SpanContents<'_>) -> (Vec<u8>, usize, usize, usize, usize, usize) {
        (
            c.data().to_vec(),
            c.span().offset(),
            c.span().len(),
            c.line(),
            c.column(),
            c.line_count(),
        )
    }

    #[test]
    fn indexed_sources_cut_the_same_snippets_as_miette() {
        let text = "a: 1\nbb: [x, y]\r\n\r\nccc: z\rdd: 'q'\n\n  - e\n  - ff\nlast";
        let indexed = Indexed::new(text.to_string());
        for offset in 0..text.len() {
            for len in [0, 1, 3, 9] {
                if offset + len > text.len() {
                    continue;
                }
                let span = SourceSpan::new(offset.into(), len);
                for (before, after) in [(0, 0), (1, 1), (2, 3), (5, 0)] {
                    let want = text.read_span(&span, before, after).map(|c| seen(&*c));
                    let got = indexed.read_span(&span, before, after).map(|c| seen(&*c));
                    match (want, got) {
                        (Ok(w), Ok(g)) => {
                            assert_eq!(w, g, "offset {offset} len {len} ±{before}/{after}")
                        }
                        (Err(_), Err(_)) => {}
                        (w, g) => panic!("offset {offset} len {len}: {w:?} vs {g:?}"),
                    }
                }
            }
        }
    }

    #[test]
    fn control_characters_are_shown_not_sent() {
        assert_eq!(printable("a\u{1b}[2Jb\tc"), "a\\u{1b}[2Jb\tc");
        // Same length in bytes, so spans still point at the same places.
        let s = source_text("x: \"\u{1b}\u{85}\"\r\n");
        assert_eq!(s, "x: \"???\"\r\n");
    }
}
