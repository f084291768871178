//! `palisade testplan`: activities aimed at the entry points, paths, tools and artifacts found.

mod common;
use common::{palisade, repo_root};

fn plan(example: &str) -> serde_json::Value {
    let r = palisade(
        &repo_root(),
        &[
            "testplan",
            &format!("examples/{example}"),
            "--format",
            "json",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    serde_json::from_str(&r.stdout).unwrap()
}

fn tests(v: &serde_json::Value) -> &Vec<serde_json::Value> {
    v["tests"].as_array().unwrap()
}

#[test]
fn injection_tests_follow_the_paths_and_tools_found() {
    let v = plan("email-crm-agent.yaml");
    let t = tests(&v);
    let indirect = t
        .iter()
        .find(|x| x["activity"] == "indirect-injection-test" && x["target"] == "sales-agent")
        .expect("an indirect injection test on the agent");
    let path: Vec<&str> = indirect["path"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert_eq!(path.last(), Some(&"sales-agent"));
    assert_eq!(indirect["entry_point"].as_str(), path.first().copied());
    assert!(!indirect["expected"].as_str().unwrap().is_empty());
    // One tool-misuse test per unapproved tool the agent can trigger, each listed once.
    let facts: serde_json::Value = serde_json::from_str(
        &palisade(
            &repo_root(),
            &["analyze", "examples/email-crm-agent.yaml", "--facts"],
        )
        .stdout,
    )
    .unwrap();
    let agent = facts["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "sales-agent")
        .unwrap();
    for tool in agent["tools"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["approved"] == false)
    {
        let name = tool["tool"].as_str().unwrap();
        let n = t
            .iter()
            .filter(|x| {
                x["activity"] == "tool-misuse-test"
                    && x["target"] == "sales-agent"
                    && x["title"].as_str().unwrap().contains(&format!("`{name}`"))
            })
            .count();
        assert_eq!(n, 1, "tool {name}: {n} tests");
    }
    // Ids are unique.
    let mut ids: Vec<&str> = t.iter().map(|x| x["id"].as_str().unwrap()).collect();
    ids.sort();
    let len = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), len);
}

#[test]
fn artifacts_get_supply_chain_checks_automated_by_palisade() {
    let v = plan("fine-tuning-pipeline.yaml");
    let sc = tests(&v)
        .iter()
        .find(|x| x["activity"] == "supply-chain-verification" && x["target"] == "hf-base-model")
        .expect("a supply-chain test for the base model");
    let auto = sc["automation"].as_str().unwrap();
    assert!(auto.contains("palisade scan"), "{auto}");
    assert!(
        auto.contains(
            "palisade manifest verify --manifest examples/artifacts/base-lm-7b.manifest.json"
        ),
        "{auto}"
    );
    assert!(
        tests(&v)
            .iter()
            .any(|x| x["activity"] == "membership-inference-probe")
    );
    assert!(
        tests(&v)
            .iter()
            .any(|x| x["activity"] == "pipeline-integrity-check")
    );
}

#[test]
fn exposed_classifiers_get_probes_and_accepted_findings_get_none() {
    let v = plan("fraud-scoring-api.yaml");
    let t = tests(&v);
    assert!(
        t.iter()
            .any(|x| x["activity"] == "robustness-evaluation" && x["target"] == "fraud-model")
    );
    assert!(t.iter().any(|x| x["activity"] == "extraction-probe"));
    // MX001@fraud-model is accepted in the example: no test for it.
    assert!(t.iter().all(|x| x["finding"] != "MX001@fraud-model"));
    // Nothing to test on a system without findings.
    assert!(tests(&plan("internal-summarizer.yaml")).is_empty());
}

#[test]
fn markdown_is_the_default() {
    let r = palisade(
        &repo_root(),
        &["testplan", "examples/support-rag-assistant.yaml"],
    );
    assert_eq!(r.code, 0);
    assert!(r.stdout.starts_with("# Validation test plan: "));
    assert!(r.stdout.contains("**Expected secure outcome:**"));
}
