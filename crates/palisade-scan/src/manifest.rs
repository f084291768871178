//! Provenance manifests of a model or dataset directory: per-file size, SHA-256 and BLAKE3,
//! hashed in parallel. The `resources` list uses the shape of OpenSSF model signing's
//! per-file serialization (`name`, `algorithm: sha256`, `digest`), so a signing tool can sign
//! the same digests.

use crate::Progress;
use crate::source::hex;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Identifier of the manifest format.
pub const MANIFEST_SCHEMA: &str = "palisade-manifest/1";

/// Manifest errors.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    /// The root is not a directory (or a file).
    #[error("{0}: not a file or directory")]
    NotFound(PathBuf),
    /// Reading a file or directory failed.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The manifest is not valid JSON of this format.
    #[error("invalid manifest: {0}")]
    Invalid(String),
}

/// How files were serialised for hashing (mirrors OpenSSF model signing's fields).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Serialization {
    /// Always `files`: one digest per file.
    pub method: String,
    /// Always `sha256`: the digest in `resources`.
    pub hash_type: String,
    /// Whether symbolic links were followed.
    pub allow_symlinks: bool,
    /// Relative paths excluded from the manifest (re-applied by `verify`).
    #[serde(default)]
    pub ignore_paths: Vec<String>,
}

/// One file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    /// Path relative to the root, `/`-separated.
    pub path: String,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256, lowercase hex.
    pub sha256: String,
    /// BLAKE3, lowercase hex.
    pub blake3: String,
}

/// One resource in OpenSSF model-signing shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resource {
    /// Path relative to the root.
    pub name: String,
    /// `sha256`.
    pub algorithm: String,
    /// Lowercase hex digest.
    pub digest: String,
}

/// A provenance manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always [`MANIFEST_SCHEMA`].
    pub schema: String,
    /// Tool that wrote it.
    pub created_by: String,
    /// Serialization parameters.
    pub serialization: Serialization,
    /// Number of files and their total size.
    pub total_files: u64,
    #[allow(missing_docs)]
    pub total_bytes: u64,
    /// Files sorted by path.
    pub files: Vec<FileEntry>,
    /// The same files as OpenSSF model-signing resources.
    pub resources: Vec<Resource>,
}

/// Options for [`create`] and [`verify`].
#[derive(Debug, Clone, Default)]
pub struct ManifestOptions {
    /// Follow symbolic links (default: skip them).
    pub follow_symlinks: bool,
    /// Relative paths to leave out (e.g. the manifest file itself).
    pub ignore_paths: Vec<String>,
}

/// A file whose content changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Modified {
    /// Relative path.
    pub path: String,
    /// Size and SHA-256 recorded in the manifest.
    pub expected_size: u64,
    #[allow(missing_docs)]
    pub expected_sha256: String,
    /// Size and SHA-256 found now.
    pub actual_size: u64,
    #[allow(missing_docs)]
    pub actual_sha256: String,
}

/// The outcome of [`verify`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verification {
    /// True when nothing was modified, missing or added.
    pub ok: bool,
    /// Files that match.
    pub unchanged: u64,
    /// Files whose size or digests differ.
    pub modified: Vec<Modified>,
    /// Files in the manifest but not on disk.
    pub missing: Vec<String>,
    /// Files on disk but not in the manifest.
    pub added: Vec<String>,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> ManifestError + '_ {
    move |source| ManifestError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn rel(root: &Path, p: &Path) -> String {
    let r = p.strip_prefix(root).unwrap_or(p);
    r.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// Lists the files under `root` with sizes, sorted, without the ignored paths.
fn list(root: &Path, opts: &ManifestOptions) -> Result<Vec<(String, PathBuf, u64)>, ManifestError> {
    let meta = std::fs::metadata(root).map_err(|_| ManifestError::NotFound(root.to_path_buf()))?;
    let mut out = Vec::new();
    if meta.is_file() {
        let name = root
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        out.push((name, root.to_path_buf(), meta.len()));
        return Ok(out);
    }
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).map_err(io(&dir))? {
            let e = e.map_err(io(&dir))?;
            let p = e.path();
            let m = if opts.follow_symlinks {
                std::fs::metadata(&p)
            } else {
                std::fs::symlink_metadata(&p)
            }
            .map_err(io(&p))?;
            if m.is_dir() {
                stack.push(p);
            } else if m.is_file() {
                let r = rel(root, &p);
                if !opts.ignore_paths.contains(&r) {
                    out.push((r, p, m.len()));
                }
            }
        }
    }
    out.sort();
    Ok(out)
}

/// SHA-256 and BLAKE3 of a file in one read pass; the two hashes run on both cores.
pub fn hash_file(path: &Path) -> std::io::Result<(u64, String, String)> {
    use sha2::{Digest, Sha256};
    let mut f = std::fs::File::open(path)?;
    let mut sha = Sha256::new();
    let mut b3 = blake3::Hasher::new();
    let mut buf = vec![0u8; 4 << 20];
    let mut size = 0u64;
    loop {
        let mut n = 0;
        while n < buf.len() {
            let k = f.read(&mut buf[n..])?;
            if k == 0 {
                break;
            }
            n += k;
        }
        if n == 0 {
            break;
        }
        size += n as u64;
        let chunk = &buf[..n];
        if n >= 1 << 20 {
            rayon::join(
                || sha.update(chunk),
                || {
                    b3.update(chunk);
                },
            );
        } else {
            sha.update(chunk);
            b3.update(chunk);
        }
        if n < buf.len() {
            break;
        }
    }
    Ok((
        size,
        hex(&sha.finalize()),
        b3.finalize().to_hex().to_string(),
    ))
}

fn hash_all(
    files: &[(String, PathBuf, u64)],
    progress: &dyn Progress,
) -> Result<Vec<FileEntry>, ManifestError> {
    progress.start(files.len() as u64, files.iter().map(|f| f.2).sum());
    files
        .par_iter()
        .map(|(r, p, _)| {
            let (size, sha256, blake3) = hash_file(p).map_err(io(p))?;
            progress.file_done(p, size);
            Ok(FileEntry {
                path: r.clone(),
                size,
                sha256,
                blake3,
            })
        })
        .collect()
}

/// Creates a manifest of every file under `root`.
pub fn create(
    root: &Path,
    opts: &ManifestOptions,
    progress: &dyn Progress,
) -> Result<Manifest, ManifestError> {
    let files = hash_all(&list(root, opts)?, progress)?;
    let resources = files
        .iter()
        .map(|f| Resource {
            name: f.path.clone(),
            algorithm: "sha256".into(),
            digest: f.sha256.clone(),
        })
        .collect();
    Ok(Manifest {
        schema: MANIFEST_SCHEMA.into(),
        created_by: format!("palisade-scan {}", env!("CARGO_PKG_VERSION")),
        serialization: Serialization {
            method: "files".into(),
            hash_type: "sha256".into(),
            allow_symlinks: opts.follow_symlinks,
            ignore_paths: opts.ignore_paths.clone(),
        },
        total_files: files.len() as u64,
        total_bytes: files.iter().map(|f| f.size).sum(),
        files,
        resources,
    })
}

/// Parses a manifest from JSON.
pub fn parse(json: &str) -> Result<Manifest, ManifestError> {
    let m: Manifest =
        serde_json::from_str(json).map_err(|e| ManifestError::Invalid(e.to_string()))?;
    if m.schema != MANIFEST_SCHEMA {
        return Err(ManifestError::Invalid(format!(
            "unknown schema {:?}",
            m.schema
        )));
    }
    Ok(m)
}

/// Verifies `root` against `manifest`: modified, missing and added files. The manifest's
/// ignored paths are re-applied in addition to `opts.ignore_paths`.
pub fn verify(
    root: &Path,
    manifest: &Manifest,
    opts: &ManifestOptions,
    progress: &dyn Progress,
) -> Result<Verification, ManifestError> {
    let mut o = opts.clone();
    o.ignore_paths
        .extend(manifest.serialization.ignore_paths.iter().cloned());
    o.follow_symlinks = manifest.serialization.allow_symlinks || opts.follow_symlinks;
    let on_disk = list(root, &o)?;
    let expected: BTreeMap<&str, &FileEntry> = manifest
        .files
        .iter()
        .map(|f| (f.path.as_str(), f))
        .collect();
    let (known, added): (Vec<_>, Vec<_>) = on_disk
        .into_iter()
        .partition(|(r, _, _)| expected.contains_key(r.as_str()));
    let present: std::collections::HashSet<String> = known.iter().map(|k| k.0.clone()).collect();
    let actual = hash_all(&known, progress)?;
    let mut modified = Vec::new();
    let mut unchanged = 0;
    for a in actual {
        let e = expected[a.path.as_str()];
        if e.size == a.size && e.sha256 == a.sha256 && (e.blake3.is_empty() || e.blake3 == a.blake3)
        {
            unchanged += 1;
        } else {
            modified.push(Modified {
                path: a.path,
                expected_size: e.size,
                expected_sha256: e.sha256.clone(),
                actual_size: a.size,
                actual_sha256: a.sha256,
            });
        }
    }
    let missing: Vec<String> = manifest
        .files
        .iter()
        .filter(|f| !present.contains(&f.path))
        .map(|f| f.path.clone())
        .collect();
    let added: Vec<String> = added.into_iter().map(|a| a.0).collect();
    Ok(Verification {
        ok: modified.is_empty() && missing.is_empty() && added.is_empty(),
        unchanged,
        modified,
        missing,
        added,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::NoProgress;

    #[test]
    fn create_and_verify_detects_changes() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir(root.join("sub")).unwrap();
        std::fs::write(root.join("a.bin"), b"abc").unwrap();
        std::fs::write(root.join("sub/b.txt"), vec![7u8; 3 << 20]).unwrap();
        std::fs::write(root.join("c"), b"").unwrap();
        let opts = ManifestOptions::default();
        let m = create(root, &opts, &NoProgress).unwrap();
        assert_eq!(m.total_files, 3);
        let a = m.files.iter().find(|f| f.path == "a.bin").unwrap();
        assert_eq!(
            a.sha256,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            a.blake3,
            "6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85"
        );
        assert_eq!(m.resources[0].name, "a.bin");
        let json = serde_json::to_string(&m).unwrap();
        let back = parse(&json).unwrap();
        assert!(verify(root, &back, &opts, &NoProgress).unwrap().ok);

        std::fs::write(root.join("a.bin"), b"abd").unwrap();
        std::fs::remove_file(root.join("c")).unwrap();
        std::fs::write(root.join("new"), b"x").unwrap();
        let v = verify(root, &back, &opts, &NoProgress).unwrap();
        assert!(!v.ok);
        assert_eq!(v.modified.len(), 1);
        assert_eq!(v.modified[0].path, "a.bin");
        assert_eq!(v.missing, vec!["c".to_string()]);
        assert_eq!(v.added, vec!["new".to_string()]);
        assert_eq!(v.unchanged, 1);
    }

    #[test]
    fn rejects_foreign_json() {
        assert!(matches!(parse("{}"), Err(ManifestError::Invalid(_))));
    }
}
