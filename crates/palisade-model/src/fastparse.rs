//! A fast path for well-formed, plain model files: the spanned tree built straight from the YAML
//! parser's events, without the serde layer. It handles only what model files normally contain
//! and returns `None` for anything else — anchors, aliases, tags, several documents, duplicate
//! keys, scalars whose type is not obvious, errors, or anything over the limits — so that the
//! complete parser (`node::parse`) reads the document and produces the same result or the usual
//! diagnostic. A test checks that both paths give identical trees.

use crate::node::{Limits, Node, Value};
use serde_saphyr::granit_parser::{Event, Parser, ScalarStyle, Span};
use std::borrow::Cow;

enum Frame<'s> {
    Seq(Span, Vec<Node<'s>>),
    Map(Span, Vec<(Node<'s>, Node<'s>)>, Option<Node<'s>>),
}

fn span_of(s: &Span) -> Option<(u32, u32)> {
    let start = s.start.byte_offset()?;
    let end = s.end.byte_offset()?;
    Some((
        u32::try_from(start).ok()?,
        u32::try_from(end.saturating_sub(start)).ok()?,
    ))
}

/// The value of a plain scalar, typed the way the complete parser types it; `None` when unsure.
pub(crate) fn plain_value<'s>(v: Cow<'s, str>) -> Option<Value<'s>> {
    Some(match plain(&v)? {
        Plain::Null => Value::Null,
        Plain::Bool(b) => Value::Bool(b),
        Plain::Int(i) => Value::Int(i),
        Plain::Float(f) => Value::Float(f),
        Plain::Str => Value::Str(v),
    })
}

/// What a plain scalar is.
enum Plain {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str,
}

/// Type a plain scalar the way the complete parser does, or give up when unsure.
fn plain(v: &str) -> Option<Plain> {
    match v {
        "" | "~" | "null" | "Null" | "NULL" => return Some(Plain::Null),
        "true" => return Some(Plain::Bool(true)),
        "false" => return Some(Plain::Bool(false)),
        _ => {}
    }
    let first = v.as_bytes()[0];
    let special = first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.');
    if !special {
        // Words the complete parser may read as booleans or nulls are left to it.
        if ["true", "false", "null"]
            .iter()
            .any(|w| v.eq_ignore_ascii_case(w))
        {
            return None;
        }
        return Some(Plain::Str);
    }
    let digits = v.strip_prefix('-').unwrap_or(v);
    if !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits.len() == 1 || !digits.starts_with('0'))
    {
        return v.parse::<i64>().ok().map(Plain::Int);
    }
    if let Some((int, frac)) = digits.split_once('.') {
        let ok = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if ok(int) && ok(frac) && (int.len() == 1 || !int.starts_with('0')) {
            return v.parse::<f64>().ok().map(Plain::Float);
        }
    }
    // Dates, ids and versions such as `2026-01-15`, `180d` or `1.2.3` are strings; anything else
    // that could be a number (exponents, hex, octal, infinities, underscores, leading zeros)
    // goes to the complete parser.
    let bytes = v.as_bytes();
    let date = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    let unsigned = v.trim_start_matches(['-', '+']);
    let radix = ["0x", "0o", "0b", "0X", "0O", "0B"]
        .iter()
        .any(|p| unsigned.starts_with(p));
    let special_float = unsigned.starts_with('.')
        && matches!(&unsigned[1..].to_ascii_lowercase()[..], "inf" | "nan");
    if radix || special_float {
        return None;
    }
    if date
        || v.matches('.').count() >= 2
        || !unsigned
            .bytes()
            .all(|c| c.is_ascii_digit() || b".eE_".contains(&c))
    {
        return Some(Plain::Str);
    }
    None
}

/// Build the tree, or `None` to let the complete parser handle the document.
pub fn parse<'s>(text: &'s str, limits: &Limits) -> Option<Node<'s>> {
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut root: Option<Node> = None;
    let mut documents = 0;
    let mut nodes = 0usize;
    while let Some(ev) = parser.next_event() {
        let (event, span) = ev.ok()?;
        let node = match event {
            Event::StreamStart | Event::DocumentEnd | Event::StreamEnd => continue,
            Event::DocumentStart(..) => {
                documents += 1;
                if documents > 1 {
                    return None;
                }
                continue;
            }
            Event::Scalar(v, style, anchor, tag) => {
                if anchor != 0 || tag.is_some() {
                    return None;
                }
                let (start, len) = span_of(&span)?;
                let value = match style {
                    ScalarStyle::Plain => plain_value(v)?,
                    _ => Value::Str(v),
                };
                Node { start, len, value }
            }
            Event::SequenceStart(_, anchor, ref tag) | Event::MappingStart(_, anchor, ref tag) => {
                if anchor != 0 || tag.is_some() || stack.len() >= limits.max_depth {
                    return None;
                }
                stack.push(if matches!(event, Event::SequenceStart(..)) {
                    Frame::Seq(span, Vec::new())
                } else {
                    Frame::Map(span, Vec::new(), None)
                });
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let frame = stack.pop()?;
                let (open, value) = match frame {
                    Frame::Seq(s, items) => (s, Value::Seq(items)),
                    Frame::Map(s, entries, None) => (s, Value::Map(entries)),
                    Frame::Map(_, _, Some(_)) => return None,
                };
                let (start, len) = span_of(&open)?;
                Node { start, len, value }
            }
            _ => return None, // aliases, anchors, unresolved aliases, comments
        };
        nodes += 1;
        if nodes > limits.max_nodes {
            return None;
        }
        match stack.last_mut() {
            None => {
                if root.is_some() {
                    return None;
                }
                root = Some(node);
            }
            Some(Frame::Seq(_, items)) => items.push(node),
            Some(Frame::Map(_, entries, pending)) => match pending.take() {
                None => {
                    let Value::Str(k) = &node.value else {
                        return None;
                    };
                    if entries
                        .iter()
                        .any(|(key, _)| matches!(&key.value, Value::Str(s) if s == k))
                    {
                        return None; // duplicate key: the complete parser reports it
                    }
                    *pending = Some(node);
                }
                Some(key) => entries.push((key, node)),
            },
        }
    }
    if !stack.is_empty() {
        return None;
    }
    root
}
