//! Human review (issue 4): the review page and table, and reviewer decisions, which are
//! applied after the automatic decisions as known fixes.
//! Placeholder: wired but not built yet.

use crate::decide::Decisions;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Show the flagged sites of a report: an HTML page with -o, a terminal table without.
#[derive(Debug, clap::Args)]
pub struct ReviewArgs {
    /// A report written by `reconcile --report`.
    pub report: PathBuf,
    /// Write a self-contained HTML review page here.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}

pub fn run(_args: ReviewArgs) -> ExitCode {
    eprintln!("reconcile review: not implemented yet");
    ExitCode::from(2)
}

/// Decisions a reviewer made, as exported by the review page (decisions.json).
#[derive(Debug, Clone, Default)]
pub struct ReviewerDecisions {}

/// What applying reviewer decisions did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct AppliedDecisions {
    /// Decisions that matched a site and were applied.
    pub applied: usize,
    /// Decisions that matched no site of this run (described by their context).
    pub unmatched: Vec<String>,
}

pub fn load_decisions(path: &Path) -> Result<ReviewerDecisions, String> {
    Err(format!(
        "{}: reviewer decisions are not supported yet",
        path.display()
    ))
}

/// Apply reviewer decisions to the automatic ones (sets `Site::reviewer_text`, confidence 1).
pub fn apply(_decisions: &mut Decisions, _reviewer: &ReviewerDecisions) -> AppliedDecisions {
    AppliedDecisions::default()
}

/// Write the review page for a finished run.
pub fn write_html(_report: &crate::report::Report, path: &Path) -> Result<(), String> {
    Err(format!(
        "{}: the review page is not built yet",
        path.display()
    ))
}
