/**
 * The Logs page with 5,000 lines (LogsService's most) in headless Chromium: time from
 * navigation to the first line drawn, how many rows the virtualised list keeps in the page,
 * and frame times while it scrolls (the scroll position moved every animation frame for 300
 * frames: 120 px a frame as a fast wheel does, then the whole list as a fling), and the time to
 * expand a line mid-list. Frame intervals suffer from anything else on the machine; the main
 * thread's script, style and layout time per frame (Chromium's Performance metrics) less so. Prints
 * `name value unit` lines.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compress } from "../shared/codec/compress.ts";
import { BatchEncoder } from "../shared/codec/encode.ts";
import { labelsFromRecord } from "../shared/model/labels.ts";
import { startInProcessAggregator } from "../test/harness/aggregator.ts";
import { launchChromium } from "../test/harness/browser.ts";
import { connectTo, publishBatch, waitForAllAcked } from "../test/harness/ingest.ts";
import { startNatsServer } from "../test/harness/nats.ts";
import { buildUiIfStale } from "../ui/build.ts";

const LINES = 5000;
const FRAMES = 300;
const LEVELS = ["info", "error", "warn", "debug"];

console.error(await buildUiIfStale());
const dir = mkdtempSync(join(tmpdir(), "outpost-ui-logs-bench-"));
const nats = await startNatsServer();
const aggregator = await startInProcessAggregator(dir, nats.url, "", "bench");
const nc = await connectTo(nats.url);
const end = BigInt(Date.now() - 5_000) * 1_000_000n;
const enc = new BatchEncoder();
for (let i = 0; i < LINES; i++) {
  const level = LEVELS[i % LEVELS.length];
  // Lines of varied length, some far wider than the page.
  const pad = "x".repeat((i * 37) % 400);
  enc.addLog({
    timeNs: end - BigInt(LINES - i) * 500_000_000n,
    labels: labelsFromRecord({ app: "bench", level }),
    line: `seq=${i} level=${level} msg="request served" pad=${pad}`,
    fields: [],
  });
}
await publishBatch(nc, compress("lz4", enc.finish()), { signal: "logs" });
await waitForAllAcked(nc);
await nc.close();

/**
 * The page-side script (text, since it runs in the browser) that moves the list's scroll
 * position a fixed distance every animation frame to the end and returns the frame intervals.
 */
function scrollScript(n: number, px: number | null): string {
  return `new Promise((resolve) => {
    const el = document.querySelector("[data-testid=log-lines]");
    el.scrollTop = 0;
    const stepPx = ${px ?? "(el.scrollHeight - el.clientHeight) / " + n};
    const out = [];
    let last = performance.now();
    let i = 0;
    const tick = (now) => {
      out.push(now - last);
      last = now;
      el.scrollTop = Math.round(++i * stepPx);
      if (i < ${n}) requestAnimationFrame(tick);
      else resolve(out.slice(1));
    };
    requestAnimationFrame(tick);
  })`;
}

function sortedFrames(frames: unknown): number[] {
  return [...(frames as number[])].sort((a, b) => a - b);
}

function pct(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const q = encodeURIComponent('{app="bench"}');
  const t0 = performance.now();
  await page.goto(`${aggregator.url}/logs?q=${q}&range=1h&limit=${LINES}`);
  await page.locator(`[data-testid=log-lines][data-count='${LINES}']`).waitFor({ timeout: 30_000 });
  await page.locator("[data-testid=log-line]").first().waitFor();
  const firstLine = performance.now() - t0;
  const rows = await page.locator("[data-testid=log-line]").count();
  // Scroll a fixed distance every frame until the end, recording each frame's interval.
  // A wheel-like scroll (120 px a frame, ~7,000 px/s), then a fling through the whole list.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Performance.enable");
  const busy = async () => {
    const { metrics } = await cdp.send("Performance.getMetrics");
    const m = (name: string) => metrics.find((x) => x.name === name)?.value ?? 0;
    return (m("ScriptDuration") + m("LayoutDuration") + m("RecalcStyleDuration")) * 1000;
  };
  const b0 = await busy();
  const wheel = sortedFrames(await page.evaluate(scrollScript(FRAMES, 120)));
  const b1 = await busy();
  const fling = sortedFrames(await page.evaluate(scrollScript(FRAMES, null)));
  const b2 = await busy();
  await page.locator(`[data-testid=log-line][data-index='${LINES - 1}']`).waitFor();
  // Expanding a line mid-list: parse its fields and lay out its details.
  await page.locator("[data-testid=log-lines]").evaluate((el) => {
    el.scrollTop = el.scrollHeight / 2;
  });
  const row = page.locator("[data-testid=log-line]").nth(10);
  const t1 = performance.now();
  await row.getByRole("button").click();
  await row.locator("[data-testid=log-details]").waitFor();
  const expand = performance.now() - t1;
  console.log(`ui_logs_first_line_${LINES} ${firstLine.toFixed(0)} ms`);
  console.log(`ui_logs_rows_in_dom_${LINES} ${rows} rows`);
  for (const [name, f, ms] of [
    ["wheel", wheel, b1 - b0],
    ["fling", fling, b2 - b1],
  ] as const) {
    // Script, style and layout time of the renderer's main thread: what the list costs,
    // less sensitive than frame intervals to other processes holding the CPU.
    console.log(`ui_logs_scroll_${name}_work_per_frame ${(ms / FRAMES).toFixed(2)} ms`);
    console.log(`ui_logs_scroll_${name}_frame_p50 ${pct(f, 0.5).toFixed(1)} ms`);
    console.log(`ui_logs_scroll_${name}_frame_p95 ${pct(f, 0.95).toFixed(1)} ms`);
    console.log(`ui_logs_scroll_${name}_frame_max ${f[f.length - 1].toFixed(1)} ms`);
  }
  console.log(`ui_logs_expand_line ${expand.toFixed(0)} ms`);
} finally {
  await browser.close();
  await aggregator.stop();
  await nats.dispose();
  rmSync(dir, { recursive: true, force: true });
}
