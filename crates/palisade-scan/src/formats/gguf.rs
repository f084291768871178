//! GGUF: header, bounded metadata (strings, arrays, value types), tensor table (dims, ggml
//! types, sizes, aligned non-overlapping in-bounds offsets) and `tokenizer.chat_template`
//! template-injection patterns. Tensor data is never read.

use crate::engine::{Ctx, Loc};
use crate::report::{Finding, Format};
use crate::rules::Rule;
use std::collections::HashSet;

const MAX_STRING: u64 = 16 << 20;
const MAX_DIMS: u32 = 4;

/// (block size, bytes per block) of each ggml type id.
fn ggml_type(t: u32) -> Option<(u64, u64)> {
    Some(match t {
        0 => (1, 4),
        1 => (1, 2),
        2 => (32, 18),
        3 => (32, 20),
        6 => (32, 22),
        7 => (32, 24),
        8 => (32, 34),
        9 => (32, 36),
        10 => (256, 84),
        11 => (256, 110),
        12 => (256, 144),
        13 => (256, 176),
        14 => (256, 210),
        15 => (256, 292),
        16 => (256, 66),
        17 => (256, 74),
        18 => (256, 98),
        19 => (256, 50),
        20 => (32, 18),
        21 => (256, 110),
        22 => (256, 82),
        23 => (256, 136),
        24 => (1, 1),
        25 => (1, 2),
        26 => (1, 4),
        27 => (1, 8),
        28 => (1, 8),
        29 => (256, 56),
        30 => (1, 2),
        34 => (256, 54),
        35 => (256, 66),
        39 => (32, 17),
        _ => return None,
    })
}

struct R<'a> {
    d: &'a [u8],
    pos: usize,
    big: bool,
}

type E = (u64, String);

impl<'a> R<'a> {
    fn take(&mut self, n: u64) -> Result<&'a [u8], E> {
        let remain = (self.d.len() - self.pos) as u64;
        if n > remain {
            return Err((self.pos as u64, format!("needs {n} bytes, {remain} remain")));
        }
        let s = &self.d[self.pos..self.pos + n as usize];
        self.pos += n as usize;
        Ok(s)
    }
    fn u32(&mut self) -> Result<u32, E> {
        let b: [u8; 4] = self.take(4)?.try_into().unwrap_or_default();
        Ok(if self.big {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        })
    }
    fn u64(&mut self) -> Result<u64, E> {
        let b: [u8; 8] = self.take(8)?.try_into().unwrap_or_default();
        Ok(if self.big {
            u64::from_be_bytes(b)
        } else {
            u64::from_le_bytes(b)
        })
    }
    fn string(&mut self) -> Result<&'a [u8], E> {
        let at = self.pos as u64;
        let n = self.u64()?;
        if n > MAX_STRING {
            return Err((
                at,
                format!("string length {n} exceeds the {MAX_STRING}-byte cap"),
            ));
        }
        self.take(n)
    }
}

enum Val<'a> {
    Str(&'a [u8]),
    Int(u64),
    Other,
}

fn value<'a>(r: &mut R<'a>, ty: u32, depth: u32) -> Result<Val<'a>, E> {
    let at = r.pos as u64;
    Ok(match ty {
        0 | 1 | 7 => Val::Int(r.take(1)?[0] as u64),
        2 | 3 => {
            r.take(2)?;
            Val::Other
        }
        4 | 5 => Val::Int(r.u32()? as u64),
        6 => {
            r.take(4)?;
            Val::Other
        }
        8 => Val::Str(r.string()?),
        9 => {
            if depth > 2 {
                return Err((at, "nested arrays too deep".into()));
            }
            let et = r.u32()?;
            let n = r.u64()?;
            let remain = (r.d.len() - r.pos) as u64;
            let min = match et {
                0 | 1 | 7 => 1,
                2 | 3 => 2,
                4..=6 => 4,
                8 | 10..=12 => 8,
                9 => 12,
                _ => return Err((at, format!("unknown array element type {et}"))),
            };
            if n.checked_mul(min).is_none_or(|b| b > remain) {
                return Err((
                    at,
                    format!("array of {n} elements exceeds the {remain} bytes that remain"),
                ));
            }
            match et {
                0 | 1 | 7 | 2 | 3 | 4..=6 | 10..=12 => {
                    r.take(n * min)?;
                }
                _ => {
                    for _ in 0..n {
                        value(r, et, depth + 1)?;
                    }
                }
            }
            Val::Other
        }
        10 | 11 => Val::Int(r.u64()?),
        12 => {
            r.take(8)?;
            Val::Other
        }
        t => return Err((at, format!("unknown value type {t}"))),
    })
}

/// Scans a GGUF file.
pub(crate) fn scan(ctx: &mut Ctx, d: &[u8], loc: &Loc) -> Format {
    if let Err((off, msg)) = check(ctx, d, loc) {
        ctx.error(loc, Some(off), format!("malformed gguf: {msg}"));
    }
    Format::Gguf
}

fn check(ctx: &mut Ctx, d: &[u8], loc: &Loc) -> Result<(), E> {
    let mut r = R {
        d,
        pos: 4,
        big: false,
    };
    let mut version = r.u32()?;
    if !(1..=3).contains(&version) && (1..=3).contains(&version.swap_bytes()) {
        r.big = true;
        version = version.swap_bytes();
    }
    if !(1..=3).contains(&version) {
        return Err((4, format!("unsupported version {version}")));
    }
    let (tensors, kvs) = if version == 1 {
        (r.u32()? as u64, r.u32()? as u64)
    } else {
        (r.u64()?, r.u64()?)
    };
    let remain = (d.len() - r.pos) as u64;
    if kvs > remain / 12 || tensors > remain / 24 {
        return Err((
            8,
            format!("{tensors} tensors / {kvs} metadata pairs cannot fit in {remain} bytes"),
        ));
    }
    let mut keys = HashSet::new();
    let mut alignment = 32u64;
    for _ in 0..kvs {
        let at = r.pos as u64;
        let key = String::from_utf8_lossy(r.string()?).into_owned();
        let ty = r.u32()?;
        let v = value(&mut r, ty, 0)?;
        if !keys.insert(key.clone()) {
            return Err((at, format!("duplicate metadata key {key:?}")));
        }
        if key.contains("..") || key.contains('/') || key.contains('\\') {
            ctx.push(
                loc,
                Finding::new(
                    Rule::PathTraversal,
                    format!("metadata key {key:?} contains path characters"),
                )
                .at(at),
            );
        }
        match (key.as_str(), v) {
            ("general.alignment", Val::Int(a)) => {
                if a == 0 || !a.is_power_of_two() {
                    return Err((at, format!("general.alignment {a} is not a power of two")));
                }
                alignment = a;
            }
            (k, Val::Str(s)) if k.starts_with("tokenizer.chat_template") => {
                let t = String::from_utf8_lossy(s);
                let hits = super::template::ssti_patterns(&t);
                if !hits.is_empty() {
                    ctx.push(
                        loc,
                        Finding::new(
                            Rule::TemplateInjection,
                            format!(
                                "{k} uses template-injection primitives: {}",
                                hits.join(", ")
                            ),
                        )
                        .at(at),
                    );
                }
            }
            _ => {}
        }
    }
    let mut infos = Vec::new();
    for _ in 0..tensors {
        let at = r.pos as u64;
        let name = String::from_utf8_lossy(r.string()?).into_owned();
        let nd = r.u32()?;
        if nd > MAX_DIMS {
            return Err((
                at,
                format!("tensor {name:?} has {nd} dimensions (max {MAX_DIMS})"),
            ));
        }
        let mut elems = Some(1u64);
        for _ in 0..nd {
            let x = r.u64()?;
            elems = elems.and_then(|e| e.checked_mul(x));
        }
        let ty = r.u32()?;
        let off = r.u64()?;
        infos.push((at, name, elems, ty, off));
    }
    let data_start = (r.pos as u64).div_ceil(alignment) * alignment;
    ctx.bytes_inspected += r.pos as u64;
    if data_start > d.len() as u64 && !infos.is_empty() {
        return Err((
            r.pos as u64,
            "tensor data starts past the end of the file".into(),
        ));
    }
    let data_len = (d.len() as u64).saturating_sub(data_start);
    let mut ranges = Vec::new();
    for (at, name, elems, ty, off) in infos {
        let Some((block, bytes)) = ggml_type(ty) else {
            ctx.push(
                loc,
                Finding::new(
                    Rule::UnknownDtype,
                    format!("tensor {name:?} has unknown ggml type {ty}"),
                )
                .at(at),
            );
            continue;
        };
        let size = elems
            .filter(|e| e % block == 0)
            .and_then(|e| (e / block).checked_mul(bytes));
        let Some(size) = size else {
            ctx.push(loc, Finding::new(Rule::TensorSizeMismatch, format!("tensor {name:?}: element count is not a multiple of the type's block size or overflows")).at(at));
            continue;
        };
        if off % alignment != 0 {
            ctx.push(
                loc,
                Finding::new(
                    Rule::TensorGap,
                    format!("tensor {name:?} offset {off} is not {alignment}-byte aligned"),
                )
                .at(at),
            );
        }
        match off.checked_add(size) {
            Some(end) if end <= data_len => ranges.push((off, end, name)),
            _ => ctx.push(
                loc,
                Finding::new(Rule::TensorOutOfBounds, format!("tensor {name:?} at offset {off} with {size} bytes exceeds the {data_len}-byte data section")).at(at),
            ),
        }
    }
    ranges.sort();
    for w in ranges.windows(2) {
        if w[1].0 < w[0].1 {
            ctx.push(
                loc,
                Finding::new(
                    Rule::TensorOverlap,
                    format!("tensors {:?} and {:?} overlap", w[0].2, w[1].2),
                )
                .at(data_start + w[1].0),
            );
        }
    }
    Ok(())
}
