//! The built-in library: it loads cleanly, every rule proves it fires where it should and stays
//! silent where it must, and every ATLAS id it cites exists in the reference ATLAS data.

use palisade_threats::{Selection, evaluate, load};

fn library() -> palisade_threats::Library {
    let loaded = load(&[], true);
    let errors: Vec<String> = loaded
        .diagnostics
        .iter()
        .map(|d| format!("{}: {}", d.code, d.message))
        .collect();
    loaded
        .library
        .unwrap_or_else(|| panic!("built-in rules fail to load: {errors:#?}"))
}

#[test]
fn builtin_rules_load_without_diagnostics() {
    let loaded = load(&[], true);
    let msgs: Vec<String> = loaded
        .diagnostics
        .iter()
        .map(|d| {
            let loc = d
                .primary_span()
                .map(|s| loaded.sources.locate(s).to_string());
            format!("{loc:?} {}: {} {:?}", d.code, d.message, d.help)
        })
        .collect();
    assert!(msgs.is_empty(), "{msgs:#?}");
}

#[test]
fn every_rule_fires_and_stays_silent_on_its_examples() {
    let lib = library();
    let mut failures = Vec::new();
    for r in &lib.rules {
        let code = &r.rule.code.value;
        let fires = r.rule.tests.iter().filter(|t| t.fires.value).count();
        let silent = r.rule.tests.len() - fires;
        if fires == 0 || silent == 0 {
            failures.push(format!(
                "{code}: needs at least one firing and one silent example"
            ));
        }
        for (n, t) in r.rule.tests.iter().enumerate() {
            let loaded = palisade_model::load_str("test.yaml", &t.model.value);
            let Some(model) = loaded.model.as_ref() else {
                let msgs: Vec<_> = loaded
                    .diagnostics
                    .iter()
                    .map(|d| d.message.clone())
                    .collect();
                failures.push(format!("{code} example {n}: invalid model: {msgs:?}"));
                continue;
            };
            let evidence: palisade_analysis::Evidence = match &t.evidence {
                Some(e) => match serde_json::from_str(&e.value) {
                    Ok(ev) => ev,
                    Err(err) => {
                        failures.push(format!("{code} example {n}: bad evidence JSON: {err}"));
                        continue;
                    }
                },
                None => Default::default(),
            };
            let facts = palisade_analysis::analyze_with(model, &evidence);
            let sel = Selection {
                select: vec![code.clone()],
                ignore: vec![],
            };
            let ev = evaluate(model, &facts, &lib, &sel, None);
            if !ev.errors.is_empty() {
                failures.push(format!(
                    "{code} example {n}: evaluation errors {:?}",
                    ev.errors
                ));
            }
            let fired = ev.findings.iter().any(|f| f.target.id == t.target.value);
            if fired != t.fires.value {
                failures.push(format!(
                    "{code} example {n}: expected fires={} on `{}`, got {fired}",
                    t.fires.value, t.target.value
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A user pack whose condition is `when`, otherwise minimal and valid.
fn user_rule(when: &str, rationale: &str) -> String {
    format!(
        "code: ACME001\nname: x\ntitle: x\ncategory: classic\ntarget: component\nwhen: \"{when}\"\n\
base_likelihood: low\nbase_impact: low\nattack_vector: x\nimpact: x\nrationale: \"{rationale}\"\n\
docs: {{what: x, why: x, example: x, mitigations: [], references: []}}\n\
mappings: {{atlas: [], owasp_llm: [], owasp_ml: [], owasp_agentic: [], nist: [], cwe: []}}\n"
    )
}

fn user_diagnostics(text: &str) -> Vec<String> {
    let loaded = load(&[("pack/acme.yaml".into(), text.to_string())], false);
    loaded
        .diagnostics
        .iter()
        .map(|d| {
            let loc = d
                .primary_span()
                .map(|s| loaded.sources.locate(s).to_string())
                .unwrap_or_default();
            format!(
                "{loc} {} | {}",
                d.message,
                d.help.clone().unwrap_or_default()
            )
        })
        .collect()
}

#[test]
fn a_valid_user_rule_loads() {
    assert!(user_diagnostics(&user_rule("facts.untrusted_input", "{component.id}")).is_empty());
}

#[test]
fn unknown_attributes_are_load_errors_not_silent_false() {
    let d = user_diagnostics(&user_rule(
        "facts.untrusted_inputs && component.hostng == 'x'",
        "x",
    ));
    assert_eq!(d.len(), 2, "{d:#?}");
    assert!(
        d[0].contains("`facts` has no field `untrusted_inputs`")
            && d[0].contains("did you mean `untrusted_input`?"),
        "{d:#?}"
    );
    assert!(d[0].starts_with("pack/acme.yaml:6:"), "{d:#?}");
    assert!(d[1].contains("no field `hostng`"), "{d:#?}");
}

#[test]
fn impossible_enum_values_are_load_errors() {
    let d = user_diagnostics(&user_rule(
        "component.exposure == 'internt' || component.kind in ['llm', 'vector_store']",
        "x",
    ));
    assert_eq!(d.len(), 2, "{d:#?}");
    assert!(
        d[0].contains("'internt' is never a value of component.exposure")
            && d[0].contains("did you mean 'internet'?"),
        "{d:#?}"
    );
    assert!(d[1].contains("'vector_store'"), "{d:#?}");
}

#[test]
fn comprehension_variables_are_typed() {
    assert!(
        user_diagnostics(&user_rule(
            "facts.tools.exists(t, 'send-external' in t.actions && !t.approved)",
            "x"
        ))
        .is_empty()
    );
    let d = user_diagnostics(&user_rule("facts.tools.exists(t, t.action == 'x')", "x"));
    assert!(d.iter().any(|m| m.contains("no field `action`")), "{d:#?}");
    let d = user_diagnostics(&user_rule(
        "facts.tools.exists(t, 'send_external' in t.actions)",
        "x",
    ));
    assert!(d.iter().any(|m| m.contains("'send_external'")), "{d:#?}");
}

#[test]
fn syntax_errors_non_boolean_conditions_and_bad_templates_are_reported() {
    assert!(
        user_diagnostics(&user_rule("facts.untrusted_input &&", "x"))[0]
            .contains("invalid condition")
    );
    assert!(
        user_diagnostics(&user_rule("facts.sensitive_data", "x"))[0]
            .contains("must be true or false")
    );
    assert!(
        user_diagnostics(&user_rule("facts.untrusted_input", "{facts.nope}"))[0]
            .contains("rationale")
    );
    assert!(
        user_diagnostics(&user_rule("unknown_var", "x"))[0]
            .contains("unknown variable `unknown_var`")
    );
}

#[test]
fn malformed_ids_and_duplicate_codes_are_reported() {
    let bad = user_rule("true", "x")
        .replace("atlas: []", "atlas: [AML.T51]")
        .replace("owasp_llm: []", "owasp_llm: [LLM01]");
    let d = user_diagnostics(&bad);
    assert!(
        d.iter()
            .any(|m| m.contains("`AML.T51` is not a valid ATLAS technique id")),
        "{d:#?}"
    );
    assert!(
        d.iter()
            .any(|m| m.contains("`LLM01` is not a valid OWASP LLM")),
        "{d:#?}"
    );
    let one = user_rule("true", "x");
    let loaded = load(
        &[("a.yaml".into(), one.clone()), ("b.yaml".into(), one)],
        false,
    );
    assert!(
        loaded
            .diagnostics
            .iter()
            .any(|d| d.message.contains("two rules have the code `ACME001`"))
    );
}

fn reference_atlas() -> palisade_threats::atlas::Atlas {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/atlas/ATLAS.yaml");
    let text = std::fs::read_to_string(&path)
        .expect("../shared/data/atlas/ATLAS.yaml is beside the checkout");
    palisade_threats::atlas::Atlas::parse(&text).expect("ATLAS parses")
}

#[test]
fn reference_atlas_is_read_with_its_counts() {
    let atlas = reference_atlas();
    assert_eq!(atlas.version, "5.6.0");
    assert_eq!(atlas.techniques.len(), 101 + 69);
    assert_eq!(atlas.mitigations.len(), 35);
    assert_eq!(
        atlas.name("AML.T0051.000"),
        Some("LLM Prompt Injection: Direct")
    );
}

#[test]
fn every_atlas_id_in_the_library_exists_in_atlas_5_6() {
    let atlas = reference_atlas();
    let lib = library();
    let mut missing = Vec::new();
    for r in &lib.rules {
        for id in &r.rule.mappings.atlas {
            if !atlas.techniques.contains_key(&id.value) {
                missing.push(format!("{} cites {}", r.rule.code.value, id.value));
            }
        }
    }
    assert!(missing.is_empty(), "{missing:#?}");
}

/// Models that exercise the factors the rules' own examples do not.
const FACTOR_MODELS: &[&str] = &[
    // A low-criticality research system: a user-written knowledge base with verified provenance,
    // two-stage validation and drift monitoring; an LLM whose outputs are always reviewed.
    r#"
system:
  name: t
  criticality: low
  deployment: {environment: research}
components:
  - {id: user, kind: actor, role: customer}
  - {id: kb, kind: knowledge-base, controlled_by: users, provenance_verified: true, validation: manual-and-automated, drift_monitoring: true}
  - {id: retr, kind: retriever}
  - {id: bot, kind: llm, output_review: always}
flows:
  - {from: user, to: kb}
  - {from: retr, to: kb}
  - {from: bot, to: retr}
  - {from: user, to: bot}
"#,
    // A signed third-party artifact in a code-executing format with clean evidence; a feature
    // store fed by outsiders without validation.
    r#"
system: {name: t, criticality: high}
components:
  - {id: partner, kind: actor, role: partner}
  - {id: base, kind: model-artifact, supplier: open-source, platform: huggingface, pinned: true, digest: "sha256:d6bcb7cbf3890977c500573ed1c341d8ec3509d05d2c58f849690f9fa03cbc2f", signature: sigstore, format: pickle}
  - {id: fs, kind: feature-store, controlled_by: public, validation: none}
  - {id: scorer, kind: model, exposure: partner}
flows:
  - {from: partner, to: fs}
  - {from: fs, to: scorer}
  - {from: base, to: scorer}
  - {from: partner, to: scorer}
"#,
    // Label-only and score APIs with query monitoring and differential privacy (weak and strong).
    r#"
system: {name: t, criticality: high}
data_assets:
  - {id: people, classification: confidential, personal_data: true}
components:
  - {id: partner, kind: actor, role: partner}
  - {id: store, kind: datastore, data: [people]}
  - {id: train, kind: training-pipeline}
  - {id: m1, kind: model, exposure: partner, confidence_output: label, query_monitoring: true, adversarial_environment: true}
  - {id: m2, kind: model, exposure: partner, confidence_output: scores, training: {personal_data: true, differential_privacy: {epsilon: 4.0}}}
  - {id: m3, kind: model, exposure: partner, confidence_output: logits, training: {personal_data: true, differential_privacy: {epsilon: 0.5}}}
flows:
  - {from: store, to: train, data: [people]}
  - {from: train, to: m1}
  - {from: train, to: m2}
  - {from: train, to: m3}
  - {from: partner, to: m1}
  - {from: partner, to: m2}
  - {from: partner, to: m3}
"#,
    // A critical system where an untrusted zone sends sensitive data, unauthenticated and in
    // clear text, into a trusted one.
    r#"
system: {name: t, criticality: critical}
data_assets:
  - {id: secret, classification: restricted}
components:
  - {id: ext, kind: external-service}
  - {id: api, kind: service}
boundaries:
  - {id: outside, trust: untrusted, contains: [ext]}
  - {id: inside, trust: trusted, contains: [api]}
flows:
  - {from: ext, to: api, data: [secret], protocol: http}
"#,
];

/// Every scoring factor holds somewhere: on a rule's firing example or on a shipped example
/// model. A factor that never holds is dead weight or a condition that silently fails.
#[test]
fn every_scoring_factor_applies_somewhere() {
    let lib = library();
    let mut seen = std::collections::BTreeSet::new();
    let mut models: Vec<String> = lib
        .rules
        .iter()
        .flat_map(|r| r.rule.tests.iter().filter(|t| t.fires.value))
        .map(|t| t.model.value.clone())
        .collect();
    models.extend(FACTOR_MODELS.iter().map(|m| m.to_string()));
    let examples = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples");
    for e in std::fs::read_dir(examples).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "yaml") {
            models.push(std::fs::read_to_string(p).unwrap());
        }
    }
    // The signed artifact of the second model scanned clean with a verified manifest.
    let mut evidence = palisade_analysis::Evidence::new();
    evidence.insert(
        "base".into(),
        palisade_analysis::ArtifactEvidence {
            scan_verdict: Some("clean".into()),
            files_scanned: 1,
            manifest_verified: Some(true),
            ..Default::default()
        },
    );
    for text in &models {
        let loaded = palisade_model::load_str("m.yaml", text);
        let Some(model) = loaded.model.as_ref() else {
            panic!("invalid model: {:?}", loaded.diagnostics);
        };
        let facts = palisade_analysis::analyze_with(model, &evidence);
        let ev = evaluate(model, &facts, &lib, &Selection::default(), None);
        assert!(ev.errors.is_empty(), "evaluation errors: {:?}", ev.errors);
        for f in &ev.findings {
            seen.extend(f.factors.iter().map(|x| x.id.clone()));
        }
    }
    let never: Vec<&str> = lib
        .factors
        .iter()
        .map(|f| f.id.as_str())
        .filter(|id| !seen.contains(*id))
        .collect();
    assert!(lib.factors.len() >= 30, "{} factors", lib.factors.len());
    assert!(never.is_empty(), "factors that never apply: {never:?}");
}

/// A factor that fails at run time (here: reading a field of an absent `training`) is reported
/// as an evaluation error, never silently false.
#[test]
fn factor_errors_at_run_time_are_reported() {
    let pack = r#"
factors:
  - id: broken-training-read
    target: component
    categories: [prompt-injection]
    affects: impact
    delta: 1
    when: component.training.records > 5
    reason: reads a field of an absent structure
"#;
    let loaded = palisade_threats::load(&[("pack/factors.yaml".into(), pack.to_string())], true);
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    let lib = loaded.library.unwrap();
    let model = palisade_model::load_str(
        "m.yaml",
        "system: {name: t, criticality: high}\ncomponents:\n  - {id: user, kind: actor, role: customer}\n  - {id: bot, kind: llm}\nflows:\n  - {from: user, to: bot}\n",
    )
    .model
    .unwrap();
    let facts = palisade_analysis::analyze(&model);
    let ev = evaluate(&model, &facts, &lib, &Selection::default(), None);
    assert!(ev.findings.iter().any(|f| f.id == "PI001@bot"));
    assert!(
        ev.errors
            .iter()
            .any(|e| e.contains("scoring factor broken-training-read on `bot`")),
        "{:?}",
        ev.errors
    );
}
