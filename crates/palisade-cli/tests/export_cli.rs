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
        assert!(r.stderr.contains("invalid model"), "{}", r.stderr);
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
        // The findings travel as OTM threats; palisade derives threats itself, so importing
        // them back is the one thing that is (deliberately) not mapped.
        let notes: Vec<&str> = r.stderr.lines().filter(|l| l.starts_with("  - ")).collect();
        assert!(
            r.stderr.contains("everything was mapped")
                || (notes.len() == 1 && notes[0].contains("threat(s)")),
            "{}",
            r.stderr
        );
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

#[test]
fn otm_threats_are_the_findings_with_their_risk_and_controls() {
    let root = common::repo_root();
    let r = palisade(&root, &["export", "otm", "examples/email-crm-agent.yaml"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let threats = v["threats"].as_array().expect("threats");
    let threat = threats
        .iter()
        .find(|t| t["id"] == "LA001@sales-agent")
        .expect("the accepted finding is a threat");
    assert_eq!(threat["attributes"]["palisade:code"], "LA001");
    // On its component: the threat instance carries the acceptance and the controls in place.
    let agent = v["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "sales-agent")
        .unwrap();
    let instance = agent["threats"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["threat"] == "LA001@sales-agent")
        .expect("threat instance on the agent");
    assert_eq!(instance["state"], "accepted");
    assert!(!instance["mitigations"].as_array().unwrap().is_empty());
    let n_findings = {
        let j = palisade(
            &root,
            &[
                "report",
                "examples/email-crm-agent.yaml",
                "--format",
                "json",
            ],
        );
        let d: serde_json::Value = serde_json::from_str(&j.stdout).unwrap();
        d["findings"].as_array().unwrap().len()
    };
    assert_eq!(threats.len(), n_findings);
}

fn export(kind: &str, example: &str, extra: &[&str]) -> String {
    let root = repo_root();
    let path = format!("examples/{example}");
    let mut args = vec!["export", kind, path.as_str(), "--today", "2026-11-26"];
    args.extend_from_slice(extra);
    let r = palisade(&root, &args);
    assert_eq!(r.code, 0, "{kind} {example}: {}", r.stderr);
    r.stdout
}

fn report_json(example: &str) -> serde_json::Value {
    let r = palisade(
        &repo_root(),
        &[
            "report",
            &format!("examples/{example}"),
            "--format",
            "json",
            "--today",
            "2026-11-26",
        ],
    );
    serde_json::from_str(&r.stdout).unwrap()
}

fn open_ids(report: &serde_json::Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["open"] == true)
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn every_program_export_works_on_every_example() {
    for m in example_models() {
        let name = m.file_name().unwrap().to_str().unwrap().to_string();
        for (kind, fmt) in [
            ("checklist", "markdown"),
            ("checklist", "json"),
            ("pentest-scope", "markdown"),
            ("pentest-scope", "json"),
            ("playbooks", "markdown"),
            ("playbooks", "json"),
            ("tickets", "csv"),
            ("tickets", "json"),
            ("atlas-layer", "json"),
        ] {
            let out = export(kind, &name, &["--format", fmt]);
            if fmt == "json" {
                serde_json::from_str::<serde_json::Value>(&out)
                    .unwrap_or_else(|e| panic!("{kind} {name}: {e}"));
            }
        }
    }
    // A format a kind does not have is a usage error.
    let r = palisade(
        &repo_root(),
        &[
            "export",
            "atlas-layer",
            "examples/email-crm-agent.yaml",
            "--format",
            "csv",
        ],
    );
    assert_eq!(r.code, 2);
}

#[test]
fn the_checklist_covers_every_open_finding_and_planned_control() {
    let md = export("checklist", "email-crm-agent.yaml", &[]);
    let report = report_json("email-crm-agent.yaml");
    let items: serde_json::Value = serde_json::from_str(&export(
        "checklist",
        "email-crm-agent.yaml",
        &["--format", "json"],
    ))
    .unwrap();
    let items = items.as_array().unwrap();
    for id in open_ids(&report) {
        assert!(
            items
                .iter()
                .any(|i| i["source"] == id.as_str() && i["done"] == false),
            "{id}"
        );
    }
    // Planned controls are open items, implemented ones are ticked.
    for c in report["model"]["controls"].as_array().unwrap() {
        let item = items
            .iter()
            .find(|i| i["source"] == c["id"])
            .expect("control item");
        assert_eq!(item["done"], c["status"] != "planned", "{c}");
    }
    assert!(md.contains("- [ ] "));
    assert!(md.contains("- [x] "));
}

#[test]
fn the_pentest_scope_has_the_attack_paths_with_techniques_and_criteria() {
    let v: serde_json::Value = serde_json::from_str(&export(
        "pentest-scope",
        "email-crm-agent.yaml",
        &["--format", "json"],
    ))
    .unwrap();
    let report = report_json("email-crm-agent.yaml");
    let scenarios = v["scenarios"].as_array().unwrap();
    assert_eq!(
        scenarios.len(),
        report["attack_paths"].as_array().unwrap().len()
    );
    for s in scenarios {
        assert!(!s["techniques"].as_array().unwrap().is_empty(), "{s}");
        assert!(
            s["success_criteria"]
                .as_str()
                .unwrap()
                .contains(s["entry_point"].as_str().unwrap())
        );
    }
    let tests: Vec<&str> = v["tests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["finding"].as_str().unwrap())
        .collect();
    assert_eq!(tests.len(), open_ids(&report).len());
    assert!(
        !tests.contains(&"LA001@sales-agent"),
        "accepted findings are out of the test list"
    );
}

#[test]
fn playbooks_cover_each_threat_category_present_with_owners_and_indicators() {
    let v: serde_json::Value = serde_json::from_str(&export(
        "playbooks",
        "fine-tuning-pipeline.yaml",
        &["--format", "json"],
    ))
    .unwrap();
    let report = report_json("fine-tuning-pipeline.yaml");
    let mut cats: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["category"].as_str().unwrap())
        .collect();
    cats.sort();
    cats.dedup();
    let books = v["playbooks"].as_array().unwrap();
    assert_eq!(books.len(), cats.len());
    let dp = books
        .iter()
        .find(|b| b["category"] == "data-poisoning")
        .expect("poisoning playbook");
    assert_eq!(dp["lead_team"], "ml");
    for key in ["detect", "indicators", "contain", "eradicate", "recover"] {
        assert!(!dp[key].as_array().unwrap().is_empty(), "{key}");
    }
    assert!(
        !v.to_string().contains("Prompt injection"),
        "no playbook for a threat not present"
    );
}

#[test]
fn tickets_are_one_per_open_finding_with_ids_that_survive_unrelated_renames() {
    let report = report_json("support-rag-assistant.yaml");
    let t: serde_json::Value = serde_json::from_str(&export(
        "tickets",
        "support-rag-assistant.yaml",
        &["--format", "json"],
    ))
    .unwrap();
    let t = t.as_array().unwrap();
    assert_eq!(t.len(), open_ids(&report).len());
    for ticket in t {
        let id = ticket["external_id"].as_str().unwrap();
        assert!(id.starts_with("palisade:"));
        assert!(id.ends_with(ticket["finding"].as_str().unwrap()));
        assert!(ticket["due"].as_str().unwrap() > "2026-11-26");
    }
    let csv = export("tickets", "support-rag-assistant.yaml", &[]);
    assert_eq!(
        csv.split("\r\n").filter(|l| !l.is_empty()).count(),
        t.len() + 1
    );
    // Renaming a component that has no finding leaves every ticket id as it was.
    let text =
        std::fs::read_to_string(repo_root().join("examples/support-rag-assistant.yaml")).unwrap();
    let renamed = text.replace("interaction-log-store", "chat-log-store");
    let dir = files(&[("m.yaml", renamed.as_bytes())]);
    let r = palisade(
        dir.path(),
        &[
            "export",
            "tickets",
            "m.yaml",
            "--format",
            "json",
            "--today",
            "2026-11-26",
        ],
    );
    let t2: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let ids = |v: &[serde_json::Value]| {
        v.iter()
            .map(|x| x["external_id"].clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(t), ids(t2.as_array().unwrap()));
}

#[test]
fn the_atlas_layer_colours_exactly_the_techniques_cited() {
    let v: serde_json::Value =
        serde_json::from_str(&export("atlas-layer", "email-crm-agent.yaml", &[])).unwrap();
    assert_eq!(v["domain"], "atlas-atlas");
    assert_eq!(v["versions"]["layer"], "4.5");
    let report = report_json("email-crm-agent.yaml");
    let mut cited: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| {
            f["mappings"]["atlas"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_str().unwrap())
        })
        .collect();
    cited.sort();
    cited.dedup();
    let layer: Vec<&str> = v["techniques"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["techniqueID"].as_str().unwrap())
        .collect();
    assert_eq!(layer, cited);
    let atlas_text =
        std::fs::read_to_string(common::shared_dir().join("data/atlas/ATLAS.yaml")).unwrap();
    let atlas = palisade_threats::atlas::Atlas::parse(&atlas_text).unwrap();
    for id in &layer {
        assert!(atlas.name(id).is_some(), "{id} is not in ATLAS");
    }
    for t in v["techniques"].as_array().unwrap() {
        assert!(t["color"].as_str().unwrap().starts_with('#'));
        assert!(t["score"].as_u64().unwrap() >= 1);
    }
}
