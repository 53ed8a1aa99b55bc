//! Embedded, length-fair language-plausibility model.
//!
//! At a disagreement between transcriptions the pipeline asks "which candidate reading looks
//! more like real text?" by scoring `left_context + candidate + right_context` for every
//! candidate and comparing the numbers. A plain language-model log-probability is useless for
//! that: every extra character costs probability, so a reading with a *dropped* character would
//! always win. This model therefore returns a log-likelihood **ratio**
//!
//! ```text
//! plausibility(text) = ln P(text | word model) - ln P(text | background character model)
//! ```
//!
//! Both models are built from the same word-frequency list. Adding or removing a character
//! changes both terms by roughly that character's background cost, so length alone barely moves
//! the score; what moves it is whether the characters form known words (a broken word, a
//! misspelling or a scrambled order all lose).
//!
//! Text is split into runs by script:
//! * runs of CJK ideographs are scored with a Chinese unigram word model, segmented by Viterbi
//!   (best segmentation), against a character-unigram background;
//! * Latin words (letters and internal apostrophes) are scored one by one with an English
//!   unigram word model against a letter-unigram background that includes an end-of-word symbol;
//! * everything else (digits, punctuation, spaces, other scripts) scores 0 and only separates
//!   runs.
//!
//! The input is NFKC-normalised first, so full-width Latin letters and digits behave like ASCII.
//!
//! Data: `data/zh_word_freq.txt` and `data/en_word_freq.txt` (see `data/README.md` for
//! provenance and licences), embedded with `include_str!`.

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

const EMBEDDED_CHINESE_WORD_FREQ: &str = include_str!("../data/zh_word_freq.txt");
const EMBEDDED_ENGLISH_WORD_FREQ: &str = include_str!("../data/en_word_freq.txt");

/// The embedded word-frequency lists (Chinese, English) in `word freq` lines, for other
/// modules that need the vocabulary (e.g. the noise simulator's word substitutions).
pub fn embedded_word_lists() -> (&'static str, &'static str) {
    (EMBEDDED_CHINESE_WORD_FREQ, EMBEDDED_ENGLISH_WORD_FREQ)
}

/// Longest Chinese word (in characters) the segmenter looks for. The embedded dictionary's
/// longest entries have 16 characters; the cap bounds the work per character on any input.
const MAX_CHINESE_WORD_CHARS: usize = 16;

/// Pseudo-frequency given to a character or letter that never occurs in the word list, so that
/// its background probability is small but non-zero (and every score stays finite).
const UNSEEN_SYMBOL_PSEUDO_FREQ: f64 = 0.5;

/// Mixture weight of the "any character string" component in the Chinese single-character word
/// probability: P(c as a one-character word) = freq(c)/total + weight * P_background(c).
///
/// Why a mixture rather than a flat floor frequency: with a flat floor, a rare ideograph the
/// dictionary has never seen would be priced almost exactly like its (equally tiny) background
/// probability and score about 0, while a character that occurs in the list only inside longer
/// words would score far below 0 (its background probability is far above the floor) — so an
/// OCR error producing an obscure character would beat one producing a common character. With the mixture, a character stranded outside any known word
/// scores at least `ln(weight)` whatever it is. The value corresponds to assuming roughly 1 in 50
/// characters of real text is outside the dictionary's words.
const CHINESE_STRANDED_CHAR_WEIGHT: f64 = 0.02;

/// Mixture weight of the "unknown word" component in the English word model:
/// P(word) = freq(word)/total + weight * P_background(word).
///
/// An unknown word is thus priced like its letters (so a long unknown word is not absurdly
/// expensive) times this weight, giving every unknown word the score `ln(weight)`. It is roughly
/// the share of running text outside the word list (names, rare words, typos).
const ENGLISH_UNKNOWN_WORD_WEIGHT: f64 = 0.02;

/// The embedded, length-fair plausibility model. See the module documentation.
///
/// The embedded model builds each half (Chinese, English) on its first use, so a process
/// that only ever scores English never parses the much larger Chinese list; `prepare`
/// builds halves ahead of time (on a background thread, say).
pub struct LanguageModel {
    chinese: OnceLock<ChineseModel>,
    english: OnceLock<EnglishModel>,
    /// The word lists (Chinese, English) the halves are built from on first use; `None`
    /// when both were built up front.
    lazy_source: Option<(&'static str, &'static str)>,
}

impl LanguageModel {
    /// The embedded default model (both files via include_str!), each half parsed on first use (std::sync::OnceLock) and shared.
    pub fn embedded() -> &'static LanguageModel {
        static EMBEDDED: LanguageModel = LanguageModel {
            chinese: OnceLock::new(),
            english: OnceLock::new(),
            lazy_source: Some((EMBEDDED_CHINESE_WORD_FREQ, EMBEDDED_ENGLISH_WORD_FREQ)),
        };
        &EMBEDDED
    }

    /// Build from word-frequency texts in the same `word freq` line format (for tests with tiny dictionaries).
    ///
    /// Lines that do not have exactly a word and a positive finite frequency are ignored.
    /// A word listed twice has its frequencies added.
    #[must_use]
    pub fn from_word_lists(chinese: &str, english: &str) -> LanguageModel {
        let to_key = |word: &str| Cow::Owned(word.to_owned());
        LanguageModel {
            chinese: OnceLock::from(ChineseModel::from_word_list(chinese, to_key)),
            english: OnceLock::from(EnglishModel::from_word_list(english, to_key)),
            lazy_source: None,
        }
    }

    fn chinese(&self) -> &ChineseModel {
        self.chinese.get_or_init(|| {
            // The embedded texts live for the whole program, so the dictionary keys can borrow
            // from them instead of allocating ~570k small strings (saves about a third of the load time).
            let (chinese, _) = self
                .lazy_source
                .expect("a model without a half has its source");
            ChineseModel::from_word_list(chinese, Cow::Borrowed)
        })
    }

    fn english(&self) -> &EnglishModel {
        self.english.get_or_init(|| {
            let (_, english) = self
                .lazy_source
                .expect("a model without a half has its source");
            EnglishModel::from_word_list(english, Cow::Borrowed)
        })
    }

    /// Which halves scoring `text` can need: (Chinese, English).
    #[must_use]
    pub fn halves_needed(text: &str) -> (bool, bool) {
        let (mut chinese, mut english) = (false, false);
        for ch in text.chars() {
            chinese |= is_cjk_ideograph(ch);
            // Full-width Latin letters become ASCII under NFKC.
            english |= is_latin_letter(ch)
                || matches!(ch, '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}');
            if chinese && english {
                break;
            }
        }
        (chinese, english)
    }

    /// Whether the requested halves are built already.
    #[must_use]
    pub fn is_ready(&self, chinese: bool, english: bool) -> bool {
        (!chinese || self.chinese.get().is_some()) && (!english || self.english.get().is_some())
    }

    /// Build the requested halves now rather than at their first use.
    pub fn prepare(&self, chinese: bool, english: bool) {
        if english {
            self.english();
        }
        if chinese {
            self.chinese();
        }
    }

    /// Length-fair plausibility of `text`, in nats: log P(text | word model) - log P(text | background character model).
    ///
    /// Higher means more word-like. Only differences between strings of similar content are
    /// meaningful. Never panics; the empty string (and any text without CJK ideographs or Latin
    /// letters) scores 0.0.
    #[must_use]
    pub fn plausibility(&self, text: &str) -> f64 {
        let normalized = nfkc(text);
        script_runs(&normalized)
            .map(|run| match run {
                ScriptRun::Chinese(run) => self.chinese().run_plausibility(run),
                ScriptRun::LatinWord(word) => self.english().word_plausibility(word),
            })
            .sum()
    }

    /// Whether the English word list has `word` (any case, either apostrophe).
    #[must_use]
    pub fn knows_english_word(&self, word: &str) -> bool {
        self.english().knows(&nfkc(word))
    }

    /// The English word of the list, within two edits of every word of `words` (within one
    /// of a word of three letters or fewer) and accepted by `fits`, likeliest to have been
    /// garbled into them (its probability against the edits it takes), lowercase; `None` if
    /// there is none. For a word that every witness garbled differently (`decide`'s spelled
    /// readings).
    #[must_use]
    pub fn nearest_known_english_word(
        &self,
        words: &[&str],
        fits: &dyn Fn(&str) -> bool,
    ) -> Option<String> {
        let words: Vec<Cow<'_, str>> = words.iter().map(|w| nfkc(w)).collect();
        let words: Vec<&str> = words.iter().map(|w| w.as_ref()).collect();
        self.english().nearest_known_word(&words, fits)
    }
}

/// NFKC-normalise, without allocating in the common already-normalised case.
fn nfkc(text: &str) -> Cow<'_, str> {
    // ASCII and the main CJK Unified Ideographs block are NFKC-stable and make up most input;
    // checking for them first is cheaper than the general quick check.
    let obviously_normalized = text
        .chars()
        .all(|ch| ch.is_ascii() || ('\u{4E00}'..='\u{9FFF}').contains(&ch));
    if obviously_normalized || is_nfkc_quick(text.chars()) == IsNormalized::Yes {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.nfkc().collect())
    }
}

/// `ln(e^a + e^b)` without overflow or loss of precision.
fn log_add_exp(a: f64, b: f64) -> f64 {
    let (larger, smaller) = if a >= b { (a, b) } else { (b, a) };
    larger + (smaller - larger).exp().ln_1p()
}

/// A dictionary word as stored in a table: borrowed from the embedded data, or owned.
type DictionaryKey = Cow<'static, str>;

/// A `HashMap` with a fast non-cryptographic hasher. The keys are our own dictionary words and
/// short candidate strings, so resistance to hash flooding is not needed, and the default SipHash
/// makes building the ~500k-entry Chinese table markedly slower.
type FastHashMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;

/// Multiply-rotate hasher in the style of FxHash, with a final avalanche step so that both the
/// low bits (bucket index) and the high bits (hashbrown's tag byte) are well mixed.
#[derive(Default, Clone, Copy)]
struct FastHasher {
    state: u64,
}

impl FastHasher {
    const MULTIPLIER: u64 = 0x517c_c1b7_2722_0a95;

    fn add(&mut self, word: u64) {
        self.state = (self.state.rotate_left(5) ^ word).wrapping_mul(Self::MULTIPLIER);
    }
}

impl Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            self.add(u64::from_le_bytes(chunk.try_into().expect("8-byte chunk")));
        }
        let remainder = chunks.remainder();
        if !remainder.is_empty() {
            let mut last = [0u8; 8];
            last[..remainder.len()].copy_from_slice(remainder);
            self.add(u64::from_le_bytes(last));
        }
    }

    fn write_u8(&mut self, value: u8) {
        self.add(u64::from(value));
    }

    fn write_u32(&mut self, value: u32) {
        self.add(u64::from(value));
    }

    fn write_u64(&mut self, value: u64) {
        self.add(value);
    }

    fn write_usize(&mut self, value: usize) {
        self.add(value as u64);
    }

    fn finish(&self) -> u64 {
        // SplitMix64 finaliser.
        let mut hash = self.state;
        hash = (hash ^ (hash >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        hash = (hash ^ (hash >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        hash ^ (hash >> 31)
    }
}

/// Parses `word freq` lines, skipping anything malformed or with a non-positive frequency.
fn parse_word_freq_lines(text: &str) -> impl Iterator<Item = (&str, f64)> {
    text.lines().filter_map(|line| {
        let mut fields = line.split_whitespace();
        let word = fields.next()?;
        let freq: f64 = fields.next()?.parse().ok()?;
        let well_formed = fields.next().is_none() && freq.is_finite() && freq > 0.0;
        well_formed.then_some((word, freq))
    })
}

// ---------------------------------------------------------------------------------------------
// Splitting text into script runs
// ---------------------------------------------------------------------------------------------

/// A maximal piece of text scored by one of the two models.
#[derive(Debug, PartialEq)]
enum ScriptRun<'a> {
    /// Consecutive CJK ideographs.
    Chinese(&'a str),
    /// Latin letters with internal apostrophes (leading/trailing apostrophes, i.e. quotes, are
    /// trimmed off).
    LatinWord(&'a str),
}

#[derive(Clone, Copy, PartialEq)]
enum CharClass {
    CjkIdeograph,
    /// Latin letter or apostrophe.
    LatinWordChar,
    Other,
}

fn classify(ch: char) -> CharClass {
    if is_cjk_ideograph(ch) {
        CharClass::CjkIdeograph
    } else if is_in_english_word(ch) {
        CharClass::LatinWordChar
    } else {
        CharClass::Other
    }
}

fn is_cjk_ideograph(ch: char) -> bool {
    matches!(ch,
        '\u{3007}'                      // 〇 ideographic number zero
        | '\u{3400}'..='\u{4DBF}'       // Extension A
        | '\u{4E00}'..='\u{9FFF}'       // Unified Ideographs
        | '\u{F900}'..='\u{FAFF}'       // Compatibility Ideographs
        | '\u{20000}'..='\u{2EBEF}'     // Extensions B–F
        | '\u{2F800}'..='\u{2FA1F}'     // Compatibility Supplement
        | '\u{30000}'..='\u{323AF}' // Extensions G–H
    )
}

fn is_latin_letter(ch: char) -> bool {
    ch.is_ascii_alphabetic()
        || (ch.is_alphabetic()
            && matches!(ch,
                '\u{00C0}'..='\u{024F}'     // Latin-1 Supplement letters, Latin Extended-A/B
                | '\u{1E00}'..='\u{1EFF}' // Latin Extended Additional
            ))
}

fn is_apostrophe(ch: char) -> bool {
    ch == '\'' || ch == '\u{2019}'
}

/// Whether `ch` belongs to an English word as the model reads words (letters of the Latin
/// script and apostrophes): a context that stops at such a character may cut a word.
pub fn is_in_english_word(ch: char) -> bool {
    is_latin_letter(ch) || is_apostrophe(ch)
}

fn script_runs(text: &str) -> impl Iterator<Item = ScriptRun<'_>> {
    let mut rest = text;
    std::iter::from_fn(move || {
        loop {
            let (start, first) = rest
                .char_indices()
                .find(|&(_, ch)| classify(ch) != CharClass::Other)?;
            let class = classify(first);
            let run_and_after = &rest[start..];
            let run_len = run_and_after
                .char_indices()
                .find(|&(_, ch)| classify(ch) != class)
                .map_or(run_and_after.len(), |(offset, _)| offset);
            let run = &run_and_after[..run_len];
            rest = &run_and_after[run_len..];
            match class {
                CharClass::CjkIdeograph => return Some(ScriptRun::Chinese(run)),
                CharClass::LatinWordChar => {
                    let word = run.trim_matches(is_apostrophe);
                    if !word.is_empty() {
                        return Some(ScriptRun::LatinWord(word));
                    }
                }
                CharClass::Other => {} // not produced: runs start at a non-Other character
            }
        }
    })
}

// ---------------------------------------------------------------------------------------------
// Chinese
// ---------------------------------------------------------------------------------------------

/// Per-character log-probabilities for the Chinese model.
#[derive(Clone, Copy, Debug)]
struct ChineseCharLogProbs {
    /// ln P(this character as a one-character word), including the stranded-character mixture.
    as_single_word: f64,
    /// ln P(this character) under the background character-unigram model.
    background: f64,
}

struct ChineseModel {
    /// Multi-character words of ideographs, plus every proper prefix of them (of two or more
    /// characters) so that the segmenter can stop extending a candidate as soon as no word
    /// starts that way. Value: ln(freq/total) for words, `None` for prefix-only entries.
    multi_char_words: FastHashMap<DictionaryKey, Option<f64>>,
    chars: FastHashMap<char, ChineseCharLogProbs>,
    /// Used for characters that never occur in the word list.
    unseen_char: ChineseCharLogProbs,
    max_word_chars: usize,
}

impl ChineseModel {
    fn from_word_list<'t>(
        word_list: &'t str,
        to_key: fn(&'t str) -> DictionaryKey,
    ) -> ChineseModel {
        // Normalisers: sum of word frequencies (word model) and of frequency x length (character
        // model). All entries count, including mixed-script ones like "AA制" that the segmenter
        // can never match, because they are part of the distributions the list describes.
        let mut word_freq_total = 0.0;
        let mut char_token_total = 0.0;
        let mut char_token_freq: FastHashMap<char, f64> = FastHashMap::default();
        let mut single_char_word_freq: FastHashMap<char, f64> = FastHashMap::default();
        // Holds frequencies while reading; converted to log-probabilities in place afterwards.
        let mut multi_char_words: FastHashMap<DictionaryKey, Option<f64>> =
            FastHashMap::with_capacity_and_hasher(
                word_list.len() / 8, // ~12 bytes a line, ~1.4 entries a line
                BuildHasherDefault::default(),
            );
        let mut max_word_chars = 1;

        for (word, freq) in parse_word_freq_lines(word_list) {
            word_freq_total += freq;
            let mut char_count = 0;
            for ch in word.chars() {
                *char_token_freq.entry(ch).or_default() += freq;
                char_count += 1;
            }
            char_token_total += freq * char_count as f64;

            if char_count > MAX_CHINESE_WORD_CHARS || !word.chars().all(is_cjk_ideograph) {
                continue;
            }
            if char_count == 1 {
                let ch = word.chars().next().expect("one character");
                *single_char_word_freq.entry(ch).or_default() += freq;
                continue;
            }
            max_word_chars = max_word_chars.max(char_count);
            match multi_char_words.get_mut(word) {
                Some(Some(known_freq)) => *known_freq += freq,
                Some(prefix_only) => *prefix_only = Some(freq),
                None => {
                    multi_char_words.insert(to_key(word), Some(freq));
                }
            }
            // Register the proper prefixes of two or more characters.
            for (prefix_end, _) in word.char_indices().skip(2) {
                let prefix = &word[..prefix_end];
                if !multi_char_words.contains_key(prefix) {
                    multi_char_words.insert(to_key(prefix), None);
                }
            }
        }

        // Guard against empty lists: keep every logarithm finite.
        let word_freq_total: f64 = word_freq_total.max(UNSEEN_SYMBOL_PSEUDO_FREQ);
        let char_token_total: f64 = char_token_total.max(UNSEEN_SYMBOL_PSEUDO_FREQ);

        for freq in multi_char_words.values_mut().flatten() {
            *freq = (*freq / word_freq_total).ln();
        }

        let char_log_probs = |background_prob: f64, single_word_freq: f64| ChineseCharLogProbs {
            as_single_word: (single_word_freq / word_freq_total
                + CHINESE_STRANDED_CHAR_WEIGHT * background_prob)
                .ln(),
            background: background_prob.ln(),
        };
        let chars = char_token_freq
            .iter()
            .map(|(&ch, &token_freq)| {
                let single_word_freq = single_char_word_freq.get(&ch).copied().unwrap_or(0.0);
                (
                    ch,
                    char_log_probs(token_freq / char_token_total, single_word_freq),
                )
            })
            .collect();
        let unseen_char = char_log_probs(UNSEEN_SYMBOL_PSEUDO_FREQ / char_token_total, 0.0);

        ChineseModel {
            multi_char_words,
            chars,
            unseen_char,
            max_word_chars,
        }
    }

    fn char_log_probs(&self, ch: char) -> ChineseCharLogProbs {
        self.chars.get(&ch).copied().unwrap_or(self.unseen_char)
    }

    /// ln P(run | word model) under the best segmentation (Viterbi over the word lattice).
    fn word_model_log_prob(&self, run: &str) -> f64 {
        // Byte offset of every character boundary, so that candidate words are plain slices.
        let boundaries: Vec<usize> = run
            .char_indices()
            .map(|(offset, _)| offset)
            .chain(std::iter::once(run.len()))
            .collect();
        let char_count = boundaries.len() - 1;
        // best_log_prob[i]: best ln P of a segmentation of the first i characters.
        let mut best_log_prob = vec![f64::NEG_INFINITY; char_count + 1];
        best_log_prob[0] = 0.0;

        for (start, ch) in run.chars().enumerate() {
            let prefix_log_prob = best_log_prob[start];
            // A single character is always a possible segment, so every position is reachable.
            let single = prefix_log_prob + self.char_log_probs(ch).as_single_word;
            if single > best_log_prob[start + 1] {
                best_log_prob[start + 1] = single;
            }
            let longest_end = char_count.min(start + self.max_word_chars);
            for end in start + 2..=longest_end {
                let candidate = &run[boundaries[start]..boundaries[end]];
                match self.multi_char_words.get(candidate) {
                    None => break,   // no dictionary word starts with `candidate`
                    Some(None) => {} // only a prefix of longer words
                    Some(Some(word_log_prob)) => {
                        let total = prefix_log_prob + word_log_prob;
                        if total > best_log_prob[end] {
                            best_log_prob[end] = total;
                        }
                    }
                }
            }
        }
        best_log_prob[char_count]
    }

    /// ln P(run | background character-unigram model).
    fn background_log_prob(&self, run: &str) -> f64 {
        run.chars()
            .map(|ch| self.char_log_probs(ch).background)
            .sum()
    }

    fn run_plausibility(&self, run: &str) -> f64 {
        self.word_model_log_prob(run) - self.background_log_prob(run)
    }
}

// ---------------------------------------------------------------------------------------------
// English
// ---------------------------------------------------------------------------------------------

struct EnglishModel {
    /// ln(freq/total) of every (lowercased) word in the list.
    word_log_probs: FastHashMap<DictionaryKey, f64>,
    /// Background ln P(letter) for each letter seen in the list (letters and apostrophe).
    letter_log_probs: FastHashMap<char, f64>,
    unseen_letter_log_prob: f64,
    /// Background ln P(end of word): the per-word boundary cost. The background model spells a
    /// word letter by letter and then emits this symbol, exactly as the word model emits one word
    /// and then a boundary, so splitting or joining words is judged on the words themselves.
    end_of_word_log_prob: f64,
    unknown_word_log_weight: f64,
    /// The known words by length in characters, likeliest first (ties by spelling), for
    /// `nearest_known_word`; built on its first use.
    words_by_length: OnceLock<Vec<WordsOfLength>>,
}

impl EnglishModel {
    fn from_word_list<'t>(
        word_list: &'t str,
        to_key: fn(&'t str) -> DictionaryKey,
    ) -> EnglishModel {
        // Both maps hold frequencies while reading; converted to log-probabilities in place.
        let mut word_log_probs: FastHashMap<DictionaryKey, f64> =
            FastHashMap::with_capacity_and_hasher(
                word_list.len() / 12, // ~16 bytes a line
                BuildHasherDefault::default(),
            );
        let mut letter_log_probs: FastHashMap<char, f64> = FastHashMap::default();
        let mut word_freq_total = 0.0;
        let mut letter_freq_total = 0.0;

        for (word, freq) in parse_word_freq_lines(word_list) {
            let word = normalize_english_word(word);
            word_freq_total += freq;
            for ch in word.chars() {
                *letter_log_probs.entry(ch).or_default() += freq;
                letter_freq_total += freq;
            }
            match word_log_probs.get_mut(word.as_ref()) {
                Some(known_freq) => *known_freq += freq,
                None => {
                    let key = match word {
                        Cow::Borrowed(word) => to_key(word),
                        Cow::Owned(word) => Cow::Owned(word),
                    };
                    word_log_probs.insert(key, freq);
                }
            }
        }

        // Every word contributes its letters plus one end-of-word symbol to the background.
        // Guard against empty lists: keep every logarithm finite.
        let end_of_word_freq: f64 = word_freq_total.max(UNSEEN_SYMBOL_PSEUDO_FREQ);
        let background_symbol_total = letter_freq_total + end_of_word_freq;
        let word_freq_total: f64 = word_freq_total.max(UNSEEN_SYMBOL_PSEUDO_FREQ);

        for freq in word_log_probs.values_mut() {
            *freq = (*freq / word_freq_total).ln();
        }
        for freq in letter_log_probs.values_mut() {
            *freq = (*freq / background_symbol_total).ln();
        }

        EnglishModel {
            word_log_probs,
            letter_log_probs,
            unseen_letter_log_prob: (UNSEEN_SYMBOL_PSEUDO_FREQ / background_symbol_total).ln(),
            end_of_word_log_prob: (end_of_word_freq / background_symbol_total).ln(),
            unknown_word_log_weight: ENGLISH_UNKNOWN_WORD_WEIGHT.ln(),
            words_by_length: OnceLock::new(),
        }
    }

    fn knows(&self, word: &str) -> bool {
        self.word_log_probs
            .contains_key(normalize_english_word(word).as_ref())
    }

    /// The known word within `max_edits(word)` edits (insertions, deletions, substitutions,
    /// transpositions of neighbours) of every word of `words` (lowercased) that `fits`
    /// accepts and that best explains them all: the highest ln P(word) −
    /// `SPELLING_EDIT_COST` × (edits summed over `words`). Of words that score the same, the
    /// shorter, then the likelier, then the first by spelling.
    fn nearest_known_word(&self, words: &[&str], fits: &dyn Fn(&str) -> bool) -> Option<String> {
        let words: Vec<Vec<char>> = words
            .iter()
            .map(|w| normalize_english_word(w).chars().collect())
            .collect();
        let first = words.first()?;
        let by_length = self.words_by_length.get_or_init(|| {
            let mut words: Vec<(f64, Box<[char]>)> = self
                .word_log_probs
                .iter()
                .map(|(word, &log_prob)| (log_prob, word.chars().collect()))
                .collect();
            words.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
            let mut by_length: Vec<WordsOfLength> = Vec::new();
            for (log_prob, chars) in words {
                if by_length.len() <= chars.len() {
                    by_length.resize_with(chars.len() + 1, WordsOfLength::default);
                }
                let bucket = &mut by_length[chars.len()];
                bucket.log_probs.push(log_prob);
                bucket.letters.push(letter_set(&chars));
                bucket.chars.push(chars);
            }
            by_length
        });
        // Each word's letter set, how many edits it may be from a known word, and whether it
        // is known itself (an unknown word is at least one edit from every known word).
        let sets: Vec<(u64, u32, bool)> = words
            .iter()
            .map(|w| {
                let word: String = w.iter().collect();
                (letter_set(w), max_edits(w.len()) as u32, self.knows(&word))
            })
            .collect();
        let reach = max_edits(first.len());
        let lengths = first.len().saturating_sub(reach)..=first.len() + reach;
        let mut best: Option<(f64, &[char])> = None;
        // `edits_up_to`'s table, reused.
        let mut table = Vec::new();
        for (len, bucket) in lengths.filter_map(|len| by_length.get(len).map(|b| (len, b))) {
            // The fewest edits a word of this length can be from all of `words`: a word
            // scoring better than the best so far must be likelier than the best score plus
            // their cost, and each bucket is likeliest first.
            let fewest: usize = words
                .iter()
                .zip(&sets)
                .map(|(w, &(_, _, known))| w.len().abs_diff(len).max(usize::from(!known)))
                .sum();
            let floor = |best: Option<(f64, &[char])>| {
                best.map_or(f64::NEG_INFINITY, |(score, _)| {
                    score + SPELLING_EDIT_COST * fewest as f64
                })
            };
            for i in 0..bucket.letters.len() {
                if bucket.log_probs[i] <= floor(best) {
                    break;
                }
                let letters = bucket.letters[i];
                // An edit brings in at most one letter and takes away at most one, so a word
                // within n edits lacks at most n of the other's letters, either way: a cheap
                // test on the letter sets alone rules out most of the list before any
                // distance.
                if !sets.iter().all(|&(set, n, _)| {
                    at_most_bits(set & !letters, n) && at_most_bits(letters & !set, n)
                }) {
                    continue;
                }
                // The same count is a lower bound on the edits: a word that cannot beat the
                // best so far even at that bound needs no distance.
                if let Some((best_score, _)) = best {
                    let at_least: u32 = sets
                        .iter()
                        .map(|&(set, _, _)| {
                            (set & !letters)
                                .count_ones()
                                .max((letters & !set).count_ones())
                        })
                        .sum();
                    let bound = f64::from(at_least).max(fewest as f64);
                    if bucket.log_probs[i] - SPELLING_EDIT_COST * bound <= best_score {
                        continue;
                    }
                }
                let known = &bucket.chars[i];
                let edits: Option<usize> = words
                    .iter()
                    .zip(&sets)
                    .map(|(w, &(_, n, _))| edits_up_to(w, known, n as usize, &mut table))
                    .sum();
                let Some(edits) = edits else {
                    continue;
                };
                let score = bucket.log_probs[i] - SPELLING_EDIT_COST * edits as f64;
                if best.is_none_or(|(b, _)| score > b) && fits(&known.iter().collect::<String>()) {
                    best = Some((score, known));
                }
            }
        }
        best.map(|(_, chars)| chars.iter().collect())
    }

    /// ln P(word | background letter model), including the end-of-word symbol.
    fn background_log_prob(&self, normalized_word: &str) -> f64 {
        normalized_word
            .chars()
            .map(|ch| {
                self.letter_log_probs
                    .get(&ch)
                    .copied()
                    .unwrap_or(self.unseen_letter_log_prob)
            })
            .sum::<f64>()
            + self.end_of_word_log_prob
    }

    /// ln P(word | word model) - ln P(word | background), where the word model is the mixture
    /// freq/total + weight * P_background. Known words score at least `ln(weight)`; unknown
    /// words score exactly `ln(weight)`, whatever their length.
    fn word_plausibility(&self, word: &str) -> f64 {
        let word = normalize_english_word(word);
        match self.word_log_probs.get(word.as_ref()) {
            Some(&word_log_prob) => log_add_exp(
                word_log_prob - self.background_log_prob(&word),
                self.unknown_word_log_weight,
            ),
            None => self.unknown_word_log_weight,
        }
    }
}

/// The English list's words of one length, likeliest first (ties by spelling), for
/// `nearest_known_word`: their log-probabilities, letter sets (`letter_set`) and letters,
/// apart, so that its scan reads only the letter sets of most words.
#[derive(Default)]
struct WordsOfLength {
    log_probs: Vec<f64>,
    letters: Vec<u64>,
    chars: Vec<Box<[char]>>,
}

/// The set of a word's letters as bits: a to z one each, any other letter hashed to one of
/// the other 38 (two may share one, which only makes `nearest_known_word`'s test weaker).
fn letter_set(chars: &[char]) -> u64 {
    chars.iter().fold(0, |set, &c| {
        let bit = if c.is_ascii_lowercase() {
            c as u32 - 'a' as u32
        } else {
            26 + (c as u32).wrapping_mul(2_654_435_761) % 38
        };
        set | 1 << bit
    })
}

/// What each edit between a witness's unknown word and a known word costs the known word
/// (nats), in `nearest_known_word`: about the log-odds of one more character error where
/// transcriptions err at a few percent (ln(1 / 0.05) = 3.0). The likeliest word within
/// reach of every witness's word alone ("rights", two edits from "rght" and from "rjght")
/// is not the likeliest source of them ("right", one edit from each) where the witnesses
/// made one error each, the usual case.
const SPELLING_EDIT_COST: f64 = 3.0;

/// How many edits away a known word may be to stand for an unknown word of `len` letters:
/// two, one for a word of three letters or fewer (two edits of three letters leave one
/// standing, and any short word is that near).
fn max_edits(len: usize) -> usize {
    if len <= 3 { 1 } else { 2 }
}

/// How many edits apart `a` and `b` are (optimal string alignment distance: insertions,
/// deletions, substitutions, transpositions of neighbours), if at most `max`; stops as soon
/// as every path is over. `d` is scratch space for the table.
fn edits_up_to(a: &[char], b: &[char], max: usize, d: &mut Vec<usize>) -> Option<usize> {
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let width = b.len() + 1;
    // d[i * width + j]: edits between a[..i] and b[..j].
    d.clear();
    d.extend((0..width).chain(std::iter::repeat_n(0, a.len() * width)));
    for i in 1..=a.len() {
        d[i * width] = i;
        let mut row_min = i;
        for j in 1..width {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[(i - 1) * width + j] + 1)
                .min(d[i * width + j - 1] + 1)
                .min(d[(i - 1) * width + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[(i - 2) * width + j - 2] + 1);
            }
            d[i * width + j] = best;
            row_min = row_min.min(best);
        }
        if row_min > max {
            return None;
        }
    }
    Some(d[a.len() * width + b.len()]).filter(|&edits| edits <= max)
}

/// Whether `bits` has at most `n` (1 or 2) bits set: clearing the lowest set bit `n` times
/// leaves none. Cheaper than counting them all where the processor has no popcount.
fn at_most_bits(bits: u64, n: u32) -> bool {
    let once = bits & bits.wrapping_sub(1);
    if n <= 1 {
        once == 0
    } else {
        once & once.wrapping_sub(1) == 0
    }
}

/// Lowercase, with a typographic apostrophe replaced by the ASCII one used in the word list.
/// Borrows when nothing changes (the usual case), to avoid an allocation per word.
fn normalize_english_word(word: &str) -> Cow<'_, str> {
    let already_normalized = word
        .chars()
        .all(|ch| ch == '\'' || (ch.is_lowercase() && ch.to_lowercase().eq([ch])));
    if already_normalized {
        Cow::Borrowed(word)
    } else {
        Cow::Owned(
            word.chars()
                .flat_map(char::to_lowercase)
                .map(|ch| if is_apostrophe(ch) { '\'' } else { ch })
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn score(text: &str) -> f64 {
        LanguageModel::embedded().plausibility(text)
    }

    #[test]
    fn halves_needed_follow_the_scripts_of_the_text() {
        assert_eq!(
            LanguageModel::halves_needed("今天甲乙两队比赛"),
            (true, false)
        );
        assert_eq!(
            LanguageModel::halves_needed("the court, 2020"),
            (false, true)
        );
        assert_eq!(LanguageModel::halves_needed("ＡＢ 学校"), (true, true));
        assert_eq!(LanguageModel::halves_needed("１２３，。"), (false, false));
    }

    #[test]
    fn a_model_built_up_front_is_ready() {
        let model = LanguageModel::from_word_lists("学校 3\n", "court 5\n");
        assert!(model.is_ready(true, true));
        assert!(model.plausibility("court") != 0.0);
    }

    /// The raw word-model log-probability ln P(text | word model) of the Chinese runs, without
    /// the background correction: what a naive model would compare.
    fn raw_chinese_word_log_prob(text: &str) -> f64 {
        let chinese = LanguageModel::embedded().chinese();
        script_runs(text)
            .map(|run| match run {
                ScriptRun::Chinese(run) => chinese.word_model_log_prob(run),
                ScriptRun::LatinWord(_) => 0.0,
            })
            .sum()
    }

    fn assert_close(actual: f64, expected: f64) {
        assert!(
            (actual - expected).abs() < 1e-9,
            "expected {expected}, got {actual}"
        );
    }

    #[test]
    fn embedded_model_prefers_real_words_to_scrambled_characters() {
        let fluent = score("妈妈在厨房做晚饭");
        let scrambled = score("晚妈在饭房妈做厨");
        // Observed: about +21.2 vs -5.0.
        assert!(
            fluent > 0.0,
            "fluent text should beat the background: {fluent}"
        );
        assert!(fluent > scrambled + 20.0, "{fluent} vs {scrambled}");
    }

    #[test]
    fn dropping_a_character_from_a_word_is_not_rewarded() {
        // (complete, with one character of a multi-character word dropped).
        // Observed plausibility margins for the complete version: 5.0, 8.0, 7.8, 4.7, 7.1,
        // 27.1, 7.0, 8.8 nats. The complete word always wins. For scale: one character on its
        // own, outside any word, scores between ln(0.02) = -3.9 (unknown) and about +0.5
        // (frequent particles such as 了, 的).
        let cases = [
            ("孩子们在操场上踢足球", "孩子们在操上踢足球"),
            ("冰箱里有牛奶", "冰里有牛奶"),
            ("冰箱里有牛奶", "箱里有牛奶"),
            ("我们取得了胜利", "我们得了胜利"),
            ("电脑坏了", "电坏了"),
            ("中华人民共和国成立", "中华人民和国成立"),
            ("交通发展很快", "交发展很快"),
            ("他在北京大学读书", "他在北京大读书"),
        ];
        for (complete, dropped) in cases {
            let (complete_score, dropped_score) = (score(complete), score(dropped));
            assert!(
                complete_score > dropped_score + 2.0,
                "{complete}: {complete_score} vs {dropped}: {dropped_score}"
            );
        }

        // The first five cases are exactly where the raw word-model log-probability goes wrong:
        // every character costs probability, so it prefers the shorter, broken string
        // (observed raw margins for the shorter one: 1.7, 1.8, 1.2, 2.5, 1.4 nats).
        for (complete, dropped) in &cases[..5] {
            let (raw_complete, raw_dropped) = (
                raw_chinese_word_log_prob(complete),
                raw_chinese_word_log_prob(dropped),
            );
            assert!(
                raw_dropped > raw_complete,
                "raw model expected to prefer {dropped} ({raw_dropped}) over {complete} ({raw_complete})"
            );
        }
    }

    #[test]
    fn fluent_chinese_beats_garbled_chinese() {
        // 体 for 休 is a typical recognition confusion. Observed: 8.7 vs -1.1.
        assert!(score("休息一下") > score("体息一下") + 4.0);
        // 字 for 学 is a typical recognition confusion. Observed: 19.4 vs 12.7.
        assert!(score("他在北京大学读书") > score("他在北京大字读书") + 3.0);
        // Not asserted: "今天天气很热" (8.1) vs "今天天气很熟" (8.3). Both 热 and 熟 are
        // common words and a unigram model cannot see which one fits the context.
    }

    #[test]
    fn english_prefers_real_words_and_correct_word_boundaries() {
        // Observed margins: 12.8, 16.7, 14.6, 12.3.
        assert!(score("the court heard the case") > score("the covrt heard the case") + 5.0);
        assert!(score("together") > score("to gether") + 5.0);
        assert!(score("modern") > score("rnodern") + 5.0);
        assert!(score("the cat") > score("thecat") + 5.0);
    }

    #[test]
    fn english_lookup_ignores_case_and_typographic_apostrophes() {
        assert_close(score("The COURT"), score("the court"));
        assert_close(score("don\u{2019}t"), score("don't"));
        // Quotes around a word are not part of it.
        assert_close(score("'court'"), score("court"));
    }

    #[test]
    fn the_nearest_known_word_is_the_likeliest_within_reach_of_every_word() {
        let model = LanguageModel::embedded();
        assert!(model.knows_english_word("Against"));
        assert!(!model.knows_english_word("agoinst"));
        let nearest = |words: &[&str]| model.nearest_known_english_word(words, &|_| true);
        // One substitution and one dropped letter away: "against"; "agonist" is as near to
        // "agoinst" (a swap) but two edits from "aginst" and far rarer.
        assert_eq!(nearest(&["agoinst", "aginst"]).as_deref(), Some("against"));
        assert_eq!(nearest(&["AGOINST"]).as_deref(), Some("against"));
        // "rights" is likelier than "right" and within two edits of both words, but it takes
        // two edits from each where "right" takes one.
        assert_eq!(nearest(&["rght", "rjght"]).as_deref(), Some("right"));
        // Three letters or fewer: one edit at most.
        assert_eq!(nearest(&["tbe"]).as_deref(), Some("the"));
        assert_eq!(nearest(&["qqqqqqqqqqqq"]), None);
        // The likeliest word that `fits` accepts.
        let fitting = |words: &[&str], fits: &dyn Fn(&str) -> bool| {
            model.nearest_known_english_word(words, fits)
        };
        assert_eq!(fitting(&["fo", "o"], &|_| true).as_deref(), Some("of"));
        assert_eq!(
            fitting(&["fo", "o"], &|w| w.ends_with('o')).as_deref(),
            Some("to")
        );
        assert_eq!(fitting(&["rght"], &|_| false), None);
        assert_eq!(nearest(&[]), None);
    }

    #[test]
    fn edits_count_swaps_of_neighbours_as_one() {
        let chars = |s: &str| s.chars().collect::<Vec<_>>();
        let within = |a: &str, b: &str, max| {
            edits_up_to(&chars(a), &chars(b), max, &mut Vec::new()).is_some()
        };
        assert!(within("against", "agianst", 1));
        assert!(within("against", "gaainst", 1));
        assert!(!within("against", "agoinsd", 1));
        assert!(within("against", "agoinsd", 2));
        assert!(within("", "ab", 2) && !within("", "abc", 2));
    }

    #[test]
    fn unknown_english_words_score_the_same_whatever_their_length() {
        let unknown = ENGLISH_UNKNOWN_WORD_WEIGHT.ln();
        assert_close(score("qzx"), unknown);
        assert_close(score("qzxqzxqzxqzx"), unknown);
    }

    #[test]
    fn digits_punctuation_and_other_scripts_contribute_nothing() {
        assert_eq!(score(""), 0.0);
        assert_eq!(score("2024, 12.5% (!) —"), 0.0);
        assert_eq!(score("Привет мир 123"), 0.0);
        // Digits separate runs but add nothing: same as scoring the runs on their own.
        assert_close(
            score("2023年3月15日"),
            score("年") + score("月") + score("日"),
        );
        assert_close(
            score("第12条规定 and 34 courts"),
            score("第") + score("条规定") + score("and") + score("courts"),
        );
    }

    #[test]
    fn full_width_forms_are_treated_like_ascii() {
        assert_close(score("ｔｈｅ　ｃｏｕｒｔ"), score("the court"));
        assert_close(score("２０２３年"), score("2023年"));
    }

    #[test]
    fn arbitrary_input_does_not_panic_and_stays_finite() {
        let long_chinese = "中华人民共和国".repeat(500);
        let long_latin = "a".repeat(5000);
        let inputs = [
            "\0",
            "'''",
            "\u{2019}",
            "e\u{301}\u{301}\u{301}",
            "🙂🙂 emoji 表情🙂",
            "\u{FFFD}\u{200B}\u{FEFF}",
            "ﬁnance ﬀ",
            "𪚥𠀀\u{2F800}\u{F900}",
            "مرحبا بالعالم",
            "ÀÉÎÕÜ ßtraße",
            long_chinese.as_str(),
            long_latin.as_str(),
        ];
        for input in inputs {
            let value = score(input);
            assert!(value.is_finite(), "{input:?} -> {value}");
            assert_eq!(value, score(input), "deterministic for {input:?}");
        }
    }

    #[test]
    fn tiny_dictionary_gives_hand_computed_values() {
        let model = LanguageModel::from_word_lists("中国 3\n中 1\n国 1\n", "the 6\ncat 2\n");

        // Chinese: word total 5; character tokens 中 x4, 国 x4 out of 8, so P_bg = 0.5 each.
        // Best segmentation of 中国 is the word itself: ln(3/5) beats
        // 2 * ln(1/5 + 0.02 * 0.5). Score = ln(3/5) - 2 ln(0.5) = ln(2.4).
        assert_close(model.plausibility("中国"), 2.4_f64.ln());
        // A character the list has never seen scores ln(weight): its word-model probability is
        // weight x its background probability.
        assert_close(model.plausibility("猫"), CHINESE_STRANDED_CHAR_WEIGHT.ln());

        // English: word total 8, so P(cat) = 1/4. Background symbols: letters t8 h6 e6 c2 a2
        // plus 8 end-of-word symbols = 32, so P_bg(cat) = 2/32 * 2/32 * 8/32 * 8/32 = 1/4096.
        // Score = ln(1/4 / (1/4096) + weight) = ln(1024 + 0.02).
        let cat = (1024.0 + ENGLISH_UNKNOWN_WORD_WEIGHT).ln();
        assert_close(model.plausibility("cat"), cat);
        assert_close(model.plausibility("dog"), ENGLISH_UNKNOWN_WORD_WEIGHT.ln());

        assert_close(model.plausibility("中国, cat!"), 2.4_f64.ln() + cat);
    }

    #[test]
    fn empty_and_malformed_word_lists_do_not_panic() {
        let empty = LanguageModel::from_word_lists("", "");
        assert_close(empty.plausibility("中"), CHINESE_STRANDED_CHAR_WEIGHT.ln());
        assert_close(empty.plausibility("word"), ENGLISH_UNKNOWN_WORD_WEIGHT.ln());

        let malformed = LanguageModel::from_word_lists("中国\n中国 x\n中国 -1\n 3\n", "a b c\n");
        assert!(malformed.plausibility("中国 a").is_finite());
    }

    #[test]
    fn script_runs_split_on_script_changes() {
        let runs: Vec<ScriptRun> = script_runs("他说'don't'。OK2好").collect();
        assert_eq!(
            runs,
            [
                ScriptRun::Chinese("他说"),
                ScriptRun::LatinWord("don't"),
                ScriptRun::LatinWord("OK"),
                ScriptRun::Chinese("好"),
            ]
        );
    }

    /// Not a check: prints example scores and timings, for tuning and documentation.
    /// Run with `cargo test --release --lib language_model -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn print_examples_and_timing() {
        let start = std::time::Instant::now();
        let model = LanguageModel::embedded();
        println!("embedded() first call: {:?}", start.elapsed());
        let start = std::time::Instant::now();
        drop(LanguageModel::from_word_lists(
            EMBEDDED_CHINESE_WORD_FREQ,
            EMBEDDED_ENGLISH_WORD_FREQ,
        ));
        println!(
            "from_word_lists on the same data (owned keys): {:?}",
            start.elapsed()
        );

        let pairs = [
            ("妈妈在厨房做晚饭", "晚妈在饭房妈做厨"),
            ("孩子们在操场上踢足球", "孩子们在操上踢足球"),
            ("冰箱里有牛奶", "冰里有牛奶"),
            ("我们取得了胜利", "我们得了胜利"),
            ("中华人民共和国成立", "中华人民和国成立"),
            ("休息一下", "体息一下"),
            ("今天天气很热", "今天天气很熟"),
            ("他在北京大学读书", "他在北京大字读书"),
            ("我们取得了胜利", "我们取得了了胜利"),
            ("the court heard the case", "the covrt heard the case"),
            ("together", "to gether"),
            ("modern", "rnodern"),
            ("the cat", "thecat"),
            ("into", "in to"),
            ("the court", "the the court"),
        ];
        println!("| text A | score A | text B | score B | A - B | raw A | raw B |");
        for (a, b) in pairs {
            let (score_a, score_b) = (model.plausibility(a), model.plausibility(b));
            println!(
                "| {a} | {score_a:.2} | {b} | {score_b:.2} | {:.2} | {:.2} | {:.2} |",
                score_a - score_b,
                raw_chinese_word_log_prob(a),
                raw_chinese_word_log_prob(b)
            );
        }

        let calls = 200_000;
        for text in [
            "在学校举办的春季运动会上，同学们跑得飞快",
            "the court heard the case",
        ] {
            let start = std::time::Instant::now();
            let mut sum = 0.0;
            for _ in 0..calls {
                sum += model.plausibility(std::hint::black_box(text));
            }
            println!(
                "{} chars: {:?} per call (checksum {sum:.1})",
                text.chars().count(),
                start.elapsed() / calls
            );
        }
    }
}
