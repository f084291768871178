//! A tolerant zip reader over a byte slice: central directory (zip64 included), prepended
//! data, duplicate names and header mismatches, with STORED members read in place and
//! DEFLATED members expanded within limits. Like PyTorch's reader it ignores CRCs.

use super::{ExpandError, budget, check_name, expand};
use crate::engine::{Ctx, Loc};
use crate::formats;
use crate::report::{Finding, Format};
use crate::rules::Rule;
use std::collections::HashSet;

#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub name: String,
    pub method: u16,
    pub flags: u16,
    pub csize: u64,
    pub usize: u64,
    /// Absolute offset of the local header.
    pub local: u64,
    /// Absolute offset of the central-directory record.
    pub cd_at: u64,
}

#[derive(Debug)]
pub(crate) struct Directory {
    pub entries: Vec<Entry>,
    pub cd_size: u64,
    /// Whether the directory had more entries than were read.
    pub truncated: bool,
}

fn u16_at(d: &[u8], at: usize) -> Option<u16> {
    d.get(at..at + 2).map(|b| u16::from_le_bytes([b[0], b[1]]))
}
fn u32_at(d: &[u8], at: usize) -> Option<u32> {
    d.get(at..at + 4)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}
fn u64_at(d: &[u8], at: usize) -> Option<u64> {
    d.get(at..at + 8)
        .map(|b| u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]))
}

/// Finds the end-of-central-directory record, searching the last 64 KiB + 22 bytes.
fn find_eocd(d: &[u8]) -> Option<usize> {
    if d.len() < 22 {
        return None;
    }
    let lo = d.len().saturating_sub(22 + 65535);
    let mut lenient = None;
    for at in (lo..=d.len() - 22).rev() {
        if &d[at..at + 4] == b"PK\x05\x06" {
            let comment = u16_at(d, at + 20)? as usize;
            if at + 22 + comment == d.len() {
                return Some(at);
            }
            if lenient.is_none() && at + 22 + comment <= d.len() {
                lenient = Some(at);
            }
        }
    }
    lenient
}

type Fail = (u64, String);

/// Reads the central directory, keeping at most `max` entries.
pub(crate) fn read_directory(d: &[u8], max: u64) -> Result<Directory, Fail> {
    let eocd = find_eocd(d).ok_or((0, "no end-of-central-directory record".to_string()))?;
    let bad = |at: usize, what: &str| (at as u64, what.to_string());
    let mut count = u16_at(d, eocd + 10).ok_or(bad(eocd, "truncated EOCD"))? as u64;
    let mut cd_size = u32_at(d, eocd + 12).ok_or(bad(eocd, "truncated EOCD"))? as u64;
    let mut cd_off = u32_at(d, eocd + 16).ok_or(bad(eocd, "truncated EOCD"))? as u64;
    let mut cd_end = eocd as u64;
    if (count == 0xffff || cd_size == 0xffff_ffff || cd_off == 0xffff_ffff)
        && eocd >= 20 + 56
        && &d[eocd - 20..eocd - 16] == b"PK\x06\x07"
    {
        {
            // The locator names the record's offset; with prepended data it is shifted, and
            // the record usually sits right before the locator.
            let named = u64_at(d, eocd - 20 + 8).unwrap_or(u64::MAX);
            let z = [named, (eocd - 20 - 56) as u64]
                .into_iter()
                .filter_map(|z| usize::try_from(z).ok())
                .find(|&z| d.get(z..z.saturating_add(4)) == Some(b"PK\x06\x06"))
                .ok_or(bad(
                    eocd - 20,
                    "zip64 end-of-central-directory record not found",
                ))?;
            count = u64_at(d, z + 32).ok_or(bad(z, "truncated zip64 EOCD"))?;
            cd_size = u64_at(d, z + 40).ok_or(bad(z, "truncated zip64 EOCD"))?;
            cd_off = u64_at(d, z + 48).ok_or(bad(z, "truncated zip64 EOCD"))?;
            cd_end = z as u64;
        }
    }
    let start = cd_end
        .checked_sub(
            cd_off
                .checked_add(cd_size)
                .ok_or(bad(eocd, "directory size overflows"))?,
        )
        .ok_or(bad(eocd, "central directory lies beyond its end record"))?;
    let mut at = (start + cd_off) as usize;
    let mut entries = Vec::new();
    let mut truncated = false;
    for _ in 0..count {
        if entries.len() as u64 >= max {
            truncated = true;
            break;
        }
        if d.get(at..at + 4) != Some(b"PK\x01\x02") {
            return Err(bad(at, "bad central-directory signature"));
        }
        let h = d
            .get(at..at + 46)
            .ok_or(bad(at, "truncated central-directory entry"))?;
        let flags = u16_at(h, 8).unwrap_or(0);
        let method = u16_at(h, 10).unwrap_or(0);
        let mut csize = u32_at(h, 20).unwrap_or(0) as u64;
        let mut usize_ = u32_at(h, 24).unwrap_or(0) as u64;
        let n = u16_at(h, 28).unwrap_or(0) as usize;
        let e = u16_at(h, 30).unwrap_or(0) as usize;
        let c = u16_at(h, 32).unwrap_or(0) as usize;
        let mut local = u32_at(h, 42).unwrap_or(0) as u64;
        let name = d
            .get(at + 46..at + 46 + n)
            .ok_or(bad(at, "truncated member name"))?;
        let extra = d
            .get(at + 46 + n..at + 46 + n + e)
            .ok_or(bad(at, "truncated extra field"))?;
        // zip64 extended information: present values replace the 0xffffffff placeholders.
        let mut x = 0;
        while x + 4 <= extra.len() {
            let id = u16_at(extra, x).unwrap_or(0);
            let len = u16_at(extra, x + 2).unwrap_or(0) as usize;
            let body = extra.get(x + 4..x + 4 + len).unwrap_or(&[]);
            if id == 1 {
                let mut p = 0;
                for field in [&mut usize_, &mut csize, &mut local] {
                    if *field == 0xffff_ffff
                        && let Some(v) = u64_at(body, p)
                    {
                        *field = v;
                        p += 8;
                    }
                }
            }
            x += 4 + len;
        }
        entries.push(Entry {
            name: String::from_utf8_lossy(name).into_owned(),
            method,
            flags,
            csize,
            usize: usize_,
            local: start.saturating_add(local),
            cd_at: at as u64,
        });
        at += 46 + n + e + c;
    }
    Ok(Directory {
        entries,
        cd_size,
        truncated,
    })
}

/// Offset of a zip archive that follows other content, if there is one.
pub(crate) fn trailing_zip(d: &[u8]) -> Option<u64> {
    let dir = read_directory(d, 1 << 16).ok()?;
    let first = dir.entries.iter().map(|e| e.local).min()?;
    (first > 0 && d.get(first as usize..first as usize + 4) == Some(b"PK\x03\x04")).then_some(first)
}

/// The compressed bytes of a member, checked against the local header.
fn member_slice<'d>(ctx: &mut Ctx, d: &'d [u8], e: &Entry, loc: &Loc) -> Result<&'d [u8], Fail> {
    let at = e.local as usize;
    let bad = |what: &str| (e.local, format!("member {:?}: {what}", e.name));
    if d.get(at..at.saturating_add(4)) != Some(b"PK\x03\x04") {
        return Err(bad("bad local header signature"));
    }
    let n = u16_at(d, at + 26).ok_or_else(|| bad("truncated local header"))? as usize;
    let x = u16_at(d, at + 28).ok_or_else(|| bad("truncated local header"))? as usize;
    let local_name = d
        .get(at + 30..at + 30 + n)
        .ok_or_else(|| bad("truncated local name"))?;
    if local_name != e.name.as_bytes() {
        ctx.push(
            loc,
            Finding::new(
                Rule::HeaderMismatch,
                format!(
                    "local header names {:?} but the central directory names {:?}",
                    String::from_utf8_lossy(local_name),
                    e.name
                ),
            )
            .at(e.local),
        );
    }
    let start = at + 30 + n + x;
    let end = (start as u64)
        .checked_add(e.csize)
        .filter(|&end| end <= d.len() as u64)
        .ok_or_else(|| bad("data extends past the end of the archive"))?;
    Ok(&d[start..end as usize])
}

fn is_storage(name: &str) -> bool {
    let mut parts = name.rsplit('/');
    let last = parts.next().unwrap_or("");
    let parent = parts.next().unwrap_or("");
    parent == "data" && !last.is_empty() && last.bytes().all(|b| b.is_ascii_digit())
}

fn classify(entries: &[Entry]) -> Format {
    let has = |f: &dyn Fn(&str) -> bool| entries.iter().any(|e| f(&e.name));
    let data_pkl = has(&|n| n == "data.pkl" || n.ends_with("/data.pkl"));
    if data_pkl && has(&|n| n.ends_with("constants.pkl")) && has(&|n| n.contains("code/")) {
        Format::Torchscript
    } else if data_pkl {
        Format::PytorchZip
    } else if has(&|n| n == "config.json") && has(&|n| n == "metadata.json") {
        Format::Keras
    } else if !entries.is_empty() && entries.iter().all(|e| e.name.ends_with(".npy")) {
        Format::NumpyNpz
    } else {
        Format::Zip
    }
}

/// Scans a zip archive and every member.
pub(crate) fn scan(ctx: &mut Ctx, d: &[u8], loc: &Loc, depth: u32) -> Format {
    let limits = ctx.opts.limits;
    let remaining = limits.max_entries.saturating_sub(ctx.entries);
    let dir = match read_directory(d, remaining) {
        Ok(dir) => dir,
        Err((off, msg)) => {
            ctx.error(loc, Some(off), format!("malformed zip: {msg}"));
            return Format::Zip;
        }
    };
    ctx.bytes_inspected += dir.cd_size + 22;
    let format = classify(&dir.entries);
    if format == Format::Torchscript {
        ctx.push(
            loc,
            Finding::new(
                Rule::TorchScriptCode,
                "TorchScript archive with code/ sources",
            ),
        );
    }
    if dir.truncated {
        super::entry_limit(ctx, loc, None);
    }
    let mut seen = HashSet::new();
    for e in &dir.entries {
        ctx.entries += 1;
        if !seen.insert(e.name.as_str()) {
            ctx.push(
                loc,
                Finding::new(
                    Rule::DuplicateMember,
                    format!(
                        "member name {:?} appears more than once; every copy is scanned",
                        e.name
                    ),
                )
                .at(e.cd_at),
            );
        }
        check_name(ctx, loc, &e.name, e.cd_at);
        if e.name.ends_with('/') && e.usize == 0 {
            continue;
        }
        let child = loc.child(&e.name);
        let raw = match member_slice(ctx, d, e, loc) {
            Ok(s) => s,
            Err((off, msg)) => {
                ctx.error(loc, Some(off), msg);
                continue;
            }
        };
        ctx.bytes_inspected += 30 + e.name.len() as u64;
        if matches!(format, Format::PytorchZip | Format::Torchscript) && is_storage(&e.name) {
            // Raw tensor storage: torch reads it as bytes, never unpickles it.
            continue;
        }
        if e.flags & 1 != 0 {
            ctx.push(
                loc,
                Finding::new(
                    Rule::Uninspected,
                    format!("member {:?} is encrypted", e.name),
                )
                .at(e.local),
            );
            continue;
        }
        ctx.members += 1;
        if e.method == 8
            && e.usize > PREFIX_ONLY
            && e.usize <= budget(ctx)
            && prefix_is_enough(ctx, raw, e, &child, depth)
        {
            continue;
        }
        let inflated;
        let content: &[u8] = match e.method {
            0 => raw,
            8 => match inflate(ctx, raw, e, loc) {
                Some(c) => {
                    inflated = c;
                    &inflated
                }
                None => continue,
            },
            m => {
                ctx.push(
                    loc,
                    Finding::new(
                        Rule::Uninspected,
                        format!(
                            "member {:?} uses compression method {m}, which is not decoded",
                            e.name
                        ),
                    )
                    .at(e.local),
                );
                continue;
            }
        };
        if format == Format::Keras && e.name == "config.json" {
            formats::keras::scan_config(ctx, content, &child);
        }
        ctx.scan_data(content, &child, depth + 1);
    }
    format
}

/// Deflated members above this size are first sniffed from a prefix.
const PREFIX_ONLY: u64 = 8 << 20;

/// For a large deflated member, inflates only a 64 KiB prefix: a numeric `.npy` is checked from
/// its header (its data needs no inspection) and content that is no recognisable format is left
/// alone; returns false when the whole member must be expanded and scanned.
fn prefix_is_enough(ctx: &mut Ctx, raw: &[u8], e: &Entry, child: &Loc, depth: u32) -> bool {
    use std::io::Read;
    let mut prefix = Vec::new();
    let mut dec = flate2::read::DeflateDecoder::new(raw).take(64 << 10);
    if dec.read_to_end(&mut prefix).is_err() {
        return false;
    }
    match crate::detect::sniff(&prefix) {
        crate::detect::Sniff::Npy if !formats::npy::is_object(&prefix) => {
            formats::npy::scan(ctx, &prefix, e.usize, child, depth + 1);
            true
        }
        // Unknown content with a bomb-like ratio falls through to `inflate`, which reports it.
        crate::detect::Sniff::Unknown
            if e.usize / e.csize.max(1) <= ctx.opts.limits.max_ratio
                && !crate::pickle::plausible(&prefix, ctx) =>
        {
            ctx.bytes_inspected += prefix.len() as u64;
            true
        }
        _ => false,
    }
}

/// Inflates a member within the expansion budget; bombs are reported, not expanded.
fn inflate(ctx: &mut Ctx, raw: &[u8], e: &Entry, loc: &Loc) -> Option<super::Expanded> {
    let limits = ctx.opts.limits;
    let left = budget(ctx);
    let ratio = e.usize / e.csize.max(1);
    if e.usize > left || (ratio > limits.max_ratio && e.usize > 1 << 20) {
        ctx.push(
            loc,
            Finding::new(
                Rule::ArchiveBomb,
                format!(
                    "member {:?} declares {} bytes from {} compressed (ratio {ratio}); not expanded",
                    e.name, e.usize, e.csize
                ),
            )
            .at(e.local),
        );
        return None;
    }
    // Declared sizes can lie: never expand more than declared (plus slack) or the budget.
    let limit = left.min(e.usize.saturating_add(1 << 16));
    match expand(flate2::read::DeflateDecoder::new(raw), limit) {
        Ok(c) => {
            ctx.expanded += c.len() as u64;
            Some(c)
        }
        Err(ExpandError::TooBig) => {
            ctx.push(
                loc,
                Finding::new(
                    Rule::ArchiveBomb,
                    format!(
                        "member {:?} expands beyond its declared size {}; not expanded",
                        e.name, e.usize
                    ),
                )
                .at(e.local),
            );
            None
        }
        Err(ExpandError::Failed(m, partial)) => {
            ctx.error(
                loc,
                Some(e.local),
                format!("member {:?}: corrupt deflate data: {m}", e.name),
            );
            // What inflated before the corruption is what a streaming reader would have seen.
            if let Some(c) = &partial {
                ctx.expanded += c.len() as u64;
            }
            partial
        }
    }
}
