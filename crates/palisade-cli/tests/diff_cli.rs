//! `palisade diff` on pairs of example revisions: a control added, a tool given write access, a
//! component renamed (which must not show as resolved + new), and the two-revision git form.

mod common;
use common::{files, palisade, repo_root};

fn example(name: &str) -> String {
    std::fs::read_to_string(repo_root().join("examples").join(name)).unwrap()
}

fn diff_json(old: &str, new: &str, extra: &[&str]) -> (serde_json::Value, i32, String) {
    let dir = files(&[("old.yaml", old.as_bytes()), ("new.yaml", new.as_bytes())]);
    let mut args = vec![
        "diff",
        "old.yaml",
        "new.yaml",
        "--format",
        "json",
        "--today",
        "2026-11-26",
    ];
    args.extend_from_slice(extra);
    let r = palisade(dir.path(), &args);
    let v = serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", r.stdout, r.stderr));
    (v, r.code, r.stderr)
}

/// Rename the retriever component everywhere it is referenced (id, flows, boundaries,
/// controls, prose), keeping its kind.
fn rename_retriever(text: &str) -> String {
    text.replace("kind: retriever", "KIND-PLACEHOLDER")
        .replace("retriever", "hybrid-search")
        .replace("KIND-PLACEHOLDER", "kind: retriever")
}

fn ids(v: &serde_json::Value, change: &str) -> Vec<String> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["change"] == change)
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn identical_models_have_no_changes() {
    let m = example("support-rag-assistant.yaml");
    let (v, code, _) = diff_json(&m, &m, &["--fail-on-new", "low"]);
    assert_eq!(code, 0);
    assert!(v["elements"].as_array().unwrap().is_empty());
    assert!(v["findings"].as_array().unwrap().is_empty());
    assert!(v["summary"]["findings_unchanged"].as_u64().unwrap() > 5);
}

#[test]
fn adding_a_control_shows_the_control_and_the_findings_it_improves() {
    let old = example("support-rag-assistant.yaml");
    let new = old.replace(
        "\naccepted_risks:",
        "  - id: llm-quota\n    implements: [rate-limiting, spend-limits]\n    applies_to: [support-llm]\n    status: implemented\n\naccepted_risks:",
    );
    let (v, code, _) = diff_json(&old, &new, &["--fail-on-new", "low"]);
    assert_eq!(code, 0, "a control never introduces a finding");
    let added: Vec<&serde_json::Value> = v["elements"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["change"] == "added")
        .collect();
    assert_eq!(added.len(), 1);
    assert_eq!(added[0]["kind"], "control");
    assert_eq!(added[0]["id"], "llm-quota");
    assert!(
        ids(&v, "better").contains(&"LA005@support-llm".to_string()),
        "{v:#}"
    );
    assert!(ids(&v, "new").is_empty());
    assert!(ids(&v, "resolved").is_empty());
    assert!(ids(&v, "worse").is_empty());
}

#[test]
fn giving_a_tool_write_access_shows_the_field_and_new_or_worse_findings() {
    let old = example("support-rag-assistant.yaml");
    let new = old.replace(
        "    actions: [read]\n    human_approval: none",
        "    actions: [read, write, send-external]\n    human_approval: none",
    );
    assert_ne!(old, new);
    let (v, code, stderr) = diff_json(&old, &new, &["--fail-on-new", "medium"]);
    let tool = v["elements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == "crm-lookup-tool")
        .expect("the tool changed");
    assert_eq!(tool["change"], "changed");
    assert_eq!(tool["fields"][0]["field"], "actions");
    assert_eq!(tool["fields"][0]["old"], "[\"read\"]");
    let introduced: Vec<String> = ids(&v, "new").into_iter().chain(ids(&v, "worse")).collect();
    assert!(
        !introduced.is_empty(),
        "write access must raise risk: {v:#}"
    );
    assert_eq!(code, 1, "the gate fails on introduced risk: {stderr}");
    assert!(stderr.contains("gate failed"));
}

#[test]
fn a_renamed_component_keeps_its_findings() {
    let old = example("support-rag-assistant.yaml");
    // Rename the retriever everywhere it is referenced (id, flows, boundaries, controls).
    let new = rename_retriever(&old);
    let (v, code, _) = diff_json(&old, &new, &["--fail-on-new", "low"]);
    assert_eq!(code, 0, "a rename introduces nothing: {v:#}");
    let renamed: Vec<&serde_json::Value> = v["elements"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["change"] == "renamed")
        .collect();
    assert_eq!(renamed.len(), 1, "{v:#}");
    assert_eq!(renamed[0]["renamed_from"], "retriever");
    assert_eq!(renamed[0]["id"], "hybrid-search");
    assert!(ids(&v, "new").is_empty(), "{v:#}");
    assert!(ids(&v, "resolved").is_empty(), "{v:#}");
    // No flow shows as removed and added just because an end was renamed.
    assert!(
        v["elements"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["change"] != "removed" && e["change"] != "added"),
        "{v:#}"
    );
}

#[test]
fn terminal_and_markdown_forms() {
    let old = example("support-rag-assistant.yaml");
    let new = old.replace("    actions: [read]\n", "    actions: [read, write]\n");
    let dir = files(&[("old.yaml", old.as_bytes()), ("new.yaml", new.as_bytes())]);
    let t = palisade(dir.path(), &["diff", "old.yaml", "new.yaml"]);
    assert_eq!(t.code, 0);
    assert!(
        t.stdout.contains("~ component `crm-lookup-tool`"),
        "{}",
        t.stdout
    );
    assert!(
        t.stdout
            .contains("actions: [\"read\"] → [\"read\",\"write\"]"),
        "{}",
        t.stdout
    );
    let m = palisade(
        dir.path(),
        &["diff", "old.yaml", "new.yaml", "--format", "markdown"],
    );
    assert!(m.stdout.starts_with("### Threat model changes"));
    let bad = palisade(dir.path(), &["diff", "old.yaml"]);
    assert_eq!(bad.code, 2);
}

#[test]
fn git_revisions_of_one_file() {
    if std::process::Command::new("git")
        .arg("--version")
        .output()
        .is_err()
    {
        panic!("git is required");
    }
    let old = example("support-rag-assistant.yaml");
    let dir = files(&[("model.yaml", old.as_bytes())]);
    let d = dir.path();
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .current_dir(d)
            .args(args)
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@t")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@t")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    git(&["init", "-q"]);
    git(&["add", "model.yaml"]);
    git(&["commit", "-qm", "v1"]);
    std::fs::write(d.join("model.yaml"), rename_retriever(&old)).unwrap();
    let r = palisade(
        d,
        &["diff", "model.yaml", "--git", "HEAD", "--format", "json"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["old"], "model.yaml@HEAD");
    assert_eq!(v["summary"]["elements_renamed"], 1);
    let bad = palisade(d, &["diff", "model.yaml", "--git", "no-such-rev"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("not a git revision"), "{}", bad.stderr);
}
