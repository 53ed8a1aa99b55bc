//! Accuracy of the merged text on simulated witnesses, on fixed seeds.
//!
//! The quick tests pin floors (looser than the targets in docs/evaluation.md) on small
//! excerpts, so `cargo test` stays fast. The `#[ignore]`d ones are heavy and run in release
//! by `bench/accuracy.sh` or by hand:
//! `cargo test --release --test accuracy -- --ignored --nocapture`.

mod common;
use common::*;
use reconcile::decide::{DecisionParams, TrainingDoc, fit, mean_log_likelihood};
use reconcile::eval::{evaluate, site_labels};
use reconcile::simulate::simulate;
use reconcile::{Options, Reconciliation, reconcile};

/// One simulated set, reconciled.
struct Run {
    truth: String,
    witness_cer: Vec<f64>,
    result: Reconciliation,
}

fn run(truth: &str, rates: &[f64], seed: u64, params: &DecisionParams) -> Run {
    let sims = simulate(truth, rates, seed, true);
    let witnesses: Vec<_> = sims
        .iter()
        .enumerate()
        .map(|(i, s)| witness_from(&format!("witness-{}", i + 1), &s.text))
        .collect();
    let options = Options {
        params: params.clone(),
        ..Options::default()
    };
    let result = reconcile(&witnesses, &options).expect("simulated witnesses reconcile");
    Run {
        truth: truth.to_string(),
        witness_cer: sims
            .iter()
            .map(|s| evaluate(truth, &s.text, None).cer)
            .collect(),
        result,
    }
}

fn read(relative: &str) -> String {
    std::fs::read_to_string(repo_path(relative)).expect("text reads")
}

/// The first `n` characters of a text, cut at a paragraph end.
fn excerpt(text: &str, n: usize) -> String {
    let mut out = String::new();
    for para in text.split_inclusive('\n') {
        if out.chars().count() >= n {
            break;
        }
        out.push_str(para);
    }
    out
}

const TRAINING_TEXTS: [&str; 3] = [
    "corpus/003_65c4f15d44a0a2ca.txt",
    "corpus/004_e835a5edccf9b5ba.txt",
    "corpus/002_009d9037f2d6c0d2.txt",
];

/// Training configurations: witness error rates.
const TRAINING_RATES: [&[f64]; 6] = [
    &[0.03, 0.03],
    &[0.03, 0.03, 0.03],
    &[0.003, 0.05],
    &[0.01, 0.01],
    &[0.05, 0.02],
    &[0.02, 0.02, 0.05],
];

/// Fit the decision weights on simulations of the corpus texts (seeds 1..=3), check them on
/// other seeds, and print them (to be copied into `DecisionParams::default`).
#[test]
#[ignore]
fn fit_decision_weights() {
    let start = DecisionParams::default();
    let docs = |seeds: std::ops::RangeInclusive<u64>| {
        let mut docs = Vec::new();
        for path in TRAINING_TEXTS {
            let text = read(path);
            for rates in TRAINING_RATES {
                for seed in seeds.clone() {
                    let r = run(&text, rates, seed, &start);
                    let labels = site_labels(&r.truth, &r.result);
                    docs.push(TrainingDoc::from_decisions(&r.result.decisions, labels));
                }
            }
        }
        docs
    };
    let train = docs(1..=3);
    let check = docs(101..=101);
    let labelled: usize = train.iter().flat_map(|d| &d.labels).flatten().count();
    let total: usize = train.iter().map(|d| d.labels.len()).sum();
    eprintln!("training sites: {labelled} labelled of {total}");
    eprintln!(
        "start: train LL {:.4}, check LL {:.4}",
        mean_log_likelihood(&train, &start),
        mean_log_likelihood(&check, &start)
    );
    let (fitted, ll) = fit(&train, &start);
    eprintln!("fitted: {fitted:#?}");
    eprintln!(
        "fitted: train LL {ll:.4} (penalised), check LL {:.4}",
        mean_log_likelihood(&check, &fitted)
    );
}
