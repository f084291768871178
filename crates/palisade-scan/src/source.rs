//! Finding files to scan and mapping them into memory.

use crate::report::{FileReport, Format, ScanIssue, Verdict};
use memmap2::Mmap;
use std::fs::File;
use std::path::{Path, PathBuf};

/// Adds `path` (a file, or every file under a directory) to `out`, with sizes. Unreadable
/// paths become error reports in `failed`.
pub(crate) fn collect(
    path: &Path,
    follow: bool,
    out: &mut Vec<(PathBuf, u64)>,
    failed: &mut Vec<FileReport>,
) {
    let meta = if follow {
        std::fs::metadata(path)
    } else {
        std::fs::symlink_metadata(path)
    };
    match meta {
        Ok(m) if m.is_dir() => match std::fs::read_dir(path) {
            Ok(rd) => {
                let mut children: Vec<PathBuf> =
                    rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
                children.sort();
                for c in children {
                    collect(&c, follow, out, failed);
                }
            }
            Err(e) => failed.push(error_report(path, format!("cannot read directory: {e}"))),
        },
        Ok(m) if m.is_file() => out.push((path.to_path_buf(), m.len())),
        // Symlinks (when not followed), sockets, devices: not scanned.
        Ok(_) => {}
        Err(e) => failed.push(error_report(path, format!("cannot read: {e}"))),
    }
}

/// A report for a file that could not be read at all.
pub(crate) fn error_report(path: &Path, message: String) -> FileReport {
    FileReport {
        path: path.display().to_string(),
        format: Format::Unknown,
        verdict: Verdict::Error,
        size: 0,
        sha256: None,
        findings: Vec::new(),
        errors: vec![ScanIssue {
            member: None,
            offset: None,
            message,
        }],
        members_scanned: 0,
        bytes_inspected: 0,
    }
}

/// Maps a file read-only. Empty files cannot be mapped and are returned as `None`.
pub(crate) fn map(file: &File, len: u64) -> std::io::Result<Option<Mmap>> {
    if len == 0 {
        return Ok(None);
    }
    // SAFETY: the mapping is read-only and private; a concurrent truncation by another process
    // could fault, which is the documented limitation of scanning files that are being written.
    let m = unsafe { Mmap::map(file)? };
    Ok(Some(m))
}

/// SHA-256 of a file, read in 1 MiB chunks (bounded memory).
pub(crate) fn sha256_file(path: &Path) -> std::io::Result<String> {
    use sha2::{Digest, Sha256};
    use std::io::Read;
    let mut f = File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(hex(&h.finalize()))
}

/// Lowercase hex.
pub(crate) fn hex(b: &[u8]) -> String {
    const H: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(b.len() * 2);
    for &x in b {
        s.push(H[(x >> 4) as usize] as char);
        s.push(H[(x & 15) as usize] as char);
    }
    s
}

/// Drops the mapped pages before `upto` from this process (they stay in the page cache), so a
/// walk over a huge file keeps a bounded resident set.
pub(crate) fn release(map: &Mmap, upto: usize) {
    let page = 4096;
    let len = (upto.saturating_sub(1 << 20)) / page * page;
    if len > 0 {
        // SAFETY: the mapping is private and read-only; after MADV_DONTNEED the kernel refills
        // pages from the file on the next access, so the contents seen through the map are
        // unchanged and no reference into it is invalidated.
        let _ = unsafe { map.unchecked_advise_range(memmap2::UncheckedAdvice::DontNeed, 0, len) };
    }
}
