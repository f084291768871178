//! A tar reader over a byte slice (ustar, GNU long names, pax paths); members are scanned in
//! place.

use super::check_name;
use crate::engine::{Ctx, Loc};
use crate::report::Format;

fn octal(field: &[u8]) -> Option<u64> {
    if field.first().is_some_and(|b| b & 0x80 != 0) {
        // GNU base-256 encoding.
        let mut v: u64 = u64::from(field[0] & 0x7f);
        for &b in &field[1..] {
            v = v.checked_mul(256)?.checked_add(u64::from(b))?;
        }
        return Some(v);
    }
    let s = std::str::from_utf8(field).ok()?;
    let s = s.trim_matches(|c: char| c == '\0' || c == ' ');
    if s.is_empty() {
        return Some(0);
    }
    u64::from_str_radix(s, 8).ok()
}

fn cstr(field: &[u8]) -> String {
    let end = field.iter().position(|&b| b == 0).unwrap_or(field.len());
    String::from_utf8_lossy(&field[..end]).into_owned()
}

fn pax_path(body: &[u8]) -> Option<String> {
    // Records: "<len> key=value\n".
    let text = String::from_utf8_lossy(body);
    text.lines().find_map(|l| {
        let (_, kv) = l.split_once(' ')?;
        kv.strip_prefix("path=").map(str::to_string)
    })
}

/// Scans a tar archive and every regular-file member.
pub(crate) fn scan(ctx: &mut Ctx, d: &[u8], loc: &Loc, depth: u32) -> Format {
    let mut at = 0usize;
    let mut long_name: Option<String> = None;
    while at + 512 <= d.len() {
        let h = &d[at..at + 512];
        ctx.bytes_inspected += 512;
        if h.iter().all(|&b| b == 0) {
            break;
        }
        if ctx.entries >= ctx.opts.limits.max_entries {
            super::entry_limit(ctx, loc, Some(at as u64));
            break;
        }
        ctx.entries += 1;
        let Some(size) = octal(&h[124..136]) else {
            ctx.error(
                loc,
                Some(at as u64 + 124),
                "malformed tar header size".into(),
            );
            break;
        };
        let body_start = at + 512;
        let Some(body_end) = (body_start as u64)
            .checked_add(size)
            .filter(|&e| e <= d.len() as u64)
        else {
            ctx.error(
                loc,
                Some(at as u64),
                "tar member extends past the end of the archive".into(),
            );
            break;
        };
        let body = &d[body_start..body_end as usize];
        let kind = h[156];
        let mut name = cstr(&h[0..100]);
        if &h[257..262] == b"ustar" {
            let prefix = cstr(&h[345..500]);
            if !prefix.is_empty() {
                name = format!("{prefix}/{name}");
            }
        }
        if let Some(n) = long_name.take() {
            name = n;
        }
        match kind {
            b'L' => long_name = Some(cstr(body)),
            b'x' => long_name = pax_path(body),
            b'0' | 0 | b'7' => {
                check_name(ctx, loc, &name, at as u64);
                ctx.members += 1;
                ctx.scan_data(body, &loc.child(&name), depth + 1);
            }
            _ => check_name(ctx, loc, &name, at as u64),
        }
        let padded = size.div_ceil(512).saturating_mul(512);
        at = match (body_start as u64).checked_add(padded) {
            Some(n) if n <= usize::MAX as u64 => n as usize,
            _ => break,
        };
    }
    Format::Tar
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_fields() {
        assert_eq!(octal(b"00000000017\0"), Some(15));
        assert_eq!(octal(b"\0\0\0\0"), Some(0));
        assert_eq!(octal(&[0x80, 0, 1, 0]), Some(256));
        assert_eq!(octal(b"zz"), None);
    }
}
