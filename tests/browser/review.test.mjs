// The review loop in a real browser: reconcile writes the page for the corpus court-report
// pair, headless Chromium opens it, the keyboard goes to a flagged site and picks another
// reading, types a correction at the next one, the page exports decisions.json, and
// reconcile applies that file: the output must change exactly as chosen.
//
// Run: node --test tests/browser/review.test.mjs   (or .ci/browser, which installs things)
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { launch } from "./chromium.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const COURT_A = join(ROOT, "corpus/000_753cd868c64d84a9.txt");
const COURT_B = join(ROOT, "corpus/001_f3f1b0a1aca9ea80.txt");

export function reconcileBinary() {
  if (process.env.RECONCILE_BIN) return process.env.RECONCILE_BIN;
  const target = process.env.CARGO_TARGET_DIR || join(ROOT, "target");
  const bin = join(target, "release/reconcile");
  if (!existsSync(bin)) {
    const built = spawnSync("cargo", ["build", "--release", "--quiet"], { cwd: ROOT, stdio: "inherit" });
    assert.equal(built.status, 0, "cargo build --release failed");
  }
  return bin;
}

function run(args) {
  const r = spawnSync(reconcileBinary(), args, { encoding: "utf8" });
  assert.equal(r.status, 0, `reconcile ${args.join(" ")} failed:\n${r.stderr}`);
  return r;
}

test("review page: navigate, choose, correct, export, re-run with --decisions", { timeout: 300_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "reconcile-review-"));
  const { browser, close } = await launch();
  try {
    const out = join(dir, "clean.txt"), reportPath = join(dir, "report.json"), html = join(dir, "review.html");
    // Flag below 0.95 rather than the default 0.9: the test needs six flagged sites, and how
    // many of the pair's sites fall under 0.9 moves with each refit of the calibration.
    run([COURT_A, COURT_B, "-o", out, "--report", reportPath, "--html", html, "--min-confidence", "0.95"]);
    const before = readFileSync(out, "utf8");
    const report = JSON.parse(readFileSync(reportPath, "utf8"));
    const flagged = report.sites.filter((s) => s.flagged);
    // The test goes to the fifth and sixth flagged sites.
    assert.ok(flagged.length >= 6, `expected at least six flagged sites, got ${flagged.length}`);

    const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    const requests = [], errors = [];
    page.on("request", (r) => { if (!/^(file|data|blob):/.test(r.url())) requests.push(r.url()); });
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(pathToFileURL(html).href);
    await page.waitForSelector("html[data-ready='1']", { timeout: 30_000 });
    assert.match(await page.textContent("#progress"), new RegExp(`reviewed 0 / ${flagged.length} flagged`));
    // Every site in the output is marked in the text.
    const marked = await page.locator("#text mark.s").count();
    assert.equal(marked, report.sites.filter((s) => s.output).length);

    // To the fifth flagged site: n five times, back one with p, forward one with n.
    const target = flagged[4];
    for (let i = 0; i < 5; i++) await page.keyboard.press("n");
    await page.keyboard.press("p");
    await page.keyboard.press("n");
    assert.match(await page.textContent("#panel h2"), new RegExp(`^Site ${target.index} · flagged 5 of ${flagged.length}`));
    assert.equal(await page.getAttribute(`#s${target.index}`, "class").then((c) => c.includes("cur")), true);

    // Pick a reading other than the automatic one, by its number.
    const alt = target.candidates.findIndex((c, k) => k !== target.chosen_index && c.witnesses.length > 0);
    assert.ok(alt >= 0);
    await page.keyboard.press(String(alt + 1));
    assert.equal(await page.textContent(`#s${target.index}`), target.candidates[alt].text);
    assert.match(await page.textContent("#progress"), new RegExp(`reviewed 1 / ${flagged.length} flagged`));

    // At the next flagged site, type a correction.
    const next = flagged[5];
    await page.keyboard.press("n");
    await page.keyboard.press("c");
    await page.keyboard.type("〔改〕");
    await page.keyboard.press("Enter");
    assert.equal(await page.textContent(`#s${next.index}`), "〔改〕");
    assert.match(await page.textContent("#progress"), new RegExp(`reviewed 2 / ${flagged.length} flagged`));

    // The filter hides what is not flagged (a class on the body drives it).
    await page.keyboard.press("f");
    assert.equal(await page.evaluate(() => document.body.classList.contains("only-flagged")), true);

    // Export through the button; the file arrives as a download.
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#export")]);
    assert.equal(download.suggestedFilename(), "decisions.json");
    const decisionsPath = join(dir, "decisions.json");
    await download.saveAs(decisionsPath);
    const exported = JSON.parse(readFileSync(decisionsPath, "utf8"));
    assert.equal(exported.version, 1);
    assert.equal(exported.decisions.length, 2);
    assert.deepEqual(exported.decisions[0].choose, target.candidates[alt].folded);
    assert.equal(exported.decisions[1].correction, "〔改〕");
    assert.deepEqual(errors, [], "no script errors");
    assert.deepEqual(requests, [], "the page loads nothing from the network");

    // Apply the exported decisions with the CLI: the output changes as chosen.
    const out2 = join(dir, "clean2.txt"), report2Path = join(dir, "report2.json");
    const r = run([COURT_A, COURT_B, "-o", out2, "--report", report2Path, "--decisions", decisionsPath,
      "--min-confidence", "0.95"]);
    assert.match(r.stderr, /reviewer decisions: 2 of 2 applied, 0 matched nothing/);
    const after = readFileSync(out2, "utf8");
    const around = (s, reading) => s.context_before + reading + s.context_after;
    assert.ok(before.includes(around(target, target.chosen)), "the automatic reading was in the first output");
    assert.ok(after.includes(around(target, target.candidates[alt].text)), "the chosen reading is in the output");
    assert.ok(!after.includes(around(target, target.chosen)), "the automatic reading is gone");
    assert.ok(after.includes(around(next, "〔改〕")), "the correction is in the output");
    assert.equal(after.length, before.length - target.chosen.length + target.candidates[alt].text.length
      - next.chosen.length + "〔改〕".length, "nothing else changed in length");
    const report2 = JSON.parse(readFileSync(report2Path, "utf8"));
    for (const s of [report2.sites[target.index], report2.sites[next.index]]) {
      assert.equal(s.confidence, 1);
      assert.equal(s.reason, "decided by reviewer");
      assert.equal(s.flagged, false);
    }
    assert.equal(report2.summary.reviewer_decisions_applied, 2);
    assert.equal(report2.summary.sites_flagged, flagged.length - 2);
  } finally {
    await close();
    rmSync(dir, { recursive: true, force: true });
  }
});
