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
    /// Corrupt stream or I/O failure (message), with what was decoded before the failure:
    /// loaders that stream (joblib, gzip readers) may already have unpickled that much.
    Failed(String, Option<Expanded>),
}

/// A writer that keeps expanded bytes in memory up to 8 MiB, then in an unnamed temporary
/// file, and fails once more than `limit` bytes arrive.
pub(crate) struct Spill {
    mem: Vec<u8>,
    file: Option<std::fs::File>,
    written: u64,
    limit: u64,
    too_big: bool,
}

impl Write for Spill {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        if self.written.saturating_add(b.len() as u64) > self.limit {
            self.too_big = true;
            return Err(std::io::Error::other("expansion limit reached"));
        }
        if self.file.is_none() && self.mem.len() + b.len() > IN_MEMORY {
            let mut f = tempfile::tempfile()?;
            f.write_all(&self.mem)?;
            self.mem = Vec::new();
            self.file = Some(f);
        }
        match &mut self.file {
            Some(f) => f.write_all(b)?,
            None => self.mem.extend_from_slice(b),
        }
        self.written += b.len() as u64;
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Runs a decoder that writes into a [`Spill`] bounded by `limit`.
pub(crate) fn expand_with(
    limit: u64,
    pump: impl FnOnce(&mut Spill) -> std::io::Result<()>,
) -> Result<Expanded, ExpandError> {
    let mut s = Spill {
        mem: Vec::new(),
        file: None,
        written: 0,
        limit,
        too_big: false,
    };
    let r = pump(&mut s);
    if s.too_big {
        return Err(ExpandError::TooBig);
    }
    let written = s.written;
    let content = match s.file {
        None => Expanded::Mem(s.mem),
        Some(f) => {
            // SAFETY: an unnamed temporary file only this process can reach, mapped read-only.
            let map =
                unsafe { Mmap::map(&f) }.map_err(|e| ExpandError::Failed(e.to_string(), None))?;
            Expanded::Map(map)
        }
    };
    match r {
        Ok(()) => Ok(content),
        Err(e) => Err(ExpandError::Failed(
            e.to_string(),
            (written > 0).then_some(content),
        )),
    }
}

/// Decompresses `r` up to `limit` bytes.
pub(crate) fn expand(mut r: impl Read, limit: u64) -> Result<Expanded, ExpandError> {
    expand_with(limit, |w| std::io::copy(&mut r, w).map(|_| ()))
}

fn lzma_err(e: lzma_rs::error::Error) -> std::io::Error {
    match e {
        lzma_rs::error::Error::IoError(e) | lzma_rs::error::Error::HeaderTooShort(e) => e,
        other => std::io::Error::other(format!("{other:?}")),
    }
}

/// Decodes a compressed stream of `format` within `limit`. A panic inside a third-party
/// decoder (lzma-rs overflows on some corrupt xz footers in debug builds) becomes a decode error.
fn decode(data: &[u8], format: Format, limit: u64) -> Result<Expanded, ExpandError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        decode_inner(data, format, limit)
    }))
    .unwrap_or_else(|_| {
        Err(ExpandError::Failed(
            "the decoder failed on corrupt input".into(),
            None,
        ))
    })
}

fn decode_inner(data: &[u8], format: Format, limit: u64) -> Result<Expanded, ExpandError> {
    match format {
        Format::Gzip => expand(flate2::read::MultiGzDecoder::new(data), limit),
        Format::Zlib => expand(flate2::read::ZlibDecoder::new(data), limit),
        Format::Bzip2 => expand(bzip2::read::MultiBzDecoder::new(data), limit),
        Format::Lz4 => expand(lz4_flex::frame::FrameDecoder::new(data), limit),
        Format::Zstd => match ruzstd::decoding::StreamingDecoder::new(data) {
            Ok(d) => expand(d, limit),
            Err(e) => Err(ExpandError::Failed(e.to_string(), None)),
        },
        Format::Xz => expand_with(limit, |w| {
            lzma_rs::xz_decompress(&mut &data[..], w).map_err(lzma_err)
        }),
        _ => expand_with(limit, |w| {
            let opts = lzma_rs::decompress::Options {
                memlimit: Some(256 << 20),
                ..Default::default()
            };
            lzma_rs::lzma_decompress_with_options(&mut &data[..], w, &opts).map_err(lzma_err)
        }),
    }
}

/// Bytes this file may still expand.
pub(crate) fn budget(ctx: &Ctx) -> u64 {
    ctx.opts.limits.max_expanded.saturating_sub(ctx.expanded)
}

/// A compressed stream (gzip, zlib, bzip2, xz, lzma, zstd, lz4): expand within budget and scan
/// the content.
pub(crate) fn scan_compressed(
    ctx: &mut Ctx,
    data: &[u8],
    loc: &Loc,
    depth: u32,
    format: Format,
) -> Format {
    let limit = budget(ctx);
    let result = decode(data, format, limit);
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
        Err(ExpandError::Failed(m, partial)) => {
            if matches!(format, Format::Zlib | Format::Lzma) && partial.is_none() {
                // These magics are weak: a stream that does not decode is unknown data.
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
            if let Some(content) = partial {
                ctx.expanded += content.len() as u64;
                let inner = loc.child(&format!("<{}>", format.as_str()));
                ctx.scan_data(&content, &inner, depth + 1);
            }
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
