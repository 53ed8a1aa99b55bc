//! The document's own typographic habits, learned from its witnesses: how often they put a
//! space between two kinds of character (a comma and a letter, a digit and a letter, an
//! ideograph and a Latin letter…; a mark by what it is written after, so that the comma of
//! "3,152" and the comma of prose are told apart), and how often the letter after each mark
//! is a capital.
//!
//! Where two readings differ only by a space, the language model often cannot tell them
//! apart: "3,470 families" and "3,470families", "said, then" and "said,then" are the same
//! words to it. What decides there is typography, and typography is a habit of the document
//! (a news report always spaces after a comma; program text often does not; Chinese text
//! mixed with Latin words spaces them or not, by house style). Counted over the witnesses'
//! whole texts, where each witness errs at a few places in a hundred, the habit is clear
//! wherever it is one: this is evidence from the documents themselves, like the witnesses'
//! reliability, not from any model. The same holds for capitals: "the right to life,
//! liberty" and "the right to life. liberty" are the same words, but the documents write a
//! small letter after a comma and a capital after a full stop.

use std::collections::HashMap;

use crate::normalize::{CharKind, PARAGRAPH_KEY, is_wide};

/// What a character is, as far as spacing goes: letters and digits by kind, every other
/// symbol itself (a comma and a full stop are spaced differently).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Neighbour {
    /// An ideograph, kana or hangul.
    Wide,
    Letter,
    Digit,
    Mark(char),
}

impl Neighbour {
    fn of(c: char) -> Neighbour {
        match CharKind::of(c) {
            CharKind::Letter if is_wide(c) => Neighbour::Wide,
            CharKind::Letter => Neighbour::Letter,
            CharKind::Digit => Neighbour::Digit,
            CharKind::Space | CharKind::Mark => Neighbour::Mark(c),
        }
    }
}

/// What a mark is written after. One mark plays several parts, each with its own spacing
/// after it: the comma of "3,152" is part of a number and the comma of "years, 3,152" ends a
/// clause; the straight quote of `"Mona Lisa" trademark` closes and the one before it opens.
/// Which part shows in what stands right before the mark: counted as one habit, a report's
/// thousands separators taught that a comma is never spaced from a digit, and its opening
/// quotes that a quote is never spaced from a letter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum MarkAfter {
    /// A mark with a space or the start of its paragraph before it (an opening quote or
    /// bracket); and every character that is not a mark.
    Detached,
    /// A mark written right after a digit: inside a number ("3,152", "2.5", "10:30").
    Digit,
    /// A mark written right after a letter or another mark: closing punctuation.
    Other,
}

/// A gap between two consecutive non-space characters of a paragraph.
#[derive(Debug, Clone, Copy)]
struct Gap {
    a: char,
    b: char,
    /// Whitespace stands between `a` and `b`.
    spaced: bool,
    /// What `a` is written after, where it is a mark.
    a_after: MarkAfter,
}

impl Gap {
    /// What the spacing habits are counted by: the two neighbours, and what the first is
    /// written after, where it is a mark.
    fn context(&self) -> (Neighbour, Neighbour, MarkAfter) {
        (Neighbour::of(self.a), Neighbour::of(self.b), self.a_after)
    }
}

/// Every gap between two consecutive non-space characters of `text` within a paragraph.
fn gaps(text: &str) -> impl Iterator<Item = Gap> + '_ {
    let mut previous: Option<char> = None;
    let mut previous_after = MarkAfter::Detached;
    let mut spaced = false;
    text.chars().filter_map(move |c| {
        if c == PARAGRAPH_KEY {
            previous = None;
            None
        } else if c.is_whitespace() {
            spaced = true;
            None
        } else {
            let gap = previous.map(|a| Gap {
                a,
                b: c,
                spaced,
                a_after: previous_after,
            });
            let is_mark = matches!(Neighbour::of(c), Neighbour::Mark(_));
            previous_after = match previous {
                Some(a) if is_mark && !spaced && Neighbour::of(a) == Neighbour::Digit => {
                    MarkAfter::Digit
                }
                Some(_) if is_mark && !spaced => MarkAfter::Other,
                _ => MarkAfter::Detached,
            };
            previous = Some(c);
            spaced = false;
            gap
        }
    })
}

/// Where `b` is a cased letter right after a mark (`a`, as a neighbour): whether it is upper
/// case.
fn case_after_mark(a: Neighbour, b: char) -> Option<bool> {
    let cased = b.is_uppercase() || b.is_lowercase();
    (matches!(a, Neighbour::Mark(_)) && cased).then(|| b.is_uppercase())
}

/// Most nats of evidence one gap's habit gives: beyond this, a habit seen thousands of times
/// says no more than one seen a hundred times, and the chance that this witness broke it by
/// an odd choice of its own is not smaller.
const MAX_LOG_ODDS: f64 = 5.0;

/// How often the documents space each pair of neighbours (counts of gaps without and with a
/// space), and write a capital after each mark.
#[derive(Debug, Clone, Default)]
pub struct TypographyHabits {
    spacing: HashMap<(Neighbour, Neighbour, MarkAfter), [u64; 2]>,
    /// For each mark, how often the next character, where it is a cased letter, is lower and
    /// upper case.
    case_after: HashMap<char, [u64; 2]>,
}

impl TypographyHabits {
    /// Count the gaps of `texts` (paragraph breaks as `PARAGRAPH_KEY`): spaced or not, and
    /// the case of a letter after a mark.
    pub fn learn<S: AsRef<str>>(texts: &[S]) -> TypographyHabits {
        let mut spacing: HashMap<(Neighbour, Neighbour, MarkAfter), [u64; 2]> = HashMap::new();
        let mut case_after: HashMap<char, [u64; 2]> = HashMap::new();
        for text in texts {
            for gap in gaps(text.as_ref()) {
                if let Some(upper) = case_after_mark(Neighbour::of(gap.a), gap.b) {
                    case_after.entry(gap.a).or_default()[usize::from(upper)] += 1;
                }
                spacing.entry(gap.context()).or_default()[usize::from(gap.spaced)] += 1;
            }
        }
        TypographyHabits {
            spacing,
            case_after,
        }
    }

    /// How well the capitals of `text` fit the documents' habits: summed over every letter
    /// right after a mark, the log-odds of its case against the other case after that mark
    /// (with half a letter of each case added), where that case is the rarer one (at least
    /// −`MAX_LOG_ODDS`); 0 for a letter in the usual case. So a text whose capitals follow
    /// the habits scores 0 however long it is: a sum of log-probabilities would count every
    /// capital after a full stop against a long reading and for a reading that drops it.
    pub fn case_fit(&self, text: &str) -> f64 {
        gaps(text)
            .filter_map(|Gap { a, b, .. }| {
                let upper = case_after_mark(Neighbour::of(a), b)?;
                let n = self.case_after.get(&a).copied().unwrap_or_default();
                let (this, other) = (n[usize::from(upper)], n[usize::from(!upper)]);
                let odds = ((this as f64 + 0.5) / (other as f64 + 0.5)).ln();
                Some(odds.clamp(-MAX_LOG_ODDS, 0.0))
            })
            .sum()
    }

    /// Log-odds that the documents put a space in `gap`'s context, from their counts with
    /// half a gap of each kind added (0 for a context they never have). 0 between two
    /// letters of one kind: whether a space stands there is a matter of words, which the
    /// language model judges, and their habit is only how long the words run (about one gap
    /// in five is spaced in English prose), the same at every such gap.
    fn log_odds(&self, gap: &Gap) -> f64 {
        let context = gap.context();
        if matches!(
            (context.0, context.1),
            (Neighbour::Letter, Neighbour::Letter) | (Neighbour::Wide, Neighbour::Wide)
        ) {
            return 0.0;
        }
        let [unspaced, spaced] = self.spacing.get(&context).copied().unwrap_or_default();
        ((spaced as f64 + 0.5) / (unspaced as f64 + 0.5))
            .ln()
            .clamp(-MAX_LOG_ODDS, MAX_LOG_ODDS)
    }

    /// The evidence of the habits for `spaced` against `unspaced`, the same text but for
    /// spaces that `spaced` adds: the log-odds of a space, summed over the gaps where only
    /// `spaced` has one (where only `unspaced` has one, the log-odds of no space).
    pub fn evidence_for_spaces(&self, spaced: &str, unspaced: &str) -> f64 {
        gaps(spaced)
            .zip(gaps(unspaced))
            .filter(|(s, u)| s.spaced != u.spaced)
            .map(|(s, _)| {
                let odds = self.log_odds(&s);
                if s.spaced { odds } else { -odds }
            })
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_space_the_documents_always_write_is_evidence_for_it() {
        let habits = TypographyHabits::learn(&["one, two, three, four", "five, six"]);
        let e = habits.evidence_for_spaces("a, b", "a,b");
        assert!((e - (4.5f64 / 0.5).ln()).abs() < 1e-9, "{e}");
        assert!(habits.evidence_for_spaces("a,b", "a, b") < 0.0);
    }

    #[test]
    fn pairs_the_documents_never_have_say_nothing() {
        let habits = TypographyHabits::learn(&["one, two"]);
        assert_eq!(habits.evidence_for_spaces("1 2", "12"), 0.0);
    }

    #[test]
    fn a_space_between_two_letters_is_left_to_the_words() {
        let habits = TypographyHabits::learn(&["abcdefgh ij k1 m2"]);
        assert_eq!(habits.evidence_for_spaces("ab cd", "abcd"), 0.0);
        assert!(habits.evidence_for_spaces("a 1", "a1") < 0.0);
    }

    #[test]
    fn a_letter_in_the_usual_case_after_a_mark_costs_nothing() {
        let habits = TypographyHabits::learn(&["One. Two, three. Four, five."]);
        assert_eq!(habits.case_fit("x. Ab, cd"), 0.0);
        let rare = (0.5f64 / 2.5).ln();
        assert!((habits.case_fit("x. ab") - rare).abs() < 1e-9);
        assert!((habits.case_fit("x, Ab. cd") - 2.0 * rare).abs() < 1e-9);
    }

    #[test]
    fn a_mark_is_counted_by_what_it_is_written_after() {
        // Thousands separators are never spaced, the commas of the prose always are: counted
        // as one habit (a comma before a digit), three unspaced gaps outvoted two spaced ones.
        let habits =
            TypographyHabits::learn(&["Last year, 2,417 people; this year, 6,300 and 15,800."]);
        assert!(habits.evidence_for_spaces("years, 2,417", "years,2,417") > 0.0);
        assert!(habits.evidence_for_spaces("2, 417", "2,417") < 0.0);
        // An opening quote is never spaced from the word after it, a closing one always is.
        let habits = TypographyHabits::learn(&[r#"the "Blue Moon" bakery and the "Sky" cafe"#]);
        assert!(habits.evidence_for_spaces(r#"Moon" bakery"#, r#"Moon"bakery"#) > 0.0);
        assert!(habits.evidence_for_spaces(r#"the " Sky"#, r#"the "Sky"#) < 0.0);
    }

    #[test]
    fn paragraph_breaks_are_not_gaps() {
        let habits = TypographyHabits::learn(&["a\nb\nc"]);
        assert!(habits.spacing.is_empty());
    }

    #[test]
    fn letters_are_counted_by_kind_and_marks_by_themselves() {
        let habits = TypographyHabits::learn(&["ab cd.ef"]);
        let letters = habits.spacing[&(Neighbour::Letter, Neighbour::Letter, MarkAfter::Detached)];
        assert_eq!(letters, [3, 1]);
        assert_eq!(
            habits.spacing[&(Neighbour::Mark('.'), Neighbour::Letter, MarkAfter::Other)],
            [1, 0]
        );
    }
}
