//! `reconcile batch`: directory, manifest and streaming modes, driven through the binary.

use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const COURT_A: &str = "corpus/000_753cd868c64d84a9.txt";
const COURT_B: &str = "corpus/001_f3f1b0a1aca9ea80.txt";

fn repo(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

fn corpus(relative: &str) -> String {
    std::fs::read_to_string(repo(relative)).unwrap()
}

fn reconcile() -> Command {
    Command::new(env!("CARGO_BIN_EXE_reconcile"))
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("the binary runs")
}

/// A copy of `text` with deterministic transcription noise: about one character in
/// `every` replaced, and one in `3 * every` dropped (never a line break).
fn noisy(text: &str, seed: u64, every: u64) -> String {
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut next = || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        state >> 33
    };
    let replacements: Vec<char> = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严".chars().collect();
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c == '\n' || c.is_whitespace() {
            out.push(c);
            continue;
        }
        let r = next() % (every * 3);
        if r < 3 {
            out.push(replacements[(next() % replacements.len() as u64) as usize]);
        } else if r == 3 {
            // dropped
        } else {
            out.push(c);
        }
    }
    out
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn summary(outdir: &Path) -> Vec<Value> {
    std::fs::read_to_string(outdir.join("summary.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn statuses(lines: &[Value]) -> Vec<(String, String)> {
    lines
        .iter()
        .map(|l| {
            (
                l["id"].as_str().unwrap().to_string(),
                l["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// An archive: the court pair, a three-witness document, a document with one witness and one
/// with a binary file.
fn archive(root: &Path) {
    write(&root.join("court/a.txt"), &corpus(COURT_A));
    write(&root.join("court/b.txt"), &corpus(COURT_B));
    let base = corpus("corpus/004_e835a5edccf9b5ba.txt");
    for k in 0..3 {
        write(
            &root.join(format!("three/w{k}.txt")),
            &noisy(&base, k + 1, 40),
        );
    }
    write(&root.join("lonely/only.txt"), &base);
    write(&root.join("binary/a.txt"), &base);
    std::fs::write(root.join("binary/b.bin"), b"ab\0cd").unwrap();
    // Not documents: a file at the top and a hidden directory.
    write(&root.join("README.txt"), "notes");
    write(&root.join(".cache/x/a.txt"), "hidden");
}

#[test]
fn directory_mode_writes_outputs_summary_and_records_bad_documents() {
    let tmp = tempfile::tempdir().unwrap();
    let (input, out, reports) = (
        tmp.path().join("in"),
        tmp.path().join("out"),
        tmp.path().join("reports"),
    );
    archive(&input);
    let o = run(reconcile()
        .arg("batch")
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .arg("--report-dir")
        .arg(&reports));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    let lines = summary(&out);
    assert_eq!(
        statuses(&lines),
        vec![
            ("binary".into(), "error".into()),
            ("court".into(), "ok".into()),
            ("lonely".into(), "error".into()),
            ("three".into(), "ok".into()),
        ]
    );
    let binary_error = lines[0]["error"].as_str().unwrap();
    assert!(binary_error.contains("b.bin"), "{binary_error}");
    assert!(lines[2]["error"].as_str().unwrap().contains("at least two"));
    assert!(stderr.contains("b.bin"), "{stderr}");
    for line in &lines {
        assert!(line["time"].as_f64().unwrap() >= 0.0);
    }
    assert_eq!(lines[3]["witnesses"], 3);
    assert!(lines[3]["sites"].as_u64().unwrap() > 0);

    // The batch output is what a single run gives.
    let single = tmp.path().join("single.txt");
    let single_report = tmp.path().join("single.json");
    let s = run(reconcile()
        .arg(input.join("court/a.txt"))
        .arg(input.join("court/b.txt"))
        .arg("-o")
        .arg(&single)
        .arg("--report")
        .arg(&single_report));
    assert!(s.status.success());
    assert_eq!(
        std::fs::read(out.join("court.txt")).unwrap(),
        std::fs::read(&single).unwrap()
    );
    assert_eq!(
        std::fs::read(reports.join("court.json")).unwrap(),
        std::fs::read(&single_report).unwrap()
    );
    let report: Value =
        serde_json::from_slice(&std::fs::read(reports.join("three.json")).unwrap()).unwrap();
    assert_eq!(report["summary"]["variant_sites"], lines[3]["sites"]);
    assert_eq!(report["summary"]["sites_flagged"], lines[3]["flagged"]);
    assert!(!out.join("lonely.txt").exists());
    assert!(!out.join("binary.txt").exists());
    // No temporary files are left behind.
    for entry in std::fs::read_dir(&out).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(!name.starts_with('.'), "{name}");
    }
}

#[test]
fn rerun_skips_documents_that_are_up_to_date_unless_forced() {
    let tmp = tempfile::tempdir().unwrap();
    let (input, out) = (tmp.path().join("in"), tmp.path().join("out"));
    archive(&input);
    std::fs::remove_dir_all(input.join("binary")).unwrap();
    std::fs::remove_dir_all(input.join("lonely")).unwrap();
    let batch = || run(reconcile().arg("batch").arg(&input).arg("-o").arg(&out));
    assert!(batch().status.success());
    let first = std::fs::read(out.join("three.txt")).unwrap();

    let o = batch();
    assert!(o.status.success());
    assert_eq!(
        statuses(&summary(&out)),
        vec![
            ("court".into(), "skipped".into()),
            ("three".into(), "skipped".into())
        ]
    );

    // A changed witness makes its document stale; the other stays up to date.
    std::thread::sleep(std::time::Duration::from_millis(20));
    let changed = input.join("three/w1.txt");
    let text = std::fs::read_to_string(&changed).unwrap();
    std::fs::write(&changed, text.replacen('。', "，", 3)).unwrap();
    assert!(batch().status.success());
    assert_eq!(
        statuses(&summary(&out)),
        vec![
            ("court".into(), "skipped".into()),
            ("three".into(), "ok".into())
        ]
    );

    // A missing output is redone.
    std::fs::remove_file(out.join("court.txt")).unwrap();
    assert!(batch().status.success());
    assert_eq!(summary(&out)[0]["status"], "ok");

    let o = run(reconcile()
        .arg("batch")
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .arg("--force"));
    assert!(o.status.success());
    assert_eq!(
        statuses(&summary(&out)),
        vec![("court".into(), "ok".into()), ("three".into(), "ok".into())]
    );
    assert_ne!(first, Vec::<u8>::new());
}

#[test]
fn output_directory_inside_the_input_is_not_a_document() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    write(&input.join("court/a.txt"), &corpus(COURT_A));
    write(&input.join("court/b.txt"), &corpus(COURT_B));
    let out = input.join("merged");
    for _ in 0..2 {
        let o = run(reconcile()
            .arg("batch")
            .arg(&input)
            .arg("-o")
            .arg(&out)
            .arg("--force"));
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        assert_eq!(summary(&out).len(), 1);
    }
}

#[test]
fn manifest_mode_resolves_paths_against_the_manifest_and_records_bad_lines() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("m");
    write(&dir.join("texts/a.txt"), &corpus(COURT_A));
    write(&dir.join("texts/b.txt"), &corpus(COURT_B));
    let manifest = dir.join("manifest.jsonl");
    write(
        &manifest,
        concat!(
            r#"{"id": "court", "witnesses": ["texts/a.txt", "texts/b.txt"]}"#,
            "\n\n",
            r#"{"id": "gone", "witnesses": ["texts/a.txt", "texts/missing.txt"]}"#,
            "\n",
            "not json\n",
            r#"{"id": "../escape", "witnesses": ["texts/a.txt", "texts/b.txt"]}"#,
            "\n",
            r#"{"id": "twice", "witnesses": ["texts/a.txt", "texts/b.txt"]}"#,
            "\n",
            r#"{"id": "twice", "witnesses": ["texts/b.txt", "texts/a.txt"]}"#,
            "\n",
        ),
    );
    let out = tmp.path().join("out");
    // Run from another directory: paths are relative to the manifest, not the working dir.
    let o = run(reconcile()
        .current_dir(tmp.path())
        .arg("batch")
        .arg("m/manifest.jsonl")
        .arg("-o")
        .arg("out"));
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let lines = summary(&out);
    assert_eq!(
        statuses(&lines),
        vec![
            ("court".into(), "ok".into()),
            ("gone".into(), "error".into()),
            ("line-4".into(), "error".into()),
            ("../escape".into(), "error".into()),
            ("twice".into(), "error".into()),
            ("twice".into(), "error".into()),
        ]
    );
    assert!(lines[1]["error"].as_str().unwrap().contains("missing.txt"));
    assert!(
        lines[2]["error"]
            .as_str()
            .unwrap()
            .contains("manifest.jsonl line 4")
    );
    assert!(lines[4]["error"].as_str().unwrap().contains("unique"));
    assert!(out.join("court.txt").exists());
    assert!(!tmp.path().join("escape.txt").exists());

    // All good: exit status 0.
    write(
        &manifest,
        r#"{"id": "court", "witnesses": ["texts/a.txt", "texts/b.txt"]}"#,
    );
    let o = run(reconcile()
        .arg("batch")
        .arg(&manifest)
        .arg("-o")
        .arg(&out)
        .arg("--force"));
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn usage_errors_exit_with_status_2() {
    let tmp = tempfile::tempdir().unwrap();
    let o = run(reconcile()
        .arg("batch")
        .arg(tmp.path().join("nowhere"))
        .arg("-o")
        .arg(tmp.path().join("out")));
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("nowhere"));
    let o = run(reconcile().arg("batch").arg(tmp.path()));
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("-o"));
}

/// Small documents made from corpus paragraphs, two or three noisy witnesses each.
fn stream_documents(count: usize) -> Vec<(String, Vec<String>)> {
    let paragraphs: Vec<String> = [
        "corpus/000_753cd868c64d84a9.txt",
        "corpus/004_e835a5edccf9b5ba.txt",
    ]
    .iter()
    .flat_map(|f| {
        corpus(f)
            .lines()
            .filter(|l| l.chars().count() >= 60)
            .map(str::to_string)
            .collect::<Vec<_>>()
    })
    .collect();
    (0..count)
        .map(|d| {
            let text = paragraphs[d % paragraphs.len()].clone();
            let k = 2 + d % 2;
            let texts = (0..k)
                .map(|w| noisy(&text, (d * 7 + w) as u64, 25))
                .collect();
            (format!("doc-{d:04}"), texts)
        })
        .collect()
}

#[test]
fn streaming_mode_answers_every_line_in_input_order() {
    let docs = stream_documents(300);
    let mut input = String::new();
    for (i, (id, texts)) in docs.iter().enumerate() {
        input.push_str(&serde_json::json!({"id": id, "texts": texts}).to_string());
        input.push('\n');
        if i == 100 {
            input.push_str("{\"id\": \"broken\"}\n");
            input.push('\n');
            input.push_str(&serde_json::json!({"id": 17, "texts": ["one text only"]}).to_string());
            input.push('\n');
        }
    }
    let mut child = reconcile()
        .args(["batch", "--jsonl", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let o = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert_eq!(o.status.code(), Some(1), "two bad lines");
    let lines: Vec<Value> = String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 302);
    let mut expected_ids: Vec<Value> = docs
        .iter()
        .map(|(id, _)| Value::from(id.as_str()))
        .collect();
    expected_ids.insert(101, Value::Null);
    expected_ids.insert(102, Value::from(17));
    let ids: Vec<Value> = lines.iter().map(|l| l["id"].clone()).collect();
    assert_eq!(ids, expected_ids);
    assert!(
        lines[101]["error"]
            .as_str()
            .unwrap()
            .contains("input line 102")
    );
    assert!(
        lines[102]["error"]
            .as_str()
            .unwrap()
            .contains("at least two")
    );
    for (i, line) in lines.iter().enumerate() {
        if i == 101 || i == 102 {
            assert_eq!(line["status"], "error");
            continue;
        }
        assert_eq!(line["status"], "ok", "{line}");
        let text = line["text"].as_str().unwrap();
        assert!(!text.is_empty());
        let report = &line["report"];
        let sites = report["sites"].as_array().unwrap();
        assert_eq!(
            sites.len() as u64,
            report["summary"]["variant_sites"].as_u64().unwrap()
                + report["summary"]["layout_sites"].as_u64().unwrap()
        );
    }
    assert!(String::from_utf8_lossy(&o.stderr).contains("302 documents, 300 ok, 2 failed"));
}

#[test]
fn streaming_result_matches_a_single_run() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (corpus(COURT_A), corpus(COURT_B));
    let line = serde_json::json!({"id": "court", "texts": [a, b]}).to_string() + "\n";
    let mut child = reconcile()
        .args(["batch", "--jsonl", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(line.as_bytes())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success());
    let result: Value = serde_json::from_slice(&o.stdout).unwrap();
    let single = tmp.path().join("single.txt");
    let s = run(reconcile()
        .arg(repo(COURT_A))
        .arg(repo(COURT_B))
        .arg("-o")
        .arg(&single));
    assert!(s.status.success());
    assert_eq!(
        result["text"].as_str().unwrap(),
        std::fs::read_to_string(&single).unwrap()
    );
    assert_eq!(result["report"]["witnesses"][0]["path"], "court/0");
}

#[test]
fn unrelated_witnesses_fail_their_document_with_advice_that_fits_the_batch() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    write(&input.join("mixed/a.txt"), &corpus(COURT_A));
    write(
        &input.join("mixed/b.txt"),
        &corpus("corpus/002_009d9037f2d6c0d2.txt"),
    );
    let out = tmp.path().join("out");
    let o = run(reconcile().arg("batch").arg(&input).arg("-o").arg(&out));
    assert_eq!(o.status.code(), Some(1));
    let lines = summary(&out);
    let error = lines[0]["error"].as_str().unwrap();
    assert!(error.contains("do not look like transcriptions"), "{error}");
    assert!(error.contains("reconcile --force"), "{error}");
    assert!(!error.contains("use --force"), "{error}");
}
