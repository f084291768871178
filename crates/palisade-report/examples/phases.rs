//! Time each stage of `palisade analyze --format json` on one model file:
//! `cargo run --release -p palisade-report --example phases FILE`.
use std::alloc::{GlobalAlloc, Layout, System};
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::Instant;

/// The system allocator, counting the bytes in use (the heap the data holds, whatever the
/// allocator keeps for reuse).
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size(), Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(new_size, Relaxed);
        LIVE.fetch_sub(layout.size(), Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// A writer that only counts bytes.
struct Counter(usize);

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A memory figure of this process from /proc/self/status (Linux), in MiB.
fn status_mib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb / 1024)
}

/// Print one stage's time, the peak resident memory so far, and the heap in use now.
fn stage(name: &str, t: Instant, extra: &str) {
    eprintln!(
        "{name:<9} {:>8.1} ms  peak RSS {:>4} MiB  heap {:>4} MiB{extra}",
        t.elapsed().as_secs_f64() * 1e3,
        status_mib("VmHWM:"),
        LIVE.load(Relaxed) >> 20
    );
}

fn main() {
    let path = std::env::args().nth(1).expect("usage: phases FILE");
    let t = Instant::now();
    let text = std::fs::read_to_string(&path).expect("read");
    let node =
        palisade_model::node::parse(&text, palisade_model::FileId(0), false, &Default::default())
            .expect("parse");
    stage("parse", t, "  (the tree alone; load parses again)");
    drop(node);
    drop(text);
    let start = Instant::now();
    let t = Instant::now();
    let loaded = palisade_model::load(
        std::path::Path::new(&path),
        &palisade_model::RealFs,
        Default::default(),
    );
    stage("load", t, "  (parse, typed conversion, validation)");
    let model = loaded.model.as_ref().expect("valid");
    let t = Instant::now();
    let facts = palisade_analysis::analyze(model);
    stage("analyze", t, "");
    let t = Instant::now();
    let lib = palisade_threats::load(&[], true).library.expect("rules");
    stage("rules", t, "");
    let t = Instant::now();
    let sources = Some(&loaded.sources);
    let ev = palisade_threats::evaluate(model, &facts, &lib, &Default::default(), sources);
    stage(
        "evaluate",
        t,
        &format!("  ({} findings)", ev.findings.len()),
    );
    let t = Instant::now();
    let catalog = palisade_risk::catalog::load(&[]).catalog.expect("catalog");
    let policy = palisade_risk::Policy::default();
    let input = palisade_risk::Input {
        model,
        facts: &facts,
        findings: &ev.findings,
        catalog: &catalog,
        policy: &policy,
        today: palisade_model::date::Date::parse("2025-06-01").expect("date"),
    };
    let assessment = palisade_risk::assess(&input);
    stage("assess", t, "");
    let t = Instant::now();
    let plan = palisade_risk::plan(&assessment, &input);
    stage("plan", t, &format!("  ({} items)", plan.items.len()));
    let t = Instant::now();
    let report = palisade_report::build(&palisade_report::Context {
        model,
        facts: &facts,
        findings: &ev.findings,
        assessment: &assessment,
        plan: &plan,
        policy: &policy,
        library: &lib,
        gate: None,
        atlas: None,
        sources,
    });
    stage("report", t, "");
    // Written as the CLI writes it: streamed through a buffer (here into a byte counter).
    let t = Instant::now();
    let mut out = Counter(0);
    palisade_report::json::write(&report, &mut out).expect("json");
    let written = out.0;
    stage("json", t, &format!("  ({written} bytes)"));
    stage("total", start, "  (from load)");
}
