//! Time each pipeline stage on one model file: `cargo run --release --example phases FILE`.
use std::time::Instant;

/// Peak resident memory so far (Linux), in MiB.
fn peak_mib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb / 1024)
}

fn main() {
    let path = std::env::args().nth(1).expect("usage: phases FILE");
    let t = Instant::now();
    let text = std::fs::read_to_string(&path).expect("read");
    let node =
        palisade_model::node::parse(&text, palisade_model::FileId(0), false, &Default::default())
            .expect("parse");
    eprintln!(
        "parse      {:>8.1} ms  peak {} MiB",
        t.elapsed().as_secs_f64() * 1e3,
        peak_mib()
    );
    drop(node);
    let t = Instant::now();
    let loaded = palisade_model::load(
        std::path::Path::new(&path),
        &palisade_model::RealFs,
        Default::default(),
    );
    eprintln!(
        "load all   {:>8.1} ms  peak {} MiB",
        t.elapsed().as_secs_f64() * 1e3,
        peak_mib()
    );
    let model = loaded.model.expect("valid");
    let t = Instant::now();
    let facts = palisade_analysis::analyze(&model);
    eprintln!(
        "analyze    {:>8.1} ms  peak {} MiB",
        t.elapsed().as_secs_f64() * 1e3,
        peak_mib()
    );
    let t = Instant::now();
    let lib = palisade_threats::load(&[], true).library.expect("rules");
    eprintln!("rules      {:>8.1} ms", t.elapsed().as_secs_f64() * 1e3);
    let t = Instant::now();
    let ev = palisade_threats::evaluate(&model, &facts, &lib, &Default::default(), None);
    eprintln!(
        "evaluate   {:>8.1} ms  peak {} MiB ({} findings)",
        t.elapsed().as_secs_f64() * 1e3,
        peak_mib(),
        ev.findings.len()
    );
}
