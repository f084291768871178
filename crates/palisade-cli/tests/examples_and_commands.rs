//! The bundled examples, `schema` and `init` as a user runs them.

mod common;
use common::{example_models, files, palisade, repo_root};
use palisade_model::node::{Limits, parse};

fn model_schema_validator() -> jsonschema::Validator {
    let dir = files(&[]);
    let run = palisade(dir.path(), &["schema"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let schema: serde_json::Value = serde_json::from_str(&run.stdout).expect("schema is JSON");
    jsonschema::validator_for(&schema).expect("schema compiles")
}

fn yaml_to_json(text: &str) -> serde_json::Value {
    parse(text, palisade_model::FileId(0), false, &Limits::default())
        .expect("parses")
        .to_json(text)
}

#[test]
fn there_are_at_least_five_examples() {
    assert!(example_models().len() >= 5, "{:?}", example_models());
}

#[test]
fn every_example_is_valid_without_warnings() {
    for path in example_models() {
        let run = palisade(
            &repo_root(),
            &["check", "--deny-warnings", path.to_str().unwrap()],
        );
        assert_eq!(run.code, 0, "{}:\n{}", path.display(), run.stderr);
        assert!(run.stderr.contains("valid model"), "{}", run.stderr);
    }
}

#[test]
fn every_example_validates_against_the_published_schema() {
    let validator = model_schema_validator();
    for path in example_models() {
        let text = std::fs::read_to_string(&path).unwrap();
        let json = yaml_to_json(&text);
        let errors: Vec<String> = validator
            .iter_errors(&json)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
    }
}

#[test]
fn the_schema_rejects_what_check_rejects() {
    let validator = model_schema_validator();
    let bad = [
        // unknown field
        "system: {name: S, criticality: low}\ncomponents: [{id: a, kind: llm, nme: x}]\n",
        // attribute on the wrong kind
        "system: {name: S, criticality: low}\ncomponents: [{id: a, kind: vector-store, confidence_output: scores}]\n",
        // unknown enum value
        "system: {name: S, criticality: hgh}\n",
        // invalid id
        "system: {name: S, criticality: low}\ncomponents: [{id: 'a b', kind: llm}]\n",
    ];
    for text in bad {
        assert!(
            !validator.is_valid(&yaml_to_json(text)),
            "schema accepted:\n{text}"
        );
    }
    let good =
        "system: {name: S, criticality: low}\ncomponents: [{id: a, kind: llm, x-team: ml}]\n";
    assert!(validator.is_valid(&yaml_to_json(good)));
}

#[test]
fn schema_output_file_is_written_atomically() {
    let dir = files(&[("model.schema.json", b"old")]);
    let run = palisade(dir.path(), &["schema", "-o", "model.schema.json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = std::fs::read_to_string(dir.path().join("model.schema.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["title"], "palisade model file");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn init_writes_each_template_and_the_result_checks_clean() {
    let dir = files(&[]);
    let list = palisade(dir.path(), &["init", "--list"]);
    assert_eq!(list.code, 0);
    let names: Vec<&str> = list
        .stdout
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    for want in ["rag-assistant", "agent", "fine-tuning", "predictive-api"] {
        assert!(names.contains(&want), "{names:?}");
    }
    for name in names {
        let out = format!("{name}.yaml");
        let run = palisade(dir.path(), &["init", "--template", name, "-o", &out]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let check = palisade(dir.path(), &["check", &out]);
        assert_eq!(check.code, 0, "{name}: {}", check.stderr);
        let text = std::fs::read_to_string(dir.path().join(&out)).unwrap();
        assert!(
            text.contains("yaml-language-server: $schema="),
            "{name} lacks the schema line"
        );
        assert!(
            text.lines()
                .filter(|l| l.trim_start().starts_with('#'))
                .count()
                > 10,
            "{name} is not commented"
        );
    }
}

#[test]
fn init_never_overwrites_without_force() {
    let dir = files(&[("palisade.yaml", b"mine")]);
    let run = palisade(dir.path(), &["init"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        std::fs::read(dir.path().join("palisade.yaml")).unwrap(),
        b"mine"
    );
    let run = palisade(dir.path(), &["init", "--force"]);
    assert_eq!(run.code, 0);
    assert_ne!(
        std::fs::read(dir.path().join("palisade.yaml")).unwrap(),
        b"mine"
    );
}

#[test]
fn init_suggests_a_template_name() {
    let dir = files(&[]);
    let run = palisade(dir.path(), &["init", "--template", "agnet"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("did you mean `agent`?"),
        "{}",
        run.stderr
    );
}

#[test]
fn examples_written_as_json_check_the_same() {
    for path in example_models() {
        let text = std::fs::read_to_string(&path).unwrap();
        let json = serde_json::to_string_pretty(&yaml_to_json(&text)).unwrap();
        let dir = files(&[("model.json", json.as_bytes())]);
        let run = palisade(dir.path(), &["check", "--format", "json", "model.json"]);
        assert_eq!(run.code, 0, "{}: {}", path.display(), run.stdout);
        let yaml_run = palisade(
            &repo_root(),
            &["check", "--format", "json", path.to_str().unwrap()],
        );
        let a: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        let b: serde_json::Value = serde_json::from_str(&yaml_run.stdout).unwrap();
        assert_eq!(
            a["files"][0]["summary"],
            b["files"][0]["summary"],
            "{}",
            path.display()
        );
    }
}
