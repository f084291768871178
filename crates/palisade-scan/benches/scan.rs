//! Criterion benchmarks: pickle walking, whole-buffer scans and manifest hashing.
fn main() {}
