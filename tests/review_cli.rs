//! The review loop from the command line: `--html`, `review REPORT.json [-o PAGE]`,
//! `--decisions`, and their errors.

mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn reconcile_cmd() -> Command {
    Command::new(env!("CARGO_BIN_EXE_reconcile"))
}

fn run(args: &[&str]) -> Output {
    reconcile_cmd()
        .args(args)
        .env_remove("NO_COLOR")
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

struct Run {
    dir: tempfile::TempDir,
}

impl Run {
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
    fn p(&self, name: &str) -> String {
        self.path(name).display().to_string()
    }
}

/// Reconcile the court pair into a fresh directory: clean.txt, report.json, review.html.
fn court_run(extra: &[&str]) -> (Run, Output) {
    let run_dir = Run {
        dir: tempfile::tempdir().unwrap(),
    };
    let a = repo_path(COURT_A).display().to_string();
    let b = repo_path(COURT_B).display().to_string();
    let (out, report, html) = (
        run_dir.p("clean.txt"),
        run_dir.p("report.json"),
        run_dir.p("review.html"),
    );
    let mut args = vec![
        a.as_str(),
        b.as_str(),
        "-o",
        &out,
        "--report",
        &report,
        "--html",
        &html,
    ];
    args.extend_from_slice(extra);
    let o = run(&args);
    (run_dir, o)
}

#[test]
fn html_from_the_run_and_from_the_report_are_the_same_self_contained_page() {
    let (r, o) = court_run(&[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("review.html"), "{}", stderr(&o));
    let page = std::fs::read_to_string(r.path("review.html")).unwrap();
    let again = r.p("again.html");
    let o = run(&["review", &r.p("report.json"), "-o", &again]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        page,
        std::fs::read_to_string(&again).unwrap(),
        "same report, same page"
    );
    // Self-contained: no external resources, everything inline.
    for external in ["http://", "https://", "src=", "<link", "@import", "url("] {
        assert!(!page.contains(external), "page refers to {external}");
    }
    assert!(page.contains("Content-Security-Policy"));
    // Every site with an output range is marked, flagged ones with class f.
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(r.path("report.json")).unwrap()).unwrap();
    let sites = report["sites"].as_array().unwrap();
    assert_eq!(page.matches("<mark id=\"s").count(), sites.len());
    let flagged = sites.iter().filter(|s| s["flagged"] == true).count();
    assert_eq!(page.matches("\" class=\"s c").count(), sites.len());
    assert_eq!(
        page.matches("<mark id=\"s").count(),
        page.matches("</mark>").count()
    );
    let flagged_marks = page
        .match_indices("<mark id=")
        .filter(|(at, _)| page[*at..].split('>').next().unwrap().contains(" f\""))
        .count();
    assert_eq!(flagged_marks, flagged);
    // The marked text is the merged text: strip the tags and compare.
    let text_html = &page[page.find("<article").unwrap()..page.find("</article>").unwrap()];
    let text_html = &text_html[text_html.find('>').unwrap() + 1..];
    let mut plain = String::new();
    let mut in_tag = false;
    for c in text_html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => plain.push(c),
            _ => {}
        }
    }
    let plain = plain
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&");
    assert_eq!(plain, std::fs::read_to_string(r.path("clean.txt")).unwrap());
}

#[test]
fn review_table_lists_every_flagged_site_plain_when_piped() {
    // A threshold above the 权健 site's confidence, so that it is listed.
    let (r, o) = court_run(&["--min-confidence", "0.99"]);
    assert!(o.status.success());
    let o = run(&["review", &r.p("report.json")]);
    assert!(o.status.success(), "{}", stderr(&o));
    let table = stdout(&o);
    assert!(!table.contains('\x1b'), "no colour when piped");
    let lines: Vec<&str> = table.lines().collect();
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(r.path("report.json")).unwrap()).unwrap();
    let flagged = report["summary"]["sites_flagged"].as_u64().unwrap() as usize;
    assert!(flagged > 0);
    assert!(
        lines[0].starts_with(&format!("{flagged} flagged of 33 variant sites")),
        "{}",
        lines[0]
    );
    assert!(lines[2].starts_with("site  conf  context"), "{}", lines[2]);
    assert_eq!(lines.len(), 3 + flagged);
    // The 权健 site: context with the chosen reading, both readings with their witnesses.
    let row = lines
        .iter()
        .find(|l| l.contains("审结[权健]传销案"))
        .expect("the 权健 row");
    // (With the two mixes of the witnesses' readings, which no witness has whole.)
    assert!(
        row.contains("侵权[0] 侵权健[none] 权[none] *权健[1]"),
        "{row}"
    );
    let quanjian = report["sites"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["chosen"] == "权健")
        .unwrap();
    let conf = format!("{:.2}", quanjian["confidence"].as_f64().unwrap());
    assert!(row.contains(&conf), "{row}");
    assert!(row.contains("more reliable witness [1]"), "{row}");
    // Columns line up: every row's confidence starts in the same column.
    let conf_col: Vec<usize> = lines[3..].iter().map(|l| l.find("0.").unwrap()).collect();
    assert!(conf_col.iter().all(|&c| c == conf_col[0]), "{conf_col:?}");
}

/// Run `reconcile review REPORT` on a pseudo-terminal (util-linux `script`).
fn on_tty(report: &Path, no_color: Option<&str>) -> String {
    let command = format!(
        "{} review {}",
        env!("CARGO_BIN_EXE_reconcile"),
        report.display()
    );
    let mut cmd = Command::new("script");
    cmd.args(["-qec", &command, "/dev/null"])
        .env_remove("NO_COLOR");
    if let Some(v) = no_color {
        cmd.env("NO_COLOR", v);
    }
    let o = cmd
        .output()
        .expect("util-linux `script` runs the table on a terminal");
    assert!(o.status.success(), "{}", stderr(&o));
    stdout(&o)
}

#[test]
fn review_table_is_coloured_on_a_terminal_unless_no_color() {
    let (r, o) = court_run(&["--min-confidence", "0.99"]);
    assert!(o.status.success());
    let coloured = on_tty(&r.path("report.json"), None);
    assert!(coloured.contains("\x1b[1m"), "bold header on a terminal");
    assert!(
        coloured.contains("\x1b[1;32m*权健[1]\x1b[0m"),
        "chosen reading in green"
    );
    let plain = on_tty(&r.path("report.json"), Some("1"));
    assert!(!plain.contains('\x1b'), "NO_COLOR turns colour off");
    assert!(plain.contains("*权健[1]"));
}

#[test]
fn decisions_apply_from_the_command_line_and_the_summary_counts_them() {
    let dir = tempfile::tempdir().unwrap();
    let decisions = dir.path().join("decisions.json");
    let mut fixes = std::fs::read_to_string(repo_path(KNOWN_FIXES)).unwrap();
    // Add one decision that matches nothing.
    fixes = fixes.replacen(
        "\"decisions\": [",
        "\"decisions\": [\n    {\"before\": \"不存在的上下文\", \"after\": \"也不存在\", \"readings\": [\"甲\", \"乙\"], \"choose\": \"乙\"},",
        1,
    );
    std::fs::write(&decisions, fixes).unwrap();
    let (r, o) = court_run(&["--decisions", decisions.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("reviewer decisions: 4 of 5 applied, 1 matched nothing"),
        "{err}"
    );
    assert!(
        err.contains("unmatched: …不存在的上下文[乙]也不存在… (no site has this context any more)"),
        "{err}"
    );
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(r.path("report.json")).unwrap()).unwrap();
    let flagged = report["summary"]["sites_flagged"].as_u64().unwrap();
    assert!(
        err.contains(&format!(
            "variant sites: 33 ({} decided, {flagged} flagged",
            33 - flagged
        )),
        "{err}"
    );
    assert_eq!(report["summary"]["reviewer_decisions_applied"], 4);
    assert_eq!(report["summary"]["reviewer_decisions_unmatched"], 1);
    assert_eq!(report["unmatched_decisions"][0]["before"], "不存在的上下文");
    // The page of a reviewed run shows the decided sites as decided (class r), not flagged.
    let page = std::fs::read_to_string(r.path("review.html")).unwrap();
    assert_eq!(page.matches("<mark id=\"s").count(), 33);
    assert_eq!(page.matches("class=\"s c3 r\"").count(), 4);
}

#[test]
fn a_bad_decisions_file_is_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let decisions = dir.path().join("decisions.json");
    let a = repo_path(COURT_A).display().to_string();
    let b = repo_path(COURT_B).display().to_string();
    let out = dir.path().join("clean.txt");
    let report = dir.path().join("report.json");
    let html = dir.path().join("review.html");
    for (content, expected) in [
        ("{ not json", "not valid JSON"),
        (
            r#"{"version": 9, "decisions": []}"#,
            "version 9 is not supported",
        ),
        (
            r#"{"version": 1, "decisions": [{"before": "a", "after": "b", "pick": "x"}]}"#,
            "unknown field `pick`",
        ),
    ] {
        std::fs::write(&decisions, content).unwrap();
        let o = run(&[
            &a,
            &b,
            "-o",
            out.to_str().unwrap(),
            "--report",
            report.to_str().unwrap(),
            "--html",
            html.to_str().unwrap(),
            "--decisions",
            decisions.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(2));
        let err = stderr(&o);
        assert!(err.contains(decisions.to_str().unwrap()), "{err}");
        assert!(err.contains(expected), "{err}");
        assert!(!out.exists() && !report.exists() && !html.exists());
    }
    // An output that would overwrite the decisions file is refused too.
    let o = run(&[
        &a,
        &b,
        "-o",
        decisions.to_str().unwrap(),
        "--decisions",
        decisions.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("would overwrite input"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_bad_report_is_refused_naming_the_file_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("review.html");
    let report = dir.path().join("report.json");
    let page_s = page.to_str().unwrap();
    let report_s = report.to_str().unwrap();

    let o = run(&["review", report_s, "-o", page_s]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains(report_s) && stderr(&o).contains("cannot read"));

    std::fs::write(&report, "{\"schema_version\": 1}").unwrap();
    for args in [
        vec!["review", report_s, "-o", page_s],
        vec!["review", report_s],
    ] {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2));
        assert!(
            stderr(&o).contains(report_s) && stderr(&o).contains("not a report"),
            "{}",
            stderr(&o)
        );
        assert!(stdout(&o).is_empty());
    }
    assert!(!page.exists());

    // A report whose site points outside the merged text.
    let r = court_pair().report;
    let mut json = serde_json::to_value(&r).unwrap();
    json["sites"][3]["output"]["end"] = serde_json::json!(10_000_000);
    std::fs::write(&report, json.to_string()).unwrap();
    let o = run(&["review", report_s, "-o", page_s]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("site 3"), "{}", stderr(&o));
    assert!(!page.exists());

    // The page cannot replace the report it is made from.
    let o = run(&["review", report_s, "-o", report_s]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("would overwrite input"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn the_page_is_deterministic_and_escapes_what_could_break_out() {
    use reconcile::input::Witness;
    let w = |label: &str, text: &str| Witness {
        path: PathBuf::from(label),
        label: label.into(),
        text: text.into(),
        encoding: "UTF-8",
        replaced: 0,
    };
    // Witnesses with markup in them, disagreeing about it.
    let a = w(
        "a.txt",
        "The court heard <b>two</b> cases & one </script> appeal today in the city.\n",
    );
    let b = w(
        "b.txt",
        "The court heard <i>two</i> cases & one </script> appeal today in the city.\n",
    );
    let result = reconcile::reconcile(&[a, b], &reconcile::Options::default()).unwrap();
    let page = reconcile::review::render_html(&result.report);
    assert_eq!(page, reconcile::review::render_html(&result.report));
    assert_eq!(page.matches("</script>").count(), 2, "only the page's own");
    assert!(!page.contains("<b>two") && !page.contains("<i>two"));
    assert!(page.contains("&lt;"));
    assert!(page.contains("&amp; one"));
}
