import { describe, expect, test } from "bun:test";
import { Registry } from "../../../shared/metrics/registry.ts";
import type { LogRecord } from "../../../shared/model/log.ts";
import { type Batching, DEFAULT_BATCHING, UNBATCHED } from "./batch.ts";
import { historyMsgId, historyRecordId, type StateRecord } from "./record.ts";
import { type HistoryPublisher, HistoryWriter } from "./writer.ts";

const T = 1_700_000_000_000;
const state = (i: number): StateRecord => ({
  kind: "state",
  time: T + i,
  state: "firing",
  source: "notifier",
  alertname: "A",
  fingerprint: `f${i}`,
  labels: { alertname: "A", i: String(i) },
});

interface Sent {
  msgId: string;
  records: readonly LogRecord[];
  at: number;
}

/** A publisher that keeps messages in memory and, as JetStream does, drops a repeated msg id. */
function memory(hang = false) {
  const sent: Sent[] = [];
  const ids = new Set<string>();
  const publisher: HistoryPublisher = {
    publish: (b) => {
      if (hang) return new Promise(() => {});
      const duplicate = ids.has(b.msgId);
      ids.add(b.msgId);
      if (!duplicate) sent.push({ msgId: b.msgId, records: b.records, at: performance.now() });
      return Promise.resolve({ duplicate });
    },
  };
  return { sent, publisher };
}

function writer(batching: Batching, hang = false) {
  const registry = new Registry();
  const { sent, publisher } = memory(hang);
  const w = new HistoryWriter(publisher, "t", registry, batching);
  const outcome = (o: string) =>
    registry.counter("outpost_alert_history_records_total", "", ["kind", "outcome"]).labels({
      kind: "state",
      outcome: o,
    }).value;
  const lines = () => sent.flatMap((m) => m.records.map((r) => r.line));
  return { w, sent, outcome, lines };
}

describe("HistoryWriter", () => {
  test("batched, it stores the same lines as one message per record, in fewer messages", async () => {
    const one = writer(UNBATCHED);
    const many = writer(DEFAULT_BATCHING);
    for (let i = 0; i < 2500; i++) {
      one.w.record(state(i));
      many.w.record(state(i));
    }
    await Promise.all([one.w.drained(), many.w.drained()]);
    expect(one.sent.length).toBe(2500);
    expect(one.sent[7].msgId).toBe(historyMsgId("t", state(7)));
    expect(many.sent.map((m) => m.records.length)).toEqual([1000, 1000, 500]);
    expect(many.lines().sort()).toEqual(one.lines().sort());
    expect(JSON.parse(many.lines()[3]).id).toBe(historyRecordId(state(3)));
    expect([one.outcome("stored"), many.outcome("stored")]).toEqual([2500, 2500]);
  });

  test("the same records batched the same way again are a duplicate", async () => {
    const { w, sent, outcome } = writer({ ...DEFAULT_BATCHING, maxRecords: 10 });
    for (let round = 0; round < 2; round++) for (let i = 0; i < 20; i++) w.record(state(i));
    await w.drained();
    expect(sent.length).toBe(2);
    expect([outcome("stored"), outcome("duplicate")]).toEqual([20, 20]);
  });

  test("a batch is cut at its byte cap", async () => {
    const { w, sent } = writer({ maxRecords: 1000, maxBytes: 1000, lingerMs: 10_000 });
    for (let i = 0; i < 20; i++) w.record(state(i));
    await w.drained();
    const bytes = sent.map((m) => m.records.reduce((n, r) => n + r.line.length, 0));
    expect(sent.length).toBeGreaterThan(1);
    for (const b of bytes) expect(b).toBeLessThanOrEqual(1000);
    expect(sent.reduce((n, m) => n + m.records.length, 0)).toBe(20);
  });

  test("records wait for the linger, then go out together", async () => {
    const { w, sent } = writer({ ...DEFAULT_BATCHING, lingerMs: 150 });
    const t0 = performance.now();
    w.record(state(1));
    await Bun.sleep(50);
    w.record(state(2));
    expect(sent.length).toBe(0);
    await Bun.sleep(250);
    expect(sent.length).toBe(1);
    expect(sent[0].records.length).toBe(2);
    expect(sent[0].at - t0).toBeGreaterThanOrEqual(140);
  });

  test("a stop sends the open batch at once, without waiting for the linger", async () => {
    const { w, sent, outcome } = writer({ ...DEFAULT_BATCHING, lingerMs: 60_000 });
    for (let i = 0; i < 5; i++) w.record(state(i));
    await w.stop(1_000);
    expect(sent.length).toBe(1);
    expect(outcome("stored")).toBe(5);
    w.record(state(9));
    expect(outcome("dropped")).toBe(1);
  });

  test("a stop that cannot publish in time drops what is queued, counted", async () => {
    // 16 batches hang in flight; the 4 queued behind them are dropped at the stop.
    const { w, outcome } = writer(UNBATCHED, true);
    for (let i = 0; i < 20; i++) w.record(state(i));
    const t0 = performance.now();
    await w.stop(100);
    expect(performance.now() - t0).toBeLessThan(1_000);
    expect(outcome("dropped")).toBe(4);
  });
});
