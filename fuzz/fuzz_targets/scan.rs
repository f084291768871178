//! The whole scanner (format detection and every parser) on arbitrary bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = palisade_scan::fuzz_entry("scan", data);
});
