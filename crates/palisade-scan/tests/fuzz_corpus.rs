//! Replays the fuzz corpora (fuzz/corpus/<target>/) and mutations of them: no input panics.

use palisade_scan::fuzz_entry;
use std::path::PathBuf;

fn corpus() -> Vec<(String, Vec<u8>)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus");
    let mut out = Vec::new();
    for t in std::fs::read_dir(&root).expect("fuzz corpus") {
        let t = t.unwrap().path();
        let target = t.file_name().unwrap().to_string_lossy().into_owned();
        for f in std::fs::read_dir(&t).unwrap() {
            out.push((target.clone(), std::fs::read(f.unwrap().path()).unwrap()));
        }
    }
    out.sort();
    out
}

#[test]
fn corpus_replays_without_panics() {
    let c = corpus();
    assert!(c.len() >= 15, "corpus has {} inputs", c.len());
    for (target, data) in &c {
        fuzz_entry(target, data);
    }
}

/// Deterministic mutations (bit flips, truncations, splices) of every corpus input.
#[test]
fn mutated_corpus_never_panics() {
    let c = corpus();
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    for (target, data) in &c {
        for _ in 0..40 {
            let mut d = data.clone();
            match next() % 4 {
                0 if !d.is_empty() => {
                    let i = (next() as usize) % d.len();
                    d[i] ^= 1 << (next() % 8);
                }
                1 => d.truncate((next() as usize) % (d.len() + 1)),
                2 if !d.is_empty() => {
                    let i = (next() as usize) % d.len();
                    d[i] = [0x00, 0xff, 0x80, b'(', b'.', b'\n', 0x93, 0x94][(next() % 8) as usize];
                }
                _ => {
                    let i = (next() as usize) % (d.len() + 1);
                    let (a, b) = c[(next() as usize) % c.len()].1.split_at(0);
                    let _ = a;
                    d.splice(i..i, b.iter().take(32).copied());
                }
            }
            fuzz_entry(target, &d);
        }
    }
}
