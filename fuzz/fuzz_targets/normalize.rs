//! Folding arbitrary text into symbols: spans must tile only real graphemes of the input.
#![no_main]
use libfuzzer_sys::fuzz_target;
#[path = "../checks.rs"]
mod checks;
use checks::check_normalize;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        check_normalize(text);
    }
});
