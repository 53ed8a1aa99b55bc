//! Stage 3 — blocks. A witness becomes a list of paragraphs ("blocks"), whatever its
//! layout: one paragraph per line, paragraphs separated by blank lines, or text hard-wrapped
//! every N columns (possibly with a blank line after every wrapped line). Wrapped lines are
//! joined; a line-end hyphen inside a word is dropped. A line that is only a page number
//! ("- 21 -", "12") is a block of its own in every layout, so that it never merges into the
//! paragraph it stands next to and later stages can treat it as layout debris.

use crate::normalize::{SymbolStream, SymbolTable, is_wide, normalize_into};
use std::ops::Range;

/// One paragraph of one witness.
#[derive(Debug, Clone)]
pub struct Block {
    /// Bytes of the witness text the block covers (first line start to last line end).
    pub range: Range<usize>,
    /// Folded symbols with their surface spans.
    pub stream: SymbolStream,
}

/// How a witness lays out its paragraphs, as detected from its line lengths.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Every non-blank line is a paragraph.
    LinePerParagraph,
    /// Paragraphs are separated by blank lines (lines inside them are joined).
    BlankLineSeparated,
    /// Lines were hard-wrapped at about `width` columns (wide characters count two).
    HardWrapped { width: usize },
}

#[derive(Debug, Clone, Copy)]
struct Line {
    start: usize,
    end: usize,
    width: usize,
    /// Number of blank lines directly before this one.
    blanks_before: usize,
    /// The line is only a page number (`is_page_number`).
    page_number: bool,
}

/// Display width in columns: wide characters count two.
fn display_width(s: &str) -> usize {
    s.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum()
}

fn non_blank_lines(text: &str) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut blanks = 0;
    let mut start = 0;
    for piece in text.split('\n') {
        let end = start + piece.len();
        let trimmed = piece.trim_end();
        if trimmed.trim_start().is_empty() {
            blanks += 1;
        } else {
            lines.push(Line {
                start,
                end: start + trimmed.len(),
                width: display_width(trimmed),
                blanks_before: blanks,
                page_number: is_page_number(trimmed),
            });
            blanks = 0;
        }
        start = end + 1;
    }
    lines
}

/// Detect the layout. Hard wrapping shows as most lines filling nearly the same width;
/// that width (the 90th percentile) must be short, since a file with one paragraph per
/// line has a long and widely spread line length.
fn detect_layout(lines: &[Line]) -> Layout {
    let transitions = lines.len().saturating_sub(1);
    let direct = lines
        .iter()
        .skip(1)
        .filter(|l| l.blanks_before == 0)
        .count();
    if lines.len() >= 6 {
        let mut widths: Vec<usize> = lines.iter().map(|l| l.width).collect();
        widths.sort_unstable();
        let width = widths[widths.len() * 9 / 10];
        let nearly_full = widths.iter().filter(|&&w| w * 4 >= width * 3).count();
        if (16..=200).contains(&width) && nearly_full * 10 >= widths.len() * 6 {
            return Layout::HardWrapped { width };
        }
    }
    if transitions > 0 && direct * 10 >= transitions * 3 && direct < transitions {
        Layout::BlankLineSeparated
    } else {
        Layout::LinePerParagraph
    }
}

/// Does the line end with a wide (CJK) character that does not end a sentence or a clause
/// (an ideograph, or a comma-like mark)? Closing quotes and the ellipsis are not wide
/// (`is_wide`), so lines ending with them keep the general rule.
fn ends_mid_sentence_cjk(text: &str, line: &Line) -> bool {
    text[line.start..line.end]
        .chars()
        .next_back()
        .is_some_and(|c| {
            is_wide(c)
                && !matches!(
                    c,
                    '。' | '！'
                        | '？'
                        | '；'
                        | '：'
                        | '．'
                        | '」'
                        | '』'
                        | '）'
                        | '》'
                        | '】'
                        | '〕'
                        | '］'
                        | '〉'
                        | '｝'
                )
        })
}

fn starts_indented(text: &str, line: &Line) -> bool {
    text[line.start..].starts_with(char::is_whitespace)
}

/// Width of what would have to fit on the previous line for this line's start to have
/// been wrapped there: its first word (Latin) or first character (CJK).
fn first_token_width(text: &str, line: &Line) -> usize {
    let body = text[line.start..line.end].trim_start();
    let mut chars = body.chars();
    match chars.next() {
        Some(c) if is_wide(c) => 2,
        Some(_) => display_width(body.split(char::is_whitespace).next().unwrap_or("")),
        None => 0,
    }
}

/// Is the text a bare page number: a few characters, at least one digit, and otherwise only
/// the dashes, dots and brackets that decorate page numbers ("- 21 -", "12", "— 3 —",
/// "(4)", "5/12")? Such a line is printed page furniture, not text. A number with sentence
/// punctuation or a unit ("1990.", "12.5%。") is not: a hard-wrapped paragraph can end
/// with a line holding only that.
pub fn is_page_number(text: &str) -> bool {
    let body = text.trim();
    body.chars().nth(12).is_none()
        && body.chars().any(|c| c.is_ascii_digit())
        && body.chars().all(|c| {
            c.is_ascii_digit()
                || c.is_whitespace()
                || matches!(
                    c,
                    '-' | '‐'
                        | '‒'
                        | '–'
                        | '—'
                        | '―'
                        | '·'
                        | '•'
                        | '('
                        | ')'
                        | '['
                        | ']'
                        | '/'
                        | '（'
                        | '）'
                        | '［'
                        | '］'
                        | '〔'
                        | '〕'
                        | '／'
                        | '－'
                )
        })
}

/// Does a paragraph end between `prev` and `next`? `prev_continues` says whether `prev`
/// continues a paragraph begun on an earlier line.
fn paragraph_break(
    text: &str,
    layout: Layout,
    double_spaced: bool,
    prev: &Line,
    prev_continues: bool,
    next: &Line,
) -> bool {
    if prev.page_number || next.page_number {
        return true;
    }
    match layout {
        Layout::LinePerParagraph => true,
        Layout::BlankLineSeparated => next.blanks_before > 0 || starts_indented(text, next),
        Layout::HardWrapped { width } => {
            let slack = (width / 10).max(4);
            let short = if prev_continues && ends_mid_sentence_cjk(text, prev) {
                // Chinese and Japanese wrap between any two characters, so the later line of
                // a paragraph that stops mid-sentence a few characters short (justification,
                // a wider glyph, a character kept off the next line's start) still
                // continues; only a clearly short one ends the paragraph there. (A one-line
                // paragraph — a heading — keeps the general rule.)
                prev.width * 4 < width * 3
            } else {
                prev.width + first_token_width(text, next) + slack <= width
            };
            short || starts_indented(text, next) || next.blanks_before > usize::from(double_spaced)
        }
    }
}

/// A line-end hyphen inside a word ("transcrip-" + "tion") to drop when joining lines.
fn soft_hyphen(text: &str, prev: &Line, next: &Line) -> Option<Range<usize>> {
    let head = &text[prev.start..prev.end];
    let mut tail = head.chars().rev();
    let (Some('-'), Some(before)) = (tail.next(), tail.next()) else {
        return None;
    };
    let after = text[next.start..next.end].trim_start().chars().next()?;
    (before.is_alphabetic() && !is_wide(before) && after.is_lowercase())
        .then(|| prev.end - 1..next.start)
}

/// Split a witness text into blocks and fold each into symbols.
pub fn segment(table: &mut SymbolTable, text: &str) -> (Layout, Vec<Block>) {
    let lines = non_blank_lines(text);
    let layout = detect_layout(&lines);
    let blank_separated = lines.iter().skip(1).filter(|l| l.blanks_before > 0).count();
    let double_spaced = blank_separated * 10 >= lines.len().saturating_sub(1) * 8;
    let mut blocks = Vec::new();
    let mut first = 0;
    let mut skips = Vec::new();
    for i in 0..lines.len() {
        let last = i + 1 == lines.len()
            || paragraph_break(
                text,
                layout,
                double_spaced,
                &lines[i],
                i > first,
                &lines[i + 1],
            );
        if !last && matches!(layout, Layout::HardWrapped { .. }) {
            skips.extend(soft_hyphen(text, &lines[i], &lines[i + 1]));
        }
        if last {
            let range = lines[first].start..lines[i].end;
            let mut stream = SymbolStream::default();
            normalize_into(table, text, range.clone(), &skips, &mut stream);
            if !stream.is_empty() {
                blocks.push(Block { range, stream });
            }
            skips.clear();
            first = i + 1;
        }
    }
    (layout, blocks)
}

/// Segment every text, in parallel, into one shared table: the same result as calling
/// `segment` on each text in order.
pub fn segment_all(table: &mut SymbolTable, texts: &[&str]) -> Vec<(Layout, Vec<Block>)> {
    use rayon::prelude::*;
    let parts: Vec<(SymbolTable, Layout, Vec<Block>)> = texts
        .par_iter()
        .map(|text| {
            let mut local = SymbolTable::default();
            let (layout, blocks) = segment(&mut local, text);
            (local, layout, blocks)
        })
        .collect();
    parts
        .into_iter()
        .map(|(local, layout, mut blocks)| {
            let map = table.merge(&local);
            if !SymbolTable::is_identity(&map) {
                for b in &mut blocks {
                    SymbolTable::remap(&map, &mut b.stream.symbols);
                }
            }
            (layout, blocks)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block_texts(text: &str) -> (Layout, Vec<String>) {
        let mut t = SymbolTable::default();
        let (layout, blocks) = segment(&mut t, text);
        (
            layout,
            blocks
                .iter()
                .map(|b| t.key_text(&b.stream.symbols))
                .collect(),
        )
    }

    #[test]
    fn one_paragraph_per_line_with_blank_lines() {
        let (layout, b) = block_texts("\n\n第一段。\n\n第二段很长。\n\n第三段\n");
        assert_eq!(layout, Layout::LinePerParagraph);
        assert_eq!(b, vec!["第一段。", "第二段很长。", "第三段"]);
    }

    #[test]
    fn hard_wrapped_cjk_with_blank_line_after_every_line_is_joined() {
        let text = "　　现在我代表最高人民法院向大会报告工作\n\n请予审议并请全国政协各位委员提出意见\n\n各位代表。\n\n　　二零二零年是新中国历史上极不平凡的\n\n一年面对世纪疫情和百年变局交织的复杂\n\n局面。\n\n　　坚持以人民为中心的发展思想坚持人民\n\n至上。\n";
        let (layout, b) = block_texts(text);
        assert!(matches!(layout, Layout::HardWrapped { .. }), "{layout:?}");
        assert_eq!(b.len(), 3, "{b:?}");
        assert!(b[1].starts_with("二零二零年是新中国历史上极不平凡的一年"));
    }

    #[test]
    fn hard_wrapped_cjk_line_stopping_short_mid_sentence_continues() {
        // The fourth line stops three characters short of 20, mid-word (好干|部): still one
        // paragraph. The short heading line without punctuation does end one.
        let text = "　　开展向先进典型学习活动全国法院涌现出\n一大批新时代好法官好干部和先进集体他们还\n在各自岗位上兢兢业业服务人民群众为推进全\n面依法治国建设作出了贡献好法官好干\n部们受到表彰。\n工作回顾\n　　过去一年极不平凡我们在党中央坚强领导\n下攻坚克难取得了新的成绩和进步并且继续前\n进。\n";
        let (layout, b) = block_texts(text);
        assert!(matches!(layout, Layout::HardWrapped { .. }), "{layout:?}");
        assert_eq!(b.len(), 3, "{b:?}");
        assert!(b[0].ends_with("好法官好干部们受到表彰。"), "{}", b[0]);
        assert_eq!(b[1], "工作回顾");
        // A one-line heading three quarters full, unindented, followed by an unindented
        // paragraph: still its own paragraph.
        let text = "一、二〇二〇年国民经济社会发展回顾\n过去一年极不平凡我们在党中央坚强领导下全\n攻坚克难取得了新的成绩和进步并且继续前行\n进。\n　　第二段从这里开始写下去并且写满二十\n个字为止然后结束。\n";
        let (_, b) = block_texts(text);
        assert_eq!(b[0], "一、二〇二〇年国民经济社会发展回顾", "{b:?}");
    }

    #[test]
    fn a_page_number_line_is_a_block_of_its_own_in_every_layout() {
        // Hard-wrapped, the page number in the middle of a paragraph and after its last line.
        let text = "　　现在我代表最高人民法院向大会报告工作\n请予审议并请全国政协各位委员提出意见\n- 21 -\n各位代表过去一年极不平凡我们在党中央领\n导下攻坚克难取得了新的成绩和进步。\n12\n　　坚持以人民为中心的发展思想坚持人民\n至上并且继续前进为推进全面依法治国作出\n贡献。\n";
        let (layout, b) = block_texts(text);
        assert!(matches!(layout, Layout::HardWrapped { .. }), "{layout:?}");
        assert_eq!(b[1], "- 21 -", "{b:?}");
        assert_eq!(b[3], "12", "{b:?}");
        assert_eq!(b.len(), 5, "{b:?}");
        // Blank-line separated: a page number right under a paragraph's last line.
        let text = "Line one of para one\nline two of para one\n- 3 -\n\nPara two line one\nmore of para two\n";
        let (_, b) = block_texts(text);
        assert_eq!(
            b,
            vec![
                "Line one of para one line two of para one",
                "- 3 -",
                "Para two line one more of para two"
            ]
        );
        // A short line with a letter or an ideograph is text, not a page number.
        let (_, b) = block_texts("Chapter 12 begins\nPage 3\n\n第3页内容\n第二段\n");
        assert_eq!(b.len(), 2, "{b:?}");
        // Nor is a paragraph's last line that holds only a number with its punctuation.
        let text = "　　现在我代表最高人民法院向大会报告工作\n各级法院受理案件数量同比增长了百分之\n12.5%。\n　　坚持以人民为中心的发展思想坚持人民\n至上并且继续前进为推进全面依法治国作出\n贡献。\n";
        let (_, b) = block_texts(text);
        assert_eq!(b.len(), 2, "{b:?}");
        assert!(b[0].ends_with("百分之12.5%。"), "{b:?}");
        let text = "The court heard the case of the errors\nthat were found in the copies of the year\n1990.\n\nA new paragraph starts here and runs on\nfor a while before it finally ends now.\n";
        let (_, b) = block_texts(text);
        assert_eq!(b.len(), 2, "{b:?}");
    }

    #[test]
    fn english_hard_wrap_joins_lines_and_drops_soft_hyphens() {
        let text = "The court heard the case of the transcrip-\ntion errors that were found in many of\nthe copies kept in the archive of the\nprovince during the last five years of\nwork by the people who collected them\nand then reported on the whole thing.\n\nA new paragraph starts here and runs on\nfor a while before it finally ends now.\n";
        let (layout, b) = block_texts(text);
        assert!(matches!(layout, Layout::HardWrapped { .. }), "{layout:?}");
        assert_eq!(b.len(), 2, "{b:?}");
        assert!(b[0].contains("transcription errors"), "{}", b[0]);
    }

    #[test]
    fn segmenting_in_parallel_gives_the_symbols_of_segmenting_in_order() {
        let texts = [
            "e\u{301}te\u{301} ﬁn\n\nＡＢ ﬀ\n",
            "ﬀ and e\u{301} again, ﬁ\n\nn\u{303}\n",
            "n\u{303} e\u{301} ﬃ\n",
        ];
        let mut sequential = SymbolTable::default();
        let expected: Vec<Vec<Vec<u32>>> = texts
            .iter()
            .map(|t| {
                let (_, blocks) = segment(&mut sequential, t);
                blocks.into_iter().map(|b| b.stream.symbols).collect()
            })
            .collect();
        let mut parallel = SymbolTable::default();
        let got: Vec<Vec<Vec<u32>>> = segment_all(&mut parallel, &texts)
            .into_iter()
            .map(|(_, blocks)| blocks.into_iter().map(|b| b.stream.symbols).collect())
            .collect();
        assert_eq!(got, expected);
        assert!(
            expected[1][0].iter().any(|&s| s > 0x10_FFFF),
            "interned keys are used"
        );
    }

    #[test]
    fn blank_line_separated_paragraphs() {
        let text =
            "Line one of para one\nline two of para one\n\nPara two line one\nmore of para two\n";
        let (layout, b) = block_texts(text);
        assert_eq!(layout, Layout::BlankLineSeparated);
        assert_eq!(b.len(), 2);
    }
}
