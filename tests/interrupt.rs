//! An interrupted run (SIGINT, SIGTERM) leaves no temporary file and no partial output:
//! each output either does not exist or is complete.

use std::fs;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Witnesses long enough that a run takes a moment: `chars` characters on lines of 60,
/// the second with every 400th character changed.
fn witnesses(dir: &Path, chars: usize) {
    let mut x: u64 = 5;
    let mut a = String::new();
    for i in 0..chars {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        a.push(char::from_u32(0x4E00 + ((x >> 33) % 3000) as u32).unwrap());
        if i % 60 == 59 {
            a.push_str("。\n");
        }
    }
    let b: String = a
        .chars()
        .enumerate()
        .map(|(i, c)| {
            if i % 400 == 399 && c != '\n' {
                '错'
            } else {
                c
            }
        })
        .collect();
    fs::write(dir.join("a.txt"), a).unwrap();
    fs::write(dir.join("b.txt"), b).unwrap();
}

const CHARS: usize = 20_000;

fn start(dir: &Path) -> std::process::Child {
    start_with(dir, None)
}

fn start_with(dir: &Path, pause_ms: Option<u64>) -> std::process::Child {
    let mut command = Command::new(env!("CARGO_BIN_EXE_reconcile"));
    if let Some(ms) = pause_ms {
        command.env("RECONCILE_PAUSE_BEFORE_RENAME_MS", ms.to_string());
    }
    command
        .args(["a.txt", "b.txt", "-o", "out.txt", "--report", "report.json"])
        .current_dir(dir)
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap()
}

fn send(signal: &str, pid: u32) {
    // The run may have ended already; then there is nobody to signal, which is fine.
    let _ = Command::new("kill")
        .args([signal, &pid.to_string()])
        .stderr(Stdio::null())
        .status();
}

fn temp_files(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".reconcile-"))
        .collect()
}

/// Interrupted while both outputs sit complete in their temporary files, just before the
/// renames (the run is held there by the test hook): the temporary files are removed, the
/// old output stays, no report appears, and the exit code tells the signal.
#[test]
fn an_interrupt_while_writing_removes_the_temporary_files() {
    for (signal, code) in [("-INT", 130), ("-TERM", 143)] {
        let dir = tempfile::tempdir().unwrap();
        witnesses(dir.path(), 3_000);
        fs::write(dir.path().join("out.txt"), "previous run\n").unwrap();
        let child = start_with(dir.path(), Some(60_000));
        let began = Instant::now();
        while temp_files(dir.path()).len() < 2 {
            assert!(
                began.elapsed() < Duration::from_secs(120),
                "the run never wrote its temporary files"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        send(signal, child.id());
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(code), "{signal}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("reconcile: interrupted by SIG"), "{stderr}");
        assert_eq!(temp_files(dir.path()), Vec::<String>::new(), "no temp file");
        assert_eq!(
            fs::read_to_string(dir.path().join("out.txt")).unwrap(),
            "previous run\n"
        );
        assert!(!dir.path().join("report.json").exists());
    }
}

#[test]
fn interrupts_at_any_moment_leave_no_temporary_or_partial_file() {
    let reference = tempfile::tempdir().unwrap();
    witnesses(reference.path(), CHARS);
    let began = Instant::now();
    let run = start(reference.path()).wait_with_output().unwrap();
    let full_time = began.elapsed();
    assert!(run.status.success());
    let complete_text = fs::read(reference.path().join("out.txt")).unwrap();
    let complete_report = fs::read(reference.path().join("report.json")).unwrap();

    // Interrupt at spread-out moments, densely towards the end where the files are written.
    let mut fractions: Vec<f64> = (0..3).map(|i| i as f64 / 3.0).collect();
    fractions.extend((0..4).map(|i| 0.9 + i as f64 * 0.04));
    let mut interrupted = 0;
    for (i, fraction) in fractions.iter().enumerate() {
        let (signal, code) = if i % 2 == 0 {
            ("-INT", 130)
        } else {
            ("-TERM", 143)
        };
        let dir = tempfile::tempdir().unwrap();
        witnesses(dir.path(), CHARS);
        // An earlier output exists: it must stay whole or be replaced whole.
        fs::write(dir.path().join("out.txt"), "previous run\n").unwrap();
        let child = start(dir.path());
        std::thread::sleep(full_time.mul_f64(*fraction).max(Duration::from_millis(5)));
        send(signal, child.id());
        let out = child.wait_with_output().unwrap();
        let status = out.status.code();
        // On a loaded machine the signal can arrive before the process has installed its
        // handler; the default action then ends it at once, before it has written anything.
        let killed_before_handler = out.status.signal().is_some() && *fraction == 0.0;
        assert!(
            status == Some(0) || status == Some(code) || killed_before_handler,
            "{signal} at {fraction}: exit {:?}: {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        if status == Some(code) {
            interrupted += 1;
        }
        assert_eq!(temp_files(dir.path()), Vec::<String>::new(), "no temp file");
        let text = fs::read(dir.path().join("out.txt")).unwrap();
        assert!(
            text == b"previous run\n" || text == complete_text,
            "the output is the old one or the complete new one"
        );
        if let Ok(report) = fs::read(dir.path().join("report.json")) {
            assert_eq!(report, complete_report, "the report is complete");
        }
        for input in ["a.txt", "b.txt"] {
            assert_eq!(
                fs::read(dir.path().join(input)).unwrap(),
                fs::read(reference.path().join(input)).unwrap(),
                "inputs untouched"
            );
        }
    }
    assert!(interrupted >= 2, "only {interrupted} runs were interrupted");
}
