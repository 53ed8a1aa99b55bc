//! `reconcile eval` — measure a merged text against a known truth.
//!
//! **Normalisation** (both texts, before anything is counted): the text is cut into grapheme
//! clusters (Unicode extended grapheme clusters); each cluster is NFKC-normalised (and
//! re-cut if NFKC changed it into several); whitespace runs are removed when they touch a
//! wide (CJK) character on either side, collapsed to one space elsewhere, and dropped at the
//! ends. Line breaks are whitespace like any other, so layout (hard wraps, blank lines) never
//! counts.
//!
//! **CER** = Levenshtein distance over the normalised grapheme clusters / number of truth
//! clusters. **WER** (only when the truth is mostly Latin script) = Levenshtein distance
//! over space-separated words of the normalised texts / number of truth words. Both
//! distances are exact (Myers' bit-parallel algorithm, O(n·m/64)).
//!
//! **Site accuracy** (with `--report`): the normalised truth and output are aligned with the
//! crate's own `align`. Each output boundary p maps to the truth interval [lo(p), hi(p)] of
//! positions aligned with it (a single position inside agreeing text; the whole truth side
//! of a gap for a boundary that touches the gap). A text site whose chosen reading occupies
//! output clusters [s, e) is **correct** when the truth clusters [lo(s), hi(e)) equal the
//! output clusters [s, e). An empty reading is correct when no truth text is aligned at its
//! position. The truth span is taken widest, so a reading that dropped or added text at its
//! edge counts as wrong (an unrelated error touching a site also makes it count as wrong;
//! that is rare and errs on the side of lower accuracy). Sites whose block was left out of
//! the output and paragraph-break ("layout") sites are not counted.
//!
//! **Calibration**: sites are binned by confidence in ten equal bins ([0, 0.1), …,
//! [0.9, 1.0]); per bin, the mean confidence and the observed accuracy; the expected
//! calibration error is ECE = Σ_b (n_b / N) · |accuracy_b − confidence_b|.

use crate::align::align;
use crate::normalize::is_wide;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::PathBuf;
use std::process::ExitCode;
use unicode_normalization::UnicodeNormalization;
use unicode_segmentation::UnicodeSegmentation;

/// Measure a merged text against the true text.
#[derive(Debug, clap::Args)]
pub struct EvalArgs {
    /// The true text.
    #[arg(long)]
    pub truth: PathBuf,
    /// The text to measure (e.g. the merged output, or a witness).
    pub output: PathBuf,
    /// The JSON report of the run that produced OUTPUT: adds site accuracy and calibration.
    #[arg(long)]
    pub report: Option<PathBuf>,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// A normalised text: grapheme clusters (interned) and, for each, the index of the
/// character of the original text it came from.
#[derive(Debug, Clone, Default)]
pub struct Normalized {
    pub symbols: Vec<u32>,
    pub char_index: Vec<usize>,
    /// Number of characters of the original text.
    pub chars: usize,
}

/// Interns grapheme clusters and words as small integers, shared by the texts compared.
#[derive(Debug, Default)]
pub struct Interner {
    ids: HashMap<String, u32>,
    strings: Vec<String>,
}

impl Interner {
    pub fn id(&mut self, s: &str) -> u32 {
        if let Some(&id) = self.ids.get(s) {
            return id;
        }
        let id = self.strings.len() as u32;
        self.ids.insert(s.to_string(), id);
        self.strings.push(s.to_string());
        id
    }
    pub fn text(&self, ids: &[u32]) -> String {
        ids.iter()
            .map(|&i| self.strings[i as usize].as_str())
            .collect()
    }
}

/// Normalise `text` as documented in the module header.
pub fn normalize(text: &str, interner: &mut Interner) -> Normalized {
    // (cluster, char index, is whitespace, is wide)
    let mut clusters: Vec<(String, usize, bool, bool)> = Vec::new();
    let mut char_at = 0;
    for g in text.graphemes(true) {
        let n = g.chars().count();
        let folded: String = g.nfkc().collect();
        for piece in folded.graphemes(true) {
            let space = piece.chars().all(char::is_whitespace);
            let wide = piece.chars().next().is_some_and(is_wide);
            clusters.push((piece.to_string(), char_at, space, wide));
        }
        char_at += n;
    }
    let mut out = Normalized {
        chars: char_at,
        ..Normalized::default()
    };
    let mut pending_space: Option<usize> = None;
    let mut previous_wide: Option<bool> = None;
    for (piece, at, space, wide) in clusters {
        if space {
            pending_space.get_or_insert(at);
            continue;
        }
        if let Some(s) = pending_space.take()
            && previous_wide == Some(false)
            && !wide
        {
            out.symbols.push(interner.id(" "));
            out.char_index.push(s);
        }
        out.symbols.push(interner.id(&piece));
        out.char_index.push(at);
        previous_wide = Some(wide);
    }
    out
}

/// Exact Levenshtein distance (unit costs) between two sequences, Myers' bit-parallel
/// algorithm in Hyyrö's block formulation.
pub fn levenshtein(a: &[u32], b: &[u32]) -> usize {
    // Trim the common prefix and suffix: they never change the distance.
    let pre = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (a, b) = (&a[pre..], &b[pre..]);
    let suf = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (a, b) = (&a[..a.len() - suf], &b[..b.len() - suf]);
    if a.is_empty() {
        return b.len();
    }
    if b.is_empty() {
        return a.len();
    }
    let m = a.len();
    let blocks = m.div_ceil(64);
    let mut peq: HashMap<u32, Vec<u64>> = HashMap::new();
    for (i, &s) in a.iter().enumerate() {
        peq.entry(s).or_insert_with(|| vec![0; blocks])[i / 64] |= 1 << (i % 64);
    }
    let zero = vec![0u64; blocks];
    let mut pv = vec![!0u64; blocks];
    let mut mv = vec![0u64; blocks];
    let last_bit = 1u64 << ((m - 1) % 64);
    let mut score = m as i64;
    for &c in b {
        let eq_row = peq.get(&c).unwrap_or(&zero);
        let mut hin: i64 = 1;
        for k in 0..blocks {
            let high = if k + 1 == blocks { last_bit } else { 1 << 63 };
            let mut eq = eq_row[k];
            let (p, mm) = (pv[k], mv[k]);
            let xv = eq | mm;
            if hin < 0 {
                eq |= 1;
            }
            let xh = (((eq & p).wrapping_add(p)) ^ p) | eq;
            let mut ph = mm | !(xh | p);
            let mut mh = p & xh;
            let hout = if ph & high != 0 {
                1
            } else if mh & high != 0 {
                -1
            } else {
                0
            };
            ph <<= 1;
            mh <<= 1;
            if hin < 0 {
                mh |= 1;
            } else if hin > 0 {
                ph |= 1;
            }
            pv[k] = mh | !(xv | ph);
            mv[k] = ph & xv;
            hin = hout;
        }
        score += hin;
    }
    score as usize
}

/// Words of a normalised text (split at spaces), interned.
fn words(norm: &Normalized, chars: &Interner, words: &mut Interner) -> Vec<u32> {
    chars
        .text(&norm.symbols)
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(|w| words.id(w))
        .collect()
}

/// One confidence bin of the calibration table.
#[derive(Debug, Clone, Serialize)]
pub struct Bin {
    pub low: f64,
    pub high: f64,
    pub sites: usize,
    pub mean_confidence: f64,
    pub accuracy: f64,
}

/// Site accuracy and calibration of a run's decisions.
#[derive(Debug, Clone, Serialize)]
pub struct SiteEvaluation {
    /// Text sites with a place in the output.
    pub sites: usize,
    pub correct: usize,
    pub accuracy: f64,
    pub mean_confidence: f64,
    /// Expected calibration error over the ten bins.
    pub ece: f64,
    pub bins: Vec<Bin>,
    /// Per site (in report order; null for sites not counted): was the decision right?
    pub per_site: Vec<Option<bool>>,
}

/// Everything `reconcile eval` measures.
#[derive(Debug, Clone, Serialize)]
pub struct Evaluation {
    pub truth_clusters: usize,
    pub output_clusters: usize,
    pub char_edits: usize,
    pub cer: f64,
    /// Word error rate, for mostly-Latin truths.
    pub truth_words: Option<usize>,
    pub word_edits: Option<usize>,
    pub wer: Option<f64>,
    pub sites: Option<SiteEvaluation>,
}

/// The parts of a report that `eval` reads.
#[derive(Debug, Clone, Deserialize)]
pub struct ReportSites {
    pub sites: Vec<ReportSite>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ReportSite {
    pub kind: String,
    pub output: Option<ReportRange>,
    pub confidence: f64,
}

#[derive(Debug, Clone, Copy, Deserialize)]
pub struct ReportRange {
    pub start: usize,
    pub end: usize,
}

fn mostly_latin(text: &str) -> bool {
    let latin = text.chars().filter(|c| c.is_ascii_alphabetic()).count();
    let cjk = text.chars().filter(|&c| is_wide(c)).count();
    latin > cjk
}

/// Character and word error rates of `output` against `truth`.
pub fn evaluate(truth: &str, output: &str, report: Option<&ReportSites>) -> Evaluation {
    let mut interner = Interner::default();
    let t = normalize(truth, &mut interner);
    let o = normalize(output, &mut interner);
    let char_edits = levenshtein(&t.symbols, &o.symbols);
    let (truth_words, word_edits, wer) = if mostly_latin(truth) {
        let mut wi = Interner::default();
        let tw = words(&t, &interner, &mut wi);
        let ow = words(&o, &interner, &mut wi);
        let e = levenshtein(&tw, &ow);
        (
            Some(tw.len()),
            Some(e),
            Some(e as f64 / tw.len().max(1) as f64),
        )
    } else {
        (None, None, None)
    };
    Evaluation {
        truth_clusters: t.symbols.len(),
        output_clusters: o.symbols.len(),
        char_edits,
        cer: char_edits as f64 / t.symbols.len().max(1) as f64,
        truth_words,
        word_edits,
        wer,
        sites: report.map(|r| evaluate_sites(&t, &o, r)),
    }
}

/// For every output boundary 0..=len, the truth interval [lo, hi] aligned with it.
fn boundary_map(truth: &[u32], output: &[u32]) -> Vec<(usize, usize)> {
    let mut map = vec![(usize::MAX, 0usize); output.len() + 1];
    let mut widen = |p: usize, lo: usize, hi: usize| {
        let e = &mut map[p];
        e.0 = e.0.min(lo);
        e.1 = e.1.max(hi);
    };
    for run in align(truth, output) {
        if run.equal {
            for k in 0..=run.b.len() {
                widen(run.b.start + k, run.a.start + k, run.a.start + k);
            }
        } else {
            for p in run.b.start..=run.b.end {
                widen(p, run.a.start, run.a.end);
            }
        }
    }
    // Boundaries no run touched (cannot happen for a full alignment): map to themselves.
    for (p, e) in map.iter_mut().enumerate() {
        if e.0 == usize::MAX {
            *e = (p.min(truth.len()), p.min(truth.len()));
        }
    }
    map
}

/// The true reading at every site of a run, as the index of the candidate that matches the
/// truth aligned to the site (see the module header), or None where no candidate (or more
/// than one) matches, the site is a paragraph-break site, or its block was left out.
/// Used to fit the decision model on simulated sets.
pub fn site_labels(truth: &str, result: &crate::Reconciliation) -> Vec<Option<usize>> {
    let mut interner = Interner::default();
    let t = normalize(truth, &mut interner);
    let o = normalize(&result.text, &mut interner);
    let map = boundary_map(&t.symbols, &o.symbols);
    let out_chars: Vec<char> = result.text.chars().collect();
    let to_cluster = |c: usize| o.char_index.partition_point(|&i| i < c);
    result
        .report
        .sites
        .iter()
        .zip(&result.decisions.sites)
        .map(|(info, site)| {
            let range = info.output.filter(|_| !site.layout_only)?;
            let (s, e) = (to_cluster(range.start), to_cluster(range.end));
            let (lo, hi) = (map[s].0, map[e].1);
            if lo > hi {
                return None;
            }
            let truth_here = &t.symbols[lo..hi];
            // Each candidate normalised between the nearest non-space output characters.
            let before = out_chars[..range.start]
                .iter()
                .rev()
                .find(|c| !c.is_whitespace())
                .copied();
            let after = out_chars[range.end.min(out_chars.len())..]
                .iter()
                .find(|c| !c.is_whitespace())
                .copied();
            // Surface forms (as the report gives them), not folded keys: folding unifies
            // quotes, which the truth does not.
            let mut matches = info.candidates.iter().enumerate().filter(|(_, c)| {
                let mut text = String::new();
                text.extend(before);
                text.push_str(&c.text);
                text.extend(after);
                let n = normalize(&text, &mut interner);
                let from = usize::from(before.is_some());
                let to = n.symbols.len() - usize::from(after.is_some());
                from <= to && n.symbols[from..to] == *truth_here
            });
            match (matches.next(), matches.next()) {
                (Some((i, _)), None) => Some(i),
                _ => None,
            }
        })
        .collect()
}

fn evaluate_sites(t: &Normalized, o: &Normalized, report: &ReportSites) -> SiteEvaluation {
    let map = boundary_map(&t.symbols, &o.symbols);
    // Output char index -> first normalised cluster at or after it.
    let to_cluster = |c: usize| o.char_index.partition_point(|&i| i < c);
    let mut per_site = Vec::with_capacity(report.sites.len());
    let mut judged: Vec<(f64, bool)> = Vec::new();
    for site in &report.sites {
        let (true, Some(range)) = (site.kind == "text", site.output) else {
            per_site.push(None);
            continue;
        };
        let (s, e) = (to_cluster(range.start), to_cluster(range.end));
        let (lo, hi) = (map[s].0, map[e].1);
        let correct = lo <= hi && t.symbols[lo..hi] == o.symbols[s..e];
        per_site.push(Some(correct));
        judged.push((site.confidence, correct));
    }
    let n = judged.len();
    let correct = judged.iter().filter(|j| j.1).count();
    let mut bins = Vec::new();
    let mut ece = 0.0;
    for b in 0..10 {
        let (low, high) = (b as f64 / 10.0, (b + 1) as f64 / 10.0);
        let inside: Vec<&(f64, bool)> = judged
            .iter()
            .filter(|(c, _)| *c >= low && (*c < high || b == 9))
            .collect();
        if inside.is_empty() {
            continue;
        }
        let k = inside.len() as f64;
        let conf = inside.iter().map(|j| j.0).sum::<f64>() / k;
        let acc = inside.iter().filter(|j| j.1).count() as f64 / k;
        ece += k / n as f64 * (acc - conf).abs();
        bins.push(Bin {
            low,
            high,
            sites: inside.len(),
            mean_confidence: conf,
            accuracy: acc,
        });
    }
    SiteEvaluation {
        sites: n,
        correct,
        accuracy: if n > 0 {
            correct as f64 / n as f64
        } else {
            1.0
        },
        mean_confidence: if n > 0 {
            judged.iter().map(|j| j.0).sum::<f64>() / n as f64
        } else {
            1.0
        },
        ece,
        bins,
        per_site,
    }
}

/// The plain-text table `reconcile eval` prints.
pub fn table(e: &Evaluation) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "CER  {:>7.3}%  ({} edits over {} truth characters; output has {})",
        100.0 * e.cer,
        e.char_edits,
        e.truth_clusters,
        e.output_clusters
    );
    if let (Some(wer), Some(edits), Some(n)) = (e.wer, e.word_edits, e.truth_words) {
        let _ = writeln!(
            out,
            "WER  {:>7.3}%  ({edits} edits over {n} truth words)",
            100.0 * wer
        );
    }
    if let Some(s) = &e.sites {
        let _ = writeln!(
            out,
            "sites {} decided, {} right: accuracy {:.2}%, mean confidence {:.2}%, ECE {:.4}",
            s.sites,
            s.correct,
            100.0 * s.accuracy,
            100.0 * s.mean_confidence,
            s.ece
        );
        let _ = writeln!(out, "  confidence     sites  mean conf  accuracy");
        for b in &s.bins {
            let _ = writeln!(
                out,
                "  [{:.1}, {:.1}{}  {:>6}  {:>8.2}%  {:>7.2}%",
                b.low,
                b.high,
                if b.high >= 1.0 { "]" } else { ")" },
                b.sites,
                100.0 * b.mean_confidence,
                100.0 * b.accuracy
            );
        }
    }
    out
}

pub fn run(args: EvalArgs) -> ExitCode {
    let fail = |m: String| {
        eprintln!("reconcile eval: error: {m}");
        ExitCode::from(2)
    };
    let read =
        |p: &PathBuf| std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()));
    let truth = match read(&args.truth) {
        Ok(t) => t,
        Err(e) => return fail(e),
    };
    let output = match read(&args.output) {
        Ok(t) => t,
        Err(e) => return fail(e),
    };
    let report = match &args.report {
        Some(p) => match read(p).and_then(|j| {
            serde_json::from_str::<ReportSites>(&j)
                .map_err(|e| format!("{}: not a reconcile report: {e}", p.display()))
        }) {
            Ok(r) => Some(r),
            Err(e) => return fail(e),
        },
        None => None,
    };
    let evaluation = evaluate(&truth, &output, report.as_ref());
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&evaluation).expect("evaluation serialises")
        );
    } else {
        print!("{}", table(&evaluation));
    }
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(a: &[u32], b: &[u32]) -> usize {
        let mut prev: Vec<usize> = (0..=b.len()).collect();
        for (i, x) in a.iter().enumerate() {
            let mut cur = vec![i + 1; b.len() + 1];
            for (j, y) in b.iter().enumerate() {
                cur[j + 1] = (prev[j] + usize::from(x != y))
                    .min(prev[j + 1] + 1)
                    .min(cur[j] + 1);
            }
            prev = cur;
        }
        prev[b.len()]
    }

    #[test]
    fn bit_parallel_matches_dynamic_programming() {
        let mut rng = crate::simulate::Rng::new(7);
        for round in 0..300 {
            let alphabet = 2 + rng.below(6) as u32;
            let la = rng.below(if round % 10 == 0 { 300 } else { 90 });
            let a: Vec<u32> = (0..la)
                .map(|_| rng.below(alphabet as usize) as u32)
                .collect();
            let mut b = a.clone();
            for _ in 0..rng.below(20) {
                let at = rng.below(b.len() + 1);
                match rng.below(3) {
                    0 => b.insert(at, rng.below(alphabet as usize) as u32),
                    1 if at < b.len() => {
                        b.remove(at);
                    }
                    _ if at < b.len() => b[at] = rng.below(alphabet as usize) as u32,
                    _ => {}
                }
            }
            if round % 7 == 0 {
                b = (0..rng.below(150))
                    .map(|_| rng.below(alphabet as usize) as u32)
                    .collect();
            }
            assert_eq!(levenshtein(&a, &b), naive(&a, &b), "{a:?} / {b:?}");
        }
    }

    #[test]
    fn normalisation_ignores_layout_and_width() {
        let mut i = Interner::default();
        let a = normalize("今天　张三\n去学校，等", &mut i);
        let b = normalize("今天张三去学校,等", &mut i);
        assert_eq!(a.symbols, b.symbols);
        let c = normalize("  the\n court   heard ", &mut i);
        assert_eq!(i.text(&c.symbols), "the court heard");
    }

    #[test]
    fn cer_and_wer_count_edits() {
        let e = evaluate("the court heard it", "the coart heard", None);
        assert_eq!(e.char_edits, 4);
        assert_eq!(e.word_edits, Some(2));
        let z = evaluate("今天张三丰去学校", "今天丰张三去学校", None);
        assert_eq!(z.char_edits, 2);
        assert!(z.wer.is_none());
    }
}
