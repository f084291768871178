//! Reports: every example in every format, schema validation (SARIF against the official
//! schema, JSON against our own), determinism, escaping of hostile model strings.

mod common;
use common::{example_models, files, palisade, repo_root, shared_dir};

const FORMATS: &[&str] = &[
    "terminal", "summary", "markdown", "html", "json", "sarif", "csv",
];

fn validator(schema: &serde_json::Value) -> jsonschema::Validator {
    jsonschema::validator_for(schema).expect("schema compiles")
}

fn errors(v: &jsonschema::Validator, doc: &serde_json::Value) -> Vec<String> {
    v.iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

#[test]
fn every_example_renders_in_every_format_deterministically() {
    let root = repo_root();
    for model in example_models() {
        let rel = model
            .strip_prefix(&root)
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        for format in FORMATS {
            let args = [
                "report",
                rel.as_str(),
                "--format",
                format,
                "--today",
                "2026-11-26",
            ];
            let a = palisade(&root, &args);
            assert_eq!(a.code, 0, "{rel} {format}: {}", a.stderr);
            assert!(!a.stdout.is_empty());
            let b = palisade(&root, &args);
            assert_eq!(a.stdout, b.stdout, "{rel} {format} is not deterministic");
        }
    }
}

#[test]
fn json_reports_validate_against_the_published_schema() {
    let root = repo_root();
    let published: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("schema/report.schema.json")).unwrap(),
    )
    .unwrap();
    let live: serde_json::Value =
        serde_json::from_str(&palisade(&root, &["schema", "--report"]).stdout).unwrap();
    assert_eq!(
        published, live,
        "schema/report.schema.json is stale: run `palisade schema --report -o schema/report.schema.json`"
    );
    let v = validator(&live);
    for model in example_models() {
        let r = palisade(
            &root,
            &["report", model.to_str().unwrap(), "--format", "json"],
        );
        let doc: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        let errs = errors(&v, &doc);
        assert!(errs.is_empty(), "{}: {errs:#?}", model.display());
        // Every finding carries its risk; the summary counts add up.
        let findings = doc["findings"].as_array().unwrap();
        assert_eq!(
            doc["summary"]["findings"].as_u64().unwrap() as usize,
            findings.len()
        );
        for f in findings {
            assert!(f["risk"]["residual"]["score"]["severity"].is_string());
        }
    }
}

#[test]
fn sarif_validates_against_the_official_schema_and_points_at_the_model_lines() {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(shared_dir().join("data/schemas/sarif-schema-2.1.0.json"))
            .expect("the SARIF schema from ../shared"),
    )
    .unwrap();
    let v = validator(&schema);
    let root = repo_root();
    for model in example_models() {
        let rel = model
            .strip_prefix(&root)
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        let r = palisade(&root, &["report", &rel, "--format", "sarif"]);
        let doc: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        let errs = errors(&v, &doc);
        assert!(errs.is_empty(), "{rel}: {errs:#?}");
        let text = std::fs::read_to_string(&model).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for res in doc["runs"][0]["results"].as_array().unwrap() {
            let loc = &res["locations"][0]["physicalLocation"];
            assert_eq!(loc["artifactLocation"]["uri"], rel);
            let line = loc["region"]["startLine"].as_u64().unwrap() as usize;
            let target = res["properties"]["target"].as_str().unwrap();
            // The line names the component (flows without an id point at their `from`).
            let flow_from = target.split("->").next().unwrap();
            assert!(
                lines[line - 1].contains(target) || lines[line - 1].contains(flow_from),
                "{rel}:{line} does not name {target}: {}",
                lines[line - 1]
            );
            let rule = &doc["runs"][0]["tool"]["driver"]["rules"]
                [res["ruleIndex"].as_u64().unwrap() as usize];
            assert_eq!(rule["id"], res["ruleId"]);
            assert!(
                rule["help"]["markdown"]
                    .as_str()
                    .unwrap()
                    .contains("**Mitigations**")
            );
        }
    }
    // Accepted findings are suppressed, not dropped.
    let r = palisade(
        &root,
        &[
            "report",
            "examples/fraud-scoring-api.yaml",
            "--format",
            "sarif",
        ],
    );
    let doc: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let mx = doc["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["partialFingerprints"]["palisadeFindingId/v1"] == "MX001@fraud-model")
        .expect("the accepted finding is a result");
    assert_eq!(mx["suppressions"][0]["kind"], "external");
    assert!(
        mx["suppressions"][0]["justification"]
            .as_str()
            .unwrap()
            .contains("Chief Risk Officer")
    );
}

#[test]
fn csv_has_one_row_per_finding_and_stable_ids() {
    let root = repo_root();
    let j = palisade(
        &root,
        &[
            "report",
            "examples/email-crm-agent.yaml",
            "--format",
            "json",
        ],
    );
    let doc: serde_json::Value = serde_json::from_str(&j.stdout).unwrap();
    let n = doc["findings"].as_array().unwrap().len();
    let c = palisade(
        &root,
        &["report", "examples/email-crm-agent.yaml", "--format", "csv"],
    );
    let rows: Vec<&str> = c.stdout.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(rows.len(), n + 1);
    assert!(rows[0].starts_with("id,code,title,category"));
    for f in doc["findings"].as_array().unwrap() {
        let id = f["id"].as_str().unwrap();
        assert!(
            rows.iter().any(|r| r.starts_with(&format!("{id},"))),
            "{id}"
        );
    }
}

/// A model whose every free-text field tries to break out of its format.
const HOSTILE: &str = r#"
system:
  name: "<script>alert('sys')</script> | `x` \" '"
  description: "</textarea><img src=x onerror=alert(1)> ]]> & <!-- -->"
  owner: "=HYPERLINK(\"http://evil\")"
  criticality: high
data_assets:
  - {id: pii, name: "<b>PII</b> | **bold** [link](javascript:alert(1))", classification: confidential, personal_data: true}
components:
  - {id: user, kind: actor, role: customer, name: "\"><script>alert('user')</script>"}
  - {id: bot, kind: llm, name: "=cmd|' /C calc'!A0", data: [pii], description: "a\nnew | line"}
flows:
  - {from: user, to: bot, data: [pii]}
controls:
  - {id: guard, name: "+SUM(1,2) <svg onload=alert(1)>", implements: [input-guardrail], applies_to: [bot], status: implemented}
accepted_risks:
  - finding: PI001@bot
    justification: "-2+3 <script>alert('acc')</script> | pipe"
    approver: "@evil \"quoted\""
    accepted_on: 2026-01-01
    review_every: 1y
"#;

#[test]
fn hostile_strings_stay_inert_in_every_format() {
    let dir = files(&[("m.yaml", HOSTILE.as_bytes())]);
    let d = dir.path();
    let md = palisade(d, &["report", "m.yaml", "--format", "markdown"]);
    assert_eq!(md.code, 0, "{}", md.stderr);
    assert!(!md.stdout.contains("<script"), "{}", md.stdout);
    assert!(!md.stdout.contains("<img"));
    assert!(!md.stdout.contains("<b>PII"));
    assert!(md.stdout.contains("&lt;script&gt;"));
    // No table row breaks: every row of the findings table has the same number of cells.
    for line in md.stdout.lines().filter(|l| l.starts_with("| ")) {
        let unescaped = line.replace("\\|", "");
        let cells = unescaped.matches('|').count();
        assert!(cells >= 3, "{line}");
    }
    let csv = palisade(d, &["report", "m.yaml", "--format", "csv"]);
    for line in csv.stdout.split("\r\n").skip(1).filter(|l| !l.is_empty()) {
        // Cells never start with a formula character (quoted cells start with a quote).
        for cell in line.split(',') {
            let c = cell.trim_start_matches('"');
            assert!(!c.starts_with(['=', '+', '@']), "formula cell: {cell}");
        }
    }
    let json = palisade(d, &["report", "m.yaml", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(
        doc["system"]["name"], "<script>alert('sys')</script> | `x` \" '",
        "JSON keeps the text exactly (escaping is the reader's job)"
    );
    let sarif = palisade(d, &["report", "m.yaml", "--format", "sarif"]);
    assert!(serde_json::from_str::<serde_json::Value>(&sarif.stdout).is_ok());
    let html = palisade(d, &["report", "m.yaml", "--format", "html"]);
    assert_eq!(html.code, 0, "{}", html.stderr);
    let page = html.stdout.to_lowercase();
    assert_eq!(
        page.matches("<script").count(),
        1,
        "only the report's own script"
    );
    // The payloads survive only as escaped text: no tag, no live attribute.
    for bad in [
        "<img",
        "<svg onload",
        "</textarea>",
        "<b>pii",
        "href=\"javascript",
    ] {
        assert!(!page.contains(bad), "{bad} leaked into the HTML");
    }
    assert!(
        html.stdout
            .contains("&lt;script&gt;alert(&#39;sys&#39;)&lt;/script&gt;")
    );
    // No network fetches are possible: the page forbids every source but its own inline parts.
    assert!(html.stdout.contains("default-src 'none'"));
    let term = palisade(d, &["report", "m.yaml"]);
    assert_eq!(term.code, 0);
    assert!(
        !term.stdout.contains('\x1b'),
        "no colour when not on a terminal"
    );
}

#[test]
fn the_terminal_report_fits_80_columns() {
    let root = repo_root();
    for model in example_models() {
        let rel = model
            .strip_prefix(&root)
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        let r = common::palisade_env(&root, &["report", &rel], &[("COLUMNS", "80")]);
        for line in r.stdout.lines() {
            assert!(
                line.chars().count() <= 80,
                "{}: {} columns: {line}",
                model.display(),
                line.chars().count()
            );
        }
    }
}

#[test]
fn reports_are_written_atomically_to_files() {
    let root = repo_root();
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("report.md");
    std::fs::write(&target, "old").unwrap();
    let r = palisade(
        &root,
        &[
            "analyze",
            "examples/support-rag-assistant.yaml",
            "--format",
            "markdown",
            "-o",
            target.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = std::fs::read_to_string(&target).unwrap();
    assert!(text.starts_with("# Threat model: "));
    assert_eq!(
        std::fs::read_dir(out.path()).unwrap().count(),
        1,
        "no temp file left"
    );
    // An unwritable target is a usage error and leaves nothing behind.
    let bad = palisade(
        &root,
        &[
            "report",
            "examples/support-rag-assistant.yaml",
            "-o",
            "/nonexistent-dir/x.md",
        ],
    );
    assert_eq!(bad.code, 2);
}

/// An estate of `n` components of thirteen kinds with `4n` flows between neighbours (the shape
/// of `bench/gen_model.py`, without randomness).
fn estate(n: usize) -> String {
    let kinds = [
        ("actor", "role: customer"),
        ("web-app", "exposure: internet"),
        ("service", "exposure: internal"),
        ("llm", "hosting: vendor-api, output_review: none"),
        ("retriever", "permission_filtering: none"),
        ("vector-store", "exposure: internal"),
        ("knowledge-base", "controlled_by: users, validation: none"),
        ("ingestion", "exposure: internal"),
        (
            "tool",
            "owner: platform, actions: [read, send-external], human_approval: none",
        ),
        ("datastore", "exposure: internal"),
        (
            "model",
            "task: classification, confidence_output: scores, score_precision: 4",
        ),
        ("inference-endpoint", "exposure: partner"),
        ("monitoring", "captures: [prompts, outputs]"),
    ];
    let mut s = String::from(
        "system: {name: Estate, criticality: high}\ndata_assets:\n  - {id: pii, classification: confidential, personal_data: true}\ncomponents:\n",
    );
    for i in 0..n {
        let (kind, attrs) = kinds[i % kinds.len()];
        s.push_str(&format!(
            "  - {{id: c{i}, kind: {kind}, name: Component {i}, {attrs}, data: [pii]}}\n"
        ));
    }
    s.push_str("flows:\n");
    for i in 0..4 * n {
        let a = i % n;
        let b = (a + 1 + i / n * 3) % n;
        s.push_str(&format!(
            "  - {{id: f{i}, from: c{a}, to: c{b}, data: [pii]}}\n"
        ));
    }
    s
}

#[test]
fn the_summary_stays_one_screen_and_agrees_with_the_json_report() {
    let root = repo_root();
    let big = files(&[("estate.yaml", estate(520).as_bytes())]);
    let mut models: Vec<std::path::PathBuf> = example_models();
    models.push(big.path().join("estate.yaml"));
    for model in models {
        let path = model.to_str().unwrap();
        let today = ["--today", "2026-11-26"];
        let s = common::palisade_env(
            &root,
            &[&["analyze", path, "--format", "summary"][..], &today].concat(),
            &[("COLUMNS", "80")],
        );
        assert_eq!(s.code, 0, "{path}: {}", s.stderr);
        let j = palisade(
            &root,
            &[&["analyze", path, "--format", "json"][..], &today].concat(),
        );
        let v: serde_json::Value = serde_json::from_str(&j.stdout).unwrap();
        let findings = v["findings"].as_array().unwrap();
        // One screen whatever the size: counts, never one line per finding.
        let lines: Vec<&str> = s.stdout.lines().collect();
        assert!(lines.len() <= 70, "{path}: {} lines", lines.len());
        for line in &lines {
            assert!(line.chars().count() <= 80, "{path}: too wide: {line}");
        }
        // The category table's rows and total agree with the findings of the JSON report.
        let open: Vec<&serde_json::Value> = findings.iter().filter(|f| f["open"] == true).collect();
        if open.is_empty() {
            assert!(!s.stdout.contains("OPEN FINDINGS BY CATEGORY"), "{path}");
            continue;
        }
        let mut per_category: std::collections::BTreeMap<&str, usize> = Default::default();
        for f in &open {
            *per_category
                .entry(f["category"].as_str().unwrap())
                .or_default() += 1;
        }
        for (category, n) in &per_category {
            let row = lines
                .iter()
                .find(|l| l.split_whitespace().next() == Some(category))
                .unwrap_or_else(|| panic!("{path}: no row for {category}"));
            assert_eq!(
                row.split_whitespace().nth(1),
                Some(n.to_string().as_str()),
                "{path}: {row}"
            );
        }
        let total = lines
            .iter()
            .find(|l| l.trim_start().starts_with("total "))
            .unwrap();
        assert_eq!(
            total.split_whitespace().nth(1),
            Some(open.len().to_string().as_str())
        );
        // The threat listed first has the most severe open findings of all.
        let first = lines
            .iter()
            .skip_while(|l| !l.starts_with("THREATS"))
            .nth(2)
            .unwrap();
        let code = first.split_whitespace().next().unwrap();
        let rank = |f: &serde_json::Value| f["risk"]["residual"]["score"]["severity_rank"].as_u64();
        let worst = open.iter().filter_map(|f| rank(f)).max();
        assert!(
            open.iter().any(|f| f["code"] == code && rank(f) == worst),
            "{path}: {first}"
        );
    }
}

#[test]
fn the_gate_names_ten_failing_findings_and_counts_the_rest() {
    let root = repo_root();
    let big = files(&[("estate.yaml", estate(260).as_bytes())]);
    let path = big.path().join("estate.yaml");
    let r = palisade(
        &root,
        &[
            "analyze",
            path.to_str().unwrap(),
            "--format",
            "summary",
            "--fail-on",
            "medium",
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let gate = &r.stdout[r.stdout.find("gate failed").expect("a verdict")..];
    let named = gate.matches('@').count();
    assert_eq!(named, 10, "{gate}");
    let total: usize = gate.split_whitespace().nth(2).unwrap().parse().unwrap();
    assert!(gate.contains(&format!("and {} more", total - 10)), "{gate}");
}
