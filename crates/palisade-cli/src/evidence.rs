//! Evidence from the validation tools, attached to the model's components: `palisade scan`
//! reports (`analyze --evidence`) and manifest checks (`analyze --verify-manifests`).
//! This is I/O, so it lives at the edge; the analysis only sees the resulting [`Evidence`].

use palisade_analysis::Evidence;
use palisade_model::Model;
use std::path::{Component, Path, PathBuf};

/// Most scanner findings listed per artifact.
const MAX_LISTED: usize = 20;

fn normalize(path: &Path) -> PathBuf {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    if let Ok(c) = std::fs::canonicalize(&absolute) {
        return c;
    }
    let mut out = PathBuf::new();
    for c in absolute.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

fn rank(verdict: &str) -> u8 {
    match verdict {
        "clean" => 0,
        "suspicious" => 1,
        "error" => 2,
        _ => 3, // malicious, or anything a newer scanner reports
    }
}

/// Build the evidence for `model` (read from `model_path`).
pub fn collect(
    model: &Model,
    model_path: &Path,
    reports: &[PathBuf],
    verify_manifests: bool,
) -> Result<Evidence, String> {
    let base = model_path.parent().unwrap_or(Path::new("."));
    let declared: Vec<(String, Vec<PathBuf>)> = model
        .components
        .iter()
        .filter(|c| !c.files.is_empty())
        .map(|c| {
            let paths = c
                .files
                .iter()
                .map(|f| normalize(&base.join(&f.value)))
                .collect();
            (c.id.value.to_string(), paths)
        })
        .collect();
    let mut evidence = Evidence::new();
    for report in reports {
        let text = std::fs::read_to_string(report)
            .map_err(|e| format!("cannot read evidence `{}`: {e}", report.display()))?;
        let v: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| format!("evidence `{}` is not JSON: {e}", report.display()))?;
        if v["schema"] != "palisade-scan-report/1" {
            return Err(format!(
                "evidence `{}` is not a `palisade scan --format json` report",
                report.display()
            ));
        }
        for file in v["files"].as_array().into_iter().flatten() {
            let Some(path) = file["path"].as_str() else {
                continue;
            };
            let scanned = normalize(Path::new(path));
            let verdict = file["verdict"].as_str().unwrap_or("error");
            for (id, paths) in &declared {
                if !paths.iter().any(|p| scanned.starts_with(p)) {
                    continue;
                }
                let e = evidence.entry(id.clone()).or_default();
                e.files_scanned += 1;
                if e.scan_verdict
                    .as_deref()
                    .is_none_or(|w| rank(verdict) > rank(w))
                {
                    e.scan_verdict = Some(verdict.to_string());
                }
                for f in file["findings"].as_array().into_iter().flatten() {
                    if e.scan_findings.len() < MAX_LISTED {
                        e.scan_findings.push(format!(
                            "{path}: {} {}",
                            f["rule"].as_str().unwrap_or("?"),
                            f["message"].as_str().unwrap_or("")
                        ));
                    }
                }
            }
        }
    }
    if verify_manifests {
        for c in model.components.iter().filter(|c| c.manifest.is_some()) {
            let Some(m) = &c.manifest else { continue };
            let path = base.join(&m.value);
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read manifest `{}`: {e}", path.display()))?;
            let manifest = palisade_scan::manifest::parse(&text)
                .map_err(|e| format!("manifest `{}`: {e}", path.display()))?;
            let root = path.parent().unwrap_or(Path::new("."));
            let opts = palisade_scan::manifest::ManifestOptions::default();
            let v =
                palisade_scan::manifest::verify(root, &manifest, &opts, &palisade_scan::NoProgress)
                    .map_err(|e| format!("manifest `{}`: {e}", path.display()))?;
            let e = evidence.entry(c.id.value.to_string()).or_default();
            e.manifest_verified = Some(v.ok);
            let differences = v
                .modified
                .iter()
                .map(|m| format!("modified {}", m.path))
                .chain(v.missing.iter().map(|p| format!("missing {p}")))
                .chain(v.added.iter().map(|p| format!("added {p}")));
            e.manifest_differences = differences.take(MAX_LISTED).collect();
        }
    }
    Ok(evidence)
}
