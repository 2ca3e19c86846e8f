import { describe, expect, test } from "bun:test";
import { MemoryLogs } from "../../logs/memory.ts";
import { queryHistory } from "./query.ts";
import { type HistoryRecord, historyRecordId, type StateRecord, toLogRecord } from "./record.ts";

const T = 1_700_000_000_000;
const state = (i: number, state: StateRecord["state"] = "firing"): StateRecord => ({
  kind: "state",
  time: T + i * 1000,
  state,
  source: "notifier",
  alertname: "A",
  fingerprint: `f${i}`,
  labels: { alertname: "A" },
});
const ask = { startMs: T - 1, endMs: T + 60_000, matchers: [], limit: 100 };
const summary = (rs: HistoryRecord[]) =>
  (rs as StateRecord[]).map((r) => `${r.fingerprint}/${r.state}`);

describe("queryHistory()", () => {
  test("lists a record written twice (a takeover regrouping its batch) once", async () => {
    const logs = new MemoryLogs();
    const records = [state(1), state(2), state(2, "resolved"), state(3)];
    logs.append(records.map((r) => toLogRecord(r)));
    logs.append([toLogRecord(state(2)), toLogRecord(state(3))]);
    const rs = await queryHistory(logs, ask);
    expect(summary(rs).sort()).toEqual(["f1/firing", "f2/firing", "f2/resolved", "f3/firing"]);
    expect(rs[0].time).toBe(T + 3000);
  });

  test("a line written before batching, without an id, is the same record as one with it", async () => {
    const logs = new MemoryLogs();
    const legacy = { ...toLogRecord(state(1)), line: JSON.stringify(state(1)) };
    logs.append([legacy, toLogRecord(state(1)), toLogRecord(state(2))]);
    const rs = await queryHistory(logs, ask);
    expect(rs.length).toBe(2);
    expect(rs.every((r) => r.id === undefined || r.id === historyRecordId(r))).toBe(true);
  });
});
