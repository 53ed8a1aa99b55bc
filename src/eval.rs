//! `reconcile eval` — measure a merged text against a known truth (issue 3).
//! Placeholder: the subcommand is wired but not built yet.

use std::path::PathBuf;
use std::process::ExitCode;

/// Measure a merged text against the true text.
#[derive(Debug, clap::Args)]
pub struct EvalArgs {
    /// The true text.
    #[arg(long)]
    pub truth: PathBuf,
    /// The text to measure (e.g. the merged output).
    pub output: PathBuf,
    /// The JSON report of the run that produced OUTPUT.
    #[arg(long)]
    pub report: Option<PathBuf>,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

pub fn run(_args: EvalArgs) -> ExitCode {
    eprintln!("reconcile eval: not implemented yet");
    ExitCode::from(2)
}
