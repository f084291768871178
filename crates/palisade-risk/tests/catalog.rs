//! The shipped catalog and policy: they load, every id the rules and examples use resolves, and
//! every ATLAS mitigation id exists in the reference ATLAS data.

use palisade_risk::catalog::{self, MitigationKind, Resolved};
use palisade_threats::Category;

#[test]
fn the_catalog_loads_without_diagnostics() {
    let loaded = catalog::load(&[]);
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    let c = loaded.catalog.unwrap();
    assert!(c.mitigations.len() >= 100, "{}", c.mitigations.len());
}

#[test]
fn every_rule_mitigation_is_a_catalog_id() {
    let c = catalog::builtin();
    let lib = palisade_threats::load(&[], true).library.unwrap();
    for r in &lib.rules {
        for m in &r.rule.mitigations {
            assert!(
                c.get(&m.value).is_some(),
                "rule {} names `{}`, which is not a catalog id",
                r.rule.code.value,
                m.value
            );
        }
    }
}

#[test]
fn every_name_the_examples_and_templates_implement_resolves() {
    let c = catalog::builtin();
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(format!("{root}/examples"))
        .unwrap()
        .chain(std::fs::read_dir(format!("{root}/crates/palisade-model/templates")).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    let mut checked = 0;
    for f in files {
        let loaded = palisade_model::load(&f, &palisade_model::RealFs, Default::default());
        let Some(m) = loaded.model else { continue };
        for ctl in &m.controls {
            for name in &ctl.implements {
                checked += 1;
                assert!(
                    !matches!(c.resolve(&name.value), Resolved::Unknown { .. }),
                    "{}: control `{}` implements unknown `{}`",
                    f.display(),
                    ctl.id.value,
                    name.value
                );
            }
        }
    }
    assert!(checked > 30, "only {checked} names checked");
}

#[test]
fn aliases_and_atlas_ids_resolve_to_catalog_ids() {
    let c = catalog::builtin();
    assert_eq!(
        c.resolve("output-filtering"),
        Resolved::Mitigation {
            id: "output-guardrail".into(),
            via: Some("output-filtering".into())
        }
    );
    assert_eq!(
        c.canonical("Rate-Limiting"),
        vec!["rate-limiting".to_string()]
    );
    match c.resolve("aml.m0004") {
        Resolved::Atlas { id, means } => {
            assert_eq!(id, "AML.M0004");
            assert!(means.contains(&"rate-limiting".to_string()));
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        c.resolve("rate-limitng"),
        Resolved::Unknown { suggestion: Some(s) } if s == "rate-limiting"
    ));
}

#[test]
fn every_atlas_mitigation_exists_in_the_reference_atlas_data() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/atlas/ATLAS.yaml"
    );
    let Ok(text) = std::fs::read_to_string(path) else {
        panic!("the reference ATLAS data is missing at {path}");
    };
    let atlas = palisade_threats::atlas::Atlas::parse(&text).expect("ATLAS parses");
    let c = catalog::builtin();
    assert!(c.atlas.len() >= 20);
    for (id, m) in &c.atlas {
        let name = atlas.name(id);
        assert!(name.is_some(), "{id} is not in ATLAS {}", atlas.version);
        assert_eq!(name.unwrap(), m.name.value, "{id}: name differs from ATLAS");
    }
}

#[test]
fn every_category_has_prevention_detection_and_response() {
    let c = catalog::builtin();
    for cat in Category::ALL {
        for kind in MitigationKind::ALL {
            assert!(
                c.mitigations
                    .values()
                    .any(|m| m.kind.value == *kind && m.categories.iter().any(|x| x.value == *cat)),
                "{} has no {} mitigation",
                cat.as_str(),
                kind.as_str()
            );
        }
    }
}

#[test]
fn every_seed_list_is_represented() {
    let c = catalog::builtin();
    for cat in [
        Category::PromptInjection,
        Category::DataPoisoning,
        Category::ModelExtraction,
        Category::MembershipInference,
        Category::AdversarialExamples,
        Category::SupplyChain,
    ] {
        let n = c
            .mitigations
            .values()
            .filter(|m| m.seed.iter().any(|s| s.value == cat))
            .count();
        assert!(n >= 4, "{}: only {n} seed mitigations", cat.as_str());
    }
}

#[test]
fn the_shipped_policy_loads_and_bad_policies_are_located() {
    let p = palisade_risk::Policy::default();
    assert_eq!(p.bands, ["low", "medium", "high", "critical"]);
    assert_eq!(p.band(5, 5), 3);
    assert_eq!(p.band(1, 1), 0);
    let bad = palisade_risk::policy::DEFAULT_POLICY.replace(
        "[low,    low,    low,    low,      medium]",
        "[low, low, lo, low]",
    );
    let loaded = palisade_risk::policy::load("p.yaml".into(), bad);
    assert!(loaded.policy.is_none());
    let msgs: Vec<&str> = loaded
        .diagnostics
        .iter()
        .map(|d| d.message.as_str())
        .collect();
    assert!(msgs.iter().any(|m| m.contains("4 cells")), "{msgs:?}");
    assert!(
        msgs.iter()
            .any(|m| m.contains("`lo` is not one of the bands")),
        "{msgs:?}"
    );
    assert!(loaded.diagnostics.iter().all(|d| !d.labels.is_empty()));
}
