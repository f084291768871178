//! `palisade scan` and `palisade manifest` as a user runs them, on generated fixtures.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// `os.system("echo pwned")`: PROTO 4, two short strings, STACK_GLOBAL, REDUCE.
fn os_system() -> Vec<u8> {
    let mut v = vec![0x80, 4];
    for s in ["os", "system", "echo pwned"] {
        v.push(0x8c);
        v.push(s.len() as u8);
        v.extend(s.as_bytes());
        if s == "system" {
            v.push(0x93);
        }
    }
    v.extend([0x85, b'R', b'.']);
    v
}

/// `mypkg.Net("x")`: an import that is neither allowlisted nor denylisted.
fn unknown_import() -> Vec<u8> {
    b"cmypkg\nNet\n(S'x'\ntR.".to_vec()
}

/// A benign protocol-0 dict.
fn benign() -> Vec<u8> {
    b"(dp0\nS'a'\np1\nI1\ns.".to_vec()
}

fn palisade() -> Command {
    let mut c = Command::cargo_bin("palisade").unwrap();
    c.env("NO_COLOR", "1");
    c
}

fn write(dir: &Path, name: &str, data: &[u8]) -> PathBuf {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&p, data).unwrap();
    p
}

fn stdout(c: &mut Command) -> (i32, String) {
    let out = c.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn malicious_file_with_a_misleading_extension_exits_1() {
    let d = tempfile::tempdir().unwrap();
    let p = write(d.path(), "pytorch_model.weights", &os_system());
    let (code, out) = stdout(palisade().arg("scan").arg(&p));
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("MALICIOUS"), "{out}");
    assert!(out.contains("os.system"), "{out}");
    assert!(out.contains("PKL001"), "{out}");
    assert!(!out.contains("\x1b["), "NO_COLOR must disable colour");
}

#[test]
fn clean_directory_exits_0() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "a.pkl", &benign());
    write(d.path(), "sub/README.md", b"# model card\n");
    let (code, out) = stdout(palisade().arg("scan").arg(d.path()));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("2 files: 2 clean"), "{out}");
}

#[test]
fn json_report_is_written_atomically_and_documented_fields_exist() {
    let d = tempfile::tempdir().unwrap();
    let p = write(d.path(), "m.bin", &os_system());
    let report = d.path().join("out/report.json");
    std::fs::create_dir(d.path().join("out")).unwrap();
    let (code, out) = stdout(
        palisade()
            .args(["scan", "--format", "json", "-o"])
            .arg(&report)
            .arg(&p),
    );
    assert_eq!(code, 1);
    assert!(out.is_empty(), "report goes to the file only: {out}");
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(v["schema"], "palisade-scan-report/1");
    let f = &v["files"][0];
    assert_eq!(f["format"], "pickle");
    assert_eq!(f["verdict"], "malicious");
    assert_eq!(f["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(f["findings"][0]["rule"], "PKL001");
    assert_eq!(f["findings"][0]["global"], "os.system");
    assert_eq!(f["findings"][0]["offset"], 14);
    let leftovers: Vec<_> = std::fs::read_dir(d.path().join("out")).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "no temporary files remain");
}

#[test]
fn sarif_output_to_stdout_is_valid_json() {
    let d = tempfile::tempdir().unwrap();
    let p = write(d.path(), "x", &os_system());
    let (code, out) = stdout(
        palisade()
            .args(["scan", "--format", "sarif", "-o", "-"])
            .arg(&p),
    );
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["version"], "2.1.0");
    assert_eq!(v["runs"][0]["results"][0]["ruleId"], "PKL001");
}

#[test]
fn unknown_imports_fail_only_under_strict() {
    let d = tempfile::tempdir().unwrap();
    let p = write(d.path(), "custom.pkl", &unknown_import());
    let (code, out) = stdout(palisade().arg("scan").arg(&p));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("suspicious"), "{out}");
    assert!(out.contains("mypkg.Net"), "{out}");
    let (code, _) = stdout(palisade().args(["scan", "--strict"]).arg(&p));
    assert_eq!(code, 1);
}

#[test]
fn malformed_and_missing_files_exit_2_and_the_scan_goes_on() {
    let d = tempfile::tempdir().unwrap();
    let bad = write(d.path(), "bad.pkl", b"\x80\x04\x8c\x05ab");
    let good = write(d.path(), "good.pkl", &benign());
    let (code, out) = stdout(
        palisade()
            .args(["scan", "--quiet"])
            .arg(&bad)
            .arg(&good)
            .arg(d.path().join("nope")),
    );
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("exceeds the 2 bytes that remain"), "{out}");
    assert!(out.contains("[@ 2]"), "the error names its offset: {out}");
    assert!(out.contains("3 files: 1 clean"), "{out}");
    assert!(
        !out.contains("good.pkl"),
        "--quiet hides clean files: {out}"
    );
}

#[test]
fn malicious_wins_over_errors_for_the_exit_code() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "bad.pkl", b"\x80\x04\x8c\x05ab");
    write(d.path(), "evil.pkl", &os_system());
    let (code, _) = stdout(palisade().arg("scan").arg(d.path()));
    assert_eq!(code, 1);
}

#[test]
fn limits_are_flags() {
    let d = tempfile::tempdir().unwrap();
    let p = write(d.path(), "evil.pkl", &os_system());
    let (code, out) = stdout(
        palisade()
            .args(["scan", "--max-depth", "0", "--no-hash"])
            .arg(&p),
    );
    assert_eq!(code, 1, "{out}");
}

#[test]
fn usage_errors_exit_2() {
    let (code, _) = stdout(palisade().arg("scan"));
    assert_eq!(code, 2);
    let (code, _) = stdout(palisade().args(["scan", "--format", "xml", "x"]));
    assert_eq!(code, 2);
}

#[test]
fn manifest_create_then_verify_reports_changes() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path().join("model");
    write(&root, "config.json", b"{}");
    write(&root, "weights/part-0.bin", &[7u8; 100_000]);
    write(&root, "tokenizer.json", b"{\"v\":1}");
    let man = root.join("MANIFEST.json");
    let (code, out) = stdout(
        palisade()
            .args(["manifest", "create", "-q", "-o"])
            .arg(&man)
            .arg(&root),
    );
    assert_eq!(code, 0, "{out}");
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&man).unwrap()).unwrap();
    assert_eq!(m["total_files"], 3, "the manifest leaves itself out");
    assert_eq!(m["resources"][0]["algorithm"], "sha256");
    assert_eq!(
        m["files"][0]["sha256"],
        "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
    );

    let (code, out) = stdout(
        palisade()
            .args(["manifest", "verify", "-m"])
            .arg(&man)
            .arg(&root),
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("OK: 3 unchanged"), "{out}");

    write(&root, "weights/part-0.bin", &[8u8; 100_000]);
    std::fs::remove_file(root.join("tokenizer.json")).unwrap();
    write(&root, "extra.py", b"import os");
    let (code, out) = stdout(
        palisade()
            .args(["manifest", "verify", "--format", "json", "-m"])
            .arg(&man)
            .arg(&root),
    );
    assert_eq!(code, 1, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["modified"][0]["path"], "weights/part-0.bin");
    assert_eq!(v["missing"][0], "tokenizer.json");
    assert_eq!(v["added"][0], "extra.py");
}

#[test]
fn manifest_sha256sum_format_and_bad_manifest() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "a", b"abc");
    let (code, out) = stdout(
        palisade()
            .args(["manifest", "create", "--format", "sha256sum"])
            .arg(d.path()),
    );
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  a\n"
    );
    let bogus = write(d.path(), "m.json", b"not json");
    let (code, _) = stdout(
        palisade()
            .args(["manifest", "verify", "-m"])
            .arg(&bogus)
            .arg(d.path()),
    );
    assert_eq!(code, 2);
    let (code, _) = stdout(
        palisade()
            .args(["manifest", "create"])
            .arg(d.path().join("missing")),
    );
    assert_eq!(code, 2);
}
