// Screenshot of the review page for docs/review-page.png:
//   node tests/browser/screenshot.mjs REVIEW.html OUT.png
// Accepts the automatic reading at three flagged sites, goes to the next flagged site, shows
// the keys, takes the picture.
import { launch } from "./chromium.mjs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [html, png] = process.argv.slice(2);
if (!html || !png) {
  console.error("usage: node screenshot.mjs REVIEW.html OUT.png");
  process.exit(2);
}
const { browser, close } = await launch();
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
  await page.goto(pathToFileURL(resolve(html)).href);
  await page.waitForSelector("html[data-ready='1']");
  // Accept the automatic reading at the first three flagged sites, then go to the fourth.
  for (let i = 0; i < 3; i++) {
    await page.keyboard.press("n");
    await page.keyboard.press("a");
  }
  await page.keyboard.press("n");
  await page.keyboard.press("?");
  await page.screenshot({ path: png });
} finally {
  await close();
}
