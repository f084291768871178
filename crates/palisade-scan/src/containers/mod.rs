//! Containers: zip, tar and compressed streams, with depth, entry and expansion limits.

pub(crate) mod tar;
pub(crate) mod zip;

use crate::engine::{Ctx, Loc};
use crate::report::{Finding, Format};
use crate::rules::Rule;
use memmap2::Mmap;
use std::io::{Read, Write};

/// Expanded (decompressed) content: in memory when small, else in an anonymous temporary file
/// mapped read-only, so memory stays bounded.
pub(crate) enum Expanded {
    Mem(Vec<u8>),
    Map(Mmap),
}

impl std::ops::Deref for Expanded {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Expanded::Mem(v) => v,
            Expanded::Map(m) => m,
        }
    }
}

const IN_MEMORY: usize = 8 << 20;

/// Why an expansion stopped.
pub(crate) enum ExpandError {
    /// More than `limit` bytes.
    TooBig,
    /// Corrupt stream or I/O failure (message).
    Failed(String),
}

/// Decompresses `r` up to `limit` bytes.
pub(crate) fn expand(mut r: impl Read, limit: u64) -> Result<Expanded, ExpandError> {
    let fail = |e: std::io::Error| ExpandError::Failed(e.to_string());
    let mut buf = Vec::new();
    let first = (limit.saturating_add(1)).min(IN_MEMORY as u64);
    (&mut r).take(first).read_to_end(&mut buf).map_err(fail)?;
    if (buf.len() as u64) > limit {
        return Err(ExpandError::TooBig);
    }
    if buf.len() < IN_MEMORY {
        return Ok(Expanded::Mem(buf));
    }
    let mut file = tempfile::tempfile().map_err(fail)?;
    file.write_all(&buf).map_err(fail)?;
    drop(buf);
    let rest = std::io::copy(
        &mut r.take(limit.saturating_add(1) - IN_MEMORY as u64),
        &mut file,
    )
    .map_err(fail)?;
    if IN_MEMORY as u64 + rest > limit {
        return Err(ExpandError::TooBig);
    }
    // SAFETY: an unnamed temporary file that only this process can reach, mapped read-only.
    let map = unsafe { Mmap::map(&file) }.map_err(fail)?;
    Ok(Expanded::Map(map))
}

/// Bytes this file may still expand.
pub(crate) fn budget(ctx: &Ctx) -> u64 {
    ctx.opts.limits.max_expanded.saturating_sub(ctx.expanded)
}

/// A gzip or zlib stream: expand within budget and scan the content.
pub(crate) fn scan_compressed(
    ctx: &mut Ctx,
    data: &[u8],
    loc: &Loc,
    depth: u32,
    format: Format,
) -> Format {
    let limit = budget(ctx);
    let result = match format {
        Format::Gzip => expand(flate2::read::MultiGzDecoder::new(data), limit),
        _ => expand(flate2::read::ZlibDecoder::new(data), limit),
    };
    ctx.bytes_inspected += data.len() as u64;
    match result {
        Ok(content) => {
            ctx.expanded += content.len() as u64;
            let ratio = content.len() as u64 / (data.len() as u64).max(1);
            if ratio > ctx.opts.limits.max_ratio && content.len() > 1 << 20 {
                ctx.push(
                    loc,
                    Finding::new(
                        Rule::ArchiveBomb,
                        format!(
                            "{} stream expands {} bytes to {} (ratio {ratio} > {})",
                            format.as_str(),
                            data.len(),
                            content.len(),
                            ctx.opts.limits.max_ratio
                        ),
                    )
                    .at(0),
                );
                return format;
            }
            let inner = loc.child(&format!("<{}>", format.as_str()));
            ctx.scan_data(&content, &inner, depth + 1);
            format
        }
        Err(ExpandError::TooBig) => {
            ctx.push(
                loc,
                Finding::new(
                    Rule::ArchiveBomb,
                    format!(
                        "{} stream expands beyond the remaining budget of {limit} bytes; not expanded",
                        format.as_str()
                    ),
                )
                .at(0),
            );
            format
        }
        Err(ExpandError::Failed(m)) => {
            if format == Format::Zlib {
                // The zlib magic is weak: treat a stream that does not inflate as unknown data.
                return if crate::pickle::plausible(data, ctx) {
                    crate::pickle::scan_stream(ctx, data, loc, depth)
                } else {
                    Format::Unknown
                };
            }
            ctx.error(
                loc,
                Some(0),
                format!("corrupt {} stream: {m}", format.as_str()),
            );
            format
        }
    }
}

/// Flags member names that escape the extraction directory.
pub(crate) fn check_name(ctx: &mut Ctx, loc: &Loc, name: &str, offset: u64) {
    let traversal = name.starts_with('/')
        || name.starts_with('\\')
        || name.split(['/', '\\']).any(|c| c == "..")
        || name.get(1..3) == Some(":\\")
        || name.get(1..3) == Some(":/");
    if traversal {
        ctx.push(
            loc,
            Finding::new(
                Rule::PathTraversal,
                format!("member name {name:?} escapes the archive root"),
            )
            .at(offset),
        );
    }
}

/// Reports that the per-file entry limit stopped a container walk.
pub(crate) fn entry_limit(ctx: &mut Ctx, loc: &Loc, offset: Option<u64>) {
    let mut f = Finding::new(
        Rule::EntryLimit,
        format!(
            "more than {} archive entries; the rest were not scanned",
            ctx.opts.limits.max_entries
        ),
    );
    f.offset = offset;
    ctx.push(loc, f);
}
