//! The AI-BOM of every example validates against the CycloneDX 1.6 schema (offline), and says
//! what the model says.

mod common;
use common::{example_models, load, load_text, repo_root};
use palisade_export::aibom::{SYSTEM_REF, to_json};
use palisade_export::{AibomOptions, aibom};
use serde_json::Value;
use std::collections::BTreeSet;

const TIMESTAMP: &str = "2026-10-20T08:00:00Z";

fn schema(name: &str) -> Value {
    let p = repo_root().join("../shared/data/schemas").join(name);
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    serde_json::from_str(&text).expect("schema is JSON")
}

/// The CycloneDX 1.6 schema with the schemas it references registered from local files; no
/// network access is possible (`offline`).
fn validator() -> jsonschema::Validator {
    let registry = jsonschema::Registry::new()
        .add(
            "http://cyclonedx.org/schema/spdx.schema.json",
            schema("spdx.schema.json"),
        )
        .and_then(|r| {
            r.add(
                "http://cyclonedx.org/schema/jsf-0.82.schema.json",
                schema("jsf-0.82.schema.json"),
            )
        })
        .and_then(|r| r.prepare())
        .expect("registry");
    jsonschema::options()
        .offline()
        .should_validate_formats(true)
        .with_registry(&registry)
        .build(&schema("bom-1.6.schema.json"))
        .expect("the CycloneDX schema compiles offline")
}

fn bom_json(model: &palisade_model::Model) -> Value {
    let facts = palisade_analysis::analyze(model);
    let bom = aibom(
        model,
        &facts,
        &AibomOptions {
            timestamp: TIMESTAMP.into(),
        },
    );
    serde_json::from_str(&to_json(&bom)).expect("BOM is JSON")
}

fn components(bom: &Value) -> &Vec<Value> {
    bom["components"].as_array().expect("components")
}

fn component<'a>(bom: &'a Value, r: &str) -> &'a Value {
    components(bom)
        .iter()
        .find(|c| c["bom-ref"] == r)
        .unwrap_or_else(|| panic!("no component {r}"))
}

fn refs_of(bom: &Value, key: &str) -> BTreeSet<String> {
    bom[key]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|c| c["bom-ref"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn every_example_validates_against_the_cyclonedx_schema() {
    let validator = validator();
    for path in example_models() {
        let bom = bom_json(&load(&path));
        let errors: Vec<String> = validator
            .iter_errors(&bom)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
    }
}

#[test]
fn the_validator_rejects_a_broken_bom() {
    let validator = validator();
    let mut bom = bom_json(&load(&example_models()[0]));
    bom["components"][0]["type"] = "spaceship".into();
    assert!(!validator.is_valid(&bom));
    let mut bom = bom_json(&load(&example_models()[0]));
    bom["serialNumber"] = "not-a-urn".into();
    assert!(!validator.is_valid(&bom));
}

#[test]
fn each_component_appears_with_its_type_and_actors_do_not() {
    for path in example_models() {
        let model = load(&path);
        let bom = bom_json(&model);
        let comps = refs_of(&bom, "components");
        let services = refs_of(&bom, "services");
        for c in &model.components {
            use palisade_model::ComponentKind as K;
            let id = c.id.value.as_str();
            let expected = match c.kind.value {
                K::Actor | K::HumanReview => None,
                K::Model | K::Llm | K::EmbeddingModel | K::ModelArtifact => {
                    Some("machine-learning-model")
                }
                K::Dataset | K::DataSource | K::PromptTemplate | K::SystemPrompt => Some("data"),
                K::Library => Some("library"),
                K::Tool
                | K::McpServer
                | K::ExternalApi
                | K::ExternalService
                | K::InferenceEndpoint => Some("service"),
                _ => Some("application"),
            };
            match expected {
                None => assert!(
                    !comps.contains(id) && !services.contains(id),
                    "{}: `{id}` is a person and must not be in the BOM",
                    path.display()
                ),
                Some("service") => assert!(services.contains(id), "{}: {id}", path.display()),
                Some(t) => assert_eq!(component(&bom, id)["type"], t, "{}: {id}", path.display()),
            }
        }
        for a in &model.data_assets {
            assert_eq!(component(&bom, a.id.value.as_str())["type"], "data");
        }
        // bom-refs are unique across components and services.
        let all: Vec<String> = components(&bom)
            .iter()
            .chain(bom["services"].as_array().into_iter().flatten())
            .filter_map(|c| c["bom-ref"].as_str().map(String::from))
            .collect();
        let unique: BTreeSet<&String> = all.iter().collect();
        assert_eq!(all.len(), unique.len(), "{}", path.display());
    }
}

#[test]
fn digests_become_hashes() {
    let path = repo_root().join("examples/fine-tuning-pipeline.yaml");
    let bom = bom_json(&load(&path));
    let base = component(&bom, "hf-base-model");
    assert_eq!(
        base["hashes"],
        serde_json::json!([{"alg": "SHA-256",
            "content": "d6bcb7cbf3890977c500573ed1c341d8ec3509d05d2c58f849690f9fa03cbc2f"}])
    );
    assert_eq!(
        base["externalReferences"][0]["url"],
        "https://huggingface.co/example-lab/base-lm-7b"
    );
    let tuned = component(&bom, "fine-tuned-model");
    assert_eq!(tuned["hashes"][0]["alg"], "SHA-256");
    let text = r#"
system: {name: S, criticality: low}
components:
  - {id: w, kind: model-artifact, digest: "blake3:AF1349B9F5F9A1A6A0404DEA36DCC9499BCB25C9ADC112B7CC9A93CAE41F3262"}
"#;
    let bom = bom_json(&load_text(text));
    assert_eq!(
        component(&bom, "w")["hashes"],
        serde_json::json!([{"alg": "BLAKE3",
            "content": "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262"}])
    );
}

#[test]
fn model_cards_link_the_training_datasets() {
    let path = repo_root().join("examples/fine-tuning-pipeline.yaml");
    let bom = bom_json(&load(&path));
    let card = &component(&bom, "fine-tuned-model")["modelCard"];
    let params = &card["modelParameters"];
    assert_eq!(params["task"], "generation");
    assert_eq!(params["inputs"], serde_json::json!([{"format": "text"}]));
    let datasets: BTreeSet<&str> = params["datasets"]
        .as_array()
        .expect("datasets")
        .iter()
        .map(|d| d["ref"].as_str().expect("ref"))
        .collect();
    for d in ["training-dataset", "eval-dataset", "training-data"] {
        assert!(datasets.contains(d), "{d} missing from {datasets:?}");
    }
    // Every dataset reference names a data component of the BOM.
    for d in &datasets {
        assert_eq!(component(&bom, d)["type"], "data", "{d}");
    }
    let risks = card["considerations"]["ethicalConsiderations"]
        .as_array()
        .expect("ethical considerations");
    assert!(
        risks
            .iter()
            .any(|r| r["name"].as_str().unwrap_or("").contains("personal data")),
        "{risks:#?}"
    );
    assert!(
        card["considerations"]["technicalLimitations"]
            .as_array()
            .expect("limitations")
            .iter()
            .any(|l| l.as_str().unwrap_or("").contains("Overfitting")),
    );
}

#[test]
fn data_components_carry_classification_and_personal_data() {
    let path = repo_root().join("examples/fine-tuning-pipeline.yaml");
    let bom = bom_json(&load(&path));
    let data = &component(&bom, "support-transcripts")["data"][0];
    assert_eq!(data["classification"], "restricted");
    assert_eq!(
        data["sensitiveData"],
        serde_json::json!(["personal data", "governed by gdpr"])
    );
    assert_eq!(
        data["governance"]["owners"][0]["organization"]["name"],
        "Contact Centre Operations"
    );
    assert_eq!(
        component(&bom, "training-dataset")["data"][0]["type"],
        "dataset"
    );
}

#[test]
fn services_and_vendor_models() {
    let path = repo_root().join("examples/support-rag-assistant.yaml");
    let model = load(&path);
    let bom = bom_json(&model);
    let services = refs_of(&bom, "services");
    let vendor: Vec<&str> = model
        .components
        .iter()
        .filter(|c| {
            c.hosting
                .as_ref()
                .is_some_and(|h| h.value == palisade_model::ModelHosting::VendorApi)
        })
        .map(|c| c.id.value.as_str())
        .collect();
    assert!(!vendor.is_empty());
    for id in vendor {
        assert_eq!(component(&bom, id)["type"], "machine-learning-model");
        assert!(services.contains(&format!("{id}:api")), "{services:?}");
    }
    for s in bom["services"].as_array().expect("services") {
        for d in s["data"].as_array().into_iter().flatten() {
            assert!(matches!(d["flow"].as_str(), Some("inbound" | "outbound")));
        }
    }
}

#[test]
fn dependencies_follow_lineage_and_name_known_refs() {
    for path in example_models() {
        let bom = bom_json(&load(&path));
        let mut known = refs_of(&bom, "components");
        known.extend(refs_of(&bom, "services"));
        known.insert(SYSTEM_REF.into());
        for d in bom["dependencies"].as_array().expect("dependencies") {
            assert!(known.contains(d["ref"].as_str().unwrap()), "{d}");
            for x in d["dependsOn"].as_array().into_iter().flatten() {
                assert!(
                    known.contains(x.as_str().unwrap()),
                    "{}: {x}",
                    path.display()
                );
            }
        }
    }
    let bom = bom_json(&load(
        &repo_root().join("examples/fine-tuning-pipeline.yaml"),
    ));
    let deps = |r: &str| -> Vec<String> {
        bom["dependencies"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["ref"] == r)
            .and_then(|d| d["dependsOn"].as_array())
            .map(|a| a.iter().map(|x| x.as_str().unwrap().to_string()).collect())
            .unwrap_or_default()
    };
    assert!(deps("fine-tuned-model").contains(&"ft-pipeline".to_string()));
    assert!(deps("ft-pipeline").contains(&"training-dataset".to_string()));
    assert!(deps("ft-pipeline").contains(&"training-libs".to_string()));
    assert!(deps("inference-endpoint").contains(&"fine-tuned-model".to_string()));
}

#[test]
fn the_same_model_gives_the_same_bytes() {
    let path = repo_root().join("examples/fine-tuning-pipeline.yaml");
    let model = load(&path);
    let a = to_json(&aibom(
        &model,
        &palisade_analysis::analyze(&model),
        &AibomOptions {
            timestamp: TIMESTAMP.into(),
        },
    ));
    let model2 = load(&path);
    let b = to_json(&aibom(
        &model2,
        &palisade_analysis::analyze(&model2),
        &AibomOptions {
            timestamp: TIMESTAMP.into(),
        },
    ));
    assert_eq!(a, b);
    let v: Value = serde_json::from_str(&a).unwrap();
    assert_eq!(v["metadata"]["timestamp"], TIMESTAMP);
    assert_eq!(v["metadata"]["tools"]["components"][0]["name"], "palisade");
    // A different model gets a different serial number.
    let other = bom_json(&load(&repo_root().join("examples/fraud-scoring-api.yaml")));
    assert_ne!(v["serialNumber"], other["serialNumber"]);
}
