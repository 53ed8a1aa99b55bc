//! The whole merge on two or three witnesses cut from one input.
#![no_main]
use libfuzzer_sys::fuzz_target;
#[path = "../checks.rs"]
mod checks;
use checks::check_merge;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        check_merge(text);
    }
});
