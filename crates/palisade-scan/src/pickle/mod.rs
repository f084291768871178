//! Pickle streams: walk every pickle in a buffer and turn what the walker saw into findings.

pub(crate) mod strings;
pub mod walker;

use crate::engine::{Ctx, Loc};
use crate::policy::{self, Class};
use crate::report::{Finding, Format, Severity};
use crate::rules::Rule;
use walker::{ImportKind, Walk, walk};

/// The first pickle of a legacy (pre-1.6) PyTorch file: PROTO 2, LONG1 of the magic number
/// 0x1950a86a20f9469cfc6c, STOP.
pub const LEGACY_TORCH_MAGIC: &[u8] =
    b"\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19\x2e";

/// Scans every pickle in `data`. `strict_errors` makes parse errors of the first pickle file
/// errors; otherwise (nested literals) content that does not parse is treated as plain data.
pub(crate) fn scan_stream(ctx: &mut Ctx, data: &[u8], loc: &Loc, depth: u32) -> Format {
    let legacy = data.starts_with(LEGACY_TORCH_MAGIC);
    let mut format = if legacy {
        Format::PytorchLegacy
    } else {
        Format::Pickle
    };
    let limits = ctx.opts.limits.walk();
    let mut pos = 0usize;
    let mut index = 0usize;
    let mut inspected = 0u64;
    while pos < data.len() {
        let w = match ctx.root_map {
            Some(map) if std::ptr::eq(map.as_ptr(), data.as_ptr()) => {
                walker::walk_releasing(data, pos, limits, &|upto| crate::source::release(map, upto))
            }
            _ => walk(data, pos, 0, limits),
        };
        if index > 0 && w.error.is_some() && w.imports.is_empty() && w.anomalies.is_empty() {
            let msg = format!(
                "{} bytes after the last STOP are not a pickle ({})",
                data.len() - pos,
                w.error.as_ref().map_or("", |e| e.1.as_str())
            );
            ctx.push(loc, Finding::new(Rule::TrailingData, msg).at(pos as u64));
            break;
        }
        inspected += (w.end - pos) as u64;
        inspected = inspected.saturating_sub(w.skipped_bytes);
        if w.imports
            .iter()
            .any(|i| i.module == "joblib.numpy_pickle" || i.module == "joblib.numpy_pickle_compat")
        {
            format = Format::Joblib;
        }
        report_walk(ctx, &w, data, loc, depth);
        if let Some((off, msg)) = &w.error {
            if index == 0 {
                ctx.error(loc, Some(*off), format!("malformed pickle: {msg}"));
            } else {
                ctx.push(
                    loc,
                    Finding::new(
                        Rule::TrailingData,
                        format!("pickle #{} after STOP is malformed: {msg}", index + 1),
                    )
                    .at(*off),
                );
            }
            break;
        }
        if w.partial {
            break;
        }
        pos = w.end;
        index += 1;
        if legacy && index == 5 {
            // Raw storage bytes follow; torch reads them without unpickling.
            break;
        }
    }
    ctx.bytes_inspected += inspected;
    format
}

/// Cheap test: does `data` parse as a pickle far enough to be one (used for protocol 0/1
/// streams, which have no magic)? True when the first pickle reaches STOP, or imports
/// something before failing.
pub(crate) fn plausible(data: &[u8], ctx: &Ctx) -> bool {
    let w = walk(data, 0, 0, ctx.opts.limits.walk());
    w.opcodes > 1 && (w.stopped || !w.imports.is_empty())
}

fn report_walk(ctx: &mut Ctx, w: &Walk, data: &[u8], loc: &Loc, depth: u32) {
    for imp in &w.imports {
        if imp.kind == ImportKind::Dynamic {
            continue; // reported as an anomaly
        }
        let g = format!("{}.{}", imp.module, imp.name);
        let (rule, sev, what) = match policy::classify(&imp.module, &imp.name) {
            Class::Allowed => continue,
            Class::Denied => (
                Rule::DangerousGlobal,
                Severity::Critical,
                "denylisted global",
            ),
            Class::DeniedHeuristic => (
                Rule::DangerousGlobal,
                Severity::High,
                "global naming a dangerous module or function",
            ),
            Class::Dunder => (
                Rule::DunderAccess,
                Severity::High,
                "dunder attribute access",
            ),
            Class::Unknown => (
                Rule::UnknownGlobal,
                Severity::Medium,
                "global not on the allowlist",
            ),
        };
        let kind = match imp.kind {
            ImportKind::Global => "GLOBAL",
            ImportKind::StackGlobal => "STACK_GLOBAL",
            ImportKind::Inst => "INST",
            ImportKind::Dynamic => "EXT",
        };
        let mut msg = format!("{what} {g} imported by {kind} at offset {}", imp.offset);
        if imp.count > 1 {
            msg.push_str(&format!(" ({} import sites)", imp.count));
        }
        match imp.first_call {
            Some((off, op)) => msg.push_str(&format!(
                "; called {} time(s), first by {op} at offset {off}",
                imp.calls
            )),
            None => msg.push_str("; never called"),
        }
        let mut f = Finding::new(rule, msg)
            .with_severity(sev)
            .with_global(g)
            .at(imp.offset);
        f.count = imp.count;
        ctx.push(loc, f);
    }
    for a in &w.anomalies {
        let mut f = Finding::new(a.rule, a.message.clone()).at(a.offset);
        f.global = a.global.clone();
        ctx.push(loc, f);
    }
    if w.limit_hit {
        let off = w.error.as_ref().map(|e| e.0).unwrap_or(w.end as u64);
        ctx.push(
            loc,
            Finding::new(
                Rule::ResourceLimit,
                "pickle scan limit reached; the result is inconclusive",
            )
            .at(off),
        );
    }
    for inner in &w.inline {
        report_walk(ctx, inner, data, loc, depth);
    }
    for n in &w.nested {
        let content = &data[n.start..n.start + n.len];
        let bytes: std::borrow::Cow<[u8]> = if n.latin1_text {
            match std::str::from_utf8(content) {
                Ok(s) => s
                    .chars()
                    .map_while(|c| u8::try_from(c as u32).ok())
                    .collect(),
                Err(_) => continue,
            }
        } else {
            content.into()
        };
        let child = loc.literal(n.offset);
        let found = ctx.scan_nested(&bytes, &child, depth + 1);
        if let Some(fmt) = found {
            ctx.push(
                loc,
                Finding::new(
                    Rule::NestedPayload,
                    format!(
                        "literal of {} bytes holds a nested {} stream, scanned as {}",
                        n.len,
                        fmt.as_str(),
                        child.display()
                    ),
                )
                .at(n.offset),
            );
        }
    }
}
