//! The JSON report, as serialised today, against its published schema
//! (docs/report-schema.json, documented in docs/report-schema.md), plus invariants the
//! schema language cannot express (ranges inside the merged text, counts that must add up).

use reconcile::input::{Witness, read_witness};
use reconcile::{Options, reconcile};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn repo_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

fn schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let path = repo_path("docs/report-schema.json");
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{} is not valid JSON: {e}", path.display()))
    })
}

fn validator() -> &'static jsonschema::Validator {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        jsonschema::draft202012::new(schema())
            .unwrap_or_else(|e| panic!("docs/report-schema.json does not compile: {e}"))
    })
}

/// Every schema violation of `report`, one per line (empty when it is valid).
fn violations(report: &Value) -> String {
    validator()
        .iter_errors(report)
        .map(|e| format!("  at {}: {e}", e.instance_path()))
        .collect::<Vec<_>>()
        .join("\n")
}

fn assert_valid(report: &Value, what: &str) {
    let errors = violations(report);
    assert!(
        errors.is_empty(),
        "{what}: the report does not match docs/report-schema.json:\n{errors}"
    );
}

/// One run: the witnesses, the merged text and the report as serialised JSON.
struct Run {
    witnesses: Vec<Witness>,
    text: String,
    report: Value,
}

fn run(witnesses: Vec<Witness>, options: &Options) -> Run {
    let result = reconcile(&witnesses, options).expect("the witnesses reconcile");
    // Through a string, exactly as the command line writes it.
    let json = serde_json::to_string_pretty(&result.report).expect("the report serialises");
    Run {
        witnesses,
        text: result.text,
        report: serde_json::from_str(&json).expect("the serialised report parses"),
    }
}

fn corpus_pair() -> &'static Run {
    static RUN: OnceLock<Run> = OnceLock::new();
    RUN.get_or_init(|| {
        let witnesses = [
            "corpus/000_753cd868c64d84a9.txt",
            "corpus/001_f3f1b0a1aca9ea80.txt",
        ]
        .iter()
        .map(|p| read_witness(&repo_path(p)).expect("corpus witness reads"))
        .collect();
        run(witnesses, &Options::default())
    })
}

/// Three short witnesses written to disk and read back, built to exercise the less common
/// parts of the schema: a byte-order mark and CRLF line ends (witness 2), a paragraph-break
/// disagreement (a layout site), a block only one witness has (a page footer), and a site
/// where every witness errs at a different character of 体制改 (its right reading is a
/// candidate no witness reads whole).
fn three_witnesses() -> Vec<Witness> {
    let dir = tempfile::tempdir().expect("temp dir");
    let files: [(&str, &[u8]); 3] = [
        (
            "a.txt",
            "最高人民法院坚持以人民为中心，依法公正审理各类案件。\n\n\
             各级法院深化司法休制改革，提升审判质效。\n\n第二页\n"
                .as_bytes(),
        ),
        (
            "b.txt",
            "最高人民法院坚持以人民为中心，依法公正审理各类案件。\n\n\
             各级法院深化司法体制攻革，提高审判质效。\n"
                .as_bytes(),
        ),
        (
            "c.txt",
            "\u{feff}最高人民法院坚持以人民为中心，依法公正审理各类桉件。\
             各级法院深化司法体刮改革，提升审判质效。\r\n"
                .as_bytes(),
        ),
    ];
    files
        .iter()
        .map(|(name, bytes)| {
            let path = dir.path().join(name);
            std::fs::write(&path, bytes).expect("write witness");
            read_witness(&path).expect("witness reads")
        })
        .collect()
}

fn arr<'a>(v: &'a Value, key: &str) -> &'a Vec<Value> {
    v[key]
        .as_array()
        .unwrap_or_else(|| panic!("{key} is not an array"))
}

fn num(v: &Value, key: &str) -> f64 {
    v[key]
        .as_f64()
        .unwrap_or_else(|| panic!("{key} is not a number in {v}"))
}

fn int(v: &Value, key: &str) -> usize {
    v[key]
        .as_u64()
        .unwrap_or_else(|| panic!("{key} is not a non-negative integer in {v}")) as usize
}

/// `output` as (start, end), after checking start <= end <= `limit`.
fn char_range(item: &Value, limit: usize, what: &str) -> Option<(usize, usize)> {
    let output = &item["output"];
    if output.is_null() {
        return None;
    }
    let (start, end) = (int(output, "start"), int(output, "end"));
    assert!(
        start <= end && end <= limit,
        "{what}: output {start}..{end} is not a range inside the merged text of {limit} chars"
    );
    Some((start, end))
}

/// What the schema cannot say: ranges inside the merged text and the witness files,
/// probabilities that add up, and summary counts that agree with the lists.
fn check_invariants(run: &Run, what: &str) {
    let report = &run.report;
    let out_chars: Vec<char> = run.text.chars().collect();
    let witnesses = arr(report, "witnesses");
    let blocks = arr(report, "blocks");
    let sites = arr(report, "sites");
    let summary = &report["summary"];

    assert_eq!(witnesses.len(), run.witnesses.len(), "{what}: witnesses");
    for (i, w) in witnesses.iter().enumerate() {
        assert_eq!(int(w, "index"), i, "{what}: witness index");
        assert_eq!(
            int(w, "characters"),
            run.witnesses[i].text.chars().count(),
            "{what}: witness {i} characters"
        );
    }

    let mut block_outputs = Vec::new();
    for (b, block) in blocks.iter().enumerate() {
        let here = format!("{what}: block {b}");
        assert_eq!(int(block, "index"), b, "{here}: index");
        block_outputs.push(char_range(block, out_chars.len(), &here));
        for member in arr(block, "witnesses") {
            let w = int(member, "witness");
            assert!(
                w < run.witnesses.len(),
                "{here}: witness {w} does not exist"
            );
            let bytes = run.witnesses[w].text.len();
            for span in arr(member, "spans") {
                let (start, end) = (int(span, "start"), int(span, "end"));
                assert!(
                    start <= end && end <= bytes,
                    "{here}: span {start}..{end} is not inside witness {w} ({bytes} bytes)"
                );
            }
        }
    }

    let min_confidence = num(summary, "min_confidence");
    let mut text_sites = 0;
    let mut flagged = 0;
    let mut confidence_sum = 0.0;
    for (i, site) in sites.iter().enumerate() {
        let here = format!("{what}: site {i}");
        assert_eq!(int(site, "index"), i, "{here}: index");
        let candidates = arr(site, "candidates");
        let chosen = int(site, "chosen_index");
        assert!(
            chosen < candidates.len(),
            "{here}: chosen_index {chosen} but {} candidates",
            candidates.len()
        );
        let total: f64 = candidates.iter().map(|c| num(c, "probability")).sum();
        assert!(
            (total - 1.0).abs() <= 1e-3,
            "{here}: candidate probabilities sum to {total}"
        );
        let confidence = num(site, "confidence");
        let expected =
            num(&candidates[chosen], "probability") * (1.0 - num(site, "no_reading_right"));
        assert!(
            (confidence - expected).abs() <= 2e-4,
            "{here}: confidence {confidence} is not the chosen candidate's probability times the chance that a reading is right ({expected})"
        );
        let chosen_probability = num(&candidates[chosen], "probability");
        assert!(
            candidates
                .iter()
                .all(|c| num(c, "probability") <= chosen_probability),
            "{here}: a candidate is more probable than the chosen one"
        );
        assert_eq!(
            site["chosen"], candidates[chosen]["text"],
            "{here}: chosen is the text of candidates[chosen_index]"
        );
        let mut seen = vec![false; run.witnesses.len()];
        for c in candidates {
            for w in arr(c, "witnesses") {
                let w = w.as_u64().expect("witness index") as usize;
                assert!(w < seen.len(), "{here}: witness {w} does not exist");
                assert!(!seen[w], "{here}: witness {w} supports two candidates");
                seen[w] = true;
            }
        }
        let block = int(site, "block");
        assert!(block < blocks.len(), "{here}: block {block} does not exist");
        let mut members: Vec<usize> = arr(&blocks[block], "witnesses")
            .iter()
            .map(|m| int(m, "witness"))
            .collect();
        members.sort_unstable();
        let supporters: Vec<usize> = (0..seen.len()).filter(|&w| seen[w]).collect();
        assert_eq!(
            supporters, members,
            "{here}: the candidates' witnesses are not the witnesses of block {block}"
        );
        if let Some((start, end)) = char_range(site, out_chars.len(), &here) {
            let written: String = out_chars[start..end].iter().collect();
            assert_eq!(
                written,
                site["chosen"].as_str().expect("chosen is a string"),
                "{here}: the merged text at output is not the chosen reading"
            );
            let (block_start, block_end) = block_outputs[block]
                .unwrap_or_else(|| panic!("{here}: in the output but its block {block} is not"));
            assert!(
                block_start <= start && end <= block_end,
                "{here}: output {start}..{end} outside its block {block_start}..{block_end}"
            );
        }
        let is_flagged = site["flagged"].as_bool().expect("flagged is a boolean");
        match site["kind"].as_str() {
            Some("text") => {
                text_sites += 1;
                confidence_sum += confidence;
                flagged += usize::from(is_flagged);
                // `confidence` is rounded to 4 decimals, `flagged` was decided before rounding.
                if is_flagged {
                    assert!(confidence <= min_confidence + 5e-5, "{here}: flagged");
                } else {
                    assert!(confidence >= min_confidence - 5e-5, "{here}: not flagged");
                }
            }
            Some("layout") => assert!(!is_flagged, "{here}: layout sites are never flagged"),
            other => panic!("{here}: kind {other:?}"),
        }
    }

    let count = |key: &str| int(summary, key);
    assert_eq!(
        count("witnesses"),
        witnesses.len(),
        "{what}: summary.witnesses"
    );
    assert_eq!(count("blocks"), blocks.len(), "{what}: summary.blocks");
    assert_eq!(
        count("blocks_matched") + count("blocks_unmatched") + count("blocks_interrupting"),
        blocks.len(),
        "{what}: blocks by placement"
    );
    assert_eq!(
        count("blocks_left_out"),
        block_outputs.iter().filter(|o| o.is_none()).count(),
        "{what}: summary.blocks_left_out"
    );
    assert_eq!(
        count("variant_sites") + count("layout_sites"),
        sites.len(),
        "{what}: variant_sites + layout_sites"
    );
    assert_eq!(count("variant_sites"), text_sites, "{what}: variant_sites");
    assert_eq!(count("sites_flagged"), flagged, "{what}: sites_flagged");
    assert_eq!(
        count("sites_decided") + count("sites_flagged"),
        text_sites,
        "{what}: sites_decided + sites_flagged"
    );
    // Sums of rounded confidences: allow the rounding of every term.
    let slack = 1e-4 * (text_sites as f64 + 1.0);
    let mean = if text_sites == 0 {
        1.0
    } else {
        confidence_sum / text_sites as f64
    };
    assert!(
        (num(summary, "overall_confidence") - mean).abs() <= slack,
        "{what}: overall_confidence is not the mean of text-site confidences ({mean})"
    );
    let expected = text_sites as f64 - confidence_sum;
    assert!(
        (num(summary, "expected_errors") - expected).abs() <= slack,
        "{what}: expected_errors is not the sum of (1 - confidence) ({expected})"
    );
}

#[test]
fn schema_is_a_valid_draft_2020_12_schema() {
    if let Err(e) = jsonschema::meta::validate(schema()) {
        panic!("docs/report-schema.json is not a valid JSON Schema: {e}");
    }
    assert_eq!(
        schema()["properties"]["schema_version"]["const"],
        reconcile::report::SCHEMA_VERSION,
        "docs/report-schema.json describes another schema_version than src/report.rs"
    );
}

#[test]
fn corpus_pair_report_matches_schema() {
    let run = corpus_pair();
    assert_valid(&run.report, "corpus pair");
    check_invariants(run, "corpus pair");
    assert!(
        !arr(&run.report, "sites").is_empty(),
        "the corpus pair should have variant sites"
    );
}

#[test]
fn three_witness_report_matches_schema() {
    let run = run(three_witnesses(), &Options::default());
    assert_valid(&run.report, "three witnesses");
    check_invariants(&run, "three witnesses");
    let summary = &run.report["summary"];
    // The example is meant to cover these parts of the schema; if the pipeline changes so
    // that it no longer does, change the example rather than dropping the checks.
    assert_eq!(int(summary, "witnesses"), 3);
    assert!(
        int(summary, "layout_sites") >= 1,
        "no layout site: {summary}"
    );
    assert!(
        int(summary, "variant_sites") >= 1,
        "no text site: {summary}"
    );
    assert!(
        int(summary, "blocks_unmatched") >= 1,
        "no unmatched block: {summary}"
    );
    let majority = arr(&run.report, "sites")
        .iter()
        .flat_map(|s| arr(s, "candidates"))
        .find(|c| arr(c, "witnesses").is_empty());
    assert_eq!(
        majority.map(|c| c["text"].as_str()),
        Some(Some("体制改")),
        "no candidate without witnesses"
    );
}

#[test]
fn report_with_blocks_left_out_matches_schema() {
    let options = Options {
        drop_unmatched: true,
        min_confidence: 0.999,
        ..Options::default()
    };
    let run = run(three_witnesses(), &options);
    assert_valid(&run.report, "three witnesses, unmatched blocks dropped");
    check_invariants(&run, "three witnesses, unmatched blocks dropped");
    let blocks = arr(&run.report, "blocks");
    assert!(
        blocks.iter().any(|b| b["output"].is_null()),
        "with drop_unmatched some block should have output null"
    );
}

/// The schema has teeth: reports that differ from what src/report.rs writes are rejected.
#[test]
fn schema_rejects_malformed_reports() {
    let valid = run(three_witnesses(), &Options::default()).report;
    assert_valid(&valid, "three witnesses");

    let mut broken: Vec<(&str, Value)> = Vec::new();
    let mut edit = |what: &'static str, change: &dyn Fn(&mut Value)| {
        let mut report = valid.clone();
        change(&mut report);
        broken.push((what, report));
    };
    edit("site without confidence", &|r| {
        r["sites"][0].as_object_mut().unwrap().remove("confidence");
    });
    edit("summary without sites_flagged", &|r| {
        r["summary"]
            .as_object_mut()
            .unwrap()
            .remove("sites_flagged");
    });
    edit("witness without reliability", &|r| {
        r["witnesses"][0]
            .as_object_mut()
            .unwrap()
            .remove("reliability");
    });
    edit("unknown field in a candidate", &|r| {
        r["sites"][0]["candidates"][0]["votes"] = 0.5.into();
    });
    edit("probability above 1", &|r| {
        r["sites"][0]["candidates"][0]["probability"] = 1.5.into();
    });
    edit("NaN confidence (serde_json writes null)", &|r| {
        r["sites"][0]["confidence"] = Value::Null;
    });
    edit("unknown placement", &|r| {
        r["blocks"][0]["placement"] = "moved".into();
    });
    edit("unknown site kind", &|r| {
        r["sites"][0]["kind"] = "punctuation".into();
    });
    edit("negative character offset", &|r| {
        r["sites"][0]["output"]["start"] = (-1).into();
    });
    edit("schema_version 2", &|r| r["schema_version"] = 2.into());

    for (what, report) in &broken {
        assert!(
            !validator().is_valid(report),
            "the schema accepts a report with a {what}"
        );
    }
    // The error names the missing field.
    let errors = violations(&broken[0].1);
    assert!(
        errors.contains("confidence"),
        "error does not name the missing field: {errors}"
    );
}
