//! OTM export, import, and the round trip through both.

mod common;
use common::{example_models, load, load_text, repo_root};
use palisade_export::otm::{OtmThreat, to_json};
use palisade_export::{export_otm, import_otm};
use palisade_model::Model;
use serde_json::Value;
use std::collections::BTreeMap;

fn otm_json(model: &Model, threats: &[OtmThreat]) -> Value {
    serde_json::from_str(&to_json(&export_otm(model, threats))).expect("OTM is JSON")
}

fn import(text: &str) -> palisade_export::otm::Imported {
    let outcome = import_otm("input.otm.json", text);
    let errors: Vec<String> = outcome
        .diagnostics
        .iter()
        .map(|d| d.message.clone())
        .collect();
    outcome
        .imported
        .unwrap_or_else(|| panic!("import failed: {errors:#?}"))
}

fn import_errors(text: &str) -> Vec<String> {
    let outcome = import_otm("input.otm.json", text);
    assert!(outcome.imported.is_none(), "expected an error");
    assert!(!outcome.diagnostics.is_empty());
    outcome
        .diagnostics
        .iter()
        .map(|d| {
            let loc = d.primary_span().map(|s| outcome.sources.locate(s));
            match loc {
                Some(l) => format!("{}:{}: {} [{}]", l.line, l.column, d.message, d.code),
                None => format!("{} [{}]", d.message, d.code),
            }
        })
        .collect()
}

/// Which boundary each component sits in, and each boundary's parent, by id.
fn membership(m: &Model) -> (BTreeMap<String, String>, BTreeMap<String, String>) {
    let comps = m
        .component_boundary
        .iter()
        .map(|(c, b)| {
            (
                m.components[*c].id.value.to_string(),
                m.boundaries[*b].id.value.to_string(),
            )
        })
        .collect();
    let bounds = m
        .boundary_parent
        .iter()
        .map(|(c, p)| {
            (
                m.boundaries[*c].id.value.to_string(),
                m.boundaries[*p].id.value.to_string(),
            )
        })
        .collect();
    (comps, bounds)
}

fn v<T: serde::Serialize>(x: &T) -> Value {
    serde_json::to_value(x).unwrap()
}

#[test]
fn every_example_survives_export_and_import_unchanged() {
    for path in example_models() {
        let model = load(&path);
        let text = to_json(&export_otm(&model, &[]));
        let imported = import(&text);
        assert!(
            imported.notes.is_empty(),
            "{}: {:#?}",
            path.display(),
            imported.notes
        );
        let back = load_text(&imported.yaml);
        let ids = |m: &Model| -> Vec<String> {
            m.components
                .iter()
                .map(|c| c.id.value.to_string())
                .collect()
        };
        assert_eq!(ids(&back), ids(&model), "{}", path.display());
        let flows = |m: &Model| -> Vec<(String, String, String, Value, Value)> {
            (0..m.flows.len())
                .map(|i| {
                    let f = &m.flows[i];
                    (
                        m.flow_id(i).to_string(),
                        f.from.value.to_string(),
                        f.to.value.to_string(),
                        v(&f.data),
                        v(&f.returns),
                    )
                })
                .collect()
        };
        assert_eq!(flows(&back), flows(&model), "{}", path.display());
        assert_eq!(membership(&back), membership(&model), "{}", path.display());
        // Everything else too: the OTM carries every field.
        assert_eq!(v(&back.system), v(&model.system), "{}", path.display());
        assert_eq!(
            v(&back.data_assets),
            v(&model.data_assets),
            "{}",
            path.display()
        );
        assert_eq!(
            v(&back.components),
            v(&model.components),
            "{}",
            path.display()
        );
        assert_eq!(v(&back.flows), v(&model.flows), "{}", path.display());
        assert_eq!(
            v(&back.boundaries),
            v(&model.boundaries),
            "{}",
            path.display()
        );
        assert_eq!(v(&back.controls), v(&model.controls), "{}", path.display());
        assert_eq!(
            v(&back.accepted_risks),
            v(&model.accepted_risks),
            "{}",
            path.display()
        );
    }
}

#[test]
fn the_import_is_a_valid_model_file_with_a_report() {
    let model = load(&repo_root().join("examples/fine-tuning-pipeline.yaml"));
    let imported = import(&to_json(&export_otm(&model, &[])));
    assert!(
        imported
            .yaml
            .starts_with("# Imported from an Open Threat Model file")
    );
    assert!(
        imported
            .yaml
            .contains("\n# Import notes:\n# - everything in the OTM file was mapped.\n")
    );
    // It loads as a model (and `palisade check` reads it the same way).
    load_text(&imported.yaml);
}

#[test]
fn the_export_has_the_otm_structure() {
    for path in example_models() {
        let model = load(&path);
        let otm = otm_json(&model, &[]);
        assert_eq!(otm["otmVersion"], "0.2.0");
        assert!(otm["project"]["name"].is_string() && otm["project"]["id"].is_string());
        let zones: Vec<&str> = otm["trustZones"]
            .as_array()
            .unwrap()
            .iter()
            .map(|z| {
                let r = z["risk"]["trustRating"].as_u64().expect("rating");
                assert!(r <= 100);
                z["id"].as_str().unwrap()
            })
            .collect();
        let comps: Vec<&str> = otm["components"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                for k in ["id", "name", "type"] {
                    assert!(c[k].is_string(), "{c}");
                }
                let parent = c["parent"]["trustZone"].as_str().expect("parent zone");
                assert!(zones.contains(&parent), "{parent}");
                c["id"].as_str().unwrap()
            })
            .collect();
        assert_eq!(comps.len(), model.components.len());
        for d in otm["dataflows"].as_array().unwrap() {
            assert!(comps.contains(&d["source"].as_str().unwrap()));
            assert!(comps.contains(&d["destination"].as_str().unwrap()));
            assert!(d["name"].is_string() && d["id"].is_string());
        }
        assert_eq!(
            otm["mitigations"].as_array().unwrap().len(),
            model.controls.len()
        );
        for m in otm["mitigations"].as_array().unwrap() {
            assert!(m["riskReduction"].as_u64().unwrap() <= 100);
        }
        assert_eq!(otm["threats"], serde_json::json!([]));
        for a in otm["assets"].as_array().unwrap() {
            for k in ["confidentiality", "integrity", "availability"] {
                assert!(a["risk"][k].as_u64().unwrap() <= 100);
            }
        }
    }
}

#[test]
fn threats_attach_to_their_components_and_flows() {
    let model = load(&repo_root().join("examples/fine-tuning-pipeline.yaml"));
    let threat = |id: &str, target: &str, mitigations: &[&str]| OtmThreat {
        id: id.into(),
        name: format!("threat {id}"),
        description: Some("why".into()),
        categories: vec!["privacy".into()],
        target: target.into(),
        likelihood: 60,
        impact: 150,
        state: None,
        mitigations: mitigations.iter().map(|m| m.to_string()).collect(),
        attributes: Default::default(),
    };
    let threats = [
        threat(
            "PR001@fine-tuned-model",
            "fine-tuned-model",
            &["memorisation-tests", "signed-models", "nonexistent"],
        ),
        threat(
            "SC001@labelling-exchange",
            "labelling-exchange",
            &["vendor-label-qa"],
        ),
    ];
    let otm = otm_json(&model, &threats);
    assert_eq!(otm["threats"].as_array().unwrap().len(), 2);
    assert_eq!(otm["threats"][0]["risk"]["impact"], 100, "clamped to 100");
    let comp = otm["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "fine-tuned-model")
        .unwrap();
    assert_eq!(
        comp["threats"],
        serde_json::json!([{"threat": "PR001@fine-tuned-model", "state": "exposed", "mitigations": [
            {"mitigation": "memorisation-tests", "state": "required"},
            {"mitigation": "signed-models", "state": "implemented"}]}])
    );
    let flow = otm["dataflows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == "labelling-exchange")
        .unwrap();
    assert_eq!(flow["threats"][0]["threat"], "SC001@labelling-exchange");
    // Threats are reported, not imported.
    let imported = import(&serde_json::to_string(&otm).unwrap());
    assert!(
        imported
            .notes
            .iter()
            .any(|n| n.contains("2 threat(s) and 2 threat reference(s)")),
        "{:#?}",
        imported.notes
    );
}

/// An OTM file written by another tool, with what palisade cannot express.
const FOREIGN: &str = r#"{
  "otmVersion": "0.1.0",
  "project": {"name": "Shop", "id": "shop", "owner": "Team A",
              "attributes": {"cmdbId": "APP-1"}},
  "representations": [{"name": "Diagram", "id": "d1", "type": "diagram",
                       "size": {"width": 10, "height": 10}}],
  "assets": [
    {"name": "Card data", "id": "cards", "risk": {"confidentiality": 100, "integrity": 90, "availability": 80}},
    {"name": "Catalogue", "id": "catalogue", "risk": {"confidentiality": 0, "integrity": 40, "availability": 50}}
  ],
  "trustZones": [
    {"name": "Internet", "id": "f0ba7722-39b6-4c81-8290-a30a248bb8d9", "risk": {"trustRating": 5}},
    {"name": "Private", "id": "private zone", "type": "network", "risk": {"trustRating": 70}},
    {"name": "Vault", "id": "vault", "parent": {"trustZone": "private zone"}}
  ],
  "components": [
    {"name": "Browser", "id": "web-client", "type": "web-client",
     "parent": {"trustZone": "f0ba7722-39b6-4c81-8290-a30a248bb8d9"},
     "representations": [{"representation": "d1", "id": "r1"}]},
    {"name": "Shop API", "id": "api", "type": "web-service", "tags": ["tomcat"],
     "parent": {"trustZone": "private zone"}, "assets": {"processed": ["cards"]},
     "attributes": {"owner-team": "A", "palisade:exposure": "galaxy"}},
    {"name": "Orders DB", "id": "db", "type": "postgresql", "parent": {"trustZone": "vault"},
     "assets": {"stored": ["cards", "catalogue"]},
     "threats": [{"threat": "t1", "state": "exposed"}]},
    {"name": "Helper", "id": "helper", "type": "empty-component", "parent": {"component": "api"}},
    {"name": "Model", "id": "llm", "type": "llm", "parent": {"trustZone": "private zone"}}
  ],
  "dataflows": [
    {"name": "browse", "id": "f1", "source": "web-client", "destination": "api", "bidirectional": true,
     "assets": ["cards", "catalogue"], "tags": ["https"]},
    {"name": "store", "id": "f2", "source": "api", "destination": "db", "assets": ["cards"]},
    {"name": "ask", "id": "f3", "source": "api", "destination": "llm"}
  ],
  "threats": [{"name": "SQL injection", "id": "t1", "risk": {"likelihood": 50, "impact": 100}}],
  "mitigations": [{"name": "Prepared statements", "id": "m1", "riskReduction": 90}]
}"#;

#[test]
fn a_foreign_otm_file_imports_with_notes() {
    let imported = import(FOREIGN);
    let notes = imported.notes.join("\n");
    for expected in [
        "trust zone `private zone` is imported as `private-zone`",
        "component `web-client`: type `web-client` is not a palisade kind; imported as `actor`",
        "component `api`: type `web-service` is not a palisade kind; imported as `service`",
        "component `db`: type `postgresql` is not a palisade kind; imported as `datastore`",
        "imported as the generic `service`",
        "component `helper` is nested in component `api`: placed in its trust zone `private-zone`",
        "trust zone `vault` has no trust rating",
        "trust `untrusted` from trust rating 5",
        "classification `restricted` from confidentiality rating 100",
        "integrity `critical` from integrity rating 90",
        "2 asset availability rating(s) dropped",
        "1 mitigation(s) not imported as controls (`m1`)",
        "1 threat(s) and 1 threat reference(s)",
        "2 representation(s) dropped",
        "dataflow `f1` is bidirectional",
        "the system's criticality is not in the OTM file",
        "component `api`: attribute `palisade:exposure` dropped",
    ] {
        assert!(
            notes.contains(expected),
            "missing note {expected:?} in\n{notes}"
        );
    }
    let model = load_text(&imported.yaml);
    let (comps, bounds) = membership(&model);
    assert_eq!(comps["api"], "private-zone");
    assert_eq!(comps["helper"], "private-zone");
    assert_eq!(comps["db"], "vault");
    assert_eq!(bounds["vault"], "private-zone");
    let api = model.component(&palisade_model::Id("api".into())).unwrap();
    assert!(api.exposure.is_none(), "the invalid exposure was dropped");
    assert_eq!(api.data.len(), 1);
    // What has no model field is kept as extensions.
    assert!(
        imported.yaml.contains("x-otm-type: web-service"),
        "{}",
        imported.yaml
    );
    assert!(imported.yaml.contains("owner-team: A"), "{}", imported.yaml);
    assert!(
        imported.yaml.contains("x-otm-tags: [https]"),
        "{}",
        imported.yaml
    );
    // The notes are also at the end of the file, as comments.
    assert!(imported.yaml.contains("# - component `helper` is nested"));
}

#[test]
fn yaml_otm_files_import_too() {
    let yaml = "otmVersion: 0.2.0\nproject: {name: Tiny, id: tiny}\ntrustZones:\n  - {id: z, name: Z, risk: {trustRating: 100}}\ncomponents:\n  - {id: a, name: A, type: service, parent: {trustZone: z}}\n  - {id: b, name: B, type: datastore, parent: {trustZone: z}}\ndataflows:\n  - {id: a->b, name: x, source: a, destination: b}\n";
    let outcome = import_otm("tiny.otm.yaml", yaml);
    let imported = outcome.imported.expect("imports");
    let model = load_text(&imported.yaml);
    assert_eq!(model.flows.len(), 1);
    assert_eq!(model.flow_id(0).as_str(), "a->b");
    assert!(
        !imported.yaml.contains("id: a->b"),
        "derived flow ids are not written"
    );
}

#[test]
fn bad_input_is_an_error_at_its_place() {
    let cases: &[(&str, &str)] = &[
        (
            "{\"otmVersion\": \"0.2.0\",",
            "1:23: invalid JSON: EOF while parsing",
        ),
        ("[1, 2]", "`$`: expected an object, found a list"),
        (
            "{\"project\": {\"name\": \"x\", \"id\": \"x\"}}",
            "`$`: missing field `otmVersion`",
        ),
        (
            "{\"otmVersion\": \"0.2.0\"}",
            "`$`: missing field `project`",
        ),
        (
            r#"{"otmVersion": "0.2.0", "project": {"name": "x", "id": "x"},
                "components": [{"id": "a", "name": "A", "type": "service"}]}"#,
            "`$.components[0]`: missing field `parent`",
        ),
        (
            r#"{"otmVersion": "0.2.0", "project": {"name": "x", "id": "x"},
                "components": [{"id": "a", "name": "A", "type": "service", "parent": {"trustZone": "nowhere"}}]}"#,
            "`$.components[0].parent`: no trust zone has the id `nowhere`",
        ),
        (
            r#"{"otmVersion": "0.2.0", "project": {"name": "x", "id": "x"},
                "trustZones": [{"id": "z", "name": "Z", "risk": {"trustRating": 1}}],
                "components": [{"id": "a", "name": "A", "type": "service", "parent": {"trustZone": "z"}}],
                "dataflows": [{"id": "f", "name": "f", "source": "a", "destination": "b"}]}"#,
            "`$.dataflows[0].destination`: no component has the id `b`",
        ),
        (
            r#"{"otmVersion": "0.2.0", "project": {"name": "x", "id": "x"},
                "trustZones": [{"id": "z", "name": "Z", "risk": {"trustRating": 1}}],
                "components": [{"id": "a", "name": "A", "type": "service", "parent": {"trustZone": "z"}}],
                "dataflows": [{"id": "f", "name": "f", "source": "a", "destination": "z"}]}"#,
            "`$.dataflows[0].destination`: `z` is a trust zone, not a component",
        ),
        (
            r#"{"otmVersion": "0.2.0", "project": {"name": "x", "id": "x"},
                "trustZones": [{"id": "z", "name": "Z", "risk": {"trustRating": 1}},
                               {"id": "z", "name": "Z2", "risk": {"trustRating": 1}}]}"#,
            "`$.trustZones[1].id`: id `z` is already used by `$.trustZones[0]`",
        ),
        (
            r#"{"otmVersion": "0.2.0", "project": {"name": "x", "id": "x"},
                "trustZones": [{"id": "a", "name": "A", "parent": {"trustZone": "b"}},
                               {"id": "b", "name": "B", "parent": {"trustZone": "a"}}]}"#,
            "parents form a cycle",
        ),
        (
            r#"{"otmVersion": "0.2.0", "project": {"name": "x", "id": "x"},
                "trustZones": [{"id": "z", "name": "Z", "risk": {"trustRating": "high"}}]}"#,
            "`$.trustZones[0].risk.trustRating`: expected a number, found a string",
        ),
        (
            r#"{"otmVersion": "0.2.0", "project": {"name": "x", "id": "x"},
                "assets": [{"id": "a", "name": "A"}],
                "trustZones": [{"id": "z", "name": "Z"}],
                "components": [{"id": "c", "name": "C", "type": "service", "parent": {"trustZone": "z"},
                                "assets": {"processed": ["b"]}}]}"#,
            "`$.components[0].assets.processed`: no asset has the id `b`",
        ),
        (
            r#"{"otmVersion": "0.2.0", "project": {"name": "x", "id": "x"}, "components": {"a": 1}}"#,
            "`$.components`: expected a list, found a mapping",
        ),
        ("otmVersion: [unclosed", "invalid"),
    ];
    for (input, expected) in cases {
        let errors = import_errors(input);
        assert!(
            errors.iter().any(|e| e.contains(expected)),
            "input {input}\nexpected {expected:?} in {errors:#?}"
        );
    }
}

#[test]
fn huge_and_deep_inputs_are_refused_without_crashing() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let errors = import_errors(&deep);
    assert!(!errors.is_empty());
    let big = format!(
        "{{\"otmVersion\": \"0.2.0\", \"pad\": \"{}\"}}",
        "x".repeat(65 * 1024 * 1024)
    );
    let errors = import_errors(&big);
    assert!(errors.iter().any(|e| e.contains("limited")), "{errors:#?}");
}

#[test]
fn mangled_exports_never_panic() {
    let model = load(&repo_root().join("examples/email-crm-agent.yaml"));
    let text = to_json(&export_otm(&model, &[]));
    let bytes = text.as_bytes();
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for i in 0..300 {
        let mut b = bytes.to_vec();
        match i % 3 {
            0 => b.truncate((next() as usize) % b.len()),
            1 => {
                for _ in 0..4 {
                    let p = (next() as usize) % b.len();
                    b[p] = b"{}[]\",:0a-\\ "[(next() as usize) % 12];
                }
            }
            _ => {
                let p = (next() as usize) % b.len();
                let q = (next() as usize) % b.len();
                let (lo, hi) = (p.min(q), p.max(q));
                b.drain(lo..hi);
            }
        }
        let Ok(s) = String::from_utf8(b) else {
            continue;
        };
        let outcome = import_otm("mangled.json", &s);
        if let Some(imported) = outcome.imported {
            // Whatever is accepted must be a valid model.
            load_text(&imported.yaml);
        }
    }
}

#[test]
fn ids_that_clash_are_renamed_and_references_follow() {
    // `a b` must be renamed; the component id `x->y` would clash with the derived id of the
    // flow from `x` to `y`; the control refers to a flow whose derived id changes.
    let otm = r#"{"otmVersion": "0.2.0", "project": {"name": "P", "id": "p",
                    "attributes": {"palisade:criticality": "low"}},
      "trustZones": [{"id": "z", "name": "Z", "risk": {"trustRating": 70}}],
      "components": [
        {"id": "a b", "name": "A", "type": "web-app", "parent": {"trustZone": "z"},
         "attributes": {"palisade:actions": "[\"read\"]", "palisade:exposure": "internal"}},
        {"id": "x", "name": "X", "type": "service", "parent": {"trustZone": "z"}},
        {"id": "y", "name": "Y", "type": "service", "parent": {"trustZone": "z"}},
        {"id": "x->y", "name": "Odd", "type": "service", "parent": {"trustZone": "z"}}],
      "dataflows": [
        {"id": "x->y", "name": "n", "source": "x", "destination": "y"},
        {"id": "a b->x", "name": "n", "source": "a b", "destination": "x"},
        {"id": "g", "name": "n", "source": "x->y", "destination": "x"}],
      "mitigations": [{"id": "m", "name": "M", "riskReduction": 50,
        "attributes": {"palisade:status": "implemented",
                       "palisade:applies_to": "[\"a b->x\", \"a b\", \"g\"]"}}]}"#;
    let imported = import(otm);
    let notes = imported.notes.join("\n");
    assert!(
        notes.contains("component `a b` is imported as `a-b`"),
        "{notes}"
    );
    assert!(
        notes.contains("component `x->y` is imported as `x-y`"),
        "{notes}"
    );
    assert!(
        notes.contains("component `a-b`: attribute `palisade:actions` dropped"),
        "{notes}"
    );
    let model = load_text(&imported.yaml);
    let a = model.component(&palisade_model::Id("a-b".into())).unwrap();
    assert!(a.actions.is_empty());
    assert_eq!(
        a.exposure.as_ref().map(|e| e.value),
        Some(palisade_model::Exposure::Internal)
    );
    let ids: Vec<&str> = (0..model.flows.len())
        .map(|i| model.flow_id(i).as_str())
        .collect();
    assert_eq!(ids, ["x->y", "a-b->x", "g"]);
    let applies: Vec<&str> = model.controls[0]
        .applies_to
        .iter()
        .map(|x| x.value.as_str())
        .collect();
    assert_eq!(applies, ["a-b->x", "a-b", "g"]);
}

#[test]
fn deep_yaml_is_refused() {
    let deep = format!(
        "otmVersion: {}1{}\n",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let outcome = import_otm("deep.otm.yaml", &deep);
    assert!(outcome.imported.is_none());
    assert!(!outcome.diagnostics.is_empty());
}
