//! `reconcile simulate` — make noisy witnesses from a clean text (issue 3).
//! Placeholder: the subcommand is wired but not built yet.

use std::path::PathBuf;
use std::process::ExitCode;

/// Make noisy transcriptions (witnesses) of a clean text, deterministically for a seed.
#[derive(Debug, clap::Args)]
pub struct SimulateArgs {
    /// The clean text.
    #[arg(long)]
    pub truth: PathBuf,
    /// How many witnesses to make.
    #[arg(long, default_value_t = 2)]
    pub witnesses: usize,
    /// Character error rate of each witness (a comma-separated list gives one per witness).
    #[arg(long, default_value = "0.03")]
    pub rate: String,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Output directory.
    #[arg(short, long)]
    pub output: PathBuf,
}

pub fn run(_args: SimulateArgs) -> ExitCode {
    eprintln!("reconcile simulate: not implemented yet");
    ExitCode::from(2)
}
