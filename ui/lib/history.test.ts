import { expect, test } from "bun:test";
import { lanesOf, marksOf, type RecordLike, timeTicks } from "./history.ts";

const state = (t: number, fp: string, s: string): RecordLike => ({
  timeMs: BigInt(t),
  record: {
    case: "state",
    value: {
      state: s,
      source: "rules",
      alertname: "Hot",
      fingerprint: fp,
      labels: [
        { name: "alertname", value: "Hot" },
        { name: "i", value: fp },
      ],
    },
  },
});
const sent = (t: number, outcome: string, fps: string[]): RecordLike => ({
  timeMs: BigInt(t),
  record: {
    case: "notification",
    value: {
      receiver: "ops",
      integration: "ops/webhook/0",
      outcome,
      reason: outcome === "success" ? "" : "serverError",
      error: "",
      attempt: 1,
      alerts: fps.map((fingerprint) => ({ fingerprint, alertname: "Hot", status: "firing" })),
    },
  },
});
const records = [
  sent(40, "failed", ["a"]),
  sent(30, "success", ["a", "b"]),
  state(20, "b", "firing"),
  state(10, "a", "firing"),
];

test("marksOf() turns outcomes into the statuses the timeline colours and says why one failed", () => {
  const marks = marksOf(records);
  expect(marks.map((m) => m.status)).toEqual(["failed", "notified", "firing", "firing"]);
  expect(marks[0].text).toBe("ops/webhook/0 failed (attempt 1) for 1 alert: Hot: serverError");
  expect(marks[3].text).toBe("Hot firing (rules) i=a");
});

test("lanesOf() by alert puts a notification in each of its alerts' lanes, oldest first", () => {
  const lanes = lanesOf(marksOf(records), "alert");
  expect(lanes.map((l) => [l.label, l.marks.map((m) => m.timeMs)])).toEqual([
    ["Hot i=a", [10, 30, 40]],
    ["Hot i=b", [20, 30]],
  ]);
});

test("lanesOf() by receiver holds the notifications only", () => {
  const lanes = lanesOf(marksOf(records), "receiver");
  expect(lanes.map((l) => [l.label, l.marks.length])).toEqual([["ops", 2]]);
});

test("timeTicks() picks a round step giving at most the number asked", () => {
  const start = Date.UTC(2026, 0, 1, 10, 7);
  const ticks = timeTicks(start, start + 3_600_000, 8);
  expect(ticks.length).toBeLessThanOrEqual(8);
  expect(ticks.length).toBeGreaterThanOrEqual(4);
  expect(ticks[1] - ticks[0]).toBe(900_000);
  expect(ticks[0]).toBeGreaterThanOrEqual(start);
});
