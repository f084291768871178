//! Deterministic identity and time for exported documents: a serial number derived from the
//! content, and RFC 3339 timestamps given by the caller (never read from the clock here).

use palisade_model::date::Date;
use sha2::{Digest, Sha256};

/// A name-based UUID (RFC 9562 version 8, SHA-256) for `name` in `namespace`: the same input
/// always gives the same UUID, and different namespaces never collide in practice.
pub fn name_uuid(namespace: &str, name: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(namespace.as_bytes());
    h.update([0u8]);
    h.update(name);
    let d = h.finalize();
    let mut b = [0u8; 16];
    b.copy_from_slice(&d[..16]);
    b[6] = (b[6] & 0x0f) | 0x80; // version 8
    b[8] = (b[8] & 0x3f) | 0x80; // RFC 9562 variant
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// Seconds since the Unix epoch as an RFC 3339 UTC timestamp (`1970-01-01T00:00:00Z`).
pub fn rfc3339_from_unix(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let date = Date::from_days(days);
    format!(
        "{}T{:02}:{:02}:{:02}Z",
        date,
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// Read a timestamp as the user gives it: Unix seconds (as in `SOURCE_DATE_EPOCH`) or an
/// RFC 3339 date-time (`2026-10-20T08:00:00Z`, offsets and fractions allowed).
pub fn parse_timestamp(s: &str) -> Result<String, String> {
    let s = s.trim();
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        return s
            .parse::<i64>()
            .ok()
            .filter(|n| *n <= 253_402_300_799) // 9999-12-31T23:59:59Z
            .map(rfc3339_from_unix)
            .ok_or_else(|| format!("`{s}` is out of range for a timestamp"));
    }
    if is_rfc3339(s) {
        Ok(s.to_string())
    } else {
        Err(format!(
            "`{s}` is not a timestamp; give Unix seconds or an RFC 3339 date-time such as \
             2026-10-20T08:00:00Z"
        ))
    }
}

fn is_rfc3339(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| {
        b.get(r.clone())
            .is_some_and(|x| x.iter().all(u8::is_ascii_digit))
    };
    let num = |r: std::ops::Range<usize>| s.get(r).and_then(|x| x.parse::<u32>().ok());
    if b.len() < 20 || !(digits(0..4) && digits(5..7) && digits(8..10)) {
        return false;
    }
    if Date::parse(&s[..10]).is_err() || !matches!(b[10], b'T' | b't') {
        return false;
    }
    if !(digits(11..13) && b[13] == b':' && digits(14..16) && b[16] == b':' && digits(17..19)) {
        return false;
    }
    if num(11..13).is_none_or(|h| h > 23)
        || num(14..16).is_none_or(|m| m > 59)
        || num(17..19).is_none_or(|s| s > 60)
    {
        return false;
    }
    let mut i = 19;
    if b[i] == b'.' {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    match &b[i..] {
        [b'Z' | b'z'] => true,
        [b'+' | b'-', ..] => {
            b.len() == i + 6
                && digits(i + 1..i + 3)
                && b[i + 3] == b':'
                && digits(i + 4..i + 6)
                && num(i + 1..i + 3).is_some_and(|h| h <= 23)
                && num(i + 4..i + 6).is_some_and(|m| m <= 59)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_uuids_are_stable_and_well_formed() {
        let a = name_uuid("ns", b"model");
        assert_eq!(a, name_uuid("ns", b"model"));
        assert_ne!(a, name_uuid("ns", b"model2"));
        assert_ne!(a, name_uuid("other", b"model"));
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "8");
        assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"));
    }

    #[test]
    fn unix_seconds_become_utc_timestamps() {
        assert_eq!(rfc3339_from_unix(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339_from_unix(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(rfc3339_from_unix(-1), "1969-12-31T23:59:59Z");
    }

    #[test]
    fn timestamps_are_checked() {
        assert_eq!(
            parse_timestamp("1700000000").unwrap(),
            "2023-11-14T22:13:20Z"
        );
        for ok in [
            "2026-10-20T08:00:00Z",
            "2026-10-20T08:00:00.123+02:00",
            "2024-02-29T23:59:60Z",
        ] {
            assert_eq!(parse_timestamp(ok).unwrap(), ok);
        }
        for bad in [
            "",
            "yesterday",
            "2026-10-20",
            "2026-13-01T00:00:00Z",
            "2026-10-20T24:00:00Z",
            "2026-10-20T08:00:00",
            "2026-10-20T08:00:00+2",
            "2026-10-20T08:00:00.Z",
            "99999999999999999999",
        ] {
            assert!(parse_timestamp(bad).is_err(), "{bad}");
        }
    }
}
