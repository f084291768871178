//! A spanned document tree read from YAML or JSON.
//!
//! The parser (serde-saphyr) gives us every node with its byte span. We keep the whole tree so
//! that the typed conversion can report *every* problem, not just the first one serde meets.

use crate::diag::{Diagnostic, codes};
use crate::source::{FileId, Span};
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;
use std::borrow::Cow;
use std::fmt;

/// Hard limits on what one model file may contain. Hostile input meets these long before it can
/// exhaust memory or the stack.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_file_bytes: usize,
    pub max_nodes: usize,
    pub max_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 64 * 1024 * 1024,
            max_nodes: 8_000_000,
            max_depth: 48,
        }
    }
}

/// A node's value. Strings borrow the source text where it holds them as written (plain
/// scalars, quoted ones without escapes), so reading a file allocates little beyond the tree.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'s> {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Cow<'s, str>),
    Seq(Vec<Node<'s>>),
    Map(Vec<(Node<'s>, Node<'s>)>),
}

/// A value with the byte range of the source text it was read from.
#[derive(Debug, Clone, PartialEq)]
pub struct Node<'s> {
    pub start: u32,
    pub len: u32,
    pub value: Value<'s>,
}

impl<'s> Node<'s> {
    pub fn span(&self, file: FileId) -> Span {
        Span {
            file,
            start: self.start,
            len: self.len,
        }
    }

    /// A short name of the node's type, for "expected X, found Y" messages.
    pub fn type_name(&self) -> &'static str {
        match self.value {
            Value::Null => "nothing (null)",
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a number",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }

    /// Convert to JSON (used to validate files against the published schema, and by tests).
    pub fn to_json(&self, source: &str) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Int(i) => J::from(*i),
            Value::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
            Value::Str(s) => J::String(s.to_string()),
            Value::Seq(items) => J::Array(items.iter().map(|n| n.to_json(source)).collect()),
            Value::Map(entries) => J::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.scalar_text(source), v.to_json(source)))
                    .collect(),
            ),
        }
    }

    /// The text of a scalar: the parsed string, or for booleans and numbers the text as written
    /// (so `version: 1.10` read as a string stays `1.10`).
    pub fn scalar_text(&self, source: &str) -> String {
        self.scalar_str(source).to_string()
    }

    /// [`Node::scalar_text`] without a copy.
    pub fn scalar_str<'a>(&'a self, source: &'a str) -> &'a str {
        match &self.value {
            Value::Str(s) => s,
            Value::Null => "",
            _ => source
                .get(self.start as usize..(self.start + self.len) as usize)
                .unwrap_or("")
                .trim(),
        }
    }
}

fn from_spanned(s: Spanned<Node<'static>>) -> Node<'static> {
    let span = s.referenced.span();
    Node {
        start: span.byte_offset().unwrap_or(0) as u32,
        len: span.byte_len().unwrap_or(0) as u32,
        value: s.value.value,
    }
}

struct NodeVisitor;

/// The complete parser builds an owned tree (`Node<'static>`).
impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node<'static>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Node<'static>, E> {
        Ok(leaf(Value::Bool(v)))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Node<'static>, E> {
        Ok(leaf(Value::Int(v)))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Node<'static>, E> {
        Ok(leaf(match i64::try_from(v) {
            Ok(i) => Value::Int(i),
            Err(_) => Value::Float(v as f64),
        }))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Node<'static>, E> {
        Ok(leaf(match i64::try_from(v) {
            Ok(i) => Value::Int(i),
            Err(_) => Value::Float(v as f64),
        }))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Node<'static>, E> {
        Ok(leaf(match i64::try_from(v) {
            Ok(i) => Value::Int(i),
            Err(_) => Value::Float(v as f64),
        }))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Node<'static>, E> {
        Ok(leaf(Value::Float(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Node<'static>, E> {
        Ok(leaf(Value::Str(Cow::Owned(v.to_owned()))))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Node<'static>, E> {
        Ok(leaf(Value::Str(Cow::Owned(v))))
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Node<'static>, E> {
        Ok(leaf(Value::Str(Cow::Owned(
            String::from_utf8_lossy(v).into_owned(),
        ))))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Node<'static>, E> {
        Ok(leaf(Value::Null))
    }
    fn visit_none<E: de::Error>(self) -> Result<Node<'static>, E> {
        Ok(leaf(Value::Null))
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Node<'static>, D::Error> {
        d.deserialize_any(NodeVisitor)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node<'static>, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Spanned<Node<'static>>>()? {
            items.push(from_spanned(item));
        }
        Ok(leaf(Value::Seq(items)))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node<'static>, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Spanned<Node<'static>>>()? {
            let value = map.next_value::<Spanned<Node<'static>>>()?;
            entries.push((from_spanned(key), from_spanned(value)));
        }
        Ok(leaf(Value::Map(entries)))
    }
}

fn leaf(value: Value<'static>) -> Node<'static> {
    Node {
        start: 0,
        len: 0,
        value,
    }
}

impl<'de> Deserialize<'de> for Node<'static> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Node<'static>, D::Error> {
        d.deserialize_any(NodeVisitor)
    }
}

/// Parse a model file's text. JSON files first pass a strict JSON syntax check, because the YAML
/// parser would accept JSON with comments or trailing commas.
pub fn parse<'s>(
    text: &'s str,
    file: FileId,
    is_json: bool,
    limits: &Limits,
) -> Result<Node<'s>, Diagnostic> {
    if text.len() > limits.max_file_bytes {
        return Err(Diagnostic::error(
            codes::TOO_LARGE,
            format!(
                "file is {} bytes; model files are limited to {} bytes",
                text.len(),
                limits.max_file_bytes
            ),
        )
        .help("split the model with `includes:`, or check that this is really a model file"));
    }
    if let Some(pos) = text.find('\0') {
        return Err(Diagnostic::error(
            codes::ENCODING,
            format!("file contains a NUL byte at byte offset {pos}; this is not a text file"),
        )
        .label(Span::new(file, pos, 0), "binary content here"));
    }
    if is_json && let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(text) {
        let offset = offset_of(text, e.line(), e.column());
        let msg = e.to_string();
        let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
        return Err(
            Diagnostic::error(codes::SYNTAX, format!("invalid JSON: {msg}"))
                .label(Span::new(file, offset, 0), "here")
                .help("strict JSON has no comments and no trailing commas; use YAML for those"),
        );
    }
    if text.trim().is_empty() {
        return Ok(Node {
            start: 0,
            len: 0,
            value: Value::Null,
        });
    }
    if let Some(node) = crate::scan::parse(text, limits) {
        return Ok(node);
    }
    if let Some(node) = crate::fastparse::parse(text, limits) {
        return Ok(node);
    }
    parse_complete(text, file, limits)
}

/// The complete parser: every YAML feature, budgets against hostile input, and the diagnostics.
pub(crate) fn parse_complete(
    text: &str,
    file: FileId,
    limits: &Limits,
) -> Result<Node<'static>, Diagnostic> {
    let options = serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_nodes: limits.max_nodes,
            max_events: limits.max_nodes.saturating_mul(3),
            max_depth: limits.max_depth,
            max_total_scalar_bytes: limits.max_file_bytes,
        },
        strict_booleans: true,
        with_snippet: false,
    };
    match serde_saphyr::from_str_with_options::<Spanned<Node<'static>>>(text, options) {
        Ok(root) => Ok(from_spanned(root)),
        Err(e) => Err(syntax_error(&e, text, file)),
    }
}

fn syntax_error(e: &serde_saphyr::Error, text: &str, file: FileId) -> Diagnostic {
    let location = e.location();
    let offset = location
        .map(|l| {
            l.span().byte_offset().map_or_else(
                || offset_of(text, l.line() as usize, l.column() as usize),
                |b| b as usize,
            )
        })
        .unwrap_or(0);
    let mut msg = e.without_snippet().to_string();
    // The parser appends its own position; we show ours with a snippet instead.
    if let Some(i) = msg.find(" at line ") {
        msg.truncate(i);
    }
    // Drop hints addressed to programmers using the parser library.
    if let Some(i) = msg.find(", set ") {
        msg.truncate(i);
    }
    let lower = msg.to_lowercase();
    if let Some(i) = lower.find("budget breached: ") {
        // e.g. `budget breached: Aliases { … }`: keep which limit, not the parser's internals.
        let what: String = msg[i + 17..]
            .chars()
            .take_while(|c| c.is_ascii_alphabetic())
            .collect();
        msg = format!(
            "the document exceeds palisade's safety limits ({})",
            what.to_lowercase()
        );
    }
    let (code, help) = if lower.contains("multiple yaml documents") {
        msg = "a second YAML document (`---`) follows the first".into();
        (
            codes::SYNTAX,
            "a model file holds one document; split documents into files and use `includes:`",
        )
    } else if lower.contains("duplicate") {
        (codes::DUPLICATE_KEY, "each key may appear once per mapping")
    } else if lower.contains("budget") || lower.contains("limit") {
        (
            codes::LIMIT,
            "the document exceeds palisade's safety limits (nesting depth, node count or alias expansion); model files never need this",
        )
    } else if lower.contains("tabs") {
        (codes::SYNTAX, "YAML indentation must use spaces, not tabs")
    } else {
        (codes::SYNTAX, "fix the YAML syntax at this position")
    };
    Diagnostic::error(code, format!("invalid YAML: {msg}"))
        .label(Span::new(file, offset.min(text.len()), 0), "here")
        .help(help)
}

/// Byte offset of a 1-based line and column (in characters).
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            let col = column.saturating_sub(1);
            return offset
                + l.char_indices()
                    .nth(col)
                    .map_or(l.len().min(l.trim_end_matches('\n').len()), |(b, _)| b);
        }
        offset += l.len();
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Result<Node<'_>, Diagnostic> {
        parse(s, FileId(0), false, &Limits::default())
    }

    #[test]
    fn spans_point_at_values() {
        let src = "a:\n  b: hello\n";
        let root = p(src).unwrap();
        let Value::Map(m) = &root.value else { panic!() };
        let Value::Map(inner) = &m[0].1.value else {
            panic!()
        };
        let (k, v) = &inner[0];
        assert_eq!(&src[k.start as usize..(k.start + k.len) as usize], "b");
        assert_eq!(&src[v.start as usize..(v.start + v.len) as usize], "hello");
    }

    #[test]
    fn yes_and_no_stay_strings() {
        let root = p("a: yes\nb: y\nc: true").unwrap();
        let Value::Map(m) = &root.value else { panic!() };
        assert_eq!(m[0].1.value, Value::Str("yes".into()));
        assert_eq!(m[1].1.value, Value::Str("y".into()));
        assert_eq!(m[2].1.value, Value::Bool(true));
    }

    #[test]
    fn alias_bomb_is_refused() {
        let mut s = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            s.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let err = p(&s).unwrap_err();
        assert_eq!(err.code, codes::LIMIT, "{err:?}");
    }

    #[test]
    fn deep_nesting_is_refused() {
        let s = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert!(p(&s).is_err());
        let s = (0..5000).fold(String::new(), |acc, i| acc + &" ".repeat(i) + "a:\n");
        assert!(p(&s).is_err());
    }

    #[test]
    fn nul_bytes_are_refused_with_offset() {
        let err = p("a: b\n\0\0").unwrap_err();
        assert_eq!(err.code, codes::ENCODING);
        assert!(err.message.contains("offset 5"));
    }

    /// The fast path and the complete parser must build the same tree wherever the fast path
    /// accepts a document.
    fn same_tree(text: &str) {
        let limits = Limits::default();
        let fast = [
            ("scanner", crate::scan::parse(text, &limits)),
            ("event path", crate::fastparse::parse(text, &limits)),
        ];
        for (path, tree) in fast {
            if let Some(tree) = tree {
                let complete = parse_complete(text, FileId(0), &limits).unwrap_or_else(|e| {
                    panic!("the {path} accepts what the parser refuses: {e:?}\n{text}")
                });
                assert_eq!(
                    tree, complete,
                    "the {path} and the parser differ for:\n{text}"
                );
            }
        }
    }

    #[test]
    fn fast_path_builds_the_same_tree_as_the_complete_parser() {
        let examples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
        let mut accepted = 0;
        for e in std::fs::read_dir(examples).unwrap().flatten() {
            if e.path().extension().is_some_and(|x| x == "yaml") {
                let text = std::fs::read_to_string(e.path()).unwrap();
                same_tree(&text);
                accepted +=
                    usize::from(crate::fastparse::parse(&text, &Limits::default()).is_some());
                assert!(
                    crate::scan::parse(&text, &Limits::default()).is_some(),
                    "the scanner should take {}",
                    e.path().display()
                );
            }
        }
        assert!(
            accepted >= 5,
            "the fast path should take the bundled examples"
        );
        for t in crate::templates::TEMPLATES {
            same_tree(t.text);
            assert!(
                crate::scan::parse(t.text, &Limits::default()).is_some(),
                "the scanner should take the template {}",
                t.name
            );
        }
        for text in [
            "a: 1\nb: -2\nc: 1.5\nd: 1.10\ne: 0\nf: 007\ng: 1e3\nh: 0x1f\ni: .inf\nj: 1_000\n",
            "v: [yes, no, on, off, True, FALSE, Null, ~, '', \"x\", 2026-01-15, 1.2.3, c12, -x]\n",
            "m: {a: 1, b: [x, {c: d}]}\nn:\n  - p\n  - q: r\n    s: t\nempty:\nlist: []\nmap: {}\n",
            "text: |\n  line one\n  line two\nfolded: >\n  a\n  b\nq: 'it''s'\nu: \"\\u00e9\"\n",
            "{\"system\": {\"name\": \"S\", \"n\": 3, \"f\": 2.5, \"b\": true, \"z\": null}}",
            "a: &x 1\nb: *x\n",
            "a: 1\na: 2\n",
            "---\na: 1\n---\nb: 2\n",
            "!!str a: b\n",
            "héllo: wörld\nkey with spaces: value, with comma\n",
        ] {
            same_tree(text);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 300, .. Default::default() })]

        /// Mutated templates: wherever the fast path accepts the result, the trees agree.
        #[test]
        fn fast_path_agrees_on_mutated_documents(
            t in 0..crate::templates::TEMPLATES.len(),
            cut in proptest::prelude::any::<usize>(),
            insert in "[a-z0-9 :\\-\\[\\]{},'\"#&*!.|>]{0,12}",
        ) {
            let text = crate::templates::TEMPLATES[t].text;
            let mut at = cut % text.len().max(1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            same_tree(&format!("{}{}{}", &text[..at], insert, &text[at..]));
        }
    }

    /// Every YAML and JSON file of the repository: examples, templates, the threat library, the
    /// mitigation catalog, the policy, the published schemas.
    fn repository_documents() -> Vec<(std::path::PathBuf, String)> {
        fn walk(dir: &std::path::Path, out: &mut Vec<(std::path::PathBuf, String)>) {
            let Ok(entries) = std::fs::read_dir(dir) else {
                return;
            };
            let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
            paths.sort();
            for p in paths {
                let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
                if name.starts_with('.') || name == "target" {
                    continue;
                }
                if p.is_dir() {
                    walk(&p, out);
                } else if ["yaml", "yml", "json"]
                    .iter()
                    .any(|x| p.extension().is_some_and(|e| e == *x))
                    && let Ok(text) = std::fs::read_to_string(&p)
                {
                    out.push((p, text));
                }
            }
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut out = Vec::new();
        walk(&root, &mut out);
        out
    }

    #[test]
    fn fast_paths_build_the_same_trees_for_every_document_in_the_repository() {
        let docs = repository_documents();
        let mut scanned = 0;
        for (path, text) in &docs {
            same_tree(text);
            if crate::scan::parse(text, &Limits::default()).is_some() {
                scanned += 1;
            } else {
                eprintln!("left to the parser: {}", path.display());
            }
        }
        assert!(docs.len() >= 70, "found only {} documents", docs.len());
        // The files are in the subset the scanner reads: models, rules, catalog, schemas.
        assert!(
            scanned * 10 >= docs.len() * 9,
            "scanned {scanned} of {}",
            docs.len()
        );
    }

    /// The documents the mutation tests start from: every template, example, rule file and
    /// other document of the repository.
    fn seeds() -> Vec<String> {
        let mut out: Vec<String> = crate::templates::TEMPLATES
            .iter()
            .map(|t| t.text.to_string())
            .collect();
        out.extend(repository_documents().into_iter().map(|(_, text)| text));
        out
    }

    /// Line-level edits that keep a document mostly well-formed, so that the fast paths accept
    /// many of the results: indent or dedent a line, join two lines, split one, duplicate,
    /// delete or swap lines, put a token at a line's start, end or middle.
    fn mutate(text: &str, kind: usize, a: usize, b: usize, token: &str) -> String {
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        if lines.is_empty() {
            return token.to_string();
        }
        let n = lines.len();
        let (i, j) = (a % n, b % n);
        let cut = |l: &str, at: usize| {
            let mut at = at % (l.len() + 1);
            while !l.is_char_boundary(at) {
                at -= 1;
            }
            at
        };
        match kind % 10 {
            0 => lines[i].insert(0, ' '),
            1 => {
                let l = &lines[i];
                let trimmed = l.strip_prefix("  ").unwrap_or(l.trim_start());
                lines[i] = trimmed.to_string();
            }
            2 if i + 1 < n => {
                let next = lines.remove(i + 1);
                lines[i].push_str(&next);
            }
            3 => {
                let at = cut(&lines[i], b);
                let rest = lines[i].split_off(at);
                lines.insert(i + 1, rest);
            }
            4 => lines.insert(i, lines[j].clone()),
            5 => {
                lines.remove(i);
            }
            6 => lines.swap(i, j),
            7 => lines[i].insert_str(0, token),
            8 => lines[i].push_str(token),
            _ => {
                let at = cut(&lines[i], b);
                lines[i].insert_str(at, token);
            }
        }
        let mut out = lines.join("\n");
        if !a.is_multiple_of(3) {
            out.push('\n');
        }
        out
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 2000, .. Default::default() })]

        /// Line edits of every example and template: wherever a fast path accepts the result,
        /// the trees agree with the complete parser's.
        #[test]
        fn fast_paths_agree_on_edited_documents(
            seed in proptest::prelude::any::<usize>(),
            edits in proptest::collection::vec(
                (0usize..10, proptest::prelude::any::<usize>(), proptest::prelude::any::<usize>(),
                 proptest::prop_oneof![
                    proptest::strategy::Just(String::new()),
                    "[a-z0-9 :\\-\\[\\]{},'\"#&*!.|>?%@`~\\\\/]{0,8}",
                    proptest::strategy::Just("- ".to_string()),
                    proptest::strategy::Just(": ".to_string()),
                    proptest::strategy::Just(" # c".to_string()),
                    proptest::strategy::Just("\"a\\\"b\"".to_string()),
                    proptest::strategy::Just("'it''s'".to_string()),
                    proptest::strategy::Just("key: |\n  x\n".to_string()),
                    proptest::strategy::Just("k: >-\n".to_string()),
                    proptest::strategy::Just("{a: [b, c]}".to_string()),
                    proptest::strategy::Just("\u{e9}\u{2028}".to_string()),
                    proptest::strategy::Just("\t".to_string()),
                    proptest::strategy::Just("\r".to_string()),
                    proptest::strategy::Just("---".to_string()),
                    proptest::strategy::Just("~".to_string()),
                    proptest::strategy::Just("null".to_string()),
                    proptest::strategy::Just("1.5e3".to_string()),
                    proptest::strategy::Just("      more words".to_string()),
                    proptest::strategy::Just("   - x".to_string()),
                    proptest::strategy::Just("\n\n".to_string()),
                    proptest::strategy::Just("  # note".to_string()),
                 ]),
                1..4,
            ),
        ) {
            let seeds = seeds();
            let mut text = seeds[seed % seeds.len()].clone();
            for (kind, a, b, token) in &edits {
                text = mutate(&text, *kind, *a, *b, token);
            }
            same_tree(&text);
        }
    }

    #[test]
    fn json_comments_are_refused() {
        let err = parse("{\"a\": 1, // c\n}", FileId(0), true, &Limits::default()).unwrap_err();
        assert_eq!(err.code, codes::SYNTAX);
    }
}
