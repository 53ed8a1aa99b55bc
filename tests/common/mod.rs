//! Shared helpers for the integration tests.
#![allow(dead_code)]

use reconcile::input::{Witness, read_witness};
use reconcile::{Options, Reconciliation, reconcile};
use std::path::{Path, PathBuf};

pub const COURT_A: &str = "corpus/000_753cd868c64d84a9.txt";
pub const COURT_B: &str = "corpus/001_f3f1b0a1aca9ea80.txt";

pub fn repo_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

pub fn witness(relative: &str) -> Witness {
    read_witness(&repo_path(relative)).expect("corpus file reads")
}

/// A witness made in the test from a string.
pub fn witness_from(label: &str, text: &str) -> Witness {
    Witness {
        path: PathBuf::from(label),
        label: label.to_string(),
        text: text.to_string(),
        encoding: "UTF-8",
        replaced: 0,
    }
}

pub fn court_pair() -> Reconciliation {
    reconcile(&[witness(COURT_A), witness(COURT_B)], &Options::default())
        .expect("the pair reconciles")
}

/// The names of the entries of `dir`, sorted.
pub fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The text with all whitespace removed, for assertions that must not depend on layout.
pub fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

pub const KNOWN_FIXES: &str = "corpus/known-fixes.json";

/// The court pair reconciled with the given reviewer decisions.
pub fn court_pair_with(decisions: reconcile::review::ReviewerDecisions) -> Reconciliation {
    let options = Options {
        reviewer_decisions: Some(decisions),
        ..Options::default()
    };
    reconcile(&[witness(COURT_A), witness(COURT_B)], &options).expect("the pair reconciles")
}

pub fn known_fixes() -> reconcile::review::ReviewerDecisions {
    reconcile::review::load_decisions(&repo_path(KNOWN_FIXES)).expect("known fixes load")
}

pub fn snapshot_settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings
}
