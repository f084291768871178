//! `palisade analyze` and `palisade rules` as a user runs them.

mod common;
use common::{files, palisade, repo_root, shared_dir};

fn analyze_json(args: &[&str]) -> serde_json::Value {
    let mut all = vec!["analyze", "--format", "json"];
    all.extend_from_slice(args);
    let run = palisade(&repo_root(), &all);
    assert_eq!(run.code, 0, "{}", run.stderr);
    serde_json::from_str(&run.stdout).expect("json")
}

#[test]
fn json_report_has_findings_paths_and_summary() {
    let v = analyze_json(&["examples/support-rag-assistant.yaml"]);
    assert_eq!(v["format_version"], 1);
    let findings = v["findings"].as_array().unwrap();
    let pi = findings
        .iter()
        .find(|f| f["id"] == "PI001@support-llm")
        .expect("PI001 on the LLM");
    assert_eq!(pi["target"]["type"], "component");
    assert_eq!(pi["category"], "prompt-injection");
    assert!(
        pi["rationale"]
            .as_str()
            .unwrap()
            .contains("customer → chat-web")
    );
    assert_eq!(
        pi["location"]["file"],
        "examples/support-rag-assistant.yaml"
    );
    assert!(
        pi["mappings"]["atlas"]
            .as_array()
            .unwrap()
            .contains(&"AML.T0051.000".into())
    );
    assert_eq!(
        v["summary"]["findings"].as_u64().unwrap() as usize,
        findings.len()
    );
    assert!(
        v["attack_paths"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["kind"] == "rag-injection")
    );
}

#[test]
fn analysis_is_deterministic() {
    let a = palisade(
        &repo_root(),
        &[
            "analyze",
            "--format",
            "json",
            "examples/email-crm-agent.yaml",
        ],
    );
    let b = palisade(
        &repo_root(),
        &[
            "analyze",
            "--format",
            "json",
            "examples/email-crm-agent.yaml",
        ],
    );
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn select_and_ignore_filter_rules() {
    let v = analyze_json(&[
        "examples/support-rag-assistant.yaml",
        "--ignore",
        "prompt-injection",
    ]);
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["category"] != "prompt-injection")
    );
    let v = analyze_json(&["examples/support-rag-assistant.yaml", "--select", "PI001"]);
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["code"] == "PI001")
    );
    let run = palisade(
        &repo_root(),
        &[
            "analyze",
            "examples/support-rag-assistant.yaml",
            "--select",
            "PX999",
        ],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("no rule matches `PX999`"),
        "{}",
        run.stderr
    );
}

#[test]
fn facts_are_printed_on_request() {
    let run = palisade(
        &repo_root(),
        &["analyze", "--facts", "examples/internal-summarizer.yaml"],
    );
    assert_eq!(run.code, 0);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert!(
        v["components"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["untrusted_input"] == false)
    );
}

#[test]
fn invalid_models_are_not_analysed() {
    let dir = files(&[("m.yaml", b"system: {name: S, criticality: hgh}\n")]);
    let run = palisade(dir.path(), &["analyze", "m.yaml"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("unknown criticality"), "{}", run.stderr);
}

const PACK_RULE: &str = "code: ACME001\nname: acme-vendor-llm\ntitle: Vendor LLM in use\ncategory: llm-application\ntarget: component\nkinds: [llm]\nwhen: \"component.hosting == 'vendor-api'\"\nbase_likelihood: low\nbase_impact: low\nattack_vector: x\nimpact: x\nrationale: \"`{component.id}` is hosted by a vendor\"\ndocs: {what: x, why: x, example: x, mitigations: [], references: []}\nmappings: {atlas: [], owasp_llm: [], owasp_ml: [], owasp_agentic: [], nist: [], cwe: []}\n";

#[test]
fn user_rule_packs_load_without_rebuild() {
    let dir = files(&[("pack/acme.yaml", PACK_RULE.as_bytes())]);
    let model = repo_root().join("examples/support-rag-assistant.yaml");
    let run = palisade(
        dir.path(),
        &[
            "analyze",
            "--format",
            "json",
            "--rules",
            "pack",
            "--select",
            "ACME",
            model.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let f = &v["findings"][0];
    assert_eq!(f["id"], "ACME001@support-llm");
    assert_eq!(f["rationale"], "`support-llm` is hosted by a vendor");
    let list = palisade(dir.path(), &["rules", "list", "--rules", "pack"]);
    assert!(list.stdout.contains("ACME001"));
}

#[test]
fn a_broken_user_rule_is_an_error_with_its_location() {
    let broken = PACK_RULE.replace(
        "component.hosting == 'vendor-api'",
        "component.hostin == 'vendor-api'",
    );
    let dir = files(&[("pack/acme.yaml", broken.as_bytes())]);
    let model = repo_root().join("examples/support-rag-assistant.yaml");
    let run = palisade(
        dir.path(),
        &["analyze", "--rules", "pack", model.to_str().unwrap()],
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("pack/acme.yaml:7:"), "{}", run.stderr);
    assert!(
        run.stderr.contains("did you mean `hosting`?"),
        "{}",
        run.stderr
    );
}

#[test]
fn rules_show_prints_the_documentation() {
    let run = palisade(&repo_root(), &["rules", "show", "PI001"]);
    assert_eq!(run.code, 0);
    for section in [
        "## What it is",
        "## Why it matters",
        "## Example",
        "## Mitigations",
        "## Mappings",
        "AML.T0051.000",
    ] {
        assert!(
            run.stdout.contains(section),
            "{section} missing:\n{}",
            run.stdout
        );
    }
    let run = palisade(&repo_root(), &["rules", "show", "PI00"]);
    assert_eq!(run.code, 2);
}

#[test]
fn atlas_names_come_from_a_loaded_atlas_file() {
    let atlas = shared_dir().join("data/atlas/ATLAS.yaml");
    let v = analyze_json(&[
        "examples/support-rag-assistant.yaml",
        "--atlas",
        atlas.to_str().unwrap(),
    ]);
    assert_eq!(v["atlas"]["version"], "5.6.0");
    assert_eq!(
        v["atlas"]["names"]["AML.T0051.000"],
        "LLM Prompt Injection: Direct"
    );
}

fn finding_ids(example: &str) -> (Vec<String>, serde_json::Value) {
    let run = palisade(&repo_root(), &["analyze", "--format", "json", example]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        !run.stderr.contains("warning"),
        "rules failed to evaluate on {example}:\n{}",
        run.stderr
    );
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let ids = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect();
    (ids, v)
}

#[test]
fn the_low_risk_summarizer_gets_few_findings_and_nothing_high() {
    let (ids, v) = finding_ids("examples/internal-summarizer.yaml");
    assert!(ids.len() <= 3, "{ids:?}");
    for f in v["findings"].as_array().unwrap() {
        assert!(
            !matches!(f["base_impact"].as_str(), Some("high" | "critical")),
            "{f}"
        );
    }
    assert!(v["attack_paths"].as_array().unwrap().is_empty());
}

#[test]
fn examples_get_the_threats_a_reviewer_lists_first() {
    let expect = [
        (
            "examples/support-rag-assistant.yaml",
            &[
                "PI001@support-llm",
                "PI002@support-llm",
                "DP004@knowledge-base",
                "LA003@support-llm",
                "LA007@retriever",
            ][..],
        ),
        (
            "examples/email-crm-agent.yaml",
            &[
                "PI003@sales-agent",
                "LA001@sales-agent",
                "PI007@sales-agent",
                "SC006@crm-mcp-server",
                "LA003@sales-agent",
            ][..],
        ),
        (
            "examples/fine-tuning-pipeline.yaml",
            &[
                "DP002@fine-tuned-model",
                "DP003@fine-tuned-model",
                "SC001@hf-base-model",
                "MI003@inference-endpoint",
            ][..],
        ),
        (
            "examples/fraud-scoring-api.yaml",
            &[
                "MX001@fraud-model",
                "MI001@fraud-model",
                "AE001@fraud-model",
                "DP006@feature-store",
            ][..],
        ),
    ];
    for (example, want) in expect {
        let (ids, _) = finding_ids(example);
        for w in want {
            assert!(
                ids.iter().any(|i| i == w),
                "{example}: {w} missing from {ids:?}"
            );
        }
    }
}

#[test]
fn threats_stay_where_they_apply() {
    // No prompt injection in systems without language models; no extraction or membership
    // inference where no model is exposed; nothing LLM-specific on the fraud classifier.
    let (ids, _) = finding_ids("examples/fraud-scoring-api.yaml");
    assert!(
        ids.iter()
            .all(|i| !i.starts_with("PI") && !i.starts_with("LA")),
        "{ids:?}"
    );
    let (ids, _) = finding_ids("examples/support-rag-assistant.yaml");
    assert!(
        ids.iter()
            .all(|i| !i.starts_with("MI") && !i.starts_with("AE")),
        "{ids:?}"
    );
    let (ids, _) = finding_ids("examples/email-crm-agent.yaml");
    assert!(
        ids.iter()
            .all(|i| !i.starts_with("MI") && !i.starts_with("DP00") || i.starts_with("DP004")),
        "{ids:?}"
    );
}

const ARTIFACT_MODEL: &str = "system: {name: S, criticality: high}\ncomponents:\n  - {id: weights, kind: model-artifact, supplier: open-source, platform: cloud-storage, pinned: true, version: '1', format: pickle, files: [weights], manifest: weights/MANIFEST.json}\n  - {id: api, kind: inference-endpoint, serves: weights}\n  - {id: staff, kind: actor, role: employee}\nflows:\n  - {from: staff, to: api}\n";

fn ids_in(run: &common::Run) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn scanner_evidence_raises_and_clears_supply_chain_findings() {
    // A pickle that imports os.system and calls it.
    let evil: &[u8] = b"\x80\x02cos\nsystem\nq\x00X\x02\x00\x00\x00idq\x01\x85q\x02Rq\x03.";
    let dir = files(&[
        ("model.yaml", ARTIFACT_MODEL.as_bytes()),
        ("weights/model.pkl", evil),
    ]);
    let scan = palisade(
        dir.path(),
        &["scan", "--format", "json", "-o", "scan.json", "weights"],
    );
    assert_eq!(scan.code, 1, "{}", scan.stderr);
    let run = palisade(
        dir.path(),
        &[
            "analyze",
            "--format",
            "json",
            "--evidence",
            "scan.json",
            "model.yaml",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        ids_in(&run).contains(&"SC010@weights".to_string()),
        "{}",
        run.stdout
    );

    // A benign pickle (an empty dict), scanned clean and covered by a verified manifest.
    std::fs::write(dir.path().join("weights/model.pkl"), b"\x80\x02}q\x00.").unwrap();
    let scan = palisade(
        dir.path(),
        &["scan", "--format", "json", "-o", "scan.json", "weights"],
    );
    assert_eq!(scan.code, 0, "{}", scan.stderr);
    let m = palisade(
        dir.path(),
        &[
            "manifest",
            "create",
            "-o",
            "weights/MANIFEST.json",
            "weights",
        ],
    );
    assert_eq!(m.code, 0, "{}", m.stderr);
    let args = [
        "analyze",
        "--format",
        "json",
        "--evidence",
        "scan.json",
        "--verify-manifests",
        "model.yaml",
    ];
    let ids = ids_in(&palisade(dir.path(), &args));
    assert!(!ids.contains(&"SC010@weights".to_string()), "{ids:?}");
    assert!(
        !ids.contains(&"SC003@weights".to_string()),
        "verified integrity satisfies SC003: {ids:?}"
    );

    // The same artifact changed after the manifest: integrity is no longer verified.
    std::fs::write(dir.path().join("weights/extra.bin"), b"x").unwrap();
    let ids = ids_in(&palisade(dir.path(), &args));
    assert!(ids.contains(&"SC003@weights".to_string()), "{ids:?}");
    let facts = palisade(
        dir.path(),
        &[
            "analyze",
            "--facts",
            "--evidence",
            "scan.json",
            "--verify-manifests",
            "model.yaml",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&facts.stdout).unwrap();
    let w = &v["components"][0];
    assert_eq!(w["evidence"]["manifest_verified"], false);
    assert_eq!(w["evidence"]["manifest_differences"][0], "added extra.bin");
}

#[test]
fn evidence_that_is_not_a_scan_report_is_refused() {
    let dir = files(&[
        ("model.yaml", ARTIFACT_MODEL.as_bytes()),
        ("bogus.json", b"{\"a\": 1}"),
    ]);
    let run = palisade(
        dir.path(),
        &["analyze", "--evidence", "bogus.json", "model.yaml"],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("not a `palisade scan --format json` report"),
        "{}",
        run.stderr
    );
}

#[test]
fn accepted_risks_in_the_examples_name_findings_that_exist() {
    for path in common::example_models() {
        let text = std::fs::read_to_string(&path).unwrap();
        let accepted: Vec<&str> = text
            .lines()
            .filter_map(|l| l.trim().strip_prefix("- finding: "))
            .collect();
        if accepted.is_empty() {
            continue;
        }
        let (ids, _) = finding_ids(path.to_str().unwrap());
        for a in accepted {
            assert!(
                ids.iter().any(|i| i == a),
                "{}: accepted `{a}` is not a finding",
                path.display()
            );
        }
    }
}
