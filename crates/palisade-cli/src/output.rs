//! Writing outputs: atomically to files (temp file + rename), or to stdout with `-`.

use std::io::Write;
use std::path::Path;

/// Write what `write` produces (through a buffer) to `path` so that readers see the old file or
/// the new one, never half of it.
pub fn write_atomic_with(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| std::io::Error::other("the output path names no file"))?;
    for attempt in 0..100u32 {
        let tmp = dir.join(format!(
            ".{}.{}-{attempt}.tmp",
            name.to_string_lossy(),
            std::process::id()
        ));
        let file = match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        };
        let mut out = std::io::BufWriter::with_capacity(BUFFER, file);
        let result = write(&mut out)
            .and_then(|()| out.into_inner().map_err(|e| e.into_error()))
            .and_then(|file| file.sync_all())
            .and_then(|()| std::fs::rename(&tmp, path));
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        return result;
    }
    Err(std::io::Error::other("could not create a temporary file"))
}

/// Size of the output buffer: large outputs (the JSON report of a big model) are written as
/// they are produced instead of being built in memory first.
const BUFFER: usize = 256 * 1024;

/// Write to `path`, or to stdout when it is `-`.
pub fn emit(path: Option<&Path>, bytes: &[u8]) -> std::io::Result<()> {
    emit_with(path, |w| w.write_all(bytes))
}

/// Write what `write` produces to `path` (atomically), or to stdout when it is `-`, through a
/// buffer.
pub fn emit_with(
    path: Option<&Path>,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    match path {
        Some(p) if p != Path::new("-") => write_atomic_with(p, write),
        _ => {
            let mut out = std::io::BufWriter::with_capacity(BUFFER, std::io::stdout().lock());
            write(&mut out)?;
            out.flush()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_whole_file_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.json");
        std::fs::write(&p, b"old content that is longer").unwrap();
        write_atomic_with(&p, |w| w.write_all(b"new")).unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"new");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1);
    }

    #[test]
    fn atomic_write_into_missing_directory_fails_cleanly() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("missing/out.json");
        assert!(write_atomic_with(&p, |w| w.write_all(b"x")).is_err());
    }

    #[test]
    fn a_failed_write_keeps_the_old_file_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.json");
        std::fs::write(&p, b"old").unwrap();
        let failed = write_atomic_with(&p, |w| {
            w.write_all(b"half of it")?;
            Err(std::io::Error::other("serialisation failed"))
        });
        assert!(failed.is_err());
        assert_eq!(std::fs::read(&p).unwrap(), b"old");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1);
    }
}
