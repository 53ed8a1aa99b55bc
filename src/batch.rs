//! `reconcile batch` — many documents in one run.
//!
//! Three ways in:
//!
//! * a directory holding one sub-directory per document, whose files are its witnesses;
//! * a JSON Lines manifest, `{"id": "...", "witnesses": ["a.txt", "b.txt"]}` per line, paths
//!   relative to the manifest;
//! * `--jsonl -`: manifest lines with the texts inline, `{"id": "...", "texts": ["...", "..."]}`,
//!   on standard input, one result line per document on standard output, in input order —
//!   so that the binary runs unchanged as the map step of a cluster job (docs/batch.md).
//!
//! Documents run in parallel on the rayon pool (RAYON_NUM_THREADS), each reconciled exactly
//! as `reconcile` would do it alone, so outputs do not depend on the number of threads. The
//! language model is parsed once per process and shared. One bad document is recorded as an
//! error and does not stop the others; the exit code says whether all succeeded.

use crate::input::{ReadOptions, Witness, read_witness_with, unify_line_endings};
use crate::output::write_atomically;
use crate::{Options, reconcile};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Instant, SystemTime};

/// Reconcile many documents: a directory of per-document directories, or a JSON Lines manifest.
#[derive(Debug, clap::Args)]
#[command(after_help = BATCH_HELP)]
pub struct BatchArgs {
    /// Directory of documents (one sub-directory of witnesses each) or a .jsonl manifest;
    /// "-" with --jsonl for standard input.
    pub input: PathBuf,
    /// Output directory: <id>.txt for every document and summary.jsonl.
    #[arg(short, long, value_name = "OUTDIR")]
    pub output: Option<PathBuf>,
    /// Also write each document's JSON report, as <id>.json in this directory.
    #[arg(long, value_name = "DIR")]
    pub report_dir: Option<PathBuf>,
    /// Reconcile every document again, even those whose outputs are newer than their inputs.
    #[arg(long)]
    pub force: bool,
    /// Streaming mode: read {"id", "texts"} lines, write one result line per document to
    /// standard output, in input order.
    #[arg(long)]
    pub jsonl: bool,
    /// Sites decided with a confidence below this are flagged for review.
    #[arg(long, value_name = "P", default_value_t = 0.9)]
    pub min_confidence: f64,
    /// Leave out blocks (paragraphs) that only one witness has.
    #[arg(long)]
    pub drop_unmatched: bool,
}

const BATCH_HELP: &str = "\
Examples:
  reconcile batch archive/ -o merged/ --report-dir reports/
  reconcile batch manifest.jsonl -o merged/
  reconcile batch --jsonl - < documents.jsonl > results.jsonl

Exit status: 0 when every document succeeded (or was already up to date), 1 when at least
one document failed (see summary.jsonl or the result lines), 2 when the batch could not
start (bad arguments, unreadable input, output directory not writable).";

/// Exit status when the batch ran but at least one document failed.
pub const EXIT_SOME_FAILED: u8 = 1;
/// Exit status when the batch could not run at all.
pub const EXIT_USAGE: u8 = 2;

fn usage_error(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("reconcile batch: error: {message}");
    ExitCode::from(EXIT_USAGE)
}

pub fn run(args: BatchArgs) -> ExitCode {
    if !(0.0..=1.0).contains(&args.min_confidence) {
        return usage_error(format!(
            "--min-confidence {} is not a probability between 0 and 1",
            args.min_confidence
        ));
    }
    let options = Options {
        min_confidence: args.min_confidence,
        drop_unmatched: args.drop_unmatched,
        ..Options::default()
    };
    if args.jsonl {
        if args.output.is_some() || args.report_dir.is_some() {
            return usage_error(
                "--jsonl writes its results to standard output; -o and --report-dir do not apply",
            );
        }
        let result = if args.input.as_os_str() == "-" {
            stream(std::io::stdin().lock(), std::io::stdout().lock(), &options)
        } else {
            match std::fs::File::open(&args.input) {
                Ok(f) => stream(
                    std::io::BufReader::new(f),
                    std::io::stdout().lock(),
                    &options,
                ),
                Err(e) => return usage_error(format!("{}: {e}", args.input.display())),
            }
        };
        return match result {
            Ok(counts) => {
                eprintln!(
                    "reconcile batch: {} documents, {} ok, {} failed",
                    counts.ok + counts.failed,
                    counts.ok,
                    counts.failed
                );
                exit_status(counts.failed)
            }
            Err(e) => usage_error(e),
        };
    }
    let Some(outdir) = args.output.clone() else {
        return usage_error("missing -o OUTDIR (or --jsonl for streaming mode)");
    };
    match run_files(&args, &outdir, &options) {
        Ok(counts) => exit_status(counts.failed),
        Err(e) => usage_error(e),
    }
}

fn exit_status(failed: usize) -> ExitCode {
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_SOME_FAILED)
    }
}

/// One document of a batch: its id and its witness files, or why the manifest entry is bad.
#[derive(Debug, Clone)]
pub struct DocumentSpec {
    pub id: String,
    pub witnesses: Result<Vec<PathBuf>, String>,
}

#[derive(Debug, Default, Clone, Copy)]
pub struct Counts {
    pub ok: usize,
    pub skipped: usize,
    pub failed: usize,
}

/// A file or directory name that is safe to use as `<id>.txt` in the output directory.
fn check_id(id: &str) -> Result<(), String> {
    if id.is_empty() {
        return Err("the id is empty".into());
    }
    if id == "." || id == ".." || id.contains(['/', '\\', '\0']) {
        return Err(format!(
            "the id {id:?} cannot be a file name (no '/', '\\', '.' or '..')"
        ));
    }
    if id == "summary" {
        return Err("the id \"summary\" is reserved for summary.jsonl".into());
    }
    Ok(())
}

/// The documents of a directory: every sub-directory, sorted by name, with its regular
/// files (names not starting with '.') as witnesses, sorted by name. Directories in
/// `exclude` (the output directories, if they lie inside) are not documents.
pub fn list_directory(dir: &Path, exclude: &[PathBuf]) -> Result<Vec<DocumentSpec>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut docs = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| format!("{}: {e}", dir.display()))?;
        let path = entry.path();
        if !path.is_dir() {
            continue;
        }
        let canonical = path.canonicalize().ok();
        if exclude.iter().any(|x| Some(x) == canonical.as_ref()) {
            continue;
        }
        let id = entry.file_name().to_string_lossy().into_owned();
        if id.starts_with('.') {
            continue;
        }
        let witnesses = list_witness_files(&path);
        docs.push(DocumentSpec { id, witnesses });
    }
    docs.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(docs)
}

fn list_witness_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| format!("{}: {e}", dir.display()))?;
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        if !hidden && entry.path().is_file() {
            files.push(entry.path());
        }
    }
    files.sort();
    Ok(files)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ManifestLine {
    id: String,
    witnesses: Vec<PathBuf>,
}

/// The documents of a JSON Lines manifest. Blank lines are skipped; a line that does not
/// parse becomes a document `line-N` that fails with the reason.
pub fn read_manifest(path: &Path) -> Result<Vec<DocumentSpec>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let base = path.parent().unwrap_or(Path::new("")).to_path_buf();
    let mut docs = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let where_ = format!("{} line {}", path.display(), n + 1);
        match serde_json::from_str::<ManifestLine>(line) {
            Ok(m) => docs.push(DocumentSpec {
                id: m.id,
                witnesses: Ok(m.witnesses.into_iter().map(|w| base.join(w)).collect()),
            }),
            Err(e) => docs.push(DocumentSpec {
                id: format!("line-{}", n + 1),
                witnesses: Err(format!(
                    "{where_}: not a manifest entry {{\"id\": ..., \"witnesses\": [...]}}: {e}"
                )),
            }),
        }
    }
    Ok(docs)
}

/// Mark documents whose id is unusable or appears twice (their outputs would collide).
fn validate_ids(docs: &mut [DocumentSpec]) {
    let mut seen: HashMap<String, usize> = HashMap::new();
    for d in docs.iter() {
        *seen.entry(d.id.clone()).or_default() += 1;
    }
    for d in docs.iter_mut() {
        if d.witnesses.is_err() {
            continue;
        }
        if let Err(e) = check_id(&d.id) {
            d.witnesses = Err(e);
        } else if seen[&d.id] > 1 {
            d.witnesses = Err(format!(
                "the id {:?} appears {} times; ids must be unique",
                d.id, seen[&d.id]
            ));
        }
    }
}

/// One line of summary.jsonl.
#[derive(Debug, Clone, Serialize)]
pub struct SummaryLine {
    pub id: String,
    /// "ok", "error", or "skipped" (outputs already newer than every input).
    pub status: &'static str,
    pub witnesses: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sites: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flagged: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f64>,
    /// Seconds spent on the document.
    pub time: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

fn seconds_since(start: Instant) -> f64 {
    (start.elapsed().as_secs_f64() * 1000.0).round() / 1000.0
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// Outputs exist (they are written atomically, so existing means complete) and each is
/// strictly newer than every witness.
fn up_to_date(outputs: &[PathBuf], witnesses: &[PathBuf]) -> bool {
    let newest_input = witnesses
        .iter()
        .map(|w| modified(w))
        .collect::<Option<Vec<_>>>();
    let Some(newest_input) = newest_input.and_then(|v| v.into_iter().max()) else {
        return false;
    };
    outputs
        .iter()
        .all(|o| modified(o).is_some_and(|t| t > newest_input))
}

struct Job<'a> {
    outdir: &'a Path,
    report_dir: Option<&'a Path>,
    force: bool,
    options: &'a Options,
}

fn report_json(report: &crate::report::Report) -> Result<String, String> {
    serde_json::to_string_pretty(report)
        .map(|j| j + "\n")
        .map_err(|e| format!("cannot serialise the report: {e}"))
}

fn process_document(doc: &DocumentSpec, job: &Job) -> SummaryLine {
    let start = Instant::now();
    let mut line = SummaryLine {
        id: doc.id.clone(),
        status: "error",
        witnesses: 0,
        sites: None,
        flagged: None,
        confidence: None,
        time: 0.0,
        error: None,
    };
    let paths = match &doc.witnesses {
        Ok(p) => p,
        Err(e) => {
            line.error = Some(e.clone());
            return line;
        }
    };
    line.witnesses = paths.len();
    let text_out = job.outdir.join(format!("{}.txt", doc.id));
    let report_out = job.report_dir.map(|d| d.join(format!("{}.json", doc.id)));
    let outputs: Vec<PathBuf> = std::iter::once(text_out.clone())
        .chain(report_out.clone())
        .collect();
    if !job.force && paths.len() >= 2 && up_to_date(&outputs, paths) {
        line.status = "skipped";
        line.time = seconds_since(start);
        return line;
    }
    let result = (|| -> Result<SummaryLine, String> {
        if paths.len() < 2 {
            return Err(format!(
                "needs at least two witnesses, has {}{}",
                paths.len(),
                paths
                    .first()
                    .map(|p| format!(" ({})", p.display()))
                    .unwrap_or_default()
            ));
        }
        for out in &outputs {
            crate::output::check_not_an_input(out, paths).map_err(|e| e.to_string())?;
        }
        let witnesses: Vec<Witness> = paths
            .iter()
            .map(|p| read_witness_with(p, &ReadOptions::default()).map_err(|e| e.to_string()))
            .collect::<Result<_, _>>()?;
        let result = reconcile(&witnesses, job.options).map_err(|e| batch_message(&e))?;
        if let Some(path) = &report_out {
            write_atomically(path, report_json(&result.report)?.as_bytes())
                .map_err(|e| e.to_string())?;
        }
        write_atomically(&text_out, result.text.as_bytes()).map_err(|e| e.to_string())?;
        let s = &result.report.summary;
        Ok(SummaryLine {
            status: "ok",
            sites: Some(s.variant_sites),
            flagged: Some(s.sites_flagged),
            confidence: Some(s.overall_confidence),
            ..line.clone()
        })
    })();
    let mut line = match result {
        Ok(l) => l,
        Err(e) => SummaryLine {
            error: Some(e),
            ..line
        },
    };
    line.time = seconds_since(start);
    line
}

/// A reconciliation error as the batch reports it: `batch --force` re-runs documents, so the
/// single run's advice to use --force for unrelated witnesses names the single run.
fn batch_message(e: &crate::ReconcileError) -> String {
    match e {
        crate::ReconcileError::Unrelated { path, share, min } => format!(
            "{path}: only {share:.0}% of its text aligns with the other witnesses (at least {min:.0}% expected): these do not look like transcriptions of one document (reconcile them alone with `reconcile --force` to merge anyway)"
        ),
        other => other.to_string(),
    }
}

/// Progress on standard error: a bar on a terminal, a plain line per document otherwise.
enum Progress {
    Bar(indicatif::ProgressBar),
    Lines { total: usize, done: AtomicUsize },
}

impl Progress {
    fn new(total: usize) -> Progress {
        if std::io::stderr().is_terminal() {
            let bar = indicatif::ProgressBar::new(total as u64);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{elapsed_precise} [{bar:40}] {pos}/{len} documents, {per_sec}, eta {eta} {msg}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            Progress::Bar(bar)
        } else {
            Progress::Lines {
                total,
                done: AtomicUsize::new(0),
            }
        }
    }

    fn document_done(&self, line: &SummaryLine) {
        match self {
            Progress::Bar(bar) => {
                if let Some(e) = &line.error {
                    bar.println(format!("{}: error: {e}", line.id));
                }
                bar.inc(1);
            }
            Progress::Lines { total, done } => {
                let n = done.fetch_add(1, Ordering::SeqCst) + 1;
                let detail = match (&line.error, line.status) {
                    (Some(e), _) => format!("error: {e}"),
                    (None, "skipped") => "skipped (up to date)".to_string(),
                    (None, _) => format!(
                        "ok, {} sites, {} flagged, {:.3}s",
                        line.sites.unwrap_or(0),
                        line.flagged.unwrap_or(0),
                        line.time
                    ),
                };
                eprintln!("[{n}/{total}] {}: {detail}", line.id);
            }
        }
    }

    fn finish(&self) {
        if let Progress::Bar(bar) = self {
            bar.finish_and_clear();
        }
    }
}

fn create_dir(dir: &Path) -> Result<PathBuf, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: cannot create: {e}", dir.display()))?;
    dir.canonicalize()
        .map_err(|e| format!("{}: {e}", dir.display()))
}

fn run_files(args: &BatchArgs, outdir: &Path, options: &Options) -> Result<Counts, String> {
    if !args.input.exists() {
        return Err(format!(
            "{}: no such file or directory",
            args.input.display()
        ));
    }
    let mut exclude = vec![create_dir(outdir)?];
    if let Some(d) = &args.report_dir {
        exclude.push(create_dir(d)?);
    }
    let mut docs = if args.input.is_dir() {
        list_directory(&args.input, &exclude)?
    } else {
        read_manifest(&args.input)?
    };
    validate_ids(&mut docs);

    let summary_path = outdir.join("summary.jsonl");
    let summary = std::fs::File::create(&summary_path)
        .map_err(|e| format!("{}: cannot write: {e}", summary_path.display()))?;
    let summary = Mutex::new(summary);
    let write_error = Mutex::new(None::<String>);
    let job = Job {
        outdir,
        report_dir: args.report_dir.as_deref(),
        force: args.force,
        options,
    };
    let progress = Progress::new(docs.len());
    let started = Instant::now();
    // Lines go to summary.jsonl as documents finish, so an interrupted batch leaves a record
    // of what was done; at the end the file is rewritten in input order.
    let lines: Vec<SummaryLine> = docs
        .par_iter()
        .map(|doc| {
            let line = process_document(doc, &job);
            let json = serde_json::to_string(&line).expect("a summary line serialises");
            let mut file = summary.lock().unwrap_or_else(|p| p.into_inner());
            if let Err(e) = writeln!(file, "{json}").and_then(|_| file.flush()) {
                write_error
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .get_or_insert(format!("{}: {e}", summary_path.display()));
            }
            drop(file);
            progress.document_done(&line);
            line
        })
        .collect();
    progress.finish();
    let mut sorted = String::new();
    for line in &lines {
        sorted.push_str(&serde_json::to_string(line).expect("a summary line serialises"));
        sorted.push('\n');
    }
    drop(summary);
    write_atomically(&summary_path, sorted.as_bytes()).map_err(|e| e.to_string())?;
    if let Some(e) = write_error.into_inner().unwrap_or_else(|p| p.into_inner()) {
        return Err(e);
    }
    let mut counts = Counts::default();
    for line in &lines {
        match line.status {
            "ok" => counts.ok += 1,
            "skipped" => counts.skipped += 1,
            _ => counts.failed += 1,
        }
    }
    eprintln!(
        "reconcile batch: {} documents in {:.1}s: {} ok, {} up to date, {} failed; summary in {}",
        lines.len(),
        started.elapsed().as_secs_f64(),
        counts.ok,
        counts.skipped,
        counts.failed,
        summary_path.display()
    );
    Ok(counts)
}

// -------------------------------------------------------------------------------------------
// Streaming mode
// -------------------------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StreamLine {
    id: serde_json::Value,
    texts: Vec<String>,
}

#[derive(Serialize)]
struct StreamResult<'a> {
    id: &'a serde_json::Value,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    report: Option<&'a crate::report::Report>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
}

/// Documents reconciled at once in streaming mode: enough to keep every thread busy, few
/// enough that memory stays bounded whatever the length of the stream.
fn stream_chunk() -> usize {
    (rayon::current_num_threads() * 4).max(8)
}

/// One input line (or why it could not be read) to one output line, and whether the
/// document succeeded.
fn stream_document(
    number: usize,
    line: &Result<String, String>,
    options: &Options,
) -> (String, bool) {
    let parsed = match line {
        Ok(l) => serde_json::from_str::<StreamLine>(l)
            .map_err(|e| format!("not a document {{\"id\": ..., \"texts\": [...]}}: {e}")),
        Err(e) => Err(e.clone()),
    };
    let (id, outcome) = match parsed {
        Err(e) => (
            serde_json::Value::Null,
            Err(format!("input line {number}: {e}")),
        ),
        Ok(doc) => {
            let label = match &doc.id {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let outcome = if doc.texts.len() < 2 {
                Err(format!(
                    "{label}: needs at least two texts, has {}",
                    doc.texts.len()
                ))
            } else if let Some(i) = doc.texts.iter().position(|t| t.trim().is_empty()) {
                Err(format!("{label}/{i}: the text is empty"))
            } else {
                let witnesses: Vec<Witness> = doc
                    .texts
                    .iter()
                    .enumerate()
                    .map(|(i, t)| Witness {
                        path: PathBuf::from(format!("{label}/{i}")),
                        label: format!("{label}/{i}"),
                        text: unify_line_endings(t.strip_prefix('\u{FEFF}').unwrap_or(t)),
                        encoding: "UTF-8",
                        replaced: 0,
                    })
                    .collect();
                reconcile(&witnesses, options).map_err(|e| batch_message(&e))
            };
            (doc.id, outcome)
        }
    };
    let out = match &outcome {
        Ok(r) => StreamResult {
            id: &id,
            status: "ok",
            text: Some(&r.text),
            report: Some(&r.report),
            error: None,
        },
        Err(e) => StreamResult {
            id: &id,
            status: "error",
            text: None,
            report: None,
            error: Some(e),
        },
    };
    let json = serde_json::to_string(&out).expect("a result line serialises");
    (json, outcome.is_ok())
}

/// Streaming mode: read document lines from `input`, write one result line per document to
/// `output` in input order. Blank lines are skipped. Only failing to read the input or to
/// write the output stops the stream; a bad document gives an error line.
pub fn stream(
    mut input: impl BufRead,
    mut output: impl Write,
    options: &Options,
) -> Result<Counts, String> {
    let mut counts = Counts::default();
    let mut number = 0;
    let mut eof = false;
    while !eof {
        let mut chunk: Vec<(usize, Result<String, String>)> = Vec::new();
        while chunk.len() < stream_chunk() {
            let mut bytes = Vec::new();
            let n = input
                .read_until(b'\n', &mut bytes)
                .map_err(|e| format!("cannot read the input: {e}"))?;
            if n == 0 {
                eof = true;
                break;
            }
            number += 1;
            let line = String::from_utf8(bytes)
                .map_err(|e| format!("not valid UTF-8 at byte {}", e.utf8_error().valid_up_to()));
            if line.as_ref().map_or(true, |l| !l.trim().is_empty()) {
                chunk.push((number, line));
            }
        }
        let results: Vec<(String, bool)> = chunk
            .par_iter()
            .map(|(n, line)| stream_document(*n, line, options))
            .collect();
        for (r, ok) in results {
            if ok {
                counts.ok += 1;
            } else {
                counts.failed += 1;
            }
            writeln!(output, "{r}").map_err(|e| format!("cannot write the output: {e}"))?;
        }
        output
            .flush()
            .map_err(|e| format!("cannot write the output: {e}"))?;
    }
    Ok(counts)
}
