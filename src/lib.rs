//! `reconcile`: merge several noisy transcriptions of one document into one clean text.
//! See ARCHITECTURE.md for the pipeline stages and which module owns each.

pub mod align;
pub mod batch;
pub mod blocks;
pub mod collate;
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
}

impl Plausibility for language_model::LanguageModel {
    fn plausibility(&self, text: &str) -> f64 {
        language_model::LanguageModel::plausibility(self, text)
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
    let sites = decide::gather_sites(
        &collations,
        &table,
        &explicit_paragraphs,
        model,
        &options.params,
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
    let mut decisions = decide::decide(sites, &positions, &labels);
    if let Some(reviewer) = &options.reviewer_decisions {
        review::apply(&mut decisions, reviewer);
    }
    let rendered = render::render(
        witnesses,
        &groups,
        &collations,
        &decisions,
        !options.drop_unmatched,
    );
    let report = report::build(
        witnesses,
        &layouts,
        &witness_blocks,
        &groups,
        &collations,
        &decisions,
        &rendered,
        options.min_confidence,
    );
    Ok(Reconciliation {
        text: rendered.text,
        report,
    })
}
