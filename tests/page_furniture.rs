//! Page furniture: what `blocks` takes for a page number or a page-continuation marker,
//! and that such a line becomes a block of its own.

use reconcile::blocks::{is_page_furniture, segment};
use reconcile::normalize::SymbolTable;

fn block_texts(text: &str) -> Vec<String> {
    let mut table = SymbolTable::default();
    let (_, blocks) = segment(&mut table, text);
    blocks
        .iter()
        .map(|b| table.key_text(&b.stream.symbols))
        .collect()
}

#[test]
fn continuation_markers_are_page_furniture() {
    for marker in [
        "（下转第九版）",
        "(上接第6版)",
        "【转A3版】",
        "接 第 十二 页",
        "(Continued on page 7)",
        "Continued from p. A1.",
        "- 21 -",
    ] {
        assert!(is_page_furniture(marker), "{marker}");
    }
    for text in [
        "请转第三版阅读",
        "第九版",
        "（下转）",
        "(continued)",
        "He continued on page 7 of the report.",
        "转第一千二百三十四版",
    ] {
        assert!(!is_page_furniture(text), "{text}");
    }
    // Beside text on its line, apart from it by a space, too.
    let text = "　　警方调查发现，嫌疑人通过网络平台冒充客服骗取\n受害者钱款共计三百余万元、 下转第三版\n（上接第二版）　并已全部挥霍。\n";
    let b = block_texts(text);
    // (Three lines: one paragraph per line.)
    assert_eq!(b.len(), 5, "{b:?}");
    assert_eq!(b[1], "受害者钱款共计三百余万元、", "{b:?}");
    assert_eq!(b[2], "下转第三版", "{b:?}");
    assert!(b[3].contains("上接第二版"), "{b:?}");
    assert_eq!(b[4], "并已全部挥霍。", "{b:?}");
    // Not where it is part of a sentence.
    let b = block_texts("请见下文 转第三版 的报道。\n");
    assert_eq!(b.len(), 1, "{b:?}");
    // On a line of its own inside a paragraph, a marker is a block of its own.
    let text = "　　警方调查发现，嫌疑人通过网络平台冒充客服骗取\n（下转第九版）\n受害者钱款共计三百余万元并已全部挥霍。\n";
    let b = block_texts(text);
    assert!(
        b.iter()
            .any(|x| x == "(下转第九版)" || x == "（下转第九版）"),
        "{b:?}"
    );
}
