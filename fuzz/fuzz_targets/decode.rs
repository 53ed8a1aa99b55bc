//! Decoding arbitrary bytes under every option combination.
#![no_main]
use libfuzzer_sys::fuzz_target;
#[path = "../checks.rs"]
mod checks;
use checks::check_decode;

fuzz_target!(|data: &[u8]| {
    check_decode(data);
});
