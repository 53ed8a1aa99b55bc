//! Three witnesses, English text, and hard-wrapped layouts.

mod common;
use common::*;
use reconcile::{Options, reconcile};

const TRUTH_ZH: &str = "第一段。人民法院依法审理各类案件，切实维护人民群众合法权益，促进社会公平正义。\n\n第二段。各级法院坚持司法为民，深化诉讼服务改革，让群众少跑腿、好办事。\n\n第三段。加强知识产权司法保护，服务创新驱动发展战略，营造良好营商环境。\n";

/// Reconcile texts as witnesses named a, b, c, … with the default options.
fn reconcile_texts(texts: &[&str]) -> reconcile::Reconciliation {
    let names = ["a", "b", "c", "d"];
    let witnesses: Vec<_> = texts
        .iter()
        .zip(names)
        .map(|(t, n)| witness_from(n, t))
        .collect();
    reconcile(&witnesses, &Options::default()).unwrap()
}

#[test]
fn three_witnesses_outvote_each_others_errors() {
    // Each witness has its own errors; every error is outvoted by the two others.
    let a = TRUTH_ZH
        .replace("维护人民", "维护入民")
        .replace("少跑腿", "少跑");
    let b = TRUTH_ZH
        .replace("公平正义", "公平正意")
        .replace("营造良好", "营造良");
    let c = TRUTH_ZH
        .replace("深化诉讼", "深化诉松")
        .replace("创新驱动", "创新驱功");
    let result = reconcile_texts(&[&a, &b, &c]);
    assert_eq!(result.text, TRUTH_ZH);
    assert_eq!(result.report.summary.variant_sites, 6);
    for site in &result.report.sites {
        let chosen = &site.candidates[site.chosen_index];
        assert_eq!(
            chosen.witnesses.len(),
            2,
            "the majority reading wins: {}",
            site.reason
        );
        assert!(
            site.confidence > 0.9,
            "majority sites should be confident: {}",
            site.confidence
        );
    }
}

#[test]
fn neighbouring_errors_of_three_witnesses_are_outvoted_column_by_column() {
    // Each witness errs at a different character of 促进社会: their differences are one
    // site, and every witness's reading there is wrong. What most witnesses read at each
    // character is right, though no witness reads it whole.
    let a = TRUTH_ZH.replace("促进社会", "捉进社会");
    let b = TRUTH_ZH.replace("促进社会", "促近社会");
    let c = TRUTH_ZH.replace("促进社会", "促进杜会");
    let result = reconcile_texts(&[&a, &b, &c]);
    assert_eq!(result.text, TRUTH_ZH);
    let site = &result.report.sites[0];
    let chosen = &site.candidates[site.chosen_index];
    assert_eq!(chosen.text, "促进社");
    assert!(chosen.witnesses.is_empty(), "{site:?}");
    assert_eq!(site.candidates.len(), 4);
    assert!(
        site.reason.contains("none reads it whole"),
        "{}",
        site.reason
    );
}

#[test]
fn the_column_majority_does_not_depend_on_the_witness_order() {
    // The 促进社会 site above in every order of the witnesses: the same text, the same
    // confidence, and each witness the same error rate. (A property check: the order-dependent
    // case that the per-member column count fixed, two members of one reading cut into
    // columns differently, was not reached by any input tried, 400 random four- and
    // five-witness sets included.)
    let a = TRUTH_ZH.replace("促进社会", "捉进社会");
    let b = TRUTH_ZH.replace("促进社会", "促近社会");
    let c = TRUTH_ZH.replace("促进社会", "促进杜会");
    let texts = [a.as_str(), b.as_str(), c.as_str()];
    let first = reconcile_texts(&texts);
    for order in [[0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]] {
        let permuted: Vec<&str> = order.iter().map(|&i| texts[i]).collect();
        let result = reconcile_texts(&permuted);
        assert_eq!(result.text, first.text, "order {order:?}");
        let (site, before) = (&result.report.sites[0], &first.report.sites[0]);
        assert_eq!(site.chosen, before.chosen, "order {order:?}");
        assert!(
            (site.confidence - before.confidence).abs() < 1e-9,
            "order {order:?}: {} vs {}",
            site.confidence,
            before.confidence
        );
        for (k, &i) in order.iter().enumerate() {
            let (now, then) = (
                result.decisions.reliability[k],
                first.decisions.reliability[i],
            );
            assert!(
                (now - then).abs() < 1e-9,
                "order {order:?}: {now} vs {then}"
            );
        }
    }
}

#[test]
fn a_paragraph_break_most_witnesses_have_is_kept() {
    // Each witness lacks a different one of three paragraph breaks; each break is outvoted
    // back in, and these layout disagreements are not counted as variant sites.
    let truth = "甲。\n\n乙。\n\n丙。\n\n丁。\n";
    let a = "甲。乙。\n\n丙。\n\n丁。\n";
    let b = "甲。\n\n乙。丙。\n\n丁。\n";
    let c = "甲。\n\n乙。\n\n丙。丁。\n";
    let result = reconcile_texts(&[a, b, c]);
    assert_eq!(result.text, truth);
    assert_eq!(result.report.summary.variant_sites, 0);
    assert_eq!(result.report.sites.len(), 3);
}

#[test]
fn three_witnesses_with_the_corpus_pair() {
    // A third witness: 001 with two errors of its own, which 000 and 001 outvote, while the
    // third agrees with 001 where 000 is wrong.
    let b = witness(COURT_B);
    let c_text = b.text.replacen("化危为机", "化危为基", 1).replacen(
        "疫情防控取得重大战略成果",
        "疫情防控取得重大战果",
        1,
    );
    assert_ne!(c_text, b.text);
    let result = reconcile(
        &[witness(COURT_A), b, witness_from("c", &c_text)],
        &Options::default(),
    )
    .unwrap();
    let text = squeeze(&result.text);
    assert!(text.contains("化危为机"));
    assert!(text.contains("疫情防控取得重大战略成果"));
    assert!(text.contains("审结权健传销案等涉众型经济犯罪案件"));
    assert!(text.contains("会同最高人民检察院出台惩治虚假诉讼意见"));
    let quanjian = result
        .report
        .sites
        .iter()
        .find(|s| s.chosen == "权健")
        .unwrap();
    assert!(
        quanjian.confidence > 0.9,
        "two witnesses against one: {}",
        quanjian.confidence
    );
}

const TRUTH_EN: &str = "The Supreme People's Procuratorate delivered a report on its work to the first meeting of the National People's Congress on the afternoon of the seventh.\n\nOver the past five years, the procuratorial organs handled a large number of criminal cases and strengthened the protection of the legitimate rights and interests of the people.\n\nThe report said that prosecutors will continue to improve the quality and efficiency of case handling, and serve the modernisation of the national governance system.\n";

/// Hard-wrap text at `width` columns, hyphenating one long word at a line end.
fn hard_wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    for paragraph in text.split("\n\n") {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            if !line.is_empty() && line.len() + 1 + word.len() > width {
                out.push_str(&line);
                out.push('\n');
                line.clear();
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        out.push_str(&line);
        out.push_str("\n\n");
    }
    out
}

#[test]
fn english_pair_with_ocr_errors_and_hard_wraps() {
    // Witness b is an OCR copy: hard-wrapped at 40 columns with OCR confusions.
    let a = TRUTH_EN.to_string();
    let b = hard_wrap(
        &TRUTH_EN
            .replace("modernisation", "rnodernisation")
            .replace("criminal", "crirninal")
            .replace("legitimate", "1egitimate"),
        40,
    );
    let result = reconcile(
        &[witness_from("a", &a), witness_from("b", &b)],
        &Options::default(),
    )
    .unwrap();
    assert_eq!(result.text, TRUTH_EN);
    assert_eq!(result.report.summary.blocks_matched, 3);
    assert_eq!(result.report.summary.variant_sites, 3);
    assert!(
        result.report.witnesses[1]
            .layout
            .starts_with("hard-wrapped")
    );
}

#[test]
fn english_word_split_by_a_line_end_hyphen_is_joined() {
    let a = TRUTH_EN.to_string();
    let wrapped =
        hard_wrap(TRUTH_EN, 44).replacen("procuratorial organs", "procura-\ntorial organs", 1);
    let result = reconcile(
        &[witness_from("a", &a), witness_from("b", &wrapped)],
        &Options::default(),
    )
    .unwrap();
    assert_eq!(result.text, TRUTH_EN);
    assert_eq!(result.report.summary.variant_sites, 0);
}

#[test]
fn two_witnesses_erring_a_character_apart_are_mixed() {
    // Neither witness reads "status of" whole: one dropped the s, the other misread the o.
    // Their differences are one site; the reading taken from both, character by character,
    // is a candidate too, and the language model finds it.
    let truth = "The committee reviewed the status of the agreement and reported to the council.\n\nThe council approved the report without amendment.\n";
    let a = truth.replace("status of", "statu of");
    let b = truth.replace("status of", "status af");
    let result = reconcile_texts(&[&a, &b]);
    let site = &result.report.sites[0];
    assert_eq!(result.text, truth, "{site:#?}");
    let chosen = &site.candidates[site.chosen_index];
    assert!(chosen.witnesses.is_empty(), "{:?}", site.candidates);
    // Both witnesses' readings are candidates beside the mixes.
    assert_eq!(
        site.candidates
            .iter()
            .filter(|c| !c.witnesses.is_empty())
            .count(),
        2
    );
    assert!(chosen.probability > 0.5, "{site:#?}");
}

#[test]
fn a_transposition_is_not_mixed() {
    // 造良 read as 良造: one error, whose pieces (造良造, 良) would only double or drop a
    // character.
    let a = TRUTH_ZH.replace("营造良好", "营良造好");
    let result = reconcile_texts(&[TRUTH_ZH, &a]);
    assert!(!result.report.sites.is_empty());
    for site in &result.report.sites {
        assert!(
            site.candidates.iter().all(|c| !c.witnesses.is_empty()),
            "{:?}",
            site.candidates
        );
    }
}

/// Two witnesses: `line`, with `word` read as `readings[i]` by witness i, then a blank line
/// and five thousand characters of the UDHR's articles copied with `rates[i]` simulated
/// noise (seed 7), by which the votes learn how reliable each witness is.
fn line_before_noisy_udhr(
    line: &str,
    word: &str,
    readings: [&str; 2],
    rates: [f64; 2],
) -> [String; 2] {
    let udhr = std::fs::read_to_string(repo_path("bench/texts/udhr_en.txt")).unwrap();
    let articles: String = udhr[udhr.find("Article 1").unwrap()..]
        .chars()
        .take(5000)
        .collect();
    let noisy = reconcile::simulate::simulate(&articles, &rates, 7, false);
    [0, 1].map(|i| format!("{}\n\n{}", line.replace(word, readings[i]), noisy[i].text))
}

#[test]
fn a_word_both_witnesses_garbled_is_spelled_from_the_word_list() {
    // One witness misreads the second "a" of "against" as "o", the other drops it; after
    // it, each copies the UDHR with 3% simulated noise, so the votes know them as the 3%
    // witnesses they are. At "against" neither reading, nor any
    // mix of them, is a word: the word list's likeliest word within two edits of both is a
    // candidate no witness wrote, and the language model finds it.
    let line = "Whereas it is essential, if man is not to be compelled to have recourse, as a last resort, to rebellion against tyranny and oppression, that human rights should be protected by the rule of law,";
    let [a, b] = line_before_noisy_udhr(line, "against", ["agoinst", "aginst"], [0.03, 0.03]);
    for texts in [[a.as_str(), b.as_str()], [b.as_str(), a.as_str()]] {
        let result = reconcile_texts(&texts);
        assert!(result.text.starts_with(line), "{}", result.text);
        let site = &result.report.sites[0];
        let chosen = &site.candidates[site.chosen_index];
        assert!(chosen.spelled && chosen.witnesses.is_empty(), "{site:#?}");
        assert_eq!(chosen.text, "a");
        assert!(site.reason.starts_with("the known word"), "{}", site.reason);
    }
}

#[test]
fn a_garbled_word_is_spelled_as_the_word_likeliest_to_have_been_garbled_so() {
    // Each witness made one error in "right" and one in "to". Within two edits of "rjght"
    // and "rght" lie "rights" (two edits from each, and more frequent in the word list) and
    // "right" (one from each): the spelled word is the one that explains both readings with
    // fewer errors. Of the words one edit from "fo" and "o", "of" is the likeliest, but it
    // would change the context ("of take"), not the site: the spelled word is the likeliest
    // that changes only the site. The noisy copies write "fo" and "o" elsewhere too (as
    // garbles of other words, never both at one place): that does not make them words.
    let line = "Everyone has the right to take part in the government of his country, directly or through freely chosen representatives.";
    let [a, b] = line_before_noisy_udhr(line, "right to", ["rjght fo", "rght o"], [0.03, 0.03]);
    let elsewhere = |text: &str, word: &str| text.matches(&format!(" {word} ")).count();
    assert!(elsewhere(&a, "fo") + elsewhere(&b, "fo") > 1 && elsewhere(&b, "o") > 1);
    for texts in [[a.as_str(), b.as_str()], [b.as_str(), a.as_str()]] {
        let result = reconcile_texts(&texts);
        for site in &result.report.sites[..2] {
            let chosen = &site.candidates[site.chosen_index];
            assert!(chosen.spelled, "{site:#?}");
        }
        assert!(result.text.starts_with(line), "{}", result.text);
    }
}

#[test]
fn two_errors_in_one_word_are_read_each_with_the_others_other_reading() {
    // The more reliable witness (1% noise around it, against 5%) misreads "democratic" twice,
    // as "dcmocratsic"; the other reads it right. Each of the two sites, read with the
    // reliable witness's reading at the other, is an unknown word either way, and the votes
    // choose the reliable witness's reading at both. Read with the other site's other
    // reading, "democratic" is a word, and both sites are repaired.
    let line = "Everyone, as a member of society, has the right to live in a democratic society and to the free development of his personality.";
    let [a, b] = line_before_noisy_udhr(
        line,
        "democratic",
        ["dcmocratsic", "democratic"],
        [0.01, 0.05],
    );
    for texts in [[a.as_str(), b.as_str()], [b.as_str(), a.as_str()]] {
        let result = reconcile_texts(&texts);
        let start: String = result.text.chars().take(200).collect();
        assert!(result.text.starts_with(line), "{start}");
    }
}

const PRIVACY_EN: &str = "No one shall be subjected to arbitrary interference with his privacy, family, home or correspondence, nor to attacks upon his honour and reputation.\n";

#[test]
fn a_long_word_is_read_whole_by_the_language_model() {
    // The swapped letters sit ten letters into "responsibilities": eight symbols of context
    // would show the model "nsibilities" against "nsibiilties", two unknown words, and leave
    // the choice to a tie, which key order gives to the wrong "il".
    let truth = "Everyone has duties to the community and shares its responsibilities.\n";
    let wrong = truth.replace("responsibilities", "responsibiilties");
    for texts in [[truth, wrong.as_str()], [wrong.as_str(), truth]] {
        let result = reconcile_texts(&texts);
        assert_eq!(result.text, truth);
    }
}

#[test]
fn a_site_is_read_with_the_chosen_reading_of_its_neighbour() {
    // Each witness has one error in "correspondence": one swaps "de", the other writes "b"
    // for "p". Read with the first witness's "ed" beside it, the "b"/"p" site is two unknown
    // words either way; once the "de" site is decided, it is "correspondence" against
    // "corresbondence". The first witness is the longer one (an extra doubled letter far
    // away), so the context read first is its reading.
    let a = PRIVACY_EN
        .replace("correspondence", "corresponednce")
        .replace("arbitrary", "arbitrarry");
    let b = PRIVACY_EN.replace("correspondence", "corresbondence");
    for texts in [[a.as_str(), b.as_str()], [b.as_str(), a.as_str()]] {
        let result = reconcile_texts(&texts);
        assert!(result.text.contains(" correspondence,"), "{}", result.text);
    }
}

// Spaces: where two readings differ only by a space, the language model sees the same words
// either way, and what decides is how the documents themselves space those characters.

/// `text` with the fourth letter of the first occurrence of each of `words` dropped: a witness
/// that errs where the other does not, so that the other is the more reliable one.
fn drop_fourth_letter(text: &str, words: &[&str]) -> String {
    let mut noisy = text.to_string();
    for word in words {
        let slip = format!("{}{}", &word[..3], &word[4..]);
        noisy = noisy.replacen(word, &slip, 1);
    }
    assert_ne!(noisy, text, "the slips must land");
    noisy
}

/// A list that never spaces after its commas, one item a line, in a text that is otherwise
/// prose.
const UNSPACED_LISTS_EN: &str = "The inventory of the northern store lists these goods, counted on the first of the month.\n\napples,pears,plums,cherries,quinces\n\nflour,salt,sugar,honey,vinegar\n\nrope,nails,canvas,tar,lamp oil\n\nThe keeper signed the inventory and sent a copy to the council.\n";

#[test]
fn a_space_after_a_comma_is_dropped_where_the_documents_never_write_one() {
    // The space prior alone prefers the reading with a space (a dropped space is likelier
    // than an added one); the witnesses' commas are never followed by one.
    let spaced = UNSPACED_LISTS_EN.replace("salt,sugar", "salt, sugar");
    for texts in [
        [UNSPACED_LISTS_EN, spaced.as_str()],
        [spaced.as_str(), UNSPACED_LISTS_EN],
    ] {
        let result = reconcile_texts(&texts);
        assert_eq!(result.text, UNSPACED_LISTS_EN);
    }
}

#[test]
fn a_space_after_a_comma_is_kept_where_the_documents_always_write_one() {
    // The witness without the space is the more reliable one elsewhere (the other drops a
    // letter in three words), so its vote leans against the space; the documents space every
    // other comma.
    let udhr = std::fs::read_to_string(repo_path("bench/texts/udhr_en.txt")).unwrap();
    let truth: String = udhr.split_inclusive('\n').take(11).collect();
    let (comma, _) = truth.match_indices(", ").nth(5).expect("six commas");
    let unspaced = format!("{}{}", &truth[..comma + 1], &truth[comma + 2..]);
    let noisy = drop_fourth_letter(&truth, &["Declaration", "recognition", "inherent"]);
    for texts in [
        [unspaced.as_str(), noisy.as_str()],
        [noisy.as_str(), unspaced.as_str()],
    ] {
        let result = reconcile_texts(&texts);
        assert_eq!(result.text, truth);
    }
}

/// Prose with several sentences to a paragraph.
const SENTENCES_EN: &str = "The lighthouse stands on the northern cape. Its keeper climbs the stairs every evening. In winter the storms are long, and the lamp burns all night. The fishermen trust it more than their charts.\n\nA road runs from the cape to the harbour, and a cart brings oil once a month. The keeper writes the weather in a book. His daughter reads it to the fishermen when they come ashore. Nobody has ever missed a night.\n\nThe council pays for the oil. It has never paid for the road. When the road floods, the keeper walks. He says the walk is good for him.\n";

#[test]
fn a_comma_read_as_a_full_stop_before_a_small_letter_is_put_back() {
    // As for the spaces above: the witness with the full stop is the more reliable one
    // elsewhere, and the language model reads the same words either way; the documents
    // write a small letter after a comma and a capital after a full stop.
    let truth = SENTENCES_EN;
    let stop = truth.replacen("harbour, and", "harbour. and", 1);
    assert_ne!(stop, truth);
    let noisy = drop_fourth_letter(truth, &["lighthouse", "northern", "fishermen"]);
    for texts in [
        [stop.as_str(), noisy.as_str()],
        [noisy.as_str(), stop.as_str()],
    ] {
        let result = reconcile_texts(&texts);
        assert_eq!(result.text, truth);
    }
}
