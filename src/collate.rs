//! Stage 6 — collation inside a group. Each member witness's blocks are laid end to end
//! (a paragraph break symbol between them, or nothing where debris was lifted out) and
//! aligned against the group's longest member, the pivot. Cutting every member at every
//! pivot position gives, per pivot symbol, what each witness reads there; where all agree
//! the text is settled, and maximal stretches of disagreement become variant sites.

use crate::align::align;
use crate::blocks::Block;
use crate::normalize::{PARAGRAPH, SPACE, SymbolStream, is_wide};
use crate::pairing::Group;
use std::ops::Range;

/// Disagreements separated by at most this many agreeing symbols form one site, so that a
/// transposition like AB/BA or a split word is judged as one reading, not as fragments.
const MERGE_GAP: usize = 1;

#[derive(Debug, Clone)]
pub enum Segment {
    /// Every member reads the same `len` symbols, member m starting at `starts[m]`.
    Agreed { starts: Vec<usize>, len: usize },
    /// Members disagree: member m reads `ranges[m]` of its stream.
    Variant { ranges: Vec<Range<usize>> },
}

/// A group's members, their streams, and the segments that tile them.
#[derive(Debug, Clone)]
pub struct Collation {
    /// Witness index of each member.
    pub witnesses: Vec<usize>,
    /// Each member's symbols (spans point into that witness's text; paragraph breaks and
    /// joining spaces have empty spans).
    pub streams: Vec<SymbolStream>,
    pub segments: Vec<Segment>,
}

/// Lay a member's blocks end to end.
fn member_stream(blocks: &[Block], indices: &[usize], continues: &[bool]) -> SymbolStream {
    let mut stream = SymbolStream::default();
    for (i, &b) in indices.iter().enumerate() {
        let block = &blocks[b];
        if i > 0 {
            let at = block.range.start..block.range.start;
            if !continues[i - 1] {
                stream.push(PARAGRAPH, at);
            } else if joins_with_space(&stream, &block.stream) {
                stream.push(SPACE, at);
            }
        }
        stream.extend(&block.stream);
    }
    stream
}

/// Two pieces of a paragraph split by debris need a space between them only in
/// space-separated scripts.
fn joins_with_space(before: &SymbolStream, after: &SymbolStream) -> bool {
    let narrow = |s: Option<&u32>| {
        s.and_then(|&c| char::from_u32(c))
            .is_some_and(|c| !is_wide(c))
    };
    narrow(before.symbols.last()) && narrow(after.symbols.first())
}

/// Member positions at every pivot cut: `cuts[i]` is where the member stands just before
/// pivot symbol i (0 < i < n); extra symbols a member has after pivot symbol i-1 belong
/// to that symbol's interval.
fn cuts_against_pivot(pivot: &[u32], member: &[u32]) -> Vec<usize> {
    let n = pivot.len();
    let mut cuts = vec![0; n + 1];
    cuts[n] = member.len();
    for run in align(pivot, member) {
        for i in run.a.clone() {
            if i == 0 {
                continue;
            }
            let offset = i - run.a.start;
            cuts[i] = if run.equal {
                run.b.start + offset
            } else {
                run.b.start + offset.min(run.b.len())
            };
        }
    }
    cuts
}

/// Collate one group of blocks (`witness_blocks[w]` are witness w's blocks).
pub fn collate(group: &Group, witness_blocks: &[Vec<Block>]) -> Collation {
    let witnesses: Vec<usize> = group.members.iter().map(|m| m.witness).collect();
    let streams: Vec<SymbolStream> = group
        .members
        .iter()
        .map(|m| member_stream(&witness_blocks[m.witness], &m.blocks, &m.continues))
        .collect();
    // The pivot is the longest member (ties: the first), so omissions in the others show
    // as gaps against it rather than the other way round.
    let pivot = (0..streams.len())
        .max_by_key(|&m| (streams[m].len(), std::cmp::Reverse(m)))
        .expect("a group has members");
    let n = streams[pivot].len();
    let cuts: Vec<Vec<usize>> = (0..streams.len())
        .map(|m| {
            if m == pivot {
                (0..=n).collect()
            } else {
                cuts_against_pivot(&streams[pivot].symbols, &streams[m].symbols)
            }
        })
        .collect();
    let pivot_symbols = &streams[pivot].symbols;
    let agrees = |i: usize| {
        cuts.iter()
            .zip(&streams)
            .all(|(c, s)| c[i + 1] == c[i] + 1 && s.symbols[c[i]] == pivot_symbols[i])
    };
    let disagreeing: Vec<bool> = (0..n).map(|i| !agrees(i)).collect();

    // Stretches of disagreement, merged across short agreeing gaps.
    let mut sites: Vec<Range<usize>> = Vec::new();
    for i in (0..n).filter(|&i| disagreeing[i]) {
        match sites.last_mut() {
            Some(last) if i <= last.end + MERGE_GAP => last.end = i + 1,
            _ => sites.push(i..i + 1),
        }
    }
    // Each site as member ranges, trimmed of symbols all members share at either end (the
    // pivot cut may put a shared symbol inside a site).
    let mut variants: Vec<Vec<Range<usize>>> = Vec::with_capacity(sites.len());
    for site in sites {
        let mut ranges: Vec<Range<usize>> =
            cuts.iter().map(|c| c[site.start]..c[site.end]).collect();
        let shared_at = |ranges: &[Range<usize>], front: bool| {
            let symbol_at = |m: usize| {
                let r = &ranges[m];
                (!r.is_empty()).then(|| streams[m].symbols[if front { r.start } else { r.end - 1 }])
            };
            let first = symbol_at(0);
            first.is_some() && (1..ranges.len()).all(|m| symbol_at(m) == first)
        };
        while shared_at(&ranges, true) {
            ranges.iter_mut().for_each(|r| r.start += 1);
        }
        while shared_at(&ranges, false) {
            ranges.iter_mut().for_each(|r| r.end -= 1);
        }
        if ranges.iter().any(|r| !r.is_empty()) {
            variants.push(ranges);
        }
    }
    let mut segments = Vec::with_capacity(variants.len() * 2 + 1);
    let mut at: Vec<usize> = vec![0; streams.len()];
    let push_agreed = |segments: &mut Vec<Segment>, from: &[usize], to: &[usize]| {
        let len = to[0] - from[0];
        debug_assert!(from.iter().zip(to).all(|(f, t)| t - f == len));
        if len > 0 {
            segments.push(Segment::Agreed {
                starts: from.to_vec(),
                len,
            });
        }
    };
    for ranges in variants {
        let starts: Vec<usize> = ranges.iter().map(|r| r.start).collect();
        push_agreed(&mut segments, &at, &starts);
        at = ranges.iter().map(|r| r.end).collect();
        segments.push(Segment::Variant { ranges });
    }
    let ends: Vec<usize> = streams.iter().map(|s| s.len()).collect();
    push_agreed(&mut segments, &at, &ends);
    Collation {
        witnesses,
        streams,
        segments,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blocks::segment;
    use crate::normalize::SymbolTable;
    use crate::pairing::pair_blocks;

    fn variants(texts: &[&str]) -> Vec<Vec<String>> {
        let mut table = SymbolTable::default();
        let blocks: Vec<Vec<Block>> = texts.iter().map(|t| segment(&mut table, t).1).collect();
        let groups = pair_blocks(&blocks);
        let mut out = Vec::new();
        for g in &groups {
            let c = collate(g, &blocks);
            for seg in &c.segments {
                if let Segment::Variant { ranges } = seg {
                    out.push(
                        ranges
                            .iter()
                            .zip(&c.streams)
                            .map(|(r, s)| table.key_text(&s.symbols[r.clone()]))
                            .collect(),
                    );
                }
            }
        }
        out
    }

    #[test]
    fn neighbouring_differences_form_one_site() {
        let v = variants(&[
            "审结侵权传销案等涉众型经济犯罪案件。",
            "审结权健传销案等涉众型经济犯罪案件。",
        ]);
        assert_eq!(v, vec![vec!["侵权".to_string(), "权健".to_string()]]);
    }

    #[test]
    fn three_witnesses_share_one_site() {
        let v = variants(&[
            "会同最高人民检察院出台惩治虚假诉讼意见。",
            "会同最高人民法院出台惩治虚假诉讼意见。",
            "会同最高人民检察院出台惩治虚假诉讼意见。",
        ]);
        assert_eq!(v.len(), 1);
        let mut readings = v[0].clone();
        readings.sort();
        readings.dedup();
        assert_eq!(readings, vec!["检察".to_string(), "法".to_string()]);
    }
}
