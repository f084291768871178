//! `palisade export` and `palisade import` as a user runs them.

mod common;
use assert_cmd::Command;
use common::{example_models, files, palisade, repo_root};
use std::path::Path;

/// Run with `SOURCE_DATE_EPOCH` set (or removed).
fn run_env(dir: &Path, args: &[&str], epoch: Option<&str>) -> common::Run {
    let mut cmd = Command::cargo_bin("palisade").expect("binary builds");
    cmd.current_dir(dir).env("NO_COLOR", "1").args(args);
    match epoch {
        Some(e) => cmd.env("SOURCE_DATE_EPOCH", e),
        None => cmd.env_remove("SOURCE_DATE_EPOCH"),
    };
    let out = cmd.output().expect("binary runs");
    common::Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn example(name: &str) -> String {
    repo_root()
        .join("examples")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

#[test]
fn aibom_is_reproducible_with_source_date_epoch() {
    let dir = files(&[]);
    let m = example("fine-tuning-pipeline.yaml");
    let a = run_env(dir.path(), &["export", "aibom", &m], Some("1700000000"));
    assert_eq!(a.code, 0, "{}", a.stderr);
    let b = run_env(dir.path(), &["export", "aibom", &m], Some("1700000000"));
    assert_eq!(a.stdout, b.stdout);
    let bom: serde_json::Value = serde_json::from_str(&a.stdout).expect("JSON");
    assert_eq!(bom["metadata"]["timestamp"], "2023-11-14T22:13:20Z");
    assert_eq!(bom["specVersion"], "1.6");
    // --timestamp wins over the environment.
    let c = run_env(
        dir.path(),
        &["export", "aibom", &m, "--timestamp", "2026-10-20T08:00:00Z"],
        Some("1700000000"),
    );
    let bom: serde_json::Value = serde_json::from_str(&c.stdout).expect("JSON");
    assert_eq!(bom["metadata"]["timestamp"], "2026-10-20T08:00:00Z");
    // Without either, the clock gives a well-formed time.
    let d = run_env(dir.path(), &["export", "aibom", &m], None);
    let bom: serde_json::Value = serde_json::from_str(&d.stdout).expect("JSON");
    let ts = bom["metadata"]["timestamp"].as_str().unwrap();
    assert!(ts.len() == 20 && ts.ends_with('Z'), "{ts}");
}

#[test]
fn bad_timestamps_are_usage_errors() {
    let dir = files(&[]);
    let m = example("fine-tuning-pipeline.yaml");
    let r = run_env(
        dir.path(),
        &["export", "aibom", &m, "--timestamp", "soon"],
        None,
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("--timestamp: `soon` is not a timestamp"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.is_empty());
    let r = run_env(dir.path(), &["export", "aibom", &m], Some("yesterday"));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("SOURCE_DATE_EPOCH"), "{}", r.stderr);
}

#[test]
fn exports_write_files_and_refuse_invalid_models() {
    let dir = files(&[("bad.yaml", b"system: {name: S}\n")]);
    for kind in ["aibom", "otm"] {
        for m in example_models() {
            let out = dir.path().join(format!("out.{kind}.json"));
            let r = palisade(
                dir.path(),
                &[
                    "export",
                    kind,
                    m.to_str().unwrap(),
                    "-o",
                    out.to_str().unwrap(),
                ],
            );
            assert_eq!(r.code, 0, "{kind} {}: {}", m.display(), r.stderr);
            assert!(r.stdout.is_empty());
            let text = std::fs::read_to_string(&out).unwrap();
            serde_json::from_str::<serde_json::Value>(&text).expect("JSON");
        }
        let r = palisade(dir.path(), &["export", kind, "bad.yaml"]);
        assert_eq!(r.code, 2);
        assert!(r.stderr.contains("nothing was exported"), "{}", r.stderr);
    }
    let r = palisade(dir.path(), &["export", "pdf", "bad.yaml"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("aibom") && r.stderr.contains("otm"),
        "{}",
        r.stderr
    );
}

#[test]
fn otm_round_trip_through_the_cli_passes_check() {
    let dir = files(&[]);
    for m in example_models() {
        let r = palisade(
            dir.path(),
            &["export", "otm", m.to_str().unwrap(), "-o", "model.otm.json"],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        let r = palisade(
            dir.path(),
            &["import", "otm", "model.otm.json", "-o", "back.yaml"],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(r.stderr.contains("everything was mapped"), "{}", r.stderr);
        let r = palisade(dir.path(), &["check", "--deny-warnings", "back.yaml"]);
        assert_eq!(r.code, 0, "{}: {}", m.display(), r.stderr);
    }
}

#[test]
fn import_reports_what_it_could_not_map() {
    let otm = br#"{"otmVersion": "0.2.0", "project": {"name": "P", "id": "p"},
        "trustZones": [{"id": "z", "name": "Z"}],
        "components": [{"id": "a", "name": "A", "type": "lambda", "parent": {"trustZone": "z"}}],
        "threats": [{"id": "t", "name": "T", "risk": {"likelihood": 1, "impact": 1}}]}"#;
    let dir = files(&[("in.json", otm)]);
    let r = palisade(dir.path(), &["import", "otm", "in.json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("note(s)"), "{}", r.stderr);
    assert!(r.stderr.contains("has no trust rating"), "{}", r.stderr);
    assert!(r.stderr.contains("1 threat(s)"), "{}", r.stderr);
    assert!(r.stdout.contains("kind: service"), "{}", r.stdout);
    assert!(r.stdout.contains("# Import notes:"), "{}", r.stdout);
}

#[test]
fn bad_otm_input_is_exit_2_with_its_place() {
    let dir = files(&[
        (
            "broken.json",
            b"{\"otmVersion\": \"0.2.0\",\n  \"project\": }\n",
        ),
        (
            "dangling.json",
            br#"{"otmVersion": "0.2.0", "project": {"name": "P", "id": "p"},
  "components": [{"id": "a", "name": "A", "type": "x", "parent": {"trustZone": "nowhere"}}]}"#,
        ),
        ("binary.json", b"{\"a\": \"\xff\xfe\"}"),
    ]);
    let r = palisade(dir.path(), &["import", "otm", "broken.json"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("broken.json:2:"), "{}", r.stderr);
    assert!(r.stderr.contains("nothing was imported"), "{}", r.stderr);
    let r = palisade(dir.path(), &["import", "otm", "dangling.json"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("`$.components[0].parent`: no trust zone has the id `nowhere`"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("dangling.json:2:"), "{}", r.stderr);
    let r = palisade(dir.path(), &["import", "otm", "binary.json"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("not UTF-8"), "{}", r.stderr);
    let r = palisade(dir.path(), &["import", "otm", "missing.json"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("cannot read"), "{}", r.stderr);
    assert!(!r.stderr.contains("panicked"));
}
