//! The safetensors parser: inputs are given its magic so the fuzzer starts inside the format.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = palisade_scan::fuzz_entry("safetensors", data);
});
