//! Known fixes: the reviewed decisions for the corpus (corpus/known-fixes.json), applied by
//! `--decisions`. Each fix is asserted with and without the decisions; snapshots guard the
//! reviewed output; decisions survive small changes in the witnesses, and one that matches
//! nothing is reported.

mod common;
use common::*;
use reconcile::report::{Report, SiteInfo};
use reconcile::review::{DECIDED_BY_REVIEWER, Decision, ReviewerDecisions};

/// Each known fix: the text the output must contain, what it must not contain, and the
/// reading chosen at the site.
const FIXES: [(&str, &str, &str); 4] = [
    ("脱贫攻坚战取得全面胜利", "脱贫攻坚取得全面胜利", "战"),
    (
        "一、坚决维护国家安全和社会稳定",
        "一、坚决维护国家和社会稳定",
        "安全",
    ),
    (
        "审结权健传销案等涉众型经济犯罪案件",
        "审结侵权传销案",
        "权健",
    ),
    (
        "会同最高人民检察院出台惩治虚假诉讼意见",
        "会同最高人民法院出台惩治虚假诉讼意见",
        "检察",
    ),
];

/// The one site that reads `reading` inside `fix`, its report context agreeing with the
/// rest of `fix` (the context is 12 characters each side, the fix may be longer).
fn site_of<'a>(report: &'a Report, fix: &str, reading: &str) -> &'a SiteInfo {
    let at = fix.find(reading).expect("the fix contains its reading");
    let (before, after) = (&fix[..at], &fix[at + reading.len()..]);
    let found: Vec<&SiteInfo> = report
        .sites
        .iter()
        .filter(|s| {
            s.chosen == reading
                && (s.context_before.ends_with(before) || before.ends_with(&s.context_before))
                && (s.context_after.starts_with(after) || after.starts_with(&s.context_after))
        })
        .collect();
    assert_eq!(found.len(), 1, "one site makes {fix}");
    found[0]
}

#[test]
fn a_wrapped_line_stopping_short_mid_word_does_not_end_the_paragraph() {
    // Witness 001 wraps at 20 characters; one line stops at 17, between 干 and 部.
    let result = court_pair();
    assert!(result.text.contains("新时代好法官好干部，458个集体"));
    assert!(!result.text.contains("好干\n"));
}

#[test]
fn known_fixes_file_loads_and_names_each_fix() {
    let fixes = known_fixes();
    assert_eq!(fixes.decisions.len(), FIXES.len());
    for (d, (_, _, reading)) in fixes.decisions.iter().zip(FIXES) {
        assert_eq!(d.choose.as_deref(), Some(reading));
    }
}

#[test]
fn without_decisions_the_fixes_come_from_the_model_and_stay_doubtful() {
    let result = court_pair();
    for (fix, wrong, reading) in FIXES {
        assert!(result.text.contains(fix), "missing {fix}");
        assert!(!result.text.contains(wrong), "still has {wrong}");
        let site = site_of(&result.report, fix, reading);
        assert!(site.confidence < 1.0, "{fix}: {}", site.confidence);
        assert_ne!(site.reason, DECIDED_BY_REVIEWER);
    }
    assert_eq!(result.report.summary.reviewer_decisions, 0);
    assert!(result.report.unmatched_decisions.is_empty());
}

#[test]
fn with_decisions_every_fix_is_decided_by_the_reviewer() {
    let plain = court_pair();
    let result = court_pair_with(known_fixes());
    for (fix, wrong, reading) in FIXES {
        assert!(result.text.contains(fix), "missing {fix}");
        assert!(!result.text.contains(wrong), "still has {wrong}");
        let site = site_of(&result.report, fix, reading);
        assert_eq!(site.confidence, 1.0, "{fix}");
        assert_eq!(site.reason, DECIDED_BY_REVIEWER, "{fix}");
        assert!(!site.flagged, "{fix}");
        assert_eq!(site.candidates[site.chosen_index].probability, 1.0);
    }
    let s = &result.report.summary;
    assert_eq!(
        (
            s.reviewer_decisions,
            s.reviewer_decisions_applied,
            s.reviewer_decisions_unmatched
        ),
        (4, 4, 0)
    );
    assert!(result.report.unmatched_decisions.is_empty());
    // The fixed sites that the model had flagged are no longer flagged.
    let flagged_fixes = FIXES
        .iter()
        .filter(|(fix, _, reading)| site_of(&plain.report, fix, reading).flagged)
        .count();
    assert_eq!(
        s.sites_flagged,
        plain.report.summary.sites_flagged - flagged_fixes
    );
    // No other site was touched.
    let decided = result
        .report
        .sites
        .iter()
        .filter(|s| s.reason == DECIDED_BY_REVIEWER)
        .count();
    assert_eq!(decided, 4);
}

fn decision(before: &str, after: &str, readings: &[&str], choose: &str) -> Decision {
    Decision {
        site: None,
        before: before.into(),
        after: after.into(),
        readings: readings.iter().map(|r| r.to_string()).collect(),
        choose: Some(choose.into()),
        correction: None,
        note: None,
    }
}

#[test]
fn a_decision_overrides_the_model_and_changes_the_text() {
    // The reviewer picks the other reading at the 权健 site: the output must follow.
    let result = court_pair_with(ReviewerDecisions {
        decisions: vec![decision(
            "底下的安全。审结",
            "传销案等涉众型经",
            &["侵权", "权健"],
            "侵权",
        )],
    });
    assert!(result.text.contains("审结侵权传销案"));
    assert!(!result.text.contains("审结权健传销案"));
    assert_eq!(result.report.summary.reviewer_decisions_applied, 1);
}

#[test]
fn a_decision_whose_context_changed_slightly_still_applies() {
    // Both witnesses now read 传销大案 after the site: the decision's context differs by two
    // of sixteen characters, and the fuzzy match finds the site. The decision picks the
    // reading the model would not, so only the decision can explain the output.
    let edit = |path: &str| {
        let w = witness(path);
        assert_eq!(w.text.matches("传销案等涉众型").count(), 1, "{path}");
        witness_from(
            &w.label,
            &w.text.replace("传销案等涉众型", "传销大案等涉众型"),
        )
    };
    let decisions = ReviewerDecisions {
        decisions: vec![decision(
            "底下的安全。审结",
            "传销案等涉众型经",
            &["侵权", "权健"],
            "侵权",
        )],
    };
    let options = reconcile::Options {
        reviewer_decisions: Some(decisions),
        ..Default::default()
    };
    let result = reconcile::reconcile(&[edit(COURT_A), edit(COURT_B)], &options).unwrap();
    assert!(
        result.text.contains("审结侵权传销大案"),
        "the decision applied"
    );
    let site = result
        .report
        .sites
        .iter()
        .find(|s| s.chosen == "侵权")
        .unwrap();
    assert_eq!(site.key_after, "传销大案等涉众型");
    assert_eq!(site.reason, DECIDED_BY_REVIEWER);
    assert_eq!(result.report.summary.reviewer_decisions_applied, 1);
    assert!(result.report.unmatched_decisions.is_empty());

    // Without the decision the same edited witnesses give the model's reading.
    let plain = reconcile::reconcile(&[edit(COURT_A), edit(COURT_B)], &Default::default()).unwrap();
    assert!(plain.text.contains("审结权健传销大案"));
}

#[test]
fn a_decision_that_matches_nothing_is_reported_unmatched() {
    let mut fixes = known_fixes();
    fixes.decisions.push(decision(
        "这段上下文在文中",
        "根本就不存在啊",
        &["甲", "乙"],
        "乙",
    ));
    // Right context, but a reading no witness has any more.
    fixes.decisions.push(decision(
        "治网络抄袭。会同",
        "人民法院出台惩治",
        &["最低", "最小"],
        "最低",
    ));
    let result = court_pair_with(fixes);
    let s = &result.report.summary;
    assert_eq!(
        (
            s.reviewer_decisions,
            s.reviewer_decisions_applied,
            s.reviewer_decisions_unmatched
        ),
        (6, 4, 2)
    );
    let unmatched = &result.report.unmatched_decisions;
    assert_eq!(unmatched.len(), 2);
    assert_eq!(unmatched[0].decision.before, "这段上下文在文中");
    assert_eq!(unmatched[0].why, "no site has this context any more");
    assert_eq!(unmatched[1].decision.choose.as_deref(), Some("最低"));
    // The known fixes still apply.
    for (fix, _, _) in FIXES {
        assert!(result.text.contains(fix));
    }
    // The report lists the unmatched decisions in the decisions format, with why.
    let json = serde_json::to_value(&result.report).unwrap();
    assert_eq!(json["unmatched_decisions"][0]["choose"], "乙");
    assert_eq!(
        json["unmatched_decisions"][0]["why"],
        "no site has this context any more"
    );
}

#[test]
fn a_free_correction_is_written_and_reported_as_a_reading_without_witnesses() {
    let mut d = decision(
        "底下的安全。审结",
        "传销案等涉众型经",
        &["侵权", "权健"],
        "",
    );
    d.choose = None;
    d.correction = Some("某公司".into());
    let result = court_pair_with(ReviewerDecisions { decisions: vec![d] });
    assert!(result.text.contains("审结某公司传销案"));
    let site = result
        .report
        .sites
        .iter()
        .find(|s| s.chosen == "某公司")
        .expect("the corrected site");
    let last = site.candidates.last().unwrap();
    assert_eq!(site.chosen_index, site.candidates.len() - 1);
    assert_eq!(
        (last.text.as_str(), last.witnesses.len(), last.probability),
        ("某公司", 0, 1.0)
    );
    assert_eq!(site.confidence, 1.0);
    let total: f64 = site.candidates.iter().map(|c| c.probability).sum();
    assert!((total - 1.0).abs() < 1e-9);
}

#[test]
fn snapshot_reviewed_court_report() {
    let result = court_pair_with(known_fixes());
    snapshot_settings().bind(|| insta::assert_snapshot!("court_pair_reviewed_merged", result.text));
}

#[test]
fn snapshot_reviewed_sites() {
    let report = court_pair_with(known_fixes()).report;
    let lines: Vec<String> = report
        .sites
        .iter()
        .map(|s| {
            let readings: Vec<String> = s
                .candidates
                .iter()
                .map(|c| {
                    if c.text.is_empty() {
                        "∅".to_string()
                    } else {
                        c.text.clone()
                    }
                })
                .collect();
            format!(
                "{:>3} {}[{}]{} -> {} ({:.2}) {}",
                s.index,
                s.key_before,
                readings.join("|"),
                s.key_after,
                if s.chosen.is_empty() {
                    "∅"
                } else {
                    &s.chosen
                },
                s.confidence,
                if s.reason == DECIDED_BY_REVIEWER {
                    "REVIEWED"
                } else if s.flagged {
                    "flagged"
                } else {
                    ""
                }
            )
        })
        .collect();
    snapshot_settings()
        .bind(|| insta::assert_snapshot!("court_pair_reviewed_sites", lines.join("\n")));
}
