//! Scalars: plain (typed as the complete parser types them, folded over lines), quoted, and
//! literal or folded block scalars.

use super::{R, Scanner, is_blank, is_flow_indicator, memchr_newline};
use crate::fastparse::plain_value;
use crate::node::{Node, Value};
use std::borrow::Cow;

impl<'s> Scanner<'s> {
    /// The end of a plain scalar starting at the position (trailing spaces excluded). As a key
    /// it ends before `: `; as a value it must not contain `: ` at all.
    pub(super) fn plain_end(&self, flow: bool, as_key: bool) -> R<usize> {
        let first = self.peek();
        match first {
            b'-' | b'?' | b':' => {
                let next = self.at(self.pos + 1);
                if first != b'-' || is_blank(next) || next == 0 || (flow && is_flow_indicator(next))
                {
                    return None;
                }
            }
            b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>' | b'\''
            | b'"' | b'%' | b'@' | b'`' | b'\n' | b' ' | 0 => return None,
            _ => {}
        }
        let mut i = self.pos;
        let mut end = i;
        loop {
            let c = self.at(i);
            match c {
                0 | b'\n' => break,
                b' ' => {}
                b'#' if self.src[i - 1] == b' ' => break,
                b':' => {
                    let next = self.at(i + 1);
                    if is_blank(next) || next == 0 || (flow && is_flow_indicator(next)) {
                        if as_key {
                            break;
                        }
                        return None;
                    }
                    end = i + 1;
                }
                _ if flow && is_flow_indicator(c) => break,
                _ => end = i + 1,
            }
            i += 1;
        }
        if as_key && self.at(i) != b':' {
            // Spaces before the `:` are allowed; anything else is not a key.
            let mut j = end;
            while self.at(j) == b' ' {
                j += 1;
            }
            if self.at(j) != b':' {
                return None;
            }
        }
        Some(end)
    }

    pub(super) fn plain_node(&mut self, start: usize, end: usize) -> R<Node<'s>> {
        let text = self.text.get(start..end)?;
        let value = plain_value(Cow::Borrowed(text))?;
        self.node(start, end - start, value)
    }

    /// A plain scalar value in block context, inside a collection at column `col`. It may go on
    /// over lines indented deeper than `col` (folded into one line), up to a comment or a line
    /// that is blank or not deeper.
    pub(super) fn plain_block_scalar(&mut self, col: usize) -> R<Node<'s>> {
        let start = self.pos;
        let mut end = self.plain_end(false, false)?;
        let mut folded: Option<String> = None;
        loop {
            self.pos = end;
            while self.peek() == b' ' {
                self.pos += 1;
            }
            if self.peek() != b'\n' {
                break; // the end, or a comment: `end_of_line` checks which
            }
            let line = self.pos + 1;
            let mut next = line;
            while self.at(next) == b' ' {
                next += 1;
            }
            if next - line <= col || matches!(self.at(next), b'\n' | b'#' | 0) {
                break;
            }
            self.pos = next;
            let more = self.plain_end(false, false)?;
            let text = folded.get_or_insert_with(|| self.text[start..end].to_string());
            text.push(' ');
            text.push_str(self.text.get(next..more)?);
            end = more;
        }
        self.pos = end;
        let value = match folded {
            None => plain_value(Cow::Borrowed(self.text.get(start..end)?))?,
            Some(text) => plain_value(Cow::Owned(text))?,
        };
        let n = self.node(start, end - start, value)?;
        self.end_of_line()?;
        Some(n)
    }

    /// A single- or double-quoted scalar on one line; its text is borrowed unless it has
    /// escapes.
    pub(super) fn quoted(&mut self) -> R<Node<'s>> {
        let start = self.pos;
        let quote = self.peek();
        let mut out: Option<String> = None;
        let mut i = start + 1;
        let mut run = i;
        loop {
            let c = self.at(i);
            match c {
                0 | b'\n' => return None,
                b'\'' if quote == b'\'' => {
                    if self.at(i + 1) == b'\'' {
                        let o = out.get_or_insert_with(String::new);
                        o.push_str(self.text.get(run..i)?);
                        o.push('\'');
                        i += 2;
                        run = i;
                        continue;
                    }
                    break;
                }
                b'"' if quote == b'"' => break,
                b'\\' if quote == b'"' => {
                    let o = out.get_or_insert_with(String::new);
                    o.push_str(self.text.get(run..i)?);
                    let (ch, used) = self.escape(i + 1)?;
                    o.push(ch);
                    i += 1 + used;
                    run = i;
                    continue;
                }
                _ => {}
            }
            i += 1;
        }
        let rest = self.text.get(run..i)?;
        let text = match out {
            Some(mut o) => {
                o.push_str(rest);
                Cow::Owned(o)
            }
            None => Cow::Borrowed(rest),
        };
        self.pos = i + 1;
        self.node(start, self.pos - start, Value::Str(text))
    }

    /// The character of the escape after a backslash at `i`, and the bytes it used.
    pub(super) fn escape(&self, i: usize) -> R<(char, usize)> {
        let hex = |n: usize| -> R<(char, usize)> {
            let digits = self.text.get(i + 1..i + 1 + n)?;
            if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
                return None;
            }
            let code = u32::from_str_radix(digits, 16).ok()?;
            Some((char::from_u32(code)?, 1 + n))
        };
        match self.at(i) {
            b'\\' => Some(('\\', 1)),
            b'"' => Some(('"', 1)),
            b'/' => Some(('/', 1)),
            b'n' => Some(('\n', 1)),
            b't' => Some(('\t', 1)),
            b'u' => hex(4),
            _ => None,
        }
    }

    /// A literal (`|`) or folded (`>`) block scalar with clip or strip chomping and no explicit
    /// indentation; the content lines start deeper than `col`.
    pub(super) fn block_scalar(&mut self, col: usize) -> R<Node<'s>> {
        let folded = self.peek() == b'>';
        self.pos += 1;
        let strip = match self.peek() {
            b'-' => {
                self.pos += 1;
                true
            }
            b'\n' => false,
            _ => return None, // keep chomping, indentation indicators, comments
        };
        if self.peek() != b'\n' {
            return None;
        }
        self.pos += 1;
        let start = self.pos;
        let mut indent = 0;
        while self.at(start + indent) == b' ' {
            indent += 1;
        }
        if indent <= col || matches!(self.at(start + indent), b'\n' | 0) {
            return None; // empty or leading blank lines
        }
        let content_start = start + indent;
        let mut lines: Vec<&'s str> = Vec::new();
        let mut blanks_before: Vec<usize> = Vec::new();
        let mut blanks = 0;
        let mut line = start;
        let end;
        loop {
            if line >= self.src.len() {
                end = self.src.len();
                break;
            }
            let mut sp = 0;
            while self.at(line + sp) == b' ' {
                sp += 1;
            }
            let next = memchr_newline(self.src, line);
            if line + sp == next {
                if sp > 0 {
                    return None; // whitespace-only lines: leave them to the parser
                }
                blanks += 1;
                line = next + 1;
                continue;
            }
            if sp < indent {
                // Trailing blank lines belong to the scalar (chomping drops them); it ends
                // where the next line's text (or comment) starts.
                end = line + sp;
                break;
            }
            lines.push(self.text.get(line + indent..next)?);
            blanks_before.push(blanks);
            blanks = 0;
            if next >= self.src.len() {
                end = self.src.len();
                if !strip {
                    return None; // no final newline: clip adds none
                }
                break;
            }
            line = next + 1;
        }
        let mut out = String::new();
        for (i, l) in lines.iter().enumerate() {
            if i > 0 {
                // Folding joins two lines of text; breaks next to a more-indented line stay.
                let spaced = l.starts_with(' ') || lines[i - 1].starts_with(' ');
                match (folded && !spaced, blanks_before[i]) {
                    (true, 0) => out.push(' '),
                    (true, n) => out.extend(std::iter::repeat_n('\n', n)),
                    (false, n) => out.extend(std::iter::repeat_n('\n', n + 1)),
                }
            }
            out.push_str(l);
        }
        if !strip {
            out.push('\n');
        }
        // The position is at the next content (or the end), where the span ends too.
        self.pos = end;
        self.node(
            content_start,
            end - content_start,
            Value::Str(Cow::Owned(out)),
        )
    }
}
