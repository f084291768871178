//! The SARIF rendering validates against the vendored SARIF 2.1.0 schema.

mod common;

use common::*;
use palisade_scan::{ScanOptions, scan_paths};
use std::path::PathBuf;

fn schema() -> serde_json::Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/schemas/sarif-schema-2.1.0.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("SARIF schema at {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

#[test]
fn sarif_of_a_mixed_scan_is_schema_valid() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("evil model.pt"), os_system()).unwrap();
    std::fs::write(dir.path().join("ckpt.pt"), torch_zip(os_system(), 1)).unwrap();
    std::fs::write(dir.path().join("broken.pkl"), b"\x80\x04\x95\xff").unwrap();
    std::fs::write(dir.path().join("ok.npy"), npy("'<f4'", "(1,)", &[0; 4])).unwrap();
    let report = scan_paths(&[dir.path().to_path_buf()], &ScanOptions::default());
    let sarif = palisade_scan::sarif::to_sarif(&report);
    let validator = jsonschema::validator_for(&schema()).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(
        results
            .iter()
            .any(|r| r["ruleId"] == "PKL001" && r["level"] == "error")
    );
    let in_zip = results
        .iter()
        .find(|r| r["properties"]["member"] == "archive/data.pkl")
        .unwrap();
    assert!(in_zip["locations"][0]["physicalLocation"]["region"].is_null());
    assert!(results.iter().any(|r| {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .ends_with("evil%20model.pt")
    }));
    let notes = &sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"];
    assert_eq!(notes.as_array().unwrap().len(), 1);
    assert_eq!(
        sarif["runs"][0]["invocations"][0]["executionSuccessful"],
        false
    );
}
