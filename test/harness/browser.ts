/**
 * Debian's Chromium driven by playwright-core, for the web UI's tests and benchmarks: headless,
 * no network of its own. `launch()` gives it a fresh profile in a temporary folder (playwright
 * refuses a `--user-data-dir` argument) and removes it on close.
 */
import { type Browser, chromium } from "playwright-core";

/** Debian's Chromium. */
export const CHROMIUM = "/usr/bin/chromium";

/** The flags every test and benchmark Chromium runs with: headless, no network of its own. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Launches /usr/bin/chromium headless. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}
