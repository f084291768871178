//! `palisade diagram` as a user runs it.

mod common;
use common::{example_models, files, palisade, repo_root};

#[test]
fn every_example_draws_in_every_format() {
    for path in example_models() {
        let p = path.to_str().unwrap();
        for (format, start) in [
            ("svg", "<svg xmlns=\"http://www.w3.org/2000/svg\""),
            ("mermaid", "%% "),
            ("dot", "digraph "),
        ] {
            let run = palisade(&repo_root(), &["diagram", p, "--format", format]);
            assert_eq!(run.code, 0, "{p} {format}: {}", run.stderr);
            assert!(
                run.stdout.starts_with(start),
                "{p} {format}: {}",
                run.stdout
            );
            assert!(run.stderr.is_empty(), "{}", run.stderr);
        }
    }
}

#[test]
fn svg_is_the_default_and_dash_is_stdout() {
    let p = "examples/internal-summarizer.yaml";
    let default = palisade(&repo_root(), &["diagram", p]);
    let dash = palisade(&repo_root(), &["diagram", p, "--format", "svg", "-o", "-"]);
    assert_eq!(default.code, 0, "{}", default.stderr);
    assert!(default.stdout.starts_with("<svg"));
    assert!(default.stdout == dash.stdout, "the same drawing either way");
}

#[test]
fn output_file_is_written_atomically_and_matches_stdout() {
    let model = std::fs::read(repo_root().join("examples/email-crm-agent.yaml")).unwrap();
    let dir = files(&[("model.yaml", &model), ("agent.mmd", b"old")]);
    let run = palisade(
        dir.path(),
        &[
            "diagram",
            "model.yaml",
            "--format",
            "mermaid",
            "-o",
            "agent.mmd",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.is_empty());
    let written = std::fs::read_to_string(dir.path().join("agent.mmd")).unwrap();
    let printed = palisade(
        dir.path(),
        &["diagram", "model.yaml", "--format", "mermaid"],
    );
    assert_eq!(written, printed.stdout);
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(names.len(), 2, "no temporary file left behind");
}

#[test]
fn an_invalid_model_is_reported_and_nothing_is_drawn() {
    let dir = files(&[(
        "bad.yaml",
        b"system: {name: S, criticality: low}\ncomponents: [{id: a, kind: llm}]\nflows: [{from: a, to: b}]\n",
    )]);
    let run = palisade(dir.path(), &["diagram", "bad.yaml", "-o", "out.svg"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("model::unknown-reference"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("nothing was drawn"), "{}", run.stderr);
    assert!(!dir.path().join("out.svg").exists());
}

#[test]
fn usage_errors_exit_2() {
    let dir = files(&[]);
    let missing = palisade(dir.path(), &["diagram", "nope.yaml"]);
    assert_eq!(missing.code, 2, "{}", missing.stderr);
    let model = std::fs::read(repo_root().join("examples/internal-summarizer.yaml")).unwrap();
    let dir = files(&[("m.yaml", &model)]);
    let bad_format = palisade(dir.path(), &["diagram", "m.yaml", "--format", "png"]);
    assert_eq!(bad_format.code, 2);
    let no_dir = palisade(dir.path(), &["diagram", "m.yaml", "-o", "missing/out.svg"]);
    assert_eq!(no_dir.code, 2);
    assert!(
        no_dir.stderr.contains("cannot write the diagram"),
        "{}",
        no_dir.stderr
    );
}
