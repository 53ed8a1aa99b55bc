//! Messy but readable witnesses: truncated copies, identical copies, mixed scripts,
//! right-to-left and combining characters, and extremely long lines.

mod common;
use common::*;
use reconcile::{Options, reconcile};

fn merge(texts: &[&str]) -> reconcile::Reconciliation {
    let witnesses: Vec<_> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| witness_from(&format!("w{i}.txt"), t))
        .collect();
    reconcile(&witnesses, &Options::default()).expect("the witnesses reconcile")
}

#[test]
fn a_truncated_copy_loses_nothing_of_the_full_one() {
    let full = std::fs::read_to_string(repo_path(COURT_A)).unwrap();
    // Cut at 60%, in the middle of a paragraph.
    let cut = full
        .char_indices()
        .nth(full.chars().count() * 6 / 10)
        .unwrap()
        .0;
    let truncated = &full[..cut];
    // All but the page-continuation marker at its end, page furniture that only the full
    // copy has.
    let marker = "（下转第八版）";
    assert!(full.trim_end().ends_with(marker) && !truncated.contains(marker));
    let expected = squeeze(full.trim_end().strip_suffix(marker).unwrap());
    let result = merge(&[&full, truncated]);
    assert_eq!(squeeze(&result.text), expected);
    let result = merge(&[truncated, &full]);
    assert_eq!(squeeze(&result.text), expected);
}

#[test]
fn identical_witnesses_give_back_the_text_exactly() {
    let text =
        "  Indented first line\r\nsecond line   with  spaces\n\n\n第三段，全角标点（下）。\n";
    // As reading gives it: line endings unified.
    let unified = text.replace("\r\n", "\n");
    let result = merge(&[&unified, &unified, &unified]);
    assert_eq!(result.text, unified);
    assert!(result.report.sites.is_empty());
    assert_eq!(result.report.summary.variant_sites, 0);
    assert_eq!(result.report.witnesses.len(), 3);
    // Every block is where the report says it is in the output.
    let chars: Vec<char> = result.text.chars().collect();
    for block in &result.report.blocks {
        let r = block.output.expect("kept");
        let span = &block.witnesses[0].spans[0];
        let out: String = chars[r.start..r.end].iter().collect();
        assert_eq!(out, unified[span.start..span.end]);
    }
}

#[test]
fn mixed_chinese_and_english_is_merged() {
    let a = "最高人民法院 Supreme People's Court 工作报告。\n\nIn 2020 the courts closed 30.8 million cases, 审结案件三千零八十万件。\n";
    let b = "最高人民法院 Supreme People's Court 工作报告。\n\nIn 2020 the courts closed 30.8 milion cases, 审结案件三千零八十万件。\n";
    let c = "最高人民法院 Supreme Peop1e's Court 工作报告。\n\nIn 2020 the courts closed 30.8 million cases, 审结案件三千零八十万件。\n";
    let result = merge(&[a, b, c]);
    // Whitespace next to a CJK character is layout to the comparison, and the merged text
    // is rendered without it; everything else is the majority reading.
    assert_eq!(
        result.text,
        "最高人民法院Supreme People's Court工作报告。\n\nIn 2020 the courts closed 30.8 million cases,审结案件三千零八十万件。\n"
    );
}

#[test]
fn a_page_number_one_witness_printed_is_left_out_and_its_paragraph_stays_whole() {
    // Hard-wrapped at 20 characters; witness b carries the page numbers of its print, one in
    // the middle of a paragraph and one right under a paragraph's last line.
    let a = "　　现在我代表最高人民法院向大会报告工作\n请予审议并请全国政协各位委员提出意见各\n位代表过去一年极不平凡我们在党中央领导\n下攻坚克难取得了新的成绩和进步。\n　　坚持以人民为中心的发展思想坚持人民\n至上并且继续前进为推进全面依法治国作出\n了新的贡献。\n";
    let b = "　　现在我代表最高人民法院向大会报告工作\n请予审议并请全国政协各位委员提出意见各\n- 21 -\n位代表过去一年极不平凡我们在党中央领导\n下攻坚克难取得了新的成绩和进步。\n- 22 -\n　　坚持以人民为中心的发展思想坚持人民\n至上并且继续前进为推进全面依法治国作出\n了新的贡献。\n";
    let expected = "现在我代表最高人民法院向大会报告工作请予审议并请全国政协各位委员提出意见各位代表过去一年极不平凡我们在党中央领导下攻坚克难取得了新的成绩和进步。\n\n坚持以人民为中心的发展思想坚持人民至上并且继续前进为推进全面依法治国作出了新的贡献。\n";
    for pair in [[a, b], [b, a]] {
        let result = merge(&pair);
        assert_eq!(result.text, expected);
    }
}

#[test]
fn words_hyphenated_at_different_line_ends_merge_whole() {
    // A PDF export (paragraphs between blank lines, wrapped at uneven widths) and a retyped
    // copy that wrapped the same word elsewhere: neither hyphen is text.
    let pdf = "The finance committee met on Tuesday to discuss the re-\nconciliation of the accounts.\n\nThe next meeting will be held in March.\n";
    let retyped = "The finance committee met on Tuesday to discuss the recon-\nciliation of the accounts and\nthe budget.\n\nThe next meeting will be held in March.\n";
    let result = merge(&[pdf, retyped]);
    assert!(
        result
            .text
            .contains("discuss the reconciliation of the accounts"),
        "{}",
        result.text
    );
}

#[test]
fn page_continuation_markers_one_witness_printed_are_left_out() {
    // A newspaper scan: the article breaks off at the foot of a column with a marker and
    // resumes after one; the web copy has neither.
    let scan = "本报讯 近日，市中级人民法院对一起特大电信诈骗案作出一审判决，\n十二名被告人分别被判处有期徒刑三年至十五年不等。法院审理查明，\n（下转第七版）\n\n（上接第六版）\n被告人通过网络平台冒充客服，骗取被害人财物共计三百余万元。\n";
    let web = "本报讯　近日,市中级人民法院对一起特大电信诈骗案作出一审判决,十二名被告人分别被判处有期徒刑三年至十五年不等。法院审理查明,被告人通过网络平台冒充客服,骗取被害人财物共计三百余万元。\n";
    for texts in [[scan, web], [web, scan]] {
        let result = merge(&texts);
        assert!(!result.text.contains("转第"), "{}", result.text);
        assert!(!result.text.contains("接第"), "{}", result.text);
        // The paragraph closes over the gap (the comma in either width: a tie of surfaces).
        let text = result.text.replace(',', "，");
        assert!(text.contains("查明，被告人"), "{}", result.text);
    }
}

#[test]
fn right_to_left_and_combining_characters_survive_untouched() {
    // Hebrew with points, Arabic with harakat, decomposed Latin accents, a Devanagari
    // conjunct, an emoji ZWJ sequence and a bidi mark: none may be normalised away.
    let special = [
        "שָׁלוֹם עֲלֵיכֶם",
        "السَّلَامُ عَلَيْكُمْ",
        "cafe\u{301} re\u{301}sume\u{301}",
        "क्षत्रिय",
        "👩\u{200D}⚖\u{FE0F}",
        "\u{200F}עברית\u{200E}",
    ];
    let a = format!(
        "The witnesses agree here: {}.\n\nAnd here: {} and {}.\n\nAlso {}, {} and {}.\n",
        special[0], special[1], special[2], special[3], special[4], special[5]
    );
    let b = a.replace("agree", "agrees");
    let c = a.clone();
    let result = merge(&[&a, &b, &c]);
    assert_eq!(result.text, a);
    for s in special {
        assert!(result.text.contains(s), "{s:?} survives");
    }
    // Decomposed accents stay decomposed (no NFC), even where witnesses disagree in
    // normalisation form: the majority surface form is kept.
    let nfc = a.replace("e\u{301}", "é");
    let result = merge(&[&a, &nfc, &a]);
    assert!(result.text.contains("cafe\u{301}"));
    assert!(!result.text.contains("café"));
}

/// A single line of `chars` characters, CJK drawn by a fixed generator.
fn long_line(chars: usize, seed: u64) -> String {
    let mut x = seed;
    let mut s: String = (0..chars)
        .map(|_| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            char::from_u32(0x4E00 + ((x >> 33) % 3000) as u32).unwrap()
        })
        .collect();
    s.push('\n');
    s
}

/// `text` with every `every`-th character replaced.
fn noisy(text: &str, every: usize) -> String {
    text.chars()
        .enumerate()
        .map(|(i, c)| {
            if i % every == every - 1 && c != '\n' {
                '错'
            } else {
                c
            }
        })
        .collect()
}

#[test]
fn a_long_single_line_is_one_block_and_merges() {
    // 200k characters (600 kB) on one line: fast enough for a debug test run; the 50 MB
    // case is `fifty_megabyte_single_line` below.
    let a = long_line(200_000, 7);
    let b = noisy(&a, 5_000);
    let result = merge(&[&a, &b, &a]);
    assert_eq!(result.text, a);
    assert_eq!(result.report.witnesses[0].blocks, 1);
    assert_eq!(result.report.summary.variant_sites, 40);
}

#[test]
fn fifty_megabyte_identical_single_lines_take_the_fast_path() {
    let text = long_line(50 * 1024 * 1024 / 3 + 1, 11);
    assert!(text.len() >= 50 * 1024 * 1024);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.txt");
    std::fs::write(&path, &text).unwrap();
    let w = reconcile::input::read_witness(&path).unwrap();
    assert_eq!(w.text.len(), text.len());
    let result = reconcile(&[w.clone(), w], &Options::default()).unwrap();
    assert!(result.text == text);
    assert!(result.report.sites.is_empty());
}

/// Two noisy 50 MB single-line witnesses through the binary. About 1.5 minutes and 4 GB
/// with a release build; run with `cargo test --release -- --ignored`.
#[test]
#[ignore]
fn fifty_megabyte_single_line() {
    let a = long_line(50 * 1024 * 1024 / 3, 13);
    let b = noisy(&a, 1_000);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), &a).unwrap();
    std::fs::write(dir.path().join("b.txt"), &b).unwrap();
    let started = std::time::Instant::now();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_reconcile"))
        .args(["a.txt", "b.txt", "-o", "out.txt", "--report", "report.json"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let merged = std::fs::read_to_string(dir.path().join("out.txt")).unwrap();
    assert_eq!(merged.chars().count(), a.chars().count());
    assert!(
        started.elapsed().as_secs() < 600,
        "took {:?}",
        started.elapsed()
    );
}
