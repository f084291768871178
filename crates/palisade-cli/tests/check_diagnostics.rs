//! `palisade check` on bad input: every case must exit 2 with a diagnostic that names the place.
//! The rendered diagnostics are snapshot-tested; key positions are also asserted directly.

mod common;
use common::{files, palisade};

const MINIMAL: &str = "system:\n  name: S\n  criticality: low\n";

/// Check one model file; returns (exit code, rendered stderr).
fn check(name: &str, content: &[u8]) -> (i32, String) {
    check_files(&[(name, content)], name)
}

fn check_files(list: &[(&str, &[u8])], root: &str) -> (i32, String) {
    let dir = files(list);
    let run = palisade(dir.path(), &["check", root]);
    (run.code, run.stderr)
}

/// JSON diagnostics of one model file.
fn check_json(name: &str, content: &[u8]) -> serde_json::Value {
    let dir = files(&[(name, content)]);
    let run = palisade(dir.path(), &["check", "--format", "json", name]);
    serde_json::from_str(&run.stdout).expect("json output")
}

fn first_position(v: &serde_json::Value) -> (String, u64, u64) {
    let d = &v["files"][0]["diagnostics"][0];
    (
        d["code"].as_str().unwrap_or("").to_string(),
        d["line"].as_u64().unwrap_or(0),
        d["column"].as_u64().unwrap_or(0),
    )
}

macro_rules! bad {
    ($name:ident, $content:expr) => {
        #[test]
        fn $name() {
            let content: &[u8] = $content;
            let (code, out) = check("model.yaml", content);
            assert_eq!(code, 2, "invalid input must exit 2:\n{out}");
            assert!(!out.contains("panicked"), "{out}");
            insta::assert_snapshot!(out);
        }
    };
}

bad!(
    yaml_unclosed_bracket,
    b"system:\n  name: S\n  criticality: low\ncomponents: [\n  {id: a, kind: llm}\n"
);
bad!(yaml_tab_indentation, b"system:\n\tname: S\n");
bad!(
    duplicate_key,
    b"system:\n  name: S\n  name: T\n  criticality: low\n"
);
bad!(
    unknown_top_level_field,
    b"system:\n  name: S\n  criticality: low\ncomponent:\n  - id: a\n"
);
bad!(unknown_component_field, b"system:\n  name: S\n  criticality: low\ncomponents:\n  - id: llm\n    kind: llm\n    hostng: vendor-api\n");
bad!(string_where_list, b"system:\n  name: S\n  criticality: low\ncomponents:\n  - id: t\n    kind: tool\n    owner: me\n    actions: write\n");
bad!(yes_is_not_a_boolean, b"system:\n  name: S\n  criticality: low\ndata_assets:\n  - id: d\n    classification: internal\n    personal_data: yes\n");
bad!(
    unknown_kind,
    b"system:\n  name: S\n  criticality: low\ncomponents:\n  - id: v\n    kind: vectorstore\n"
);
bad!(
    missing_kind,
    b"system:\n  name: S\n  criticality: low\ncomponents:\n  - id: v\n    name: Vectors\n"
);
bad!(
    missing_system,
    b"components:\n  - id: v\n    kind: vector-store\n"
);
bad!(empty_file, b"\n# nothing here\n");
bad!(
    invalid_id,
    b"system:\n  name: S\n  criticality: low\ncomponents:\n  - id: my llm\n    kind: llm\n"
);
bad!(duplicate_id, b"system:\n  name: S\n  criticality: low\ncomponents:\n  - id: a\n    kind: llm\n  - id: a\n    kind: tool\n");
bad!(unknown_reference, b"system:\n  name: S\n  criticality: low\ncomponents:\n  - id: retriever\n    kind: retriever\n  - id: vector-store\n    kind: vector-store\nflows:\n  - from: retriever\n    to: vectr-store\n");
bad!(wrong_reference_kind, b"system:\n  name: S\n  criticality: low\ndata_assets:\n  - id: docs\n    classification: internal\ncomponents:\n  - id: app\n    kind: service\nflows:\n  - from: app\n    to: docs\n");
bad!(attribute_not_for_kind, b"system:\n  name: S\n  criticality: low\ncomponents:\n  - id: store\n    kind: vector-store\n    confidence_output: scores\n");
bad!(boundary_cycle, b"system:\n  name: S\n  criticality: low\nboundaries:\n  - id: a\n    boundaries: [b]\n  - id: b\n    boundaries: [a]\n");
bad!(boundary_two_parents, b"system:\n  name: S\n  criticality: low\nboundaries:\n  - id: a\n    boundaries: [c]\n  - id: b\n    boundaries: [c]\n  - id: c\n");
bad!(component_in_sibling_boundaries, b"system:\n  name: S\n  criticality: low\ncomponents:\n  - id: x\n    kind: service\nboundaries:\n  - id: vpc\n    contains: [x]\n  - id: vendor\n    contains: [x]\n");
bad!(bad_date, b"system:\n  name: S\n  criticality: low\naccepted_risks:\n  - finding: PI001@llm\n    justification: pilot\n    approver: CISO\n    accepted_on: 2026-02-30\n    review_every: 90d\n");
bad!(acceptance_without_review, b"system:\n  name: S\n  criticality: low\naccepted_risks:\n  - finding: PI001@llm\n    justification: pilot\n    approver: CISO\n    accepted_on: 2026-01-15\n");
bad!(effectiveness_out_of_range, b"system:\n  name: S\n  criticality: low\ncomponents:\n  - id: api\n    kind: inference-endpoint\ncontrols:\n  - id: rl\n    applies_to: [api]\n    status: implemented\n    effectiveness: 1.5\n");
bad!(empty_applies_to, b"system:\n  name: S\n  criticality: low\ncontrols:\n  - id: rl\n    applies_to: []\n    status: planned\n");
bad!(malformed_digest, b"system:\n  name: S\n  criticality: low\ncomponents:\n  - id: w\n    kind: model-artifact\n    digest: sha256:1234\n");
bad!(negative_number, b"system:\n  name: S\n  criticality: low\ncomponents:\n  - id: api\n    kind: inference-endpoint\n    rate_limit: {requests: -5, per: minute}\n");
bad!(
    unsupported_format_version,
    b"format_version: 2\nsystem:\n  name: S\n  criticality: low\n"
);
bad!(
    multiple_documents,
    b"system:\n  name: S\n  criticality: low\n---\nsystem:\n  name: T\n  criticality: low\n"
);
bad!(non_utf8, b"system:\n  name: caf\xe9\n  criticality: low\n");
bad!(nul_bytes, b"system:\n  name: S\n\x00\x00\x00");
bad!(serves_wrong_kind, b"system:\n  name: S\n  criticality: low\ncomponents:\n  - id: db\n    kind: datastore\n  - id: api\n    kind: inference-endpoint\n    serves: db\nflows:\n  - from: api\n    to: db\n");
bad!(invoked_by_unknown, b"system:\n  name: S\n  criticality: low\ncomponents:\n  - id: agent\n    kind: agent\n    owner: me\n  - id: mail\n    kind: tool\n    owner: me\n    actions: [send-external]\n    invoked_by: [agnt]\nflows:\n  - from: agent\n    to: mail\n");
bad!(comma_in_flow_mapping, b"system:\n  name: S\n  criticality: low\ndata_assets:\n  - {id: d, classification: internal, description: notes, drafts and replies}\n");
bad!(scalar_document, b"just a string\n");

#[test]
fn json_trailing_comma_is_refused_at_its_position() {
    let (code, out) = check(
        "model.json",
        b"{\n  \"system\": {\"name\": \"S\", \"criticality\": \"low\"},\n}\n",
    );
    assert_eq!(code, 2);
    insta::assert_snapshot!(out);
}

#[test]
fn json_type_errors_have_line_and_column() {
    let v = check_json(
        "model.json",
        b"{\n  \"system\": {\"name\": \"S\", \"criticality\": \"low\"},\n  \"components\": [{\"id\": \"a\", \"kind\": 7}]\n}\n",
    );
    assert_eq!(first_position(&v), ("model::unknown-value".into(), 3, 38));
}

#[test]
fn alias_bomb_is_refused_quickly() {
    let mut s = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..15 {
        let p = i - 1;
        s.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    let (code, out) = check("model.yaml", s.as_bytes());
    assert_eq!(code, 2);
    assert!(out.contains("model::limit"), "{out}");
}

#[test]
fn deep_nesting_is_refused() {
    let s = format!("system: {}{}", "[".repeat(100_000), "]".repeat(100_000));
    let (code, out) = check("model.yaml", s.as_bytes());
    assert_eq!(code, 2);
    assert!(
        out.contains("model::limit") || out.contains("model::syntax"),
        "{out}"
    );
}

#[test]
fn oversized_file_is_refused_without_reading_it_all() {
    let big = vec![b'#'; 64 * 1024 * 1024 + 10];
    let (code, out) = check("model.yaml", &big);
    assert_eq!(code, 2);
    assert!(out.contains("model::too-large"), "{out}");
}

#[test]
fn every_problem_is_reported_not_just_the_first() {
    let v = check_json(
        "model.yaml",
        b"system:\n  name: S\n  criticality: hgh\ncomponents:\n  - id: a\n    kind: llm\n    nme: x\n  - id: a\n    kind: tool\nflows:\n  - from: a\n    to: b\n",
    );
    let codes: Vec<&str> = v["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    for want in [
        "model::unknown-value",
        "model::unknown-field",
        "model::duplicate-id",
        "model::unknown-reference",
    ] {
        assert!(codes.contains(&want), "{want} missing from {codes:?}");
    }
}

#[test]
fn positions_are_exact() {
    let v = check_json(
        "model.yaml",
        b"system:\n  name: S\n  criticality: low\ncomponents:\n  - id: r\n    kind: retriever\nflows:\n  - from: r\n    to: vectr\n",
    );
    assert_eq!(
        first_position(&v),
        ("model::unknown-reference".into(), 9, 9)
    );
}

// Includes.

#[test]
fn duplicate_id_across_includes_shows_both_files() {
    let (code, out) = check_files(
        &[
            ("model.yaml", b"system:\n  name: S\n  criticality: low\nincludes: [shared/lib.yaml]\ncomponents:\n  - id: gateway\n    kind: api-gateway\n"),
            ("shared/lib.yaml", b"components:\n  - id: gateway\n    kind: api-gateway\n"),
        ],
        "model.yaml",
    );
    assert_eq!(code, 2);
    assert!(
        out.contains("model.yaml:6:9") && out.contains("shared/lib.yaml:2:9"),
        "{out}"
    );
    insta::assert_snapshot!(out);
}

#[test]
fn missing_include_points_at_the_include() {
    let (code, out) = check(
        "model.yaml",
        b"system:\n  name: S\n  criticality: low\nincludes:\n  - nowhere.yaml\n",
    );
    assert_eq!(code, 2);
    insta::assert_snapshot!(out);
}

#[test]
fn include_cycle_is_named() {
    let (code, out) = check_files(
        &[
            (
                "model.yaml",
                b"system:\n  name: S\n  criticality: low\nincludes: [a.yaml]\n",
            ),
            ("a.yaml", b"includes: [b.yaml]\n"),
            ("b.yaml", b"includes: [a.yaml]\n"),
        ],
        "model.yaml",
    );
    assert_eq!(code, 2);
    assert!(out.contains("model::include-cycle"), "{out}");
}

#[test]
fn system_in_included_file_is_an_error() {
    let (code, out) = check_files(
        &[
            (
                "model.yaml",
                b"system:\n  name: S\n  criticality: low\nincludes: [lib.yaml]\n",
            ),
            ("lib.yaml", b"system:\n  name: T\n  criticality: low\n"),
        ],
        "model.yaml",
    );
    assert_eq!(code, 2);
    insta::assert_snapshot!(out);
}

#[test]
fn diamond_includes_are_merged_once() {
    let (code, out) = check_files(
        &[
            (
                "model.yaml",
                b"system:\n  name: S\n  criticality: low\nincludes: [a.yaml, b.yaml]\nflows:\n  - from: user\n    to: gw\n",
            ),
            ("a.yaml", b"includes: [common.yaml]\n"),
            ("b.yaml", b"includes: [./common.yaml]\n"),
            (
                "common.yaml",
                b"components:\n  - id: gw\n    kind: api-gateway\n  - id: user\n    kind: actor\n",
            ),
        ],
        "model.yaml",
    );
    assert_eq!(code, 0, "{out}");
}

// Warnings: legal but suspicious models.

#[test]
fn suspicious_models_warn_and_pass_unless_denied() {
    let model = b"system:\n  name: S\n  criticality: low\ndata_assets:\n  - id: unused\n    classification: public\ncomponents:\n  - id: app\n    kind: service\n  - id: llm\n    kind: llm\n  - id: tool\n    kind: tool\n    actions: [read]\nflows:\n  - from: llm\n    to: tool\nboundaries:\n  - id: empty\n";
    let (code, out) = check("model.yaml", model);
    assert_eq!(code, 0, "{out}");
    for want in [
        "model::unreached-model",
        "model::no-owner",
        "model::isolated-component",
        "model::unused-data-asset",
        "model::empty-boundary",
    ] {
        assert!(out.contains(want), "{want} missing:\n{out}");
    }
    insta::assert_snapshot!(out);
    let dir = files(&[("model.yaml", model)]);
    assert_eq!(
        palisade(dir.path(), &["check", "--deny-warnings", "model.yaml"]).code,
        1
    );
    let quiet = palisade(dir.path(), &["check", "--quiet", "model.yaml"]);
    assert!(!quiet.stderr.contains("⚠"), "{}", quiet.stderr);
}

#[test]
fn a_minimal_model_is_valid() {
    let (code, out) = check("model.yaml", MINIMAL.as_bytes());
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("valid model `S`"), "{out}");
}

#[test]
fn missing_file_is_a_usage_error() {
    let dir = files(&[]);
    let run = palisade(dir.path(), &["check", "nope.yaml"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("cannot read `nope.yaml`"),
        "{}",
        run.stderr
    );
}

#[test]
fn bad_flags_are_usage_errors() {
    let dir = files(&[]);
    assert_eq!(palisade(dir.path(), &["check"]).code, 2);
    assert_eq!(palisade(dir.path(), &["frobnicate"]).code, 2);
    assert_eq!(palisade(dir.path(), &["--help"]).code, 0);
}

#[test]
fn terminal_escapes_in_a_model_are_refused_and_never_echoed() {
    // An escape written as a YAML escape in a string: refused where it is, shown as `\u{1b}`.
    let escaped = b"system: {name: \"evil \\x1b]0;pwned\\x07\", criticality: low}\n";
    let (code, err) = check("m.yaml", escaped);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("model::control-character"), "{err}");
    assert!(err.contains("U+001B"), "{err}");
    assert!(!err.contains('\x1b') && !err.contains('\x07'), "{err:?}");
    let v = check_json("m.yaml", escaped);
    assert_eq!(
        first_position(&v),
        ("model::control-character".to_string(), 1, 16)
    );
    // In a value the model does not know, echoed by the message: shown, not sent.
    let (code, err) = check(
        "m.yaml",
        b"system: {name: a, criticality: \"\\e[31mlow\"}\n",
    );
    assert_eq!(code, 2);
    assert!(err.contains("\\u{1b}[31mlow"), "{err}");
    assert!(!err.contains('\x1b'), "{err:?}");
    // A raw escape byte in the file: a syntax error whose snippet does not replay it.
    let (code, err) = check(
        "m.yaml",
        b"system: {name: \"a\x1b[2Jb\", criticality: low}\n",
    );
    assert_eq!(code, 2);
    assert!(!err.contains('\x1b'), "{err:?}");
    // Tabs and line breaks in strings stay allowed.
    let (code, err) = check(
        "m.yaml",
        b"system: {name: \"a\\tb\", description: \"one\\ntwo\", criticality: low}\n",
    );
    assert_eq!(code, 0, "{err}");
}
