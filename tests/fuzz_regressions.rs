//! Replays the saved fuzz inputs (tests/fuzz_regressions/<target>/: crashes that were
//! fixed, and a minimized corpus of each target's interesting inputs) through the same
//! checks the fuzz targets run (fuzz/checks.rs). The fuzzing itself stays out of CI; see
//! docs/fuzzing.md.

#[path = "../fuzz/checks.rs"]
mod checks;

use std::path::Path;

fn replay(target: &str, check: impl Fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz_regressions")
        .join(target);
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "{} has inputs", dir.display());
    for path in paths {
        let data = std::fs::read(&path).unwrap();
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(&data)));
        assert!(outcome.is_ok(), "{} fails its check", path.display());
    }
}

/// The fuzz targets take text only when it is UTF-8, as libFuzzer hands them bytes.
fn as_text(check: fn(&str)) -> impl Fn(&[u8]) {
    move |data| {
        if let Ok(text) = std::str::from_utf8(data) {
            check(text)
        }
    }
}

#[test]
fn decode() {
    replay("decode", checks::check_decode);
}

#[test]
fn normalize() {
    replay("normalize", as_text(checks::check_normalize));
}

#[test]
fn blocks_align() {
    replay("blocks_align", as_text(checks::check_blocks_align));
}

#[test]
fn merge() {
    replay("merge", as_text(checks::check_merge));
}
