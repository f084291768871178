//! Criterion benchmarks of the pipeline stages on generated models (the same shape as
//! `bench/gen_model.py`). Whole-command figures with peak memory come from `bench/run.sh`.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use std::fmt::Write;

/// A model with `n` components and `4n` flows, deterministic.
fn generate(n: usize) -> String {
    let kinds = [
        ("actor", "role: customer"),
        ("web-app", "exposure: internet"),
        ("service", "exposure: internal"),
        ("llm", "hosting: vendor-api"),
        ("retriever", "permission_filtering: none"),
        ("vector-store", "exposure: internal"),
        ("knowledge-base", "controlled_by: users"),
        ("ingestion", "exposure: internal"),
        ("tool", "actions: [read, send-external]"),
        ("datastore", "exposure: internal"),
        ("model", "confidence_output: scores"),
        ("inference-endpoint", "exposure: partner"),
        ("monitoring", "captures: [prompts, outputs]"),
    ];
    let assets = (n / 50).max(1);
    let mut s = String::from("system: {name: bench, criticality: high}\ndata_assets:\n");
    for a in 0..assets {
        let cls = ["public", "internal", "confidential", "restricted"][a % 4];
        let origin = ["internal", "customer", "user-generated", "public-web"][a % 4];
        let _ = writeln!(
            s,
            "  - {{id: d{a}, classification: {cls}, origin: {origin}, personal_data: {}}}",
            a % 3 == 0
        );
    }
    s.push_str("components:\n");
    for i in 0..n {
        let (kind, attr) = kinds[i % kinds.len()];
        let owner = if kind == "tool" { ", owner: team" } else { "" };
        let _ = writeln!(
            s,
            "  - {{id: c{i}, kind: {kind}, {attr}, data: [d{}]{owner}}}",
            i % assets
        );
    }
    s.push_str("flows:\n");
    let mut x: u64 = 42;
    for f in 0..4 * n {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let a = (x >> 33) as usize % n;
        let b = (a + 1 + (x >> 20) as usize % 12) % n;
        let _ = writeln!(
            s,
            "  - {{id: f{f}, from: c{a}, to: c{b}, data: [d{}], protocol: https}}",
            f % assets
        );
    }
    s
}

fn stages(c: &mut Criterion) {
    let lib = palisade_threats::load(&[], true)
        .library
        .expect("built-in rules load");
    let mut group = c.benchmark_group("pipeline");
    group.sample_size(10);
    for n in [100usize, 1000] {
        let text = generate(n);
        group.bench_with_input(BenchmarkId::new("load", n), &text, |b, t| {
            b.iter(|| {
                palisade_model::load_str("bench.yaml", t)
                    .model
                    .expect("valid")
            })
        });
        let model = palisade_model::load_str("bench.yaml", &text)
            .model
            .expect("valid");
        group.bench_with_input(BenchmarkId::new("analyze", n), &model, |b, m| {
            b.iter(|| palisade_analysis::analyze(m))
        });
        let facts = palisade_analysis::analyze(&model);
        group.bench_with_input(
            BenchmarkId::new("evaluate", n),
            &(model, facts),
            |b, (m, f)| {
                b.iter(|| palisade_threats::evaluate(m, f, &lib, &Default::default(), None))
            },
        );
    }
    group.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
