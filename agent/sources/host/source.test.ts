import { afterEach, expect, test } from "bun:test";
import { Registry } from "../../../shared/metrics/registry.ts";
import type { SampleBlock } from "../../../shared/model/block.ts";
import { formatSeries } from "../../../shared/model/labels.ts";
import type { MetricMetadata } from "../../../shared/model/sample.ts";
import { ComponentMetrics } from "../../pipeline/component.ts";
import type { HostCollector } from "./collector.ts";
import { loadavgCollector } from "./collectors/loadavg.ts";
import { hostSchema, normalizeHostConfig } from "./config.ts";
import { NoDataError } from "./errors.ts";
import { HostSource } from "./source.ts";
import { FIXTURE_PATHS } from "./testing.ts";

interface Row {
  series: string;
  ts: number;
  value: number;
  stale: boolean;
}

/** A host source over the fixture tree whose blocks land in `rows`. */
function setup(collectors: HostCollector[], section: Record<string, unknown> = {}) {
  const config = normalizeHostConfig(
    hostSchema.parse({
      enabled: true,
      procfs: FIXTURE_PATHS.proc,
      sysfs: FIXTURE_PATHS.sys,
      rootfs: FIXTURE_PATHS.root,
      labels: { dc: "eu1" },
      ...section,
    }),
    "/",
    "web-1",
  );
  const rows: Row[] = [];
  const metadata: MetricMetadata[][] = [];
  const registry = new Registry();
  const source = new HostSource({
    config,
    collectors,
    externalLabels: ["dc", "ignored", "region", "west"],
    registry,
    consumer: {
      consume(block: SampleBlock) {
        for (let i = 0; i < block.length; i++) {
          rows.push({
            series: formatSeries(block.series[i].labels),
            ts: block.timestamps[i],
            value: block.values[i],
            stale: block.isStale(i),
          });
        }
      },
      consumeMetadata: (m) => void metadata.push([...m]),
    },
  });
  const errors = new ComponentMetrics(registry, "host", "source", "host").errors;
  return { source, rows, metadata, errors };
}

/** A collector that fails (or succeeds) as the test says. */
function flaky(name: string, make: () => Error | null): HostCollector {
  return {
    name,
    collect(w) {
      const err = make();
      if (err) throw err;
      w.family("test_up", "gauge", "Test.");
      w.sample("test_up", [], 1);
    },
  };
}

const stderrWrite = process.stderr.write;
afterEach(() => {
  process.stderr.write = stderrWrite;
});

/** Captures the log lines written while `fn` runs. */
async function logsOf(fn: () => Promise<void>): Promise<string[]> {
  const lines: string[] = [];
  process.stderr.write = ((chunk: string) => {
    lines.push(String(chunk));
    return true;
  }) as typeof process.stderr.write;
  try {
    await fn();
  } finally {
    process.stderr.write = stderrWrite;
  }
  return lines;
}

const live = (rows: Row[]) => rows.filter((r) => !r.stale).map((r) => `${r.series} ${r.value}`);

test("collectOnce() writes every collector's series with job, instance, static and external labels", async () => {
  const { source, rows, metadata } = setup([loadavgCollector]);
  await source.collectOnce(1_000);
  const t = 'dc="eu1", instance="web-1", job="node", region="west"';
  expect(live(rows).filter((r) => r.startsWith("node_load"))).toEqual([
    `node_load1{${t}} 0.18`,
    `node_load5{${t}} 0.24`,
    `node_load15{${t}} 0.12`,
  ]);
  expect(rows.every((r) => r.ts === 1_000)).toBe(true);
  expect(live(rows)).toContain(`node_scrape_collector_success{collector="loadavg", ${t}} 1`);
  const duration = rows.find((r) => r.series.startsWith("node_scrape_collector_duration_seconds"));
  expect(duration!.value).toBeGreaterThan(0);
  expect(duration!.value).toBeLessThan(1);
  const families = metadata[0].map((m) => `${m.name} ${m.type}`);
  expect(families).toContain("node_load1 gauge");
  expect(families).toContain("node_scrape_collector_success gauge");
  expect(metadata[0].find((m) => m.name === "node_scrape_collector_duration_seconds")?.help).toBe(
    "node_exporter: Duration of a collector scrape.",
  );
});

test("a failing collector reports success 0, counts every failure, and logs once until it recovers", async () => {
  let failing = true;
  const { source, rows, errors } = setup([
    flaky("broken", () => (failing ? new Error("boom") : null)),
  ]);
  const logs = await logsOf(async () => {
    await source.collectOnce(1_000);
    await source.collectOnce(2_000);
    failing = false;
    await source.collectOnce(3_000);
  });
  expect(errors.value).toBe(2);
  const success = rows.filter((r) => r.series.startsWith("node_scrape_collector_success"));
  expect(success.map((r) => r.value)).toEqual([0, 0, 1]);
  expect(logs.filter((l) => l.includes("level=warn"))).toHaveLength(1);
  expect(logs.filter((l) => l.includes("level=warn"))[0]).toContain("collector=broken error=boom");
  expect(logs.filter((l) => l.includes("Host collector recovered"))).toHaveLength(1);
});

test("a collector without data reports success 0 but is neither an error nor a warning", async () => {
  const { source, rows, errors } = setup([flaky("absent", () => new NoDataError("no PSI"))]);
  const logs = await logsOf(() => source.collectOnce(1_000));
  expect(errors.value).toBe(0);
  expect(logs.filter((l) => l.includes("level=warn"))).toEqual([]);
  expect(
    live(rows).some(
      (r) => r.startsWith('node_scrape_collector_success{collector="absent"') && r.endsWith(" 0"),
    ),
  ).toBe(true);
});

test("series a collection no longer writes get staleness markers; stop() (a shutdown) writes none, as Prometheus", async () => {
  let failing = false;
  const { source, rows } = setup([
    flaky("maybe", () => (failing ? new NoDataError("gone") : null)),
  ]);
  await source.collectOnce(1_000);
  failing = true;
  await source.collectOnce(2_000);
  expect(rows.filter((r) => r.stale).map((r) => `${r.series.split("{")[0]} ${r.ts}`)).toEqual([
    "test_up 2000",
  ]);
  rows.length = 0;
  await source.stop();
  expect(rows).toEqual([]);
});

test("the agent's own process_* series carry the host job's labels, as node_exporter's do", async () => {
  const { source, rows, metadata } = setup([loadavgCollector]);
  await source.collectOnce(1_000);
  const open = rows.find((r) => r.series.startsWith("process_open_fds"));
  expect(open?.series).toBe(
    'process_open_fds{dc="eu1", instance="web-1", job="node", region="west"}',
  );
  expect(open?.value).toBeGreaterThan(2);
  const start = rows.find((r) => r.series.startsWith("process_start_time_seconds"))!.value;
  // The kernel's start comes before Bun's own clock starts (by the runtime's start-up, seconds
  // on a loaded machine), and the boot time it is counted from is in whole seconds.
  const bunStart = Date.now() / 1000 - process.uptime();
  expect(start).toBeLessThan(bunStart + 1);
  expect(start).toBeGreaterThan(bunStart - 10);
  expect(metadata.flat().some((m) => m.name === "process_cpu_seconds_total")).toBe(true);
});

test("exporter_metrics: false leaves the process_* series out", async () => {
  const { source, rows } = setup([loadavgCollector], { exporter_metrics: false });
  await source.collectOnce(1_000);
  expect(rows.filter((r) => r.series.startsWith("process_"))).toEqual([]);
});

test("firstCollectionAt() keeps a fixed phase within the interval", () => {
  const { source } = setup([], { interval: "10s" });
  const first = source.firstCollectionAt(1_000_000);
  expect(first).toBeGreaterThanOrEqual(1_000_000);
  expect(first).toBeLessThan(1_010_000);
  expect(source.firstCollectionAt(5_000_000) % 10_000).toBe(first % 10_000);
});

test("start() collects on the interval at the fixed phase until stop()", async () => {
  const { source, rows } = setup([loadavgCollector], { interval: "100ms" });
  const phase = source.firstCollectionAt(0) % 100;
  source.start();
  for (let i = 0; i < 50 && new Set(rows.map((r) => r.ts)).size < 2; i++) await Bun.sleep(20);
  await source.stop();
  const times = [...new Set(rows.filter((r) => !r.stale).map((r) => r.ts))];
  expect(times.length).toBeGreaterThanOrEqual(2);
  expect(times.filter((ts) => ts % 100 === phase).length).toBeGreaterThanOrEqual(1);
  expect(rows.some((r) => r.stale)).toBe(false);
});
