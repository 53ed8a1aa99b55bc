// Launch the system Chromium (Debian's `chromium` package) through playwright-core, which
// never downloads a browser of its own. The flags keep Chromium from reaching for the
// network at start-up: on a closed network it otherwise hangs. playwright-core gives every
// launch a fresh, temporary profile (user data directory) and removes it on close.
import { chromium } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

export async function launch() {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: 60_000,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  return { browser, close: () => browser.close() };
}
