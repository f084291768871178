//! The symbolic pickle VM on arbitrary bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;
use palisade_scan::pickle::walker::{WalkLimits, walk};

fuzz_target!(|data: &[u8]| {
    let w = walk(data, 0, 0, WalkLimits::default());
    assert!(w.end <= data.len());
});
