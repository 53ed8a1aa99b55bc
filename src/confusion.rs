//! Confusion data shared by the decision model and the noise simulator: visually similar
//! Chinese characters, Chinese homophones (toneless pinyin) and Latin OCR confusions.
//! Provenance and licences of the data files are in data/README.md.

use crate::normalize::is_wide;
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

const VISUAL: &str = include_str!("../data/zh_visual_confusions.txt");
const HOMOPHONES: &str = include_str!("../data/zh_homophones.txt");
const OCR: &str = include_str!("../data/en_ocr_confusions.txt");

/// The parsed tables.
#[derive(Debug)]
pub struct Confusions {
    /// Character -> visually similar characters (形近字).
    pub visual: HashMap<char, Vec<char>>,
    /// Character -> characters with the same toneless pinyin, most frequent first.
    pub homophones: HashMap<char, Vec<char>>,
    /// Latin OCR confusions: (read as, written) pairs such as ("rn", "m").
    pub ocr: Vec<(String, String)>,
    ocr_set: HashSet<(String, String)>,
}

/// The embedded tables, parsed once.
pub fn tables() -> &'static Confusions {
    static T: OnceLock<Confusions> = OnceLock::new();
    T.get_or_init(|| {
        let mut visual: HashMap<char, Vec<char>> = HashMap::new();
        for line in VISUAL.lines().filter(|l| !l.starts_with('#')) {
            let group: Vec<char> = line.split('\t').filter_map(|f| f.chars().next()).collect();
            for &c in &group {
                visual
                    .entry(c)
                    .or_default()
                    .extend(group.iter().filter(|&&d| d != c));
            }
        }
        for v in visual.values_mut() {
            let mut seen = HashSet::new();
            v.retain(|c| seen.insert(*c));
        }
        let mut homophones: HashMap<char, Vec<char>> = HashMap::new();
        for line in HOMOPHONES.lines().filter(|l| !l.starts_with('#')) {
            let Some((_, chars)) = line.split_once('\t') else {
                continue;
            };
            let group: Vec<char> = chars.chars().collect();
            for &c in &group {
                homophones.insert(c, group.iter().copied().filter(|&d| d != c).collect());
            }
        }
        let ocr: Vec<(String, String)> = OCR
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| l.split_once('\t'))
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        let ocr_set = ocr
            .iter()
            .flat_map(|(a, b)| [(a.clone(), b.clone()), (b.clone(), a.clone())])
            .collect();
        Confusions {
            visual,
            homophones,
            ocr,
            ocr_set,
        }
    })
}

impl Confusions {
    /// Are two single characters a known confusion (visual, homophone or OCR, either way)?
    pub fn chars_confusable(&self, a: char, b: char) -> bool {
        self.visual.get(&a).is_some_and(|v| v.contains(&b))
            || self.visual.get(&b).is_some_and(|v| v.contains(&a))
            || self.homophones.get(&a).is_some_and(|v| v.contains(&b))
            || self.ocr_pair(&a.to_string(), &b.to_string())
    }

    /// Is (a, b) a listed Latin OCR confusion, either way?
    pub fn ocr_pair(&self, a: &str, b: &str) -> bool {
        self.ocr_set.contains(&(a.to_string(), b.to_string()))
    }
}

/// How two readings of a site differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Difference {
    /// One known confusion: a visually similar character, a homophone, an OCR confusion.
    Confusion,
    /// Another mechanical slip: one character dropped, doubled or inserted, two swapped,
    /// only spaces differ, (in alphabetic scripts) a few letters changed inside a word, or
    /// two length-keeping slips close together (`GARBLED_SPAN`).
    Slip,
    /// Anything else, including a one-character substitution outside the confusion
    /// tables between ideographs, and whole words: different words, which a rewriting
    /// witness writes fluently.
    Other,
}

/// At most this many letters on each side of a difference inside an alphabetic word make a
/// slip ("Declaration" / "Declroation"): a garbled word, which the language model can judge,
/// not a different word.
const IN_WORD_LETTERS: usize = 3;

/// Or at most this many edits between the two sides, however far apart ("paromate" /
/// "promote"): two errors in one word are still a garbled word.
const IN_WORD_EDITS: usize = 2;

/// Or two slips that keep a reading's length, each a known confusion or two neighbours
/// swapped, in at most this many characters ("思有响" / "有思想": a swap and a homophone):
/// a garbled phrase, which the language model can judge, not a different word.
const GARBLED_SPAN: usize = 4;

/// Do `dx` and `dy` (the differing stretches, so their ends differ) differ by one or two
/// slips that keep the length, each two neighbours swapped or a known confusion, within
/// `GARBLED_SPAN`? One such slip is a swap ("ab" / "ba": a lone confusion is one character,
/// classified before this). A dropped character with an added one elsewhere is not among
/// them: that shifts the reading ("学生" / "生物"), which is what a different word looks like.
fn length_keeping_slips(dx: &[char], dy: &[char], t: &Confusions) -> bool {
    if dx.len() != dy.len() || !(2..=GARBLED_SPAN).contains(&dx.len()) {
        return false;
    }
    let (mut i, mut steps) = (0, 0);
    while i < dx.len() {
        if dx[i] == dy[i] {
            i += 1;
        } else if i + 1 < dx.len() && dx[i] == dy[i + 1] && dx[i + 1] == dy[i] {
            (i, steps) = (i + 2, steps + 1);
        } else if t.chars_confusable(dx[i], dy[i]) {
            (i, steps) = (i + 1, steps + 1);
        } else {
            return false;
        }
    }
    steps <= 2
}

/// Classify the difference between two readings (folded keys, or keys with their context:
/// only with context can a difference be seen to lie inside a word).
pub fn difference(a: &str, b: &str) -> Difference {
    let t = tables();
    let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    if squeeze(a) == squeeze(b) {
        return Difference::Slip;
    }
    let x: Vec<char> = a.chars().collect();
    let y: Vec<char> = b.chars().collect();
    let pre = x.iter().zip(&y).take_while(|(p, q)| p == q).count();
    let suf = x[pre..]
        .iter()
        .rev()
        .zip(y[pre..].iter().rev())
        .take_while(|(p, q)| p == q)
        .count();
    let dx: String = x[pre..x.len() - suf].iter().collect();
    let dy: String = y[pre..y.len() - suf].iter().collect();
    let (nx, ny) = (dx.chars().count(), dy.chars().count());
    // Letters changed inside an alphabetic word, with a letter of the shared text next to
    // the change: a garbled word. (Ideographs are excluded: there one character is a word,
    // and a substitution is a different word.)
    let letter = |c: &char| c.is_alphabetic() && !is_wide(*c);
    let in_word = nx >= 1
        && ny >= 1
        && dx.chars().chain(dy.chars()).all(|c| letter(&c))
        && ((pre > 0 && letter(&x[pre - 1])) || (suf > 0 && letter(&x[x.len() - suf])))
        && ((nx <= IN_WORD_LETTERS && ny <= IN_WORD_LETTERS)
            || strsim::osa_distance(&dx, &dy) <= IN_WORD_EDITS);
    if nx == 1 && ny == 1 {
        let (p, q) = (dx.chars().next().unwrap(), dy.chars().next().unwrap());
        // A substitution outside the confusion tables is a different word, not a slip,
        // unless it garbles a word.
        return if t.chars_confusable(p, q) {
            Difference::Confusion
        } else if in_word {
            Difference::Slip
        } else {
            Difference::Other
        };
    }
    if t.ocr_pair(&dx, &dy) {
        return Difference::Confusion;
    }
    if nx + ny == 1 {
        return Difference::Slip;
    }
    if in_word || length_keeping_slips(&x[pre..x.len() - suf], &y[pre..y.len() - suf], t) {
        return Difference::Slip;
    }
    Difference::Other
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differences_are_classified() {
        assert_eq!(difference("rnajor", "major"), Difference::Confusion);
        assert_eq!(difference("原则", "源则"), Difference::Confusion);
        assert_eq!(difference("the m", "them"), Difference::Slip);
        assert_eq!(difference("美丽", "美"), Difference::Slip);
        assert_eq!(difference("ab", "ba"), Difference::Slip);
        assert_eq!(difference("开心", "高兴"), Difference::Other);
        assert_eq!(difference("上午", "上班"), Difference::Other);
        assert_eq!(difference("公园", "店"), Difference::Other);
        // Two length-keeping slips in a short stretch (a swap and a homophone) garble a
        // phrase; a reading shifted by one character is a different word.
        assert_eq!(difference("人人有思想、", "人人思有响、"), Difference::Slip);
        assert_eq!(difference("他是学生的", "他是生物的"), Difference::Other);
        assert_eq!(
            difference("人人有思想、", "人人思有谈、"),
            Difference::Other
        );
        // Inside a word, with context: a garbled word is a slip; whole words are not.
        assert_eq!(
            difference("the Declaration of", "the Declroation of"),
            Difference::Slip
        );
        // Two errors apart in one word ("paromate" for "promote") are still a garbled word;
        // three are not.
        assert_eq!(
            difference("to paromate the", "to promote the"),
            Difference::Slip
        );
        assert_eq!(
            difference("the government of", "the gavarnmant of"),
            Difference::Other
        );
        assert_eq!(difference("a", "ro"), Difference::Other);
        assert_eq!(difference("the big dog", "the red dog"), Difference::Other);
        assert_eq!(
            difference("他喜欢上午去", "他喜欢上班去"),
            Difference::Other
        );
    }
}
