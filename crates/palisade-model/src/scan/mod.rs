//! The fastest path: a hand-written reader for the YAML that model files are made of — block
//! mappings and sequences, flow mappings and sequences, plain and quoted one-line scalars, simple
//! block scalars, comments — building the same tree as the complete parser, spans included.
//!
//! It reads one byte at a time with no token queue and returns `None` as soon as it meets
//! anything it is not sure of (anchors, tags, aliases, directives, several documents, tabs, CRs,
//! multi-line plain or quoted scalars, escapes it does not know, ambiguous scalars, duplicate
//! keys, odd indentation, anything over the limits, any syntax error), so that the event-based
//! fast path or the complete parser reads the document and gives the usual result or diagnostic.
//! Tests compare its trees with the complete parser's on the examples, the templates and
//! mutated documents.

use crate::node::{Limits, Node, Value};

mod scalars;

/// Bail out to the next parser.
type R<T> = Option<T>;

struct Scanner<'s> {
    src: &'s [u8],
    text: &'s str,
    pos: usize,
    nodes: usize,
    max_nodes: usize,
    max_depth: usize,
    /// Items and entries of the collections being read, innermost last: each collection's
    /// `Vec` is allocated once, at its exact size, when it ends.
    items: Vec<Node<'s>>,
    entries: Vec<(Node<'s>, Node<'s>)>,
}

/// Build the tree, or `None` to let the next parser handle the document.
pub fn parse<'s>(text: &'s str, limits: &Limits) -> Option<Node<'s>> {
    if !plain_text(text) {
        return None;
    }
    let mut s = Scanner {
        src: text.as_bytes(),
        text,
        pos: 0,
        nodes: 0,
        max_nodes: limits.max_nodes,
        max_depth: limits.max_depth,
        items: Vec::new(),
        entries: Vec::new(),
    };
    s.skip_blank_lines()?;
    if s.pos >= s.src.len() || s.column() != 0 {
        return None;
    }
    let root = match s.peek() {
        b'[' | b'{' => {
            let n = s.flow_node(0, -1)?;
            s.end_of_line()?;
            n
        }
        b'-' if s.dash_entry() => s.block_seq(0, 0, false)?,
        _ => s.block_map(0, 0)?,
    };
    s.skip_blank_lines()?;
    (s.pos == s.src.len()).then_some(root)
}

/// Text without anything the scanner leaves to the complete parser: control characters other
/// than newlines (tabs and CRs included), characters YAML treats specially (byte-order marks,
/// NEL, line and paragraph separators, C1 controls, non-characters), document markers and
/// directives.
fn plain_text(text: &str) -> bool {
    // Branch-free over chunks, so that the check vectorises.
    let controls = text.as_bytes().chunks(4096).any(|chunk| {
        chunk.iter().fold(false, |bad, &c| {
            bad | ((c < 0x20) & (c != b'\n')) | (c == 0x7f)
        })
    });
    if controls {
        return false;
    }
    if !text.is_ascii()
        && text.chars().any(|c| {
            matches!(
                c,
                '\u{80}'
                    ..='\u{9f}' | '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
            )
        })
    {
        return false;
    }
    text.split('\n').all(|line| {
        let b = line.as_bytes();
        !(b.starts_with(b"---") || b.starts_with(b"...") || b.starts_with(b"%"))
    })
}

fn is_blank(c: u8) -> bool {
    c == b' ' || c == b'\n'
}

fn is_flow_indicator(c: u8) -> bool {
    matches!(c, b',' | b'[' | b']' | b'{' | b'}')
}

impl<'s> Scanner<'s> {
    fn peek(&self) -> u8 {
        self.src.get(self.pos).copied().unwrap_or(0)
    }

    fn at(&self, i: usize) -> u8 {
        self.src.get(i).copied().unwrap_or(0)
    }

    /// Column (in bytes; only spaces indent) of the current position.
    fn column(&self) -> usize {
        let line_start = self.src[..self.pos]
            .iter()
            .rposition(|&c| c == b'\n')
            .map_or(0, |i| i + 1);
        self.pos - line_start
    }

    fn count(&mut self) -> R<()> {
        self.nodes += 1;
        (self.nodes <= self.max_nodes).then_some(())
    }

    fn node(&mut self, start: usize, len: usize, value: Value<'s>) -> R<Node<'s>> {
        self.count()?;
        Some(Node {
            start: u32::try_from(start).ok()?,
            len: u32::try_from(len).ok()?,
            value,
        })
    }

    /// Skip spaces, comments and newlines up to the next content; the position is then at the
    /// first non-space character of a line, or at the end.
    fn skip_blank_lines(&mut self) -> R<()> {
        loop {
            while self.peek() == b' ' {
                self.pos += 1;
            }
            match self.peek() {
                b'#' => self.skip_comment(),
                b'\n' => self.pos += 1,
                _ => return Some(()),
            }
        }
    }

    fn skip_comment(&mut self) {
        self.pos = memchr_newline(self.src, self.pos);
    }

    /// After a node: only spaces and a comment may follow on its line.
    fn end_of_line(&mut self) -> R<()> {
        let before = self.pos;
        while self.peek() == b' ' {
            self.pos += 1;
        }
        match self.peek() {
            0 if self.pos == self.src.len() => Some(()),
            b'\n' => Some(()),
            b'#' if self.pos > before => {
                self.skip_comment();
                Some(())
            }
            _ => None,
        }
    }

    /// Whether the position is at a block sequence entry (`-` then a space, newline or end).
    fn dash_entry(&self) -> bool {
        self.peek() == b'-' && matches!(self.at(self.pos + 1), b' ' | b'\n' | 0)
    }

    /// After the end of a node: move to the next content and return its column, or `None` at
    /// the end of the document.
    fn next_line(&mut self) -> R<Option<usize>> {
        self.skip_blank_lines()?;
        if self.pos >= self.src.len() {
            return Some(None);
        }
        Some(Some(self.column()))
    }

    /// A block mapping whose first key is at the position, in column `col`.
    fn block_map(&mut self, col: usize, depth: usize) -> R<Node<'s>> {
        if depth >= self.max_depth {
            return None;
        }
        let start = self.pos;
        let base = self.entries.len();
        loop {
            let key = self.key(false)?;
            // The position is at the `:`.
            let colon = self.pos;
            self.pos += 1;
            let value = self.block_value(col, colon, depth)?;
            self.entries.push((key, value));
            match self.next_line()? {
                Some(c) if c == col => {
                    if self.dash_entry() {
                        return None;
                    }
                }
                Some(c) if c > col => return None,
                _ => break,
            }
        }
        let entries = self.take_entries(base)?;
        self.node(start, 0, Value::Map(entries))
    }

    /// The entries of the mapping that started at `base`, if no key repeats.
    fn take_entries(&mut self, base: usize) -> R<Vec<(Node<'s>, Node<'s>)>> {
        check_unique(&self.entries[base..])?;
        Some(self.entries.drain(base..).collect())
    }

    /// The value after `key:` in a block mapping at column `col`.
    fn block_value(&mut self, col: usize, colon: usize, depth: usize) -> R<Node<'s>> {
        while self.peek() == b' ' {
            self.pos += 1;
        }
        match self.peek() {
            b'#' if self.src[self.pos - 1] != b' ' => None,
            c @ (b'\n' | b'#' | 0) => match self.next_line()? {
                Some(c2) if c2 > col => self.block_node(col, c2, depth + 1),
                Some(c2) if c2 == col && self.dash_entry() => self.block_seq(col, depth + 1, true),
                // An empty value followed by a comment is placed differently: leave it.
                _ if c == b'#' => None,
                _ => self.node(colon, 0, Value::Null),
            },
            _ => self.inline_value(col, depth + 1),
        }
    }

    /// A node that starts on its own line at column `c2`, inside a block collection at `col`.
    fn block_node(&mut self, col: usize, c2: usize, depth: usize) -> R<Node<'s>> {
        if self.dash_entry() {
            return self.block_seq(c2, depth, false);
        }
        self.entry_node(col, c2, depth)
    }

    /// A mapping starting with a key at column `c2`, or a value in a collection at `col`.
    fn entry_node(&mut self, col: usize, c2: usize, depth: usize) -> R<Node<'s>> {
        match self.peek() {
            b'[' | b'{' | b'|' | b'>' => self.inline_value(col, depth),
            _ if self.looks_like_key() => self.block_map(c2, depth),
            _ => self.inline_value(col, depth),
        }
    }

    /// A value that starts on the current line, after `key:` or `- `, in a block collection at
    /// column `col`. Scalars must end on their line: the next content must not be indented
    /// deeper than `col` (it would continue the scalar).
    fn inline_value(&mut self, col: usize, depth: usize) -> R<Node<'s>> {
        if depth >= self.max_depth {
            return None;
        }
        let node = match self.peek() {
            b'[' | b'{' => {
                let n = self.flow_node(depth, col as isize)?;
                self.end_of_line()?;
                n
            }
            b'|' | b'>' => self.block_scalar(col)?,
            b'"' | b'\'' => {
                let n = self.quoted()?;
                self.end_of_line()?;
                n
            }
            _ => self.plain_block_scalar(col)?,
        };
        // A deeper line after a scalar would continue it (or be an error): leave it.
        let save = self.pos;
        if let Some(c) = self.next_line()?
            && c > col
        {
            return None;
        }
        self.pos = save;
        Some(node)
    }

    /// Whether the current line starts a mapping entry: a key then `:` and a space or newline.
    fn looks_like_key(&self) -> bool {
        let mut probe = Scanner {
            src: self.src,
            text: self.text,
            pos: self.pos,
            nodes: 0,
            max_nodes: usize::MAX,
            max_depth: self.max_depth,
            items: Vec::new(),
            entries: Vec::new(),
        };
        probe.key(false).is_some()
    }

    /// A mapping key (plain or quoted, on one line) followed by `:`; leaves the position at the
    /// `:`. In flow context the `:` may be followed by a flow indicator too.
    fn key(&mut self, flow: bool) -> R<Node<'s>> {
        let key = match self.peek() {
            b'"' | b'\'' => self.quoted()?,
            _ => {
                let start = self.pos;
                let end = self.plain_end(flow, true)?;
                self.pos = end;
                self.plain_node(start, end)?
            }
        };
        while self.peek() == b' ' {
            self.pos += 1;
        }
        if self.peek() != b':' {
            return None;
        }
        let next = self.at(self.pos + 1);
        if !(is_blank(next) || next == 0 || (flow && is_flow_indicator(next))) {
            return None;
        }
        match &key.value {
            Value::Str(s) if s != "<<" => Some(key),
            _ => None,
        }
    }

    /// A flow collection or scalar inside (or starting) flow context. Continuation lines must
    /// be indented deeper than the block collection (`indent`) the flow node sits in.
    fn flow_node(&mut self, depth: usize, indent: isize) -> R<Node<'s>> {
        if depth >= self.max_depth {
            return None;
        }
        match self.peek() {
            b'[' => self.flow_seq(depth, indent),
            b'{' => self.flow_map(depth, indent),
            b'"' | b'\'' => self.quoted(),
            _ => {
                let start = self.pos;
                let end = self.plain_end(true, false)?;
                self.pos = end;
                self.plain_node(start, end)
            }
        }
    }

    /// Skip spaces, newlines and comments inside a flow collection; lines must stay indented
    /// deeper than `indent`.
    fn flow_space(&mut self, indent: isize) -> R<()> {
        loop {
            let before = self.pos;
            while self.peek() == b' ' {
                self.pos += 1;
            }
            match self.peek() {
                b'#' if self.pos > before || self.src[self.pos - 1] == b'\n' => self.skip_comment(),
                b'\n' => {
                    self.pos += 1;
                    let line = self.pos;
                    while self.peek() == b' ' {
                        self.pos += 1;
                    }
                    if !matches!(self.peek(), b'\n' | b'#') && (self.pos - line) as isize <= indent
                    {
                        return None;
                    }
                }
                _ => return Some(()),
            }
        }
    }

    fn flow_seq(&mut self, depth: usize, indent: isize) -> R<Node<'s>> {
        let start = self.pos;
        self.pos += 1;
        let base = self.items.len();
        self.flow_space(indent)?;
        if self.peek() == b']' {
            self.pos += 1;
            return self.node(start, 1, Value::Seq(Vec::new()));
        }
        loop {
            let item = self.flow_node(depth + 1, indent)?;
            self.flow_space(indent)?;
            self.items.push(item);
            match self.peek() {
                b',' => {
                    self.pos += 1;
                    self.flow_space(indent)?;
                    if matches!(self.peek(), b']' | b',') {
                        return None; // trailing or doubled comma
                    }
                }
                b']' => {
                    self.pos += 1;
                    let items = self.items.drain(base..).collect();
                    return self.node(start, 1, Value::Seq(items));
                }
                _ => return None,
            }
        }
    }

    fn flow_map(&mut self, depth: usize, indent: isize) -> R<Node<'s>> {
        let start = self.pos;
        self.pos += 1;
        let base = self.entries.len();
        self.flow_space(indent)?;
        if self.peek() == b'}' {
            self.pos += 1;
            return self.node(start, 1, Value::Map(Vec::new()));
        }
        loop {
            let key = self.key(true)?;
            let colon = self.pos;
            self.pos += 1;
            self.flow_space(indent)?;
            let value = match self.peek() {
                b',' | b'}' => self.node(colon, 0, Value::Null)?,
                _ => {
                    let v = self.flow_node(depth + 1, indent)?;
                    self.flow_space(indent)?;
                    v
                }
            };
            self.entries.push((key, value));
            match self.peek() {
                b',' => {
                    self.pos += 1;
                    self.flow_space(indent)?;
                    if matches!(self.peek(), b'}' | b',') {
                        return None;
                    }
                }
                b'}' => {
                    self.pos += 1;
                    let entries = self.take_entries(base)?;
                    return self.node(start, 1, Value::Map(entries));
                }
                _ => return None,
            }
        }
    }

    /// A block sequence whose first `-` is at the position, in column `col`; `indentless` when
    /// it is the value of a mapping key in the same column.
    fn block_seq(&mut self, col: usize, depth: usize, indentless: bool) -> R<Node<'s>> {
        if depth >= self.max_depth {
            return None;
        }
        let dash = self.pos;
        let base = self.items.len();
        let mut start = None;
        loop {
            let at = self.pos;
            self.pos += 1; // the `-`
            while self.peek() == b' ' {
                self.pos += 1;
            }
            let item = match self.peek() {
                c @ (b'\n' | b'#' | 0) => {
                    if c == b'#' && self.src[self.pos - 1] != b' ' {
                        return None;
                    }
                    match self.next_line()? {
                        Some(c2) if c2 > col => self.block_node(col, c2, depth + 1)?,
                        // An empty item followed by a comment is placed differently.
                        _ if c == b'#' => return None,
                        _ => self.node(at, 0, Value::Null)?,
                    }
                }
                _ => {
                    let c2 = self.column();
                    if self.dash_entry() {
                        self.block_seq(c2, depth + 1, false)?
                    } else {
                        self.entry_node(col, c2, depth + 1)?
                    }
                }
            };
            start.get_or_insert(item.start as usize);
            self.items.push(item);
            match self.next_line()? {
                Some(c) if c == col && self.dash_entry() => {}
                Some(c) if c > col => return None,
                _ => break,
            }
        }
        // An indented sequence starts at its first `-`; one at its parent's indentation (the
        // value of a mapping key) at its first item.
        let start = if !indentless {
            dash
        } else {
            let first = start?;
            if matches!(self.items.get(base)?.value, Value::Null) {
                return None;
            }
            first
        };
        let items = self.items.drain(base..).collect();
        self.node(start, 0, Value::Seq(items))
    }
}

/// The position of the next newline at or after `from`, or the end.
fn memchr_newline(src: &[u8], from: usize) -> usize {
    src[from..]
        .iter()
        .position(|&c| c == b'\n')
        .map_or(src.len(), |i| from + i)
}

/// No key twice in one mapping (the complete parser reports duplicates).
fn check_unique(entries: &[(Node<'_>, Node<'_>)]) -> R<()> {
    fn key<'a>(n: &'a Node<'_>) -> &'a str {
        match &n.value {
            Value::Str(s) => s,
            _ => "",
        }
    }
    if entries.len() <= 16 {
        for (i, (k, _)) in entries.iter().enumerate() {
            if entries[..i].iter().any(|(p, _)| key(p) == key(k)) {
                return None;
            }
        }
        return Some(());
    }
    let mut keys: Vec<&str> = entries.iter().map(|(k, _)| key(k)).collect();
    keys.sort_unstable();
    keys.windows(2).all(|w| w[0] != w[1]).then_some(())
}
