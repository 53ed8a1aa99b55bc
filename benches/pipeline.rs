//! Speed figures for the library pipeline: `cargo bench --bench pipeline`.
//!
//! A plain `harness = false` benchmark timed with `std::time::Instant` (no criterion):
//!
//! * (a) the first call of `LanguageModel::embedded()`, which parses the embedded word lists;
//! * (b) `reconcile::reconcile` on the corpus pair, warm, repeated;
//! * (c) the same on a synthetic larger input: each corpus witness repeated ten times
//!   (about 100k characters per witness), each copy with its own character substitution
//!   (see `repeated`).
//!
//! Optional arguments: `cargo bench --bench pipeline -- RUNS LARGE_RUNS` (default 20 and 5).

use reconcile::input::{Witness, read_witness};
use reconcile::language_model::LanguageModel;
use reconcile::{Options, reconcile};
use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

const PAIR: [&str; 2] = [
    "corpus/000_753cd868c64d84a9.txt",
    "corpus/001_f3f1b0a1aca9ea80.txt",
];
/// How many copies of each corpus witness make up a synthetic large witness.
const COPIES: usize = 10;

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Min, median and max of some timings.
struct Stats {
    min: Duration,
    median: Duration,
    max: Duration,
    runs: usize,
}

fn stats(mut times: Vec<Duration>) -> Stats {
    assert!(!times.is_empty(), "no runs timed");
    times.sort_unstable();
    let n = times.len();
    let median = if n % 2 == 1 {
        times[n / 2]
    } else {
        (times[n / 2 - 1] + times[n / 2]) / 2
    };
    Stats {
        min: times[0],
        median,
        max: times[n - 1],
        runs: n,
    }
}

/// Time `runs` reconciliations of `witnesses` after one untimed warm-up run; also say how
/// much work a run does (from the warm-up run's report).
fn time_reconcile(witnesses: &[Witness], runs: usize) -> (Stats, String) {
    let options = Options::default();
    let warm = reconcile(black_box(witnesses), &options).expect("the witnesses reconcile");
    let s = &warm.report.summary;
    let work = format!(
        "{} of {} blocks matched, {} text sites, {} layout sites",
        s.blocks_matched, s.blocks, s.variant_sites, s.layout_sites
    );
    let times = (0..runs)
        .map(|_| {
            let start = Instant::now();
            let result = reconcile(black_box(witnesses), &options).expect("reconciles");
            let elapsed = start.elapsed();
            black_box(result);
            elapsed
        })
        .collect();
    (stats(times), work)
}

fn chars(witnesses: &[Witness]) -> usize {
    witnesses.iter().map(|w| w.text.chars().count()).sum()
}

fn is_cjk_ideograph(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

/// The witnesses, each repeated `copies` times (copies separated by a blank line).
///
/// Exact copies would leave the aligner no k-gram that occurs only once, so nothing would
/// pair and the run would measure nothing. Copy k (k > 0) therefore has every CJK ideograph
/// replaced by the one k·STEP places further along the sorted set of ideographs the
/// witnesses use; the substitution is the same in every witness, so copy k of one witness
/// still aligns with copy k of the other, with the same disagreements as the original.
fn repeated(witnesses: &[Witness], copies: usize) -> Vec<Witness> {
    const STEP: usize = 97;
    let alphabet: Vec<char> = witnesses
        .iter()
        .flat_map(|w| w.text.chars())
        .filter(|&c| is_cjk_ideograph(c))
        .collect::<std::collections::BTreeSet<char>>()
        .into_iter()
        .collect();
    let position: std::collections::HashMap<char, usize> =
        alphabet.iter().enumerate().map(|(i, &c)| (c, i)).collect();
    witnesses
        .iter()
        .map(|witness| {
            let piece = witness.text.trim_end();
            let mut text = String::with_capacity((piece.len() + 2) * copies);
            for k in 0..copies {
                text.extend(piece.chars().map(|c| match position.get(&c) {
                    Some(&i) => alphabet[(i + k * STEP) % alphabet.len()],
                    None => c,
                }));
                text.push_str("\n\n");
            }
            let mut w = witness.clone();
            w.text = text;
            w
        })
        .collect()
}

fn arg(position: usize, default: usize) -> usize {
    // `cargo bench` passes `--bench` to harness-less benchmarks; skip flags.
    std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .nth(position)
        .and_then(|a| a.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(default)
}

fn main() {
    let runs = arg(0, 20);
    let large_runs = arg(1, 5);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let pair: Vec<Witness> = PAIR
        .iter()
        .map(|p| read_witness(&root.join(p)).unwrap_or_else(|e| panic!("{e}")))
        .collect();
    println!(
        "reconcile pipeline benchmark ({} rayon threads, {} available CPUs)",
        rayon::current_num_threads(),
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );

    // (a) Nothing above touches the language model, so this is the first, parsing call.
    let start = Instant::now();
    black_box(LanguageModel::embedded());
    let first = start.elapsed();
    let start = Instant::now();
    black_box(LanguageModel::embedded());
    let again = start.elapsed();
    println!(
        "language model, LanguageModel::embedded(): first call {:.1} ms, later calls {:.2} µs",
        ms(first),
        again.as_secs_f64() * 1e6
    );

    // (b) The corpus pair, warm.
    let (s, work) = time_reconcile(&pair, runs);
    println!(
        "corpus pair (000+001), 2 witnesses, {} chars: median {:.1} ms (min {:.1}, max {:.1}) over {} runs, {:.0} chars/s",
        chars(&pair),
        ms(s.median),
        ms(s.min),
        ms(s.max),
        s.runs,
        chars(&pair) as f64 / s.median.as_secs_f64()
    );
    println!("  work per run: {work}");

    // (c) A synthetic larger input: every witness repeated COPIES times.
    let large = repeated(&pair, COPIES);
    let sizes: Vec<String> = large
        .iter()
        .map(|w| w.text.chars().count().to_string())
        .collect();
    let (s, work) = time_reconcile(&large, large_runs);
    println!(
        "synthetic large (000+001 each x{COPIES}), 2 witnesses, {} chars ({}): median {:.1} ms (min {:.1}, max {:.1}) over {} runs, {:.0} chars/s",
        chars(&large),
        sizes.join(" + "),
        ms(s.median),
        ms(s.min),
        ms(s.max),
        s.runs,
        chars(&large) as f64 / s.median.as_secs_f64()
    );
    println!("  work per run: {work}");
}
