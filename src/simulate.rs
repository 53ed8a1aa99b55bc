//! `reconcile simulate` — noisy transcriptions (witnesses) of a clean text, for tests and
//! benchmarks. Deterministic for a seed: the same truth, witness count, rates and seed give
//! byte-identical witnesses on every machine.
//!
//! Each witness gets its own layout and its own errors:
//!
//! * **layout** (not errors once the text is unwrapped): witness 1 has one paragraph per
//!   line, witness 2 is hard-wrapped (40 CJK characters or 72 columns, paragraphs
//!   indented; Chinese lines never break inside a number or a Latin word, English words
//!   broken at line ends get a hyphen), witness 3 separates
//!   paragraphs with blank lines, and so on in turn; punctuation width changes (，/, 。/.
//!   in Chinese; NFKC folds most of them, so they cost nothing in `eval`);
//! * **debris** (real errors): a running header (the document's first line, if at most 40 characters) dropped inside
//!   a paragraph of the hard-wrapped witness, a page marker (`- 3 -`) between paragraphs, a
//!   missing paragraph — each only while its length fits in a quarter of the witness's
//!   error budget (`--no-debris` turns them off);
//! * **character noise**, filling the rest of the budget so that the witness's character
//!   error rate is about `rate`: Chinese — visually similar characters (形近字 table,
//!   `data/zh_visual_confusions.txt`), homophones (`data/zh_homophones.txt`, toneless
//!   pinyin), dropped, doubled and swapped characters, two-character words replaced by a
//!   dictionary word sharing a character (a fluent near-synonym); English — OCR confusions
//!   (`data/en_ocr_confusions.txt`: rn/m, l/1/I, O/0, c/e, …), dropped, doubled and swapped
//!   letters, real-word substitutions (a dictionary word one edit away), split and joined
//!   words.
//!
//! Files written: `truth.txt` (the clean text as given), `witness-1.txt` … `witness-N.txt`,
//! and `simulate.json` (the parameters and, per witness, how many errors of each kind).

use crate::confusion::tables;
use crate::language_model::embedded_word_lists;
use crate::normalize::is_wide;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::OnceLock;

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
    /// Random seed: the same truth, rates and seed give the same witnesses.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// No running headers, page markers or missing paragraphs: character noise only.
    #[arg(long)]
    pub no_debris: bool,
    /// Output directory (created if missing).
    #[arg(short, long)]
    pub output: PathBuf,
}

/// SplitMix64: tiny, fast, and the same sequence everywhere.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Uniform in 0..n (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Vocabulary for word substitutions, built once from the embedded word lists.
struct Words {
    /// Two-character Chinese words, by first and by second character.
    zh_by_first: HashMap<char, Vec<String>>,
    zh_by_second: HashMap<char, Vec<String>>,
    zh_words: HashSet<String>,
    en_words: HashSet<String>,
}

fn words() -> &'static Words {
    static W: OnceLock<Words> = OnceLock::new();
    W.get_or_init(|| {
        let (zh, en) = embedded_word_lists();
        let mut zh_by_first: HashMap<char, Vec<String>> = HashMap::new();
        let mut zh_by_second: HashMap<char, Vec<String>> = HashMap::new();
        let mut zh_words = HashSet::new();
        for line in zh.lines() {
            let mut f = line.split(' ');
            let (Some(w), Some(n)) = (f.next(), f.next()) else {
                continue;
            };
            let n: f64 = n.parse().unwrap_or(0.0);
            let cs: Vec<char> = w.chars().collect();
            if cs.len() == 2 && cs.iter().all(|&c| is_cjk(c)) && n >= 300.0 {
                zh_by_first.entry(cs[0]).or_default().push(w.to_string());
                zh_by_second.entry(cs[1]).or_default().push(w.to_string());
                zh_words.insert(w.to_string());
            }
        }
        let en_words = en
            .lines()
            .take(30_000)
            .filter_map(|l| l.split(' ').next())
            .filter(|w| w.len() >= 2)
            .map(str::to_string)
            .collect();
        Words {
            zh_by_first,
            zh_by_second,
            zh_words,
            en_words,
        }
    })
}

fn is_cjk(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c) || ('\u{3400}'..='\u{4DBF}').contains(&c)
}

/// Is the text mostly Chinese (more CJK ideographs than Latin letters)?
pub fn is_chinese(text: &str) -> bool {
    let cjk = text.chars().filter(|&c| is_cjk(c)).count();
    let latin = text.chars().filter(|c| c.is_ascii_alphabetic()).count();
    cjk > latin
}

/// How a witness lays out paragraphs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    LinePerParagraph,
    HardWrapped,
    BlankLines,
}

/// Counts of the errors made in one witness, by kind.
#[derive(Debug, Clone, Default, Serialize)]
pub struct NoiseCounts {
    pub kinds: BTreeMap<&'static str, usize>,
}

impl NoiseCounts {
    fn add(&mut self, kind: &'static str) {
        *self.kinds.entry(kind).or_default() += 1;
    }
}

/// One simulated witness.
#[derive(Debug, Clone)]
pub struct SimulatedWitness {
    pub text: String,
    pub counts: NoiseCounts,
}

/// Expected edit cost of one character-noise event (Levenshtein operations), by script,
/// used to turn a target error rate into an event rate.
const ZH_EVENT_COST: f64 = 1.05;
const EN_EVENT_COST: f64 = 1.25;

/// Simulate `rates.len()` witnesses of `truth`.
pub fn simulate(truth: &str, rates: &[f64], seed: u64, debris: bool) -> Vec<SimulatedWitness> {
    let chinese = is_chinese(truth);
    let paragraphs: Vec<&str> = truth
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    // The running header is the document's title (its first line), when that is short.
    let title: String = paragraphs
        .first()
        .filter(|t| t.chars().count() <= 40)
        .map(|t| t.to_string())
        .unwrap_or_default();
    let n_chars: usize = paragraphs
        .iter()
        .map(|p| p.chars().filter(|c| !c.is_whitespace()).count())
        .sum();
    rates
        .iter()
        .enumerate()
        .map(|(w, &rate)| {
            let mut rng = Rng::new(seed.wrapping_mul(0x2545_F491_4F6C_DD1D) ^ (w as u64 + 1));
            let layout = match w % 3 {
                0 => Layout::LinePerParagraph,
                1 => Layout::HardWrapped,
                _ => Layout::BlankLines,
            };
            let mut counts = NoiseCounts::default();
            let mut budget = rate * n_chars as f64;
            // Debris first, each only if it fits in a quarter of the budget.
            let mut paras: Vec<String> = paragraphs.iter().map(|p| p.to_string()).collect();
            let mut header_at: Option<usize> = None;
            let mut marker: Option<(usize, String)> = None;
            if debris && paras.len() >= 4 {
                let quarter = budget / 4.0;
                let i = 1 + rng.below(paras.len() - 1);
                let len = paras[i].chars().count() as f64;
                if len <= quarter && rng.unit() < 0.5 {
                    paras.remove(i);
                    budget -= len;
                    counts.add("missing paragraph");
                }
                let tlen = title.chars().count() as f64;
                if layout == Layout::HardWrapped && tlen > 0.0 && tlen + 4.0 <= quarter {
                    let long: Vec<usize> = (1..paras.len())
                        .filter(|&i| paras[i].chars().count() > 100)
                        .collect();
                    if !long.is_empty() {
                        header_at = Some(*rng.pick(&long));
                        budget -= tlen + 4.0;
                        counts.add("running header");
                    }
                }
                let page = format!("- {} -", 2 + rng.below(20));
                if (page.len() as f64) <= quarter && rng.unit() < 0.7 {
                    marker = Some((1 + rng.below(paras.len() - 1), page.clone()));
                    budget -= page.len() as f64;
                    counts.add("page marker");
                }
            }
            let cost = if chinese {
                ZH_EVENT_COST
            } else {
                EN_EVENT_COST
            };
            let p = (budget.max(0.0) / n_chars.max(1) as f64 / cost).min(0.5);
            let noisy: Vec<String> = paras
                .iter()
                .map(|para| {
                    if chinese {
                        noise_zh(para, p, &mut rng, &mut counts)
                    } else {
                        noise_en(para, p, &mut rng, &mut counts)
                    }
                })
                .collect();
            let text = lay_out(
                &noisy,
                layout,
                chinese,
                header_at.map(|i| (i, title.as_str())),
                marker.as_ref().map(|(i, m)| (*i, m.as_str())),
                &mut rng,
            );
            SimulatedWitness { text, counts }
        })
        .collect()
}

fn swap_width(c: char) -> Option<char> {
    Some(match c {
        '，' => ',',
        '；' => ';',
        '：' => ':',
        '（' => '(',
        '）' => ')',
        '！' => '!',
        '？' => '?',
        ',' => '，',
        ';' => '；',
        ':' => '：',
        '(' => '（',
        ')' => '）',
        _ => return None,
    })
}

fn noise_zh(para: &str, p: f64, rng: &mut Rng, counts: &mut NoiseCounts) -> String {
    let t = tables();
    let v = words();
    let chars: Vec<char> = para.chars().collect();
    let mut out: Vec<char> = Vec::with_capacity(chars.len() + 8);
    // Stray characters to insert: the homophone table's characters, in a fixed order.
    let mut common_chars: Vec<char> = t.homophones.keys().copied().collect();
    common_chars.sort_unstable();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        // Layout-only: punctuation width (folded away by NFKC).
        if let Some(d) = swap_width(c)
            && rng.unit() < 0.1
        {
            out.push(d);
            i += 1;
            continue;
        }
        if c.is_whitespace() || rng.unit() >= p {
            out.push(c);
            i += 1;
            continue;
        }
        let roll = rng.unit();
        let next_cjk = chars.get(i + 1).is_some_and(|&d| is_cjk(d));
        if is_cjk(c) && roll < 0.3 {
            if let Some(alts) = t.visual.get(&c).filter(|a| !a.is_empty()) {
                out.push(*rng.pick(alts));
                counts.add("visual confusion");
                i += 1;
                continue;
            }
        } else if is_cjk(c) && roll < 0.55 {
            if let Some(alts) = t.homophones.get(&c).filter(|a| !a.is_empty()) {
                // Common characters first: draw from the front of the frequency-ranked group.
                let k = alts.len().min(12);
                out.push(alts[rng.below(k)]);
                counts.add("homophone");
                i += 1;
                continue;
            }
        } else if is_cjk(c) && next_cjk && roll < 0.72 {
            let word: String = chars[i..i + 2].iter().collect();
            if v.zh_words.contains(&word) {
                let by_first = &v.zh_by_first[&chars[i]];
                let by_second = &v.zh_by_second[&chars[i + 1]];
                let pool = if rng.unit() < 0.5 {
                    by_first
                } else {
                    by_second
                };
                let alt = rng.pick(pool);
                if *alt != word {
                    out.extend(alt.chars());
                    counts.add("word substitution");
                    i += 2;
                    continue;
                }
            }
        }
        let stray = |rng: &mut Rng| {
            // Punctuation from a speck, or a common character.
            if rng.unit() < 0.5 {
                *rng.pick(&['、', '，', '。', '一', '丶'])
            } else {
                *rng.pick(&common_chars)
            }
        };
        i += slip(
            &chars[i..],
            [0.45, 0.6, 0.75],
            stray,
            |d| !d.is_whitespace(),
            rng,
            &mut out,
            counts,
        );
    }
    out.into_iter().collect()
}

/// A dictionary word one substitution, deletion or insertion away from `word` (lowercase).
fn real_word_neighbour(word: &str, rng: &mut Rng) -> Option<String> {
    let t = words();
    let chars: Vec<char> = word.chars().collect();
    let mut found = Vec::new();
    for i in 0..=chars.len() {
        for l in 'a'..='z' {
            if i < chars.len() && l != chars[i] {
                let mut v = chars.clone();
                v[i] = l;
                found.push(v.iter().collect::<String>());
            }
            let mut v = chars.clone();
            v.insert(i, l);
            found.push(v.iter().collect());
        }
        if i < chars.len() && chars.len() > 2 {
            let mut v = chars.clone();
            v.remove(i);
            found.push(v.iter().collect());
        }
    }
    found.retain(|w| t.en_words.contains(w));
    found.sort();
    found.dedup();
    (!found.is_empty()).then(|| rng.pick(&found).clone())
}

fn noise_en(para: &str, p: f64, rng: &mut Rng, counts: &mut NoiseCounts) -> String {
    let t = tables();
    let chars: Vec<char> = para.chars().collect();
    let mut out = String::with_capacity(para.len() + 16);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if rng.unit() >= p {
            out.push(c);
            i += 1;
            continue;
        }
        let roll = rng.unit();
        if c == ' ' {
            // Joined words.
            if roll < 0.5 {
                counts.add("joined words");
            } else {
                out.push(c);
            }
            i += 1;
            continue;
        }
        let word_start = i == 0 || !chars[i - 1].is_alphanumeric();
        if roll < 0.45 {
            let rest: String = chars[i..chars.len().min(i + 2)].iter().collect();
            let options: Vec<&(String, String)> = t
                .ocr
                .iter()
                .filter(|(a, _)| rest.starts_with(a.as_str()))
                .collect();
            if !options.is_empty() {
                let (a, b) = rng.pick(&options);
                out.push_str(b);
                i += a.chars().count();
                counts.add("OCR confusion");
                continue;
            }
        } else if roll < 0.6 && word_start && c.is_alphabetic() {
            let end = (i..chars.len())
                .find(|&j| !chars[j].is_alphabetic())
                .unwrap_or(chars.len());
            let word: String = chars[i..end].iter().collect();
            let lower = word.to_lowercase();
            if word.len() >= 3
                && let Some(mut alt) = real_word_neighbour(&lower, rng)
            {
                if c.is_uppercase() {
                    let mut cs = alt.chars();
                    alt = cs
                        .next()
                        .map(|f| f.to_uppercase().chain(cs).collect())
                        .unwrap_or_default();
                }
                out.push_str(&alt);
                i = end;
                counts.add("word substitution");
                continue;
            }
        } else if roll < 0.7 && c.is_alphabetic() && i > 0 && chars[i - 1].is_alphabetic() {
            out.push(' ');
            out.push(c);
            counts.add("split word");
            i += 1;
            continue;
        }
        // Punctuation from a speck, or a letter.
        let stray = |rng: &mut Rng| *rng.pick(&['.', ',', '\'', 'i', 'l', 'e', 'a', 'n', 't', 's']);
        i += slip(
            &chars[i..],
            [0.4, 0.55, 0.7],
            stray,
            |d| d != ' ',
            rng,
            &mut out,
            counts,
        );
    }
    out
}

/// A mechanical slip at the first character of `rest`, shared by both languages: dropped,
/// doubled, a stray character inserted before it, or swapped with the next character when
/// `swappable` allows (otherwise kept); `odds` are the cumulative chances of the first three.
/// Returns how many characters it used: 2 for a swap, 1 otherwise.
fn slip(
    rest: &[char],
    odds: [f64; 3],
    stray: impl FnOnce(&mut Rng) -> char,
    swappable: impl Fn(char) -> bool,
    rng: &mut Rng,
    out: &mut impl Extend<char>,
    counts: &mut NoiseCounts,
) -> usize {
    let c = rest[0];
    let roll = rng.unit();
    if roll < odds[0] {
        counts.add("dropped");
    } else if roll < odds[1] {
        out.extend([c, c]);
        counts.add("doubled");
    } else if roll < odds[2] {
        out.extend([stray(rng), c]);
        counts.add("inserted");
    } else if let Some(&next) = rest.get(1).filter(|&&d| swappable(d)) {
        out.extend([next, c]);
        counts.add("swapped");
        return 2;
    } else {
        out.extend([c]);
    }
    1
}

/// Hard-wrap one paragraph (already indented) at 80 display columns (Chinese) or 72. Chinese text
/// breaks between any two wide characters but, as typesetting does (Unicode line breaking),
/// not inside a run of narrow ones (a Latin word, a number, "**"), and a space at a break
/// goes; English words that do not fit are hyphenated when long, moved to the next line
/// otherwise.
fn wrap(para: &str, chinese: bool, rng: &mut Rng) -> Vec<String> {
    let col = |c: char| if is_wide(c) { 2 } else { 1 };
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut width = 0;
    if chinese {
        let limit = 80;
        let chars: Vec<char> = para.chars().collect();
        let narrow_run = |c: char| !is_wide(c) && !c.is_whitespace();
        let mut i = 0;
        while i < chars.len() {
            let end = if narrow_run(chars[i]) {
                (i..chars.len())
                    .find(|&j| !narrow_run(chars[j]))
                    .unwrap_or(chars.len())
            } else {
                i + 1
            };
            let unit = &chars[i..end];
            let unit_width: usize = unit.iter().map(|&c| col(c)).sum();
            // Break before a unit that does not fit, unless the line holds only its
            // indentation; spaces at the start of the new line go with the break.
            if width + unit_width > limit && !line.trim().is_empty() {
                lines.push(std::mem::take(&mut line).trim_end().to_string());
                width = 0;
            }
            if line.is_empty() && !lines.is_empty() && unit.iter().all(|c| c.is_whitespace()) {
                i = end;
                continue;
            }
            // A run wider than a whole line breaks where the line is full.
            for &c in unit {
                if width + col(c) > limit {
                    lines.push(std::mem::take(&mut line));
                    width = 0;
                }
                line.push(c);
                width += col(c);
            }
            i = end;
        }
    } else {
        let limit = 72;
        let words = para.split(' ');
        let indent = para.len() - para.trim_start().len();
        line.push_str(&para[..indent]);
        width = indent;
        for word in words {
            if word.is_empty() {
                continue;
            }
            let w = word.chars().count();
            let sep = usize::from(width > indent || !lines.is_empty() && !line.is_empty());
            if width + sep + w <= limit {
                if sep == 1 {
                    line.push(' ');
                }
                line.push_str(word);
                width += sep + w;
                continue;
            }
            let room = limit.saturating_sub(width + sep + 1);
            let letters = word.chars().all(|c| c.is_ascii_lowercase());
            if letters && w >= 8 && room >= 3 && w - room >= 3 && rng.unit() < 0.7 {
                let head: String = word.chars().take(room).collect();
                let tail: String = word.chars().skip(room).collect();
                if sep == 1 {
                    line.push(' ');
                }
                line.push_str(&head);
                line.push('-');
                lines.push(std::mem::take(&mut line));
                line.push_str(&tail);
                width = tail.chars().count();
            } else {
                lines.push(std::mem::take(&mut line));
                line.push_str(word);
                width = w;
            }
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

fn lay_out(
    paras: &[String],
    layout: Layout,
    chinese: bool,
    header: Option<(usize, &str)>,
    marker: Option<(usize, &str)>,
    rng: &mut Rng,
) -> String {
    let mut out = String::new();
    for (i, para) in paras.iter().enumerate() {
        if let Some((m, text)) = marker
            && m == i
        {
            out.push_str(text);
            out.push_str(if layout == Layout::LinePerParagraph {
                "\n"
            } else {
                "\n\n"
            });
        }
        match layout {
            Layout::LinePerParagraph => {
                out.push_str(para);
                out.push('\n');
            }
            Layout::BlankLines => {
                out.push_str(para);
                out.push_str("\n\n");
            }
            Layout::HardWrapped => {
                let indent = if chinese { "\u{3000}\u{3000}" } else { "  " };
                let lines = wrap(&format!("{indent}{para}"), chinese, rng);
                let header_line = match header {
                    Some((h, title)) if h == i && lines.len() >= 3 => {
                        Some((1 + rng.below(lines.len() - 2), title))
                    }
                    _ => None,
                };
                for (k, line) in lines.iter().enumerate() {
                    if let Some((at, title)) = header_line
                        && at == k
                    {
                        out.push('\n');
                        out.push_str(title);
                        out.push_str("\n\n");
                    }
                    out.push_str(line);
                    out.push('\n');
                }
            }
        }
    }
    out
}

#[derive(Serialize)]
struct Manifest<'a> {
    truth: String,
    seed: u64,
    rates: &'a [f64],
    debris: bool,
    witnesses: Vec<ManifestWitness>,
}

#[derive(Serialize)]
struct ManifestWitness {
    file: String,
    rate: f64,
    errors: BTreeMap<&'static str, usize>,
}

/// Parse `--rate`: one rate for all witnesses, or a comma-separated list, one per witness.
pub fn parse_rates(spec: &str, witnesses: usize) -> Result<Vec<f64>, String> {
    let rates: Vec<f64> = spec
        .split(',')
        .map(|r| {
            r.trim()
                .parse::<f64>()
                .ok()
                .filter(|x| (0.0..=0.5).contains(x))
                .ok_or_else(|| format!("'{r}' is not a rate between 0 and 0.5"))
        })
        .collect::<Result<_, _>>()?;
    match rates.len() {
        1 => Ok(vec![rates[0]; witnesses]),
        n if n == witnesses => Ok(rates),
        n => Err(format!(
            "--rate gives {n} rates for {witnesses} witnesses (give one, or one per witness)"
        )),
    }
}

pub fn run(args: SimulateArgs) -> ExitCode {
    let fail = |m: String| {
        eprintln!("reconcile simulate: error: {m}");
        ExitCode::from(2)
    };
    if args.witnesses == 0 {
        return fail("--witnesses must be at least 1".into());
    }
    let rates = match parse_rates(&args.rate, args.witnesses) {
        Ok(r) => r,
        Err(e) => return fail(e),
    };
    let truth = match std::fs::read_to_string(&args.truth) {
        Ok(t) => t,
        Err(e) => return fail(format!("{}: {e}", args.truth.display())),
    };
    if let Err(e) = std::fs::create_dir_all(&args.output) {
        return fail(format!("{}: {e}", args.output.display()));
    }
    let simulated = simulate(&truth, &rates, args.seed, !args.no_debris);
    let write = |name: &str, text: &str| {
        let path = args.output.join(name);
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))
    };
    if let Err(e) = write("truth.txt", &truth) {
        return fail(e);
    }
    let mut manifest = Manifest {
        truth: args.truth.display().to_string(),
        seed: args.seed,
        rates: &rates,
        debris: !args.no_debris,
        witnesses: Vec::new(),
    };
    for (i, w) in simulated.iter().enumerate() {
        let file = format!("witness-{}.txt", i + 1);
        if let Err(e) = write(&file, &w.text) {
            return fail(e);
        }
        manifest.witnesses.push(ManifestWitness {
            file,
            rate: rates[i],
            errors: w.counts.kinds.clone(),
        });
    }
    let json = serde_json::to_string_pretty(&manifest).expect("manifest serialises") + "\n";
    if let Err(e) = write("simulate.json", &json) {
        return fail(e);
    }
    eprintln!(
        "reconcile simulate: wrote truth.txt and {} witnesses to {}",
        simulated.len(),
        args.output.display()
    );
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rng_is_fixed() {
        let mut r = Rng::new(1);
        let a = r.next_u64();
        let b = r.next_u64();
        assert_ne!(a, b);
        assert_eq!(Rng::new(1).next_u64(), a);
    }

    #[test]
    fn chinese_wrap_keeps_numbers_and_latin_words_whole() {
        let para = "二〇一九年全市图书馆共借出图书31,582,000册，比上一年多6.4%，其中Windows 11编程相关的计算机图书借阅增长明显，\
                    **重点推荐**读书活动吸引了很多读者，2019年度报告显示按时还书率达到92.75%以上，读者都很满意。"
            .repeat(3);
        // Every shift of the text against the line ends.
        for shift in 0..40 {
            let para = format!("{}{para}", "年".repeat(shift));
            let lines = wrap(&para, true, &mut Rng::new(7));
            assert!(lines.len() > 3);
            // Joined as a reader of hard-wrapped text joins them (a space between two narrow
            // characters, nothing next to a wide one), the lines give the paragraph back: no
            // break fell inside a number or word, and only spaces at breaks went.
            let narrow = |c: Option<char>| c.is_some_and(|c| !is_wide(c));
            let mut joined = lines[0].clone();
            for pair in lines.windows(2) {
                if narrow(pair[0].chars().last()) && narrow(pair[1].chars().next()) {
                    joined.push(' ');
                }
                joined.push_str(&pair[1]);
            }
            assert_eq!(joined, para, "shift {shift}");
        }
        // An indented paragraph that opens with a run wider than a line keeps its indent on
        // its first line, and no line starts with a space.
        let url = format!(
            "　　{}见附件。{}",
            "https://example.org/".repeat(5),
            "统计  数据".repeat(20)
        );
        let lines = wrap(&url, true, &mut Rng::new(7));
        assert!(lines[0].starts_with("　　https://"), "{lines:?}");
        assert!(
            lines.iter().all(|l| !l.is_empty() && !l.starts_with(' ')),
            "{lines:?}"
        );
    }

    #[test]
    fn rates_parse() {
        assert_eq!(parse_rates("0.03", 3).unwrap(), vec![0.03; 3]);
        assert_eq!(parse_rates("0.003,0.05", 2).unwrap(), vec![0.003, 0.05]);
        assert!(parse_rates("0.1,0.2", 3).is_err());
        assert!(parse_rates("x", 1).is_err());
    }

    #[test]
    fn confusion_tables_load() {
        let t = tables();
        assert!(t.visual.get(&'龙').is_some_and(|v| v.contains(&'拢')));
        assert!(t.homophones.get(&'是').is_some_and(|v| v.contains(&'时')));
        assert!(t.ocr.iter().any(|(a, b)| a == "rn" && b == "m"));
    }
}
