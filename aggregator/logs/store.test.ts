import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeBatch } from "../../shared/codec/decode.ts";
import { BatchEncoder } from "../../shared/codec/encode.ts";
import { labelsFromRecord } from "../../shared/model/labels.ts";
import type { LogRecord } from "../../shared/model/log.ts";
import type { Catalog } from "../storage/catalog/catalog.ts";
import { collect } from "../storage/parquet/logs/testing.ts";
import { MemoryLogs } from "./memory.ts";
import type { LogBucketParams, LogQueryable, LogSelectParams } from "./source.ts";
import type { LogsStore } from "./store.ts";
import { testLogsStore } from "./testing.ts";

const HOUR = 3_600_000_000_000n;
// Spans several hours, so a flush writes one file per hour.
const T0 = 1_763_701_200_000_000_000n - HOUR / 2n;
const STREAMS = [
  { job: "app", level: "info" },
  { job: "app", level: "error" },
  { job: "db", level: "info" },
].map(labelsFromRecord);

/** Records in batches as agents send them: times interleave across streams, some ties. */
function batches(): LogRecord[][] {
  const out: LogRecord[][] = [];
  let seed = 7;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed;
  };
  for (let b = 0; b < 12; b++) {
    const batch: LogRecord[] = [];
    for (let i = 0; i < 200; i++) {
      const t = T0 + BigInt(b * 200 + i) * 10_000_000_000n + BigInt(rand() % 3) * 1_000_000_000n;
      const labels = STREAMS[rand() % STREAMS.length];
      batch.push({
        timeNs: t,
        labels,
        line: `line ${b}/${i} ${rand() % 5 === 0 ? "timeout" : "ok"}`,
        fields: [],
      });
    }
    out.push(batch);
  }
  return out;
}

const SELECTS: Partial<LogSelectParams>[] = [
  { direction: "forward" },
  { direction: "backward" },
  { direction: "backward", matchers: [{ name: "job", type: "=", value: "app" }] },
  { direction: "forward", lineFilters: [{ op: "|=", value: "timeout" }] },
  { direction: "forward", startNs: T0 + HOUR / 3n, endNs: T0 + HOUR },
];

describe("LogsStore", () => {
  let root: string;
  let store: LogsStore;
  let catalog: Catalog;
  const memory = new MemoryLogs();
  const acked: number[] = [];

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "outpost-logs-store-"));
    ({ store, catalog } = await testLogsStore(root, (refs) => acked.push(...refs)));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  async function same(source: LogQueryable, reference: LogQueryable): Promise<void> {
    for (const p of SELECTS) {
      const params: LogSelectParams = {
        matchers: [{ name: "job", type: "=~", value: ".+" }],
        startNs: T0 - HOUR,
        endNs: T0 + 2n * HOUR,
        lineFilters: [],
        limitHint: 0,
        direction: "forward",
        ...p,
      };
      const [a, b] = await Promise.all(
        [source, reference].map(async (q) => {
          const querier = await q.querier();
          try {
            return await collect(querier.select(params));
          } finally {
            querier.close();
          }
        }),
      );
      // Equal times may come in any stable order: compare as sorted multisets and times in order.
      expect(a.map((r) => r.t)).toEqual(b.map((r) => r.t));
      const key = (r: { t: bigint; line: string; labels: Record<string, string> }) =>
        `${r.t} ${r.line} ${JSON.stringify(r.labels)}`;
      expect(a.map(key).sort()).toEqual(b.map(key).sort());
    }
    const bucketParams: LogBucketParams = {
      matchers: [{ name: "job", type: "=~", value: ".+" }],
      lineFilters: [{ op: "|=", value: "timeout" }],
      startNs: T0 - 1n,
      bucketNs: 300_000_000_000n,
      buckets: 12,
    };
    const [x, y] = await Promise.all(
      [source, reference].map(async (q) => {
        const querier = await q.querier();
        const b = await querier.buckets!(bucketParams);
        querier.close();
        const cells = new Map<string, number>();
        for (let i = 0; i < b.length; i++) {
          const k = `${b.streams[b.stream[i]].join(",")}#${b.bucket[i]}`;
          cells.set(k, (cells.get(k) ?? 0) + b.count[i]);
        }
        return Object.fromEntries([...cells].sort());
      }),
    );
    expect(x).toEqual(y);
  }

  test("reads what it holds like the reference, from the head, from head and files, and from files", async () => {
    const all = batches();
    all.forEach((records, seq) => {
      const enc = new BatchEncoder();
      for (const r of records) enc.addLog(r);
      const batch = decodeBatch(enc.finish());
      store.accept(
        { tenant: "default", signal: "logs", agent: "a", batch, checked: true },
        seq + 1,
      );
      memory.append(records);
    });
    const queryable = store.queryable("default");
    await same(queryable, memory);
    expect(acked).toEqual([]);
    await store.flush();
    expect(acked.sort((a, b) => a - b)).toEqual(all.map((_, i) => i + 1));
    const hours = new Set(all.flat().map((r) => r.timeNs / HOUR)).size;
    expect(catalog.all().filter((f) => f.signal === "logs").length).toBe(hours);
    await same(queryable, memory);
    // New records on top of the files: the union merges both in time order.
    const more = batches()[0].map((r) => ({ ...r, line: `${r.line} again` }));
    const enc = new BatchEncoder();
    for (const r of more) enc.addLog(r);
    store.accept(
      {
        tenant: "default",
        signal: "logs",
        agent: "a",
        batch: decodeBatch(enc.finish()),
        checked: true,
      },
      99,
    );
    memory.append(more);
    await same(queryable, memory);
  });
});
