//! Human review (issue 4): the review page and the terminal table of flagged sites, and
//! reviewer decisions (`decisions.json`, format in docs/decisions.md), applied after the
//! automatic decisions as known fixes.
//!
//! A decision is keyed by the folded context around its site (`Site::left_context` and
//! `Site::right_context`), never by offsets, so it survives re-runs and small changes in
//! the witnesses: first every site whose context is exactly the decision's takes it; a
//! decision that finds none goes to the one site whose context is most similar, if the
//! similarity reaches [`FUZZY_MIN_SIMILARITY`] and the site can take the decision (the
//! chosen reading is among its readings, or, for a free correction, it shares a reading with
//! the decision).

use crate::decide::{Decisions, Site};
use crate::normalize::{SymbolTable, is_wide, normalize};
use crate::output::{check_not_an_input, check_writable_location, write_atomically};
use crate::report::Report;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Show the flagged sites of a report: an HTML page with -o, a terminal table without.
#[derive(Debug, clap::Args)]
pub struct ReviewArgs {
    /// A report written by `reconcile --report`.
    pub report: PathBuf,
    /// Write a self-contained HTML review page here (without it: a table of the flagged
    /// sites on standard output).
    #[arg(short, long, value_name = "REVIEW.html")]
    pub output: Option<PathBuf>,
}

/// The version of decisions.json this build reads and writes.
pub const DECISIONS_VERSION: u32 = 1;

/// The reason given for every site a reviewer decided.
pub const DECIDED_BY_REVIEWER: &str = "decided by reviewer";

/// Least similarity of the contexts (1 − edit distance / length, both sides together) for a
/// decision to apply to a site whose context is not exactly its own. With 8 symbols each
/// side, 0.75 tolerates 4 edited characters out of 16.
pub const FUZZY_MIN_SIMILARITY: f64 = 0.75;

/// One reviewer decision, as stored in decisions.json.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// Index of the site in the report it was made on; informative only, never matched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<usize>,
    /// Folded context before the site (`key_before` in the report).
    pub before: String,
    /// Folded context after the site (`key_after` in the report).
    pub after: String,
    /// Folded readings the witnesses had at the site when it was decided.
    #[serde(default)]
    pub readings: Vec<String>,
    /// The reading chosen, folded (one of `readings`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choose: Option<String>,
    /// A correction that is none of the readings, written into the output as it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correction: Option<String>,
    /// Free text for people; ignored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Decision {
    /// A one-line description: `…before[choice]after…`.
    pub fn describe(&self) -> String {
        let choice = match (&self.choose, &self.correction) {
            (Some(c), _) => shown(c),
            (None, Some(t)) => format!("correction \"{t}\""),
            (None, None) => String::new(),
        };
        format!("…{}[{}]{}…", self.before, choice, self.after).replace('\n', "⏎")
    }
}

fn shown(reading: &str) -> String {
    if reading.is_empty() {
        "∅".into()
    } else {
        reading.to_string()
    }
}

/// The decisions file as a whole.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct DecisionsFile {
    version: u32,
    /// What wrote the file; informative.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    generator: Option<String>,
    decisions: Vec<Decision>,
}

/// Decisions a reviewer made, as exported by the review page (decisions.json).
#[derive(Debug, Clone, Default)]
pub struct ReviewerDecisions {
    pub decisions: Vec<Decision>,
}

/// A decision that matched no site, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnmatchedDecision {
    #[serde(flatten)]
    pub decision: Decision,
    pub why: String,
}

impl UnmatchedDecision {
    pub fn describe(&self) -> String {
        format!("{} ({})", self.decision.describe(), self.why)
    }
}

/// What applying reviewer decisions did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct AppliedDecisions {
    /// Decisions that matched a site and were applied.
    pub applied: usize,
    /// Indices of the sites decided by a reviewer.
    pub sites: Vec<usize>,
    /// Decisions that matched no site of this run.
    pub unmatched: Vec<UnmatchedDecision>,
}

/// Read and check a decisions file; every error names the file.
pub fn load_decisions(path: &Path) -> Result<ReviewerDecisions, String> {
    let at = path.display();
    let text = std::fs::read_to_string(path).map_err(|e| format!("{at}: cannot read: {e}"))?;
    parse_decisions(&text).map_err(|e| format!("{at}: {e}"))
}

/// Parse and check the text of a decisions file.
pub fn parse_decisions(text: &str) -> Result<ReviewerDecisions, String> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?;
    match value.get("version").map(|v| v.as_u64()) {
        None => {
            return Err(
                "not a decisions file: expected an object with \"version\" and \"decisions\""
                    .into(),
            );
        }
        Some(Some(v)) if v == u64::from(DECISIONS_VERSION) => {}
        Some(v) => {
            return Err(format!(
                "decisions version {} is not supported (this reconcile reads version {DECISIONS_VERSION})",
                v.map_or_else(|| value["version"].to_string(), |v| v.to_string())
            ));
        }
    }
    let file: DecisionsFile = serde_json::from_str(text)
        .map_err(|e| format!("not a valid decisions file: {e} (format: docs/decisions.md)"))?;
    let mut seen: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for (n, d) in file.decisions.iter().enumerate() {
        let n = n + 1;
        match (&d.choose, &d.correction) {
            (Some(_), Some(_)) => {
                return Err(format!(
                    "decision {n} {}: has both \"choose\" and \"correction\"; give one",
                    d.describe()
                ));
            }
            (None, None) => {
                return Err(format!(
                    "decision {n} {}: has neither \"choose\" nor \"correction\"",
                    d.describe()
                ));
            }
            (Some(c), None) if !d.readings.is_empty() && !d.readings.contains(c) => {
                return Err(format!(
                    "decision {n} {}: chooses \"{c}\", which is not among its readings {:?}",
                    d.describe(),
                    d.readings
                ));
            }
            _ => {}
        }
        if let Some(first) = seen.insert((&d.before, &d.after), n) {
            return Err(format!(
                "decisions {first} and {n} have the same context {}; keep one",
                d.describe()
            ));
        }
    }
    Ok(ReviewerDecisions {
        decisions: file.decisions,
    })
}

/// Serialise decisions in the file format (version 1), for tools and tests.
pub fn decisions_json(decisions: &[Decision]) -> String {
    let file = DecisionsFile {
        version: DECISIONS_VERSION,
        generator: None,
        decisions: decisions.to_vec(),
    };
    serde_json::to_string_pretty(&file).expect("decisions serialise") + "\n"
}

/// The folded form of a text, as readings and contexts are compared.
pub fn fold(text: &str) -> String {
    let mut table = SymbolTable::default();
    let stream = normalize(&mut table, text);
    table.key_text(&stream.symbols)
}

fn chars(s: &str) -> usize {
    s.chars().count()
}

/// Similarity of a decision's context to a site's: 1 − edit distance / length, both sides
/// counted together.
fn similarity(d: &Decision, site: &Site) -> f64 {
    let edits = strsim::levenshtein(&d.before, &site.left_context)
        + strsim::levenshtein(&d.after, &site.right_context);
    let length = chars(&d.before).max(chars(&site.left_context))
        + chars(&d.after).max(chars(&site.right_context));
    if length == 0 {
        1.0
    } else {
        1.0 - edits as f64 / length as f64
    }
}

/// What a decision does to a site it matched.
enum Effect {
    Choose(usize),
    Correct(String),
}

/// How decision `d` would decide `site`, if it can: the chosen reading must be among the
/// site's readings; a correction fits a site whose context is exactly the decision's, or
/// that shares a reading with it.
fn effect(d: &Decision, site: &Site, exact: bool) -> Option<Effect> {
    let index_of = |key: &str| site.candidates.iter().position(|c| c.key == key);
    match (&d.choose, &d.correction) {
        (Some(key), _) => index_of(key).map(Effect::Choose),
        (None, Some(text)) => {
            let shares = site.candidates.iter().any(|c| d.readings.contains(&c.key));
            if !exact && !shares {
                return None;
            }
            // A correction that folds to one of the readings picks that reading.
            Some(match index_of(&fold(text)) {
                Some(i) => Effect::Choose(i),
                None => Effect::Correct(text.clone()),
            })
        }
        (None, None) => None,
    }
}

fn decide_site(site: &mut Site, effect: Effect) {
    match effect {
        Effect::Choose(i) => {
            site.chosen = i;
            site.reviewer_text = None;
            site.posterior = (0..site.candidates.len())
                .map(|c| if c == i { 1.0 } else { 0.0 })
                .collect();
        }
        Effect::Correct(text) => {
            site.reviewer_text = Some(text);
            site.posterior = vec![0.0; site.candidates.len()];
        }
    }
    // The reviewer's reading is certain: no "none of the readings is right" mass remains.
    site.none = 0.0;
    site.reason = DECIDED_BY_REVIEWER.to_string();
}

/// Apply reviewer decisions to the automatic ones: decided sites get the reviewer's reading
/// (or correction, via `Site::reviewer_text`), confidence 1 and the reason
/// [`DECIDED_BY_REVIEWER`].
pub fn apply(decisions: &mut Decisions, reviewer: &ReviewerDecisions) -> AppliedDecisions {
    let sites = &mut decisions.sites;
    let mut decided = vec![false; sites.len()];
    let mut result = AppliedDecisions::default();
    let mut pending: Vec<(&Decision, Option<String>)> = Vec::new();
    // Exact contexts first, so that a fuzzy match never takes a site another decision
    // names exactly.
    for d in &reviewer.decisions {
        let mut matched = false;
        let mut why = None;
        for (i, site) in sites.iter_mut().enumerate() {
            if decided[i] || site.left_context != d.before || site.right_context != d.after {
                continue;
            }
            match effect(d, site, true) {
                Some(e) => {
                    decide_site(site, e);
                    decided[i] = true;
                    matched = true;
                }
                None => {
                    let readings: Vec<String> =
                        site.candidates.iter().map(|c| shown(&c.key)).collect();
                    why = Some(format!(
                        "the site's readings are now {}; the chosen one is not among them",
                        readings.join(" / ")
                    ));
                }
            }
        }
        if matched {
            result.applied += 1;
        } else {
            pending.push((d, why));
        }
    }
    for (d, why) in pending {
        let mut best: Vec<usize> = Vec::new();
        let mut best_score: Option<(f64, usize)> = None;
        for (i, site) in sites.iter().enumerate() {
            if decided[i] || effect(d, site, false).is_none() {
                continue;
            }
            let shared = site
                .candidates
                .iter()
                .filter(|c| d.readings.contains(&c.key))
                .count();
            let score = (similarity(d, site), shared);
            if score.0 < FUZZY_MIN_SIMILARITY {
                continue;
            }
            match best_score {
                Some(b) if score < b => {}
                Some(b) if score == b => best.push(i),
                _ => {
                    best_score = Some(score);
                    best = vec![i];
                }
            }
        }
        match best.as_slice() {
            [i] => {
                let e = effect(d, &sites[*i], false).expect("checked above");
                decide_site(&mut sites[*i], e);
                decided[*i] = true;
                result.applied += 1;
            }
            [] => result.unmatched.push(UnmatchedDecision {
                decision: d.clone(),
                why: why.unwrap_or_else(|| "no site has this context any more".into()),
            }),
            many => result.unmatched.push(UnmatchedDecision {
                decision: d.clone(),
                why: format!(
                    "ambiguous: {} sites match it equally well (sites {})",
                    many.len(),
                    many.iter()
                        .map(|i| i.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            }),
        }
    }
    result.sites = (0..sites.len()).filter(|&i| decided[i]).collect();
    result
}

/// Record in the report what applying reviewer decisions did.
pub fn record(report: &mut Report, reviewer: &ReviewerDecisions, applied: AppliedDecisions) {
    report.summary.reviewer_decisions = reviewer.decisions.len();
    report.summary.reviewer_decisions_applied = applied.applied;
    report.summary.reviewer_decisions_unmatched = applied.unmatched.len();
    report.unmatched_decisions = applied.unmatched;
}

// ---------------------------------------------------------------------------------------
// Reading a report back (for `reconcile review`): only what the page and table need.

#[derive(Debug, Deserialize)]
struct ReportView {
    schema_version: u32,
    witnesses: Vec<WitnessView>,
    sites: Vec<SiteView>,
    summary: SummaryView,
    #[serde(default)]
    unmatched_decisions: Vec<serde_json::Value>,
    merged_text: String,
}

#[derive(Debug, Deserialize)]
struct WitnessView {
    path: String,
}

#[derive(Debug, Deserialize)]
struct SummaryView {
    variant_sites: usize,
    sites_flagged: usize,
    min_confidence: f64,
}

#[derive(Debug, Deserialize)]
struct RangeView {
    start: usize,
    end: usize,
}

#[derive(Debug, Deserialize)]
struct SiteView {
    index: usize,
    kind: String,
    output: Option<RangeView>,
    context_before: String,
    context_after: String,
    key_before: String,
    key_after: String,
    candidates: Vec<CandidateView>,
    chosen_index: usize,
    confidence: f64,
    flagged: bool,
    reason: String,
}

#[derive(Debug, Deserialize)]
struct CandidateView {
    text: String,
    folded: String,
    witnesses: Vec<usize>,
    #[serde(default)]
    spelled: bool,
    probability: f64,
}

impl SiteView {
    fn reviewed(&self) -> bool {
        self.reason == DECIDED_BY_REVIEWER
    }
}

/// Check what the page relies on: indices in range, output ranges inside the text and in
/// order.
fn check_view(view: &ReportView, text_chars: usize) -> Result<(), String> {
    if view.schema_version != crate::report::SCHEMA_VERSION {
        return Err(format!(
            "report schema version {} is not supported (this reconcile reads version {})",
            view.schema_version,
            crate::report::SCHEMA_VERSION
        ));
    }
    let mut last_end = 0;
    for (i, s) in view.sites.iter().enumerate() {
        let bad = |what: &str| Err(format!("site {i} {what}; was the report edited?"));
        if s.index != i {
            return bad("is out of order");
        }
        if s.chosen_index >= s.candidates.len() {
            return bad("chooses a reading it does not have");
        }
        if s.candidates
            .iter()
            .flat_map(|c| &c.witnesses)
            .any(|&w| w >= view.witnesses.len())
        {
            return bad("names a witness the report does not list");
        }
        if let Some(r) = &s.output {
            if r.start > r.end || r.end > text_chars || r.start < last_end {
                return bad("has an output range outside the merged text or out of order");
            }
            last_end = r.end;
        }
    }
    Ok(())
}

fn view_of_report(report: &Report) -> ReportView {
    let value = serde_json::to_value(report).expect("a report serialises");
    serde_json::from_value(value).expect("a report reads back as its own view")
}

fn read_report(path: &Path) -> Result<ReportView, String> {
    let at = path.display();
    let text = std::fs::read_to_string(path).map_err(|e| format!("{at}: cannot read: {e}"))?;
    let view: ReportView = serde_json::from_str(&text).map_err(|e| {
        format!("{at}: not a report written by this version of `reconcile --report`: {e}")
    })?;
    check_view(&view, view.merged_text.chars().count()).map_err(|e| format!("{at}: {e}"))?;
    Ok(view)
}

// ---------------------------------------------------------------------------------------
// The review page.

const TEMPLATE: &str = include_str!("../assets/review.html");
const STYLE: &str = include_str!("../assets/review.css");
const SCRIPT: &str = include_str!("../assets/review.js");

fn escape_html(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
}

fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_html(s, &mut out);
    out
}

/// Colour class of a confidence: c0 below 0.5, c1 below 0.75, c2 below 0.9, c3 above
/// (assets/review.js has the same bins for the list).
fn confidence_class(p: f64) -> &'static str {
    if p < 0.5 {
        "c0"
    } else if p < 0.75 {
        "c1"
    } else if p < 0.9 {
        "c2"
    } else {
        "c3"
    }
}

/// Classes of a marked site: `s`, its confidence colour, `f` flagged, `l` layout, `r`
/// decided by a reviewer in the run that wrote the report.
fn site_classes(s: &SiteView) -> String {
    let mut c = String::from("s ");
    c.push_str(confidence_class(s.confidence));
    if s.flagged {
        c.push_str(" f");
    }
    if s.kind == "layout" {
        c.push_str(" l");
    }
    if s.reviewed() {
        c.push_str(" r");
    }
    c
}

/// The merged text as HTML, every site with an output range marked (`<mark id="sN">`).
/// Paragraphs become `<p>` elements (so the browser lays out and paints only the
/// paragraphs in view, and a change relays out one paragraph, not the whole text); the
/// separators stay between them, so the text content of the page is the merged text.
fn text_html(view: &ReportView) -> String {
    let text: Vec<char> = view.merged_text.chars().collect();
    let mut out = String::with_capacity(view.merged_text.len() * 2);
    let mut cursor = 0;
    let piece = |from: usize, to: usize| -> String { text[from..to].iter().collect() };
    let plain = |from: usize, to: usize, out: &mut String| {
        out.push_str(&html(&piece(from, to)).replace(PARAGRAPH_SEPARATOR, PARAGRAPH_HTML));
    };
    out.push_str("<p>");
    for s in &view.sites {
        let Some(r) = &s.output else { continue };
        plain(cursor, r.start, &mut out);
        let _ = write!(
            out,
            "<mark id=\"s{}\" class=\"{}\">",
            s.index,
            site_classes(s)
        );
        escape_html(&piece(r.start, r.end), &mut out);
        out.push_str("</mark>");
        cursor = r.end;
    }
    plain(cursor, text.len(), &mut out);
    out.push_str("</p>");
    out
}

const PARAGRAPH_SEPARATOR: &str = crate::render::PARAGRAPH_SEPARATOR;
const PARAGRAPH_HTML: &str = "</p>\n\n<p>";

fn tail(s: &str, n: usize) -> String {
    let v: Vec<char> = s.chars().collect();
    v[v.len().saturating_sub(n)..].iter().collect()
}

fn head(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

/// The data the script needs, compact: per site
/// `[flagged, layout, confidence, chosen, reason, key_before, key_after, context_before,
/// context_after, [[text, folded, [witnesses], probability, spelled]…], in_output, reviewed]`.
fn page_data(view: &ReportView) -> String {
    let mut reasons: Vec<&str> = Vec::new();
    let mut reason_ids: BTreeMap<&str, usize> = BTreeMap::new();
    let sites: Vec<serde_json::Value> = view
        .sites
        .iter()
        .map(|s| {
            let reason = *reason_ids.entry(&s.reason).or_insert_with(|| {
                reasons.push(&s.reason);
                reasons.len() - 1
            });
            serde_json::json!([
                u8::from(s.flagged),
                u8::from(s.kind == "layout"),
                s.confidence,
                s.chosen_index,
                reason,
                s.key_before,
                s.key_after,
                s.context_before,
                s.context_after,
                s.candidates
                    .iter()
                    .map(|c| {
                        serde_json::json!([
                            c.text,
                            c.folded,
                            c.witnesses,
                            c.probability,
                            u8::from(c.spelled)
                        ])
                    })
                    .collect::<Vec<_>>(),
                u8::from(s.output.is_some()),
                u8::from(s.reviewed()),
            ])
        })
        .collect();
    let mut data = serde_json::json!({
        "witnesses": view.witnesses.iter().map(|w| &w.path).collect::<Vec<_>>(),
        "min_confidence": view.summary.min_confidence,
        "reasons": reasons,
        "sites": sites,
        "unmatched": view.unmatched_decisions,
        "decided_by_reviewer": DECIDED_BY_REVIEWER,
        "version": DECISIONS_VERSION,
    });
    // The page keeps unsaved decisions in the browser under this key, so a reload loses
    // nothing; it changes with the report, so decisions never leak into another report.
    let id = fnv1a(data.to_string().as_bytes());
    data["id"] = serde_json::Value::String(format!("{id:016x}"));
    // '<' only occurs inside JSON strings, where \u003c means the same: nothing in the data
    // can close the script element.
    data.to_string().replace('<', "\\u003c")
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn file_name(path: &str) -> &str {
    Path::new(path)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or(path)
}

fn page(view: &ReportView) -> String {
    let title = match view.witnesses.first() {
        Some(w) => format!(
            "Review · {} +{}",
            file_name(&w.path),
            view.witnesses.len() - 1
        ),
        None => "Review".to_string(),
    };
    let summary = format!(
        "{} sites · {} flagged below {:.2}",
        view.summary.variant_sites, view.summary.sites_flagged, view.summary.min_confidence
    );
    let values: BTreeMap<&str, String> = [
        ("TITLE", html(&title)),
        ("SUMMARY", html(&summary)),
        ("STYLE", STYLE.to_string()),
        ("TEXT", text_html(view)),
        ("DATA", page_data(view)),
        ("SCRIPT", SCRIPT.to_string()),
    ]
    .into_iter()
    .collect();
    fill(TEMPLATE, &values)
}

/// Replace every `{{NAME}}` of the template in one pass (inserted text is never rescanned).
fn fill(template: &str, values: &BTreeMap<&str, String>) -> String {
    let mut out =
        String::with_capacity(template.len() + values.values().map(String::len).sum::<usize>());
    let mut rest = template;
    while let Some(at) = rest.find("{{") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        match after.find("}}").map(|end| (&after[..end], end)) {
            Some((name, end)) if values.contains_key(name) => {
                out.push_str(&values[name]);
                rest = &after[end + 2..];
            }
            _ => {
                out.push_str("{{");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The review page of a finished run, as one self-contained HTML document.
pub fn render_html(report: &Report) -> String {
    page(&view_of_report(report))
}

/// Write the review page for a finished run.
pub fn write_html(report: &Report, path: &Path) -> Result<(), String> {
    write_atomically(path, render_html(report).as_bytes()).map_err(|e| e.to_string())
}

// ---------------------------------------------------------------------------------------
// The terminal table.

/// Columns a string takes in a terminal (wide East Asian characters take two).
fn width(s: &str) -> usize {
    s.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum()
}

fn pad(s: &str, to: usize) -> String {
    format!("{s}{}", " ".repeat(to.saturating_sub(width(s))))
}

struct Paint {
    on: bool,
}

impl Paint {
    fn wrap(&self, code: &str, s: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
}

/// The flagged sites of a report as a table: site, confidence, context with the chosen
/// reading in brackets, the readings (chosen marked *, witnesses in brackets), reason.
fn table(view: &ReportView, colour: bool) -> String {
    let paint = Paint { on: colour };
    let mut out = String::new();
    let flagged: Vec<&SiteView> = view.sites.iter().filter(|s| s.flagged).collect();
    let _ = writeln!(
        out,
        "{} flagged of {} variant sites (confidence below {:.2})",
        flagged.len(),
        view.summary.variant_sites,
        view.summary.min_confidence
    );
    let names: Vec<String> = view
        .witnesses
        .iter()
        .enumerate()
        .map(|(i, w)| format!("[{i}] {}", w.path))
        .collect();
    let _ = writeln!(out, "witnesses: {}", names.join("  "));
    if flagged.is_empty() {
        return out;
    }
    struct Row {
        site: String,
        conf: String,
        conf_code: &'static str,
        context: (String, String, String),
        readings: Vec<(String, bool)>,
        reason: String,
    }
    let rows: Vec<Row> = flagged
        .iter()
        .map(|s| {
            let oneline = |t: &str| t.replace('\n', "⏎");
            let mut reason = s.reason.clone();
            for (i, w) in view.witnesses.iter().enumerate() {
                let name = file_name(&w.path);
                if !name.is_empty() {
                    reason = reason.replace(name, &format!("[{i}]"));
                }
            }
            Row {
                site: s.index.to_string(),
                conf: format!("{:.2}", s.confidence),
                conf_code: if s.confidence < 0.5 { "31" } else { "33" },
                context: (
                    oneline(&tail(&s.context_before, 6)),
                    oneline(&shown(&s.candidates[s.chosen_index].text)),
                    oneline(&head(&s.context_after, 6)),
                ),
                readings: s
                    .candidates
                    .iter()
                    .enumerate()
                    .map(|(k, c)| {
                        // A reading no witness has whole: a combined reading (the column
                        // majority or a mix of two witnesses), a spelled reading, or a
                        // reviewer's correction.
                        let ws: Vec<String> = if c.spelled {
                            vec!["spelled".into()]
                        } else if c.witnesses.is_empty() {
                            vec!["none".into()]
                        } else {
                            c.witnesses.iter().map(|w| w.to_string()).collect()
                        };
                        let chosen = k == s.chosen_index;
                        let mark = if chosen { "*" } else { "" };
                        (
                            format!("{mark}{}[{}]", oneline(&shown(&c.text)), ws.join(",")),
                            chosen,
                        )
                    })
                    .collect(),
                reason,
            }
        })
        .collect();
    let context_plain = |r: &Row| format!("{}[{}]{}", r.context.0, r.context.1, r.context.2);
    let readings_plain = |r: &Row| {
        r.readings
            .iter()
            .map(|(t, _)| t.clone())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let w_site = rows
        .iter()
        .map(|r| width(&r.site))
        .max()
        .unwrap_or(0)
        .max(4);
    let w_context = rows
        .iter()
        .map(|r| width(&context_plain(r)))
        .max()
        .unwrap_or(0)
        .max(7);
    let w_readings = rows
        .iter()
        .map(|r| width(&readings_plain(r)))
        .max()
        .unwrap_or(0)
        .max(8);
    let header = format!(
        "{}  {}  {}  {}  reason",
        pad("site", w_site),
        "conf",
        pad("context", w_context),
        pad("readings", w_readings)
    );
    let _ = writeln!(out, "{}", paint.wrap("1", &header));
    for r in &rows {
        let context = format!(
            "{}[{}]{}{}",
            paint.wrap("2", &r.context.0),
            paint.wrap("1", &r.context.1),
            paint.wrap("2", &r.context.2),
            " ".repeat(w_context.saturating_sub(width(&context_plain(r))))
        );
        let readings = r
            .readings
            .iter()
            .map(|(t, chosen)| {
                if *chosen {
                    paint.wrap("1;32", t)
                } else {
                    t.clone()
                }
            })
            .collect::<Vec<_>>()
            .join(" ");
        let _ = writeln!(
            out,
            "{}  {}  {}  {}{}  {}",
            " ".repeat(w_site - width(&r.site)) + &r.site,
            paint.wrap(r.conf_code, &r.conf),
            context,
            readings,
            " ".repeat(w_readings.saturating_sub(width(&readings_plain(r)))),
            r.reason
        );
    }
    out
}

/// Colour the table only on a terminal, and never when NO_COLOR is set (to anything but
/// the empty string).
fn colour_wanted() -> bool {
    use std::io::IsTerminal;
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// `reconcile review REPORT.json [-o REVIEW.html]`.
pub fn run(args: ReviewArgs) -> ExitCode {
    let fail = |message: String| {
        eprintln!("reconcile: error: {message}");
        ExitCode::from(2)
    };
    if let Some(out) = &args.output
        && let Err(e) = check_not_an_input(out, std::slice::from_ref(&args.report))
            .and_then(|_| check_writable_location(out))
    {
        return fail(e.to_string());
    }
    let view = match read_report(&args.report) {
        Ok(v) => v,
        Err(e) => return fail(e),
    };
    match &args.output {
        Some(out) => {
            if let Err(e) = write_atomically(out, page(&view).as_bytes()) {
                return fail(e.to_string());
            }
            eprintln!(
                "reconcile review: wrote {} ({} sites, {} flagged)",
                out.display(),
                view.sites.len(),
                view.summary.sites_flagged
            );
        }
        None => {
            use std::io::Write;
            let text = table(&view, colour_wanted());
            if let Err(e) = std::io::stdout().write_all(text.as_bytes()) {
                if e.kind() == std::io::ErrorKind::BrokenPipe {
                    return ExitCode::SUCCESS;
                }
                return fail(format!("cannot write to standard output: {e}"));
            }
        }
    }
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decide::Candidate;

    fn site(before: &str, after: &str, readings: &[&str], chosen: usize) -> Site {
        let n = readings.len();
        Site {
            group: 0,
            segment: 0,
            layout_only: false,
            left_context: before.into(),
            right_context: after.into(),
            evidence_context: [before.into(), after.into()],
            context_cut: [false; 2],
            context_fit: 0.0,
            candidates: readings
                .iter()
                .enumerate()
                .map(|(w, k)| Candidate {
                    columns_apart: (0..n).map(|j| f64::from(u8::from(j != w))).collect(),
                    ..Candidate::new(k.to_string(), vec![w])
                })
                .collect(),
            posterior: vec![1.0 / n as f64; n],
            none: 0.0,
            chosen,
            reason: "automatic".into(),
            reviewer_text: None,
        }
    }

    fn decisions(sites: Vec<Site>) -> Decisions {
        Decisions {
            sites,
            reliability: vec![0.5, 0.5],
            error_rate: vec![0.01, 0.01],
            positions: vec![100, 100],
        }
    }

    fn choose(before: &str, after: &str, readings: &[&str], c: &str) -> Decision {
        Decision {
            site: None,
            before: before.into(),
            after: after.into(),
            readings: readings.iter().map(|r| r.to_string()).collect(),
            choose: Some(c.into()),
            correction: None,
            note: None,
        }
    }

    fn reviewer(ds: Vec<Decision>) -> ReviewerDecisions {
        ReviewerDecisions { decisions: ds }
    }

    #[test]
    fn exact_context_applies_and_sets_confidence_one() {
        let mut d = decisions(vec![
            site("abcdefgh", "ijklmnop", &["x", "y"], 0),
            site("qrstuvwx", "yzabcdef", &["x", "y"], 0),
        ]);
        let r = apply(
            &mut d,
            &reviewer(vec![choose("abcdefgh", "ijklmnop", &["x", "y"], "y")]),
        );
        assert_eq!(r.applied, 1);
        assert_eq!(r.sites, vec![0]);
        assert_eq!(d.sites[0].chosen, 1);
        assert_eq!(d.sites[0].confidence(), 1.0);
        assert_eq!(d.sites[0].reason, DECIDED_BY_REVIEWER);
        assert_eq!(d.sites[1].chosen, 0, "the other site is untouched");
        assert_eq!(d.sites[1].reason, "automatic");
    }

    #[test]
    fn slightly_changed_context_still_applies_but_a_distant_one_does_not() {
        let mut d = decisions(vec![site("abcdefgh", "ijklmnop", &["x", "y"], 0)]);
        // Two of sixteen context characters differ: similarity 0.875.
        let r = apply(
            &mut d,
            &reviewer(vec![choose("abcdefgZ", "Zjklmnop", &["x", "y"], "y")]),
        );
        assert_eq!(r.applied, 1);
        assert_eq!(d.sites[0].chosen, 1);

        let mut d = decisions(vec![site("abcdefgh", "ijklmnop", &["x", "y"], 0)]);
        // Five of sixteen differ: 0.6875, below the threshold.
        let r = apply(
            &mut d,
            &reviewer(vec![choose("abcZZZZZ", "ijklmnop", &["x", "y"], "y")]),
        );
        assert_eq!(r.applied, 0);
        assert_eq!(r.unmatched.len(), 1);
        assert_eq!(d.sites[0].chosen, 0);
        assert_ne!(d.sites[0].reason, DECIDED_BY_REVIEWER);
    }

    #[test]
    fn a_chosen_reading_no_witness_has_any_more_is_unmatched_with_why() {
        let mut d = decisions(vec![site("abcdefgh", "ijklmnop", &["x", "z"], 0)]);
        let r = apply(
            &mut d,
            &reviewer(vec![choose("abcdefgh", "ijklmnop", &["x", "y"], "y")]),
        );
        assert_eq!(r.applied, 0);
        assert!(
            r.unmatched[0].why.contains("x / z"),
            "{}",
            r.unmatched[0].why
        );
    }

    #[test]
    fn equally_similar_sites_make_a_fuzzy_decision_ambiguous() {
        let mut d = decisions(vec![
            site("abcdefgh", "ijklmnoX", &["x", "y"], 0),
            site("abcdefgh", "ijklmnoY", &["x", "y"], 0),
        ]);
        let r = apply(
            &mut d,
            &reviewer(vec![choose("abcdefgh", "ijklmnop", &["x", "y"], "y")]),
        );
        assert_eq!(r.applied, 0);
        assert!(r.unmatched[0].why.starts_with("ambiguous"));
        assert!(d.sites.iter().all(|s| s.chosen == 0));
    }

    #[test]
    fn fuzzy_match_prefers_the_most_similar_site() {
        let mut d = decisions(vec![
            site("abcdefgh", "ijklmnXX", &["x", "y"], 0),
            site("abcdefgh", "ijklmnoX", &["x", "y"], 0),
        ]);
        let r = apply(
            &mut d,
            &reviewer(vec![choose("abcdefgh", "ijklmnop", &["x", "y"], "y")]),
        );
        assert_eq!(r.applied, 1);
        assert_eq!((d.sites[0].chosen, d.sites[1].chosen), (0, 1));
    }

    #[test]
    fn a_correction_is_rendered_text_with_confidence_one() {
        let mut d = decisions(vec![site("abcdefgh", "ijklmnop", &["x", "y"], 0)]);
        let mut c = choose("abcdefgh", "ijklmnop", &["x", "y"], "y");
        c.choose = None;
        c.correction = Some("w".into());
        let r = apply(&mut d, &reviewer(vec![c.clone()]));
        assert_eq!(r.applied, 1);
        assert_eq!(d.sites[0].reviewer_text.as_deref(), Some("w"));
        assert_eq!(d.sites[0].confidence(), 1.0);
        // A correction that folds to a reading picks the reading.
        let mut d = decisions(vec![site("abcdefgh", "ijklmnop", &["x", "y"], 0)]);
        c.correction = Some("ｙ".into());
        apply(&mut d, &reviewer(vec![c]));
        assert_eq!(d.sites[0].reviewer_text, None);
        assert_eq!(d.sites[0].chosen, 1);
    }

    #[test]
    fn decisions_file_errors_are_specific() {
        let err = |t: &str| parse_decisions(t).unwrap_err();
        assert!(err("{").contains("not valid JSON"));
        assert!(err("[]").contains("not a decisions file"));
        assert!(err(r#"{"version":2,"decisions":[]}"#).contains("version 2 is not supported"));
        assert!(
            err(r#"{"version":1,"decisions":[{"before":"a","after":"b","chose":"x"}]}"#)
                .contains("unknown field `chose`")
        );
        assert!(
            err(r#"{"version":1,"decisions":[{"before":"a","after":"b"}]}"#).contains("neither")
        );
        assert!(
            err(r#"{"version":1,"decisions":[{"before":"a","after":"b","readings":["x"],"choose":"y"}]}"#)
                .contains("not among its readings")
        );
        assert!(
            err(r#"{"version":1,"decisions":[{"before":"a","after":"b","choose":"y"},{"before":"a","after":"b","choose":"x"}]}"#)
                .contains("decisions 1 and 2")
        );
        let ok = parse_decisions(&decisions_json(&[choose("a", "b", &["x", "y"], "y")])).unwrap();
        assert_eq!(ok.decisions.len(), 1);
    }

    #[test]
    fn template_fill_is_one_pass() {
        let values: BTreeMap<&str, String> = [("A", "{{B}}".to_string()), ("B", "b".into())]
            .into_iter()
            .collect();
        assert_eq!(fill("x{{A}}y{{C}}z{{B}}", &values), "x{{B}}y{{C}}zb");
    }

    #[test]
    fn width_counts_wide_characters_twice() {
        assert_eq!(width("ab汉字"), 6);
        assert_eq!(pad("汉", 4), "汉  ");
    }
}
