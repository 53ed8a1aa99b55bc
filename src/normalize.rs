//! Stage 2 — comparison keys. Text becomes a stream of symbols, one per grapheme cluster,
//! folded so that differences that are only typographic compare equal: full-width and
//! half-width forms (NFKC), curly and straight quotes, and whitespace. Every symbol keeps
//! the byte span of its surface form, because the output is rendered from surface forms,
//! never from the folded keys.

use std::collections::HashMap;
use std::ops::Range;
use unicode_normalization::UnicodeNormalization;
use unicode_segmentation::UnicodeSegmentation;

/// A folded grapheme. Single-character keys are their own code point; longer keys
/// (combining sequences, NFKC expansions) are interned above the Unicode range.
pub type Symbol = u32;

/// One space standing for a run of whitespace between two non-CJK graphemes.
pub const SPACE: Symbol = ' ' as Symbol;
/// A paragraph break inside a merged block (U+2029 PARAGRAPH SEPARATOR).
pub const PARAGRAPH: Symbol = '\u{2029}' as Symbol;
/// The key text of a paragraph break.
pub const PARAGRAPH_KEY: char = '\n';
const FIRST_INTERNED: Symbol = 0x11_0000;

/// Folded keys longer than one character, shared by all witnesses of one run.
#[derive(Debug, Default)]
pub struct SymbolTable {
    ids: HashMap<String, Symbol>,
    keys: Vec<String>,
}

impl SymbolTable {
    fn intern(&mut self, key: &str) -> Symbol {
        let mut chars = key.chars();
        if let (Some(c), None) = (chars.next(), chars.next()) {
            return c as Symbol;
        }
        if let Some(&id) = self.ids.get(key) {
            return id;
        }
        let id = FIRST_INTERNED + self.keys.len() as Symbol;
        self.keys.push(key.to_string());
        self.ids.insert(key.to_string(), id);
        id
    }

    /// Add the keys of `other` (a table built on its own, for another text) to this one, in
    /// their order, and return the symbol each of `other`'s interned symbols has here.
    /// Interning text A into a table and then text B gives the same symbols as interning
    /// each into a table of its own and merging B's into A's.
    pub fn merge(&mut self, other: &SymbolTable) -> Vec<Symbol> {
        other.keys.iter().map(|k| self.intern(k)).collect()
    }

    /// Rewrite the interned symbols of `symbols` through `map` (from `merge`).
    pub fn remap(map: &[Symbol], symbols: &mut [Symbol]) {
        for s in symbols.iter_mut().filter(|s| **s >= FIRST_INTERNED) {
            *s = map[(*s - FIRST_INTERNED) as usize];
        }
    }

    /// Whether `map` (from `merge`) leaves every symbol as it is.
    pub fn is_identity(map: &[Symbol]) -> bool {
        map.iter()
            .enumerate()
            .all(|(i, &s)| s == FIRST_INTERNED + i as Symbol)
    }

    /// Append the folded key of `symbol` to `out`.
    pub fn push_key(&self, symbol: Symbol, out: &mut String) {
        if symbol == PARAGRAPH {
            out.push(PARAGRAPH_KEY);
        } else if symbol >= FIRST_INTERNED {
            out.push_str(&self.keys[(symbol - FIRST_INTERNED) as usize]);
        } else if let Some(c) = char::from_u32(symbol) {
            out.push(c);
        }
    }

    /// The first character of the folded key of `symbol`.
    pub fn first_char(&self, symbol: Symbol) -> Option<char> {
        if symbol == PARAGRAPH {
            Some(PARAGRAPH_KEY)
        } else if symbol >= FIRST_INTERNED {
            self.keys[(symbol - FIRST_INTERNED) as usize].chars().next()
        } else {
            char::from_u32(symbol)
        }
    }

    /// The folded text of a symbol sequence.
    pub fn key_text(&self, symbols: &[Symbol]) -> String {
        let mut s = String::with_capacity(symbols.len() * 3);
        for &sym in symbols {
            self.push_key(sym, &mut s);
        }
        s
    }
}

/// Byte span of a symbol's surface form in its witness text, stored in 32 bits (half the
/// memory of a `Range<usize>` on long documents); texts must be shorter than 4 GiB, which
/// `reconcile` checks before segmenting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn range(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// Longest witness text, in bytes, whose spans fit a `Span`.
pub const MAX_TEXT_BYTES: usize = u32::MAX as usize;

/// A folded symbol stream with the surface span (bytes of the witness text) of each symbol.
#[derive(Debug, Default, Clone)]
pub struct SymbolStream {
    pub symbols: Vec<Symbol>,
    pub spans: Vec<Span>,
}

impl SymbolStream {
    pub fn len(&self) -> usize {
        self.symbols.len()
    }
    pub fn is_empty(&self) -> bool {
        self.symbols.is_empty()
    }
    pub fn push(&mut self, symbol: Symbol, span: Range<usize>) {
        let narrow = |x: usize| u32::try_from(x).expect("witness texts are shorter than 4 GiB");
        self.symbols.push(symbol);
        self.spans.push(Span {
            start: narrow(span.start),
            end: narrow(span.end),
        });
    }
    pub fn extend(&mut self, other: &SymbolStream) {
        self.symbols.extend_from_slice(&other.symbols);
        self.spans.extend_from_slice(&other.spans);
    }
    /// Byte span of symbol `p` in its witness text.
    pub fn span(&self, p: usize) -> Range<usize> {
        self.spans[p].range()
    }
}

/// What kind of character a symbol is, wherever kinds are told apart: pairing the symbols
/// of a gap (`collate`) and the length prior of an added character (`decide`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CharKind {
    /// Letters and ideographs. A character that is both alphabetic and numeric (〇, Ⅻ) is a
    /// letter: 〇 stands among ideographs, as in 二〇二一, where 二 is no digit either.
    Letter,
    Digit,
    /// Whitespace, the paragraph break among it.
    Space,
    /// Punctuation and every other symbol.
    Mark,
}

impl CharKind {
    pub fn of(c: char) -> CharKind {
        if c.is_whitespace() {
            CharKind::Space
        } else if c.is_alphabetic() {
            CharKind::Letter
        } else if c.is_numeric() {
            CharKind::Digit
        } else {
            CharKind::Mark
        }
    }
}

/// True for characters set wide in East Asian typography (CJK ideographs, kana, hangul,
/// CJK and full-width punctuation). Whitespace next to such a character is layout, not a
/// word boundary.
pub fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF
        | 0xFE10..=0xFE19 | 0xFE30..=0xFE6F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6
        | 0x20000..=0x3FFFD)
}

/// Characters that carry no text at all and are dropped from comparison.
fn is_ignorable(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}'
    )
}

/// The folded key of one grapheme cluster: NFKC, then quote styles unified.
fn fold(grapheme: &str) -> String {
    grapheme
        .nfkc()
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' => '\'',
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' => '"',
            other => other,
        })
        .collect()
}

/// Quote styles that fold to the ASCII quotes.
fn is_folded_quote(c: char) -> bool {
    matches!(
        c,
        '\u{2018}'
            | '\u{2019}'
            | '\u{201A}'
            | '\u{201B}'
            | '\u{2032}'
            | '\u{201C}'
            | '\u{201D}'
            | '\u{201E}'
            | '\u{201F}'
            | '\u{2033}'
    )
}

/// The symbol of one grapheme: `table.intern(&fold(grapheme))`, without building the key
/// when the grapheme is one character that folding leaves alone (almost all of them).
fn fold_and_intern(table: &mut SymbolTable, grapheme: &str) -> Symbol {
    let mut chars = grapheme.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        let stable = c.is_ascii()
            || ('\u{4E00}'..='\u{9FFF}').contains(&c)
            || (!is_folded_quote(c)
                && unicode_normalization::is_nfkc_quick(std::iter::once(c))
                    == unicode_normalization::IsNormalized::Yes);
        if stable {
            return c as Symbol;
        }
    }
    table.intern(&fold(grapheme))
}

/// Append the symbols of `text[range]` to `stream`, skipping the byte ranges in `skip`
/// (sorted, e.g. line-end hyphens removed by unwrapping). Whitespace runs become one
/// SPACE between two non-wide graphemes and vanish next to a wide one or at the ends.
pub fn normalize_into(
    table: &mut SymbolTable,
    text: &str,
    range: Range<usize>,
    skip: &[Range<usize>],
    stream: &mut SymbolStream,
) {
    let mut pending_space: Option<Range<usize>> = None;
    let mut previous_wide: Option<bool> = stream
        .spans
        .last()
        .and_then(|s| text[s.range()].chars().next())
        .map(is_wide);
    let mut skip_iter = skip.iter().peekable();
    for (offset, grapheme) in text[range.clone()].grapheme_indices(true) {
        let start = range.start + offset;
        let end = start + grapheme.len();
        while skip_iter.peek().is_some_and(|s| s.end <= start) {
            skip_iter.next();
        }
        if skip_iter.peek().is_some_and(|s| s.start <= start) {
            continue;
        }
        if grapheme.chars().all(char::is_whitespace) {
            let run = pending_space.take().map_or(start..end, |r| r.start..end);
            pending_space = Some(run);
            continue;
        }
        if grapheme.chars().all(is_ignorable) {
            continue;
        }
        let wide = grapheme.chars().next().is_some_and(is_wide);
        if let Some(space) = pending_space.take()
            && previous_wide == Some(false)
            && !wide
        {
            stream.push(SPACE, space);
        }
        stream.push(fold_and_intern(table, grapheme), start..end);
        previous_wide = Some(wide);
    }
}

/// Convenience: the symbol stream of a whole string.
pub fn normalize(table: &mut SymbolTable, text: &str) -> SymbolStream {
    let mut stream = SymbolStream::default();
    normalize_into(table, text, 0..text.len(), &[], &mut stream);
    stream
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(text: &str) -> String {
        let mut t = SymbolTable::default();
        let s = normalize(&mut t, text);
        t.key_text(&s.symbols)
    }

    #[test]
    fn character_kinds_put_numeral_letters_among_letters() {
        for (c, kind) in [
            ('权', CharKind::Letter),
            ('a', CharKind::Letter),
            ('〇', CharKind::Letter),
            ('Ⅻ', CharKind::Letter),
            ('7', CharKind::Digit),
            ('½', CharKind::Digit),
            (' ', CharKind::Space),
            ('\u{2029}', CharKind::Space),
            ('，', CharKind::Mark),
            ('“', CharKind::Mark),
        ] {
            assert_eq!(CharKind::of(c), kind, "{c:?}");
        }
    }

    #[test]
    fn width_forms_and_quotes_fold() {
        assert_eq!(keys("（下）１２，；"), keys("(下)12,;"));
        assert_eq!(keys("“春暖花开”"), keys("\"春暖花开\""));
    }

    #[test]
    fn whitespace_vanishes_next_to_cjk_and_collapses_between_words() {
        assert_eq!(keys("天气晴 朗\n\n适合　散步"), "天气晴朗适合散步");
        assert_eq!(keys("学校共有384\n名学生"), "学校共有384名学生");
        assert_eq!(keys("  the\n  court   heard "), "the court heard");
    }

    #[test]
    fn spans_point_at_surface_forms() {
        let mut t = SymbolTable::default();
        let text = "a，b";
        let s = normalize(&mut t, text);
        assert_eq!(&text[s.span(1)], "，");
        assert_eq!(s.symbols[1], ',' as Symbol);
    }

    #[test]
    fn fast_path_gives_the_symbol_of_the_folded_key() {
        let mut fast = SymbolTable::default();
        let mut slow = SymbolTable::default();
        let ranges = [
            0x20..0x3000,
            0x3000..0x3100,
            0xFE00..0x10000,
            0x4E00..0x4F00,
        ];
        for c in ranges.into_iter().flatten().filter_map(char::from_u32) {
            let g = c.to_string();
            let expected = slow.intern(&fold(&g));
            assert_eq!(fold_and_intern(&mut fast, &g), expected, "{c:?}");
        }
        assert_eq!(fast.keys, slow.keys);
    }

    #[test]
    fn combining_sequences_are_one_symbol() {
        let mut t = SymbolTable::default();
        let s = normalize(&mut t, "e\u{301}x");
        assert_eq!(s.len(), 2);
    }
}
