//! Stage 8 — rendering the merged text from surface forms.
//!
//! Settled text takes, symbol by symbol, the surface form most witnesses wrote (so a
//! full-width comma stays full-width where most witnesses have it so); ties go to the most
//! reliable witness. At a site the chosen reading is written as its most reliable
//! supporter wrote it (a combined reading, column by column the same way). Paragraphs
//! (groups, and breaks inside them) are separated by one blank line; hard wraps and
//! indentation are not reproduced.

use crate::collate::{Collation, Segment};
use crate::decide::{Decisions, Site};
use crate::input::Witness;
use crate::normalize::{PARAGRAPH, SPACE};
use crate::pairing::{Group, Placement};
use std::ops::Range;

pub const PARAGRAPH_SEPARATOR: &str = "\n\n";

/// The merged text and where each group and site ended up in it (in characters).
#[derive(Debug, Clone)]
pub struct Rendered {
    pub text: String,
    /// Character range of each group in the output, None if it was left out.
    pub group_spans: Vec<Option<Range<usize>>>,
    /// Character range of each site's chosen reading, None if its group was left out.
    pub site_spans: Vec<Option<Range<usize>>>,
}

struct Writer {
    text: String,
    chars: usize,
}

impl Writer {
    fn push(&mut self, s: &str) {
        self.text.push_str(s);
        self.chars += s.chars().count();
    }
}

fn surface<'a>(witness: &'a Witness, symbol: u32, span: &Range<usize>) -> &'a str {
    match symbol {
        PARAGRAPH => PARAGRAPH_SEPARATOR,
        SPACE => " ",
        _ => &witness.text[span.clone()],
    }
}

/// Render all groups in order; `keep_unmatched` false leaves out blocks only one witness has.
pub fn render(
    witnesses: &[Witness],
    groups: &[Group],
    collations: &[Collation],
    decisions: &Decisions,
    keep_unmatched: bool,
) -> Rendered {
    let reliability = &decisions.reliability;
    let mut site_of: Vec<Vec<Option<usize>>> = collations
        .iter()
        .map(|c| vec![None; c.segments.len()])
        .collect();
    for (i, s) in decisions.sites.iter().enumerate() {
        site_of[s.group][s.segment] = Some(i);
    }
    let mut out = Writer {
        text: String::new(),
        chars: 0,
    };
    let mut forms: Vec<&str> = Vec::new();
    let mut group_spans = vec![None; groups.len()];
    let mut site_spans = vec![None; decisions.sites.len()];
    // Text of the blocks every witness has, to recognise a running header (a title
    // repeated on a page) among the blocks only one witness has.
    let shared: Vec<&[u32]> = groups
        .iter()
        .zip(collations)
        .filter(|(g, _)| g.members.len() == witnesses.len() && g.members.len() > 1)
        .flat_map(|(_, c)| c.streams.iter().map(|s| s.symbols.as_slice()))
        .collect();
    for (g, (group, collation)) in groups.iter().zip(collations).enumerate() {
        // A block only one witness has is left out when the others outvote it (three or
        // more witnesses), when it interrupts a paragraph and repeats (up to a fifth of
        // its symbols) a short block every witness has (a running header), or when it is
        // page furniture, a bare page number or a continuation marker
        // (`blocks::is_page_furniture`); otherwise nothing says it is not missing text, so it
        // stays.
        let single = group.members.len() == 1;
        // The header may carry its own transcription errors: near-equal is enough.
        let header = group.placement == Placement::Interrupting
            && shared.iter().any(|s| {
                let h = collation.streams[0].symbols.as_slice();
                h.len() <= 80
                    && s.len() <= 80
                    && crate::eval::levenshtein(h, s) * 5 <= h.len().max(s.len())
            });
        // Page furniture (a page number, a continuation marker), by the rule that made it
        // a block of its own. (Only asked of blocks one witness has: it copies the block's text.)
        let page_furniture = || {
            collation.streams[0]
                .symbols
                .iter()
                .map(|&s| char::from_u32(s))
                .collect::<Option<String>>()
                .is_some_and(|text| crate::blocks::is_page_furniture(&text))
        };
        let outvoted = single && (witnesses.len() >= 3 || header || page_furniture());
        if (!keep_unmatched || outvoted) && group.placement != Placement::Matched {
            continue;
        }
        if out.chars > 0 {
            out.push(PARAGRAPH_SEPARATOR);
        }
        let start = out.chars;
        let by_trust = members_by_trust(collation, reliability);
        for (si, segment) in collation.segments.iter().enumerate() {
            match segment {
                Segment::Agreed { starts, len } => {
                    for t in 0..*len {
                        forms.clear();
                        forms.extend(by_trust.iter().map(|&m| {
                            let s = &collation.streams[m];
                            let p = starts[m] + t;
                            surface(&witnesses[collation.witnesses[m]], s.symbols[p], &s.span(p))
                        }));
                        // Usually every witness wrote the symbol the same way.
                        if forms.iter().all(|f| *f == forms[0]) {
                            out.push(forms[0]);
                            continue;
                        }
                        // Majority of surface forms; `forms` is in trust order, so the
                        // first form with the top count is the most trusted among ties.
                        let best = forms
                            .iter()
                            .max_by_key(|f| {
                                (
                                    forms.iter().filter(|g| g == f).count(),
                                    std::cmp::Reverse(forms.iter().position(|g| g == *f)),
                                )
                            })
                            .expect("members");
                        out.push(best);
                    }
                }
                Segment::Variant { .. } => {
                    let index = site_of[g][si].expect("every variant has a site");
                    let site = &decisions.sites[index];
                    let from = out.chars;
                    match &site.reviewer_text {
                        Some(text) => out.push(text),
                        None => out.push(&candidate_surface(
                            witnesses,
                            collation,
                            &by_trust,
                            site,
                            site.chosen,
                        )),
                    }
                    site_spans[index] = Some(from..out.chars);
                }
            }
        }
        group_spans[g] = Some(start..out.chars);
    }
    if !out.text.is_empty() {
        out.push("\n");
    }
    Rendered {
        text: out.text,
        group_spans,
        site_spans,
    }
}

/// The members (indices into the collation) ranked by trust: most reliable first, ties by
/// witness order.
pub fn members_by_trust(collation: &Collation, reliability: &[f64]) -> Vec<usize> {
    let mut members: Vec<usize> = (0..collation.witnesses.len()).collect();
    members.sort_by_key(|&m| {
        let w = collation.witnesses[m];
        (std::cmp::Reverse(ordered(reliability[w])), w)
    });
    members
}

/// Candidate `c` of `site` as written in the witnesses: by its most trusted supporter, or,
/// for a combined reading that no witness reads whole, column by column, each from the
/// most trusted member that reads it there. `by_trust`: the collation's members, most
/// trusted first (`members_by_trust`).
pub fn candidate_surface(
    witnesses: &[Witness],
    collation: &Collation,
    by_trust: &[usize],
    site: &Site,
    c: usize,
) -> String {
    let candidate = &site.candidates[c];
    let Segment::Variant { ranges, columns } = &collation.segments[site.segment] else {
        return String::new();
    };
    let read = |m: usize, range: &Range<usize>| &collation.streams[m].symbols[range.clone()];
    let pieces: Option<Vec<(usize, Range<usize>)>> = match by_trust
        .iter()
        .find(|&&m| candidate.witnesses.contains(&collation.witnesses[m]))
    {
        Some(&m) => Some(vec![(m, ranges[m].clone())]),
        None => candidate
            .columns
            .iter()
            .enumerate()
            .map(|(j, cell)| {
                let m = by_trust
                    .iter()
                    .copied()
                    .find(|&m| read(m, &columns[m][j]) == cell.as_slice())?;
                Some((m, columns[m][j].clone()))
            })
            .collect(),
    };
    // Only combined readings lack supporters, and some member reads each of their columns;
    // should another kind of reading ever lack both, write its folded text rather than fail.
    let Some(pieces) = pieces.filter(|p| !p.is_empty()) else {
        return candidate.key.replace('\n', PARAGRAPH_SEPARATOR);
    };
    pieces
        .into_iter()
        .flat_map(|(m, range)| {
            let s = &collation.streams[m];
            let w = &witnesses[collation.witnesses[m]];
            range.map(move |p| surface(w, s.symbols[p], &s.span(p)))
        })
        .collect()
}

/// Order-preserving integer key for a probability, so it can sort with `Ord`.
fn ordered(p: f64) -> u64 {
    (p.clamp(0.0, 1.0) * 1e12) as u64
}
