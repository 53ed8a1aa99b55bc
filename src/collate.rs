//! Stage 6 — collation inside a group. Each member witness's blocks are laid end to end
//! (a paragraph break symbol between them, or nothing where debris was lifted out) and
//! aligned against the group's longest member, the pivot. Cutting every member at every
//! pivot position gives, per pivot symbol, what each witness reads there; where all agree
//! the text is settled, and maximal stretches of disagreement become variant sites.

use crate::align::{Run, align};
use crate::blocks::Block;
use crate::normalize::{CharKind, PARAGRAPH, SPACE, Symbol, SymbolStream, is_wide};
use crate::pairing::Group;
use std::ops::Range;

/// Disagreements separated by at most this many agreeing symbols form one site, so that a
/// transposition like AB/BA or a split word is judged as one reading, not as fragments.
const MERGE_GAP: usize = 1;

#[derive(Debug, Clone)]
pub enum Segment {
    /// Every member reads the same `len` symbols, member m starting at `starts[m]`.
    Agreed { starts: Vec<usize>, len: usize },
    /// Members disagree: member m reads `ranges[m]` of its stream, cut by the pivot's
    /// columns into `columns[m]` (column j of every member is what it reads for the same
    /// pivot symbol, or inserts at the same place), so readings can be compared column by
    /// column.
    Variant {
        ranges: Vec<Range<usize>>,
        columns: Vec<Vec<Range<usize>>>,
    },
}

/// One range per member.
type MemberRanges = Vec<Range<usize>>;

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

/// Where a member stands at every slot boundary of the pivot. The pivot's n symbols give
/// 2n+1 slots: slot 2i holds what a member has *before* pivot symbol i that the pivot lacks
/// (insertions), slot 2i+1 what it reads *for* pivot symbol i, slot 2n what it has after
/// the end. Slot k of the member is `bounds[k]..bounds[k + 1]`. Insertions get slots of
/// their own so that they never make a neighbouring, agreeing symbol look disputed.
fn slot_bounds(pivot: &[Symbol], member: &[Symbol]) -> Vec<usize> {
    let n = pivot.len();
    // before[i]: start of slot 2i; at[i]: start of slot 2i+1.
    let mut before = vec![0; n + 1];
    let mut at = vec![0; n + 1];
    for run in gaps_shifted_left(align(pivot, member), pivot, member) {
        // A pure insertion sets nothing: it lies between the end of the previous symbol's
        // slot and the start of the next one, which the neighbouring runs set.
        let spread = if run.equal {
            Vec::new()
        } else {
            spread_over_pivot(&pivot[run.a.clone()], &member[run.b.clone()])
        };
        for i in run.a.clone() {
            let k = i - run.a.start;
            if run.equal {
                at[i] = run.b.start + k;
                before[i + 1] = at[i] + 1;
            } else {
                // Substitution-like gap: each pivot symbol reads a stretch of the member's
                // symbols (see `spread_over_pivot`).
                let (from, to) = spread[k];
                at[i] = run.b.start + from;
                before[i + 1] = run.b.start + to;
            }
        }
    }
    at[n] = member.len();
    let mut bounds = Vec::with_capacity(2 * n + 2);
    for i in 0..=n {
        bounds.push(before[i]);
        bounds.push(at[i]);
    }
    bounds
}

/// Which stretch of `member` each symbol of `pivot` reads where the two differ (a
/// substitution-like gap): `(from, to)` per pivot symbol, contiguous, covering all of
/// `member` (the caller never passes an empty `pivot`).
///
/// By default the member's symbols go one to each pivot symbol from the left, the last
/// taking what is left. Where the two are of different lengths that pairs symbols by
/// position, and a space read against "j" in " j" / "i" leaves "j" against nothing: the
/// columns then say the member read a letter for the space and dropped the letter, and
/// no mix of the two readings can give " i". So within short gaps the pairing that
/// costs least is taken instead, where a symbol read against nothing or an extra symbol
/// costs 1, a symbol against itself 0, against one of its own kind 1 and against another
/// kind 1.5 (`CharKind`: letters and ideographs, multi-character graphemes among them;
/// digits; whitespace; every other symbol); the default is kept unless this is cheaper.
/// With one pivot symbol or no member symbol there is only one way, the default.
fn spread_over_pivot(pivot: &[Symbol], member: &[Symbol]) -> Vec<(usize, usize)> {
    let (n, m) = (pivot.len(), member.len());
    let by_position: Vec<(usize, usize)> = (0..n)
        .map(|k| (k.min(m), if k + 1 == n { m } else { (k + 1).min(m) }))
        .collect();
    if n < 2 || m == 0 || n > SPREAD_MOST_SYMBOLS || m > SPREAD_MOST_SYMBOLS {
        return by_position;
    }
    fn kind(s: Symbol) -> CharKind {
        // A symbol that is no single character is an interned multi-character grapheme.
        char::from_u32(s).map_or(CharKind::Letter, CharKind::of)
    }
    // Cost of pivot symbol x reading the member's stretch r.
    let cost = |x: Symbol, r: &[Symbol]| -> f64 {
        let Some(best) = r
            .iter()
            .map(|&y| match (x == y, kind(x) == kind(y)) {
                (true, _) => 0.0,
                (false, true) => 1.0,
                (false, false) => 1.5,
            })
            .min_by(f64::total_cmp)
        else {
            return 1.0;
        };
        best + (r.len() - 1) as f64
    };
    let total = |spread: &[(usize, usize)]| -> f64 {
        spread
            .iter()
            .zip(pivot)
            .map(|(&(from, to), &x)| cost(x, &member[from..to]))
            .sum()
    };
    // least[k][j]: least cost of pivot[..k] reading member[..j]; start[k][j] where the
    // stretch of pivot symbol k - 1 starts. Fixed-size tables: this runs at every gap of
    // every alignment, and the sizes are bounded above.
    const SIDE: usize = SPREAD_MOST_SYMBOLS + 1;
    let mut least = [[f64::INFINITY; SIDE]; SIDE];
    let mut start = [[0; SIDE]; SIDE];
    least[0][0] = 0.0;
    for k in 1..=n {
        for j in 0..=m {
            for i in 0..=j {
                let c = least[k - 1][i] + cost(pivot[k - 1], &member[i..j]);
                if c < least[k][j] {
                    least[k][j] = c;
                    start[k][j] = i;
                }
            }
        }
    }
    if least[n][m] >= total(&by_position) {
        return by_position;
    }
    let mut spread = vec![(0, 0); n];
    let mut j = m;
    for k in (1..=n).rev() {
        spread[k - 1] = (start[k][j], j);
        j = start[k][j];
    }
    spread
}

/// Longest gap side `spread_over_pivot` pairs by cost (beyond it, by position).
const SPREAD_MOST_SYMBOLS: usize = 8;

/// Move every gap (a stretch only one side has) to the left end of the repeat it sits in:
/// against the pivot's 人人 a member's single 人 matches the second, and the gap is the
/// first. The aligner may place such a gap at either end, and members aligned to one pivot
/// must place it alike: otherwise a repeat with a gap in one member and another difference
/// in the next ("人人有" / "人有" / "仁人有") leaves no column where all agree, and two
/// separate differences become one site whose every reading is wrong.
fn gaps_shifted_left(runs: Vec<Run>, a: &[Symbol], b: &[Symbol]) -> Vec<Run> {
    fn push_merged(out: &mut Vec<Run>, run: Run) {
        match out.last_mut() {
            Some(last) if last.equal && run.equal => {
                last.a.end = run.a.end;
                last.b.end = run.b.end;
            }
            _ if run.a.is_empty() && run.b.is_empty() => {}
            _ => out.push(run),
        }
    }
    let mut out: Vec<Run> = Vec::with_capacity(runs.len());
    for mut run in runs {
        let deletion = !run.equal && run.b.is_empty() && !run.a.is_empty();
        let insertion = !run.equal && run.a.is_empty() && !run.b.is_empty();
        let shift = match out.last() {
            Some(prev) if prev.equal && (deletion || insertion) => {
                let (side, gap) = if deletion { (a, &run.a) } else { (b, &run.b) };
                (0..prev.a.len())
                    .take_while(|&t| side[gap.start - 1 - t] == side[gap.end - 1 - t])
                    .count()
            }
            _ => 0,
        };
        if shift == 0 {
            push_merged(&mut out, run);
            continue;
        }
        // The matched stretch before the gap gives up its last `shift` symbols, the gap
        // moves left by as many, and they are matched again after it (same symbols: the
        // gap's content repeats with its length as period).
        let prev = out.last_mut().expect("checked above");
        prev.a.end -= shift;
        prev.b.end -= shift;
        // On the gap's side the gap and the rematched stretch both move; the other side's
        // empty range moves, and the rematched stretch ends where it was.
        let shifted = |gap: &Range<usize>, other: &Range<usize>| {
            (
                gap.start - shift..gap.end - shift,
                other.start - shift..other.start - shift,
                gap.end - shift..gap.end,
                other.start - shift..other.start,
            )
        };
        let rematched = if deletion {
            let (gap, other, on_gap_side, on_other_side) = shifted(&run.a, &run.b);
            (run.a, run.b) = (gap, other);
            Run {
                a: on_gap_side,
                b: on_other_side,
                equal: true,
            }
        } else {
            let (gap, other, on_gap_side, on_other_side) = shifted(&run.b, &run.a);
            (run.b, run.a) = (gap, other);
            Run {
                a: on_other_side,
                b: on_gap_side,
                equal: true,
            }
        };
        if prev.a.is_empty() {
            out.pop();
        }
        push_merged(&mut out, run);
        push_merged(&mut out, rematched);
    }
    out
}

/// The member streams are aligned against: the longest, so omissions in the others show as
/// gaps against it rather than the other way round. Among equally long members the
/// smallest symbol sequence wins (then the first), so that neither the collation nor the
/// contexts taken from the pivot depend on the order of the witnesses.
pub fn pivot(streams: &[SymbolStream]) -> usize {
    (0..streams.len())
        .max_by(|&a, &b| {
            streams[a]
                .len()
                .cmp(&streams[b].len())
                .then_with(|| streams[b].symbols.cmp(&streams[a].symbols))
                .then(b.cmp(&a))
        })
        .expect("a group has members")
}

/// Collate one group of blocks (`witness_blocks[w]` are witness w's blocks).
pub fn collate(group: &Group, witness_blocks: &[Vec<Block>]) -> Collation {
    let witnesses: Vec<usize> = group.members.iter().map(|m| m.witness).collect();
    let streams: Vec<SymbolStream> = group
        .members
        .iter()
        .map(|m| member_stream(&witness_blocks[m.witness], &m.blocks, &m.continues))
        .collect();
    let pivot = pivot(&streams);
    let n = streams[pivot].len();
    let bounds: Vec<Vec<usize>> = (0..streams.len())
        .map(|m| slot_bounds(&streams[pivot].symbols, &streams[m].symbols))
        .collect();
    let pivot_symbols = &streams[pivot].symbols;
    let slot_agrees = |k: usize| {
        bounds.iter().zip(&streams).all(|(b, s)| {
            let (from, to) = (b[k], b[k + 1]);
            if k.is_multiple_of(2) {
                from == to
            } else {
                to == from + 1 && s.symbols[from] == pivot_symbols[k / 2]
            }
        })
    };

    // Stretches of disputed slots, merged across at most MERGE_GAP agreeing symbols.
    let mut sites: Vec<Range<usize>> = Vec::new();
    let mut agreeing_since_last = 0;
    for k in 0..=2 * n {
        if slot_agrees(k) {
            agreeing_since_last += k % 2;
            continue;
        }
        match sites.last_mut() {
            Some(last) if agreeing_since_last <= MERGE_GAP => last.end = k + 1,
            _ => sites.push(k..k + 1),
        }
        agreeing_since_last = 0;
    }
    let cuts = &bounds;
    // Each site as member ranges, trimmed of symbols all members share at either end (the
    // pivot cut may put a shared symbol inside a site).
    let mut variants: Vec<(MemberRanges, Vec<MemberRanges>)> = Vec::with_capacity(sites.len());
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
            // Each member's slots of the site, clipped to its trimmed range; columns empty
            // in every member say nothing and are left out.
            let mut columns: Vec<Vec<Range<usize>>> = vec![Vec::new(); ranges.len()];
            for k in site.clone() {
                let clipped: Vec<Range<usize>> = cuts
                    .iter()
                    .zip(&ranges)
                    .map(|(c, r)| {
                        let start = c[k].clamp(r.start, r.end);
                        start..c[k + 1].clamp(start, r.end)
                    })
                    .collect();
                let inserting: Vec<usize> = (0..clipped.len())
                    .filter(|&m| !clipped[m].is_empty())
                    .collect();
                if let [m] = inserting[..]
                    && k % 2 == 0
                {
                    // What one member alone inserts is cut into one column per symbol, as
                    // the pivot's own text is: otherwise how many columns a reading spans
                    // (which counts errors, and where readings are mixed) would depend on
                    // which member is the pivot.
                    for p in clipped[m].clone() {
                        for (o, cs) in columns.iter_mut().enumerate() {
                            cs.push(if o == m { p..p + 1 } else { clipped[o].clone() });
                        }
                    }
                } else if !inserting.is_empty() {
                    columns
                        .iter_mut()
                        .zip(clipped)
                        .for_each(|(cs, c)| cs.push(c));
                }
            }
            variants.push((ranges, columns));
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
    for (ranges, columns) in variants {
        let starts: Vec<usize> = ranges.iter().map(|r| r.start).collect();
        push_agreed(&mut segments, &at, &starts);
        at = ranges.iter().map(|r| r.end).collect();
        segments.push(Segment::Variant { ranges, columns });
    }
    let ends: Vec<usize> = streams.iter().map(|s| s.len()).collect();
    push_agreed(&mut segments, &at, &ends);
    Collation {
        witnesses,
        streams,
        segments,
    }
}

/// At most this many columns in which two members differ are combined (`combined_readings`):
/// 2^d - 2 readings for d columns, and a wider disagreement is a rewrite more often than
/// separate errors.
const MOST_COMBINED_COLUMNS: usize = 3;

/// Readings of variant segment `segment` that no member has whole but that are pieced
/// together from the members' columns, as what each reads in every column:
/// - with three or more members, the column majority: where their errors fall in different
///   columns ("xBC", "AyC", "ABz"), the right reading "ABC" has, in every column, what a
///   strict majority reads there (none where some column has no strict majority);
/// - with two members, every mix of their columns: where both erred, in different columns
///   ("xBC", "ABz"), one mix is right ("ABC"), and only the evidence can say which. Only
///   where they differ in 2 to `MOST_COMBINED_COLUMNS` columns, none of them a paragraph
///   break (layout is decided on its own), and not by a transposition (below); `decide`
///   also leaves out the mixes of two readings that differ by one known confusion.
pub fn combined_readings(collation: &Collation, segment: usize) -> Vec<Vec<&[Symbol]>> {
    let Segment::Variant { columns, .. } = &collation.segments[segment] else {
        return Vec::new();
    };
    let members = columns.len();
    if members < 2 {
        return Vec::new();
    }
    let read = |m: usize, j: usize| &collation.streams[m].symbols[columns[m][j].clone()];
    let width = columns[0].len();
    if members >= 3 {
        let majority: Option<Vec<&[Symbol]>> = (0..width)
            .map(|j| {
                (0..members)
                    .find(|&m| {
                        2 * (0..members).filter(|&o| read(o, j) == read(m, j)).count() > members
                    })
                    .map(|m| read(m, j))
            })
            .collect();
        return majority.into_iter().collect();
    }
    let differing: Vec<usize> = (0..width).filter(|&j| read(0, j) != read(1, j)).collect();
    let breaks = differing
        .iter()
        .any(|&j| read(0, j).contains(&PARAGRAPH) || read(1, j).contains(&PARAGRAPH));
    // A transposition ("所需"/"需所" cut as 所|- 需|需 -|所) is one error whose pieces mean
    // nothing apart: where what one member alone reads in some column the other alone reads
    // in another, a text moved, and its mixes would only drop or double it.
    let alone = |m: usize| {
        differing
            .iter()
            .filter(move |&&j| read(1 - m, j).is_empty())
            .map(move |&j| read(m, j))
    };
    let moved = alone(0).any(|a| alone(1).any(|b| a == b));
    if differing.len() < 2 || differing.len() > MOST_COMBINED_COLUMNS || breaks || moved {
        return Vec::new();
    }
    // Mask bit i set: differing column i from the second member. 0 and all bits set are the
    // members' own readings.
    (1..(1u32 << differing.len()) - 1)
        .map(|mask| {
            (0..width)
                .map(|j| {
                    let second = differing
                        .iter()
                        .position(|&d| d == j)
                        .is_some_and(|i| mask & (1 << i) != 0);
                    read(usize::from(second), j)
                })
                .collect()
        })
        .collect()
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
                if let Segment::Variant { ranges, .. } = seg {
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
    fn a_gap_in_a_repeat_lines_up_with_the_other_members() {
        // Witness b lacks one 人 of 人人, witness c misread the first as 仁; all three read
        // the second 人 and 有, so the two differences are two sites, not one.
        let v = variants(&[
            "鉴于对人类家庭所有成员的固有尊严，人人有自权由和平等的权利。",
            "鉴于对人类家庭所有成员的固有尊严，人有权自右和平等的权利。",
            "鉴于对人类家庭所有成员的固有尊严，仁人有权自由和平等的权利。",
        ]);
        assert_eq!(v.len(), 2, "{v:?}");
        assert_eq!(v[0], vec!["人", "", "仁"]);
    }

    #[test]
    fn shifted_gaps_keep_the_alignment_exact() {
        // Every run pairs equal symbols where it says so, and the runs tile both sides.
        let a: Vec<Symbol> = "xaaab-yabab-zz".chars().map(|c| c as Symbol).collect();
        let b: Vec<Symbol> = "xaab-yab-zzz".chars().map(|c| c as Symbol).collect();
        let runs = gaps_shifted_left(align(&a, &b), &a, &b);
        let (mut i, mut j) = (0, 0);
        for r in &runs {
            assert_eq!((r.a.start, r.b.start), (i, j));
            if r.equal {
                assert_eq!(a[r.a.clone()], b[r.b.clone()]);
            }
            (i, j) = (r.a.end, r.b.end);
        }
        assert_eq!((i, j), (a.len(), b.len()));
        // The gaps sit at the left end of their repeats: the first a of "aaa", the first ab
        // of "abab", and the first z of "zzz".
        let deleted: Vec<usize> = runs
            .iter()
            .filter(|r| !r.equal && r.b.is_empty())
            .flat_map(|r| r.a.clone())
            .collect();
        assert_eq!(deleted, vec![1, 7, 8], "{runs:?}");
        let inserted: Vec<usize> = runs
            .iter()
            .filter(|r| !r.equal && r.a.is_empty())
            .flat_map(|r| r.b.clone())
            .collect();
        assert_eq!(inserted, vec![9], "{runs:?}");
    }

    #[test]
    fn neighbouring_differences_form_one_site() {
        let v = variants(&[
            "今天甲乙两队在体育馆进行篮球比赛。",
            "今天乙丙两队在体育馆进行篮球比赛。",
        ]);
        assert_eq!(v, vec![vec!["甲乙".to_string(), "乙丙".to_string()]]);
    }

    /// The combined readings of the first variant segment of `texts` collated, as text.
    fn combined(texts: &[&str]) -> Vec<String> {
        let mut table = SymbolTable::default();
        let blocks: Vec<Vec<Block>> = texts.iter().map(|t| segment(&mut table, t).1).collect();
        let groups = pair_blocks(&blocks);
        let c = collate(&groups[0], &blocks);
        let Some(at) = c
            .segments
            .iter()
            .position(|s| matches!(s, Segment::Variant { .. }))
        else {
            return Vec::new();
        };
        combined_readings(&c, at)
            .iter()
            .map(|cells| table.key_text(&cells.concat()))
            .collect()
    }

    #[test]
    fn the_column_majority_is_read_column_by_column() {
        let texts = [
            "小明每天早上骑自行车丢学校上课。",
            "小明每天早上骑自行车去字校上课。",
            "小明每天早上骑自行车去学较上课。",
        ];
        assert_eq!(combined(&texts), vec!["去学校".to_string()]);
    }

    #[test]
    fn no_column_majority_without_a_strict_majority_in_every_column() {
        // Three different readings of the first column: no majority there.
        let three_ways = [
            "小明每天早上骑自行车丢字校上课。",
            "小明每天早上骑自行车云学校上课。",
            "小明每天早上骑自行车去学较上课。",
        ];
        assert!(combined(&three_ways).is_empty());
    }

    #[test]
    fn two_members_are_mixed_column_by_column() {
        let two = [
            "小明每天早上骑自行车丢学校上课。",
            "小明每天早上骑自行车去字校上课。",
        ];
        let mut mixes = combined(&two);
        mixes.sort();
        assert_eq!(mixes, vec!["丢字".to_string(), "去学".to_string()]);
        // Three differing columns (an agreeing space among them): six mixes.
        let close = ["the statns af it", "the statu5 of it"];
        assert_eq!(combined(&close).len(), 6, "{:?}", combined(&close));
        // What only one member has is mixed symbol by symbol whichever member is the pivot
        // (the longer): here the shorter one has 各种.
        for texts in [
            [
                "我们准备各种材料，明天一起去公园野餐。",
                "我们准备材料，明天一起去公园野餐。",
            ],
            [
                "我们准备各种材料，明天。",
                "我们准备材料，明天一起去公园野餐。",
            ],
        ] {
            let mut mixes = combined(&texts);
            mixes.sort();
            assert_eq!(mixes, vec!["各".to_string(), "种".to_string()], "{texts:?}");
        }
        // A transposition has no mixes; one differing column has nothing to mix, four are a
        // rewrite.
        assert!(combined(&["the statue of", "the sattue of"]).is_empty());
        assert!(combined(&["准备所需材料", "准备需所材料"]).is_empty());
        assert!(combined(&["a cat sat", "a bat sat"]).is_empty());
        assert!(combined(&["a cold day", "a warm day"]).is_empty());
    }

    #[test]
    fn a_gap_pairs_a_letter_with_a_letter_rather_than_with_a_space() {
        // "when it was" read "when j was" and "wheni was": each witness dropped or changed
        // one symbol. Paired by position, the space would stand against "i" and "j"
        // against nothing, and no mix could give " i".
        let texts = ["at the time when j was done", "at the time wheni was done"];
        let mut mixes = combined(&texts);
        mixes.sort();
        assert_eq!(mixes, vec![" i".to_string(), "j".to_string()]);
        // The pairing by cost, and the default it must beat.
        let syms = |t: &str| t.chars().map(|c| c as Symbol).collect::<Vec<_>>();
        assert_eq!(
            spread_over_pivot(&syms(" j"), &syms("i")),
            vec![(0, 0), (0, 1)]
        );
        assert_eq!(
            spread_over_pivot(&syms("ab"), &syms("c")),
            vec![(0, 1), (1, 1)]
        );
        assert_eq!(spread_over_pivot(&syms("a"), &syms("bc")), vec![(0, 2)]);
        assert_eq!(
            spread_over_pivot(&syms("x1"), &syms("2")),
            vec![(0, 0), (0, 1)]
        );
    }

    #[test]
    fn three_witnesses_share_one_site() {
        let v = variants(&[
            "暑假我们一家人坐汽车去海边看日出。",
            "暑假我们一家人坐船去海边看日出。",
            "暑假我们一家人坐汽车去海边看日出。",
        ]);
        assert_eq!(v.len(), 1);
        let mut readings = v[0].clone();
        readings.sort();
        readings.dedup();
        assert_eq!(readings, vec!["汽车".to_string(), "船".to_string()]);
    }
}
