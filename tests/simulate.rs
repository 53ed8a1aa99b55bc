//! `reconcile simulate`: deterministic, realistic noise at the requested rate.

mod common;
use common::*;
use reconcile::eval::evaluate;
use reconcile::simulate::simulate;
use std::process::Command;

fn excerpt(relative: &str, chars: usize) -> String {
    let text = std::fs::read_to_string(repo_path(relative)).unwrap();
    let mut out = String::new();
    for line in text.split_inclusive('\n') {
        if out.chars().count() >= chars {
            break;
        }
        out.push_str(line);
    }
    out
}

#[test]
fn same_seed_same_witnesses_other_seed_other_witnesses() {
    let truth = excerpt("corpus/004_e835a5edccf9b5ba.txt", 2000);
    let a = simulate(&truth, &[0.03, 0.03], 7, true);
    let b = simulate(&truth, &[0.03, 0.03], 7, true);
    let c = simulate(&truth, &[0.03, 0.03], 8, true);
    assert_eq!(a[0].text, b[0].text);
    assert_eq!(a[1].text, b[1].text);
    assert_ne!(a[0].text, c[0].text);
    assert_ne!(a[0].text, a[1].text, "witnesses differ from each other");
}

#[test]
fn error_rate_is_close_to_the_request() {
    for (path, chars) in [
        ("corpus/003_65c4f15d44a0a2ca.txt", 4000),
        ("corpus/002_009d9037f2d6c0d2.txt", 12000),
    ] {
        let truth = excerpt(path, chars);
        for rate in [0.01, 0.05] {
            let mut total = 0.0;
            for seed in 1..=4 {
                let w = simulate(&truth, &[rate], seed, false);
                total += evaluate(&truth, &w[0].text, None).cer;
            }
            let mean = total / 4.0;
            assert!(
                mean > rate * 0.6 && mean < rate * 1.4,
                "{path} at {rate}: measured {mean}"
            );
        }
    }
}

#[test]
fn chinese_noise_has_every_kind() {
    let truth = excerpt("corpus/003_65c4f15d44a0a2ca.txt", 6000);
    let w = simulate(&truth, &[0.05, 0.05], 3, true);
    let kinds: Vec<&str> = w
        .iter()
        .flat_map(|w| w.counts.kinds.keys().copied())
        .collect();
    for kind in [
        "visual confusion",
        "homophone",
        "dropped",
        "doubled",
        "swapped",
        "word substitution",
        "running header",
    ] {
        assert!(kinds.contains(&kind), "{kind} missing: {kinds:?}");
    }
    // The second witness is hard-wrapped at 80 columns (40 wide characters).
    let lines: Vec<&str> = w[1].text.lines().filter(|l| !l.is_empty()).collect();
    let full = lines
        .iter()
        .filter(|l| (36..=80).contains(&l.chars().count()))
        .count();
    assert!(full > lines.len() / 3, "{full} of {}", lines.len());
    assert!(lines.iter().all(|l| l.chars().count() <= 80));
}

#[test]
fn english_noise_has_ocr_confusions_and_hyphenated_wraps() {
    let truth = excerpt("corpus/002_009d9037f2d6c0d2.txt", 8000);
    let w = simulate(&truth, &[0.03, 0.03], 2, true);
    let kinds = &w[0].counts.kinds;
    for kind in [
        "OCR confusion",
        "split word",
        "joined words",
        "word substitution",
    ] {
        assert!(kinds.contains_key(kind), "{kind} missing: {kinds:?}");
    }
    let hyphenated = w[1]
        .text
        .lines()
        .filter(|l| l.ends_with('-') && l.len() > 60)
        .count();
    assert!(hyphenated > 0, "no word broken at a line end");
    // Layout alone costs nothing: unwrapping gives the text back.
    let clean = simulate(&truth, &[0.0, 0.0], 2, false);
    assert!(evaluate(&truth, &clean[0].text, None).char_edits == 0);
}

#[test]
fn cli_writes_truth_witnesses_and_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("set");
    let status = Command::new(env!("CARGO_BIN_EXE_reconcile"))
        .args(["simulate", "--truth"])
        .arg(repo_path("corpus/004_e835a5edccf9b5ba.txt"))
        .args([
            "--witnesses",
            "3",
            "--rate",
            "0.01,0.02,0.03",
            "--seed",
            "9",
            "-o",
        ])
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    for f in [
        "truth.txt",
        "witness-1.txt",
        "witness-2.txt",
        "witness-3.txt",
    ] {
        assert!(out.join(f).exists(), "{f}");
    }
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("simulate.json")).unwrap()).unwrap();
    assert_eq!(manifest["witnesses"].as_array().unwrap().len(), 3);
    let bad = Command::new(env!("CARGO_BIN_EXE_reconcile"))
        .args(["simulate", "--truth"])
        .arg(repo_path("corpus/004_e835a5edccf9b5ba.txt"))
        .args(["--witnesses", "3", "--rate", "0.01,0.02", "-o"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(!bad.status.success());
}
