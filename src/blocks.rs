//! Stage 3 — blocks. A witness becomes a list of paragraphs ("blocks"), whatever its
//! layout: one paragraph per line, paragraphs separated by blank lines, or text
//! hard-wrapped every N columns (possibly with a blank line after every wrapped line). The
//! lines of a paragraph are joined, and a line-end hyphen inside a word is dropped there,
//! in both layouts that join lines. Page furniture — a page number ("- 21 -", "12") or a
//! page-continuation marker (`is_continuation_marker`), on a line of its own or beside text
//! on its line — is a block of its own in every layout, so that it never merges into the
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
    /// The line is only page furniture (`is_page_furniture`).
    page_furniture: bool,
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
            let line = |range: Range<usize>, blanks_before: usize| Line {
                start: start + range.start,
                end: start + range.end,
                // The whole line's width, for the layout: a split-off marker is still
                // printed on it.
                width: display_width(trimmed),
                blanks_before,
                page_furniture: is_page_furniture(&trimmed[range]),
            };
            // OCR puts a continuation marker printed at a column's foot or head on the line
            // of text beside it: apart from the text by a space, it is a line of its own.
            match split_continuation_marker(trimmed) {
                Some(at) => {
                    lines.push(line(0..at, blanks));
                    lines.push(line(at..trimmed.len(), 0));
                }
                None => lines.push(line(0..trimmed.len(), blanks)),
            }
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

/// Is the text a line of page furniture, printed layout and not text: a bare page number
/// (`is_page_number`) or a marker that sends the reader to another page
/// (`is_continuation_marker`)?
pub fn is_page_furniture(text: &str) -> bool {
    is_page_number(text) || is_continuation_marker(text)
}

/// Where a line holds text and, apart from it by whitespace, a one-word continuation marker
/// at its end or its start: the byte offset of that whitespace, where the line's second part
/// starts.
fn split_continuation_marker(line: &str) -> Option<usize> {
    let body = line.trim_start();
    let indent = line.len() - body.len();
    if let Some(space) = body.rfind(char::is_whitespace) {
        let text = body[..space].trim_end();
        let marker = &body[space..];
        if !text.is_empty() && is_continuation_marker(marker) {
            return Some(indent + space);
        }
    }
    if let Some(space) = body.find(char::is_whitespace) {
        let rest = body[space..].trim_start();
        if !rest.is_empty() && is_continuation_marker(&body[..space]) {
            return Some(indent + space);
        }
    }
    None
}

/// Is the text a page-continuation marker, alone or in one pair of brackets? In Chinese 转
/// ("continued on") or 接 ("continued from"), after an optional 下 or 上, then an optional
/// 第, a page (`is_page` below) and 版, 页 or 面; in English "continued on page N" or
/// "continued from p. N". Newspapers print them where an article breaks off and resumes.
fn is_continuation_marker(text: &str) -> bool {
    let body = text.trim();
    // Every line is asked, some of them megabytes long: a marker is a few words.
    if body.chars().nth(32).is_some() {
        return false;
    }
    let body = [
        ('(', ')'),
        ('（', '）'),
        ('[', ']'),
        ('［', '］'),
        ('【', '】'),
        ('〔', '〕'),
    ]
    .iter()
    .find_map(|&(open, close)| body.strip_prefix(open)?.strip_suffix(close))
    .unwrap_or(body)
    .trim();
    // A page: a few digits or Chinese numerals, after an optional section letter ("A7").
    let is_page = |page: &str| {
        let digits = page
            .strip_prefix(|c: char| c.is_ascii_uppercase())
            .unwrap_or(page);
        (1..=4).contains(&digits.chars().count())
            && digits.chars().all(|c| {
                c.is_ascii_digit()
                    || ('０'..='９').contains(&c)
                    || "一二三四五六七八九十百零〇两".contains(c)
            })
    };
    let chinese: String = body.chars().filter(|c| !c.is_whitespace()).collect();
    let chinese = chinese.trim_start_matches(['下', '上']);
    if let Some(rest) = chinese.strip_prefix(['转', '接']) {
        let rest = rest.strip_prefix('第').unwrap_or(rest);
        if let Some(page) = rest.strip_suffix(['版', '页', '面']) {
            return is_page(page);
        }
    }
    let english = body.to_lowercase();
    let english: Vec<&str> = english.split_whitespace().collect();
    match english.as_slice() {
        ["continued", "on" | "from", "page" | "p.", page] => {
            is_page(&page.trim_end_matches('.').to_uppercase())
        }
        _ => false,
    }
}

/// Is the text a bare page number: a few characters, at least one digit, and otherwise only
/// the dashes, dots and brackets that decorate page numbers ("- 21 -", "12", "— 3 —",
/// "(4)", "5/12")? Such a line is printed page furniture, not text. A number with sentence
/// punctuation or a unit ("1990.", "12.5%。") is not: a hard-wrapped paragraph can end
/// with a line holding only that.
fn is_page_number(text: &str) -> bool {
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
    if prev.page_furniture || next.page_furniture {
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
        // Wherever two lines are joined the break between them is a wrap, whatever the
        // layout: a PDF export wraps its blank-line-separated paragraphs at uneven widths.
        if !last {
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
        let text = "　　今年春天我们全家一起去南方的海边城市\n\n旅行住在一家安静的小旅馆里每天早上都\n\n去看日出。\n\n　　第二天是我们这次旅行中最开心的一天\n\n大家一起坐船去附近的小岛上游玩还捡了\n\n贝壳。\n\n　　回家以后我把这些照片整理好放进相册\n\n里面。\n";
        let (layout, b) = block_texts(text);
        assert!(matches!(layout, Layout::HardWrapped { .. }), "{layout:?}");
        assert_eq!(b.len(), 3, "{b:?}");
        assert!(b[1].starts_with("第二天是我们这次旅行中最开心的一天大家"));
    }

    #[test]
    fn hard_wrapped_cjk_line_stopping_short_mid_sentence_continues() {
        // The fourth line stops three characters short of 20, mid-word (图书|馆): still one
        // paragraph. The short heading line without punctuation does end one.
        let text = "　　学校每年春天都会组织同学们去郊外参观\n植物园和自然博物馆老师们提前准备好了地图\n和各种资料同学们在路上认真听讲还做了很多\n笔记回来以后大家又一起去了学校图书\n馆查阅了资料。\n旅行日记\n　　星期六早上天气晴朗我们一家人很早起床\n坐火车去山里看望爷爷奶奶一路上风景非常美\n丽。\n";
        let (layout, b) = block_texts(text);
        assert!(matches!(layout, Layout::HardWrapped { .. }), "{layout:?}");
        assert_eq!(b.len(), 3, "{b:?}");
        assert!(b[0].ends_with("学校图书馆查阅了资料。"), "{}", b[0]);
        assert_eq!(b[1], "旅行日记");
        // A one-line heading three quarters full, unindented, followed by an unindented
        // paragraph: still its own paragraph.
        let text = "一、二〇二三年春季校园运动会的回顾\n今年春天学校举办了运动会全校同学都报名参\n加了比赛大家在操场上跑步跳远跳高玩得很开\n心。\n　　第二段从这里开始写下去并且写满二十\n个字为止然后结束。\n";
        let (_, b) = block_texts(text);
        assert_eq!(b[0], "一、二〇二三年春季校园运动会的回顾", "{b:?}");
    }

    #[test]
    fn a_page_number_line_is_a_block_of_its_own_in_every_layout() {
        // Hard-wrapped, the page number in the middle of a paragraph and after its last line.
        let text = "　　今年春天我们全家一起去南方的海边城市\n旅行住在一家安静的小旅馆里每天早上都\n- 21 -\n去看日出然后沿着沙滩慢慢散步回到旅馆吃\n早饭下午再去附近公园和博物馆参观。\n12\n　　回家以后我把这些照片整理好放进相册\n里并且给每张照片都写上了日期和地点方便\n以后。\n";
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
        let text = "　　今年春天我们全家一起去南方的海边城市\n旅行导游说这里的游客比去年增加了大约\n12.5%。\n　　回家以后我把这些照片整理好放进相册\n里并且给每张照片都写上了日期和地点方便\n以后。\n";
        let (_, b) = block_texts(text);
        assert_eq!(b.len(), 2, "{b:?}");
        assert!(b[0].ends_with("大约12.5%。"), "{b:?}");
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
    fn blank_line_separated_paragraphs_drop_soft_hyphens_too() {
        // Lines of uneven width, so not hard-wrapped: still joined, so still a wrap.
        let text = "The committee met to discuss the re-\nconciliation of the\naccounts.\n\nA second para-\ngraph, and a well-\nKnown name.\n";
        let (layout, b) = block_texts(text);
        assert_eq!(layout, Layout::BlankLineSeparated);
        assert_eq!(b.len(), 2, "{b:?}");
        assert!(b[0].contains("reconciliation of the accounts"), "{}", b[0]);
        assert!(b[1].contains("paragraph, and"), "{}", b[1]);
        // Before a capital the hyphen is kept: "well-Known" may be a compound.
        assert!(b[1].contains("well-"), "{}", b[1]);
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
