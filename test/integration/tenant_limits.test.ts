/**
 * Per-tenant ingest limits on the real ingest path: batches published to a real nats-server as
 * agents publish them, consumed by an aggregator.
 *
 * - In process: a tenant at `max_active_series` keeps every sample of its existing series and
 *   loses only the new series' samples, counted; another tenant sending the same batches keeps
 *   everything.
 * - As a process: a log flood over its tenant's byte rate is delayed, then dead-lettered and
 *   counted, every batch ends acknowledged (none redelivered for ever), the default tenant's
 *   lines all arrive, and the aggregator's peak RSS grows by far less than the flood.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { NatsConnection } from "nats";
import type { Aggregator } from "../../aggregator/aggregator.ts";
import { Engine } from "../../aggregator/promql/engine/engine.ts";
import { checksumOf } from "../../shared/codec/checksum.ts";
import { compress } from "../../shared/codec/compress.ts";
import { BatchEncoder } from "../../shared/codec/encode.ts";
import { labelsFromRecord, labelValue } from "../../shared/model/labels.ts";
import {
  type AggregatorProcess,
  startAggregatorProcess,
  startInProcessAggregator,
  testAggregatorConfig,
} from "../harness/aggregator.ts";
import { peakRss } from "../harness/forge.ts";
import {
  connectTo,
  makeSeries,
  publishBatch,
  syntheticBatch,
  waitForAllAcked,
} from "../harness/ingest.ts";
import { type NatsServerHandle, startNatsServer } from "../harness/nats.ts";

const MiB = 1 << 20;

describe("a tenant at max_active_series", () => {
  let root: string;
  let nats: NatsServerHandle;
  let nc: NatsConnection;
  let aggregator: Aggregator;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "outpost-limits-series-"));
    nats = await startNatsServer();
    nc = await connectTo(nats.url);
    aggregator = await startInProcessAggregator(
      root,
      nats.url,
      "limits:\n  tenants:\n    capped:\n      max_active_series: 10\n",
    );
  });

  afterAll(async () => {
    await aggregator?.stop();
    await nc?.close();
    await nats?.dispose();
    await rm(root, { recursive: true, force: true });
  });

  /** Samples stored per series of `metric` of `tenant`, by the series' `i`. */
  async function stored(tenant: string, metric: string): Promise<Map<string, number>> {
    const out = await new Engine().instantQuery(
      aggregator.store.queryable(tenant),
      `count_over_time(${metric}[1h])`,
      Date.now(),
    );
    if (out.result.type !== "vector") throw new Error("expected a vector");
    return new Map(out.result.samples.map((s) => [labelValue(s.labels, "i"), s.v]));
  }

  function rejected(tenant: string): number {
    return aggregator.registry
      .counter("outpost_tenant_rejected_samples_total", "", ["tenant", "reason"])
      .labels({ tenant, reason: "max_active_series" }).value;
  }

  test("keeps its existing series' samples and drops only the new ones, counted", async () => {
    const t0 = Date.now() - 10 * 60_000;
    const old = makeSeries(10, "old_metric");
    const fresh = makeSeries(5, "new_metric");
    for (const tenant of ["capped", "other"]) {
      await publishBatch(nc, syntheticBatch(old, [t0]), { tenant, msgId: `${tenant}-1` });
      // Two scrapes: the old series' second and third samples, the new series' first two.
      await publishBatch(nc, syntheticBatch([...old, ...fresh], [t0 + 15_000, t0 + 30_000]), {
        tenant,
        msgId: `${tenant}-2`,
      });
    }
    await waitForAllAcked(nc);

    expect([...(await stored("capped", "old_metric")).values()]).toEqual(Array(10).fill(3));
    expect((await stored("capped", "new_metric")).size).toBe(0);
    expect(rejected("capped")).toBe(5 * 2);

    expect([...(await stored("other", "old_metric")).values()]).toEqual(Array(10).fill(3));
    expect([...(await stored("other", "new_metric")).values()]).toEqual(Array(5).fill(2));
    expect(rejected("other")).toBe(0);
    expect(aggregator.registry.render()).toContain(
      'outpost_tenant_rejected_samples_total{tenant="capped",reason="max_active_series"} 10',
    );
  });
});

describe("an agent's batch in 3,000 past hours", () => {
  let root: string;
  let nats: NatsServerHandle;
  let nc: NatsConnection;
  let aggregator: Aggregator;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "outpost-limits-hours-"));
    nats = await startNatsServer();
    nc = await connectTo(nats.url);
    aggregator = await startInProcessAggregator(root, nats.url, "");
  });

  afterAll(async () => {
    await aggregator?.stop();
    await nc?.close();
    await nats?.dispose();
    await rm(root, { recursive: true, force: true });
  });

  // One sample in each hour opened a partition each: one flush wrote 3,000 Parquet files.
  test("is dead-lettered by the default max_hours_per_minute, and the flush writes a file or two", async () => {
    const hour = 3_600_000;
    const now = Date.now();
    const times = Array.from({ length: 3000 }, (_, i) => now - (i + 1) * hour);
    await publishBatch(nc, syntheticBatch(makeSeries(1, "spread"), times), { msgId: "spread" });
    await publishBatch(nc, syntheticBatch(makeSeries(3, "normal"), [now - 30_000, now]), {
      msgId: "normal",
    });
    await waitForAllAcked(nc);
    await aggregator.store.flush();
    const text = aggregator.registry.render();
    expect(text).toContain('outpost_ingest_dead_lettered_batches_total{reason="max_hours"} 1');
    expect(text).toContain(
      'outpost_tenant_rejected_samples_total{tenant="default",reason="max_hours"} 3000',
    );
    const files = await Array.fromAsync(new Bun.Glob("**/*.parquet").scan(join(root, "bucket")));
    expect(files.length).toBeGreaterThan(0);
    expect(files.length).toBeLessThanOrEqual(2);
  });
});

describe("a query over its tenant's samples limit", () => {
  let root: string;
  let nats: NatsServerHandle;
  let nc: NatsConnection;
  let aggregator: Aggregator;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "outpost-limits-query-"));
    nats = await startNatsServer();
    nc = await connectTo(nats.url);
    aggregator = await startInProcessAggregator(
      root,
      nats.url,
      "limits:\n  tenants:\n    default:\n      max_samples_per_query: 100\n",
    );
  });

  afterAll(async () => {
    await aggregator?.stop();
    await nc?.close();
    await nats?.dispose();
    await rm(root, { recursive: true, force: true });
  });

  // The engine counts a series' labels and grid in samples too (about 15 for one here).
  test("is refused through the Prometheus API with Prometheus's message, and counted", async () => {
    const t = Date.now() - 60_000;
    await publishBatch(nc, syntheticBatch(makeSeries(20, "wide"), [t]), { msgId: "wide" });
    await publishBatch(nc, syntheticBatch(makeSeries(2, "narrow"), [t]), { msgId: "narrow" });
    await waitForAllAcked(nc);
    const query = (q: string) =>
      fetch(`${aggregator.url}/api/v1/query?query=${q}&time=${Date.now() / 1000}`);
    const refused = await query("wide");
    expect(refused.status).toBe(422);
    expect(await refused.json()).toEqual({
      status: "error",
      errorType: "execution",
      error: "query processing would load too many samples into memory in query execution",
    });
    const ok = (await (await query("narrow")).json()) as { data: { result: unknown[] } };
    expect(ok.data.result).toHaveLength(2);
    const metrics = await (await fetch(`${aggregator.url}/metrics`)).text();
    expect(metrics).toContain(
      'outpost_tenant_rejected_queries_total{tenant="default",reason="max_samples"} 1',
    );
  });
});

describe("a log flood over its tenant's byte rate", () => {
  const FLOOD_BATCHES = 480;
  const LINES_PER_BATCH = 256;
  const LINE = "x".repeat(2048);
  const CALM = Math.ceil(FLOOD_BATCHES / 24);
  const FLOOD_BYTES = FLOOD_BATCHES * LINES_PER_BATCH * LINE.length;
  let root: string;
  let nats: NatsServerHandle;
  let nc: NatsConnection;
  let aggregator: AggregatorProcess;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "outpost-limits-flood-"));
    nats = await startNatsServer();
    nc = await connectTo(nats.url);
    const c = await testAggregatorConfig({
      id: "flood",
      natsUrl: nats.url,
      dataDir: join(root, "a"),
      storage: { type: "dir", path: join(root, "bucket") },
    });
    const limits = [
      "limits:",
      "  rate_limit_redeliveries: 2",
      "  rate_limit_max_delay: 300ms",
      "  tenants:",
      "    flood:",
      "      ingest_log_bytes_per_second: 256KiB",
      "      ingest_log_bytes_burst: 1MiB",
      "",
    ].join("\n");
    await Bun.write(c.path, `${await Bun.file(c.path).text()}${limits}`);
    aggregator = await startAggregatorProcess(c.path, c.config);
  });

  afterAll(async () => {
    await aggregator?.kill();
    await nc?.close();
    await nats?.dispose();
    await rm(root, { recursive: true, force: true });
  });

  /** A log batch of `n` copies of `line` under `{job}`, zstd as agents send it. */
  function logBatch(job: string, n: number, line: string, t0: bigint): Uint8Array {
    const enc = new BatchEncoder();
    const labels = labelsFromRecord({ job });
    for (let i = 0; i < n; i++) enc.addLog({ timeNs: t0 + BigInt(i), labels, line, fields: [] });
    return enc.finish();
  }

  async function publishLogs(tenant: string, raw: Uint8Array, msgId: string): Promise<void> {
    await publishBatch(nc, compress("zstd", raw), {
      tenant,
      signal: "logs",
      codec: "zstd",
      checksum: checksumOf(raw),
      msgId,
    });
  }

  async function scrape(): Promise<string> {
    return (await fetch(`${aggregator.url}/metrics`)).text();
  }

  function value(text: string, series: string): number {
    const line = text.split("\n").find((l) => l.startsWith(`${series} `));
    return line ? Number(line.slice(series.length + 1)) : 0;
  }

  test("is limited and counted, while the default tenant's lines all arrive in bounded memory", async () => {
    const peakBefore = peakRss(aggregator.proc.pid);
    const now = BigInt(Date.now()) * 1_000_000n;
    const calmLine = "calm line";
    for (let b = 0; b < FLOOD_BATCHES; b++) {
      const raw = logBatch("flood", LINES_PER_BATCH, LINE, now + BigInt(b * LINES_PER_BATCH));
      await publishLogs("flood", raw, `flood-${b}`);
      if (b % 24 === 0) await publishLogs("default", logBatch("calm", 10, calmLine, now), `c-${b}`);
    }
    await waitForAllAcked(nc, 60_000);

    const text = await scrape();
    const refused = value(
      text,
      'outpost_tenant_rejected_log_bytes_total{tenant="flood",reason="rate_limited"}',
    );
    const parked = value(text, 'outpost_ingest_dead_lettered_batches_total{reason="rate_limited"}');
    const ingested = value(text, "outpost_logs_ingested_bytes_total");
    const calmBytes = CALM * 10 * calmLine.length;
    // Every flood batch was either stored or parked, whole.
    expect(refused).toBe(parked * LINES_PER_BATCH * LINE.length);
    expect(ingested - calmBytes + refused).toBe(FLOOD_BYTES);
    expect(parked).toBeGreaterThan(FLOOD_BATCHES / 2);
    expect(
      value(text, 'outpost_tenant_throttled_batches_total{tenant="flood",signal="logs"}'),
    ).toBeGreaterThan(0);

    const q = encodeURIComponent('{job="calm"}');
    const res = await fetch(
      `${aggregator.url}/loki/api/v1/query_range?query=${q}&start=${now - 1_000_000_000n}&end=${now + 60_000_000_000n}&limit=1000`,
    );
    const body = (await res.json()) as { data: { result: { values: unknown[] }[] } };
    expect(body.data.result.flatMap((s) => s.values)).toHaveLength(CALM * 10);

    const growth = peakRss(aggregator.proc.pid) - peakBefore;
    console.log(
      `flood ${FLOOD_BYTES / MiB} MiB of lines; peak RSS grew ${(growth / MiB).toFixed(1)} MiB`,
    );
    // Measured on 2 cores: 83 MiB for a 60 MiB flood, 112-117 MiB for 240 MiB (not proportional).
    expect(growth).toBeLessThan((FLOOD_BYTES * 2) / 3);
  }, 90_000);
});
