//! Command line: `reconcile WITNESS WITNESS [WITNESS…] -o OUT [--report REPORT.json]`.

use clap::Parser;
use reconcile::input::{ReadOptions, Witness, read_witness_with};
use reconcile::output::{
    Contents, check_not_an_input, check_writable_location, install_interrupt_cleanup,
    write_all_atomically,
};
use reconcile::{Options, reconcile};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const EXAMPLES: &str = "\
Example:
  reconcile scan-ocr.txt retyped.txt -o clean.txt --report report.json

  Pairs the paragraphs of both transcriptions, aligns them character by character,
  decides every disagreement, writes the merged text to clean.txt and a JSON
  confidence report to report.json. A summary goes to standard error.";

/// Merge several noisy transcriptions of the same document into one clean text.
#[derive(Debug, Parser)]
#[command(
    name = "reconcile",
    version,
    after_help = EXAMPLES,
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,

    #[command(flatten)]
    run: RunArgs,
}

/// Tools around the main job; each lives in its own module of the library.
#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Measure a merged text against a known true text (character and word error rates,
    /// site accuracy and calibration from a report).
    Eval(reconcile::eval::EvalArgs),
    /// Make noisy witnesses of a clean text, for tests and benchmarks.
    Simulate(reconcile::simulate::SimulateArgs),
    /// Review the flagged sites of a report: an HTML page with -o, a terminal table without.
    Review(reconcile::review::ReviewArgs),
    /// Reconcile many documents in one run.
    Batch(reconcile::batch::BatchArgs),
}

/// The main job: reconcile witnesses.
#[derive(Debug, clap::Args)]
struct RunArgs {
    /// Transcriptions (witnesses) of the same document, UTF-8 text; at least two.
    #[arg(value_name = "WITNESS", required = true)]
    witnesses: Vec<PathBuf>,

    /// Where to write the merged text ("-" for standard output).
    #[arg(short, long, value_name = "OUT", required = true)]
    output: Option<PathBuf>,

    /// Write the JSON confidence report here.
    #[arg(long, value_name = "REPORT.json")]
    report: Option<PathBuf>,

    /// Sites decided with a confidence below this are flagged for review.
    #[arg(long, value_name = "P", default_value_t = 0.9, value_parser = parse_probability)]
    min_confidence: f64,

    /// Leave out blocks (paragraphs) that only one witness has.
    #[arg(long)]
    drop_unmatched: bool,

    /// Also write a self-contained HTML page to review the flagged sites.
    #[arg(long, value_name = "REVIEW.html")]
    html: Option<PathBuf>,

    /// Apply reviewer decisions exported from the review page.
    #[arg(long, value_name = "DECISIONS.json")]
    decisions: Option<PathBuf>,

    /// Known terms (names, places) one per line, which no dictionary knows.
    #[arg(long, value_name = "FILE")]
    glossary: Option<PathBuf>,

    /// Read all witnesses in this encoding instead of detecting it.
    #[arg(long, value_name = "NAME")]
    encoding: Option<String>,

    /// Replace undecodable bytes (and count them) instead of refusing the file.
    #[arg(long)]
    lossy: bool,

    /// Reconcile even witnesses that do not look like transcriptions of one document.
    #[arg(long)]
    force: bool,
}

fn parse_probability(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(p) if (0.0..=1.0).contains(&p) => Ok(p),
        _ => Err(format!("'{s}' is not a probability between 0 and 1")),
    }
}

fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("reconcile: error: {message}");
    ExitCode::from(2)
}

fn is_stdout(p: &Path) -> bool {
    p.as_os_str() == "-"
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Err(e) = install_interrupt_cleanup() {
        eprintln!(
            "reconcile: warning: cannot watch for interrupts ({e}); an interrupted run may leave a .reconcile-*.tmp file"
        );
    }
    match cli.command {
        Some(Command::Eval(args)) => reconcile::eval::run(args),
        Some(Command::Simulate(args)) => reconcile::simulate::run(args),
        Some(Command::Review(args)) => reconcile::review::run(args),
        Some(Command::Batch(args)) => reconcile::batch::run(args),
        None => run(cli.run),
    }
}

fn run(cli: RunArgs) -> ExitCode {
    let Some(output) = cli.output.clone() else {
        return fail("missing -o OUT");
    };
    if cli.witnesses.len() < 2 {
        return fail(format!(
            "need at least two witnesses to reconcile, got {} ({})",
            cli.witnesses.len(),
            cli.witnesses[0].display()
        ));
    }
    // Check every output location before doing any work, so a bad path costs nothing.
    let inputs: Vec<PathBuf> = cli
        .witnesses
        .iter()
        .chain(cli.decisions.iter())
        .cloned()
        .collect();
    let outputs: Vec<&PathBuf> = std::iter::once(&output)
        .filter(|p| !is_stdout(p))
        .chain(cli.report.iter())
        .chain(cli.html.iter())
        .collect();
    for out in &outputs {
        if let Err(e) = check_not_an_input(out, &inputs).and_then(|_| check_writable_location(out))
        {
            return fail(e);
        }
    }
    for (i, a) in outputs.iter().enumerate() {
        if outputs[..i].contains(a) {
            return fail(format!(
                "{}: two outputs cannot go to the same file",
                a.display()
            ));
        }
    }
    let mut witnesses: Vec<Witness> = Vec::with_capacity(cli.witnesses.len());
    let read_options = ReadOptions {
        encoding: cli.encoding.clone(),
        lossy: cli.lossy,
    };
    for path in &cli.witnesses {
        match read_witness_with(path, &read_options) {
            Ok(w) => {
                if w.replaced > 0 {
                    eprintln!(
                        "reconcile: warning: {}: {} undecodable byte sequence(s) replaced by U+FFFD (--lossy)",
                        path.display(),
                        w.replaced
                    );
                }
                witnesses.push(w)
            }
            Err(e) => return fail(e),
        }
    }
    let reviewer_decisions = match cli
        .decisions
        .as_deref()
        .map(reconcile::review::load_decisions)
    {
        Some(Err(e)) => return fail(e),
        Some(Ok(d)) => Some(d),
        None => None,
    };
    let glossary = match &cli.glossary {
        Some(path) => match reconcile::glossary::load(path) {
            Ok(g) => g,
            Err(e) => return fail(e),
        },
        None => Vec::new(),
    };
    let options = Options {
        min_confidence: cli.min_confidence,
        drop_unmatched: cli.drop_unmatched,
        reviewer_decisions,
        glossary,
        force: cli.force,
        ..Options::default()
    };
    let result = match reconcile(&witnesses, &options) {
        Ok(r) => r,
        Err(e) => return fail(e),
    };
    // The report is serialised straight into its temporary file: at a megabyte of text it
    // is tens of megabytes of JSON, which need not be held in memory as well.
    let write_report = |out: &mut dyn std::io::Write| -> std::io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, &result.report)?;
        out.write_all(b"\n")
    };
    let page = cli
        .html
        .as_ref()
        .map(|_| reconcile::review::render_html(&result.report));
    // All files are written to temporary files first and renamed together, so a failed or
    // interrupted run never leaves a new report beside an old text.
    let mut files: Vec<(&Path, Contents)> = Vec::new();
    if let Some(path) = &cli.report {
        files.push((path, Contents::Writer(&write_report)));
    }
    if let (Some(path), Some(page)) = (&cli.html, &page) {
        files.push((path, Contents::Bytes(page.as_bytes())));
    }
    if is_stdout(&output) {
        use std::io::Write;
        if let Err(e) = std::io::stdout().write_all(result.text.as_bytes()) {
            return fail(format!("cannot write to standard output: {e}"));
        }
    } else {
        files.push((&output, Contents::Bytes(result.text.as_bytes())));
    }
    if let Err(e) = write_all_atomically(&files) {
        return fail(e);
    }
    eprint!(
        "{}",
        summary(
            &result.report,
            &output,
            cli.report.as_deref(),
            cli.html.as_deref()
        )
    );
    // The process ends here: freeing the report and the decisions of a large document
    // piece by piece would only add to the wall time (about 0.1 s at a megabyte).
    std::mem::forget(result);
    ExitCode::SUCCESS
}

fn summary(
    report: &reconcile::report::Report,
    output: &Path,
    report_path: Option<&Path>,
    html_path: Option<&Path>,
) -> String {
    use std::fmt::Write;
    let s = &report.summary;
    let mut out = String::new();
    let _ = writeln!(out, "reconcile: {} witnesses", s.witnesses);
    for w in &report.witnesses {
        let _ = writeln!(
            out,
            "  [{}] {}  {} chars, {}, {} blocks, reliability {:.2}",
            w.index, w.path, w.characters, w.layout, w.blocks, w.reliability
        );
    }
    let _ = writeln!(
        out,
        "blocks: {} matched, {} only in one witness ({} interrupting a paragraph, moved after it){}",
        s.blocks_matched,
        s.blocks_unmatched + s.blocks_interrupting,
        s.blocks_interrupting,
        if s.blocks_left_out > 0 {
            format!(", {} left out", s.blocks_left_out)
        } else {
            String::new()
        }
    );
    let _ = writeln!(
        out,
        "variant sites: {} ({} decided, {} flagged for review below confidence {:.2}); paragraph-break disagreements: {}",
        s.variant_sites, s.sites_decided, s.sites_flagged, s.min_confidence, s.layout_sites
    );
    let _ = writeln!(
        out,
        "overall confidence: {:.3} (expected wrong sites: {:.1})",
        s.overall_confidence, s.expected_errors
    );
    if s.reviewer_decisions > 0 {
        let _ = writeln!(
            out,
            "reviewer decisions: {} of {} applied, {} matched nothing",
            s.reviewer_decisions_applied, s.reviewer_decisions, s.reviewer_decisions_unmatched
        );
        for u in &report.unmatched_decisions {
            let _ = writeln!(out, "  unmatched: {}", u.describe());
        }
    }
    let mut written = vec![if is_stdout(output) {
        "standard output".to_string()
    } else {
        output.display().to_string()
    }];
    written.extend(report_path.map(|p| p.display().to_string()));
    written.extend(html_path.map(|p| p.display().to_string()));
    let _ = writeln!(out, "wrote {}", written.join(", "));
    out
}
