//! Decoding of pickle string operands, as CPython's unpickler decodes them.

/// How a string operand is encoded in the stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StrEnc {
    /// BINUNICODE family: UTF-8.
    Utf8,
    /// BINSTRING / SHORT_BINSTRING: 8-bit text.
    Latin1,
    /// STRING: Python escape sequences inside the quotes.
    Escaped,
    /// UNICODE: raw-unicode-escape.
    RawUnicodeEscape,
}

/// Decodes operand bytes to text, replacing what cannot be decoded.
pub fn decode_str(b: &[u8], enc: StrEnc) -> String {
    match enc {
        StrEnc::Utf8 => String::from_utf8_lossy(b).into_owned(),
        StrEnc::Latin1 => b.iter().map(|&c| c as char).collect(),
        StrEnc::Escaped => unescape(b).iter().map(|&c| c as char).collect(),
        StrEnc::RawUnicodeEscape => raw_unicode_escape(b),
    }
}

fn hex_val(c: u8) -> Option<u32> {
    (c as char).to_digit(16)
}

/// Python's `codecs.escape_decode`.
fn unescape(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        i += 1;
        if c != b'\\' || i >= b.len() {
            out.push(c);
            continue;
        }
        let e = b[i];
        i += 1;
        match e {
            b'\\' | b'\'' | b'"' => out.push(e),
            b'a' => out.push(7),
            b'b' => out.push(8),
            b'f' => out.push(12),
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'v' => out.push(11),
            b'0'..=b'7' => {
                let mut v = (e - b'0') as u32;
                for _ in 0..2 {
                    match b.get(i) {
                        Some(&d @ b'0'..=b'7') => {
                            v = v * 8 + (d - b'0') as u32;
                            i += 1;
                        }
                        _ => break,
                    }
                }
                out.push(v as u8);
            }
            b'x' => match (
                b.get(i).and_then(|&c| hex_val(c)),
                b.get(i + 1).and_then(|&c| hex_val(c)),
            ) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 2;
                }
                _ => {
                    out.push(b'\\');
                    out.push(b'x');
                }
            },
            _ => {
                out.push(b'\\');
                out.push(e);
            }
        }
    }
    out
}

fn raw_unicode_escape(b: &[u8]) -> String {
    let mut out = String::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'\\' && i + 1 < b.len() && (b[i + 1] == b'u' || b[i + 1] == b'U') {
            let n = if b[i + 1] == b'u' { 4 } else { 8 };
            let digits = b.get(i + 2..i + 2 + n);
            if let Some(v) = digits.and_then(|d| {
                d.iter()
                    .try_fold(0u32, |acc, &c| hex_val(c).map(|h| acc * 16 + h))
            }) {
                out.push(char::from_u32(v).unwrap_or('\u{fffd}'));
                i += 2 + n;
                continue;
            }
        }
        out.push(c as char);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(decode_str(br"o\x73", StrEnc::Escaped), "os");
        assert_eq!(decode_str(br"\157s", StrEnc::Escaped), "os");
        assert_eq!(decode_str(br"a\'b\\", StrEnc::Escaped), "a'b\\");
        assert_eq!(decode_str(br"\u006fs", StrEnc::RawUnicodeEscape), "os");
        assert_eq!(decode_str(b"\xe9", StrEnc::Latin1), "\u{e9}");
    }
}
