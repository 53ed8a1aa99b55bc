//! Stage 5 — block pairing. Blocks of all witnesses are joined into groups: blocks that
//! share aligned text belong to one group (a merged paragraph), whatever each witness's
//! paragraphing. Every pair of witnesses is aligned over the whole document (anchored, so
//! near-linear), and two blocks are linked when enough of the shorter one aligns with the
//! other. Blocks that no other witness has stay groups of their own, kept in reading order;
//! such a block that interrupts a paragraph the other witnesses carry on with (a running
//! page header dropped mid-sentence) is layout debris and moves to after that paragraph.

use crate::align::align;
use crate::blocks::Block;
use crate::normalize::Symbol;
use rayon::prelude::*;
use std::collections::BTreeMap;

/// A block is linked to a block of another witness when at least this share of the
/// shorter of the two is aligned text (chance matches in unrelated text stay below it).
const MIN_LINK_SHARE: f64 = 0.3;

/// One witness's part in a group.
#[derive(Debug, Clone)]
pub struct Member {
    pub witness: usize,
    /// Indices of the witness's blocks in this group, in order.
    pub blocks: Vec<usize>,
    /// For each pair of consecutive blocks: true when they were split only by layout debris
    /// (interrupting blocks), so they join without a paragraph break.
    pub continues: Vec<bool>,
}

/// How a group came to be where it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// Two or more witnesses carry this text.
    Matched,
    /// Only one witness has it; it stands where that witness has it.
    Unmatched,
    /// Only one witness has it and it interrupts a paragraph that the other witnesses carry
    /// on with; it is moved to after that paragraph.
    Interrupting,
}

#[derive(Debug, Clone)]
pub struct Group {
    pub members: Vec<Member>,
    pub placement: Placement,
}

struct UnionFind(Vec<usize>);

impl UnionFind {
    fn find(&mut self, x: usize) -> usize {
        let mut root = x;
        while self.0[root] != root {
            root = self.0[root];
        }
        let mut cur = x;
        while self.0[cur] != root {
            let next = self.0[cur];
            self.0[cur] = root;
            cur = next;
        }
        root
    }
    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        // The smaller root wins, so the result does not depend on the order of unions.
        let (lo, hi) = (ra.min(rb), ra.max(rb));
        self.0[hi] = lo;
    }
}

/// A witness's blocks laid end to end, with where each block starts.
struct DocumentStream {
    symbols: Vec<Symbol>,
    block_starts: Vec<usize>,
}

impl DocumentStream {
    fn new(blocks: &[Block]) -> Self {
        let mut symbols = Vec::new();
        let mut block_starts = Vec::with_capacity(blocks.len() + 1);
        for b in blocks {
            block_starts.push(symbols.len());
            symbols.extend_from_slice(&b.stream.symbols);
        }
        block_starts.push(symbols.len());
        DocumentStream {
            symbols,
            block_starts,
        }
    }
    fn block_at(&self, pos: usize) -> usize {
        self.block_starts.partition_point(|&s| s <= pos) - 1
    }
    fn block_len(&self, b: usize) -> usize {
        self.block_starts[b + 1] - self.block_starts[b]
    }
}

/// Aligned symbols shared by each pair of blocks of witnesses `x` and `y`.
fn shared_symbols(x: &DocumentStream, y: &DocumentStream) -> BTreeMap<(usize, usize), usize> {
    let mut counts = BTreeMap::new();
    for run in align(&x.symbols, &y.symbols)
        .into_iter()
        .filter(|r| r.equal)
    {
        let (mut p, mut q) = (run.a.start, run.b.start);
        while p < run.a.end {
            let (bx, by) = (x.block_at(p), y.block_at(q));
            let step = (run.a.end - p)
                .min(x.block_starts[bx + 1] - p)
                .min(y.block_starts[by + 1] - q);
            *counts.entry((bx, by)).or_insert(0) += step;
            p += step;
            q += step;
        }
    }
    counts
}

/// Pair the blocks of all witnesses into groups in reading order.
pub fn pair_blocks(witness_blocks: &[Vec<Block>]) -> Vec<Group> {
    let docs: Vec<DocumentStream> = witness_blocks
        .iter()
        .map(|b| DocumentStream::new(b))
        .collect();
    let node_base: Vec<usize> = witness_blocks
        .iter()
        .scan(0, |acc, b| {
            let base = *acc;
            *acc += b.len();
            Some(base)
        })
        .collect();
    let node_count = witness_blocks.iter().map(Vec::len).sum();
    let pairs: Vec<(usize, usize)> = (0..docs.len())
        .flat_map(|x| (x + 1..docs.len()).map(move |y| (x, y)))
        .collect();
    let node_base = &node_base;
    let links: Vec<(usize, usize)> = pairs
        .par_iter()
        .flat_map_iter(|&(x, y)| {
            let (dx, dy) = (&docs[x], &docs[y]);
            shared_symbols(dx, dy)
                .into_iter()
                .filter(|&((bx, by), n)| {
                    n as f64 >= MIN_LINK_SHARE * dx.block_len(bx).min(dy.block_len(by)) as f64
                })
                .map(|((bx, by), _)| (node_base[x] + bx, node_base[y] + by))
                .collect::<Vec<_>>()
        })
        .collect();
    let mut uf = UnionFind((0..node_count).collect());
    for (p, q) in links {
        uf.union(p, q);
    }
    // Group id per block, numbered by first appearance in witness order.
    let mut group_of: Vec<Vec<usize>> = Vec::new();
    let mut id_of_root: BTreeMap<usize, usize> = BTreeMap::new();
    let mut members: Vec<BTreeMap<usize, Vec<usize>>> = Vec::new();
    for (w, blocks) in witness_blocks.iter().enumerate() {
        let mut ids = Vec::with_capacity(blocks.len());
        for b in 0..blocks.len() {
            let root = uf.find(node_base[w] + b);
            let next = id_of_root.len();
            let id = *id_of_root.entry(root).or_insert(next);
            if id == members.len() {
                members.push(BTreeMap::new());
            }
            members[id].entry(w).or_default().push(b);
            ids.push(id);
        }
        group_of.push(ids);
    }
    let matched = |g: usize| members[g].len() > 1;

    // A lone block whose witness has the same matched group before and after it interrupts
    // that group's paragraph.
    let mut interrupting_after: BTreeMap<usize, Vec<usize>> = BTreeMap::new(); // host -> groups
    let mut is_interrupting = vec![false; members.len()];
    for ids in &group_of {
        let mut b = 0;
        while b < ids.len() {
            if matched(ids[b]) {
                b += 1;
                continue;
            }
            let run_end = (b..ids.len())
                .find(|&e| matched(ids[e]))
                .unwrap_or(ids.len());
            if b > 0 && run_end < ids.len() && ids[b - 1] == ids[run_end] {
                for &g in &ids[b..run_end] {
                    is_interrupting[g] = true;
                    interrupting_after.entry(ids[run_end]).or_default().push(g);
                }
            }
            b = run_end;
        }
    }

    let is_matched: Vec<bool> = (0..members.len()).map(matched).collect();
    let order = reading_order(&group_of, witness_blocks, &is_interrupting, &is_matched);
    let mut groups = Vec::with_capacity(members.len());
    for g in order {
        groups.push(build_group(g, &members[g], &group_of, is_interrupting[g]));
        for &debris in interrupting_after.get(&g).map(Vec::as_slice).unwrap_or(&[]) {
            groups.push(build_group(debris, &members[debris], &group_of, true));
        }
    }
    groups
}

fn build_group(
    g: usize,
    members: &BTreeMap<usize, Vec<usize>>,
    group_of: &[Vec<usize>],
    interrupting: bool,
) -> Group {
    let members: Vec<Member> = members
        .iter()
        .map(|(&w, blocks)| {
            // Consecutive blocks continue one paragraph when only interrupting debris lies
            // between them in this witness.
            let continues = blocks
                .windows(2)
                .map(|pair| {
                    pair[1] > pair[0] + 1
                        && group_of[w][pair[0] + 1..pair[1]].iter().all(|&d| d != g)
                })
                .collect();
            Member {
                witness: w,
                blocks: blocks.clone(),
                continues,
            }
        })
        .collect();
    let placement = if members.len() > 1 {
        Placement::Matched
    } else if interrupting {
        Placement::Interrupting
    } else {
        Placement::Unmatched
    };
    Group { members, placement }
}

/// Order groups so that every witness's own order is kept as far as possible: start from
/// the longest witness, then slot in each group another witness has, right after the group
/// that precedes it there. Interrupting debris is left out here and placed by the caller.
fn reading_order(
    group_of: &[Vec<usize>],
    witness_blocks: &[Vec<Block>],
    is_interrupting: &[bool],
    matched: &[bool],
) -> Vec<usize> {
    let length = |w: usize| {
        witness_blocks[w]
            .iter()
            .map(|b| b.stream.len())
            .sum::<usize>()
    };
    let mut witnesses: Vec<usize> = (0..group_of.len()).collect();
    witnesses.sort_by_key(|&w| (std::cmp::Reverse(length(w)), w));
    let mut order: Vec<usize> = Vec::new();
    let mut placed = vec![false; is_interrupting.len()];
    for w in witnesses {
        let mut cursor: Option<usize> = None; // position in `order` after which to insert
        for &g in &group_of[w] {
            if is_interrupting[g] {
                continue;
            }
            if placed[g] {
                let pos = order
                    .iter()
                    .position(|&o| o == g)
                    .expect("placed group is in order");
                cursor = Some(cursor.map_or(pos, |c| c.max(pos)));
            } else {
                // After the group that precedes it here, and after text that only earlier
                // witnesses have at this point, so that one witness's run of extra
                // paragraphs (a continuation, a second article) stays together.
                let mut at = cursor.map_or(0, |c| c + 1);
                while at < order.len() && !matched[order[at]] {
                    at += 1;
                }
                order.insert(at, g);
                placed[g] = true;
                cursor = Some(at);
            }
        }
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blocks::segment;
    use crate::normalize::SymbolTable;

    fn groups_of(texts: &[&str]) -> Vec<Group> {
        let mut table = SymbolTable::default();
        let blocks: Vec<Vec<Block>> = texts.iter().map(|t| segment(&mut table, t).1).collect();
        pair_blocks(&blocks)
    }

    #[test]
    fn running_header_inside_a_paragraph_is_interrupting_debris() {
        let a = "第一段落的文字内容在这里继续写下去直到学校共有384\n\n某某报告标题\n\n某某人名\n\n名学生报名参加了比赛并且继续写完这个段落的全部内容。\n\n第二段落完全相同的文字内容在这里出现并且很长很长。\n";
        let b = "第一段落的文字内容在这里继续写下去直到学校共有384名学生报名参加了比赛并且继续写完这个段落的全部内容。\n第二段落完全相同的文字内容在这里出现并且很长很长。\n";
        let groups = groups_of(&[a, b]);
        let placements: Vec<Placement> = groups.iter().map(|g| g.placement).collect();
        assert_eq!(
            placements,
            vec![
                Placement::Matched,
                Placement::Interrupting,
                Placement::Interrupting,
                Placement::Matched
            ]
        );
        let first = &groups[0].members[0];
        assert_eq!(first.blocks, vec![0, 3]);
        assert_eq!(first.continues, vec![true]);
    }

    #[test]
    fn paragraph_only_one_witness_has_stays_in_order() {
        let a = "甲段落文字内容甲段落文字内容甲段落文字内容。\n乙段落只在一个版本里出现的内容乙段落内容。\n丙段落文字内容丙段落文字内容丙段落文字内容。\n";
        let b = "甲段落文字内容甲段落文字内容甲段落文字内容。\n丙段落文字内容丙段落文字内容丙段落文字内容。\n";
        let groups = groups_of(&[a, b]);
        let placements: Vec<Placement> = groups.iter().map(|g| g.placement).collect();
        assert_eq!(
            placements,
            vec![Placement::Matched, Placement::Unmatched, Placement::Matched]
        );
    }
}
