//! Segmenting two texts into blocks and aligning their symbol streams.
#![no_main]
use libfuzzer_sys::fuzz_target;
#[path = "../checks.rs"]
mod checks;
use checks::check_blocks_align;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        check_blocks_align(text);
    }
});
