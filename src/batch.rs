//! `reconcile batch` — many documents in one run (issue 5).
//! Placeholder: the subcommand is wired but not built yet.

use std::path::PathBuf;
use std::process::ExitCode;

/// Reconcile many documents: a directory of per-document directories, or a JSON Lines manifest.
#[derive(Debug, clap::Args)]
pub struct BatchArgs {
    /// Directory of documents (one sub-directory of witnesses each) or a .jsonl manifest; "-" with --jsonl.
    pub input: PathBuf,
    /// Output directory.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}

pub fn run(_args: BatchArgs) -> ExitCode {
    eprintln!("reconcile batch: not implemented yet");
    ExitCode::from(2)
}
