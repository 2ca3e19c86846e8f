import { describe, expect, test } from "bun:test";
import { labelsToMap } from "../../../shared/model/labels.ts";
import {
  historyBatchMsgId,
  historyMsgId,
  historyRecordId,
  type NotificationRecord,
  type StateRecord,
  toLogRecord,
  withoutUrls,
} from "./record.ts";

const state: StateRecord = {
  kind: "state",
  time: 1000,
  state: "firing",
  source: "rules",
  alertname: "A",
  fingerprint: "f",
  labels: { alertname: "A" },
};
const attempt: NotificationRecord = {
  kind: "notification",
  time: 2000,
  receiver: "r",
  integration: "r/webhook/0",
  groupKey: "{}:{}",
  groupLabels: {},
  alerts: [],
  outcome: "success",
  latencyMs: 3,
  attempt: 1,
};

describe("history records", () => {
  test("toLogRecord() writes the record as a JSON line in its kind's stream", () => {
    const r = toLogRecord(state);
    expect(Object.fromEntries(labelsToMap(r.labels))).toEqual({
      alertname: "A",
      job: "outpost",
      kind: "state",
      stream: "alert_history",
    });
    expect(r.timeNs).toBe(1_000_000_000n);
    expect(JSON.parse(r.line)).toEqual({ id: historyRecordId(state), ...state });
    expect(labelsToMap(toLogRecord(attempt).labels).get("receiver")).toBe("r");
  });

  test("the line is the record after its id, byte for byte as JSON.stringify({ id, ...r })", () => {
    for (const r of [state, attempt, { ...state, annotations: { summary: 'a "b" \u00e9' } }]) {
      const id = historyRecordId(r);
      expect(toLogRecord(r).line).toBe(JSON.stringify({ id, ...r }));
    }
    // A record read back carries its id: the spread's rule holds (its own id wins, in first place).
    const read: StateRecord = { ...state, id: "x" };
    expect(toLogRecord(read, "y").line).toBe(`{"id":"x",${JSON.stringify(state).slice(1)}`);
  });

  test("historyMsgId() is the same for the same change and differs for any other", () => {
    expect(historyMsgId("t", state)).toBe(historyMsgId("t", { ...state, labels: {} }));
    for (const other of [
      { ...state, time: 1001 },
      { ...state, state: "resolved" as const },
      { ...state, source: "notifier" as const },
      { ...state, fingerprint: "g" },
    ])
      expect(historyMsgId("t", other)).not.toBe(historyMsgId("t", state));
    expect(historyMsgId("t", attempt)).not.toBe(historyMsgId("t", { ...attempt, attempt: 2 }));
    expect(historyMsgId("u", state)).not.toBe(historyMsgId("t", state));
  });

  test("historyBatchMsgId() follows its records' ids; a batch of one keeps the record's message id", () => {
    const [a, b] = [historyRecordId(state), historyRecordId(attempt)];
    expect(historyBatchMsgId("t", [a])).toBe(historyMsgId("t", state));
    expect(historyBatchMsgId("t", [a, b])).toBe(historyBatchMsgId("t", [a, b]));
    expect(historyBatchMsgId("t", [a, b])).not.toBe(historyBatchMsgId("t", [b, a]));
    expect(historyBatchMsgId("t", [a, b])).not.toBe(historyBatchMsgId("t", [a]));
    expect(historyBatchMsgId("u", [a, b])).not.toBe(historyBatchMsgId("t", [a, b]));
  });

  test("withoutUrls() hides URLs, which may hold tokens", () => {
    expect(withoutUrls('Post "https://hooks.slack.com/services/T0/B0/secret": EOF')).toBe(
      'Post "<url>": EOF',
    );
    expect(withoutUrls("unexpected status code 400")).toBe("unexpected status code 400");
  });
});
