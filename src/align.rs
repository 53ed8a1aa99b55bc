//! Stage 4 — alignment of two symbol sequences, in near-linear time.
//!
//! Whole-document O(n·m) dynamic programming is out of the question for long documents, so
//! alignment is anchored: k-grams that occur exactly once in each sequence are matched,
//! the longest chain of them that keeps both orders (an LIS) is kept, and only the windows
//! between anchors are aligned, recursively with shorter k-grams and finally with Myers'
//! O(ND) diff on small windows. A window whose anchors cover too little of it is not
//! related text at all (a paragraph only one witness has) and is left as one gap rather
//! than stitched together from chance matches.

use crate::normalize::Symbol;
use rayon::prelude::*;
use similar::{Algorithm, DiffOp, capture_diff_slices};
use std::ops::Range;

/// One stretch of an alignment: either equal symbols (`a` and `b` have the same length),
/// or a gap where `a[a]` stands against `b[b]` (either side may be empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    pub a: Range<usize>,
    pub b: Range<usize>,
    pub equal: bool,
}

/// k-gram length for the first level of anchors; halved per level down to `MIN_K`.
const FIRST_K: usize = 12;
const MIN_K: usize = 4;
/// Windows up to this many cells (len_a·len_b) go straight to Myers' diff.
const SMALL_WINDOW_CELLS: usize = 200_000;
/// Anchors must cover this share of the shorter side of a window for the window to count
/// as related text.
const MIN_ANCHOR_COVERAGE: f64 = 0.10;
/// In a small window, at least this share of the shorter side must match, or the window
/// is unrelated text and stays one gap.
const MIN_SMALL_WINDOW_MATCH: f64 = 0.3;
/// Windows with more symbols than this (both sides together) sort their k-grams and align
/// the stretches between their anchors in parallel. The result is the same as in sequence.
const PARALLEL_SYMBOLS: usize = 64 * 1024;

/// Align `a` with `b`. The runs cover both sequences completely and in order.
pub fn align(a: &[Symbol], b: &[Symbol]) -> Vec<Run> {
    let mut out = Runs::default();
    align_window(a, b, 0, 0, FIRST_K, &mut out);
    out.runs
}

#[derive(Default)]
struct Runs {
    runs: Vec<Run>,
}

impl Runs {
    fn push(&mut self, a: Range<usize>, b: Range<usize>, equal: bool) {
        if a.is_empty() && b.is_empty() {
            return;
        }
        if let Some(last) = self.runs.last_mut()
            && last.equal == equal
            && last.a.end == a.start
            && last.b.end == b.start
        {
            last.a.end = a.end;
            last.b.end = b.end;
            return;
        }
        self.runs.push(Run { a, b, equal });
    }
}

fn common_prefix(a: &[Symbol], b: &[Symbol]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

fn common_suffix(a: &[Symbol], b: &[Symbol]) -> usize {
    a.iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count()
}

/// Align the window `a` (starting at `ao` in the whole sequence) with `b` (at `bo`).
fn align_window(a: &[Symbol], b: &[Symbol], ao: usize, bo: usize, k: usize, out: &mut Runs) {
    let prefix = common_prefix(a, b);
    out.push(ao..ao + prefix, bo..bo + prefix, true);
    let (a_rest, b_rest) = (&a[prefix..], &b[prefix..]);
    let suffix = common_suffix(a_rest, b_rest);
    let (am, bm) = (
        &a_rest[..a_rest.len() - suffix],
        &b_rest[..b_rest.len() - suffix],
    );
    let (amo, bmo) = (ao + prefix, bo + prefix);
    align_middle(am, bm, amo, bmo, k, out);
    let (ae, be) = (amo + am.len(), bmo + bm.len());
    out.push(ae..ae + suffix, be..be + suffix, true);
}

fn align_middle(a: &[Symbol], b: &[Symbol], ao: usize, bo: usize, k: usize, out: &mut Runs) {
    let gap = |out: &mut Runs| out.push(ao..ao + a.len(), bo..bo + b.len(), false);
    if a.is_empty() || b.is_empty() {
        return gap(out);
    }
    if a.len().saturating_mul(b.len()) <= SMALL_WINDOW_CELLS {
        return align_small(a, b, ao, bo, out);
    }
    let mut k = k;
    loop {
        let anchors = anchor_chain(a, b, k);
        let covered: usize = anchors.iter().map(|r| r.len).sum();
        if covered as f64 >= MIN_ANCHOR_COVERAGE * a.len().min(b.len()) as f64 {
            let next_k = (k / 2).max(MIN_K);
            if a.len() + b.len() > PARALLEL_SYMBOLS && anchors.len() > 1 {
                return align_between_anchors_in_parallel(a, b, ao, bo, next_k, &anchors, out);
            }
            let (mut ia, mut ib) = (0, 0);
            for anchor in &anchors {
                align_window(
                    &a[ia..anchor.a],
                    &b[ib..anchor.b],
                    ao + ia,
                    bo + ib,
                    next_k,
                    out,
                );
                out.push(
                    ao + anchor.a..ao + anchor.a + anchor.len,
                    bo + anchor.b..bo + anchor.b + anchor.len,
                    true,
                );
                ia = anchor.a + anchor.len;
                ib = anchor.b + anchor.len;
            }
            return align_window(&a[ia..], &b[ib..], ao + ia, bo + ib, next_k, out);
        }
        if k <= MIN_K {
            return gap(out);
        }
        k = (k / 2).max(MIN_K);
    }
}

/// The windows between anchors (and the anchors themselves), aligned in contiguous chunks
/// on the rayon pool and appended in order. `Runs::push` merges neighbouring runs the same
/// way whichever chunk they come from, so the result is identical to the sequential loop.
fn align_between_anchors_in_parallel(
    a: &[Symbol],
    b: &[Symbol],
    ao: usize,
    bo: usize,
    k: usize,
    anchors: &[Anchor],
    out: &mut Runs,
) {
    // Chunk c covers the window before anchor `bounds[c]` up to the window before anchor
    // `bounds[c + 1]`; the last chunk also takes the window after the last anchor.
    let chunks = (rayon::current_num_threads() * 8).min(anchors.len());
    let bounds: Vec<usize> = (0..=chunks).map(|c| c * anchors.len() / chunks).collect();
    let pieces: Vec<Vec<Run>> = (0..chunks)
        .into_par_iter()
        .map(|c| {
            let mut piece = Runs::default();
            let (mut ia, mut ib) = match bounds[c].checked_sub(1) {
                Some(p) => (anchors[p].a + anchors[p].len, anchors[p].b + anchors[p].len),
                None => (0, 0),
            };
            for anchor in &anchors[bounds[c]..bounds[c + 1]] {
                align_window(
                    &a[ia..anchor.a],
                    &b[ib..anchor.b],
                    ao + ia,
                    bo + ib,
                    k,
                    &mut piece,
                );
                piece.push(
                    ao + anchor.a..ao + anchor.a + anchor.len,
                    bo + anchor.b..bo + anchor.b + anchor.len,
                    true,
                );
                ia = anchor.a + anchor.len;
                ib = anchor.b + anchor.len;
            }
            if c + 1 == chunks {
                align_window(&a[ia..], &b[ib..], ao + ia, bo + ib, k, &mut piece);
            }
            piece.runs
        })
        .collect();
    for run in pieces.into_iter().flatten() {
        out.push(run.a, run.b, run.equal);
    }
}

/// Myers' diff on a small window, kept only if enough of it matches.
fn align_small(a: &[Symbol], b: &[Symbol], ao: usize, bo: usize, out: &mut Runs) {
    let ops = capture_diff_slices(Algorithm::Myers, a, b);
    let matched: usize = ops
        .iter()
        .map(|op| match op {
            DiffOp::Equal { len, .. } => *len,
            _ => 0,
        })
        .sum();
    let shorter = a.len().min(b.len());
    if shorter > 8 && (matched as f64) < MIN_SMALL_WINDOW_MATCH * shorter as f64 {
        out.push(ao..ao + a.len(), bo..bo + b.len(), false);
        return;
    }
    for op in ops {
        let (ar, br) = (op.old_range(), op.new_range());
        let equal = matches!(op, DiffOp::Equal { .. });
        out.push(
            ao + ar.start..ao + ar.end,
            bo + br.start..bo + br.end,
            equal,
        );
    }
}

/// A maximal common stretch `a[a..a+len] == b[b..b+len]`.
#[derive(Debug, Clone, Copy)]
struct Anchor {
    a: usize,
    b: usize,
    len: usize,
}

fn kgram_hashes(s: &[Symbol], k: usize) -> impl Iterator<Item = (usize, u64)> + '_ {
    // Polynomial rolling hash mod 2^64; collisions are checked by comparing the k-grams.
    const BASE: u64 = 0x9E37_79B9_7F4A_7C15;
    let top = BASE.wrapping_pow(k as u32 - 1);
    let mut h: u64 = 0;
    s.iter().enumerate().filter_map(move |(i, &sym)| {
        if i >= k {
            h = h.wrapping_sub(top.wrapping_mul(s[i - k] as u64 + 1));
        }
        h = h.wrapping_mul(BASE).wrapping_add(sym as u64 + 1);
        (i + 1 >= k).then(|| (i + 1 - k, h))
    })
}

/// k-grams unique in both sequences, chained by the longest increasing subsequence, then
/// merged and extended into maximal non-overlapping anchors.
///
/// Uniqueness is decided by sorting (hash, position) lists of both sequences and walking them
/// side by side: the same answer as counting in a hash table, with a third of its memory and
/// without its cache misses on long documents.
fn anchor_chain(a: &[Symbol], b: &[Symbol], k: usize) -> Vec<Anchor> {
    if a.len() < k || b.len() < k {
        return Vec::new();
    }
    let sorted_hashes = |s: &[Symbol]| {
        let mut v: Vec<(u64, u32)> = kgram_hashes(s, k).map(|(i, h)| (h, i as u32)).collect();
        v.sort_unstable();
        v
    };
    let (ha, hb) = if a.len() + b.len() > PARALLEL_SYMBOLS {
        rayon::join(|| sorted_hashes(a), || sorted_hashes(b))
    } else {
        (sorted_hashes(a), sorted_hashes(b))
    };
    // Length of the run of equal hashes starting at `i`.
    let run = |v: &[(u64, u32)], i: usize| v[i..].iter().take_while(|e| e.0 == v[i].0).count();
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < ha.len() && j < hb.len() {
        match ha[i].0.cmp(&hb[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                let (na, nb) = (run(&ha, i), run(&hb, j));
                let (pa, pb) = (ha[i].1 as usize, hb[j].1 as usize);
                if na == 1 && nb == 1 && a[pa..pa + k] == b[pb..pb + k] {
                    pairs.push((pa, pb));
                }
                i += na;
                j += nb;
            }
        }
    }
    drop((ha, hb));
    pairs.sort_unstable();
    let chain = longest_increasing_chain(&pairs);
    merge_anchors(a, b, &chain, k)
}

/// Longest subsequence of `pairs` (sorted by a) that is strictly increasing in b.
fn longest_increasing_chain(pairs: &[(usize, usize)]) -> Vec<(usize, usize)> {
    const NONE: u32 = u32::MAX;
    let mut tails: Vec<u32> = Vec::new(); // index into pairs of the tail of each length
    let mut prev: Vec<u32> = vec![NONE; pairs.len()];
    for (i, &(_, bpos)) in pairs.iter().enumerate() {
        let len = tails.partition_point(|&t| pairs[t as usize].1 < bpos);
        if let Some(l) = len.checked_sub(1) {
            prev[i] = tails[l];
        }
        if len == tails.len() {
            tails.push(i as u32);
        } else {
            tails[len] = i as u32;
        }
    }
    let mut chain = Vec::with_capacity(tails.len());
    let mut cur = tails.last().copied().unwrap_or(NONE);
    while cur != NONE {
        chain.push(pairs[cur as usize]);
        cur = prev[cur as usize];
    }
    chain.reverse();
    chain
}

fn merge_anchors(a: &[Symbol], b: &[Symbol], chain: &[(usize, usize)], k: usize) -> Vec<Anchor> {
    let mut anchors: Vec<Anchor> = Vec::new();
    for &(pa, pb) in chain {
        // Trim the start so the anchor does not overlap the previous one.
        let (mut pa, mut pb, mut len) = (pa, pb, k);
        if let Some(last) = anchors.last_mut() {
            if pa as isize - pb as isize == last.a as isize - last.b as isize
                && pa <= last.a + last.len
            {
                last.len = last.len.max(pa + k - last.a);
                continue;
            }
            let overlap = (last.a + last.len)
                .saturating_sub(pa)
                .max((last.b + last.len).saturating_sub(pb));
            if overlap >= len {
                continue;
            }
            pa += overlap;
            pb += overlap;
            len -= overlap;
        }
        anchors.push(Anchor { a: pa, b: pb, len });
    }
    // Extend every anchor while the symbols stay equal, up to its neighbours.
    for i in 0..anchors.len() {
        let (floor_a, floor_b) = match i.checked_sub(1).map(|j| anchors[j]) {
            Some(p) => (p.a + p.len, p.b + p.len),
            None => (0, 0),
        };
        let x = &mut anchors[i];
        while x.a > floor_a && x.b > floor_b && a[x.a - 1] == b[x.b - 1] {
            x.a -= 1;
            x.b -= 1;
            x.len += 1;
        }
        let (ceil_a, ceil_b) = match anchors.get(i + 1) {
            Some(n) => (n.a, n.b),
            None => (a.len(), b.len()),
        };
        let x = &mut anchors[i];
        while x.a + x.len < ceil_a && x.b + x.len < ceil_b && a[x.a + x.len] == b[x.b + x.len] {
            x.len += 1;
        }
    }
    anchors
}

#[cfg(test)]
mod tests {
    use super::*;

    fn syms(s: &str) -> Vec<Symbol> {
        s.chars().map(|c| c as Symbol).collect()
    }

    /// Check that runs tile both sequences and equal runs really are equal.
    fn check(a: &[Symbol], b: &[Symbol], runs: &[Run]) {
        let (mut ia, mut ib) = (0, 0);
        for r in runs {
            assert_eq!((r.a.start, r.b.start), (ia, ib));
            if r.equal {
                assert_eq!(a[r.a.clone()], b[r.b.clone()]);
            }
            ia = r.a.end;
            ib = r.b.end;
        }
        assert_eq!((ia, ib), (a.len(), b.len()));
    }

    #[test]
    fn small_substitution() {
        let (a, b) = (syms("今天甲乙两队比赛"), syms("今天乙丙两队比赛"));
        let runs = align(&a, &b);
        check(&a, &b, &runs);
        let matched: usize = runs.iter().filter(|r| r.equal).map(|r| r.a.len()).sum();
        assert_eq!(matched, 7);
    }

    #[test]
    fn long_texts_with_an_unrelated_insertion_anchor_correctly() {
        let base: String = (0..3000)
            .map(|i| char::from_u32(0x4E00 + (i * 7919 % 20000) as u32).unwrap())
            .collect();
        let junk: String = (0..2000)
            .map(|i| char::from_u32(0x9000 + (i * 104729 % 3000) as u32).unwrap())
            .collect();
        let a = syms(&base);
        let mut b_text = base.clone();
        b_text.insert_str(base.char_indices().nth(1500).unwrap().0, &junk);
        let b = syms(&b_text);
        let runs = align(&a, &b);
        check(&a, &b, &runs);
        let matched: usize = runs.iter().filter(|r| r.equal).map(|r| r.a.len()).sum();
        assert_eq!(matched, 3000);
    }

    #[test]
    fn unrelated_windows_stay_one_gap() {
        let a = syms("甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥");
        let b = syms("天地玄黄宇宙洪荒日月盈昃辰宿列张寒来暑往秋收");
        let runs = align(&a, &b);
        check(&a, &b, &runs);
        assert_eq!(runs.len(), 1);
        assert!(!runs[0].equal);
    }
}
