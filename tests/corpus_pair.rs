//! The corpus court-report pair: the known fixes, layout debris, and snapshots of the
//! merged text and of every decided site.

mod common;
use common::*;

#[test]
fn quanjian_is_restored_from_the_reliable_witness() {
    let result = court_pair();
    assert!(
        result.text.contains("审结权健传销案等涉众型经济犯罪案件"),
        "merged text lacks the 权健 fix"
    );
    assert!(!result.text.contains("审结侵权传销案"));
}

#[test]
fn supreme_procuratorate_is_restored_from_the_reliable_witness() {
    let result = court_pair();
    assert!(
        result
            .text
            .contains("会同最高人民检察院出台惩治虚假诉讼意见")
    );
    assert!(!result.text.contains("会同最高人民法院出台惩治虚假诉讼意见"));
}

#[test]
fn the_fixes_follow_from_reliability_not_from_the_language_model() {
    let report = court_pair().report;
    let site = report
        .sites
        .iter()
        .find(|s| s.chosen == "权健")
        .expect("a site decides 权健");
    assert!(
        site.reason.contains("more reliable witness"),
        "{}",
        site.reason
    );
    // The language model alone prefers 侵权 here; reliability must carry the decision.
    let lm_of = |t: &str| {
        site.candidates
            .iter()
            .find(|c| c.text == t)
            .unwrap()
            .evidence
            .language_model
    };
    assert!(lm_of("权健") < lm_of("侵权"));
    let (a, b) = (&report.witnesses[0], &report.witnesses[1]);
    assert!(
        b.reliability > a.reliability + 0.2,
        "{} vs {}",
        a.reliability,
        b.reliability
    );
}

#[test]
fn running_header_does_not_split_the_384_sentence() {
    let result = court_pair();
    let text = &result.text;
    let sentence = "依法宣告656名公诉案件被告人和384名自诉案件被告人无罪";
    let at = text.find(sentence).expect("the 384 sentence is whole");
    // The header only one witness has is kept, but after the paragraph it interrupted.
    let header = text
        .find("最高人民法院工作报告")
        .expect("header kept as an unmatched block");
    assert!(header > at);
    let paragraph_end = at + text[at..].find("\n\n").unwrap();
    assert!(header > paragraph_end);
    let interrupting: Vec<_> = result
        .report
        .blocks
        .iter()
        .filter(|b| b.placement == "interrupting")
        .collect();
    assert_eq!(
        interrupting.len(),
        3,
        "title, date line and signature of the running header"
    );
}

#[test]
fn page_continuation_markers_are_left_out() {
    // 000 prints two on lines of their own, 001 one beside the text ("…集体、 下转第五版").
    let text = court_pair().text;
    assert!(!text.contains("转第"), "a continuation marker is left in");
    assert!(text.contains("新时代好法官好干部，458个集体、\n"));
}

#[test]
fn blocks_only_one_witness_has_can_be_left_out() {
    let options = reconcile::Options {
        drop_unmatched: true,
        ..Default::default()
    };
    let result = reconcile::reconcile(&[witness(COURT_A), witness(COURT_B)], &options).unwrap();
    assert!(!result.text.contains("最高人民法院工作报告"));
    assert!(
        !result.text.contains("最高人民检察院检察长"),
        "the other report 000 carries is dropped"
    );
    assert!(result.text.contains("审结权健传销案"));
    assert!(result.report.summary.blocks_left_out > 0);
}

#[test]
fn output_keeps_surface_forms_and_drops_hard_wraps() {
    let text = court_pair().text;
    // Full-width punctuation of the witnesses survives; no line inside a paragraph.
    assert!(text.contains(
        "现在，我代表最高人民法院，向大会报告工作，请予审议，并请全国政协各位委员提出意见。"
    ));
    assert!(
        !text.contains('\u{3000}'),
        "indentation is layout, not text"
    );
    for paragraph in text.split("\n\n") {
        assert!(
            !paragraph.trim_end_matches('\n').contains('\n'),
            "{paragraph}"
        );
    }
}

#[test]
fn every_site_has_a_probability_and_flags_follow_the_threshold() {
    let report = court_pair().report;
    assert!(
        report.summary.variant_sites >= 25,
        "{}",
        report.summary.variant_sites
    );
    for site in &report.sites {
        assert!((0.0..=1.0).contains(&site.confidence));
        assert_eq!(site.flagged, site.kind == "text" && site.confidence < 0.9);
        let total: f64 = site.candidates.iter().map(|c| c.probability).sum();
        assert!((total - 1.0).abs() < 1e-3);
    }
}

fn snapshot_settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings
}

#[test]
fn snapshot_merged_court_report() {
    let text = court_pair().text;
    snapshot_settings().bind(|| insta::assert_snapshot!("court_pair_merged", text));
}

#[test]
fn snapshot_decided_sites() {
    let report = court_pair().report;
    let lines: Vec<String> = report
        .sites
        .iter()
        .map(|s| {
            let readings: Vec<String> = s
                .candidates
                .iter()
                .map(|c| {
                    format!(
                        "{}{:?}",
                        if c.text.is_empty() { "∅" } else { &c.text },
                        c.witnesses
                    )
                })
                .collect();
            format!(
                "{:>3} {}…[{}]…{} -> {} ({:.2}){}",
                s.index,
                s.context_before
                    .chars()
                    .rev()
                    .take(6)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect::<String>()
                    .replace('\n', "⏎"),
                readings.join(" | "),
                s.context_after
                    .chars()
                    .take(6)
                    .collect::<String>()
                    .replace('\n', "⏎"),
                if s.chosen.is_empty() {
                    "∅"
                } else {
                    &s.chosen
                },
                s.confidence,
                if s.flagged { " flagged" } else { "" }
            )
        })
        .collect();
    let listing = lines.join("\n").replace("\n\n", "⏎");
    snapshot_settings().bind(|| insta::assert_snapshot!("court_pair_sites", listing));
}
