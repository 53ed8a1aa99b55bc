//! What the fuzz targets check, shared with `tests/fuzz_regressions.rs`, which replays the
//! saved inputs through the same functions. Every function panics when an invariant breaks.
#![allow(dead_code)]

use reconcile::align::align;
use reconcile::blocks::segment;
use reconcile::input::{InputError, ReadOptions, Witness, decode_with, unify_line_endings};
use reconcile::normalize::{SymbolTable, normalize};
use reconcile::{Options, Reconciliation, reconcile};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// Encodings the decode target forces with `--encoding`, picked by the first input byte.
const LABELS: [&str; 8] = [
    "utf-8",
    "utf-16le",
    "utf-16be",
    "gb18030",
    "gbk",
    "big5",
    "windows-1252",
    "shift_jis",
];

/// Decoding never panics, gives text with unified line endings, and `--lossy` never fails
/// on undecodable bytes.
pub fn check_decode(data: &[u8]) {
    let path = Path::new("fuzz.txt");
    let forced = data
        .first()
        .map(|&b| LABELS[usize::from(b) % LABELS.len()].to_string());
    for encoding in [None, forced] {
        for lossy in [false, true] {
            let options = ReadOptions {
                encoding: encoding.clone(),
                lossy,
            };
            match decode_with(path, data, &options) {
                Ok(d) => {
                    assert!(!d.text.contains('\r'), "line endings unified");
                    assert!(!d.text.contains('\0'), "no NUL in decoded text");
                    assert!(!d.text.trim().is_empty(), "blank text is refused");
                    assert!(d.replaced == 0 || lossy, "replacements only under --lossy");
                    assert!(d.replaced <= data.len());
                }
                Err(e) => {
                    let message = e.to_string();
                    assert!(message.starts_with("fuzz.txt: "), "{message}");
                    if lossy {
                        assert!(
                            !matches!(e, InputError::Undecodable { .. }),
                            "--lossy replaces undecodable bytes: {message}"
                        );
                    }
                    if let InputError::Undecodable { offset, .. }
                    | InputError::Binary { offset, .. } = e
                    {
                        assert!(offset < data.len(), "offset {offset} inside the file");
                    }
                }
            }
        }
    }
}

/// Symbol spans are in order, inside the text, on character boundaries; block ranges too.
pub fn check_normalize(text: &str) {
    let mut table = SymbolTable::default();
    let stream = normalize(&mut table, text);
    assert_eq!(stream.symbols.len(), stream.spans.len());
    let mut last_end = 0;
    for span in stream.spans.iter().map(|s| s.range()) {
        assert!(span.start >= last_end && span.start < span.end, "{span:?}");
        assert!(
            text.get(span.clone()).is_some(),
            "{span:?} on char boundaries"
        );
        last_end = span.end;
    }
    let _ = table.key_text(&stream.symbols);
    let (_, blocks) = segment(&mut table, text);
    let mut last_end = 0;
    for block in &blocks {
        assert!(block.range.start >= last_end && block.range.end <= text.len());
        assert!(text.get(block.range.clone()).is_some());
        assert!(!block.stream.is_empty());
        for span in block.stream.spans.iter().map(|s| s.range()) {
            assert!(span.start >= block.range.start && span.end <= block.range.end);
        }
        last_end = block.range.end;
    }
}

/// Two texts (split at the first NUL, or the text against itself): the alignment of their
/// block streams tiles both sequences and its equal runs are equal.
pub fn check_blocks_align(text: &str) {
    let (a, b) = text.split_once('\0').unwrap_or((text, text));
    let mut table = SymbolTable::default();
    let symbols = |table: &mut SymbolTable, t: &str| -> Vec<u32> {
        segment(table, t)
            .1
            .iter()
            .flat_map(|b| b.stream.symbols.iter().copied())
            .collect()
    };
    let (sa, sb) = (symbols(&mut table, a), symbols(&mut table, b));
    let runs = align(&sa, &sb);
    let (mut ia, mut ib) = (0, 0);
    for r in &runs {
        assert_eq!((r.a.start, r.b.start), (ia, ib), "runs are contiguous");
        if r.equal {
            assert_eq!(sa[r.a.clone()], sb[r.b.clone()], "equal run is equal");
        }
        ia = r.a.end;
        ib = r.b.end;
    }
    assert_eq!((ia, ib), (sa.len(), sb.len()), "runs cover both");
    if a == b && !sa.is_empty() {
        assert_eq!(runs.len(), 1);
        assert!(runs[0].equal);
    }
}

/// A witness made from text, as `read_witness` would give it.
pub fn witness(label: &str, text: &str) -> Witness {
    Witness {
        path: PathBuf::from(label),
        label: label.to_string(),
        text: unify_line_endings(text),
        encoding: "UTF-8",
        replaced: 0,
    }
}

/// Two or three witnesses (split at NUL characters; one piece is reconciled with itself):
/// the merge never panics, and what it returns holds together.
pub fn check_merge(text: &str) {
    let mut pieces: Vec<&str> = text.splitn(3, '\0').collect();
    if pieces.len() == 1 {
        pieces.push(pieces[0]);
    }
    let witnesses: Vec<Witness> = pieces
        .iter()
        .enumerate()
        .map(|(i, t)| witness(&format!("w{i}.txt"), t))
        .collect();
    for force in [false, true] {
        let options = Options {
            force,
            ..Options::default()
        };
        if let Ok(result) = reconcile(&witnesses, &options) {
            check_reconciliation(&witnesses, &result);
        } else {
            assert!(!force, "--force reconciles anything");
        }
    }
}

/// What every result must satisfy: sites are where the report says and read what their
/// chosen candidate reads; every output character comes from some witness; identical
/// witnesses give back their text.
pub fn check_reconciliation(witnesses: &[Witness], result: &Reconciliation) {
    let out: Vec<char> = result.text.chars().collect();
    let report = &result.report;
    for site in &report.sites {
        assert_eq!(
            site.chosen, site.candidates[site.chosen_index].text,
            "chosen text is the chosen candidate's"
        );
        if let Some(r) = &site.output {
            assert!(r.start <= r.end && r.end <= out.len());
            let at: String = out[r.start..r.end].iter().collect();
            assert_eq!(
                at, site.chosen,
                "output at site {} is its reading",
                site.index
            );
        }
    }
    let mut last = 0;
    for block in &report.blocks {
        if let Some(r) = &block.output {
            assert!(r.start >= last && r.start <= r.end && r.end <= out.len());
            last = r.end;
        }
    }
    let known: HashSet<char> = witnesses.iter().flat_map(|w| w.text.chars()).collect();
    for c in &out {
        assert!(
            c.is_whitespace() || known.contains(c),
            "{c:?} in the output comes from no witness"
        );
    }
    if witnesses.iter().all(|w| w.text == witnesses[0].text) {
        assert_eq!(result.text, witnesses[0].text, "identical witnesses");
        assert!(report.sites.is_empty());
    }
}
