//! Stage 7 — decisions. At every variant site each distinct reading is a candidate, and
//! its posterior probability combines:
//!
//! * **evidence** about the reading itself, independent of who wrote it: length-fair
//!   language plausibility in context (tempered and capped, since a language model cannot
//!   tell fluent near-synonyms apart), and a length prior (a character dropped by a
//!   transcriber is likelier than one added, so a reading that only adds to another is
//!   favoured a little);
//! * **witness reliability**: each witness's probability of being right at a site, learned
//!   from the whole document. It is measured only against evidence that does not come from
//!   the witness itself: the site evidence above, and the votes of the other witnesses where
//!   at least two others read the site (with only two witnesses, one other vote says nothing
//!   about who is right). Sites count in proportion to how clearly that evidence decides
//!   them. This is a one-coin Dawid–Skene model, iterated to a fixed point.
//!
//! The confidence of a site is the posterior of the chosen reading.

use crate::collate::{Collation, Segment};
use crate::normalize::{PARAGRAPH, SymbolTable};
use rayon::prelude::*;

/// Something that scores how plausible a text is; higher is more plausible, in nats,
/// comparable across texts of different lengths.
pub trait Plausibility: Sync {
    fn plausibility(&self, text: &str) -> f64;
}

/// Tuning of the evidence. Defaults are documented in ARCHITECTURE.md.
#[derive(Debug, Clone)]
pub struct DecisionParams {
    /// Weight of a nat of language-model evidence.
    pub lm_weight: f64,
    /// Most the language model can count for, in nats after weighting.
    pub lm_cap: f64,
    /// Log-odds bonus of a reading that only adds characters to another reading.
    pub length_prior: f64,
    /// Log-odds bonus, at paragraph-break disagreements, for the reading of witnesses
    /// whose paragraphs are explicit rather than reconstructed from hard wrapping.
    pub layout_prior: f64,
    /// Symbols of context on each side given to the language model.
    pub context: usize,
}

impl Default for DecisionParams {
    fn default() -> Self {
        DecisionParams {
            lm_weight: 0.1,
            lm_cap: 0.5,
            length_prior: std::f64::consts::LN_2,
            layout_prior: 2.0_f64.ln() * 2.0,
            context: 8,
        }
    }
}

/// One reading at a site.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// Folded text of the reading (paragraph breaks as "\n").
    pub key: String,
    /// Witnesses (indices) that read it.
    pub witnesses: Vec<usize>,
    /// Evidence for it, in nats relative to the best candidate, by source.
    pub lm_evidence: f64,
    pub length_evidence: f64,
    pub layout_evidence: f64,
}

impl Candidate {
    fn evidence(&self) -> f64 {
        self.lm_evidence + self.length_evidence + self.layout_evidence
    }
}

/// A disagreement between witnesses, with its decision.
#[derive(Debug, Clone)]
pub struct Site {
    pub group: usize,
    pub segment: usize,
    /// The witnesses disagree only about a paragraph break.
    pub layout_only: bool,
    pub left_context: String,
    pub right_context: String,
    /// Candidates sorted by key.
    pub candidates: Vec<Candidate>,
    /// Posterior probability of each candidate.
    pub posterior: Vec<f64>,
    pub chosen: usize,
    pub reason: String,
    /// A reviewer's correction that is none of the candidates; rendered instead of them.
    pub reviewer_text: Option<String>,
}

impl Site {
    pub fn confidence(&self) -> f64 {
        self.posterior[self.chosen]
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
}

/// Context text next to a segment: agreed text, or at an earlier site the reading of the
/// group's longest member; it stops at a paragraph break.
fn context(
    collation: &Collation,
    table: &SymbolTable,
    segment: usize,
    len: usize,
    before: bool,
) -> String {
    let longest = (0..collation.streams.len())
        .max_by_key(|&m| (collation.streams[m].len(), std::cmp::Reverse(m)))
        .unwrap_or(0);
    let stream = &collation.streams[longest].symbols;
    let range_of = |s: &Segment| match s {
        Segment::Agreed { starts, len } => starts[longest]..starts[longest] + len,
        Segment::Variant { ranges } => ranges[longest].clone(),
    };
    let mut symbols = Vec::new();
    let indices: Box<dyn Iterator<Item = usize>> = if before {
        Box::new((0..segment).rev())
    } else {
        Box::new(segment + 1..collation.segments.len())
    };
    'outer: for i in indices {
        let r = range_of(&collation.segments[i]);
        let piece = &stream[r];
        let ordered: Box<dyn Iterator<Item = &u32>> = if before {
            Box::new(piece.iter().rev())
        } else {
            Box::new(piece.iter())
        };
        for &s in ordered {
            if s == PARAGRAPH || symbols.len() >= len {
                break 'outer;
            }
            symbols.push(s);
        }
    }
    if before {
        symbols.reverse();
    }
    table.key_text(&symbols)
}

/// Is `short` a proper subsequence of `long`?
fn is_proper_subsequence(short: &str, long: &str) -> bool {
    let mut it = long.chars();
    short.chars().count() < long.chars().count() && short.chars().all(|c| it.any(|d| d == c))
}

/// Gather the variant sites of all collations, with their evidence.
pub fn gather_sites(
    collations: &[Collation],
    table: &SymbolTable,
    explicit_paragraphs: &[bool],
    model: &dyn Plausibility,
    params: &DecisionParams,
) -> Vec<Site> {
    let mut sites = Vec::new();
    for (g, collation) in collations.iter().enumerate() {
        for (si, segment) in collation.segments.iter().enumerate() {
            let Segment::Variant { ranges } = segment else {
                continue;
            };
            let mut candidates: Vec<Candidate> = Vec::new();
            for (m, range) in ranges.iter().enumerate() {
                let key = table.key_text(&collation.streams[m].symbols[range.clone()]);
                let w = collation.witnesses[m];
                match candidates.iter_mut().find(|c| c.key == key) {
                    Some(c) => c.witnesses.push(w),
                    None => candidates.push(Candidate {
                        key,
                        witnesses: vec![w],
                        lm_evidence: 0.0,
                        length_evidence: 0.0,
                        layout_evidence: 0.0,
                    }),
                }
            }
            candidates.sort_by(|a, b| a.key.cmp(&b.key));
            let text_of = |k: &str| k.replace('\n', "");
            let layout_only = candidates
                .iter()
                .all(|c| text_of(&c.key) == text_of(&candidates[0].key));
            sites.push(Site {
                group: g,
                segment: si,
                layout_only,
                left_context: context(collation, table, si, params.context, true),
                right_context: context(collation, table, si, params.context, false),
                candidates,
                posterior: Vec::new(),
                chosen: 0,
                reason: String::new(),
                reviewer_text: None,
            });
        }
    }
    // Language plausibility is the expensive part: score candidates in parallel.
    sites
        .par_iter_mut()
        .filter(|s| !s.layout_only)
        .for_each(|site| {
            let scores: Vec<f64> = site
                .candidates
                .iter()
                .map(|c| {
                    let text = format!(
                        "{}{}{}",
                        site.left_context,
                        c.key.replace('\n', ""),
                        site.right_context
                    );
                    model.plausibility(&text)
                })
                .collect();
            let best = scores.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
            for (c, s) in site.candidates.iter_mut().zip(&scores) {
                c.lm_evidence = (params.lm_weight * (s - best)).max(-params.lm_cap);
            }
        });
    for site in &mut sites {
        let keys: Vec<String> = site
            .candidates
            .iter()
            .map(|c| c.key.replace('\n', ""))
            .collect();
        if site.layout_only {
            let explicit = |c: &Candidate| c.witnesses.iter().any(|&w| explicit_paragraphs[w]);
            if site.candidates.iter().any(|c| !explicit(c)) {
                for c in &mut site.candidates {
                    c.layout_evidence = if explicit(c) {
                        params.layout_prior
                    } else {
                        0.0
                    };
                }
            }
            continue;
        }
        for (i, c) in site.candidates.iter_mut().enumerate() {
            let extends_another = keys
                .iter()
                .enumerate()
                .any(|(j, k)| j != i && is_proper_subsequence(k, &keys[i]));
            c.length_evidence = if extends_another {
                params.length_prior
            } else {
                0.0
            };
        }
    }
    sites
}

/// Log-weights of each candidate from what the witnesses read, given their error rates:
/// a witness reads the truth with probability 1 - ε, or any one other candidate with
/// probability ε / (K - 1).
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
                    (e / (k - 1.0)).ln()
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

fn posterior(site: &Site, error_rate: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let votes = vote_terms(site, error_rate);
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
    fn new(error_rate: &[f64], sites: &[&Site]) -> VoteLogs {
        let most = sites.iter().map(|s| s.candidates.len()).max().unwrap_or(0);
        VoteLogs {
            right: error_rate.iter().map(|&e| (1.0 - e).ln()).collect(),
            wrong: (0..=most)
                .map(|k| {
                    let k = k as f64;
                    error_rate.iter().map(|&e| (e / (k - 1.0)).ln()).collect()
                })
                .collect(),
        }
    }
}

/// The text sites laid out flat for the EM loop, which visits every site a hundred times or
/// more: contiguous arrays instead of a walk through each site's candidates and their
/// witness lists. `posterior` computes what `posterior(site, error_rate).0` does, with the
/// same additions in the same order, so bit for bit the same probabilities.
struct FlatSites {
    /// Candidates of site s: `site_start[s]..site_start[s + 1]`.
    site_start: Vec<usize>,
    evidence: Vec<f64>,
    /// Witnesses of candidate c: `witnesses[candidate_start[c]..candidate_start[c + 1]]`.
    candidate_start: Vec<usize>,
    witnesses: Vec<usize>,
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
            terms: Vec::new(),
            exps: Vec::new(),
        };
        for site in sites {
            for c in &site.candidates {
                flat.evidence.push(c.evidence());
                flat.witnesses.extend_from_slice(&c.witnesses);
                flat.candidate_start.push(flat.witnesses.len());
            }
            flat.site_start.push(flat.evidence.len());
        }
        flat
    }

    fn sites(&self) -> usize {
        self.site_start.len() - 1
    }

    fn candidates(&self, s: usize) -> std::ops::Range<usize> {
        self.site_start[s]..self.site_start[s + 1]
    }

    fn witnesses_of(&self, c: usize) -> &[usize] {
        &self.witnesses[self.candidate_start[c]..self.candidate_start[c + 1]]
    }

    /// Posterior of every candidate of site `s`.
    fn posterior(&mut self, s: usize, logs: &VoteLogs) -> &[f64] {
        let candidates = self.candidates(s);
        let k = candidates.len();
        let mut terms = std::mem::take(&mut self.terms);
        terms.clear();
        terms.resize(k, 0.0);
        for (r, cand) in candidates.clone().enumerate() {
            for &w in self.witnesses_of(cand) {
                let wrong = logs.wrong[k][w];
                for (c, t) in terms.iter_mut().enumerate() {
                    *t += if c == r { logs.right[w] } else { wrong };
                }
            }
        }
        // The logits of `posterior` are evidence + votes (floating-point addition commutes),
        // then `softmax`.
        for (t, e) in terms.iter_mut().zip(&self.evidence[candidates]) {
            *t += e;
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
pub fn estimate_error_rates(sites: &[Site], positions: &[usize]) -> Vec<f64> {
    let text_sites: Vec<&Site> = sites.iter().filter(|s| !s.layout_only).collect();
    let mut error_rate: Vec<f64> = positions
        .iter()
        .map(|&n| (PRIOR_ERRORS + text_sites.len() as f64 / 2.0) / (PRIOR_POSITIONS + n as f64))
        .collect();
    let mut flat = FlatSites::new(&text_sites);
    let mut q = Vec::new();
    for _ in 0..500 {
        let mut wrong = vec![PRIOR_ERRORS; positions.len()];
        let logs = VoteLogs::new(&error_rate, &text_sites);
        for s in 0..flat.sites() {
            q.clear();
            q.extend_from_slice(flat.posterior(s, &logs));
            for (c, cand) in flat.candidates(s).enumerate() {
                for &w in flat.witnesses_of(cand) {
                    wrong[w] += 1.0 - q[c];
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
fn reliability_at_sites(sites: &[Site], error_rate: &[f64]) -> Vec<f64> {
    let mut right = vec![0.0; error_rate.len()];
    let mut seen = vec![0.0; error_rate.len()];
    for site in sites.iter().filter(|s| !s.layout_only) {
        let (q, _) = posterior(site, error_rate);
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

/// Decide every site: posterior, choice, and a one-line reason.
pub fn decide(mut sites: Vec<Site>, positions: &[usize], labels: &[String]) -> Decisions {
    let error_rate = estimate_error_rates(&sites, positions);
    // Reliability as reported: the share of a witness's readings at variant sites that the
    // model believes right.
    let reliability = reliability_at_sites(&sites, &error_rate);
    for site in &mut sites {
        let (q, votes) = posterior(site, &error_rate);
        site.posterior = q;
        // Ties go to the candidate read by the most reliable witness, then by key order.
        let best_witness = |c: &Candidate| {
            c.witnesses
                .iter()
                .map(|&w| reliability[w])
                .fold(0.0, f64::max)
        };
        site.chosen = (0..site.candidates.len())
            .max_by(|&a, &b| {
                site.posterior[a]
                    .total_cmp(&site.posterior[b])
                    .then(
                        best_witness(&site.candidates[a])
                            .total_cmp(&best_witness(&site.candidates[b])),
                    )
                    .then(b.cmp(&a))
            })
            .unwrap_or(0);
        site.reason = explain(site, &votes, &reliability, labels);
    }
    Decisions {
        sites,
        reliability,
        error_rate,
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
        if voters >= 3 {
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
    let kinds: [(f64, String, String); 4] = [
        (
            votes[c] - votes[r],
            vote_phrase(chosen, true),
            vote_phrase(other, false),
        ),
        (
            chosen.lm_evidence - other.lm_evidence,
            "reads more plausibly in context".into(),
            "the language model prefers the other reading".into(),
        ),
        (
            chosen.length_evidence - other.length_evidence,
            "longer: a dropped character is likelier than an added one".into(),
            "the other reading is longer".into(),
        ),
        (
            chosen.layout_evidence - other.layout_evidence,
            "from a witness with explicit paragraphs".into(),
            "the other reading is from a witness with explicit paragraphs".into(),
        ),
    ];
    let strongest_for = kinds
        .iter()
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .expect("four kinds");
    let strongest_against = kinds
        .iter()
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .expect("four kinds");
    let mut reason = if strongest_for.0 > 0.0 {
        strongest_for.1.clone()
    } else {
        "a tie, broken by the more reliable witness".into()
    };
    if strongest_against.0 < -0.1 {
        reason = format!("{reason}; against: {}", strongest_against.2);
    }
    reason
}

#[cfg(test)]
mod flat_tests {
    use super::*;

    fn site(candidates: &[(&[usize], f64)]) -> Site {
        Site {
            group: 0,
            segment: 0,
            layout_only: false,
            left_context: String::new(),
            right_context: String::new(),
            candidates: candidates
                .iter()
                .enumerate()
                .map(|(i, (w, lm))| Candidate {
                    key: i.to_string(),
                    witnesses: w.to_vec(),
                    lm_evidence: *lm,
                    length_evidence: if i == 0 { 0.3 } else { 0.0 },
                    layout_evidence: 0.0,
                })
                .collect(),
            posterior: Vec::new(),
            chosen: 0,
            reason: String::new(),
            reviewer_text: None,
        }
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
        let logs = VoteLogs::new(&error_rate, &refs);
        let mut flat = FlatSites::new(&refs);
        for (s, site) in sites.iter().enumerate() {
            let expected = posterior(site, &error_rate).0;
            let got = flat.posterior(s, &logs).to_vec();
            let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&got), bits(&expected), "site {s}");
        }
    }
}
