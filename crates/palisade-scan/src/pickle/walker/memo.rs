//! The memo stores values packed into 8 bytes, half the size of a stack value, so memo-heavy
//! pickles stay within bounded memory.

use super::V;
use crate::pickle::strings::StrEnc;

// Memo values are packed into 8 bytes (half a `V`): a 3-bit tag, then for strings a 40-bit
// offset, a 19-bit length and a 2-bit encoding. Values that do not fit degrade to `Other`, which
// can never serve as an import operand (so an absurd name is reported as dynamic).
const T_STR: u64 = 1;
const T_IMPORT: u64 = 2;
const T_RESULT: u64 = 3;
const T_INT: u64 = 4;
const T_TRACKED: u64 = 5;
const T_OTHER: u64 = 6;
const T_UNKNOWN: u64 = 7;

pub(super) fn pack(v: V) -> u64 {
    let enc = |e: StrEnc| match e {
        StrEnc::Utf8 => 0u64,
        StrEnc::Latin1 => 1,
        StrEnc::Escaped => 2,
        StrEnc::RawUnicodeEscape => 3,
    };
    match v {
        V::Str { off, len, enc: e } if (off as u64) < 1 << 40 && len < 1 << 19 => {
            T_STR | (off as u64) << 3 | (len as u64) << 43 | enc(e) << 62
        }
        V::Import(i) => T_IMPORT | (i as u64) << 3,
        V::Result(i) => T_RESULT | (i as u64) << 3,
        V::Int(i) if (-(1i64 << 59)..(1i64 << 59)).contains(&i) => T_INT | ((i as u64) << 3),
        V::Tracked(i) => T_TRACKED | (i as u64) << 3,
        V::Unknown => T_UNKNOWN,
        V::Empty => 0,
        _ => T_OTHER,
    }
}

pub(super) fn unpack(u: u64) -> V {
    let payload = (u >> 3) as u32;
    match u & 7 {
        0 => V::Empty,
        T_STR => V::Str {
            off: ((u >> 3) & ((1 << 40) - 1)) as usize,
            len: ((u >> 43) & ((1 << 19) - 1)) as u32,
            enc: match u >> 62 {
                0 => StrEnc::Utf8,
                1 => StrEnc::Latin1,
                2 => StrEnc::Escaped,
                _ => StrEnc::RawUnicodeEscape,
            },
        },
        T_IMPORT => V::Import(payload),
        T_RESULT => V::Result(payload),
        T_INT => V::Int((u as i64) >> 3),
        T_TRACKED => V::Tracked(payload),
        T_UNKNOWN => V::Unknown,
        _ => V::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pickle::walker::NO_CALLEE;

    #[test]
    fn memo_packing_round_trips() {
        for v in [
            V::Str {
                off: (1 << 40) - 1,
                len: (1 << 19) - 1,
                enc: StrEnc::RawUnicodeEscape,
            },
            V::Str {
                off: 3,
                len: 0,
                enc: StrEnc::Utf8,
            },
            V::Import(u32::MAX - 1),
            V::Result(NO_CALLEE),
            V::Int(-5),
            V::Int((1 << 59) - 1),
            V::Tracked(7),
            V::Unknown,
        ] {
            assert_eq!(format!("{:?}", unpack(pack(v))), format!("{v:?}"));
        }
        assert!(matches!(unpack(pack(V::Int(i64::MIN))), V::Other));
        assert!(matches!(
            unpack(pack(V::Str {
                off: 1 << 41,
                len: 1,
                enc: StrEnc::Utf8
            })),
            V::Other
        ));
        assert!(matches!(unpack(pack(V::Bytes)), V::Other));
    }
}
