import { describe, expect, test } from "bun:test";
import type { DecodedLogs } from "../../../shared/codec/decode_logs.ts";
import { Registry } from "../../../shared/metrics/registry.ts";
import { type Labels, labelsFromRecord } from "../../../shared/model/labels.ts";
import { costlyPattern, costlyText } from "../../../shared/regex/testing.ts";
import { CostlyTailError, SlowTailError, TailRegistry } from "./registry.ts";

/** A decoded batch: `rows` of [stream index, line]. */
function batch(rows: [number, string][]): DecodedLogs {
  return {
    length: rows.length,
    stream: Int32Array.from(rows, (r) => r[0]),
    timeNs: BigInt64Array.from(rows, (_, i) => BigInt(i)),
    lines: rows.map((r) => r[1]),
    fields: rows.map(() => []),
    lineBytes: rows.reduce((n, r) => n + r[1].length, 0),
  };
}

const streams: Labels[] = [
  labelsFromRecord({ app: "api", level: "error" }),
  labelsFromRecord({ app: "web", level: "info" }),
];
const apiErrors = {
  matchers: [{ name: "app", type: "=" as const, value: "api" }],
  lineFilters: [{ op: "|=" as const, value: "boom" }],
};

describe("TailRegistry", () => {
  test("offer() queues only the lines whose stream and line filters match, per tenant", () => {
    const tails = new TailRegistry();
    const sub = tails.subscribe("default", apiErrors, 10);
    const other = tails.subscribe("other", apiErrors, 10);
    tails.offer(
      "default",
      streams,
      batch([
        [0, "boom 1"],
        [0, "fine"],
        [1, "boom web"],
        [0, "boom 2"],
      ]),
    );
    expect(sub.take().map((l) => l.line)).toEqual(["boom 1", "boom 2"]);
    expect(other.take()).toEqual([]);
  });

  test("a subscription whose queue overflows is dropped and counted; the others go on", () => {
    const registry = new Registry();
    const tails = new TailRegistry(registry);
    const slow = tails.subscribe("default", apiErrors, 2);
    const fast = tails.subscribe("default", apiErrors, 100);
    for (let i = 0; i < 3; i++) {
      tails.offer("default", streams, batch([[0, `boom ${i}`]]));
      fast.take();
    }
    expect(slow.failure).toBeInstanceOf(SlowTailError);
    expect(slow.closed).toBe(true);
    expect(fast.closed).toBe(false);
    expect(tails.size).toBe(1);
    expect(registry.render()).toMatch(/^outpost_logs_tail_dropped_total 1$/m);
    tails.offer("default", streams, batch([[0, "boom after"]]));
    expect(fast.take().map((l) => l.line)).toEqual(["boom after"]);
  });

  test("ready() resolves when a line is queued and when the subscription closes", async () => {
    const tails = new TailRegistry();
    const sub = tails.subscribe("default", apiErrors, 10);
    const signal = new AbortController().signal;
    const waiting = sub.ready(signal);
    tails.offer("default", streams, batch([[0, "boom"]]));
    await waiting;
    expect(sub.take()).toHaveLength(1);
    const closing = sub.ready(signal);
    sub.close();
    await closing;
    expect(tails.size).toBe(0);
  });

  test("a tail whose filter regex costs ingest more than its share is ended and counted; the others go on", () => {
    const registry = new Registry();
    const tails = new TailRegistry(registry);
    // Pinned at both ends, four runs of a thousand `.?` find no match late: hundreds of ms a line.
    const costly = tails.subscribe(
      "default",
      { matchers: [], lineFilters: [{ op: "|~", value: costlyPattern("q", true) }] },
      1_000,
    );
    const plain = tails.subscribe("default", { matchers: [], lineFilters: [] }, 1_000);
    const lines = Array.from({ length: 50 }, (_, i): [number, string] => [
      0,
      costlyText(`line ${i} `),
    ]);
    const began = performance.now();
    tails.offer("default", streams, batch(lines));
    // Unbounded, the batch would hold ingest for 50 lines at hundreds of ms each.
    expect(performance.now() - began).toBeLessThan(5_000);
    expect(costly.failure).toBeInstanceOf(CostlyTailError);
    expect(costly.closed).toBe(true);
    expect(plain.take()).toHaveLength(50);
    expect(tails.size).toBe(1);
    expect(registry.render()).toMatch(/^outpost_logs_tail_costly_total 1$/m);
  });

  test("a regex filter that costs little follows ingest however many lines come", () => {
    const tails = new TailRegistry();
    const sub = tails.subscribe(
      "default",
      { matchers: [], lineFilters: [{ op: "|~", value: "line [0-9]+ (a|b)" }] },
      100_000,
    );
    for (let round = 0; round < 20; round++) {
      const lines = Array.from({ length: 1_000 }, (_, i): [number, string] => [0, `line ${i} b`]);
      tails.offer("default", streams, batch(lines));
    }
    expect(sub.failure).toBeUndefined();
    expect(sub.take()).toHaveLength(20_000);
  });
});
