//! The command line: outputs, the summary, and every input error (exit code 2, a message
//! naming the file, nothing written).

mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn reconcile_cmd(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_reconcile"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("binary runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A temp dir holding the corpus pair as a.txt and b.txt.
fn workdir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(repo_path(COURT_A), dir.path().join("a.txt")).unwrap();
    std::fs::copy(repo_path(COURT_B), dir.path().join("b.txt")).unwrap();
    dir
}

fn entries(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v
}

#[test]
fn writes_text_report_and_summary() {
    let dir = workdir();
    let o = reconcile_cmd(
        &[
            "a.txt",
            "b.txt",
            "-o",
            "clean.txt",
            "--report",
            "report.json",
        ],
        dir.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(dir.path().join("clean.txt")).unwrap();
    assert!(text.contains("审结权健传销案"));
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("report.json")).unwrap())
            .unwrap();
    assert_eq!(report["schema_version"], 1);
    let err = stderr(&o);
    for needle in [
        "2 witnesses",
        "blocks:",
        "variant sites:",
        "flagged for review",
        "overall confidence:",
    ] {
        assert!(err.contains(needle), "summary lacks {needle}: {err}");
    }
}

#[test]
fn dash_writes_to_standard_output() {
    let dir = workdir();
    let o = reconcile_cmd(&["a.txt", "b.txt", "-o", "-"], dir.path());
    assert!(o.status.success());
    assert!(
        String::from_utf8(o.stdout)
            .unwrap()
            .contains("会同最高人民检察院出台")
    );
    assert_eq!(entries(dir.path()).len(), 2, "nothing but the inputs");
}

#[test]
fn help_shows_an_example() {
    let o = reconcile_cmd(&["--help"], Path::new("."));
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).contains("Example:"));
}

/// Every file in `dir` with its bytes, to check that a refused run changed nothing.
fn file_contents(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    entries(dir)
        .into_iter()
        .filter(|p| p.is_file())
        .map(|p| (p.clone(), std::fs::read(&p).unwrap()))
        .collect()
}

/// Run, expect exit 2 with `message` in stderr, and the directory unchanged.
fn refused(args: &[&str], message: &str) {
    let dir = workdir();
    std::fs::write(dir.path().join("empty.txt"), "").unwrap();
    std::fs::write(dir.path().join("blank.txt"), " \n\u{3000}\n").unwrap();
    std::fs::write(dir.path().join("latin1.txt"), b"caf\xe9 au lait").unwrap();
    std::fs::create_dir(dir.path().join("folder")).unwrap();
    let before = file_contents(dir.path());
    let o = reconcile_cmd(args, dir.path());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains(message), "expected {message:?} in {err:?}");
    let after = file_contents(dir.path());
    assert_eq!(before, after, "files changed or appeared");
}

#[test]
fn missing_file() {
    refused(
        &["a.txt", "nope.txt", "-o", "out.txt"],
        "nope.txt: no such file",
    );
}

#[test]
fn directory_as_witness() {
    refused(
        &["a.txt", "folder", "-o", "out.txt"],
        "folder: is a directory, not a text file",
    );
}

#[test]
fn empty_file() {
    refused(
        &["a.txt", "empty.txt", "-o", "out.txt"],
        "empty.txt: the file is empty",
    );
}

#[test]
fn whitespace_only_file() {
    refused(
        &["a.txt", "blank.txt", "-o", "out.txt"],
        "blank.txt: contains only whitespace",
    );
}

#[test]
fn fewer_than_two_witnesses() {
    refused(&["a.txt", "-o", "out.txt"], "need at least two witnesses");
}

#[test]
fn output_naming_an_input() {
    refused(
        &["a.txt", "b.txt", "-o", "./b.txt"],
        "output would overwrite input witness b.txt",
    );
}

#[test]
fn report_naming_an_input() {
    refused(
        &["a.txt", "b.txt", "-o", "out.txt", "--report", "a.txt"],
        "output would overwrite input witness a.txt",
    );
}

#[test]
fn output_in_a_missing_directory() {
    refused(
        &["a.txt", "b.txt", "-o", "no/such/dir/out.txt"],
        "output directory no/such/dir does not exist",
    );
}

#[test]
fn not_utf8() {
    refused(
        &["a.txt", "latin1.txt", "-o", "out.txt"],
        "latin1.txt: not valid UTF-8 at byte offset 3",
    );
}

#[test]
fn unrelated_documents_are_refused_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("x.txt"),
        "天地玄黄，宇宙洪荒。日月盈昃，辰宿列张。寒来暑往，秋收冬藏。闰余成岁，律吕调阳。",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("y.txt"),
        "The quick brown fox jumps over the lazy dog, again and again, all day long.",
    )
    .unwrap();
    let o = reconcile_cmd(&["x.txt", "y.txt", "-o", "out.txt"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("do not look like transcriptions of one document"),
        "{}",
        stderr(&o)
    );
    assert!(!dir.path().join("out.txt").exists());
    let o = reconcile_cmd(&["x.txt", "y.txt", "-o", "out.txt", "--force"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn an_existing_output_is_replaced_whole() {
    let dir = workdir();
    std::fs::write(dir.path().join("clean.txt"), "x".repeat(200_000)).unwrap();
    let o = reconcile_cmd(&["a.txt", "b.txt", "-o", "clean.txt"], dir.path());
    assert!(o.status.success());
    let text = std::fs::read_to_string(dir.path().join("clean.txt")).unwrap();
    assert!(!text.contains('x') || !text.contains("xxxx"));
    assert!(text.starts_with("各位代表："));
    assert_eq!(entries(dir.path()).len(), 3, "no temp file left behind");
}

#[test]
fn same_bytes_whatever_the_thread_count() {
    let run = |threads: &str| {
        let dir = workdir();
        let o = Command::new(env!("CARGO_BIN_EXE_reconcile"))
            .args([
                "a.txt",
                "b.txt",
                "-o",
                "clean.txt",
                "--report",
                "report.json",
            ])
            .current_dir(dir.path())
            .env("RAYON_NUM_THREADS", threads)
            .output()
            .unwrap();
        assert!(o.status.success());
        (
            std::fs::read(dir.path().join("clean.txt")).unwrap(),
            std::fs::read(dir.path().join("report.json")).unwrap(),
        )
    };
    assert_eq!(run("1"), run("2"));
}
