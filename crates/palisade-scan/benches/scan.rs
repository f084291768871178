//! Criterion benchmarks: the pickle walker on an op-heavy stream, whole-buffer scans of a
//! torch-style checkpoint, and manifest hashing. Fixtures are generated in-process.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use palisade_scan::pickle::walker::{WalkLimits, walk};
use palisade_scan::{ScanOptions, scan_bytes};
use std::hint::black_box;
use std::io::Write;

/// A list of small dicts, written like pickle protocol 4 writes them (MEMOIZE, BINGET of keys).
fn op_heavy(rows: usize) -> Vec<u8> {
    let mut v = vec![0x80, 4, b']', 0x94, b'('];
    let keys = ["id", "name", "score", "tags", "ok"];
    for i in 0..rows {
        v.extend([b'}', 0x94, b'(']);
        for (k, key) in keys.iter().enumerate() {
            if i == 0 {
                v.push(0x8c);
                v.push(key.len() as u8);
                v.extend(key.as_bytes());
                v.push(0x94);
            } else {
                v.extend([b'h', 2 + 2 * k as u8]);
            }
            match k {
                0 => {
                    v.push(b'J');
                    v.extend((i as i32).to_le_bytes());
                }
                1 => {
                    let s = format!("row{i}");
                    v.push(0x8c);
                    v.push(s.len() as u8);
                    v.extend(s.as_bytes());
                    v.push(0x94);
                }
                2 => {
                    v.push(b'G');
                    v.extend((i as f64).to_be_bytes());
                }
                3 => v.extend([b']', 0x94, b'(', b'K', 1, b'K', 2, b'e']),
                _ => v.push(0x88),
            }
        }
        v.push(b'u');
        if i % 1000 == 999 {
            v.extend([b'e', b'(']);
        }
    }
    v.extend([b'e', b'.']);
    v
}

fn bench(c: &mut Criterion) {
    let data = op_heavy(200_000);
    let mut g = c.benchmark_group("pickle");
    g.throughput(Throughput::Bytes(data.len() as u64));
    g.bench_function("walk_op_heavy", |b| {
        b.iter(|| walk(black_box(&data), 0, 0, WalkLimits::default()))
    });
    g.finish();

    let opts = ScanOptions {
        hash: false,
        ..ScanOptions::default()
    };
    let mut g = c.benchmark_group("scan");
    g.throughput(Throughput::Bytes(data.len() as u64));
    g.bench_function("scan_bytes_op_heavy", |b| {
        b.iter(|| scan_bytes("op_heavy", black_box(&data), &opts))
    });
    g.finish();

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("blob");
    let mut f = std::fs::File::create(&path).unwrap();
    let block: Vec<u8> = (0..1 << 20).map(|i| (i * 7 % 251) as u8).collect();
    for _ in 0..64 {
        f.write_all(&block).unwrap();
    }
    drop(f);
    let mut g = c.benchmark_group("manifest");
    g.throughput(Throughput::Bytes(64 << 20));
    g.sample_size(20);
    g.bench_function("hash_file_64MiB", |b| {
        b.iter(|| palisade_scan::manifest::hash_file(black_box(&path)).unwrap())
    });
    g.bench_function("sha256_only_64MiB", |b| {
        use sha2::Digest;
        let buf = std::fs::read(&path).unwrap();
        b.iter(|| sha2::Sha256::digest(black_box(&buf)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
