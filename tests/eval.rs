//! `reconcile eval`: error rates, site accuracy and calibration, through the library and
//! the command line.

mod common;
use common::*;
use reconcile::eval::{ReportSites, evaluate, levenshtein};
use std::process::Command;

#[test]
fn identical_texts_have_no_errors_whatever_the_layout() {
    let e = evaluate(
        "审结权健传销案。\n\n第二段，结束。",
        "审结权健\n传销案。 第二段,结束。",
        None,
    );
    assert_eq!(e.char_edits, 0);
    assert_eq!(e.cer, 0.0);
    let e = evaluate(
        "The court  heard\nthe case.",
        "The court heard the case.",
        None,
    );
    assert_eq!((e.char_edits, e.word_edits), (0, Some(0)));
}

#[test]
fn edits_are_counted_over_grapheme_clusters() {
    // "é" as e + combining accent is one cluster: replacing it is one edit.
    let e = evaluate("caf\u{e9} ok", "cafe\u{301} ok", None);
    assert_eq!(e.char_edits, 0, "NFKC composes e + U+0301 into é");
    let e = evaluate("cafe\u{301}", "cafx", None);
    assert_eq!(e.char_edits, 1);
    assert_eq!(e.truth_clusters, 4);
}

#[test]
fn word_error_rate_only_for_latin_text() {
    let e = evaluate("one two three four", "one too three", None);
    assert_eq!(e.word_edits, Some(2));
    assert!((e.wer.unwrap() - 0.5).abs() < 1e-12);
    assert!(evaluate("一二三", "一二", None).wer.is_none());
}

#[test]
fn levenshtein_handles_long_inputs_exactly() {
    // 1000 symbols with 10 scattered substitutions and one block moved: checked against
    // the simple count of the edits made.
    let a: Vec<u32> = (0..1000).map(|i| (i * 7919 % 613) as u32).collect();
    let mut b = a.clone();
    for k in 0..10 {
        b[k * 97 + 3] = 10_000 + k as u32;
    }
    assert_eq!(levenshtein(&a, &b), 10);
    b.drain(500..520);
    assert_eq!(levenshtein(&a, &b), 30);
    assert_eq!(levenshtein(&a, &[]), 1000);
}

fn report_with(sites: &[(usize, usize, f64)]) -> ReportSites {
    let json = serde_json::json!({
        "sites": sites.iter().map(|(s, e, c)| serde_json::json!({
            "kind": "text", "output": {"start": s, "end": e}, "confidence": c
        })).collect::<Vec<_>>()
    });
    serde_json::from_value(json).unwrap()
}

#[test]
fn a_site_is_right_when_the_truth_aligned_to_it_matches() {
    let truth = "审结权健传销案等涉众型经济犯罪案件";
    let output = "审结权健传销案等涉众型经犯罪案件";
    // Sites: 权健 (chars 2..4, right); 经 where 济 was dropped next to it (11..12, wrong:
    // the truth there is 经济); 罪 (13..14, right).
    let report = report_with(&[(2, 4, 0.9), (11, 12, 0.6), (13, 14, 0.8)]);
    let s = evaluate(truth, output, Some(&report)).sites.unwrap();
    assert_eq!(s.per_site, vec![Some(true), Some(false), Some(true)]);
    assert_eq!((s.sites, s.correct), (3, 2));
    // An empty reading where the truth has text is wrong; where it has none, right.
    let report = report_with(&[(12, 12, 0.7), (4, 4, 0.7)]);
    let s = evaluate(truth, output, Some(&report)).sites.unwrap();
    assert_eq!(s.per_site, vec![Some(false), Some(true)]);
}

#[test]
fn calibration_error_is_the_weighted_gap_per_bin() {
    let truth = "abcdefghij";
    // Ten right sites at confidence 0.95, in one bin: gap 0.05.
    let sites: Vec<(usize, usize, f64)> = (0..10).map(|i| (i, i + 1, 0.95)).collect();
    let s = evaluate(truth, truth, Some(&report_with(&sites)))
        .sites
        .unwrap();
    assert_eq!(s.bins.len(), 1);
    assert!((s.ece - 0.05).abs() < 1e-9, "{}", s.ece);
    assert!((s.bins[0].accuracy - 1.0).abs() < 1e-12);
}

#[test]
fn cli_prints_a_table_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let truth = dir.path().join("truth.txt");
    let out = dir.path().join("out.txt");
    std::fs::write(&truth, "the court heard the case\n").unwrap();
    std::fs::write(&out, "the coart heard the case\n").unwrap();
    let bin = env!("CARGO_BIN_EXE_reconcile");
    let table = Command::new(bin)
        .args(["eval", "--truth"])
        .arg(&truth)
        .arg(&out)
        .output()
        .unwrap();
    assert!(table.status.success());
    let text = String::from_utf8(table.stdout).unwrap();
    assert!(text.contains("CER    4.167%"), "{text}");
    assert!(text.contains("WER   20.000%"), "{text}");
    let json = Command::new(bin)
        .args(["eval", "--json", "--truth"])
        .arg(&truth)
        .arg(&out)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["char_edits"], 1);
    assert_eq!(v["truth_clusters"], 24);
}

#[test]
fn eval_of_a_real_run_counts_its_sites() {
    // The court pair has no truth; evaluated against itself every site is right.
    let result = court_pair();
    let json = serde_json::to_value(&result.report).unwrap();
    let report: ReportSites = serde_json::from_value(json).unwrap();
    let e = evaluate(&result.text, &result.text, Some(&report));
    let s = e.sites.unwrap();
    assert_eq!(s.sites, result.report.summary.variant_sites);
    assert_eq!(s.correct, s.sites);
}
