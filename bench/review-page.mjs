// How long the review page takes to open, in headless Chromium: on the corpus court-report
// pair, and on a report of at least 10,000 sites made by reconciling noisy copies of the
// corpus texts. Not a test: it prints figures.
//
//   node bench/review-page.mjs [--runs 5] [--sites 10000]
//
// Needs: cargo build --release, tests/browser's npm packages (npm ci), /usr/bin/chromium.
// For each page: time to first contentful paint and to "ready" (the script has run and
// the page answers keys), both from navigation start as the page's own performance
// timeline measures them, median over the runs; and the time one "next flagged site"
// key takes once the page is open.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { launch } from "../tests/browser/chromium.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const RUNS = arg("--runs", 5);
const MIN_SITES = arg("--sites", 10000);
const BIN = process.env.RECONCILE_BIN || join(process.env.CARGO_TARGET_DIR || join(ROOT, "target"), "release/reconcile");

function reconcile(args) {
  const r = spawnSync(BIN, args, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`reconcile ${args.join(" ")}:\n${r.stderr}`);
  return r;
}

// Deterministic noise: mulberry32.
function rng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// A noisy copy: each character other than whitespace is, with probability `rate`,
// replaced by another character of the text (80%), dropped (10%) or doubled (10%).
function noisy(text, rate, seed) {
  const random = rng(seed);
  const chars = [...text];
  const alphabet = chars.filter((c) => !/\s/.test(c));
  let out = "";
  for (const c of chars) {
    if (/\s/.test(c) || random() >= rate) { out += c; continue; }
    const r = random();
    if (r < 0.8) out += alphabet[Math.floor(random() * alphabet.length)];
    else if (r < 0.9) continue;
    else out += c + c;
  }
  return out;
}

// Witnesses whose report has at least MIN_SITES sites: two noisy copies of the corpus texts
// (the court pair's second witness and the other documents, then all of them again with
// every line reversed, which keeps paragraphs distinct), noise raised until enough.
function bigReport(dir) {
  const texts = ["001_f3f1b0a1aca9ea80.txt", "002_009d9037f2d6c0d2.txt", "003_65c4f15d44a0a2ca.txt", "004_e835a5edccf9b5ba.txt"]
    .map((f) => readFileSync(join(ROOT, "corpus", f), "utf8")).join("\n\n");
  const reversed = texts.split("\n").map((l) => [...l].reverse().join("")).join("\n");
  const truth = texts + "\n\n" + reversed;
  for (const rate of [0.06, 0.062, 0.065, 0.07, 0.08, 0.1]) {
    const files = [1, 2].map((seed) => {
      const p = join(dir, `noisy${seed}.txt`);
      writeFileSync(p, noisy(truth, rate, seed));
      return p;
    });
    reconcile([...files, "-o", join(dir, "big.txt"), "--report", join(dir, "big.json"), "--html", join(dir, "big.html")]);
    const sites = JSON.parse(readFileSync(join(dir, "big.json"), "utf8")).sites.length;
    if (sites >= MIN_SITES) return { rate, sites, chars: [...truth].length };
  }
  throw new Error(`could not reach ${MIN_SITES} sites`);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function measure(browser, html) {
  const url = pathToFileURL(html).href;
  const fcp = [], ready = [], wall = [], key = [];
  for (let i = 0; i < RUNS; i++) {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const t0 = Date.now();
    await page.goto(url);
    await page.waitForSelector("html[data-ready='1']");
    wall.push(Date.now() - t0);
    const t = await page.evaluate(() => ({
      fcp: performance.getEntriesByName("first-contentful-paint")[0]?.startTime,
      ready: performance.getEntriesByName("review-ready")[0].startTime,
    }));
    fcp.push(t.fcp);
    ready.push(t.ready);
    // One "next flagged site" key, up to the next frame: 20 presses, mean.
    key.push(await page.evaluate(async () => {
      const t = performance.now();
      for (let i = 0; i < 20; i++) {
        document.dispatchEvent(new KeyboardEvent("keydown", { key: "n", bubbles: true }));
        await new Promise(requestAnimationFrame);
      }
      return (performance.now() - t) / 20;
    }));
    await page.close();
  }
  return { fcp: median(fcp), ready: median(ready), wall: median(wall), key: median(key) };
}

const dir = mkdtempSync(join(tmpdir(), "reconcile-bench-"));
const { browser, close } = await launch();
try {
  const pair = join(dir, "pair.html");
  reconcile([join(ROOT, "corpus/000_753cd868c64d84a9.txt"), join(ROOT, "corpus/001_f3f1b0a1aca9ea80.txt"),
    "-o", join(dir, "pair.txt"), "--report", join(dir, "pair.json"), "--html", pair]);
  const pairSites = JSON.parse(readFileSync(join(dir, "pair.json"), "utf8")).sites.length;
  const big = bigReport(dir);
  const bigFlagged = JSON.parse(readFileSync(join(dir, "big.json"), "utf8")).summary.sites_flagged;
  const rows = [
    [`corpus pair (${pairSites} sites)`, pair],
    [`noisy corpus (${big.sites} sites, ${bigFlagged} flagged; ${big.chars} chars, noise ${big.rate})`, join(dir, "big.html")],
  ];
  console.log(`review page open times, median of ${RUNS} runs, headless Chromium, from navigation start`);
  for (const [name, html] of rows) {
    const m = await measure(browser, html);
    const kb = Math.round(statSync(html).size / 1024);
    console.log(`${name}: page ${kb} KiB; first paint ${m.fcp.toFixed(0)} ms; ready ${m.ready.toFixed(0)} ms; ` +
      `goto→ready ${m.wall} ms; next-site key ${m.key.toFixed(1)} ms`);
  }
} finally {
  await close();
  rmSync(dir, { recursive: true, force: true });
}
