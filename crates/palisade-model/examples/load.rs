//! Time loading one model file, stage by stage, with the heap it holds and the peak heap:
//! `cargo run --release -p palisade-model --example load FILE [RUNS]`.
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::Instant;

/// The system allocator, counting the bytes in use and the most ever in use.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grow(n: usize) {
    let now = LIVE.fetch_add(n, Relaxed) + n;
    PEAK.fetch_max(now, Relaxed);
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grow(layout.size());
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        grow(new_size);
        LIVE.fetch_sub(layout.size(), Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn mib(n: usize) -> f64 {
    n as f64 / (1024.0 * 1024.0)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: load FILE [RUNS]");
    let runs: usize = args.next().map_or(5, |r| r.parse().expect("RUNS"));
    let text = std::fs::read_to_string(&path).expect("read");
    let limits = palisade_model::Limits::default();
    let (mut parse_best, mut load_best) = (f64::MAX, f64::MAX);
    let (mut tree, mut parse_peak, mut load_heap, mut load_peak) = (0, 0, 0, 0);
    for _ in 0..runs {
        let base = LIVE.load(Relaxed);
        PEAK.store(base, Relaxed);
        let t = Instant::now();
        let node = palisade_model::node::parse(&text, palisade_model::FileId(0), false, &limits)
            .expect("parse");
        parse_best = parse_best.min(t.elapsed().as_secs_f64() * 1e3);
        tree = LIVE.load(Relaxed) - base;
        parse_peak = PEAK.load(Relaxed) - base;
        drop(node);

        let base = LIVE.load(Relaxed);
        PEAK.store(base, Relaxed);
        let t = Instant::now();
        let loaded =
            palisade_model::load(std::path::Path::new(&path), &palisade_model::RealFs, limits);
        load_best = load_best.min(t.elapsed().as_secs_f64() * 1e3);
        assert!(loaded.model.is_some(), "the model is not valid");
        load_heap = LIVE.load(Relaxed) - base;
        load_peak = PEAK.load(Relaxed) - base;
        drop(loaded);
    }
    println!(
        "parse {parse_best:8.1} ms  tree {:6.1} MiB  peak {:6.1} MiB",
        mib(tree),
        mib(parse_peak)
    );
    println!(
        "load  {load_best:8.1} ms  kept {:6.1} MiB  peak {:6.1} MiB  (best of {runs})",
        mib(load_heap),
        mib(load_peak)
    );
}
