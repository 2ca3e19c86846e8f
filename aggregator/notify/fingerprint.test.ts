import { describe, expect, test } from "bun:test";
import { fingerprint } from "./fingerprint.ts";

// Values Alertmanager 0.25 printed for the same label sets (GET /api/v2/alerts).
const CASES: [Record<string, string>, string][] = [
  [{ alertname: "B", instance: "i:9é" }, "66fe911c569118c3"],
  [{ Z: "q", alertname: "A", severity: "crit" }, "aa5c82f58b64e8ed"],
  [{ severity: "crit", alertname: "A", Z: "q" }, "aa5c82f58b64e8ed"],
  [{}, "cbf29ce484222325"],
];

describe("fingerprint()", () => {
  test.each(CASES)("fingerprint(%o) is %s as Alertmanager prints it", (labels, want) => {
    expect(fingerprint(labels)).toBe(want);
  });
});
