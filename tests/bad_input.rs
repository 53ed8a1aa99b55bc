//! The test matrix of hostile and messy input, driving the binary: every bad input is
//! refused with exit code 2, the exact message, and no output file; every readable
//! encoding decodes to the same text as its UTF-8 version and the report names it.

mod common;

use common::names_in;
use encoding_rs::{BIG5, Encoding, GB18030};
use std::fs;
use std::path::Path;
use std::process::Command;

const SIMPLIFIED: &str = "最高人民法院工作报告\n\n二〇二〇年，面对突如其来的新冠肺炎疫情，全国法院坚持以人民为中心的发展思想，依法审结各类案件。\n\nThe court heard 1,234 cases in the first quarter (up 5% on last year).\n\n审结权健传销案等涉众型经济犯罪案件，会同最高人民检察院出台惩治虚假诉讼意见。\n";
const TRADITIONAL: &str = "最高人民法院工作報告\n\n面對突如其來的新冠肺炎疫情，全國法院堅持以人民為中心的發展思想，依法審結各類案件。\n\n審結涉眾型經濟犯罪案件，會同最高人民檢察院出臺懲治虛假訴訟意見。\n";

struct Run {
    code: Option<i32>,
    stderr: String,
}

fn reconcile_in(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_reconcile"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the binary runs");
    Run {
        code: out.status.code(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A fresh directory with `good.txt` (a readable witness) and the given files.
fn dir_with(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("good.txt"), SIMPLIFIED).unwrap();
    for (name, bytes) in files {
        fs::write(dir.path().join(name), bytes).unwrap();
    }
    dir
}

/// Run and expect a refusal: exit 2, exactly `message`, and no new file (no output, no
/// report, no temporary file), every input unchanged.
fn refused(dir: &Path, args: &[&str], message: &str) {
    let before: Vec<(String, Vec<u8>)> = names_in(dir)
        .into_iter()
        .map(|n| {
            let bytes = fs::read(dir.join(&n)).unwrap_or_default();
            (n, bytes)
        })
        .collect();
    let run = reconcile_in(dir, args);
    assert_eq!(run.stderr, format!("reconcile: error: {message}\n"));
    assert_eq!(run.code, Some(2));
    let after: Vec<(String, Vec<u8>)> = names_in(dir)
        .into_iter()
        .map(|n| {
            let bytes = fs::read(dir.join(&n)).unwrap_or_default();
            (n, bytes)
        })
        .collect();
    assert_eq!(before, after, "no file was created or changed");
}

fn refuse_witness(name: &str, bytes: &[u8], message: &str) {
    let dir = dir_with(&[(name, bytes)]);
    refused(
        dir.path(),
        &["good.txt", name, "-o", "out.txt", "--report", "report.json"],
        message,
    );
}

#[test]
fn missing_file() {
    let dir = dir_with(&[]);
    refused(
        dir.path(),
        &["good.txt", "missing.txt", "-o", "out.txt"],
        "missing.txt: no such file",
    );
}

#[test]
fn directory() {
    let dir = dir_with(&[]);
    fs::create_dir(dir.path().join("sub")).unwrap();
    refused(
        dir.path(),
        &["good.txt", "sub", "-o", "out.txt"],
        "sub: is a directory, not a text file",
    );
}

#[test]
fn empty_file() {
    refuse_witness("empty.txt", b"", "empty.txt: the file is empty");
}

#[test]
fn only_a_byte_order_mark() {
    refuse_witness("bom.txt", b"\xEF\xBB\xBF", "bom.txt: the file is empty");
}

#[test]
fn only_whitespace() {
    refuse_witness(
        "blank.txt",
        "  \r\n\t\n\u{3000}\u{200B}\n".as_bytes(),
        "blank.txt: contains only whitespace",
    );
}

#[test]
fn nul_bytes() {
    refuse_witness(
        "nul.txt",
        b"some text\0more text",
        "nul.txt: looks like a binary file, not text (NUL byte at byte offset 9)",
    );
}

#[test]
fn images_and_documents() {
    let cases: [(&str, &[u8], &str); 5] = [
        (
            "scan.png",
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0",
            "a PNG image",
        ),
        ("scan.jpg", b"\xFF\xD8\xFF\xE0\0\x10JFIF\0", "a JPEG image"),
        ("scan.gif", b"GIF89a\x01\0\x01\0", "a GIF image"),
        (
            "scan.pdf",
            b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n",
            "a PDF document (extract its text first)",
        ),
        (
            "scan.docx",
            b"PK\x03\x04\x14\0\x06\0",
            "a ZIP archive (or a .docx, .xlsx, .odt or .epub file)",
        ),
    ];
    for (name, bytes, kind) in cases {
        refuse_witness(name, bytes, &format!("{name}: is {kind}, not a text file"));
    }
}

#[test]
fn control_bytes() {
    let junk: Vec<u8> = (0..1000u32)
        .map(|i| if i % 10 == 0 { 0x02 } else { b'x' })
        .collect();
    refuse_witness(
        "junk.txt",
        &junk,
        "junk.txt: looks like a binary file, not text (100 control bytes in its first 1000 bytes)",
    );
}

#[test]
fn broken_utf8_names_the_byte_offset() {
    let mut bytes = SIMPLIFIED.as_bytes().to_vec();
    let at = SIMPLIFIED.find("依法").unwrap();
    bytes[at] = 0xFF;
    refuse_witness(
        "broken.txt",
        &bytes,
        &format!(
            "broken.txt: not valid UTF-8 at byte offset {at}; name the encoding with --encoding NAME, or use --lossy to replace undecodable bytes"
        ),
    );
}

#[test]
fn an_unsupported_legacy_encoding_is_refused_with_the_guess() {
    let (latin1, _, _) = encoding_rs::WINDOWS_1252
        .encode("Les témoins ont été entendus à la cour d'appel, et le procès a repris.\n");
    refuse_witness(
        "latin1.txt",
        &latin1,
        "latin1.txt: not valid UTF-8 at byte offset 5 (nor does it look like GB18030 or Big5; the closest guess is windows-1252); name the encoding with --encoding NAME, or use --lossy to replace undecodable bytes",
    );
}

#[test]
fn forcing_the_wrong_encoding_names_the_byte_offset() {
    let (gb, _, _) = GB18030.encode(SIMPLIFIED);
    let dir = dir_with(&[("gb.txt", &gb)]);
    refused(
        dir.path(),
        &["gb.txt", "gb.txt", "--encoding", "UTF-8", "-o", "out.txt"],
        "gb.txt: not valid UTF-8 at byte offset 0; name the encoding with --encoding NAME, or use --lossy to replace undecodable bytes",
    );
}

#[test]
fn unknown_encoding_name() {
    let dir = dir_with(&[]);
    refused(
        dir.path(),
        &[
            "good.txt",
            "good.txt",
            "--encoding",
            "klingon",
            "-o",
            "out.txt",
        ],
        "unknown encoding 'klingon' given to --encoding (supported: UTF-8, UTF-16LE, UTF-16BE, GB18030, GBK, Big5, and the other WHATWG encoding labels)",
    );
}

#[test]
fn utf16_with_an_odd_number_of_bytes() {
    let mut bytes = utf16(SIMPLIFIED, false, true);
    bytes.push(b'x');
    let at = bytes.len() - 1;
    refuse_witness(
        "odd.txt",
        &bytes,
        &format!(
            "odd.txt: not valid UTF-16LE at byte offset {at}; name the encoding with --encoding NAME, or use --lossy to replace undecodable bytes"
        ),
    );
}

#[test]
fn not_the_same_document() {
    let dir = dir_with(&[]);
    let other = "天地玄黄，宇宙洪荒。日月盈昃，辰宿列张。寒来暑往，秋收冬藏。闰余成岁，律吕调阳。\n\n云腾致雨，露结为霜。金生丽水，玉出昆冈。剑号巨阙，珠称夜光。果珍李柰，菜重芥姜。\n";
    fs::write(dir.path().join("other.txt"), other).unwrap();
    refused(
        dir.path(),
        &["good.txt", "other.txt", "-o", "out.txt"],
        "good.txt: only 0% of its text aligns with the other witnesses (at least 10% expected): these do not look like transcriptions of one document (use --force to reconcile anyway)",
    );
    let run = reconcile_in(
        dir.path(),
        &["good.txt", "other.txt", "-o", "out.txt", "--force"],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let merged = fs::read_to_string(dir.path().join("out.txt")).unwrap();
    assert!(merged.contains("全国法院坚持以人民为中心的发展思想"));
    assert!(merged.contains("云腾致雨，露结为霜"));
}

#[test]
fn output_never_overwrites_an_input() {
    let dir = dir_with(&[("b.txt", SIMPLIFIED.replace("依法", "依照").as_bytes())]);
    fs::create_dir(dir.path().join("sub")).unwrap();
    std::os::unix::fs::symlink("good.txt", dir.path().join("link.txt")).unwrap();
    for out in ["good.txt", "./good.txt", "sub/../good.txt", "link.txt"] {
        refused(
            dir.path(),
            &["good.txt", "b.txt", "-o", out],
            &format!("{out}: output would overwrite input witness good.txt"),
        );
        refused(
            dir.path(),
            &["good.txt", "b.txt", "-o", "out.txt", "--report", out],
            &format!("{out}: output would overwrite input witness good.txt"),
        );
    }
    // An input given through a symlink is protected under its real name too.
    refused(
        dir.path(),
        &["link.txt", "b.txt", "-o", "good.txt"],
        "good.txt: output would overwrite input witness link.txt",
    );
}

#[test]
fn output_in_a_missing_directory() {
    let dir = dir_with(&[]);
    refused(
        dir.path(),
        &["good.txt", "good.txt", "-o", "nowhere/out.txt"],
        "nowhere/out.txt: output directory nowhere does not exist",
    );
}

#[test]
fn an_existing_output_is_replaced_whole() {
    let dir = dir_with(&[]);
    let long_old = "old contents ".repeat(10_000);
    fs::write(dir.path().join("out.txt"), &long_old).unwrap();
    let run = reconcile_in(dir.path(), &["good.txt", "good.txt", "-o", "out.txt"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(
        fs::read_to_string(dir.path().join("out.txt")).unwrap(),
        SIMPLIFIED
    );
    assert_eq!(names_in(dir.path()), vec!["good.txt", "out.txt"]);
}

/// `text` as UTF-16, with or without a BOM.
fn utf16(text: &str, big_endian: bool, bom: bool) -> Vec<u8> {
    let mut bytes = Vec::new();
    for unit in bom.then_some(0xFEFF).into_iter().chain(text.encode_utf16()) {
        bytes.extend(if big_endian {
            unit.to_be_bytes()
        } else {
            unit.to_le_bytes()
        });
    }
    bytes
}

fn encoded(encoding: &'static Encoding, text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding.encode(text);
    assert!(!unmappable, "{} encodes the text", encoding.name());
    bytes.into_owned()
}

/// Reconcile `bytes` against the UTF-8 `text`: the two must read as the same text, so
/// the identical-witness path gives `text` back exactly; the report names both encodings.
fn decodes_like_utf8(text: &str, bytes: &[u8], extra: &[&str], encoding: &str) {
    decodes_as(text, bytes, extra, ["UTF-8", encoding]);
}

fn decodes_as(text: &str, bytes: &[u8], extra: &[&str], encodings: [&str; 2]) {
    let encoding = encodings[1];
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("utf8.txt"), text).unwrap();
    fs::write(dir.path().join("other.txt"), bytes).unwrap();
    let mut args = vec![
        "utf8.txt",
        "other.txt",
        "-o",
        "out.txt",
        "--report",
        "report.json",
    ];
    args.extend(extra);
    let run = reconcile_in(dir.path(), &args);
    assert_eq!(run.code, Some(0), "{encoding}: {}", run.stderr);
    assert_eq!(
        fs::read_to_string(dir.path().join("out.txt")).unwrap(),
        text,
        "{encoding}"
    );
    let report: serde_json::Value =
        serde_json::from_slice(&fs::read(dir.path().join("report.json")).unwrap()).unwrap();
    let encodings_wanted = encodings.to_vec();
    let encodings: Vec<&str> = report["witnesses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["encoding"].as_str().unwrap())
        .collect();
    assert_eq!(encodings, encodings_wanted);
    assert_eq!(report["sites"].as_array().unwrap().len(), 0);
}

#[test]
fn every_supported_encoding_reads_as_its_utf8_version() {
    let mut with_bom = b"\xEF\xBB\xBF".to_vec();
    with_bom.extend(SIMPLIFIED.as_bytes());
    decodes_like_utf8(SIMPLIFIED, &with_bom, &[], "UTF-8");
    decodes_like_utf8(SIMPLIFIED, &encoded(GB18030, SIMPLIFIED), &[], "gb18030");
    decodes_like_utf8(TRADITIONAL, &encoded(BIG5, TRADITIONAL), &[], "Big5");
    decodes_like_utf8(SIMPLIFIED, &utf16(SIMPLIFIED, false, true), &[], "UTF-16LE");
    decodes_like_utf8(SIMPLIFIED, &utf16(SIMPLIFIED, true, true), &[], "UTF-16BE");
    decodes_like_utf8(
        SIMPLIFIED,
        &utf16(SIMPLIFIED, false, false),
        &[],
        "UTF-16LE",
    );
    decodes_like_utf8(SIMPLIFIED, &utf16(SIMPLIFIED, true, false), &[], "UTF-16BE");
    let crlf = SIMPLIFIED.replace('\n', "\r\n");
    decodes_like_utf8(SIMPLIFIED, crlf.as_bytes(), &[], "UTF-8");
}

#[test]
fn encoding_named_on_the_command_line() {
    // --encoding applies to every witness: UTF-8 text is also valid GB18030 when ASCII.
    let ascii = "The court heard the case.\n\nIt ruled for the plaintiff.\n";
    decodes_as(
        ascii,
        &encoded(GB18030, ascii),
        &["--encoding", "GB18030"],
        ["gb18030", "gb18030"],
    );
    // A byte-order mark wins over --encoding.
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.txt"), utf16(SIMPLIFIED, true, true)).unwrap();
    fs::write(dir.path().join("b.txt"), utf16(SIMPLIFIED, true, true)).unwrap();
    let run = reconcile_in(
        dir.path(),
        &["a.txt", "b.txt", "--encoding", "big5", "-o", "out.txt"],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(
        fs::read_to_string(dir.path().join("out.txt")).unwrap(),
        SIMPLIFIED
    );
}

#[test]
fn lossy_replaces_and_counts_undecodable_bytes() {
    let mut bytes = SIMPLIFIED.as_bytes().to_vec();
    let at = SIMPLIFIED.find("依法").unwrap();
    bytes[at] = 0xFF;
    let dir = dir_with(&[("broken.txt", &bytes)]);
    let run = reconcile_in(
        dir.path(),
        &[
            "good.txt",
            "broken.txt",
            "--lossy",
            "-o",
            "out.txt",
            "--report",
            "report.json",
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stderr.starts_with(
        "reconcile: warning: broken.txt: 3 undecodable byte sequence(s) replaced by U+FFFD (--lossy)\n"
    ));
    let report: serde_json::Value =
        serde_json::from_slice(&fs::read(dir.path().join("report.json")).unwrap()).unwrap();
    assert_eq!(report["witnesses"][0]["replaced"], 0);
    // 0xFF replaces the first byte of 依 (three bytes): the two continuation bytes that
    // follow are each a malformed sequence of their own.
    assert_eq!(report["witnesses"][1]["replaced"], 3);
    assert_eq!(report["witnesses"][1]["encoding"], "UTF-8");
}
