//! Format detection from content (never from file names).

use crate::report::Format;

/// What the first bytes say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sniff {
    Zip,
    Tar,
    /// A compressed stream that is decoded (gzip, zlib, bzip2, xz, lzma, zstd, lz4).
    Compressed(Format),
    /// A compressed or archive format that is recognised but not decoded.
    Other(Format),
    Npy,
    Safetensors,
    Gguf,
    /// HDF5 superblock at this offset.
    Hdf5(usize),
    Pickle,
    Unknown,
}

const HDF5_MAGIC: &[u8] = b"\x89HDF\r\n\x1a\n";

/// Detects the format of `d` from its content.
pub(crate) fn sniff(d: &[u8]) -> Sniff {
    if d.len() >= 2 && d[0] == 0x80 && d[1] <= 5 {
        return Sniff::Pickle;
    }
    if d.starts_with(b"PK\x03\x04") || d.starts_with(b"PK\x05\x06") {
        return Sniff::Zip;
    }
    if d.starts_with(b"\x93NUMPY") {
        return Sniff::Npy;
    }
    if d.starts_with(b"GGUF") {
        return Sniff::Gguf;
    }
    if d.starts_with(b"\x1f\x8b") {
        return Sniff::Compressed(Format::Gzip);
    }
    if d.starts_with(b"BZh") && d.len() > 3 && d[3].is_ascii_digit() {
        return Sniff::Compressed(Format::Bzip2);
    }
    if d.starts_with(b"\xfd7zXZ\x00") {
        return Sniff::Compressed(Format::Xz);
    }
    if d.starts_with(b"\x28\xb5\x2f\xfd") {
        return Sniff::Compressed(Format::Zstd);
    }
    if d.starts_with(b"\x04\x22\x4d\x18") {
        return Sniff::Compressed(Format::Lz4);
    }
    if d.starts_with(b"7z\xbc\xaf\x27\x1c") {
        return Sniff::Other(Format::SevenZip);
    }
    let mut at = 0usize;
    while at + HDF5_MAGIC.len() <= d.len() && at <= 1 << 20 {
        if &d[at..at + HDF5_MAGIC.len()] == HDF5_MAGIC {
            return Sniff::Hdf5(at);
        }
        at = if at == 0 { 512 } else { at * 2 };
    }
    if d.len() >= 263 && &d[257..262] == b"ustar" {
        return Sniff::Tar;
    }
    if is_safetensors(d) {
        return Sniff::Safetensors;
    }
    if is_zlib(d) {
        return Sniff::Compressed(Format::Zlib);
    }
    if is_lzma_alone(d) {
        return Sniff::Compressed(Format::Lzma);
    }
    Sniff::Unknown
}

fn is_safetensors(d: &[u8]) -> bool {
    if d.len() < 10 {
        return false;
    }
    let n = u64::from_le_bytes([d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]]);
    d[8] == b'{' && n >= 2 && n <= (d.len() - 8) as u64
}

fn is_zlib(d: &[u8]) -> bool {
    d.len() >= 2
        && d[0] == 0x78
        && matches!(d[1], 0x01 | 0x5e | 0x9c | 0xda)
        && (u16::from(d[0]) * 256 + u16::from(d[1])) % 31 == 0
}

/// The `.lzma` (LZMA-alone) header joblib writes: properties byte 0x5d, a dictionary size of
/// 2^n or 2^n + 2^(n-1), and an unpacked size that is unknown (all ones) or below 1 TiB.
fn is_lzma_alone(d: &[u8]) -> bool {
    if d.len() < 13 || d[0] != 0x5d {
        return false;
    }
    let dict = u32::from_le_bytes([d[1], d[2], d[3], d[4]]);
    let size = u64::from_le_bytes([d[5], d[6], d[7], d[8], d[9], d[10], d[11], d[12]]);
    let dict_ok = dict >= 4096
        && (dict.is_power_of_two() || (dict.is_multiple_of(3) && (dict / 3).is_power_of_two()));
    dict_ok && (size == u64::MAX || size < 1 << 40)
}

/// Whether a bytes literal looks like a nested stream worth scanning.
pub(crate) fn looks_nested(d: &[u8]) -> bool {
    (d[0] == 0x80 && (2..=5).contains(&d[1]))
        || d.starts_with(b"PK\x03\x04")
        || d.starts_with(b"\x1f\x8b")
        || d.starts_with(b"\x93NUMPY")
        || d.starts_with(b"BZh")
        || d.starts_with(b"\xfd7zXZ")
        || d.starts_with(b"7z\xbc\xaf")
        || d.starts_with(b"\x28\xb5\x2f\xfd")
        || d.starts_with(b"\x04\x22\x4d\x18")
        || is_zlib(d)
        || is_lzma_alone(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magics() {
        assert_eq!(sniff(b"\x80\x04\x95"), Sniff::Pickle);
        assert_eq!(sniff(b"PK\x03\x04rest"), Sniff::Zip);
        assert_eq!(sniff(b"\x93NUMPY\x01\x00"), Sniff::Npy);
        assert_eq!(sniff(b"GGUF\x03\x00\x00\x00"), Sniff::Gguf);
        assert_eq!(sniff(b"\x1f\x8b\x08\x00"), Sniff::Compressed(Format::Gzip));
        assert_eq!(sniff(b"\x78\x9c\x01\x02"), Sniff::Compressed(Format::Zlib));
        let lzma = b"\x5d\x00\x00\x80\x00\xff\xff\xff\xff\xff\xff\xff\xff\x00";
        assert_eq!(sniff(lzma), Sniff::Compressed(Format::Lzma));
        assert_eq!(
            sniff(b"\x02\x00\x00\x00\x00\x00\x00\x00{}"),
            Sniff::Safetensors
        );
        assert_eq!(sniff(b"hello world"), Sniff::Unknown);
        assert_eq!(sniff(b""), Sniff::Unknown);
    }
}
