//! Stage 7 — decisions. At every variant site each distinct reading is a candidate, and so
//! is each reading pieced together from the witnesses' columns (`collate::combined_readings`:
//! the column majority of three or more, the mixes of two), and so is the spelled reading
//! where every witness garbled one word (`spelling`); the posterior probability is a
//! softmax over candidates of
//!
//! ```text
//! logit(c) = evidence(c) + vote_weight · votes(c)
//! ```
//!
//! **Evidence** about the reading itself, independent of who wrote it (all in nats):
//!
//! * *language plausibility in context* (`language_model`): the length-fair plausibility of
//!   `context + c + context` (the site's evidence context: whole words, and the readings
//!   chosen at the sites nearby, or another likely reading of a site in the same word where
//!   the chosen ones leave only unknown words, `read_in_chosen_context`) minus the best
//!   candidate's,
//!   weighted by how the candidate
//!   differs from that best reading (`confusion::difference`): a known confusion (形近字,
//!   homophone, OCR look-alike) or another single slip (dropped, doubled, swapped character,
//!   split word; or two close together that keep the length) usually breaks a word, so
//!   there the language model is trusted more; where
//!   the readings are different words, a wrong witness often writes a fluent near-synonym,
//!   and the language model stays a capped tiebreaker (a combined reading, which no one
//!   wrote, is judged step by step from the nearest reading the model likes better);
//! * *length and slips*: a reading that only adds characters to another (a dropped
//!   character is likelier than an added one; how much likelier is fitted per kind of
//!   character: a letter or ideograph, a digit, a punctuation mark), one that only doubles
//!   a character of another, one that only adds spaces to another (a split word);
//! * *consistency*: how often the reading, with two characters of context on each side (a
//!   paragraph break where the paragraph ends sooner), occurs elsewhere in the documents
//!   (`ln(1 + other occurrences / witnesses)`; none where the readings differ in length by
//!   more than three symbols: a much shorter phrase occurs by chance far more often);
//! * *glossary*: the reading (in its context) contains a term of the user's glossary that
//!   a rival reading lacks: a fixed likelihood ratio of 50;
//! * *layout*: at a paragraph-break disagreement, the reading of witnesses whose paragraphs
//!   are explicit;
//! * *mix*: a fitted prior on a mix of two witnesses' readings, and another on a spelled
//!   reading (`spelling`: where every witness garbled one word differently, the known word
//!   nearest all of their readings);
//! * *typography* (`typography`): the documents' own habits, learned from the witnesses'
//!   text, where the language model sees the same words either way: how often they space
//!   the two kinds of character around a space one reading adds, and whether they write a
//!   capital after a mark (a small letter after a full stop costs the reading).
//!
//! **Witness reliability** (`votes`): each witness reads the truth with probability 1 - ε_w
//! or any one other candidate with probability ε_w / (K - 1); the error rates ε_w are
//! estimated jointly with the readings by expectation–maximisation over all sites (a
//! one-coin Dawid–Skene model) with a weak prior. With two witnesses only the evidence can
//! say who is wrong at a site, so the reliability is learned from the sites the evidence
//! decides clearly and then carries the sites it does not.
//!
//! The weights were fitted by maximum likelihood of the true readings on simulated training
//! sets (`fit`; see docs/evaluation.md). The reported confidence, the probability that the
//! chosen reading is right, is the posterior times the chance that some reading is right,
//! calibrated by site type (`calibrate`: a logistic regression on features of the decided
//! site, then a monotone map), also fitted on the training sets.

use crate::collate::{Collation, Segment};
use crate::confusion::{Difference, difference};
use crate::normalize::{CharKind, PARAGRAPH, PARAGRAPH_KEY, Symbol, SymbolTable};
use crate::spelling::{DocumentWords, Reading, leaves_unknown_word, spelled_reading};
use crate::typography::TypographyHabits;
use rayon::prelude::*;
use std::ops::Range;

/// Something that scores how plausible a text is; higher is more plausible, in nats,
/// comparable across texts of different lengths.
pub trait Plausibility: Sync {
    fn plausibility(&self, text: &str) -> f64;

    /// Whether the model knows `word` (a Latin word). A model without a vocabulary knows
    /// every word, and so never proposes a spelled reading (`spelling`).
    fn knows_word(&self, _word: &str) -> bool {
        true
    }

    /// The word the model knows, near every word of `words` (unknown words) and accepted by
    /// `fits`, likeliest to have been garbled into them, if any.
    fn nearest_known_word(&self, _words: &[&str], _fits: &dyn Fn(&str) -> bool) -> Option<String> {
        None
    }
}

/// Tuning of the evidence. The defaults come from `fit` on simulated training sets
/// (docs/evaluation.md), except where noted.
#[derive(Debug, Clone)]
pub struct DecisionParams {
    /// Weight of a nat of language-model evidence where the readings differ by a known
    /// confusion, by another slip, or by whole words.
    pub lm_weight_confusion: f64,
    pub lm_weight_slip: f64,
    /// Not fitted: simulated noise is not fluent the way a real rewriting witness is, so
    /// this stays a small tiebreaker (0.1 per nat, at most 0.5 nats).
    pub lm_weight_other: f64,
    /// Most nats of raw plausibility difference counted, per difference class.
    pub lm_cap_confusion: f64,
    pub lm_cap_slip: f64,
    pub lm_cap_other: f64,
    /// Log-odds of a reading that only adds one (non-space, non-doubling) character to
    /// another, by what that character is (`AddedChar`): a letter or ideograph, a digit, a
    /// punctuation mark or other symbol. A dropped character is likelier than an added one,
    /// by how much depends on the kind: noise adds some kinds (specks read as marks) more
    /// than others, and the language model judges letters and ideographs, not digits or
    /// marks, so the prior weighs alone there. Fitted as a common prior and an offset per
    /// kind (see `FITTED`).
    pub length_prior: [f64; 3],
    /// Log-odds of a reading that only adds several characters to another. Not fitted
    /// (simulated noise rarely drops whole words; real witnesses both skip and add words):
    /// ln 2.
    pub words_length_prior: f64,
    /// Log-odds of a reading that only doubles a character of another (negative: doubling
    /// is a slip).
    pub doubled_prior: f64,
    /// Log-odds of a reading that only adds spaces to another.
    pub space_prior: f64,
    /// Weight of the documents' spacing habits (`typography`) where a reading only adds spaces.
    pub spacing_weight: f64,
    /// Weight of the documents' capitalisation habits after marks (`typography`).
    pub case_weight: f64,
    /// Log-odds of a mix of two witnesses' readings (`collate::combined_readings`): right
    /// only where both erred, which the votes already count; this corrects for how often
    /// the language model and the length prior favour a mix that is wrong.
    pub mix_prior: f64,
    /// Log-odds of a spelled reading (`spelling`), on top of the language model and the votes
    /// (which count every witness as erring against it): a correction for how often the
    /// nearest known word is the true one where they favour it or not.
    pub spelled_prior: f64,
    /// Weight of the consistency feature.
    pub consistency_weight: f64,
    /// Log-odds of a reading containing a glossary term its rival lacks (not fitted: ln 50).
    pub glossary_log_lr: f64,
    /// Weight of the witness votes (a temperature on the reliability model).
    pub vote_weight: f64,
    /// Log-odds bonus, at paragraph-break disagreements, for the reading of witnesses
    /// whose paragraphs are explicit rather than reconstructed from hard wrapping.
    pub layout_prior: f64,
    /// Symbols of context on each side given to the language model.
    pub context: usize,
    /// Log-odds corrections of the chance that every witness is wrong at a site (see
    /// `none_probability`), for Chinese and for other script, by how the two likeliest
    /// readings differ (confusion, slip, other).
    pub none_bias: [[f64; 3]; 2],
    /// Logistic calibration of the confidence, per calibration group (`calibration_group`:
    /// script, two witnesses or more, equal or unequal witnesses): weights of
    /// `calibration_features` (see there), fitted on whether the chosen reading was right.
    /// A confidence computed from the posterior alone is off by site type (three-way splits
    /// are under-confident, votes of a much more reliable witness over-confident), and the
    /// mix of site types changes from document to document; conditioning on the site type
    /// keeps it honest under any mix.
    pub calibration: [[f64; CALIBRATION_FEATURES]; CALIBRATION_GROUPS],
    /// A monotone correction of the logistic calibration, per calibration group: its value at
    /// confidence 0, 0.05, …, 1, linear in between. A sigmoid has one shape; this
    /// map (isotonic regression on the training sites, see `fit_recalibration`) fixes the
    /// rest.
    pub recalibration: [[f64; RECALIBRATION_KNOTS]; CALIBRATION_GROUPS],
}

impl DecisionParams {
    /// Weight and cap of the language model's evidence for a step between two readings
    /// that differ as `class`.
    fn lm_weight_and_cap(&self, class: Difference) -> (f64, f64) {
        match class {
            Difference::Confusion => (self.lm_weight_confusion, self.lm_cap_confusion),
            Difference::Slip => (self.lm_weight_slip, self.lm_cap_slip),
            Difference::Other => (self.lm_weight_other, self.lm_cap_other),
        }
    }

    /// Evidence of one language-model step that loses `lost` nats of plausibility (≤ 0).
    fn lm_step(&self, class: Difference, lost: f64) -> f64 {
        let (weight, cap) = self.lm_weight_and_cap(class);
        weight * lost.max(-cap)
    }
}

/// Knots of `DecisionParams::recalibration`: every 0.05.
pub const RECALIBRATION_KNOTS: usize = 21;

/// The identity map, before `fit_recalibration`.
pub const NO_RECALIBRATION: [f64; RECALIBRATION_KNOTS] = {
    let mut knots = [0.0; RECALIBRATION_KNOTS];
    let mut i = 0;
    while i < RECALIBRATION_KNOTS {
        knots[i] = i as f64 / (RECALIBRATION_KNOTS - 1) as f64;
        i += 1;
    }
    knots
};

/// The recalibration map at confidence `x`.
fn recalibrate(knots: &[f64; RECALIBRATION_KNOTS], x: f64) -> f64 {
    let t = x.clamp(0.0, 1.0) * (RECALIBRATION_KNOTS - 1) as f64;
    let i = (t.floor() as usize).min(RECALIBRATION_KNOTS - 2);
    let f = t - i as f64;
    knots[i] * (1.0 - f) + knots[i + 1] * f
}

impl Default for DecisionParams {
    /// Fitted by `tests/accuracy.rs::fit_decision_weights` on simulations of the training
    /// texts in `bench/texts/train/` (Debian manuals, two public-domain books, official
    /// reports and the US Constitution, never `corpus/`; seeds 1–12, seven witness
    /// configurations, each text whole and cut into 10,000- and 3,000-character documents),
    /// rounded; see
    /// docs/evaluation.md. `lm_weight_other`, `lm_cap_other`, `words_length_prior`,
    /// `glossary_log_lr`, `layout_prior` and `context` are set by hand (documented on the
    /// fields).
    // Fitted weights are printed numbers; one may happen to look like a constant (1/π).
    #[allow(clippy::approx_constant)]
    fn default() -> Self {
        DecisionParams {
            lm_weight_confusion: 1.14,
            lm_weight_slip: 0.81,
            lm_weight_other: 0.1,
            lm_cap_confusion: 8.00,
            lm_cap_slip: 8.00,
            lm_cap_other: 5.0,
            length_prior: [0.59, 0.76, 0.75],
            words_length_prior: std::f64::consts::LN_2,
            doubled_prior: -0.34,
            space_prior: 0.16,
            spacing_weight: 0.69,
            case_weight: 0.62,
            mix_prior: -0.01,
            spelled_prior: 0.51,
            consistency_weight: 1.58,
            glossary_log_lr: 50.0_f64.ln(),
            vote_weight: 1.01,
            layout_prior: 2.0_f64.ln() * 2.0,
            context: 8,
            none_bias: [[-0.75, 0.17, 2.96], [-2.14, -0.55, 2.75]],
            calibration: [
                [
                    0.6506, 1.2348, 0.1688, 0.2570, 0.5736, -0.5654, -0.4514, -0.4593, 0.6580,
                    -0.1980, 0.1835, -1.7363, -0.0196, 0.0023, 0.2529, 0.6653, 0.2089, -0.5838,
                    -0.7054, 0.7425, 0.4049,
                ],
                [
                    0.5395, 1.2376, 0.1671, 0.2123, 0.4074, -0.4797, -0.3924, -0.4290, 0.6450,
                    -0.3566, 0.1719, -1.5735, -0.2039, 0.1167, 0.3215, 0.2690, 0.2045, -0.1177,
                    -0.4798, 0.9180, 0.9575,
                ],
                [
                    0.0633, 1.7290, -0.3087, -0.5200, 4.6563, -0.9149, -1.0322, -0.5939, 0.0802,
                    1.8042, 1.4522, -0.3363, 0.1398, -0.0751, 0.4017, 0.0000, 0.0000, -0.0350,
                    0.0242, 0.1982, 0.8901,
                ],
                [
                    -0.2070, 1.5667, -0.2605, -0.6700, 4.5974, -0.7753, -0.8936, -0.4318, 0.3343,
                    1.6844, 1.3020, -0.1973, 0.2996, -0.0800, 0.4953, 0.0000, 0.0000, 0.1418,
                    0.0521, 0.0907, 1.2590,
                ],
                [
                    0.2197, 1.4665, 0.1455, 0.2309, -0.4138, -0.7200, -0.8270, -0.2848, -0.3770,
                    -0.1326, -0.1893, -1.0525, 0.3043, -0.0498, 0.8361, 0.9485, -0.2896, -1.2848,
                    1.3370, 0.0, 0.0,
                ],
                [
                    -0.0052, 1.2143, 0.1226, -0.1844, -0.6632, -0.3366, -0.5261, -0.0680, -0.2297,
                    0.0873, 0.1432, -0.7801, 0.3593, -0.0802, 0.6685, 0.4798, 0.1425, -0.7166,
                    1.1787, 0.0, 0.0,
                ],
                [
                    -0.2003, 1.1551, -0.1054, 0.0460, 1.7925, -0.2197, -0.3919, 0.2376, -0.2209,
                    0.7527, 0.6914, -0.2582, 0.2411, -0.0451, 0.6135, 0.0000, 0.0000, -0.2787,
                    1.4036, 0.0, 0.0,
                ],
                [
                    -0.2641, 1.1001, -0.0989, -0.0472, 1.7231, -0.1823, -0.3386, 0.2625, -0.1719,
                    0.8593, 0.6987, -0.2570, 0.3571, 0.0028, 0.6681, 0.0000, 0.0000, -0.2308,
                    1.4020, 0.0, 0.0,
                ],
            ],
            recalibration: [
                [
                    0.019, 0.050, 0.097, 0.143, 0.173, 0.254, 0.311, 0.348, 0.419, 0.469, 0.495,
                    0.539, 0.614, 0.667, 0.698, 0.758, 0.798, 0.839, 0.909, 0.957, 0.994,
                ],
                [
                    0.003, 0.038, 0.057, 0.148, 0.186, 0.251, 0.290, 0.304, 0.367, 0.430, 0.451,
                    0.561, 0.607, 0.673, 0.708, 0.741, 0.801, 0.851, 0.905, 0.957, 0.996,
                ],
                [
                    0.000, 0.045, 0.144, 0.173, 0.258, 0.307, 0.326, 0.329, 0.378, 0.433, 0.455,
                    0.508, 0.594, 0.617, 0.692, 0.735, 0.777, 0.870, 0.931, 0.971, 0.998,
                ],
                [
                    0.000, 0.048, 0.157, 0.182, 0.200, 0.275, 0.294, 0.300, 0.404, 0.435, 0.442,
                    0.495, 0.580, 0.603, 0.673, 0.734, 0.772, 0.867, 0.925, 0.976, 0.998,
                ],
                [
                    0.031, 0.044, 0.063, 0.067, 0.113, 0.146, 0.203, 0.311, 0.381, 0.444, 0.534,
                    0.573, 0.627, 0.669, 0.747, 0.776, 0.811, 0.850, 0.895, 0.942, 0.997,
                ],
                [
                    0.000, 0.034, 0.087, 0.094, 0.100, 0.121, 0.205, 0.293, 0.364, 0.463, 0.553,
                    0.574, 0.615, 0.663, 0.718, 0.762, 0.797, 0.850, 0.902, 0.952, 0.998,
                ],
                [
                    0.000, 0.048, 0.100, 0.149, 0.175, 0.198, 0.220, 0.281, 0.300, 0.349, 0.402,
                    0.492, 0.537, 0.677, 0.747, 0.761, 0.812, 0.879, 0.903, 0.959, 0.999,
                ],
                [
                    0.000, 0.048, 0.100, 0.152, 0.200, 0.233, 0.247, 0.262, 0.266, 0.377, 0.434,
                    0.491, 0.514, 0.670, 0.709, 0.773, 0.831, 0.865, 0.901, 0.962, 0.999,
                ],
            ],
        }
    }
}

/// What is known about a reading before any weighting.
#[derive(Debug, Clone, Default)]
pub struct Features {
    /// The way from the reading the language model likes best to this one: how each step's
    /// two readings differ, and the plausibility in context lost (≤ 0). One step for a
    /// witness's reading; for a combined reading, the steps of the nearest reading the model
    /// likes better and one more. Empty for the best reading.
    pub lm_steps: Vec<(Difference, f64)>,
    /// Only adds one character to another reading (not a space, not a doubling): which kind.
    pub adds: Option<AddedChar>,
    /// Only adds several characters to another reading.
    pub adds_words: bool,
    /// Only doubles a character of another reading.
    pub doubles: bool,
    /// Only adds spaces to another reading.
    pub spaces: bool,
    /// Where it only adds spaces: the documents' spacing habits' evidence for them (nats,
    /// `TypographyHabits::evidence_for_spaces`, read in the site's key context).
    pub spacing: f64,
    /// How well its capitals fit the documents' habits after marks, in its key context
    /// (`TypographyHabits::case_fit`).
    pub case_fit: f64,
    /// ln(1 + occurrences elsewhere / witnesses).
    pub consistency: f64,
    /// A glossary term the reading has and a rival lacks.
    pub glossary_term: Option<String>,
    /// Read by a witness with explicit paragraphs, at a paragraph-break site.
    pub explicit_layout: bool,
    /// A mix of two witnesses' readings that neither reads whole.
    pub mixed: bool,
    /// A spelled reading (`spelling`): the known word nearest every witness's unknown word,
    /// which no witness wrote.
    pub spelled: bool,
}

impl Features {
    /// How the reading differs from the reading its last language-model step starts from
    /// (the best reading, for a witness's reading), if any.
    fn lm_class(&self) -> Option<Difference> {
        self.lm_steps.last().map(|&(class, _)| class)
    }
}

/// One reading at a site.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// Folded text of the reading (paragraph breaks as "\n").
    pub key: String,
    /// Witnesses (indices) that read it; none for a combined reading that no witness reads
    /// whole (`collate::combined_readings`).
    pub witnesses: Vec<usize>,
    /// For a combined reading, what it reads in each column of its site, so that its
    /// surface can be pieced together from the witnesses; empty otherwise.
    pub columns: Vec<Vec<Symbol>>,
    /// For each candidate of the site, how many errors a witness reading this makes if that
    /// candidate is right: 0 for itself; at a site with a combined reading, the number of
    /// alignment columns in which the two differ; elsewhere 1.
    pub columns_apart: Vec<f64>,
    pub features: Features,
    /// Evidence for it, in nats, by source (from the features and the parameters).
    pub lm_evidence: f64,
    pub length_evidence: f64,
    pub layout_evidence: f64,
    pub consistency_evidence: f64,
    pub glossary_evidence: f64,
    pub mix_evidence: f64,
    /// The documents' spacing and capitalisation habits (`typography`).
    pub typography_evidence: f64,
}

impl Candidate {
    /// A reading read by `witnesses`, with no features or evidence yet.
    pub fn new(key: String, witnesses: Vec<usize>) -> Candidate {
        Candidate {
            key,
            witnesses,
            columns: Vec::new(),
            columns_apart: Vec::new(),
            features: Features::default(),
            lm_evidence: 0.0,
            length_evidence: 0.0,
            layout_evidence: 0.0,
            consistency_evidence: 0.0,
            glossary_evidence: 0.0,
            mix_evidence: 0.0,
            typography_evidence: 0.0,
        }
    }

    /// The reading's text: its key without paragraph breaks (what the language model, the
    /// difference classes and the consistency phrases compare).
    fn text(&self) -> String {
        self.key.replace(PARAGRAPH_KEY, "")
    }

    fn evidence(&self) -> f64 {
        self.lm_evidence
            + self.length_evidence
            + self.layout_evidence
            + self.consistency_evidence
            + self.glossary_evidence
            + self.mix_evidence
            + self.typography_evidence
    }
}

/// A disagreement between witnesses, with its decision.
#[derive(Debug, Clone)]
pub struct Site {
    pub group: usize,
    pub segment: usize,
    /// The witnesses disagree only about a paragraph break.
    pub layout_only: bool,
    /// The site's key (the report's `key_before` / `key_after`, what reviewer decisions are
    /// matched by): `DecisionParams::context` symbols of the group's longest member on each
    /// side, whatever is decided around the site.
    pub left_context: String,
    pub right_context: String,
    /// The text around the site as the evidence reads it (the language model, the difference
    /// classes, the consistency phrases): as the key, but to the end of a word, and, once the
    /// sites nearby are decided, with their chosen readings, or another likely reading of a
    /// site in the same word where the chosen ones leave every reading an unknown word
    /// (`rescore_in_chosen_context`).
    pub evidence_context: [String; 2],
    /// Whether the left and the right evidence context stop at a paragraph break or the edge
    /// of the document (rather than at their length).
    pub context_cut: [bool; 2],
    /// How well the evidence context fits the site: the language model's plausibility of the
    /// likeliest reading in it (nats).
    pub context_fit: f64,
    /// Candidates sorted by key.
    pub candidates: Vec<Candidate>,
    /// Posterior probability of each candidate.
    pub posterior: Vec<f64>,
    pub chosen: usize,
    pub reason: String,
    /// A reviewer's correction that is none of the candidates; rendered instead of them.
    pub reviewer_text: Option<String>,
    /// Probability that no candidate is right (every witness erred here).
    pub none: f64,
}

impl Site {
    /// Reading k in its context, as the language model and the difference classes see it
    /// (paragraph breaks dropped).
    fn reading_window(&self, k: usize) -> String {
        format!(
            "{}{}{}",
            self.evidence_context[0],
            self.candidates[k].text(),
            self.evidence_context[1]
        )
    }

    /// Probability that the chosen reading is right: its posterior among the candidates
    /// times the probability that one of them is right at all; 1 for a reviewer's correction.
    pub fn confidence(&self) -> f64 {
        if self.reviewer_text.is_some() {
            1.0
        } else {
            self.posterior[self.chosen] * (1.0 - self.none)
        }
    }
}

/// The decisions of a run and the reliability learned on the way.
#[derive(Debug, Clone)]
pub struct Decisions {
    pub sites: Vec<Site>,
    /// Estimated share of each witness's readings at variant sites that are right.
    pub reliability: Vec<f64>,
    /// Estimated errors per compared character of each witness.
    pub error_rate: Vec<f64>,
    /// Characters of each witness compared with another witness.
    pub positions: Vec<usize>,
}

/// How far an evidence context may run past its length to finish a word.
const MAX_WORD_TAIL: usize = 24;

/// Context text next to a segment, up to `len` symbols; it stops at a paragraph break. It
/// reads the agreed text and, at the group's other variant segments, `reading_at(segment)`
/// where that gives a reading, else the reading of the group's longest member. With
/// `whole_words` it runs past `len` to the end of an English word (at most `MAX_WORD_TAIL`
/// more): the language model knows whole words only, and in a long word cut by the context
/// (8 symbols of "correspondence") it would see two unknown words where the right reading
/// is a known one. With the text, whether it stopped at a paragraph break or at the edge of
/// the document before reaching `len` symbols.
fn context<'a>(
    collation: &Collation,
    table: &SymbolTable,
    segment: usize,
    len: usize,
    before: bool,
    reading_at: &dyn Fn(usize) -> Option<&'a str>,
    whole_words: bool,
) -> (String, bool) {
    // The collation's pivot: the longest member, chosen independently of witness order.
    let longest = crate::collate::pivot(&collation.streams);
    let stream = &collation.streams[longest].symbols;
    let range_of = |s: &Segment| match s {
        Segment::Agreed { starts, len } => starts[longest]..starts[longest] + len,
        Segment::Variant { ranges, .. } => ranges[longest].clone(),
    };
    // Symbols in reading order from the segment outwards; a chosen reading's key gives one
    // per character (a character is its own symbol, and a paragraph break its own key).
    let mut symbols: Vec<Symbol> = Vec::new();
    let in_word = |s: Symbol| {
        table
            .first_char(s)
            .is_some_and(crate::language_model::is_in_english_word)
    };
    let indices: Box<dyn Iterator<Item = usize>> = if before {
        Box::new((0..segment).rev())
    } else {
        Box::new(segment + 1..collation.segments.len())
    };
    let mut piece = Vec::new();
    'outer: for i in indices {
        piece.clear();
        match reading_at(i) {
            Some(reading) => piece.extend(reading.chars().map(|c| {
                if c == PARAGRAPH_KEY {
                    PARAGRAPH
                } else {
                    c as Symbol
                }
            })),
            None => piece.extend_from_slice(&stream[range_of(&collation.segments[i])]),
        }
        if before {
            piece.reverse();
        }
        for &s in &piece {
            let finishing_a_word = whole_words
                && in_word(s)
                && symbols.last().is_some_and(|&l| in_word(l))
                && symbols.len() < len + MAX_WORD_TAIL;
            if s == PARAGRAPH || (symbols.len() >= len && !finishing_a_word) {
                break 'outer;
            }
            symbols.push(s);
        }
    }
    let cut = symbols.len() < len;
    if before {
        symbols.reverse();
    }
    (table.key_text(&symbols), cut)
}

/// The evidence context of `segment` on both sides (`context`, to the end of a word), with
/// whether each stops before its length.
fn evidence_context<'a>(
    collation: &Collation,
    table: &SymbolTable,
    segment: usize,
    len: usize,
    reading_at: &dyn Fn(usize) -> Option<&'a str>,
) -> ([String; 2], [bool; 2]) {
    let side = |before| context(collation, table, segment, len, before, reading_at, true);
    let ((left, left_cut), (right, right_cut)) = (side(true), side(false));
    ([left, right], [left_cut, right_cut])
}

/// Is `short` a proper subsequence of `long`?
fn is_proper_subsequence(short: &str, long: &str) -> bool {
    let mut it = long.chars();
    short.chars().count() < long.chars().count() && short.chars().all(|c| it.any(|d| d == c))
}

/// How `long` extends `short`, if it only adds symbols to it: by spaces only, by doubling
/// one character, or otherwise.
fn extension(short: &str, long: &str) -> Option<Extension> {
    if !is_proper_subsequence(short, long) {
        return None;
    }
    let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let (squeezed_long, squeezed_short) = (squeeze(long), squeeze(short));
    if squeezed_short == squeezed_long {
        return Some(Extension::Spaces);
    }
    let l: Vec<char> = long.chars().collect();
    if l.len() == short.chars().count() + 1 {
        // Removing one character of a doubled pair gives the short reading.
        for i in 1..l.len() {
            if l[i] == l[i - 1] {
                let mut v = l.clone();
                v.remove(i);
                if v.iter().collect::<String>() == short {
                    return Some(Extension::Doubling);
                }
            }
        }
    }
    if squeezed_long.chars().count() == squeezed_short.chars().count() + 1 {
        // The added character: the first where the two part (or the last).
        let added = squeezed_long
            .chars()
            .zip(squeezed_short.chars().map(Some).chain([None]))
            .find(|(l, s)| Some(*l) != *s)
            .map_or(' ', |(l, _)| l);
        Some(Extension::Adds(AddedChar::of(added)))
    } else {
        Some(Extension::AddsWords)
    }
}

enum Extension {
    Spaces,
    Doubling,
    /// One more character.
    Adds(AddedChar),
    /// Several more characters.
    AddsWords,
}

/// What a reading adds to another when it adds one character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddedChar {
    /// A letter or an ideograph.
    Letter = 0,
    Digit = 1,
    /// Punctuation or another symbol.
    Mark = 2,
}

impl AddedChar {
    fn of(c: char) -> AddedChar {
        match CharKind::of(c) {
            CharKind::Letter => AddedChar::Letter,
            CharKind::Digit => AddedChar::Digit,
            CharKind::Space | CharKind::Mark => AddedChar::Mark,
        }
    }

    fn name(self) -> &'static str {
        match self {
            AddedChar::Letter => "character",
            AddedChar::Digit => "digit",
            AddedChar::Mark => "punctuation mark",
        }
    }
}

/// Count the occurrences (overlapping ones too) of every phrase in the texts `hays`: an
/// Aho–Corasick automaton of all the phrases run once over each text (the texts in
/// parallel), so the cost is the length of the documents plus the matches, not documents ×
/// sites. A phrase is not counted across two texts.
fn occurrences(hays: &[String], phrases: &[String]) -> Vec<usize> {
    if phrases.is_empty() {
        return Vec::new();
    }
    // The automaton has size limits (about 2³¹ states); a document that large loses its
    // consistency evidence rather than failing.
    let Ok(automaton) = aho_corasick::AhoCorasick::new(phrases) else {
        return vec![0; phrases.len()];
    };
    // A few large pieces of work: every piece sums into a count vector of its own.
    hays.par_iter()
        .with_min_len(hays.len().div_ceil(8).max(1))
        .fold(
            || vec![0; phrases.len()],
            |mut counts, hay| {
                for m in automaton.find_overlapping_iter(hay) {
                    counts[m.pattern().as_usize()] += 1;
                }
                counts
            },
        )
        .reduce(
            || vec![0; phrases.len()],
            |mut a, b| {
                for (x, y) in a.iter_mut().zip(b) {
                    *x += y;
                }
                a
            },
        )
}

fn last_chars(s: &str, n: usize) -> String {
    let v: Vec<char> = s.chars().collect();
    v[v.len().saturating_sub(n)..].iter().collect()
}

fn first_chars(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

/// The phrase whose other occurrences count as consistency evidence for each candidate of a
/// text site: the reading with two characters of context on each side. Where a paragraph (or
/// the document) ends within those two characters, the phrase ends with a paragraph break, so
/// that it only matches where the text ends there too: "Article 1" at the end of a heading
/// is not confirmed by "Article 12", nor a dropped digit by every longer number that starts
/// like it. None where the readings differ a lot in length: phrases of very different
/// lengths are not comparable (a short one occurs by chance far more often). None where the
/// readings differ only in digits and the number ends the paragraph (only digits between the
/// site and the break): such a number is a heading's or a list item's, which names one item
/// (a year that ends a sentence and its paragraph, "in 1952.", is not), and the frame
/// repeats with the other items' numbers ("Article 2" elsewhere says nothing about whether
/// this heading is "Article 22"; on simulated UDHR the phrase elsewhere picked the wrong
/// number at every such site it decided). A number inside running text keeps the evidence:
/// a year or an amount that recurs is real evidence for the digit one witness dropped or
/// swapped (taking it from every number cost the English report and corpus 004 more edits
/// than it saved).
fn consistency_phrases(site: &Site) -> Vec<Option<String>> {
    let lengths: Vec<usize> = site
        .candidates
        .iter()
        .map(|c| c.key.chars().count())
        .collect();
    let lengths_differ_much =
        lengths.iter().max().unwrap_or(&0) - lengths.iter().min().unwrap_or(&0) > 3;
    if lengths_differ_much {
        return vec![None; site.candidates.len()];
    }
    // The break is part of the phrase where its two characters of context reach it.
    let reaches_break =
        |context: &str, side: usize| site.context_cut[side] && context.chars().count() < 2;
    let left = last_chars(&site.evidence_context[0], 2);
    let left = if reaches_break(&left, 0) {
        format!("{PARAGRAPH_KEY}{left}")
    } else {
        left
    };
    let right = first_chars(&site.evidence_context[1], 2);
    let right = if reaches_break(&right, 1) {
        format!("{right}{PARAGRAPH_KEY}")
    } else {
        right
    };
    let number_ends_paragraph = right
        .strip_suffix(PARAGRAPH_KEY)
        .is_some_and(|between| between.chars().all(is_digit));
    if number_ends_paragraph && readings_are_numbers(site) {
        return vec![None; site.candidates.len()];
    }
    site.candidates
        .iter()
        .map(|c| Some(format!("{left}{}{right}", c.text())))
        .collect()
}

/// Whether the readings of a site differ only in digits: all of them are digits or nothing.
fn readings_are_numbers(site: &Site) -> bool {
    site.candidates
        .iter()
        .all(|c| c.text().chars().all(is_digit))
}

/// A digit as the rest of the tool reads characters (`CharKind`: 〇 among ideographs is a
/// letter).
fn is_digit(c: char) -> bool {
    CharKind::of(c) == CharKind::Digit
}

/// The documents: the collations (whose variant segments are the sites) with their symbol
/// table, and their text as the consistency phrases are searched in it and the typographic
/// habits learned from it: every member stream of every group, one text each (a phrase
/// never spans two), between paragraph breaks (a phrase that ends with the paragraph matches
/// at a stream's ends); and the number of witnesses. Built once per run: the text does not
/// change when the sites are read again in other contexts.
pub struct Documents<'a> {
    collations: &'a [Collation],
    table: &'a SymbolTable,
    texts: Vec<String>,
    /// The Latin words of `texts`, with their counts (`spelling`).
    words: DocumentWords,
    witnesses: f64,
}

impl<'a> Documents<'a> {
    pub fn of(
        collations: &'a [Collation],
        table: &'a SymbolTable,
        model: &dyn Plausibility,
    ) -> Documents<'a> {
        let texts: Vec<String> = collations
            .par_iter()
            .flat_map_iter(|c| {
                c.streams.iter().map(|s| {
                    format!(
                        "{PARAGRAPH_KEY}{}{PARAGRAPH_KEY}",
                        table.key_text(&s.symbols)
                    )
                })
            })
            .collect();
        let witnesses = collations
            .iter()
            .filter_map(|c| c.witnesses.iter().max().map(|w| w + 1))
            .max()
            .unwrap_or(0);
        let words = DocumentWords::of(
            agreed_texts(collations, table).iter().map(String::as_str),
            model,
        );
        Documents {
            collations,
            table,
            words,
            texts,
            witnesses: witnesses.max(1) as f64,
        }
    }
}

/// The text every member of a group agrees on, one agreed segment at a time (as the
/// group's longest member reads it), without a word that a disagreement cuts: the words
/// `spelling` may count as known by the documents.
fn agreed_texts(collations: &[Collation], table: &SymbolTable) -> Vec<String> {
    collations
        .par_iter()
        .flat_map_iter(|c| {
            let longest = crate::collate::pivot(&c.streams);
            let last = c.segments.len().saturating_sub(1);
            c.segments
                .iter()
                .enumerate()
                .filter_map(move |(k, segment)| match segment {
                    Segment::Agreed { starts, len } => {
                        let start = starts[longest];
                        let text = table.key_text(&c.streams[longest].symbols[start..start + len]);
                        let in_word = crate::spelling::is_in_latin_word;
                        // A variant segment beside it may hold the rest of its edge words.
                        let mut agreed = text.as_str();
                        if k > 0 {
                            agreed = agreed.trim_start_matches(in_word);
                        }
                        if k < last {
                            agreed = agreed.trim_end_matches(in_word);
                        }
                        Some(agreed.to_string())
                    }
                    Segment::Variant { .. } => None,
                })
        })
        .collect()
}

/// How often each consistency phrase occurs in the documents.
fn consistency_counts(
    documents: &Documents,
    phrases_of_sites: &[Vec<Option<String>>],
) -> std::collections::HashMap<String, usize> {
    let mut phrases: Vec<String> = phrases_of_sites
        .iter()
        .flatten()
        .flatten()
        .filter(|p| !p.is_empty())
        .cloned()
        .collect();
    phrases.sort_unstable();
    phrases.dedup();
    let counts = occurrences(&documents.texts, &phrases);
    let mut occurrences: std::collections::HashMap<String, usize> =
        phrases.into_iter().zip(counts).collect();
    occurrences.insert(String::new(), 0);
    occurrences
}

/// The language-model features (plausibility in context against the best reading, and how
/// each reading differs from it) and the glossary feature of a text site.
fn score_language_and_glossary(site: &mut Site, model: &dyn Plausibility, glossary: &[String]) {
    // Steps are built from the best reading's (none) outwards: any from an earlier context go.
    for c in &mut site.candidates {
        c.features.lm_steps.clear();
    }
    let windows: Vec<String> = (0..site.candidates.len())
        .map(|k| site.reading_window(k))
        .collect();
    let scores: Vec<f64> = windows.iter().map(|t| model.plausibility(t)).collect();
    // How much a difference counts depends on what it is: a known confusion or a slip in
    // full, different words hardly at all (a wrong witness often writes fluent words). A
    // witness's reading is judged against the best one. A combined reading, which no one
    // wrote, is judged against the nearest reading the model likes better and carries that
    // reading's own steps from the best: a mix of two witnesses' errors, two slips from the
    // best, must not pass as "different words" from it.
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
    site.context_fit = order.first().map_or(0.0, |&best| scores[best]);
    let keys: Vec<Vec<char>> = site
        .candidates
        .iter()
        .map(|c| c.text().chars().collect())
        .collect();
    for (rank, &i) in order.iter().enumerate().skip(1) {
        let nearest = if site.candidates[i].witnesses.is_empty() {
            order[..rank]
                .iter()
                .copied()
                .min_by_key(|&p| strsim::generic_levenshtein(&keys[i], &keys[p]))
                .expect("a better reading")
        } else {
            order[0]
        };
        let class = difference(&windows[i], &windows[nearest]);
        let mut steps = site.candidates[nearest].features.lm_steps.clone();
        steps.push((class, scores[i] - scores[nearest]));
        let f = &mut site.candidates[i].features;
        f.lm_steps = steps;
    }
    for (i, window) in windows.iter().enumerate() {
        let term = glossary.iter().find(|t| {
            !t.is_empty()
                && window.contains(t.as_str())
                && windows.iter().any(|w| !w.contains(t.as_str()))
        });
        site.candidates[i].features.glossary_term = term.cloned();
    }
}

/// Gather the variant sites of all collations, with their features and evidence.
pub fn gather_sites(
    documents: &Documents,
    explicit_paragraphs: &[bool],
    model: &dyn Plausibility,
    params: &DecisionParams,
    glossary: &[String],
) -> Vec<Site> {
    let (collations, table) = (documents.collations, documents.table);
    let mut sites = Vec::new();
    for (g, collation) in collations.iter().enumerate() {
        for (si, segment) in collation.segments.iter().enumerate() {
            let Segment::Variant { ranges, columns } = segment else {
                continue;
            };
            let symbols = |m: usize, r: &Range<usize>| &collation.streams[m].symbols[r.clone()];
            // Each candidate with what each of its members reads in every column.
            type Cells<'a> = Vec<&'a [Symbol]>;
            let mut read: Vec<(Candidate, Vec<Cells>)> = Vec::new();
            for (m, range) in ranges.iter().enumerate() {
                let key = table.key_text(symbols(m, range));
                let w = collation.witnesses[m];
                let cells: Cells = columns[m].iter().map(|r| symbols(m, r)).collect();
                match read.iter_mut().find(|(c, _)| c.key == key) {
                    Some((c, member_cells)) => {
                        c.witnesses.push(w);
                        member_cells.push(cells);
                    }
                    None => read.push((Candidate::new(key, vec![w]), vec![cells])),
                }
            }
            // Where the witnesses err in different columns, readings pieced together from
            // their columns are candidates too (the column majority, or with two witnesses
            // every mix), and only there do errors count per column: elsewhere a differing
            // reading is one error however long it is, since a witness that rewrites a
            // phrase makes one mistake, not one per character. At a paragraph-break
            // disagreement the same holds: each break most witnesses have is kept.
            let mut per_column = false;
            // Two readings that differ by one known confusion ("ri" for "n", "cl" for "d")
            // differ by one error whose pieces mean nothing apart: no mixes (as for a
            // transposition, which `combined_readings` itself leaves alone).
            let one_confusion = matches!(read.as_slice(), [(a, _), (b, _)]
                if difference(&a.key, &b.key) == Difference::Confusion);
            let combined = if one_confusion {
                Vec::new()
            } else {
                crate::collate::combined_readings(collation, si)
            };
            for cells in combined {
                let key = table.key_text(&cells.concat());
                if read.iter().all(|(c, _)| c.key != key) {
                    let mut combined = Candidate::new(key, Vec::new());
                    combined.columns = cells.iter().map(|c| c.to_vec()).collect();
                    combined.features.mixed = ranges.len() == 2;
                    read.push((combined, vec![cells]));
                    per_column = true;
                }
            }
            read.sort_by(|a, b| a.0.key.cmp(&b.0.key));
            // Columns apart: the fewest over the two candidates' members, so that members of
            // one reading cut into columns differently cannot make it depend on their order.
            let apart = |a: &[Cells], b: &[Cells]| {
                a.iter()
                    .flat_map(|x| {
                        b.iter()
                            .map(move |y| x.iter().zip(y).filter(|(p, q)| p != q).count())
                    })
                    .min()
                    .unwrap_or(1)
                    .max(1) as f64
            };
            let candidates: Vec<Candidate> = read
                .iter()
                .map(|(c, cells)| Candidate {
                    columns_apart: read
                        .iter()
                        .map(|(other, other_cells)| {
                            if other.key == c.key {
                                0.0
                            } else if per_column {
                                apart(cells, other_cells)
                            } else {
                                1.0
                            }
                        })
                        .collect(),
                    ..c.clone()
                })
                .collect();
            let layout_only = candidates.iter().all(|c| c.text() == candidates[0].text());
            // The key reads exactly `params.context` symbols; the evidence, whole words.
            let side = |before, whole_words| {
                context(
                    collation,
                    table,
                    si,
                    params.context,
                    before,
                    &|_| None,
                    whole_words,
                )
            };
            let ((left_context, _), (right_context, _)) = (side(true, false), side(false, false));
            let ((left_evidence, left_cut), (right_evidence, right_cut)) =
                (side(true, true), side(false, true));
            sites.push(Site {
                group: g,
                segment: si,
                layout_only,
                left_context,
                right_context,
                evidence_context: [left_evidence, right_evidence],
                context_cut: [left_cut, right_cut],
                context_fit: 0.0,
                candidates,
                posterior: Vec::new(),
                chosen: 0,
                reason: String::new(),
                reviewer_text: None,
                none: 0.0,
            });
        }
    }
    let habits = TypographyHabits::learn(&documents.texts);
    for site in sites.iter_mut().filter(|s| !s.layout_only) {
        let keys: Vec<String> = site.candidates.iter().map(Candidate::text).collect();
        // Typography reads each reading in the site's key context.
        let windows: Vec<String> = keys
            .iter()
            .map(|k| format!("{}{k}{}", site.left_context, site.right_context))
            .collect();
        let fits: Vec<f64> = windows.iter().map(|w| habits.case_fit(w)).collect();
        let best_fit = fits.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        for (c, fit) in site.candidates.iter_mut().zip(&fits) {
            c.features.case_fit = fit - best_fit;
        }
        for (i, c) in site.candidates.iter_mut().enumerate() {
            for (j, k) in keys.iter().enumerate() {
                if j == i {
                    continue;
                }
                match extension(k, &keys[i]) {
                    Some(Extension::Spaces) => {
                        c.features.spaces = true;
                        c.features.spacing = habits.evidence_for_spaces(&windows[i], &windows[j]);
                    }
                    Some(Extension::Doubling) => c.features.doubles = true,
                    Some(Extension::Adds(kind)) => c.features.adds = Some(kind),
                    Some(Extension::AddsWords) => c.features.adds_words = true,
                    None => {}
                }
            }
        }
    }
    for site in sites.iter_mut().filter(|s| s.layout_only) {
        let explicit = |c: &Candidate| c.witnesses.iter().any(|&w| explicit_paragraphs[w]);
        if site.candidates.iter().any(|c| !explicit(c)) {
            for c in &mut site.candidates {
                c.features.explicit_layout = explicit(c);
            }
        }
    }
    let mut all: Vec<&mut Site> = sites.iter_mut().collect();
    score_in_context(&mut all, documents, model, params, glossary);
    sites
}

/// The features of text sites that depend on their evidence context (language model,
/// glossary, consistency), then every site's evidence.
fn score_in_context(
    sites: &mut [&mut Site],
    documents: &Documents,
    model: &dyn Plausibility,
    params: &DecisionParams,
    glossary: &[String],
) {
    // The spelled reading depends on the context, so it is proposed anew in each.
    sites
        .par_iter_mut()
        .filter(|s| !s.layout_only)
        .for_each(|site| respell(site, model, &documents.words));
    // Consistency counts (one sequential automaton build, then a parallel search) run beside
    // the language-model scoring, which is the expensive part and parallel too.
    let phrases: Vec<Vec<Option<String>>> = sites
        .par_iter()
        .map(|s| {
            if s.layout_only {
                Vec::new()
            } else {
                consistency_phrases(s)
            }
        })
        .collect();
    let (counts, ()) = rayon::join(
        || consistency_counts(documents, &phrases),
        || {
            sites
                .par_iter_mut()
                .filter(|s| !s.layout_only)
                .for_each(|site| score_language_and_glossary(site, model, glossary))
        },
    );
    for (site, phrases) in sites.iter_mut().zip(&phrases) {
        for (c, phrase) in site.candidates.iter_mut().zip(phrases) {
            c.features.consistency = phrase.as_ref().map_or(0.0, |phrase| {
                let others = counts[phrase].saturating_sub(c.witnesses.len());
                (1.0 + others as f64 / documents.witnesses).ln()
            });
        }
    }
    for site in sites.iter_mut() {
        apply_params(site, params);
    }
}

/// Drop the site's spelled reading, if any, and add the one its evidence context gives
/// (`spelling::spelled_reading`), if any and if no other candidate reads it. Against another
/// reading it counts as many errors as their characters differ at a site whose errors count
/// per column (one with a combined reading), else one, as every reading there.
fn respell(site: &mut Site, model: &dyn Plausibility, words: &DocumentWords) {
    if let Some(p) = site.candidates.iter().position(|c| c.features.spelled) {
        site.candidates.remove(p);
        for c in &mut site.candidates {
            c.columns_apart.remove(p);
        }
    }
    let Some(key) = spelled_key(&site.candidates, &site.evidence_context, model, words) else {
        return;
    };
    let per_column = site.candidates.iter().any(|c| c.witnesses.is_empty());
    let at = site.candidates.partition_point(|c| c.key < key);
    let mut columns_apart: Vec<f64> = site
        .candidates
        .iter()
        .map(|c| {
            if per_column {
                strsim::osa_distance(&key, &c.key).max(1) as f64
            } else {
                1.0
            }
        })
        .collect();
    for (c, &apart) in site.candidates.iter_mut().zip(&columns_apart) {
        c.columns_apart.insert(at, apart);
    }
    columns_apart.insert(at, 0.0);
    let mut spelled = Candidate::new(key, Vec::new());
    spelled.columns_apart = columns_apart;
    spelled.features.spelled = true;
    site.candidates.insert(at, spelled);
}

/// The spelled reading (`spelling::spelled_reading`) of a site with `candidates` (its
/// spelled one aside) read in `context`, unless a candidate reads it already or one has a
/// paragraph break.
fn spelled_key(
    candidates: &[Candidate],
    context: &[String; 2],
    model: &dyn Plausibility,
    words: &DocumentWords,
) -> Option<String> {
    if candidates.iter().any(|c| c.key.contains(PARAGRAPH_KEY)) {
        return None;
    }
    let readings: Vec<Reading> = candidates
        .iter()
        .filter(|c| !c.features.spelled)
        .map(|c| Reading {
            text: &c.key,
            supporters: c.witnesses.len(),
        })
        .collect();
    let key = spelled_reading(&context[0], &readings, &context[1], model, words)?;
    (!candidates
        .iter()
        .any(|c| c.key == key && !c.features.spelled))
    .then_some(key)
}

/// Most rounds of `read_in_chosen_context`. On 2 × 1 M characters of bench/gen.py text
/// (seed 1), the first round changed 8 choices in Chinese and 244 in English, the second 0
/// and 4, a third none; a round costs about 140 ms there.
const CONTEXT_ROUNDS: usize = 2;

/// Read every text site again in the context of the readings chosen at the sites around it,
/// choose again, and repeat until the choices settle or `CONTEXT_ROUNDS` rounds are done.
/// The sites come from `gather_sites`, whose contexts read the longest member at the sites
/// nearby, and a neighbour's error there can hide the right reading from the language model
/// (one letter misread beside the site makes every reading an unknown word) and from the
/// consistency phrases. More than one round: two errors in one word each hide the other, and
/// the first choice at one of them may be a tie that only the other's repair breaks.
pub fn read_in_chosen_context(
    mut sites: Vec<Site>,
    positions: &[usize],
    documents: &Documents,
    model: &dyn Plausibility,
    params: &DecisionParams,
    glossary: &[String],
) -> Vec<Site> {
    let (mut chosen, mut posteriors) = choose(&sites, positions, params);
    for round in 1..=CONTEXT_ROUNDS {
        let rescored = rescore_in_chosen_context(
            &mut sites,
            (&chosen, &posteriors),
            documents,
            model,
            params,
            glossary,
        );
        if !rescored || round == CONTEXT_ROUNDS {
            break;
        }
        let (next, next_posteriors) = choose(&sites, positions, params);
        if next == chosen {
            break;
        }
        (chosen, posteriors) = (next, next_posteriors);
    }
    sites
}

/// Score again, in the context of the readings `chosen` at the sites around it (or, where
/// that leaves every reading an unknown word, of another likely reading of a site in the
/// same word, by the `posteriors` the choices were made by), every text site whose context
/// that changes, and keep the new context where it fits the site better. Whether any site
/// took a new context.
fn rescore_in_chosen_context(
    sites: &mut [Site],
    (chosen, posteriors): (&[usize], &[Vec<f64>]),
    documents: &Documents,
    model: &dyn Plausibility,
    params: &DecisionParams,
    glossary: &[String],
) -> bool {
    let (collations, table) = (documents.collations, documents.table);
    let site_at: std::collections::HashMap<(usize, usize), usize> = sites
        .iter()
        .enumerate()
        .map(|(i, s)| ((s.group, s.segment), i))
        .collect();
    let new_contexts: Vec<Option<([String; 2], [bool; 2])>> = sites
        .par_iter()
        .map(|site| {
            if site.layout_only {
                return None;
            }
            let collation = &collations[site.group];
            let chosen_at = |segment: usize| {
                site_at
                    .get(&(site.group, segment))
                    .map(|&i| sites[i].candidates[chosen[i]].key.as_str())
            };
            let mut best =
                evidence_context(collation, table, site.segment, params.context, &chosen_at);
            // Two errors in one word each hide the other: in the context of the neighbour's
            // wrong reading, every reading of the site is an unknown word, and so is every
            // reading of the neighbour in the site's, and neither can be repaired. So where
            // every reading is an unknown word, the site is also read with the other likely
            // readings of each site that shares its word, and scored in the context where
            // its likeliest reading (the spelled one that context gives included) reads best.
            let neighbours = if every_reading_unknown(site, &best.0, model, &documents.words) {
                same_word_neighbours(collation, table, site.segment, &chosen_at)
            } else {
                Vec::new()
            };
            let mut best_fit = None;
            for neighbour in neighbours {
                let Some(&n) = site_at.get(&(site.group, neighbour)) else {
                    continue;
                };
                if sites[n].layout_only {
                    continue;
                }
                for k in likeliest_others(&sites[n], &posteriors[n], chosen[n]) {
                    let key = sites[n].candidates[k].key.as_str();
                    let reading_at = |segment: usize| {
                        if segment == neighbour {
                            Some(key)
                        } else {
                            chosen_at(segment)
                        }
                    };
                    let alternative = evidence_context(
                        collation,
                        table,
                        site.segment,
                        params.context,
                        &reading_at,
                    );
                    // The site was scored in its own context already: that fit is known.
                    let fit_of_best = *best_fit.get_or_insert_with(|| {
                        if best.0 == site.evidence_context {
                            site.context_fit
                        } else {
                            fit_in(site, &best.0, model, &documents.words)
                        }
                    });
                    let fit = fit_in(site, &alternative.0, model, &documents.words);
                    if fit > fit_of_best {
                        best = alternative;
                        best_fit = Some(fit);
                    }
                }
            }
            let (context, cut) = best;
            (site.evidence_context != context).then_some((context, cut))
        })
        .collect();
    // Each site read anew, where its context changed.
    let mut candidates: Vec<(usize, Site)> = new_contexts
        .into_iter()
        .enumerate()
        .filter_map(|(i, new)| new.map(|context| (i, context)))
        .map(|(i, (context, cut))| {
            let mut site = sites[i].clone();
            site.evidence_context = context;
            site.context_cut = cut;
            (i, site)
        })
        .collect();
    if candidates.is_empty() {
        return false;
    }
    let mut rescored: Vec<&mut Site> = candidates.iter_mut().map(|(_, site)| site).collect();
    score_in_context(&mut rescored, documents, model, params, glossary);
    // A new context is kept where the site reads better in it: the right neighbour makes the
    // right reading fluent, a wrong one makes every reading an unknown word. So a site is
    // never read in a worse context than before, and rounds cannot go back and forth.
    let mut any = false;
    for (i, site) in candidates {
        if site.context_fit > sites[i].context_fit {
            sites[i] = site;
            any = true;
        }
    }
    any
}

/// Most readings of a neighbour in the site's word that `rescore_in_chosen_context` reads
/// the site with, besides the neighbour's chosen one.
const ALTERNATIVE_READINGS: usize = 2;

/// The `ALTERNATIVE_READINGS` candidates of `site` likeliest after `chosen` by `posterior`,
/// without paragraph breaks.
fn likeliest_others(site: &Site, posterior: &[f64], chosen: usize) -> Vec<usize> {
    let mut others: Vec<usize> = (0..site.candidates.len())
        .filter(|&k| k != chosen && !site.candidates[k].key.contains(PARAGRAPH_KEY))
        .collect();
    let p = |k: usize| posterior.get(k).copied().unwrap_or(0.0);
    others.sort_by(|&a, &b| p(b).total_cmp(&p(a)).then(a.cmp(&b)));
    others.truncate(ALTERNATIVE_READINGS);
    others
}

/// How well `context` fits a site: the language model's plausibility of its likeliest
/// reading in it (as `Site::context_fit`), the spelled reading it gives included (where a
/// neighbour's wrong reading made every reading an unknown word, its right one may leave
/// only a word every witness garbled, which no reading but the spelled one makes known).
fn fit_in(
    site: &Site,
    context: &[String; 2],
    model: &dyn Plausibility,
    words: &DocumentWords,
) -> f64 {
    let spelled = spelled_key(&site.candidates, context, model, words);
    site.candidates
        .iter()
        .filter(|c| !c.features.spelled)
        .map(|c| c.text())
        .chain(spelled)
        .map(|text| model.plausibility(&format!("{}{text}{}", context[0], context[1])))
        .fold(f64::NEG_INFINITY, f64::max)
}

/// Whether every reading of `site` (its spelled one aside) leaves an unknown word
/// (`spelling::leaves_unknown_word`) in `context`.
fn every_reading_unknown(
    site: &Site,
    context: &[String; 2],
    model: &dyn Plausibility,
    words: &DocumentWords,
) -> bool {
    site.candidates
        .iter()
        .filter(|c| !c.features.spelled)
        // As `fit_in` reads it: a paragraph break joins the words on either side.
        .all(|c| leaves_unknown_word(&context[0], &c.text(), &context[1], model, words))
}

/// The variant segments in the same English word as `segment`: those reached from it, on
/// either side, through letters only (the agreed text as the group's longest member reads
/// it, and the reading `reading_at` gives at each variant segment passed), at most
/// `MAX_WORD_TAIL` characters away.
fn same_word_neighbours<'a>(
    collation: &Collation,
    table: &SymbolTable,
    segment: usize,
    reading_at: &dyn Fn(usize) -> Option<&'a str>,
) -> Vec<usize> {
    let longest = crate::collate::pivot(&collation.streams);
    let stream = &collation.streams[longest].symbols;
    let symbols_text = |range: Range<usize>| -> Vec<char> {
        stream[range]
            .iter()
            .take(MAX_WORD_TAIL + 1)
            .map(|&s| table.first_char(s).unwrap_or(' '))
            .collect()
    };
    let mut neighbours = Vec::new();
    for before in [true, false] {
        let mut i = segment;
        let mut letters = 0;
        loop {
            i = match (before, i) {
                (true, 0) => break,
                (true, _) => i - 1,
                (false, _) if i + 1 >= collation.segments.len() => break,
                (false, _) => i + 1,
            };
            // As `context` reads it: the reading given, else the longest member's.
            let text: Vec<char> = match (&collation.segments[i], reading_at(i)) {
                (Segment::Agreed { starts, len }, _) => {
                    symbols_text(starts[longest]..starts[longest] + len)
                }
                (Segment::Variant { ranges, .. }, reading) => {
                    neighbours.push(i);
                    reading.map_or_else(
                        || symbols_text(ranges[longest].clone()),
                        |r| r.chars().collect(),
                    )
                }
            };
            letters += text.len();
            if letters > MAX_WORD_TAIL
                || !text
                    .into_iter()
                    .all(crate::language_model::is_in_english_word)
            {
                break;
            }
        }
    }
    neighbours
}

/// Turn a site's features into evidence with `params`.
pub fn apply_params(site: &mut Site, params: &DecisionParams) {
    for c in &mut site.candidates {
        let f = &c.features;
        c.lm_evidence = f
            .lm_steps
            .iter()
            .map(|&(class, lost)| params.lm_step(class, lost))
            .sum();
        let flag = |b: bool, x: f64| if b { x } else { 0.0 };
        c.length_evidence = f
            .adds
            .map_or(0.0, |kind| params.length_prior[kind as usize])
            + flag(f.adds_words, params.words_length_prior)
            + flag(f.doubles, params.doubled_prior)
            + flag(f.spaces, params.space_prior);
        c.typography_evidence = params.spacing_weight * f.spacing + params.case_weight * f.case_fit;
        c.layout_evidence = flag(f.explicit_layout, params.layout_prior);
        c.consistency_evidence = params.consistency_weight * f.consistency;
        c.glossary_evidence = flag(f.glossary_term.is_some(), params.glossary_log_lr);
        c.mix_evidence = flag(f.mixed, params.mix_prior) + flag(f.spelled, params.spelled_prior);
    }
}

/// Log-weights of each candidate from what the witnesses read, given their error rates:
/// a witness reads the truth with probability 1 - ε, or any one other candidate with
/// probability ε / (K - 1), raised to the power `columns_apart` (1 except at a
/// site with a combined reading, where each differing column is an error).
fn vote_terms(site: &Site, error_rate: &[f64]) -> Vec<f64> {
    let k = site.candidates.len() as f64;
    let mut terms = vec![0.0; site.candidates.len()];
    for (r, candidate) in site.candidates.iter().enumerate() {
        for &w in &candidate.witnesses {
            let e = error_rate[w];
            for (c, t) in terms.iter_mut().enumerate() {
                *t += if c == r {
                    (1.0 - e).ln()
                } else {
                    candidate.columns_apart[c] * (e / (k - 1.0)).ln()
                };
            }
        }
    }
    terms
}

fn softmax(x: &[f64]) -> Vec<f64> {
    let m = x.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let e: Vec<f64> = x.iter().map(|v| (v - m).exp()).collect();
    let z: f64 = e.iter().sum();
    e.into_iter().map(|v| v / z).collect()
}

fn posterior(site: &Site, error_rate: &[f64], vote_weight: f64) -> (Vec<f64>, Vec<f64>) {
    let votes: Vec<f64> = vote_terms(site, error_rate)
        .into_iter()
        .map(|v| vote_weight * v)
        .collect();
    let logits: Vec<f64> = site
        .candidates
        .iter()
        .zip(&votes)
        .map(|(c, v)| c.evidence() + v)
        .collect();
    (softmax(&logits), votes)
}

/// The logarithms `vote_terms` takes of each witness's error rate, computed once per EM
/// iteration instead of at every site: `right[w]` = ln(1 - ε_w), `wrong[k][w]` =
/// ln(ε_w / (k - 1)) at a site with k candidates. The same expressions as in `vote_terms`,
/// so the same values.
struct VoteLogs {
    right: Vec<f64>,
    wrong: Vec<Vec<f64>>,
}

impl VoteLogs {
    fn new(error_rate: &[f64], most_candidates: usize) -> VoteLogs {
        VoteLogs {
            right: error_rate.iter().map(|&e| (1.0 - e).ln()).collect(),
            wrong: (0..=most_candidates)
                .map(|k| {
                    let k = k as f64;
                    error_rate.iter().map(|&e| (e / (k - 1.0)).ln()).collect()
                })
                .collect(),
        }
    }
}

/// The text sites laid out flat for the EM loop, which visits every site up to hundreds of
/// times: contiguous arrays instead of a walk through each site's candidates and their
/// witness lists. `posterior` computes what `posterior(site, error_rate, vote_weight).0`
/// does, with the same operations in the same order, so bit for bit the same probabilities
/// (test `flat_posterior_is_bit_identical_to_posterior`).
struct FlatSites {
    /// Candidates of site s: `site_start[s]..site_start[s + 1]`.
    site_start: Vec<usize>,
    evidence: Vec<f64>,
    /// Witnesses of candidate c: `witnesses[candidate_start[c]..candidate_start[c + 1]]`.
    candidate_start: Vec<usize>,
    witnesses: Vec<usize>,
    /// `Candidate::columns_apart` of candidate c: `columns_apart[apart_start[c]..]`, one
    /// per candidate of its site.
    apart_start: Vec<usize>,
    columns_apart: Vec<f64>,
    most_candidates: usize,
    terms: Vec<f64>,
    exps: Vec<f64>,
}

impl FlatSites {
    fn new(sites: &[&Site]) -> FlatSites {
        let mut flat = FlatSites {
            site_start: vec![0],
            evidence: Vec::new(),
            candidate_start: vec![0],
            witnesses: Vec::new(),
            apart_start: Vec::new(),
            columns_apart: Vec::new(),
            most_candidates: 0,
            terms: Vec::new(),
            exps: Vec::new(),
        };
        for site in sites {
            for c in &site.candidates {
                flat.evidence.push(c.evidence());
                flat.witnesses.extend_from_slice(&c.witnesses);
                flat.candidate_start.push(flat.witnesses.len());
                flat.apart_start.push(flat.columns_apart.len());
                flat.columns_apart.extend_from_slice(&c.columns_apart);
            }
            flat.site_start.push(flat.evidence.len());
            flat.most_candidates = flat.most_candidates.max(site.candidates.len());
        }
        flat
    }

    fn sites(&self) -> usize {
        self.site_start.len() - 1
    }

    fn candidates(&self, s: usize) -> std::ops::Range<usize> {
        self.site_start[s]..self.site_start[s + 1]
    }

    /// `Candidate::columns_apart` of candidate c, at a site with k candidates.
    fn columns_apart_of(&self, c: usize, k: usize) -> &[f64] {
        &self.columns_apart[self.apart_start[c]..][..k]
    }

    fn witnesses_of(&self, c: usize) -> &[usize] {
        &self.witnesses[self.candidate_start[c]..self.candidate_start[c + 1]]
    }

    /// Posterior of every candidate of site `s`.
    fn posterior(&mut self, s: usize, logs: &VoteLogs, vote_weight: f64) -> &[f64] {
        let candidates = self.candidates(s);
        let k = candidates.len();
        let mut terms = std::mem::take(&mut self.terms);
        terms.clear();
        terms.resize(k, 0.0);
        for (r, cand) in candidates.clone().enumerate() {
            let apart = self.columns_apart_of(cand, k);
            for &w in self.witnesses_of(cand) {
                let wrong = logs.wrong[k][w];
                for (c, t) in terms.iter_mut().enumerate() {
                    *t += if c == r {
                        logs.right[w]
                    } else {
                        apart[c] * wrong
                    };
                }
            }
        }
        // As in `posterior`: evidence + vote_weight · votes, then `softmax`.
        for (t, e) in terms.iter_mut().zip(&self.evidence[candidates]) {
            *t = e + vote_weight * *t;
        }
        let m = terms.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        self.exps.clear();
        self.exps.extend(terms.iter().map(|v| (v - m).exp()));
        let z: f64 = self.exps.iter().sum();
        for e in &mut self.exps {
            *e /= z;
        }
        self.terms = terms;
        &self.exps
    }
}

/// Prior on each witness's error rate, as pseudo-counts: one error in a hundred positions.
const PRIOR_ERRORS: f64 = 1.0;
const PRIOR_POSITIONS: f64 = 100.0;

/// Estimate each witness's error rate by expectation–maximisation: the error rate is the
/// expected number of sites where the witness is wrong, over the positions it was compared
/// at (`positions[w]`: aligned symbols in blocks shared with another witness). With two
/// witnesses only the site evidence can say which one is wrong, and sites without evidence
/// leave the estimate where it is; with three or more the other witnesses' readings count.
pub fn estimate_error_rates(sites: &[Site], positions: &[usize], vote_weight: f64) -> Vec<f64> {
    let text_sites: Vec<&Site> = sites.iter().filter(|s| !s.layout_only).collect();
    let mut error_rate: Vec<f64> = positions
        .iter()
        .map(|&n| (PRIOR_ERRORS + text_sites.len() as f64 / 2.0) / (PRIOR_POSITIONS + n as f64))
        .collect();
    let mut flat = FlatSites::new(&text_sites);
    let mut q = Vec::new();
    for _ in 0..500 {
        let mut wrong = vec![PRIOR_ERRORS; positions.len()];
        let logs = VoteLogs::new(&error_rate, flat.most_candidates);
        for s in 0..flat.sites() {
            q.clear();
            q.extend_from_slice(flat.posterior(s, &logs, vote_weight));
            let k = flat.candidates(s).len();
            for cand in flat.candidates(s) {
                // Expected errors of a witness reading c: over the readings d that may be
                // right, the columns c differs from d in (one, except at a combined-reading
                // site; zero for d = c), so 1 - q[c] where every differing reading is one.
                let apart = flat.columns_apart_of(cand, k);
                let errors: f64 = apart.iter().zip(&q).map(|(a, p)| a * p).sum();
                for &w in flat.witnesses_of(cand) {
                    wrong[w] += errors;
                }
            }
        }
        let next: Vec<f64> = wrong
            .iter()
            .zip(positions)
            .map(|(e, &n)| (e / (PRIOR_POSITIONS + n as f64)).clamp(1e-6, 0.5))
            .collect();
        let change = next
            .iter()
            .zip(&error_rate)
            .map(|(a, b)| (a / b).ln().abs())
            .fold(0.0, f64::max);
        error_rate = next;
        if change < 1e-6 {
            break;
        }
    }
    error_rate
}

fn witnesses_at(site: &Site) -> impl Iterator<Item = usize> + '_ {
    site.candidates
        .iter()
        .flat_map(|c| c.witnesses.iter().copied())
}

/// For each witness, the expected share of its readings at text sites that are right.
fn reliability_at_sites(sites: &[Site], error_rate: &[f64], vote_weight: f64) -> Vec<f64> {
    let mut right = vec![0.0; error_rate.len()];
    let mut seen = vec![0.0; error_rate.len()];
    for site in sites.iter().filter(|s| !s.layout_only) {
        let (q, _) = posterior(site, error_rate, vote_weight);
        for (c, candidate) in site.candidates.iter().enumerate() {
            for &w in &candidate.witnesses {
                right[w] += q[c];
                seen[w] += 1.0;
            }
        }
    }
    right
        .iter()
        .zip(&seen)
        .map(|(r, n)| if *n > 0.0 { r / n } else { 1.0 })
        .collect()
}

/// Which script `none_bias` row applies: 0 where the site's context is Chinese.
pub fn none_script(site: &Site) -> usize {
    let text = format!("{}{}", site.left_context, site.right_context);
    let wide = text
        .chars()
        .filter(|&c| crate::normalize::is_wide(c))
        .count();
    usize::from(wide * 2 < text.chars().count())
}

/// How readings i and j of a site differ, judged with the site's context (so that letters
/// changed inside a word show as such).
fn readings_differ(site: &Site, i: usize, j: usize) -> Difference {
    difference(&site.reading_window(i), &site.reading_window(j))
}

/// Which `none_bias` applies: how the two likeliest readings differ.
fn none_class(site: &Site) -> usize {
    let mut order: Vec<usize> = (0..site.candidates.len()).collect();
    order.sort_by(|&a, &b| site.posterior[b].total_cmp(&site.posterior[a]));
    if order.len() < 2 {
        return 2;
    }
    match readings_differ(site, order[0], order[1]) {
        Difference::Confusion => 0,
        Difference::Slip => 1,
        Difference::Other => 2,
    }
}

/// Prior log-odds that no candidate is right at a site, from the witnesses' error rates:
/// with q_c the chance that all supporters of candidate c erred, the odds of "all wrong"
/// against "exactly one reading right" are Π q_c / Σ_c (1 - q_c) Π_{d≠c} q_d. A combined
/// reading has no supporters. The column majority of three or more witnesses is wrong only
/// where witnesses erred alike in one column; q = Σ_{i<j} ε_i ε_j over the site's witnesses
/// stands in for that chance (a rough one: it ignores the number of columns, that the errors
/// must agree, and that with four or more witnesses two errors do not overturn a majority;
/// `none_bias` is fitted on top). A mix of two witnesses is right only where both erred:
/// q = 1 - ε_1 ε_2.
fn none_base_log_odds(site: &Site, error_rate: &[f64]) -> f64 {
    let voters: Vec<f64> = site
        .candidates
        .iter()
        .flat_map(|c| c.witnesses.iter().map(|&w| error_rate[w]))
        .collect();
    let combined_wrong = || {
        if voters.len() >= 3 {
            let pairs = (0..voters.len()).flat_map(|i| (i + 1..voters.len()).map(move |j| (i, j)));
            pairs.map(|(i, j)| voters[i] * voters[j]).sum::<f64>()
        } else {
            1.0 - voters.iter().product::<f64>()
        }
    };
    let q: Vec<f64> = site
        .candidates
        .iter()
        .map(|c| match c.witnesses.as_slice() {
            [] => combined_wrong().min(1.0),
            ws => ws.iter().map(|&w| error_rate[w]).product(),
        })
        .collect();
    let all: f64 = q.iter().product();
    let one: f64 = (0..q.len())
        .map(|c| {
            (1.0 - q[c])
                * q.iter()
                    .enumerate()
                    .filter(|&(d, _)| d != c)
                    .map(|(_, x)| x)
                    .product::<f64>()
        })
        .sum();
    (all.max(1e-300) / one.max(1e-300)).ln().clamp(-30.0, 30.0)
}

/// Probability that no candidate is right: the base odds corrected by a bias fitted per
/// difference class (sites whose readings are different words are more often garbled in
/// every witness than single confusions are).
fn none_probability(site: &Site, error_rate: &[f64], params: &DecisionParams) -> f64 {
    if site.layout_only {
        return 0.0;
    }
    let z = none_base_log_odds(site, error_rate)
        + params.none_bias[none_script(site)][none_class(site)];
    1.0 / (1.0 + (-z).exp())
}

fn logit(p: f64) -> f64 {
    let p = p.clamp(1e-9, 1.0 - 1e-9);
    (p / (1.0 - p)).ln()
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// Groups of sites calibrated apart (`calibration_group`): Chinese and other script, each
/// with two witnesses at the site and with three or more, each with witnesses about equally
/// reliable and unequal.
pub const CALIBRATION_GROUPS: usize = 8;

/// Witnesses at a site are unequal when the likeliest to err (by the document's EM error
/// rates) errs at least this many times as often as the least likely: 0.3% + 5% and 5% + 2%
/// are unequal, 3% + 3% equal even when EM reads 2.5% and 3.5%.
const UNEQUAL_WITNESSES: f64 = 2.0;

/// The calibration group of a site: its script, whether three or more witnesses are at it,
/// and whether they are unequal (`UNEQUAL_WITNESSES`). The same evidence means different
/// things with two witnesses, where no vote can outnumber another, and with three or more,
/// where the language model or the length prior may stand against two of three. With one
/// calibration for both, the two-witness sites (many more) set its shape, and three-witness
/// sites in the middle bins were off by up to 20–27 points on the training texts themselves.
/// And a clean witness against a noisy one is another case than two alike: with one
/// calibration for both, the English report's 0.3% + 5% sites were under-confident by 8–26
/// points below confidence 0.5 and UDHR zh's over-confident by 13–20 points at 0.5–0.7
/// (docs/evaluation.md).
pub fn calibration_group(site: &Site, error_rate: &[f64]) -> usize {
    let rates = witnesses_at(site).filter_map(|w| error_rate.get(w).copied());
    let (low, high) = rates.fold((f64::INFINITY, 0.0_f64), |(l, h), r| (l.min(r), h.max(r)));
    let unequal = high >= UNEQUAL_WITNESSES * low;
    none_script(site) * 4 + usize::from(witnesses_at(site).count() >= 3) * 2 + usize::from(unequal)
}

/// The calibration groups a training site is fitted in: its own, and for unequal witnesses
/// also the equal group of its script and number of witnesses, which is fitted on all their
/// sites as before the split. Fitted on the equal sites alone, the equal groups fitted the
/// training texts better and the held-out ones worse (UDHR zh 2 × 3% [0.3, 0.4) −17.4 points):
/// whether a document's EM estimates come out equal is partly chance, and the equal sites
/// alone are too narrow a sample of what an equal pair looks like.
fn groups_fitted_on(site: &Site, error_rate: &[f64]) -> impl Iterator<Item = usize> {
    let g = calibration_group(site, error_rate);
    std::iter::once(g).chain((g % 2 == 1).then(|| g - 1))
}

/// Number of `calibration_features`.
pub const CALIBRATION_FEATURES: usize = 21;

/// What the calibration knows about a decided site (the chosen reading against the runner-up),
/// given its posterior among the readings (not yet calibrated) and `none`, the uncalibrated
/// chance that no reading is right: 1, logit of the chosen reading's posterior,
/// logit(1 - none), three or more readings, the share of the site's witnesses that read the
/// chosen one, the vote margin (unweighted nats), the language-model, length (with
/// typography: both weigh where the language model does not) and consistency evidence
/// margins (nats), whether the two differ by a confusion and by a slip,
/// ln(1 + characters of the longest reading), how short the document is,
/// `shortness = 1 / (1 + text sites / 200)`, alone and times the vote margin (with two
/// witnesses the reliability behind the votes is learned from the document's own sites, and
/// in a short document a chance lead of one witness is taken for a real one), and which way
/// the language model leans (+1 for the chosen reading, −1 for the runner-up): where the
/// readings are different words its evidence is capped so low that the margin hardly shows
/// its direction, which is still informative (a reading chosen by a slightly more reliable
/// witness against the model's lean is right less often than its posterior says); and
/// whether the site has mixes of two witnesses' readings and whether the chosen reading is
/// one (where both witnesses erred, often in ways no mix repairs, and the probability is
/// spread over many readings); and the same of spelled readings (`spelling`), right or
/// wrong by other odds than the readings the witnesses wrote. Last, the language model's
/// lean where the two are different words, alone and times the vote margin, both weighted
/// by exp(−|vote margin|) so that they count only where the reliability lead is slight:
/// there the model's evidence is capped to a tiebreaker, so a reading chosen on a slight
/// lead against the lean is often wrong (simulated Chinese 2 × 3%, leads under 60%: right
/// at 8-18% of such sites, where the confidence said 35-41%). Ungated, the simulator taught
/// the calibration to doubt every reading the model leans against, also those a far more
/// reliable witness wrote against a fluent rewrite (real copies rewrite fluently; the
/// simulator's word substitutions rarely are). Where the two differ by a slip or a
/// confusion the lean says little the margin does not (a raw model leans towards a dropped
/// character), so the plain lean cannot carry this. Chinese sites only (zero elsewhere):
/// fitted for English too in its ungated form, it made the held-out English sets'
/// calibration worse (docs/evaluation.md), so the English groups do without.
fn calibration_features(
    site: &Site,
    error_rate: &[f64],
    none: f64,
    text_sites: usize,
) -> [f64; CALIBRATION_FEATURES] {
    let (c, posterior) = (site.chosen, &site.posterior);
    let runner_up = (0..site.candidates.len())
        .filter(|&i| i != c)
        .max_by(|&a, &b| posterior[a].total_cmp(&posterior[b]));
    let margin =
        |f: &dyn Fn(usize) -> f64| runner_up.map_or(0.0, |r| (f(c) - f(r)).clamp(-12.0, 12.0));
    let votes = vote_terms(site, error_rate);
    let cand = |i: usize| &site.candidates[i];
    let class = runner_up.map(|r| readings_differ(site, c, r));
    let voters = witnesses_at(site).count();
    let longest = site
        .candidates
        .iter()
        .map(|x| x.key.chars().count())
        .max()
        .unwrap_or(0);
    let flag = |b: bool| f64::from(u8::from(b));
    let shortness = 1.0 / (1.0 + text_sites as f64 / 200.0);
    let vote_margin = margin(&|i| votes[i]);
    let lm_margin = margin(&|i| cand(i).lm_evidence);
    // Not `signum`: that gives +1 for a margin of 0, where the model leans neither way.
    let lean = flag(lm_margin > 0.0) - flag(lm_margin < 0.0);
    let chinese = none_script(site) == 0;
    let slight_lead = (-vote_margin.abs()).exp();
    let words_lean = flag(chinese && class == Some(Difference::Other)) * lean * slight_lead;
    [
        1.0,
        logit(posterior[c]).clamp(-12.0, 12.0),
        logit(1.0 - none).clamp(-12.0, 12.0),
        flag(site.candidates.len() >= 3),
        cand(c).witnesses.len() as f64 / voters.max(1) as f64,
        vote_margin,
        lm_margin,
        margin(&|i| cand(i).length_evidence + cand(i).typography_evidence),
        margin(&|i| cand(i).consistency_evidence),
        flag(class == Some(Difference::Confusion)),
        flag(class == Some(Difference::Slip)),
        (1.0 + longest as f64).ln(),
        shortness,
        shortness * vote_margin,
        lean,
        flag(site.candidates.iter().any(|x| x.features.mixed)),
        flag(cand(c).features.mixed),
        flag(site.candidates.iter().any(|x| x.features.spelled)),
        flag(cand(c).features.spelled),
        words_lean,
        words_lean * vote_margin,
    ]
}

/// The calibrated confidence of a text site (logistic calibration, then the monotone map),
/// before it is split into the report's two terms.
fn calibrated_confidence(
    features: &[f64; CALIBRATION_FEATURES],
    group: usize,
    params: &DecisionParams,
) -> f64 {
    let z: f64 = features
        .iter()
        .zip(&params.calibration[group])
        .map(|(x, w)| x * w)
        .sum();
    recalibrate(&params.recalibration[group], sigmoid(z))
}

/// Calibrate a decided text site so that confidence = posterior[chosen] · (1 - none) is the
/// calibrated confidence c. Where c is below the chosen reading's posterior p, the rest is the
/// chance that no reading is right. Where c is above it, the posterior among the readings was
/// itself under-confident (it only knows the evidence it weighs): the chosen reading's share
/// is raised to c, the others scaled down in proportion, and none is 0. Choices never change.
fn calibrate(
    site: &mut Site,
    error_rate: &[f64],
    none: f64,
    text_sites: usize,
    params: &DecisionParams,
) {
    let features = calibration_features(site, error_rate, none, text_sites);
    let c = calibrated_confidence(&features, calibration_group(site, error_rate), params);
    let p = site.posterior[site.chosen];
    if c <= p {
        site.none = 1.0 - c / p;
    } else {
        let scale = (1.0 - c) / (1.0 - p);
        for (i, q) in site.posterior.iter_mut().enumerate() {
            *q = if i == site.chosen { c } else { *q * scale };
        }
        site.none = 0.0;
    }
}

/// The candidate of highest `posterior` at a site; ties go to the candidate read by the most
/// reliable witness, then by key order.
fn choice(site: &Site, posterior: &[f64], reliability: &[f64]) -> usize {
    let best_witness = |c: &Candidate| {
        c.witnesses
            .iter()
            .map(|&w| reliability[w])
            .fold(0.0, f64::max)
    };
    (0..site.candidates.len())
        .max_by(|&a, &b| {
            posterior[a]
                .total_cmp(&posterior[b])
                .then(
                    best_witness(&site.candidates[a]).total_cmp(&best_witness(&site.candidates[b])),
                )
                .then(b.cmp(&a))
        })
        .unwrap_or(0)
}

/// The reading `decide` would choose at every site, without its confidence or reason (the
/// calibration never changes a choice), and the posterior among its candidates it is
/// chosen by.
pub fn choose(
    sites: &[Site],
    positions: &[usize],
    params: &DecisionParams,
) -> (Vec<usize>, Vec<Vec<f64>>) {
    let vw = params.vote_weight;
    let error_rate = estimate_error_rates(sites, positions, vw);
    let reliability = reliability_at_sites(sites, &error_rate, vw);
    sites
        .par_iter()
        .map(|site| {
            let posterior = posterior(site, &error_rate, vw).0;
            (choice(site, &posterior, &reliability), posterior)
        })
        .unzip()
}

/// Decide every site: posterior, choice, and a one-line reason.
pub fn decide(
    mut sites: Vec<Site>,
    positions: &[usize],
    labels: &[String],
    params: &DecisionParams,
) -> Decisions {
    let vw = params.vote_weight;
    let error_rate = estimate_error_rates(&sites, positions, vw);
    // Reliability as reported: the share of a witness's readings at variant sites that the
    // model believes right.
    let reliability = reliability_at_sites(&sites, &error_rate, vw);
    let text_sites = sites.iter().filter(|s| !s.layout_only).count();
    for site in &mut sites {
        let (q, votes) = posterior(site, &error_rate, vw);
        site.posterior = q;
        let none = none_probability(site, &error_rate, params);
        site.chosen = choice(site, &site.posterior, &reliability);
        if site.layout_only {
            site.none = 0.0;
        } else {
            calibrate(site, &error_rate, none, text_sites, params);
        }
        site.reason = explain(site, &votes, &reliability, labels);
    }
    Decisions {
        sites,
        reliability,
        error_rate,
        positions: positions.to_vec(),
    }
}

/// Name the evidence that weighed most for the chosen reading against the runner-up, and
/// the strongest evidence against it, if any.
fn explain(site: &Site, votes: &[f64], reliability: &[f64], labels: &[String]) -> String {
    let c = site.chosen;
    let Some(r) = (0..site.candidates.len())
        .filter(|&i| i != c)
        .max_by(|&a, &b| site.posterior[a].total_cmp(&site.posterior[b]))
    else {
        return String::from("only reading");
    };
    let (chosen, other) = (&site.candidates[c], &site.candidates[r]);
    let voters = witnesses_at(site).count();
    let best_of = |cand: &Candidate| {
        cand.witnesses
            .iter()
            .copied()
            .max_by(|&a, &b| reliability[a].total_cmp(&reliability[b]).then(b.cmp(&a)))
            .expect("a reading has a supporter")
    };
    let vote_phrase = |cand: &Candidate, chosen_side: bool| {
        if cand.features.spelled {
            let whose = if chosen_side {
                "it"
            } else {
                "the other reading"
            };
            format!(
                "{whose} is the known word nearest every witness's reading; no witness wrote it"
            )
        } else if cand.witnesses.is_empty() {
            let what = if chosen_side {
                "it is"
            } else {
                "the other reading is"
            };
            if voters >= 3 {
                format!(
                    "{what} what most of the {voters} witnesses read at each character, though none reads it whole"
                )
            } else {
                // A mix: the votes favour it for the characters it shares with the more
                // reliable witness.
                let w = witnesses_at(site)
                    .max_by(|&a, &b| reliability[a].total_cmp(&reliability[b]).then(b.cmp(&a)))
                    .expect("a site has witnesses");
                let whose = if chosen_side {
                    "it"
                } else {
                    "the other reading"
                };
                format!(
                    "{whose} agrees with the more reliable witness {} in more characters, though neither witness reads it whole",
                    labels[w]
                )
            }
        } else if voters >= 3 {
            let whose = if chosen_side {
                "it"
            } else {
                "the other reading"
            };
            format!(
                "{} of {} witnesses read {}",
                cand.witnesses.len(),
                voters,
                whose
            )
        } else {
            let w = best_of(cand);
            let what = if chosen_side {
                "read by"
            } else {
                "the other reading is from"
            };
            format!(
                "{what} the more reliable witness {} (right at {:.0}% of disputed sites)",
                labels[w],
                100.0 * reliability[w]
            )
        }
    };
    let lm_for = match other.features.lm_class().or(chosen.features.lm_class()) {
        Some(Difference::Confusion) => {
            "reads more plausibly in context; the other reading looks like a typical confusion (look-alike or homophone)"
        }
        Some(Difference::Slip) => {
            "reads more plausibly in context; the other reading looks like a slip (dropped, doubled, swapped or split)"
        }
        _ => "reads more plausibly in context",
    };
    // The length evidence comes from a candidate's own flag (it adds a character, a space or
    // words to some other reading, or doubles one of its characters): say whose and why,
    // whichever candidate it was measured against.
    let length_flag = |cand: &Candidate| {
        let f = &cand.features;
        let favours = cand.length_evidence > 0.0;
        let lean = |likelier: &str, unlikelier: &str| {
            if favours {
                format!("{likelier} is likelier than {unlikelier}")
            } else {
                format!("{unlikelier} is likelier than {likelier}")
            }
        };
        if f.spaces {
            format!(
                "adds a space to another reading ({})",
                lean("a dropped space", "an added one")
            )
        } else if f.doubles {
            format!(
                "doubles a character of another reading ({})",
                lean("a dropped repeat", "a doubled character")
            )
        } else if let Some(kind) = f.adds {
            let kind = kind.name();
            format!(
                "adds a {kind} to another reading ({})",
                lean(&format!("a dropped {kind}"), "an added one")
            )
        } else {
            "adds words to another reading (dropped words are a little likelier than added ones)"
                .to_string()
        }
    };
    // For the chosen reading (`for_it`) or against it: the evidence is the chosen reading's
    // own where it leans that way, otherwise the other reading's.
    let length_phrase = |chosen: &Candidate, other: &Candidate, for_it: bool| {
        let own = if for_it {
            chosen.length_evidence > 0.0
        } else {
            chosen.length_evidence < 0.0
        };
        let (who, cand) = if own {
            ("it", chosen)
        } else {
            ("the other reading", other)
        };
        let what = format!("{who} {}", length_flag(cand));
        if for_it {
            what
        } else {
            format!("length: {what}")
        }
    };
    let glossary_phrase = |cand: &Candidate, for_it: bool| {
        let term = cand.features.glossary_term.clone().unwrap_or_default();
        if for_it {
            format!("contains the glossary term {term}")
        } else {
            format!("the other reading contains the glossary term {term}")
        }
    };
    // The prior of a reading no witness wrote (a mix or a spelled reading) weighs for or
    // against it, by its sign; the same words serve either slot, naming that reading.
    let mix_phrase = |chosen: &Candidate| {
        let own = chosen.features.mixed || chosen.features.spelled;
        let (who, mix) = if own {
            ("it", chosen)
        } else {
            ("the other reading", other)
        };
        if mix.features.spelled {
            // A chosen spelled reading is named first in the reason (below): say only why.
            return match (own, mix.mix_evidence > 0.0) {
                (true, true) => "such spelled words are often right".into(),
                (true, false) => "a word no witness wrote is right only where both erred".into(),
                (false, true) => "the other reading is a known word spelled from every witness's unknown word (such words are often right)".into(),
                (false, false) => "the other reading is a known word spelled from every witness's unknown word (right only where both erred)".into(),
            };
        }
        let why = if mix.mix_evidence > 0.0 {
            "such mixes are often right"
        } else {
            "right only where both erred"
        };
        format!("{who} is a mix of both witnesses' readings ({why})")
    };
    let kinds: [(f64, String, String); 8] = [
        (
            votes[c] - votes[r],
            vote_phrase(chosen, true),
            vote_phrase(other, false),
        ),
        (
            chosen.lm_evidence - other.lm_evidence,
            lm_for.into(),
            "the language model prefers the other reading".into(),
        ),
        (
            chosen.length_evidence - other.length_evidence,
            length_phrase(chosen, other, true),
            length_phrase(chosen, other, false),
        ),
        (
            chosen.layout_evidence - other.layout_evidence,
            "from a witness with explicit paragraphs".into(),
            "the other reading is from a witness with explicit paragraphs".into(),
        ),
        (
            chosen.consistency_evidence - other.consistency_evidence,
            "the same phrase occurs elsewhere in the document".into(),
            "the other reading's phrase occurs elsewhere in the document".into(),
        ),
        (
            chosen.glossary_evidence - other.glossary_evidence,
            glossary_phrase(chosen, true),
            glossary_phrase(other, false),
        ),
        (
            chosen.mix_evidence - other.mix_evidence,
            mix_phrase(chosen),
            mix_phrase(chosen),
        ),
        (
            chosen.typography_evidence - other.typography_evidence,
            "its spacing and capitals are the witnesses' usual ones".into(),
            "the other reading's spacing and capitals are the witnesses' usual ones".into(),
        ),
    ];
    let strongest_for = kinds
        .iter()
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .expect("eight kinds");
    let strongest_against = kinds
        .iter()
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .expect("eight kinds");
    let mut reason = if strongest_for.0 > 0.0 {
        strongest_for.1.clone()
    } else if chosen.witnesses.is_empty() {
        // Ties go to a witness's reading, so both readings here lack witnesses.
        "a tie, broken by reading order".into()
    } else {
        "a tie, broken by the more reliable witness".into()
    };
    if strongest_against.0 < -0.1 {
        reason = format!("{reason}; against: {}", strongest_against.2);
    }
    if chosen.features.spelled {
        // No witness wrote it: say so first, whatever weighed most.
        reason = format!(
            "the known word nearest every witness's unknown word, which no witness wrote: {reason}"
        );
    }
    reason
}

/// One simulated document for fitting: its sites (with features), the compared positions
/// of each witness, and the index of the true candidate at each site where it is known.
#[derive(Debug, Clone)]
pub struct TrainingDoc {
    pub sites: Vec<Site>,
    pub positions: Vec<usize>,
    pub labels: Vec<Option<usize>>,
    /// Was the decision of the run right at each site, as `reconcile eval` judges it (for
    /// the final calibration)?
    pub correct: Vec<Option<bool>>,
}

impl TrainingDoc {
    pub fn from_decisions(
        decisions: &Decisions,
        labels: Vec<Option<usize>>,
        correct: Vec<Option<bool>>,
    ) -> TrainingDoc {
        TrainingDoc {
            sites: decisions.sites.clone(),
            positions: decisions.positions.clone(),
            labels,
            correct,
        }
    }
}

/// Number of fitted weights: LM (confusion), LM (slip), adds (any character, then how much
/// more or less for a digit and for a mark), doubles, spaces, consistency, votes, mix, the
/// spacing and capitalisation habits, and spelled readings. The length prior is fitted as a common value and
/// per-kind offsets so that the ridge pulls a kind seen rarely in training (digits) towards
/// the common prior, not towards zero.
const FITTED: usize = 13;

fn to_vector(p: &DecisionParams) -> [f64; FITTED] {
    [
        p.lm_weight_confusion,
        p.lm_weight_slip,
        p.length_prior[AddedChar::Letter as usize],
        p.length_prior[AddedChar::Digit as usize] - p.length_prior[AddedChar::Letter as usize],
        p.length_prior[AddedChar::Mark as usize] - p.length_prior[AddedChar::Letter as usize],
        p.doubled_prior,
        p.space_prior,
        p.consistency_weight,
        p.vote_weight,
        p.mix_prior,
        p.spacing_weight,
        p.case_weight,
        p.spelled_prior,
    ]
}

fn from_vector(base: &DecisionParams, v: &[f64; FITTED]) -> DecisionParams {
    DecisionParams {
        lm_weight_confusion: v[0],
        lm_weight_slip: v[1],
        length_prior: [v[2], v[2] + v[3], v[2] + v[4]],
        doubled_prior: v[5],
        space_prior: v[6],
        consistency_weight: v[7],
        vote_weight: v[8],
        mix_prior: v[9],
        spacing_weight: v[10],
        case_weight: v[11],
        spelled_prior: v[12],
        ..base.clone()
    }
}

/// Per labelled site: for each candidate the fitted features g and the fixed offset
/// (evidence not fitted), and the label.
type Design = Vec<(Vec<([f64; FITTED], f64)>, usize)>;

fn design(docs: &[TrainingDoc], params: &DecisionParams) -> Design {
    let mut rows = Vec::new();
    for doc in docs {
        let mut sites = doc.sites.clone();
        for s in &mut sites {
            apply_params(s, params);
        }
        let error_rate = estimate_error_rates(&sites, &doc.positions, params.vote_weight);
        for (site, label) in sites.iter().zip(&doc.labels) {
            let Some(label) = *label else { continue };
            if site.layout_only {
                continue;
            }
            let votes = vote_terms(site, &error_rate);
            let row = site
                .candidates
                .iter()
                .zip(&votes)
                .map(|(c, &v)| {
                    let f = &c.features;
                    let flag = |b: bool| if b { 1.0 } else { 0.0 };
                    let mut g = [0.0; FITTED];
                    for &(class, lost) in &f.lm_steps {
                        let capped = lost.max(-params.lm_weight_and_cap(class).1);
                        match class {
                            Difference::Confusion => g[0] += capped,
                            Difference::Slip => g[1] += capped,
                            Difference::Other => {}
                        }
                    }
                    if let Some(kind) = f.adds {
                        g[2] = 1.0;
                        if kind != AddedChar::Letter {
                            g[2 + kind as usize] = 1.0;
                        }
                    }
                    g[5] = flag(f.doubles);
                    g[6] = flag(f.spaces);
                    g[7] = f.consistency;
                    g[8] = v;
                    g[9] = flag(f.mixed);
                    g[10] = f.spacing;
                    g[11] = f.case_fit;
                    g[12] = flag(f.spelled);
                    let offset = lm_other(f, params)
                        + c.layout_evidence
                        + c.glossary_evidence
                        + if f.adds_words {
                            params.words_length_prior
                        } else {
                            0.0
                        };
                    (g, offset)
                })
                .collect();
            rows.push((row, label));
        }
    }
    rows
}

/// The part of the LM evidence that is not fitted (steps between different words).
fn lm_other(f: &Features, params: &DecisionParams) -> f64 {
    f.lm_steps
        .iter()
        .filter(|(class, _)| *class == Difference::Other)
        .map(|&(class, lost)| params.lm_step(class, lost))
        .sum()
}

/// Mean log-likelihood of the labels, its gradient and Hessian at θ.
fn likelihood(
    rows: &Design,
    theta: &[f64; FITTED],
) -> (f64, [f64; FITTED], [[f64; FITTED]; FITTED]) {
    let mut ll = 0.0;
    let mut grad = [0.0; FITTED];
    let mut hess = [[0.0; FITTED]; FITTED];
    for (cands, label) in rows {
        let logits: Vec<f64> = cands
            .iter()
            .map(|(g, off)| off + g.iter().zip(theta).map(|(a, b)| a * b).sum::<f64>())
            .collect();
        let p = softmax(&logits);
        ll += p[*label].max(1e-300).ln();
        let mut mean = [0.0; FITTED];
        for (pc, (g, _)) in p.iter().zip(cands) {
            for k in 0..FITTED {
                mean[k] += pc * g[k];
            }
        }
        for k in 0..FITTED {
            grad[k] += cands[*label].0[k] - mean[k];
        }
        for (pc, (g, _)) in p.iter().zip(cands) {
            for i in 0..FITTED {
                for j in 0..FITTED {
                    hess[i][j] -= pc * (g[i] - mean[i]) * (g[j] - mean[j]);
                }
            }
        }
    }
    let n = rows.len().max(1) as f64;
    ll /= n;
    grad.iter_mut().for_each(|g| *g /= n);
    hess.iter_mut().flatten().for_each(|h| *h /= n);
    (ll, grad, hess)
}

/// Solve A x = b (A symmetric positive definite after the ridge) by Gaussian elimination.
fn solve<const N: usize>(mut a: [[f64; N]; N], mut b: [f64; N]) -> [f64; N] {
    for col in 0..N {
        let pivot = (col..N)
            .max_by(|&x, &y| a[x][col].abs().total_cmp(&a[y][col].abs()))
            .unwrap_or(col);
        a.swap(col, pivot);
        b.swap(col, pivot);
        let d = a[col][col];
        if d.abs() < 1e-12 {
            continue;
        }
        for row in 0..N {
            if row != col {
                let f = a[row][col] / d;
                let pivot_row = a[col];
                for (x, p) in a[row].iter_mut().zip(pivot_row) {
                    *x -= f * p;
                }
                b[row] -= f * b[col];
            }
        }
    }
    let mut x = [0.0; N];
    for i in 0..N {
        x[i] = if a[i][i].abs() < 1e-12 {
            0.0
        } else {
            b[i] / a[i][i]
        };
    }
    x
}

/// Ridge penalty (per site) keeping weights of rarely seen features near zero.
const RIDGE: f64 = 1e-3;

/// Newton's method on the penalised mean log-likelihood, from `theta`.
fn newton(rows: &Design, mut theta: [f64; FITTED]) -> ([f64; FITTED], f64) {
    let penalised = |t: &[f64; FITTED]| {
        likelihood(rows, t).0 - RIDGE * t.iter().map(|x| x * x).sum::<f64>() / 2.0
    };
    let mut current = penalised(&theta);
    for _ in 0..50 {
        let (_, mut grad, mut hess) = likelihood(rows, &theta);
        for k in 0..FITTED {
            grad[k] -= RIDGE * theta[k];
            hess[k][k] -= RIDGE;
        }
        let neg: [[f64; FITTED]; FITTED] = hess.map(|row| row.map(|h| -h));
        let step = solve(neg, grad);
        let mut scale = 1.0;
        let mut improved = false;
        while scale > 1e-4 {
            let mut next = theta;
            for k in 0..FITTED {
                next[k] += scale * step[k];
            }
            let value = penalised(&next);
            if value > current {
                theta = next;
                improved = value - current > 1e-9;
                current = value;
                break;
            }
            scale /= 2.0;
        }
        if !improved {
            break;
        }
    }
    (theta, current)
}

/// Fit the evidence weights by maximum likelihood of the true readings on `docs`,
/// alternating with the reliability estimate (which depends on the weights), and choosing
/// the LM caps from a small grid. Returns the parameters and the mean log-likelihood.
pub fn fit(docs: &[TrainingDoc], start: &DecisionParams) -> (DecisionParams, f64) {
    let caps = [2.0, 4.0, 8.0, 16.0];
    let mut best: Option<(DecisionParams, f64)> = None;
    for &cc in &caps {
        for &cs in &caps {
            let mut params = DecisionParams {
                lm_cap_confusion: cc,
                lm_cap_slip: cs,
                ..start.clone()
            };
            let mut ll = f64::NEG_INFINITY;
            for _ in 0..4 {
                let rows = design(docs, &params);
                let (theta, value) = newton(&rows, to_vector(&params));
                params = from_vector(&params, &theta);
                ll = value;
            }
            if best.as_ref().is_none_or(|b| ll > b.1) {
                best = Some((params, ll));
            }
        }
    }
    let (mut params, ll) = best.expect("a grid point");
    params.none_bias = fit_none_bias(docs, &params);
    (with_calibration_fitted(docs, params), ll)
}

/// `params` with the confidence calibration fitted on `docs`: the logistic calibration, then
/// the recalibration map over it (the map corrects what the logistic calibration leaves).
pub fn with_calibration_fitted(docs: &[TrainingDoc], mut params: DecisionParams) -> DecisionParams {
    params.calibration = fit_calibration(docs, &params);
    params.recalibration = fit_recalibration(docs, &params);
    params
}

/// Fit `none_bias` by maximum likelihood: at every text site, was no candidate right?
/// (Sites without a label, where no candidate matches the truth, are the positives.)
pub fn fit_none_bias(docs: &[TrainingDoc], params: &DecisionParams) -> [[f64; 3]; 2] {
    // Per script and class: (base log-odds, outcome) pairs.
    let mut data: [Vec<(f64, bool)>; 6] = Default::default();
    for doc in docs {
        let mut sites = doc.sites.clone();
        for s in &mut sites {
            apply_params(s, params);
        }
        let error_rate = estimate_error_rates(&sites, &doc.positions, params.vote_weight);
        for (site, label) in sites.iter_mut().zip(&doc.labels) {
            if site.layout_only {
                continue;
            }
            site.posterior = posterior(site, &error_rate, params.vote_weight).0;
            let class = 3 * none_script(site) + none_class(site);
            data[class].push((none_base_log_odds(site, &error_rate), label.is_none()));
        }
    }
    let b = data.map(|rows| {
        // One-dimensional Newton on the intercept, with a weak pull towards zero.
        let mut b = 0.0;
        for _ in 0..50 {
            let (mut g, mut h) = (-1e-3 * b, -1e-3);
            for &(z, y) in &rows {
                let p = 1.0 / (1.0 + (-(z + b)).exp());
                g += f64::from(u8::from(y)) - p;
                h -= p * (1.0 - p);
            }
            let step = (g / h).clamp(-2.0, 2.0);
            b -= step;
            if step.abs() < 1e-9 {
                break;
            }
        }
        b
    });
    [[b[0], b[1], b[2]], [b[3], b[4], b[5]]]
}

/// Mean log-likelihood of the true readings under `params` (for held-out checks).
pub fn mean_log_likelihood(docs: &[TrainingDoc], params: &DecisionParams) -> f64 {
    likelihood(&design(docs, params), &to_vector(params)).0
}

/// Fit the logistic calibration by maximum likelihood of "the chosen reading is right" over
/// the judged text sites, per calibration group, from `params.calibration` (a group with
/// under 200 sites keeps those weights).
pub fn fit_calibration(
    docs: &[TrainingDoc],
    params: &DecisionParams,
) -> [[f64; CALIBRATION_FEATURES]; CALIBRATION_GROUPS] {
    let mut rows: [Vec<([f64; CALIBRATION_FEATURES], bool)>; CALIBRATION_GROUPS] =
        Default::default();
    for (decided, right) in judged_documents(docs, params) {
        let text_sites = decided.sites.iter().filter(|s| !s.layout_only).count();
        for (site, right) in decided.sites.iter().zip(right) {
            if let Some(right) = right {
                // The features of the uncalibrated decision (calibration may have raised the
                // chosen reading's posterior).
                let mut raw = site.clone();
                raw.posterior = posterior(site, &decided.error_rate, params.vote_weight).0;
                let none = none_probability(&raw, &decided.error_rate, params);
                let x = calibration_features(&raw, &decided.error_rate, none, text_sites);
                for g in groups_fitted_on(site, &decided.error_rate) {
                    rows[g].push((x, right));
                }
            }
        }
    }
    let mut out = params.calibration;
    for (slot, rows) in out.iter_mut().zip(rows) {
        if rows.len() >= 200 {
            *slot = logistic_newton(&rows, *slot);
        }
    }
    out
}

/// Ridge penalty (per site) of the logistic calibration: keeps the weights of features that
/// rarely vary from running away.
const CALIBRATION_RIDGE: f64 = 1e-4;

/// Logistic regression y ~ σ(w · x) by Newton's method, from `w`.
fn logistic_newton<const N: usize>(rows: &[([f64; N], bool)], mut w: [f64; N]) -> [f64; N] {
    let n = rows.len() as f64;
    for _ in 0..100 {
        let mut g = [0.0; N];
        let mut h = [[0.0; N]; N];
        for (i, row) in h.iter_mut().enumerate() {
            row[i] = CALIBRATION_RIDGE * n;
            g[i] = -CALIBRATION_RIDGE * n * w[i];
        }
        for (x, y) in rows {
            let p = sigmoid(x.iter().zip(&w).map(|(a, b)| a * b).sum());
            let r = f64::from(u8::from(*y)) - p;
            for i in 0..N {
                g[i] += r * x[i];
                for j in 0..N {
                    h[i][j] += p * (1.0 - p) * x[i] * x[j];
                }
            }
        }
        let step = solve(h, g);
        let mut moved = 0.0;
        for (wi, d) in w.iter_mut().zip(step) {
            let d = d.clamp(-1.0, 1.0);
            *wi += d;
            moved += d.abs();
        }
        if moved < 1e-9 {
            break;
        }
    }
    w
}

/// Fit `recalibration` per calibration group: decide every training document with `params` (and no
/// recalibration), then isotonic regression (pool-adjacent-violators) of "the decision was
/// right" on the confidence, read off at the knots. Knots beyond the training confidences
/// take the nearest fitted value; the map is monotone by construction.
pub fn fit_recalibration(
    docs: &[TrainingDoc],
    params: &DecisionParams,
) -> [[f64; RECALIBRATION_KNOTS]; CALIBRATION_GROUPS] {
    let plain = DecisionParams {
        recalibration: [NO_RECALIBRATION; CALIBRATION_GROUPS],
        ..params.clone()
    };
    let mut points: [Vec<(f64, f64)>; CALIBRATION_GROUPS] = Default::default();
    for (decided, right) in judged_documents(docs, &plain) {
        for (site, right) in decided.sites.iter().zip(right) {
            if let Some(right) = right {
                // An unequal site joins the equal group's map at the confidence its own
                // group's logistic calibration gives it (the model as benched).
                let point = (site.confidence(), f64::from(u8::from(right)));
                for g in groups_fitted_on(site, &decided.error_rate) {
                    points[g].push(point);
                }
            }
        }
    }
    points.map(|p| {
        if p.len() < 200 {
            NO_RECALIBRATION
        } else {
            isotonic_knots(p)
        }
    })
}

/// Pseudo-sites at the identity added to every knot of the recalibration: where the training
/// sites are few (the tails), the map stays near the logistic calibration instead of following a
/// handful of sites.
const KNOT_PRIOR_SITES: f64 = 20.0;

/// Isotonic regression of y on x, read off at the recalibration knots: each knot takes the
/// mean fitted value of the points within half a knot spacing on either side (smoothing
/// the regression's steps), with `KNOT_PRIOR_SITES` at the identity.
fn isotonic_knots(mut points: Vec<(f64, f64)>) -> [f64; RECALIBRATION_KNOTS] {
    points.sort_by(|a, b| a.0.total_cmp(&b.0));
    // Pool adjacent violators: blocks of (sum of y, count), merged while a block's mean is
    // not above the one before it. Points with equal x start in one block (many sites share
    // a confidence: those without evidence in one document).
    let mut blocks: Vec<(f64, usize)> = Vec::new();
    for tied in points.chunk_by(|a, b| a.0 == b.0) {
        blocks.push((tied.iter().map(|p| p.1).sum(), tied.len()));
        while let [.., (s1, n1), (s2, n2)] = blocks[..] {
            if s1 / (n1 as f64) < s2 / (n2 as f64) {
                break;
            }
            blocks.pop();
            *blocks.last_mut().expect("two blocks") = (s1 + s2, n1 + n2);
        }
    }
    let fitted: Vec<f64> = blocks
        .iter()
        .flat_map(|&(sum, n)| std::iter::repeat_n(sum / n as f64, n))
        .collect();
    let half = 0.5 / (RECALIBRATION_KNOTS - 1) as f64;
    let mut knots = NO_RECALIBRATION;
    for k in knots.iter_mut() {
        let x = *k;
        let lo = points.partition_point(|p| p.0 < x - half);
        let hi = points.partition_point(|p| p.0 <= x + half);
        let sum: f64 = fitted[lo..hi].iter().sum();
        *k = (sum + KNOT_PRIOR_SITES * x) / ((hi - lo) as f64 + KNOT_PRIOR_SITES);
    }
    // Means of a monotone function are monotone, up to rounding.
    for k in 1..RECALIBRATION_KNOTS {
        knots[k] = knots[k].max(knots[k - 1]);
    }
    knots
}

/// Every training document decided with `params`, with whether the decision at each text
/// site was right (None at layout sites): as `eval` judged the chosen reading's output, or,
/// where eval did not judge or `params` choose another reading than the simulated run did,
/// by the label.
fn judged_documents(
    docs: &[TrainingDoc],
    params: &DecisionParams,
) -> Vec<(Decisions, Vec<Option<bool>>)> {
    let labels: Vec<String> = (0..16).map(|i| i.to_string()).collect();
    docs.iter()
        .map(|doc| {
            let mut sites = doc.sites.clone();
            for s in &mut sites {
                apply_params(s, params);
            }
            let k = doc.positions.len();
            let decided = decide(sites, &doc.positions, &labels[..k.min(16)], params);
            // `correct` judged the choice made when the document was simulated; where `params`
            // choose another reading, only the label can say whether it is right.
            let right = decided
                .sites
                .iter()
                .zip(&doc.sites)
                .zip(&doc.labels)
                .zip(&doc.correct)
                .map(|(((site, simulated), label), correct)| {
                    (!site.layout_only).then(|| match correct {
                        Some(right) if site.chosen == simulated.chosen => *right,
                        _ => *label == Some(site.chosen),
                    })
                })
                .collect();
            (decided, right)
        })
        .collect()
}

/// Every text site of the training documents, decided with `params`, and whether the
/// decision was right (see `judged_documents`).
pub fn judged_sites(docs: &[TrainingDoc], params: &DecisionParams) -> Vec<(Site, bool)> {
    judged_documents(docs, params)
        .into_iter()
        .flat_map(|(decided, right)| {
            decided
                .sites
                .into_iter()
                .zip(right)
                .filter_map(|(site, right)| right.map(|r| (site, r)))
        })
        .collect()
}

/// Mean log loss of the reported confidence against `eval`'s judgement of the chosen
/// reading, over `judged_sites` (for comparing calibrations on a check set).
pub fn confidence_log_loss(judged: &[(Site, bool)]) -> f64 {
    let loss: f64 = judged
        .iter()
        .map(|(site, right)| {
            let c = site.confidence().clamp(1e-9, 1.0 - 1e-9);
            if *right { -c.ln() } else { -(1.0 - c).ln() }
        })
        .sum();
    loss / judged.len().max(1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn site(candidates: &[(&[usize], f64)]) -> Site {
        Site {
            group: 0,
            segment: 0,
            layout_only: false,
            left_context: String::new(),
            right_context: String::new(),
            evidence_context: [String::new(), String::new()],
            context_cut: [false; 2],
            context_fit: 0.0,
            candidates: candidates
                .iter()
                .enumerate()
                .map(|(i, (w, lm))| Candidate {
                    key: i.to_string(),
                    witnesses: w.to_vec(),
                    columns: Vec::new(),
                    // Some readings two columns apart, as where neighbouring errors merge.
                    columns_apart: (0..candidates.len())
                        .map(|j| {
                            if j == i {
                                0.0
                            } else {
                                1.0 + ((i + j) % 2) as f64
                            }
                        })
                        .collect(),
                    features: Features::default(),
                    lm_evidence: *lm,
                    length_evidence: if i == 0 { 0.3 } else { 0.0 },
                    layout_evidence: 0.0,
                    consistency_evidence: 0.01 * i as f64,
                    glossary_evidence: 0.0,
                    mix_evidence: 0.0,
                    typography_evidence: 0.0,
                })
                .collect(),
            posterior: Vec::new(),
            chosen: 0,
            reason: String::new(),
            reviewer_text: None,
            none: 0.0,
        }
    }

    #[test]
    fn explanations_name_mixes_for_what_they_are() {
        let labels = ["a".to_string(), "b".to_string()];
        let reliability = [0.3, 0.7];
        // Witness a's reading, two mixes, witness b's reading; no evidence but what is set.
        let mut s = site(&[(&[0], 0.0), (&[], 0.0), (&[], 0.0), (&[1], 0.0)]);
        for (i, c) in s.candidates.iter_mut().enumerate() {
            c.length_evidence = 0.0;
            c.consistency_evidence = 0.0;
            c.features.mixed = c.witnesses.is_empty();
            c.mix_evidence = if c.features.mixed { -0.3 } else { 0.0 };
            c.key = format!("r{i}");
        }
        // A mix chosen on the votes, against b's reading.
        s.posterior = vec![0.1, 0.5, 0.1, 0.3];
        s.chosen = 1;
        let reason = explain(&s, &[0.0, 2.0, 0.0, 0.0], &reliability, &labels);
        assert!(
            reason.starts_with("it agrees with the more reliable witness b in more characters"),
            "{reason}"
        );
        assert!(
            reason.contains(
                "against: it is a mix of both witnesses' readings (right only where both erred)"
            ),
            "{reason}"
        );
        // b's reading chosen against a mix, on the mix prior alone.
        s.posterior = vec![0.1, 0.3, 0.1, 0.5];
        s.chosen = 3;
        let reason = explain(&s, &[0.0; 4], &reliability, &labels);
        assert_eq!(
            reason,
            "the other reading is a mix of both witnesses' readings (right only where both erred)"
        );
        // Two mixes tied.
        s.posterior = vec![0.1, 0.4, 0.4, 0.1];
        s.chosen = 1;
        let reason = explain(&s, &[0.0; 4], &reliability, &labels);
        assert_eq!(reason, "a tie, broken by reading order");
    }

    #[test]
    fn flat_posterior_is_bit_identical_to_posterior() {
        let sites = [
            site(&[(&[0], -0.2), (&[1], 0.0)]),
            site(&[(&[0, 2], 0.0), (&[1], -0.5)]),
            site(&[(&[2], -0.1), (&[0], 0.0), (&[1, 3], -0.4)]),
            site(&[(&[3], 0.0), (&[0, 1, 2], -0.05)]),
        ];
        let refs: Vec<&Site> = sites.iter().collect();
        let error_rate = [0.013, 0.21, 0.0007, 0.5];
        let mut flat = FlatSites::new(&refs);
        let logs = VoteLogs::new(&error_rate, flat.most_candidates);
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        for vote_weight in [1.0, 1.1, 0.7] {
            for (s, site) in sites.iter().enumerate() {
                let expected = posterior(site, &error_rate, vote_weight).0;
                let got = flat.posterior(s, &logs, vote_weight).to_vec();
                assert_eq!(
                    bits(&got),
                    bits(&expected),
                    "site {s}, weight {vote_weight}"
                );
            }
        }
    }

    #[test]
    fn occurrences_count_overlapping_matches_of_every_phrase() {
        let phrases = [
            "aa".to_string(),
            "ab".to_string(),
            "法院".to_string(),
            "zz".to_string(),
        ];
        let texts = [
            "aaab 法院法院".to_string(),
            "法院a".to_string(),
            "a".to_string(),
        ];
        // Overlapping "aa" twice in "aaa"; none across the texts ("a" + "法院a" + "a").
        assert_eq!(occurrences(&texts, &phrases), vec![2, 1, 3, 0]);
        assert!(occurrences(&texts, &[]).is_empty());
    }
}

#[cfg(test)]
mod recalibration_tests {
    use super::tests::site;
    use super::*;

    #[test]
    fn isotonic_knots_follow_observed_accuracy_and_stay_monotone() {
        // Confidence 0.3 right half the time, 0.6 right 90% of the time, 0.9 always:
        // under-confident in the middle.
        let mut points = Vec::new();
        for i in 0..2000 {
            points.push((0.3, f64::from(u8::from(i % 2 == 0))));
            points.push((0.6, f64::from(u8::from(i % 10 != 0))));
            points.push((0.9, 1.0));
        }
        let knots = isotonic_knots(points);
        let near = |a: f64, b: f64| (a - b).abs() < 0.01;
        assert!(near(knots[6], 0.5), "{knots:?}");
        assert!(near(knots[12], 0.9), "{knots:?}");
        assert!(near(knots[18], 1.0), "{knots:?}");
        assert!(near(recalibrate(&knots, 0.6), 0.9));
        // Where there are no training sites the map is the identity.
        assert!(near(knots[2], 0.1), "{knots:?}");
        assert!(knots.windows(2).all(|w| w[0] <= w[1]), "{knots:?}");
        assert!((recalibrate(&NO_RECALIBRATION, 0.37) - 0.37).abs() < 1e-12);
    }

    #[test]
    fn unequal_witnesses_are_calibrated_apart_and_fitted_with_the_equal_too() {
        let two = |text: &str| {
            let mut s = site(&[(&[0], 0.0), (&[1], 0.0)]);
            s.left_context = text.to_string();
            s
        };
        let (zh, en) = (two("人人有权享受"), two("everyone has"));
        let three = {
            let mut s = site(&[(&[0, 1], 0.0), (&[2], 0.0)]);
            s.left_context = "everyone has".to_string();
            s
        };
        // Script × three or more witnesses × unequal (the likeliest to err at least twice as
        // likely to as the least), by the document's error rates.
        assert_eq!(calibration_group(&zh, &[0.03, 0.03]), 0);
        assert_eq!(calibration_group(&zh, &[0.003, 0.05]), 1);
        assert_eq!(calibration_group(&en, &[0.03, 0.05]), 4);
        assert_eq!(calibration_group(&en, &[0.05, 0.02]), 5);
        assert_eq!(calibration_group(&three, &[0.03, 0.03, 0.03]), 6);
        assert_eq!(calibration_group(&three, &[0.02, 0.02, 0.05]), 7);
        // Only the witnesses at the site count: a third, much worse witness elsewhere does not
        // make the pair unequal.
        assert_eq!(calibration_group(&en, &[0.03, 0.03, 0.4]), 4);
        // An unequal site is fitted in its own group and in the equal one; an equal site only
        // in its own.
        let fitted = |s: &Site, e: &[f64]| groups_fitted_on(s, e).collect::<Vec<_>>();
        assert_eq!(fitted(&zh, &[0.003, 0.05]), [1, 0]);
        assert_eq!(fitted(&three, &[0.02, 0.02, 0.05]), [7, 6]);
        assert_eq!(fitted(&en, &[0.03, 0.03]), [4]);
    }

    #[test]
    fn the_language_models_lean_between_different_words_is_a_feature_of_its_own() {
        // Chosen (0) by the more reliable witness; the language model leans to the other.
        let site_of = |context: &str, chosen: &str, other: &str, lm_other: f64| {
            let mut s = site(&[(&[0], 0.0), (&[1], lm_other)]);
            s.left_context = context.to_string();
            s.candidates[0].key = chosen.to_string();
            s.candidates[1].key = other.to_string();
            s.posterior = vec![0.55, 0.45];
            s
        };
        let features_at = |error_rate: &[f64], chosen: &str, other: &str, lm_other: f64| {
            let s = site_of("今天我很", chosen, other, lm_other);
            calibration_features(&s, error_rate, 0.05, 100)
        };
        let features = |chosen: &str, other: &str, lm_other: f64| {
            features_at(&[0.02, 0.03], chosen, other, lm_other)
        };
        let (lean, words_lean, words_lean_votes, vote_margin) = (14, 19, 20, 5);
        // Different words: the lean, weighted by how slight the lead is, alone and times
        // the vote margin.
        let words = features("开心", "高兴", 0.4);
        assert_eq!(words[lean], -1.0);
        assert!(words[vote_margin] > 0.0);
        let slight_lead = (-words[vote_margin]).exp();
        assert!(slight_lead > 0.0 && slight_lead < 1.0);
        assert_eq!(words[words_lean], -slight_lead);
        assert_eq!(words[words_lean_votes], -slight_lead * words[vote_margin]);
        let with_the_model = features("开心", "高兴", -0.4);
        assert_eq!(with_the_model[words_lean], slight_lead);
        // A far more reliable witness: the lean between words all but vanishes.
        let far_lead = features_at(&[0.003, 0.05], "开心", "高兴", 0.4);
        assert!(far_lead[vote_margin] > words[vote_margin] + 2.0);
        assert!(far_lead[words_lean] > -0.1 * slight_lead);
        assert_eq!(far_lead[lean], -1.0);
        // A slip (a dropped character): the lean is there, but not as different words'.
        let slip = features("美丽", "美", 0.4);
        assert_eq!(slip[lean], -1.0);
        assert_eq!((slip[words_lean], slip[words_lean_votes]), (0.0, 0.0));
        // English: different words too, but the features are Chinese only.
        let english = site_of("today I am very ", "happy", "glad", 0.4);
        assert_eq!(readings_differ(&english, 0, 1), Difference::Other);
        let english = calibration_features(&english, &[0.02, 0.03], 0.05, 100);
        assert_eq!(english[lean], -1.0);
        assert_eq!((english[words_lean], english[words_lean_votes]), (0.0, 0.0));
    }

    #[test]
    fn logistic_newton_recovers_the_weights_of_a_known_model() {
        // y ~ σ(-1 + 2x): outcomes drawn deterministically as the fraction of right sites.
        let mut rows = Vec::new();
        for k in 0..=40 {
            let x = -2.0 + 0.1 * k as f64;
            let p = sigmoid(-1.0 + 2.0 * x);
            let right = (p * 1000.0).round() as usize;
            for j in 0..1000 {
                rows.push(([1.0, x], j < right));
            }
        }
        let w = logistic_newton(&rows, [0.0, 1.0]);
        assert!((w[0] + 1.0).abs() < 0.02, "{w:?}");
        assert!((w[1] - 2.0).abs() < 0.02, "{w:?}");
    }

    #[test]
    fn calibration_keeps_the_choice_and_splits_confidence_into_its_two_terms() {
        let error_rate = [0.03, 0.03, 0.03];
        for weights in [[3.0, 0.5], [-3.0, 0.5]] {
            // A constant logistic calibration: confidence σ(weights[0]) whatever the site.
            let mut calibration = [[0.0; CALIBRATION_FEATURES]; CALIBRATION_GROUPS];
            for c in &mut calibration {
                c[0] = weights[0];
            }
            let params = DecisionParams {
                calibration,
                recalibration: [NO_RECALIBRATION; CALIBRATION_GROUPS],
                ..DecisionParams::default()
            };
            let mut s = site(&[(&[0], 0.0), (&[1], -1.0), (&[2], -2.0)]);
            s.posterior = vec![0.6, 0.3, 0.1];
            s.chosen = 0;
            calibrate(&mut s, &error_rate, weights[1], 1, &params);
            let c = sigmoid(weights[0]);
            assert!(
                (s.confidence() - c).abs() < 1e-12,
                "{} vs {c}",
                s.confidence()
            );
            assert!((s.posterior.iter().sum::<f64>() - 1.0).abs() < 1e-12);
            assert!((0.0..=1.0).contains(&s.none));
            // The chosen reading stays the likeliest, and the others keep their ratio.
            assert!(s.posterior[0] > s.posterior[1] && s.posterior[1] > s.posterior[2]);
            assert!((s.posterior[1] / s.posterior[2] - 3.0).abs() < 1e-9);
            if c > 0.6 {
                assert_eq!(s.none, 0.0, "above the posterior: the posterior is raised");
            } else {
                assert!(
                    (s.posterior[0] - 0.6).abs() < 1e-12,
                    "below it: only none moves"
                );
            }
        }
    }
}
