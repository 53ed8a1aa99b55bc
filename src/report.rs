//! Stage 9 — the confidence report (JSON, schema in docs/report-schema.md).

use crate::blocks::{Block, Layout};
use crate::collate::Collation;
use crate::decide::Decisions;
use crate::input::Witness;
use crate::pairing::{Group, Placement};
use crate::render::{Rendered, candidate_surface, members_by_trust};
use serde::Serialize;

/// Bumped whenever a field changes meaning or disappears.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub schema_version: u32,
    pub tool: ToolInfo,
    pub witnesses: Vec<WitnessInfo>,
    pub blocks: Vec<BlockInfo>,
    pub sites: Vec<SiteInfo>,
    pub summary: Summary,
    /// Reviewer decisions (from --decisions) that matched no site of this run, each with
    /// why; empty without --decisions. Format of a decision: docs/decisions.md.
    pub unmatched_decisions: Vec<crate::review::UnmatchedDecision>,
    /// The merged text, as written to the output (the review page shows it).
    pub merged_text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ToolInfo {
    pub name: &'static str,
    pub version: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct WitnessInfo {
    pub index: usize,
    pub path: String,
    pub characters: usize,
    pub encoding: &'static str,
    /// Undecodable byte sequences replaced by U+FFFD (non-zero only with --lossy).
    pub replaced: usize,
    pub layout: String,
    pub blocks: usize,
    pub reliability: f64,
    pub error_rate: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct BlockInfo {
    pub index: usize,
    /// "matched", "unmatched" or "interrupting".
    pub placement: &'static str,
    /// Character range in the output; null when the block was left out.
    pub output: Option<CharRange>,
    pub witnesses: Vec<BlockWitness>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BlockWitness {
    pub witness: usize,
    /// Byte ranges in the witness file (after BOM removal and line-ending unification).
    pub spans: Vec<ByteRange>,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct CharRange {
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct ByteRange {
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct SiteInfo {
    pub index: usize,
    pub block: usize,
    /// "text", or "layout" for a disagreement about a paragraph break only.
    pub kind: &'static str,
    pub output: Option<CharRange>,
    pub context_before: String,
    pub context_after: String,
    /// Folded context before and after the site (up to 8 symbols, stopping at a paragraph
    /// break): what reviewer decisions are keyed by (docs/decisions.md).
    pub key_before: String,
    pub key_after: String,
    /// The readings; after a reviewer's correction that is none of them, the correction
    /// comes last, with no witnesses.
    pub candidates: Vec<CandidateInfo>,
    /// Text of the chosen candidate.
    pub chosen: String,
    /// Index of the chosen candidate in `candidates`.
    pub chosen_index: usize,
    /// Probability that the chosen reading is right: its `probability` among the readings
    /// times the chance that some reading is right at all (1 - `no_reading_right`),
    /// calibrated (docs/evaluation.md).
    pub confidence: f64,
    /// Probability that every witness is wrong here, so no candidate is the true text.
    pub no_reading_right: f64,
    pub flagged: bool,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CandidateInfo {
    /// The reading as its most reliable supporter wrote it (paragraph break as "\n\n"); a
    /// combined reading (column majority or mix), column by column the same way.
    pub text: String,
    /// The reading folded for comparison (NFKC, quotes unified, paragraph break as "\n").
    pub folded: String,
    pub witnesses: Vec<usize>,
    /// A spelled reading: the known word nearest every witness's unknown word, which no
    /// witness wrote (`spelling`). Written only when true.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub spelled: bool,
    pub probability: f64,
    pub evidence: Evidence,
}

#[derive(Debug, Clone, Serialize)]
pub struct Evidence {
    pub language_model: f64,
    pub length: f64,
    pub layout: f64,
    /// The reading's phrase occurs elsewhere in the documents.
    pub consistency: f64,
    /// The reading contains a glossary term its rival lacks.
    pub glossary: f64,
    /// The reading is one no witness wrote: a mix of two witnesses' readings (the fitted mix
    /// prior) or a spelled reading (the fitted spelled prior).
    pub mix: f64,
    /// The documents' spacing and capitalisation habits.
    pub typography: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub witnesses: usize,
    pub blocks: usize,
    pub blocks_matched: usize,
    pub blocks_unmatched: usize,
    pub blocks_interrupting: usize,
    pub blocks_left_out: usize,
    pub variant_sites: usize,
    pub layout_sites: usize,
    pub sites_decided: usize,
    pub sites_flagged: usize,
    pub min_confidence: f64,
    /// Mean confidence over text sites (1 when there are none).
    pub overall_confidence: f64,
    /// Expected number of wrongly decided text sites: the sum of (1 - confidence).
    pub expected_errors: f64,
    /// Reviewer decisions given with --decisions (0 without).
    pub reviewer_decisions: usize,
    /// Of those, how many matched a site and were applied.
    pub reviewer_decisions_applied: usize,
    /// Of those, how many matched no site (listed in `unmatched_decisions`).
    pub reviewer_decisions_unmatched: usize,
}

fn placement_name(p: Placement) -> &'static str {
    match p {
        Placement::Matched => "matched",
        Placement::Unmatched => "unmatched",
        Placement::Interrupting => "interrupting",
    }
}

fn layout_name(l: Layout) -> String {
    match l {
        Layout::LinePerParagraph => "one paragraph per line".into(),
        Layout::BlankLineSeparated => "paragraphs separated by blank lines".into(),
        Layout::HardWrapped { width } => format!("hard-wrapped at {width} columns"),
    }
}

/// Round to 4 decimals so the report reads well and is stable across platforms.
fn round(x: f64) -> f64 {
    // `+ 0.0` turns -0.0 (the sum of no floats) into 0.0.
    (x * 10_000.0).round() / 10_000.0 + 0.0
}

const CONTEXT_CHARS: usize = 12;

/// Assemble the report of one run.
#[allow(clippy::too_many_arguments)]
pub fn build(
    witnesses: &[Witness],
    layouts: &[Layout],
    witness_blocks: &[Vec<Block>],
    groups: &[Group],
    collations: &[Collation],
    decisions: &Decisions,
    rendered: &Rendered,
    min_confidence: f64,
) -> Report {
    let by_trust: Vec<Vec<usize>> = collations
        .iter()
        .map(|c| members_by_trust(c, &decisions.reliability))
        .collect();
    let surfaces: Vec<Vec<String>> = decisions
        .sites
        .iter()
        .map(|s| {
            let collation = &collations[s.group];
            (0..s.candidates.len())
                .map(|c| candidate_surface(witnesses, collation, &by_trust[s.group], s, c))
                .collect()
        })
        .collect();
    let out_chars: Vec<char> = rendered.text.chars().collect();
    let slice = |from: usize, to: usize| -> String {
        out_chars[from.min(out_chars.len())..to.min(out_chars.len())]
            .iter()
            .collect()
    };
    let witness_info = witnesses
        .iter()
        .enumerate()
        .map(|(i, w)| WitnessInfo {
            index: i,
            path: w.path.display().to_string(),
            characters: w.text.chars().count(),
            encoding: w.encoding,
            replaced: w.replaced,
            layout: layout_name(layouts[i]),
            blocks: witness_blocks[i].len(),
            reliability: round(decisions.reliability[i]),
            error_rate: (decisions.error_rate[i] * 1e6).round() / 1e6,
        })
        .collect();
    let blocks = groups
        .iter()
        .enumerate()
        .map(|(g, group)| BlockInfo {
            index: g,
            placement: placement_name(group.placement),
            output: rendered.group_spans[g].as_ref().map(|r| CharRange {
                start: r.start,
                end: r.end,
            }),
            witnesses: group
                .members
                .iter()
                .map(|m| BlockWitness {
                    witness: m.witness,
                    spans: m
                        .blocks
                        .iter()
                        .map(|&b| {
                            let r = &witness_blocks[m.witness][b].range;
                            ByteRange {
                                start: r.start,
                                end: r.end,
                            }
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect();
    let sites: Vec<SiteInfo> = decisions
        .sites
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let span = rendered.site_spans[i].clone();
            let (before, after) = match &span {
                Some(r) => (
                    slice(r.start.saturating_sub(CONTEXT_CHARS), r.start),
                    slice(r.end, r.end + CONTEXT_CHARS),
                ),
                None => (s.left_context.clone(), s.right_context.clone()),
            };
            let mut candidates: Vec<CandidateInfo> = s
                .candidates
                .iter()
                .zip(&s.posterior)
                .zip(&surfaces[i])
                .map(|((c, &p), surface)| CandidateInfo {
                    text: surface.clone(),
                    folded: c.key.clone(),
                    witnesses: c.witnesses.clone(),
                    spelled: c.features.spelled,
                    probability: round(p),
                    evidence: Evidence {
                        language_model: round(c.lm_evidence),
                        length: round(c.length_evidence),
                        layout: round(c.layout_evidence),
                        consistency: round(c.consistency_evidence),
                        glossary: round(c.glossary_evidence),
                        mix: round(c.mix_evidence),
                        typography: round(c.typography_evidence),
                    },
                })
                .collect();
            let (chosen, chosen_index) = match &s.reviewer_text {
                Some(text) => {
                    candidates.push(CandidateInfo {
                        text: text.clone(),
                        folded: crate::review::fold(text),
                        witnesses: Vec::new(),
                        spelled: false,
                        probability: 1.0,
                        evidence: Evidence {
                            language_model: 0.0,
                            length: 0.0,
                            layout: 0.0,
                            consistency: 0.0,
                            glossary: 0.0,
                            mix: 0.0,
                            typography: 0.0,
                        },
                    });
                    (text.clone(), candidates.len() - 1)
                }
                None => (surfaces[i][s.chosen].clone(), s.chosen),
            };
            SiteInfo {
                index: i,
                block: s.group,
                kind: if s.layout_only { "layout" } else { "text" },
                output: span.map(|r| CharRange {
                    start: r.start,
                    end: r.end,
                }),
                context_before: before,
                context_after: after,
                key_before: s.left_context.clone(),
                key_after: s.right_context.clone(),
                candidates,
                chosen,
                chosen_index,
                confidence: round(s.confidence()),
                no_reading_right: if s.reviewer_text.is_some() {
                    0.0
                } else {
                    round(s.none)
                },
                // On the confidence as reported, so that a site shown at 0.9 is not flagged
                // below 0.9.
                flagged: !s.layout_only && round(s.confidence()) < min_confidence,
                reason: s.reason.clone(),
            }
        })
        .collect();
    let text_sites: Vec<&SiteInfo> = sites.iter().filter(|s| s.kind == "text").collect();
    let count = |p: Placement| groups.iter().filter(|g| g.placement == p).count();
    let flagged = text_sites.iter().filter(|s| s.flagged).count();
    let confidences: Vec<f64> = decisions
        .sites
        .iter()
        .filter(|s| !s.layout_only)
        .map(|s| s.confidence())
        .collect();
    let summary = Summary {
        witnesses: witnesses.len(),
        blocks: groups.len(),
        blocks_matched: count(Placement::Matched),
        blocks_unmatched: count(Placement::Unmatched),
        blocks_interrupting: count(Placement::Interrupting),
        blocks_left_out: rendered.group_spans.iter().filter(|s| s.is_none()).count(),
        variant_sites: text_sites.len(),
        layout_sites: sites.len() - text_sites.len(),
        sites_decided: text_sites.len() - flagged,
        sites_flagged: flagged,
        min_confidence,
        overall_confidence: round(if confidences.is_empty() {
            1.0
        } else {
            confidences.iter().sum::<f64>() / confidences.len() as f64
        }),
        expected_errors: round(confidences.iter().map(|c| 1.0 - c).sum()),
        reviewer_decisions: 0,
        reviewer_decisions_applied: 0,
        reviewer_decisions_unmatched: 0,
    };
    Report {
        schema_version: SCHEMA_VERSION,
        tool: ToolInfo {
            name: "reconcile",
            version: env!("CARGO_PKG_VERSION"),
        },
        witnesses: witness_info,
        blocks,
        sites,
        summary,
        unmatched_decisions: Vec::new(),
        merged_text: rendered.text.clone(),
    }
}
