//! Output does not depend on the number of threads: the binary run with RAYON_NUM_THREADS=1
//! and =2 writes byte-identical merged texts, reports and batch results.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn repo(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

fn corpus(relative: &str) -> String {
    std::fs::read_to_string(repo(relative)).unwrap()
}

/// Deterministic transcription noise: about one character in `every` replaced or dropped.
fn noisy(text: &str, seed: u64, every: u64) -> String {
    let mut state = seed ^ 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let replacements: Vec<char> = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经abcdefghijklmnopqrstuvwxyz".chars().collect();
    let mut out = String::new();
    for c in text.chars() {
        if c.is_whitespace() {
            out.push(c);
            continue;
        }
        match next() % (every * 3) {
            0..=1 => out.push(replacements[(next() % replacements.len() as u64) as usize]),
            2 => {}
            _ => out.push(c),
        }
    }
    out
}

/// Run `reconcile WITNESSES -o OUT --report REPORT` with `threads` rayon threads; the bytes
/// of both outputs.
fn run_with_threads(threads: &str, witnesses: &[PathBuf], dir: &Path) -> (Vec<u8>, Vec<u8>) {
    let (out, report) = (
        dir.join(format!("out-{threads}.txt")),
        dir.join(format!("report-{threads}.json")),
    );
    let o = Command::new(env!("CARGO_BIN_EXE_reconcile"))
        .env("RAYON_NUM_THREADS", threads)
        .args(witnesses)
        .arg("-o")
        .arg(&out)
        .arg("--report")
        .arg(&report)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    (std::fs::read(out).unwrap(), std::fs::read(report).unwrap())
}

fn assert_same_with_one_and_two_threads(witnesses: &[PathBuf]) {
    let tmp = tempfile::tempdir().unwrap();
    let one = run_with_threads("1", witnesses, tmp.path());
    let two = run_with_threads("2", witnesses, tmp.path());
    assert!(!one.0.is_empty());
    assert!(
        one.0 == two.0,
        "merged texts differ between 1 and 2 threads"
    );
    assert!(one.1 == two.1, "reports differ between 1 and 2 threads");
}

#[test]
fn corpus_pair_is_identical_with_one_and_two_threads() {
    assert_same_with_one_and_two_threads(&[
        repo("corpus/000_753cd868c64d84a9.txt"),
        repo("corpus/001_f3f1b0a1aca9ea80.txt"),
    ]);
}

#[test]
fn three_witnesses_are_identical_with_one_and_two_threads() {
    let tmp = tempfile::tempdir().unwrap();
    let third = tmp.path().join("third.txt");
    std::fs::write(
        &third,
        noisy(&corpus("corpus/001_f3f1b0a1aca9ea80.txt"), 3, 30),
    )
    .unwrap();
    assert_same_with_one_and_two_threads(&[
        repo("corpus/000_753cd868c64d84a9.txt"),
        repo("corpus/001_f3f1b0a1aca9ea80.txt"),
        third,
    ]);
}

#[test]
fn long_witnesses_aligned_in_parallel_are_identical_with_one_and_two_threads() {
    // Long enough (over 64 k symbols on both sides together) for the aligner to split the
    // windows between anchors over threads.
    let tmp = tempfile::tempdir().unwrap();
    let mut base = String::new();
    for f in [
        "corpus/000_753cd868c64d84a9.txt",
        "corpus/002_009d9037f2d6c0d2.txt",
        "corpus/003_65c4f15d44a0a2ca.txt",
        "corpus/004_e835a5edccf9b5ba.txt",
    ] {
        base.push_str(&corpus(f));
        base.push('\n');
    }
    assert!(base.chars().count() > 40_000);
    let witnesses: Vec<PathBuf> = (0..2)
        .map(|k| {
            let p = tmp.path().join(format!("w{k}.txt"));
            std::fs::write(&p, noisy(&base, k + 10, 35)).unwrap();
            p
        })
        .collect();
    assert_same_with_one_and_two_threads(&witnesses);
}

#[test]
fn batch_outputs_are_identical_with_one_and_two_threads() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    let base = corpus("corpus/004_e835a5edccf9b5ba.txt");
    let paragraphs: Vec<&str> = base.lines().filter(|l| l.chars().count() > 40).collect();
    for d in 0..12 {
        let doc = input.join(format!("d{d:02}"));
        std::fs::create_dir_all(&doc).unwrap();
        let text = paragraphs[d % paragraphs.len()..].join("\n");
        for k in 0..(2 + d % 2) {
            std::fs::write(
                doc.join(format!("w{k}.txt")),
                noisy(&text, (d * 5 + k) as u64, 30),
            )
            .unwrap();
        }
    }
    let mut results = Vec::new();
    for threads in ["1", "2"] {
        let out = tmp.path().join(format!("out{threads}"));
        let reports = tmp.path().join(format!("rep{threads}"));
        let o = Command::new(env!("CARGO_BIN_EXE_reconcile"))
            .env("RAYON_NUM_THREADS", threads)
            .arg("batch")
            .arg(&input)
            .arg("-o")
            .arg(&out)
            .arg("--report-dir")
            .arg(&reports)
            .stderr(Stdio::null())
            .output()
            .unwrap();
        assert!(o.status.success());
        let mut files = Vec::new();
        for dir in [&out, &reports] {
            let mut names: Vec<PathBuf> = std::fs::read_dir(dir)
                .unwrap()
                .map(|e| e.unwrap().path())
                .collect();
            names.sort();
            for p in names {
                let bytes = std::fs::read(&p).unwrap();
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                // The summary's times differ from run to run; everything else must not.
                let bytes = if name == "summary.jsonl" {
                    let text = String::from_utf8(bytes).unwrap();
                    text.lines()
                        .map(|l| {
                            let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
                            v.as_object_mut().unwrap().remove("time");
                            v.to_string()
                        })
                        .collect::<Vec<_>>()
                        .join("\n")
                        .into_bytes()
                } else {
                    bytes
                };
                files.push((name, bytes));
            }
        }
        results.push(files);
    }
    assert_eq!(results[0].len(), 12 * 2 + 1);
    assert!(
        results[0] == results[1],
        "batch outputs differ between 1 and 2 threads"
    );
}
