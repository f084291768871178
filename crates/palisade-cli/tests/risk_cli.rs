//! Risk assessment from the command line: the gate's exit codes, `explain`, `plan`, policies
//! and acceptance warnings located in the model file.

mod common;
use common::{files, palisade, repo_root};

const MODEL: &str = r#"
system: {name: scoring, criticality: high}
components:
  - {id: partner, kind: actor, role: partner}
  - {id: trainer, kind: training-pipeline}
  - {id: model, kind: model, exposure: partner, confidence_output: scores}
flows:
  - {from: trainer, to: model}
  - {from: partner, to: model}
"#;

fn accepted(findings: &[&str], accepted_on: &str) -> String {
    let mut s = String::from(MODEL);
    s.push_str("accepted_risks:\n");
    for f in findings {
        s.push_str(&format!(
            "  - finding: {f}\n    justification: contract until v3\n    approver: CRO\n    accepted_on: {accepted_on}\n    review_every: 90d\n"
        ));
    }
    s
}

fn json(dir: &std::path::Path, args: &[&str]) -> serde_json::Value {
    let r = palisade(dir, args);
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}\n{}", r.stdout, r.stderr))
}

#[test]
fn the_gate_exits_1_at_or_above_the_threshold_and_0_below() {
    let dir = files(&[("m.yaml", MODEL.as_bytes())]);
    let d = dir.path();
    let report = json(
        d,
        &[
            "analyze",
            "m.yaml",
            "--format",
            "json",
            "--today",
            "2026-11-26",
        ],
    );
    // Findings come sorted by residual risk, highest first.
    let findings = report["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    let worst = findings[0]["risk"]["residual"]["score"]["severity"]
        .as_str()
        .unwrap()
        .to_string();
    let r = palisade(d, &["analyze", "m.yaml", "--fail-on", &worst]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(r.stdout.contains("gate failed"));
    assert!(r.stdout.contains(findings[0]["id"].as_str().unwrap()));
    // Critical is the top band; with no critical finding the gate passes.
    if worst != "critical" {
        let r = palisade(d, &["analyze", "m.yaml", "--fail-on", "critical"]);
        assert_eq!(r.code, 0, "{}", r.stdout);
        assert!(r.stdout.contains("gate passed"));
    }
    // JSON carries the gate's verdict.
    let g = json(
        d,
        &["analyze", "m.yaml", "--format", "json", "--fail-on", &worst],
    );
    assert!(!g["gate"]["failing"].as_array().unwrap().is_empty());
}

#[test]
fn accepted_findings_pass_the_gate_until_their_review_is_overdue() {
    let dir = files(&[("m.yaml", MODEL.as_bytes())]);
    let report = json(dir.path(), &["analyze", "m.yaml", "--format", "json"]);
    let ids: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect();
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    let dir = files(&[("m.yaml", accepted(&refs, "2026-10-01").as_bytes())]);
    let d = dir.path();
    let ok = palisade(
        d,
        &[
            "analyze",
            "m.yaml",
            "--fail-on",
            "low",
            "--today",
            "2026-11-01",
        ],
    );
    assert_eq!(ok.code, 0, "{}\n{}", ok.stdout, ok.stderr);
    // 2026-10-01 + 90 days = 2026-12-30; the day after, every acceptance is overdue.
    let late = palisade(
        d,
        &[
            "analyze",
            "m.yaml",
            "--fail-on",
            "critical",
            "--today",
            "2026-12-31",
        ],
    );
    assert_eq!(late.code, 1, "{}", late.stdout);
    assert!(late.stdout.contains("past review or expiry"));
    assert!(
        late.stderr.contains("risk::lapsed-acceptance"),
        "{}",
        late.stderr
    );
    assert!(
        late.stderr.contains("m.yaml:"),
        "the warning names the place: {}",
        late.stderr
    );
    // The date can come from the environment, for reproducible CI runs.
    let r = common::palisade_env(
        d,
        &["analyze", "m.yaml", "--fail-on", "critical"],
        &[("PALISADE_TODAY", "2026-12-31")],
    );
    assert_eq!(r.code, 1);
}

#[test]
fn an_orphaned_acceptance_warns_with_the_likely_new_id_and_does_not_fail_the_gate() {
    let text = accepted(&["MX001@scoring-model"], "2026-10-01");
    let dir = files(&[("m.yaml", text.as_bytes())]);
    let r = palisade(
        dir.path(),
        &[
            "analyze",
            "m.yaml",
            "--fail-on",
            "critical",
            "--today",
            "2026-11-01",
        ],
    );
    assert!(
        r.stderr.contains("risk::orphaned-acceptance"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("MX001@model"), "{}", r.stderr);
    assert_ne!(r.code, 2);
}

#[test]
fn bad_gate_levels_policies_and_dates_are_usage_errors() {
    let bad_policy = "likelihood_levels: [a, b]\nimpact_levels: [x, y]\nbands: [low, high]\nmatrix:\n  - [low, low]\n  - [low, hgh]\nbase_levels: {low: 1, medium: 1, high: 2, critical: 2}\nmax_factor_shift: 1\ndepth_threshold: high\nreview_warning_days: 30\n";
    let dir = files(&[
        ("m.yaml", MODEL.as_bytes()),
        ("p.yaml", bad_policy.as_bytes()),
    ]);
    let d = dir.path();
    let r = palisade(d, &["analyze", "m.yaml", "--fail-on", "severe"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("low, medium, high, critical"),
        "{}",
        r.stderr
    );
    let r = palisade(d, &["analyze", "m.yaml", "--policy", "p.yaml"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("p.yaml:6:"), "{}", r.stderr);
    assert!(r.stderr.contains("did you mean `high`"), "{}", r.stderr);
    let r = palisade(d, &["analyze", "m.yaml", "--today", "2026-13-01"]);
    assert_eq!(r.code, 2);
}

#[test]
fn a_custom_policy_changes_the_bands() {
    // A two-level policy where everything at the top row is "high".
    let policy = "likelihood_levels: [unlikely, likely]\nimpact_levels: [minor, major]\nbands: [low, high]\nmatrix:\n  - [low, low]\n  - [high, high]\nbase_levels: {low: 1, medium: 1, high: 2, critical: 2}\nmax_factor_shift: 0\ndepth_threshold: high\nreview_warning_days: 30\n";
    let dir = files(&[("m.yaml", MODEL.as_bytes()), ("p.yaml", policy.as_bytes())]);
    let report = json(
        dir.path(),
        &[
            "analyze", "m.yaml", "--format", "json", "--policy", "p.yaml",
        ],
    );
    assert!(!report["findings"].as_array().unwrap().is_empty());
    for f in report["findings"].as_array().unwrap() {
        let r = &f["risk"];
        let s = r["inherent"]["score"]["severity"].as_str().unwrap();
        assert!(s == "low" || s == "high", "{s}");
        assert!(r["inherent"]["score"]["likelihood"].as_u64().unwrap() <= 2);
    }
    assert_eq!(
        report["policy"]["bands"],
        serde_json::json!(["low", "high"])
    );
}

#[test]
fn explain_prints_why_how_scored_controls_and_next_steps() {
    let root = repo_root();
    let r = palisade(
        &root,
        &[
            "explain",
            "MX001@fraud-model",
            "examples/fraud-scoring-api.yaml",
            "--today",
            "2026-11-26",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    for part in [
        "Why it applies",
        "rule MX001 fires when",
        "How it was scored",
        "scores-exposed",
        "[reads component.confidence_output]",
        "inherent: likelihood",
        "Controls",
        "gateway-rate-limit (implemented): rate-limiting",
        "coarse-scores (planned)",
        "residual:",
        "Accepted risk",
    ] {
        assert!(r.stdout.contains(part), "missing {part:?} in\n{}", r.stdout);
    }
    // Either order of the arguments; JSON on request.
    let j = palisade(
        &root,
        &[
            "explain",
            "examples/fraud-scoring-api.yaml",
            "MX001@fraud-model",
            "--format",
            "json",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&j.stdout).unwrap();
    assert_eq!(v["finding"]["id"], "MX001@fraud-model");
    assert!(v["risk"]["inherent"]["factors"].as_array().unwrap().len() >= 2);
    // An unknown id suggests the closest.
    let bad = palisade(
        &root,
        &[
            "explain",
            "MX001@fraud-modl",
            "examples/fraud-scoring-api.yaml",
        ],
    );
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.contains("did you mean `MX001@fraud-model`"),
        "{}",
        bad.stderr
    );
}

#[test]
fn plan_orders_open_threats_and_writes_json_atomically() {
    let root = repo_root();
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("plan.json");
    let r = palisade(
        &root,
        &[
            "plan",
            "examples/email-crm-agent.yaml",
            "--format",
            "json",
            "-o",
            target.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&target).unwrap()).unwrap();
    let items = v["items"].as_array().unwrap();
    assert!(!items.is_empty());
    let key = |i: &serde_json::Value| {
        (
            i["residual"]["severity_rank"].as_u64().unwrap(),
            i["residual"]["score"].as_u64().unwrap(),
        )
    };
    for w in items.windows(2) {
        assert!(key(&w[0]) >= key(&w[1]));
    }
    // The accepted finding of the example is not in the plan.
    assert!(items.iter().all(|i| i["finding"] != "LA001@sales-agent"));
    for i in items {
        assert!(!i["steps"].as_array().unwrap().is_empty());
        assert!(i["expected"]["score"].as_u64() <= i["residual"]["score"].as_u64());
    }
    let text = palisade(&root, &["plan", "examples/email-crm-agent.yaml"]);
    assert!(text.stdout.contains("steps by owner:"), "{}", text.stdout);
}

#[test]
fn unknown_mitigation_names_are_located_warnings() {
    let text = format!(
        "{MODEL}controls:\n  - {{id: rl, implements: [rate-limitng], applies_to: [model], status: implemented}}\n"
    );
    let dir = files(&[("m.yaml", text.as_bytes())]);
    let r = palisade(dir.path(), &["analyze", "m.yaml"]);
    assert_eq!(r.code, 0);
    assert!(
        r.stderr.contains("risk::unknown-mitigation"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("did you mean `rate-limiting`"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("m.yaml:11:27"), "{}", r.stderr);
}

#[test]
fn the_catalog_and_the_policy_can_be_browsed() {
    let root = repo_root();
    let r = palisade(&root, &["mitigations", "--category", "model-extraction"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("rate-limiting"));
    assert!(!r.stdout.contains("instruction-data-separation"));
    let r = palisade(&root, &["mitigations", "AML.M0004"]);
    assert!(
        r.stdout.contains("Restrict Number of AI Model Queries"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("rate-limiting"));
    let r = palisade(&root, &["mitigations", "output-filtering"]);
    assert!(r.stdout.starts_with("output-guardrail"), "{}", r.stdout);
    let r = palisade(&root, &["mitigations", "rate-limitng"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("rate-limiting"));
    // The printed default policy is a valid policy file.
    let p = palisade(&root, &["policy"]);
    let dir = files(&[("p.yaml", p.stdout.as_bytes())]);
    let r = palisade(dir.path(), &["policy", "p.yaml"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("severe"), "{}", r.stdout);
}
