import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Registry } from "../../../shared/metrics/registry.ts";
import type { SampleBlock } from "../../../shared/model/block.ts";
import { formatSeries } from "../../../shared/model/labels.ts";
import { parseAgentConfig } from "../../config/load.ts";
import { BASE_BYTES, MemoryBudget } from "../../pipeline/budget.ts";
import { PrometheusSource } from "./source.ts";

/** Serves two plain series, and one with its own timestamp (now) at /stamped. */
let server: ReturnType<typeof Bun.serve>;
let target = "";
beforeAll(() => {
  server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: (req) =>
      new URL(req.url).pathname === "/stamped"
        ? new Response(`stamped_metric 1 ${Date.now()}\n`)
        : new Response("kept_metric 1\ndropped_metric 2\n"),
  });
  target = `127.0.0.1:${server.port}`;
});
afterAll(() => server.stop(true));

const drop =
  "    metric_relabel_configs:\n      - {source_labels: [__name__], regex: dropped_metric, action: drop}\n";

/** The job `j` at 1 s over the test's target, with `extra` YAML, as the agent loads it. */
const jobs = (extra = "") =>
  parseAgentConfig(
    `scrape_configs:\n  - job_name: j\n    scrape_interval: 1s\n    scrape_timeout: 500ms\n    static_configs: [{targets: ["${target}"]}]\n${extra}`,
    join(mkdtempSync(join(tmpdir(), "outpost-reload-")), "agent.yaml"),
  ).scrape_configs;

/** A source over `jobs` recording each sample's series, whether it is a marker, and the budget then. */
function recordingSource(first: ReturnType<typeof jobs>, budget?: MemoryBudget) {
  const seen: { series: string; stale: boolean; reserved: number }[] = [];
  const source = new PrometheusSource({
    jobs: first,
    externalLabels: [],
    baseDir: tmpdir(),
    registry: new Registry(),
    budget,
    consumer: {
      consume(block: SampleBlock) {
        const reserved = budget?.reserved ?? 0;
        for (let i = 0; i < block.length; i++) {
          const series = formatSeries(block.series[i].labels);
          seen.push({ series, stale: block.isStale(i), reserved });
        }
      },
    },
  });
  const named = (name: string) => `${name}{instance="${target}", job="j"}`;
  /** Waits for the next scrape's `up`, from `seen.length` on. */
  const nextScrape = () => waitFor(seen.length, () => seen, named("up"));
  const stale = () => seen.filter((s) => s.stale).map((s) => s.series);
  return { source, seen, named, nextScrape, stale };
}

/** Waits up to 10 s for `series` to come after the first `from` samples. */
async function waitFor(from: number, seen: () => { series: string }[], series: string) {
  const came = () =>
    seen()
      .slice(from)
      .some((s) => s.series === series);
  for (let i = 0; i < 100 && !came(); i++) await Bun.sleep(100);
  expect(came()).toBe(true);
}

test("update() applied twice before the new loop's first scrape still ends what the first update dropped", async () => {
  const { source, seen, named, nextScrape, stale } = recordingSource(jobs());
  source.start();
  try {
    await nextScrape();
    await source.update(jobs(drop));
    // Back to back: the loop the first update started has not scraped yet.
    const before = seen.length;
    await source.update(jobs(`${drop}    sample_limit: 100\n`));
    expect(seen.length).toBe(before);
    await nextScrape();
    expect(stale()).toEqual([named("dropped_metric")]);
  } finally {
    await source.stop();
  }
});

test("update() that removes a job whose changed loop has not scraped yet ends all its series", async () => {
  const { source, named, nextScrape, stale } = recordingSource(jobs());
  source.start();
  try {
    await nextScrape();
    await source.update(jobs(drop));
    await source.update([]);
    expect(stale()).toContain(named("up"));
    expect(stale()).toContain(named("kept_metric"));
    expect(stale()).toContain(named("dropped_metric"));
  } finally {
    await source.stop();
  }
});

test("update() that turns on honor_timestamps leaves a series that now has its own timestamps going", async () => {
  const path = "    metrics_path: /stamped\n";
  const { source, named, nextScrape, stale } = recordingSource(
    jobs(`${path}    honor_timestamps: false\n`),
  );
  source.start();
  try {
    await nextScrape();
    await source.update(jobs(`${path}    honor_timestamps: true\n`));
    await nextScrape();
    await nextScrape();
    expect(stale()).not.toContain(named("stamped_metric"));
  } finally {
    await source.stop();
  }
});

test("update() of a changed job gives the replaced loops' series back to the memory budget", async () => {
  const budget = new MemoryBudget({ limit: BASE_BYTES + 64 * 1024 * 1024, collect: () => {} });
  const { source, seen, nextScrape } = recordingSource(jobs(), budget);
  source.start();
  try {
    await nextScrape();
    const held = seen.at(-1)?.reserved ?? 0;
    expect(held).toBeGreaterThan(0);
    for (const extra of [drop, "", drop]) {
      await source.update(jobs(extra));
      await nextScrape();
    }
    // The same two series and `up`'s kin: what one loop holds, not one a reload.
    expect(seen.at(-1)?.reserved).toBe(held);
    await source.update([]);
    expect(budget.reserved).toBe(0);
  } finally {
    await source.stop();
  }
});
