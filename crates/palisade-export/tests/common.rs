//! Loading the example models for the export tests.
#![allow(dead_code)]

use palisade_model::{Limits, Model, RealFs};
use std::path::{Path, PathBuf};

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The example models shipped in `examples/`.
pub fn example_models() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(repo_root().join("examples"))
        .expect("examples/ exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    v.sort();
    assert!(v.len() >= 5, "{v:?}");
    v
}

pub fn load(path: &Path) -> Model {
    let loaded = palisade_model::load(path, &RealFs, Limits::default());
    loaded
        .model
        .unwrap_or_else(|| panic!("{} is invalid", path.display()))
}

pub fn load_text(text: &str) -> Model {
    let loaded = palisade_model::load_str("model.yaml", text);
    let errors: Vec<String> = loaded
        .diagnostics
        .iter()
        .map(|d| format!("{}: {}", d.code, d.message))
        .collect();
    loaded
        .model
        .unwrap_or_else(|| panic!("invalid model: {errors:#?}\n{text}"))
}
