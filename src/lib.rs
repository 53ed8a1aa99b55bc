//! `reconcile`: merge several noisy transcriptions of one document into one clean text.
//! See ARCHITECTURE.md for the pipeline stages and which module owns each.

pub mod align;
pub mod batch;
pub mod blocks;
pub mod collate;
pub mod confusion;
pub mod decide;
pub mod eval;
pub mod glossary;
pub mod input;
pub mod language_model;
pub mod normalize;
pub mod output;
pub mod pairing;
pub mod render;
pub mod report;
pub mod review;
pub mod simulate;
pub mod spelling;
pub mod typography;

use decide::{DecisionParams, Plausibility};
use input::Witness;
use normalize::SymbolTable;

/// What a run should do beyond the defaults.
#[derive(Debug, Clone)]
pub struct Options {
    /// Sites whose confidence is below this are flagged for review.
    pub min_confidence: f64,
    /// Leave out blocks that only one witness has.
    pub drop_unmatched: bool,
    pub params: DecisionParams,
    /// Decisions a reviewer made earlier, applied over the automatic ones.
    pub reviewer_decisions: Option<review::ReviewerDecisions>,
    /// Known terms (names, places) that no dictionary knows.
    pub glossary: Vec<String>,
    /// Reconcile even witnesses that share too little text to be one document.
    pub force: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            min_confidence: 0.9,
            drop_unmatched: false,
            params: DecisionParams::default(),
            reviewer_decisions: None,
            glossary: Vec::new(),
            force: false,
        }
    }
}

/// The result of a run: the merged text and its report.
#[derive(Debug, Clone)]
pub struct Reconciliation {
    pub text: String,
    pub report: report::Report,
    /// The decisions behind the report (sites with their features), for evaluation.
    pub decisions: decide::Decisions,
}

impl Plausibility for language_model::LanguageModel {
    fn plausibility(&self, text: &str) -> f64 {
        language_model::LanguageModel::plausibility(self, text)
    }
    fn knows_word(&self, word: &str) -> bool {
        self.knows_english_word(word)
    }
    fn nearest_known_word(&self, words: &[&str], fits: &dyn Fn(&str) -> bool) -> Option<String> {
        self.nearest_known_english_word(words, fits)
    }
}

/// Why a set of witnesses cannot be reconciled.
#[derive(Debug, thiserror::Error)]
pub enum ReconcileError {
    #[error(
        "{path}: only {share:.0}% of its text aligns with the other witnesses (at least {min:.0}% expected): these do not look like transcriptions of one document (use --force to reconcile anyway)"
    )]
    Unrelated { path: String, share: f64, min: f64 },
    #[error("{path}: {bytes} bytes is longer than the {max} bytes a witness can have")]
    TooLong {
        path: String,
        bytes: usize,
        max: usize,
    },
}

/// A witness whose text aligns with the others less than this is not a transcription of the
/// same document (a truncated copy or one with extra articles still shares far more).
pub const MIN_SHARED_TEXT: f64 = 0.10;

/// Reconcile witnesses with the embedded language model.
pub fn reconcile(
    witnesses: &[Witness],
    options: &Options,
) -> Result<Reconciliation, ReconcileError> {
    // Identical witnesses need no language model: do not load it for them.
    if let Some(result) = identical(witnesses, options) {
        return Ok(result);
    }
    warm_up_language_model(witnesses.iter().map(|w| w.text.as_str()));
    reconcile_with_model(witnesses, options, &EmbeddedModel)
}

/// The embedded language model, fetched at its first use. Parsing it takes a few hundred
/// milliseconds, which `warm_up_language_model` spends on another thread while the witnesses
/// are segmented and aligned.
struct EmbeddedModel;

impl Plausibility for EmbeddedModel {
    fn plausibility(&self, text: &str) -> f64 {
        language_model::LanguageModel::embedded().plausibility(text)
    }
    fn knows_word(&self, word: &str) -> bool {
        language_model::LanguageModel::embedded().knows_word(word)
    }
    fn nearest_known_word(&self, words: &[&str], fits: &dyn Fn(&str) -> bool) -> Option<String> {
        language_model::LanguageModel::embedded().nearest_known_word(words, fits)
    }
}

/// Start building, on a background thread, the halves of the embedded language model that
/// `texts` need and that are not built yet (each is built once per process).
pub fn warm_up_language_model<'a>(texts: impl IntoIterator<Item = &'a str>) {
    use language_model::LanguageModel;
    let (mut chinese, mut english) = (false, false);
    for text in texts {
        let (c, e) = LanguageModel::halves_needed(text);
        chinese |= c;
        english |= e;
    }
    let model = LanguageModel::embedded();
    if !model.is_ready(chinese, english) {
        std::thread::spawn(move || model.prepare(chinese, english));
    }
}

/// Reconcile witnesses, judging plausibility with `model`.
pub fn reconcile_with_model(
    witnesses: &[Witness],
    options: &Options,
    model: &dyn Plausibility,
) -> Result<Reconciliation, ReconcileError> {
    if let Some(result) = identical(witnesses, options) {
        return Ok(result);
    }
    if let Some(w) = witnesses
        .iter()
        .find(|w| w.text.len() > normalize::MAX_TEXT_BYTES)
    {
        return Err(ReconcileError::TooLong {
            path: w.path.display().to_string(),
            bytes: w.text.len(),
            max: normalize::MAX_TEXT_BYTES,
        });
    }
    let mut table = SymbolTable::default();
    let texts: Vec<&str> = witnesses.iter().map(|w| w.text.as_str()).collect();
    let (layouts, witness_blocks): (Vec<_>, Vec<_>) =
        blocks::segment_all(&mut table, &texts).into_iter().unzip();
    let groups = pairing::pair_blocks(&witness_blocks);
    let collations: Vec<collate::Collation> = {
        use rayon::prelude::*;
        groups
            .par_iter()
            .map(|g| collate::collate(g, &witness_blocks))
            .collect()
    };
    let explicit_paragraphs: Vec<bool> = layouts
        .iter()
        .map(|l| !matches!(l, blocks::Layout::HardWrapped { .. }))
        .collect();
    let documents = decide::Documents::of(&collations, &table, model);
    let sites = decide::gather_sites(
        &documents,
        &explicit_paragraphs,
        model,
        &options.params,
        &options.glossary,
    );
    let labels: Vec<String> = witnesses.iter().map(|w| w.label.clone()).collect();
    // Characters of each witness that were compared with another witness.
    let mut positions = vec![0; witnesses.len()];
    for c in collations.iter().filter(|c| c.witnesses.len() > 1) {
        for (w, s) in c.witnesses.iter().zip(&c.streams) {
            positions[*w] += s.len();
        }
    }
    if !options.force {
        for (w, witness) in witnesses.iter().enumerate() {
            let total: usize = witness_blocks[w].iter().map(|b| b.stream.len()).sum();
            let share = positions[w] as f64 / total.max(1) as f64;
            if share < MIN_SHARED_TEXT {
                return Err(ReconcileError::Unrelated {
                    path: witness.path.display().to_string(),
                    share: 100.0 * share,
                    min: 100.0 * MIN_SHARED_TEXT,
                });
            }
        }
    }
    let sites = decide::read_in_chosen_context(
        sites,
        &positions,
        &documents,
        model,
        &options.params,
        &options.glossary,
    );
    let mut decisions = decide::decide(sites, &positions, &labels, &options.params);
    let applied = options
        .reviewer_decisions
        .as_ref()
        .map(|reviewer| review::apply(&mut decisions, reviewer));
    let rendered = render::render(
        witnesses,
        &groups,
        &collations,
        &decisions,
        !options.drop_unmatched,
    );
    let mut report = report::build(
        witnesses,
        &layouts,
        &witness_blocks,
        &groups,
        &collations,
        &decisions,
        &rendered,
        options.min_confidence,
    );
    if let (Some(reviewer), Some(applied)) = (&options.reviewer_decisions, applied) {
        review::record(&mut report, reviewer, applied);
    }
    Ok(Reconciliation {
        text: rendered.text,
        report,
        decisions,
    })
}

/// Fast path: witnesses whose texts are identical (after BOM removal and line-ending
/// unification, which reading does) give back that text exactly, not re-rendered, with a
/// report of their blocks and no sites. Nothing is aligned.
fn identical(witnesses: &[Witness], options: &Options) -> Option<Reconciliation> {
    let (first, rest) = witnesses.split_first()?;
    if rest.is_empty() || rest.iter().any(|w| w.text != first.text) {
        return None;
    }
    let mut table = SymbolTable::default();
    let (layout, blocks) = blocks::segment(&mut table, &first.text);
    // The others' blocks are the same ranges; the report reads only ranges, so their
    // symbol streams are not copied.
    let ranges_only: Vec<blocks::Block> = blocks
        .iter()
        .map(|b| blocks::Block {
            range: b.range.clone(),
            stream: normalize::SymbolStream::default(),
        })
        .collect();
    let mut witness_blocks = vec![ranges_only; witnesses.len()];
    let total: usize = blocks.iter().map(|b| b.stream.len()).sum();
    witness_blocks[0] = blocks;
    let groups: Vec<pairing::Group> = (0..witness_blocks[0].len())
        .map(|b| pairing::Group {
            members: (0..witnesses.len())
                .map(|w| pairing::Member {
                    witness: w,
                    blocks: vec![b],
                    continues: Vec::new(),
                })
                .collect(),
            placement: pairing::Placement::Matched,
        })
        .collect();
    // Character offsets of each block in the text, counted in one pass.
    let mut group_spans = Vec::with_capacity(groups.len());
    let (mut byte, mut chars) = (0, 0);
    for b in &witness_blocks[0] {
        chars += first.text[byte..b.range.start].chars().count();
        let start = chars;
        chars += first.text[b.range.clone()].chars().count();
        byte = b.range.end;
        group_spans.push(Some(start..chars));
    }
    let labels: Vec<String> = witnesses.iter().map(|w| w.label.clone()).collect();
    let decisions = decide::decide(
        Vec::new(),
        &vec![total; witnesses.len()],
        &labels,
        &options.params,
    );
    let rendered = render::Rendered {
        text: first.text.clone(),
        group_spans,
        site_spans: Vec::new(),
    };
    let report = report::build(
        witnesses,
        &vec![layout; witnesses.len()],
        &witness_blocks,
        &groups,
        &[],
        &decisions,
        &rendered,
        options.min_confidence,
    );
    Some(Reconciliation {
        text: rendered.text,
        report,
        decisions,
    })
}
