//! Spelled readings. Where every witness garbled one word, each differently ("agoinst",
//! "gaainst"), no witness's reading is right and neither is any mix of them that leaves an
//! unknown word; the known word nearest all of them ("against") is then a candidate too,
//! weighed by `decide` like any other (the language model in context, the votes, a fitted
//! prior for readings no witness wrote). Used by `decide` (stage 7).
//!
//! A word counts as known if the language model knows it or the witnesses agree on it
//! elsewhere: a name the word list lacks ("Marci") is known by its other occurrences, and
//! must not be spelled into the nearest dictionary word ("march"). Only agreed text counts:
//! noisy witnesses write short garbles ("fo" for "of" or "for") here and there, but seldom
//! two witnesses the same garble at the same place. In documents most of
//! whose words the model does not know (another language in Latin script), no word counts
//! as unknown: there an unknown word says nothing about a reading, and the nearest word of
//! the model's list is a word of another language.

use crate::decide::Plausibility;
use crate::language_model::is_in_english_word;
use std::collections::HashMap;
use std::ops::Range;

/// How often each Latin word (lowercased) occurs in the text every witness agrees on, and
/// whether the documents are in the language model's language.
#[derive(Debug)]
pub struct DocumentWords {
    counts: HashMap<String, usize>,
    in_model_language: bool,
}

/// The documents are in the model's language where it knows at least this share of their
/// Latin words (counted at every occurrence). English prose is far above (UDHR en 100%,
/// the corpus's English report 97%, the Debian manuals 98%), French or German UDHR far
/// below (about 30%: only words such as "de", "la", "in" are in an English list).
const MODEL_LANGUAGE_SHARE: f64 = 0.5;

impl Default for DocumentWords {
    fn default() -> Self {
        DocumentWords {
            counts: HashMap::new(),
            in_model_language: true,
        }
    }
}

impl DocumentWords {
    pub fn of<'a>(
        texts: impl IntoIterator<Item = &'a str>,
        model: &dyn Plausibility,
    ) -> DocumentWords {
        let mut counts: HashMap<String, usize> = HashMap::new();
        for text in texts {
            let chars: Vec<char> = text.chars().collect();
            for range in latin_words(&chars) {
                let word: String = chars[range].iter().flat_map(|c| c.to_lowercase()).collect();
                *counts.entry(word).or_default() += 1;
            }
        }
        let (mut known, mut all) = (0, 0);
        for (word, &n) in &counts {
            all += n;
            if model.knows_word(word) {
                known += n;
            }
        }
        DocumentWords {
            in_model_language: known as f64 >= MODEL_LANGUAGE_SHARE * all as f64,
            counts,
        }
    }

    fn count(&self, word: &str) -> usize {
        self.counts.get(&word.to_lowercase()).copied().unwrap_or(0)
    }
}

/// Whether `c` can be part of a Latin word as `spelling` reads words: a letter, an
/// apostrophe, or a digit (`latin_words`).
pub fn is_in_latin_word(c: char) -> bool {
    is_in_english_word(c) || c.is_ascii_digit()
}

/// The Latin words of `chars` (letters with inner apostrophes, and the digits among or
/// beside their letters) as ranges of positions; an apostrophe at a word's edge is a quote,
/// not part of it (as the language model reads words). A digit in a word is part of it:
/// OCR reads "l" as "1" and "o" as "0", and "religi0n" is one garbled word to spell, not
/// "religi" and "n". A run of digits alone is a number, not a word.
fn latin_words(chars: &[char]) -> Vec<Range<usize>> {
    let mut words = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !is_in_latin_word(chars[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && is_in_latin_word(chars[i]) {
            i += 1;
        }
        let (mut s, mut e) = (start, i);
        while s < e && !chars[s].is_alphanumeric() {
            s += 1;
        }
        while e > s && !chars[e - 1].is_alphanumeric() {
            e -= 1;
        }
        if chars[s..e].iter().any(|c| c.is_alphabetic()) {
            words.push(s..e);
        }
    }
    words
}

/// The words of `window` that touch its `site` (or, for an empty site, hold its place) and
/// that are unknown: neither the model nor the agreed text knows them (the site is not
/// agreed, so an occurrence there is one elsewhere). Two words the site's own space splits
/// are one word here, unknown if either part is: a witness that wrote "membe r" for
/// "member" split a word, and the split word is what is garbled ("free and" stays known).
fn unknown_words(
    window: &[char],
    site: Range<usize>,
    model: &dyn Plausibility,
    document_words: &DocumentWords,
) -> Vec<Range<usize>> {
    if !document_words.in_model_language {
        return Vec::new();
    }
    let (start, end) = (site.start, site.end);
    let at_site = |w: &Range<usize>| {
        (w.end > start && w.start < end) || (start == end && w.start <= start && start <= w.end)
    };
    let known = |w: &Range<usize>| {
        let word: String = window[w.clone()].iter().collect();
        model.knows_word(&word) || document_words.count(&word) > 0
    };
    // Words split by one space inside the site, joined: (the joined range, its parts).
    let mut joined: Vec<(Range<usize>, Vec<Range<usize>>)> = Vec::new();
    for word in latin_words(window) {
        match joined.last_mut() {
            Some((last, parts))
                if word.start == last.end + 1
                    && window[last.end] == ' '
                    && (start..end).contains(&last.end) =>
            {
                last.end = word.end;
                parts.push(word);
            }
            _ => joined.push((word.clone(), vec![word])),
        }
    }
    // Only the words at the site are looked up.
    joined
        .into_iter()
        .filter(|(w, parts)| at_site(w) && !parts.iter().all(known))
        .map(|(w, _)| w)
        .collect()
}

/// Whether `reading`, read between `left` and `right`, leaves an unknown word at the site
/// (`unknown_words`). Where every reading of a site does, `decide` also reads the site with
/// other readings of the sites in its word (two errors in one word), and the spelled
/// reading of each such context counts in how well it fits.
pub fn leaves_unknown_word(
    left: &str,
    reading: &str,
    right: &str,
    model: &dyn Plausibility,
    document_words: &DocumentWords,
) -> bool {
    let window: Vec<char> = left
        .chars()
        .chain(reading.chars())
        .chain(right.chars())
        .collect();
    let site = left.chars().count()..window.len() - right.chars().count();
    !unknown_words(&window, site, model, document_words).is_empty()
}

/// One reading of a site: its text (without paragraph breaks) and how many witnesses read
/// it (none for a combined reading).
pub struct Reading<'a> {
    pub text: &'a str,
    pub supporters: usize,
}

/// `known` in the letter case of `like`: all capitals, a capital first, or lowercase.
fn in_case_of(known: &str, like: &[char]) -> String {
    let letters: Vec<char> = like.iter().copied().filter(|c| c.is_alphabetic()).collect();
    if letters.len() >= 2 && letters.iter().all(|c| c.is_uppercase()) {
        known.to_uppercase()
    } else if letters.first().is_some_and(|c| c.is_uppercase()) {
        let mut chars = known.chars();
        chars
            .next()
            .map(|first| first.to_uppercase().chain(chars).collect())
            .unwrap_or_default()
    } else {
        known.to_string()
    }
}

/// The spelled reading of a site read between `left` and `right`, if every reading leaves
/// an unknown word there: the text that, in place of the site, turns a witness's one
/// unknown word into the likeliest known word near every witness's unknown word
/// (`Plausibility::nearest_known_word`), in that word's letter case. `None` where some
/// reading reads only known words (it may be right), where a witness's reading leaves more
/// than one unknown word (two garbled words, or parts of a word split by a space of the
/// context: no one word to spell), or where the known word would change the context rather
/// than the site.
pub fn spelled_reading(
    left: &str,
    readings: &[Reading],
    right: &str,
    model: &dyn Plausibility,
    document_words: &DocumentWords,
) -> Option<String> {
    let left: Vec<char> = left.chars().collect();
    let right: Vec<char> = right.chars().collect();
    let mut witnesses_unknown: Vec<String> = Vec::new();
    // Each witness reading's window and where its unknown word is in it.
    let mut places: Vec<(Vec<char>, Range<usize>)> = Vec::new();
    for reading in readings {
        let window: Vec<char> = left
            .iter()
            .chain(&reading.text.chars().collect::<Vec<_>>())
            .chain(&right)
            .copied()
            .collect();
        let site = left.len()..window.len() - right.len();
        let unknown = unknown_words(&window, site, model, document_words);
        match unknown.as_slice() {
            [] => return None,
            [word] if reading.supporters > 0 => {
                witnesses_unknown.push(window[word.clone()].iter().collect());
                places.push((window, word.clone()));
            }
            _ if reading.supporters > 0 => return None,
            _ => {}
        }
    }
    witnesses_unknown.sort();
    witnesses_unknown.dedup();
    let words: Vec<&str> = witnesses_unknown.iter().map(String::as_str).collect();
    // The site's text that spells `known` in a witness's unknown word's place, if the known
    // word changes only the site, not its context.
    let spelled_at_site = |known: &str| {
        places.iter().find_map(|(window, word)| {
            let spelled: Vec<char> = window[..word.start]
                .iter()
                .copied()
                .chain(in_case_of(known, &window[word.clone()]).chars())
                .chain(window[word.end..].iter().copied())
                .collect();
            let fits = spelled.len() >= left.len() + right.len()
                && spelled.starts_with(&left)
                && spelled.ends_with(&right);
            fits.then(|| {
                spelled[left.len()..spelled.len() - right.len()]
                    .iter()
                    .collect::<String>()
            })
        })
    };
    let known = model.nearest_known_word(&words, &|known| spelled_at_site(known).is_some())?;
    spelled_at_site(&known)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A model that knows a few words; the nearest known word is the first within two edits
    /// of every word.
    struct Lexicon(&'static [&'static str]);

    impl Plausibility for Lexicon {
        fn plausibility(&self, _: &str) -> f64 {
            0.0
        }
        fn knows_word(&self, word: &str) -> bool {
            self.0.contains(&word.to_lowercase().as_str())
        }
        fn nearest_known_word(
            &self,
            words: &[&str],
            fits: &dyn Fn(&str) -> bool,
        ) -> Option<String> {
            self.0
                .iter()
                .find(|k| {
                    words
                        .iter()
                        .all(|w| strsim::osa_distance(k, &w.to_lowercase()) <= 2)
                        && fits(k)
                })
                .map(|k| k.to_string())
        }
    }

    const LEXICON: Lexicon = Lexicon(&["the", "against", "march", "rights"]);

    fn reading(text: &str, supporters: usize) -> Reading<'_> {
        Reading { text, supporters }
    }

    #[test]
    fn a_word_every_witness_garbled_is_spelled_in_the_sites_place() {
        let none = DocumentWords::default();
        let readings = [reading("o", 1), reading("a", 1)];
        // "ag|o|inst" and "ag|a|inst"? The second is known: nothing to spell.
        assert_eq!(
            spelled_reading("the ag", &readings, "inst the", &LEXICON, &none),
            None
        );
        let readings = [reading("oa", 1), reading("aa", 1)];
        assert_eq!(
            spelled_reading("The Ag", &readings, "inst", &LEXICON, &none).as_deref(),
            Some("a"),
            "Agoainst / Agaainst: the site reads the one letter that makes 'Against'"
        );
        let readings = [reading("AGOINST", 1), reading("GAAINST", 1)];
        assert_eq!(
            spelled_reading("THE ", &readings, " THE", &LEXICON, &none).as_deref(),
            Some("AGAINST")
        );
    }

    #[test]
    fn a_digit_read_for_a_letter_is_part_of_the_garbled_word() {
        let none = DocumentWords::default();
        // "r1ghts" is one word with an OCR digit, not "r" and "ghts".
        let readings = [reading("r1ghts", 1), reading("rigths", 1)];
        assert_eq!(
            spelled_reading("the ", &readings, " of", &LEXICON, &none).as_deref(),
            Some("rights")
        );
    }

    #[test]
    fn nothing_is_spelled_where_a_reading_may_be_right() {
        let readings = [reading("Marcli", 1), reading("Marcl", 1)];
        let none = DocumentWords::default();
        assert_eq!(
            spelled_reading("in ", &readings, " we", &LEXICON, &none).as_deref(),
            Some("March")
        );
        // The documents have "Marcl" elsewhere: a name, which one witness may read right.
        let elsewhere = DocumentWords::of(["the Marcl rights", "the Marcl rights"], &LEXICON);
        assert_eq!(
            spelled_reading("in ", &readings, " we", &LEXICON, &elsewhere),
            None
        );
        // A witness's reading with two unknown words has no one word to spell.
        let readings = [reading("agai, nts", 1), reading("agoinst", 1)];
        assert_eq!(
            spelled_reading("the ", &readings, " the", &LEXICON, &none),
            None
        );
    }

    #[test]
    fn a_word_split_by_the_sites_space_is_one_garbled_word() {
        let none = DocumentWords::default();
        // "agai nts" is "against" split and garbled: one word to spell.
        let readings = [reading("agai nts", 1), reading("agoinst", 1)];
        assert_eq!(
            spelled_reading("the ", &readings, " the", &LEXICON, &none).as_deref(),
            Some("against")
        );
        // "the marc h" / "the marchh": the spelled reading takes the split's space out.
        let readings = [reading(" ", 1), reading("h", 1)];
        assert_eq!(
            spelled_reading("the marc", &readings, "h the", &LEXICON, &none).as_deref(),
            Some("")
        );
        // Two known words a space splits are known: "the march", not a garbled "themarch".
        assert!(!leaves_unknown_word("the", " ", "march", &LEXICON, &none));
        assert!(leaves_unknown_word("the", "", "march", &LEXICON, &none));
        // A space of the context joins nothing: only the site's own space splits a word.
        assert!(!leaves_unknown_word(
            "agai nts ",
            "the",
            " march",
            &LEXICON,
            &none
        ));
    }

    #[test]
    fn a_reading_leaves_an_unknown_word_unless_the_model_or_the_documents_know_it() {
        let none = DocumentWords::default();
        let leaves = |left, text, right, words: &DocumentWords| {
            leaves_unknown_word(left, text, right, &LEXICON, words)
        };
        assert!(leaves("the ag", "o", "inst the", &none), "agoinst");
        assert!(!leaves("the ag", "a", "inst the", &none), "against");
        // Only the words at the site count, not an unknown word of its context.
        assert!(!leaves("went ", "the", " went", &none));
        // An empty reading leaves the word whose place it holds.
        assert!(leaves("the ", "", "agoinst", &none));
        assert!(!leaves("the ag", "", "ainst", &none));
        // The documents have "Marcl" more often than the reading's one witness wrote it.
        let elsewhere = DocumentWords::of(["the Marcl rights", "the Marcl rights"], &LEXICON);
        assert!(leaves("in ", "Marcl", " the", &none));
        assert!(!leaves("in ", "Marcl", " the", &elsewhere));
    }

    #[test]
    fn no_word_is_unknown_in_documents_not_in_the_models_language() {
        // Two of six words known: another language, whose words the model cannot judge.
        let foreign = DocumentWords::of(["contre la march", "des droits the"], &LEXICON);
        assert!(!leaves_unknown_word(
            "contre ", "agoinst", " la", &LEXICON, &foreign
        ));
        let readings = [reading("agoinst", 1), reading("aginst", 1)];
        assert_eq!(
            spelled_reading("the ", &readings, " the", &LEXICON, &foreign),
            None
        );
        // Three of six known: the model's language.
        let own = DocumentWords::of(["contre la march", "the rights des"], &LEXICON);
        assert!(leaves_unknown_word(
            "contre ", "agoinst", " la", &LEXICON, &own
        ));
        assert_eq!(
            spelled_reading("the ", &readings, " the", &LEXICON, &own).as_deref(),
            Some("against")
        );
    }

    #[test]
    fn words_are_letters_with_inner_apostrophes_and_the_digits_among_them() {
        let chars: Vec<char> = "'tis don't 'x' a1b 1990 ful1".chars().collect();
        let words: Vec<String> = latin_words(&chars)
            .into_iter()
            .map(|r| chars[r].iter().collect())
            .collect();
        assert_eq!(words, ["tis", "don't", "x", "a1b", "ful1"]);
    }
}
