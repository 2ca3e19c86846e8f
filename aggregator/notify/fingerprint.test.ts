import { describe, expect, test } from "bun:test";
import { fingerprint, fingerprintReference } from "./fingerprint.ts";

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
    expect(fingerprintReference(labels)).toBe(want);
  });

  test("gives what the BigInt reference gives, on ASCII, Unicode, long and empty values", () => {
    let seed = 11;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const alphabet = ["a", "Z", "_", "0", "é", "日", "😀", "\x7f", " ", "\xff", '"', "="];
    const text = (max: number) =>
      Array.from({ length: random(max) }, () => alphabet[random(alphabet.length)]).join("");
    for (let i = 0; i < 2_000; i++) {
      const labels: Record<string, string> = {};
      for (let j = random(6); j > 0; j--) labels[text(8) || "n"] = text(i % 100 === 0 ? 3000 : 20);
      expect(fingerprint(labels)).toBe(fingerprintReference(labels));
    }
  });
});
