//! NumPy `.npy`: header version, the header dict (parsed strictly), object dtypes (also nested
//! in structured dtypes) whose data is a pickle, and shape x itemsize against the data length.

use super::pylit::{Lit, parse};
use crate::engine::{Ctx, Loc};
use crate::pickle;
use crate::report::{Finding, Format};
use crate::rules::Rule;

/// Parsed dtype: element size, and whether any field is an object.
fn dtype(d: &Lit, depth: u32) -> Result<(u64, bool), String> {
    if depth > 16 {
        return Err("dtype nesting too deep".into());
    }
    match d {
        Lit::Str(s) => {
            let t = s.trim_start_matches(['<', '>', '|', '=']);
            let mut c = t.chars();
            let kind = c.next().ok_or("empty dtype")?;
            if kind == 'O' {
                return Ok((8, true));
            }
            let n: u64 = match c.as_str() {
                "" if kind == '?' || kind == 'b' => 1,
                rest => rest.parse().map_err(|_| format!("unknown dtype {s:?}"))?,
            };
            match kind {
                'U' => Ok((n.checked_mul(4).ok_or("dtype size overflows")?, false)),
                'f' | 'i' | 'u' | 'c' | 'b' | '?' | 'S' | 'a' | 'V' | 'M' | 'm' => Ok((n, false)),
                _ => Err(format!("unknown dtype {s:?}")),
            }
        }
        Lit::Seq(fields) => {
            let mut size = 0u64;
            let mut object = false;
            for f in fields {
                let Lit::Seq(parts) = f else {
                    return Err("structured dtype field is not a tuple".into());
                };
                let (sub, obj) = dtype(parts.get(1).ok_or("field without dtype")?, depth + 1)?;
                let count = match parts.get(2) {
                    Some(shape) => shape_len(shape)?,
                    None => 1,
                };
                object |= obj;
                size = sub
                    .checked_mul(count)
                    .and_then(|s| size.checked_add(s))
                    .ok_or("dtype size overflows")?;
            }
            Ok((size, object))
        }
        _ => Err("descr is neither a string nor a field list".into()),
    }
}

fn shape_len(shape: &Lit) -> Result<u64, String> {
    match shape {
        Lit::Int(n) if *n >= 0 => Ok(*n as u64),
        Lit::Seq(items) => items.iter().try_fold(1u64, |acc, v| match v {
            Lit::Int(n) if *n >= 0 => acc
                .checked_mul(*n as u64)
                .ok_or("shape overflows".to_string()),
            _ => Err("shape item is not a non-negative integer".to_string()),
        }),
        _ => Err("shape is not a tuple of integers".into()),
    }
}

/// Scans an `.npy` stream. `full_len` is the real length when `data` is a prefix.
pub(crate) fn scan(ctx: &mut Ctx, data: &[u8], full_len: u64, loc: &Loc, depth: u32) -> Format {
    match header(data) {
        Err((off, msg)) => ctx.error(loc, Some(off), format!("malformed npy: {msg}")),
        Ok(h) => {
            ctx.bytes_inspected += h.data_start as u64;
            if h.object {
                ctx.push(
                    loc,
                    Finding::new(
                        Rule::NumpyObjectArray,
                        format!(
                            "array of dtype {} has object fields; its data is a pickle",
                            h.descr
                        ),
                    )
                    .at(h.data_start as u64),
                );
                if (data.len() as u64) < full_len {
                    ctx.error(
                        loc,
                        None,
                        "object array data not available for scanning".into(),
                    );
                } else {
                    let body = &data[h.data_start..];
                    let inner = loc.child("<pickle>");
                    pickle::scan_stream(ctx, body, &inner, depth + 1);
                }
            } else {
                let have = full_len - h.data_start as u64;
                let want = h.count.checked_mul(h.itemsize);
                if want != Some(have) {
                    ctx.push(
                        loc,
                        Finding::new(
                            Rule::NumpySizeMismatch,
                            format!(
                                "shape x itemsize = {} bytes but {have} bytes of data follow the header",
                                want.map_or("overflow".to_string(), |w| w.to_string())
                            ),
                        )
                        .at(h.data_start as u64),
                    );
                }
            }
        }
    }
    Format::Numpy
}

/// Whether an `.npy` header (possibly of a prefix) declares object fields; malformed headers
/// count as object so that the caller scans the whole content.
pub(crate) fn is_object(data: &[u8]) -> bool {
    header(data).map_or(true, |h| h.object)
}

struct Header {
    descr: String,
    itemsize: u64,
    object: bool,
    count: u64,
    data_start: usize,
}

fn header(d: &[u8]) -> Result<Header, (u64, String)> {
    let major = *d.get(6).ok_or((6, "truncated magic".to_string()))?;
    let (len, start) = match major {
        1 => (
            d.get(8..10)
                .map(|b| u16::from_le_bytes([b[0], b[1]]) as usize),
            10usize,
        ),
        2 | 3 => (
            d.get(8..12)
                .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize),
            12,
        ),
        v => return Err((6, format!("unsupported format version {v}"))),
    };
    let len = len.ok_or((8, "truncated header length".to_string()))?;
    let end = start
        .checked_add(len)
        .filter(|&e| e <= d.len())
        .ok_or((8, format!("header length {len} exceeds the file")))?;
    let raw = &d[start..end];
    let text: String = if major == 3 {
        std::str::from_utf8(raw)
            .map_err(|e| {
                (
                    start as u64 + e.valid_up_to() as u64,
                    "header is not UTF-8".to_string(),
                )
            })?
            .to_string()
    } else {
        raw.iter().map(|&b| b as char).collect()
    };
    let lit = parse(text.trim_end()).map_err(|m| (start as u64, m))?;
    let Lit::Dict(pairs) = lit else {
        return Err((start as u64, "header is not a dict".into()));
    };
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(key, _)| matches!(key, Lit::Str(s) if s == k))
            .map(|(_, v)| v)
    };
    if pairs.len() != 3 {
        return Err((
            start as u64,
            "header must have exactly descr, fortran_order and shape".into(),
        ));
    }
    let descr = get("descr").ok_or((start as u64, "missing descr".to_string()))?;
    if !matches!(get("fortran_order"), Some(Lit::Bool(_))) {
        return Err((start as u64, "fortran_order must be a boolean".into()));
    }
    let shape = get("shape").ok_or((start as u64, "missing shape".to_string()))?;
    let (itemsize, object) = dtype(descr, 0).map_err(|m| (start as u64, m))?;
    let count = shape_len(shape).map_err(|m| (start as u64, m))?;
    Ok(Header {
        descr: match descr {
            Lit::Str(s) => s.clone(),
            _ => "structured".into(),
        },
        itemsize,
        object,
        count,
        data_start: end,
    })
}
